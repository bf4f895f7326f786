"""Capture: the Firehose stream agents write to, and the Lambda that redacts before storage.

- The stream is direct put, encrypted at rest with the raw tier's customer managed key, and
  delivers to the raw bucket only through the processing Lambda: nothing is stored before
  redaction (``infra/capture_processor/handler.py``).
- The writer role that workstation agents assume can put records into this stream and do
  nothing else: no reads anywhere.
- The processor runs in the training VPC's private subnets with a security group that has
  no egress at all: it sees unredacted records, so it gets no way to send them anywhere.
  (Lambda's own logging goes through the Lambda service, not the function's network.)
- Its log group and the stream's error log group are encrypted with the audit key and kept
  for a short time only.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from lockdown_pipeline import policy
from lockdown_pipeline.classification import Classification
from lockdown_pipeline.settings import PipelineSettings
from lockdown_pipeline.storage import DataKey, SecureBucket

#: The processor's code, shipped from the repository (and unit-tested there).
PROCESSOR_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "capture_processor")


def _processor_code_path() -> str:
    """Relative to the working directory when possible, so the archive path is the same on every machine."""
    try:
        return os.path.relpath(PROCESSOR_DIR)
    except ValueError:  # a different drive on Windows
        return PROCESSOR_DIR


@dataclass
class CaptureArgs:
    settings: PipelineSettings
    delivery_role: aws.iam.Role
    raw_bucket: SecureBucket
    raw_key: DataKey
    #: The audit key, which encrypts every log group of the pipeline.
    log_key_arn: pulumi.Input[str]
    vpc_id: pulumi.Input[str]
    subnet_ids: Sequence[pulumi.Input[str]]


class Capture(pulumi.ComponentResource):
    """Firehose stream, processing Lambda, writer role and their log groups."""

    stream: aws.kinesis.FirehoseDeliveryStream
    processor: aws.lambda_.Function
    writer_role: aws.iam.Role

    def __init__(self, name: str, args: CaptureArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("lockdown:pipeline:Capture", name, None, opts)
        s = args.settings
        child = pulumi.ResourceOptions(parent=self)
        logs_class = Classification("restricted", s.owner, "model-training", s.processor_log_retention_days)
        role_tags = {"owner": s.owner, "purpose": "capture"}

        processor_logs = aws.cloudwatch.LogGroup(
            "processor-log-group",
            name=s.processor_log_group,
            kms_key_id=args.log_key_arn,
            retention_in_days=s.processor_log_retention_days,
            tags=logs_class.tags(),
            opts=child,
        )
        delivery_logs = aws.cloudwatch.LogGroup(
            "delivery-log-group",
            name=s.firehose_log_group,
            kms_key_id=args.log_key_arn,
            retention_in_days=s.processor_log_retention_days,
            tags=logs_class.tags(),
            opts=child,
        )
        delivery_log_stream = aws.cloudwatch.LogStream(
            "delivery-log-stream", name="DestinationDelivery", log_group_name=delivery_logs.name, opts=child
        )

        processor_arn = f"arn:aws:lambda:{s.region}:{s.account_id}:function:{s.processor_name}"
        processor_role = aws.iam.Role(
            "processor-role",
            name=s.role_name("capture-processor"),
            description="Capture processor Lambda: writes its own logs, nothing else",
            assume_role_policy=policy.service_trust("lambda.amazonaws.com", s.account_id, processor_arn),
            tags=role_tags,
            opts=child,
        )
        processor_role_policy = aws.iam.RolePolicy(
            "processor-permissions",
            role=processor_role.id,
            name="logs-and-vpc",
            policy=policy.document(
                {
                    # The log group exists already (above): no logs:CreateLogGroup, so the
                    # function can never create an unencrypted, unretained one.
                    "Sid": "WriteOwnLogs",
                    "Effect": "Allow",
                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                    "Resource": [pulumi.Output.concat(processor_logs.arn, ":log-stream:*")],
                },
                {
                    # Lambda attaches the function to the private subnets through these calls;
                    # they have no resource-level scoping, so they are confined to the region.
                    "Sid": "VpcNetworkInterfaces",
                    "Effect": "Allow",
                    "Action": [
                        "ec2:CreateNetworkInterface",
                        "ec2:DescribeNetworkInterfaces",
                        "ec2:DescribeSubnets",
                        "ec2:DeleteNetworkInterface",
                        "ec2:AssignPrivateIpAddresses",
                        "ec2:UnassignPrivateIpAddresses",
                    ],
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:RequestedRegion": s.region}},
                },
            ),
            opts=child,
        )
        # No ingress, and egress=[] removes AWS's default allow-all egress rule.
        processor_sg = aws.ec2.SecurityGroup(
            "processor-sg",
            name=s.resource_name("capture-processor"),
            description="Capture processor: no ingress, no egress",
            vpc_id=args.vpc_id,
            ingress=[],
            egress=[],
            revoke_rules_on_delete=True,
            tags=role_tags,
            opts=child,
        )
        self.processor = aws.lambda_.Function(
            "processor",
            name=s.processor_name,
            description="Redacts passwords, private messages and personal identifiers before storage",
            role=processor_role.arn,
            runtime="python3.12",
            handler="handler.handler",
            code=pulumi.FileArchive(_processor_code_path()),
            memory_size=s.processor_memory_mib,
            timeout=s.processor_timeout_seconds,
            logging_config=aws.lambda_.FunctionLoggingConfigArgs(log_format="JSON", log_group=processor_logs.name),
            vpc_config=aws.lambda_.FunctionVpcConfigArgs(
                subnet_ids=list(args.subnet_ids), security_group_ids=[processor_sg.id]
            ),
            tags=logs_class.with_retention(s.raw_retention_days).tags(),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[processor_role_policy]),
        )

        delivery_policy = aws.iam.RolePolicy(
            "delivery-invokes-processor",
            role=args.delivery_role.id,
            name="invoke-processor-and-log",
            policy=policy.document(
                {
                    "Sid": "InvokeProcessor",
                    "Effect": "Allow",
                    "Action": ["lambda:InvokeFunction", "lambda:GetFunctionConfiguration"],
                    "Resource": [self.processor.arn, pulumi.Output.concat(self.processor.arn, ":*")],
                },
                {
                    "Sid": "WriteDeliveryErrors",
                    "Effect": "Allow",
                    "Action": ["logs:PutLogEvents"],
                    "Resource": [pulumi.Output.concat(delivery_logs.arn, ":log-stream:*")],
                },
            ),
            opts=child,
        )

        self.stream = aws.kinesis.FirehoseDeliveryStream(
            "captures",
            name=s.stream_name,
            destination="extended_s3",
            server_side_encryption=aws.kinesis.FirehoseDeliveryStreamServerSideEncryptionArgs(
                enabled=True, key_type="CUSTOMER_MANAGED_CMK", key_arn=args.raw_key.arn
            ),
            extended_s3_configuration=aws.kinesis.FirehoseDeliveryStreamExtendedS3ConfigurationArgs(
                role_arn=args.delivery_role.arn,
                bucket_arn=args.raw_bucket.arn,
                kms_key_arn=args.raw_key.arn,
                prefix="captures/!{timestamp:yyyy/MM/dd}/",
                error_output_prefix="processing-failed/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/",
                buffering_size=s.firehose_buffer_mib,
                buffering_interval=s.firehose_buffer_seconds,
                compression_format="GZIP",
                processing_configuration=aws.kinesis.FirehoseDeliveryStreamExtendedS3ConfigurationProcessingConfigurationArgs(
                    enabled=True,
                    processors=[
                        aws.kinesis.FirehoseDeliveryStreamExtendedS3ConfigurationProcessingConfigurationProcessorArgs(
                            type="Lambda",
                            parameters=[
                                aws.kinesis.FirehoseDeliveryStreamExtendedS3ConfigurationProcessingConfigurationProcessorParameterArgs(
                                    parameter_name="LambdaArn",
                                    parameter_value=pulumi.Output.concat(self.processor.arn, ":$LATEST"),
                                )
                            ],
                        )
                    ],
                ),
                cloudwatch_logging_options=aws.kinesis.FirehoseDeliveryStreamExtendedS3ConfigurationCloudwatchLoggingOptionsArgs(
                    enabled=True, log_group_name=delivery_logs.name, log_stream_name=delivery_log_stream.name
                ),
                # No s3_backup_mode: keeping the untransformed source would store unredacted data.
                s3_backup_mode="Disabled",
            ),
            tags=Classification("restricted", s.owner, "model-training", 1).tags(),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[delivery_policy, args.raw_bucket.bucket_policy]),
        )

        self.writer_role = aws.iam.Role(
            "writer-role",
            name=s.role_name("capture-writer"),
            description="Assumed by workstation capture agents: put records into the capture stream, nothing else",
            assume_role_policy=policy.role_trust(list(s.capture_agent_principals)),
            max_session_duration=3600,
            tags=role_tags,
            opts=child,
        )
        aws.iam.RolePolicy(
            "writer-puts-records",
            role=self.writer_role.id,
            name="put-capture-records",
            policy=policy.document(
                {
                    "Sid": "PutRecordsOnly",
                    "Effect": "Allow",
                    "Action": ["firehose:PutRecord", "firehose:PutRecordBatch"],
                    "Resource": [self.stream.arn],
                }
            ),
            opts=child,
        )
        self.register_outputs(
            {
                "streamName": self.stream.name,
                "streamArn": self.stream.arn,
                "processorName": self.processor.name,
                "writerRoleArn": self.writer_role.arn,
            }
        )
