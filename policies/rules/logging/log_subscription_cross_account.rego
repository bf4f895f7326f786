# METADATA
# title: Restricted logs shipped to another account
# description: >-
#   A subscription filter copies every matching event of its log group to its destination. A
#   destination (Kinesis stream, Firehose stream, Lambda function or logs destination) in an
#   account that is not one of accountIds makes that account a reader of the logs, outside every
#   policy in this stack. Logs are restricted unless their group in the stack is tagged with an
#   unprotected classification; a destination unknown at plan time cannot be verified.
# custom:
#   id: LD-LOG-010
#   severity: critical
#   enforcement: mandatory
#   scope: stack
#   gate: analyze
#   remediation: Point destinationArn at a stream or function in one of the accounts listed in lockdown:accountIds, or add that account to accountIds if it is your own.
#   frameworks:
#     - "SOC 2 CC6.7"
#     - "ISO 27001 A.5.14"
#     - "GDPR Art. 5(1)(f)"
#     - "GDPR Art. 32"
package lockdown.rules.logging.log_subscription_cross_account

import rego.v1

import data.lockdown.lib.config
import data.lockdown.lib.services
import data.lockdown.lib.types

deny contains violation if {
	some filter in types.resources_of("log_subscription_filter")
	services.logs_protected(filter, "logGroup")
	destination := types.prop(filter, "destinationArn", null)
	problem := destination_problem(destination)
	violation := types.undecided_when(types.is_unknown(destination), {
		"urn": filter.urn,
		"msg": sprintf("subscription filter '%s' on log group '%s' %s", [filter.name, group_label(filter), problem]),
	})
}

destination_problem(arn) := "has a destinationArn unknown at plan time, so the receiving account cannot be verified" if {
	not services.usable(arn)
} else := sprintf("ships logs to %s, which names no account", [arn]) if {
	not services.arn_account(arn)
} else := sprintf("ships logs to account %s (%s), which is not in accountIds", [acct, arn]) if {
	acct := services.arn_account(arn)
	not config.is_own_account(acct)
}

group_label(filter) := name if {
	name := types.prop(filter, "logGroup", null)
	services.usable(name)
} else := "(unknown)"
