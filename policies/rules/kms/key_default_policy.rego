# METADATA
# title: Key with the default key policy
# description: >-
#   A customer managed key protecting restricted data has no key policy in the stack (no policy
#   property and no KeyPolicy resource), so AWS applies the default policy: kms:* for the
#   account root, which lets any IAM policy of the account decrypt with the key.
# custom:
#   id: LD-KMS-004
#   severity: high
#   enforcement: mandatory
#   scope: stack
#   gate: stack
#   remediation: Give the key an explicit policy granting kms:Decrypt only to lockdown:allowedReaders.
#   frameworks:
#     - "SOC 2 CC6.1"
#     - "ISO 27001 A.8.24"
#     - "GDPR Art. 32"
package lockdown.rules.kms.key_default_policy

import rego.v1

import data.lockdown.lib.classification
import data.lockdown.lib.reads
import data.lockdown.lib.types

deny contains violation if {
	some k in types.resources_of("kms_key")
	classification.is_protected(k)
	count(object.get(data.lockdown.lib.reads.key_docs, k.urn, set())) == 0
	violation := {
		"urn": k.urn,
		"msg": sprintf("key '%s' has no key policy, so the default policy lets the account root (every IAM policy of the account) decrypt", [k.name]),
	}
}
