package lockdown.rules.training.notebook_network_isolated_test

import rego.v1

import data.lockdown.rules.training.notebook_network_isolated

unknown := "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

notebook(props) := {
	"urn": "urn:pulumi:dev::lockdown::aws:sagemaker/notebookInstance:NotebookInstance::research",
	"type": "aws:sagemaker/notebookInstance:NotebookInstance",
	"name": "research",
	"properties": object.union({"instanceType": "ml.t3.medium", "roleArn": "arn:aws:iam::111122223333:role/sm"}, props),
	"unknowns": [],
}

findings_for(props) := findings if {
	findings := notebook_network_isolated.deny with input as {"resources": [notebook(props)]}
		with data.lockdown.config as {}
}

test_default_internet_access_outside_vpc_is_denied if {
	record := {
		"urn": "urn:pulumi:dev::lockdown::aws:sagemaker/notebookInstance:NotebookInstance::research",
		"type": "aws:sagemaker/notebookInstance:NotebookInstance",
		"name": "research",
		"properties": {"instanceType": "ml.t3.medium", "roleArn": "arn:aws:iam::111122223333:role/sm"},
		"unknowns": [],
	}
	findings := notebook_network_isolated.deny with input as {"resources": [record]}
		with data.lockdown.config as {}
	count(findings) == 2
	some f in findings
	contains(f.msg, "direct internet access (directInternetAccess Enabled)")
	some g in findings
	contains(g.msg, "not in a VPC")
}

test_disabled_internet_in_vpc_is_allowed if {
	record := {
		"urn": "urn:pulumi:dev::lockdown::aws:sagemaker/notebookInstance:NotebookInstance::research",
		"type": "aws:sagemaker/notebookInstance:NotebookInstance",
		"name": "research",
		"properties": {
			"instanceType": "ml.t3.medium",
			"directInternetAccess": "Disabled",
			"subnetId": "subnet-0abc",
			"securityGroups": ["sg-1"],
		},
		"unknowns": [],
	}
	findings := notebook_network_isolated.deny with input as {"resources": [record]}
		with data.lockdown.config as {}
	count(findings) == 0
}

test_internet_access_in_vpc_is_denied if {
	findings := findings_for({"subnetId": "subnet-0abc", "directInternetAccess": "Enabled"})
	count(findings) == 1
}

test_unknown_internet_access_is_denied if {
	some f in findings_for({"subnetId": "subnet-0abc", "directInternetAccess": unknown})
	contains(f.msg, "unknown at plan time")
}

test_subnet_from_unknown_output_is_allowed if {
	count(findings_for({"subnetId": unknown, "directInternetAccess": "Disabled"})) == 0
}

test_public_notebook_is_allowed if {
	count(findings_for({"tags": {"data-classification": "public"}})) == 0
}
