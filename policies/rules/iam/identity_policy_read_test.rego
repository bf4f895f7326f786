package lockdown.rules.iam.identity_policy_read_test

import rego.v1

import data.lockdown.rules.iam.fixtures_test as fx
import data.lockdown.rules.iam.identity_policy_read as rule

findings(resources) := found if {
	found := data.lockdown.rules.iam.identity_policy_read.deny with input as {"resources": resources} with data.lockdown.config as data.lockdown.rules.iam.fixtures_test.cfg
}

test_inline_read_on_restricted_bucket_is_denied if {
	some f in findings([data.lockdown.rules.iam.fixtures_test.data_bucket, fx.role("analyst"), fx.role_policy("analyst", [fx.s3_read("arn:aws:s3:::data-bucket/*")])])
	contains(f.msg, "arn:aws:iam::111111111111:role/analyst read bucket 'data' (restricted)")
}

test_read_on_star_is_denied if {
	some f in findings([fx.role("analyst"), fx.role_policy("analyst", [fx.s3_read("*")])])
	contains(f.msg, "every bucket")
}

test_get_star_on_arn_wildcard_is_denied if {
	stmt := {"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::*/*"}
	count(findings([fx.role("analyst"), fx.role_policy("analyst", [stmt])])) == 1
}

test_kms_decrypt_on_star_is_denied if {
	stmt := {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}
	some f in findings([fx.role("analyst"), fx.role_policy("analyst", [stmt])])
	contains(f.msg, "kms:Decrypt on every key")
}

test_logs_read_on_star_is_denied if {
	stmt := {"Effect": "Allow", "Action": "logs:FilterLogEvents", "Resource": "*"}
	count(findings([fx.role("analyst"), fx.role_policy("analyst", [stmt])])) == 1
}

test_bucket_wildcard_segment_is_denied if {
	stmt := fx.s3_read("arn:aws:s3:::data-*/*")
	count(findings([data.lockdown.rules.iam.fixtures_test.data_bucket, fx.role("analyst"), fx.role_policy("analyst", [stmt])])) == 1
}

test_listing_only_is_denied if {
	stmt := {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::data-bucket"}
	count(findings([data.lockdown.rules.iam.fixtures_test.data_bucket, fx.role("analyst"), fx.role_policy("analyst", [stmt])])) == 1
}

test_managed_policy_attached_to_role_is_denied if {
	p := object.union(fx.res("aws:iam/policy:Policy", "read-data", {"name": "read-data", "arn": "arn:aws:iam::111111111111:policy/read-data", "policy": fx.doc([fx.s3_read("arn:aws:s3:::data-bucket/*")])}), {})
	a := fx.res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "attach", {"role": "analyst", "policyArn": "arn:aws:iam::111111111111:policy/read-data"})
	some f in findings([data.lockdown.rules.iam.fixtures_test.data_bucket, fx.role("analyst"), p, a])
	contains(f.msg, "policy read-data attached to role analyst")
}

