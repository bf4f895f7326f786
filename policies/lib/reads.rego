# Read paths: who can read a store, and through what. The rules and the reader report both
# use these, so a finding and the blast radius never disagree.
#
# Entries are {"principal", "class", "allowed", "violation", "via", "via_urn", "sid"}.
package lockdown.lib.reads

import rego.v1

import data.lockdown.lib.wildcard
import data.lockdown.lib.actions
import data.lockdown.lib.classification
import data.lockdown.lib.effective
import data.lockdown.lib.principals
import data.lockdown.lib.resources
import data.lockdown.lib.s3
import data.lockdown.lib.types

# Other packages' rules read here by key, through rules of this package (see lib/classification.rego).
_bucket_by_urn := data.lockdown.lib.classification.bucket_by_urn
_by_urn := data.lockdown.lib.types.by_urn

# ---------------------------------------------------------------------------
# S3: statements that read a bucket (objects or listing).

# True when an Allow statement reads objects of, or lists, the bucket named `name`
# (every bucket when the name is unknown at plan time: strictest).
reads_bucket(stmt, name) if {
	actions.grants_any(stmt, data.lockdown.lib.actions.s3_object_read)
	_objects(stmt, name)
}

reads_bucket(stmt, name) if {
	actions.grants_any(stmt, data.lockdown.lib.actions.s3_list_read)
	_bucket(stmt, name)
}

_objects(_, name) if types.is_unknown(name)

_objects(stmt, name) if resources.applies_to_objects(stmt, name)

_bucket(_, name) if types.is_unknown(name)

_bucket(stmt, name) if resources.applies_to_bucket(stmt, name)

# The concrete read actions a statement grants, for messages.
read_actions(stmt) := actions.display_list(actions.granted(stmt, data.lockdown.lib.actions.s3_read))

_entry(a, via, via_urn, sid) := {
	"principal": a.principal,
	"class": a.class,
	"allowed": a.allowed,
	"violation": principals.is_violation(a),
	"via": via,
	"via_urn": via_urn,
	"sid": sid,
}

# Readers of a bucket through its bucket policies (and the v6 inline policy); computed once per
# protected bucket.
bucket_policy_reads(b) := found if {
	found := _bucket_policy_reads[b.urn]
} else := _bucket_policy_reads_of(b)

_bucket_policy_reads := {b.urn: _bucket_policy_reads_of(b) | some b in data.lockdown.lib.classification.protected_buckets}

# Principal ARNs that bucket policies let read some protected bucket.
bucket_policy_reader_arns contains e.principal if {
	some entries in _bucket_policy_reads
	some e in entries
	startswith(e.principal, "arn:")
}

_bucket_policy_reads_of(b) := {e |
	some f in s3.statement_facts(b)
	f.stmt.effect == "Allow"
	f.stmt.has_principal
	_fact_reads(f)
	some a in principals.audience(f.stmt)
	e := _entry(a, f.via, f.via_urn, f.stmt.sid)
}

_fact_reads(f) if {
	f.some_objects
	count(f.reads & data.lockdown.lib.actions.s3_object_read) > 0
}

_fact_reads(f) if {
	f.bucket
	count(f.reads & data.lockdown.lib.actions.s3_list_read) > 0
}

# ---------------------------------------------------------------------------
# Access points: their policies (inline `policy` or s3control AccessPointPolicy).

# access_point_docs, or an empty object when nothing matches (regorus leaves an empty partial object undefined).
access_point_docs := x if {
	x := _access_point_docs
} else := {}

_access_point_docs[ap.urn] contains {"urn": ap.urn, "via": "access point policy", "parsed": parsed} if {
	some ap in data.lockdown.lib.classification.access_points
	raw := types.prop(ap, "policy", null)
	raw != null
	raw != ""
	parsed := data.lockdown.lib.policy.parse(raw)
}

_access_point_docs[u] contains {"urn": r.urn, "via": "access point policy", "parsed": parsed} if {
	some r in types.resources_of("access_point_policy")
	parsed := data.lockdown.lib.policy.parse(types.prop(r, "policy", null))
	some u in classification.linked_access_points(r)
}

