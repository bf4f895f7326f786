# S3 buckets as one configuration, whichever way it is written: v6 legacy inline properties
# (`policy`, `acl`, `grants`, `serverSideEncryptionConfiguration`, `versioning`, `loggings`,
# `lifecycleRules`, `replicationConfiguration`), v6 BucketV2 outputs (`...Configurations`,
# `versionings`), v7 Bucket inline properties (`logging`), and the separate sub-resources of
# both versions. A sub-resource wins over inline outputs for the same aspect.
package lockdown.lib.s3

import rego.v1

import data.lockdown.lib.wildcard
import data.lockdown.lib.arn
import data.lockdown.lib.actions
import data.lockdown.lib.classification
import data.lockdown.lib.policy
import data.lockdown.lib.resources
import data.lockdown.lib.types

# The bucket's name, or the unknown sentinel when it is not known at plan time.
bucket_name(b) := n if {
	n := types.prop(b, "bucket", null)
	is_string(n)
	types.is_known(n)
	n != ""
} else := n if {
	n := object.get(b, "id", null)
	is_string(n)
	types.is_known(n)
	n != ""
} else := data.lockdown.lib.types.unknown

# ---------------------------------------------------------------------------
# Bucket policies: every policy document that applies to a bucket, parsed once.
# policy_docs[bucket urn] contains {"urn", "name", "via", "parsed"}.

# policy_docs, or an empty object when nothing matches (regorus leaves an empty partial object undefined).
policy_docs := x if {
	x := _policy_docs
} else := {}

# Only protected buckets' policies are parsed: no rule reads the others.
_policy_docs[u] contains doc if {
	some r in types.resources_of("bucket_policy")
	some u in classification.linked_buckets(r)
	u in _protected_urns
	parsed := policy.parse(types.prop(r, "policy", null))
	doc := {"urn": r.urn, "name": r.name, "via": "bucket policy", "parsed": parsed}
}

_policy_docs[b.urn] contains doc if {
	some b in data.lockdown.lib.classification.protected_buckets
	raw := types.prop(b, "policy", null)
	raw != null
	raw != ""
	doc := {"urn": b.urn, "name": b.name, "via": "inline bucket policy", "parsed": policy.parse(raw)}
}

# The URNs of the protected buckets: a set lookup instead of classifying a bucket again
# (classification.is_protected is several function calls).
_protected_urns := {b.urn | some b in data.lockdown.lib.classification.protected_buckets}

# The policy documents of a bucket (empty set when it has none). Protected buckets' documents
# come from the index; any other bucket's are parsed on demand.
docs_of(b) := object.get(policy_docs, b.urn, set()) if {
	b.urn in _protected_urns
} else := {doc |
	some r in classification.subresources_of(b, "bucket_policy")
	doc := {"urn": r.urn, "name": r.name, "via": "bucket policy", "parsed": policy.parse(types.prop(r, "policy", null))}
} | {doc |
	raw := types.prop(b, "policy", null)
	raw != null
	raw != ""
	doc := {"urn": b.urn, "name": b.name, "via": "inline bucket policy", "parsed": policy.parse(raw)}
}

# All statements of the bucket's policies that could be parsed.
statements_of(b) := [s |
	some d in docs_of(b)
	some s in d.parsed.statements
]

# Every statement of a protected bucket's policies with the S3 facts the rules need, computed
# once per evaluation: statement_facts(b) is a list of
#   {"stmt", "via", "via_urn", "reads": the s3:GetObject*/s3:ListBucket* actions it names,
#    "some_objects": it applies to some object, "all_objects": to every object,
#    "bucket": to the bucket itself}
# An unknown bucket name makes every resource test true (strictest for grants).
_statement_facts := {b.urn: _facts_of(b) | some b in data.lockdown.lib.classification.protected_buckets}

statement_facts(b) := facts if {
	facts := _statement_facts[b.urn]
} else := _facts_of(b)

_facts_of(b) := [f |
	name := bucket_name(b)
	some d in docs_of(b)
	some s in d.parsed.statements
	rf := _resource_facts(s, name)
	f := {
		"stmt": s,
		"via": d.via,
		"via_urn": d.urn,
		"reads": actions.granted(s, data.lockdown.lib.actions.s3_read),
		"some_objects": rf.some_objects,
		"all_objects": rf.all_objects,
		"bucket": rf.bucket,
	}
]

