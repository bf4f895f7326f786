package lockdown.rules.s3.lifecycle_retention_test

import rego.v1

import data.lockdown.rules.s3.fixtures_test as fx
import data.lockdown.rules.s3.lifecycle_retention as rule

findings(resources) := found if {
	found := data.lockdown.rules.s3.lifecycle_retention.deny with input as {"resources": resources} with data.lockdown.config as data.lockdown.rules.s3.fixtures_test.cfg
}

lifecycle(rule_props) := fx.replaced("data-lifecycle", {"bucket": "data-bucket", "rules": [rule_props]})

test_complete_stack_is_allowed if count(findings(data.lockdown.rules.s3.fixtures_test.stack)) == 0

test_missing_lifecycle_is_denied if {
	some f in findings(fx.without("data-lifecycle"))
	contains(f.msg, "within 30 days")
}

test_expiration_too_long_is_denied if {
	some f in findings(lifecycle({"id": "x", "status": "Enabled", "filter": {}, "expiration": {"days": 90}}))
	contains(f.msg, "expiration found: 90 days")
}

test_disabled_rule_is_denied if {
	count(findings(lifecycle({"id": "x", "status": "Disabled", "filter": {}, "expiration": {"days": 7}}))) == 1
}

test_prefix_filter_is_denied if {
	count(findings(lifecycle({"id": "x", "status": "Enabled", "filter": {"prefix": "tmp/"}, "expiration": {"days": 7}}))) == 1
}

test_transition_only_is_denied if {
	count(findings(lifecycle({"id": "x", "status": "Enabled", "filter": {}, "transitions": [{"days": 7, "storageClass": "GLACIER"}]}))) == 1
}

test_missing_filter_is_allowed if {
	count(findings(lifecycle({"id": "x", "status": "Enabled", "expiration": {"days": 14}}))) == 0
}

test_log_bucket_uses_log_limit if {
	some f in findings(fx.replaced("logs-lifecycle", {"bucket": "logs-bucket", "rules": [{"id": "x", "status": "Enabled", "filter": {}, "expiration": {"days": 400}}]}))
	contains(f.msg, "within 365 days")
}

test_trail_bucket_uses_log_limit if {
	trail := fx.res("aws:cloudtrail/trail:Trail", "trail", {"s3BucketName": "trail-bucket"})
	b := fx.bucket("trail-bucket", "trail-bucket", data.lockdown.rules.s3.fixtures_test.restricted)
	lc := fx.res("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "trail-lc", {"bucket": "trail-bucket", "rules": [{"status": "Enabled", "expiration": {"days": 300}}]})
	count(findings([trail, b, lc])) == 0
}

test_v6_inline_lifecycle_is_allowed if {
	b := object.union(data.lockdown.rules.s3.fixtures_test.data_bucket, {"properties": {"lifecycleRules": [{"enabled": true, "expiration": {"days": 30}}]}})
	resources := array.concat([b], [r | some r in data.lockdown.rules.s3.fixtures_test.stack; not r.name in {"data", "data-lifecycle"}])
	count(findings(resources)) == 0
}

test_v6_inline_lifecycle_with_prefix_is_denied if {
	b := object.union(data.lockdown.rules.s3.fixtures_test.data_bucket, {"properties": {"lifecycleRules": [{"enabled": true, "prefix": "tmp/", "expiration": {"days": 30}}]}})
	resources := array.concat([b], [r | some r in data.lockdown.rules.s3.fixtures_test.stack; not r.name in {"data", "data-lifecycle"}])
	count(findings(resources)) == 1
}

test_configured_limit_is_used if {
	found := data.lockdown.rules.s3.lifecycle_retention.deny with input as {"resources": data.lockdown.rules.s3.fixtures_test.stack} with data.lockdown.config as object.union(data.lockdown.rules.s3.fixtures_test.cfg, {"maxRetentionDays": 7})
	some f in found
	contains(f.msg, "within 7 days")
}
