# An IAM Identity Center permission set becomes a role in every account it is provisioned to,
# assumable by every user and group assigned to it: when its inline policy or an attached AWS
# managed policy reads protected data, all of them can.
package lockdown.lib.access.edges.sso_permission_set

import rego.v1

import data.lockdown.lib.access
import data.lockdown.lib.iam
import data.lockdown.lib.policy
import data.lockdown.lib.types

# Other packages' rules read here by key, through rules of this package (see lib/classification.rego).
_by_urn := data.lockdown.lib.types.by_urn
_aws_managed := data.lockdown.lib.iam.aws_managed

edges contains e if {
	some r in types.resources_of("sso_permission_set_inline_policy")
	some stmt in policy.parse(types.prop(r, "inlinePolicy", null)).statements
	some store in access.statement_reads(stmt)
	e := _edge(r, store, "its inline policy")
}

edges contains e if {
	some r in types.resources_of("sso_managed_policy_attachment")
	name := iam.aws_managed_name(types.prop(r, "managedPolicyArn", null))
	stmts := _aws_managed[name]
	some stmt in policy.parse({"Statement": stmts}).statements
	some store in access.statement_reads(stmt)
	e := _edge(r, store, sprintf("the AWS managed policy %v", [name]))
}

_edge(r, store, via) := {
	"kind": "sso_permission_set",
	"urn": r.urn,
	"principal": sprintf("every user and group assigned permission set %v", [_set_label(r)]),
	"allowed": false,
	"store": store,
	"path": [sprintf("permission set %v grants reads through %v", [_set_label(r), via])],
}

# The permission set's name when the stack holds it, else its ARN.
_set_label(r) := sprintf("'%v'", [types.prop(ps, "name", ps.name)]) if {
	ps := _sets_by_ref[types.prop(r, "permissionSetArn", null)]
} else := sprintf("'%v'", [types.prop(ps, "name", ps.name)]) if {
	some u in types.links(r)
	ps := _by_urn[u]
	types.kind(ps) == "sso_permission_set"
} else := sprintf("%v", [types.prop(r, "permissionSetArn", "(unknown)")])

# Permission sets by ARN and id (ARNs are unique, so an object is enough).
_sets_by_ref := {ref: ps |
	some ps in types.resources_of("sso_permission_set")
	some ref in [types.prop(ps, "arn", null), object.get(ps, "id", null)]
	is_string(ref)
	types.is_known(ref)
}
