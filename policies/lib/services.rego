# Helpers for the logging, capture, training and Lake Formation rules that the shared
# library does not cover: CloudTrail S3 data-event coverage, ARN parts, log groups by name,
# Lake Formation principals and targets, and the few resource kinds only these rules read
# (classification.rego classifies them with the rest).
#
# Performance note (regorus): reading a *rule* of another package through an import alias
# (`classification.protected_urns`) evaluates that whole package; functions through an alias
# (`classification.is_protected(r)`) and full paths
# (`data.lockdown.lib.classification.protected_urns`) do not. Rules here and in the rules that
# use this library are therefore read by full path.
package lockdown.lib.services

import rego.v1

import data.lockdown.lib.arn
import data.lockdown.lib.classification
import data.lockdown.lib.config
import data.lockdown.lib.types

# Other packages' rules read here by key, through rules of this package (see lib/classification.rego).
_protected_urns := data.lockdown.lib.classification.protected_urns

# ---------------------------------------------------------------------------
# Generic values.

# The value of key `k` in object `o`, or `fallback` when absent, null or `o` is no object.
get(o, k, fallback) := v if {
	is_object(o)
	v := o[k]
	v != null
} else := fallback

# A string value that names something: non-empty, neither unknown nor redacted.
usable(v) if {
	is_string(v)
	v != ""
	types.is_known(v)
}

# A value that is set: known and non-empty, unknown at plan time (an output of another
# resource, such as a key ARN, which is always set once created), or a secret (opaque, but set).
is_set_value(v) if usable(v)

is_set_value(v) if types.is_unknown(v)

is_set_value(v) if types.is_redacted(v)

# The account id field of an ARN (arn:partition:service:region:account:resource), if any.
arn_account(arn) := acct if {
	usable(arn)
	startswith(arn, "arn:")
	parts := split(arn, ":")
	count(parts) >= 6
	acct := parts[4]
	acct != ""
}

# Resource kinds the shared library does not list; rules read them with resources_of_extra.
extra_kinds := {
	"aws:kinesis/stream:Stream": "kinesis_stream",
	"aws:sagemaker/trainingJob:TrainingJob": "sagemaker_training_job",
	"aws:glue/catalogTable:CatalogTable": "glue_catalog_table",
	"aws:cloudwatch/logAccountPolicy:LogAccountPolicy": "log_account_policy",
}

# Note: regorus leaves a partial object rule (`x[k] contains v`) undefined, not {}, when it has
# no entries, so every index below is read through a defaulted alias.
resources_by_extra_kind[k] contains r if {
	some r in input.resources
	k := extra_kinds[r.type]
}

default _extra_index := {}

_extra_index := resources_by_extra_kind

resources_of_extra(k) := object.get(_extra_index, k, set())

# ---------------------------------------------------------------------------
# CloudTrail: which buckets a trail records S3 object reads for.

trails := types.resources_of("cloudtrail_trail")

# Buckets by URN, built here (see the performance note above): a lookup in
# classification.bucket_by_urn through the alias measured about 1 ms per call, a local index
# a few microseconds.
buckets_by_urn := {b.urn: b | some b in types.resources_of("bucket")}

# A trail records events unless logging is explicitly stopped (enableLogging defaults to true).
trail_enabled(t) if types.prop(t, "enableLogging", true) != false

# The ARN of a bucket; a placeholder no selector names when it is unknown at plan time, so
# that only selectors covering every bucket ("arn:aws:s3") can cover it.
bucket_arn(b) := arn if {
	arn := types.prop(b, "arn", null)
	usable(arn)
} else := arn.bucket(name) if {
	name := types.prop(b, "bucket", null)
	usable(name)
} else := arn.bucket(b.id) if {
	usable(object.get(b, "id", null))
} else := arn.bucket("{unknown}")

bucket_arn_known(b) if bucket_arn(b) != arn.bucket("{unknown}")

# Buckets (URNs) that are the S3 destination of a trail: CloudTrail cannot usefully record
# reads of its own log files into the same trail, so these are not expected among its data events.
trail_destination_bucket_urns contains u if {
	some t in trails
	some u in classification.buckets_for_ref(types.prop(t, "s3BucketName", null))
}

# Buckets that may hold a trail's logs: its destination, or, while the destination's name is
# unknown at plan time, every bucket the trail depends on (over-inclusive, so never fail open).
audit_bucket_urns := trail_destination_bucket_urns | {d |
	some t in trails
	not usable(types.prop(t, "s3BucketName", null))
	some d in types.links(t)
	buckets_by_urn[d]
}

