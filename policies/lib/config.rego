# Lockdown's settings as the rules read them, each with its strictest default.
#
# The engine passes the resolved settings (lockdown/settings.py) as data.lockdown.config;
# when a key is missing (a test, a partial settings file) the strictest meaning applies:
# nobody is an allowed reader or key administrator, no account is our own, and an
# untagged store is restricted.
package lockdown.lib.config

import rego.v1

default settings := {}

settings := data.lockdown.config if is_object(data.lockdown.config)

# Principal ARNs allowed to read protected data (roles, users).
allowed_readers := {p | some p in object.get(settings, "allowedReaders", [])}

# Principal ARNs allowed to administer (never use) customer managed keys.
key_administrators := {p | some p in object.get(settings, "keyAdministrators", [])}

# The organization's own AWS account ids; any other account is external.
account_ids := {sprintf("%v", [a]) | some a in object.get(settings, "accountIds", [])}

organization_id := object.get(settings, "organizationId", "")

default classification_tag := "data-classification"

classification_tag := settings.classificationTag if {
	is_string(settings.classificationTag)
	settings.classificationTag != ""
}

default default_classification := "restricted"

default_classification := lower(settings.defaultClassification) if {
	is_string(settings.defaultClassification)
	settings.defaultClassification != ""
}

default protected_classifications := {"restricted", "confidential"}

protected_classifications := {lower(c) | some c in settings.protectedClassifications} if {
	is_array(settings.protectedClassifications)
}

default max_retention_days := 30

max_retention_days := settings.maxRetentionDays if is_number(settings.maxRetentionDays)

default max_log_retention_days := 365

max_log_retention_days := settings.maxLogRetentionDays if is_number(settings.maxLogRetentionDays)

# True when the principal ARN is on the allowlist (exact match, case-sensitive as IAM ARNs are).
is_allowed_reader(arn) if arn in allowed_readers

is_key_administrator(arn) if arn in key_administrators

# True when the account id is one of ours.
is_own_account(acct) if acct in account_ids
