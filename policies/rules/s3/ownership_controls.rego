# METADATA
# title: Restricted bucket with ACLs enabled
# description: >-
#   A restricted or confidential bucket's object ownership is not BucketOwnerEnforced, so ACLs
#   stay active and objects written by other accounts can be owned, and shared, by them.
# custom:
#   id: LD-S3-003
#   severity: high
#   enforcement: mandatory
#   scope: stack
#   gate: stack
#   remediation: Add an aws.s3.BucketOwnershipControls with rule.objectOwnership "BucketOwnerEnforced".
#   frameworks:
#     - "CIS AWS Foundations 2.1.4"
#     - "SOC 2 CC6.1"
#     - "ISO 27001 A.8.3"
#     - "GDPR Art. 32"
package lockdown.rules.s3.ownership_controls

import rego.v1

import data.lockdown.lib.classification
import data.lockdown.lib.types

deny contains violation if {
	some b in data.lockdown.lib.classification.protected_buckets
	some r in classification.subresources_of(b, "bucket_ownership_controls")
	value := _ownership(r)
	value != "BucketOwnerEnforced"
	violation := types.undecided_when(_undecided(r, value), {
		"urn": r.urn,
		"msg": sprintf("bucket '%s' (%s): object ownership is %s, not BucketOwnerEnforced, so ACLs stay enabled", [b.name, classification.level(b), _label(value)]),
	})
}

# No ownership controls but an ACL resource: the program means to use ACLs on restricted data.
deny contains violation if {
	some b in data.lockdown.lib.classification.protected_buckets
	count(classification.subresources_of(b, "bucket_ownership_controls")) == 0
	some r in classification.subresources_of(b, "bucket_acl")
	violation := {
		"urn": r.urn,
		"msg": sprintf("bucket '%s' (%s) has an ACL resource '%s'; disable ACLs with object ownership BucketOwnerEnforced", [b.name, classification.level(b), r.name]),
	}
}

_ownership(r) := object.get(rule, "objectOwnership", "absent") if {
	rule := types.prop(r, "rule", {})
	is_object(rule)
} else := "unknown"

default _undecided(_, _) := false

_undecided(_, value) if types.is_unknown(value)

_undecided(r, _) if types.is_unknown(types.prop(r, "rule", {}))

_label(v) := "not known at plan time" if types.is_unknown(v)

_label(v) := v if not types.is_unknown(v)
