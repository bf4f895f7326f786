# Who a resource-policy statement lets in: every Principal form classified, then narrowed
# by the conditions that really narrow who can act (aws:PrincipalArn, aws:userid,
# aws:PrincipalAccount, aws:PrincipalOrgID, aws:PrincipalOrgPaths).
#
# audience(stmt) is a set of entries {"class", "principal", "allowed", "scoped"}:
#   class "public"        anyone ("*", {"AWS": "*"}, "*" in a list, NotPrincipal with Allow)
#         "cross_account" another AWS account, or a principal in one (not in accountIds)
#         "organization"  the whole organization or an OU of it
#         "account"       a whole account of ours (":root" delegation, aws:PrincipalAccount,
#                         aws:PrincipalArn patterns such as arn:aws:iam::123456789012:*)
#         "named"         one principal ARN of ours (allowed when on allowedReaders)
#         "service"       an AWS service principal ("scoped" when pinned to our account by
#                         aws:SourceAccount / aws:SourceArn / aws:SourceOrgID / kms:ViaService /
#                         kms:EncryptionContext conditions: then it is not a reader)
#         "federated"     an identity provider's users
# Network and transport conditions (aws:SourceVpce, aws:SourceIp, aws:SecureTransport) never
# narrow. ...IfExists operators never narrow either: an anonymous caller has no PrincipalArn.
package lockdown.lib.principals

import rego.v1

import data.lockdown.lib.wildcard
import data.lockdown.lib.config
import data.lockdown.lib.types

# Classes that are broad whatever the action.
broad_classes := {"public", "cross_account", "organization", "account", "federated"}

# True when an audience entry extends the reader set beyond the allowlist.
default is_violation(_) := false

is_violation(entry) if {
	not entry.allowed
	not _harmless_service(entry)
}

_harmless_service(entry) if {
	entry.class == "service"
	entry.scoped
}

# The effective audience of a statement that has Principal or NotPrincipal.
audience(stmt) := {e | some e in _narrowed(stmt)}

_base(stmt) := [{"class": "public", "principal": "* (NotPrincipal)", "allowed": false, "scoped": false}] if {
	stmt.not_principal
	stmt.effect == "Allow"
} else := [classify(p, stmt) | some p in stmt.principals]

# Condition narrowing, strongest first: a pin to principal ARNs / user ids, then an account,
# then the organization.
# A pin replaces the broad entries (anyone, an account, the organization) by the pinned
# principals; a named principal stays only if the pin can match it; services and identity
# providers have no aws:PrincipalArn and cannot satisfy a pin.
_narrowed(stmt) := [x |
	some e in _base(stmt)
	some x in _pinned_entry(e, pins, stmt)
] if {
	pins := _pins(stmt)
	count(pins) > 0
} else := [_narrow_account_or_org(e, stmt) | some e in _base(stmt)]

_pinned_entry(e, pins, _) := pins if {
	e.class in {"public", "account", "organization", "cross_account"}
	not startswith(e.principal, "arn:")
} else := [e] if {
	e.class in {"named", "cross_account"}
	some p in pins
	wildcard.match(p.principal, e.principal)
} else := []

_narrow_account_or_org(e, stmt) := e if {
	e.class != "public"
} else := accts if {
	vals := _positive_values(stmt, "aws:principalaccount")
	count(vals) > 0
	accts := _account_entry(vals)
} else := org if {
	vals := array.concat(_positive_values(stmt, "aws:principalorgid"), _positive_values(stmt, "aws:principalorgpaths"))
	count(vals) > 0
	org := {"class": "organization", "principal": concat(", ", [sprintf("organization %v", [v]) | some v in vals]), "allowed": false, "scoped": false}
} else := e

_account_entry(vals) := {"class": "cross_account", "principal": _accounts_label(vals), "allowed": false, "scoped": false} if {
	some acct in vals
	not config.is_own_account(acct)
} else := {"class": "account", "principal": _accounts_label(vals), "allowed": false, "scoped": false}

_accounts_label(vals) := concat(", ", [sprintf("account %v", [v]) | some v in vals])

_positive_ops := {"stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike"}

# Values of a narrowing condition on `key`: positive operators, no IfExists, no ForAllValues
# (which is true for an empty set of values).
_positive_values(stmt, key) := [v |
	some c in stmt.conditions
	c.key == key
	c.base in _positive_ops
	not c.if_exists
	not startswith(lower(c.op), "forallvalues:")
	some v in c.values
]

