package lockdown.rules.capture.kinesis_stream_customer_key_test

import rego.v1

import data.lockdown.rules.capture.kinesis_stream_customer_key

unknown := "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

stream(props) := {
	"urn": "urn:pulumi:dev::lockdown::aws:kinesis/stream:Stream::raw",
	"type": "aws:kinesis/stream:Stream",
	"name": "raw",
	"properties": props,
	"unknowns": [],
}

findings_for(props) := findings if {
	findings := kinesis_stream_customer_key.deny with input as {"resources": [stream(props)]}
		with data.lockdown.config as {}
}

test_unencrypted_stream_is_denied if {
	record := {
		"urn": "urn:pulumi:dev::lockdown::aws:kinesis/stream:Stream::raw",
		"type": "aws:kinesis/stream:Stream",
		"name": "raw",
		"properties": {"shardCount": 1},
		"unknowns": [],
	}
	findings := kinesis_stream_customer_key.deny with input as {"resources": [record]}
		with data.lockdown.config as {}
	count(findings) == 1
	some f in findings
	contains(f.msg, "'raw' is not encrypted (encryptionType NONE)")
}

test_customer_key_is_allowed if {
	record := {
		"urn": "urn:pulumi:dev::lockdown::aws:kinesis/stream:Stream::raw",
		"type": "aws:kinesis/stream:Stream",
		"name": "raw",
		"properties": {"shardCount": 1, "encryptionType": "KMS", "kmsKeyId": "alias/capture"},
		"unknowns": [],
	}
	findings := kinesis_stream_customer_key.deny with input as {"resources": [record]}
		with data.lockdown.config as {}
	count(findings) == 0
}

test_kms_without_key_is_denied if {
	some f in findings_for({"encryptionType": "KMS"})
	contains(f.msg, "without a kmsKeyId")
}

test_aws_managed_key_is_denied if {
	some f in findings_for({"encryptionType": "KMS", "kmsKeyId": "alias/aws/kinesis"})
	contains(f.msg, "AWS managed key alias/aws/kinesis")
}

test_unknown_encryption_type_is_denied if {
	some f in findings_for({"encryptionType": unknown})
	contains(f.msg, "unknown at plan time")
}

test_customer_key_from_unknown_output_is_allowed if {
	count(findings_for({"encryptionType": "KMS", "kmsKeyId": unknown})) == 0
}

test_public_stream_is_allowed if {
	count(findings_for({"tags": {"data-classification": "public"}})) == 0
}
