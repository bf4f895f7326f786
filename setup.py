"""Build hook: the wheel carries the repository's ``policies/`` as ``lockdown/policies``.

``policies/`` stays where it is in the repository (rules, the Rego library, readers and the
policy pack are edited there); at build time it is copied into the package, so an installed
``lockdown`` has its policies and ``lockdown pack-path`` a pack to launch.
``lockdown.engine.policyset`` uses that copy when it exists, else the repository's ``policies/``.
Everything else is declared in ``pyproject.toml``.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

POLICIES = Path(__file__).resolve().parent / "policies"


class BuildWithPolicies(build_py):
    """``build_py`` that also copies ``policies/`` into the built ``lockdown`` package."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return  # an editable install reads the repository's policies/ in place
        if not POLICIES.is_dir():
            raise SystemExit(f"{POLICIES}: the policies directory is missing, the wheel would have no rules")
        target = Path(self.build_lib) / "lockdown" / "policies"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(POLICIES, target, ignore=shutil.ignore_patterns("__pycache__", "*.py[cod]"))


setup(cmdclass={"build_py": BuildWithPolicies})
