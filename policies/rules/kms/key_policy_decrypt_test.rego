package lockdown.rules.kms.key_policy_decrypt_test

import rego.v1

import data.lockdown.rules.kms.fixtures_test as fx
import data.lockdown.rules.kms.key_policy_decrypt as rule

findings(resources) := found if {
	found := data.lockdown.rules.kms.key_policy_decrypt.deny with input as {"resources": resources} with data.lockdown.config as data.lockdown.rules.kms.fixtures_test.cfg
}

decrypt(principal) := {"Effect": "Allow", "Principal": principal, "Action": "kms:Decrypt", "Resource": "*"}

test_locked_down_key_is_allowed if count(findings([data.lockdown.rules.kms.fixtures_test.good_key])) == 0

test_star_principal_is_denied if {
	some f in findings([fx.key([decrypt("*")])])
	contains(f.msg, "lets * (public) use kms:Decrypt")
}

test_root_delegation_is_denied if {
	stmt := {"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "kms:*", "Resource": "*"}
	some f in findings([fx.key([stmt])])
	contains(f.msg, "account 111111111111 (account)")
}

test_other_account_is_denied if count(findings([fx.key([decrypt({"AWS": "222222222222"})])])) == 1

test_organization_is_denied if {
	stmt := object.union(decrypt("*"), {"Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}})
	count(findings([fx.key([stmt])])) == 1
}

test_named_non_reader_is_denied if count(findings([fx.key([decrypt({"AWS": "arn:aws:iam::111111111111:role/analyst"})])])) == 1

test_reencrypt_wildcard_is_denied if {
	stmt := object.union(decrypt({"AWS": "arn:aws:iam::111111111111:role/analyst"}), {"Action": "kms:ReEncrypt*"})
	count(findings([fx.key([stmt])])) == 1
}

test_create_grant_for_non_reader_is_denied if {
	stmt := object.union(decrypt({"AWS": "arn:aws:iam::111111111111:role/analyst"}), {"Action": "kms:CreateGrant"})
	count(findings([fx.key([stmt])])) == 1
}

test_key_admin_decrypt_is_denied if {
	stmt := object.union(data.lockdown.rules.kms.fixtures_test.admin_statement, {"Action": ["kms:*"]})
	some f in findings([fx.key([stmt])])
	contains(f.msg, "key administrators may administer")
}

test_key_admin_administering_is_allowed if count(findings([fx.key([data.lockdown.rules.kms.fixtures_test.admin_statement])])) == 0

test_unscoped_service_is_denied if {
	stmt := object.remove(data.lockdown.rules.kms.fixtures_test.s3_service_statement, ["Condition"])
	count(findings([fx.key([stmt])])) == 1
}

test_via_service_condition_is_allowed if {
	stmt := object.union(decrypt("*"), {"Condition": {"StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com", "kms:CallerAccount": "111111111111"}}})
	stmt2 := object.union(object.remove(data.lockdown.rules.kms.fixtures_test.s3_service_statement, ["Condition"]), {"Condition": {"StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}}})
	count(findings([fx.key([stmt2])])) == 0
	count(findings([fx.key([stmt])])) == 1
}

test_encryption_context_condition_is_allowed if {
	stmt := object.union(object.remove(data.lockdown.rules.kms.fixtures_test.s3_service_statement, ["Condition"]), {"Condition": {"StringEquals": {"kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::data-bucket"}}})
	count(findings([fx.key([stmt])])) == 0
}

test_source_arn_condition_is_allowed if {
	stmt := object.union(object.remove(data.lockdown.rules.kms.fixtures_test.s3_service_statement, ["Condition"]), {"Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:logs:eu-west-1:111111111111:log-group:*"}}})
	count(findings([fx.key([stmt])])) == 0
}

test_source_account_of_other_account_is_denied if {
	stmt := object.union(object.remove(data.lockdown.rules.kms.fixtures_test.s3_service_statement, ["Condition"]), {"Condition": {"StringEquals": {"aws:SourceAccount": "222222222222"}}})
	count(findings([fx.key([stmt])])) == 1
}

test_key_policy_resource_is_denied if {
	kp := fx.res("aws:kms/keyPolicy:KeyPolicy", "data-key-policy", {"keyId": "1234", "policy": fx.doc([decrypt("*")])})
	some f in findings([kp])
	f.urn == kp.urn
}

test_invalid_key_policy_is_denied if {
	kp := fx.res("aws:kms/keyPolicy:KeyPolicy", "data-key-policy", {"keyId": "1234", "policy": "{\"Statement\": 5"})
	count(findings([kp])) == 1
}

test_unknown_key_policy_is_denied if {
	k := object.union(data.lockdown.rules.kms.fixtures_test.good_key, {"properties": {"policy": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"}})
	some f in findings([k])
	contains(f.msg, "not known at plan time")
}

test_public_key_is_allowed if {
	k := object.union(fx.key([decrypt("*")]), {"properties": {"tags": {"data-classification": "public"}}})
	count(findings([k])) == 0
}

# kms:CreateGrant limited to grants for AWS resources (kms:GrantIsForAWSResource true) is not a
# read path, for a key administrator or anyone else; the reader report agrees.
_aws_resource_grant(principal) := {
	"Effect": "Allow",
	"Principal": principal,
	"Action": ["kms:CreateGrant", "kms:ListGrants"],
	"Resource": "*",
	"Condition": {"StringEquals": {"kms:ViaService": "firehose.eu-west-1.amazonaws.com"}, "Bool": {"kms:GrantIsForAWSResource": "true"}},
}

test_create_grant_for_aws_resource_only_is_allowed if {
	count(findings([fx.key([_aws_resource_grant({"AWS": data.lockdown.rules.kms.fixtures_test.admin})])])) == 0
	count(findings([fx.key([_aws_resource_grant({"AWS": "arn:aws:iam::111111111111:role/analyst"})])])) == 0
}

test_create_grant_with_if_exists_condition_is_denied if {
	stmt := object.union(object.remove(_aws_resource_grant({"AWS": "arn:aws:iam::111111111111:role/analyst"}), ["Condition"]), {"Condition": {"BoolIfExists": {"kms:GrantIsForAWSResource": "true"}}})
	some f in findings([fx.key([stmt])])
	contains(f.msg, "use kms:CreateGrant")
}

test_decrypt_next_to_aws_resource_condition_is_denied if {
	stmt := object.union(_aws_resource_grant({"AWS": "arn:aws:iam::111111111111:role/analyst"}), {"Action": ["kms:CreateGrant", "kms:Decrypt"]})
	some f in findings([fx.key([stmt])])
	contains(f.msg, "use kms:Decrypt")
	not contains(f.msg, "CreateGrant")
}
