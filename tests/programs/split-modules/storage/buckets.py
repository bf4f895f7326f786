"""Buckets, defined in a submodule of the program's package."""

import pulumi_aws as aws


def make_store(name: str) -> aws.s3.Bucket:
    bucket = aws.s3.Bucket(name)
    aws.s3.BucketVersioning(f"{name}-versioning", bucket=bucket.id, versioning_configuration={"status": "Enabled"})
    return bucket
