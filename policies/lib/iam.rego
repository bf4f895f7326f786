# IAM identities and the identity policies that reach them: inline policies (RolePolicy,
# UserPolicy, GroupPolicy, Role.inlinePolicies), customer managed policies attached through
# RolePolicyAttachment / UserPolicyAttachment / GroupPolicyAttachment / PolicyAttachment /
# Role.managedPolicyArns, and AWS managed policies (rendered here as the statements that
# matter: what they let an identity read).
#
# identity_grants contains {"principal", "via", "via_urn", "parsed"} where principal is
# {"kind": "role"|"user"|"group", "name", "arn", "urn", "allowed"}.
package lockdown.lib.iam

import rego.v1

import data.lockdown.lib.config
import data.lockdown.lib.policy
import data.lockdown.lib.types

# Other packages' rules read here by key, through rules of this package (see lib/classification.rego).
_by_urn := data.lockdown.lib.types.by_urn

identity_kinds := {"role": "iam_role", "user": "iam_user", "group": "iam_group"}

# Identities of the stack by every reference a sub-resource may use (name, id, ARN).
# identity_urns_by_ref, or an empty object when nothing matches (regorus leaves an empty partial object undefined).
identity_urns_by_ref := x if {
	x := _identity_urns_by_ref
} else := {}

_identity_urns_by_ref[kind][ref] contains r.urn if {
	some kind, k in identity_kinds
	some r in types.resources_of(k)
	some ref in {v |
		some v in [types.prop(r, "name", null), object.get(r, "id", null), types.prop(r, "arn", null)]
		is_string(v)
		v != ""
		types.is_known(v)
	}
}

_identity_urns := {r.urn: kind |
	some kind, k in identity_kinds
	some r in types.resources_of(k)
}

# The identity record as a principal.
principal_of(r, kind) := {
	"kind": kind,
	"name": types.prop(r, "name", r.name),
	"arn": identity_arn(r),
	"urn": r.urn,
	"allowed": identity_allowed(r, kind),
}

# The identity's ARN, or the unknown sentinel.
identity_arn(r) := arn if {
	arn := types.prop(r, "arn", null)
	is_string(arn)
	types.is_known(arn)
} else := data.lockdown.lib.types.unknown

# An identity is an allowed reader when its ARN is on the allowlist; while the ARN is unknown
# at plan time, when an allowed ARN of one of our accounts names it (role/<path><name>).
identity_allowed(r, _) if config.is_allowed_reader(identity_arn(r))

identity_allowed(r, kind) if {
	types.is_unknown(identity_arn(r))
	name := types.prop(r, "name", null)
	is_string(name)
	types.is_known(name)
	path := types.prop(r, "path", "/")
	allowed_by_name(kind, path, name)
}

default identity_allowed(_, _) := false

# An allowed ARN ends with ":<kind><path><name>" exactly when its last ":"-separated segment is
# that suffix (IAM names and paths contain no ":"), so the allowlist is indexed by that segment
# once per evaluation instead of being scanned once per identity (quadratic at 10,000 resources).
allowed_by_name(kind, path, name) if {
	suffix := concat("", [kind, path, name])
	not contains(suffix, ":")
	data.lockdown.lib.iam._own_allowed_by_last_segment[suffix]
}

allowed_by_name(kind, path, name) if {
	# A path or name with ":" (not valid in IAM, but the record may say anything): scan.
	suffix := concat("", [":", kind, path, name])
	contains(concat("", [kind, path, name]), ":")
	some arn in data.lockdown.lib.config.allowed_readers
	endswith(arn, suffix)
	parts := split(arn, ":")
	config.is_own_account(parts[4])
}

# Allowed reader ARNs of our own accounts by their last ":"-separated segment.
_own_allowed_by_last_segment := {parts[count(parts) - 1]: true |
	some arn in data.lockdown.lib.config.allowed_readers
	parts := split(arn, ":")
	count(parts) > 4
	config.is_own_account(parts[4])
}

