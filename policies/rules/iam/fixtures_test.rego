# Shared fixtures for the IAM rule tests (no test_ rules here).
package lockdown.rules.iam.fixtures_test

import rego.v1

reader := "arn:aws:iam::111111111111:role/reader"

cfg := {
	"allowedReaders": [reader],
	"accountIds": ["111111111111"],
	"organizationId": "o-abc123",
}

res(type, name, props) := {
	"urn": sprintf("urn:pulumi:dev::lockdown::%s::%s", [type, name]),
	"type": type,
	"name": name,
	"id": null,
	"properties": props,
	"dependencies": [],
	"unknowns": [],
}

bucket(name, physical, tags) := object.union(res("aws:s3/bucket:Bucket", name, {"bucket": physical, "tags": tags}), {"id": physical})

data_bucket := bucket("data", "data-bucket", {"data-classification": "restricted"})

public_bucket := bucket("site", "site-bucket", {"data-classification": "public"})

role(name) := res("aws:iam/role:Role", name, {
	"name": name,
	"arn": sprintf("arn:aws:iam::111111111111:role/%s", [name]),
	"assumeRolePolicy": trust({"Service": "sagemaker.amazonaws.com"}),
})

trust(principal) := json.marshal({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}]})

doc(statements) := json.marshal({"Version": "2012-10-17", "Statement": statements})

s3_read(resource) := {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": resource}

role_policy(role_name, statements) := res("aws:iam/rolePolicy:RolePolicy", sprintf("%s-inline", [role_name]), {
	"role": role_name,
	"name": sprintf("%s-inline", [role_name]),
	"policy": doc(statements),
})
