# A role trusted by an OIDC identity provider (GitHub Actions, any web identity) is assumed by
# whatever the token's subject condition admits. A subject such as "repo:*" or
# "repo:*:ref:refs/heads/main" admits every repository on GitHub, not the team's own.
package lockdown.lib.access.edges.federated_subject

import rego.v1

import data.lockdown.lib.access
import data.lockdown.lib.actions
import data.lockdown.lib.policy
import data.lockdown.lib.types
import data.lockdown.lib.wildcard

_web_identity := {"sts:assumerolewithwebidentity"}

edges contains e if {
	some u, why in data.lockdown.lib.access.reader_roles
	r := data.lockdown.lib.types.by_urn[u]
	some stmt in policy.parse(types.prop(r, "assumeRolePolicy", null)).statements
	stmt.effect == "Allow"
	actions.grants_any(stmt, _web_identity)
	some p in stmt.principals
	p.type == "Federated"
	provider := _provider(p.id)
	subject := _broad_subject(stmt, provider)
	e := {
		"kind": "federated_subject",
		"urn": r.urn,
		"principal": sprintf("any workload %v issues a token to (subject %v)", [provider, subject]),
		"allowed": false,
		"store": sprintf("what role '%v' (%v) reads", [types.prop(r, "name", r.name), why]),
		"path": [sprintf("the trust policy of role '%v' lets %v assume it with subject %v", [types.prop(r, "name", r.name), provider, subject])],
	}
}

# The provider host of an OIDC provider ARN (arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com).
_provider(id) := parts[1] if {
	parts := split(id, ":oidc-provider/")
	count(parts) == 2
} else := id

# The subject condition, when it admits two unrelated repositories (any repository), or
# "(none)" when there is no subject condition at all.
_broad_subject(stmt, provider) := "(none)" if {
	count(_subject_values(stmt, provider)) == 0
} else := v if {
	some v in _subject_values(stmt, provider)
	wildcard.match(v, "repo:lockdown-probe/a:ref:refs/heads/main")
	wildcard.match(v, "repo:zz-unrelated-org/b:ref:refs/heads/main")
}

_subject_values(stmt, provider) := [v |
	some c in stmt.conditions
	c.key == lower(concat("", [provider, ":sub"]))
	c.base in {"stringequals", "stringlike"}
	not c.if_exists
	some v in c.values
]
