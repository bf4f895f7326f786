// Config of every kind, a secret, a stack reference, a component, an explicit provider, an
// unknown output and an invoke that waits on it: what the nodejs runtime must record.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { EncryptedBucket } from "./store";

const config = new pulumi.Config();
const names = config.requireObject<string[]>("names");
const password = config.requireSecret("dbPassword");

const store = new EncryptedBucket("capture-data");
new aws.ssm.Parameter("password", { type: "SecureString", value: password });
new aws.secretsmanager.Secret("token", { description: pulumi.secret("do-not-print-me") });
new aws.sqs.Queue("events", { tags: { names: names.join(","), origin: store.bucket.bucket.apply((b) => b.toUpperCase()) } });

const network = new pulumi.StackReference("acme/network/prod");
new aws.ec2.SecurityGroup("app", { vpcId: network.getOutput("vpcId"), description: network.requireOutput("notGiven") });

// An output the planner cannot know: the trail's home region is computed by AWS.
const trail = new aws.cloudtrail.Trail("trail", { s3BucketName: store.bucket.id });
new aws.sns.Topic("home", { tags: { region: trail.homeRegion } });
const unknownDoc = aws.iam.getPolicyDocumentOutput({
    statements: [{ actions: ["s3:GetObject"], resources: [trail.homeRegion] }],
});
new aws.s3.BucketPolicy("unknown-policy", { bucket: store.bucket.id, policy: unknownDoc.json });

const east = new aws.Provider("east", { region: "us-east-1" });
new aws.s3.Bucket("replica", {}, { provider: east, dependsOn: [store] });

export const bucket = store.bucket.bucket;
