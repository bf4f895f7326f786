package lockdown.rules.capture.firehose_s3_destination_key_test

import rego.v1

import data.lockdown.rules.capture.firehose_s3_destination_key

unknown := "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

key_arn := "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"

stream(props) := {
	"urn": "urn:pulumi:dev::lockdown::aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream::capture",
	"type": "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
	"name": "capture",
	"properties": props,
	"unknowns": [],
}

findings_for(props) := findings if {
	findings := firehose_s3_destination_key.deny with input as {"resources": [stream(props)]}
		with data.lockdown.config as {}
}

s3(extra) := object.union({"bucketArn": "arn:aws:s3:::capture-data", "roleArn": "arn:aws:iam::111122223333:role/firehose"}, extra)

test_extended_s3_without_key_is_denied if {
	record := {
		"urn": "urn:pulumi:dev::lockdown::aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream::capture",
		"type": "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
		"name": "capture",
		"properties": {"destination": "extended_s3", "extendedS3Configuration": {
			"bucketArn": "arn:aws:s3:::capture-data",
			"roleArn": "arn:aws:iam::111122223333:role/firehose",
		}},
		"unknowns": [],
	}
	findings := firehose_s3_destination_key.deny with input as {"resources": [record]}
		with data.lockdown.config as {}
	count(findings) == 1
	some f in findings
	contains(f.msg, "'capture' writes to S3 through extendedS3Configuration without kmsKeyArn")
}

test_extended_s3_with_customer_key_is_allowed if {
	record := {
		"urn": "urn:pulumi:dev::lockdown::aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream::capture",
		"type": "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
		"name": "capture",
		"properties": {"destination": "extended_s3", "extendedS3Configuration": {
			"bucketArn": "arn:aws:s3:::capture-data",
			"roleArn": "arn:aws:iam::111122223333:role/firehose",
			"kmsKeyArn": key_arn,
		}},
		"unknowns": [],
	}
	findings := firehose_s3_destination_key.deny with input as {"resources": [record]}
		with data.lockdown.config as {}
	count(findings) == 0
}

test_extended_s3_with_aws_managed_key_is_denied if {
	aws_key := "arn:aws:kms:eu-west-1:111122223333:alias/aws/s3"
	some f in findings_for({"destination": "extended_s3", "extendedS3Configuration": s3({"kmsKeyArn": aws_key})})
	contains(f.msg, "AWS managed key")
}

test_enabled_backup_without_key_is_denied if {
	ext := s3({"kmsKeyArn": key_arn, "s3BackupMode": "Enabled", "s3BackupConfiguration": s3({})})
	findings := findings_for({"destination": "extended_s3", "extendedS3Configuration": ext})
	count(findings) == 1
	some f in findings
	contains(f.msg, "extendedS3Configuration.s3BackupConfiguration")
}

test_disabled_backup_is_not_checked if {
	ext := s3({"kmsKeyArn": key_arn, "s3BackupMode": "Disabled", "s3BackupConfiguration": s3({})})
	count(findings_for({"destination": "extended_s3", "extendedS3Configuration": ext})) == 0
}

test_extended_s3_with_key_from_unknown_output_is_allowed if {
	count(findings_for({"destination": "extended_s3", "extendedS3Configuration": s3({"kmsKeyArn": unknown})})) == 0
}

test_splunk_failed_records_bucket_without_key_is_denied if {
	splunk := {"hecEndpoint": "https://splunk.example.com", "s3Configuration": s3({})}
	some f in findings_for({"destination": "splunk", "splunkConfiguration": splunk})
	contains(f.msg, "splunkConfiguration.s3Configuration")
}

test_redshift_backup_without_key_is_denied if {
	redshift := {"s3Configuration": s3({"kmsKeyArn": key_arn}), "s3BackupMode": "Enabled", "s3BackupConfiguration": s3({})}
	findings := findings_for({"destination": "redshift", "redshiftConfiguration": redshift})
	count(findings) == 1
	some f in findings
	contains(f.msg, "redshiftConfiguration.s3BackupConfiguration")
}

test_redshift_with_keys_is_allowed if {
	redshift := {"s3Configuration": s3({"kmsKeyArn": key_arn}), "s3BackupMode": "Disabled"}
	count(findings_for({"destination": "redshift", "redshiftConfiguration": redshift})) == 0
}

test_internal_stream_is_allowed if {
	props := {"destination": "extended_s3", "extendedS3Configuration": s3({}), "tags": {"data-classification": "internal"}}
	count(findings_for(props)) == 0
}

test_unknown_destination_block_is_denied if {
	some f in findings_for({"destination": "extended_s3", "extendedS3Configuration": unknown})
	contains(f.msg, "extendedS3Configuration unknown at plan time")
}
