# METADATA
# title: Identity policy grants every action of a sensitive service
# description: >-
#   An IAM identity policy allows "*", a whole sensitive service ("s3:*", "kms:*", "logs:*",
#   "iam:*", "sts:*", "sagemaker:*", "firehose:*", "glue:*", "lakeformation:*", "cloudtrail:*")
#   or uses NotAction in an Allow, so it grants reads of restricted data and far more.
# custom:
#   id: LD-IAM-004
#   severity: high
#   enforcement: mandatory
#   scope: resource
#   kinds: [iam_group_policy, iam_policy, iam_role, iam_role_policy, iam_user_policy]
#   remediation: List the actions the principal needs instead of service-wide wildcards or NotAction.
#   frameworks:
#     - "CIS AWS Foundations 1.16"
#     - "SOC 2 CC6.3"
#     - "ISO 27001 A.8.2"
#     - "GDPR Art. 25"
package lockdown.rules.iam.wildcard_actions

import rego.v1

import data.lockdown.lib.actions
import data.lockdown.lib.iam
import data.lockdown.lib.types

_policy_kinds := {"iam_policy", "iam_role_policy", "iam_user_policy", "iam_group_policy"}

# Every identity document a resource of kind `kind` carries itself: [{"label", "parsed"}].
documents(r, kind) := [{"label": "policy", "parsed": iam.doc_of(r)}] if {
	kind in _policy_kinds
} else := [{"label": sprintf("inline policy %v", [object.get(ip, "name", "")]), "parsed": iam.inline_doc(r, i, ip)} |
	some i, ip in types.as_list(types.prop(r, "inlinePolicies", null))
	is_object(ip)
]

_document_kinds := _policy_kinds | {"iam_role"}

deny contains violation if {
	some k in _document_kinds
	some r in types.resources_of(k)
	some d in documents(r, k)
	some stmt in d.parsed.statements
	stmt.effect == "Allow"
	what := _wildcard(stmt)
	violation := {
		"urn": r.urn,
		"msg": sprintf("'%s' (%s) allows %s", [r.name, d.label, what]),
	}
}

_wildcard(stmt) := sprintf("NotAction %v, i.e. every other action", [stmt.not_actions]) if {
	stmt.uses_not_action
} else := concat(", ", sort(ws)) if {
	ws := actions.wildcard_patterns(stmt)
	count(ws) > 0
}
