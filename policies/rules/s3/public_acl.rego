# METADATA
# title: Bucket ACL grants read to everyone or to another account
# description: >-
#   A bucket ACL (BucketAcl / BucketAclV2, or the inline acl/grants of a v6 bucket) uses a public
#   canned ACL (public-read, public-read-write, authenticated-read) or grants READ / FULL_CONTROL
#   to the AllUsers or AuthenticatedUsers groups, to another canonical user or to an e-mail
#   grantee. ACL grants bypass bucket policies and the allowlist entirely.
# custom:
#   id: LD-S3-002
#   severity: critical
#   enforcement: mandatory
#   scope: resource
#   kinds: [bucket, bucket_acl]
#   remediation: >-
#     Use the "private" canned ACL (or no ACL at all) and set object ownership to
#     BucketOwnerEnforced so ACLs are disabled; grant access through the bucket policy instead.
#   frameworks:
#     - "CIS AWS Foundations 2.1.4"
#     - "SOC 2 CC6.1"
#     - "ISO 27001 A.8.3"
#     - "GDPR Art. 32"
package lockdown.rules.s3.public_acl

import rego.v1

import data.lockdown.lib.s3
import data.lockdown.lib.types

_acl_holders := {"bucket_acl", "bucket"}

deny contains violation if {
	some k in _acl_holders
	some r in types.resources_of(k)
	some g in s3.acl_grants(r)
	violation := {
		"urn": r.urn,
		"msg": sprintf("%s '%s': ACL grants %s to %s (%s)", [_what(r), r.name, g.permission, g.grantee, g.class]),
		"principal": g.grantee,
	}
}

deny contains violation if {
	some k in _acl_holders
	some r in types.resources_of(k)
	some key in ["acl", "accessControlPolicy", "grants"]
	types.unknown_path(r, key)
	violation := types.undecided({
		"urn": r.urn,
		"msg": sprintf("%s '%s': its %s is not known at plan time, so its grantees cannot be checked", [_what(r), r.name, key]),
	})
}

_what(r) := "bucket" if types.kind(r) == "bucket"

_what(r) := "bucket ACL" if types.kind(r) == "bucket_acl"