# Readers through one access point.
access_point_reads(ap) := {e |
	arn := types.prop(ap, "arn", null)
	name := types.prop(ap, "name", ap.name)
	some d in object.get(access_point_docs, ap.urn, set())
	some stmt in d.parsed.statements
	stmt.effect == "Allow"
	stmt.has_principal
	actions.grants_any(stmt, data.lockdown.lib.actions.s3_read)
	_ap_applies(stmt, arn, name)
	some a in principals.audience(stmt)
	e := _entry(a, sprintf("access point %v", [name]), d.urn, stmt.sid)
}

_ap_applies(_, arn, _) if types.is_unknown(arn)

_ap_applies(stmt, arn, name) if resources.applies_to_access_point(stmt, arn, name)

# ---------------------------------------------------------------------------
# Identity policies: which identities can read which buckets, by index.

# The buckets a resource pattern names by a literal bucket name: {"urn", "objects"}.
_pattern_buckets(p) := {{"urn": u, "objects": contains(parts[1], "/")} |
	parts := split(p, ":::")
	count(parts) == 2
	parts[0] == data.lockdown.lib.arn.s3_prefix
	seg := split(parts[1], "/")[0]
	not regex.match(`[*?]`, seg)
	some u in classification.buckets_for_ref(seg)
}

# Wildcards before the key (arn:aws:s3:::data-*, arn:*:s3:::b/*): matched against every
# bucket (rare; "*" and other patterns of every bucket are identity_wide_s3_reads).
_pattern_buckets_wild(p) := {{"urn": b.urn, "objects": objects} |
	wildcard.has_wildcard(split(p, "/")[0])
	not _any_bucket_pattern(p)
	some b in data.lockdown.lib.classification.buckets
	name := s3.bucket_name(b)
	some objects in _hit_kinds(p, name)
}

# Whether a wildcard pattern names the bucket itself (false) and/or its objects (true).
_hit_kinds(p, name) := {k |
	some k in [true, false]
	_hit_kind(p, name, k)
}

_hit_kind(p, name, true) if resources.pattern_covers_some_object(p, name)

_hit_kind(p, name, false) if resources.pattern_covers_bucket(p, name)

_any_bucket_pattern(p) if {
	resources.pattern_covers_some_object(p, "lockdown-probe-a")
	resources.pattern_covers_some_object(p, "zz-unrelated-probe-b")
}

# Identity read grants on named buckets: identity_bucket_reads[bucket urn] contains entry.
# identity_bucket_reads, or an empty object when nothing matches (regorus leaves an empty partial object undefined).
identity_bucket_reads := x if {
	x := _identity_bucket_reads
} else := {}

_identity_bucket_reads[hit.urn] contains e if {
	some g in data.lockdown.lib.iam.identity_grants
	some stmt in g.parsed.statements
	stmt.effect == "Allow"
	not stmt.uses_not_resource
	# The S3 reads it grants, once per statement: many identity statements grant none (KMS,
	# logs), and then their Resource patterns are not looked at.
	reads := _s3_reads(stmt)
	count(reads.all) > 0
	some p in stmt.resources
	some hit in _pattern_buckets(p) | _pattern_buckets_wild(p)
	_effective_hit(g.principal, reads, hit, s3.bucket_name(_bucket_by_urn[hit.urn]))
	e := _identity_entry(g, stmt)
}

# A statement that reads every bucket, of a principal whose permissions boundary (or an explicit
# Deny) keeps it from reading every bucket, still reads the protected buckets the boundary admits.
_identity_bucket_reads[b.urn] contains e if {
	some g in data.lockdown.lib.iam.identity_grants
	effective.constrained(g.principal)
	some stmt in g.parsed.statements
	stmt.effect == "Allow"
	granted := actions.granted(stmt, data.lockdown.lib.actions.s3_read)
	count(granted) > 0
	resources.applies_to_any_bucket(stmt)
	not effective.allows_any(g.principal, granted, {"kind": "every_bucket"})
	reads := _s3_reads(stmt)
	some b in data.lockdown.lib.classification.protected_buckets
	name := s3.bucket_name(b)
	some hit in [{"urn": b.urn, "objects": true}, {"urn": b.urn, "objects": false}]
	_applies_to_hit(stmt, hit, name)
	_effective_hit(g.principal, reads, hit, name)
	e := _identity_entry(g, stmt)
}

_applies_to_hit(stmt, hit, name) if {
	hit.objects
	_objects(stmt, name)
}

