# METADATA
# title: Broad principals can assume a role that reads restricted data
# description: >-
#   The trust policy of a role that can read restricted data (an allowed reader, or a role with
#   read grants) lets principals beyond the allowlist assume it: anyone, another account, the
#   whole organization, the account root (which delegates to every IAM principal of the
#   account), an unconditioned identity provider, or a named principal that is not an allowed
#   reader. Assuming the role makes them readers.
# custom:
#   id: LD-IAM-003
#   severity: critical
#   enforcement: mandatory
#   scope: stack
#   gate: analyze
#   remediation: >-
#     Trust only the allowed reader principals (or an AWS service with aws:SourceAccount), never
#     "*", account roots or aws:PrincipalOrgID, in the role's assumeRolePolicy.
#   frameworks:
#     - "SOC 2 CC6.1"
#     - "SOC 2 CC6.3"
#     - "ISO 27001 A.5.15"
#     - "ISO 27001 A.5.18"
#     - "GDPR Art. 32"
package lockdown.rules.iam.trust_policy_broad

import rego.v1

import data.lockdown.lib.actions
import data.lockdown.lib.iam
import data.lockdown.lib.policy
import data.lockdown.lib.principals
import data.lockdown.lib.reads
import data.lockdown.lib.types

# Other packages' rules read here by key, through rules of this package (see lib/classification.rego).
_reader_identity_urns := data.lockdown.lib.reads.reader_identity_urns
_bucket_policy_reader_arns := data.lockdown.lib.reads.bucket_policy_reader_arns

_assume := {"sts:assumerole", "sts:assumerolewithwebidentity", "sts:assumerolewithsaml", "sts:tagsession"}

deny contains violation if {
	some c in _reader_roles
	some stmt in c.parsed.statements
	stmt.effect == "Allow"
	actions.grants_any(stmt, _assume)
	some a in principals.audience(stmt)
	_broad(a, stmt)
	violation := {
		"urn": c.role.urn,
		"msg": sprintf("role '%s' (%s) can be assumed by %s (%s)", [c.role.name, c.reason, a.principal, a.class]),
		"principal": a.principal,
	}
}

deny contains violation if {
	some c in _reader_roles
	policy.unreadable(c.parsed)
	violation := types.undecided_when(policy.undecided(c.parsed), {
		"urn": c.role.urn,
		"msg": sprintf("role '%s' (%s): its trust policy %s", [c.role.name, c.reason, policy.reason(c.parsed)]),
	})
}

# The roles that can read protected data, each with why and its parsed trust policy: computed
# once per evaluation for both deny rules (parsing is the costly part at 10,000 resources).
_reader_roles := [{"role": r, "reason": reason, "parsed": policy.parse(types.prop(r, "assumeRolePolicy", null))} |
	some r in types.resources_of("iam_role")
	reason := reader_role(r)
]

# Why the role matters: it is an allowed reader, or its policies let it read protected data.
reader_role(r) := "an allowed reader" if {
	iam.identity_allowed(r, "role")
} else := "it can read restricted data" if {
	r.urn in _reader_identity_urns
} else := "a bucket policy lets it read restricted data" if {
	iam.identity_arn(r) in _bucket_policy_reader_arns
}

# Services assume roles for their own work and are not readers themselves.
_broad(a, _) if a.class in {"public", "cross_account", "organization", "account"}

_broad(a, _) if {
	a.class == "named"
	not a.allowed
}

_broad(a, stmt) if {
	a.class == "federated"
	not a.allowed
	count(stmt.conditions) == 0
}
