# METADATA
# title: Restricted bucket without access logging
# description: >-
#   A restricted or confidential bucket has no S3 server access logging, so reads of its objects
#   leave no per-request record. A bucket that is itself an access-log target does not have to
#   log to itself.
# custom:
#   id: LD-S3-009
#   severity: medium
#   enforcement: mandatory
#   scope: stack
#   gate: stack
#   remediation: Add an aws.s3.BucketLogging that delivers the bucket's access logs to a dedicated log bucket.
#   fix_python: |-
#     aws.s3.BucketLogging(
#         "$name-logging",
#         bucket=$var.id,
#         target_bucket=access_logs_bucket.id,  # a separate, restricted log bucket
#         target_prefix="$name/",
#     )
#   frameworks:
#     - "CIS AWS Foundations 3.6"
#     - "SOC 2 CC7.2"
#     - "ISO 27001 A.8.15"
#     - "GDPR Art. 30"
#     - "GDPR Art. 32"
package lockdown.rules.s3.access_logging

import rego.v1

import data.lockdown.lib.classification
import data.lockdown.lib.s3

deny contains violation if {
	some b in data.lockdown.lib.classification.protected_buckets
	not s3.has_logging(b)
	not s3.is_log_target(b)
	violation := {
		"urn": b.urn,
		"msg": sprintf("bucket '%s' (%s) has no server access logging", [b.name, classification.level(b)]),
	}
}
