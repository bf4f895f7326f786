"""What the deployment gate has seen in this deployment, and a resource's neighbours in it.

The Pulumi engine starts one policy pack per ``pulumi preview``/``up`` and calls ``Analyze``
for every registered resource in registration order, a resource after those its inputs
depend on. So when a bucket policy arrives its bucket has normally been seen, and the gate
can judge the policy before it is created, with the bucket's tags.

Judging the arriving resource against the whole graph seen so far would cost more with
every call; instead its neighbours are picked by index: the resources whose identity
(ARN, id, name, bucket name, key id, unique id) appears among the arriving resource's
values (policy documents included), and, one step further, those the neighbours name in
turn (an attachment names a policy, whose document names buckets). A resource that
shares an identity value with a neighbour comes along with it (a bucket's policy and
public access block name the bucket as its name does), so the rules see each bucket with
its sub-resources. What is not found is simply absent: the rules then take the strictest
reading (a bucket not seen is restricted), which is failing closed.
"""

from __future__ import annotations

import bisect
import fnmatch
import json
from collections.abc import Iterator
from typing import Any

from lockdown.model import REDACTED, UNKNOWN, Resource

#: Top-level properties whose value identifies a resource (or the bucket or key it belongs to).
IDENTITY_KEYS = ("arn", "id", "name", "bucket", "keyId", "uniqueId")
#: Shortest value looked up: shorter strings ("true", "s3") identify nothing.
MIN_HANDLE = 3
#: How far neighbours are followed: the arriving resource's references, then theirs.
DEPTH = 2


class SeenGraph:
    """The resources analyzed in this deployment, indexed by every value that identifies them."""

    def __init__(self) -> None:
        self._by_urn: dict[str, Resource] = {}
        self._order: dict[str, int] = {}
        self._by_handle: dict[str, set[str]] = {}
        self._sorted_handles: list[str] = []
        self._references: dict[str, frozenset[str]] = {}

    def __len__(self) -> int:
        return len(self._by_urn)

    def add(self, resource: Resource) -> None:
        """Remember a resource (a later record of the same URN replaces the earlier one)."""
        self._order.setdefault(resource.urn, len(self._order))
        self._by_urn[resource.urn] = resource
        self._references.pop(resource.urn, None)
        for handle in _handles(resource):
            urns = self._by_handle.get(handle)
            if urns is None:
                self._by_handle[handle] = urns = set()
                bisect.insort(self._sorted_handles, handle)
            urns.add(resource.urn)

    def neighbourhood(self, resource: Resource) -> list[Resource]:
        """``resource`` (added first) and the seen resources its verdict can depend on, in registration order."""
        found = {resource.urn}
        frontier = [resource]
        for _step in range(DEPTH):
            reached: list[Resource] = []
            for item in frontier:
                for urn in self._lookup(self._references_of(item)):
                    if urn not in found:
                        found.add(urn)
                        reached.append(self._by_urn[urn])
            frontier = reached
        found.discard(resource.urn)
        ordered = sorted(found, key=self._order.__getitem__)
        return [self._by_urn[urn] for urn in ordered] + [resource]

    def _references_of(self, resource: Resource) -> frozenset[str]:
        """The values a seen resource names, computed once (``add`` forgets them on a new record)."""
        cached = self._references.get(resource.urn)
        if cached is None:
            cached = self._references[resource.urn] = frozenset(_references(resource.properties))
        return cached

    def _lookup(self, references: frozenset[str]) -> set[str]:
        urns: set[str] = set()
        for value in references:
            if "*" in value or "?" in value:
                urns.update(self._match(value))
            else:
                urns.update(self._by_handle.get(value, ()))
        return urns

    def _match(self, pattern: str) -> Iterator[str]:
        """Handles an ARN pattern (``arn:aws:s3:::capture-*``) matches, found by its literal prefix."""
        prefix = pattern[: min(i for i in (pattern.find("*"), pattern.find("?")) if i >= 0)]
        if not prefix.startswith("arn:") or prefix.count(":") < 5:
            return  # "*" or an ARN without a service and resource: the rules read it as "every"
        start = bisect.bisect_left(self._sorted_handles, prefix)
        for handle in self._sorted_handles[start:]:
            if not handle.startswith(prefix):
                break
            if fnmatch.fnmatchcase(handle, pattern):
                yield from self._by_handle[handle]


def _handles(resource: Resource) -> set[str]:
    values = [resource.urn, resource.id, *(resource.properties.get(key) for key in IDENTITY_KEYS)]
    return {value for value in values if _usable(value)}


def _usable(value: Any) -> bool:
    return isinstance(value, str) and len(value) >= MIN_HANDLE and value not in (UNKNOWN, REDACTED)


def _references(value: Any) -> Iterator[str]:
    """Every string a resource's properties hold, documents parsed, ARNs also as the bucket they name."""
    if isinstance(value, dict):
        for item in value.values():
            yield from _references(item)
    elif isinstance(value, list):
        for item in value:
            yield from _references(item)
    elif _usable(value):
        text = value.strip()
        if text[:1] in "{[":
            try:
                yield from _references(json.loads(text))
                return
            except ValueError:
                pass
        yield text
        if text.startswith("arn:") and ":::" in text:  # arn:aws:s3:::bucket/key -> the bucket, by ARN and name
            name = text.split(":::", 1)[1].split("/", 1)[0]
            yield f"{text.split(':::', 1)[0]}:::{name}"
            yield name