# Entries from aws:PrincipalArn / aws:userid pins (empty when the statement has none).
_pins(stmt) := [pin_entry(v) |
	some key in ["aws:principalarn", "aws:userid"]
	some v in _positive_values(stmt, key)
]

# A pinned value: an exact ARN (named), an account-wide pattern, or another pattern.
pin_entry(v) := {"class": "named", "principal": v, "allowed": true, "scoped": false} if {
	allowed_value(v)
} else := {"class": c, "principal": v, "allowed": false, "scoped": false} if {
	acct := arn_account(v)
	_account_wide_pattern(v)
	c := _own_or_cross(acct, "account")
} else := {"class": "public", "principal": v, "allowed": false, "scoped": false} if {
	v == "*"
} else := {"class": c, "principal": v, "allowed": false, "scoped": false} if {
	acct := arn_account(v)
	c := _own_or_cross(acct, "named")
} else := {"class": "named", "principal": v, "allowed": false, "scoped": false}

_account_wide_pattern(v) if {
	rest := _arn_resource(v)
	rest in {"*", "root", "role/*", "user/*", "*/*", "assumed-role/*"}
}

# One body with else (every body of a multi-body function is evaluated).
_own_or_cross(acct, own_class) := own_class if {
	config.is_own_account(acct)
} else := "cross_account"

# Classify one Principal entry {"type", "id"}.
classify(p, stmt) := {"class": "public", "principal": "*", "allowed": false, "scoped": false} if {
	p.type == "AWS"
	p.id == "*"
} else := {"class": "public", "principal": "*", "allowed": false, "scoped": false} if {
	p.type == "*"
} else := {"class": c, "principal": sprintf("account %v", [acct]), "allowed": false, "scoped": false} if {
	p.type == "AWS"
	acct := _root_account(p.id)
	c := _own_or_cross(acct, "account")
} else := {"class": c, "principal": p.id, "allowed": allowed_principal(p.id), "scoped": false} if {
	p.type == "AWS"
	acct := arn_account(p.id)
	c := _own_or_cross(acct, "named")
} else := {"class": "named", "principal": p.id, "allowed": allowed_principal(p.id), "scoped": false} if {
	p.type == "AWS"
} else := {"class": "service", "principal": p.id, "allowed": false, "scoped": service_scoped(stmt)} if {
	p.type == "Service"
} else := {"class": "federated", "principal": p.id, "allowed": allowed_principal(p.id), "scoped": false} if {
	p.type == "Federated"
} else := {"class": "cross_account", "principal": sprintf("%v %v", [p.type, p.id]), "allowed": false, "scoped": false}

# The account of "123456789012" or "arn:aws:iam::123456789012:root".
_root_account(id) := id if {
	is_account_id(id)
} else := acct if {
	acct := arn_account(id)
	_arn_resource(id) == "root"
}

# The account id of an IAM/STS ARN, undefined otherwise.
arn_account(arn) := parts[4] if {
	is_string(arn)
	parts := split(arn, ":")
	count(parts) >= 6
	parts[0] == "arn"
	parts[2] in {"iam", "sts"}
	is_account_id(parts[4])
}

# Twelve ASCII digits, like regex.match(`^[0-9]{12}$`, s) but cheaper: this runs for every
# principal of every statement, and a regex costs about 11 µs a call in regorus.
is_account_id(s) if {
	is_string(s)
	count(s) == 12
	strings.replace_n(_digits, s) == ""
}

_digits := {"0": "", "1": "", "2": "", "3": "", "4": "", "5": "", "6": "", "7": "", "8": "", "9": ""}

_arn_resource(arn) := concat(":", array.slice(parts, 5, count(parts))) if {
	parts := split(arn, ":")
	count(parts) >= 6
}

# A principal ARN on the allowlist. Assumed-role session ARNs count as their role. Decidable
# from the document alone (resource-scoped rules use it).
default allowed_principal(_) := false

allowed_principal(v) if config.is_allowed_reader(v)

allowed_principal(v) if {
	contains(v, ":assumed-role/")
	some arn in assumed_role_arns(v)
	config.is_allowed_reader(arn)
}

# A principal ARN or an aws:userid value on the allowlist; user ids ("AROA...:*") are resolved
# through the unique ids of the stack's roles and users.
default allowed_value(_) := false

allowed_value(v) if allowed_principal(v)

