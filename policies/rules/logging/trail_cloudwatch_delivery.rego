# METADATA
# title: CloudTrail trail not delivering to CloudWatch Logs
# description: >-
#   A trail that delivers only to S3 cannot drive metric filters and alarms, so an unexpected
#   read of restricted data or a policy change is noticed only when someone reads the files.
#   Delivery needs both cloudWatchLogsGroupArn and cloudWatchLogsRoleArn.
# custom:
#   id: LD-LOG-005
#   severity: medium
#   enforcement: mandatory
#   scope: resource
#   kinds: [cloudtrail_trail]
#   remediation: Set cloudWatchLogsGroupArn (the log group ARN followed by ":*") and cloudWatchLogsRoleArn (a role CloudTrail can assume to write to it) on the trail.
#   frameworks:
#     - "CIS AWS Foundations 3.4"
#     - "SOC 2 CC7.2"
#     - "ISO 27001 A.8.16"
#     - "GDPR Art. 32"
package lockdown.rules.logging.trail_cloudwatch_delivery

import rego.v1

import data.lockdown.lib.services
import data.lockdown.lib.types

required := ["cloudWatchLogsGroupArn", "cloudWatchLogsRoleArn"]

deny contains violation if {
	some trail in types.resources_of("cloudtrail_trail")
	missing := [key | some key in required; not services.is_set_value(types.prop(trail, key, null))]
	count(missing) > 0
	violation := {
		"urn": trail.urn,
		"msg": sprintf("CloudTrail trail '%s' does not deliver to CloudWatch Logs: %s not set", [trail.name, concat(" and ", missing)]),
	}
}
