package lockdown.rules.iam.wildcard_actions_test

import rego.v1

import data.lockdown.rules.iam.fixtures_test as fx
import data.lockdown.rules.iam.wildcard_actions as rule

policy(statements) := fx.res("aws:iam/policy:Policy", "p", {"policy": fx.doc(statements)})

test_star_is_denied if {
	some f in data.lockdown.rules.iam.wildcard_actions.deny with input as {"resources": [policy([{"Effect": "Allow", "Action": "*", "Resource": "*"}])]}
	contains(f.msg, "allows *")
}

test_s3_star_is_denied if count(data.lockdown.rules.iam.wildcard_actions.deny) == 1 with input as {"resources": [policy([{"Effect": "Allow", "Action": ["s3:*"], "Resource": "arn:aws:s3:::x/*"}])]}

test_kms_star_upper_case_is_denied if count(data.lockdown.rules.iam.wildcard_actions.deny) == 1 with input as {"resources": [policy([{"Effect": "Allow", "Action": "KMS:*", "Resource": "*"}])]}

test_not_action_is_denied if {
	some f in data.lockdown.rules.iam.wildcard_actions.deny with input as {"resources": [policy([{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}])]}
	contains(f.msg, "NotAction")
}

test_role_inline_policy_is_denied if {
	r := object.union(fx.role("x"), {"properties": {"inlinePolicies": [{"name": "all", "policy": fx.doc([{"Effect": "Allow", "Action": "logs:*", "Resource": "*"}])}]}})
	count(data.lockdown.rules.iam.wildcard_actions.deny) == 1 with input as {"resources": [r]}
}

test_role_policy_is_denied if {
	count(data.lockdown.rules.iam.wildcard_actions.deny) == 1 with input as {"resources": [fx.role_policy("x", [{"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"}])]}
}

test_specific_actions_are_allowed if count(data.lockdown.rules.iam.wildcard_actions.deny) == 0 with input as {"resources": [policy([fx.s3_read("*")])]}

test_wildcard_on_other_service_is_allowed if count(data.lockdown.rules.iam.wildcard_actions.deny) == 0 with input as {"resources": [policy([{"Effect": "Allow", "Action": "cloudwatch:*", "Resource": "*"}])]}

test_partial_wildcard_is_allowed if count(data.lockdown.rules.iam.wildcard_actions.deny) == 0 with input as {"resources": [policy([{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}])]}

test_deny_star_is_allowed if count(data.lockdown.rules.iam.wildcard_actions.deny) == 0 with input as {"resources": [policy([{"Effect": "Deny", "Action": "*", "Resource": "*"}])]}
