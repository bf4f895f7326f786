# METADATA
# title: Restricted objects kept longer than the retention limit
# description: >-
#   A restricted or confidential bucket has no enabled lifecycle rule that expires every object
#   within lockdown:maxRetentionDays (log buckets: lockdown:maxLogRetentionDays), so captured
#   personal data is kept indefinitely.
# custom:
#   id: LD-S3-010
#   severity: medium
#   enforcement: mandatory
#   scope: stack
#   gate: stack
#   remediation: >-
#     Add an aws.s3.BucketLifecycleConfiguration rule with status "Enabled", an empty filter and
#     expiration.days no greater than the limit.
#   frameworks:
#     - "SOC 2 C1.2"
#     - "SOC 2 P4.2"
#     - "ISO 27001 A.8.10"
#     - "GDPR Art. 5(1)(e)"
#     - "GDPR Art. 25"
package lockdown.rules.s3.lifecycle_retention

import rego.v1

import data.lockdown.lib.classification
import data.lockdown.lib.config
import data.lockdown.lib.s3

deny contains violation if {
	some b in data.lockdown.lib.classification.protected_buckets
	limit := _limit(b)
	not _expires_within(b, limit)
	violation := {
		"urn": b.urn,
		"msg": sprintf("bucket '%s' (%s) has no enabled lifecycle rule expiring all objects within %d days%s", [b.name, classification.level(b), limit, _found(b)]),
	}
}

_limit(b) := data.lockdown.lib.config.max_log_retention_days if s3.is_log_bucket(b)

_limit(b) := data.lockdown.lib.config.max_retention_days if not s3.is_log_bucket(b)

_expires_within(b, limit) if {
	some rule in s3.lifecycle_rules(b)
	rule.enabled
	rule.all_objects
	is_number(rule.days)
	rule.days <= limit
}

_found(b) := sprintf(" (expiration found: %s days)", [concat(", ", days)]) if {
	days := [sprintf("%v", [r.days]) | some r in s3.lifecycle_rules(b); r.days != null]
	count(days) > 0
} else := ""
