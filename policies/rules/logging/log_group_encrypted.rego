# METADATA
# title: Log group of restricted data not encrypted with a KMS key
# description: >-
#   CloudWatch Logs encrypts every log group with a service key that any principal allowed
#   logs:GetLogEvents can use. Logs of restricted data (untagged groups are restricted) must be
#   encrypted with a customer managed key (kmsKeyId), so reading them also needs kms:Decrypt on
#   a key whose policy the stack governs. A kmsKeyId that is an output of another resource
#   (unknown at plan time) counts as set.
# custom:
#   id: LD-LOG-007
#   severity: high
#   enforcement: mandatory
#   scope: resource
#   kinds: [log_group]
#   remediation: Set kmsKeyId on the log group to the ARN of a customer managed KMS key whose policy lets logs.<region>.amazonaws.com use it for this log group.
#   fix_python: |-
#     $var = aws.cloudwatch.LogGroup(
#         "$name",
#         kms_key_id=log_key.arn,  # a customer managed key whose policy lets logs.<region>.amazonaws.com use it
#         # ...the log group's other arguments, unchanged
#     )
#   frameworks:
#     - "SOC 2 CC6.1"
#     - "ISO 27001 A.8.24"
#     - "GDPR Art. 32"
package lockdown.rules.logging.log_group_encrypted

import rego.v1

import data.lockdown.lib.classification
import data.lockdown.lib.services
import data.lockdown.lib.types

deny contains violation if {
	some group in types.resources_of("log_group")
	classification.is_protected(group)
	not services.is_set_value(types.prop(group, "kmsKeyId", null))
	violation := {
		"urn": group.urn,
		"msg": sprintf("log group '%s' (%s) has no kmsKeyId: it is not encrypted with a customer managed key", [group.name, classification.level_label(group)]),
	}
}
