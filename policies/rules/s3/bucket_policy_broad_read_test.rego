package lockdown.rules.s3.bucket_policy_broad_read_test

import rego.v1

import data.lockdown.rules.s3.bucket_policy_broad_read as rule

cfg := {
	"allowedReaders": ["arn:aws:iam::111111111111:role/reader"],
	"accountIds": ["111111111111"],
	"organizationId": "o-abc123",
}

bucket(tags) := {
	"urn": "urn:pulumi:dev::p::aws:s3/bucket:Bucket::data",
	"type": "aws:s3/bucket:Bucket",
	"name": "data",
	"id": "data-bucket",
	"properties": {"bucket": "data-bucket", "arn": "arn:aws:s3:::data-bucket", "tags": tags},
	"dependencies": [],
	"unknowns": [],
}

restricted := bucket({"data-classification": "restricted"})

bucket_policy(doc) := {
	"urn": "urn:pulumi:dev::p::aws:s3/bucketPolicy:BucketPolicy::data-policy",
	"type": "aws:s3/bucketPolicy:BucketPolicy",
	"name": "data-policy",
	"properties": {"bucket": "data-bucket", "policy": json.marshal(doc)},
	"dependencies": [],
	"unknowns": [],
}

doc(stmt) := {"Version": "2012-10-17", "Statement": [stmt]}

read(principal) := {
	"Effect": "Allow",
	"Principal": principal,
	"Action": "s3:GetObject",
	"Resource": "arn:aws:s3:::data-bucket/*",
}

with_condition(stmt, c) := object.union(stmt, {"Condition": c})

findings(stmt) := found if {
	found := data.lockdown.rules.s3.bucket_policy_broad_read.deny with input as {"resources": [restricted, bucket_policy(doc(stmt))]}
		with data.lockdown.config as cfg
}

test_principal_star_is_denied if {
	some f in findings(read("*"))
	contains(f.msg, "lets * (public)")
	f.urn == "urn:pulumi:dev::p::aws:s3/bucketPolicy:BucketPolicy::data-policy"
}

test_principal_aws_star_is_denied if count(findings(read({"AWS": "*"}))) == 1

test_star_in_principal_list_is_denied if count(findings(read({"AWS": ["arn:aws:iam::111111111111:role/reader", "*"]}))) == 1

