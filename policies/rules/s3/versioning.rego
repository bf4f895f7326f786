# METADATA
# title: Restricted bucket without versioning
# description: >-
#   A restricted or confidential bucket does not have versioning enabled, so an overwrite or
#   delete (by mistake or by an attacker) loses data and its history.
# custom:
#   id: LD-S3-008
#   severity: medium
#   enforcement: advisory
#   scope: stack
#   gate: stack
#   remediation: Add an aws.s3.BucketVersioning with versioningConfiguration.status "Enabled".
#   fix_python: |-
#     aws.s3.BucketVersioning(
#         "$name-versioning",
#         bucket=$var.id,
#         versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"),
#     )
#   frameworks:
#     - "CIS AWS Foundations 2.1.2"
#     - "SOC 2 A1.2"
#     - "ISO 27001 A.8.13"
#     - "GDPR Art. 32"
package lockdown.rules.s3.versioning

import rego.v1

import data.lockdown.lib.classification
import data.lockdown.lib.s3
import data.lockdown.lib.types

deny contains violation if {
	some b in data.lockdown.lib.classification.protected_buckets
	status := s3.versioning_status(b)
	status != "Enabled"
	violation := types.undecided_when(status == "unknown", {
		"urn": b.urn,
		"msg": sprintf("bucket '%s' (%s) does not have versioning enabled (%s)", [b.name, classification.level(b), _status(status)]),
	})
}

_status("absent") := "no versioning configuration"

_status("unknown") := "not known at plan time"

_status(s) := lower(s) if not s in {"absent", "unknown"}
