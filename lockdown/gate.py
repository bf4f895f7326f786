"""The deployment gate: the CrossGuard policy pack built from the Rego rules.

``policies/pack/__main__.py`` calls ``serve()``. At start-up the pack loads the same
``PolicySet`` as ``lockdown check`` and turns every rule into a ``pulumi_policy`` policy.
Where a rule is enforced is its metadata's ``gate``:

- ``analyze``: every resource rule, and the stack rules about a resource that grants
  access (bucket and access point policies, identity policies, trust policies, Lake
  Formation permissions, log resource policies, replication and log destinations). They
  become ``ResourceValidationPolicy`` policies: the engine calls ``Analyze`` before it
  creates the resource, so a violation stops the creation itself.
- ``stack``: rules about a control that is missing (no public access block, no
  encryption, no trail). They become ``StackValidationPolicy`` policies, run by
  ``AnalyzeStack``, which during an update comes after every resource was created.

The gate remembers what the engine sent it in this deployment (``lockdown.seen``): the
pack is one process per preview/update, and ``Analyze`` arrives for every resource in
registration order. An arriving resource is judged with its neighbours among the seen
resources (its bucket, the role it attaches to, the buckets its document names), picked
by index so the cost of a call does not grow with the deployment; a neighbour not seen
is judged the strictest way by the rules (a bucket not seen is restricted). Reported
there: the violations about the arriving resource, and those about a neighbour that no
earlier ``Analyze`` showed (the arriving resource normally causes them); ``AnalyzeStack``
evaluates the stack rules on the whole graph and reports what ``Analyze`` did not already
report for that rule and resource.

Evaluation is done once per request, not once per policy: the servicer's ``Analyze``
turns the raw request into a record (``lockdown.loaders.analyzer``), evaluates the rules
in one regorus query and hands each policy callback its share. regorus engines are bound
to the thread that made them, so one dedicated thread owns them (and the seen graph) and
every gRPC worker submits its evaluation there.

Verdicts match ``lockdown check``: a mandatory, unwaived violation is a mandatory
diagnostic; a waived one is an advisory diagnostic naming the waiver. During preview a
mandatory violation whose deny object says ``"undecided": true`` (it rests on a value the
engine does not know yet) is reported as an advisory "undecided" diagnostic and decided
again during the update, where an unknown still there blocks. Fail closed: policies that
do not load, settings that do not validate, or an evaluation that fails make every
``Analyze``/``AnalyzeStack`` call return a gRPC error with a one-line reason, never an
empty list of diagnostics.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from lockdown.engine.embedded import EmbeddedEngine
from lockdown.engine.evaluation import Violation
from lockdown.engine.metadata import Rule
from lockdown.engine.policyset import PolicySet, load_policy_set
from lockdown.errors import LockdownError
from lockdown.model import Resource
from lockdown.seen import SeenGraph
from lockdown.settings import SCHEMA as SETTINGS_SCHEMA
from lockdown.settings import resolve
from lockdown.waivers import Waiver, find_waiver, parse_waivers

PACK_NAME = "lockdown"
#: The policy whose pack configuration holds Lockdown's settings (same keys as ``--settings``).
SETTINGS_POLICY = "lockdown-settings"
#: Environment variable naming the policies directory (default: the directory holding the pack).
POLICIES_ENV = "LOCKDOWN_POLICIES"
#: The outcome key of an ``AnalyzeStack`` request (resource requests use the resource's URN).
STACK_KEY = "<stack>"
#: Key under which an unreadable ``PULUMI_CONFIG`` is remembered (never a real config key: no namespace).
CONFIG_ERROR = "<unreadable PULUMI_CONFIG>"


def policy_name(rule: Rule) -> str:
    """The CrossGuard policy name of a rule: its id, lowercased (``ld-s3-002``)."""
    return rule.id.lower()


@dataclass
class Item:
    """One violation with what the gate does with it: report, waived or undecided."""

    violation: Violation
    status: str
    waiver: Waiver | None = None


@dataclass
class Outcome:
    """Every rule's verdict on one request, handed to the policy callbacks."""

    key: str
    items: dict[str, list[Item]] = field(default_factory=dict)

    def of(self, rule_id: str, status: str) -> list[Item]:
        return [item for item in self.items.get(rule_id, []) if item.status == status]


