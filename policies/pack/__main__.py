"""Lockdown's CrossGuard policy pack: `pulumi preview/up --policy-pack policies/pack`.

The Pulumi CLI runs ``python -u -m pulumi.policy <engine-address> .`` in this directory.
The pack is built from the Rego rules under ``policies/`` (or ``$LOCKDOWN_POLICIES``) by
``lockdown.gate``; the ``lockdown`` package comes from ``pip install -e .`` or, failing
that, from the repository this directory belongs to. If it cannot be imported the
process exits with an error, so the engine cannot run the deployment unchecked.
"""

import sys
from pathlib import Path

PACK_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACK_DIR.parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

try:
    from lockdown.gate import serve
except ImportError as err:
    sys.stderr.write(
        f"lockdown policy pack: cannot import the lockdown package ({err}); "
        f"run `pip install -r requirements.txt -e .` in {REPO_ROOT}\n"
    )
    sys.exit(1)

serve(PACK_DIR)
