package lockdown.rules.logging.log_group_retention_test

import rego.v1

import data.lockdown.rules.logging.log_group_retention

unknown := "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

group(props) := {
	"urn": "urn:pulumi:dev::lockdown::aws:cloudwatch/logGroup:LogGroup::capture-lambda",
	"type": "aws:cloudwatch/logGroup:LogGroup",
	"name": "capture-lambda",
	"properties": props,
	"unknowns": [],
}

test_unset_retention_is_denied if {
	findings := log_group_retention.deny with input as {"resources": [group({})]}
		with data.lockdown.config as {}
	count(findings) == 1
	some f in findings
	contains(f.msg, "never expires")
}

test_zero_retention_is_denied if {
	findings := log_group_retention.deny with input as {"resources": [group({"retentionInDays": 0})]}
		with data.lockdown.config as {}
	count(findings) == 1
}

test_retention_over_default_limit_is_denied if {
	findings := log_group_retention.deny with input as {"resources": [group({"retentionInDays": 400})]}
		with data.lockdown.config as {}
	count(findings) == 1
	some f in findings
	contains(f.msg, "400 days, more than maxLogRetentionDays 365")
}

test_retention_over_configured_limit_is_denied if {
	findings := log_group_retention.deny with input as {"resources": [group({"retentionInDays": 90})]}
		with data.lockdown.config as {"maxLogRetentionDays": 30}
	count(findings) == 1
}

test_unknown_retention_is_denied if {
	findings := log_group_retention.deny with input as {"resources": [group({"retentionInDays": unknown})]}
		with data.lockdown.config as {}
	some f in findings
	contains(f.msg, "unknown at plan time")
}

test_non_numeric_retention_is_denied if {
	findings := log_group_retention.deny with input as {"resources": [group({"retentionInDays": "thirty"})]}
		with data.lockdown.config as {}
	count(findings) == 1
}

test_retention_within_limit_is_allowed if {
	findings := log_group_retention.deny with input as {"resources": [group({"retentionInDays": 365})]}
		with data.lockdown.config as {}
	count(findings) == 0
}

test_public_group_without_retention_is_allowed if {
	props := {"tags": {"data-classification": "public"}}
	findings := log_group_retention.deny with input as {"resources": [group(props)]}
		with data.lockdown.config as {}
	count(findings) == 0
}
