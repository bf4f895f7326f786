// The incident, reproduced in TypeScript (pulumi-aws v7): the twin of examples/leaky-capture.
// Lockdown must fail this program with the same findings as the Python one.
//
// 1. The transcripts bucket (classified restricted) has a bucket policy that lets every
//    principal in the AWS Organization read it: principal "*" narrowed only by aws:PrincipalOrgID.
// 2. The KMS key that encrypts it also allows "*" to decrypt under kms:CallerAccount.
// 3. The audit trail records no S3 data events and its log group keeps logs forever, unencrypted.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

const config = new pulumi.Config();
const team = config.get("team") || "capture";
const orgId = new pulumi.Config("lockdown").require("organizationId");

const caller = aws.getCallerIdentityOutput();
const partition = aws.getPartitionOutput();
const tags = { team, "data-classification": "restricted" };

const key = new aws.kms.Key("capture-key", {
    description: "Encrypts captured keystrokes and screen transcripts",
    enableKeyRotation: false,
    policy: pulumi.all([partition.partition, caller.accountId]).apply(([part, account]) =>
        JSON.stringify({
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "RootDelegation",
                    Effect: "Allow",
                    Principal: { AWS: `arn:${part}:iam::${account}:root` },
                    Action: "kms:*",
                    Resource: "*",
                },
                {
                    Sid: "AnyoneInTheAccountMayDecrypt",
                    Effect: "Allow",
                    Principal: { AWS: "*" },
                    Action: ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"],
                    Resource: "*",
                    Condition: { StringEquals: { "kms:CallerAccount": account } },
                },
            ],
        }),
    ),
    tags,
});

const transcripts = new aws.s3.Bucket("capture-transcripts", { forceDestroy: true, tags });

new aws.s3.BucketServerSideEncryptionConfiguration("capture-transcripts-sse", {
    bucket: transcripts.id,
    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn } }],
});

const orgRead = aws.iam.getPolicyDocumentOutput({
    statements: [
        {
            sid: "OrganizationMayRead",
            principals: [{ type: "AWS", identifiers: ["*"] }],
            actions: ["s3:GetObject", "s3:ListBucket"],
            resources: [transcripts.arn, pulumi.interpolate`${transcripts.arn}/*`],
            conditions: [{ test: "StringEquals", variable: "aws:PrincipalOrgID", values: [orgId] }],
        },
    ],
});

new aws.s3.BucketPolicy("capture-transcripts-policy", { bucket: transcripts.id, policy: orgRead.json });

const auditLogs = new aws.s3.Bucket("capture-audit-logs", { tags: { ...tags, purpose: "audit" } });

const auditGroup = new aws.cloudwatch.LogGroup("capture-audit", { tags }); // no retention, no KMS key

new aws.cloudtrail.Trail("capture-trail", {
    s3BucketName: auditLogs.id,
    cloudWatchLogsGroupArn: pulumi.interpolate`${auditGroup.arn}:*`,
    includeGlobalServiceEvents: false,
    isMultiRegionTrail: false,
    enableLogFileValidation: false,
    // No event selectors: reads of the transcripts bucket are never recorded.
    tags,
});

export const transcriptsBucket = transcripts.bucket;
export const keyArn = key.arn;
