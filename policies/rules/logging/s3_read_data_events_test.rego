package lockdown.rules.logging.s3_read_data_events_test

import rego.v1

import data.lockdown.rules.logging.s3_read_data_events

unknown := "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

data_arn := "arn:aws:s3:::capture-data"

bucket(name, props) := {
	"urn": sprintf("urn:pulumi:dev::lockdown::aws:s3/bucket:Bucket::%s", [name]),
	"type": "aws:s3/bucket:Bucket",
	"name": name,
	"id": object.get(props, "bucket", null),
	"properties": props,
	"unknowns": [],
}

data_bucket := bucket("capture-data", {"bucket": "capture-data", "arn": data_arn})

audit_bucket := bucket("audit-logs", {"bucket": "audit-logs", "arn": "arn:aws:s3:::audit-logs"})

trail(props) := {
	"urn": "urn:pulumi:dev::lockdown::aws:cloudtrail/trail:Trail::audit",
	"type": "aws:cloudtrail/trail:Trail",
	"name": "audit",
	"properties": object.union({"s3BucketName": "audit-logs", "isMultiRegionTrail": true}, props),
	"unknowns": [],
}

classic(rw, values) := {"eventSelectors": [{
	"readWriteType": rw,
	"includeManagementEvents": true,
	"dataResources": [{"type": "AWS::S3::Object", "values": values}],
}]}

advanced(fields) := {"advancedEventSelectors": [{"name": "s3 reads", "fieldSelectors": fields}]}

s3_data_fields := [
	{"field": "eventCategory", "equals": ["Data"]},
	{"field": "resources.type", "equals": ["AWS::S3::Object"]},
]

deny_for(resources) := findings if {
	findings := s3_read_data_events.deny with input as {"resources": resources}
		with data.lockdown.config as {}
}

test_no_trail_is_denied if {
	record := {
		"urn": "urn:pulumi:dev::lockdown::aws:s3/bucket:Bucket::capture-data",
		"type": "aws:s3/bucket:Bucket",
		"name": "capture-data",
		"id": "capture-data",
		"properties": {"bucket": "capture-data", "arn": "arn:aws:s3:::capture-data", "tags": {"data-classification": "restricted"}},
		"unknowns": [],
	}
	findings := s3_read_data_events.deny with input as {"resources": [record]}
		with data.lockdown.config as {}
	count(findings) == 1
	some f in findings
	f.urn == record.urn
	contains(f.msg, "no CloudTrail trail")
}

test_classic_selector_on_bucket_is_allowed if {
	record := {
		"urn": "urn:pulumi:dev::lockdown::aws:cloudtrail/trail:Trail::audit",
		"type": "aws:cloudtrail/trail:Trail",
		"name": "audit",
		"properties": {
			"s3BucketName": "audit-logs",
			"isMultiRegionTrail": true,
			"eventSelectors": [{
				"readWriteType": "All",
				"includeManagementEvents": true,
				"dataResources": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3:::capture-data/"]}],
			}],
		},
		"unknowns": [],
	}
	findings := s3_read_data_events.deny with input as {"resources": [data_bucket, audit_bucket, record]}
		with data.lockdown.config as {}
	count(findings) == 0
}

test_public_bucket_without_trail_is_allowed if {
	public := bucket("site", {"bucket": "site", "tags": {"data-classification": "public"}})
	count(deny_for([public])) == 0
}

test_classic_read_only_selector_is_allowed if {
	count(deny_for([data_bucket, trail(classic("ReadOnly", ["arn:aws:s3:::capture-data/"]))])) == 0
}

