package lockdown.rules.training.model_network_isolation_test

import rego.v1

import data.lockdown.rules.training.model_network_isolation

unknown := "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

model(props) := {
	"urn": "urn:pulumi:dev::lockdown::aws:sagemaker/model:Model::typing-model",
	"type": "aws:sagemaker/model:Model",
	"name": "typing-model",
	"properties": object.union({"vpcConfig": {"subnets": ["subnet-1"], "securityGroupIds": ["sg-1"]}}, props),
	"unknowns": [],
}

findings_for(props) := findings if {
	findings := model_network_isolation.deny with input as {"resources": [model(props)]}
		with data.lockdown.config as {}
}

test_restricted_model_without_isolation_is_denied if {
	record := {
		"urn": "urn:pulumi:dev::lockdown::aws:sagemaker/model:Model::typing-model",
		"type": "aws:sagemaker/model:Model",
		"name": "typing-model",
		"properties": {"vpcConfig": {"subnets": ["subnet-1"], "securityGroupIds": ["sg-1"]}},
		"unknowns": [],
	}
	findings := model_network_isolation.deny with input as {"resources": [record]}
		with data.lockdown.config as {}
	count(findings) == 1
	some f in findings
	contains(f.msg, "'typing-model' (restricted) is not network isolated")
}

test_isolated_model_is_allowed if {
	record := {
		"urn": "urn:pulumi:dev::lockdown::aws:sagemaker/model:Model::typing-model",
		"type": "aws:sagemaker/model:Model",
		"name": "typing-model",
		"properties": {"vpcConfig": {"subnets": ["subnet-1"], "securityGroupIds": ["sg-1"]}, "enableNetworkIsolation": true},
		"unknowns": [],
	}
	findings := model_network_isolation.deny with input as {"resources": [record]}
		with data.lockdown.config as {}
	count(findings) == 0
}

test_unknown_isolation_is_denied if {
	some f in findings_for({"enableNetworkIsolation": unknown})
	contains(f.msg, "unknown at plan time")
}

test_internal_model_without_isolation_is_allowed if {
	count(findings_for({"tags": {"data-classification": "internal"}})) == 0
}
