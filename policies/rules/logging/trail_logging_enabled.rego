# METADATA
# title: CloudTrail trail not logging
# description: >-
#   A trail whose logging is stopped (enableLogging false) records nothing: reads of restricted
#   data, key use and policy changes go unrecorded, and nobody can tell afterwards who read what.
# custom:
#   id: LD-LOG-001
#   severity: critical
#   enforcement: mandatory
#   scope: resource
#   kinds: [cloudtrail_trail]
#   remediation: Remove enableLogging or set it to true on the trail.
#   frameworks:
#     - "CIS AWS Foundations 3.1"
#     - "SOC 2 CC7.2"
#     - "ISO 27001 A.8.15"
#     - "GDPR Art. 32"
package lockdown.rules.logging.trail_logging_enabled

import rego.v1

import data.lockdown.lib.types

deny contains violation if {
	some trail in types.resources_of("cloudtrail_trail")
	types.prop(trail, "enableLogging", true) == false
	violation := {
		"urn": trail.urn,
		"msg": sprintf("CloudTrail trail '%s' has enableLogging false: it records no events", [trail.name]),
	}
}

deny contains violation if {
	some trail in types.resources_of("cloudtrail_trail")
	types.is_unknown(types.prop(trail, "enableLogging", true))
	violation := types.undecided({
		"urn": trail.urn,
		"msg": sprintf("CloudTrail trail '%s': enableLogging is unknown at plan time, so logging cannot be verified", [trail.name]),
	})
}
