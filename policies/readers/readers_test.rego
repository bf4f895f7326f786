package lockdown.readers_test

import rego.v1

import data.lockdown.readers
import data.lockdown.rules.s3.fixtures_test as fx

entries(resources) := found if {
	found := data.lockdown.readers.readers with input as {"resources": resources} with data.lockdown.config as data.lockdown.rules.s3.fixtures_test.cfg
}

_principals_of(found, store) := {e.principal | some e in found; e.store == store}

test_locked_down_bucket_lists_only_reader if {
	found := entries(data.lockdown.rules.s3.fixtures_test.stack)
	_principals_of(found, data.lockdown.rules.s3.fixtures_test.data_bucket.urn) == {data.lockdown.rules.s3.fixtures_test.reader}
	some e in found
	e.store == data.lockdown.rules.s3.fixtures_test.data_bucket.urn
	e.allowed
	e.via == "bucket policy"
	e.store_name == "data"
}

test_broad_grant_shows_everyone if {
	stmt := {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data-bucket/*"}
	found := entries(fx.with_policy([fx.perimeter("data-bucket"), stmt]))
	some e in found
	e.principal == "*"
	not e.allowed
}

test_identity_policy_reader_is_listed if {
	role := fx.res("aws:iam/role:Role", "analyst", {"name": "analyst", "arn": "arn:aws:iam::111111111111:role/analyst"})
	rp := fx.res("aws:iam/rolePolicy:RolePolicy", "analyst-read", {"role": "analyst", "policy": json.marshal({"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data-bucket/*"}]})})
	found := entries(array.concat(data.lockdown.rules.s3.fixtures_test.stack, [role, rp]))
	"arn:aws:iam::111111111111:role/analyst" in _principals_of(found, data.lockdown.rules.s3.fixtures_test.data_bucket.urn)
}

test_wide_identity_grant_reaches_every_store if {
	role := fx.res("aws:iam/role:Role", "ops", {"name": "ops", "arn": "arn:aws:iam::111111111111:role/ops", "managedPolicyArns": ["arn:aws:iam::aws:policy/AdministratorAccess"]})
	key := fx.res("aws:kms/key:Key", "k", {"policy": json.marshal({"Statement": [{"Effect": "Allow", "Principal": {"AWS": data.lockdown.rules.s3.fixtures_test.reader}, "Action": "kms:Decrypt", "Resource": "*"}]})})
	lg := fx.res("aws:cloudwatch/logGroup:LogGroup", "lg", {"name": "lg"})
	found := entries(array.concat(data.lockdown.rules.s3.fixtures_test.stack, [role, key, lg]))
	ops := "arn:aws:iam::111111111111:role/ops"
	ops in _principals_of(found, data.lockdown.rules.s3.fixtures_test.data_bucket.urn)
	ops in _principals_of(found, key.urn)
	ops in _principals_of(found, lg.urn)
	data.lockdown.rules.s3.fixtures_test.reader in _principals_of(found, key.urn)
}

test_acl_grantee_is_listed if {
	acl := fx.res("aws:s3/bucketAclV2:BucketAclV2", "acl", {"bucket": "data-bucket", "acl": "public-read"})
	found := entries(array.concat(data.lockdown.rules.s3.fixtures_test.stack, [acl]))
	"AllUsers" in _principals_of(found, data.lockdown.rules.s3.fixtures_test.data_bucket.urn)
}

test_access_point_and_grant_are_listed if {
	ap := fx.res("aws:s3/accessPoint:AccessPoint", "ap", {"bucket": "data-bucket", "name": "ap", "arn": "arn:aws:s3:eu-west-1:111111111111:accesspoint/ap", "policy": json.marshal({"Statement": [{"Effect": "Allow", "Principal": {"AWS": "222222222222"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:eu-west-1:111111111111:accesspoint/ap/object/*"}]})})
	key := fx.res("aws:kms/key:Key", "k", {"keyId": "k1", "policy": "{}"})
	grant := fx.res("aws:kms/grant:Grant", "g", {"keyId": "k1", "granteePrincipal": data.lockdown.rules.s3.fixtures_test.reader, "operations": ["Decrypt"]})
	found := entries(array.concat(data.lockdown.rules.s3.fixtures_test.stack, [ap, key, grant]))
	"account 222222222222" in _principals_of(found, data.lockdown.rules.s3.fixtures_test.data_bucket.urn)
	data.lockdown.rules.s3.fixtures_test.reader in _principals_of(found, key.urn)
}

test_scoped_service_is_not_a_reader if {
	stmt := {"Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data-bucket/*", "Condition": {"StringEquals": {"aws:SourceAccount": "111111111111"}}}
	found := entries(fx.with_policy([fx.perimeter("data-bucket"), stmt]))
	count(_principals_of(found, data.lockdown.rules.s3.fixtures_test.data_bucket.urn)) == 0
}

test_public_bucket_is_not_reported if {
	b := fx.bucket("site", "site-bucket", {"data-classification": "public"})
	count(entries([b])) == 0
}

test_principals_that_assume_a_reader_role_are_listed if {
	role := fx.res("aws:iam/role:Role", "reader", {"name": "reader", "arn": fx.reader, "assumeRolePolicy": json.marshal({"Statement": [
		{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:role/ci"}, "Action": "sts:AssumeRole"},
		{"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"},
	]})})
	found := entries(array.concat(fx.stack, [role]))
	some e in found
	e.principal == "arn:aws:iam::111111111111:role/ci"
	startswith(e.via, "assumes role reader, then bucket policy")
	not e.allowed
	every x in found {
		x.principal != "sagemaker.amazonaws.com"
	}
}

# A key administrator's kms:CreateGrant limited to AWS resources (kms:GrantIsForAWSResource
# true) is not a read path: not listed, as LD-KMS-001 does not flag it. Unconstrained, it is.
test_create_grant_for_aws_resource_only_is_not_a_reader if {
	admin := "arn:aws:iam::111111111111:role/key-admin"
	stmt := {"Effect": "Allow", "Principal": {"AWS": admin}, "Action": "kms:CreateGrant", "Resource": "*", "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}}}
	key := fx.res("aws:kms/key:Key", "k", {"policy": json.marshal({"Statement": [stmt]})})
	not admin in _principals_of(entries(array.concat(fx.stack, [key])), key.urn)
	open := fx.res("aws:kms/key:Key", "k", {"policy": json.marshal({"Statement": [object.remove(stmt, ["Condition"])]})})
	some e in entries(array.concat(fx.stack, [open]))
	e.principal == admin
	e.via == "key policy (kms:CreateGrant)"
	not e.allowed
}

# The access model's paths are listed, as LD-ACCESS-001 reports them.
test_access_model_paths_are_listed if {
	worker := fx.res("aws:iam/role:Role", "worker", {"name": "worker", "arn": "arn:aws:iam::111111111111:role/worker"})
	read := fx.res("aws:iam/rolePolicy:RolePolicy", "worker-read", {"role": "worker", "policy": json.marshal({"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})})
	fn := fx.res("aws:lambda/function:Function", "api", {"name": "api", "role": "arn:aws:iam::111111111111:role/worker"})
	url := fx.res("aws:lambda/functionUrl:FunctionUrl", "api-url", {"functionName": "api", "authorizationType": "NONE"})
	some e in entries(array.concat(fx.stack, [worker, read, fn, url]))
	e.principal == "anyone on the internet"
	e.via == "function URL 'api-url' has authorizationType NONE; function 'api' runs as role 'worker'"
	not e.allowed
}

_log_policy(stmt) := fx.res("aws:cloudwatch/logResourcePolicy:LogResourcePolicy", "logs", {
	"policyName": "capture-logs",
	"policyDocument": json.marshal({"Statement": [stmt]}),
})

_group_arn := "arn:aws:logs:eu-west-1:111111111111:log-group:/capture/*"

test_log_resource_policy_reader_is_listed if {
	policy := _log_policy({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"}, "Action": "logs:GetLogEvents", "Resource": _group_arn})
	found := entries([policy])
	some e in found
	e.store == policy.urn
	e.store_kind == "log_group"
	e.store_name == sprintf("log groups %v", [_group_arn])
	e.principal == "account 999999999999"
	e.via == "log resource policy capture-logs"
	not e.allowed
}

test_log_resource_policy_pinned_service_is_not_a_reader if {
	policy := _log_policy({
		"Effect": "Allow", "Principal": {"Service": "delivery.logs.amazonaws.com"}, "Action": "logs:PutSubscriptionFilter",
		"Resource": _group_arn, "Condition": {"StringEquals": {"aws:SourceAccount": "111111111111"}},
	})
	count(entries([policy])) == 0
}
