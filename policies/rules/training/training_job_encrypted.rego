# METADATA
# title: SageMaker training job output or volume not encrypted with a customer managed key
# description: >-
#   A training job writes model artifacts derived from the captured data to S3
#   (outputDataConfig) and keeps the data on its ML storage volumes (resourceConfig). Both must
#   be encrypted with a customer managed key: outputDataConfig.kmsKeyId and
#   resourceConfig.volumeKmsKeyId. AWS rejects a volume key on instance types with local NVMe
#   storage (encrypted by the hardware), so those are not flagged for the volume. A key that is
#   an output of another resource counts as set.
# custom:
#   id: LD-TRN-009
#   severity: medium
#   enforcement: mandatory
#   scope: resource
#   kinds: [sagemaker_training_job]
#   remediation: Set outputDataConfig.kmsKeyId and resourceConfig.volumeKmsKeyId on the training job to a customer managed KMS key.
#   frameworks:
#     - "SOC 2 CC6.1"
#     - "ISO 27001 A.8.24"
#     - "GDPR Art. 32"
package lockdown.rules.training.training_job_encrypted

import rego.v1

import data.lockdown.lib.classification
import data.lockdown.lib.services
import data.lockdown.lib.types

deny contains violation if {
	some job in services.resources_of_extra("sagemaker_training_job")
	classification.is_protected(job)
	some problem in problems(job)
	violation := {
		"urn": job.urn,
		"msg": sprintf("SageMaker training job '%s' %s", [job.name, problem]),
	}
}

problems(job) := {p | p := output_problem(job)} | {p | p := volume_problem(job)}

output_problem(job) := "writes its output to S3 without outputDataConfig.kmsKeyId" if {
	output := types.prop(job, "outputDataConfig", null)
	is_object(output)
	not services.is_set_value(services.get(output, "kmsKeyId", null))
}

volume_problem(job) := "keeps data on storage volumes without resourceConfig.volumeKmsKeyId" if {
	resources := types.prop(job, "resourceConfig", null)
	is_object(resources)
	not services.is_set_value(services.get(resources, "volumeKmsKeyId", null))
	not services.local_storage_instance(services.get(resources, "instanceType", ""))
}
