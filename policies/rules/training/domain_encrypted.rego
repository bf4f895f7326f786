# METADATA
# title: SageMaker domain storage not encrypted with a customer managed key
# description: >-
#   A Studio domain's EFS volume holds every user's notebooks and the data they copied. Without
#   kmsKeyId it is encrypted with an AWS managed key, outside the key policies of the stack.
#   A kmsKeyId that is an output of another resource counts as set.
# custom:
#   id: LD-TRN-004
#   severity: medium
#   enforcement: mandatory
#   scope: resource
#   kinds: [sagemaker_domain]
#   remediation: Set kmsKeyId on the domain to a customer managed KMS key.
#   frameworks:
#     - "SOC 2 CC6.1"
#     - "ISO 27001 A.8.24"
#     - "GDPR Art. 32"
package lockdown.rules.training.domain_encrypted

import rego.v1

import data.lockdown.lib.classification
import data.lockdown.lib.services
import data.lockdown.lib.types

deny contains violation if {
	some domain in types.resources_of("sagemaker_domain")
	classification.is_protected(domain)
	not services.is_set_value(types.prop(domain, "kmsKeyId", null))
	violation := {
		"urn": domain.urn,
		"msg": sprintf("SageMaker domain '%s' has no kmsKeyId: its EFS volume is not encrypted with a customer managed key", [domain.name]),
	}
}
