package lockdown.rules.logging.trail_logging_enabled_test

import rego.v1

import data.lockdown.rules.logging.trail_logging_enabled

unknown := "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

trail(props) := {
	"urn": "urn:pulumi:dev::lockdown::aws:cloudtrail/trail:Trail::audit",
	"type": "aws:cloudtrail/trail:Trail",
	"name": "audit",
	"properties": props,
	"unknowns": [],
}

test_logging_stopped_is_denied if {
	findings := trail_logging_enabled.deny with input as {"resources": [trail({"enableLogging": false})]}
		with data.lockdown.config as {}
	count(findings) == 1
	some f in findings
	contains(f.msg, "'audit'")
	contains(f.msg, "enableLogging false")
}

test_unknown_enable_logging_is_denied if {
	findings := trail_logging_enabled.deny with input as {"resources": [trail({"enableLogging": unknown})]}
		with data.lockdown.config as {}
	count(findings) == 1
	some f in findings
	contains(f.msg, "unknown at plan time")
}

test_default_logging_is_allowed if {
	findings := trail_logging_enabled.deny with input as {"resources": [trail({"s3BucketName": "audit-logs"})]}
		with data.lockdown.config as {}
	count(findings) == 0
}

test_logging_enabled_is_allowed if {
	findings := trail_logging_enabled.deny with input as {"resources": [trail({"enableLogging": true})]}
		with data.lockdown.config as {}
	count(findings) == 0
}
