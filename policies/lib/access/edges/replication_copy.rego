# Replication is a copy: the destination holds the same objects, and whoever can read the
# destination reads the source's data. A protected bucket replicating into a bucket of the
# stack that is not itself protected (classified public or internal) extends the reader set to
# that bucket's readers. A destination that is protected (locked down like the source) is fine;
# destinations in other accounts are LD-S3-012's.
package lockdown.lib.access.edges.replication_copy

import rego.v1

import data.lockdown.lib.classification
import data.lockdown.lib.s3

edges contains e if {
	some b in data.lockdown.lib.classification.protected_buckets
	some d in s3.replication_destinations(b)
	some u in classification.buckets_for_ref(d.bucket)
	dest := data.lockdown.lib.classification.bucket_by_urn[u]
	not classification.is_protected(dest)
	e := {
		"kind": "replication_copy",
		"urn": d.via_urn,
		"principal": sprintf("whoever can read bucket '%v' (%v)", [dest.name, classification.level(dest)]),
		"allowed": false,
		"store_urn": b.urn,
		"store": sprintf("bucket '%v' (%v)", [b.name, classification.level(b)]),
		"path": [sprintf("bucket '%v' replicates its objects into bucket '%v', which is not locked down", [b.name, dest.name])],
	}
}
