package lockdown.rules.s3.tls_only_test

import rego.v1

import data.lockdown.rules.s3.fixtures_test as fx
import data.lockdown.rules.s3.tls_only as rule

findings(resources) := found if {
	found := data.lockdown.rules.s3.tls_only.deny with input as {"resources": resources} with data.lockdown.config as data.lockdown.rules.s3.fixtures_test.cfg
}

t := fx.tls("data-bucket")

test_complete_stack_is_allowed if count(findings(data.lockdown.rules.s3.fixtures_test.stack)) == 0

test_missing_policy_is_denied if {
	some f in findings(fx.without("data-policy"))
	contains(f.msg, "does not deny requests without TLS")
}

test_policy_without_tls_statement_is_denied if count(findings(fx.with_policy([fx.perimeter("data-bucket")]))) == 1

test_tls_deny_on_objects_only_is_denied if {
	count(findings(fx.with_policy([object.union(t, {"Resource": "arn:aws:s3:::data-bucket/*"})]))) == 1
}

test_tls_deny_for_one_action_is_denied if {
	count(findings(fx.with_policy([object.union(t, {"Action": "s3:PutObject"})]))) == 1
}

test_tls_condition_true_is_denied if {
	count(findings(fx.with_policy([object.union(t, {"Condition": {"Bool": {"aws:SecureTransport": "true"}}})]))) == 1
}

test_tls_deny_with_star_action_is_allowed if {
	count(findings(fx.with_policy([object.union(t, {"Action": "*"})]))) == 0
}

test_tls_deny_with_aws_star_principal_is_allowed if {
	count(findings(fx.with_policy([object.union(t, {"Principal": {"AWS": "*"}})]))) == 0
}