# The three resource facts of a statement for the bucket named `name`, the same as
# _some_objects / _all_objects / _the_bucket below, with each Resource pattern matched against
# the object and bucket ARNs once (matching is most of the cost of a fact).
_resource_facts(s, name) := {"some_objects": true, "all_objects": true, "bucket": true} if {
	types.is_unknown(name)
} else := {
	"some_objects": _some_objects(s, name),
	"all_objects": _all_objects(s, name),
	"bucket": _the_bucket(s, name),
} if {
	s.uses_not_resource
} else := {
	"some_objects": objects in s.resources,
	"all_objects": objects in s.resources,
	"bucket": bucket in s.resources,
} if {
	# The common case: every pattern is the bucket's ARN or its objects' ARN "<bucket>/*", and
	# the name is plain (nothing glob, ":" or "/" would interpret). Then the objects pattern
	# covers every object and not the bucket, the bucket ARN covers the bucket and no object:
	# the same facts as matching each pattern below, without a function call per pattern.
	strings.replace_n(_name_special_chars, name) == name
	objects := arn.objects(name)
	bucket := arn.bucket(name)
	count([p | some p in s.resources; p != objects; p != bucket]) == 0
} else := {
	"some_objects": count([1 | some m in matches; m.some]) > 0,
	"all_objects": count([1 | some m in matches; m.all]) > 0,
	"bucket": count([1 | some m in matches; m.bucket]) > 0,
} if {
	objects := arn.objects(name)
	bucket := arn.bucket(name)
	matches := [_pattern_facts(p, name, objects, bucket) | some p in s.resources]
}

_name_special_chars := {"*": "", "?": "", "[": "", "]": "", "{": "", "}": "", "\\": "", "/": "", ":": ""}

# One pattern: it covers every object (then some object too), some object, the bucket.
_pattern_facts(p, name, _, bucket) := {"all": true, "some": true, "bucket": wildcard.match(p, bucket)} if {
	resources.pattern_covers_all_objects(p, name)
} else := {"all": false, "some": _covers_some_object(p, name), "bucket": wildcard.match(p, bucket)}

default _covers_some_object(_, _) := false

_covers_some_object(p, name) if resources.pattern_covers_some_object(p, name)

_some_objects(_, name) if types.is_unknown(name)

_some_objects(s, name) if resources.applies_to_objects(s, name)

default _some_objects(_, _) := false

_all_objects(_, name) if types.is_unknown(name)

_all_objects(s, name) if resources.covers_all_objects(s, name)

default _all_objects(_, _) := false

_the_bucket(_, name) if types.is_unknown(name)

_the_bucket(s, name) if resources.applies_to_bucket(s, name)

default _the_bucket(_, _) := false

# ---------------------------------------------------------------------------
# ACLs: canned ACLs and grants that let others read. ACL grants bypass bucket policies and the
# allowlist, so every rule that asks who reads a bucket through its ACL asks here.

# The records that carry a bucket's ACL: the bucket itself (v6 inline `acl` / `grants`) and
# its BucketAcl sub-resources.
acl_holders(b) := {b} | classification.subresources_of(b, "bucket_acl")

# Canned ACLs that let a group read: everyone (AllUsers) or every AWS user (AuthenticatedUsers).
public_canned_acls := {"public-read": "AllUsers", "public-read-write": "AllUsers", "authenticated-read": "AuthenticatedUsers"}

_group_uris := {
	"http://acs.amazonaws.com/groups/global/AllUsers": "AllUsers",
	"http://acs.amazonaws.com/groups/global/AuthenticatedUsers": "AuthenticatedUsers",
}

_read_permissions := {"READ", "FULL_CONTROL", "READ_ACP", "WRITE_ACP"}

# The read grants of an ACL resource or a bucket's inline acl/grants:
# [{"grantee", "class", "permission"}] (group grantees, other canonical users, e-mail grantees).
acl_grants(r) := array.concat(_canned(r), _explicit(r))

_canned(r) := [{"grantee": grantee, "class": "public", "permission": acl}] if {
	acl := types.prop(r, "acl", null)
	grantee := public_canned_acls[acl]
} else := []

_explicit(r) := [g |
	some grant in _grant_list(r)
	g := _grant_entry(grant, _owner_id(r))
]

_grant_list(r) := array.concat(
	[{"grantee": object.get(g, "grantee", {}), "permission": object.get(g, "permission", "")} |
		acp := types.prop(r, "accessControlPolicy", {})
		is_object(acp)
		some g in types.as_list(object.get(acp, "grants", null))
	],
	[{"grantee": {"type": object.get(g, "type", ""), "uri": object.get(g, "uri", null), "id": object.get(g, "id", null)}, "permission": p} |
		some g in types.as_list(types.prop(r, "grants", null))
		some p in types.as_list(object.get(g, "permissions", null))
	],
)

_owner_id(r) := object.get(object.get(types.prop(r, "accessControlPolicy", {}), "owner", {}), "id", null)

