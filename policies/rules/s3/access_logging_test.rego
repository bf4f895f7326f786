package lockdown.rules.s3.access_logging_test

import rego.v1

import data.lockdown.rules.s3.access_logging as rule
import data.lockdown.rules.s3.fixtures_test as fx

findings(resources) := found if {
	found := data.lockdown.rules.s3.access_logging.deny with input as {"resources": resources} with data.lockdown.config as data.lockdown.rules.s3.fixtures_test.cfg
}

test_complete_stack_is_allowed if count(findings(data.lockdown.rules.s3.fixtures_test.stack)) == 0

test_log_target_need_not_log_to_itself if {
	every f in findings(data.lockdown.rules.s3.fixtures_test.stack) {
		not contains(f.msg, "'logs'")
	}
}

test_missing_logging_is_denied if {
	some f in findings(fx.without("data-logging"))
	contains(f.msg, "bucket 'data' (restricted) has no server access logging")
}

test_v6_inline_loggings_is_allowed if {
	b := object.union(data.lockdown.rules.s3.fixtures_test.data_bucket, {"properties": {"loggings": [{"targetBucket": "logs-bucket"}]}})
	resources := array.concat([b], [r | some r in data.lockdown.rules.s3.fixtures_test.stack; not r.name in {"data", "data-logging"}])
	count(findings(resources)) == 0
}

test_v7_inline_logging_is_allowed if {
	b := object.union(data.lockdown.rules.s3.fixtures_test.data_bucket, {"properties": {"logging": {"targetBucket": "logs-bucket"}}})
	resources := array.concat([b], [r | some r in data.lockdown.rules.s3.fixtures_test.stack; not r.name in {"data", "data-logging"}])
	count(findings(resources)) == 0
}

test_logging_with_unknown_names_links_by_dependencies if {
	l := [object.union(r, {"properties": {"bucket": "04da6b54-80e4-46f7-96ec-b56ff0331ba9", "targetBucket": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"}, "dependencies": [data.lockdown.rules.s3.fixtures_test.data_bucket.urn, data.lockdown.rules.s3.fixtures_test.log_bucket.urn]}) | some r in data.lockdown.rules.s3.fixtures_test.stack; r.name == "data-logging"]
	resources := array.concat([r | some r in data.lockdown.rules.s3.fixtures_test.stack; r.name != "data-logging"], l)
	count(findings(resources)) == 0
}
