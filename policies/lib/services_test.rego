package lockdown.lib.services_test

import rego.v1

import data.lockdown.lib.services

unknown := "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

config := {"accountIds": ["111122223333"], "allowedReaders": ["arn:aws:iam::999988887777:role/auditor"]}

test_get_falls_back_on_null_absent_and_non_objects if {
	services.get({"a": null}, "a", 1) == 1
	services.get({}, "a", 2) == 2
	services.get("text", "a", 3) == 3
	services.get({"a": false}, "a", 4) == false
}

test_usable_rejects_empty_unknown_and_redacted if {
	services.usable("x")
	not services.usable("")
	not services.usable(unknown)
	not services.usable("[secret]")
	not services.usable(12)
}

test_is_set_value_accepts_unknown_outputs if {
	services.is_set_value(unknown)
	services.is_set_value("[secret]")
	services.is_set_value("arn:aws:kms:eu-west-1:111122223333:key/abc")
	not services.is_set_value("")
	not services.is_set_value(null)
}

test_arn_account if {
	services.arn_account("arn:aws:kinesis:eu-west-1:444455556666:stream/x") == "444455556666"
	not services.arn_account("arn:aws:s3:::bucket")
	not services.arn_account("bucket")
	not services.arn_account(unknown)
}

test_lf_principal_classes if {
	classes := {p: c |
		some p in [
			"IAM_ALLOWED_PRINCIPALS", "*", "111122223333", "111122223333:IAMPrincipals", "444455556666",
			"arn:aws:organizations::111122223333:organization/o-abc", "arn:aws:iam::111122223333:root",
			"arn:aws:iam::444455556666:root", "arn:aws:iam::444455556666:role/x",
			"arn:aws:iam::999988887777:role/auditor", "arn:aws:iam::111122223333:role/analyst",
			"arn:aws:identitystore:::group/abc",
		]
		c := services.lf_principal_class(p) with data.lockdown.config as config
	}
	classes == {
		"IAM_ALLOWED_PRINCIPALS": "iam_allowed_principals",
		"*": "public",
		"111122223333": "account",
		"111122223333:IAMPrincipals": "account",
		"444455556666": "cross_account",
		"arn:aws:organizations::111122223333:organization/o-abc": "organization",
		"arn:aws:iam::111122223333:root": "account",
		"arn:aws:iam::444455556666:root": "cross_account",
		"arn:aws:iam::444455556666:role/x": "cross_account",
		"arn:aws:iam::999988887777:role/auditor": "named",
		"arn:aws:iam::111122223333:role/analyst": "named",
		"arn:aws:identitystore:::group/abc": "named",
	}
	services.lf_principal_class(unknown) == "unknown"
}

test_lf_reads_are_case_insensitive if {
	services.lf_reads(["select", "DESCRIBE", "All", unknown]) == {"select", "All"}
}

trail(selectors) := {
	"urn": "urn:pulumi:dev::lockdown::aws:cloudtrail/trail:Trail::audit",
	"type": "aws:cloudtrail/trail:Trail",
	"name": "audit",
	"properties": {"s3BucketName": "audit-logs", "advancedEventSelectors": selectors},
	"unknowns": [],
}

covers(fields) if {
	services.stack_covers_bucket("arn:aws:s3:::capture-data") with input as {"resources": [trail([{"fieldSelectors": fields}])]}
}

s3_data := [
	{"field": "eventCategory", "equals": ["Data"]},
	{"field": "resources.type", "equals": ["AWS::S3::Object"]},
]

test_advanced_suffix_on_event_name if {
	covers(array.concat(s3_data, [{"field": "eventName", "endsWiths": ["Object"]}]))
	not covers(array.concat(s3_data, [{"field": "eventName", "endsWiths": ["Tagging"]}]))
}

test_advanced_prefix_covering_all_buckets if {
	covers(array.concat(s3_data, [{"field": "resources.ARN", "startsWiths": ["arn:aws:s3:::"]}]))
	not covers(array.concat(s3_data, [{"field": "resources.ARN", "startsWiths": ["arn:aws:s3:::other/"]}]))
}

test_advanced_unmodelled_field_without_operator_covers if {
	covers(array.concat(s3_data, [{"field": "userIdentity.arn"}]))
}

test_advanced_excluded_prefix_containing_bucket if {
	not covers(array.concat(s3_data, [{"field": "resources.ARN", "notStartsWiths": ["arn:aws:s3:::capture"]}]))
}

test_bucket_arn_placeholder_when_unknown if {
	b := {"urn": "u", "type": "aws:s3/bucket:Bucket", "name": "b", "id": unknown, "properties": {"bucket": unknown}}
	services.bucket_arn(b) == "arn:aws:s3:::{unknown}"
	not services.bucket_arn_known(b)
}
