package lockdown.rules.training.notebook_encrypted_test

import rego.v1

import data.lockdown.rules.training.notebook_encrypted

notebook(props) := {
	"urn": "urn:pulumi:dev::lockdown::aws:sagemaker/notebookInstance:NotebookInstance::research",
	"type": "aws:sagemaker/notebookInstance:NotebookInstance",
	"name": "research",
	"properties": props,
	"unknowns": [],
}

findings_for(props) := findings if {
	findings := notebook_encrypted.deny with input as {"resources": [notebook(props)]}
		with data.lockdown.config as {}
}

test_no_key_is_denied if {
	record := {
		"urn": "urn:pulumi:dev::lockdown::aws:sagemaker/notebookInstance:NotebookInstance::research",
		"type": "aws:sagemaker/notebookInstance:NotebookInstance",
		"name": "research",
		"properties": {"instanceType": "ml.t3.medium", "roleArn": "arn:aws:iam::111122223333:role/sm"},
		"unknowns": [],
	}
	findings := notebook_encrypted.deny with input as {"resources": [record]}
		with data.lockdown.config as {}
	count(findings) == 1
	some f in findings
	contains(f.msg, "'research' has no kmsKeyId")
}

test_key_is_allowed if {
	record := {
		"urn": "urn:pulumi:dev::lockdown::aws:sagemaker/notebookInstance:NotebookInstance::research",
		"type": "aws:sagemaker/notebookInstance:NotebookInstance",
		"name": "research",
		"properties": {"instanceType": "ml.t3.medium", "kmsKeyId": "arn:aws:kms:eu-west-1:111122223333:key/abc"},
		"unknowns": [],
	}
	findings := notebook_encrypted.deny with input as {"resources": [record]}
		with data.lockdown.config as {}
	count(findings) == 0
}

test_internal_notebook_is_allowed if {
	count(findings_for({"tags": {"data-classification": "internal"}})) == 0
}
