"""Precision and recall of identification on the hand-labelled sets in this folder.

labelled_items.json and dev2_items.json are development sets (the matcher was tuned while looking
at them); the heldout*_items.json sets were labelled by people who had not seen the matcher and
are the honest measure (tests/matching/README.md). Every set's numbers are printed (pytest -s)
and stated in docs/matching.md; the floors catch a regression, they are not targets.
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
    # Floors just under the values measured (in the comments; session 14, desk14), so a
    # regression fails; BENCHMARKS.md has the history. Sets 9 to 12 were labelled and sealed
    # during session 13 and measured after its work (tests/matching/README.md).
    [
        ("labelled_items.json", 0.99, 0.95),  # 0.996 / 0.964
        ("dev2_items.json", 0.93, 0.88),  # 0.943 / 0.889
        ("heldout_items.json", 0.96, 0.87),  # 0.972 / 0.885
        ("heldout2_items.json", 0.90, 0.82),  # 0.910 / 0.831
        ("heldout3_items.json", 0.95, 0.85),  # 0.955 / 0.857
        ("heldout4_items.json", 0.94, 0.80),  # 0.957 / 0.811
        ("heldout5_items.json", 0.94, 0.82),  # 0.946 / 0.833
        ("heldout6_items.json", 0.90, 0.79),  # 0.909 / 0.799
        ("heldout7_items.json", 0.91, 0.79),  # 0.924 / 0.799
        ("heldout8_items.json", 0.94, 0.74),  # 0.952 / 0.753
        ("heldout9_items.json", 0.92, 0.70),  # 0.945 / 0.741 (session 14, package rules)
        ("heldout10_items.json", 0.91, 0.70),  # 0.938 / 0.746 (session 14, package rules)
        ("heldout11_items.json", 0.91, 0.75),  # 0.929 / 0.780 (session 14, package rules)
        ("heldout12_items.json", 0.91, 0.73),  # 0.940 / 0.775 (session 14, package rules)
    ],
)
def test_precision_and_recall(matcher: FeedMatcher, file: str, min_precision: float, min_recall: float) -> None:
    path = HERE / file
    scorer = _scorer()
    scores, misses = scorer.score(matcher, json.loads(path.read_text())["items"])
    result = scores["all"]
    print(f"\n{file}:\n{scorer.table(scores)}")
    for miss in misses:
        print("  " + miss)
    assert result.items >= 120
    assert result.precision >= min_precision, misses
    assert result.recall >= min_recall, misses


@pytest.mark.parametrize(
    ("file", "source", "min_precision", "min_recall"),
    # Per inventory source, on every held-out set from 2 on where the source has at least 15
    # items (the scorer passes the source_package hints on): floors just under the values
    # measured at the end of session 13.
    [
        ("heldout2_items.json", "apk", 0.99, 0.99),
        ("heldout2_items.json", "dpkg", 0.90, 0.83),
        ("heldout2_items.json", "homebrew", 0.89, 0.84),
        ("heldout2_items.json", "macos_app", 0.95, 0.89),
        ("heldout2_items.json", "npm", 0.99, 0.78),
        ("heldout2_items.json", "pip", 0.95, 0.62),
        ("heldout2_items.json", "rpm", 0.90, 0.87),
        ("heldout2_items.json", "windows_program", 0.83, 0.77),
        ("heldout3_items.json", "dpkg", 0.99, 0.93),
        ("heldout3_items.json", "homebrew", 0.91, 0.78),
        ("heldout3_items.json", "macos_app", 0.99, 0.94),
        ("heldout3_items.json", "npm", 0.99, 0.84),
        ("heldout3_items.json", "pip", 0.99, 0.44),
        ("heldout3_items.json", "rpm", 0.99, 0.74),
        ("heldout3_items.json", "windows_program", 0.89, 0.89),
        ("heldout4_items.json", "apk", 0.89, 0.86),
        ("heldout4_items.json", "dpkg", 0.99, 0.74),
        ("heldout4_items.json", "homebrew", 0.93, 0.85),
        ("heldout4_items.json", "macos_app", 0.97, 0.95),
        ("heldout4_items.json", "npm", 0.99, 0.91),
        ("heldout4_items.json", "pip", 0.99, 0.61),
        ("heldout4_items.json", "rpm", 0.91, 0.70),
        ("heldout4_items.json", "windows_program", 0.92, 0.81),
        ("heldout5_items.json", "apk", 0.90, 0.82),
        ("heldout5_items.json", "dpkg", 0.99, 0.80),
        ("heldout5_items.json", "homebrew", 0.93, 0.79),
        ("heldout5_items.json", "macos_app", 0.93, 0.87),
        ("heldout5_items.json", "npm", 0.89, 0.74),
        ("heldout5_items.json", "pip", 0.90, 0.90),
        ("heldout5_items.json", "rpm", 0.94, 0.82),
        ("heldout5_items.json", "windows_program", 0.94, 0.87),
        ("heldout6_items.json", "apk", 0.91, 0.84),
        # 0.92: ncurses-base (terminfo data, a debatable label) is ncurses through its source
        # since Debian names without CVEs may be their "<name>_project" product (session 14).
        # 0.848 since session 14: msmtp is labelled "no CPE", but the dictionary files it under
        # marlam and martin_lambers, one author's name and its initials (bundle._abbreviates).
        ("heldout6_items.json", "dpkg", 0.92, 0.76),
        ("heldout6_items.json", "homebrew", 0.84, 0.80),
        ("heldout6_items.json", "macos_app", 0.87, 0.79),
        ("heldout6_items.json", "npm", 0.94, 0.73),
        ("heldout6_items.json", "pip", 0.88, 0.58),
        ("heldout6_items.json", "rpm", 0.90, 0.88),
        ("heldout6_items.json", "windows_program", 0.91, 0.83),
        ("heldout7_items.json", "apk", 0.80, 0.80),
        ("heldout7_items.json", "dpkg", 0.91, 0.83),
        ("heldout7_items.json", "homebrew", 0.84, 0.71),
        ("heldout7_items.json", "macos_app", 0.91, 0.73),
        ("heldout7_items.json", "npm", 0.99, 0.84),
        ("heldout7_items.json", "pip", 0.99, 0.78),
        ("heldout7_items.json", "rpm", 0.99, 0.88),
        ("heldout7_items.json", "windows_program", 0.94, 0.84),
        ("heldout8_items.json", "apk", 0.99, 0.73),
        ("heldout8_items.json", "dpkg", 0.84, 0.82),
        ("heldout8_items.json", "homebrew", 0.95, 0.79),
        ("heldout8_items.json", "macos_app", 0.99, 0.82),
        ("heldout8_items.json", "npm", 0.99, 0.55),
        ("heldout8_items.json", "pip", 0.99, 0.54),
        ("heldout8_items.json", "rpm", 0.91, 0.79),
        ("heldout8_items.json", "windows_program", 0.99, 0.81),
        ("heldout9_items.json", "apk", 0.99, 0.64),
        ("heldout9_items.json", "dpkg", 0.97, 0.74),
        ("heldout9_items.json", "homebrew", 0.96, 0.78),
        ("heldout9_items.json", "macos_app", 0.94, 0.52),
        ("heldout9_items.json", "npm", 0.99, 0.85),
        ("heldout9_items.json", "pip", 0.99, 0.66),
        ("heldout9_items.json", "rpm", 0.69, 0.58),
        ("heldout9_items.json", "windows_program", 0.91, 0.76),
        ("heldout10_items.json", "apk", 0.84, 0.73),
        ("heldout10_items.json", "dpkg", 0.77, 0.69),
        ("heldout10_items.json", "homebrew", 0.93, 0.76),
        ("heldout10_items.json", "macos_app", 0.93, 0.87),
        ("heldout10_items.json", "npm", 0.99, 0.63),
        ("heldout10_items.json", "pip", 0.99, 0.32),
        ("heldout10_items.json", "rpm", 0.99, 0.68),
        ("heldout10_items.json", "windows_program", 0.99, 0.87),
        ("heldout11_items.json", "apk", 0.99, 0.66),
        ("heldout11_items.json", "dpkg", 0.96, 0.73),
        ("heldout11_items.json", "homebrew", 0.93, 0.86),
        ("heldout11_items.json", "macos_app", 0.93, 0.74),
        ("heldout11_items.json", "npm", 0.86, 0.67),
        ("heldout11_items.json", "pip", 0.83, 0.64),
        ("heldout11_items.json", "rpm", 0.94, 0.83),
        ("heldout11_items.json", "windows_program", 0.87, 0.77),
        ("heldout12_items.json", "apk", 0.84, 0.57),
        ("heldout12_items.json", "dpkg", 0.92, 0.80),
        ("heldout12_items.json", "homebrew", 0.90, 0.72),
        ("heldout12_items.json", "macos_app", 0.81, 0.57),
        ("heldout12_items.json", "npm", 0.77, 0.53),
        ("heldout12_items.json", "pip", 0.99, 0.82),
        ("heldout12_items.json", "rpm", 0.94, 0.82),
        ("heldout12_items.json", "windows_program", 0.97, 0.77),
    ],
)
def test_precision_and_recall_per_source(matcher: FeedMatcher, file: str, source: str, min_precision: float,
                                         min_recall: float) -> None:
    scorer = _scorer()
    items = [i for i in json.loads((HERE / file).read_text())["items"] if scorer.source_of(i) == source]
    scores, misses = scorer.score(matcher, items)
    result = scores[source]
    assert result.items >= 15
    assert result.precision >= min_precision, misses
    assert result.recall >= min_recall, misses


def test_every_expected_product_is_a_real_cpe_product(feeds_root: Path) -> None:
    import csv

    with open(feeds_root / "cpe" / "cpes.csv", newline="") as handle:
        pairs = {f"{vendor}:{product}" for vendor, product in csv.reader(handle)}
    files = sorted(HERE.glob("*_items.json"))
    assert len(files) >= 7
    for path in files:
        items = json.loads(path.read_text())["items"]
        missing = [i["expected"] for i in items if i["expected"] and i["expected"] not in pairs]
        assert not missing, f"{path.name}: {missing}"


def test_the_sealed_sets_are_the_files_that_were_sealed() -> None:
    """Held-out sets 4 to 8 were kept out of the repository while the matcher was tuned, with
    their SHA-256 committed in sealed.sha256 the moment they were labelled."""
    import hashlib

    lines = [line.split() for line in (HERE / "sealed.sha256").read_text().splitlines() if line.strip()]
    assert len(lines) >= 2
    for digest, name in lines:
        assert hashlib.sha256((HERE / name).read_bytes()).hexdigest() == digest, name


def test_scores_by_label_split_the_items_into_firm_and_debatable_labels(matcher: FeedMatcher) -> None:
    """--by-label: every item counts once under "labels firm" or "labels debatable", by its note."""
    scorer = _scorer()
    items = json.loads((HERE / "heldout8_items.json").read_text())["items"]
    scores, _ = scorer.score(matcher, items, by_label=True)
    firm, debatable, overall = scores["labels firm"], scores["labels debatable"], scores["all"]
    assert debatable.items == sum("debatable" in i["note"].lower() for i in items) > 0
    assert firm.items + debatable.items == overall.items == len(items)
    assert firm.tp + debatable.tp == overall.tp and firm.fp + debatable.fp == overall.fp
    assert [line.split()[1] for line in scorer.table(scores).splitlines()[-2:]] == ["debatable", "firm"]
