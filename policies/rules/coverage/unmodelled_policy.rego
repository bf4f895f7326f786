# METADATA
# title: AWS resource carries a policy, grant or ACL no rule checks
# description: >-
#   A resource of an AWS type the rules do not model (for example aws:kms/replicaKey:ReplicaKey,
#   aws:sqs/queue:Queue, aws:lambda/permission:Permission) that sets a policy, grant, ACL,
#   principal or permission property can give anyone access, and no rule reads that property.
#   Passing it would be passing what was never checked, so it is a finding. Types whose policy can
#   only narrow access (VPC endpoint policies, service control policies) are left out.
# custom:
#   id: LD-COV-001
#   severity: high
#   enforcement: mandatory
#   scope: resource
#   kinds: [unmodelled]
#   remediation: Use a resource type Lockdown models (e.g. aws:kms/key:Key with aws:kms/keyPolicy:KeyPolicy), add a rule for this type, or waive the finding with the reason the policy was reviewed.
#   frameworks:
#     - "SOC 2 CC6.1"
#     - "ISO 27001 A.8.3"
package lockdown.rules.coverage.unmodelled_policy

import rego.v1

import data.lockdown.lib.coverage

deny contains violation if {
	some r in coverage.unmodelled_with_policy
	startswith(r.type, "aws:")
	violation := {
		"urn": r.urn,
		"msg": sprintf(
			"%s '%s' is of a type no rule models; its %s (a policy, grant or ACL) was not checked",
			[r.type, r.name, concat(", ", sort(coverage.policy_properties(r)))],
		),
	}
}
