"""Helpers for the tests of the project's own commands (scripts/)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def run_script():
    """Run one of scripts/*.sh with extra environment; return the completed process.

    ``result.message`` is its standard error on one line, as a reader takes the wrapped text.
    """

    def run(name, timeout=300, **env):
        full_env = dict(os.environ)
        # keep the virtualenv the suite already uses: same base interpreter, same cache
        full_env.setdefault("PYTHON", getattr(sys, "_base_executable", sys.executable))
        full_env.update({key: str(value) for key, value in env.items()})
        result = subprocess.run(
            ["bash", str(ROOT / "scripts" / name)],
            env=full_env,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        result.message = " ".join(result.stderr.split())
        return result

    return run
