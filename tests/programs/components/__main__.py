"""Components with children, apply chains, Output.all, get_policy_document, secrets."""

import json

import pulumi
import pulumi_aws as aws


class EncryptedBucket(pulumi.ComponentResource):
    """A bucket and its public access block, as a reusable component."""

    def __init__(self, name, opts=None):
        super().__init__("lockdown:test:EncryptedBucket", name, None, opts)
        self.bucket = aws.s3.Bucket(
            name, tags={"data-classification": "restricted"}, opts=pulumi.ResourceOptions(parent=self)
        )
        self.block = aws.s3.BucketPublicAccessBlock(
            f"{name}-block",
            bucket=self.bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({"arn": self.bucket.arn})


class CaptureStore(pulumi.ComponentResource):
    """A component holding another component: URNs carry the whole parent type chain."""

    def __init__(self, name, opts=None):
        super().__init__("lockdown:test:CaptureStore", name, None, opts)
        self.store = EncryptedBucket(f"{name}-data", opts=pulumi.ResourceOptions(parent=self))
        self.register_outputs({})


store = CaptureStore("capture")
bucket = store.store.bucket

base = aws.iam.get_policy_document(
    statements=[
        {
            "sid": "DenyInsecure",
            "effect": "Deny",
            "principals": [{"type": "*", "identifiers": ["*"]}],
            "actions": ["s3:*"],
            "resources": ["*"],
            "conditions": [{"test": "Bool", "variable": "aws:SecureTransport", "values": ["false"]}],
        },
        {"sid": "Placeholder", "actions": ["s3:ListBucket"], "resources": ["*"]},
    ]
)
override = aws.iam.get_policy_document(
    statements=[
        {
            "sid": "Placeholder",
            "effect": "Deny",
            "not_actions": ["s3:GetObject", "s3:PutObject"],
            "not_resources": ["arn:aws:s3:::other"],
            "principals": [{"type": "AWS", "identifiers": ["*"]}],
        }
    ]
)

document = aws.iam.get_policy_document_output(
    source_policy_documents=[base.json],
    override_policy_documents=[override.json],
    statements=[
        {
            "sid": "OrgRead",
            "principals": [{"type": "AWS", "identifiers": ["*"]}],
            "actions": ["s3:GetObject"],
            "resources": [bucket.arn.apply(lambda arn: f"{arn}/*")],
            "conditions": [{"test": "StringEquals", "variable": "aws:PrincipalOrgID", "values": ["o-exampleorg1"]}],
        }
    ],
)

policy = aws.s3.BucketPolicy("capture-policy", bucket=bucket.id, policy=document.json)

# Output.all + apply chain building a JSON document by hand.
role = aws.iam.Role(
    "reader",
    assume_role_policy=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "sagemaker.amazonaws.com"}}
            ],
        }
    ),
)
inline = aws.iam.RolePolicy(
    "reader-inline",
    role=role.name,
    policy=pulumi.Output.all(bucket.arn, role.arn).apply(
        lambda args: json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "s3:GetObject",
                        "Resource": f"{args[0]}/*",
                        "Condition": {"ArnEquals": {"aws:PrincipalArn": args[1]}},
                    }
                ],
            }
        )
    ),
)
upper = bucket.bucket.apply(lambda b: b.upper()).apply(lambda b: f"chain:{b}")
queue = aws.sqs.Queue("events", tags={"origin": upper})

# Secrets: an Output.secret input and an additional secret output.
secret = aws.secretsmanager.Secret("token", description=pulumi.Output.secret("do-not-print-me"))
param = aws.ssm.Parameter(
    "password", type="SecureString", value="hunter2", opts=pulumi.ResourceOptions(additional_secret_outputs=["value"])
)

# An output the planner cannot know: the trail's home region is computed by AWS.
trail = aws.cloudtrail.Trail("trail", s3_bucket_name=bucket.id)
aws.sns.Topic("home", tags={"region": trail.home_region})

# An explicit provider with default tags, and depends_on a component.
west = aws.Provider("east", region="us-east-1", default_tags={"tags": {"owner": "platform"}})
aws.s3.Bucket("replica", opts=pulumi.ResourceOptions(provider=west, depends_on=[store]))

pulumi.export("bucket", bucket.bucket)

# A policy document built from a value nobody knows at plan time is itself unknown.
unknown_doc = aws.iam.get_policy_document_output(
    statements=[{"actions": ["s3:GetObject"], "resources": [trail.home_region]}]
)
aws.s3.BucketPolicy("unknown-policy", bucket=bucket.id, policy=unknown_doc.json)


# A stack transform (run by the engine, not by the SDK's mock monitor) tags later buckets.
def classify(args: pulumi.ResourceTransformArgs):
    if args.type_ == "aws:s3/bucket:Bucket":
        return pulumi.ResourceTransformResult(
            {**args.props, "tags": {**(args.props.get("tags") or {}), "transformed": "yes"}}, args.opts
        )
    return None


pulumi.runtime.register_stack_transform(classify)
aws.s3.Bucket("after-transform", tags={"data-classification": "internal"})
