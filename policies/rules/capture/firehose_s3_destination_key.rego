# METADATA
# title: Firehose writes captured data to S3 without a customer managed key
# description: >-
#   Every S3 location a Firehose delivery stream writes to (the extended S3 destination, its
#   backup when s3BackupMode is Enabled, and the s3Configuration of other destinations, which
#   receives failed or all records) must be encrypted with a customer managed key through
#   kmsKeyArn. Without it objects carry only the bucket default, and an AWS managed key
#   (alias/aws/s3) can be used by anyone in the account who can read the bucket.
#   A kmsKeyArn that is an output of another resource (unknown at plan time) counts as set.
# custom:
#   id: LD-CAP-002
#   severity: high
#   enforcement: mandatory
#   scope: resource
#   kinds: [firehose_delivery_stream]
#   remediation: Set kmsKeyArn to a customer managed KMS key ARN in extendedS3Configuration (and its s3BackupConfiguration) or in the s3Configuration of the destination block.
#   frameworks:
#     - "SOC 2 CC6.1"
#     - "ISO 27001 A.8.24"
#     - "GDPR Art. 32"
package lockdown.rules.capture.firehose_s3_destination_key

import rego.v1

import data.lockdown.lib.classification
import data.lockdown.lib.services
import data.lockdown.lib.types

# Destination blocks other than extended S3; each holds an s3Configuration.
other_destinations := [
	"redshiftConfiguration", "elasticsearchConfiguration", "opensearchConfiguration",
	"opensearchserverlessConfiguration", "splunkConfiguration", "httpEndpointConfiguration",
	"snowflakeConfiguration", "icebergConfiguration",
]

deny contains violation if {
	some stream in types.resources_of("firehose_delivery_stream")
	classification.is_protected(stream)
	some path, block in s3_blocks(stream)
	problem := key_problem(services.get(block, "kmsKeyArn", null))
	violation := {
		"urn": stream.urn,
		"msg": sprintf("Firehose delivery stream '%s' writes to S3 through %s %s", [stream.name, path, problem]),
	}
}

deny contains violation if {
	some stream in types.resources_of("firehose_delivery_stream")
	classification.is_protected(stream)
	some key in array.concat(["extendedS3Configuration"], other_destinations)
	types.is_unknown(types.prop(stream, key, null))
	violation := types.undecided({
		"urn": stream.urn,
		"msg": sprintf("Firehose delivery stream '%s' has a %s unknown at plan time, so the encryption of its S3 writes cannot be verified", [stream.name, key]),
	})
}

# Every S3 write block of the stream, by property path.
s3_blocks(stream) := {path: block |
	some path, block in candidate_blocks(stream)
	is_object(block)
}

candidate_blocks(stream) := object.union(extended_blocks(stream), other_blocks(stream))

extended_blocks(stream) := {"extendedS3Configuration": ext} if {
	ext := types.prop(stream, "extendedS3Configuration", null)
	not backup_in_use(ext, "s3BackupConfiguration")
} else := {
	"extendedS3Configuration": ext,
	"extendedS3Configuration.s3BackupConfiguration": services.get(ext, "s3BackupConfiguration", null),
} if {
	ext := types.prop(stream, "extendedS3Configuration", null)
}

other_blocks(stream) := {sprintf("%s.%s", [key, sub]): block |
	some key in other_destinations
	config := types.prop(stream, key, null)
	is_object(config)
	some sub in ["s3Configuration", "s3BackupConfiguration"]
	block := services.get(config, sub, null)
	backup_in_use(config, sub)
}

backup_in_use(_, sub) if sub == "s3Configuration"

backup_in_use(config, sub) if {
	sub == "s3BackupConfiguration"
	services.get(config, "s3BackupMode", "Disabled") == "Enabled"
}

key_problem(key) := "without kmsKeyArn, so its objects are not encrypted with a customer managed key" if {
	not services.is_set_value(key)
} else := sprintf("with the AWS managed key %s instead of a customer managed key", [key]) if {
	contains(key, "alias/aws/")
}
