# METADATA
# title: KMS grant lets a non-reader decrypt
# description: >-
#   A KMS grant (aws.kms.Grant) gives Decrypt, ReEncryptFrom, ReEncryptTo or CreateGrant to a
#   grantee that is not an allowed reader, or to a grantee unknown at plan time. Grants bypass the
#   key policy, so they extend the reader set just as a policy statement would.
# custom:
#   id: LD-KMS-003
#   severity: high
#   enforcement: mandatory
#   scope: resource
#   kinds: [kms_grant]
#   remediation: Give decrypting grants only to principals in lockdown:allowedReaders, or remove the grant.
#   frameworks:
#     - "SOC 2 CC6.1"
#     - "SOC 2 CC6.3"
#     - "ISO 27001 A.8.24"
#     - "GDPR Art. 32"
package lockdown.rules.kms.grant_non_reader

import rego.v1

import data.lockdown.lib.principals
import data.lockdown.lib.types

_decrypting := {"Decrypt", "ReEncryptFrom", "ReEncryptTo", "CreateGrant"}

deny contains violation if {
	some r in types.resources_of("kms_grant")
	ops := {o | some o in types.as_list(types.prop(r, "operations", null))} & _decrypting
	count(ops) > 0
	grantee := types.prop(r, "granteePrincipal", null)
	not principals.allowed_principal(grantee)
	violation := types.undecided_when(types.is_unknown(grantee), {
		"urn": r.urn,
		"msg": sprintf("KMS grant '%s' gives %s to %s, which is not an allowed reader", [r.name, concat(", ", sort(ops)), _label(grantee)]),
		"principal": _label(grantee),
	})
}

deny contains violation if {
	some r in types.resources_of("kms_grant")
	types.is_unknown(types.prop(r, "operations", null))
	violation := types.undecided({
		"urn": r.urn,
		"msg": sprintf("KMS grant '%s': its operations are not known at plan time", [r.name]),
	})
}

_label(g) := "a grantee not known at plan time" if types.is_unknown(g)

_label(g) := sprintf("%v", [g]) if not types.is_unknown(g)
