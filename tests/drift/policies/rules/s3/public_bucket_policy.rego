# METADATA
# title: Bucket policy grants access to anyone
# description: Test rule for the drift suite. An Allow statement with a wildcard principal and no condition.
# custom:
#   id: LD-TEST-001
#   severity: critical
#   enforcement: mandatory
#   scope: resource
#   remediation: Remove the statement.
#   frameworks: []
package lockdown.rules.s3.public_bucket_policy

import rego.v1

deny contains violation if {
	some resource in input.resources
	resource.type == "aws:s3/bucketPolicy:BucketPolicy"
	document := json.unmarshal(resource.properties.policy)
	some statement in as_list(document.Statement)
	statement.Effect == "Allow"
	public(statement.Principal)
	not statement.Condition
	violation := {"urn": resource.urn, "msg": sprintf("bucket %v: policy allows anyone", [resource.properties.bucket])}
}

as_list(x) := x if is_array(x)

as_list(x) := [x] if not is_array(x)

public(p) if p == "*"

public(p) if p.AWS == "*"