# The object-ARN prefixes a classic selector records reads for: readWriteType All or ReadOnly
# (default All), data resources of type AWS::S3::Object ("arn:aws:s3" = every bucket).
classic_read_values(sel) := {v |
	get(sel, "readWriteType", "All") in {"All", "ReadOnly"}
	some dr in types.as_list(get(sel, "dataResources", []))
	get(dr, "type", "") == "AWS::S3::Object"
	some v in types.as_list(get(dr, "values", []))
	usable(v)
}

# Stack-wide coverage, computed once: the object-ARN prefixes of every enabled trail's
# classic S3 read selectors, and its advanced selectors that admit S3 reads apart from
# resources.ARN. Checking a bucket is then a set lookup plus a loop over the few values
# that are not of the form "<bucket ARN>/" (such as "arn:aws:s3").
covered_prefixes := {v |
	some t in trails
	trail_enabled(t)
	some sel in types.as_list(types.prop(t, "eventSelectors", []))
	some v in classic_read_values(sel)
}

# Enabled trails with S3 data-event selector values unknown at plan time (e.g. built from a
# bucket's ARN before the bucket exists): their coverage cannot be verified.
trails_with_unknown_selectors contains t.name if {
	some t in trails
	trail_enabled(t)
	some sel in types.as_list(types.prop(t, "eventSelectors", []))
	some dr in types.as_list(get(sel, "dataResources", []))
	some v in types.as_list(get(dr, "values", []))
	types.is_unknown(v)
}

trails_with_unknown_selectors contains t.name if {
	some t in trails
	trail_enabled(t)
	some sel in array.concat(types.as_list(types.prop(t, "eventSelectors", [])), types.as_list(types.prop(t, "advancedEventSelectors", [])))
	types.is_unknown(sel)
}

trails_with_unknown_selectors contains t.name if {
	some t in trails
	trail_enabled(t)
	some sel in types.as_list(types.prop(t, "advancedEventSelectors", []))
	some f in types.as_list(get(sel, "fieldSelectors", []))
	some op in ["equals", "notEquals", "startsWiths", "notStartsWiths", "endsWiths", "notEndsWiths"]
	some v in _ops(f, op)
	types.is_unknown(v)
}

trails_with_unknown_selectors contains t.name if {
	some t in trails
	trail_enabled(t)
	some key in ["eventSelectors", "advancedEventSelectors"]
	types.unknown_path(t, key)
}

_odd_prefixes := {v | some v in covered_prefixes; not regex.match(`^arn:[a-z-]+:s3:::[^/*]+/$`, v)}

reading_advanced_selectors := [arn_fields |
	some t in trails
	trail_enabled(t)
	some sel in types.as_list(types.prop(t, "advancedEventSelectors", []))
	fields := [f | some f in types.as_list(get(sel, "fieldSelectors", [])); is_object(f)]
	_selects(fields, "eventCategory", "Data")
	_selects(fields, "resources.type", "AWS::S3::Object")
	every f in fields {
		_admits_apart_from_arn(f)
	}
	arn_fields := [f | some f in fields; get(f, "field", "") == "resources.ARN"]
]

# Some enabled trail of the stack records S3 read data events for every object of the bucket.
stack_covers_bucket(arn) if concat("", [arn, "/"]) in covered_prefixes

stack_covers_bucket(arn) if {
	some v in _odd_prefixes
	_prefix_of(v, concat("", [arn, "/"]))
}

stack_covers_bucket(arn) if {
	some arn_fields in reading_advanced_selectors
	every f in arn_fields {
		_arn_field_admits(f, concat("", [arn, "/"]))
	}
}

_prefix_of(p, s) if {
	usable(p)
	startswith(s, p)
}

# Advanced selectors: the field selectors of one selector are ANDed; eventCategory Data and
# resources.type AWS::S3::Object must be selected explicitly, and every other field must
# admit an S3 GetObject event (resources.ARN is checked per bucket).
_selects(fields, name, value) if {
	some f in fields
	get(f, "field", "") == name
	value in _ops(f, "equals")
}

_ops(f, op) := types.as_list(get(f, op, []))

# The value each field takes for an S3 GetObject data event.
_read_event := {
	"eventCategory": "Data",
	"resources.type": "AWS::S3::Object",
	"readOnly": "true",
	"eventSource": "s3.amazonaws.com",
	"eventName": "GetObject",
	"eventType": "AwsApiCall",
}

_admits_apart_from_arn(f) if get(f, "field", "") == "resources.ARN"

_admits_apart_from_arn(f) if _non_arn_field_admits(f)

_non_arn_field_admits(f) if {
	v := _read_event[get(f, "field", "")]
	_value_admits(f, v)
}

