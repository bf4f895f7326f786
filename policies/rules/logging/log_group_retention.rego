# METADATA
# title: Log group of restricted data kept too long
# description: >-
#   Logs of restricted data must expire: a log group without retentionInDays (or with 0) keeps
#   its events forever, and one whose retention exceeds the maxLogRetentionDays setting (default
#   365) keeps them longer than the stack allows. A retention unknown at plan time cannot be
#   verified and is reported.
# custom:
#   id: LD-LOG-008
#   severity: medium
#   enforcement: mandatory
#   scope: resource
#   kinds: [log_group]
#   remediation: Set retentionInDays on the log group to a value CloudWatch accepts (1, 3, 5, 7, 14, 30, 60, 90, ...) no greater than maxLogRetentionDays.
#   frameworks:
#     - "SOC 2 C1.2"
#     - "ISO 27001 A.8.10"
#     - "GDPR Art. 5(1)(e)"
package lockdown.rules.logging.log_group_retention

import rego.v1

import data.lockdown.lib.classification
import data.lockdown.lib.types

deny contains violation if {
	some group in types.resources_of("log_group")
	classification.is_protected(group)
	days := types.prop(group, "retentionInDays", 0)
	problem := retention_problem(days)
	violation := types.undecided_when(types.is_unknown(days), {
		"urn": group.urn,
		"msg": sprintf("log group '%s' (%s) %s", [group.name, classification.level_label(group), problem]),
	})
}

retention_problem(days) := "has a retentionInDays unknown at plan time, so its retention cannot be verified" if {
	types.is_unknown(days)
} else := "never expires its events (retentionInDays unset or 0)" if {
	days == 0
} else := sprintf("has retentionInDays %v, which is not a number of days", [days]) if {
	not is_number(days)
} else := sprintf("keeps events %v days, more than maxLogRetentionDays %v", [days, data.lockdown.lib.config.max_log_retention_days]) if {
	days > data.lockdown.lib.config.max_log_retention_days
}
