package lockdown.rules.kms.grant_non_reader_test

import rego.v1

import data.lockdown.rules.kms.fixtures_test as fx
import data.lockdown.rules.kms.grant_non_reader as rule

grant(grantee, operations) := fx.res("aws:kms/grant:Grant", "g", {"keyId": "1234", "granteePrincipal": grantee, "operations": operations})

findings(resources) := found if {
	found := data.lockdown.rules.kms.grant_non_reader.deny with input as {"resources": resources} with data.lockdown.config as data.lockdown.rules.kms.fixtures_test.cfg
}

test_grant_to_non_reader_is_denied if {
	some f in findings([grant("arn:aws:iam::111111111111:role/analyst", ["Decrypt", "Encrypt"])])
	contains(f.msg, "gives Decrypt to arn:aws:iam::111111111111:role/analyst")
}

test_create_grant_to_other_account_is_denied if count(findings([grant("arn:aws:iam::222222222222:root", ["CreateGrant"])])) == 1

test_unknown_grantee_is_denied if {
	some f in findings([grant("04da6b54-80e4-46f7-96ec-b56ff0331ba9", ["Decrypt"])])
	contains(f.msg, "not known at plan time")
}

test_unknown_operations_are_denied if count(findings([grant(data.lockdown.rules.kms.fixtures_test.reader, "04da6b54-80e4-46f7-96ec-b56ff0331ba9")])) == 1

test_grant_to_reader_is_allowed if count(findings([grant(data.lockdown.rules.kms.fixtures_test.reader, ["Decrypt"])])) == 0

test_encrypt_only_grant_is_allowed if count(findings([grant("arn:aws:iam::111111111111:role/writer", ["Encrypt", "GenerateDataKey"])])) == 0