# A field Lockdown does not model (e.g. userIdentity.arn) admits everything only when it
# has no operator at all; otherwise it may drop some reads, so it does not cover.
_non_arn_field_admits(f) if {
	name := get(f, "field", "")
	name != "resources.ARN"
	not _read_event[name]
	every op in ["equals", "notEquals", "startsWiths", "notStartsWiths", "endsWiths", "notEndsWiths"] {
		count(_ops(f, op)) == 0
	}
}

_value_admits(f, v) if {
	_in_or_empty(_ops(f, "equals"), v)
	_prefix_or_empty(_ops(f, "startsWiths"), v)
	_suffix_or_empty(_ops(f, "endsWiths"), v)
	not v in _ops(f, "notEquals")
	not _any_prefix(_ops(f, "notStartsWiths"), v)
	not _any_suffix(_ops(f, "notEndsWiths"), v)
}

_in_or_empty(l, _) if count(l) == 0

_in_or_empty(l, v) if v in l

_prefix_or_empty(l, _) if count(l) == 0

_prefix_or_empty(l, v) if _any_prefix(l, v)

_suffix_or_empty(l, _) if count(l) == 0

_suffix_or_empty(l, v) if {
	some s in l
	usable(s)
	endswith(v, s)
}

_any_prefix(l, v) if {
	some p in l
	_prefix_of(p, v)
}

_any_suffix(l, v) if {
	some s in l
	usable(s)
	endswith(v, s)
}

# resources.ARN admits every object of the bucket (objects are "<bucket ARN>/<key>"): no exact
# or suffix operator (they select or drop some keys), an including prefix of "<bucket ARN>/"
# when prefixes are listed, and no excluded prefix or object inside the bucket.
_arn_field_admits(f, objects) if {
	count(_ops(f, "equals")) == 0
	count(_ops(f, "endsWiths")) == 0
	count(_ops(f, "notEndsWiths")) == 0
	_starts_with_one_of(_ops(f, "startsWiths"), objects)
	not _excludes_some(_ops(f, "notStartsWiths"), objects)
	not _excludes_some(_ops(f, "notEquals"), objects)
}

_starts_with_one_of(l, _) if count(l) == 0

_starts_with_one_of(l, objects) if objects in l

_starts_with_one_of(l, objects) if {
	some p in l
	not regex.match(`^arn:[a-z-]+:s3:::[^/*]+/$`, p)
	_prefix_of(p, objects)
}

# An exclusion overlaps the bucket's objects (or cannot be read, so it might).
_excludes_some(l, objects) if {
	some p in l
	not usable(p)
}

_excludes_some(l, objects) if {
	some p in l
	usable(p)
	startswith(objects, p)
}

_excludes_some(l, objects) if {
	some p in l
	usable(p)
	startswith(p, objects)
}

# ---------------------------------------------------------------------------
# CloudWatch log groups by name (subscription filters name their group).

log_groups := types.resources_of("log_group")

log_group_urns_by_name[n] contains g.urn if {
	some g in log_groups
	some n in {v | some v in [types.prop(g, "name", null), object.get(g, "id", null)]; usable(v)}
}

default _log_group_index := {}

_log_group_index := log_group_urns_by_name

log_group_by_urn := {g.urn: g | some g in log_groups}

# The log groups of the stack a record names in property `key` (by name when known, else by
# its dependencies, as the name of an auto-named group is unknown at plan time).
linked_log_groups(r, key) := found if {
	v := types.prop(r, key, null)
	usable(v)
	found := object.get(_log_group_index, v, set())
} else := {d |
	some d in types.links(r)
	log_group_by_urn[d]
}

# Logs named by the record are protected when any linked group is, or when none is in the stack.
logs_protected(r, key) if {
	some u in linked_log_groups(r, key)
	u in _protected_urns
}

logs_protected(r, key) if count(linked_log_groups(r, key)) == 0

# ---------------------------------------------------------------------------
# Lake Formation.

# Lake Formation permissions that let the principal read table data (or create tables over a
# registered location, and so read it): ALL and SUPER include SELECT.
lf_read_permissions := {"ALL", "SELECT", "SUPER", "DATA_LOCATION_ACCESS"}

lf_reads(perms) := {p | some p in types.as_list(perms); is_string(p); upper(p) in lf_read_permissions}

