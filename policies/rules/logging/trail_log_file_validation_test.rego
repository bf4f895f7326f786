package lockdown.rules.logging.trail_log_file_validation_test

import rego.v1

import data.lockdown.rules.logging.trail_log_file_validation

unknown := "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

trail(props) := {
	"urn": "urn:pulumi:dev::lockdown::aws:cloudtrail/trail:Trail::audit",
	"type": "aws:cloudtrail/trail:Trail",
	"name": "audit",
	"properties": props,
	"unknowns": [],
}

test_default_validation_off_is_denied if {
	findings := trail_log_file_validation.deny with input as {"resources": [trail({})]}
		with data.lockdown.config as {}
	count(findings) == 1
	some f in findings
	contains(f.msg, "validation off")
}

test_unknown_validation_is_denied if {
	findings := trail_log_file_validation.deny with input as {"resources": [trail({"enableLogFileValidation": unknown})]}
		with data.lockdown.config as {}
	some f in findings
	contains(f.msg, "unknown at plan time")
}

test_validation_on_is_allowed if {
	findings := trail_log_file_validation.deny with input as {"resources": [trail({"enableLogFileValidation": true})]}
		with data.lockdown.config as {}
	count(findings) == 0
}
