"""Config of every kind: plain, project default, structured, secure, required."""

import pulumi
import pulumi_aws as aws

config = pulumi.Config()
name = config.require("name")
enabled = config.require_bool("enabled")
readers = config.require_object("readers")
settings = config.get_object("settings") or {}
retention = config.get_int("retentionDays")
password = config.require_secret("dbPassword")
config.require("required")

bucket = aws.s3.Bucket(name, bucket=name, tags={"owner": settings.get("owner", "?"), "enabled": str(enabled)})
aws.cloudwatch.LogGroup("logs", retention_in_days=retention)
aws.ssm.Parameter("db-password", type="SecureString", value=password)
aws.sns.Topic("readers", tags={f"reader{i}": r for i, r in enumerate(readers)})
