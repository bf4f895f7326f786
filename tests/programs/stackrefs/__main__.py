"""Stack references: outputs come from --config stackref:<stack>:<output>=VALUE."""

import pulumi
import pulumi_aws as aws

network = pulumi.StackReference("acme/network/prod")
vpc_id = network.get_output("vpcId")
subnets = network.require_output("subnetIds")
missing = network.get_output("notGiven")

aws.ec2.SecurityGroup(
    "app", vpc_id=vpc_id, description="app", tags={"subnets": subnets.apply(lambda s: ",".join(s or []))}
)
aws.sns.Topic("missing", tags={"value": missing.apply(lambda v: str(v))})