class Gate:
    """The pack's state: rules, engines (on their own thread), settings and the current request."""

    def __init__(self, policies_dir: str | Path) -> None:
        self.policies_dir = Path(policies_dir)
        self.error: str | None = None
        self.policy_set: PolicySet | None = None
        self.rules: tuple[Rule, ...] = ()
        self.stack_config: dict[str, Any] = _env_config()
        self.pack_settings: dict[str, Any] = {}
        self.dry_run = os.environ.get("PULUMI_DRY_RUN", "") == "true"
        self._settings: tuple[dict[str, Any], list[Waiver]] | None = None
        self._local = threading.local()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lockdown-engine")
        self._engines: dict[str, Any] = {}
        self.policies: dict[str, Any] = {}
        self._build: Future[None] | None = None
        self._lock = threading.Lock()
        #: This deployment's resources and the violations ``Analyze`` gave (engine thread only).
        self.seen = SeenGraph()
        self._given: set[tuple[str, str]] = set()
        #: What Analyze reported in this deployment, verdicts and undecided alike (engine thread only).
        self._shown: set[tuple[str, str]] = set()
        #: Type tokens of the library's control kinds (policies/lib types.control_kinds), set at build.
        self._control_types: frozenset[str] = frozenset()
        self._load()

    # -- start-up ---------------------------------------------------------------------------

    def _load(self) -> None:
        """Load the policies (metadata only: fast); the engines are built by ``start_build``.

        Building the engines (parsing every module with regorus) is left out of start-up
        so the pack answers ``GetAnalyzerInfo`` as soon as Python has imported Pulumi.
        """
        try:
            self.policy_set = load_policy_set(self.policies_dir)
            self.rules = self.policy_set.rules
        except LockdownError as err:
            self._fail(f"Lockdown policies failed to load: {err}")

    def start_build(self) -> None:
        """Build the engines on the engine thread, once.

        Jobs there run in order, so every evaluation waits for the build; a failed build
        fails every evaluation (fail closed).
        """
        with self._lock:
            if self._build is None and self.policy_set is not None:
                self._build = self._executor.submit(self._build_engines, self.policy_set)

    def _ready(self) -> None:
        self.start_build()
        build = self._build
        if self.error is None and build is not None:
            try:
                build.result()
            except LockdownError as err:
                self._fail(f"Lockdown policies failed to load: {err}")
            except BaseException as err:  # a regorus panic is a BaseException; fail closed on all
                if isinstance(err, KeyboardInterrupt | SystemExit):
                    raise
                self._fail(f"Lockdown policies failed to load: {type(err).__name__}: {_one_line(err)}")
        if self.error:
            raise LockdownError(self.error)

    def _fail(self, message: str) -> None:
        if self.error is None:
            print(message, file=sys.stderr, flush=True)
        self.error = message

    def _build_engines(self, policy_set: PolicySet) -> None:
        try:
            # Analyze: the resource rules of the arriving resource's kinds, on it alone (the scope
            # invariant and the rules' checked `kinds` make that exact, and cheaper than all of them
            # on its neighbourhood), and the stack rules enforced there, on its neighbourhood;
            # AnalyzeStack: every stack rule, so that what the arriving resources' neighbourhoods
            # did not show is still decided on the whole graph.
            for call, rules in (
                ("resource", tuple(rule for rule in policy_set.rules if rule.scope == "resource")),
                ("granting", tuple(r for r in policy_set.rules if r.scope == "stack" and r.gate == "analyze")),
                ("stack", tuple(rule for rule in policy_set.rules if rule.scope == "stack")),
            ):
                if rules:
                    self._engines[call] = EmbeddedEngine(replace(policy_set, rules=rules))
            if "granting" in self._engines:
                self._control_types = control_types(self._engines["granting"])
            for engine in self._engines.values():
                engine.kind_table()  # a rule naming a kind the library lacks fails the build
        except LockdownError as err:
            # Said at start-up too, not only on the first Analyze, so the CLI's log shows it early.
            print(f"Lockdown policies failed to load: {err}", file=sys.stderr, flush=True)
            raise

    # -- configuration ----------------------------------------------------------------------

    def configure_pack(self, policy_config: dict[str, dict[str, Any]]) -> None:
        """Pack configuration: the ``lockdown-settings`` policy's properties are settings overrides."""
        self.pack_settings = {
            k: v for k, v in (policy_config.get(SETTINGS_POLICY) or {}).items() if k != "enforcementLevel"
        }
        self._settings = None

    def configure_stack(self, config: dict[str, str], dry_run: bool) -> None:
        """The stack's config (its ``lockdown:`` keys are settings) and whether this is a preview.

        The engine calls it once, before the first resource: a deployment begins, with
        nothing seen yet.
        """
        if config:
            self.stack_config = dict(config)
        self.dry_run = dry_run
        self._settings = None
        self._executor.submit(self._forget).result()

    def _forget(self) -> None:
        self.seen = SeenGraph()
        self._given = set()
        self._shown = set()

    def settings(self) -> tuple[dict[str, Any], list[Waiver]]:
        """``data.lockdown.config`` and the waivers in force; a bad setting raises ``LockdownError``."""
        if self._settings is None:
            if CONFIG_ERROR in self.stack_config:
                raise LockdownError(str(self.stack_config[CONFIG_ERROR]))
            origin = f"policy pack config {SETTINGS_POLICY} / stack config lockdown:"
            resolved = resolve(self.stack_config, self.pack_settings, origin=origin)
            waivers, expired = parse_waivers(resolved.get("waivers", []), date.today(), self.rules)
            for warning in expired:
                print(f"lockdown: {warning}", file=sys.stderr, flush=True)
            self._settings = (resolved, waivers)
        return self._settings

    # -- evaluation -------------------------------------------------------------------------

    def prepare_resource(self, resource: Resource) -> None:
        """Judge an arriving resource with its seen neighbours; keep the outcome for this thread's callbacks."""
        self._ready()
        settings, waivers = self.settings()
        violations, graph = self._executor.submit(self._judge_arrival, resource, settings).result()
        self._keep(resource.urn, violations, graph, waivers)

    def prepare_stack(self, resources: list[Resource]) -> None:
        """Evaluate the stack rules on the whole graph, less what ``Analyze`` already reported."""
        self._ready()
        settings, waivers = self.settings()
        violations = self._executor.submit(self._judge_stack, resources, settings).result()
        self._keep(STACK_KEY, violations, resources, waivers)

    def _judge_arrival(self, resource: Resource, settings: dict[str, Any]) -> tuple[list[Violation], list[Resource]]:
        alone, engine = self._engines.get("resource"), self._engines.get("granting")
        own = alone.evaluate([resource], settings, rules=alone.rules_for(resource.type)).violations if alone else []
        if engine is None or resource.type in self._control_types:
            return own, [resource]  # no rule judging a grant reads it
        self.seen.add(resource)
        graph = self.seen.neighbourhood(resource)
        found = engine.evaluate(graph, settings).violations
        # The arriving resource's violations, and a neighbour's that no Analyze showed yet: this is
        # the first call whose neighbourhood reveals it (the arriving resource normally causes it:
        # a role policy making a broadly assumable role a reader), the earliest it can be stopped.
        own += [v for v in found if v.urn == resource.urn or _given_key(v) not in self._shown]
        self._shown.update(_given_key(v) for v in own)
        # Undecided during preview is not a verdict: AnalyzeStack, which sees the graph's
        # dependencies, may still decide it.
        self._given.update(_given_key(v) for v in own if not (self.dry_run and v.undecided))
        return own, graph

    def _judge_stack(self, resources: list[Resource], settings: dict[str, Any]) -> list[Violation]:
        engine = self._engines.get("stack")
        found = engine.evaluate(resources, settings).violations if engine else []
        return [v for v in found if v.rule.gate == "stack" or _given_key(v) not in self._given]

    def _keep(self, key: str, violations: list[Violation], resources: list[Resource], waivers: list[Waiver]) -> None:
        by_urn = {resource.urn: resource for resource in resources}
        outcome = Outcome(key=key)
        for violation in violations:
            outcome.items.setdefault(violation.rule.id, []).append(self._classify(violation, by_urn, waivers))
        self._local.outcome = outcome

    def _classify(self, violation: Violation, by_urn: dict[str, Resource], waivers: list[Waiver]) -> Item:
        resource = by_urn.get(violation.urn)
        name = resource.name if resource else violation.urn.rsplit("::", 1)[-1]
        waiver = find_waiver(waivers, violation.rule.id, violation.urn, name)
        if waiver is not None:
            return Item(violation, "waived", waiver)
        if self.dry_run and violation.rule.enforcement == "mandatory" and violation.undecided:
            return Item(violation, "undecided")
        return Item(violation, "report")

    def rule(self, rule_id: str) -> Rule:
        return next(rule for rule in self.rules if rule.id == rule_id)

    def outcome(self, key: str) -> Outcome:
        """The outcome prepared for this request; missing means the servicer was bypassed: fail closed."""
        outcome = getattr(self._local, "outcome", None)
        if outcome is None or outcome.key != key:
            raise RuntimeError(f"Lockdown gate: no evaluation prepared for {key}; refusing to pass it unchecked")
        return outcome

    def finish(self) -> None:
        """Forget this thread's outcome, so a later request can never read a stale verdict."""
        self._local.outcome = None


