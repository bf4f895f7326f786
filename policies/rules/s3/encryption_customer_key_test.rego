package lockdown.rules.s3.encryption_customer_key_test

import rego.v1

import data.lockdown.rules.s3.encryption_customer_key as rule
import data.lockdown.rules.s3.fixtures_test as fx

findings(resources) := found if {
	found := data.lockdown.rules.s3.encryption_customer_key.deny with input as {"resources": resources} with data.lockdown.config as data.lockdown.rules.s3.fixtures_test.cfg
}

test_complete_stack_is_allowed if count(findings(data.lockdown.rules.s3.fixtures_test.stack)) == 0

test_missing_encryption_is_denied if {
	some f in findings(fx.without("data-sse"))
	contains(f.msg, "no default encryption with a customer managed KMS key")
}

test_sse_s3_on_data_bucket_is_denied if {
	some f in findings(fx.replaced("data-sse", {"bucket": "data-bucket", "rules": [data.lockdown.rules.s3.fixtures_test.aes_rule]}))
	contains(f.msg, "uses AES256")
}

test_kms_without_key_is_denied if {
	r := {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms"}}
	some f in findings(fx.replaced("data-sse", {"bucket": "data-bucket", "rules": [r]}))
	contains(f.msg, "without a customer managed key")
}

test_aws_managed_key_is_denied if {
	r := {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": "alias/aws/s3"}}
	some f in findings(fx.replaced("data-sse", {"bucket": "data-bucket", "rules": [r]}))
	contains(f.msg, "AWS managed key")
}

test_unknown_encryption_is_denied if {
	sse := [object.union(r, {"unknowns": ["rules"]}) | some r in data.lockdown.rules.s3.fixtures_test.stack; r.name == "data-sse"]
	resources := array.concat([r | some r in data.lockdown.rules.s3.fixtures_test.stack; r.name != "data-sse"], sse)
	some f in findings(resources)
	contains(f.msg, "not known at plan time")
}

test_unknown_key_id_is_allowed if {
	r := {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"}}
	count(findings(fx.replaced("data-sse", {"bucket": "data-bucket", "rules": [r]}))) == 0
}

test_log_bucket_without_logging_config_needs_kms if {
	# Without the logging resource, the log bucket is no access-log target any more.
	some f in findings(fx.without("data-logging"))
	contains(f.msg, "bucket 'logs'")
}

test_v6_legacy_inline_kms_is_allowed if {
	b := object.union(data.lockdown.rules.s3.fixtures_test.data_bucket, {"properties": {"serverSideEncryptionConfiguration": {"rule": data.lockdown.rules.s3.fixtures_test.kms_rule}}})
	resources := array.concat([b], [r | some r in data.lockdown.rules.s3.fixtures_test.stack; not r.name in {"data", "data-sse"}])
	count(findings(resources)) == 0
}

test_v6_bucket_v2_outputs_sse_s3_is_denied if {
	b := object.union(data.lockdown.rules.s3.fixtures_test.data_bucket, {"type": "aws:s3/bucketV2:BucketV2", "properties": {"serverSideEncryptionConfigurations": [{"rules": [{"applyServerSideEncryptionByDefaults": [{"sseAlgorithm": "AES256"}]}]}]}})
	resources := array.concat([b], [r | some r in data.lockdown.rules.s3.fixtures_test.stack; not r.name in {"data", "data-sse"}])
	count(findings(resources)) == 1
}

test_v6_sse_v2_resource_type_is_allowed if {
	sse := [object.union(r, {"type": "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"}) | some r in data.lockdown.rules.s3.fixtures_test.stack; r.name == "data-sse"]
	resources := array.concat([r | some r in data.lockdown.rules.s3.fixtures_test.stack; r.name != "data-sse"], sse)
	count(findings(resources)) == 0
}
