# METADATA
# title: Lake Formation read permission on restricted data granted with grant option
# description: >-
#   permissionsWithGrantOptions lets the grantee pass the permission on to any principal, in
#   any account, without a change to this stack: the reader set of the data becomes whatever the
#   grantee decides. A grant option on a read permission (SELECT, ALL, SUPER,
#   DATA_LOCATION_ACCESS) of restricted data is a violation even for an allowed reader.
# custom:
#   id: LD-LF-003
#   severity: high
#   enforcement: mandatory
#   scope: stack
#   gate: analyze
#   remediation: Remove the read permissions from permissionsWithGrantOptions; grant each reader directly from the stack.
#   frameworks:
#     - "SOC 2 CC6.1"
#     - "SOC 2 CC6.3"
#     - "ISO 27001 A.5.15"
#     - "GDPR Art. 5(1)(f)"
package lockdown.rules.lakeformation.permissions_grant_option

import rego.v1

import data.lockdown.lib.services
import data.lockdown.lib.types

deny contains violation if {
	some grant in types.resources_of("lakeformation_permissions")
	options := grant_options(grant)
	count(options) > 0
	services.lf_target_protected(grant)
	violation := types.undecided_when(count(options - {"(unknown)"}) == 0, {
		"urn": grant.urn,
		"msg": sprintf("Lake Formation permissions '%s' give %s %v on %s with grant option: they can pass read access to anyone", [
			grant.name, principal_label(grant), sort(options), services.lf_target_label(grant),
		]),
	})
}

grant_options(grant) := {"(unknown)"} if {
	types.is_unknown(types.prop(grant, "permissionsWithGrantOptions", []))
} else := services.lf_reads(types.prop(grant, "permissionsWithGrantOptions", [])) | {"(unknown)" |
	some p in types.as_list(types.prop(grant, "permissionsWithGrantOptions", []))
	types.is_unknown(p)
}

principal_label(grant) := p if {
	p := types.prop(grant, "principal", null)
	services.usable(p)
} else := "a principal unknown at plan time"
