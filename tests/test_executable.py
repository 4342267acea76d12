"""scripts/smoke_test.py from source, and against the built executable when SENTRIKAT_BINARY names it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

SMOKE = ROOT / "scripts" / "smoke_test.py"


def _smoke(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SMOKE), *args],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.slow
def test_smoke_test_passes_from_source(feed_dir: Path) -> None:
    """The same checks .ci/run makes on the executable, on `python -m appliance` with the compiled feed."""
    result = _smoke("--feed-dir", str(feed_dir), sys.executable, "-m", "appliance")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "smoke test: passed" in result.stdout


@pytest.mark.slow
def test_smoke_test_passes_on_the_executable(feeds_root: Path) -> None:
    binary = os.environ.get("SENTRIKAT_BINARY")
    if not binary:
        pytest.skip("set SENTRIKAT_BINARY=dist/sentrikat (built by scripts/build.sh); .ci/run runs the smoke test on it directly")
    result = _smoke("--onefile", binary)
    assert result.returncode == 0, result.stdout + result.stderr


def test_smoke_test_fails_loudly(feeds_root: Path) -> None:
    result = _smoke(sys.executable, "-c", "import sys; sys.exit(3)")
    assert result.returncode == 1
    assert "smoke test: FAILED" in result.stderr and "exited 3" in result.stderr
