package lockdown.rules.settings.retention_ceiling_test

import rego.v1

import data.lockdown.rules.settings.retention_ceiling

test_retention_over_the_ceiling_is_denied if {
	findings := retention_ceiling.deny with input as {"resources": []}
		with data.lockdown.config as {"maxRetentionDays": 100000}
	count(findings) == 1
	some f in findings
	contains(f.msg, "100000 days, over the hard ceiling of 90 days")
}

test_log_retention_over_the_ceiling_is_denied if {
	findings := retention_ceiling.deny with input as {"resources": []}
		with data.lockdown.config as {"maxLogRetentionDays": 3650}
	count(findings) == 1
}

test_retention_at_the_ceiling_is_allowed if {
	findings := retention_ceiling.deny with input as {"resources": []}
		with data.lockdown.config as {"maxRetentionDays": 90, "maxLogRetentionDays": 365}
	count(findings) == 0
}
