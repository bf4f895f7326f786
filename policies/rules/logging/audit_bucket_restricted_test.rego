package lockdown.rules.logging.audit_bucket_restricted_test

import rego.v1

import data.lockdown.rules.logging.audit_bucket_restricted

unknown := "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

settings := {"accountIds": ["111122223333"], "allowedReaders": ["arn:aws:iam::111122223333:role/auditor"]}

audit_urn := "urn:pulumi:dev::lockdown::aws:s3/bucket:Bucket::audit-logs"

audit_bucket(props) := {
	"urn": audit_urn,
	"type": "aws:s3/bucket:Bucket",
	"name": "audit-logs",
	"id": "audit-logs",
	"properties": object.union({"bucket": "audit-logs", "arn": "arn:aws:s3:::audit-logs"}, props),
	"unknowns": [],
}

trail := {
	"urn": "urn:pulumi:dev::lockdown::aws:cloudtrail/trail:Trail::audit",
	"type": "aws:cloudtrail/trail:Trail",
	"name": "audit",
	"properties": {"s3BucketName": "audit-logs", "isMultiRegionTrail": true},
	"unknowns": [],
}

bucket_policy(doc) := {
	"urn": "urn:pulumi:dev::lockdown::aws:s3/bucketPolicy:BucketPolicy::audit-logs",
	"type": "aws:s3/bucketPolicy:BucketPolicy",
	"name": "audit-logs",
	"properties": {"bucket": "audit-logs", "policy": doc},
	"dependencies": [audit_urn],
	"unknowns": [],
}

cloudtrail_statements := [
	{
		"Sid": "AclCheck", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
		"Action": "s3:GetBucketAcl", "Resource": "arn:aws:s3:::audit-logs",
		"Condition": {"StringEquals": {"aws:SourceArn": "arn:aws:cloudtrail:eu-west-1:111122223333:trail/audit"}},
	},
	{
		"Sid": "Write", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
		"Action": "s3:PutObject", "Resource": "arn:aws:s3:::audit-logs/AWSLogs/111122223333/*",
		"Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": "111122223333"}},
	},
]

doc_with(extra) := json.marshal({"Version": "2012-10-17", "Statement": array.concat(cloudtrail_statements, extra)})

findings_for(resources) := findings if {
	findings := audit_bucket_restricted.deny with input as {"resources": resources}
		with data.lockdown.config as settings
}

test_read_by_non_reader_is_denied if {
	reader := {
		"Effect": "Allow",
		"Principal": {"AWS": "arn:aws:iam::111122223333:role/analyst"},
		"Action": "s3:GetObject",
		"Resource": "arn:aws:s3:::audit-logs/*",
	}
	policy := {
		"urn": "urn:pulumi:dev::lockdown::aws:s3/bucketPolicy:BucketPolicy::audit-logs",
		"type": "aws:s3/bucketPolicy:BucketPolicy",
		"name": "audit-logs",
		"properties": {"bucket": "audit-logs", "policy": json.marshal({"Version": "2012-10-17", "Statement": array.concat(cloudtrail_statements, [reader])})},
		"unknowns": [],
	}
	findings := audit_bucket_restricted.deny with input as {"resources": [audit_bucket({}), trail, policy]}
		with data.lockdown.config as settings
	count(findings) == 1
	some f in findings
	contains(f.msg, "lets arn:aws:iam::111122223333:role/analyst (named) read CloudTrail logs in bucket 'audit-logs': s3:GetObject")
}

test_cloudtrail_writes_and_auditor_reads_are_allowed if {
	reader := {
		"Effect": "Allow",
		"Principal": {"AWS": "arn:aws:iam::111122223333:role/auditor"},
		"Action": ["s3:GetObject", "s3:ListBucket"],
		"Resource": ["arn:aws:s3:::audit-logs", "arn:aws:s3:::audit-logs/*"],
	}
	policy := {
		"urn": "urn:pulumi:dev::lockdown::aws:s3/bucketPolicy:BucketPolicy::audit-logs",
		"type": "aws:s3/bucketPolicy:BucketPolicy",
		"name": "audit-logs",
		"properties": {"bucket": "audit-logs", "policy": json.marshal({"Version": "2012-10-17", "Statement": array.concat(cloudtrail_statements, [reader])})},
		"unknowns": [],
	}
	findings := audit_bucket_restricted.deny with input as {"resources": [audit_bucket({"acl": "private"}), trail, policy]}
		with data.lockdown.config as settings
	count(findings) == 0
}

test_public_classification_is_denied if {
	findings := findings_for([audit_bucket({"tags": {"data-classification": "public"}}), trail])
	count(findings) == 1
	some f in findings
	contains(f.msg, "classified 'public'")
}

