# Policy documents (bucket, access point, key, identity, trust, log resource policies),
# parsed and normalized once: JSON string or object, Statement object or list,
# Action/NotAction/Resource/NotResource always lists, every Principal form as entries,
# condition keys lower-cased.
#
# parse(doc) returns {"status": s, "statements": [...]} where s is
#   "ok"       parsed; statements normalized (see _statement)
#   "absent"   no document (null, empty string)
#   "unknown"  not known at plan time (the document or a value inside it)
#   "redacted" a secret: opaque, cannot be evaluated
#   "invalid"  not valid JSON or not a policy document
# Rules on protected data treat anything but "ok"/"absent" as a finding (fail closed).
package lockdown.lib.policy

import rego.v1

import data.lockdown.lib.types

parse(doc) := {"status": "absent", "statements": []} if {
	doc == null
} else := {"status": "absent", "statements": []} if {
	is_string(doc)
	trim_space(doc) == ""
} else := {"status": "unknown", "statements": []} if {
	is_string(doc)
	contains(doc, data.lockdown.lib.types.unknown)
} else := {"status": "redacted", "statements": []} if {
	is_string(doc)
	contains(doc, data.lockdown.lib.types.redacted)
} else := _from_value(json.unmarshal(doc)) if {
	is_string(doc)
	json.is_valid(doc)
} else := _from_object(doc) if {
	is_object(doc)
} else := {"status": "invalid", "statements": []}

# An object document (pulumi-aws accepts PolicyDocument objects): it may hold unknowns.
_from_object(v) := {"status": "unknown", "statements": []} if {
	contains(json.marshal(v), data.lockdown.lib.types.unknown)
} else := {"status": "redacted", "statements": []} if {
	contains(json.marshal(v), data.lockdown.lib.types.redacted)
} else := _from_value(v)

_from_value(v) := {"status": "ok", "statements": stmts} if {
	is_object(v)
	stmts := [_statement(s) | some s in types.as_list(object.get(v, "Statement", []))]
	every s in stmts {
		s.valid
	}
} else := {"status": "invalid", "statements": []}

# One statement, normalized:
#   effect       "Allow" | "Deny"
#   sid          the Sid or ""
#   principals   [{"type": "AWS"|"Service"|"Federated"|"CanonicalUser", "id": "..."}]
#   has_principal / not_principal (true when NotPrincipal is used; principals then lists it)
#   actions / not_actions / resources / not_resources   lists of strings
#   conditions   [{"op": "StringEquals", "base": "stringequals", "if_exists": bool,
#                  "key": "aws:principalarn", "values": [...]}]
_statement(s) := {
	# Effect "Allow" or "Deny", exactly one of Action/NotAction, at most one of
	# Principal/NotPrincipal: compared inline (a function call costs 10-17 µs in regorus).
	"valid": {
		[effect == "Allow", effect == "Deny"] != [false, false],
		(action == null) != (not_action == null),
		[principal != null, not_principal != null] != [true, true],
	} == {true},
	"sid": object.get(s, "Sid", ""),
	"effect": effect,
	"has_principal": pv != null,
	"not_principal": not_principal != null,
	"principals": _principals(pv),
	"actions": actions,
	"not_actions": not_actions,
	"action_patterns": _action_patterns(array.concat(actions, not_actions)),
	"uses_not_action": not_action != null,
	"resources": rl[0],
	"not_resources": rl[1],
	"uses_not_resource": not_resource != null,
	"conditions": _conditions(object.get(s, "Condition", {})),
} if {
	is_object(s)
	effect := object.get(s, "Effect", "")
	action := object.get(s, "Action", null)
	not_action := object.get(s, "NotAction", null)
	principal := object.get(s, "Principal", null)
	not_principal := object.get(s, "NotPrincipal", null)
	not_resource := object.get(s, "NotResource", null)
	pv := _principal_value(principal, not_principal)
	al := _action_lists(action, not_action)
	actions := al[0]
	not_actions := al[1]
	rl := _resource_lists(object.get(s, "Resource", null), not_resource)
} else := {"valid": false}

# [_list(action), _list(not_action)] in one call for the common forms (an Action string or list).
_action_lists(action, not_action) := [[action], []] if {
	is_string(action)
	not_action == null
} else := [action, []] if {
	is_array(action)
	not_action == null
} else := [_list(action), _list(not_action)]

# [resources, not_resources] patterns in one call for the common forms (a Resource string or
# list of plain ARNs, no NotResource): the same as _resource_patterns(_list(...)) of each.
_resource_lists(resource, not_resource) := [[resource], []] if {
	is_string(resource)
	not_resource == null
	strings.replace_n(_resource_special_chars, resource) == resource
} else := [resource, []] if {
	is_array(resource)
	not_resource == null
	every x in resource {
		is_string(x)
	}
	joined := concat("", resource)
	strings.replace_n(_resource_special_chars, joined) == joined
} else := [_resource_patterns(_list(resource)), _not_resource_patterns(not_resource)]

# types.as_list with the common policy forms first (a string, absent, a list): parsing runs for
# every statement of every document, so each avoided test counts at 10,000 resources.
_list(v) := [v] if {
	is_string(v)
} else := [] if {
	v == null
} else := types.as_list(v)

# NotResource is rare: an absent one costs one call.
_not_resource_patterns(v) := [] if {
	v == null
} else := _resource_patterns(_list(v))

