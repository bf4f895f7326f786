# METADATA
# title: AWS managed read-all policy attached
# description: >-
#   An AWS managed policy that reads every bucket or log group (AdministratorAccess,
#   PowerUserAccess, ReadOnlyAccess, AmazonS3ReadOnlyAccess, AmazonS3FullAccess,
#   CloudWatchLogsReadOnlyAccess, CloudWatchLogsFullAccess, job-function/DataScientist) is
#   attached to a role, user or group. It ignores the allowlist and grows with AWS.
# custom:
#   id: LD-IAM-002
#   severity: high
#   enforcement: mandatory
#   scope: resource
#   kinds: [iam_group_policy_attachment, iam_policy_attachment, iam_role, iam_role_policy_attachment, iam_user_policy_attachment]
#   remediation: Replace the managed policy with a customer managed policy scoped to the resources the principal needs.
#   frameworks:
#     - "CIS AWS Foundations 1.16"
#     - "SOC 2 CC6.3"
#     - "ISO 27001 A.8.2"
#     - "GDPR Art. 25"
package lockdown.rules.iam.managed_read_all

import rego.v1

import data.lockdown.lib.iam
import data.lockdown.lib.types

# Other packages' rules read here by key, through rules of this package (see lib/classification.rego).
_aws_managed := data.lockdown.lib.iam.aws_managed

_attachment_kinds := {
	"iam_role_policy_attachment",
	"iam_user_policy_attachment",
	"iam_group_policy_attachment",
	"iam_policy_attachment",
}

deny contains violation if {
	some k in _attachment_kinds
	some r in types.resources_of(k)
	name := iam.aws_managed_name(types.prop(r, "policyArn", null))
	_aws_managed[name]
	violation := {
		"urn": r.urn,
		"msg": sprintf("'%s' attaches the AWS managed policy %s to %s", [r.name, name, _targets(r)]),
	}
}

deny contains violation if {
	some r in types.resources_of("iam_role")
	some arn in types.as_list(types.prop(r, "managedPolicyArns", null))
	name := iam.aws_managed_name(arn)
	_aws_managed[name]
	violation := {
		"urn": r.urn,
		"msg": sprintf("role '%s' has the AWS managed policy %s in managedPolicyArns", [r.name, name]),
	}
}

_targets(r) := concat(", ", [sprintf("%v %v", [k, v]) |
	some k in ["role", "user", "group", "roles", "users", "groups"]
	some v in types.as_list(types.prop(r, k, null))
])