test_organization_read_is_denied if {
	reader := {
		"Effect": "Allow", "Principal": "*", "Action": ["s3:Get*", "s3:List*"], "Resource": ["arn:aws:s3:::audit-logs", "arn:aws:s3:::audit-logs/*"],
		"Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}},
	}
	some f in findings_for([audit_bucket({}), trail, bucket_policy(doc_with([reader]))])
	contains(f.msg, "(organization)")
}

test_inline_v6_policy_read_is_denied if {
	reader := {"Effect": "Allow", "Principal": {"AWS": "444455556666"}, "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::audit-logs"}
	v6 := object.union(audit_bucket({"policy": doc_with([reader])}), {"type": "aws:s3/bucket:Bucket"})
	some f in findings_for([v6, trail])
	contains(f.msg, "inline bucket policy")
}

test_unscoped_cloudtrail_read_is_denied if {
	reader := {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:*", "Resource": "arn:aws:s3:::audit-logs/*"}
	count(findings_for([audit_bucket({}), trail, bucket_policy(doc_with([reader]))])) == 1
}

test_unknown_policy_is_denied if {
	some f in findings_for([audit_bucket({}), trail, bucket_policy(unknown)])
	contains(f.msg, "not known at plan time")
}

test_public_canned_acl_is_denied if {
	some f in findings_for([audit_bucket({"acl": "public-read"}), trail])
	contains(f.msg, "canned ACL public-read: its logs are readable by everyone")
}

test_authenticated_read_acl_resource_is_denied if {
	acl := {
		"urn": "urn:pulumi:dev::lockdown::aws:s3/bucketAclV2:BucketAclV2::audit-logs",
		"type": "aws:s3/bucketAclV2:BucketAclV2",
		"name": "audit-logs",
		"properties": {"bucket": "audit-logs", "acl": "authenticated-read"},
		"unknowns": [],
	}
	some f in findings_for([audit_bucket({}), trail, acl])
	contains(f.msg, "every AWS user")
}

test_acl_grant_to_all_users_is_denied if {
	acl := {
		"urn": "urn:pulumi:dev::lockdown::aws:s3/bucketAcl:BucketAcl::audit-logs",
		"type": "aws:s3/bucketAcl:BucketAcl",
		"name": "audit-logs",
		"properties": {"bucket": "audit-logs", "accessControlPolicy": {
			"owner": {"id": "owner"},
			"grants": [{"grantee": {"type": "Group", "uri": "http://acs.amazonaws.com/groups/global/AllUsers"}, "permission": "READ"}],
		}},
		"unknowns": [],
	}
	some f in findings_for([audit_bucket({}), trail, acl])
	contains(f.msg, "AllUsers")
}

test_inline_v6_grant_to_authenticated_users_is_denied if {
	grants := [{"type": "Group", "uri": "http://acs.amazonaws.com/groups/global/AuthenticatedUsers", "permissions": ["READ"]}]
	count(findings_for([audit_bucket({"grants": grants}), trail])) == 1
}

test_bucket_that_is_not_a_trail_destination_is_ignored if {
	reader := {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::audit-logs/*"}
	count(findings_for([audit_bucket({"tags": {"data-classification": "public"}}), bucket_policy(doc_with([reader]))])) == 0
}

test_unknown_destination_name_checks_the_buckets_the_trail_depends_on if {
	pending_trail := object.union(trail, {"properties": {"s3BucketName": unknown}, "dependencies": [audit_urn]})
	findings := findings_for([audit_bucket({"acl": "public-read"}), pending_trail])
	count(findings) == 1
	some f in findings
	contains(f.msg, "canned ACL public-read")
}

# The ACL judgment is the library's (s3.acl_grants, as LD-S3-002): another account's canonical
# user reads the logs as well; the owner's own grant does not.
acl_grant(grantee, permission) := {
	"urn": "urn:pulumi:dev::lockdown::aws:s3/bucketAclV2:BucketAclV2::audit-logs",
	"type": "aws:s3/bucketAclV2:BucketAclV2",
	"name": "audit-logs",
	"properties": {"bucket": "audit-logs", "accessControlPolicy": {
		"owner": {"id": "owner"},
		"grants": [{"grantee": grantee, "permission": permission}],
	}},
	"unknowns": [],
}

test_acl_grant_to_another_account_is_denied if {
	acl := acl_grant({"type": "CanonicalUser", "id": "other"}, "READ")
	some f in findings_for([audit_bucket({}), trail, acl])
	f.urn == acl.urn
	contains(f.msg, "ACL grant of READ to canonical user other (cross_account): its logs are readable by that grantee")
}

test_acl_grant_to_the_owner_is_allowed if {
	acl := acl_grant({"type": "CanonicalUser", "id": "owner"}, "FULL_CONTROL")
	count(findings_for([audit_bucket({"acl": "private"}), trail, acl])) == 0
}
