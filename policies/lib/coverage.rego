# What the rules do not model: resources whose type no rule reads but which carry a policy,
# grant, ACL, principal or permission property. LD-COV-001 (AWS) and LD-COV-002 (other
# providers) report them, so that an unmodelled type is never a silent pass.
package lockdown.lib.coverage

import rego.v1

import data.lockdown.lib.types

# Other packages' rules read here by key, through rules of this package (see lib/classification.rego).
_kinds := data.lockdown.lib.types.kinds

# AWS types whose policy can only narrow access that IAM grants elsewhere.
narrowing_only := {
	"aws:ec2/vpcEndpoint:VpcEndpoint",
	"aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy",
	"aws:organizations/policy:Policy",
	"aws:organizations/policyAttachment:PolicyAttachment",
}

# Property names that hold access: ...policy/policies, ...acl(s), ...grant(s), principal(s), ...permission(s).
_access_key := `(?i)^(.*polic(y|ies)|.*acls?|.*grants?|principals?|.*permissions?)$`

# Resources of an unmodelled type (filtered by type first: regex only runs on those) with an access property.
unmodelled_with_policy contains r if {
	some r in input.resources
	not _kinds[r.type]
	not narrowing_only[r.type]
	not startswith(r.type, "pulumi:")
	count(policy_properties(r)) > 0
}

# The access-holding properties a resource sets (known or not: an unknown policy is unchecked too).
policy_properties(r) := {key |
	some key, value in object.get(r, "properties", {})
	regex.match(_access_key, key)
	not value in {"", null, [], {}}
}
