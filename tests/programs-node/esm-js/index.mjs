// An ES-module program: loaded with import(), not require().
import * as aws from "@pulumi/aws";

const bucket = new aws.s3.Bucket("esm-bucket", { tags: { style: "esm" } });
export const bucketName = bucket.bucket;
