# Shared fixtures for the KMS rule tests (no test_ rules here).
package lockdown.rules.kms.fixtures_test

import rego.v1

reader := "arn:aws:iam::111111111111:role/reader"

admin := "arn:aws:iam::111111111111:role/key-admin"

cfg := {
	"allowedReaders": [reader],
	"keyAdministrators": [admin],
	"accountIds": ["111111111111"],
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

admin_statement := {
	"Sid": "Admins",
	"Effect": "Allow",
	"Principal": {"AWS": admin},
	"Action": ["kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*", "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource", "kms:UntagResource", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion"],
	"Resource": "*",
}

reader_statement := {
	"Sid": "Readers",
	"Effect": "Allow",
	"Principal": {"AWS": reader},
	"Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
	"Resource": "*",
}

s3_service_statement := {
	"Sid": "S3ViaService",
	"Effect": "Allow",
	"Principal": {"Service": "s3.amazonaws.com"},
	"Action": ["kms:Decrypt", "kms:GenerateDataKey"],
	"Resource": "*",
	"Condition": {"StringEquals": {"aws:SourceAccount": "111111111111"}},
}

doc(statements) := json.marshal({"Version": "2012-10-17", "Statement": statements})

key(statements) := res("aws:kms/key:Key", "data-key", {
	"keyId": "1234",
	"arn": "arn:aws:kms:eu-west-1:111111111111:key/1234",
	"enableKeyRotation": true,
	"policy": doc(statements),
	"tags": {"data-classification": "restricted"},
})

good_key := key([admin_statement, reader_statement, s3_service_statement])