# The IAM wildcard characters; a string without any is compared literally.
_wildcard_chars := {"*": "", "?": ""}

# Action (or NotAction) patterns lower-cased and split into literals (a set, matched by lookup)
# and wildcards. The wildcards are further split once here, because glob costs about 15 µs a
# call in regorus and matching is done against whole action sets, many times per statement:
#   "prefixes"  the wildcards of the form "<prefix>*" with no other wildcard (s3:Get*, kms:*, *),
#               as their prefixes: matched with strings.any_prefix_match, one builtin per action;
#   "globs"     the other wildcards (s3:*Object, s3:Get?bject), matched with wildcard.match.
# Most statements name literal actions only: one test on the joined list settles that.
_action_patterns(list) := {"literals": {lower(a) | some a in list}, "wildcards": [], "prefixes": [], "globs": []} if {
	every a in list {
		is_string(a)
	}
	joined := concat("", list)
	strings.replace_n(_wildcard_chars, joined) == joined
} else := {
	"literals": {lower(a) | some a in list; is_string(a); not contains(a, "*"); not contains(a, "?")},
	"wildcards": wildcards,
	"prefixes": prefixes,
	"globs": [w | some w in wildcards; not _is_prefix_form(w, prefixes)],
} if {
	wildcards := [lower(a) |
		some a in list
		is_string(a)
		strings.replace_n(_wildcard_chars, a) != a
	]

	# "<prefix>*" with a prefix free of wildcards matches exactly the actions starting with it.
	prefixes := {b |
		some w in wildcards
		endswith(w, "*")
		b := trim_suffix(w, "*")
		strings.replace_n(_wildcard_chars, b) == b
	}
}

_is_prefix_form(w, prefixes) if {
	endswith(w, "*")
	trim_suffix(w, "*") in prefixes
}

# Resource patterns: policy variables (${aws:username}) match anything, so they become "*";
# every other character stays literal (wildcard.match escapes what glob would interpret).
# Most lists hold plain ARNs: one test on the joined list settles that.
_resource_patterns(list) := list if {
	every x in list {
		is_string(x)
	}
	joined := concat("", list)
	strings.replace_n(_resource_special_chars, joined) == joined
} else := [_resource_pattern(x) | some x in list]

_resource_special_chars := {"${": ""}

_resource_pattern(x) := regex.replace(x, `\$\{[^}]*\}`, "*") if {
	is_string(x)
	contains(x, "${")
} else := x

# One body with else: every body of a multi-body function is evaluated.
_principal_value(principal, not_principal) := principal if {
	principal != null
} else := not_principal

# "*" alone means every AWS principal, authenticated or not.
_principals(pv) := [{"type": "AWS", "id": "*"}] if {
	pv == "*"
} else := [{"type": t, "id": sprintf("%v", [id])} |
	some t, ids in pv
	some id in types.as_list(ids)
] if {
	is_object(pv)
} else := [] if {
	pv == null
} else := [{"type": "AWS", "id": sprintf("%v", [p])} | some p in types.as_list(pv)]

# Conditions flattened: one entry per operator and key; keys are case-insensitive in IAM.
_conditions(c) := [{
	"op": op,
	"base": info[0],
	"if_exists": info[1],
	"key": lower(key),
	"values": _values(vals),
} |
	some op, block in c
	is_object(block)
	info := _op_info(op)
	some key, vals in block
] if {
	is_object(c)
} else := []

# The common operators, looked up rather than taken apart.
_ops := {
	"StringEquals": ["stringequals", false],
	"StringNotEquals": ["stringnotequals", false],
	"StringLike": ["stringlike", false],
	"StringNotLike": ["stringnotlike", false],
	"ArnEquals": ["arnequals", false],
	"ArnNotEquals": ["arnnotequals", false],
	"ArnLike": ["arnlike", false],
	"ArnNotLike": ["arnnotlike", false],
	"Bool": ["bool", false],
}

_op_info(op) := info if {
	info := _ops[op]
} else := [_base_op(op), endswith(lower(op), "ifexists")]

_values(v) := [v] if {
	is_string(v)
} else := v if {
	is_array(v)
	every x in v {
		is_string(x)
	}
} else := [_str(x) | some x in types.as_list(v)]

_str(v) := v if {
	is_string(v)
} else := sprintf("%v", [v])

# The operator without set qualifier or IfExists, lower-cased: "ForAnyValue:StringLikeIfExists" -> "stringlike".
_base_op(op) := b if {
	parts := split(lower(op), ":")
	last := parts[count(parts) - 1]
	b := trim_suffix(last, "ifexists")
}

# The statements with a given effect.
allows(parsed) := [s | some s in parsed.statements; s.effect == "Allow"]

denies(parsed) := [s | some s in parsed.statements; s.effect == "Deny"]

# True for a document a rule cannot evaluate (fail closed).
unreadable(parsed) if parsed.status in {"unknown", "redacted", "invalid"}

# True when the document cannot be evaluated only because it is not known at plan time: a
# violation raised for that is undecided during preview (types.undecided_when).
default undecided(_) := false

undecided(parsed) if parsed.status == "unknown"

# A short reason for messages.
reason(parsed) := "is not known at plan time" if parsed.status == "unknown"

reason(parsed) := "is a secret and cannot be evaluated" if parsed.status == "redacted"

reason(parsed) := "is not a valid policy document" if parsed.status == "invalid"
