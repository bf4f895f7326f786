# METADATA
# title: Lake Formation default permissions open new databases or tables
# description: >-
#   createDatabaseDefaultPermissions and createTableDefaultPermissions are granted on every
#   new database or table. Any entry for IAM_ALLOWED_PRINCIPALS (the AWS default for accounts
#   that never changed these settings) leaves access to new data to IAM alone, and an entry for
#   another broad principal or a read permission for a principal not on allowedReaders grants
#   it every table created later. An empty list (or omitting the argument, which clears the
#   setting) is the safe setting.
# custom:
#   id: LD-LF-004
#   severity: critical
#   enforcement: mandatory
#   scope: resource
#   kinds: [lakeformation_data_lake_settings]
#   remediation: Set createDatabaseDefaultPermissions and createTableDefaultPermissions to empty lists on the data lake settings, and grant access per database with aws.lakeformation.Permissions.
#   frameworks:
#     - "SOC 2 CC6.1"
#     - "ISO 27001 A.5.15"
#     - "ISO 27001 A.8.3"
#     - "GDPR Art. 25"
package lockdown.rules.lakeformation.default_permissions_open

import rego.v1

import data.lockdown.lib.config
import data.lockdown.lib.services
import data.lockdown.lib.types

# Other packages' rules read here by key, through rules of this package (see lib/classification.rego).
_lf_broad_classes := data.lockdown.lib.services.lf_broad_classes

settings_keys := ["createDatabaseDefaultPermissions", "createTableDefaultPermissions"]

deny contains violation if {
	some settings in types.resources_of("lakeformation_data_lake_settings")
	some key in settings_keys
	some entry in types.as_list(types.prop(settings, key, []))
	problem := entry_problem(entry)
	violation := types.undecided_when(entry_undecided(entry), {
		"urn": settings.urn,
		"msg": sprintf("Lake Formation data lake settings '%s': %s %s", [settings.name, key, problem]),
	})
}

deny contains violation if {
	some settings in types.resources_of("lakeformation_data_lake_settings")
	some key in settings_keys
	types.is_unknown(types.prop(settings, key, []))
	violation := types.undecided({
		"urn": settings.urn,
		"msg": sprintf("Lake Formation data lake settings '%s': %s is unknown at plan time, so default permissions cannot be verified", [settings.name, key]),
	})
}

# The entry's problem is only that it, or its principal, is not known until the update.
default entry_undecided(_) := false

entry_undecided(entry) if types.is_unknown(entry)

entry_undecided(entry) if {
	is_object(entry)
	services.lf_principal_class(services.get(entry, "principal", null)) == "unknown"
}

entry_problem(entry) := "has an entry unknown at plan time" if {
	not is_object(entry)
} else := sprintf("gives %v to %s by default", [perms, principal]) if {
	principal := services.get(entry, "principal", null)
	services.lf_principal_class(principal) in _lf_broad_classes
	perms := types.as_list(services.get(entry, "permissions", []))
	count(perms) > 0
} else := "has an entry whose principal is unknown at plan time" if {
	services.lf_principal_class(services.get(entry, "principal", null)) == "unknown"
} else := sprintf("gives %v to %s, which is not an allowed reader, on every new database or table", [sort(reads), principal]) if {
	principal := services.get(entry, "principal", null)
	not config.is_allowed_reader(principal)
	reads := services.lf_reads(services.get(entry, "permissions", []))
	count(reads) > 0
}
