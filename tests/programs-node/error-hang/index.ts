import * as aws from "@pulumi/aws";

// A tag waits on a promise nothing will ever settle: the plan must fail, not hang or pass.
new aws.s3.Bucket("waiting", { tags: { owner: new Promise<string>(() => undefined) } });
