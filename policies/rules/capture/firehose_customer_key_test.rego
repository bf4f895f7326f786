package lockdown.rules.capture.firehose_customer_key_test

import rego.v1

import data.lockdown.rules.capture.firehose_customer_key

unknown := "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

key_arn := "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"

stream(props) := {
	"urn": "urn:pulumi:dev::lockdown::aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream::capture",
	"type": "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
	"name": "capture",
	"properties": object.union({"destination": "extended_s3"}, props),
	"unknowns": [],
}

findings_for(props) := findings if {
	findings := firehose_customer_key.deny with input as {"resources": [stream(props)]}
		with data.lockdown.config as {}
}

test_no_encryption_is_denied if {
	record := {
		"urn": "urn:pulumi:dev::lockdown::aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream::capture",
		"type": "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
		"name": "capture",
		"properties": {"destination": "extended_s3", "tags": {"data-classification": "restricted"}},
		"unknowns": [],
	}
	findings := firehose_customer_key.deny with input as {"resources": [record]}
		with data.lockdown.config as {}
	count(findings) == 1
	some f in findings
	contains(f.msg, "'capture' is not encrypted at rest (no serverSideEncryption)")
}

test_customer_managed_key_is_allowed if {
	record := {
		"urn": "urn:pulumi:dev::lockdown::aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream::capture",
		"type": "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
		"name": "capture",
		"properties": {
			"destination": "extended_s3",
			"serverSideEncryption": {"enabled": true, "keyType": "CUSTOMER_MANAGED_CMK", "keyArn": key_arn},
		},
		"unknowns": [],
	}
	findings := firehose_customer_key.deny with input as {"resources": [record]}
		with data.lockdown.config as {}
	count(findings) == 0
}

test_encryption_disabled_is_denied if {
	some f in findings_for({"serverSideEncryption": {"enabled": false}})
	contains(f.msg, "enabled is not true")
}

test_aws_owned_key_is_denied if {
	some f in findings_for({"serverSideEncryption": {"enabled": true}})
	contains(f.msg, "AWS owned key (keyType AWS_OWNED_CMK)")
}

test_customer_key_type_without_arn_is_denied if {
	some f in findings_for({"serverSideEncryption": {"enabled": true, "keyType": "CUSTOMER_MANAGED_CMK"}})
	contains(f.msg, "without a keyArn")
}

test_unknown_encryption_block_is_denied if {
	some f in findings_for({"serverSideEncryption": unknown})
	contains(f.msg, "unknown at plan time")
}

test_unknown_key_type_is_denied if {
	some f in findings_for({"serverSideEncryption": {"enabled": true, "keyType": unknown, "keyArn": key_arn}})
	contains(f.msg, "serverSideEncryption.keyType unknown")
}

test_customer_managed_key_from_unknown_output_is_allowed if {
	sse := {"enabled": true, "keyType": "CUSTOMER_MANAGED_CMK", "keyArn": unknown}
	count(findings_for({"serverSideEncryption": sse})) == 0
}

test_kinesis_source_stream_is_not_flagged if {
	source := {"kinesisStreamArn": "arn:aws:kinesis:eu-west-1:111122223333:stream/raw", "roleArn": "arn:aws:iam::111122223333:role/firehose"}
	count(findings_for({"kinesisSourceConfiguration": source})) == 0
}

test_msk_source_stream_is_not_flagged if {
	count(findings_for({"mskSourceConfiguration": {"mskClusterArn": "arn:aws:kafka:eu-west-1:111122223333:cluster/x"}})) == 0
}

test_public_stream_is_allowed if {
	count(findings_for({"tags": {"data-classification": "public"}})) == 0
}