# The class of a Lake Formation principal:
#   iam_allowed_principals  IAM_ALLOWED_PRINCIPALS: access decided by IAM alone, i.e. anyone IAM lets in
#   public                  "*" (not valid in Lake Formation, but never narrower)
#   account                 an account id or <account>:IAMPrincipals (everyone in the account)
#   cross_account           another account's id, or a principal ARN of another account
#   organization            an organization or organizational unit ARN
#   unknown                 not known at plan time
#   named                   a role, user, group or identity center principal of our accounts
lf_principal_class(p) := "unknown" if {
	not usable(p)
} else := "iam_allowed_principals" if {
	upper(p) == "IAM_ALLOWED_PRINCIPALS"
} else := "public" if {
	p == "*"
} else := "account" if {
	regex.match(`^[0-9]{12}(:IAMPrincipals)?$`, p)
	config.is_own_account(substring(p, 0, 12))
} else := "cross_account" if {
	regex.match(`^[0-9]{12}(:IAMPrincipals)?$`, p)
} else := "organization" if {
	regex.match(`^arn:[a-z-]+:organizations::[0-9]*:(organization|ou)/`, p)
} else := "account" if {
	regex.match(`^arn:[a-z-]+:iam::[0-9]{12}:root$`, p)
	config.is_own_account(arn_account(p))
} else := "cross_account" if {
	regex.match(`^arn:[a-z-]+:iam::[0-9]{12}:root$`, p)
} else := "cross_account" if {
	acct := arn_account(p)
	regex.match(`^[0-9]{12}$`, acct)
	not config.is_own_account(acct)
	not config.is_allowed_reader(p)
} else := "named"

# Classes that give data to more than one named principal.
lf_broad_classes := {"iam_allowed_principals", "public", "account", "cross_account", "organization"}

glue_databases := types.resources_of("glue_catalog_database")

glue_database_urns_by_name[n] contains d.urn if {
	some d in glue_databases
	some n in {v | some v in [types.prop(d, "name", null), object.get(d, "id", null)]; usable(v)}
}

default _glue_database_index := {}

_glue_database_index := glue_database_urns_by_name

glue_database_by_urn := {d.urn: d | some d in glue_databases}

# The database a grant's target lives in (database, table, table with columns, cells filter).
_lf_database_name(r) := name if {
	name := get(types.prop(r, "database", {}), "name", null)
	usable(name)
} else := name if {
	name := get(types.prop(r, "table", {}), "databaseName", null)
	usable(name)
} else := name if {
	name := get(types.prop(r, "tableWithColumns", {}), "databaseName", null)
	usable(name)
} else := name if {
	name := get(types.prop(r, "dataCellsFilter", {}), "databaseName", null)
	usable(name)
}

# The stores of the stack a grant's target resolves to: Glue databases by name, buckets by
# the data location ARN, else the databases and buckets it depends on.
lf_target_stores(r) := found if {
	name := _lf_database_name(r)
	found := object.get(_glue_database_index, name, set())
	count(found) > 0
} else := found if {
	loc := get(types.prop(r, "dataLocation", {}), "arn", null)
	usable(loc)
	found := classification.buckets_for_ref(loc)
	count(found) > 0
} else := {d |
	some d in types.links(r)
	_is_store_urn(d)
}

_is_store_urn(u) if glue_database_by_urn[u]

_is_store_urn(u) if buckets_by_urn[u]

# A grant's data is protected when any store it resolves to is, or when none is in the stack
# (catalog, LF-tag and outside targets cannot be classified: strictest).
lf_target_protected(r) if _any_protected(lf_target_stores(r))

_any_protected(urns) if count(urns) == 0

_any_protected(urns) if {
	some u in urns
	u in _protected_urns
}

# A short description of what a grant is on, for messages.
lf_target_label(r) := sprintf("database '%s'", [name]) if {
	name := _lf_database_name(r)
} else := sprintf("data location '%s'", [loc]) if {
	loc := get(types.prop(r, "dataLocation", {}), "arn", null)
	usable(loc)
} else := "the data catalog" if {
	types.prop(r, "catalogResource", false) == true
} else := "an LF-tag policy" if {
	types.prop(r, "lfTagPolicy", null) != null
} else := "its target"

# ---------------------------------------------------------------------------
# SageMaker: instance types with local NVMe instance storage, which the instance hardware
# encrypts; AWS rejects a volume KMS key (KmsKeyId / VolumeKmsKeyId) for them.
local_storage_families := {"g5", "g6", "g6e", "p5", "p5e", "p5en", "trn1", "trn1n"}

local_storage_instance(instance_type) if {
	family := split(instance_type, ".")[1]
	regex.match(`^[a-z]+[0-9]+[a-z]*d[a-z]*$`, family)
}

local_storage_instance(instance_type) if split(instance_type, ".")[1] in local_storage_families
