"""``aws.iam.get_policy_document``, rendered as the AWS provider renders it.

This follows the provider's data source (``policy_document_data_source.go`` and
``policy_model.go`` in terraform-provider-aws, which pulumi-aws bridges) so that the
JSON the rules see is the JSON AWS would get: sets of actions, resources and
principal identifiers deduplicated and sorted in reverse; a single value written as a
string; condition values kept in order; ``{"*": ["*"]}`` principals written as
``"*"``; ``&{...}`` turned into ``${...}``; source documents merged first (their Sids
must be unique), then the statements, then override documents (a statement with a
Sid replaces the earlier one with the same Sid); Go's JSON encoding (two-space indent,
HTML characters escaped); the data source's id is the CRC-32 of the JSON.
"""

from __future__ import annotations

import json
import re
import zlib
from typing import Any

DEFAULT_VERSION = "2012-10-17"

# A statement is a dict with keys in the provider's struct order; principals and
# conditions are lists of (type, identifiers) and (test, variable, values).
_FIELDS = ("Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal", "Condition")


class PolicyDocumentError(ValueError):
    """The provider would refuse these arguments (duplicate Sid, unparseable document)."""


def render(args: dict[str, Any]) -> dict[str, Any]:
    """The invoke's result: ``json``, ``minifiedJson``, ``id`` and the arguments echoed back."""
    merged: dict[str, Any] = {"Version": "", "Id": "", "Statement": []}
    source_sids: set[str] = set()
    for index, text in enumerate(args.get("sourcePolicyDocuments") or []):
        if text is None:
            continue
        doc = _parse_document(text, f"source document {index}")
        for stmt_index, stmt in enumerate(doc["Statement"]):
            sid = stmt.get("Sid") or ""
            if sid:
                if sid in source_sids:
                    raise PolicyDocumentError(
                        f"merging source document {index}: duplicate Sid ({sid}) in source_policy_documents "
                        f"(statement {stmt_index}). Remove the Sid or ensure Sids are unique."
                    )
                source_sids.add(sid)
        _merge(merged, doc)
    _merge(merged, _document_from_args(args))
    for index, text in enumerate(args.get("overridePolicyDocuments") or []):
        if text is None:
            continue
        _merge(merged, _parse_document(text, f"override document {index}"))
    tree = _to_json_tree(merged)
    pretty = go_json(tree, indent=True)
    result = {
        "json": pretty,
        "minifiedJson": go_json(tree, indent=False),
        "id": str(zlib.crc32(pretty.encode("utf-8"))),
        "version": args.get("version") or DEFAULT_VERSION,
    }
    for key in ("statements", "sourcePolicyDocuments", "overridePolicyDocuments", "policyId"):
        if args.get(key) is not None:
            result[key] = args[key]
    return result


