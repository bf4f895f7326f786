"""A program whose dependency is not installed."""

import lockdown_missing_dependency_xyz  # noqa: F401
import pulumi_aws as aws

aws.s3.Bucket("never")
