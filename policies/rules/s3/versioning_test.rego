package lockdown.rules.s3.versioning_test

import rego.v1

import data.lockdown.rules.s3.fixtures_test as fx
import data.lockdown.rules.s3.versioning as rule

findings(resources) := found if {
	found := data.lockdown.rules.s3.versioning.deny with input as {"resources": resources} with data.lockdown.config as data.lockdown.rules.s3.fixtures_test.cfg
}

test_complete_stack_is_allowed if count(findings(data.lockdown.rules.s3.fixtures_test.stack)) == 0

test_missing_versioning_is_denied if {
	some f in findings(fx.without("data-versioning"))
	contains(f.msg, "no versioning configuration")
}

test_suspended_versioning_is_denied if {
	some f in findings(fx.replaced("data-versioning", {"bucket": "data-bucket", "versioningConfiguration": {"status": "Suspended"}}))
	contains(f.msg, "suspended")
}

test_unknown_versioning_is_denied if {
	v := [object.union(r, {"unknowns": ["versioningConfiguration.status"], "properties": {"versioningConfiguration": {"status": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"}}}) | some r in data.lockdown.rules.s3.fixtures_test.stack; r.name == "data-versioning"]
	some f in findings(array.concat([r | some r in data.lockdown.rules.s3.fixtures_test.stack; r.name != "data-versioning"], v))
	contains(f.msg, "not known at plan time")
}

test_v6_inline_versioning_is_allowed if {
	b := object.union(data.lockdown.rules.s3.fixtures_test.data_bucket, {"properties": {"versioning": {"enabled": true}}})
	resources := array.concat([b], [r | some r in data.lockdown.rules.s3.fixtures_test.stack; not r.name in {"data", "data-versioning"}])
	count(findings(resources)) == 0
}

test_v6_inline_versioning_disabled_is_denied if {
	b := object.union(data.lockdown.rules.s3.fixtures_test.data_bucket, {"properties": {"versioning": {"enabled": false}}})
	resources := array.concat([b], [r | some r in data.lockdown.rules.s3.fixtures_test.stack; not r.name in {"data", "data-versioning"}])
	count(findings(resources)) == 1
}

test_bucket_v2_versionings_output_is_allowed if {
	b := object.union(data.lockdown.rules.s3.fixtures_test.data_bucket, {"type": "aws:s3/bucketV2:BucketV2", "properties": {"versionings": [{"enabled": true}]}})
	resources := array.concat([b], [r | some r in data.lockdown.rules.s3.fixtures_test.stack; not r.name in {"data", "data-versioning"}])
	count(findings(resources)) == 0
}

test_unknown_inline_versioning_is_denied if {
	b := object.union(data.lockdown.rules.s3.fixtures_test.data_bucket, {"properties": {"versioning": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"}})
	resources := array.concat([b], [r | some r in data.lockdown.rules.s3.fixtures_test.stack; not r.name in {"data", "data-versioning"}])
	count(findings(resources)) == 1
}