# The principals a sub-resource names through property `key` (a name, id or ARN; a list for
# PolicyAttachment). Identities outside the stack become principals by name.
principals_named(r, kind, key) := {p |
	some ref in types.as_list(types.prop(r, key, null))
	some p in _resolve(r, kind, ref)
}

_resolve(r, kind, ref) := {principal_of(_by_urn[u], kind) | some u in found} if {
	is_string(ref)
	types.is_known(ref)
	found := object.get(object.get(identity_urns_by_ref, kind, {}), ref, set())
	count(found) > 0
} else := {_external(kind, ref)} if {
	is_string(ref)
	types.is_known(ref)
} else := {principal_of(_by_urn[u], kind) |
	# Unknown at plan time: the identity among the dependencies.
	some u in types.links(r)
	_identity_urns[u] == kind
}

_external(kind, ref) := {
	"kind": kind,
	"name": ref,
	"arn": ref,
	"urn": null,
	"allowed": _external_allowed(kind, ref),
}

_external_allowed(_, ref) if config.is_allowed_reader(ref)

_external_allowed(kind, ref) if {
	not startswith(ref, "arn:")
	allowed_by_name(kind, "/", ref)
}

default _external_allowed(_, _) := false

# ---------------------------------------------------------------------------
# Identity policy documents, parsed once per evaluation: docs[urn] for the `policy` of managed,
# role, user and group policies; docs["<role urn>#<i>"] for a role's i-th inline policy.

document_kinds := {"iam_policy", "iam_role_policy", "iam_user_policy", "iam_group_policy"}

docs := object.union(
	{r.urn: policy.parse(types.prop(r, "policy", null)) |
		some k in document_kinds
		some r in types.resources_of(k)
	},
	{sprintf("%s#%d", [r.urn, i]): policy.parse(object.get(ip, "policy", null)) |
		some r in types.resources_of("iam_role")
		some i, ip in types.as_list(types.prop(r, "inlinePolicies", null))
		is_object(ip)
	},
)

# The parsed document of a resource's own `policy` (from the index, else parsed now).
doc_of(r) := d if {
	d := docs[r.urn]
} else := policy.parse(types.prop(r, "policy", null))

# The parsed i-th inline policy of a role.
inline_doc(r, i, ip) := d if {
	d := docs[sprintf("%s#%d", [r.urn, i])]
} else := policy.parse(object.get(ip, "policy", null))

# ---------------------------------------------------------------------------
# Customer managed policies of the stack by ARN, and AWS managed policies.

# policy_urns_by_ref, or an empty object when nothing matches (regorus leaves an empty partial object undefined).
policy_urns_by_ref := x if {
	x := _policy_urns_by_ref
} else := {}

_policy_urns_by_ref[ref] contains r.urn if {
	some r in types.resources_of("iam_policy")
	some ref in {v |
		some v in [types.prop(r, "arn", null), object.get(r, "id", null)]
		is_string(v)
		types.is_known(v)
	}
}

_policy_urns := {r.urn | some r in types.resources_of("iam_policy")}

# AWS managed policies that let an identity read data, as the statements that matter.
aws_managed := {
	"AdministratorAccess": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
	"PowerUserAccess": [{"Effect": "Allow", "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"}],
	"ReadOnlyAccess": [{"Effect": "Allow", "Action": ["s3:Get*", "s3:List*", "logs:Get*", "logs:FilterLogEvents", "logs:StartQuery", "logs:GetQueryResults"], "Resource": "*"}],
	"AmazonS3ReadOnlyAccess": [{"Effect": "Allow", "Action": ["s3:Get*", "s3:List*", "s3:Describe*"], "Resource": "*"}],
	"AmazonS3FullAccess": [{"Effect": "Allow", "Action": ["s3:*", "s3-object-lambda:*"], "Resource": "*"}],
	"CloudWatchLogsReadOnlyAccess": [{"Effect": "Allow", "Action": ["logs:Describe*", "logs:Get*", "logs:List*", "logs:StartQuery", "logs:StopQuery", "logs:TestMetricFilter", "logs:FilterLogEvents", "logs:StartLiveTail"], "Resource": "*"}],
	"CloudWatchLogsFullAccess": [{"Effect": "Allow", "Action": ["logs:*"], "Resource": "*"}],
	"DataScientist": [{"Effect": "Allow", "Action": ["s3:*"], "Resource": "*"}],
}

