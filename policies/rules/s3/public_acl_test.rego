package lockdown.rules.s3.public_acl_test

import rego.v1

import data.lockdown.rules.s3.public_acl as rule

acl(props) := {
	"urn": "urn:pulumi:dev::p::aws:s3/bucketAclV2:BucketAclV2::data-acl",
	"type": "aws:s3/bucketAclV2:BucketAclV2",
	"name": "data-acl",
	"properties": object.union({"bucket": "data-bucket"}, props),
	"unknowns": [],
}

grant(grantee, permission) := {"accessControlPolicy": {
	"owner": {"id": "owner-canonical-id"},
	"grants": [{"grantee": grantee, "permission": permission}],
}}

test_public_read_canned_acl_is_denied if {
	some f in data.lockdown.rules.s3.public_acl.deny with input as {"resources": [acl({"acl": "public-read"})]}
	contains(f.msg, "AllUsers")
}

test_authenticated_read_canned_acl_is_denied if {
	some f in data.lockdown.rules.s3.public_acl.deny with input as {"resources": [acl({"acl": "authenticated-read"})]}
	contains(f.msg, "AuthenticatedUsers")
}

test_v7_bucket_acl_type_is_denied if {
	r := object.union(acl({"acl": "public-read-write"}), {"type": "aws:s3/bucketAcl:BucketAcl"})
	count(data.lockdown.rules.s3.public_acl.deny) == 1 with input as {"resources": [r]}
}

test_all_users_grant_is_denied if {
	g := grant({"type": "Group", "uri": "http://acs.amazonaws.com/groups/global/AllUsers"}, "READ")
	count(data.lockdown.rules.s3.public_acl.deny) == 1 with input as {"resources": [acl(g)]}
}

test_authenticated_users_full_control_is_denied if {
	g := grant({"type": "Group", "uri": "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"}, "FULL_CONTROL")
	count(data.lockdown.rules.s3.public_acl.deny) == 1 with input as {"resources": [acl(g)]}
}

test_other_canonical_user_is_denied if {
	g := grant({"type": "CanonicalUser", "id": "other-account-canonical-id"}, "READ")
	some f in data.lockdown.rules.s3.public_acl.deny with input as {"resources": [acl(g)]}
	contains(f.msg, "canonical user other-account-canonical-id")
}

test_email_grantee_is_denied if {
	g := grant({"type": "AmazonCustomerByEmail", "emailAddress": "someone@example.com"}, "READ")
	count(data.lockdown.rules.s3.public_acl.deny) == 1 with input as {"resources": [acl(g)]}
}

test_v6_inline_acl_is_denied if {
	b := {"urn": "urn:b", "type": "aws:s3/bucket:Bucket", "name": "data", "properties": {"acl": "public-read"}}
	count(data.lockdown.rules.s3.public_acl.deny) == 1 with input as {"resources": [b]}
}

test_v6_inline_grants_are_denied if {
	b := {"urn": "urn:b", "type": "aws:s3/bucketV2:BucketV2", "name": "data", "properties": {"grants": [{"type": "Group", "uri": "http://acs.amazonaws.com/groups/global/AllUsers", "permissions": ["READ"]}]}}
	count(data.lockdown.rules.s3.public_acl.deny) == 1 with input as {"resources": [b]}
}

test_unknown_acl_is_denied if {
	r := object.union(acl({"acl": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"}), {"unknowns": ["acl"]})
	count(data.lockdown.rules.s3.public_acl.deny) == 1 with input as {"resources": [r]}
}

test_private_acl_is_allowed if count(data.lockdown.rules.s3.public_acl.deny) == 0 with input as {"resources": [acl({"acl": "private"})]}

test_log_delivery_write_is_allowed if count(data.lockdown.rules.s3.public_acl.deny) == 0 with input as {"resources": [acl({"acl": "log-delivery-write"})]}

test_owner_full_control_is_allowed if {
	g := grant({"type": "CanonicalUser", "id": "owner-canonical-id"}, "FULL_CONTROL")
	count(data.lockdown.rules.s3.public_acl.deny) == 0 with input as {"resources": [acl(g)]}
}

test_all_users_write_only_is_allowed if {
	g := grant({"type": "Group", "uri": "http://acs.amazonaws.com/groups/global/AllUsers"}, "WRITE")
	count(data.lockdown.rules.s3.public_acl.deny) == 0 with input as {"resources": [acl(g)]}
}
