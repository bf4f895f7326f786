# METADATA
# title: Public access block with a flag turned off
# description: >-
#   A bucket or account public access block leaves one of its four protections off
#   (blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets), or the value
#   is not known at plan time. Each flag closes one way to make data public by mistake.
# custom:
#   id: LD-S3-004
#   severity: high
#   enforcement: mandatory
#   scope: resource
#   kinds: [account_public_access_block, bucket_public_access_block]
#   remediation: Set blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets to true.
#   fix_python: |-
#     $var = aws.s3.BucketPublicAccessBlock(
#         "$name",
#         bucket=bucket.id,  # the bucket it protects, unchanged
#         block_public_acls=True,
#         block_public_policy=True,
#         ignore_public_acls=True,
#         restrict_public_buckets=True,
#     )
#   frameworks:
#     - "CIS AWS Foundations 2.1.4"
#     - "SOC 2 CC6.1"
#     - "SOC 2 CC6.6"
#     - "ISO 27001 A.8.3"
#     - "GDPR Art. 25"
#     - "GDPR Art. 32"
package lockdown.rules.s3.public_access_block

import rego.v1

import data.lockdown.lib.s3
import data.lockdown.lib.types

_kinds := {"bucket_public_access_block", "account_public_access_block"}

deny contains violation if {
	some k in _kinds
	some r in types.resources_of(k)
	weak := s3.pab_weak_flags(r)
	count(weak) > 0
	known_weak := {f | some f in weak; not types.is_unknown(types.prop(r, f, null))}
	violation := types.undecided_when(count(known_weak) == 0, {
		"urn": r.urn,
		"msg": sprintf("public access block '%s' does not set %s to true", [r.name, concat(", ", [_flag(r, f) | some f in weak])]),
	})
}

_flag(r, f) := sprintf("%s (unknown at plan time)", [f]) if types.is_unknown(types.prop(r, f, null))

_flag(r, f) := f if not types.is_unknown(types.prop(r, f, null))
