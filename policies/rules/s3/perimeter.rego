# METADATA
# title: Restricted bucket without a read perimeter
# description: >-
#   Identity policies outside the stack can always grant reads inside the account, so a
#   restricted bucket's policy must Deny every object read and listing (s3:GetObject*,
#   s3:ListBucket*) to every principal that is not an allowed reader. The Deny's exemption may
#   name allowed readers only (aws:PrincipalArn / aws:userid with a negated operator, or
#   NotPrincipal); any other condition makes it conditional and does not count.
# custom:
#   id: LD-S3-006
#   severity: high
#   enforcement: mandatory
#   scope: stack
#   gate: stack
#   remediation: >-
#     Add to the bucket policy a statement {"Effect": "Deny", "Principal": "*", "Action":
#     ["s3:GetObject*", "s3:ListBucket*"], "Resource": [bucket ARN, bucket ARN + "/*"],
#     "Condition": {"ArnNotEquals": {"aws:PrincipalArn": <lockdown:allowedReaders>}}}.
#   frameworks:
#     - "SOC 2 CC6.1"
#     - "SOC 2 CC6.3"
#     - "ISO 27001 A.5.15"
#     - "ISO 27001 A.8.3"
#     - "GDPR Art. 25"
#     - "GDPR Art. 32"
package lockdown.rules.s3.perimeter

import rego.v1

import data.lockdown.lib.actions
import data.lockdown.lib.classification
import data.lockdown.lib.principals
import data.lockdown.lib.s3
import data.lockdown.lib.types

deny contains violation if {
	some b in data.lockdown.lib.classification.protected_buckets
	name := s3.bucket_name(b)
	types.is_known(name)
	missing := uncovered(b, name)
	count(missing) > 0
	violation := {
		"urn": b.urn,
		"msg": sprintf("bucket '%s' (%s) has no perimeter: its policy does not deny %s to principals outside the allowed readers", [b.name, classification.level(b), describe(missing)]),
	}
}

deny contains violation if {
	some b in data.lockdown.lib.classification.protected_buckets
	types.is_unknown(s3.bucket_name(b))
	violation := types.undecided({
		"urn": b.urn,
		"msg": sprintf("bucket '%s' (%s): its name is not known at plan time, so its perimeter cannot be checked", [b.name, classification.level(b)]),
	})
}

# The read actions no perimeter Deny of the bucket covers.
uncovered(b, _) := data.lockdown.lib.actions.s3_read - covered if {
	denies := [f |
		some f in s3.statement_facts(b)
		f.stmt.effect == "Deny"
		principals.denies_all_but_allowed(f.stmt)
	]
	covered := {a |
		some f in denies
		f.all_objects
		some a in f.reads & data.lockdown.lib.actions.s3_object_read
	} | {a |
		some f in denies
		f.bucket
		some a in f.reads & data.lockdown.lib.actions.s3_list_read
	}
}

# The action families a perimeter must deny that it leaves open, as the remediation names them:
# "s3:GetObject* and s3:ListBucket*" when neither is denied; a family denied only in part says
# how much is left open, e.g. "s3:GetObject* (12 of 13 actions, e.g. s3:GetObjectAcl)".
describe(missing) := concat(" and ", array.concat(
	_family(missing, data.lockdown.lib.actions.s3_object_read, "s3:GetObject*"),
	_family(missing, data.lockdown.lib.actions.s3_list_read, "s3:ListBucket*"),
))

_family(missing, family, label) := [] if {
	count(family & missing) == 0
} else := [label] if {
	count(family - missing) == 0
} else := [sprintf("%s (%d of %d actions, e.g. %s)", [
	label,
	count(family & missing),
	count(family),
	actions.display_name(sort(family & missing)[0]),
])]
