# METADATA
# title: CloudTrail destination bucket readable beyond its allowed readers
# description: >-
#   The bucket a trail delivers to holds the record of who read restricted data; whoever can
#   read or delete it can learn or hide that. Whatever its classification tag says, it must be
#   treated as restricted: its bucket policy may let only principals on allowedReaders read or
#   list objects (cloudtrail.amazonaws.com writing under aws:SourceArn / aws:SourceAccount
#   conditions is not a reader), and no ACL may grant reads to everyone or to all
#   authenticated AWS users. A broad Allow is reported even when a Deny neutralizes it today.
# custom:
#   id: LD-LOG-011
#   severity: critical
#   enforcement: mandatory
#   scope: stack
#   gate: analyze
#   remediation: >-
#     Tag the trail's bucket data-classification=restricted, remove grants of s3:GetObject* /
#     s3:ListBucket* to principals not on lockdown:allowedReaders from its bucket policy, set its
#     ACL to private (or BucketOwnerEnforced ownership), and pin the CloudTrail statements with
#     aws:SourceArn.
#   frameworks:
#     - "CIS AWS Foundations 3.3"
#     - "SOC 2 CC6.1"
#     - "SOC 2 CC7.2"
#     - "ISO 27001 A.8.15"
#     - "ISO 27001 A.5.33"
#     - "GDPR Art. 5(1)(f)"
package lockdown.rules.logging.audit_bucket_restricted

import rego.v1

import data.lockdown.lib.actions
import data.lockdown.lib.classification
import data.lockdown.lib.policy
import data.lockdown.lib.principals
import data.lockdown.lib.s3
import data.lockdown.lib.services
import data.lockdown.lib.types

audit_buckets := {data.lockdown.lib.services.buckets_by_urn[u] | some u in data.lockdown.lib.services.audit_bucket_urns}

deny contains violation if {
	some bucket in audit_buckets
	not services.protected(bucket)
	violation := {
		"urn": bucket.urn,
		"msg": sprintf("CloudTrail bucket '%s' is classified '%s': audit logs must be restricted", [bucket.name, services.level_of(bucket)]),
	}
}

deny contains violation if {
	some bucket in audit_buckets
	some doc in s3.docs_of(bucket)
	some stmt in policy.allows(doc.parsed)
	reads := actions.granted(stmt, data.lockdown.lib.actions.s3_read)
	count(reads) > 0
	some entry in principals.audience(stmt)
	principals.is_violation(entry)
	violation := {
		"urn": doc.urn,
		"msg": sprintf("%s '%s' lets %s (%s) read CloudTrail logs in bucket '%s': %s", [
			doc.via, doc.name, entry.principal, entry.class, bucket.name, actions.display_list(reads),
		]),
	}
}

deny contains violation if {
	some bucket in audit_buckets
	some doc in s3.docs_of(bucket)
	policy.unreadable(doc.parsed)
	violation := types.undecided_when(policy.undecided(doc.parsed), {
		"urn": doc.urn,
		"msg": sprintf("%s '%s' of CloudTrail bucket '%s' %s, so who can read the logs cannot be verified", [doc.via, doc.name, bucket.name, policy.reason(doc.parsed)]),
	})
}

# Canned ACLs that let everyone or every AWS user read.
public_canned := {"public-read", "public-read-write", "authenticated-read"}

public_groups := {
	"http://acs.amazonaws.com/groups/global/AllUsers",
	"http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
}

# ACL settings of the bucket: its own (v6 inline acl / grants) and its ACL sub-resources.
acl_holders(bucket) := {bucket} | acl_resources(bucket)

# (The library's index is undefined, not empty, in a stack without any bucket sub-resource.)
acl_resources(bucket) := subs if {
	subs := classification.subresources_of(bucket, "bucket_acl")
} else := set()

deny contains violation if {
	some bucket in audit_buckets
	some holder in acl_holders(bucket)
	acl := types.prop(holder, "acl", "private")
	acl in public_canned
	violation := {
		"urn": holder.urn,
		"msg": sprintf("CloudTrail bucket '%s' has the canned ACL %s: its logs are readable by %s", [bucket.name, acl, acl_audience(acl)]),
	}
}

deny contains violation if {
	some bucket in audit_buckets
	some holder in acl_holders(bucket)
	some uri in public_grantees(holder)
	violation := {
		"urn": holder.urn,
		"msg": sprintf("CloudTrail bucket '%s' has an ACL grant to %s: its logs are readable by that group", [bucket.name, uri]),
	}
}

acl_audience(acl) := "every AWS user" if acl == "authenticated-read"

acl_audience(acl) := "everyone" if acl != "authenticated-read"

# Grantee URIs of ACL grants that read: v6 inline `grants`, and accessControlPolicy.grants.
public_grantees(holder) := {uri |
	some g in types.as_list(types.prop(holder, "grants", []))
	uri := object.get(g, "uri", "")
	uri in public_groups
	some p in types.as_list(object.get(g, "permissions", []))
	p in {"READ", "FULL_CONTROL"}
} | {uri |
	some g in types.as_list(object.get(types.prop(holder, "accessControlPolicy", {}), "grants", []))
	uri := object.get(object.get(g, "grantee", {}), "uri", "")
	uri in public_groups
	object.get(g, "permission", "") in {"READ", "FULL_CONTROL"}
}
