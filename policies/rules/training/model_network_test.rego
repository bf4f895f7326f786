package lockdown.rules.training.model_network_test

import rego.v1

import data.lockdown.rules.training.model_network

unknown := "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

model(props) := {
	"urn": "urn:pulumi:dev::lockdown::aws:sagemaker/model:Model::typing-model",
	"type": "aws:sagemaker/model:Model",
	"name": "typing-model",
	"properties": object.union({"executionRoleArn": "arn:aws:iam::111122223333:role/sm"}, props),
	"unknowns": [],
}

findings_for(props) := findings if {
	findings := model_network.deny with input as {"resources": [model(props)]}
		with data.lockdown.config as {}
}

vpc := {"subnets": ["subnet-1"], "securityGroupIds": ["sg-1"]}

test_no_vpc_no_isolation_is_denied if {
	record := {
		"urn": "urn:pulumi:dev::lockdown::aws:sagemaker/model:Model::typing-model",
		"type": "aws:sagemaker/model:Model",
		"name": "typing-model",
		"properties": {"executionRoleArn": "arn:aws:iam::111122223333:role/sm"},
		"unknowns": [],
	}
	findings := model_network.deny with input as {"resources": [record]}
		with data.lockdown.config as {}
	count(findings) == 1
	some f in findings
	contains(f.msg, "'typing-model' is neither in a VPC")
}

test_vpc_is_allowed if {
	record := {
		"urn": "urn:pulumi:dev::lockdown::aws:sagemaker/model:Model::typing-model",
		"type": "aws:sagemaker/model:Model",
		"name": "typing-model",
		"properties": {"executionRoleArn": "arn:aws:iam::111122223333:role/sm", "vpcConfig": {"subnets": ["subnet-1"], "securityGroupIds": ["sg-1"]}},
		"unknowns": [],
	}
	findings := model_network.deny with input as {"resources": [record]}
		with data.lockdown.config as {}
	count(findings) == 0
}

test_vpc_without_subnets_is_denied if {
	count(findings_for({"vpcConfig": {"subnets": [], "securityGroupIds": ["sg-1"]}})) == 1
}

test_unknown_isolation_without_vpc_is_denied if {
	some f in findings_for({"enableNetworkIsolation": unknown})
	contains(f.msg, "unknown at plan time")
}

test_isolation_without_vpc_is_allowed if {
	count(findings_for({"enableNetworkIsolation": true})) == 0
}

test_vpc_from_unknown_output_is_allowed if {
	count(findings_for({"vpcConfig": unknown})) == 0
}

test_public_model_without_vpc_is_denied if {
	count(findings_for({"tags": {"data-classification": "public"}})) == 1
}
