package lockdown.rules.training.training_job_network_test

import rego.v1

import data.lockdown.rules.training.training_job_network

unknown := "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

job(props) := {
	"urn": "urn:pulumi:dev::lockdown::aws:sagemaker/trainingJob:TrainingJob::typing",
	"type": "aws:sagemaker/trainingJob:TrainingJob",
	"name": "typing",
	"properties": object.union({"roleArn": "arn:aws:iam::111122223333:role/trainer", "trainingJobName": "typing"}, props),
	"unknowns": [],
}

findings_for(props) := findings if {
	findings := training_job_network.deny with input as {"resources": [job(props)]}
		with data.lockdown.config as {}
}

test_no_vpc_no_isolation_is_denied if {
	record := {
		"urn": "urn:pulumi:dev::lockdown::aws:sagemaker/trainingJob:TrainingJob::typing",
		"type": "aws:sagemaker/trainingJob:TrainingJob",
		"name": "typing",
		"properties": {"roleArn": "arn:aws:iam::111122223333:role/trainer", "trainingJobName": "typing"},
		"unknowns": [],
	}
	findings := training_job_network.deny with input as {"resources": [record]}
		with data.lockdown.config as {}
	count(findings) == 1
	some f in findings
	contains(f.msg, "'typing' is neither in a VPC")
}

test_vpc_is_allowed if {
	record := {
		"urn": "urn:pulumi:dev::lockdown::aws:sagemaker/trainingJob:TrainingJob::typing",
		"type": "aws:sagemaker/trainingJob:TrainingJob",
		"name": "typing",
		"properties": {
			"roleArn": "arn:aws:iam::111122223333:role/trainer",
			"vpcConfig": {"subnets": ["subnet-1"], "securityGroupIds": ["sg-1"]},
		},
		"unknowns": [],
	}
	findings := training_job_network.deny with input as {"resources": [record]}
		with data.lockdown.config as {}
	count(findings) == 0
}

test_unknown_isolation_is_denied if {
	some f in findings_for({"enableNetworkIsolation": unknown})
	contains(f.msg, "unknown at plan time")
}

test_vpc_from_unknown_output_is_allowed if {
	count(findings_for({"vpcConfig": unknown})) == 0
}

test_isolation_is_allowed if {
	count(findings_for({"enableNetworkIsolation": true})) == 0
}

test_public_job_is_allowed if {
	count(findings_for({"tags": {"data-classification": "public"}})) == 0
}
