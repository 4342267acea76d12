"""Precision and recall of identification on the hand-labelled sets in this folder.

labelled_items.json is the development set (the matcher was tuned while looking at it);
heldout_items.json was labelled afterwards by someone who had not seen the matcher, and is
the honest measure. Both numbers are printed (pytest -s) and stated in docs/matching.md.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import msgspec
import pytest

from appliance.matching.base import SoftwareItem
from appliance.matching.engine import FeedMatcher

HERE = Path(__file__).parent
# Notes may name a second NVD name of the same product: "(NVD alias: zoom:zoom)".
_ALIAS_NOTE = re.compile(r"NVD alias: ([^)\s,;]+)")
_SPLIT = re.compile(r"(?<!\\):")


class Score(msgspec.Struct):
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    true_negative: int = 0
    wrong_product: int = 0

    @property
    def precision(self) -> float:
        return self.true_positive / max(1, self.true_positive + self.false_positive)

    @property
    def recall(self) -> float:
        return self.true_positive / max(1, self.true_positive + self.false_negative)


def score(matcher: FeedMatcher, path: Path) -> tuple[Score, list[str]]:
    result, misses = Score(), []
    for item in json.loads(path.read_text())["items"]:
        (found,) = matcher.match([SoftwareItem(item["name"], item["version"], item["vendor"] or "")], item["os"])
        got = ":".join(_SPLIT.split(found.match.cpe)[3:5]) if found.match else None
        expected = item["expected"]
        accepted = {expected, *_ALIAS_NOTE.findall(item.get("note", ""))}
        if expected is None:
            if got is None:
                result.true_negative += 1
            else:
                result.false_positive += 1
                misses.append(f"false alarm: {item['name']!r} -> {got}")
        elif got is None:
            result.false_negative += 1
            misses.append(f"missed: {item['name']!r} (expected {expected}): {found.reason}")
        elif got in accepted:
            result.true_positive += 1
        else:
            # A wrong product is both a false alarm and a miss.
            result.false_positive += 1
            result.false_negative += 1
            result.wrong_product += 1
            misses.append(f"wrong: {item['name']!r} -> {got}, expected {expected}")
    return result, misses


@pytest.mark.parametrize(
    ("file", "min_precision", "min_recall"),
    # Floors just under the measured values, so a regression fails; see docs/matching.md for the numbers.
    [("labelled_items.json", 0.98, 0.95), ("heldout_items.json", 0.80, 0.55)],
)
def test_precision_and_recall(matcher: FeedMatcher, file: str, min_precision: float, min_recall: float) -> None:
    path = HERE / file
    if not path.exists():
        pytest.skip(f"{file} not present")
    result, misses = score(matcher, path)
    total = result.true_positive + result.false_positive + result.false_negative + result.true_negative - result.wrong_product
    print(f"\n{file}: {total} items, precision {result.precision:.3f}, recall {result.recall:.3f}, {result}")
    for miss in misses:
        print("  " + miss)
    assert total >= 120
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