def control_types(engine: EmbeddedEngine) -> frozenset[str]:
    """The type tokens whose kind is one of the library's ``control_kinds`` (none without the library)."""
    controls = engine.constant("data.lockdown.lib.types.control_kinds")
    if not isinstance(controls, list):
        return frozenset()
    return frozenset(token for token, kind in engine.kind_table().primary.items() if kind in controls)


def _given_key(violation: Violation) -> tuple[str, str]:
    """What ``AnalyzeStack`` does not report again: a rule's verdict on a resource ``Analyze`` gave.

    Rule and resource, not the message: the whole graph can word the same violation
    differently (a role that can read "through a bucket policy" is, with its own policies
    seen, one that "can read restricted data"), and the resource was already stopped for it.
    """
    return (violation.rule.id, violation.urn)


def _env_config() -> dict[str, Any]:
    """The stack config the CLI passes in ``PULUMI_CONFIG`` (a JSON object of ``ns:key`` strings).

    Unreadable config is kept as an error marker rather than dropped: settings built
    without it could differ from the check's, so ``settings()`` refuses to evaluate.
    """
    raw = os.environ.get("PULUMI_CONFIG") or "{}"
    try:
        config = json.loads(raw)
    except json.JSONDecodeError as err:
        return {CONFIG_ERROR: f"PULUMI_CONFIG is not valid JSON: {err.msg}"}
    return config if isinstance(config, dict) else {CONFIG_ERROR: "PULUMI_CONFIG is not a JSON object"}


