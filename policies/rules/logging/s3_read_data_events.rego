# METADATA
# title: Restricted bucket reads not recorded by CloudTrail
# description: >-
#   Every restricted bucket must be covered by S3 read data events of an enabled CloudTrail
#   trail in the stack (classic event selectors with readWriteType All or ReadOnly and an
#   AWS::S3::Object data resource covering the bucket, or advanced selectors on Data events of
#   AWS::S3::Object not limited to writes), otherwise nobody can tell who read its objects.
#   A trail's own destination bucket is exempt: CloudTrail is not expected to record reads of
#   its log files in the same trail. A bucket whose ARN is unknown at plan time is covered only
#   by selectors covering every bucket.
# custom:
#   id: LD-LOG-006
#   severity: high
#   enforcement: mandatory
#   scope: stack
#   gate: stack
#   remediation: >-
#     Add to an enabled trail an event selector with readWriteType All (or ReadOnly) and a
#     dataResources entry of type AWS::S3::Object whose values include "<bucket ARN>/", or an
#     advanced event selector with eventCategory = Data, resources.type = AWS::S3::Object and
#     resources.ARN startsWith "<bucket ARN>/".
#   frameworks:
#     - "CIS AWS Foundations 3.11"
#     - "SOC 2 CC7.2"
#     - "ISO 27001 A.8.15"
#     - "GDPR Art. 5(2)"
#     - "GDPR Art. 32"
package lockdown.rules.logging.s3_read_data_events

import rego.v1

import data.lockdown.lib.classification
import data.lockdown.lib.services
import data.lockdown.lib.types

# Other packages' rules read here by key, through rules of this package (see lib/classification.rego).
_trail_destination_bucket_urns := data.lockdown.lib.services.trail_destination_bucket_urns

deny contains violation if {
	some bucket in data.lockdown.lib.classification.buckets
	classification.is_protected(bucket)
	not bucket.urn in _trail_destination_bucket_urns
	arn := services.bucket_arn(bucket)
	not services.stack_covers_bucket(arn)
	violation := types.undecided_when(undecided(bucket), {"urn": bucket.urn, "msg": message(bucket, arn)})
}

# Whether the verdict rests on a value unknown at plan time (as the message below says).
undecided(bucket) := false if {
	count(data.lockdown.lib.services.trails) == 0
} else := true if {
	not services.bucket_arn_known(bucket)
} else := count(data.lockdown.lib.services.trails_with_unknown_selectors) > 0

message(bucket, arn) := sprintf("bucket '%s' (%s) is in a stack with no CloudTrail trail to record reads of it", [bucket.name, classification.level_label(bucket)]) if {
	count(data.lockdown.lib.services.trails) == 0
} else := sprintf("bucket '%s': its ARN is unknown at plan time and no enabled trail records S3 read data events for every bucket", [bucket.name]) if {
	not services.bucket_arn_known(bucket)
} else := sprintf("bucket '%s' (%s): trail %s has S3 data event selectors unknown at plan time, so whether it records reads of %s/ cannot be verified", [bucket.name, classification.level_label(bucket), concat(", ", sort(data.lockdown.lib.services.trails_with_unknown_selectors)), arn]) if {
	count(data.lockdown.lib.services.trails_with_unknown_selectors) > 0
} else := sprintf("bucket '%s' (%s): no enabled CloudTrail trail records S3 read data events for %s/", [bucket.name, classification.level_label(bucket), arn])
