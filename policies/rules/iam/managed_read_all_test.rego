package lockdown.rules.iam.managed_read_all_test

import rego.v1

import data.lockdown.rules.iam.fixtures_test as fx
import data.lockdown.rules.iam.managed_read_all as rule

attachment(type, props) := fx.res(type, "attach", props)

test_s3_read_only_on_role_is_denied if {
	a := attachment("aws:iam/rolePolicyAttachment:RolePolicyAttachment", {"role": "analyst", "policyArn": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"})
	some f in data.lockdown.rules.iam.managed_read_all.deny with input as {"resources": [a]}
	contains(f.msg, "AmazonS3ReadOnlyAccess to role analyst")
}

test_read_only_access_on_group_is_denied if {
	a := attachment("aws:iam/groupPolicyAttachment:GroupPolicyAttachment", {"group": "all", "policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"})
	count(data.lockdown.rules.iam.managed_read_all.deny) == 1 with input as {"resources": [a]}
}

test_administrator_on_user_is_denied if {
	a := attachment("aws:iam/userPolicyAttachment:UserPolicyAttachment", {"user": "bob", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"})
	count(data.lockdown.rules.iam.managed_read_all.deny) == 1 with input as {"resources": [a]}
}

test_job_function_data_scientist_is_denied if {
	a := attachment("aws:iam/policyAttachment:PolicyAttachment", {"roles": ["a", "b"], "policyArn": "arn:aws:iam::aws:policy/job-function/DataScientist"})
	some f in data.lockdown.rules.iam.managed_read_all.deny with input as {"resources": [a]}
	contains(f.msg, "roles a")
}

test_other_partition_is_denied if {
	a := attachment("aws:iam/rolePolicyAttachment:RolePolicyAttachment", {"role": "x", "policyArn": "arn:aws-cn:iam::aws:policy/PowerUserAccess"})
	count(data.lockdown.rules.iam.managed_read_all.deny) == 1 with input as {"resources": [a]}
}

test_managed_policy_arns_is_denied if {
	r := object.union(fx.role("analyst"), {"properties": {"managedPolicyArns": ["arn:aws:iam::aws:policy/CloudWatchLogsReadOnlyAccess"]}})
	count(data.lockdown.rules.iam.managed_read_all.deny) == 1 with input as {"resources": [r]}
}

test_scoped_aws_managed_policy_is_allowed if {
	a := attachment("aws:iam/rolePolicyAttachment:RolePolicyAttachment", {"role": "x", "policyArn": "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"})
	count(data.lockdown.rules.iam.managed_read_all.deny) == 0 with input as {"resources": [a]}
}

test_customer_policy_is_allowed if {
	a := attachment("aws:iam/rolePolicyAttachment:RolePolicyAttachment", {"role": "x", "policyArn": "arn:aws:iam::111111111111:policy/ReadOnlyAccess"})
	count(data.lockdown.rules.iam.managed_read_all.deny) == 0 with input as {"resources": [a]}
}

test_unknown_policy_arn_is_allowed if {
	a := attachment("aws:iam/rolePolicyAttachment:RolePolicyAttachment", {"role": "x", "policyArn": "04da6b54-80e4-46f7-96ec-b56ff0331ba9"})
	count(data.lockdown.rules.iam.managed_read_all.deny) == 0 with input as {"resources": [a]}
}
