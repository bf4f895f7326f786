"""Lockdown's CrossGuard policy pack: `pulumi preview/up --policy-pack policies/pack`.

The Pulumi CLI runs ``python -u -m pulumi.policy <engine-address> .`` in this directory.
The pack is built from the Rego rules in the directory above this one (or
``$LOCKDOWN_POLICIES``) by ``lockdown.gate``. In a checkout of the repository the
``lockdown`` package is the one beside ``policies/`` (put on ``sys.path`` first); in an
installed package (``lockdown pack-path``) this directory lives inside ``lockdown`` and the
import finds the installed package. If it cannot be imported the process exits with an
error, so the engine cannot run the deployment unchecked.
"""

import sys
from pathlib import Path

PACK_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACK_DIR.parents[1]
# Only a checkout holds lockdown/ beside policies/: never put the installed package's own
# directory on sys.path (its modules would shadow top-level ones).
if (REPO_ROOT / "lockdown" / "__init__.py").is_file() and str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

try:
    from lockdown.gate import serve
except ImportError as err:
    sys.stderr.write(
        f"lockdown policy pack: cannot import the lockdown package ({err}); run the pack with the Python "
        "environment where Lockdown is installed (`pip install pulumi-lockdown`, or in a checkout of the "
        f"repository `pip install -r requirements.txt -e .` in {REPO_ROOT})\n"
    )
    sys.exit(1)

serve(PACK_DIR)
