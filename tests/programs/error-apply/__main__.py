"""A program that fails inside an apply callback, after its resources were registered, on a value
a first preview knows too (the bucket's name, from config): planned again as a first preview, it
fails the same way."""

import pulumi
import pulumi_aws as aws


def tag_for(name: str) -> str:
    return {"known": "yes"}[name.split("-")[0]]


bucket = aws.s3.Bucket("raw", bucket=f"{pulumi.Config().require('prefix')}-data")
aws.sns.Topic("topic", tags={"bucket": bucket.bucket.apply(tag_for)})
