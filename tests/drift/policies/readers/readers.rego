# Test reader report: roles whose inline policies read a bucket's objects.
package lockdown.readers

import rego.v1

readers contains entry if {
	some bucket in input.resources
	bucket.type == "aws:s3/bucket:Bucket"
	some grant in input.resources
	grant.type == "aws:iam/rolePolicy:RolePolicy"
	document := json.unmarshal(grant.properties.policy)
	some statement in as_list(document.Statement)
	statement.Effect == "Allow"
	some action in as_list(statement.Action)
	action in {"*", "s3:*", "s3:GetObject"}
	some resource in as_list(statement.Resource)
	covers(resource, bucket.properties.arn)
	some role in input.resources
	role.type == "aws:iam/role:Role"
	role.properties.name == grant.properties.role
	entry := {
		"store": bucket.urn,
		"store_name": bucket.properties.bucket,
		"principal": role.properties.arn,
		"via": sprintf("inline policy %v", [grant.properties.name]),
		"via_urn": grant.urn,
		"allowed": role.properties.arn in object.get(data.lockdown.config, "allowedReaders", []),
	}
}

as_list(x) := x if is_array(x)

as_list(x) := [x] if not is_array(x)

covers(pattern, _) if pattern == "*"

covers(pattern, arn) if startswith(pattern, concat("", [arn, "/"]))
