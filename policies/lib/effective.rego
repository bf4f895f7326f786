# Effective identity permissions, IAM's evaluation for one identity: what its identity policies
# allow, within its permissions boundary, minus what an explicit Deny of its own policies or of
# the boundary takes away. (Organization SCPs and session policies are not seen: they can only
# take more away, so leaving them out errs towards reporting.)
#
# actions(p, set, target) is the part of `set` (concrete lower-case actions that an identity
# statement of principal p grants on `target`) that p can actually use there. Targets are
#   {"kind": "objects", "name": bucket}   some object of the bucket
#   {"kind": "bucket", "name": bucket}    the bucket itself (listing)
#   {"kind": "every_bucket"}              the objects of every bucket
#   {"kind": "some_resource"}             some resource of the action's service (keys, log groups, roles)
# Fail closed, so a doubt never removes a permission:
#   - a boundary that cannot be read (unknown at plan time, invalid, not in the stack and not a
#     known AWS managed policy) does not limit;
#   - a Deny takes an action away only when it has no Condition and covers the whole target;
#   - for "some_resource", a boundary Allow of the action on any resource admits it.
package lockdown.lib.effective

import rego.v1

import data.lockdown.lib.actions
import data.lockdown.lib.iam
import data.lockdown.lib.resources
import data.lockdown.lib.types
import data.lockdown.lib.wildcard

# Other packages' rules read here by key, through rules of this package (see lib/classification.rego).
_by_urn := data.lockdown.lib.types.by_urn

actions(p, set, target) := set if {
	not constrained(p)
} else := (set & _boundary_allowed(p, set, target)) - _denied(p, set, target)

# Principals a permissions boundary or an explicit Deny of their own policies may cut: the
# others can use whatever their policies grant (the common case, decided by one lookup).
constrained(p) if _key(p) in _constrained_keys

_constrained_keys := {k | some k, _ in _identity_denies} | {r.urn |
	some kind in ["iam_role", "iam_user"]
	some r in types.resources_of(kind)
	not types.prop(r, "permissionsBoundary", null) in {null, ""}
}

# True when principal p can use at least one action of `set` on the target.
allows_any(p, set, target) if count(actions(p, set, target)) > 0

# ---------------------------------------------------------------------------
# The permissions boundary.

# The parsed permissions boundary documents of an identity of the stack: [] when it has no
# boundary, or when the boundary policy is not one Lockdown can see (then it does not limit).
boundary_docs(p) := iam.attached_docs(r, arn) if {
	p.urn != null
	r := _by_urn[p.urn]
	arn := types.prop(r, "permissionsBoundary", null)
	arn != null
	arn != ""
} else := []

# The boundary limits only when every one of its documents could be read.
_limits(p) if {
	docs := boundary_docs(p)
	count(docs) > 0
	every d in docs {
		d.parsed.status == "ok"
	}
}

# The actions of `set` the boundary allows on the target (all of them when it does not limit).
_boundary_allowed(p, set, _) := set if not _limits(p)

_boundary_allowed(p, set, target) := {a |
	some d in boundary_docs(p)
	some stmt in d.parsed.statements
	stmt.effect == "Allow"
	allow_applies(stmt, target)
	some a in actions.granted(stmt, set)
} if _limits(p)

# An Allow statement applies to (some part of) the target. An unknown bucket name applies.
allow_applies(_, target) if {
	target.kind in {"objects", "bucket"}
	types.is_unknown(target.name)
}

allow_applies(stmt, target) if {
	target.kind == "objects"
	resources.applies_to_objects(stmt, target.name)
}

allow_applies(stmt, target) if {
	target.kind == "bucket"
	resources.applies_to_bucket(stmt, target.name)
}

allow_applies(stmt, target) if {
	target.kind == "every_bucket"
	resources.applies_to_any_bucket(stmt)
}

allow_applies(_, target) if target.kind == "some_resource"

# ---------------------------------------------------------------------------
# Explicit Deny: in the boundary, or in any identity policy of the same principal.

_denied(p, set, target) := {a |
	some stmt in array.concat(_boundary_denies(p), object.get(_identity_denies, _key(p), []))
	deny_covers(stmt, target)
	some a in actions.granted(stmt, set)
}

_boundary_denies(p) := [stmt |
	some d in boundary_docs(p)
	some stmt in d.parsed.statements
	_unconditional_deny(stmt)
]

# The unconditional Deny statements of each principal's identity policies, by principal.
# _identity_denies, or an empty object when there are none (regorus leaves an empty partial object undefined).
_identity_denies := x if {
	x := {k: [s | some s in stmts] | some k, stmts in _identity_deny_index}
} else := {}

_identity_deny_index[k] contains stmt if {
	some g in data.lockdown.lib.iam.identity_grants
	some stmt in g.parsed.statements
	_unconditional_deny(stmt)
	k := _key(g.principal)
}

# A principal of the stack by its URN; one outside the stack by kind and name.
_key(p) := p.urn if p.urn != null

_key(p) := sprintf("%v:%v", [p.kind, p.name]) if p.urn == null

_unconditional_deny(stmt) if {
	stmt.effect == "Deny"
	count(stmt.conditions) == 0
}

# A Deny statement covers the whole target (an unknown bucket name is never surely covered).
deny_covers(stmt, target) if {
	target.kind == "objects"
	types.is_known(target.name)
	resources.covers_all_objects(stmt, target.name)
}

deny_covers(stmt, target) if {
	target.kind == "bucket"
	types.is_known(target.name)
	resources.covers_bucket(stmt, target.name)
}

deny_covers(stmt, target) if {
	target.kind == "every_bucket"
	_covers_every_s3_arn(stmt)
}

deny_covers(stmt, target) if {
	target.kind in {"every_bucket", "some_resource"}
	resources.applies_to_all(stmt)
}

# Every S3 ARN of the stack's partition: "arn:aws:s3:::*", "arn:*:s3:::*".
_covers_every_s3_arn(stmt) if {
	not stmt.uses_not_resource
	some p in stmt.resources
	wildcard.matches_every_extension(p, concat("", [data.lockdown.lib.arn.s3_prefix, ":::"]))
}
