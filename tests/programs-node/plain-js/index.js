// Compiled (or hand-written) JavaScript: no TypeScript toolchain involved.
"use strict";
const aws = require("@pulumi/aws");

const caller = aws.getCallerIdentityOutput();
const bucket = new aws.s3.Bucket("js-bucket", { tags: { account: caller.accountId } });
exports.bucketName = bucket.bucket;
