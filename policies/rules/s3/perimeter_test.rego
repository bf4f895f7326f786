package lockdown.rules.s3.perimeter_test

import rego.v1

import data.lockdown.rules.s3.fixtures_test as fx
import data.lockdown.rules.s3.perimeter as rule

findings(resources) := found if {
	found := data.lockdown.rules.s3.perimeter.deny with input as {"resources": resources} with data.lockdown.config as data.lockdown.rules.s3.fixtures_test.cfg
}

p := fx.perimeter("data-bucket")

test_complete_stack_is_allowed if count(findings(data.lockdown.rules.s3.fixtures_test.stack)) == 0

test_missing_policy_is_denied if {
	some f in findings(fx.without("data-policy"))
	contains(f.msg, "bucket 'data' (restricted) has no perimeter")
	contains(f.msg, "does not deny s3:GetObject* and s3:ListBucket* to principals")
}

test_deny_for_get_object_only_is_denied if {
	some f in findings(fx.with_policy([object.union(p, {"Action": "s3:GetObject"})]))
	contains(f.msg, "does not deny s3:GetObject* (12 of 13 actions, e.g. s3:GetObjectAcl) and s3:ListBucket* to principals")
}

test_exemption_with_non_reader_is_denied if {
	c := {"ArnNotEquals": {"aws:PrincipalArn": [data.lockdown.rules.s3.fixtures_test.reader, "arn:aws:iam::111111111111:role/analyst"]}}
	count(findings(fx.with_policy([object.union(p, {"Condition": c})]))) == 1
}

test_exemption_with_account_wide_pattern_is_denied if {
	c := {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::111111111111:*"}}
	count(findings(fx.with_policy([object.union(p, {"Condition": c})]))) == 1
}

test_vpc_conditioned_deny_is_denied if {
	c := {"ArnNotEquals": {"aws:PrincipalArn": [data.lockdown.rules.s3.fixtures_test.reader]}, "StringNotEquals": {"aws:SourceVpce": "vpce-1"}}
	count(findings(fx.with_policy([object.union(p, {"Condition": c})]))) == 1
}

test_deny_on_a_prefix_only_is_denied if {
	r := ["arn:aws:s3:::data-bucket", "arn:aws:s3:::data-bucket/private/*"]
	count(findings(fx.with_policy([object.union(p, {"Resource": r})]))) == 1
}

test_deny_for_one_role_only_is_denied if {
	d := object.union(object.remove(p, ["Condition", "Principal"]), {"Principal": {"AWS": "arn:aws:iam::111111111111:role/analyst"}})
	count(findings(fx.with_policy([d]))) == 1
}

test_allow_statement_is_no_perimeter if {
	count(findings(fx.with_policy([object.union(p, {"Effect": "Allow"})]))) == 1
}

test_unknown_bucket_name_is_denied if {
	b := object.union(data.lockdown.rules.s3.fixtures_test.data_bucket, {"id": null, "properties": {"bucket": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"}})
	resources := [object.union(r, {"dependencies": [data.lockdown.rules.s3.fixtures_test.data_bucket.urn]}) | some r in data.lockdown.rules.s3.fixtures_test.stack; r.name != "data"]
	some f in findings(array.concat([b], resources))
	contains(f.msg, "not known at plan time")
}

test_not_principal_deny_listing_readers_is_allowed if {
	d := object.union(object.remove(p, ["Principal", "Condition"]), {"NotPrincipal": {"AWS": [data.lockdown.rules.s3.fixtures_test.reader]}})
	count(findings(fx.with_policy([d]))) == 0
}

test_not_principal_deny_listing_account_root_is_denied if {
	d := object.union(object.remove(p, ["Principal", "Condition"]), {"NotPrincipal": {"AWS": [data.lockdown.rules.s3.fixtures_test.reader, "arn:aws:iam::111111111111:root"]}})
	count(findings(fx.with_policy([d]))) == 1
}

test_wildcard_actions_deny_is_allowed if {
	count(findings(fx.with_policy([object.union(p, {"Action": "s3:*"})]))) == 0
}

test_not_action_deny_is_allowed if {
	d := object.union(object.remove(p, ["Action"]), {"NotAction": "s3:PutObject"})
	count(findings(fx.with_policy([d]))) == 0
}

test_userid_exemption_of_reader_is_allowed if {
	role := fx.res("aws:iam/role:Role", "reader", {"name": "reader", "arn": data.lockdown.rules.s3.fixtures_test.reader, "uniqueId": "AROAREADER"})
	c := {"StringNotLike": {"aws:userid": ["AROAREADER:*"]}}
	resources := array.concat(fx.with_policy([object.union(p, {"Condition": c})]), [role])
	count(findings(resources)) == 0
}

test_service_exclusion_is_allowed if {
	c := {"ArnNotEquals": {"aws:PrincipalArn": [data.lockdown.rules.s3.fixtures_test.reader]}, "Bool": {"aws:PrincipalIsAWSService": "false"}}
	count(findings(fx.with_policy([object.union(p, {"Condition": c})]))) == 0
}

test_inline_v6_policy_perimeter_is_allowed if {
	b := object.union(data.lockdown.rules.s3.fixtures_test.data_bucket, {"type": "aws:s3/bucket:Bucket", "properties": {"policy": fx.policy_doc([p])}})
	resources := array.concat([b], [r | some r in data.lockdown.rules.s3.fixtures_test.stack; not r.name in {"data", "data-policy"}])
	count(findings(resources)) == 0
}

test_public_bucket_needs_no_perimeter if {
	b := fx.bucket("site", "site-bucket", {"data-classification": "public"})
	count(findings([b])) == 0
}

test_message_names_only_the_open_family if {
	some f in findings(fx.with_policy([object.union(p, {"Action": ["s3:ListBucket*", "s3:GetObjectVersion*"]})]))
	contains(f.msg, "does not deny s3:GetObject* (7 of 13 actions, e.g. s3:GetObject) to principals")
}
