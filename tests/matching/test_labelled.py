"""Precision and recall of identification on the hand-labelled sets in this folder.

labelled_items.json is the development set (the matcher was tuned while looking at it);
heldout_items.json was labelled afterwards by someone who had not seen the matcher, and is
the honest measure. Both numbers are printed (pytest -s) and stated in docs/matching.md.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from appliance.matching.engine import FeedMatcher

HERE = Path(__file__).parent


def _scorer():
    """scripts/score_identification.py, the scorer the benchmarks use (per source, hints passed on)."""
    spec = importlib.util.spec_from_file_location("score_identification", HERE.parents[1] / "scripts" / "score_identification.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("file", "min_precision", "min_recall"),
    # Floors just under the measured values, so a regression fails; see docs/matching.md for the numbers.
    [("labelled_items.json", 0.98, 0.93), ("heldout_items.json", 0.80, 0.55)],
)
def test_precision_and_recall(matcher: FeedMatcher, file: str, min_precision: float, min_recall: float) -> None:
    path = HERE / file
    if not path.exists():
        pytest.skip(f"{file} not present")
    scorer = _scorer()
    scores, misses = scorer.score(matcher, json.loads(path.read_text())["items"])
    result = scores["all"]
    print(f"\n{file}:\n{scorer.table(scores)}")
    for miss in misses:
        print("  " + miss)
    assert result.items >= 120
    assert result.precision >= min_precision, misses
    assert result.recall >= min_recall, misses


def test_every_expected_product_is_a_real_cpe_product(feeds_root: Path) -> None:
    import csv

    with open(feeds_root / "cpe" / "cpes.csv", newline="") as handle:
        pairs = {f"{vendor}:{product}" for vendor, product in csv.reader(handle)}
    for file in ("labelled_items.json", "heldout_items.json"):
        path = HERE / file
        if path.exists():
            items = json.loads(path.read_text())["items"]
            missing = [i["expected"] for i in items if i["expected"] and i["expected"] not in pairs]
            assert not missing, f"{file}: {missing}"
