# METADATA
# title: Setting lets another account read or administer protected data
# description: >-
#   An allowedReaders or keyAdministrators entry whose account is not one of the accountIds
#   setting lets a principal outside the organization read restricted data or administer its
#   keys, and a pull request can add one without touching a resource. Such an entry is a
#   finding of its own, not an exception the other rules quietly accept.
# custom:
#   id: LD-SET-001
#   severity: critical
#   enforcement: mandatory
#   scope: stack
#   gate: stack
#   remediation: Remove the principal from the setting, or add its account to accountIds if it really is one of the organization's own accounts.
#   frameworks:
#     - "SOC 2 CC6.1"
#     - "ISO 27001 A.5.15"
#     - "GDPR Art. 32"
package lockdown.rules.settings.cross_account_reader

import rego.v1

import data.lockdown.lib.config

deny contains violation if {
	some setting in ["allowedReaders", "keyAdministrators"]
	some arn in object.get(config.settings, setting, [])
	account := arn_account(arn)
	not config.is_own_account(account)
	violation := {
		"urn": sprintf("lockdown:settings:%s", [setting]),
		"msg": sprintf("setting %s names %s, of account %s, which is not one of accountIds", [setting, arn, account]),
	}
}

# The account field of an IAM ARN (arn:partition:iam::ACCOUNT:...), "" when there is none.
arn_account(arn) := parts[4] if {
	parts := split(arn, ":")
	count(parts) >= 6
} else := ""
