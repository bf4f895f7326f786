package lockdown.lib.policy_test

import rego.v1

import data.lockdown.lib.actions
import data.lockdown.lib.policy

test_statuses if {
	policy.parse(null).status == "absent"
	policy.parse("  ").status == "absent"
	policy.parse("04da6b54-80e4-46f7-96ec-b56ff0331ba9").status == "unknown"
	policy.parse("[secret]").status == "redacted"
	policy.parse("{not json").status == "invalid"
	policy.parse("[1, 2]").status == "invalid"
	policy.parse(5).status == "invalid"
	policy.parse({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"}]}).status == "unknown"
	policy.parse({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "[secret]"}]}).status == "redacted"
	policy.parse({"Statement": []}).status == "ok"
}

test_invalid_statements_make_the_document_invalid if {
	every s in [
		{"Effect": "Maybe", "Action": "*"},
		{"Effect": "Allow"},
		{"Effect": "Allow", "Action": "*", "NotAction": "s3:*"},
		{"Effect": "Allow", "Action": "*", "Principal": "*", "NotPrincipal": "*"},
		"not an object",
	] {
		policy.parse({"Statement": [s]}).status == "invalid"
	}
}

test_normalization if {
	s := policy.parse(json.marshal({"Statement": {"Sid": "x", "Effect": "Deny", "Principal": {"AWS": ["a", "b"], "Service": "s"}, "NotAction": "S3:Get*", "Resource": "r", "Condition": {"ForAnyValue:StringLikeIfExists": {"AWS:PrincipalOrgPaths": "o/*"}, "Bool": {"aws:SecureTransport": false}}}})).statements[0]
	s.sid == "x"
	s.uses_not_action
	s.action_patterns.wildcards == ["s3:get*"]
	count(s.principals) == 3
	s.resources == ["r"]
	some c in s.conditions
	c.key == "aws:principalorgpaths"
	c.base == "stringlike"
	c.if_exists
	some b in s.conditions
	b.key == "aws:securetransport"
	b.values == ["false"]
	policy.reason(policy.parse("x")) == "is not a valid policy document"
	policy.reason(policy.parse("[secret]")) == "is a secret and cannot be evaluated"
	count(policy.allows(policy.parse({"Statement": [{"Effect": "Allow", "Action": "*"}]}))) == 1
	count(policy.denies(policy.parse({"Statement": [{"Effect": "Allow", "Action": "*"}]}))) == 0
}

test_principal_list_and_string_forms if {
	s := policy.parse({"Statement": [{"Effect": "Allow", "Action": "*", "Principal": ["arn:a", "*"]}]}).statements[0]
	{p.id | some p in s.principals} == {"arn:a", "*"}
}

# The wildcard split of parse (prefixes for "<prefix>*", globs for the rest) gives IAM's
# answers: "*" and "?" cross every character (".", ":" included), case-insensitively.
test_action_matching_follows_iam if {
	s := policy.parse({"Statement": {"Effect": "Allow", "Action": ["S3:Get*", "s3:*Tagging", "kms:Re?ncrypt*"], "Resource": "*"}}).statements[0]
	s.action_patterns.prefixes == {"s3:get"}
	s.action_patterns.globs == ["s3:*tagging", "kms:re?ncrypt*"]
	actions.granted(s, {"s3:getobject", "s3:get.object", "s3:putobjecttagging", "kms:reencryptfrom", "kms:decrypt"}) == {"s3:getobject", "s3:get.object", "s3:putobjecttagging", "kms:reencryptfrom"}
	actions.grants(s, "s3:getobjectacl")
	actions.grants(s, "s3:get.object")
	every a in ["s3:getobject", "s3:get.object", "s3:putobjecttagging", "kms:reencryptto", "kms:decrypt", "kms:re.ncryptfrom"] {
		grants_bool(s, a) == iam_any(s.action_patterns.wildcards, a)
	}
}

# Characters glob would interpret are literal in IAM.
test_glob_characters_in_actions_are_literal if {
	s := policy.parse({"Statement": {"Effect": "Allow", "Action": ["s3:Get[O]*"], "Resource": "*"}}).statements[0]
	not actions.grants(s, "s3:getobject")
	actions.grants(s, "s3:get[o]bject")
}

iam_any(patterns, a) if {
	some p in patterns
	regex.match(concat("", ["^", replace(replace(replace(p, ".", "\\."), "*", ".*"), "?", "."), "$"]), a)
}

default iam_any(_, _) := false

grants_bool(s, a) if actions.grants(s, a)

default grants_bool(_, _) := false
