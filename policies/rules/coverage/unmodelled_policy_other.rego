# METADATA
# title: Resource of another provider carries a policy, grant or ACL no rule checks
# description: >-
#   Lockdown's rules model AWS. A resource of another provider (GCP, Azure, Kubernetes, ...) that
#   sets a policy, grant, ACL, principal or permission property was not checked: it is reported in
#   every format so the check never looks like it covered it.
# custom:
#   id: LD-COV-002
#   severity: medium
#   enforcement: advisory
#   scope: resource
#   kinds: [unmodelled]
#   remediation: Review the resource's access settings by other means, or keep data Lockdown protects out of it.
#   frameworks:
#     - "SOC 2 CC6.1"
package lockdown.rules.coverage.unmodelled_policy_other

import rego.v1

import data.lockdown.lib.coverage

deny contains violation if {
	some r in coverage.unmodelled_with_policy
	not startswith(r.type, "aws:")
	violation := {
		"urn": r.urn,
		"msg": sprintf(
			"%s '%s' is not an AWS resource; its %s (a policy, grant or ACL) was not checked",
			[r.type, r.name, concat(", ", sort(coverage.policy_properties(r)))],
		),
	}
}
