# LD-IAM-001 counts copying events out of every log group (logs:CreateExportTask,
# logs:PutSubscriptionFilter on Resource *) as reading every log group.
package lockdown.rules.iam.identity_policy_log_copy_test

import rego.v1

import data.lockdown.rules.iam.fixtures_test as fx

findings(resources) := found if {
	found := data.lockdown.rules.iam.identity_policy_read.deny with input as {"resources": resources} with data.lockdown.config as data.lockdown.rules.iam.fixtures_test.cfg
}

test_log_export_or_subscription_on_star_is_denied if {
	every action in ["logs:CreateExportTask", "logs:PutSubscriptionFilter"] {
		stmt := {"Effect": "Allow", "Action": action, "Resource": "*"}
		some f in findings([fx.role("analyst"), fx.role_policy("analyst", [stmt])])
		contains(f.msg, "arn:aws:iam::111111111111:role/analyst read every log group")
	}
}

test_log_export_by_the_reader_or_a_log_listing_is_allowed if {
	export := {"Effect": "Allow", "Action": "logs:CreateExportTask", "Resource": "*"}
	count(findings([fx.role("reader"), fx.role_policy("reader", [export])])) == 0
	listing := {"Effect": "Allow", "Action": "logs:DescribeLogGroups", "Resource": "*"}
	count(findings([fx.role("analyst"), fx.role_policy("analyst", [listing])])) == 0
}
