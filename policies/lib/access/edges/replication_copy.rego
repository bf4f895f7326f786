# Replication is a copy: the destination holds the same objects, and whoever can read the
# destination reads the source's data. A protected bucket replicating into a bucket of the
# stack that is not locked down like the source extends the reader set to that bucket's
# readers. Locked down means: classified protected, no bucket policy statement or ACL grant
# that lets anyone beyond the allowed readers read it (and a policy that can be read), and
# public access blocked (a complete public access block on the bucket or the account).
# Destinations in other accounts are LD-S3-012's.
package lockdown.lib.access.edges.replication_copy

import rego.v1

import data.lockdown.lib.classification
import data.lockdown.lib.policy
import data.lockdown.lib.reads
import data.lockdown.lib.s3
import data.lockdown.lib.types

# Other packages' rules read here by key, through rules of this package (see lib/classification.rego).
_bucket_by_urn := data.lockdown.lib.classification.bucket_by_urn

edges contains e if {
	some b in data.lockdown.lib.classification.protected_buckets
	some d in s3.replication_destinations(b)
	some u in classification.buckets_for_ref(d.bucket)
	dest := _bucket_by_urn[u]
	why := weaknesses(dest)
	count(why) > 0
	e := {
		"undecided": count(why - _unknown_weaknesses(dest)) == 0,
		"kind": "replication_copy",
		"urn": d.via_urn,
		"principal": sprintf("whoever can read bucket '%v' (%v)", [dest.name, classification.level(dest)]),
		"allowed": false,
		"store_urn": b.urn,
		"store": sprintf("bucket '%v' (%v)", [b.name, classification.level(b)]),
		"path": [sprintf("bucket '%v' replicates its objects into bucket '%v', which is not locked down: %v", [b.name, dest.name, concat("; ", sort(why))])],
	}
}

# Why a destination bucket is not locked down (empty when it is): its classification, else
# every policy, ACL and public access block weakness.
weaknesses(dest) := {sprintf("it is classified %v", [classification.level(dest)])} if {
	not classification.is_protected(dest)
} else := (_policy_weaknesses(dest) | _acl_weaknesses(dest)) | _pab_weaknesses(dest)

_policy_weaknesses(dest) := {sprintf("its %v lets %v (%v) read it", [e.via, e.principal, e.class]) |
	some e in reads.bucket_policy_reads(dest)
	e.violation
} | {sprintf("its %v %v", [d.via, policy.reason(d.parsed)]) |
	some d in s3.docs_of(dest)
	policy.unreadable(d.parsed)
}

_acl_weaknesses(dest) := {sprintf("its ACL grants %v to %v", [g.permission, g.grantee]) |
	some r in s3.acl_holders(dest)
	some g in s3.acl_grants(r)
}

_pab_weaknesses(dest) := set() if {
	data.lockdown.lib.s3.account_pab_complete
} else := set() if {
	_complete_pab(dest)
} else := {_pab_unknown} if {
	some r in classification.subresources_of(dest, "bucket_public_access_block")
	every f in s3.pab_weak_flags(r) {
		types.is_unknown(types.prop(r, f, null))
	}
} else := {"it has no public access block that sets all four flags"}

_pab_unknown := "the flags of its public access block are not known at plan time"

_complete_pab(dest) if {
	some r in classification.subresources_of(dest, "bucket_public_access_block")
	count(s3.pab_weak_flags(r)) == 0
}

# The weaknesses that only a value unknown at plan time raises: decided again at the update.
_unknown_weaknesses(dest) := {_pab_unknown} | {sprintf("its %v %v", [d.via, policy.reason(d.parsed)]) |
	some d in s3.docs_of(dest)
	policy.undecided(d.parsed)
}
