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
import data.lockdown.lib.types

# Other packages' rules read here by key, through rules of this package (see lib/classification.rego).
_log_policy_reads := data.lockdown.lib.reads.log_policy_reads
_log_policy_docs := data.lockdown.lib.reads.log_policy_docs
_by_urn := data.lockdown.lib.types.by_urn

# Who can read logs through these policies is the access model's (lib/reads.rego); this rule
# reports who of them is beyond the allowed readers.
deny contains violation if {
	some read in _log_policy_reads
	read.violation
	violation := {
		"urn": read.via_urn,
		"msg": sprintf("log resource policy '%s' lets %s (%s) read logs: %s", [
			_by_urn[read.via_urn].name, read.principal, read.class, actions.display_list(read.actions),
		]),
	}
}

deny contains violation if {
	some u, parsed in _log_policy_docs
	policy.unreadable(parsed)
	violation := types.undecided_when(policy.undecided(parsed), {
		"urn": u,
		"msg": sprintf("log resource policy '%s': the policy document %s, so who can read logs cannot be verified", [_by_urn[u].name, policy.reason(parsed)]),
	})
}
