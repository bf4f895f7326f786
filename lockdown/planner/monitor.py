"""A mock resource monitor that records the graph the way the engine would.

``pulumi.runtime.mocks.MockMonitor`` hands mocks the type, name and inputs only, and
names children with their parent's last type only. This subclass records, for every
registration, the parent, dependencies (the SDK's list: explicit ``depends_on`` plus
every property dependency, components expanded to their children), property
dependencies, provider (explicit, or the default provider the engine would create,
``default_<version>``) and builds URNs exactly as the engine does: the parent's full
qualified type chain, without the root stack's type.

Values are read from the wire format (not deserialized) so that secrets and unknowns
stay visible, and go through ``lockdown.values`` like every loader's: a secret becomes
``REDACTED``, an unknown ``UNKNOWN`` with its path listed in the same notation.
"""

from __future__ import annotations

import threading
from typing import Any

from google.protobuf import struct_pb2

from lockdown.model import REDACTED, ROOT_STACK_TYPE, SECRET_SIG_KEY, SECRET_SIG_VALUE, UNKNOWN
from lockdown.planner.outputs import Context, synthesize, uuid_for
from lockdown.values import decode_json_string, normalize_properties, struct_to_dict, unknown_paths

STACK_REFERENCE_TYPE = "pulumi:pulumi:StackReference"


def engine_urn(stack: str, project: str, parent: str, type_: str, name: str) -> str:
    """The URN the engine gives: parent's full type chain (not the root stack's) then ``$type``."""
    qualified = type_
    if parent:
        parent_chain = parent.split("::")[2]
        if parent_chain != ROOT_STACK_TYPE:
            qualified = f"{parent_chain}${type_}"
    return f"urn:pulumi:{stack}::{project}::{qualified}::{name}"


class Recorder:
    """The records and the per-provider contexts the monitor builds; thread-safe.

    With ``first_preview`` the monitor answers as the engine does in a first preview of a new
    stack: a resource's id and every output the provider computes (what ``outputs`` would
    synthesize) are unknown, only its inputs are known, so callbacks waiting on them do not run.
    """

    def __init__(
        self, stack: str, project: str, base: Context, aws_config: dict[str, Any], first_preview: bool = False
    ) -> None:
        self.stack = stack
        self.project = project
        self.base = base
        self.aws_config = aws_config
        self.first_preview = first_preview
        self.records: list[dict[str, Any]] = []
        #: (type, name) -> (file, line) where the program declares the resource.
        self.locations: dict[tuple[str, str], tuple[str, int]] = {}
        self.ids: dict[str, str] = {}
        self.providers: dict[str, Context] = {}
        self.warnings: list[str] = []
        self.lock = threading.RLock()

    def add(self, record: dict[str, Any]) -> None:
        with self.lock:
            self.records.append(record)
            if record.get("id"):
                self.ids[record["urn"]] = record["id"]

    def default_provider(self, package: str, version: str) -> str:
        """The engine's default provider for a package: ``pulumi:providers:<pkg>::default_<version>``."""
        name = f"default_{version.replace('.', '_')}" if version else "default"
        urn = engine_urn(self.stack, self.project, "", f"pulumi:providers:{package}", name)
        with self.lock:
            if urn not in self.ids:
                props: dict[str, Any] = dict(self.aws_config) if package == "aws" else {}
                if version:
                    props["version"] = version
                ident = uuid_for(urn, "provider")
                self.add(_record(urn, f"pulumi:providers:{package}", name, ident, props, custom=True))
                self.providers[f"{urn}::{ident}"] = self.base
        return urn

    def context_for(self, provider_ref: str) -> Context:
        with self.lock:
            return self.providers.get(provider_ref, self.base)


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value


