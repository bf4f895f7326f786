# METADATA
# title: Customer managed key without automatic rotation
# description: >-
#   A symmetric customer managed KMS key protecting restricted data does not rotate its key
#   material automatically (enableKeyRotation), or the setting is unknown at plan time.
# custom:
#   id: LD-KMS-002
#   severity: medium
#   enforcement: mandatory
#   scope: resource
#   kinds: [kms_key]
#   remediation: Set enableKeyRotation to true on the aws.kms.Key.
#   fix_python: |-
#     $var = aws.kms.Key(
#         "$name",
#         enable_key_rotation=True,
#         # ...the key's other arguments, unchanged
#     )
#   frameworks:
#     - "CIS AWS Foundations 3.6"
#     - "SOC 2 CC6.1"
#     - "ISO 27001 A.8.24"
#     - "GDPR Art. 32"
package lockdown.rules.kms.key_rotation

import rego.v1

import data.lockdown.lib.classification
import data.lockdown.lib.types

deny contains violation if {
	some r in types.resources_of("kms_key")
	classification.is_protected(r)
	_symmetric(r)
	value := types.prop(r, "enableKeyRotation", false)
	value != true
	violation := types.undecided_when(types.is_unknown(value), {
		"urn": r.urn,
		"msg": sprintf("key '%s' does not rotate automatically (enableKeyRotation is %s)", [r.name, _label(value)]),
	})
}

_symmetric(r) if {
	types.prop(r, "keyUsage", "ENCRYPT_DECRYPT") == "ENCRYPT_DECRYPT"
	types.prop(r, "customerMasterKeySpec", types.prop(r, "keySpec", "SYMMETRIC_DEFAULT")) == "SYMMETRIC_DEFAULT"
}

_label(v) := "not known at plan time" if types.is_unknown(v)

_label(v) := sprintf("%v", [v]) if not types.is_unknown(v)
