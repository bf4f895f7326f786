"""Make the Pulumi program's package (infra/lockdown_pipeline) importable, as the Pulumi CLI does."""

from __future__ import annotations

import sys
from pathlib import Path

INFRA = Path(__file__).resolve().parents[2] / "infra"
if str(INFRA) not in sys.path:
    sys.path.insert(0, str(INFRA))
