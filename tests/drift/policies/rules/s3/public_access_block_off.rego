# METADATA
# title: Public access block switched off
# description: Test rule for the drift suite. A bucket public access block with a setting off.
# custom:
#   id: LD-TEST-002
#   severity: high
#   enforcement: mandatory
#   scope: resource
#   remediation: Switch every setting on.
#   frameworks: []
package lockdown.rules.s3.public_access_block_off

import rego.v1

deny contains violation if {
	some resource in input.resources
	resource.type == "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	some key in ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]
	resource.properties[key] != true
	violation := {"urn": resource.urn, "msg": sprintf("bucket %v: %v is off", [resource.properties.bucket, key])}
}
