import * as aws from "@pulumi/aws";

new aws.s3.Bucket("first");
const limit: number = 3;
if (limit > 2) {
    throw new Error("capture limit exceeded");
}
