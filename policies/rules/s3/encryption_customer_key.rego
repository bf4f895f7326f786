# METADATA
# title: Restricted bucket not encrypted with a customer managed key
# description: >-
#   A restricted or confidential bucket's default encryption is not SSE-KMS with a customer
#   managed key (kmsMasterKeyId), so the key policy cannot limit who decrypts its objects.
#   A bucket that receives S3 server access logs may use SSE-S3 (AES256): S3 log delivery
#   cannot write to SSE-KMS buckets.
# custom:
#   id: LD-S3-007
#   severity: high
#   enforcement: mandatory
#   scope: stack
#   gate: stack
#   remediation: >-
#     Add an aws.s3.BucketServerSideEncryptionConfiguration with sseAlgorithm "aws:kms" and
#     kmsMasterKeyId set to a customer managed aws.kms.Key (bucketKeyEnabled true).
#   fix_python: |-
#     aws.s3.BucketServerSideEncryptionConfiguration(
#         "$name-sse",
#         bucket=$var.id,
#         rules=[
#             aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
#                 apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
#                     sse_algorithm="aws:kms",
#                     kms_master_key_id=data_key.arn,  # a customer managed key
#                 ),
#                 bucket_key_enabled=True,
#             )
#         ],
#     )
#   frameworks:
#     - "CIS AWS Foundations 2.1.1"
#     - "SOC 2 CC6.1"
#     - "SOC 2 CC6.7"
#     - "ISO 27001 A.8.24"
#     - "GDPR Art. 32"
package lockdown.rules.s3.encryption_customer_key

import rego.v1

import data.lockdown.lib.classification
import data.lockdown.lib.s3
import data.lockdown.lib.types

deny contains violation if {
	some b in data.lockdown.lib.classification.protected_buckets
	problem := _problem(b)
	violation := types.undecided_when(_sse_unknown(b), {
		"urn": b.urn,
		"msg": sprintf("bucket '%s' (%s) %s", [b.name, classification.level(b), problem]),
	})
}

default _sse_unknown(_) := false

_sse_unknown(b) if s3.sse_unknown(b)

_problem(b) := "has encryption settings that are not known at plan time" if {
	s3.sse_unknown(b)
} else := "has no default encryption with a customer managed KMS key" if {
	count(s3.sse_defaults(b)) == 0
} else := msg if {
	some d in s3.sse_defaults(b)
	not _acceptable(b, d)
	msg := sprintf("uses %s instead of SSE-KMS with a customer managed key", [_describe(d)])
}

_acceptable(_, d) if {
	object.get(d, "sseAlgorithm", "") in {"aws:kms", "aws:kms:dsse"}
	key := object.get(d, "kmsMasterKeyId", "")
	is_string(key)
	key != ""
	not _aws_managed_key(key)
}

# S3 server access logs can only be delivered to SSE-S3 buckets.
_acceptable(b, d) if {
	s3.is_log_target(b)
	object.get(d, "sseAlgorithm", "") == "AES256"
}

_aws_managed_key(key) if contains(key, "alias/aws/")

_describe(d) := sprintf("%v with the AWS managed key %v", [d.sseAlgorithm, d.kmsMasterKeyId]) if {
	_aws_managed_key(object.get(d, "kmsMasterKeyId", ""))
} else := sprintf("%v without a customer managed key", [d.sseAlgorithm]) if {
	object.get(d, "sseAlgorithm", "") in {"aws:kms", "aws:kms:dsse"}
} else := sprintf("%v", [object.get(d, "sseAlgorithm", "no algorithm")])
