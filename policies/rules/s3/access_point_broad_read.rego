# METADATA
# title: Access point of a restricted bucket readable beyond its allowed readers
# description: >-
#   An access point policy (inline on the access point or an s3control AccessPointPolicy) on a
#   restricted or confidential bucket lets a principal that is not on the allowlist read objects
#   through the access point, or cannot be evaluated.
# custom:
#   id: LD-S3-013
#   severity: critical
#   enforcement: mandatory
#   scope: stack
#   gate: analyze
#   remediation: Grant s3:GetObject* through the access point only to principal ARNs in lockdown:allowedReaders.
#   frameworks:
#     - "SOC 2 CC6.1"
#     - "SOC 2 CC6.3"
#     - "ISO 27001 A.8.3"
#     - "GDPR Art. 32"
package lockdown.rules.s3.access_point_broad_read

import rego.v1

import data.lockdown.lib.classification
import data.lockdown.lib.policy
import data.lockdown.lib.reads
import data.lockdown.lib.types

deny contains violation if {
	some ap in data.lockdown.lib.classification.access_points
	classification.access_point_is_protected(ap)
	some e in reads.access_point_reads(ap)
	e.violation
	violation := {
		"urn": e.via_urn,
		"msg": sprintf("access point '%s' of a restricted bucket lets %s (%s) read objects", [ap.name, e.principal, e.class]),
		"principal": e.principal,
	}
}

deny contains violation if {
	some ap in data.lockdown.lib.classification.access_points
	classification.access_point_is_protected(ap)
	some d in object.get(data.lockdown.lib.reads.access_point_docs, ap.urn, set())
	policy.unreadable(d.parsed)
	violation := types.undecided_when(policy.undecided(d.parsed), {
		"urn": d.urn,
		"msg": sprintf("access point '%s' of a restricted bucket: its policy %s", [ap.name, policy.reason(d.parsed)]),
	})
}
