# Shared fixtures for the access path tests (no test_ rules here): a locked-down environment
# (a restricted bucket whose policy lets only the reader role read it) that each test changes
# in one way.
package lockdown.rules.access.fixtures_test

import rego.v1

account := "111111111111"

reader := "arn:aws:iam::111111111111:role/reader"

cfg := {"allowedReaders": [reader], "accountIds": [account], "organizationId": "o-abc123"}

res(type, name, props) := {
	"urn": sprintf("urn:pulumi:dev::lockdown::%s::%s", [type, name]),
	"type": type,
	"name": name,
	"id": null,
	"properties": props,
	"dependencies": [],
	"unknowns": [],
}

doc(statements) := json.marshal({"Version": "2012-10-17", "Statement": statements})

trust(principal) := doc([{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}])

bucket := object.union(res("aws:s3/bucket:Bucket", "data", {"bucket": "data-bucket", "tags": {"data-classification": "restricted"}}), {"id": "data-bucket"})

bucket_policy := res("aws:s3/bucketPolicy:BucketPolicy", "data-policy", {"bucket": "data-bucket", "policy": doc([{
	"Effect": "Allow",
	"Principal": {"AWS": reader},
	"Action": "s3:GetObject",
	"Resource": "arn:aws:s3:::data-bucket/*",
}])})

role(name, assume) := res("aws:iam/role:Role", name, {
	"name": name,
	"arn": sprintf("arn:aws:iam::111111111111:role/%s", [name]),
	"assumeRolePolicy": assume,
})

reader_role := role("reader", trust({"Service": "sagemaker.amazonaws.com"}))

# A role of the stack whose inline policy reads the bucket (not an allowed reader).
worker_role := role("worker", trust({"Service": "lambda.amazonaws.com"}))

worker_read := res("aws:iam/rolePolicy:RolePolicy", "worker-read", {"role": "worker", "name": "worker-read", "policy": doc([{
	"Effect": "Allow",
	"Action": "s3:GetObject",
	"Resource": "arn:aws:s3:::data-bucket/*",
}])})

# A role that reads nothing.
idle_role := role("idle", trust({"Service": "lambda.amazonaws.com"}))

base := [bucket, bucket_policy, reader_role]

findings(resources) := found if {
	found := data.lockdown.rules.access.read_path.deny with input as {"resources": resources}
		with data.lockdown.config as data.lockdown.rules.access.fixtures_test.cfg
}