_applies_to_hit(stmt, hit, name) if {
	not hit.objects
	_bucket(stmt, name)
}

# The S3 reads a statement grants: all, the object reads and the listings among them
# (s3_object_read and s3_list_read are subsets of s3_read, so one match serves the three).
_s3_reads(stmt) := {
	"all": granted,
	"objects": granted & data.lockdown.lib.actions.s3_object_read,
	"bucket": granted & data.lockdown.lib.actions.s3_list_read,
} if {
	granted := actions.granted(stmt, data.lockdown.lib.actions.s3_read)
}

# The statement reads the hit (objects, or the bucket itself) with actions the principal can
# use there (`reads`: _s3_reads of the statement): its permissions boundary admits them and no
# explicit Deny takes them away.
_effective_hit(p, reads, hit, name) if {
	hit.objects
	effective.allows_any(p, reads.objects, {"kind": "objects", "name": name})
}

_effective_hit(p, reads, hit, name) if {
	not hit.objects
	effective.allows_any(p, reads.bucket, {"kind": "bucket", "name": name})
}

_identity_entry(g, stmt) := {
	"principal": _principal_label(g.principal),
	"class": "named",
	"allowed": g.principal.allowed,
	"violation": g.principal.allowed == false,
	"via": g.via,
	"via_urn": g.via_urn,
	"sid": stmt.sid,
	"identity_urn": g.principal.urn,
}

_principal_label(p) := p.arn if {
	types.is_known(p.arn)
} else := sprintf("%v %v", [p.kind, p.name])

# Identity grants of S3 reads on every bucket (Resource "*", arn:aws:s3:::*/*, NotResource).
identity_wide_s3_reads contains e if {
	some g in data.lockdown.lib.iam.identity_grants
	some stmt in g.parsed.statements
	stmt.effect == "Allow"
	granted := actions.granted(stmt, data.lockdown.lib.actions.s3_read)
	count(granted) > 0
	resources.applies_to_any_bucket(stmt)
	effective.allows_any(g.principal, granted, {"kind": "every_bucket"})
	e := _identity_entry(g, stmt)
}

# Identity grants of kms:Decrypt (and friends) on every key.
identity_wide_kms_decrypt contains e if {
	some g in data.lockdown.lib.iam.identity_grants
	some stmt in g.parsed.statements
	stmt.effect == "Allow"
	granted := actions.granted(stmt, data.lockdown.lib.actions.kms_decrypt)
	count(granted) > 0
	resources.applies_to_any_key(stmt)
	effective.allows_any(g.principal, granted, {"kind": "some_resource"})
	e := _identity_entry(g, stmt)
}

# Identity grants of log reads on every log group.
identity_wide_logs_read contains e if {
	some g in data.lockdown.lib.iam.identity_grants
	some stmt in g.parsed.statements
	stmt.effect == "Allow"
	granted := actions.granted(stmt, data.lockdown.lib.actions.logs_read)
	count(granted) > 0
	resources.applies_to_any_log_group(stmt)
	effective.allows_any(g.principal, granted, {"kind": "some_resource"})
	e := _identity_entry(g, stmt)
}

# Identities (by URN) that can read some protected data through their identity policies.
reader_identity_urns contains e.identity_urn if {
	some u, entries in identity_bucket_reads
	classification.is_protected(_bucket_by_urn[u])
	some e in entries
	e.identity_urn != null
}

reader_identity_urns contains e.identity_urn if {
	some e in identity_wide_s3_reads | identity_wide_kms_decrypt | identity_wide_logs_read
	e.identity_urn != null
}

# ---------------------------------------------------------------------------
# KMS: who can decrypt with a key through its key policy.

# Key policies: the key's own `policy` and KeyPolicy resources, key_docs[key urn].
# key_docs, or an empty object when nothing matches (regorus leaves an empty partial object undefined).
key_docs := x if {
	x := _key_docs
} else := {}

_key_docs[k.urn] contains {"urn": k.urn, "via": "key policy", "parsed": parsed} if {
	some k in types.resources_of("kms_key")
	parsed := own_key_policy[k.urn]
}

_key_docs[u] contains {"urn": r.urn, "via": "key policy", "parsed": own_key_policy[r.urn]} if {
	some r in types.resources_of("kms_key_policy")
	some u in linked_keys(r)
}

