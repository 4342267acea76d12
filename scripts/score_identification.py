#!/usr/bin/env python3
"""Precision and recall of identification on a labelled items file, overall and per inventory source."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from appliance.matching.base import SoftwareItem  # noqa: E402

# Notes may name a second NVD name of the same product: "(NVD alias: zoom:zoom)".
ALIAS_NOTE = re.compile(r"NVD alias: ([^)\s,;]+)")
_SPLIT = re.compile(r"(?<!\\):")


def source_of(item: dict) -> str:
    """The item's ``source``, or the one its host's OS implies (labelled files may leave it out)."""
    if item.get("source"):
        return item["source"]
    os_name = (item.get("os") or "").lower()
    if "windows" in os_name:
        return "windows_program"
    if any(word in os_name for word in ("macos", "mac os", "os x", "darwin")):
        return "macos_app"
    if any(word in os_name for word in ("debian", "ubuntu", "mint", "raspbian", "kali")):
        return "dpkg"
    if any(word in os_name for word in ("red hat", "rhel", "centos", "fedora", "rocky", "alma", "amazon", "oracle linux", "suse")):
        return "rpm"
    if "alpine" in os_name:
        return "apk"
    return "other"


class Score:
    def __init__(self) -> None:
        self.tp = self.fp = self.fn = self.tn = self.wrong = 0

    @property
    def items(self) -> int:
        return self.tp + self.fp + self.fn + self.tn - self.wrong

    @property
    def precision(self) -> float:
        return self.tp / max(1, self.tp + self.fp)

    @property
    def recall(self) -> float:
        return self.tp / max(1, self.tp + self.fn)

    def row(self, label: str) -> str:
        return (f"{label:<16} {self.items:>5} {self.precision:>9.3f} {self.recall:>7.3f} {self.tp:>4} {self.fp:>4} "
                f"{self.fn:>4} {self.tn:>4} {self.wrong:>5}")


def score(matcher, items: list[dict]) -> tuple[dict[str, Score], list[str]]:
    """Scores per source and overall (key "all"), and one line per miss or false alarm."""
    scores: dict[str, Score] = {"all": Score()}
    misses: list[str] = []
    for item in items:
        source = source_of(item)
        software = SoftwareItem(item["name"], item["version"], item.get("vendor") or "", None,
                                item.get("source") or "", item.get("bundle_id") or "")
        (found,) = matcher.match([software], item["os"])
        got = ":".join(_SPLIT.split(found.match.cpe)[3:5]) if found.match else None
        expected = item["expected"]
        accepted = {expected, *ALIAS_NOTE.findall(item.get("note", ""))}
        targets = (scores["all"], scores.setdefault(source, Score()))
        if expected is None:
            if got is None:
                for s in targets:
                    s.tn += 1
            else:
                for s in targets:
                    s.fp += 1
                misses.append(f"[{source}] false alarm: {item['name']!r} -> {got}")
        elif got is None:
            for s in targets:
                s.fn += 1
            misses.append(f"[{source}] missed: {item['name']!r} (expected {expected}): {found.reason}")
        elif got in accepted:
            for s in targets:
                s.tp += 1
        else:
            # A wrong product is both a false alarm and a miss.
            for s in targets:
                s.fp += 1
                s.fn += 1
                s.wrong += 1
            misses.append(f"[{source}] wrong: {item['name']!r} -> {got}, expected {expected}")
    return scores, misses


def table(scores: dict[str, Score]) -> str:
    lines = [f"{'source':<16} {'items':>5} {'precision':>9} {'recall':>7} {'tp':>4} {'fp':>4} {'fn':>4} {'tn':>4} {'wrong':>5}"]
    lines += [scores[s].row(s) for s in sorted(scores) if s != "all"]
    lines.append(scores["all"].row("all"))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="+", type=Path, help="Labelled items files (the format of tests/matching/labelled_items.json).")
    parser.add_argument("--feed-dir", type=Path, help="A compiled bundle (default: compiled from ../shared/feeds).")
    parser.add_argument("--misses", action="store_true", help="Also list every miss, false alarm and wrong product.")
    parser.add_argument("--aliases", type=Path, help="Another alias table (default: data/cpe_dictionary/aliases.tsv); "
                        "one without its 'package' lines measures the package rules alone.")
    args = parser.parse_args(argv)
    from appliance.matching.engine import FeedMatcher, load_index

    feed = args.feed_dir or ROOT.parent / "shared" / "feeds"
    matcher = FeedMatcher(load_index(feed, args.aliases) if args.feed_dir else _index_from_sources(feed, args.aliases))
    for path in args.files:
        scores, misses = score(matcher, json.loads(path.read_text())["items"])
        print(f"{path}:")
        print(table(scores))
        if args.misses:
            print("\n".join("  " + m for m in misses))
    return 0


def _index_from_sources(feeds: Path, aliases: Path | None = None):
    from appliance.matching.aliases import load_aliases
    from appliance.matching.bundle import compile_sources
    from appliance.matching.engine import default_feed_dir
    from appliance.matching.index import CpeIndex

    bundle, _ = compile_sources([feeds / "nvd", feeds / "cpe", feeds / "kev"])
    return CpeIndex(bundle, load_aliases(aliases or default_feed_dir() / "aliases.tsv"))


if __name__ == "__main__":
    raise SystemExit(main())
