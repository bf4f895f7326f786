# Classification of data stores and the links between a bucket and its sub-resources.
#
# A store (bucket, key, log group, ...) is classified by its tag (setting classificationTag,
# default "data-classification"); untagged stores take defaultClassification ("restricted").
# A tag value that is unknown at plan time, redacted, or not one of the four levels is
# treated as protected: fail closed.
#
# Bucket sub-resources (policy, public access block, ACL, encryption, ...) name their bucket
# by its name, id or ARN; while the bucket id is unknown at plan time they are linked through
# the record's dependencies instead. Joins go through indexes built once per evaluation
# (objects keyed by name / URN), never nested loops over all resources.
#
# This is the only place that classifies: every resource of the kinds the rules ask about is
# classified once per evaluation (levels_by_urn, protected_urns), and level / is_protected /
# level_label read that index.
#
# Performance note (regorus): reading a *rule* of another package through an import alias
# (`classification.protected_urns`) evaluates that whole package, about 1 ms per call from
# inside a function on 10,000 resources; functions through an alias
# (`classification.is_protected(r)`) and full paths
# (`data.lockdown.lib.classification.protected_urns`) do not. Read the rules here by full path.
#
# A full path read by key is slow in its turn: `data.lockdown.lib.types.by_urn[u]` or
# `u in data.lockdown.lib.classification.protected_urns` costs some 20 µs a lookup, against 1-2 µs
# through a rule of the reading package (`_by_urn := data.lockdown.lib.types.by_urn`, then
# `_by_urn[u]`): 0.2 s for 10,000 lookups. So every package reads other packages' rules by key
# through such local rules, defined after its imports.
package lockdown.lib.classification

import rego.v1

import data.lockdown.lib.config
import data.lockdown.lib.types

# Other packages' rules read here by key (see the performance note above).
_extra_kinds := data.lockdown.lib.services.extra_kinds
_protected_classifications := data.lockdown.lib.config.protected_classifications

levels := {"public", "internal", "confidential", "restricted"}

# The tags of a record: `tags`, falling back to `tagsAll` (provider default tags) for the key.
_tag_value(r) := v if {
	tags := types.prop(r, "tags", {})
	is_object(tags)
	v := tags[data.lockdown.lib.config.classification_tag]
} else := v if {
	tags := types.prop(r, "tagsAll", {})
	is_object(tags)
	v := tags[data.lockdown.lib.config.classification_tag]
}

_tags_unknown(r) if types.is_unknown(types.prop(r, "tags", null))

_tags_unknown(r) if {
	count(object.get(r, "unknowns", [])) > 0
	_unknown_tag_path(r)
}

# Only the tag map itself or the classification tag count: another tag being unknown at
# plan time (an owner computed from an output) says nothing about the classification.
_unknown_tag_path(r) if "tags" in object.get(r, "unknowns", [])

_unknown_tag_path(r) if types.unknown_path(r, concat(".", ["tags", data.lockdown.lib.config.classification_tag]))

# The classification of a store: one of `levels`, or "unknown" (protected) when it cannot be
# read. Resources of the classified kinds are classified once per evaluation, by index.
level(r) := lvl if {
	lvl := levels_by_urn[r.urn]
} else := compute_level(r)

# The kinds classified once per evaluation: the stores (buckets, keys, log groups), and the
# capture, training and catalog resources the rules ask about, with the kinds only
# services.rego names (by type: kinesis streams, training jobs, ...).
classified_kinds := data.lockdown.lib.types.store_kinds | {
	"firehose_delivery_stream", "sagemaker_notebook_instance", "sagemaker_domain",
	"sagemaker_endpoint_configuration", "sagemaker_model", "glue_catalog_database",
}

_classified := array.concat(
	[r | some k in classified_kinds; some r in types.resources_of(k)],
	[r | some r in input.resources; _extra_kinds[r.type]],
)

# The classification level of every such resource, by URN.
levels_by_urn := {r.urn: compute_level(r) | some r in _classified}

# The URNs of the protected ones: protected levels, and anything that is not one of the four
# levels (unknown at plan time, unreadable).
protected_urns := {u | some u, l in levels_by_urn; _protected_level(l)}

