package lockdown.rules.access.read_path_test

import rego.v1

import data.lockdown.rules.access.fixtures_test as fx

# --- Lambda function URL -------------------------------------------------------------------

function(role_arn) := fx.res("aws:lambda/function:Function", "api", {"name": "api", "role": role_arn})

url(auth) := fx.res("aws:lambda/functionUrl:FunctionUrl", "api-url", {"functionName": "api", "authorizationType": auth})

test_function_url_without_auth_on_a_reader_role_is_denied if {
	some f in fx.findings(array.concat(fx.base, [fx.worker_role, fx.worker_read, function("arn:aws:iam::111111111111:role/worker"), url("NONE")]))
	f.principal == "anyone on the internet"
	contains(f.msg, "function URL 'api-url' has authorizationType NONE; function 'api' runs as role 'worker'")
}

test_function_url_with_iam_auth_or_an_idle_role_is_allowed if {
	count(fx.findings(array.concat(fx.base, [fx.worker_role, fx.worker_read, function("arn:aws:iam::111111111111:role/worker"), url("AWS_IAM")]))) == 0
	count(fx.findings(array.concat(fx.base, [fx.idle_role, function("arn:aws:iam::111111111111:role/idle"), url("NONE")]))) == 0
}
