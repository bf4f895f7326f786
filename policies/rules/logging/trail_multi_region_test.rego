package lockdown.rules.logging.trail_multi_region_test

import rego.v1

import data.lockdown.rules.logging.trail_multi_region

unknown := "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

trail(props) := {
	"urn": "urn:pulumi:dev::lockdown::aws:cloudtrail/trail:Trail::audit",
	"type": "aws:cloudtrail/trail:Trail",
	"name": "audit",
	"properties": props,
	"unknowns": [],
}

test_default_single_region_is_denied if {
	findings := trail_multi_region.deny with input as {"resources": [trail({})]}
		with data.lockdown.config as {}
	count(findings) == 1
	some f in findings
	contains(f.msg, "single-region")
}

test_explicit_single_region_is_denied if {
	findings := trail_multi_region.deny with input as {"resources": [trail({"isMultiRegionTrail": false})]}
		with data.lockdown.config as {}
	count(findings) == 1
}

test_unknown_multi_region_is_denied if {
	findings := trail_multi_region.deny with input as {"resources": [trail({"isMultiRegionTrail": unknown})]}
		with data.lockdown.config as {}
	some f in findings
	contains(f.msg, "unknown at plan time")
}

test_multi_region_is_allowed if {
	findings := trail_multi_region.deny with input as {"resources": [trail({"isMultiRegionTrail": true})]}
		with data.lockdown.config as {}
	count(findings) == 0
}

test_other_types_are_ignored if {
	other := object.union(trail({}), {"type": "aws:cloudtrail/eventDataStore:EventDataStore"})
	findings := trail_multi_region.deny with input as {"resources": [other]}
		with data.lockdown.config as {}
	count(findings) == 0
}