def _record(
    urn: str,
    type_: str,
    name: str,
    ident: str | None,
    props: dict[str, Any],
    custom: bool,
    parent: str | None = None,
    dependencies: list[str] | None = None,
    provider: str | None = None,
    property_dependencies: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    return {
        "urn": urn,
        "type": type_,
        "name": name,
        "id": ident,
        "properties": props,
        "parent": parent,
        "dependencies": dependencies or [],
        "propertyDependencies": property_dependencies or {},
        "provider": provider,
        "unknowns": unknown_paths(props),
        "custom": custom,
    }


def unwrap_secrets(value: Any) -> tuple[Any, bool]:
    """Wire value -> plain value for an invoke, and whether any part of it was secret."""
    if isinstance(value, dict):
        if value.get(SECRET_SIG_KEY) == SECRET_SIG_VALUE:
            inner, _ = unwrap_secrets(value.get("value"))
            return inner, True
        pairs = {k: unwrap_secrets(v) for k, v in value.items()}
        return {k: v for k, (v, _) in pairs.items()}, any(s for _, s in pairs.values())
    if isinstance(value, list):
        pairs_list = [unwrap_secrets(v) for v in value]
        return [v for v, _ in pairs_list], any(s for _, s in pairs_list)
    return value, False


def build_monitor(recorder: Recorder, stackrefs: dict[str, dict[str, Any]], invoke_ctx: Any):
    """A ``MockMonitor`` subclass bound to this recorder (the SDK is imported lazily)."""
    from pulumi.runtime import rpc
    from pulumi.runtime.mocks import MockMonitor, _resolve_callbacks
    from pulumi.runtime.proto import resource_pb2
    from pulumi.runtime.sync_await import _sync_await

    from lockdown.planner import invokes

    class RecordingMonitor(MockMonitor):
        """Records every registration; answers with synthesized outputs."""

        def make_urn(self, parent: str, type_: str, name: str) -> str:
            return engine_urn(recorder.stack, recorder.project, parent, type_, name)

        def RegisterResource(self, request):
            urn = self.make_urn(request.parent, request.type, request.name)
            raw = struct_to_dict(request.object)
            if request.type == ROOT_STACK_TYPE:
                recorder.add(_record(urn, request.type, request.name, None, {}, custom=False))
                return resource_pb2.RegisterResourceResponse(urn=urn)
            if request.remote:
                return self._remote_component(request, urn, raw)
            transforms = _resolve_callbacks(request.transforms) + list(self._stack_transforms)
            if transforms:
                raw = _transform(request, raw, transforms)
            ident, state, record = _register(request, urn, raw)
            recorder.add(record)
            obj = struct_pb2.Struct()
            obj.update(state)
            self.resources[urn] = MockMonitor.ResourceRegistration(urn, ident or "", state)
            return resource_pb2.RegisterResourceResponse(urn=urn, id=ident or "", object=obj)

        def _remote_component(self, request, urn: str, raw: dict[str, Any]):
            """A multi-language component (e.g. awsx) runs in its provider, which the planner does not
            have: it is recorded with its inputs, and every output is unknown, as in a preview of a new
            one, so the program goes on (the SDK marks outputs missing from a dry-run response unknown)."""
            recorder.warnings.append(
                f"{urn}: multi-language component {request.type} cannot run offline; its outputs are unknown "
                "and its children were not planned"
            )
            inputs, _ = normalize_properties(raw)
            record = _record(
                urn,
                request.type,
                request.name,
                None,
                inputs,
                custom=False,
                parent=request.parent or None,
                dependencies=sorted(set(request.dependencies)),
                property_dependencies={k: sorted(set(v.urns)) for k, v in request.propertyDependencies.items()},
            )
            recorder.add(record)
            self.resources[urn] = MockMonitor.ResourceRegistration(urn, "", {})
            return resource_pb2.RegisterResourceResponse(urn=urn, object=struct_pb2.Struct())

        def ReadResource(self, request):
            urn = self.make_urn(request.parent, request.type, request.name)
            if request.type == STACK_REFERENCE_TYPE:
                state = _stack_reference(request.id, urn, request.parent)
            else:
                recorder.warnings.append(
                    f"{urn}: existing {request.type} {request.id!r} is read, not created; "
                    "its real properties are not checked"
                )
                inputs, _ = normalize_properties(struct_to_dict(request.properties))
                _, state = synthesize(request.type, request.name, inputs, urn, recorder.base, read_id=request.id)
                state = {**inputs, **state}
            obj = struct_pb2.Struct()
            obj.update(state)
            self.resources[urn] = MockMonitor.ResourceRegistration(urn, request.id, state)
            return resource_pb2.ReadResourceResponse(urn=urn, properties=obj)

        def Invoke(self, request):
            if request.tok == "pulumi:pulumi:getResource":
                return super().Invoke(request)
            args, secret = unwrap_secrets(struct_to_dict(request.args))
            args = {k: v for k, v in args.items() if v is not None}
            if unknown_paths(args):
                # As the engine does for an invoke that waits on values not known yet: the whole result is unknown.
                return resource_pb2.ResourceInvokeResponse(unknown=True)
            result = _drop_none(invokes.call(request.tok, args, invoke_ctx))
            # A secret argument makes the whole result secret; credentials in a result are secret anyway.
            hidden = set(result) if secret else invokes.secret_fields(request.tok) & set(result)
            for key in hidden:
                result[key] = {SECRET_SIG_KEY: SECRET_SIG_VALUE, "value": result[key]}
            ret = struct_pb2.Struct()
            ret.update(result)
            return resource_pb2.ResourceInvokeResponse(**{"return": ret})

    def _transform(request, raw: dict[str, Any], transforms: list[Any]) -> dict[str, Any]:
        """Run the resource's own then the stack's transforms, as the engine does (the mock runs none)."""
        from pulumi import ResourceOptions
        from pulumi.resource import ResourceTransformArgs

        props = rpc.deserialize_properties(request.object, keep_unknowns=True)
        changed = False
        for transform in transforms:
            args = ResourceTransformArgs(bool(request.custom), request.type, request.name, props, ResourceOptions())
            result = transform(args)
            if hasattr(result, "__await__"):
                result = _sync_await(result)
            if result is not None:
                props, changed = result.props, True
        if not changed:
            return raw
        return struct_to_dict(_sync_await(rpc.serialize_properties(props, {})))

    def _stack_reference(stack_name: str, urn: str, parent: str) -> dict[str, Any]:
        outputs = stackrefs.get(stack_name)
        if outputs is None:
            recorder.warnings.append(
                f"stack reference {stack_name!r}: no outputs given, every output is empty "
                f"(pass --config stackref:{stack_name}:<output>=VALUE)"
            )
            outputs = {}
        state = {"name": stack_name, "outputs": outputs, "secretOutputNames": []}
        recorder.add(
            _record(urn, STACK_REFERENCE_TYPE, urn.rsplit("::", 1)[-1], stack_name, dict(state), True, parent or None)
        )
        return state

    def _register(request, urn: str, raw: dict[str, Any]) -> tuple[str | None, dict[str, Any], dict[str, Any]]:
        type_ = request.type
        inputs, _ = normalize_properties(raw)
        provider_ref = request.provider or ""
        provider_urn: str | None = provider_ref.rsplit("::", 1)[0] if provider_ref else None
        custom = bool(request.custom)
        if custom and not provider_ref and not type_.startswith("pulumi:providers:"):
            provider_urn = recorder.default_provider(type_.split(":", 1)[0], request.version)
        # In a first preview a custom resource gets no id and no outputs: the SDK marks what a
        # dry-run response lacks unknown.
        ident: str | None = None
        outputs: dict[str, Any] = {}
        if type_.startswith("pulumi:providers:"):
            inputs = {k: decode_json_string(v) for k, v in inputs.items()}
            ident = uuid_for(urn, "provider")
            with recorder.lock:
                recorder.providers[f"{urn}::{ident}"] = _provider_context(inputs)
        elif custom and not recorder.first_preview:
            ctx = recorder.context_for(provider_ref)
            ident, outputs = synthesize(type_, request.name, inputs, urn, _region_override(ctx, inputs))
        props = {**outputs, **inputs}
        secret_outputs = set(request.additionalSecretOutputs)
        for key in secret_outputs & set(props):
            props[key] = REDACTED
        state = {**outputs, **raw}
        for key in secret_outputs & set(state):
            state[key] = {SECRET_SIG_KEY: SECRET_SIG_VALUE, "value": state[key]}
        prop_deps = {k: sorted(set(v.urns)) for k, v in request.propertyDependencies.items()}
        record = _record(
            urn,
            type_,
            request.name,
            ident if custom and ident and ident not in (UNKNOWN, REDACTED) else None,
            props,
            custom,
            parent=request.parent or None,
            dependencies=sorted(set(request.dependencies)),
            provider=provider_urn,
            property_dependencies=prop_deps,
        )
        return ident, state, record

    def _provider_context(inputs: dict[str, Any]) -> Context:
        base = recorder.base
        region = inputs.get("region")
        tags = inputs.get("defaultTags")
        default_tags = tags.get("tags") if isinstance(tags, dict) and isinstance(tags.get("tags"), dict) else {}
        return Context(
            account=base.account,
            region=region if isinstance(region, str) and region not in (UNKNOWN, REDACTED) else base.region,
            partition=base.partition,
            default_tags=default_tags,
        )

    def _region_override(ctx: Context, inputs: dict[str, Any]) -> Context:
        region = inputs.get("region")
        if isinstance(region, str) and region not in (UNKNOWN, REDACTED) and region != ctx.region:
            return Context(ctx.account, region, ctx.partition, ctx.default_tags)
        return ctx

    return RecordingMonitor


def new_monitor(recorder: Recorder, stackrefs: dict[str, dict[str, Any]], invoke_ctx: Any) -> Any:
    """The recording monitor every language runtime talks to (mocks are never asked: it answers itself)."""
    from pulumi.runtime.mocks import Mocks

    class _NoMocks(Mocks):
        def call(self, args):
            return {}

        def new_resource(self, args):
            return "", {}

    return build_monitor(recorder, stackrefs, invoke_ctx)(_NoMocks())


__all__ = ["Recorder", "build_monitor", "engine_urn", "new_monitor", "unwrap_secrets"]
