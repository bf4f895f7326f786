package lockdown.rules.logging.log_subscription_cross_account_test

import rego.v1

import data.lockdown.rules.logging.log_subscription_cross_account

unknown := "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

own := {"accountIds": ["111122223333"]}

group_urn := "urn:pulumi:dev::lockdown::aws:cloudwatch/logGroup:LogGroup::capture-lambda"

group(tags) := {
	"urn": group_urn,
	"type": "aws:cloudwatch/logGroup:LogGroup",
	"name": "capture-lambda",
	"id": "/aws/lambda/capture",
	"properties": {"name": "/aws/lambda/capture", "tags": tags},
	"unknowns": [],
}

filter(props, deps) := {
	"urn": "urn:pulumi:dev::lockdown::aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter::ship",
	"type": "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter",
	"name": "ship",
	"properties": object.union({"logGroup": "/aws/lambda/capture", "filterPattern": ""}, props),
	"dependencies": deps,
	"unknowns": [],
}

foreign_stream := "arn:aws:kinesis:eu-west-1:444455556666:stream/collector"

own_stream := "arn:aws:kinesis:eu-west-1:111122223333:stream/collector"

test_foreign_destination_is_denied if {
	findings := log_subscription_cross_account.deny with input as {"resources": [group({}), filter({"destinationArn": foreign_stream}, [])]}
		with data.lockdown.config as own
	count(findings) == 1
	some f in findings
	contains(f.msg, "account 444455556666")
	contains(f.msg, "'/aws/lambda/capture'")
}

test_foreign_destination_for_group_outside_stack_is_denied if {
	findings := log_subscription_cross_account.deny with input as {"resources": [filter({"destinationArn": foreign_stream}, [])]}
		with data.lockdown.config as own
	count(findings) == 1
}

test_own_destination_with_no_account_ids_is_denied if {
	findings := log_subscription_cross_account.deny with input as {"resources": [group({}), filter({"destinationArn": own_stream}, [])]}
		with data.lockdown.config as {}
	count(findings) == 1
}

test_unknown_destination_is_denied if {
	findings := log_subscription_cross_account.deny with input as {"resources": [group({}), filter({"destinationArn": unknown}, [])]}
		with data.lockdown.config as own
	some f in findings
	contains(f.msg, "unknown at plan time")
}

test_destination_without_account_is_denied if {
	findings := log_subscription_cross_account.deny with input as {"resources": [group({}), filter({"destinationArn": "collector"}, [])]}
		with data.lockdown.config as own
	some f in findings
	contains(f.msg, "names no account")
}

test_own_account_destination_is_allowed if {
	findings := log_subscription_cross_account.deny with input as {"resources": [group({}), filter({"destinationArn": own_stream}, [])]}
		with data.lockdown.config as own
	count(findings) == 0
}

test_public_log_group_shipped_abroad_is_allowed if {
	resources := [group({"data-classification": "public"}), filter({"destinationArn": foreign_stream}, [])]
	findings := log_subscription_cross_account.deny with input as {"resources": resources}
		with data.lockdown.config as own
	count(findings) == 0
}

test_unknown_group_name_resolved_by_dependency if {
	resources := [
		group({"data-classification": "internal"}),
		filter({"logGroup": unknown, "destinationArn": foreign_stream}, [group_urn]),
	]
	findings := log_subscription_cross_account.deny with input as {"resources": resources}
		with data.lockdown.config as own
	count(findings) == 0
}

test_unknown_group_name_without_dependency_is_denied if {
	resources := [
		group({"data-classification": "internal"}),
		filter({"logGroup": unknown, "destinationArn": foreign_stream}, []),
	]
	findings := log_subscription_cross_account.deny with input as {"resources": resources}
		with data.lockdown.config as own
	some f in findings
	contains(f.msg, "(unknown)")
}
