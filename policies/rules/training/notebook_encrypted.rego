# METADATA
# title: SageMaker notebook storage not encrypted with a customer managed key
# description: >-
#   A notebook instance's ML storage volume holds copies of the data worked on. Without kmsKeyId
#   it is encrypted with an AWS managed key, so the volume and its snapshots are not governed by
#   a key policy of the stack. A kmsKeyId that is an output of another resource counts as set.
# custom:
#   id: LD-TRN-002
#   severity: medium
#   enforcement: mandatory
#   scope: resource
#   kinds: [sagemaker_notebook_instance]
#   remediation: Set kmsKeyId on the notebook instance to a customer managed KMS key.
#   frameworks:
#     - "SOC 2 CC6.1"
#     - "ISO 27001 A.8.24"
#     - "GDPR Art. 32"
package lockdown.rules.training.notebook_encrypted

import rego.v1

import data.lockdown.lib.classification
import data.lockdown.lib.services
import data.lockdown.lib.types

deny contains violation if {
	some notebook in types.resources_of("sagemaker_notebook_instance")
	classification.is_protected(notebook)
	not services.is_set_value(types.prop(notebook, "kmsKeyId", null))
	violation := {
		"urn": notebook.urn,
		"msg": sprintf("SageMaker notebook instance '%s' has no kmsKeyId: its storage volume is not encrypted with a customer managed key", [notebook.name]),
	}
}
