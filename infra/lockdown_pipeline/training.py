"""Training: an isolated network, the artifact bucket, the Glue catalog and the training role's rights.

- The VPC has private subnets only: no internet gateway, no NAT. S3 is reached through a
  gateway endpoint whose policy names the pipeline's buckets and the training role only, so a
  training job cannot copy data to any other bucket, even one in another account.
- The training role (created in ``access``) reads the curated prefix only and decrypts with the
  curated key only; it writes model artifacts to their own encrypted bucket.
- The Glue database is governed by Lake Formation: data lake settings give nothing to
  ``IAM_ALLOWED_PRINCIPALS`` (the "everyone with IAM access" default) and the only grant is
  to the training role.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from lockdown_pipeline import policy
from lockdown_pipeline.classification import Classification
from lockdown_pipeline.settings import PipelineSettings
from lockdown_pipeline.storage import DataKey, SecureBucket, SecureBucketArgs


@dataclass
class TrainingArgs:
    settings: PipelineSettings
    training_role: aws.iam.Role
    auditor_role: aws.iam.Role
    curated_bucket: SecureBucket
    curated_key: DataKey
    access_log_bucket: pulumi.Input[str]


class Training(pulumi.ComponentResource):
    """VPC, S3 gateway endpoint, security group, artifact bucket, Glue + Lake Formation."""

    vpc: aws.ec2.Vpc
    subnets: list[aws.ec2.Subnet]
    security_group: aws.ec2.SecurityGroup
    artifacts: SecureBucket
    database: aws.glue.CatalogDatabase

    def __init__(self, name: str, args: TrainingArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("lockdown:pipeline:Training", name, None, opts)
        s = args.settings
        child = pulumi.ResourceOptions(parent=self)
        net_tags = {"owner": s.owner, "purpose": "model-training", **s.extra_tags}

        self.vpc = aws.ec2.Vpc(
            "training-vpc",
            cidr_block=s.vpc_cidr,
            enable_dns_support=True,
            enable_dns_hostnames=True,
            tags={**net_tags, "Name": s.resource_name("training")},
            opts=child,
        )
        # Private subnets: no public IPs, and (below) no route to an internet gateway or NAT.
        self.subnets = [
            aws.ec2.Subnet(
                f"training-private-{zone}",
                vpc_id=self.vpc.id,
                cidr_block=cidr,
                availability_zone=zone,
                map_public_ip_on_launch=False,
                tags={**net_tags, "Name": s.resource_name(f"private-{zone}")},
                opts=child,
            )
            for zone, cidr in zip(s.availability_zones, s.private_subnet_cidrs(), strict=True)
        ]
        route_table = aws.ec2.RouteTable(
            "training-private-routes",
            vpc_id=self.vpc.id,
            routes=[],  # only the VPC-local route and the S3 endpoint's prefix list
            tags={**net_tags, "Name": s.resource_name("private")},
            opts=child,
        )
        for subnet, zone in zip(self.subnets, s.availability_zones, strict=True):
            aws.ec2.RouteTableAssociation(
                f"training-private-{zone}-routes", route_table_id=route_table.id, subnet_id=subnet.id, opts=child
            )

        self.artifacts = SecureBucket(
            "model-artifacts",
            SecureBucketArgs(
                bucket_name=s.artifacts_bucket,
                # Models trained on employee data can memorise it: restricted, like their inputs.
                classification=Classification("restricted", s.owner, "model-training", s.curated_retention_days),
                readers=s.direct_readers,
                kms_key_arn=args.curated_key.arn,
                access_log_bucket=args.access_log_bucket,
                depends_on=[args.training_role, args.auditor_role],
            ),
            opts=child,
        )

        curated = args.curated_bucket.arn
        artifacts = self.artifacts.arn
        curated_objects = pulumi.Output.concat(curated, "/", s.curated_prefix, "*")
        endpoint = aws.ec2.VpcEndpoint(
            "s3-gateway-endpoint",
            vpc_id=self.vpc.id,
            service_name=f"com.amazonaws.{s.region}.s3",
            vpc_endpoint_type="Gateway",
            route_table_ids=[route_table.id],
            # Only the training role, only the pipeline's buckets: nothing can leave through here.
            # (Container images from ECR need ECR interface endpoints and ECR's layer bucket; add
            # them, named explicitly, if jobs use custom images.)
            policy=policy.document(
                {
                    "Sid": "PipelineBucketsOnly",
                    "Effect": "Allow",
                    "Principal": {"AWS": [args.training_role.arn]},
                    "Action": ["s3:GetObject", "s3:ListBucket", "s3:PutObject", "s3:AbortMultipartUpload"],
                    "Resource": [curated, curated_objects, artifacts, policy.object_arns(artifacts)],
                }
            ),
            tags={**net_tags, "Name": s.resource_name("s3")},
            opts=child,
        )
        # Ingress only from members of this group (distributed training). Egress: HTTPS to S3
        # (through the endpoint) and to members of this group. Nothing else is reachable.
        self.security_group = aws.ec2.SecurityGroup(
            "training-sg",
            name=s.resource_name("training"),
            description="SageMaker training jobs: traffic between jobs of this group and HTTPS to S3 only",
            vpc_id=self.vpc.id,
            ingress=[
                aws.ec2.SecurityGroupIngressArgs(
                    description="Distributed training between jobs of this group",
                    protocol="-1",
                    from_port=0,
                    to_port=0,
                    self=True,
                )
            ],
            egress=[
                aws.ec2.SecurityGroupEgressArgs(
                    description="HTTPS to S3 via the gateway endpoint",
                    protocol="tcp",
                    from_port=443,
                    to_port=443,
                    prefix_list_ids=[endpoint.prefix_list_id],
                ),
                aws.ec2.SecurityGroupEgressArgs(
                    description="Distributed training between jobs of this group",
                    protocol="-1",
                    from_port=0,
                    to_port=0,
                    self=True,
                ),
            ],
            revoke_rules_on_delete=True,
            tags=net_tags,
            opts=child,
        )

        aws.iam.RolePolicy(
            "training-permissions",
            role=args.training_role.id,
            name="read-curated-write-artifacts",
            policy=policy.document(
                {
                    "Sid": "ReadCuratedPrefixOnly",
                    "Effect": "Allow",
                    "Action": ["s3:GetObject"],
                    "Resource": [curated_objects],
                },
                {
                    "Sid": "ListCuratedPrefixOnly",
                    "Effect": "Allow",
                    "Action": ["s3:ListBucket"],
                    "Resource": [curated],
                    "Condition": {"StringLike": {"s3:prefix": [f"{s.curated_prefix}*"]}},
                },
                {
                    "Sid": "ReadWriteModelArtifacts",
                    "Effect": "Allow",
                    "Action": ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:ListBucket"],
                    "Resource": [artifacts, policy.object_arns(artifacts)],
                },
                # The curated key only, and only through S3.
                policy.use_keys_via_s3(
                    "CuratedKeyThroughS3", ["kms:Decrypt", "kms:GenerateDataKey"], [args.curated_key.arn], s.region
                ),
                {
                    # SageMaker places job ENIs in the private subnets; these calls have no
                    # resource-level scoping for Describe*, so they are confined to the region.
                    "Sid": "VpcNetworkInterfaces",
                    "Effect": "Allow",
                    "Action": [
                        "ec2:CreateNetworkInterface",
                        "ec2:CreateNetworkInterfacePermission",
                        "ec2:DeleteNetworkInterface",
                        "ec2:DeleteNetworkInterfacePermission",
                        "ec2:DescribeNetworkInterfaces",
                        "ec2:DescribeVpcs",
                        "ec2:DescribeSubnets",
                        "ec2:DescribeSecurityGroups",
                        "ec2:DescribeDhcpOptions",
                    ],
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:RequestedRegion": s.region}},
                },
                {
                    "Sid": "CuratedCatalog",
                    "Effect": "Allow",
                    "Action": ["glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:GetPartitions"],
                    "Resource": [
                        f"arn:aws:glue:{s.region}:{s.account_id}:catalog",
                        f"arn:aws:glue:{s.region}:{s.account_id}:database/{s.glue_database}",
                        f"arn:aws:glue:{s.region}:{s.account_id}:table/{s.glue_database}/*",
                    ],
                },
            ),
            opts=child,
        )
        aws.iam.RolePolicy(
            "auditor-reads-artifacts",
            role=args.auditor_role.id,
            name="read-model-artifacts",
            policy=policy.document(
                {
                    "Sid": "ReadModelArtifacts",
                    "Effect": "Allow",
                    "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket"],
                    "Resource": [artifacts, policy.object_arns(artifacts)],
                }
            ),
            opts=child,
        )

        # Lake Formation: nothing by default to IAM_ALLOWED_PRINCIPALS (empty lists, explicitly),
        # so a new database or table is visible to no one until granted.
        lake_settings = aws.lakeformation.DataLakeSettings(
            "data-lake-settings",
            admins=list(s.data_lake_admins),
            create_database_default_permissions=[],
            create_table_default_permissions=[],
            opts=child,
        )
        self.database = aws.glue.CatalogDatabase(
            "curated-database",
            name=s.glue_database,
            description="Curated, redacted interaction data for model training",
            location_uri=pulumi.Output.concat("s3://", args.curated_bucket.name, "/", s.curated_prefix),
            create_table_default_permissions=[],
            tags=Classification("restricted", s.owner, "model-training", s.curated_retention_days).tags(),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[lake_settings]),
        )
        aws.lakeformation.Permissions(
            "training-database-access",
            principal=args.training_role.arn,
            permissions=["DESCRIBE"],
            database=aws.lakeformation.PermissionsDatabaseArgs(name=self.database.name),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[lake_settings]),
        )
        aws.lakeformation.Permissions(
            "training-table-access",
            principal=args.training_role.arn,
            permissions=["SELECT", "DESCRIBE"],
            # No permissions_with_grant_options: the training role cannot pass access on.
            table=aws.lakeformation.PermissionsTableArgs(database_name=self.database.name, wildcard=True),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[lake_settings]),
        )
        self.register_outputs(
            {
                "vpcId": self.vpc.id,
                "subnetIds": [sn.id for sn in self.subnets],
                "securityGroupId": self.security_group.id,
                "artifactBucket": self.artifacts.name,
                "databaseName": self.database.name,
            }
        )
