# METADATA
# title: Lake Formation permissions granted to a broad principal
# description: >-
#   A Lake Formation grant to IAM_ALLOWED_PRINCIPALS hands access control back to IAM, so every
#   principal whose IAM policies allow Glue and S3 access can use the data; a grant to an account
#   id, to <account>:IAMPrincipals, to an organization or organizational unit, or to a principal
#   of another account reaches a whole group of principals none of which the stack names.
#   Every such grant is reported, whatever the permission, because it changes who can be granted
#   data later. A principal unknown at plan time is reported too.
# custom:
#   id: LD-LF-001
#   severity: critical
#   enforcement: mandatory
#   scope: resource
#   kinds: [lakeformation_permissions]
#   remediation: Grant Lake Formation permissions to the named IAM roles on lockdown:allowedReaders only, and revoke grants to IAM_ALLOWED_PRINCIPALS (also remove them from the data lake default permissions).
#   frameworks:
#     - "SOC 2 CC6.1"
#     - "SOC 2 CC6.3"
#     - "ISO 27001 A.5.15"
#     - "ISO 27001 A.8.3"
#     - "GDPR Art. 5(1)(f)"
#     - "GDPR Art. 25"
package lockdown.rules.lakeformation.permissions_broad_principal

import rego.v1

import data.lockdown.lib.services
import data.lockdown.lib.types

# Other packages' rules read here by key, through rules of this package (see lib/classification.rego).
_lf_broad_classes := data.lockdown.lib.services.lf_broad_classes

descriptions := {
	"iam_allowed_principals": "IAM_ALLOWED_PRINCIPALS (everyone IAM lets in)",
	"public": "everyone",
	"account": "every principal of an account",
	"cross_account": "another account",
	"organization": "a whole organization or organizational unit",
}

deny contains violation if {
	some grant in types.resources_of("lakeformation_permissions")
	principal := types.prop(grant, "principal", null)
	class := services.lf_principal_class(principal)
	class in _lf_broad_classes
	violation := {
		"urn": grant.urn,
		"msg": sprintf("Lake Formation permissions '%s' grant %v on %s to %s: %s", [
			grant.name,
			types.as_list(types.prop(grant, "permissions", [])),
			services.lf_target_label(grant),
			principal,
			descriptions[class],
		]),
	}
}

deny contains violation if {
	some grant in types.resources_of("lakeformation_permissions")
	services.lf_principal_class(types.prop(grant, "principal", null)) == "unknown"
	violation := types.undecided({
		"urn": grant.urn,
		"msg": sprintf("Lake Formation permissions '%s' on %s: the principal is unknown at plan time, so it cannot be verified", [grant.name, services.lf_target_label(grant)]),
	})
}
