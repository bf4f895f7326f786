# An identity policy that names a protected log group (arn:...:log-group:<name>[:*]) and grants
# a log read lets that identity read its events. Policies that read every log group are
# LD-IAM-001's; this edge follows the ones that name the group.
package lockdown.lib.access.edges.log_group_read

import rego.v1

import data.lockdown.lib.actions
import data.lockdown.lib.effective
import data.lockdown.lib.types
import data.lockdown.lib.wildcard

# Other packages' rules read here by key, through rules of this package (see lib/classification.rego).
_protected_urns := data.lockdown.lib.classification.protected_urns

edges contains e if {
	some g in data.lockdown.lib.iam.identity_grants
	g.principal.allowed == false
	some stmt in g.parsed.statements
	stmt.effect == "Allow"
	not stmt.uses_not_resource
	reads := effective.actions(g.principal, actions.granted(stmt, data.lockdown.lib.actions.logs_read), {"kind": "some_resource"})
	count(reads) > 0
	some p in stmt.resources
	some group in _groups_named(p)
	e := {
		"kind": "log_group_read",
		"urn": g.via_urn,
		"principal": _label(g.principal),
		"allowed": false,
		"store_urn": group.urn,
		"store": sprintf("log group '%v'", [types.prop(group, "name", group.name)]),
		"path": [sprintf("%v grants %v on %v", [g.via, actions.display_list(reads), p])],
	}
}

# Protected log groups by name (their `name`; the logical name when it is not set).
_protected_by_name := {types.prop(r, "name", r.name): r |
	some r in types.resources_of("log_group")
	r.urn in _protected_urns
}

# The protected log groups a Resource pattern names: by the literal name after ":log-group:",
# else (a wildcard in the name, rare) by matching every protected group's ARN form.
_groups_named(p) := {g |
	g := _protected_by_name[_name_part(p)]
} if {
	not wildcard.has_wildcard(_name_part(p))
} else := {g |
	head := split(p, ":log-group:")[0]
	some name, g in _protected_by_name
	wildcard.matches_some_extension(p, concat("", [head, ":log-group:", name, ":"]))
}

# The log group name of "arn:...:log-group:<name>[:...]" (undefined for other patterns).
_name_part(p) := split(parts[1], ":")[0] if {
	parts := split(p, ":log-group:")
	count(parts) == 2
}

_label(p) := p.arn if {
	types.is_known(p.arn)
} else := sprintf("%v %v", [p.kind, p.name])
