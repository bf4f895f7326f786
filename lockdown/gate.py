"""The deployment gate: the CrossGuard policy pack built from the Rego rules.

``policies/pack/__main__.py`` calls ``serve()``. At start-up the pack loads the same
``PolicySet`` as ``lockdown check`` and turns every rule into a ``pulumi_policy`` policy:
a ``ResourceValidationPolicy`` for a ``scope: resource`` rule (the engine calls it before
it creates the resource, so a violation blocks the creation itself) and a
``StackValidationPolicy`` for a ``scope: stack`` rule (the whole graph, with outputs).

Evaluation is done once per request, not once per policy: the servicer's ``Analyze``
turns the raw request into a record (``lockdown.loaders.analyzer``), evaluates every
resource-scope rule on it in one regorus query and hands each policy callback its
share. regorus engines are bound to the thread that made them, so one dedicated thread
owns them and every gRPC worker submits its evaluation there.

Verdicts match ``lockdown check``: a mandatory, unwaived violation is a mandatory
diagnostic; a waived one is an advisory diagnostic naming the waiver. During preview a
mandatory violation that rests on a value the engine does not know yet is reported as
an advisory "undecided" diagnostic and decided again during the update, where the
values are known (and an unknown still there blocks). Fail closed: policies that do not
load, settings that do not validate, or an evaluation that fails make every
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
from lockdown.settings import SCHEMA as SETTINGS_SCHEMA
from lockdown.settings import resolve
from lockdown.waivers import Waiver, find_waiver, parse_waivers

PACK_NAME = "lockdown"
#: The policy whose pack configuration holds Lockdown's settings (same keys as ``--settings``).
SETTINGS_POLICY = "lockdown-settings"
#: Environment variable naming the policies directory (default: the directory holding the pack).
POLICIES_ENV = "LOCKDOWN_POLICIES"
#: What a rule's message says when its verdict rests on a value unknown at plan time (the rules' convention).
UNDECIDED_PHRASE = "unknown at plan time"
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
            for scope in ("resource", "stack"):
                rules = tuple(rule for rule in policy_set.rules if rule.scope == scope)
                if rules:
                    self._engines[scope] = EmbeddedEngine(replace(policy_set, rules=rules))
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
        """The stack's config (its ``lockdown:`` keys are settings) and whether this is a preview."""
        if config:
            self.stack_config = dict(config)
        self.dry_run = dry_run
        self._settings = None

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

    def prepare(self, key: str, scope: str, resources: list[Resource]) -> None:
        """Evaluate ``scope``'s rules on ``resources`` and keep the outcome for this thread's callbacks."""
        self._ready()
        settings, waivers = self.settings()
        violations = self._executor.submit(self._evaluate, scope, resources, settings).result()
        by_urn = {resource.urn: resource for resource in resources}
        outcome = Outcome(key=key)
        for violation in violations:
            outcome.items.setdefault(violation.rule.id, []).append(self._classify(violation, by_urn, waivers))
        self._local.outcome = outcome

    def _evaluate(self, scope: str, resources: list[Resource], settings: dict[str, Any]) -> list[Violation]:
        engine = self._engines.get(scope)
        return engine.evaluate(resources, settings).violations if engine else []

    def _classify(self, violation: Violation, by_urn: dict[str, Resource], waivers: list[Waiver]) -> Item:
        resource = by_urn.get(violation.urn)
        name = resource.name if resource else violation.urn.rsplit("::", 1)[-1]
        waiver = find_waiver(waivers, violation.rule.id, violation.urn, name)
        if waiver is not None:
            return Item(violation, "waived", waiver)
        if self.dry_run and violation.rule.enforcement == "mandatory" and _rests_on_unknown(violation, resource):
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


def _rests_on_unknown(violation: Violation, resource: Resource | None) -> bool:
    """Whether a violation is a rule failing closed on a value not known until the update.

    The rule contract makes an unknown value a mandatory rule needs a finding, and the
    rules word it "... unknown at plan time ...". A message that only says "unknown"
    counts when the resource it is about does have unknown values.
    """
    message = violation.message.lower()
    if UNDECIDED_PHRASE in message:
        return True
    return resource is not None and bool(resource.unknowns) and "unknown" in message


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
        if rule.scope == "resource":
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
        "tags": [rule.id, f"scope:{rule.scope}", *rule.frameworks],
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
            failure = _guard(lambda: gate.prepare(request.urn, "resource", [resource_from_analyze(request)]))
            if failure is None:
                try:
                    response = super().Analyze(request, context)
                    self._add_advisories(response, gate.outcome(request.urn))
                    return response
                except BaseException as err:  # noqa: BLE001 - fail closed on anything, panics included
                    failure = _failure_text(err)
                finally:
                    gate.finish()
            context.abort(grpc.StatusCode.INTERNAL, f"{failure} (resource {request.urn})")

        def AnalyzeStack(self, request: Any, context: Any) -> Any:
            failure = _guard(lambda: gate.prepare(STACK_KEY, "stack", resources_from_stack(request)))
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
            from pulumi.runtime import proto
            from pulumi_policy import EnforcementLevel

            for rule_id, items in outcome.items.items():
                policy = gate.policies[policy_name(gate.rule(rule_id))]
                if self._get_enforcement_level(policy) == EnforcementLevel.DISABLED:
                    continue
                for item in items:
                    if item.status == "report":
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
