# METADATA
# title: Firehose stream not encrypted with a customer managed key
# description: >-
#   A Direct PUT Firehose delivery stream buffers captured records (keystrokes, clicks, screen
#   text) at rest. It must use server-side encryption with a customer managed key
#   (serverSideEncryption enabled, keyType CUSTOMER_MANAGED_CMK, keyArn), so that reading the
#   buffered data needs a key whose policy the stack governs. AWS does not accept server-side
#   encryption on a stream whose source is a Kinesis stream or an MSK cluster: those are
#   encrypted at their source (see LD-CAP-004) and are not flagged here.
# custom:
#   id: LD-CAP-001
#   severity: high
#   enforcement: mandatory
#   scope: resource
#   kinds: [firehose_delivery_stream]
#   remediation: Set serverSideEncryption to {enabled = true, keyType = "CUSTOMER_MANAGED_CMK", keyArn = <customer managed KMS key ARN>} on the delivery stream.
#   frameworks:
#     - "SOC 2 CC6.1"
#     - "ISO 27001 A.8.24"
#     - "GDPR Art. 25"
#     - "GDPR Art. 32"
package lockdown.rules.capture.firehose_customer_key

import rego.v1

import data.lockdown.lib.classification
import data.lockdown.lib.services
import data.lockdown.lib.types

deny contains violation if {
	some stream in types.resources_of("firehose_delivery_stream")
	classification.is_protected(stream)
	not has_external_source(stream)
	sse := types.prop(stream, "serverSideEncryption", null)
	problem := sse_problem(sse)
	violation := types.undecided_when(sse_undecided(sse), {
		"urn": stream.urn,
		"msg": sprintf("Firehose delivery stream '%s' %s", [stream.name, problem]),
	})
}

# The encryption settings are not known until the update (the unknown branches of sse_problem).
default sse_undecided(_) := false

sse_undecided(sse) if types.is_unknown(sse)

sse_undecided(sse) if {
	is_object(sse)
	some key in ["enabled", "keyType"]
	types.is_unknown(sse[key])
}

# Server-side encryption is only for Direct PUT streams.
has_external_source(stream) if types.prop(stream, "kinesisSourceConfiguration", null) != null

has_external_source(stream) if types.prop(stream, "mskSourceConfiguration", null) != null

sse_problem(sse) := "has a serverSideEncryption unknown at plan time, so its encryption cannot be verified" if {
	types.is_unknown(sse)
} else := "is not encrypted at rest (no serverSideEncryption)" if {
	not is_object(sse)
} else := sprintf("has serverSideEncryption.%s unknown at plan time, so its encryption cannot be verified", [key]) if {
	some key in ["enabled", "keyType"]
	types.is_unknown(sse[key])
} else := "is not encrypted at rest (serverSideEncryption.enabled is not true)" if {
	services.get(sse, "enabled", false) != true
} else := sprintf("is encrypted with an AWS owned key (keyType %s), not a customer managed key", [key_type]) if {
	key_type := services.get(sse, "keyType", "AWS_OWNED_CMK")
	key_type != "CUSTOMER_MANAGED_CMK"
} else := "uses keyType CUSTOMER_MANAGED_CMK without a keyArn" if {
	not services.is_set_value(services.get(sse, "keyArn", null))
}
