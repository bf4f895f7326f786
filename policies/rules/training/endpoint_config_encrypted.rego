# METADATA
# title: SageMaker endpoint data not encrypted with a customer managed key
# description: >-
#   An endpoint configuration must encrypt what its instances store with a customer managed
#   key: the ML storage volume (kmsKeyArn), captured requests and responses (dataCaptureConfig
#   kmsKeyId when capture is enabled) and asynchronous inference output (asyncInferenceConfig
#   outputConfig kmsKeyId). AWS refuses kmsKeyArn when a production variant runs on an instance
#   type with local NVMe storage (encrypted by the instance hardware), so such configurations
#   are not flagged for kmsKeyArn. A key that is an output of another resource counts as set.
# custom:
#   id: LD-TRN-005
#   severity: medium
#   enforcement: mandatory
#   scope: resource
#   kinds: [sagemaker_endpoint_configuration]
#   remediation: Set kmsKeyArn on the endpoint configuration, and kmsKeyId in dataCaptureConfig and asyncInferenceConfig.outputConfig, to a customer managed KMS key.
#   frameworks:
#     - "SOC 2 CC6.1"
#     - "ISO 27001 A.8.24"
#     - "GDPR Art. 32"
package lockdown.rules.training.endpoint_config_encrypted

import rego.v1

import data.lockdown.lib.classification
import data.lockdown.lib.services
import data.lockdown.lib.types

deny contains violation if {
	some config in types.resources_of("sagemaker_endpoint_configuration")
	classification.is_protected(config)
	some problem in problems(config)
	violation := {
		"urn": config.urn,
		"msg": sprintf("SageMaker endpoint configuration '%s' %s", [config.name, problem]),
	}
}

problems(config) := {p | p := volume_problem(config)} | {p | p := capture_problem(config)} | {p | p := async_problem(config)}

volume_problem(config) := "has no kmsKeyArn: its storage volumes are not encrypted with a customer managed key" if {
	not services.is_set_value(types.prop(config, "kmsKeyArn", null))
	not uses_local_storage(config)
}

capture_problem(config) := "captures requests and responses to S3 without dataCaptureConfig.kmsKeyId" if {
	capture := types.prop(config, "dataCaptureConfig", null)
	is_object(capture)
	services.get(capture, "enableCapture", false) != false
	not services.is_set_value(services.get(capture, "kmsKeyId", null))
}

async_problem(config) := "writes asynchronous inference output to S3 without asyncInferenceConfig.outputConfig.kmsKeyId" if {
	output := services.get(types.prop(config, "asyncInferenceConfig", {}), "outputConfig", null)
	is_object(output)
	not services.is_set_value(services.get(output, "kmsKeyId", null))
}

# A production variant on an instance type with local NVMe storage (AWS then rejects kmsKeyArn).
uses_local_storage(config) if {
	some variant in types.as_list(types.prop(config, "productionVariants", []))
	services.local_storage_instance(services.get(variant, "instanceType", ""))
}
