package lockdown.rules.s3.public_access_block_missing_test

import rego.v1

import data.lockdown.rules.s3.public_access_block_missing as rule

bucket(tags) := {
	"urn": "urn:pulumi:dev::p::aws:s3/bucketV2:BucketV2::data",
	"type": "aws:s3/bucketV2:BucketV2",
	"name": "data",
	"id": "data-bucket",
	"properties": {"bucket": "data-bucket", "tags": tags},
}

flags := {"blockPublicAcls": true, "blockPublicPolicy": true, "ignorePublicAcls": true, "restrictPublicBuckets": true}

pab := {
	"urn": "urn:pulumi:dev::p::aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock::data-pab",
	"type": "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
	"name": "data-pab",
	"properties": object.union({"bucket": "data-bucket"}, flags),
}

test_missing_block_is_denied if {
	some f in data.lockdown.rules.s3.public_access_block_missing.deny with input as {"resources": [bucket({})]}
	contains(f.msg, "bucket 'data' (restricted) has no public access block")
}

test_block_for_another_bucket_is_denied if {
	other := object.union(pab, {"properties": {"bucket": "other"}})
	count(data.lockdown.rules.s3.public_access_block_missing.deny) == 1 with input as {"resources": [bucket({}), other]}
}

test_bucket_block_is_allowed if count(data.lockdown.rules.s3.public_access_block_missing.deny) == 0 with input as {"resources": [bucket({}), pab]}

test_block_linked_by_dependency_is_allowed if {
	p := object.union(pab, {"properties": {"bucket": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"}, "dependencies": [bucket({}).urn]})
	count(data.lockdown.rules.s3.public_access_block_missing.deny) == 0 with input as {"resources": [bucket({}), p]}
}

test_account_block_is_allowed if {
	acct := {"urn": "urn:acct", "type": "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock", "name": "acct", "properties": flags}
	count(data.lockdown.rules.s3.public_access_block_missing.deny) == 0 with input as {"resources": [bucket({}), acct]}
}

test_incomplete_account_block_does_not_count if {
	acct := {"urn": "urn:acct", "type": "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock", "name": "acct", "properties": object.union(flags, {"restrictPublicBuckets": false})}
	count(data.lockdown.rules.s3.public_access_block_missing.deny) == 1 with input as {"resources": [bucket({}), acct]}
}

test_public_bucket_is_allowed if count(data.lockdown.rules.s3.public_access_block_missing.deny) == 0 with input as {"resources": [bucket({"data-classification": "public"})]}
