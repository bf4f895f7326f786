# A role trusted by an OIDC identity provider (GitHub Actions, any web identity) is assumed by
# whatever the token's subject condition admits. A subject such as "repo:*" or
# "repo:*:ref:refs/heads/main" admits every repository on GitHub, not the team's own.
#
# IAM semantics: every condition on the subject key must hold (operators are ANDed, the values
# of one operator ORed); StringEquals compares literally, StringLike with wildcards. The subject
# is broad only when every subject condition admits it broadly; a condition pinning the GitHub
# repository or owner (repository, repository_owner, their ids) with literal values pins it.
package lockdown.lib.access.edges.federated_subject

import rego.v1

import data.lockdown.lib.access
import data.lockdown.lib.actions
import data.lockdown.lib.types
import data.lockdown.lib.wildcard

# Other packages' rules read here by key, through rules of this package (see lib/classification.rego).
_by_urn := data.lockdown.lib.types.by_urn
_reader_role_trusts := data.lockdown.lib.access.reader_role_trusts

_web_identity := {"sts:assumerolewithwebidentity"}

_github := "token.actions.githubusercontent.com"

edges contains e if {
	some u, why in data.lockdown.lib.access.reader_roles
	r := _by_urn[u]
	some stmt in _reader_role_trusts[u].statements
	stmt.effect == "Allow"
	actions.grants_any(stmt, _web_identity)
	some p in stmt.principals
	p.type == "Federated"
	provider := _provider(p.id)
	subject := _broad_subject(stmt, provider)
	e := {
		"kind": "federated_subject",
		"urn": r.urn,
		"principal": _audience(provider, subject),
		"allowed": false,
		"store": sprintf("what role '%v' (%v) reads", [types.prop(r, "name", r.name), why]),
		"path": [sprintf("the trust policy of role '%v' lets %v assume it with subject %v", [types.prop(r, "name", r.name), provider, subject])],
	}
}

_audience(provider, subject) := sprintf("a workflow of any GitHub repository (subject %v)", [subject]) if {
	provider == _github
} else := sprintf("any workload %v issues a token to (subject %v)", [provider, subject])

# The provider host of an OIDC provider ARN (arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com).
_provider(id) := parts[1] if {
	parts := split(id, ":oidc-provider/")
	count(parts) == 2
} else := id

# The subject the trust admits broadly, for messages: "(none)" when there is no subject
# condition at all, else the broad value of the first subject condition; undefined when some
# condition pins the subject.
_broad_subject(stmt, provider) := "(none)" if {
	count(_subject_conditions(stmt, provider)) == 0
	not _pinned_by_claims(stmt, provider)
} else := v if {
	conds := _subject_conditions(stmt, provider)
	count(conds) > 0
	every c in conds {
		_broad_condition(c, provider)
	}
	not _pinned_by_claims(stmt, provider)
	v := min({x | some x in conds[0].values; _broad_value(conds[0].base, x, provider)})
}

_subject_conditions(stmt, provider) := [c |
	some c in stmt.conditions
	c.key == lower(concat("", [provider, ":sub"]))
	c.base in {"stringequals", "stringlike"}
	not c.if_exists
]

_broad_condition(c, provider) if {
	some v in c.values
	_broad_value(c.base, v, provider)
}

# A StringLike value that admits two unrelated repositories; for GitHub also any value whose
# wildcard comes before the repository owner is complete ("repo:*/app:*", "repo:corp*").
# A StringEquals value is one subject.
_broad_value("stringlike", v, _) if {
	wildcard.match(v, "repo:lockdown-probe/a:ref:refs/heads/main")
	wildcard.match(v, "repo:zz-unrelated-org/b:ref:refs/heads/main")
}

_broad_value("stringlike", v, provider) if {
	provider == _github
	wildcard.has_wildcard(v)
	lit := _literal_prefix(v)
	_owner_open(lit)
}

# The characters before the first wildcard.
_literal_prefix(v) := substring(v, 0, i) if {
	i := min({j | some j, c in split(v, ""); c in {"*", "?"}})
}

# The literal prefix does not fix the owner: it stops inside "repo:" or before the "/" after the owner.
_owner_open(lit) if startswith("repo:", lit)

_owner_open(lit) if {
	startswith(lit, "repo:")
	not contains(trim_prefix(lit, "repo:"), "/")
}

# GitHub claims that pin the repository or its owner, compared literally.
_pinning_claims := {"repository", "repository_owner", "repository_id", "repository_owner_id"}

_pinned_by_claims(stmt, provider) if {
	provider == _github
	some c in stmt.conditions
	some claim in _pinning_claims
	c.key == concat("", [_github, ":", claim])
	c.base in {"stringequals", "stringlike"}
	not c.if_exists
	count(c.values) > 0
	every v in c.values {
		_literal_claim(c.base, v)
	}
}

_literal_claim("stringequals", _) := true

_literal_claim("stringlike", v) if not wildcard.has_wildcard(v)