allowed_value(v) if {
	# aws:userid values: "AROAEXAMPLE:*" or "AROAEXAMPLE:session" for a role of the stack.
	not startswith(v, "arn:")
	uid := split(v, ":")[0]
	some arn in object.get(arns_by_unique_id, uid, set())
	config.is_allowed_reader(arn)
}

# arn:aws:sts::123:assumed-role/name/session -> roles named `name` on the allowlist (any path).
assumed_role_arns(v) := {arn |
	acct := arn_account(v)
	startswith(_arn_resource(v), "assumed-role/")
	role := split(_arn_resource(v), "/")[1]
	some arn in data.lockdown.lib.config.allowed_readers
	arn_account(arn) == acct
	startswith(_arn_resource(arn), "role/")
	endswith(_arn_resource(arn), concat("", ["/", role]))
}

# Roles and users of the stack by their unique id (for aws:userid conditions).
# arns_by_unique_id, or an empty object when nothing matches (regorus leaves an empty partial object undefined).
arns_by_unique_id := x if {
	x := _arns_by_unique_id
} else := {}

_arns_by_unique_id[uid] contains arn if {
	some k in {"iam_role", "iam_user"}
	some r in types.resources_of(k)
	uid := types.prop(r, "uniqueId", null)
	types.is_known(uid)
	is_string(uid)
	arn := types.prop(r, "arn", null)
	is_string(arn)
}

# An AWS service principal pinned to our account, organization or resources.
default service_scoped(_) := false

service_scoped(stmt) if {
	some c in stmt.conditions
	c.key in {"aws:sourceaccount", "aws:sourceowner", "kms:calleraccount"}
	c.base in _positive_ops
	count(c.values) > 0
	every v in c.values {
		config.is_own_account(v)
	}
}

service_scoped(stmt) if {
	some c in stmt.conditions
	c.key == "aws:sourcearn"
	c.base in _positive_ops
	count(c.values) > 0
	every v in c.values {
		_own_resource_arn(v)
	}
}

service_scoped(stmt) if {
	some c in stmt.conditions
	c.key == "aws:sourceorgid"
	c.base in _positive_ops
	count(c.values) > 0
	every v in c.values {
		v == data.lockdown.lib.config.organization_id
	}
}

service_scoped(stmt) if {
	some c in stmt.conditions
	c.key == "kms:viaservice"
	c.base in _positive_ops
	count(c.values) > 0
}

service_scoped(stmt) if {
	some c in stmt.conditions
	startswith(c.key, "kms:encryptioncontext")
	c.base in _positive_ops
	count(c.values) > 0
}

# An ARN in one of our accounts, or an S3 ARN (which carries no account).
_own_resource_arn(v) if {
	parts := split(v, ":")
	count(parts) >= 6
	config.is_own_account(parts[4])
}

_own_resource_arn(v) if {
	parts := split(v, ":")
	count(parts) >= 6
	parts[2] == "s3"
	parts[4] == ""
	not contains(v, "*")
}

# ---------------------------------------------------------------------------
# Deny statements: does a Deny apply to everyone except allowed readers?

# True when the Deny's principal scope covers every principal not on the allowlist:
# Principal "*" with, at most, an exemption naming only allowed readers, or NotPrincipal
# listing only allowed readers. Any other condition makes the Deny conditional.
denies_all_but_allowed(stmt) if {
	stmt.effect == "Deny"
	not stmt.not_principal
	some p in stmt.principals
	p.type in {"AWS", "*"}
	p.id == "*"
	every c in stmt.conditions {
		_perimeter_condition(c)
	}
}

denies_all_but_allowed(stmt) if {
	stmt.effect == "Deny"
	stmt.not_principal
	every p in stmt.principals {
		p.type == "AWS"
		allowed_value(p.id)
	}
	every c in stmt.conditions {
		_perimeter_condition(c)
	}
}

_negative_ops := {"stringnotequals", "stringnotequalsignorecase", "stringnotlike", "arnnotequals", "arnnotlike"}

# The exemption: aws:PrincipalArn / aws:userid not equal to allowed readers only.
_perimeter_condition(c) if {
	c.key in {"aws:principalarn", "aws:userid"}
	c.base in _negative_ops
	not startswith(lower(c.op), "forallvalues:")
	not startswith(lower(c.op), "foranyvalue:")
	every v in c.values {
		allowed_value(v)
	}
}

# AWS services are not readers; excluding them from the perimeter is harmless.
_perimeter_condition(c) if {
	c.key == "aws:principalisawsservice"
	c.base == "bool"
	c.values == ["false"]
}