def _one_line(err: BaseException) -> str:
    text = " ".join(str(err).split("Stack backtrace:")[0].split())
    return text[:300] or type(err).__name__


# -- the pulumi_policy side ------------------------------------------------------------------


def rule_url(rule: Rule, policies_dir: Path) -> str:
    """Where the rule's source (metadata, Rego and tests) can be read.

    On GitHub Actions this is the file on the repository's web UI; elsewhere a file URL.
    """
    relative = Path(rule.path)
    server, repository = os.environ.get("GITHUB_SERVER_URL"), os.environ.get("GITHUB_REPOSITORY")
    if server and repository:
        ref = os.environ.get("GITHUB_SHA") or "HEAD"
        return f"{server}/{repository}/blob/{ref}/{relative.as_posix()}"
    return (policies_dir.parent / relative).resolve().as_uri()


def build_policies(gate: Gate) -> list[Any]:
    """One pulumi_policy policy per rule, plus the settings policy (always present)."""
    from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, StackValidationPolicy

    policies: list[Any] = []
    for rule in gate.rules:
        common = _policy_metadata(rule, gate.policies_dir)
        if rule.gate == "analyze":
            policies.append(ResourceValidationPolicy(validate=_resource_validation(gate, rule), **common))
        else:
            policies.append(StackValidationPolicy(validate=_stack_validation(gate, rule), **common))
    policies.append(
        StackValidationPolicy(
            name=SETTINGS_POLICY,
            description=(
                "Lockdown's settings (allowedReaders, accountIds, organizationId, waivers, ...) for every rule of "
                "this pack. Set them in this policy's configuration; they override the stack's lockdown: config. "
                "This policy reports nothing itself."
            ),
            validate=lambda _args, _report: None,
            enforcement_level=EnforcementLevel.ADVISORY,
            config_schema=_settings_schema(),
        )
    )
    gate.policies = {policy.name: policy for policy in policies}
    return policies


def _policy_metadata(rule: Rule, policies_dir: Path) -> dict[str, Any]:
    from pulumi_policy import EnforcementLevel, PolicyComplianceFramework, Severity

    framework = None
    if rule.frameworks:
        name, _, reference = rule.frameworks[0].rpartition(" ")
        framework = PolicyComplianceFramework(name=name or rule.frameworks[0], reference=reference or None)
    frameworks = f" Frameworks: {', '.join(rule.frameworks)}." if rule.frameworks else ""
    return {
        "name": policy_name(rule),
        "description": f"{rule.id} ({rule.severity}): {rule.title}.",
        "enforcement_level": EnforcementLevel(rule.enforcement),
        "display_name": f"{rule.id}: {rule.title}",
        "severity": Severity(rule.severity),
        "framework": framework,
        "tags": [rule.id, f"scope:{rule.scope}", f"gate:{rule.gate}", *rule.frameworks],
        "remediation_steps": f"{rule.remediation}{frameworks}",
        "url": rule_url(rule, policies_dir),
    }