test_classic_selector_default_read_write_type_is_allowed if {
	sel := {"eventSelectors": [{"dataResources": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3"]}]}]}
	count(deny_for([data_bucket, trail(sel)])) == 0
}

test_classic_all_buckets_selector_is_allowed if {
	count(deny_for([data_bucket, trail(classic("All", ["arn:aws:s3"]))])) == 0
}

test_classic_write_only_selector_is_denied if {
	findings := deny_for([data_bucket, trail(classic("WriteOnly", ["arn:aws:s3:::capture-data/"]))])
	count(findings) == 1
	some f in findings
	contains(f.msg, "arn:aws:s3:::capture-data/")
}

test_classic_selector_on_a_key_prefix_is_denied if {
	findings := deny_for([data_bucket, trail(classic("All", ["arn:aws:s3:::capture-data/keystrokes/"]))])
	count(findings) == 1
}

test_classic_selector_on_another_bucket_is_denied if {
	findings := deny_for([data_bucket, trail(classic("All", ["arn:aws:s3:::capture-data-archive/"]))])
	count(findings) == 1
}

test_classic_lambda_selector_is_denied if {
	sel := {"eventSelectors": [{"readWriteType": "All", "dataResources": [{"type": "AWS::Lambda::Function", "values": ["arn:aws:lambda"]}]}]}
	count(deny_for([data_bucket, trail(sel)])) == 1
}

test_disabled_trail_is_denied if {
	props := object.union(classic("All", ["arn:aws:s3"]), {"enableLogging": false})
	count(deny_for([data_bucket, trail(props)])) == 1
}

test_trail_destination_bucket_is_exempt if {
	findings := deny_for([data_bucket, audit_bucket, trail(classic("All", ["arn:aws:s3:::capture-data/"]))])
	count(findings) == 0
}

test_uncovered_second_bucket_is_denied if {
	other := bucket("screens", {"bucket": "screens", "arn": "arn:aws:s3:::screens"})
	findings := deny_for([data_bucket, other, trail(classic("All", ["arn:aws:s3:::capture-data/"]))])
	count(findings) == 1
	some f in findings
	f.urn == other.urn
}

test_v6_bucket_v2_is_checked if {
	v6 := object.union(data_bucket, {"type": "aws:s3/bucketV2:BucketV2"})
	count(deny_for([v6])) == 1
}

test_advanced_selector_on_bucket_is_allowed if {
	fields := array.concat(s3_data_fields, [{"field": "resources.ARN", "startsWiths": ["arn:aws:s3:::capture-data/"]}])
	count(deny_for([data_bucket, trail(advanced(fields))])) == 0
}

test_advanced_selector_on_all_buckets_is_allowed if {
	count(deny_for([data_bucket, trail(advanced(s3_data_fields))])) == 0
}

test_advanced_read_only_true_is_allowed if {
	fields := array.concat(s3_data_fields, [{"field": "readOnly", "equals": ["true"]}])
	count(deny_for([data_bucket, trail(advanced(fields))])) == 0
}

test_advanced_writes_only_is_denied if {
	fields := array.concat(s3_data_fields, [{"field": "readOnly", "equals": ["false"]}])
	count(deny_for([data_bucket, trail(advanced(fields))])) == 1
}

test_advanced_event_name_without_get_object_is_denied if {
	fields := array.concat(s3_data_fields, [{"field": "eventName", "equals": ["PutObject", "DeleteObject"]}])
	count(deny_for([data_bucket, trail(advanced(fields))])) == 1
}

test_advanced_excluded_prefix_inside_bucket_is_denied if {
	fields := array.concat(s3_data_fields, [{"field": "resources.ARN", "notStartsWiths": ["arn:aws:s3:::capture-data/tmp/"]}])
	count(deny_for([data_bucket, trail(advanced(fields))])) == 1
}

test_advanced_excluded_other_bucket_is_allowed if {
	fields := array.concat(s3_data_fields, [{"field": "resources.ARN", "notStartsWiths": ["arn:aws:s3:::scratch/"]}])
	count(deny_for([data_bucket, trail(advanced(fields))])) == 0
}

test_advanced_excluded_object_is_denied if {
	fields := array.concat(s3_data_fields, [{"field": "resources.ARN", "notEquals": ["arn:aws:s3:::capture-data/a.json"]}])
	count(deny_for([data_bucket, trail(advanced(fields))])) == 1
}

test_advanced_suffix_filter_is_denied if {
	fields := array.concat(s3_data_fields, [{"field": "resources.ARN", "endsWiths": [".json"]}])
	count(deny_for([data_bucket, trail(advanced(fields))])) == 1
}

test_advanced_unknown_exclusion_is_denied if {
	fields := array.concat(s3_data_fields, [{"field": "resources.ARN", "notStartsWiths": [unknown]}])
	count(deny_for([data_bucket, trail(advanced(fields))])) == 1
}

test_advanced_management_events_only_is_denied if {
	fields := [{"field": "eventCategory", "equals": ["Management"]}]
	count(deny_for([data_bucket, trail(advanced(fields))])) == 1
}

test_advanced_unmodelled_field_with_filter_is_denied if {
	fields := array.concat(s3_data_fields, [{"field": "userIdentity.arn", "notStartsWiths": ["arn:aws:sts::111122223333:assumed-role/etl/"]}])
	count(deny_for([data_bucket, trail(advanced(fields))])) == 1
}

test_advanced_event_source_s3_is_allowed if {
	fields := array.concat(s3_data_fields, [
		{"field": "eventSource", "startsWiths": ["s3."]},
		{"field": "eventName", "notEndsWiths": ["Tagging"]},
	])
	count(deny_for([data_bucket, trail(advanced(fields))])) == 0
}

test_unknown_bucket_arn_with_specific_selector_is_denied if {
	autonamed := bucket("capture-data", {"bucket": unknown, "arn": unknown})
	findings := deny_for([autonamed, trail(classic("All", [unknown]))])
	count(findings) == 1
	some f in findings
	contains(f.msg, "unknown at plan time")
}

test_unknown_bucket_arn_with_all_buckets_selector_is_allowed if {
	autonamed := bucket("capture-data", {"bucket": unknown, "arn": unknown})
	count(deny_for([autonamed, trail(classic("All", ["arn:aws:s3"]))])) == 0
}

test_bucket_arn_built_from_name_is_covered if {
	named := bucket("capture-data", {"bucket": "capture-data"})
	count(deny_for([named, trail(classic("All", ["arn:aws:s3:::capture-data/"]))])) == 0
}

test_bucket_arn_built_from_id_is_covered if {
	by_id := object.union(bucket("capture-data", {}), {"id": "capture-data"})
	count(deny_for([by_id, trail(classic("All", ["arn:aws:s3:::capture-data/"]))])) == 0
}

test_unknown_selector_values_are_denied_with_reason if {
	findings := deny_for([data_bucket, trail(classic("All", [unknown]))])
	count(findings) == 1
	some f in findings
	contains(f.msg, "trail audit has S3 data event selectors unknown at plan time")
}

test_unknown_advanced_selector_is_denied_with_reason if {
	findings := deny_for([data_bucket, trail({"advancedEventSelectors": [unknown]})])
	some f in findings
	contains(f.msg, "unknown at plan time")
}

test_unknown_advanced_prefix_is_denied_with_reason if {
	fields := array.concat(s3_data_fields, [{"field": "resources.ARN", "startsWiths": [unknown]}])
	some f in deny_for([data_bucket, trail(advanced(fields))])
	contains(f.msg, "trail audit has S3 data event selectors unknown")
}

test_selector_listed_as_unknown_is_denied_with_reason if {
	pending := object.union(trail({"eventSelectors": [{"readWriteType": "All", "dataResources": unknown}]}), {"unknowns": ["eventSelectors[0].dataResources"]})
	some f in deny_for([data_bucket, pending])
	contains(f.msg, "trail audit has S3 data event selectors unknown")
}
