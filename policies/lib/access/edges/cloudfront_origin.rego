# A CloudFront distribution whose origin is a bucket reached with Origin Access Control (or a
# legacy Origin Access Identity) reads the bucket on every viewer's behalf: with no viewer
# restriction (signed URLs or cookies through trusted key groups or signers) on a cache
# behaviour, anyone on the internet reads the bucket through it.
package lockdown.lib.access.edges.cloudfront_origin

import rego.v1

import data.lockdown.lib.classification
import data.lockdown.lib.types

# Other packages' rules read here by key, through rules of this package (see lib/classification.rego).
_bucket_by_urn := data.lockdown.lib.classification.bucket_by_urn

edges contains e if {
	some d in types.resources_of("cloudfront_distribution")
	some origin in types.as_list(types.prop(d, "origins", []))
	_private_origin(origin)
	some u in classification.buckets_for_ref(_bucket_of(object.get(origin, "domainName", "")))
	b := _bucket_by_urn[u]
	classification.is_protected(b)
	some behaviour in _open_behaviours(d, object.get(origin, "originId", null))
	e := {
		"kind": "cloudfront_origin",
		"urn": d.urn,
		"principal": "anyone on the internet",
		"allowed": false,
		"store_urn": b.urn,
		"store": sprintf("bucket '%v' (%v)", [b.name, classification.level(b)]),
		"path": [
			sprintf("distribution '%v' reads bucket '%v' through its origin access control or identity", [d.name, b.name]),
			sprintf("its %v has no trusted key groups or signers: viewers are not restricted", [behaviour]),
		],
	}
}

_private_origin(origin) if object.get(origin, "originAccessControlId", "") != ""

_private_origin(origin) if object.get(object.get(origin, "s3OriginConfig", {}), "originAccessIdentity", "") != ""

# "<bucket>.s3.<region>.amazonaws.com" or "<bucket>.s3.amazonaws.com" -> the bucket name.
_bucket_of(domain) := name if {
	is_string(domain)
	parts := split(domain, ".s3.")
	count(parts) >= 2
	name := concat(".s3.", array.slice(parts, 0, count(parts) - 1))
} else := domain

# The cache behaviours that serve the origin without a viewer restriction.
_open_behaviours(d, origin_id) := {label |
	some label, behaviour in _behaviours(d)
	object.get(behaviour, "targetOriginId", origin_id) in {origin_id, null}
	count(types.as_list(object.get(behaviour, "trustedKeyGroups", []))) == 0
	count(types.as_list(object.get(behaviour, "trustedSigners", []))) == 0
}

_behaviours(d) := object.union(
	{"default cache behaviour": types.prop(d, "defaultCacheBehavior", {})},
	{sprintf("cache behaviour %v", [object.get(b, "pathPattern", i)]): b |
		some i, b in types.as_list(types.prop(d, "orderedCacheBehaviors", []))
	},
)
