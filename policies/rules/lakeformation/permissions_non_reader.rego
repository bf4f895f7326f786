# METADATA
# title: Lake Formation read permission on restricted data to a non-reader
# description: >-
#   A Lake Formation grant of SELECT, ALL, SUPER or DATA_LOCATION_ACCESS on restricted data
#   (a Glue database or S3 location classified restricted or confidential, or a target the stack
#   does not hold) to a principal that is not on lockdown:allowedReaders makes it a reader.
#   Permissions that are unknown at plan time are treated as reads.
# custom:
#   id: LD-LF-002
#   severity: critical
#   enforcement: mandatory
#   scope: stack
#   gate: analyze
#   remediation: Grant read permissions on restricted databases, tables and locations only to principals on lockdown:allowedReaders, or add the principal there after review.
#   frameworks:
#     - "SOC 2 CC6.1"
#     - "SOC 2 CC6.3"
#     - "ISO 27001 A.5.15"
#     - "ISO 27001 A.8.3"
#     - "GDPR Art. 5(1)(f)"
#     - "GDPR Art. 32"
package lockdown.rules.lakeformation.permissions_non_reader

import rego.v1

import data.lockdown.lib.config
import data.lockdown.lib.services
import data.lockdown.lib.types

deny contains violation if {
	some grant in types.resources_of("lakeformation_permissions")
	principal := types.prop(grant, "principal", null)
	services.lf_principal_class(principal) == "named"
	not config.is_allowed_reader(principal)
	reads := read_permissions(grant)
	count(reads) > 0
	services.lf_target_protected(grant)
	violation := types.undecided_when(count(reads - {"(unknown)"}) == 0, {
		"urn": grant.urn,
		"msg": sprintf("Lake Formation permissions '%s' grant %v on %s to %s, which is not an allowed reader", [
			grant.name, sort(reads), services.lf_target_label(grant), principal,
		]),
	})
}

read_permissions(grant) := {"(unknown)"} if {
	perms := types.prop(grant, "permissions", [])
	types.is_unknown(perms)
} else := services.lf_reads(types.prop(grant, "permissions", [])) | {"(unknown)" |
	some p in types.as_list(types.prop(grant, "permissions", []))
	types.is_unknown(p)
}
