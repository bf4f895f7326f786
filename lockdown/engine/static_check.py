"""A load-time check that every function a policy calls exists.

regorus resolves a function only when the expression calling it runs, so a typo in a
branch that no test input reaches would otherwise stay silent until production data
reaches it, and then fail or, worse, never fire. The check walks regorus's own AST:
each call must name a user function (in its package, through an import alias or by
its ``data.`` path) or a builtin the engine knows.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from lockdown.errors import PolicyError


def check_functions(engine: Any) -> None:
    """Raise ``PolicyError`` naming ``file:line:col`` for the first call to an unknown function."""
    modules = _modules_with_calls(engine.get_ast_as_json())
    user_functions = {fn for module, _ in modules for fn in _functions_of(module["ast"])}
    _check_recursion(modules, user_functions)
    builtin_cache: dict[str, bool] = {}
    for module, calls in modules:
        ast = module["ast"]
        package = "data." + _dotted(ast["package"]["refr"])
        aliases = _import_aliases(ast, module["source"]["contents"])
        for call in calls:
            name = _dotted(call["fcn"])
            if name is None or _is_user_function(name, package, aliases, user_functions):
                continue
            if not _is_builtin(engine, name, builtin_cache):
                span = call["span"]
                raise PolicyError(
                    f"policy error: {module['source']['file']}:{span['line']}:{span['col']}: unknown function {name}"
                )


def _check_recursion(modules: list[tuple[dict[str, Any], list[dict[str, Any]]]], user_functions: set[str]) -> None:
    """Refuse a function that calls itself, directly or through others.

    Rego forbids recursion (OPA refuses it at compile time); regorus evaluates it until its
    stack overflows and the process dies by a signal, with no line naming the rule.
    """
    graph: dict[str, set[str]] = {}
    where: dict[str, str] = {}
    for module, _ in modules:
        ast = module["ast"]
        package = "data." + _dotted(ast["package"]["refr"])
        aliases = _import_aliases(ast, module["source"]["contents"])
        for rule in ast.get("rules", []):
            head = rule.get("Spec", {}).get("head", {})
            name = _dotted(head["Func"]["refr"]) if "Func" in head else None
            if not name:
                continue
            caller = f"{package}.{name}"
            where.setdefault(caller, f"{module['source']['file']}:{head['Func'].get('span', {}).get('line', '?')}")
            for call in _calls_in(rule.get("Spec", {})):  # the body and the head's value
                callee = _dotted(call["fcn"])
                for candidate in _candidates(callee, package, aliases) if callee else ():
                    if candidate in user_functions:
                        graph.setdefault(caller, set()).add(candidate)
    for start in sorted(graph):
        seen: set[str] = set()
        pending = list(graph[start])
        while pending:
            current = pending.pop()
            if current == start:
                raise PolicyError(
                    f"policy error: {where.get(start, start)}: function {start} calls itself "
                    "(recursion is not allowed in Rego)"
                )
            if current not in seen:
                seen.add(current)
                pending.extend(graph.get(current, ()))


def _calls_in(node: Any) -> Iterator[dict[str, Any]]:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            call = item.get("Call")
            if isinstance(call, dict):
                yield call
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _functions_of(ast: dict[str, Any]) -> Iterator[str]:
    package = "data." + _dotted(ast["package"]["refr"])
    for rule in ast.get("rules", []):
        head = rule.get("Spec", {}).get("head", {})
        if "Func" in head:
            name = _dotted(head["Func"]["refr"])
            if name:
                yield f"{package}.{name}"


def _import_aliases(ast: dict[str, Any], contents: str) -> dict[str, str]:
    """Import alias -> data path; an ``as`` alias is a span into the module's source text."""
    aliases = {}
    for item in ast.get("imports", []):
        path = _dotted(item["refr"])
        if path and path.startswith("data."):
            span = item.get("as")
            alias = contents[span["start"] : span["end"]] if isinstance(span, dict) else path.split(".")[-1]
            aliases[alias] = path
    return aliases


def _is_user_function(name: str, package: str, aliases: dict[str, str], user_functions: set[str]) -> bool:
    return any(candidate in user_functions for candidate in _candidates(name, package, aliases))


def _candidates(name: str, package: str, aliases: dict[str, str]) -> list[str]:
    """The full names a call may refer to: in its package, by its data path, or through an import alias."""
    head, _, rest = name.partition(".")
    candidates = [f"{package}.{name}", name]
    if head in aliases:
        candidates.append(f"{aliases[head]}.{rest}" if rest else aliases[head])
    return candidates


def _is_builtin(engine: Any, name: str, cache: dict[str, bool]) -> bool:
    if name not in cache:
        try:
            engine.eval_query(f"{name}()")
            cache[name] = True
        except RuntimeError as err:
            cache[name] = "could not find function" not in str(err)
    return cache[name]


def _modules_with_calls(ast_json: str) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Each module of the AST with its ``Call`` nodes, collected while the JSON is decoded.

    The AST of the policies is a quarter of a million JSON objects; picking the calls out in
    the decoder's hook (called for every object, innermost first, so a module's calls arrive
    before the module itself) costs half as much as walking the decoded tree again.
    """
    modules: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
    calls: list[dict[str, Any]] = []

    def collect(node: dict[str, Any]) -> dict[str, Any]:
        call = node.get("Call")
        if isinstance(call, dict):
            calls.append(call)
        elif "ast" in node and "source" in node:
            modules.append((node, calls.copy()))
            calls.clear()
        return node

    json.loads(ast_json, object_hook=collect)
    return modules


def _dotted(ref: Any) -> str | None:
    """``a.b.c`` for a Var/RefDot chain; None for anything dynamic (brackets, calls)."""
    if not isinstance(ref, dict):
        return None
    if "Var" in ref:
        return ref["Var"]["value"]
    if "RefDot" in ref:
        base = _dotted(ref["RefDot"]["refr"])
        field = ref["RefDot"]["field"]
        return f"{base}.{field[1]}" if base and isinstance(field, list) else None
    return None
