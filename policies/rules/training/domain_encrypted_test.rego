package lockdown.rules.training.domain_encrypted_test

import rego.v1

import data.lockdown.rules.training.domain_encrypted

domain(props) := {
	"urn": "urn:pulumi:dev::lockdown::aws:sagemaker/domain:Domain::studio",
	"type": "aws:sagemaker/domain:Domain",
	"name": "studio",
	"properties": props,
	"unknowns": [],
}

findings_for(props) := findings if {
	findings := domain_encrypted.deny with input as {"resources": [domain(props)]}
		with data.lockdown.config as {}
}

test_no_key_is_denied if {
	record := {
		"urn": "urn:pulumi:dev::lockdown::aws:sagemaker/domain:Domain::studio",
		"type": "aws:sagemaker/domain:Domain",
		"name": "studio",
		"properties": {"authMode": "IAM", "appNetworkAccessType": "VpcOnly"},
		"unknowns": [],
	}
	findings := domain_encrypted.deny with input as {"resources": [record]}
		with data.lockdown.config as {}
	some f in findings
	contains(f.msg, "'studio' has no kmsKeyId")
}

test_key_is_allowed if {
	record := {
		"urn": "urn:pulumi:dev::lockdown::aws:sagemaker/domain:Domain::studio",
		"type": "aws:sagemaker/domain:Domain",
		"name": "studio",
		"properties": {"authMode": "IAM", "kmsKeyId": "arn:aws:kms:eu-west-1:111122223333:key/abc"},
		"unknowns": [],
	}
	findings := domain_encrypted.deny with input as {"resources": [record]}
		with data.lockdown.config as {}
	count(findings) == 0
}

test_public_domain_is_allowed if {
	count(findings_for({"tags": {"data-classification": "public"}})) == 0
}