test_not_principal_allow_is_denied if {
	stmt := {"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111111111111:role/reader"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data-bucket/*"}
	some f in findings(stmt)
	contains(f.msg, "NotPrincipal")
}

test_other_account_id_is_denied if {
	some f in findings(read({"AWS": "222222222222"}))
	contains(f.msg, "account 222222222222 (cross_account)")
}

test_other_account_role_is_denied if {
	some f in findings(read({"AWS": "arn:aws:iam::222222222222:role/reader"}))
	contains(f.msg, "cross_account")
}

test_own_account_root_is_denied if {
	some f in findings(read({"AWS": "arn:aws:iam::111111111111:root"}))
	contains(f.msg, "account 111111111111 (account)")
}

test_organization_condition_is_denied if {
	some f in findings(with_condition(read("*"), {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}))
	contains(f.msg, "organization o-abc123")
}

test_org_paths_condition_is_denied if {
	some f in findings(with_condition(read("*"), {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-abc123/r-ab12/*"}}))
	contains(f.msg, "(organization)")
}

test_principal_account_condition_is_denied if {
	some f in findings(with_condition(read("*"), {"StringEquals": {"aws:PrincipalAccount": "111111111111"}}))
	contains(f.msg, "(account)")
}

test_account_wide_principal_arn_pattern_is_denied if {
	some f in findings(with_condition(read("*"), {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111111111111:*"}}))
	contains(f.msg, "(account)")
}

test_named_non_reader_is_denied if {
	some f in findings(read({"AWS": "arn:aws:iam::111111111111:role/analyst"}))
	contains(f.msg, "arn:aws:iam::111111111111:role/analyst (named)")
}

test_source_vpce_does_not_narrow if count(findings(with_condition(read("*"), {"StringEquals": {"aws:SourceVpce": "vpce-123"}}))) == 1

test_source_ip_and_tls_do_not_narrow if {
	c := {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}, "Bool": {"aws:SecureTransport": "true"}}
	count(findings(with_condition(read("*"), c))) == 1
}

test_if_exists_pin_does_not_narrow if {
	c := {"StringEqualsIfExists": {"aws:PrincipalArn": "arn:aws:iam::111111111111:role/reader"}}
	count(findings(with_condition(read("*"), c))) == 1
}

test_wildcard_action_get_star_is_denied if count(findings(object.union(read("*"), {"Action": "s3:Get*"}))) == 1

test_wildcard_action_star_object_is_denied if count(findings(object.union(read("*"), {"Action": "s3:*Object"}))) == 1

test_action_case_insensitive_is_denied if count(findings(object.union(read("*"), {"Action": "S3:getobject"}))) == 1

test_list_bucket_is_a_read if {
	stmt := {"Effect": "Allow", "Principal": "*", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::data-bucket"}
	count(findings(stmt)) == 1
}

test_not_action_allow_is_denied if {
	stmt := {"Effect": "Allow", "Principal": "*", "NotAction": "s3:DeleteObject", "Resource": "arn:aws:s3:::data-bucket/*"}
	count(findings(stmt)) == 1
}

test_neutralized_broad_allow_is_still_denied if {
	d := {"Statement": [
		read("*"),
		{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::data-bucket/*"},
	]}
	count(data.lockdown.rules.s3.bucket_policy_broad_read.deny) == 1 with input as {"resources": [restricted, bucket_policy(d)]} with data.lockdown.config as cfg
}

test_statement_object_form_is_denied if {
	d := {"Statement": read("*")}
	count(data.lockdown.rules.s3.bucket_policy_broad_read.deny) == 1 with input as {"resources": [restricted, bucket_policy(d)]} with data.lockdown.config as cfg
}

test_untagged_bucket_is_restricted if {
	count(data.lockdown.rules.s3.bucket_policy_broad_read.deny) == 1 with input as {"resources": [bucket({}), bucket_policy(doc(read("*")))]} with data.lockdown.config as cfg
}

test_v6_inline_policy_is_denied if {
	b := object.union(restricted, {"properties": {"policy": json.marshal(doc(read("*")))}})
	some f in data.lockdown.rules.s3.bucket_policy_broad_read.deny with input as {"resources": [b]} with data.lockdown.config as cfg
	contains(f.msg, "inline bucket policy")
}

test_invalid_json_policy_is_denied if {
	p := object.union(bucket_policy(doc(read("*"))), {"properties": {"policy": "{not json"}})
	some f in data.lockdown.rules.s3.bucket_policy_broad_read.deny with input as {"resources": [restricted, p]} with data.lockdown.config as cfg
	contains(f.msg, "not a valid policy document")
}

test_unknown_policy_is_denied if {
	p := object.union(bucket_policy(doc(read("*"))), {"properties": {"policy": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"}, "unknowns": ["policy"]})
	some f in data.lockdown.rules.s3.bucket_policy_broad_read.deny with input as {"resources": [restricted, p]} with data.lockdown.config as cfg
	contains(f.msg, "not known at plan time")
}

test_policy_linked_by_dependency_when_bucket_unknown if {
	p := object.union(bucket_policy(doc(read("*"))), {"properties": {"bucket": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"}, "dependencies": [restricted.urn], "unknowns": ["bucket"]})
	count(data.lockdown.rules.s3.bucket_policy_broad_read.deny) == 1 with input as {"resources": [restricted, p]} with data.lockdown.config as cfg
}

test_policy_of_bucket_outside_stack_is_denied if {
	some f in data.lockdown.rules.s3.bucket_policy_broad_read.deny with input as {"resources": [bucket_policy(doc(read("*")))]} with data.lockdown.config as cfg
	contains(f.msg, "bucket 'data-bucket' was not seen in this deployment; judged as restricted")
	not f.undecided
}

orphan_findings(principal) := found if {
	found := data.lockdown.rules.s3.bucket_policy_broad_read.deny with input as {"resources": [bucket_policy(doc(read(principal)))]}
		with data.lockdown.config as cfg
}

test_policy_of_bucket_not_seen_granting_an_organization_is_denied if {
	c := {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}
	stmt := with_condition(read("*"), c)
	count(data.lockdown.rules.s3.bucket_policy_broad_read.deny) == 1 with input as {"resources": [bucket_policy(doc(stmt))]}
		with data.lockdown.config as cfg
}

test_policy_of_bucket_not_seen_granting_the_account_root_is_denied if {
	count(orphan_findings({"AWS": "arn:aws:iam::111111111111:root"})) == 1
}

test_policy_of_bucket_not_seen_granting_another_account_is_denied if {
	count(orphan_findings({"AWS": "222222222222"})) == 1
}

test_policy_of_bucket_not_seen_granting_an_allowed_reader_is_allowed if {
	count(orphan_findings({"AWS": "arn:aws:iam::111111111111:role/reader"})) == 0
}

test_policy_of_public_bucket_once_seen_is_allowed if {
	public := bucket({"data-classification": "public"})
	count(data.lockdown.rules.s3.bucket_policy_broad_read.deny) == 0 with input as {"resources": [public, bucket_policy(doc(read("*")))]}
		with data.lockdown.config as cfg
}

test_policy_of_bucket_whose_name_is_unknown_is_denied_undecided if {
	p := object.union(bucket_policy(doc(read("*"))), {"properties": {"bucket": data.lockdown.lib.types.unknown}, "unknowns": ["bucket"]})
	some f in data.lockdown.rules.s3.bucket_policy_broad_read.deny with input as {"resources": [p]} with data.lockdown.config as cfg
	contains(f.msg, "its bucket is not known at plan time; judged as restricted")
	f.undecided == true
}

test_unknown_policy_document_is_denied_undecided if {
	p := object.union(bucket_policy(doc(read("*"))), {"properties": {"policy": data.lockdown.lib.types.unknown}, "unknowns": ["policy"]})
	some f in data.lockdown.rules.s3.bucket_policy_broad_read.deny with input as {"resources": [restricted, p]} with data.lockdown.config as cfg
	f.undecided == true
}

test_known_grant_is_not_undecided if {
	some f in findings(read("*"))
	not f.undecided
}

test_unparseable_policy_of_bucket_outside_stack_is_denied if {
	p := object.union(bucket_policy(doc(read("*"))), {"properties": {"policy": "[1"}})
	count(data.lockdown.rules.s3.bucket_policy_broad_read.deny) == 1 with input as {"resources": [p]} with data.lockdown.config as cfg
}

test_allowed_reader_is_allowed if count(findings(read({"AWS": "arn:aws:iam::111111111111:role/reader"}))) == 0

test_assumed_role_session_of_reader_is_allowed if count(findings(read({"AWS": "arn:aws:sts::111111111111:assumed-role/reader/session"}))) == 0

test_principal_arn_pinned_to_reader_is_allowed if {
	c := {"ArnEquals": {"aws:PrincipalArn": ["arn:aws:iam::111111111111:role/reader"]}}
	count(findings(with_condition(read("*"), c))) == 0
}

test_userid_pinned_to_reader_is_allowed if {
	role := {"urn": "urn:r", "type": "aws:iam/role:Role", "name": "reader", "properties": {"name": "reader", "arn": "arn:aws:iam::111111111111:role/reader", "uniqueId": "AROAREADER"}}
	stmt := with_condition(read("*"), {"StringLike": {"aws:userid": "AROAREADER:*"}})
	count(data.lockdown.rules.s3.bucket_policy_broad_read.deny) == 0 with input as {"resources": [restricted, role, bucket_policy(doc(stmt))]} with data.lockdown.config as cfg
}

test_scoped_service_principal_is_allowed if {
	stmt := with_condition(read({"Service": "logging.s3.amazonaws.com"}), {"StringEquals": {"aws:SourceAccount": "111111111111"}})
	count(findings(stmt)) == 0
}

test_unscoped_service_principal_is_denied if count(findings(read({"Service": "logging.s3.amazonaws.com"}))) == 1

test_write_only_grant_is_allowed if count(findings(object.union(read("*"), {"Action": ["s3:PutObject"]}))) == 0

test_other_bucket_resource_is_allowed if count(findings(object.union(read("*"), {"Resource": "arn:aws:s3:::other-bucket/*"}))) == 0

test_deny_statement_is_allowed if count(findings(object.union(read("*"), {"Effect": "Deny"}))) == 0

test_public_bucket_is_allowed if {
	count(data.lockdown.rules.s3.bucket_policy_broad_read.deny) == 0 with input as {"resources": [bucket({"data-classification": "public"}), bucket_policy(doc(read("*")))]}
		with data.lockdown.config as cfg
}

test_no_policy_is_allowed if count(data.lockdown.rules.s3.bucket_policy_broad_read.deny) == 0 with input as {"resources": [restricted]} with data.lockdown.config as cfg

# Issue 12: a dotted bucket name and the GovCloud / China partitions are judged like plain ones.
worlds := [["aws", "data-bucket"], ["aws", "keystrokes.corp.example"], ["aws-us-gov", "keystrokes.corp.example"], ["aws-us-gov", "data-bucket"], ["aws-cn", "data-bucket"]]

world_bucket(world) := object.union(restricted, {"id": world[1], "properties": {"bucket": world[1], "arn": sprintf("arn:%s:s3:::%s", world)}})

world_policy(world, stmt) := object.union(bucket_policy(doc(stmt)), {"properties": {"bucket": world[1]}})

world_reader(world) := sprintf("arn:%s:iam::111111111111:role/reader", [world[0]])

world_findings(world, stmt) := found if {
	found := data.lockdown.rules.s3.bucket_policy_broad_read.deny with input as {"resources": [world_bucket(world), world_policy(world, stmt)]}
		with data.lockdown.config as object.union(cfg, {"allowedReaders": [world_reader(world)]})
}

test_public_read_of_a_dotted_or_partitioned_bucket_is_denied if {
	every world in worlds {
		every resource in ["*", sprintf("arn:%s:s3:::%s/*", world), sprintf("arn:%s:s3:::%s/private/*", world), "arn:*:s3:::*"] {
			some f in world_findings(world, object.union(read("*"), {"Resource": resource}))
			contains(f.msg, "lets * (public)")
		}
	}
}

test_reader_only_or_another_partition_of_a_dotted_or_partitioned_bucket_is_allowed if {
	every world in worlds {
		count(world_findings(world, object.union(read({"AWS": world_reader(world)}), {"Resource": sprintf("arn:%s:s3:::%s/*", world)}))) == 0
		other := object.get({"aws": "aws-cn"}, world[0], "aws")
		count(world_findings(world, object.union(read("*"), {"Resource": sprintf("arn:%s:s3:::%s/*", [other, world[1]])}))) == 0
	}
}
