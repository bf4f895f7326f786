package lockdown.rules.training.endpoint_config_encrypted_test

import rego.v1

import data.lockdown.rules.training.endpoint_config_encrypted

unknown := "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

key_arn := "arn:aws:kms:eu-west-1:111122223333:key/abc"

config(props) := {
	"urn": "urn:pulumi:dev::lockdown::aws:sagemaker/endpointConfiguration:EndpointConfiguration::serve",
	"type": "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
	"name": "serve",
	"properties": object.union({"productionVariants": [variant("ml.m5.large")]}, props),
	"unknowns": [],
}

variant(instance_type) := {"variantName": "main", "modelName": "typing-model", "instanceType": instance_type, "initialInstanceCount": 1}

findings_for(props) := findings if {
	findings := endpoint_config_encrypted.deny with input as {"resources": [config(props)]}
		with data.lockdown.config as {}
}

test_no_volume_key_is_denied if {
	record := {
		"urn": "urn:pulumi:dev::lockdown::aws:sagemaker/endpointConfiguration:EndpointConfiguration::serve",
		"type": "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
		"name": "serve",
		"properties": {"productionVariants": [{"variantName": "main", "modelName": "typing-model", "instanceType": "ml.m5.large"}]},
		"unknowns": [],
	}
	findings := endpoint_config_encrypted.deny with input as {"resources": [record]}
		with data.lockdown.record as {}
	count(findings) == 1
	some f in findings
	contains(f.msg, "'serve' has no kmsKeyArn")
}

test_all_keys_are_allowed if {
	record := {
		"urn": "urn:pulumi:dev::lockdown::aws:sagemaker/endpointConfiguration:EndpointConfiguration::serve",
		"type": "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
		"name": "serve",
		"properties": {
			"productionVariants": [{"variantName": "main", "modelName": "typing-model", "instanceType": "ml.m5.large"}],
			"kmsKeyArn": key_arn,
			"dataCaptureConfig": {"enableCapture": true, "destinationS3Uri": "s3://capture-data/endpoint", "kmsKeyId": key_arn},
			"asyncInferenceConfig": {"outputConfig": {"s3OutputPath": "s3://capture-data/async", "kmsKeyId": unknown}},
		},
		"unknowns": ["asyncInferenceConfig.outputConfig.kmsKeyId"],
	}
	findings := endpoint_config_encrypted.deny with input as {"resources": [record]}
		with data.lockdown.record as {}
	count(findings) == 0
}

test_capture_without_key_is_denied if {
	capture := {"enableCapture": true, "destinationS3Uri": "s3://capture-data/endpoint", "initialSamplingPercentage": 100}
	findings := findings_for({"kmsKeyArn": key_arn, "dataCaptureConfig": capture})
	count(findings) == 1
	some f in findings
	contains(f.msg, "dataCaptureConfig.kmsKeyId")
}

test_async_output_without_key_is_denied if {
	async := {"outputConfig": {"s3OutputPath": "s3://capture-data/async"}}
	some f in findings_for({"kmsKeyArn": key_arn, "asyncInferenceConfig": async})
	contains(f.msg, "asyncInferenceConfig.outputConfig.kmsKeyId")
}

test_disabled_capture_without_key_is_allowed if {
	capture := {"enableCapture": false, "destinationS3Uri": "s3://capture-data/endpoint"}
	count(findings_for({"kmsKeyArn": key_arn, "dataCaptureConfig": capture})) == 0
}

test_local_nvme_instance_without_volume_key_is_allowed if {
	count(findings_for({"productionVariants": [variant("ml.g4dn.xlarge")]})) == 0
}

test_g5_instance_without_volume_key_is_allowed if {
	count(findings_for({"productionVariants": [variant("ml.g5.2xlarge")]})) == 0
}

test_public_config_is_allowed if {
	count(findings_for({"tags": {"data-classification": "public"}})) == 0
}
