package lockdown.rules.coverage.unmodelled_policy_test

import rego.v1

import data.lockdown.rules.coverage.unmodelled_policy

replica_key := {
	"urn": "urn:pulumi:dev::p::aws:kms/replicaKey:ReplicaKey::replica",
	"type": "aws:kms/replicaKey:ReplicaKey",
	"name": "replica",
	"properties": {"policy": "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:Decrypt\"}]}"},
	"unknowns": [],
}

test_replica_key_with_a_key_policy_is_denied if {
	findings := unmodelled_policy.deny with input as {"resources": [replica_key]}
	count(findings) == 1
	some f in findings
	contains(f.msg, "its policy (a policy, grant or ACL) was not checked")
}

test_lambda_permission_principal_is_denied if {
	permission := {
		"urn": "urn:pulumi:dev::p::aws:lambda/permission:Permission::invoke",
		"type": "aws:lambda/permission:Permission",
		"name": "invoke",
		"properties": {"principal": "*", "action": "lambda:InvokeFunction"},
	}
	count(unmodelled_policy.deny) == 1 with input as {"resources": [permission]}
}

test_modelled_and_narrowing_types_are_allowed if {
	key := object.union(replica_key, {"urn": "urn:pulumi:dev::p::aws:kms/key:Key::k", "type": "aws:kms/key:Key"})
	endpoint := object.union(replica_key, {
		"urn": "urn:pulumi:dev::p::aws:ec2/vpcEndpoint:VpcEndpoint::e",
		"type": "aws:ec2/vpcEndpoint:VpcEndpoint",
	})
	count(unmodelled_policy.deny) == 0 with input as {"resources": [key, endpoint]}
}

test_unmodelled_type_without_a_policy_is_allowed if {
	alias := {"urn": "urn:pulumi:dev::p::aws:kms/alias:Alias::a", "type": "aws:kms/alias:Alias", "name": "a", "properties": {"name": "alias/a", "policy": ""}}
	count(unmodelled_policy.deny) == 0 with input as {"resources": [alias]}
}
