package lockdown.rules.kms.key_default_policy_test

import rego.v1

import data.lockdown.rules.kms.fixtures_test as fx
import data.lockdown.rules.kms.key_default_policy as rule

bare_key := object.union(object.remove(data.lockdown.rules.kms.fixtures_test.good_key, ["properties"]), {"properties": {"keyId": "1234", "enableKeyRotation": true}})

test_key_without_policy_is_denied if {
	some f in data.lockdown.rules.kms.key_default_policy.deny with input as {"resources": [bare_key]}
	contains(f.msg, "default policy")
}

test_key_with_policy_is_allowed if count(data.lockdown.rules.kms.key_default_policy.deny) == 0 with input as {"resources": [data.lockdown.rules.kms.fixtures_test.good_key]}

test_key_policy_resource_is_allowed if {
	kp := fx.res("aws:kms/keyPolicy:KeyPolicy", "kp", {"keyId": "1234", "policy": fx.doc([data.lockdown.rules.kms.fixtures_test.reader_statement])})
	count(data.lockdown.rules.kms.key_default_policy.deny) == 0 with input as {"resources": [bare_key, kp]}
}

test_key_policy_linked_by_dependency_is_allowed if {
	kp := object.union(fx.res("aws:kms/keyPolicy:KeyPolicy", "kp", {"keyId": "04da6b54-80e4-46f7-96ec-b56ff0331ba9", "policy": fx.doc([data.lockdown.rules.kms.fixtures_test.reader_statement])}), {"dependencies": [bare_key.urn]})
	count(data.lockdown.rules.kms.key_default_policy.deny) == 0 with input as {"resources": [bare_key, kp]}
}

test_public_key_is_allowed if {
	k := object.union(bare_key, {"properties": {"tags": {"data-classification": "public"}}})
	count(data.lockdown.rules.kms.key_default_policy.deny) == 0 with input as {"resources": [k]}
}