# The level of a resource as messages show it.
level_label(r) := l if {
	l := level(r)
	l in levels
} else := "classification unknown, treated as restricted"

compute_level(r) := lvl if {
	# The common case first: no unknown value in the record, the tag a known level.
	count(r.unknowns) == 0
	v := r.properties.tags[data.lockdown.lib.config.classification_tag]
	is_string(v)
	lvl := lower(trim_space(v))
	lvl in levels
} else := "unknown" if {
	_tags_unknown(r)
} else := lvl if {
	v := _tag_value(r)
	is_string(v)
	types.is_known(v)
	lvl := lower(trim_space(v))
	lvl in levels
} else := "unknown" if {
	_tag_value(r)
} else := data.lockdown.lib.config.default_classification

# A store whose readers Lockdown governs: protected levels, and anything unknown. A set
# lookup for the classified kinds; any other record is classified on the spot.
is_protected(r) if r.urn in protected_urns

is_protected(r) if {
	not levels_by_urn[r.urn]
	_protected_level(compute_level(r))
}

_protected_level(lvl) if lvl in _protected_classifications

_protected_level(lvl) if not lvl in levels

# The protected buckets, computed once: rules iterate these.
protected_buckets contains b if {
	some b in buckets
	is_protected(b)
}

# ---------------------------------------------------------------------------
# Buckets and their references.

buckets := types.resources_of("bucket")

bucket_by_urn := {b.urn: b | some b in buckets}

# The bucket name a reference denotes: a name, or an ARN arn:<partition>:s3:::name[/key].
bucket_ref_name(v) := name if {
	is_string(v)
	startswith(v, "arn:")
	parts := split(v, ":::")
	count(parts) == 2
	contains(parts[0], ":s3")
	name := split(parts[1], "/")[0]
} else := v if {
	is_string(v)
	not startswith(v, "arn:")
}

_usable_ref(v) if {
	is_string(v)
	v != ""
	types.is_known(v)
}

# Every way a sub-resource can name the bucket: its name, its id, its ARN.
_bucket_refs(b) := {ref |
	some v in [types.prop(b, "bucket", null), object.get(b, "id", null), types.prop(b, "arn", null)]
	_usable_ref(v)
	ref := bucket_ref_name(v)
}

# Bucket URNs by every reference: bucket_urns_by_ref["my-bucket"] == {"urn:..."}.
# bucket_urns_by_ref, or an empty object when nothing matches (regorus leaves an empty partial object undefined).
bucket_urns_by_ref := x if {
	x := _bucket_urns_by_ref
} else := {}

_bucket_urns_by_ref[ref] contains b.urn if {
	some b in buckets
	some ref in _bucket_refs(b)
}

# The bucket URNs a bucket reference value resolves to within the stack (empty when outside).
buckets_for_ref(v) := object.get(bucket_urns_by_ref, bucket_ref_name(v), set()) if _usable_ref(v)

# The bucket URNs a record depends on (its parent counts as a dependency).
bucket_dependencies(r) := {d |
	some d in types.links(r)
	bucket_by_urn[d]
}

# Buckets a sub-resource belongs to, from the value of its reference property `key`:
# by name/id/ARN when known, else by its dependencies (the id is unknown at plan time).
linked_buckets_by(r, key) := found if {
	# Fast path: the reference is a bucket name or id of the stack.
	found := bucket_urns_by_ref[r.properties[key]]
} else := bucket_dependencies(r) if {
	# Fast path: the reference is unknown at plan time, as in most previews.
	r.properties[key] == data.lockdown.lib.types.unknown
} else := bucket_dependencies(r) if {
	# No usable reference (absent, empty, redacted): the dependencies decide.
	not _usable_ref(types.prop(r, key, null))
} else := found if {
	found := buckets_for_ref(types.prop(r, key, null))
	count(found) > 0
} else := set() if {
	# A known reference to a bucket outside the stack.
	not startswith(types.prop(r, key, null), "arn:")
} else := bucket_dependencies(r)

# The buckets of an ordinary sub-resource (its `bucket` property).
linked_buckets(r) := linked_buckets_by(r, "bucket")