# The parsed policy each key or KeyPolicy resource carries itself, by URN (parsed once; keys
# without a `policy` property are absent).
own_key_policy := object.union(
	{k.urn: data.lockdown.lib.policy.parse(raw) |
		some k in types.resources_of("kms_key")
		raw := types.prop(k, "policy", null)
		raw != null
		raw != ""
	},
	{r.urn: data.lockdown.lib.policy.parse(types.prop(r, "policy", null)) | some r in types.resources_of("kms_key_policy")},
)

# key_urns_by_ref, or an empty object when nothing matches (regorus leaves an empty partial object undefined).
key_urns_by_ref := x if {
	x := _key_urns_by_ref
} else := {}

_key_urns_by_ref[ref] contains k.urn if {
	some k in types.resources_of("kms_key")
	some ref in {v |
		some v in [types.prop(k, "keyId", null), object.get(k, "id", null), types.prop(k, "arn", null)]
		is_string(v)
		v != ""
		types.is_known(v)
	}
}

_key_urns := {k.urn | some k in types.resources_of("kms_key")}

# The keys a KeyPolicy or Grant names by `keyId` (id or ARN), else through its dependencies.
linked_keys(r) := found if {
	v := types.prop(r, "keyId", null)
	found := object.get(key_urns_by_ref, v, set())
	count(found) > 0
} else := {u | some u in types.links(r); u in _key_urns}

# Decrypt entries of one key policy statement set (used by the rule and the report, so
# LD-KMS-001 and the reader report always agree on who can decrypt).
key_policy_decrypts(doc) := {e |
	some stmt in doc.parsed.statements
	stmt.effect == "Allow"
	stmt.has_principal
	granted := decrypt_actions(stmt)
	count(granted) > 0
	some a in principals.audience(stmt)
	e := object.union(_entry(a, doc.via, doc.urn, stmt.sid), {"actions": granted})
}

# The decrypt-capable actions a key policy statement grants. kms:CreateGrant under the
# condition kms:GrantIsForAWSResource true is not a read path: the grant can only be created
# through an AWS service integrated with KMS, for that service's resource (the Firehose stream,
# the EBS volume), never for the caller itself; so it does not count.
decrypt_actions(stmt) := actions.granted(stmt, data.lockdown.lib.actions.kms_decrypt) - {"kms:creategrant"} if {
	grant_for_aws_resource_only(stmt)
} else := actions.granted(stmt, data.lockdown.lib.actions.kms_decrypt)

# The statement holds Bool kms:GrantIsForAWSResource "true" (not ...IfExists, which an absent
# key satisfies).
grant_for_aws_resource_only(stmt) if {
	some c in stmt.conditions
	c.key == "kms:grantisforawsresource"
	c.base == "bool"
	not c.if_exists
	c.values == ["true"]
}

# ---------------------------------------------------------------------------
# CloudWatch Logs resource policies: who can read log events through them.

# The parsed document of every log resource policy, by URN.
log_policy_docs := {r.urn: data.lockdown.lib.policy.parse(types.prop(r, "policyDocument", null)) |
	some r in types.resources_of("log_resource_policy")
}

# Every principal a log resource policy lets read or copy out log events (a broad Allow counts
# even when a Deny neutralizes it today), as entries (see the top of this file) with the
# "actions" granted and the "log_groups" the statement names (its Resource patterns, or
# "every log group but ..." for NotResource). LD-LOG-009 reports the violations; the reader
# report lists them.
log_policy_reads contains e if {
	some u, parsed in log_policy_docs
	name := types.prop(_by_urn[u], "policyName", _by_urn[u].name)
	some stmt in parsed.statements
	stmt.effect == "Allow"
	granted := actions.granted(stmt, data.lockdown.lib.actions.logs_read)
	count(granted) > 0
	some a in principals.audience(stmt)
	e := object.union(_entry(a, sprintf("log resource policy %v", [name]), u, stmt.sid), {
		"actions": granted,
		"log_groups": _log_groups_named(stmt),
	})
}

_log_groups_named(stmt) := concat(", ", stmt.resources) if {
	not stmt.uses_not_resource
} else := sprintf("every log group but %v", [concat(", ", stmt.not_resources)])
