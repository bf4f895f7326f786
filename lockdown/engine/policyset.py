"""Loading the Rego policies from disk into rule descriptions and module texts.

The same ``PolicySet`` feeds the embedded engine, the OPA server backend, the
policy tester and the CrossGuard pack, so every path sees the same rules.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from lockdown.documents import read_text
from lockdown.engine.metadata import Rule, display_path, package_of, read_annotation, rule_from_annotation
from lockdown.errors import LockdownError

#: Packages under this prefix are rules; everything else is library or reader code.
RULES_PREFIX = "lockdown.rules."
#: The reader report's package and rule.
READERS_REF = "data.lockdown.readers.readers"
READERS_PACKAGE = "lockdown.readers"
#: The policies a built wheel carries: the repository's policies/, copied into the package by setup.py.
BUNDLED_POLICIES = Path(__file__).resolve().parents[1] / "policies"
#: The policies of the checkout this package runs from (a source tree or an editable install).
REPOSITORY_POLICIES = Path(__file__).resolve().parents[2] / "policies"
#: Where the policies live when no ``--policies`` is given: bundled in the package, else the repository's.
DEFAULT_POLICIES = BUNDLED_POLICIES if BUNDLED_POLICIES.is_dir() else REPOSITORY_POLICIES


@dataclass(frozen=True)
class Module:
    """One Rego file: its display path (used in every error message), text and package."""

    path: str
    text: str
    package: str
    is_test: bool


@dataclass(frozen=True)
class PolicySet:
    """Every module under a policies directory, and the rules among them."""

    root: Path
    modules: tuple[Module, ...]
    rules: tuple[Rule, ...]

    @property
    def has_readers(self) -> bool:
        return any(module.package == READERS_PACKAGE for module in self.modules)

    def production_modules(self) -> tuple[Module, ...]:
        """The modules a check of these rules evaluates: everything except ``*_test.rego``, less the
        rule modules of rules not in this set that no loaded module refers to.

        A set narrowed to some rules (``replace(policy_set, rules=...)``, as the deployment gate's
        engines are) so loads only what they need: regorus's cost of every rule lookup grows with
        the number of modules loaded (about 80 µs against 40 µs a rule for the whole set against
        the library alone), and the gate evaluates small graphs thousands of times.
        """
        wanted = {rule.package for rule in self.rules}
        production = [m for m in self.modules if not m.is_test]
        loaded = [m for m in production if not _is_rule_module(m) or m.package in wanted]
        left = {m.package: m for m in production if _is_rule_module(m) and m.package not in wanted}
        frontier = list(loaded)
        while frontier and left:
            paths = _references(frontier.pop())
            if paths is None:  # a dynamic reference may reach any rule: load everything (fail closed)
                return tuple(production)
            named = [m for package, m in left.items() if any(_names(path, package) for path in paths)]
            for module in named:
                del left[module.package]
            loaded += named
            frontier += named
        return tuple(m for m in production if m in loaded)

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


def load_policy_set(policies_dir: str | Path | None = None) -> PolicySet:
    """Read every ``.rego`` file under ``policies_dir`` and the metadata of each rule.

    The pack directory is skipped (it holds Python, not policies). Rule ids must be
    unique, and every rule package must carry complete metadata.
    """
    root = Path(policies_dir) if policies_dir else DEFAULT_POLICIES
    if not root.is_dir():
        raise LockdownError(f"{root}: policies directory does not exist")
    modules = tuple(_read_module(path, root) for path in sorted(root.rglob("*.rego")))
    if not modules:
        raise LockdownError(f"{root}: no .rego files found")
    for path, module in zip(sorted(root.rglob("*.rego")), modules, strict=True):
        _check_placement(path, root, module)
    rules = tuple(_rule_of(module) for module in modules if _is_rule_module(module))
    _check_unique_ids(rules)
    if not rules:
        raise LockdownError(f"{root}: no rules found (packages under {RULES_PREFIX}*)")
    return PolicySet(root=root, modules=modules, rules=rules)


def _read_module(path: Path, root: Path) -> Module:
    shown = display_path(path, root)
    try:
        text = read_text(path, "policy file")
    except LockdownError as err:
        raise LockdownError(str(err).replace(str(path), shown, 1)) from err
    package = package_of(text)
    if package is None:
        raise LockdownError(f"{shown}: no package declaration")
    return Module(path=shown, text=text, package=package, is_test=path.name.endswith("_test.rego"))


def _check_placement(path: Path, root: Path, module: Module) -> None:
    """A rule file's package must match its path, or the rule would silently never run.

    ``rules/<area>/<name>.rego`` declares ``lockdown.rules.<area>.<name>`` (tests add
    ``_test``), and a module carrying a rule id in its METADATA must be a rule package.
    """
    relative = path.relative_to(root)
    if relative.parts[0] == "rules":
        expected = ".".join(["lockdown", *relative.with_suffix("").parts])
        if module.package != expected:
            raise LockdownError(
                f"{module.path}: package {module.package} does not match its path (expected {expected})"
            )
    elif not module.is_test and not module.package.startswith(RULES_PREFIX):
        annotation = read_annotation(module.text, module.path)
        if annotation and isinstance(annotation.get("custom"), dict) and annotation["custom"].get("id"):
            raise LockdownError(
                f"{module.path}: declares rule id {annotation['custom']['id']} but its package {module.package} "
                f"is not under {RULES_PREFIX} (the rule would never run)"
            )


def _is_rule_module(module: Module) -> bool:
    return not module.is_test and module.package.startswith(RULES_PREFIX)


#: ``data.a.b.c`` (the dotted path after ``data``), and ``data`` read whole.
_DATA_PATH = re.compile(r"\bdata((?:\.[A-Za-z_][A-Za-z0-9_]*)*)")
#: Paths that reach the rules' tree whole or by a computed key: no text search can resolve them.
_DYNAMIC_PATHS = frozenset({"", "lockdown", "lockdown.rules"})


@functools.cache
def _references(module: Module) -> frozenset[str] | None:
    """The ``data`` paths the module names (``lockdown.lib.types``, ``lockdown.rules.s3.x.deny``),
    in rules and imports, without its strings and comments (they name packages without using
    them); None when it reads the rules' tree dynamically (``data``, ``data.lockdown.rules[k]``)."""
    text = re.sub(r"`[^`]*`", '""', module.text)
    code = "\n".join(re.sub(r'"(?:[^"\\]|\\.)*"', '""', line).split("#", 1)[0] for line in text.splitlines())
    paths = frozenset(path.lstrip(".") for path in _DATA_PATH.findall(code))
    return None if paths & _DYNAMIC_PATHS else paths


def _names(path: str, package: str) -> bool:
    """True when a ``data`` path reaches into the package (the package itself or below it)."""
    return path == package or path.startswith(package + ".")


def _rule_of(module: Module) -> Rule:
    annotation = read_annotation(module.text, module.path)
    if annotation is None:
        raise LockdownError(f"{module.path}: rule package {module.package} has no # METADATA block above its package")
    return rule_from_annotation(annotation, module.package, module.path)


def _check_unique_ids(rules: tuple[Rule, ...]) -> None:
    seen: dict[str, str] = {}
    for rule in rules:
        if rule.id in seen:
            raise LockdownError(f"{rule.path}: rule id {rule.id} is already used by {seen[rule.id]}")
        seen[rule.id] = rule.path