# A sub-resource is protected when any bucket it belongs to is protected, or when its bucket
# is not in the stack or cannot be determined (strictest).
sub_is_protected(r) if {
	some u in linked_buckets(r)
	is_protected(bucket_by_urn[u])
}

sub_is_protected(r) if bucket_not_seen(r)

# ---------------------------------------------------------------------------
# Buckets not seen. A sub-resource (a bucket policy, an access point) whose bucket is not in
# this deployment (another stack's bucket, a bucket named by a literal, or, at the deployment
# gate, a bucket not analyzed yet) cannot take its bucket's classification: that bucket is
# judged as restricted. When even its name is unknown at plan time, rules report the verdict
# as undecided until the update, where the name is known.

# True when no bucket of the deployment is the one the sub-resource names (by its `bucket`
# reference, else its dependencies).
bucket_not_seen(r) if count(linked_buckets(r)) == 0

# The name of the bucket a sub-resource governs when that bucket was not seen: the name its
# `bucket` reference gives, or the unknown sentinel when that is not known at plan time.
# Undefined when the bucket is in the deployment.
unseen_bucket(r) := name if {
	bucket_not_seen(r)
	name := bucket_ref_name(types.prop(r, "bucket", null))
	types.is_known(name)
} else := data.lockdown.lib.types.unknown if {
	bucket_not_seen(r)
}

# Why a sub-resource of a bucket not seen is judged as restricted, for messages (`name` as
# unseen_bucket gives it).
unseen_bucket_reason(name) := "its bucket is not known at plan time; judged as restricted" if {
	types.is_unknown(name)
} else := sprintf("bucket '%s' was not seen in this deployment; judged as restricted", [name])

# Bucket sub-resources by bucket URN and kind: bucket_subresources[urn]["bucket_policy"].
bucket_sub_kinds := {
	"bucket_policy", "bucket_public_access_block", "bucket_acl", "bucket_ownership_controls",
	"bucket_sse", "bucket_versioning", "bucket_logging", "bucket_lifecycle", "bucket_replication",
	"access_point",
}

# bucket_subresources, or an empty object when nothing matches (regorus leaves an empty partial object undefined).
bucket_subresources := x if {
	x := _bucket_subresources
} else := {}

_bucket_subresources[u][k] contains r if {
	some k in bucket_sub_kinds
	some r in types.resources_of(k)
	some u in linked_buckets(r)
}

# The sub-resources of one kind attached to a bucket (empty set when none).
subresources_of(bucket, k) := object.get(object.get(bucket_subresources, bucket.urn, {}), k, set())

# ---------------------------------------------------------------------------
# Access points and their policies.

access_points := types.resources_of("access_point")

# access_point_urns_by_ref, or an empty object when nothing matches (regorus leaves an empty partial object undefined).
access_point_urns_by_ref := x if {
	x := _access_point_urns_by_ref
} else := {}

_access_point_urns_by_ref[ref] contains ap.urn if {
	some ap in access_points
	some ref in {v |
		some v in [types.prop(ap, "arn", null), object.get(ap, "id", null), types.prop(ap, "name", null)]
		_usable_ref(v)
	}
}

access_point_by_urn := {ap.urn: ap | some ap in access_points}

# The access points an access point policy belongs to (by ARN, else by dependencies).
linked_access_points(r) := found if {
	v := types.prop(r, "accessPointArn", null)
	_usable_ref(v)
	found := object.get(access_point_urns_by_ref, v, set())
	count(found) > 0
} else := {d |
	some d in types.links(r)
	access_point_by_urn[d]
}

# An access point (or its policy) is protected when its bucket is, or when that is unknown.
access_point_is_protected(ap) := sub_is_protected(ap)

access_point_policy_is_protected(r) if {
	some u in linked_access_points(r)
	sub_is_protected(access_point_by_urn[u])
}

access_point_policy_is_protected(r) if count(linked_access_points(r)) == 0

# ---------------------------------------------------------------------------
# Other stores.

# Protected stores of every governed kind (buckets, keys, log groups), by URN.
protected_store_urns contains r.urn if {
	some k in data.lockdown.lib.types.store_kinds
	some r in types.resources_of(k)
	is_protected(r)
}
