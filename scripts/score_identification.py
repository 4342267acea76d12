#!/usr/bin/env python3
"""Precision and recall of identification on a labelled items file, overall and per inventory source.

Also counts what is identified in an unlabelled inventory in the agent report format (such as
../shared/feeds/inventories/debian12-dpkg.json), and what the items' source_package hints change.
"""

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


def software_item(item: dict, source_package: bool = True) -> SoftwareItem:
    """The item as the agent API hands it to the matcher, hints included (``source_package`` only if asked)."""
    return SoftwareItem(item["name"], item["version"], item.get("vendor") or "", None, item.get("source") or "",
                        item.get("bundle_id") or "", (item.get("source_package") or "") if source_package else "")


def score(matcher, items: list[dict], source_package: bool = True,
          by_label: bool = False, same_product: bool = False) -> tuple[dict[str, Score], list[str]]:
    """Scores per source and overall (key "all"), and one line per miss or false alarm.

    ``source_package=False`` scores as if the items carried no source package hint. ``by_label``
    adds the keys "labels firm" and "labels debatable": the items whose note does not / does mark
    the label as the labeller's judgement call (the word "debatable"). ``same_product`` adds the
    key "all, CVE keys": the overall score again, where a product other than the label counts as
    right when the label is among the keys its CVEs are looked up under (``FeedMatcher.group_of``:
    the bundle's groups and projects). It shows what the user gets, the label's CVEs, and trusts
    the groups, so it is a second line beside the strict score, never instead of it.
    """
    scores: dict[str, Score] = {"all": Score()}
    if same_product:
        scores["all, CVE keys"] = Score()
    misses: list[str] = []
    for item in items:
        source = source_of(item)
        (found,) = matcher.match([software_item(item, source_package)], item["os"])
        got = ":".join(_SPLIT.split(found.match.cpe)[3:5]) if found.match else None
        expected = item["expected"]
        accepted = {expected, *ALIAS_NOTE.findall(item.get("note", ""))}
        targets: tuple[Score, ...] = (scores["all"], scores.setdefault(source, Score()))
        if by_label:
            kind = "labels debatable" if "debatable" in item.get("note", "").lower() else "labels firm"
            targets += (scores.setdefault(kind, Score()),)
        if same_product:
            grouped = scores["all, CVE keys"]
            if got is not None and expected is not None and got not in accepted and accepted & set(matcher.group_of(found.match.cpe)):
                grouped.tp += 1  # scored right on this line only; the strict lines below count it wrong
            else:
                targets += (grouped,)
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


def product(found) -> str | None:
    """vendor:product of a match result, or None."""
    return ":".join(_SPLIT.split(found.match.cpe)[3:5]) if found.match else None


def inventory_items(report: dict) -> list[dict]:
    """An unlabelled inventory in the agent report format, as items with their host's OS."""
    os_name = report.get("os") or "Unknown"
    return [{**item, "os": os_name} for item in report["software"]]


def identified(matcher, items: list[dict], source_package: bool = True) -> dict[str, tuple[int, int]]:
    """Per source and overall ("all"): (items identified, items), one report per OS as an agent sends it."""
    counts: dict[str, list[int]] = {"all": [0, 0]}
    by_os: dict[str, list[dict]] = {}
    for item in items:
        by_os.setdefault(item["os"], []).append(item)
    for os_name, group in sorted(by_os.items()):
        results = matcher.match([software_item(item, source_package) for item in group], os_name)
        for item, found in zip(group, results):
            for key in ("all", source_of(item)):
                count = counts.setdefault(key, [0, 0])
                count[0] += found.match is not None
                count[1] += 1
    return {key: (done, total) for key, (done, total) in counts.items()}


def source_packages(report: dict) -> dict[str, str]:
    """Package name -> source package, from an inventory whose items carry source_package."""
    return {i["name"]: i["source_package"] for i in report["software"] if i.get("source_package")}


def with_source_packages(items: list[dict], known: dict[str, str]) -> tuple[list[dict], int]:
    """The items, dpkg ones without a source_package given the inventory's where it differs
    from the name; and how many were given one."""
    out, filled = [], 0
    for item in items:
        source = known.get(item["name"], "")
        if source_of(item) == "dpkg" and not item.get("source_package") and source and source != item["name"]:
            item, filled = {**item, "source_package": source}, filled + 1
        out.append(item)
    return out, filled


