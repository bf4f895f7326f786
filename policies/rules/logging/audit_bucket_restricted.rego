# METADATA
# title: CloudTrail destination bucket readable beyond its allowed readers
# description: >-
#   The bucket a trail delivers to holds the record of who read restricted data; whoever can
#   read or delete it can learn or hide that. Whatever its classification tag says, it must be
#   treated as restricted: its bucket policy may let only principals on allowedReaders read or
#   list objects (cloudtrail.amazonaws.com writing under aws:SourceArn / aws:SourceAccount
#   conditions is not a reader), and no ACL may grant reads to everyone, to all
#   authenticated AWS users or to another account (a canonical user other than the owner, an
#   e-mail grantee). A broad Allow is reported even when a Deny neutralizes it today.
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
import data.lockdown.lib.types

# Other packages' rules read here by key, through rules of this package (see lib/classification.rego).
_buckets_by_urn := data.lockdown.lib.services.buckets_by_urn

audit_buckets := {_buckets_by_urn[u] | some u in data.lockdown.lib.services.audit_bucket_urns}

deny contains violation if {
	some bucket in audit_buckets
	not classification.is_protected(bucket)
	violation := {
		"urn": bucket.urn,
		"msg": sprintf("CloudTrail bucket '%s' is classified '%s': audit logs must be restricted", [bucket.name, classification.level_label(bucket)]),
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

# ACLs: the library's judgment of who an ACL lets read (s3.acl_grants), over the bucket's
# own ACL and its ACL sub-resources. A canned ACL keeps its own message.
deny contains violation if {
	some bucket in audit_buckets
	some holder in s3.acl_holders(bucket)
	some g in s3.acl_grants(holder)
	violation := {
		"urn": holder.urn,
		"msg": _acl_msg(bucket, g),
	}
}

_acl_msg(bucket, g) := sprintf("CloudTrail bucket '%s' has the canned ACL %s: its logs are readable by %s", [bucket.name, g.permission, _audience[g.grantee]]) if {
	s3.public_canned_acls[g.permission]
} else := sprintf("CloudTrail bucket '%s' has an ACL grant of %s to %s (%s): its logs are readable by that grantee", [bucket.name, g.permission, g.grantee, g.class])

_audience := {"AllUsers": "everyone", "AuthenticatedUsers": "every AWS user"}
