package lockdown.lib.arn_test

import rego.v1

import data.lockdown.lib.arn

bucket_rec(a) := {"urn": "urn:b", "type": "aws:s3/bucket:Bucket", "name": "b", "properties": {"bucket": "b", "arn": a}}

test_partition_defaults_to_aws if {
	arn.partition == "aws" with input as {"resources": []}
	arn.bucket("b") == "arn:aws:s3:::b" with input as {"resources": []}
}

test_partition_from_the_stack_arns if {
	arn.partition == "aws-us-gov" with input as {"resources": [bucket_rec("arn:aws-us-gov:s3:::b")]}
	arn.objects("k.corp") == "arn:aws-cn:s3:::k.corp/*" with input as {"resources": [bucket_rec("arn:aws-cn:s3:::b")]}
}

test_partition_from_the_provider_region if {
	provider := {"urn": "urn:p", "type": "pulumi:providers:aws", "name": "default", "properties": {"region": "cn-north-1"}}
	arn.partition == "aws-cn" with input as {"resources": [provider, bucket_rec("arn:aws:s3:::b")]}
}

test_region_partitions if {
	arn.region_partition("us-gov-west-1") == "aws-us-gov"
	arn.region_partition("cn-northwest-1") == "aws-cn"
	arn.region_partition("eu-west-1") == "aws"
}
