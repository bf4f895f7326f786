package lockdown.rules.s3.replication_cross_account_test

import rego.v1

import data.lockdown.rules.s3.fixtures_test as fx
import data.lockdown.rules.s3.replication_cross_account as rule

findings(resources) := found if {
	found := data.lockdown.rules.s3.replication_cross_account.deny with input as {"resources": resources} with data.lockdown.config as data.lockdown.rules.s3.fixtures_test.cfg
}

replication(destination) := fx.res("aws:s3/bucketReplicationConfig:BucketReplicationConfig", "data-replication", {
	"bucket": "data-bucket",
	"role": "arn:aws:iam::111111111111:role/replication",
	"rules": [{"id": "all", "status": "Enabled", "destination": destination}],
})

replica := fx.bucket("replica", "replica-bucket", data.lockdown.rules.s3.fixtures_test.restricted)

test_no_replication_is_allowed if count(findings(data.lockdown.rules.s3.fixtures_test.stack)) == 0

test_other_account_is_denied if {
	some f in findings(array.concat(data.lockdown.rules.s3.fixtures_test.stack, [replication({"bucket": "arn:aws:s3:::far-away", "account": "222222222222"})]))
	contains(f.msg, "in account 222222222222")
}

test_bucket_outside_stack_without_account_is_denied if {
	some f in findings(array.concat(data.lockdown.rules.s3.fixtures_test.stack, [replication({"bucket": "arn:aws:s3:::far-away"})]))
	contains(f.msg, "outside the stack")
}

test_unknown_account_is_denied if {
	count(findings(array.concat(data.lockdown.rules.s3.fixtures_test.stack, [replication({"bucket": "arn:aws:s3:::x", "account": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"})]))) == 1
}

test_unknown_destination_without_dependency_is_denied if {
	count(findings(array.concat(data.lockdown.rules.s3.fixtures_test.stack, [replication({"bucket": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"})]))) == 1
}

test_unknown_destination_in_stack_is_allowed if {
	r := object.union(replication({"bucket": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"}), {"dependencies": [data.lockdown.rules.s3.fixtures_test.data_bucket.urn, replica.urn]})
	count(findings(array.concat(data.lockdown.rules.s3.fixtures_test.stack, [replica, r]))) == 0
}

test_bucket_in_stack_is_allowed if {
	count(findings(array.concat(data.lockdown.rules.s3.fixtures_test.stack, [replica, replication({"bucket": "arn:aws:s3:::replica-bucket"})]))) == 0
}

test_own_account_is_allowed if {
	count(findings(array.concat(data.lockdown.rules.s3.fixtures_test.stack, [replication({"bucket": "arn:aws:s3:::dr-bucket", "account": "111111111111"})]))) == 0
}

test_disabled_rule_is_allowed if {
	r := fx.res("aws:s3/bucketReplicationConfig:BucketReplicationConfig", "data-replication", {
		"bucket": "data-bucket",
		"rules": [{"status": "Disabled", "destination": {"bucket": "arn:aws:s3:::far", "account": "222222222222"}}],
	})
	count(findings(array.concat(data.lockdown.rules.s3.fixtures_test.stack, [r]))) == 0
}

test_v6_inline_replication_is_denied if {
	b := object.union(data.lockdown.rules.s3.fixtures_test.data_bucket, {"properties": {"replicationConfiguration": {"role": "r", "rules": [{"status": "Enabled", "destination": {"bucket": "arn:aws:s3:::far", "accountId": "222222222222"}}]}}})
	count(findings(array.concat([b], fx.without("data")))) == 1
}
