# METADATA
# title: Firehose stores captured records without a processor
# description: >-
#   Captured interaction records must pass through a Lambda processor (which drops or masks
#   what must not be kept, such as typed passwords) before Firehose stores them. The
#   destination block's processingConfiguration must be enabled and include a processor of
#   type Lambda with a LambdaArn parameter.
# custom:
#   id: LD-CAP-003
#   severity: high
#   enforcement: mandatory
#   scope: resource
#   kinds: [firehose_delivery_stream]
#   remediation: >-
#     In the destination block (e.g. extendedS3Configuration) set processingConfiguration to
#     {enabled = true, processors = [{type = "Lambda", parameters = [{parameterName = "LambdaArn",
#     parameterValue = <function ARN with version>}]}]}.
#   frameworks:
#     - "SOC 2 CC6.7"
#     - "ISO 27001 A.8.11"
#     - "GDPR Art. 25"
#     - "GDPR Art. 5(1)(c)"
package lockdown.rules.capture.firehose_processor

import rego.v1

import data.lockdown.lib.classification
import data.lockdown.lib.services
import data.lockdown.lib.types

# The block that configures each destination.
destination_blocks := {
	"extended_s3": "extendedS3Configuration",
	"redshift": "redshiftConfiguration",
	"elasticsearch": "elasticsearchConfiguration",
	"opensearch": "opensearchConfiguration",
	"opensearchserverless": "opensearchserverlessConfiguration",
	"splunk": "splunkConfiguration",
	"http_endpoint": "httpEndpointConfiguration",
	"snowflake": "snowflakeConfiguration",
	"iceberg": "icebergConfiguration",
}

deny contains violation if {
	some stream in types.resources_of("firehose_delivery_stream")
	classification.is_protected(stream)
	problem := processing_problem(stream)
	violation := types.undecided_when(processing_undecided(stream), {
		"urn": stream.urn,
		"msg": sprintf("Firehose delivery stream '%s' %s", [stream.name, problem]),
	})
}

# The destination or its processing is not known until the update (the unknown branches below).
default processing_undecided(_) := false

processing_undecided(stream) if types.is_unknown(types.prop(stream, "destination", null))

processing_undecided(stream) if {
	key := destination_blocks[types.prop(stream, "destination", null)]
	types.is_unknown(processing(stream, key))
}

processing_problem(stream) := "has a destination unknown at plan time, so its processing cannot be verified" if {
	not services.usable(types.prop(stream, "destination", null))
} else := sprintf("has destination '%s', which Lockdown cannot check for a processor", [dest]) if {
	dest := types.prop(stream, "destination", null)
	not destination_blocks[dest]
} else := sprintf("has a %s unknown at plan time, so its processing cannot be verified", [key]) if {
	key := destination_blocks[types.prop(stream, "destination", null)]
	types.is_unknown(processing(stream, key))
} else := sprintf("stores records without a processor: %s.processingConfiguration is not enabled", [key]) if {
	key := destination_blocks[types.prop(stream, "destination", null)]
	services.get(processing(stream, key), "enabled", false) != true
} else := sprintf("stores records without a Lambda processor: %s.processingConfiguration has no Lambda processor with a LambdaArn", [key]) if {
	key := destination_blocks[types.prop(stream, "destination", null)]
	not has_lambda(processing(stream, key))
}

processing(stream, key) := services.get(types.prop(stream, key, {}), "processingConfiguration", {})

has_lambda(config) if {
	some processor in types.as_list(services.get(config, "processors", []))
	services.get(processor, "type", "") == "Lambda"
	some parameter in types.as_list(services.get(processor, "parameters", []))
	services.get(parameter, "parameterName", "") == "LambdaArn"
	services.is_set_value(services.get(parameter, "parameterValue", null))
}
