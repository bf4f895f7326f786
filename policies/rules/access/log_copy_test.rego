# An identity policy that lets a role copy a restricted log group's events out of it
# (logs:CreateExportTask to S3, logs:PutSubscriptionFilter to a stream) makes it a reader of
# the group, as GetLogEvents does: the access model follows those grants too.
package lockdown.rules.access.log_copy_test

import rego.v1

import data.lockdown.rules.access.fixtures_test as fx

log_group(level) := fx.res("aws:cloudwatch/logGroup:LogGroup", "capture-logs", {"name": "capture", "tags": {"data-classification": level}})

log_copy(action) := fx.res("aws:iam/rolePolicy:RolePolicy", "idle-export", {"role": "idle", "name": "idle-export", "policy": fx.doc([{
	"Effect": "Allow",
	"Action": action,
	"Resource": "arn:aws:logs:eu-west-1:111111111111:log-group:capture:*",
}])})

test_export_or_subscription_grant_on_a_restricted_log_group_is_denied if {
	every pair in [["logs:CreateExportTask", "logs:CreateExportTask"], ["logs:PutSubscriptionFilter", "logs:PutSubscriptionFilter"]] {
		some f in fx.findings(array.concat(fx.base, [log_group("restricted"), fx.idle_role, log_copy(pair[0])]))
		f.principal == "arn:aws:iam::111111111111:role/idle"
		contains(f.msg, "log group 'capture'")
		contains(f.msg, pair[1])
	}
}

test_export_grant_on_a_public_log_group_or_a_listing_is_allowed if {
	count(fx.findings(array.concat(fx.base, [log_group("public"), fx.idle_role, log_copy("logs:CreateExportTask")]))) == 0
	count(fx.findings(array.concat(fx.base, [log_group("restricted"), fx.idle_role, log_copy("logs:DescribeLogStreams")]))) == 0
}
