"""The bug of pulumi/examples' aws-py-langserve: ``Output.all(a, b).apply`` passes one list, so a
callback taking two arguments fails once both values are known. A first ``pulumi preview`` never
runs it (both ARNs are computed by the provider); ``pulumi up`` would fail there.

With config ``variant: secret`` the callback fails with a message that carries a secret instead.
"""

import json

import pulumi
import pulumi_aws as aws

bucket = aws.s3.Bucket("reports", tags={"data-classification": "restricted"})
role = aws.iam.Role(
    "reader",
    assume_role_policy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
            ],
        }
    ),
)


def policy_for(bucket_arn: str, role_arn: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": role_arn},
                    "Action": "s3:GetObject",
                    "Resource": f"{bucket_arn}/*",
                }
            ],
        }
    )


def check_token(values: list[str]) -> str:
    arn, token = values
    raise ValueError(f"token {token} is not valid for {arn}")


if pulumi.Config().get("variant") == "secret":
    document = pulumi.Output.all(bucket.arn, pulumi.Output.secret("tok-5ecret-9f2e")).apply(check_token)
else:
    document = pulumi.Output.all(bucket.arn, role.arn).apply(
        lambda bucket_arn, role_arn: policy_for(bucket_arn, role_arn)
    )
aws.s3.BucketPolicy("reports-policy", bucket=bucket.id, policy=document)
