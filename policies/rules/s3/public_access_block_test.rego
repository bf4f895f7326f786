package lockdown.rules.s3.public_access_block_test

import rego.v1

import data.lockdown.rules.s3.public_access_block as rule

pab(props) := {
	"urn": "urn:pulumi:dev::p::aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock::data-pab",
	"type": "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
	"name": "data-pab",
	"properties": object.union({
		"bucket": "data-bucket",
		"blockPublicAcls": true,
		"blockPublicPolicy": true,
		"ignorePublicAcls": true,
		"restrictPublicBuckets": true,
	}, props),
	"unknowns": [],
}

test_complete_block_is_allowed if count(data.lockdown.rules.s3.public_access_block.deny) == 0 with input as {"resources": [pab({})]}

test_flag_false_is_denied if {
	some f in data.lockdown.rules.s3.public_access_block.deny with input as {"resources": [pab({"restrictPublicBuckets": false})]}
	contains(f.msg, "restrictPublicBuckets")
}

test_missing_flag_is_denied if {
	r := object.remove(pab({}), ["properties"])
	props := object.remove(pab({}).properties, ["ignorePublicAcls"])
	some f in data.lockdown.rules.s3.public_access_block.deny with input as {"resources": [object.union(r, {"properties": props})]}
	contains(f.msg, "ignorePublicAcls")
}

test_unknown_flag_is_denied if {
	some f in data.lockdown.rules.s3.public_access_block.deny with input as {"resources": [pab({"blockPublicPolicy": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"})]}
	contains(f.msg, "unknown at plan time")
}

test_string_true_is_denied if count(data.lockdown.rules.s3.public_access_block.deny) == 1 with input as {"resources": [pab({"blockPublicAcls": "true"})]}

test_account_block_with_flag_off_is_denied if {
	r := object.union(pab({"blockPublicAcls": false}), {"type": "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"})
	count(data.lockdown.rules.s3.public_access_block.deny) == 1 with input as {"resources": [r]}
}
