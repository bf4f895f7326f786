# METADATA
# title: CloudTrail log file validation disabled
# description: >-
#   Without log file validation, deleted or edited CloudTrail log files cannot be detected, so
#   the record of who read restricted data can be altered unnoticed. It defaults to false.
# custom:
#   id: LD-LOG-003
#   severity: high
#   enforcement: mandatory
#   scope: resource
#   kinds: [cloudtrail_trail]
#   remediation: Set enableLogFileValidation to true on the trail.
#   fix_python: |-
#     $var = aws.cloudtrail.Trail(
#         "$name",
#         enable_log_file_validation=True,
#         # ...the trail's other arguments, unchanged
#     )
#   frameworks:
#     - "CIS AWS Foundations 3.2"
#     - "SOC 2 CC7.2"
#     - "ISO 27001 A.8.15"
#     - "GDPR Art. 5(1)(f)"
package lockdown.rules.logging.trail_log_file_validation

import rego.v1

import data.lockdown.lib.types

deny contains violation if {
	some trail in types.resources_of("cloudtrail_trail")
	value := types.prop(trail, "enableLogFileValidation", false)
	value != true
	violation := types.undecided_when(types.is_unknown(value), {"urn": trail.urn, "msg": message(trail, value)})
}

message(trail, value) := sprintf("CloudTrail trail '%s': enableLogFileValidation is unknown at plan time, so log integrity cannot be verified", [trail.name]) if {
	types.is_unknown(value)
} else := sprintf("CloudTrail trail '%s' has log file validation off (enableLogFileValidation %v)", [trail.name, value])
