# METADATA
# title: Restricted bucket accepts requests without TLS
# description: >-
#   A restricted or confidential bucket's policy has no Deny for requests where
#   aws:SecureTransport is false, so data can be read and written over plain HTTP.
# custom:
#   id: LD-S3-011
#   severity: medium
#   enforcement: mandatory
#   scope: stack
#   gate: stack
#   remediation: >-
#     Add {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [bucket ARN, bucket
#     ARN + "/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}} to the bucket policy.
#   frameworks:
#     - "CIS AWS Foundations 2.1.1"
#     - "SOC 2 CC6.7"
#     - "ISO 27001 A.8.24"
#     - "GDPR Art. 32"
package lockdown.rules.s3.tls_only

import rego.v1

import data.lockdown.lib.actions
import data.lockdown.lib.classification
import data.lockdown.lib.s3

deny contains violation if {
	some b in data.lockdown.lib.classification.protected_buckets
	not _tls_enforced(b)
	violation := {
		"urn": b.urn,
		"msg": sprintf("bucket '%s' (%s) does not deny requests without TLS (aws:SecureTransport false)", [b.name, classification.level(b)]),
	}
}

_tls_enforced(b) if {
	some f in s3.statement_facts(b)
	s := f.stmt
	s.effect == "Deny"
	not s.not_principal
	some p in s.principals
	p.id == "*"
	"s3:getobject" in f.reads
	actions.grants(s, "s3:putobject")
	f.all_objects
	f.bucket
	some c in s.conditions
	c.key == "aws:securetransport"
	c.base == "bool"
	c.values == ["false"]
}
