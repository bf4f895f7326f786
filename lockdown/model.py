"""The resource model: one record per resource, whatever source it came from.

Loaders (preview JSON, stack export, offline planner, CrossGuard analyzer, live AWS)
turn their input into ``Resource`` records; the engine evaluates them; reports
render findings about them. Nothing downstream knows where a record came from
except through ``source``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

#: The value Pulumi uses for a property that is not known until the update runs.
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
#: The opaque value a secret is replaced with at load time; secrets never reach a report.
REDACTED = "[secret]"
#: The key that marks a signed envelope (secret, output value, resource reference, asset,
#: archive) in state files, previews and the engine's wire format; its value says which.
#: The signatures are Pulumi's own (``pulumi/runtime/rpc.py``, ``_special_*_sig``).
SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d"
#: A secret: ``{SECRET_SIG_KEY: SECRET_SIG_VALUE, "value" | "plaintext" | "ciphertext": ...}``.
SECRET_SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270"
#: An output value (``value`` when known, ``secret``, ``dependencies``).
OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4"
#: A resource reference (``urn``, and ``id`` for a custom resource).
RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
#: An asset (``path``, ``uri`` or ``text``, ``hash``) and an archive (``path``, ``uri`` or ``assets``).
ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17"
ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7"
#: The type of the root component every stack has; its children's URNs leave it out.
ROOT_STACK_TYPE = "pulumi:pulumi:Stack"

Source = Literal["program", "preview", "state", "analyzer", "live"]


@dataclass
class Resource:
    """One resource as every policy sees it (DESIGN.md, "The resource model")."""

    urn: str
    type: str
    name: str
    properties: dict[str, Any]
    source: Source
    id: str | None = None
    parent: str | None = None
    dependencies: list[str] = field(default_factory=list)
    provider: str | None = None
    unknowns: list[str] = field(default_factory=list)
    custom: bool = True
    #: Where the resource is declared (program file, or the preview/state file), for code
    #: scanning annotations; not part of what the rules see.
    file: str | None = None
    line: int | None = None

    def to_input(self) -> dict[str, Any]:
        """The record as the Rego rules read it in ``input.resources``."""
        return {
            "urn": self.urn,
            "type": self.type,
            "name": self.name,
            "id": self.id,
            "properties": self.properties,
            "parent": self.parent,
            "dependencies": self.dependencies,
            "provider": self.provider,
            "unknowns": self.unknowns,
            "source": self.source,
        }

    @property
    def evaluated(self) -> bool:
        """Only custom, non-provider resources are evaluated as AWS resources."""
        return self.custom and not self.type.startswith("pulumi:providers:")


@dataclass
class LoadedStack:
    """What a loader returns: the records plus what the source says about the run.

    ``config`` is the stack's Pulumi config as flat ``namespace:key`` pairs (it carries
    the ``lockdown:`` settings); ``warnings`` are things the check could not see.
    """

    resources: list[Resource]
    source: str
    stack: str | None = None
    project: str | None = None
    config: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    #: The file findings point at when a resource has no location of its own.
    file: str | None = None
    #: Why the check cannot have seen every resource (a preview without ``--show-sames``,
    #: resources pending deletion, interrupted operations): an error unless ``--allow-incomplete``.
    incomplete: list[str] = field(default_factory=list)


def make_urn(stack: str, project: str, type_: str, name: str, parent_type_chain: str = "") -> str:
    """A URN in the engine's format: ``urn:pulumi:<stack>::<project>::<parent types>$<type>::<name>``."""
    qualified = f"{parent_type_chain}${type_}" if parent_type_chain else type_
    return f"urn:pulumi:{stack}::{project}::{qualified}::{name}"


def urn_type_chain(urn: str) -> str:
    """The qualified type part of a URN (``a$b$c``), used to build a child's URN."""
    parts = urn.split("::")
    return parts[2] if len(parts) >= 4 else ""