# The AWS managed policy name of an ARN (arn:<partition>:iam::aws:policy/[job-function/]Name).
aws_managed_name(arn) := name if {
	is_string(arn)
	parts := split(arn, ":")
	count(parts) == 6
	parts[4] == "aws"
	startswith(parts[5], "policy/")
	segs := split(parts[5], "/")
	name := segs[count(segs) - 1]
}

# The parsed document of an attached policy ARN: AWS managed, or a policy of the stack.
attached_docs(r, arn) := [{"parsed": policy.parse({"Statement": stmts}), "via_urn": r.urn, "label": name}] if {
	name := aws_managed_name(arn)
	stmts := aws_managed[name]
} else := [{"parsed": doc_of(p), "via_urn": p.urn, "label": types.prop(p, "name", p.name)} |
	some u in object.get(policy_urns_by_ref, arn, set())
	p := _by_urn[u]
] if {
	is_string(arn)
	types.is_known(arn)
	count(object.get(policy_urns_by_ref, arn, set())) > 0
} else := [{"parsed": doc_of(p), "via_urn": p.urn, "label": types.prop(p, "name", p.name)} |
	# The policy ARN is unknown at plan time: the policy among the dependencies.
	types.is_unknown(arn)
	some u in types.links(r)
	u in _policy_urns
	p := _by_urn[u]
]

# ---------------------------------------------------------------------------
# Every identity grant of the stack.

_inline_sources := {
	"iam_role_policy": ["role", "role"],
	"iam_user_policy": ["user", "user"],
	"iam_group_policy": ["group", "group"],
}

_attachment_sources := {
	"iam_role_policy_attachment": [["role", "role"]],
	"iam_user_policy_attachment": [["user", "user"]],
	"iam_group_policy_attachment": [["group", "group"]],
	"iam_policy_attachment": [["role", "roles"], ["user", "users"], ["group", "groups"]],
}

identity_grants contains g if {
	some k, src in _inline_sources
	some r in types.resources_of(k)
	parsed := doc_of(r)
	some p in principals_named(r, src[0], src[1])
	g := {"principal": p, "via": sprintf("inline policy %v on %v %v", [types.prop(r, "name", r.name), p.kind, p.name]), "via_urn": r.urn, "parsed": parsed}
}

identity_grants contains g if {
	some r in types.resources_of("iam_role")
	some i, ip in types.as_list(types.prop(r, "inlinePolicies", null))
	is_object(ip)
	p := principal_of(r, "role")
	g := {"principal": p, "via": sprintf("inline policy %v on role %v", [object.get(ip, "name", ""), p.name]), "via_urn": r.urn, "parsed": inline_doc(r, i, ip)}
}

identity_grants contains g if {
	some k, srcs in _attachment_sources
	some r in types.resources_of(k)
	arn := types.prop(r, "policyArn", null)
	some src in srcs
	some p in principals_named(r, src[0], src[1])
	some d in attached_docs(r, arn)
	g := {"principal": p, "via": sprintf("policy %v attached to %v %v", [d.label, p.kind, p.name]), "via_urn": d.via_urn, "parsed": d.parsed}
}

identity_grants contains g if {
	some r in types.resources_of("iam_role")
	some arn in types.as_list(types.prop(r, "managedPolicyArns", null))
	p := principal_of(r, "role")
	some d in attached_docs(r, arn)
	g := {"principal": p, "via": sprintf("policy %v attached to role %v", [d.label, p.name]), "via_urn": d.via_urn, "parsed": d.parsed}
}
