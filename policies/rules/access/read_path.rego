# METADATA
# title: Protected data readable through an access path beyond the allowed readers
# description: >-
#   The access model (policies/lib/access) follows every path to protected data that is not a
#   bucket, key or log policy statement: service front doors (Lambda function URLs, Cognito
#   identity pools), federated trust, privilege escalation, copies to places outside the
#   stack's control. A path that admits a principal outside lockdown:allowedReaders extends the
#   reader set as surely as a public bucket policy.
# custom:
#   id: LD-ACCESS-001
#   severity: critical
#   enforcement: mandatory
#   scope: stack
#   gate: analyze
#   remediation: >-
#     Close the path named in the finding: require authentication on the front door, pin the
#     federated subject to one repository and branch, remove the escalation permission, or
#     deliver the copy only to a store that is itself locked down.
#   frameworks:
#     - "SOC 2 CC6.1"
#     - "SOC 2 CC6.3"
#     - "ISO 27001 A.5.15"
#     - "ISO 27001 A.8.3"
#     - "GDPR Art. 32"
package lockdown.rules.access.read_path

import rego.v1

deny contains violation if {
	some e in data.lockdown.lib.access.violations
	violation := data.lockdown.lib.types.undecided_when(object.get(e, "undecided", false), {
		"urn": e.urn,
		"msg": sprintf("%v can read %v: %v", [e.principal, e.store, concat("; ", e.path)]),
		"principal": e.principal,
		"path": e.path,
	})
}
