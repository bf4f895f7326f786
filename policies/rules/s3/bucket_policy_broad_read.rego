# METADATA
# title: Restricted bucket readable beyond its allowed readers
# description: >-
#   A bucket policy (or the inline policy of a v6 bucket) on a restricted or confidential bucket
#   lets a principal that is not on the allowlist read or list its objects: anyone, another
#   account, the whole organization or account, or a named principal that is not an allowed
#   reader. A broad Allow counts even when a Deny in the same policy neutralizes it today.
# custom:
#   id: LD-S3-001
#   severity: critical
#   enforcement: mandatory
#   scope: stack
#   gate: analyze
#   remediation: >-
#     Grant s3:GetObject* / s3:ListBucket* only to the principal ARNs in lockdown:allowedReaders;
#     replace "*", account roots, aws:PrincipalOrgID and account-wide patterns by those ARNs.
#   frameworks:
#     - "CIS AWS Foundations 2.1.4"
#     - "SOC 2 CC6.1"
#     - "SOC 2 CC6.3"
#     - "ISO 27001 A.8.3"
#     - "ISO 27001 A.5.15"
#     - "GDPR Art. 5(1)(f)"
#     - "GDPR Art. 25"
#     - "GDPR Art. 32"
package lockdown.rules.s3.bucket_policy_broad_read

import rego.v1

import data.lockdown.lib.classification
import data.lockdown.lib.policy
import data.lockdown.lib.reads
import data.lockdown.lib.principals
import data.lockdown.lib.s3
import data.lockdown.lib.types

deny contains violation if {
	some b in data.lockdown.lib.classification.protected_buckets
	some e in reads.bucket_policy_reads(b)
	e.violation
	violation := {
		"urn": e.via_urn,
		"msg": sprintf("bucket '%s' (%s): %s lets %s (%s) read its objects%s", [b.name, classification.level(b), e.via, e.principal, e.class, _sid(e.sid)]),
		"store": b.urn,
		"principal": e.principal,
	}
}

deny contains violation if {
	some b in data.lockdown.lib.classification.protected_buckets
	some d in s3.docs_of(b)
	policy.unreadable(d.parsed)
	violation := types.undecided_when(policy.undecided(d.parsed), {
		"urn": d.urn,
		"msg": sprintf("bucket '%s' (%s): its %s %s, so who can read it cannot be checked", [b.name, classification.level(b), d.via, policy.reason(d.parsed)]),
		"store": b.urn,
	})
}

# A bucket policy whose bucket was not seen is judged as a restricted bucket's policy
# (classification.unseen_bucket); undecided while even the bucket's name is unknown.
deny contains violation if {
	some r in types.resources_of("bucket_policy")
	name := classification.unseen_bucket(r)
	parsed := policy.parse(types.prop(r, "policy", null))
	some stmt in parsed.statements
	stmt.effect == "Allow"
	stmt.has_principal
	reads.reads_bucket(stmt, name)
	some a in principals.audience(stmt)
	principals.is_violation(a)
	violation := types.undecided_when(types.is_unknown(name), {
		"urn": r.urn,
		"msg": sprintf("bucket policy '%s': %s; it lets %s (%s) read its objects%s", [r.name, classification.unseen_bucket_reason(name), a.principal, a.class, _sid(stmt.sid)]),
		"principal": a.principal,
	})
}

deny contains violation if {
	some r in types.resources_of("bucket_policy")
	name := classification.unseen_bucket(r)
	parsed := policy.parse(types.prop(r, "policy", null))
	policy.unreadable(parsed)
	violation := types.undecided_when(policy.undecided(parsed), {
		"urn": r.urn,
		"msg": sprintf("bucket policy '%s': %s; the policy document %s, so who can read it cannot be checked", [r.name, classification.unseen_bucket_reason(name), policy.reason(parsed)]),
	})
}

_sid(sid) := sprintf(" (statement '%s')", [sid]) if sid != ""

_sid(sid) := "" if sid == ""
