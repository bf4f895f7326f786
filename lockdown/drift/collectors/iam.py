"""IAM: roles, users, groups, their inline and attached policies, customer managed policies.

One paginated ``GetAccountAuthorizationDetails`` listing reads the whole account (rather than
several calls per entity). Inline policies and attachments become records of their own, as
a stack that declares ``RolePolicy``/``RolePolicyAttachment`` has them, so a policy attached
by hand shows up as an unmanaged record.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from lockdown.drift.collectors.base import (
    Clients,
    Incomplete,
    Outcome,
    ScanContext,
    Task,
    error_text,
    policy_text,
    record,
    tags_dict,
)

SERVICE = "iam"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
ROLE_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
USER = "aws:iam/user:User"
USER_POLICY = "aws:iam/userPolicy:UserPolicy"
USER_ATTACHMENT = "aws:iam/userPolicyAttachment:UserPolicyAttachment"
USER_GROUPS = "aws:iam/userGroupMembership:UserGroupMembership"
GROUP = "aws:iam/group:Group"
GROUP_POLICY = "aws:iam/groupPolicy:GroupPolicy"
GROUP_ATTACHMENT = "aws:iam/groupPolicyAttachment:GroupPolicyAttachment"
POLICY = "aws:iam/policy:Policy"
TYPES = (
    ROLE,
    ROLE_POLICY,
    ROLE_ATTACHMENT,
    USER,
    USER_POLICY,
    USER_ATTACHMENT,
    USER_GROUPS,
    GROUP,
    GROUP_POLICY,
    GROUP_ATTACHMENT,
    POLICY,
)
FILTERS = ["Role", "User", "Group", "LocalManagedPolicy", "AWSManagedPolicy"]


def tasks(ctx: ScanContext) -> list[Task]:
    """IAM is global: one listing for the account."""
    return [Task("iam authorization details", lambda clients: collect(ctx, clients))]


def collect(ctx: ScanContext, clients: Clients) -> Outcome:
    outcome = Outcome()
    client = clients.get("iam", "us-east-1")
    details: dict[str, list[Any]] = {"RoleDetailList": [], "UserDetailList": [], "GroupDetailList": [], "Policies": []}
    try:
        for page in client.get_paginator("get_account_authorization_details").paginate(Filter=FILTERS):
            for key, items in details.items():
                items.extend(page.get(key, []))
    except (ClientError, BotoCoreError) as err:
        outcome.incomplete.extend(
            Incomplete(SERVICE, "global", "account authorization details", error_text(err), kind) for kind in TYPES
        )
        return outcome
    add = outcome.resources.extend
    for role in details["RoleDetailList"]:
        add(_role(ctx, role))
    for user in details["UserDetailList"]:
        add(_user(ctx, user))
    for group in details["GroupDetailList"]:
        add(_group(ctx, group))
    attached = _attached_arns(details)
    for policy in details["Policies"]:
        if ":iam::aws:policy/" not in policy["Arn"] or policy["Arn"] in attached:
            outcome.resources.append(_policy(ctx, policy))
    return outcome


def _attached_arns(details: dict[str, list[Any]]) -> set[str]:
    """AWS managed policies matter only when something in the account uses them."""
    found = set()
    for key in ("RoleDetailList", "UserDetailList", "GroupDetailList"):
        for entity in details[key]:
            found.update(item["PolicyArn"] for item in entity.get("AttachedManagedPolicies", []))
    return found


def _inline(ctx: ScanContext, type_: str, owner_key: str, owner: str, items: list[dict[str, Any]]) -> list:
    return [
        record(
            ctx,
            type_,
            f"{owner}:{item['PolicyName']}",
            {owner_key: owner, "name": item["PolicyName"], "policy": policy_text(item["PolicyDocument"])},
        )
        for item in items
    ]


def _attachments(ctx: ScanContext, type_: str, owner_key: str, owner: str, items: list[dict[str, Any]]) -> list:
    return [
        record(ctx, type_, f"{owner}:{item['PolicyArn']}", {owner_key: owner, "policyArn": item["PolicyArn"]})
        for item in items
    ]


def _role(ctx: ScanContext, role: dict[str, Any]) -> list:
    name = role["RoleName"]
    inline = role.get("RolePolicyList", [])
    managed = role.get("AttachedManagedPolicies", [])
    boundary = (role.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
    properties = {
        "name": name,
        "arn": role["Arn"],
        "path": role.get("Path", "/"),
        "uniqueId": role.get("RoleId"),
        "assumeRolePolicy": policy_text(role.get("AssumeRolePolicyDocument", {})),
        "inlinePolicies": [{"name": p["PolicyName"], "policy": policy_text(p["PolicyDocument"])} for p in inline],
        "managedPolicyArns": sorted(item["PolicyArn"] for item in managed),
        "tags": tags_dict(role.get("Tags")),
    }
    if boundary:
        properties["permissionsBoundary"] = boundary
    return [
        record(ctx, ROLE, name, properties),
        *_inline(ctx, ROLE_POLICY, "role", name, inline),
        *_attachments(ctx, ROLE_ATTACHMENT, "role", name, managed),
    ]


def _user(ctx: ScanContext, user: dict[str, Any]) -> list:
    name = user["UserName"]
    properties: dict[str, Any] = {
        "name": name,
        "arn": user["Arn"],
        "path": user.get("Path", "/"),
        "uniqueId": user.get("UserId"),
        "tags": tags_dict(user.get("Tags")),
    }
    boundary = (user.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
    if boundary:
        properties["permissionsBoundary"] = boundary
    found = [record(ctx, USER, name, properties)]
    found += _inline(ctx, USER_POLICY, "user", name, user.get("UserPolicyList", []))
    found += _attachments(ctx, USER_ATTACHMENT, "user", name, user.get("AttachedManagedPolicies", []))
    if user.get("GroupList"):
        found.append(record(ctx, USER_GROUPS, name, {"user": name, "groups": sorted(user["GroupList"])}))
    return found


def _group(ctx: ScanContext, group: dict[str, Any]) -> list:
    name = group["GroupName"]
    properties = {"name": name, "arn": group["Arn"], "path": group.get("Path", "/"), "uniqueId": group.get("GroupId")}
    return [
        record(ctx, GROUP, name, properties),
        *_inline(ctx, GROUP_POLICY, "group", name, group.get("GroupPolicyList", [])),
        *_attachments(ctx, GROUP_ATTACHMENT, "group", name, group.get("AttachedManagedPolicies", [])),
    ]


def _policy(ctx: ScanContext, policy: dict[str, Any]):
    default = next((v for v in policy.get("PolicyVersionList", []) if v.get("IsDefaultVersion")), {})
    properties = {
        "name": policy.get("PolicyName") or policy["Arn"].rsplit("/", 1)[-1],
        "arn": policy["Arn"],
        "path": policy.get("Path", "/"),
        "policyId": policy.get("PolicyId"),
        "description": policy.get("Description", ""),
        "policy": policy_text(default.get("Document", {})),
    }
    return record(ctx, POLICY, policy["Arn"], properties)
