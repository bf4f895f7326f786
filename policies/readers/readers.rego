# The reader report: for every protected store (bucket, KMS key, log group), every principal
# that can read it and by which path, so a reviewer sees the blast radius and not only rule
# names. `lockdown check --readers` renders data.lockdown.readers.readers.
#
# Each entry: {"store": urn, "store_name", "store_kind", "principal", "via", "via_urn", "allowed"}.
# AWS services pinned to the account by source or encryption-context conditions are not
# readers and are left out.
package lockdown.readers

import rego.v1

import data.lockdown.lib.actions
import data.lockdown.lib.classification
import data.lockdown.lib.principals
import data.lockdown.lib.reads
import data.lockdown.lib.s3
import data.lockdown.lib.types

_entry(store, kind, e) := {
	"store": store.urn,
	"store_name": store.name,
	"store_kind": kind,
	"principal": e.principal,
	"via": e.via,
	"via_urn": e.via_urn,
	"allowed": e.allowed,
}

_counts(e) if e.violation

_counts(e) if e.allowed

_protected_buckets contains b if {
	some b in data.lockdown.lib.classification.protected_buckets
}

# Every path of the access model (lib/access), so a reader listed here and an LD-ACCESS-001
# finding always agree: the store is the one the path reaches when it names one, else the
# resource that opens the path.
readers contains entry if {
	some e in data.lockdown.lib.access.all_edges
	entry := {
		"store": object.get(e, "store_urn", e.urn),
		"store_name": e.store,
		"store_kind": "access path",
		"principal": e.principal,
		"via": concat("; ", e.path),
		"via_urn": e.urn,
		"allowed": e.allowed,
	}
}

# Buckets: bucket policies, access points, ACLs, identity policies.
readers contains entry if {
	some b in _protected_buckets
	some e in reads.bucket_policy_reads(b)
	_counts(e)
	entry := _entry(b, "bucket", e)
}

readers contains entry if {
	some b in _protected_buckets
	some ap in classification.subresources_of(b, "access_point")
	some e in reads.access_point_reads(ap)
	_counts(e)
	entry := _entry(b, "bucket", e)
}

readers contains entry if {
	some b in _protected_buckets
	some r in s3.acl_holders(b)
	some g in s3.acl_grants(r)
	entry := {
		"store": b.urn,
		"store_name": b.name,
		"store_kind": "bucket",
		"principal": g.grantee,
		"via": sprintf("ACL (%s)", [g.permission]),
		"via_urn": r.urn,
		"allowed": false,
	}
}

readers contains entry if {
	some b in _protected_buckets
	some e in object.get(data.lockdown.lib.reads.identity_bucket_reads, b.urn, set())
	entry := _entry(b, "bucket", e)
}

readers contains entry if {
	some b in _protected_buckets
	some e in data.lockdown.lib.reads.identity_wide_s3_reads
	entry := _entry(b, "bucket", e)
}

# Keys: key policies, KMS grants, identity policies with kms:Decrypt on every key.
_protected_keys contains k if {
	some k in types.resources_of("kms_key")
	classification.is_protected(k)
}

readers contains entry if {
	some k in _protected_keys
	some d in object.get(data.lockdown.lib.reads.key_docs, k.urn, set())
	some e in reads.key_policy_decrypts(d)
	_counts(e)
	entry := object.union(_entry(k, "kms_key", e), {"via": sprintf("key policy (%s)", [actions.display_list(e.actions)])})
}

readers contains entry if {
	some g in types.resources_of("kms_grant")
	some u in reads.linked_keys(g)
	some k in _protected_keys
	k.urn == u
	grantee := types.prop(g, "granteePrincipal", "unknown")
	entry := {
		"store": k.urn,
		"store_name": k.name,
		"store_kind": "kms_key",
		"principal": grantee,
		"via": sprintf("KMS grant %s", [g.name]),
		"via_urn": g.urn,
		"allowed": principals.allowed_principal(grantee),
	}
}

readers contains entry if {
	some k in _protected_keys
	some e in data.lockdown.lib.reads.identity_wide_kms_decrypt
	entry := _entry(k, "kms_key", e)
}

# Log groups: identity policies with log reads on every log group.
readers contains entry if {
	some lg in types.resources_of("log_group")
	classification.is_protected(lg)
	some e in data.lockdown.lib.reads.identity_wide_logs_read
	entry := _entry(lg, "log_group", e)
}

# Log groups: log resource policies, for the log groups their statements name (the same
# entries LD-LOG-009 judges).
readers contains entry if {
	some e in data.lockdown.lib.reads.log_policy_reads
	_counts(e)
	entry := {
		"store": e.via_urn,
		"store_name": sprintf("log groups %v", [e.log_groups]),
		"store_kind": "log_group",
		"principal": e.principal,
		"via": e.via,
		"via_urn": e.via_urn,
		"allowed": e.allowed,
	}
}

# Whoever can assume a role that reads a store reads it too: one more hop through the roles'
# trust policies (AWS services that assume a role for their own work are left out).
_trusting[arn] contains entry if {
	some r in types.resources_of("iam_role")
	arn := data.lockdown.lib.iam.identity_arn(r)
	startswith(arn, "arn:")
	parsed := data.lockdown.lib.policy.parse(types.prop(r, "assumeRolePolicy", null))
	some stmt in parsed.statements
	stmt.effect == "Allow"
	some a in principals.audience(stmt)
	a.class != "service"
	entry := {"principal": a.principal, "allowed": a.allowed, "role": r.name, "via_urn": r.urn}
}

trusting := x if {
	x := _trusting
} else := {}

readers contains entry if {
	some direct in _first_hop
	some t in trusting[direct.principal]
	t.principal != direct.principal
	entry := object.union(direct, {
		"principal": t.principal,
		"via": sprintf("assumes role %s, then %s", [t.role, direct.via]),
		"allowed": t.allowed,
	})
}

_first_hop := {e |
	some b in data.lockdown.lib.classification.protected_buckets
	some e0 in reads.bucket_policy_reads(b)
	e := _entry(b, "bucket", e0)
} | {e |
	some b in data.lockdown.lib.classification.protected_buckets
	some e0 in object.get(data.lockdown.lib.reads.identity_bucket_reads, b.urn, set())
	e := _entry(b, "bucket", e0)
}
