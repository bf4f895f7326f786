# An identity that may rewrite a reader role's trust policy (iam:UpdateAssumeRolePolicy), or
# pass a reader role to a compute service (iam:PassRole to SageMaker or Lambda, then run code
# as that role), can read whatever the role reads.
package lockdown.lib.access.edges.privilege_escalation

import rego.v1

import data.lockdown.lib.actions
import data.lockdown.lib.effective
import data.lockdown.lib.types
import data.lockdown.lib.wildcard

# Other packages' rules read here by key, through rules of this package (see lib/classification.rego).
_by_urn := data.lockdown.lib.types.by_urn
_reader_roles := data.lockdown.lib.access.reader_roles

_escalations := {
	"iam:updateassumerolepolicy": "may rewrite the trust policy of",
	"iam:passrole": "may pass to SageMaker or Lambda",
}

_compute := {"sagemaker.amazonaws.com", "lambda.amazonaws.com"}

edges contains e if {
	some g in data.lockdown.lib.iam.identity_grants
	g.principal.allowed == false
	some stmt in g.parsed.statements
	stmt.effect == "Allow"
	some action in effective.actions(g.principal, actions.granted(stmt, {a | some a, _ in _escalations}), {"kind": "some_resource"})
	_to_compute(stmt, action)
	some role in _reader_roles_matched(stmt)
	role.urn != g.principal.urn
	e := {
		"kind": "privilege_escalation",
		"urn": g.via_urn,
		"principal": _label(g.principal),
		"allowed": false,
		"store": sprintf("what role '%v' (%v) reads", [role.name, role.why]),
		"path": [sprintf("%v %v role '%v' (%v: %v)", [g.via, _escalations[action], role.name, actions.display_name(action), _sid(stmt)])],
	}
}

# PassRole counts when iam:PassedToService, if present, admits a compute service.
_to_compute(_, action) if action != "iam:passrole"

_to_compute(stmt, "iam:passrole") if {
	not _passed_to(stmt)
}

_to_compute(stmt, "iam:passrole") if {
	some v in _passed_to(stmt)
	some s in _compute
	wildcard.match(v, s)
}

_passed_to(stmt) := vals if {
	vals := [v |
		some c in stmt.conditions
		c.key == "iam:passedtoservice"
		some v in c.values
	]
	count(vals) > 0
}

# Reader roles whose ARN a Resource pattern matches (NotResource: every reader role).
_reader_roles_matched(stmt) := {_role(u) |
	some u, _ in data.lockdown.lib.access.reader_roles
	_matches(stmt, types.prop(_by_urn[u], "arn", null))
}

_matches(stmt, _) if stmt.uses_not_resource

_matches(stmt, arn) if {
	not stmt.uses_not_resource
	some p in stmt.resources
	wildcard.match(p, arn)
}

_matches(stmt, arn) if {
	# The role's ARN is unknown at plan time: only "*" is sure to match it.
	types.is_unknown(arn)
	"*" in stmt.resources
}

_role(u) := {
	"urn": u,
	"name": types.prop(_by_urn[u], "name", _by_urn[u].name),
	"why": _reader_roles[u],
}

_label(p) := p.arn if {
	types.is_known(p.arn)
} else := sprintf("%v %v", [p.kind, p.name])

_sid(stmt) := sprintf("statement '%v'", [stmt.sid]) if stmt.sid != "" else := "statement without Sid"
