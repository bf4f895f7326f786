# METADATA
# title: Restricted bucket without a public access block
# description: >-
#   A restricted or confidential bucket has no bucket public access block in the stack and the
#   stack has no account public access block with all four flags on, so one policy or ACL edit
#   could make it public.
# custom:
#   id: LD-S3-005
#   severity: high
#   enforcement: mandatory
#   scope: stack
#   gate: stack
#   remediation: >-
#     Add an aws.s3.BucketPublicAccessBlock for the bucket with all four flags true (or an
#     account-level aws.s3.AccountPublicAccessBlock).
#   fix_python: |-
#     aws.s3.BucketPublicAccessBlock(
#         "$name-public-access",
#         bucket=$var.id,
#         block_public_acls=True,
#         block_public_policy=True,
#         ignore_public_acls=True,
#         restrict_public_buckets=True,
#     )
#   frameworks:
#     - "CIS AWS Foundations 2.1.4"
#     - "SOC 2 CC6.1"
#     - "ISO 27001 A.8.3"
#     - "GDPR Art. 25"
#     - "GDPR Art. 32"
package lockdown.rules.s3.public_access_block_missing

import rego.v1

import data.lockdown.lib.classification
import data.lockdown.lib.s3

deny contains violation if {
	not data.lockdown.lib.s3.account_pab_complete
	some b in data.lockdown.lib.classification.protected_buckets
	count(classification.subresources_of(b, "bucket_public_access_block")) == 0
	violation := {
		"urn": b.urn,
		"msg": sprintf("bucket '%s' (%s) has no public access block", [b.name, classification.level(b)]),
	}
}
