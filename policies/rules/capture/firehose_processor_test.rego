package lockdown.rules.capture.firehose_processor_test

import rego.v1

import data.lockdown.rules.capture.firehose_processor

unknown := "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

lambda_arn := "arn:aws:lambda:eu-west-1:111122223333:function:scrub:1"

stream(props) := {
	"urn": "urn:pulumi:dev::lockdown::aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream::capture",
	"type": "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
	"name": "capture",
	"properties": props,
	"unknowns": [],
}

findings_for(props) := findings if {
	findings := firehose_processor.deny with input as {"resources": [stream(props)]}
		with data.lockdown.config as {}
}

lambda_processor(arn) := {"type": "Lambda", "parameters": [
	{"parameterName": "LambdaArn", "parameterValue": arn},
	{"parameterName": "NumberOfRetries", "parameterValue": "3"},
]}

ext(processing) := {"destination": "extended_s3", "extendedS3Configuration": {
	"bucketArn": "arn:aws:s3:::capture-data",
	"processingConfiguration": processing,
}}

test_no_processing_is_denied if {
	record := {
		"urn": "urn:pulumi:dev::lockdown::aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream::capture",
		"type": "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
		"name": "capture",
		"properties": {"destination": "extended_s3", "extendedS3Configuration": {"bucketArn": "arn:aws:s3:::capture-data"}},
		"unknowns": [],
	}
	findings := firehose_processor.deny with input as {"resources": [record]}
		with data.lockdown.config as {}
	count(findings) == 1
	some f in findings
	contains(f.msg, "extendedS3Configuration.processingConfiguration is not enabled")
}

test_lambda_processor_is_allowed if {
	record := {
		"urn": "urn:pulumi:dev::lockdown::aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream::capture",
		"type": "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
		"name": "capture",
		"properties": {"destination": "extended_s3", "extendedS3Configuration": {
			"bucketArn": "arn:aws:s3:::capture-data",
			"processingConfiguration": {"enabled": true, "processors": [{
				"type": "Lambda",
				"parameters": [{"parameterName": "LambdaArn", "parameterValue": lambda_arn}],
			}]},
		}},
		"unknowns": [],
	}
	findings := firehose_processor.deny with input as {"resources": [record]}
		with data.lockdown.config as {}
	count(findings) == 0
}

test_processing_disabled_is_denied if {
	count(findings_for(ext({"enabled": false, "processors": [lambda_processor(lambda_arn)]}))) == 1
}

test_processing_without_lambda_is_denied if {
	processing := {"enabled": true, "processors": [{"type": "AppendDelimiterToRecord"}]}
	some f in findings_for(ext(processing))
	contains(f.msg, "no Lambda processor")
}

test_lambda_without_arn_is_denied if {
	processing := {"enabled": true, "processors": [{"type": "Lambda", "parameters": []}]}
	count(findings_for(ext(processing))) == 1
}

test_unknown_processing_is_denied if {
	some f in findings_for(ext(unknown))
	contains(f.msg, "unknown at plan time")
}

test_unknown_destination_is_denied if {
	some f in findings_for({"destination": unknown})
	contains(f.msg, "destination unknown")
}

test_unsupported_destination_is_denied if {
	some f in findings_for({"destination": "s3"})
	contains(f.msg, "destination 's3'")
}

test_lambda_arn_from_unknown_output_is_allowed if {
	count(findings_for(ext({"enabled": true, "processors": [lambda_processor(unknown)]}))) == 0
}

test_http_endpoint_with_lambda_is_allowed if {
	props := {"destination": "http_endpoint", "httpEndpointConfiguration": {
		"url": "https://collector.example.com",
		"processingConfiguration": {"enabled": true, "processors": [lambda_processor(lambda_arn)]},
	}}
	count(findings_for(props)) == 0
}

test_public_stream_is_allowed if {
	props := object.union(ext({"enabled": false}), {"tags": {"data-classification": "public"}})
	count(findings_for(props)) == 0
}
