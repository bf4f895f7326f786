"""The lookups and components real programs use, the way they use them, with no stack file.

- an ECR token base64-decoded and split into user and password (container registries);
- the availability zones indexed, the latest Amazon Linux AMI, the default VPC and its subnets;
- a multi-language (remote) component in the style of awsx.ec2.Vpc whose outputs feed resources.
"""

import base64

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
size = config.get("instanceSize") or "t3.micro"

repo = aws.ecr.Repository("app")
token = aws.ecr.get_authorization_token()
user, password = base64.b64decode(token.authorization_token).decode().split(":")
aws.secretsmanager.Secret("registry-login", tags={"user": user, "server": token.proxy_endpoint})
aws.secretsmanager.SecretVersion("registry-password", secret_id="registry-login", secret_string=password)
token_out = aws.ecr.get_authorization_token_output(registry_id=repo.registry_id)
aws.ssm.Parameter("registry-user", type="String", value=token_out.user_name)

zones = aws.get_availability_zones(state="available")
ami = aws.ec2.get_ami(
    most_recent=True,
    owners=["amazon"],
    filters=[aws.ec2.GetAmiFilterArgs(name="name", values=["al2023-ami-*-x86_64"])],
)
default_vpc = aws.ec2.get_vpc(default=True)
subnets = aws.ec2.get_subnets(filters=[aws.ec2.GetSubnetsFilterArgs(name="vpc-id", values=[default_vpc.id])])
group = aws.ec2.SecurityGroup("web", vpc_id=default_vpc.id)
aws.ec2.Instance(
    "web",
    ami=ami.id,
    instance_type=size,
    availability_zone=zones.names[1],
    subnet_id=subnets.ids[0],
    vpc_security_group_ids=[group.id],
    tags={"image": ami.name, "arch": ami.architecture, "zoneId": zones.zone_ids[1]},
)


class Network(pulumi.ComponentResource):
    """Shaped like awsx.ec2.Vpc: implemented in another language's provider (``remote=True``)."""

    vpc_id: pulumi.Output[str]
    public_subnet_ids: pulumi.Output[list]

    def __init__(self, name: str, cidr_block: str, opts: pulumi.ResourceOptions | None = None) -> None:
        props = {"cidr_block": cidr_block, "nat_gateways": {"strategy": "None"}}
        props.update(vpc_id=None, public_subnet_ids=None)  # outputs the provider fills in
        super().__init__("examplex:ec2:Vpc", name, props, opts, remote=True)


network = Network("net", cidr_block="10.20.0.0/16")
eip = aws.ec2.Eip("nat")
aws.ec2.NatGateway("nat", subnet_id=network.public_subnet_ids[0], allocation_id=eip.allocation_id)
aws.ec2.SecurityGroup("inside", vpc_id=network.vpc_id)
pulumi.export("firstSubnet", network.public_subnet_ids.apply(lambda ids: ids[0]))
