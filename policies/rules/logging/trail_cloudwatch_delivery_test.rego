package lockdown.rules.logging.trail_cloudwatch_delivery_test

import rego.v1

import data.lockdown.rules.logging.trail_cloudwatch_delivery

unknown := "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

trail(props) := {
	"urn": "urn:pulumi:dev::lockdown::aws:cloudtrail/trail:Trail::audit",
	"type": "aws:cloudtrail/trail:Trail",
	"name": "audit",
	"properties": props,
	"unknowns": [],
}

test_no_delivery_is_denied if {
	findings := trail_cloudwatch_delivery.deny with input as {"resources": [trail({})]}
		with data.lockdown.config as {}
	count(findings) == 1
	some f in findings
	contains(f.msg, "cloudWatchLogsGroupArn and cloudWatchLogsRoleArn not set")
}

test_group_without_role_is_denied if {
	props := {"cloudWatchLogsGroupArn": "arn:aws:logs:eu-west-1:111122223333:log-group:trail:*"}
	findings := trail_cloudwatch_delivery.deny with input as {"resources": [trail(props)]}
		with data.lockdown.config as {}
	some f in findings
	contains(f.msg, "cloudWatchLogsRoleArn not set")
	not contains(f.msg, "cloudWatchLogsGroupArn")
}

test_group_and_role_are_allowed if {
	props := {
		"cloudWatchLogsGroupArn": "arn:aws:logs:eu-west-1:111122223333:log-group:trail:*",
		"cloudWatchLogsRoleArn": unknown,
	}
	findings := trail_cloudwatch_delivery.deny with input as {"resources": [trail(props)]}
		with data.lockdown.config as {}
	count(findings) == 0
}
