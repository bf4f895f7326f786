# A Lambda function URL with authorizationType NONE lets anyone on the internet invoke the
# function, and so act as its execution role: when that role can read protected data, so can
# anyone.
package lockdown.lib.access.edges.lambda_function_url

import rego.v1

import data.lockdown.lib.access
import data.lockdown.lib.types

# Other packages' rules read here by key, through rules of this package (see lib/classification.rego).
_by_urn := data.lockdown.lib.types.by_urn

edges contains e if {
	some url in types.resources_of("lambda_function_url")
	types.prop(url, "authorizationType", "NONE") != "AWS_IAM"
	some fn in _functions(url)
	some role in access.reader_roles_named(fn, types.prop(fn, "role", null))
	e := {
		"kind": "lambda_function_url",
		"urn": url.urn,
		"principal": "anyone on the internet",
		"allowed": false,
		"store": sprintf("what %v reads", [access.role_label(role)]),
		"path": [
			sprintf("function URL '%v' has authorizationType %v", [url.name, types.prop(url, "authorizationType", "NONE")]),
			sprintf("function '%v' runs as role '%v'", [fn.name, role.name]),
		],
	}
}

# The functions a URL belongs to: by functionName (name or ARN), else its dependencies.
_functions(url) := {_by_urn[u] | some u in found} if {
	ref := types.prop(url, "functionName", null)
	found := object.get(_function_urns_by_ref, ref, set())
	count(found) > 0
} else := {fn |
	some u in types.links(url)
	fn := _by_urn[u]
	types.kind(fn) == "lambda_function"
}

# Functions by name, ARN and id (an empty partial object is undefined in regorus: wrapped).
_function_urns_by_ref := x if {
	x := _function_index
} else := {}

_function_index[ref] contains fn.urn if {
	some fn in types.resources_of("lambda_function")
	some ref in _refs(fn)
}

_refs(fn) := {v |
	some v in [types.prop(fn, "name", null), types.prop(fn, "arn", null), object.get(fn, "id", null)]
	is_string(v)
	types.is_known(v)
}
