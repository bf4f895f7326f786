# An S3 Access Grant hands temporary credentials for a location (a bucket or prefix) to its
# grantee: a READ or READWRITE grant on a protected bucket to anyone but an allowed reader
# extends the reader set.
package lockdown.lib.access.edges.s3_access_grant

import rego.v1

import data.lockdown.lib.classification
import data.lockdown.lib.principals
import data.lockdown.lib.types

# Other packages' rules read here by key, through rules of this package (see lib/classification.rego).
_by_urn := data.lockdown.lib.types.by_urn
_bucket_by_urn := data.lockdown.lib.classification.bucket_by_urn

edges contains e if {
	some g in types.resources_of("s3_access_grant")
	types.prop(g, "permission", "READ") in {"READ", "READWRITE"}
	grantee := types.prop(g, "grantee", {})
	not _allowed(grantee)
	some b in _buckets(g)
	classification.is_protected(b)
	e := {
		"kind": "s3_access_grant",
		"urn": g.urn,
		"principal": _label(grantee),
		"allowed": false,
		"store_urn": b.urn,
		"store": sprintf("bucket '%v' (%v)", [b.name, classification.level(b)]),
		"path": [sprintf("access grant '%v' gives %v on %v", [g.name, types.prop(g, "permission", "READ"), _scope(g)])],
	}
}

_allowed(grantee) if {
	object.get(grantee, "granteeType", "") == "IAM"
	principals.allowed_principal(object.get(grantee, "granteeIdentifier", ""))
}

_label(grantee) := sprintf("%v %v", [lower(object.get(grantee, "granteeType", "grantee")), object.get(grantee, "granteeIdentifier", "(unknown)")])

# The grant's location: by accessGrantsLocationId, else among its dependencies.
_location(g) := loc if {
	loc := _locations_by_id[types.prop(g, "accessGrantsLocationId", null)]
} else := loc if {
	some u in types.links(g)
	loc := _by_urn[u]
	types.kind(loc) == "s3_access_grants_location"
}

_locations_by_id := {ref: loc |
	some loc in types.resources_of("s3_access_grants_location")
	some ref in [types.prop(loc, "accessGrantsLocationId", null), object.get(loc, "id", null)]
	is_string(ref)
	types.is_known(ref)
}

_scope(g) := types.prop(_location(g), "locationScope", "an unknown location") if _location(g) else := "an unknown location"

# The buckets a grant reaches: its location's bucket; every bucket for the "s3://" scope, or
# when the location cannot be determined (fail closed).
_buckets(g) := {b |
	scope := types.prop(_location(g), "locationScope", "")
	name := split(trim_prefix(scope, "s3://"), "/")[0]
	name != ""
	some u in classification.buckets_for_ref(name)
	b := _bucket_by_urn[u]
} if {
	name := split(trim_prefix(types.prop(_location(g), "locationScope", ""), "s3://"), "/")[0]
	name != ""
	types.is_known(name)
} else := data.lockdown.lib.classification.buckets
