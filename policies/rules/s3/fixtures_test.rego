# Shared fixtures for the S3 rule tests: a complete, locked-down restricted bucket and its log
# bucket. Each rule's tests start from it and break one thing. (No test_ rules here.)
package lockdown.rules.s3.fixtures_test

import rego.v1

reader := "arn:aws:iam::111111111111:role/reader"

cfg := {
	"allowedReaders": [reader],
	"keyAdministrators": ["arn:aws:iam::111111111111:role/key-admin"],
	"accountIds": ["111111111111"],
	"organizationId": "o-abc123",
	"maxRetentionDays": 30,
	"maxLogRetentionDays": 365,
}

urn(type, name) := sprintf("urn:pulumi:dev::lockdown::%s::%s", [type, name])

res(type, name, props) := {
	"urn": urn(type, name),
	"type": type,
	"name": name,
	"id": null,
	"properties": props,
	"parent": null,
	"dependencies": [],
	"provider": null,
	"unknowns": [],
	"source": "program",
}

bucket(name, physical, tags) := object.union(res("aws:s3/bucket:Bucket", name, {
	"bucket": physical,
	"arn": sprintf("arn:aws:s3:::%s", [physical]),
	"tags": tags,
}), {"id": physical})

restricted := {"data-classification": "restricted"}

perimeter(physical) := {
	"Sid": "Perimeter",
	"Effect": "Deny",
	"Principal": "*",
	"Action": ["s3:GetObject*", "s3:ListBucket*"],
	"Resource": [sprintf("arn:aws:s3:::%s", [physical]), sprintf("arn:aws:s3:::%s/*", [physical])],
	"Condition": {"ArnNotEquals": {"aws:PrincipalArn": [reader]}},
}

tls(physical) := {
	"Sid": "TlsOnly",
	"Effect": "Deny",
	"Principal": "*",
	"Action": "s3:*",
	"Resource": [sprintf("arn:aws:s3:::%s", [physical]), sprintf("arn:aws:s3:::%s/*", [physical])],
	"Condition": {"Bool": {"aws:SecureTransport": "false"}},
}

reader_grant(physical) := {
	"Sid": "Readers",
	"Effect": "Allow",
	"Principal": {"AWS": [reader]},
	"Action": ["s3:GetObject", "s3:ListBucket"],
	"Resource": [sprintf("arn:aws:s3:::%s", [physical]), sprintf("arn:aws:s3:::%s/*", [physical])],
}

policy_doc(statements) := json.marshal({"Version": "2012-10-17", "Statement": statements})

companions(name, physical, sse_rule, target, days) := [
	res("aws:s3/bucketPolicy:BucketPolicy", sprintf("%s-policy", [name]), {
		"bucket": physical,
		"policy": policy_doc([perimeter(physical), tls(physical), reader_grant(physical)]),
	}),
	res("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", sprintf("%s-pab", [name]), {
		"bucket": physical,
		"blockPublicAcls": true,
		"blockPublicPolicy": true,
		"ignorePublicAcls": true,
		"restrictPublicBuckets": true,
	}),
	res("aws:s3/bucketOwnershipControls:BucketOwnershipControls", sprintf("%s-ownership", [name]), {
		"bucket": physical,
		"rule": {"objectOwnership": "BucketOwnerEnforced"},
	}),
	res("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", sprintf("%s-sse", [name]), {
		"bucket": physical,
		"rules": [sse_rule],
	}),
	res("aws:s3/bucketVersioning:BucketVersioning", sprintf("%s-versioning", [name]), {
		"bucket": physical,
		"versioningConfiguration": {"status": "Enabled"},
	}),
	res("aws:s3/bucketLogging:BucketLogging", sprintf("%s-logging", [name]), {
		"bucket": physical,
		"targetBucket": target,
		"targetPrefix": sprintf("%s/", [name]),
	}),
	res("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", sprintf("%s-lifecycle", [name]), {
		"bucket": physical,
		"rules": [{"id": "expire", "status": "Enabled", "filter": {}, "expiration": {"days": days}}],
	}),
]

kms_rule := {
	"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": "arn:aws:kms:eu-west-1:111111111111:key/1234"},
	"bucketKeyEnabled": true,
}

aes_rule := {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}

data_bucket := bucket("data", "data-bucket", restricted)

log_bucket := bucket("logs", "logs-bucket", restricted)

# The complete stack: the data bucket logs to the log bucket; the log bucket (an access-log
# target) uses SSE-S3 and keeps logs for a year.
stack := array.concat(
	array.concat([data_bucket], companions("data", "data-bucket", kms_rule, "logs-bucket", 30)),
	array.concat([log_bucket], [r |
		some r in companions("logs", "logs-bucket", aes_rule, "logs-bucket", 365)
		r.type != "aws:s3/bucketLogging:BucketLogging"
	]),
)

# The stack with the resource named `name` removed, or with its properties merged with `props`.
without(name) := [r | some r in stack; r.name != name]

with_props(name, props) := [_patched(r, name, props) | some r in stack]

_patched(r, name, props) := object.union(r, {"properties": props}) if r.name == name

_patched(r, name, _) := r if r.name != name

# The stack with one resource's properties replaced entirely.
replaced(name, props) := [_replaced(r, name, props) | some r in stack]

_replaced(r, name, props) := object.union(object.remove(r, ["properties"]), {"properties": props}) if r.name == name

_replaced(r, name, _) := r if r.name != name

# The bucket policy document of the data bucket with other statements.
with_policy(statements) := replaced("data-policy", {"bucket": "data-bucket", "policy": policy_doc(statements)})
