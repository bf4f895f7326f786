# A Cognito identity pool hands the credentials of its "unauthenticated" role to any visitor
# who asks: when that role can read protected data, so can anyone on the internet.
package lockdown.lib.access.edges.cognito_unauthenticated

import rego.v1

import data.lockdown.lib.access
import data.lockdown.lib.types

# Other packages' rules read here by key, through rules of this package (see lib/classification.rego).
_by_urn := data.lockdown.lib.types.by_urn

edges contains e if {
	some r in types.resources_of("cognito_identity_pool_roles")
	roles := types.prop(r, "roles", {})
	is_object(roles)
	ref := object.get(roles, "unauthenticated", null)
	ref != null
	pool := _pool_label(r)
	some role in access.reader_roles_named(r, ref)
	e := {
		"kind": "cognito_unauthenticated",
		"urn": r.urn,
		"principal": sprintf("any unauthenticated visitor of identity pool %v", [pool]),
		"allowed": false,
		"store": sprintf("what %v reads", [access.role_label(role)]),
		"path": [
			sprintf("identity pool %v gives unauthenticated identities role '%v'", [pool, role.name]),
		],
	}
}

# The pool's name when the stack holds it, else its id as the attachment writes it.
_pool_label(r) := sprintf("'%v'", [types.prop(pool, "identityPoolName", pool.name)]) if {
	some u in types.links(r)
	pool := _by_urn[u]
	types.kind(pool) == "cognito_identity_pool"
} else := sprintf("%v", [types.prop(r, "identityPoolId", "(unknown)")])
