# METADATA
# title: Identity policy lets a non-reader read restricted data
# description: >-
#   An IAM identity policy (inline on a role, user or group, or a managed policy attached to one)
#   grants S3 object reads or listing on a restricted bucket or on every bucket, kms:Decrypt on
#   every key, or log reads on every log group, to a principal that is not on the allowlist.
#   Identity policies that cannot be evaluated (unknown at plan time, invalid) count as well.
# custom:
#   id: LD-IAM-001
#   severity: critical
#   enforcement: mandatory
#   scope: stack
#   gate: analyze
#   remediation: >-
#     Scope identity policies to the buckets, keys and log groups the principal needs, and grant
#     reads of restricted data only to roles listed in lockdown:allowedReaders.
#   frameworks:
#     - "CIS AWS Foundations 1.16"
#     - "SOC 2 CC6.1"
#     - "SOC 2 CC6.3"
#     - "ISO 27001 A.5.15"
#     - "ISO 27001 A.8.2"
#     - "GDPR Art. 25"
#     - "GDPR Art. 32"
package lockdown.rules.iam.identity_policy_read

import rego.v1

import data.lockdown.lib.classification
import data.lockdown.lib.iam
import data.lockdown.lib.policy
import data.lockdown.lib.reads
import data.lockdown.lib.types

# Other packages' rules read here by key, through rules of this package (see lib/classification.rego).
_bucket_by_urn := data.lockdown.lib.classification.bucket_by_urn

deny contains violation if {
	some u, entries in data.lockdown.lib.reads.identity_bucket_reads
	b := _bucket_by_urn[u]
	classification.is_protected(b)
	some e in entries
	e.violation
	violation := {
		"urn": e.via_urn,
		"msg": sprintf("%s lets %s read bucket '%s' (%s), which is not on the allowed readers", [e.via, e.principal, b.name, classification.level(b)]),
		"principal": e.principal,
		"store": b.urn,
	}
}

deny contains violation if {
	some e in data.lockdown.lib.reads.identity_wide_s3_reads
	e.violation
	violation := {
		"urn": e.via_urn,
		"msg": sprintf("%s lets %s read objects of every bucket (Resource *), and it is not an allowed reader", [e.via, e.principal]),
		"principal": e.principal,
	}
}

deny contains violation if {
	some e in data.lockdown.lib.reads.identity_wide_kms_decrypt
	e.violation
	violation := {
		"urn": e.via_urn,
		"msg": sprintf("%s lets %s use kms:Decrypt on every key (Resource *), and it is not an allowed reader", [e.via, e.principal]),
		"principal": e.principal,
	}
}

deny contains violation if {
	some e in data.lockdown.lib.reads.identity_wide_logs_read
	e.violation
	violation := {
		"urn": e.via_urn,
		"msg": sprintf("%s lets %s read every log group (Resource *), and it is not an allowed reader", [e.via, e.principal]),
		"principal": e.principal,
	}
}

deny contains violation if {
	some g in data.lockdown.lib.iam.identity_grants
	not g.principal.allowed
	policy.unreadable(g.parsed)
	violation := types.undecided_when(policy.undecided(g.parsed), {
		"urn": g.via_urn,
		"msg": sprintf("%s %s, so what it lets %s %s read cannot be checked", [g.via, policy.reason(g.parsed), g.principal.kind, g.principal.name]),
	})
}