_grant_entry(grant, owner) := {"grantee": group, "class": "public", "permission": grant.permission} if {
	uri := object.get(grant.grantee, "uri", null)
	group := _group_uris[uri]
	grant.permission in _read_permissions
} else := {"grantee": sprintf("canonical user %v", [id]), "class": "cross_account", "permission": grant.permission} if {
	# A canonical user other than the bucket owner: another account.
	object.get(grant.grantee, "type", "") == "CanonicalUser"
	id := object.get(grant.grantee, "id", null)
	id != owner
	grant.permission in _read_permissions
} else := {"grantee": sprintf("e-mail grantee %v", [object.get(grant.grantee, "emailAddress", "")]), "class": "cross_account", "permission": grant.permission} if {
	object.get(grant.grantee, "type", "") == "AmazonCustomerByEmail"
	grant.permission in _read_permissions
}

# ---------------------------------------------------------------------------
# Encryption: the default-encryption settings [{"sseAlgorithm", "kmsMasterKeyId"}] in force.

sse_defaults(b) := defs if {
	subs := classification.subresources_of(b, "bucket_sse")
	count(subs) > 0
	defs := [d |
		some r in subs
		some rule in types.as_list(types.prop(r, "rules", types.prop(r, "rule", null)))
		d := object.get(rule, "applyServerSideEncryptionByDefault", null)
		d != null
	]
} else := _inline_sse(b)

_inline_sse(b) := [d |
	# v6 legacy and v7 Bucket: serverSideEncryptionConfiguration.rule.applyServerSideEncryptionByDefault
	cfg := types.prop(b, "serverSideEncryptionConfiguration", null)
	is_object(cfg)
	some rule in types.as_list(object.get(cfg, "rule", object.get(cfg, "rules", null)))
	some d in types.as_list(object.get(rule, "applyServerSideEncryptionByDefault", object.get(rule, "applyServerSideEncryptionByDefaults", null)))
] if {
	is_object(types.prop(b, "serverSideEncryptionConfiguration", null))
} else := [d |
	# v6 BucketV2 outputs: serverSideEncryptionConfigurations[].rules[].applyServerSideEncryptionByDefaults[]
	some cfg in types.as_list(types.prop(b, "serverSideEncryptionConfigurations", null))
	some rule in types.as_list(object.get(cfg, "rules", null))
	some d in types.as_list(object.get(rule, "applyServerSideEncryptionByDefaults", null))
]

# True when the bucket's encryption settings are not known at plan time.
sse_unknown(b) if {
	some r in classification.subresources_of(b, "bucket_sse")
	types.unknown_path(r, "rules")
}

sse_unknown(b) if types.unknown_path(b, "serverSideEncryptionConfiguration")

# ---------------------------------------------------------------------------
# Versioning: "Enabled", "Suspended", "Disabled", "unknown" or "absent".

versioning_status(b) := s if {
	subs := classification.subresources_of(b, "bucket_versioning")
	count(subs) > 0
	s := _sub_versioning(subs)
} else := s if {
	v := types.prop(b, "versioning", null)
	is_object(v)
	s := _enabled_flag(object.get(v, "enabled", null))
} else := s if {
	vs := types.as_list(types.prop(b, "versionings", null))
	count(vs) > 0
	s := _enabled_flag(object.get(vs[0], "enabled", null))
} else := "unknown" if {
	types.is_unknown(types.prop(b, "versioning", null))
} else := "absent"

_sub_versioning(subs) := "Enabled" if {
	some r in subs
	object.get(types.prop(r, "versioningConfiguration", {}), "status", "") == "Enabled"
} else := "unknown" if {
	some r in subs
	types.unknown_path(r, "versioningConfiguration")
} else := "Suspended"

_enabled_flag(v) := "Enabled" if v == true

_enabled_flag(v) := "unknown" if types.is_unknown(v)

_enabled_flag(v) := "Suspended" if {
	v != true
	not types.is_unknown(v)
}

# ---------------------------------------------------------------------------
# Access logging: the target bucket references of the bucket's logging configuration.

logging_targets(b) := {t |
	some r in classification.subresources_of(b, "bucket_logging")
	t := types.prop(r, "targetBucket", data.lockdown.lib.types.unknown)
} | {t |
	some l in array.concat(types.as_list(types.prop(b, "loggings", null)), types.as_list(types.prop(b, "logging", null)))
	is_object(l)
	t := object.get(l, "targetBucket", data.lockdown.lib.types.unknown)
}

has_logging(b) if count(logging_targets(b)) > 0

