# The access model: every way a principal outside the allowed readers can read protected data,
# as edges collected from one registry.
#
# The registry is the package tree data.lockdown.lib.access.edges: every module
# policies/lib/access/edges/<kind>.rego (package lockdown.lib.access.edges.<kind>) defines
# `edges contains e` for one kind of access path, and nothing else needs to change to add one.
# An edge is
#   {"kind":      the module's kind ("lambda_function_url"),
#    "urn":       the resource that opens the path (where the finding is reported),
#    "principal": a concrete principal the path admits ("anyone on the internet"),
#    "allowed":   true only when that principal is an allowed reader,
#    "store":     what it can read ("bucket 'x' (restricted)", "what role 'y' reads"),
#    "store_urn": the store reached, when the path names one (optional),
#    "path":      the steps, statement by statement, as short sentences,
#    "undecided": true when only values unknown at plan time open the path (optional)}
# The rule LD-ACCESS-001 (rules/access/read_path.rego) reports every edge that is not allowed.
#
# The S3, KMS and log resource policies, ACLs and identity policies are read by lib/reads.rego;
# the edges here reuse its answers (which identities can read protected data) rather than
# deciding it again.
package lockdown.lib.access

import rego.v1

import data.lockdown.lib.actions
import data.lockdown.lib.classification
import data.lockdown.lib.iam
import data.lockdown.lib.policy
import data.lockdown.lib.reads
import data.lockdown.lib.resources
import data.lockdown.lib.s3
import data.lockdown.lib.types

# Other packages' rules read here by key, through rules of this package (see lib/classification.rego).
_reader_identity_urns := data.lockdown.lib.reads.reader_identity_urns
_bucket_policy_reader_arns := data.lockdown.lib.reads.bucket_policy_reader_arns
_by_urn := data.lockdown.lib.types.by_urn
_bucket_by_urn := data.lockdown.lib.classification.bucket_by_urn

# Every edge of every registered kind.
all_edges contains e if {
	some kind, module in data.lockdown.lib.access.edges
	some e in module.edges
	e.kind == kind
}

# The edges that let someone beyond the allowed readers in.
violations contains e if {
	some e in all_edges
	e.allowed == false
}

# Roles of the stack that can read protected data, by URN, with the reason: an allowed reader,
# identity policies that read protected data, or a bucket policy that names it.
reader_roles := {r.urn: why |
	some r in types.resources_of("iam_role")
	why := _reader_reason(r)
}

_reader_reason(r) := "an allowed reader" if {
	iam.identity_allowed(r, "role")
} else := "it can read restricted data" if {
	r.urn in _reader_identity_urns
} else := "a bucket policy lets it read restricted data" if {
	iam.identity_arn(r) in _bucket_policy_reader_arns
}

# The parsed trust policy of every reader role, by URN: parsed once for what judges who can
# assume a reader (LD-IAM-003, the federated_subject edge).
reader_role_trusts := {u: policy.parse(types.prop(_by_urn[u], "assumeRolePolicy", null)) |
	some u, _ in data.lockdown.lib.access.reader_roles
}

# The reader roles a reference (role name or ARN, as a sub-resource writes it) names, else
# those among the resource's dependencies while the reference is unknown at plan time:
# {"urn", "name", "why"}.
reader_roles_named(r, ref) := {_role_entry(u) |
	some u in object.get(object.get(data.lockdown.lib.iam.identity_urns_by_ref, "role", {}), ref, set())
	data.lockdown.lib.access.reader_roles[u]
} if {
	is_string(ref)
	types.is_known(ref)
} else := {_role_entry(u) |
	some u in types.links(r)
	data.lockdown.lib.access.reader_roles[u]
}

_role_entry(u) := {"urn": u, "name": types.prop(_by_urn[u], "name", _by_urn[u].name), "why": data.lockdown.lib.access.reader_roles[u]}

# A short description of a reader role for messages.
role_label(role) := sprintf("role '%v' (%v)", [role.name, role.why])

# What an Allow statement of an identity-style policy (a permission set's, say) reads of the
# protected data, as labels: "every bucket", "bucket 'x' (restricted)", "every log group".
statement_reads(stmt) := {label |
	stmt.effect == "Allow"
	some label in array.concat(_wide_reads(stmt), _bucket_reads(stmt))
}

_wide_reads(stmt) := [label |
	some check in [
		["every bucket", data.lockdown.lib.actions.s3_read, "bucket"],
		["every key", data.lockdown.lib.actions.kms_decrypt, "key"],
		["every log group", data.lockdown.lib.actions.logs_read, "log"],
	]
	actions.grants_any(stmt, check[1])
	_applies_to_every(stmt, check[2])
	label := check[0]
]

_applies_to_every(stmt, "bucket") if resources.applies_to_any_bucket(stmt)

_applies_to_every(stmt, "key") if resources.applies_to_any_key(stmt)

_applies_to_every(stmt, "log") if resources.applies_to_any_log_group(stmt)

_bucket_reads(stmt) := [sprintf("bucket '%v' (%v)", [b.name, classification.level(b)]) |
	not stmt.uses_not_resource
	some p in stmt.resources
	parts := split(p, ":::")
	count(parts) == 2
	some u in classification.buckets_for_ref(split(parts[1], "/")[0])
	b := _bucket_by_urn[u]
	classification.is_protected(b)
	reads.reads_bucket(stmt, s3.bucket_name(b))
]