def go_json(tree: Any, indent: bool) -> str:
    """JSON as Go's encoding/json writes it (``MarshalIndent(v, "", "  ")`` or ``Marshal``)."""
    if indent:
        text = json.dumps(tree, indent=2, ensure_ascii=False, separators=(",", ": "))
    else:
        text = json.dumps(tree, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return text


def _camel_keys(value: Any) -> Any:
    """Plain-dict statements reach the invoke with snake_case keys (``not_actions``); accept both
    spellings, so a statement's NotAction is never silently lost (that would understate it)."""
    if isinstance(value, dict):
        return {re.sub(r"_([a-z])", lambda m: m.group(1).upper(), k): _camel_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_camel_keys(v) for v in value]
    return value


def _document_from_args(args: dict[str, Any]) -> dict[str, Any]:
    args = {**args, "statements": _camel_keys(args.get("statements") or [])}
    version = args.get("version") or DEFAULT_VERSION
    doc: dict[str, Any] = {"Version": version, "Id": args.get("policyId") or "", "Statement": []}
    seen: set[str] = set()
    for cfg in args.get("statements") or []:
        cfg = cfg or {}
        sid = cfg.get("sid")
        if sid is not None:
            if sid in seen:
                raise PolicyDocumentError(f"duplicate Sid ({sid}). Remove the Sid or ensure the Sid is unique.")
            if sid:
                seen.add(sid)
        stmt: dict[str, Any] = {"Sid": sid or "", "Effect": cfg.get("effect") or "Allow"}
        for key, field in (("actions", "Action"), ("notActions", "NotAction")):
            if cfg.get(key):
                stmt[field] = _decode_string_set(cfg[key])
        for key, field in (("resources", "Resource"), ("notResources", "NotResource")):
            if cfg.get(key):
                stmt[field] = _replace_vars(_decode_string_set(cfg[key]), version)
        for key, field in (("principals", "Principal"), ("notPrincipals", "NotPrincipal")):
            if cfg.get(key):
                stmt[field] = [
                    (p.get("type") or "", _replace_vars(_decode_string_set(p.get("identifiers") or []), version))
                    for p in cfg[key]
                ]
        if cfg.get("conditions"):
            stmt["Condition"] = [_condition_from_args(c or {}, version) for c in cfg["conditions"]]
        doc["Statement"].append(stmt)
    return doc


def _condition_from_args(cfg: dict[str, Any], version: str) -> tuple[str, str, Any]:
    values = _replace_vars([_str(v) for v in (cfg.get("values") or [])], version)
    if isinstance(values, list) and len(values) == 1:
        values = values[0]
    return (cfg.get("test") or "", cfg.get("variable") or "", values)


def _decode_string_set(items: Any) -> Any:
    """A Terraform set of strings: one element stays a string, more are sorted in reverse."""
    if isinstance(items, str):
        return items
    unique = sorted({_str(i) for i in items}, reverse=True)
    return unique[0] if len(unique) == 1 else unique


def _replace_vars(value: Any, version: str) -> Any:
    if isinstance(value, list):
        return [_replace_vars(v, version) for v in value]
    if version == "2008-10-17" and "&{" in value:
        raise PolicyDocumentError(
            f"found &{{ sequence in ({value}), which is not supported in document version 2008-10-17"
        )
    return value.replace("&{", "${")


def _parse_document(text: Any, where: str) -> dict[str, Any]:
    try:
        data = json.loads(text) if isinstance(text, str) else text
    except json.JSONDecodeError as err:
        raise PolicyDocumentError(f"merging {where}: {err.msg}") from err
    if not isinstance(data, dict):
        raise PolicyDocumentError(f"merging {where}: not a JSON object")
    statements = data.get("Statement") or []
    if isinstance(statements, dict):
        raise PolicyDocumentError(f"merging {where}: Statement must be a list")
    doc = {"Version": _str(data.get("Version") or ""), "Id": _str(data.get("Id") or ""), "Statement": []}
    for raw in statements:
        if not isinstance(raw, dict):
            raise PolicyDocumentError(f"merging {where}: each statement must be an object")
        stmt: dict[str, Any] = {"Sid": _str(raw.get("Sid") or ""), "Effect": _str(raw.get("Effect") or "")}
        for field in ("Action", "NotAction", "Resource", "NotResource"):
            if raw.get(field) is not None:
                stmt[field] = raw[field]
        for field in ("Principal", "NotPrincipal"):
            if raw.get(field) is not None:
                stmt[field] = _principals_from_json(raw[field], where)
        if raw.get("Condition") is not None:
            stmt["Condition"] = _conditions_from_json(raw["Condition"], where)
        doc["Statement"].append(stmt)
    return doc


def _principals_from_json(value: Any, where: str) -> list[tuple[str, Any]]:
    if isinstance(value, str):
        return [("*", ["*"])]
    if not isinstance(value, dict):
        raise PolicyDocumentError(f"merging {where}: unsupported Principal {value!r}")
    out: list[tuple[str, Any]] = []
    for key, ids in value.items():
        if isinstance(ids, str):
            out.append((key, ids))
        elif isinstance(ids, list):
            out.append((key, sorted(_str(i) for i in ids)))
        else:
            raise PolicyDocumentError(f"merging {where}: unsupported principal identifiers {ids!r}")
    return out


def _conditions_from_json(value: Any, where: str) -> list[tuple[str, str, Any]]:
    if not isinstance(value, dict):
        raise PolicyDocumentError(f"merging {where}: Condition must be an object")
    out: list[tuple[str, str, Any]] = []
    for test, variables in value.items():
        if not isinstance(variables, dict):
            raise PolicyDocumentError(f"merging {where}: Condition {test} must be an object")
        for variable, values in variables.items():
            if isinstance(values, bool):
                out.append((test, variable, "true" if values else "false"))
            elif isinstance(values, str):
                out.append((test, variable, [values]))
            elif isinstance(values, list):
                out.append((test, variable, [_str(v) for v in values]))
            # Other scalars (numbers) are dropped, as the provider drops them.
    return out


def _merge(target: dict[str, Any], new: dict[str, Any]) -> None:
    if new["Id"]:
        target["Id"] = new["Id"]
    if new["Version"] > target["Version"]:
        target["Version"] = new["Version"]
    for stmt in new["Statement"]:
        sid = stmt.get("Sid") or ""
        for index, existing in enumerate(target["Statement"]):
            if sid and existing.get("Sid") == sid:
                target["Statement"][index] = stmt
                break
        else:
            target["Statement"].append(stmt)


def _to_json_tree(doc: dict[str, Any]) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    if doc["Version"]:
        tree["Version"] = doc["Version"]
    if doc["Id"]:
        tree["Id"] = doc["Id"]
    statements = [_statement_tree(s) for s in doc["Statement"]]
    if statements:
        tree["Statement"] = statements
    return tree


def _statement_tree(stmt: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in _FIELDS:
        value = stmt.get(field)
        if field in ("Principal", "NotPrincipal"):
            if value:
                out[field] = _principal_tree(value)
        elif field == "Condition":
            if value:
                out[field] = _condition_tree(value)
        elif value not in (None, ""):
            out[field] = value
    return out


def _principal_tree(principals: list[tuple[str, Any]]) -> Any:
    if len(principals) == 1 and principals[0][0] == "*" and principals[0][1] in ("*", ["*"]):
        return "*"
    raw: dict[str, Any] = {}
    for type_, ids in principals:
        current = raw.get(type_)
        if isinstance(ids, list):
            items = [] if current is None else ([current] if isinstance(current, str) else current)
            raw[type_] = items + sorted(ids, reverse=True)
        elif current is None:
            raw[type_] = ids
        elif isinstance(current, str):
            raw[type_] = [current, ids]
        else:
            current.append(ids)
    return {key: raw[key] for key in sorted(raw)}


def _condition_tree(conditions: list[tuple[str, str, Any]]) -> dict[str, Any]:
    raw: dict[str, dict[str, list[str]]] = {}
    for test, variable, values in conditions:
        bucket = raw.setdefault(test, {}).setdefault(variable, [])
        bucket.extend(values if isinstance(values, list) else [values])
    return {
        test: {var: (vals[0] if len(vals) == 1 else vals) for var, vals in sorted(raw[test].items())}
        for test in sorted(raw)
    }


def _str(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
