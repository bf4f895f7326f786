# METADATA
# title: Setting allows retention over the hard ceiling
# description: >-
#   maxRetentionDays above 90 or maxLogRetentionDays above 365 lets captured data or its logs be
#   kept longer than Lockdown ever allows, however the stack is configured: the retention rules
#   would then accept a lifecycle of 100,000 days.
# custom:
#   id: LD-SET-003
#   severity: high
#   enforcement: mandatory
#   scope: stack
#   gate: stack
#   remediation: Set maxRetentionDays to at most 90 and maxLogRetentionDays to at most 365.
#   frameworks:
#     - "SOC 2 C1.2"
#     - "ISO 27001 A.8.10"
#     - "GDPR Art. 5(1)(e)"
package lockdown.rules.settings.retention_ceiling

import rego.v1

import data.lockdown.lib.config

# The hard ceilings, in days (objects of restricted data, and logs of it).
ceilings := {"maxRetentionDays": 90, "maxLogRetentionDays": 365}

values := {"maxRetentionDays": config.max_retention_days, "maxLogRetentionDays": config.max_log_retention_days}

deny contains violation if {
	some setting, ceiling in ceilings
	values[setting] > ceiling
	violation := {
		"urn": sprintf("lockdown:settings:%s", [setting]),
		"msg": sprintf("setting %s is %v days, over the hard ceiling of %v days", [setting, values[setting], ceiling]),
	}
}
