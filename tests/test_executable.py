"""scripts/smoke_test.py from source, and against the built executable when SENTRIKAT_BINARY names it."""

from __future__ import annotations

import os
import re
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


def test_every_authored_file_the_executable_bundles_is_tracked_by_git() -> None:
    """build.spec's files under data/cpe_dictionary other than the built feed are ones we write;
    .gitignore ignores that folder except for files it names, so a new one must be named there
    (session 21: target_triples.tsv was left out of a branch that way and every match failed)."""
    spec = (ROOT / "build.spec").read_text(encoding="utf-8")
    authored = [name for name in re.findall(r'FEED / "([^"]+)"', spec)
                if name not in ("bundle.msgpack", "manifest.json")]
    assert "aliases.tsv" in authored, "build.spec's data list changed shape; update this test"
    tracked = subprocess.run(["git", "ls-files", "data/cpe_dictionary"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.split()
    if not tracked:
        pytest.skip("not a git checkout")
    missing = [name for name in authored if f"data/cpe_dictionary/{name}" not in tracked]
    assert not missing, f"bundled by build.spec but not tracked by git (name them in .gitignore): {missing}"
