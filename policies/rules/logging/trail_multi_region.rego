# METADATA
# title: CloudTrail trail not multi-region
# description: >-
#   A single-region trail misses every API call made in the other regions, including reads of
#   restricted data through resources created there. isMultiRegionTrail defaults to false.
# custom:
#   id: LD-LOG-002
#   severity: high
#   enforcement: mandatory
#   scope: resource
#   kinds: [cloudtrail_trail]
#   remediation: Set isMultiRegionTrail to true on the trail.
#   frameworks:
#     - "CIS AWS Foundations 3.1"
#     - "SOC 2 CC7.2"
#     - "ISO 27001 A.8.15"
#     - "GDPR Art. 32"
package lockdown.rules.logging.trail_multi_region

import rego.v1

import data.lockdown.lib.types

deny contains violation if {
	some trail in types.resources_of("cloudtrail_trail")
	value := types.prop(trail, "isMultiRegionTrail", false)
	value != true
	violation := types.undecided_when(types.is_unknown(value), {"urn": trail.urn, "msg": message(trail, value)})
}

message(trail, value) := sprintf("CloudTrail trail '%s': isMultiRegionTrail is unknown at plan time, so multi-region logging cannot be verified", [trail.name]) if {
	types.is_unknown(value)
} else := sprintf("CloudTrail trail '%s' is single-region (isMultiRegionTrail %v): API calls in other regions go unrecorded", [trail.name, value])