def violation_text(item: Item) -> str:
    """What a developer reads under the policy's description: the finding and how to fix it."""
    rule = item.violation.rule
    return f"{item.violation.message}\nRemediation: {rule.remediation}"


def _resource_validation(gate: Gate, rule: Rule) -> Callable[[Any, Any], None]:
    def validate(args: Any, report_violation: Any) -> None:
        for item in gate.outcome(args.urn).of(rule.id, "report"):
            if item.violation.urn == args.urn:  # the others name their resource: _add_advisories
                report_violation(violation_text(item), None)

    return validate


def _stack_validation(gate: Gate, rule: Rule) -> Callable[[Any, Any], None]:
    def validate(_args: Any, report_violation: Any) -> None:
        for item in gate.outcome(STACK_KEY).of(rule.id, "report"):
            report_violation(violation_text(item), item.violation.urn)

    return validate


def make_servicer_class(gate: Gate) -> type:
    """pulumi_policy's servicer, extended to evaluate once per request and to fail closed.

    ``Configure``/``ConfigureStack`` also feed the gate (pulumi_policy keeps pack config
    private to each policy and ignores the stack's config); ``Analyze``/``AnalyzeStack``
    evaluate first, then let pulumi_policy run the policies (enforcement levels from the
    pack configuration apply as usual), then add the advisory diagnostics for waived and
    undecided violations.
    """
    import grpc
    from pulumi_policy import policy as pp

    from lockdown.loaders.analyzer import resource_from_analyze, resources_from_stack, struct_to_dict

    base = pp._PolicyAnalyzerServicer

    class LockdownServicer(base):  # type: ignore[misc, valid-type]
        def GetAnalyzerInfo(self, request: Any, context: Any) -> Any:
            response = super().GetAnalyzerInfo(request, context)
            gate.start_build()  # the engine calls Configure and Analyze next: build meanwhile
            return response

        def Configure(self, request: Any, context: Any) -> Any:
            response = super().Configure(request, context)
            gate.configure_pack({name: struct_to_dict(cfg.properties) for name, cfg in request.policyConfig.items()})
            return response

        def ConfigureStack(self, request: Any, context: Any) -> Any:
            response = super().ConfigureStack(request, context)
            gate.configure_stack(dict(request.config), bool(request.dry_run))
            return response

        def Analyze(self, request: Any, context: Any) -> Any:
            failure = _guard(lambda: gate.prepare_resource(resource_from_analyze(request)))
            if failure is None:
                try:
                    response = self._report_resource(request.urn)
                    self._add_advisories(response, gate.outcome(request.urn))
                    return response
                except BaseException as err:  # noqa: BLE001 - fail closed on anything, panics included
                    failure = _failure_text(err)
                finally:
                    gate.finish()
            context.abort(grpc.StatusCode.INTERNAL, f"{failure} (resource {request.urn})")

        def _report_resource(self, urn: str) -> Any:
            """pulumi_policy's ``Analyze``, for the policies with a verdict on this resource only.

            pulumi_policy's own deserializes the resource's properties once per policy of the
            pack (about 2 ms a resource with ~60 policies) for callbacks that read nothing but
            the URN: the verdicts are already in the outcome. Enforcement levels apply as there.
            """
            from pulumi.runtime import proto
            from pulumi_policy import EnforcementLevel, ResourceValidationPolicy

            response = proto.AnalyzeResponse()
            args = _ResourceUrn(urn)
            for rule_id in gate.outcome(urn).items:
                policy = gate.policies[policy_name(gate.rule(rule_id))]
                level = self._get_enforcement_level(policy)
                if level == EnforcementLevel.DISABLED or not isinstance(policy, ResourceValidationPolicy):
                    continue
                if level == EnforcementLevel.REMEDIATE:
                    level = EnforcementLevel.MANDATORY
                name, description, severity = policy.name, policy.description, policy.severity
                policy.validate(args, self._create_report_violation(response, name, description, level, severity))
            return response

        def AnalyzeStack(self, request: Any, context: Any) -> Any:
            failure = _guard(lambda: gate.prepare_stack(resources_from_stack(request)))
            if failure is None:
                try:
                    response = super().AnalyzeStack(request, context)
                    self._add_advisories(response, gate.outcome(STACK_KEY))
                    return response
                except BaseException as err:  # noqa: BLE001 - fail closed on anything, panics included
                    failure = _failure_text(err)
                finally:
                    gate.finish()
            context.abort(grpc.StatusCode.INTERNAL, failure)

        def _add_advisories(self, response: Any, outcome: Outcome) -> None:
            """Add what the policy callbacks do not report.

            Waived and undecided violations as advisories; at the policy's configured
            enforcement level and naming their resource, the violations of a neighbour that
            ``Analyze`` shows first at the arriving resource and, at ``AnalyzeStack``, those of rules
            enforced at ``Analyze`` that no ``Analyze`` call reported.
            """
            from pulumi.runtime import proto
            from pulumi_policy import EnforcementLevel

            for rule_id, items in outcome.items.items():
                policy = gate.policies[policy_name(gate.rule(rule_id))]
                level = self._get_enforcement_level(policy)
                if level == EnforcementLevel.DISABLED:
                    continue
                for item in items:
                    if item.status == "report":
                        if item.violation.urn != outcome.key and (
                            outcome.key != STACK_KEY or item.violation.rule.gate == "analyze"
                        ):
                            report = self._create_report_violation(
                                response, policy.name, policy.description, level, policy.severity
                            )
                            report(violation_text(item), item.violation.urn)
                        continue
                    response.diagnostics.append(
                        proto.AnalyzeDiagnostic(
                            policyName=policy.name,
                            policyPackName=self._PolicyAnalyzerServicer__policy_pack_name,
                            policyPackVersion=self._PolicyAnalyzerServicer__policy_pack_version,
                            message=f"{policy.description}\n{advisory_text(item)}",
                            urn=item.violation.urn,
                            description=policy.description,
                            enforcementLevel=proto.ADVISORY,
                            severity=self._map_severity(policy.severity),
                        )
                    )

    return LockdownServicer


