package lockdown.rules.logging.log_group_encrypted_test

import rego.v1

import data.lockdown.rules.logging.log_group_encrypted

unknown := "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

group(props) := {
	"urn": "urn:pulumi:dev::lockdown::aws:cloudwatch/logGroup:LogGroup::capture-lambda",
	"type": "aws:cloudwatch/logGroup:LogGroup",
	"name": "capture-lambda",
	"properties": props,
	"unknowns": [],
}

test_untagged_group_without_key_is_denied if {
	findings := log_group_encrypted.deny with input as {"resources": [group({"retentionInDays": 30})]}
		with data.lockdown.config as {}
	count(findings) == 1
	some f in findings
	contains(f.msg, "'capture-lambda' (restricted) has no kmsKeyId")
}

test_confidential_group_without_key_is_denied if {
	props := {"tags": {"data-classification": "confidential"}}
	findings := log_group_encrypted.deny with input as {"resources": [group(props)]}
		with data.lockdown.config as {}
	count(findings) == 1
}

test_group_with_key_is_allowed if {
	props := {"kmsKeyId": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}
	findings := log_group_encrypted.deny with input as {"resources": [group(props)]}
		with data.lockdown.config as {}
	count(findings) == 0
}

test_group_with_key_from_unknown_output_is_allowed if {
	findings := log_group_encrypted.deny with input as {"resources": [group({"kmsKeyId": unknown})]}
		with data.lockdown.config as {}
	count(findings) == 0
}

test_internal_group_without_key_is_allowed if {
	props := {"tags": {"data-classification": "internal"}}
	findings := log_group_encrypted.deny with input as {"resources": [group(props)]}
		with data.lockdown.config as {}
	count(findings) == 0
}

test_custom_classification_tag_is_read if {
	props := {"tags": {"sensitivity": "public"}}
	findings := log_group_encrypted.deny with input as {"resources": [group(props)]}
		with data.lockdown.config as {"classificationTag": "sensitivity"}
	count(findings) == 0
}
