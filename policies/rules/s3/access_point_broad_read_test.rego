package lockdown.rules.s3.access_point_broad_read_test

import rego.v1

import data.lockdown.rules.s3.access_point_broad_read as rule
import data.lockdown.rules.s3.fixtures_test as fx

ap_arn := "arn:aws:s3:eu-west-1:111111111111:accesspoint/data-ap"

access_point(props) := fx.res("aws:s3/accessPoint:AccessPoint", "data-ap", object.union({"bucket": "data-bucket", "name": "data-ap", "arn": ap_arn}, props))

ap_policy(principal) := fx.policy_doc([{
	"Effect": "Allow",
	"Principal": principal,
	"Action": "s3:GetObject",
	"Resource": sprintf("%s/object/*", [ap_arn]),
}])

findings(resources) := found if {
	found := data.lockdown.rules.s3.access_point_broad_read.deny with input as {"resources": resources} with data.lockdown.config as data.lockdown.rules.s3.fixtures_test.cfg
}

test_public_inline_policy_is_denied if {
	some f in findings([data.lockdown.rules.s3.fixtures_test.data_bucket, access_point({"policy": ap_policy("*")})])
	contains(f.msg, "lets * (public)")
}

test_separate_policy_resource_is_denied if {
	p := fx.res("aws:s3control/accessPointPolicy:AccessPointPolicy", "data-ap-policy", {"accessPointArn": ap_arn, "policy": ap_policy({"AWS": "222222222222"})})
	some f in findings([data.lockdown.rules.s3.fixtures_test.data_bucket, access_point({}), p])
	f.urn == p.urn
}

test_unknown_arn_links_by_dependency_and_is_denied if {
	ap := access_point({"arn": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"})
	p := object.union(fx.res("aws:s3control/accessPointPolicy:AccessPointPolicy", "data-ap-policy", {"accessPointArn": "04da6b54-80e4-46f7-96ec-b56ff0331ba9", "policy": ap_policy("*")}), {"dependencies": [ap.urn]})
	count(findings([data.lockdown.rules.s3.fixtures_test.data_bucket, ap, p])) == 1
}

test_invalid_policy_is_denied if {
	some f in findings([data.lockdown.rules.s3.fixtures_test.data_bucket, access_point({"policy": "nope"})])
	contains(f.msg, "not a valid policy document")
}

test_reader_is_allowed if count(findings([data.lockdown.rules.s3.fixtures_test.data_bucket, access_point({"policy": ap_policy({"AWS": data.lockdown.rules.s3.fixtures_test.reader})})])) == 0

test_public_bucket_access_point_is_allowed if {
	b := fx.bucket("data", "data-bucket", {"data-classification": "public"})
	count(findings([b, access_point({"policy": ap_policy("*")})])) == 0
}

test_access_point_of_bucket_outside_stack_is_denied if count(findings([access_point({"policy": ap_policy("*")})])) == 1

# Issue 12: the account root delegates to every principal of the account.
test_access_point_policy_granting_the_account_root_is_denied if {
	every principal in [{"AWS": "arn:aws:iam::111111111111:root"}, {"AWS": "111111111111"}] {
		some f in findings([data.lockdown.rules.s3.fixtures_test.data_bucket, access_point({"policy": ap_policy(principal)})])
		contains(f.msg, "lets account 111111111111 (account) read objects")
	}
}

test_access_point_policy_granting_the_allowed_reader_is_allowed if {
	count(findings([data.lockdown.rules.s3.fixtures_test.data_bucket, access_point({"policy": ap_policy({"AWS": data.lockdown.rules.s3.fixtures_test.reader})})])) == 0
}

# The same through a separate s3control AccessPointPolicy resource.
test_access_point_policy_resource_granting_the_account_root_is_denied if {
	every principal in [{"AWS": "arn:aws:iam::111111111111:root"}, {"AWS": "111111111111"}] {
		p := fx.res("aws:s3control/accessPointPolicy:AccessPointPolicy", "data-ap-policy", {"accessPointArn": ap_arn, "policy": ap_policy(principal)})
		some f in findings([data.lockdown.rules.s3.fixtures_test.data_bucket, access_point({}), p])
		f.urn == p.urn
		contains(f.msg, "lets account 111111111111 (account) read objects")
	}
}

test_access_point_policy_resource_granting_the_allowed_reader_is_allowed if {
	p := fx.res("aws:s3control/accessPointPolicy:AccessPointPolicy", "data-ap-policy", {"accessPointArn": ap_arn, "policy": ap_policy({"AWS": data.lockdown.rules.s3.fixtures_test.reader})})
	count(findings([data.lockdown.rules.s3.fixtures_test.data_bucket, access_point({}), p])) == 0
}
