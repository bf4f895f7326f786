"""Print what the gate answers the Pulumi engine for a program, call by call (docs/gate.md's transcript).

Plans the program offline (as ``lockdown check`` does), starts the policy pack as the
Pulumi CLI does and replays one deployment over gRPC with the replay harness of the tests
(``tests/test_pack_support.py``): ``ConfigureStack``, ``Analyze`` for every resource in
registration order, ``AnalyzeStack``. No Pulumi CLI is involved: this is the pack's side
of the conversation, not the CLI's output.

    python scripts/gate_transcript.py [--program examples/leaky-capture] [--stack demo] [--preview]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from lockdown.loaders.program import load_program  # noqa: E402
from tests.test_pack_support import launch  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--program", type=Path, default=REPO / "examples" / "leaky-capture")
    parser.add_argument("--stack", default="demo")
    parser.add_argument("--preview", action="store_true", help="replay a preview (dry_run=true) instead of an update")
    args = parser.parse_args()
    loaded = load_program(args.program, args.stack)
    config = {k: v if isinstance(v, str) else json.dumps(v) for k, v in loaded.config.items()}
    mode = "preview (dry_run=true)" if args.preview else "update (dry_run=false)"
    print(f"# replay harness: {args.program.name}, stack {args.stack}, {mode}")
    with launch(policies=REPO / "policies", stack=args.stack, stack_config=config, dry_run=args.preview) as pack:
        pack.configure({})
        pack.configure_stack(config, dry_run=args.preview, stack=args.stack)
        for resource in loaded.resources:
            found = pack.analyze(resource)
            verdict = "BLOCKED before creation" if any(d.enforcement == "mandatory" for d in found) else "ok"
            print(f"Analyze {resource.type}::{resource.name}: {verdict}")
            for diagnostic in found:
                print_diagnostic(diagnostic)
        found = pack.analyze_stack(loaded.resources)
        print(f"AnalyzeStack ({len(loaded.resources)} resources; during an update, after they were created)")
        for diagnostic in found:
            print_diagnostic(diagnostic)
    return 0


def print_diagnostic(diagnostic: object) -> None:
    lines = diagnostic.message.split("\n")
    name = diagnostic.urn.rsplit("::", 1)[-1]
    print(f"    [{diagnostic.enforcement}] {diagnostic.policy} on {name}: {lines[1] if len(lines) > 1 else lines[0]}")


if __name__ == "__main__":
    sys.exit(main())
