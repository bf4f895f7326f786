# METADATA
# title: CloudTrail logs not encrypted with a KMS key
# description: >-
#   CloudTrail logs name every principal that read restricted data and what it read. Without a
#   KMS key (kmsKeyId) they are protected only by SSE-S3, so anyone who can read the audit bucket
#   can read them; with a key, reading also needs kms:Decrypt on a key the stack governs.
#   A kmsKeyId that is an output of another resource (unknown at plan time) counts as set.
# custom:
#   id: LD-LOG-004
#   severity: high
#   enforcement: mandatory
#   scope: resource
#   kinds: [cloudtrail_trail]
#   remediation: Set kmsKeyId on the trail to the ARN of a customer managed KMS key whose policy lets cloudtrail.amazonaws.com encrypt for this trail.
#   frameworks:
#     - "CIS AWS Foundations 3.7"
#     - "SOC 2 CC6.1"
#     - "ISO 27001 A.8.24"
#     - "GDPR Art. 32"
package lockdown.rules.logging.trail_kms_encrypted

import rego.v1

import data.lockdown.lib.services
import data.lockdown.lib.types

deny contains violation if {
	some trail in types.resources_of("cloudtrail_trail")
	not services.is_set_value(types.prop(trail, "kmsKeyId", null))
	violation := {
		"urn": trail.urn,
		"msg": sprintf("CloudTrail trail '%s' has no kmsKeyId: its log files are not encrypted with a customer managed key", [trail.name]),
	}
}
