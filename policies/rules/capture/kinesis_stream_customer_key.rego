# METADATA
# title: Kinesis stream of captured data not encrypted with a customer managed key
# description: >-
#   A Kinesis data stream holding captured records (for example the source of a Firehose
#   delivery stream, which then cannot encrypt them itself) must use encryptionType KMS with a
#   customer managed key. The default is no encryption, and the AWS managed key
#   alias/aws/kinesis can be used by anyone in the account allowed to read the stream.
# custom:
#   id: LD-CAP-004
#   severity: high
#   enforcement: mandatory
#   scope: resource
#   kinds: [kinesis_stream]
#   remediation: Set encryptionType to "KMS" and kmsKeyId to a customer managed KMS key ARN or alias on the stream.
#   frameworks:
#     - "SOC 2 CC6.1"
#     - "ISO 27001 A.8.24"
#     - "GDPR Art. 32"
package lockdown.rules.capture.kinesis_stream_customer_key

import rego.v1

import data.lockdown.lib.classification
import data.lockdown.lib.services
import data.lockdown.lib.types

deny contains violation if {
	some stream in services.resources_of_extra("kinesis_stream")
	classification.is_protected(stream)
	kind := types.prop(stream, "encryptionType", "NONE")
	problem := encryption_problem(kind, types.prop(stream, "kmsKeyId", null))
	violation := types.undecided_when(types.is_unknown(kind), {
		"urn": stream.urn,
		"msg": sprintf("Kinesis stream '%s' %s", [stream.name, problem]),
	})
}

encryption_problem(kind, key) := "has an encryptionType unknown at plan time, so its encryption cannot be verified" if {
	types.is_unknown(kind)
} else := sprintf("is not encrypted (encryptionType %s)", [kind]) if {
	kind != "KMS"
} else := "has encryptionType KMS without a kmsKeyId" if {
	not services.is_set_value(key)
} else := sprintf("is encrypted with the AWS managed key %s instead of a customer managed key", [key]) if {
	contains(key, "alias/aws/")
}
