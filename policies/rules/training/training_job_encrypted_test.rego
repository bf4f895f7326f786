package lockdown.rules.training.training_job_encrypted_test

import rego.v1

import data.lockdown.rules.training.training_job_encrypted

unknown := "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

key := "arn:aws:kms:eu-west-1:111122223333:key/abc"

job(props) := {
	"urn": "urn:pulumi:dev::lockdown::aws:sagemaker/trainingJob:TrainingJob::typing",
	"type": "aws:sagemaker/trainingJob:TrainingJob",
	"name": "typing",
	"properties": object.union({"roleArn": "arn:aws:iam::111122223333:role/trainer"}, props),
	"unknowns": [],
}

findings_for(props) := findings if {
	findings := training_job_encrypted.deny with input as {"resources": [job(props)]}
		with data.lockdown.config as {}
}

output(k) := {"s3OutputPath": "s3://models/typing/", "kmsKeyId": k}

resources(instance_type, k) := {"instanceType": instance_type, "instanceCount": 1, "volumeSizeInGb": 50, "volumeKmsKeyId": k}

test_unencrypted_output_and_volume_are_denied if {
	record := {
		"urn": "urn:pulumi:dev::lockdown::aws:sagemaker/trainingJob:TrainingJob::typing",
		"type": "aws:sagemaker/trainingJob:TrainingJob",
		"name": "typing",
		"properties": {
			"outputDataConfig": {"s3OutputPath": "s3://models/typing/"},
			"resourceConfig": {"instanceType": "ml.m5.xlarge", "instanceCount": 1, "volumeSizeInGb": 50},
		},
		"unknowns": [],
	}
	findings := training_job_encrypted.deny with input as {"resources": [record]}
		with data.lockdown.config as {}
	count(findings) == 2
	some f in findings
	contains(f.msg, "'typing' writes its output to S3 without outputDataConfig.kmsKeyId")
}

test_encrypted_output_and_volume_are_allowed if {
	record := {
		"urn": "urn:pulumi:dev::lockdown::aws:sagemaker/trainingJob:TrainingJob::typing",
		"type": "aws:sagemaker/trainingJob:TrainingJob",
		"name": "typing",
		"properties": {
			"outputDataConfig": {"s3OutputPath": "s3://models/typing/", "kmsKeyId": key},
			"resourceConfig": {"instanceType": "ml.m5.xlarge", "instanceCount": 1, "volumeKmsKeyId": key},
		},
		"unknowns": [],
	}
	findings := training_job_encrypted.deny with input as {"resources": [record]}
		with data.lockdown.config as {}
	count(findings) == 0
}

test_unencrypted_volume_is_denied if {
	findings := findings_for({"outputDataConfig": output(key), "resourceConfig": resources("ml.m5.xlarge", null)})
	count(findings) == 1
	some f in findings
	contains(f.msg, "volumeKmsKeyId")
}

test_local_storage_instance_without_volume_key_is_allowed if {
	count(findings_for({"outputDataConfig": output(key), "resourceConfig": resources("ml.p4d.24xlarge", null)})) == 0
}

test_public_job_is_allowed if {
	count(findings_for({"outputDataConfig": output(null), "tags": {"data-classification": "public"}})) == 0
}
