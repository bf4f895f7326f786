package lockdown.rules.s3.ownership_controls_test

import rego.v1

import data.lockdown.rules.s3.fixtures_test as fx
import data.lockdown.rules.s3.ownership_controls as rule

findings(resources) := found if {
	found := data.lockdown.rules.s3.ownership_controls.deny with input as {"resources": resources} with data.lockdown.config as data.lockdown.rules.s3.fixtures_test.cfg
}

test_complete_stack_is_allowed if count(findings(data.lockdown.rules.s3.fixtures_test.stack)) == 0

test_object_writer_is_denied if {
	some f in findings(fx.replaced("data-ownership", {"bucket": "data-bucket", "rule": {"objectOwnership": "ObjectWriter"}}))
	contains(f.msg, "ObjectWriter")
}

test_bucket_owner_preferred_is_denied if {
	count(findings(fx.replaced("data-ownership", {"bucket": "data-bucket", "rule": {"objectOwnership": "BucketOwnerPreferred"}}))) == 1
}

test_unknown_ownership_is_denied if {
	some f in findings(fx.replaced("data-ownership", {"bucket": "data-bucket", "rule": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"}))
	contains(f.msg, "unknown")
}

test_acl_without_ownership_controls_is_denied if {
	acl := fx.res("aws:s3/bucketAclV2:BucketAclV2", "data-acl", {"bucket": "data-bucket", "acl": "private"})
	some f in findings(array.concat(fx.without("data-ownership"), [acl]))
	contains(f.msg, "ACL resource 'data-acl'")
}

test_missing_controls_without_acl_is_allowed if count(findings(fx.without("data-ownership"))) == 0
