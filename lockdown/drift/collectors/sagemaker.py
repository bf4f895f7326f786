"""SageMaker: notebook instances and domains (who trains on the data, and with which key)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lockdown.drift.collectors.base import Reads, ScanContext, Task, paginate, per_item, per_region, record

SERVICE = "sagemaker"
NOTEBOOK = "aws:sagemaker/notebookInstance:NotebookInstance"
DOMAIN = "aws:sagemaker/domain:Domain"
TYPES = (NOTEBOOK, DOMAIN)


def tasks(ctx: ScanContext) -> list[Task]:
    return per_region(ctx, "sagemaker", lambda reads, client: _list(ctx, reads, client), SERVICE)


def _list(ctx: ScanContext, reads: Reads, client: Any) -> None:
    """Notebooks and domains are listed independently: one failing does not hide the other."""
    region = reads.region
    reads.fan_out(
        "notebook instances",
        lambda: paginate(client, "list_notebook_instances", "NotebookInstances"),
        lambda found: _describe(ctx, region, NOTEBOOK, found["NotebookInstanceName"]),
        (NOTEBOOK,),
    )
    reads.fan_out(
        "domains",
        lambda: paginate(client, "list_domains", "Domains"),
        lambda found: _describe(ctx, region, DOMAIN, found["DomainId"]),
        (DOMAIN,),
    )


def _describe(ctx: ScanContext, region: str, type_: str, ident: str) -> Task:
    """One notebook instance or domain: described, mapped to its record, or noted unread."""
    kind, what, describe, properties = _KINDS[type_]

    def collect(reads: Reads, client: Any) -> None:
        found = reads.attempt(f"{what} {ident}", lambda: describe(client, ident), (type_,), ident)
        if found is not None:
            reads.outcome.resources.append(record(ctx, type_, ident, properties(found, ident, region), id_=ident))

    return per_item(f"sagemaker {kind} {ident}", SERVICE, region, collect)


def _notebook(found: dict[str, Any], name: str, region: str) -> dict[str, Any]:
    return {
        "name": name,
        "arn": found.get("NotebookInstanceArn"),
        "roleArn": found.get("RoleArn"),
        "kmsKeyId": found.get("KmsKeyId", ""),
        "directInternetAccess": found.get("DirectInternetAccess", "Enabled"),
        "rootAccess": found.get("RootAccess", "Enabled"),
        "subnetId": found.get("SubnetId", ""),
        "instanceType": found.get("InstanceType"),
        "region": region,
    }


def _domain(found: dict[str, Any], _: str, region: str) -> dict[str, Any]:
    settings = found.get("DefaultUserSettings") or {}
    return {
        "domainName": found.get("DomainName"),
        "arn": found.get("DomainArn"),
        "authMode": found.get("AuthMode"),
        "appNetworkAccessType": found.get("AppNetworkAccessType", "PublicInternetOnly"),
        "kmsKeyId": found.get("KmsKeyId", ""),
        "defaultUserSettings": {"executionRole": settings.get("ExecutionRole")},
        "region": region,
    }


#: Per type: the word in task labels, the word in "not read" entries, the describe call, the mapping.
_KINDS: dict[str, tuple[str, str, Callable[[Any, str], dict[str, Any]], Callable[..., dict[str, Any]]]] = {
    NOTEBOOK: (
        "notebook",
        "notebook instance",
        lambda client, name: client.describe_notebook_instance(NotebookInstanceName=name),
        _notebook,
    ),
    DOMAIN: ("domain", "domain", lambda client, domain_id: client.describe_domain(DomainId=domain_id), _domain),
}
