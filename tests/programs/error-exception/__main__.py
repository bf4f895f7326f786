"""A program that fails while it runs."""

import helpers
import pulumi_aws as aws

bucket = aws.s3.Bucket("ok")
helpers.explode("transcripts")
