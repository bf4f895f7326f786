# METADATA
# title: Restricted objects replicated to another account
# description: >-
#   A restricted or confidential bucket replicates its objects to a bucket in another AWS
#   account, or to a bucket outside the stack whose owner is not stated. A copy extends the
#   reader set to whoever controls the destination.
# custom:
#   id: LD-S3-012
#   severity: critical
#   enforcement: mandatory
#   scope: stack
#   gate: analyze
#   remediation: >-
#     Replicate only to buckets of this stack or of an account in lockdown:accountIds, and state
#     the destination account (destination.account).
#   frameworks:
#     - "SOC 2 CC6.1"
#     - "SOC 2 C1.1"
#     - "ISO 27001 A.5.14"
#     - "GDPR Art. 32"
#     - "GDPR Art. 44"
package lockdown.rules.s3.replication_cross_account

import rego.v1

import data.lockdown.lib.classification
import data.lockdown.lib.config
import data.lockdown.lib.s3
import data.lockdown.lib.types

# Other packages' rules read here by key, through rules of this package (see lib/classification.rego).
_by_urn := data.lockdown.lib.types.by_urn

deny contains violation if {
	some b in data.lockdown.lib.classification.protected_buckets
	some d in s3.replication_destinations(b)
	problem := _problem(d)
	violation := types.undecided_when(_undecided(d), {
		"urn": d.via_urn,
		"msg": sprintf("bucket '%s' (%s) replicates its objects to %s", [b.name, classification.level(b), problem]),
	})
}

_problem(d) := sprintf("%v in account %v, which is not one of ours", [d.bucket, d.account]) if {
	is_string(d.account)
	types.is_known(d.account)
	not config.is_own_account(d.account)
} else := "a destination whose account is not known at plan time" if {
	types.is_unknown(d.account)
} else := sprintf("%v, a bucket outside the stack whose account is not stated", [d.bucket]) if {
	d.account == null
	types.is_known(d.bucket)
	count(classification.buckets_for_ref(d.bucket)) == 0
} else := "a destination bucket that is not known at plan time" if {
	d.account == null
	types.is_unknown(d.bucket)
	not _destination_in_stack(d)
}

# The destination's account or bucket is not known until the update (the unknown branches above).
default _undecided(_) := false

_undecided(d) if types.is_unknown(d.account)

_undecided(d) if {
	d.account == null
	types.is_unknown(d.bucket)
}

_destination_in_stack(d) if {
	r := _by_urn[d.via_urn]
	count(classification.bucket_dependencies(r) - classification.linked_buckets(r)) > 0
}
