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
import data.lockdown.lib.policy
import data.lockdown.lib.principals
import data.lockdown.lib.types

# Other packages' rules read here by key, through rules of this package (see lib/classification.rego).
_reader_roles_by_urn := data.lockdown.lib.access.reader_roles
_reader_role_trusts := data.lockdown.lib.access.reader_role_trusts
_by_urn := data.lockdown.lib.types.by_urn

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

# The roles that can read protected data (the access model's reader roles), each with why and
# its parsed trust policy.
_reader_roles := [{"role": _by_urn[u], "reason": reason, "parsed": _reader_role_trusts[u]} |
	some u, reason in _reader_roles_by_urn
]

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
