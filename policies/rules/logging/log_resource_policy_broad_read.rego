# METADATA
# title: Log resource policy lets broad or unlisted principals read logs
# description: >-
#   A CloudWatch Logs resource policy Allow that grants reading log events (GetLogEvents,
#   FilterLogEvents, StartQuery, StartLiveTail, Unmask, logs:Get*, logs:*, NotAction, ...) or
#   copying them out (CreateExportTask, PutSubscriptionFilter) to anyone, another account, the
#   organization, a whole account or a principal not on allowedReaders makes it a reader of the
#   logs. An AWS service principal pinned to our accounts or resources by aws:SourceAccount or
#   aws:SourceArn is not a reader. A broad Allow is reported even when a Deny neutralizes it
#   today. A policy that cannot be read (unknown at plan time, secret, invalid) is reported.
#   Stack scope: an aws:userid pin is resolved against the roles of the stack.
# custom:
#   id: LD-LOG-009
#   severity: critical
#   enforcement: mandatory
#   scope: stack
#   gate: analyze
#   remediation: >-
#     Limit the policy's Allow statements that grant log reads to principals on
#     lockdown:allowedReaders, and pin service principals with aws:SourceAccount / aws:SourceArn
#     conditions naming your accounts.
#   frameworks:
#     - "SOC 2 CC6.1"
#     - "ISO 27001 A.5.15"
#     - "ISO 27001 A.8.3"
#     - "GDPR Art. 5(1)(f)"
#     - "GDPR Art. 32"
package lockdown.rules.logging.log_resource_policy_broad_read

import rego.v1

import data.lockdown.lib.actions
import data.lockdown.lib.policy
import data.lockdown.lib.principals
import data.lockdown.lib.types

deny contains violation if {
	some r in types.resources_of("log_resource_policy")
	parsed := policy.parse(types.prop(r, "policyDocument", null))
	some stmt in policy.allows(parsed)
	reads := actions.granted(stmt, data.lockdown.lib.actions.logs_read)
	count(reads) > 0
	some entry in principals.audience(stmt)
	principals.is_violation(entry)
	violation := {
		"urn": r.urn,
		"msg": sprintf("log resource policy '%s' lets %s (%s) read logs: %s", [
			r.name, entry.principal, entry.class, actions.display_list(reads),
		]),
	}
}

deny contains violation if {
	some r in types.resources_of("log_resource_policy")
	parsed := policy.parse(types.prop(r, "policyDocument", null))
	policy.unreadable(parsed)
	violation := types.undecided_when(policy.undecided(parsed), {
		"urn": r.urn,
		"msg": sprintf("log resource policy '%s': the policy document %s, so who can read logs cannot be verified", [r.name, policy.reason(parsed)]),
	})
}
