"""Written against pulumi-aws v6 names: BucketV2 and the ...V2 sub-resources."""

import json

import pulumi_aws as aws

bucket = aws.s3.BucketV2("legacy", tags={"data-classification": "confidential"})
aws.s3.BucketServerSideEncryptionConfigurationV2(
    "legacy-sse",
    bucket=bucket.id,
    rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}}],
)
aws.s3.BucketVersioningV2("legacy-versioning", bucket=bucket.id, versioning_configuration={"status": "Enabled"})
aws.s3.BucketPolicy(
    "legacy-policy",
    bucket=bucket.id,
    policy=bucket.arn.apply(
        lambda arn: json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"{arn}/*"}],
            }
        )
    ),
)
