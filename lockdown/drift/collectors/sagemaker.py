"""SageMaker: notebook instances and domains (who trains on the data, and with which key)."""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError

from lockdown.drift.collectors.base import Clients, Incomplete, Outcome, ScanContext, Task, error_text, paginate, record

SERVICE = "sagemaker"
NOTEBOOK = "aws:sagemaker/notebookInstance:NotebookInstance"
DOMAIN = "aws:sagemaker/domain:Domain"
TYPES = (NOTEBOOK, DOMAIN)


def tasks(ctx: ScanContext) -> list[Task]:
    return [Task(f"sagemaker {region}", _lister(ctx, region)) for region in ctx.regions]


def _lister(ctx: ScanContext, region: str):
    def run(clients: Clients) -> Outcome:
        outcome = Outcome()
        client = clients.get("sagemaker", region)
        try:
            notebooks = paginate(client, "list_notebook_instances", "NotebookInstances")
            outcome.tasks += [
                Task(
                    f"sagemaker notebook {n['NotebookInstanceName']}", _notebook(ctx, region, n["NotebookInstanceName"])
                )
                for n in notebooks
            ]
        except (ClientError, BotoCoreError) as err:
            outcome.incomplete.append(
                Incomplete(SERVICE, region, "notebook instances (listing)", error_text(err), NOTEBOOK)
            )
        try:
            domains = paginate(client, "list_domains", "Domains")
            outcome.tasks += [
                Task(f"sagemaker domain {d['DomainId']}", _domain(ctx, region, d["DomainId"])) for d in domains
            ]
        except (ClientError, BotoCoreError) as err:
            outcome.incomplete.append(Incomplete(SERVICE, region, "domains (listing)", error_text(err), DOMAIN))
        return outcome

    return run


def _notebook(ctx: ScanContext, region: str, name: str):
    def run(clients: Clients) -> Outcome:
        outcome = Outcome()
        try:
            found = clients.get("sagemaker", region).describe_notebook_instance(NotebookInstanceName=name)
        except (ClientError, BotoCoreError) as err:
            outcome.incomplete.append(
                Incomplete(SERVICE, region, f"notebook instance {name}", error_text(err), NOTEBOOK, name)
            )
            return outcome
        properties = {
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
        outcome.resources.append(record(ctx, NOTEBOOK, name, properties))
        return outcome

    return run


def _domain(ctx: ScanContext, region: str, domain_id: str):
    def run(clients: Clients) -> Outcome:
        outcome = Outcome()
        try:
            found = clients.get("sagemaker", region).describe_domain(DomainId=domain_id)
        except (ClientError, BotoCoreError) as err:
            outcome.incomplete.append(
                Incomplete(SERVICE, region, f"domain {domain_id}", error_text(err), DOMAIN, domain_id)
            )
            return outcome
        settings = found.get("DefaultUserSettings") or {}
        properties = {
            "domainName": found.get("DomainName"),
            "arn": found.get("DomainArn"),
            "authMode": found.get("AuthMode"),
            "appNetworkAccessType": found.get("AppNetworkAccessType", "PublicInternetOnly"),
            "kmsKeyId": found.get("KmsKeyId", ""),
            "defaultUserSettings": {"executionRole": settings.get("ExecutionRole")},
            "region": region,
        }
        outcome.resources.append(record(ctx, DOMAIN, domain_id, properties, id_=domain_id))
        return outcome

    return run