@dataclass(frozen=True)
class _ResourceUrn:
    """What the gate's resource policy callbacks read of pulumi_policy's ``ResourceValidationArgs``."""

    urn: str


def advisory_text(item: Item) -> str:
    """The message of a waived or undecided violation: why it does not block, and what happens next."""
    message = item.violation.message
    if item.status == "waived" and item.waiver is not None:
        waiver = item.waiver
        return f"[waived until {waiver.expires.isoformat()}: {waiver.reason}] {message}"
    return (
        f"[undecided during preview] {message}\n"
        "This mandatory rule needs a value that is not known until the update; "
        "it is decided again when `pulumi up` runs, and blocks then if the value still violates it."
    )


def _guard(action: Callable[[], None]) -> str | None:
    """Run ``action``; return a one-line failure instead of raising (regorus panics included)."""
    try:
        action()
    except BaseException as err:
        if isinstance(err, KeyboardInterrupt | SystemExit):
            raise
        return _failure_text(err)
    return None


def _failure_text(err: BaseException) -> str:
    if isinstance(err, KeyboardInterrupt | SystemExit):
        raise err
    if isinstance(err, LockdownError):
        return f"Lockdown gate failed closed: {err}"
    return f"Lockdown gate failed closed: {type(err).__name__}: {_one_line(err)}"


def _settings_schema() -> Any:
    """The settings policy's config schema: the same JSON Schema every other path validates with."""
    from pulumi_policy import PolicyConfigSchema

    return PolicyConfigSchema(properties=SETTINGS_SCHEMA["properties"])


def serve(pack_dir: str | Path) -> None:
    """Build the pack from the policies and serve it until the engine stops the process."""
    from pulumi_policy import PolicyPack
    from pulumi_policy import policy as pp

    pack_dir = Path(pack_dir).resolve()
    gate = Gate(os.environ.get(POLICIES_ENV) or pack_dir.parent)
    # PolicyPack() builds pulumi_policy's servicer by its module-level name: substitute ours.
    pp._PolicyAnalyzerServicer = make_servicer_class(gate)
    PolicyPack(
        name=PACK_NAME,
        policies=build_policies(gate),
        description="Lockdown: the Rego rules of lockdown check, enforced on every resource the engine deploys.",
    )