def hint_changes(matcher, items: list[dict]) -> list[str]:
    """One line per item whose product or reason the source_package hint changes."""
    lines = []
    for item in items:
        if not item.get("source_package"):
            continue
        (plain,) = matcher.match([software_item(item, False)], item["os"])
        (hinted,) = matcher.match([software_item(item)], item["os"])
        before, after = product(plain), product(hinted)
        label = f" (expected {item['expected']})" if "expected" in item else ""
        if before != after:
            lines.append(f"[{source_of(item)}] {item['name']!r} from {item['source_package']!r}: {before} -> {after}{label}: "
                         + (hinted.match.evidence if hinted.match else hinted.reason or ""))
        elif hinted.match and plain.match and hinted.match.evidence != plain.match.evidence:
            lines.append(f"[{source_of(item)}] {item['name']!r} from {item['source_package']!r}: {after} stands{label}: "
                         + hinted.match.evidence)
    return lines


def table(scores: dict[str, Score]) -> str:
    lines = [f"{'source':<16} {'items':>5} {'precision':>9} {'recall':>7} {'tp':>4} {'fp':>4} {'fn':>4} {'tn':>4} {'wrong':>5}"]
    extra = ("all, CVE keys", "labels debatable", "labels firm")  # second looks at the same items, after "all"
    lines += [scores[s].row(s) for s in sorted(scores) if s != "all" and s not in extra]
    lines.append(scores["all"].row("all"))
    lines += [scores[s].row(s) for s in extra if s in scores]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+", type=Path,
                        help="Labelled items files (the format of tests/matching/labelled_items.json), or unlabelled "
                             "inventories in the agent report format ({\"os\", \"software\": [...]}), which are counted, "
                             "not scored.")
    parser.add_argument("--feed-dir", type=Path, help="A compiled bundle (default: compiled from ../shared/feeds).")
    parser.add_argument("--misses", action="store_true", help="Also list every miss, false alarm and wrong product.")
    parser.add_argument("--aliases", type=Path, help="Another alias table (default: data/cpe_dictionary/aliases.tsv); "
                        "one without its 'package' lines measures the package rules alone.")
    parser.add_argument("--without-source-package", action="store_true",
                        help="Ignore the items' source_package hints (score as agents that do not send them), "
                             "to measure what the hint adds.")
    parser.add_argument("--source-packages", type=Path, metavar="INVENTORY",
                        help="Give dpkg items without a source_package the one this inventory (agent report format "
                             "with source_package per item, such as ../shared/feeds/inventories/debian12-dpkg.json) "
                             "lists for the same package name, when it differs from the name: what sets labelled "
                             "before the hint existed would score with it.")
    parser.add_argument("--by-label", action="store_true",
                        help="Also score separately the items whose label the labeller marked 'debatable' "
                             "(a judgement call) and the others.")
    parser.add_argument("--same-product", action="store_true",
                        help="Also print the overall score where a wrong product counts as right when the label is "
                             "among the keys its CVEs are looked up under (the bundle's groups): a second line beside "
                             "the strict score.")
    parser.add_argument("--hint-changes", action="store_true",
                        help="Also list every item whose product or evidence its source_package hint changes "
                             "(with the label, if any), for checking them by hand.")
    args = parser.parse_args(argv)
    from appliance.matching.engine import FeedMatcher, load_index

    feed = args.feed_dir or ROOT.parent / "shared" / "feeds"
    matcher = FeedMatcher(load_index(feed, args.aliases) if args.feed_dir else _index_from_sources(feed, args.aliases))
    hints = not args.without_source_package
    known = source_packages(json.loads(args.source_packages.read_text())) if args.source_packages else {}
    for path in args.files:
        data = json.loads(path.read_text())
        if known and "items" in data:
            data["items"], filled = with_source_packages(data["items"], known)
            print(f"{path}: {filled} dpkg items given a source_package from {args.source_packages}")
        print(f"{path}:" + ("" if hints else " (source_package hints ignored)"))
        if "items" in data:
            items = data["items"]
            scores, misses = score(matcher, items, hints, args.by_label, args.same_product)
            print(table(scores))
            if args.misses:
                print("\n".join("  " + m for m in misses))
        else:
            items = inventory_items(data)
            counts = identified(matcher, items, hints)
            print(f"{'source':<16} {'items':>5} {'identified':>10}")
            for key in sorted(counts, key=lambda k: (k == "all", k)):
                print(f"{key:<16} {counts[key][1]:>5} {counts[key][0]:>10}")
        if args.hint_changes:
            print("\n".join("  " + line for line in hint_changes(matcher, items)))
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
