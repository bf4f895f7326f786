// A component in its own module: its children are declared here, so findings point here.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

export class EncryptedBucket extends pulumi.ComponentResource {
    public readonly bucket: aws.s3.Bucket;

    constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
        super("lockdown:test:EncryptedBucket", name, {}, opts);
        this.bucket = new aws.s3.Bucket(name, { tags: { "data-classification": "restricted" } }, { parent: this });
        new aws.s3.BucketPublicAccessBlock(`${name}-block`, { bucket: this.bucket.id, blockPublicPolicy: true }, {
            parent: this,
        });
        this.registerOutputs({ bucket: this.bucket.bucket });
    }
}