test_managed_policy_with_unknown_arn_links_by_dependency if {
	p := fx.res("aws:iam/policy:Policy", "read-data", {"name": "read-data", "arn": "04da6b54-80e4-46f7-96ec-b56ff0331ba9", "policy": fx.doc([fx.s3_read("arn:aws:s3:::data-bucket/*")])})
	a := object.union(fx.res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "attach", {"role": "analyst", "policyArn": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"}), {"dependencies": [p.urn]})
	count(findings([data.lockdown.rules.iam.fixtures_test.data_bucket, fx.role("analyst"), p, a])) == 1
}

test_aws_managed_read_only_on_user_is_denied if {
	u := fx.res("aws:iam/user:User", "bob", {"name": "bob", "arn": "arn:aws:iam::111111111111:user/bob"})
	a := fx.res("aws:iam/userPolicyAttachment:UserPolicyAttachment", "bob-ro", {"user": "bob", "policyArn": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"})
	some f in findings([u, a])
	contains(f.msg, "AmazonS3ReadOnlyAccess attached to user bob")
}

test_group_inline_policy_is_denied if {
	g := fx.res("aws:iam/group:Group", "analysts", {"name": "analysts", "arn": "arn:aws:iam::111111111111:group/analysts"})
	p := fx.res("aws:iam/groupPolicy:GroupPolicy", "analysts-read", {"group": "analysts", "policy": fx.doc([fx.s3_read("*")])})
	count(findings([g, p])) == 1
}

test_policy_attachment_to_many_is_denied if {
	p := fx.res("aws:iam/policy:Policy", "read-all", {"arn": "arn:aws:iam::111111111111:policy/read-all", "policy": fx.doc([fx.s3_read("*")])})
	a := fx.res("aws:iam/policyAttachment:PolicyAttachment", "attach", {"policyArn": "arn:aws:iam::111111111111:policy/read-all", "roles": ["analyst", "reader"], "users": ["bob"]})
	found := findings([fx.role("analyst"), fx.role("reader"), p, a])
	count(found) == 2
}

test_role_inline_policies_are_denied if {
	r := object.union(fx.role("analyst"), {"properties": {"inlinePolicies": [{"name": "read", "policy": fx.doc([fx.s3_read("*")])}]}})
	count(findings([r])) == 1
}

test_role_managed_policy_arns_are_denied if {
	r := object.union(fx.role("analyst"), {"properties": {"managedPolicyArns": ["arn:aws:iam::aws:policy/ReadOnlyAccess"]}})
	found := findings([r])
	some f in found
	contains(f.msg, "policy ReadOnlyAccess attached to role analyst lets arn:aws:iam::111111111111:role/analyst read objects of every bucket")
	some g in found
	contains(g.msg, "every log group")
}

test_role_outside_stack_is_denied if {
	some f in findings([fx.role_policy("external-role", [fx.s3_read("*")])])
	contains(f.msg, "role external-role")
}

test_unknown_policy_is_denied if {
	p := object.union(fx.role_policy("analyst", []), {"properties": {"policy": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"}})
	some f in findings([fx.role("analyst"), p])
	contains(f.msg, "not known at plan time")
}

test_allowed_reader_is_allowed if {
	count(findings([data.lockdown.rules.iam.fixtures_test.data_bucket, fx.role("reader"), fx.role_policy("reader", [fx.s3_read("*"), fx.s3_read("arn:aws:s3:::data-bucket/*")])])) == 0
}

test_allowed_reader_with_unknown_arn_is_allowed if {
	r := object.union(fx.role("reader"), {"properties": {"arn": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"}})
	count(findings([data.lockdown.rules.iam.fixtures_test.data_bucket, r, fx.role_policy("reader", [fx.s3_read("arn:aws:s3:::data-bucket/*")])])) == 0
}

test_read_on_public_bucket_is_allowed if {
	count(findings([data.lockdown.rules.iam.fixtures_test.public_bucket, fx.role("analyst"), fx.role_policy("analyst", [fx.s3_read("arn:aws:s3:::site-bucket/*")])])) == 0
}

test_write_on_restricted_bucket_is_allowed if {
	stmt := {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::data-bucket/*"}
	count(findings([data.lockdown.rules.iam.fixtures_test.data_bucket, fx.role("analyst"), fx.role_policy("analyst", [stmt])])) == 0
}

test_kms_decrypt_on_one_key_is_allowed if {
	stmt := {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "arn:aws:kms:eu-west-1:111111111111:key/1234"}
	count(findings([fx.role("analyst"), fx.role_policy("analyst", [stmt])])) == 0
}

# Issue 12: a dotted bucket name and the GovCloud / China partitions are judged like plain ones.
partitioned_bucket(partition, physical) := object.union(
	fx.bucket("data", physical, {"data-classification": "restricted"}),
	{"properties": {"bucket": physical, "arn": sprintf("arn:%s:s3:::%s", [partition, physical]), "tags": {"data-classification": "restricted"}}},
)

test_reads_are_denied_in_every_partition_and_for_dotted_names if {
	every world in worlds {
		b := partitioned_bucket(world[0], world[1])
		every resource in [sprintf("arn:%s:s3:::%s/*", world), sprintf("arn:%s:s3:::%s*", [world[0], substring(world[1], 0, 4)]), "arn:*:s3:::*/*"] {
			count(findings([b, fx.role("analyst"), fx.role_policy("analyst", [fx.s3_read(resource)])])) == 1
		}
	}
}

worlds := [["aws", "data-bucket"], ["aws", "keystrokes.corp.example"], ["aws-us-gov", "keystrokes.corp.example"], ["aws-cn", "data-bucket"]]

test_reads_of_another_partition_or_by_the_reader_are_allowed if {
	every world in worlds {
		b := partitioned_bucket(world[0], world[1])
		other := object.get({"aws": "aws-cn"}, world[0], "aws")
		count(findings([b, fx.role("analyst"), fx.role_policy("analyst", [fx.s3_read(sprintf("arn:%s:s3:::%s/*", [other, world[1]]))])])) == 0
		count(findings([b, fx.role("reader"), fx.role_policy("reader", [fx.s3_read(sprintf("arn:%s:s3:::%s/*", world))])])) == 0
	}
}

# Issue 12: a permissions boundary caps the identity's policies.
bounded_role(boundary_arn) := object.union(fx.role("analyst"), {"properties": {
	"name": "analyst",
	"arn": "arn:aws:iam::111111111111:role/analyst",
	"assumeRolePolicy": fx.trust({"Service": "sagemaker.amazonaws.com"}),
	"permissionsBoundary": boundary_arn,
}})

boundary(statements) := fx.res("aws:iam/policy:Policy", "boundary", {"name": "boundary", "arn": "arn:aws:iam::111111111111:policy/boundary", "policy": fx.doc(statements)})

test_read_within_a_permissions_boundary_that_allows_reads_is_denied if {
	b := boundary([{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}])
	count(findings([fx.data_bucket, bounded_role("arn:aws:iam::111111111111:policy/boundary"), b, fx.role_policy("analyst", [fx.s3_read("arn:aws:s3:::data-bucket/*")])])) == 1
	count(findings([bounded_role("arn:aws:iam::111111111111:policy/boundary"), b, fx.role_policy("analyst", [fx.s3_read("*")])])) == 1
}

test_read_outside_a_permissions_boundary_that_blocks_reads_is_allowed if {
	b := boundary([{"Effect": "Allow", "Action": ["logs:PutLogEvents", "s3:PutObject"], "Resource": "*"}])
	count(findings([fx.data_bucket, bounded_role("arn:aws:iam::111111111111:policy/boundary"), b, fx.role_policy("analyst", [fx.s3_read("arn:aws:s3:::data-bucket/*")])])) == 0
	count(findings([bounded_role("arn:aws:iam::111111111111:policy/boundary"), b, fx.role_policy("analyst", [fx.s3_read("*")])])) == 0
}

test_customer_managed_policy_attached_to_a_user_is_denied if {
	p := fx.res("aws:iam/policy:Policy", "read-data", {"name": "read-data", "arn": "arn:aws:iam::111111111111:policy/read-data", "policy": fx.doc([fx.s3_read("arn:aws:s3:::data-bucket/*")])})
	u := fx.res("aws:iam/user:User", "bob", {"name": "bob", "arn": "arn:aws:iam::111111111111:user/bob"})
	every a in [
		fx.res("aws:iam/userPolicyAttachment:UserPolicyAttachment", "bob-read", {"user": "bob", "policyArn": "arn:aws:iam::111111111111:policy/read-data"}),
		fx.res("aws:iam/policyAttachment:PolicyAttachment", "bob-read", {"users": ["bob"], "policyArn": "arn:aws:iam::111111111111:policy/read-data"}),
	] {
		some f in findings([fx.data_bucket, p, u, a])
		contains(f.msg, "policy read-data attached to user bob lets arn:aws:iam::111111111111:user/bob read bucket 'data'")
	}
}

# Issue 12: the allow twins of the user attachments above: the user is an allowed reader, or
# the policy reads a bucket that is not restricted.
user_attachments(policy_arn) := [
	fx.res("aws:iam/userPolicyAttachment:UserPolicyAttachment", "bob-read", {"user": "bob", "policyArn": policy_arn}),
	fx.res("aws:iam/policyAttachment:PolicyAttachment", "bob-read", {"users": ["bob"], "policyArn": policy_arn}),
]

test_customer_managed_policy_attached_to_an_allowed_user_or_on_a_public_bucket_is_allowed if {
	bob := fx.res("aws:iam/user:User", "bob", {"name": "bob", "arn": "arn:aws:iam::111111111111:user/bob"})
	data_read := fx.res("aws:iam/policy:Policy", "read-data", {"name": "read-data", "arn": "arn:aws:iam::111111111111:policy/read-data", "policy": fx.doc([fx.s3_read("arn:aws:s3:::data-bucket/*")])})
	site_read := fx.res("aws:iam/policy:Policy", "read-site", {"name": "read-site", "arn": "arn:aws:iam::111111111111:policy/read-site", "policy": fx.doc([fx.s3_read("arn:aws:s3:::site-bucket/*")])})
	bob_allowed := object.union(fx.cfg, {"allowedReaders": [fx.reader, "arn:aws:iam::111111111111:user/bob"]})
	every a in user_attachments("arn:aws:iam::111111111111:policy/read-data") {
		count(rule.deny) == 0 with input as {"resources": [fx.data_bucket, data_read, bob, a]} with data.lockdown.config as bob_allowed
	}
	every a in user_attachments("arn:aws:iam::111111111111:policy/read-site") {
		count(findings([fx.data_bucket, fx.public_bucket, site_read, bob, a])) == 0
	}
}

# Issue 12, IAM semantics: effective = identity policies ∩ boundary, an explicit Deny wins.
bounded_findings(boundary_statements, statements) := findings([
	fx.data_bucket,
	bounded_role("arn:aws:iam::111111111111:policy/boundary"),
	boundary(boundary_statements),
	fx.role_policy("analyst", statements),
])

test_boundary_that_admits_the_read_is_denied if {
	every case in [
		# The boundary admits s3:GetObject on the bucket: the named read stays.
		[[{"Effect": "Allow", "Action": ["s3:GetObject", "logs:*"], "Resource": "arn:aws:s3:::data-bucket/*"}], [fx.s3_read("arn:aws:s3:::data-bucket/*")], "read bucket 'data' (restricted)"],
		# Resource "*" within a boundary that admits one bucket: that bucket is read.
		[[{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data-bucket/*"}], [fx.s3_read("*")], "read bucket 'data' (restricted)"],
		# A Deny with a condition, or on part of the bucket, does not take the read away.
		[[{"Effect": "Allow", "Action": "*", "Resource": "*"}, {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data-bucket/*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}], [fx.s3_read("arn:aws:s3:::data-bucket/*")], "read bucket 'data' (restricted)"],
		[[{"Effect": "Allow", "Action": "*", "Resource": "*"}, {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data-bucket/private/*"}], [fx.s3_read("arn:aws:s3:::data-bucket/*")], "read bucket 'data' (restricted)"],
		[[{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}], [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}], "kms:Decrypt on every key"],
	] {
		some f in bounded_findings(case[0], case[1])
		contains(f.msg, case[2])
	}
}

test_boundary_that_blocks_the_read_is_allowed if {
	every case in [
		# Only logs:* in the boundary.
		[[{"Effect": "Allow", "Action": "logs:*", "Resource": "*"}], [fx.s3_read("arn:aws:s3:::data-bucket/*")]],
		[[{"Effect": "Allow", "Action": "logs:*", "Resource": "*"}], [fx.s3_read("*"), {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}]],
		# The boundary allows everything but denies the reads of the bucket.
		[[{"Effect": "Allow", "Action": "*", "Resource": "*"}, {"Effect": "Deny", "Action": ["s3:GetObject*", "s3:ListBucket*"], "Resource": ["arn:aws:s3:::data-bucket", "arn:aws:s3:::data-bucket/*"]}], [fx.s3_read("arn:aws:s3:::data-bucket/*")]],
		[[{"Effect": "Allow", "Action": "*", "Resource": "*"}, {"Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::*"}], [fx.s3_read("*")]],
		# The boundary admits other actions or other buckets only: the intersection is empty.
		[[{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}], [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data-bucket/*"}]],
		[[{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::site-bucket/*"}], [fx.s3_read("*")]],
	] {
		count(bounded_findings(case[0], case[1])) == 0
	}
}

test_boundary_that_cannot_be_read_does_not_limit_and_is_denied if {
	unknown := object.union(boundary([]), {"properties": {"policy": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"}, "unknowns": ["policy"]})
	count(findings([fx.data_bucket, bounded_role("arn:aws:iam::111111111111:policy/boundary"), unknown, fx.role_policy("analyst", [fx.s3_read("arn:aws:s3:::data-bucket/*")])])) == 1
	invalid := object.union(boundary([]), {"properties": {"policy": "{not json"}})
	count(findings([fx.data_bucket, bounded_role("arn:aws:iam::111111111111:policy/boundary"), invalid, fx.role_policy("analyst", [fx.s3_read("arn:aws:s3:::data-bucket/*")])])) == 1
	# A boundary policy outside the stack.
	count(findings([fx.data_bucket, bounded_role("arn:aws:iam::111111111111:policy/elsewhere"), fx.role_policy("analyst", [fx.s3_read("arn:aws:s3:::data-bucket/*")])])) == 1
}

test_explicit_deny_in_another_identity_policy_is_allowed if {
	deny := fx.res("aws:iam/rolePolicy:RolePolicy", "analyst-deny", {"role": "analyst", "name": "analyst-deny", "policy": fx.doc([{"Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::data-bucket/*"}])})
	count(findings([fx.data_bucket, fx.role("analyst"), deny, fx.role_policy("analyst", [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data-bucket/*"}])])) == 0
}

test_deny_of_another_principal_does_not_take_the_read_away if {
	deny := fx.res("aws:iam/rolePolicy:RolePolicy", "other-deny", {"role": "other", "name": "other-deny", "policy": fx.doc([{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}])})
	count(findings([fx.data_bucket, fx.role("analyst"), fx.role("other"), deny, fx.role_policy("analyst", [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data-bucket/*"}])])) == 1
}
