package lockdown.rules.logging.trail_kms_encrypted_test

import rego.v1

import data.lockdown.rules.logging.trail_kms_encrypted

unknown := "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

trail(props) := {
	"urn": "urn:pulumi:dev::lockdown::aws:cloudtrail/trail:Trail::audit",
	"type": "aws:cloudtrail/trail:Trail",
	"name": "audit",
	"properties": props,
	"unknowns": [],
}

test_no_key_is_denied if {
	findings := trail_kms_encrypted.deny with input as {"resources": [trail({})]}
		with data.lockdown.config as {}
	count(findings) == 1
	some f in findings
	contains(f.msg, "no kmsKeyId")
}

test_empty_key_is_denied if {
	findings := trail_kms_encrypted.deny with input as {"resources": [trail({"kmsKeyId": ""})]}
		with data.lockdown.config as {}
	count(findings) == 1
}

test_key_arn_is_allowed if {
	key := "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	findings := trail_kms_encrypted.deny with input as {"resources": [trail({"kmsKeyId": key})]}
		with data.lockdown.config as {}
	count(findings) == 0
}

test_key_from_unknown_output_is_allowed if {
	findings := trail_kms_encrypted.deny with input as {"resources": [trail({"kmsKeyId": unknown})]}
		with data.lockdown.config as {}
	count(findings) == 0
}
