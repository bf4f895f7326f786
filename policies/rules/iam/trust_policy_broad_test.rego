package lockdown.rules.iam.trust_policy_broad_test

import rego.v1

import data.lockdown.rules.iam.fixtures_test as fx
import data.lockdown.rules.iam.trust_policy_broad as rule

findings(resources) := found if {
	found := data.lockdown.rules.iam.trust_policy_broad.deny with input as {"resources": resources} with data.lockdown.config as data.lockdown.rules.iam.fixtures_test.cfg
}

reader_trusting(principal) := object.union(fx.role("reader"), {"properties": {"assumeRolePolicy": fx.trust(principal)}})

test_public_trust_is_denied if {
	some f in findings([reader_trusting("*")])
	contains(f.msg, "role 'reader' (an allowed reader) can be assumed by * (public)")
}

test_other_account_trust_is_denied if count(findings([reader_trusting({"AWS": "arn:aws:iam::222222222222:root"})])) == 1

test_own_root_trust_is_denied if {
	some f in findings([reader_trusting({"AWS": "111111111111"})])
	contains(f.msg, "(account)")
}

test_org_wide_trust_is_denied if {
	r := object.union(fx.role("reader"), {"properties": {"assumeRolePolicy": json.marshal({"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}}]})}})
	some f in findings([r])
	contains(f.msg, "(organization)")
}

test_named_non_reader_trust_is_denied if count(findings([reader_trusting({"AWS": "arn:aws:iam::111111111111:role/ci"})])) == 1

test_unconditioned_federation_is_denied if count(findings([reader_trusting({"Federated": "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"})])) == 1

test_role_with_read_grant_is_checked if {
	r := object.union(fx.role("analyst"), {"properties": {"assumeRolePolicy": fx.trust("*")}})
	some f in findings([data.lockdown.rules.iam.fixtures_test.data_bucket, r, fx.role_policy("analyst", [fx.s3_read("arn:aws:s3:::data-bucket/*")])])
	contains(f.msg, "it can read restricted data")
}

test_unknown_trust_policy_is_denied if {
	r := object.union(fx.role("reader"), {"properties": {"assumeRolePolicy": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"}})
	count(findings([r])) == 1
}

test_service_trust_is_allowed if count(findings([fx.role("reader")])) == 0

test_reader_trusting_reader_is_allowed if count(findings([reader_trusting({"AWS": data.lockdown.rules.iam.fixtures_test.reader})])) == 0

test_conditioned_federation_is_allowed if {
	stmt := {"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::111111111111:oidc-provider/x"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {"x:sub": "repo:org/app:ref:refs/heads/main"}}}
	r := object.union(fx.role("reader"), {"properties": {"assumeRolePolicy": json.marshal({"Statement": [stmt]})}})
	count(findings([r])) == 0
}

test_non_reader_role_is_allowed if {
	r := object.union(fx.role("builder"), {"properties": {"assumeRolePolicy": fx.trust("*")}})
	count(findings([r])) == 0
}

test_role_named_in_bucket_policy_is_checked if {
	b := object.union(data.lockdown.rules.iam.fixtures_test.data_bucket, {})
	bp := fx.res("aws:s3/bucketPolicy:BucketPolicy", "bp", {"bucket": "data-bucket", "policy": fx.doc([{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:role/analyst"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data-bucket/*"}])})
	r := object.union(fx.role("analyst"), {"properties": {"assumeRolePolicy": fx.trust({"AWS": "111111111111"})}})
	some f in findings([b, bp, r])
	contains(f.msg, "a bucket policy lets it read restricted data")
}

# Issue 12: a role whose permissions boundary keeps it from reading is not a reader role.
bounded_analyst := object.union(fx.role("analyst"), {"properties": {
	"assumeRolePolicy": fx.trust("*"),
	"permissionsBoundary": "arn:aws:iam::111111111111:policy/boundary",
}})

boundary(statements) := fx.res("aws:iam/policy:Policy", "boundary", {"name": "boundary", "arn": "arn:aws:iam::111111111111:policy/boundary", "policy": fx.doc(statements)})

test_broad_trust_of_a_role_whose_boundary_admits_the_read_is_denied if {
	some f in findings([fx.data_bucket, bounded_analyst, boundary([{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]), fx.role_policy("analyst", [fx.s3_read("arn:aws:s3:::data-bucket/*")])])
	contains(f.msg, "role 'analyst' (it can read restricted data) can be assumed by * (public)")
}

test_broad_trust_of_a_role_whose_boundary_blocks_the_read_is_allowed if {
	count(findings([fx.data_bucket, bounded_analyst, boundary([{"Effect": "Allow", "Action": "logs:*", "Resource": "*"}]), fx.role_policy("analyst", [fx.s3_read("arn:aws:s3:::data-bucket/*")])])) == 0
}
