"""scripts/label_agreement.py scores a second labelling against a first with the matcher's counts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _item(name: str, expected: str | None, note: str = "", source: str = "pip") -> dict:
    return {"name": name, "version": "1", "vendor": "", "os": "Linux", "source": source, "expected": expected, "note": note}


def _run(tmp_path: Path, first: list[dict], second: list[dict]) -> subprocess.CompletedProcess:
    (tmp_path / "a.json").write_text(json.dumps({"items": first}))
    (tmp_path / "b.json").write_text(json.dumps({"items": second}))
    return subprocess.run([sys.executable, "scripts/label_agreement.py", str(tmp_path / "a.json"), str(tmp_path / "b.json"),
                           "--list"], cwd=ROOT, capture_output=True, text=True, timeout=60)


def test_counts_agreement_aliases_and_each_kind_of_disagreement(tmp_path: Path) -> None:
    first = [_item("a", "x:a"), _item("b", "x:b", "NVD alias: y:b"), _item("c", None), _item("d", "x:d"),
             _item("e", None), _item("f", "x:f")]
    second = [_item("a", "x:a"), _item("b", "y:b"), _item("c", None), _item("d", None), _item("e", "z:e"),
              _item("f", "w:f")]
    result = _run(tmp_path, first, second)
    assert result.returncode == 0, result.stderr
    # tp a, b (alias); tn c; fn d; fp e; wrong f (a false alarm and a miss): P 2/4, R 2/4.
    row = next(line for line in result.stdout.splitlines() if line.startswith("all "))
    assert row.split()[1:] == ["6", "0.500", "0.500", "2", "2", "2", "1", "1"]
    assert "the same answer on 3 of 6 items" in result.stdout
    assert "only first labels 'd': x:d" in result.stdout
    assert "only second labels 'e': z:e" in result.stdout
    assert "'f': first x:f, second w:f" in result.stdout


def test_refuses_files_with_other_items(tmp_path: Path) -> None:
    result = _run(tmp_path, [_item("a", "x:a")], [_item("b", "x:a")])
    assert result.returncode != 0
    assert "same items in the same order" in result.stderr