# Buckets that receive S3 server access logs (they may use SSE-S3 only, and need not log).
log_target_urns contains u if {
	some r in types.resources_of("bucket_logging")
	some u in _target_buckets(r)
}

log_target_urns contains u if {
	some b in data.lockdown.lib.classification.buckets
	some l in array.concat(types.as_list(types.prop(b, "loggings", null)), types.as_list(types.prop(b, "logging", null)))
	is_object(l)
	some u in classification.buckets_for_ref(object.get(l, "targetBucket", null))
}

_target_buckets(r) := found if {
	found := classification.buckets_for_ref(types.prop(r, "targetBucket", null))
	count(found) > 0
} else := (classification.bucket_dependencies(r) - classification.linked_buckets(r)) if {
	# The target's name is unknown at plan time: the dependency that is not the source bucket.
	not classification.buckets_for_ref(types.prop(r, "targetBucket", null))
	count(classification.bucket_dependencies(r) - classification.linked_buckets(r)) > 0
} else := classification.bucket_dependencies(r) if {
	not classification.buckets_for_ref(types.prop(r, "targetBucket", null))
}

is_log_target(b) if b.urn in log_target_urns

# Buckets that receive CloudTrail logs (their retention follows the log limit).
trail_bucket_urns contains u if {
	some t in types.resources_of("cloudtrail_trail")
	some u in classification.linked_buckets_by(t, "s3BucketName")
}

is_log_bucket(b) if is_log_target(b)

is_log_bucket(b) if b.urn in trail_bucket_urns

# ---------------------------------------------------------------------------
# Lifecycle: enabled rules that apply to every object, with their expiration days.

lifecycle_rules(b) := rules if {
	subs := classification.subresources_of(b, "bucket_lifecycle")
	count(subs) > 0
	rules := [{"enabled": object.get(rule, "status", "") == "Enabled", "days": _days(rule), "all_objects": _rule_all_objects(rule), "unknown": types.is_unknown(object.get(rule, "status", ""))} |
		some r in subs
		some rule in types.as_list(types.prop(r, "rules", null))
	]
} else := [{"enabled": object.get(rule, "enabled", false) == true, "days": _days(rule), "all_objects": _legacy_all_objects(rule), "unknown": types.is_unknown(object.get(rule, "enabled", false))} |
	some rule in types.as_list(types.prop(b, "lifecycleRules", null))
]

_days(rule) := d if {
	exp := object.get(rule, "expiration", null)
	e := _first(exp)
	d := object.get(e, "days", null)
	is_number(d)
} else := null

_first(v) := v if is_object(v)

_first(v) := v[0] if {
	is_array(v)
	count(v) > 0
}

_rule_all_objects(rule) if {
	not rule.filter
	object.get(rule, "prefix", "") == ""
}

_rule_all_objects(rule) if {
	f := _first(rule.filter)
	is_object(f)
	count({k | some k, v in f; v != null; v != ""; v != {}; v != []}) == 0
}

_legacy_all_objects(rule) if {
	object.get(rule, "prefix", "") in {"", null}
	count(object.get(rule, "tags", {})) == 0
}

default _legacy_all_objects(_) := false

default _rule_all_objects(_) := false

# ---------------------------------------------------------------------------
# Replication: destinations [{"bucket", "account"}] of enabled rules.

replication_destinations(b) := [{"via_urn": r.urn, "bucket": object.get(dest, "bucket", data.lockdown.lib.types.unknown), "account": object.get(dest, "account", null)} |
	some r in classification.subresources_of(b, "bucket_replication")
	some rule in types.as_list(types.prop(r, "rules", null))
	object.get(rule, "status", "Enabled") != "Disabled"
	dest := _first(object.get(rule, "destination", {}))
] if {
	count(classification.subresources_of(b, "bucket_replication")) > 0
} else := [{"via_urn": b.urn, "bucket": object.get(dest, "bucket", data.lockdown.lib.types.unknown), "account": object.get(dest, "accountId", null)} |
	some cfg in types.as_list(types.prop(b, "replicationConfiguration", types.prop(b, "replicationConfigurations", null)))
	some rule in types.as_list(object.get(cfg, "rules", null))
	object.get(rule, "status", "Enabled") != "Disabled"
	dest := _first(object.get(rule, "destination", {}))
]

# ---------------------------------------------------------------------------
# Public access blocks.

pab_flags := ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]

# The flags of a public access block that are not literally true.
pab_weak_flags(r) := [f | some f in pab_flags; types.prop(r, f, false) != true]

# True when an account-level public access block of the stack sets all four flags.
account_pab_complete if {
	some r in types.resources_of("account_public_access_block")
	count(pab_weak_flags(r)) == 0
}
