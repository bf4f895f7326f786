"""Identity invokes, lookups with placeholders, and an invoke the planner does not model."""

import pulumi
import pulumi_aws as aws

caller = aws.get_caller_identity()
region = aws.get_region()
partition = aws.get_partition()
zones = aws.get_availability_zones(state="available")
parsed = aws.get_arn(arn="arn:aws:iam::999988887777:role/deployer")
vpc = aws.ec2.get_vpc(default=True)
subnets = aws.ec2.get_subnets(filters=[{"name": "vpc-id", "values": [vpc.id]}])
unmodelled = aws.ec2.get_instance_type(instance_type="t3.micro")

aws.sns.Topic(
    "facts",
    tags={
        "account": caller.account_id,
        "region": region.region,
        "partition": partition.partition,
        "zones": ",".join(zones.names),
        "arnAccount": parsed.account,
        "vpc": vpc.id,
        "subnets": str(len(subnets.ids)),
        "unmodelled": str(unmodelled.default_vcpus),
    },
)
pulumi.export("account", caller.account_id)

# Reading an existing resource: not planned, and said so.
existing = aws.s3.Bucket.get("existing", "corp-existing-bucket")
aws.sns.Topic("existing-ref", tags={"arn": existing.arn})
