package lockdown.rules.kms.key_rotation_test

import rego.v1

import data.lockdown.rules.kms.fixtures_test as fx
import data.lockdown.rules.kms.key_rotation as rule

test_rotating_key_is_allowed if count(data.lockdown.rules.kms.key_rotation.deny) == 0 with input as {"resources": [data.lockdown.rules.kms.fixtures_test.good_key]}

test_rotation_off_is_denied if {
	k := object.union(data.lockdown.rules.kms.fixtures_test.good_key, {"properties": {"enableKeyRotation": false}})
	some f in data.lockdown.rules.kms.key_rotation.deny with input as {"resources": [k]}
	contains(f.msg, "enableKeyRotation is false")
}

test_rotation_missing_is_denied if {
	k := object.union(object.remove(data.lockdown.rules.kms.fixtures_test.good_key, ["properties"]), {"properties": {"tags": {}}})
	count(data.lockdown.rules.kms.key_rotation.deny) == 1 with input as {"resources": [k]}
}

test_rotation_unknown_is_denied if {
	k := object.union(data.lockdown.rules.kms.fixtures_test.good_key, {"properties": {"enableKeyRotation": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"}})
	some f in data.lockdown.rules.kms.key_rotation.deny with input as {"resources": [k]}
	contains(f.msg, "not known at plan time")
}

test_asymmetric_key_is_allowed if {
	k := object.union(data.lockdown.rules.kms.fixtures_test.good_key, {"properties": {"enableKeyRotation": false, "customerMasterKeySpec": "RSA_2048"}})
	count(data.lockdown.rules.kms.key_rotation.deny) == 0 with input as {"resources": [k]}
}

test_signing_key_is_allowed if {
	k := object.union(data.lockdown.rules.kms.fixtures_test.good_key, {"properties": {"enableKeyRotation": false, "keyUsage": "SIGN_VERIFY"}})
	count(data.lockdown.rules.kms.key_rotation.deny) == 0 with input as {"resources": [k]}
}
