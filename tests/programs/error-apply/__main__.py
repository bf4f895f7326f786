"""A program that fails inside an apply callback, after its resources were registered."""

import pulumi_aws as aws


def tag_for(name: str) -> str:
    return {"known": "yes"}[name.split("-")[0]]


bucket = aws.s3.Bucket("raw")
aws.sns.Topic("topic", tags={"bucket": bucket.bucket.apply(tag_for)})
