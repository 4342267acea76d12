#!/usr/bin/env python3
"""How far two independent labellings of the same items agree, scored like the matcher.

The second file's labels are scored against the first's as if they were a matcher's answers, with
the same counts as scripts/score_identification.py (a wrong product is a false alarm and a miss).
Two labels agree when either one's product is the other's label or one of its "NVD alias:" notes.
This is the ceiling a matcher can reach against one labeller: a perfect matcher that agreed with
the second labeller would score exactly this against the first.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from score_identification import ALIAS_NOTE, Score, source_of, table  # noqa: E402


def names(item: dict) -> set[str]:
    """The item's label and every NVD alias its note gives (empty for "no product")."""
    if item["expected"] is None:
        return set()
    return {item["expected"], *ALIAS_NOTE.findall(item.get("note", ""))}


def agreement(reference: list[dict], other: list[dict], by_label: bool = False) -> tuple[dict[str, Score], list[str]]:
    """Scores of ``other``'s labels against ``reference``'s, per source and overall, and each disagreement."""
    if [(i["name"], i["os"]) for i in reference] != [(i["name"], i["os"]) for i in other]:
        raise SystemExit("the two files do not hold the same items in the same order")
    scores: dict[str, Score] = {"all": Score()}
    lines: list[str] = []
    for ref, oth in zip(reference, other):
        source = source_of(ref)
        targets = [scores["all"], scores.setdefault(source, Score())]
        if by_label:
            kind = "labels debatable" if "debatable" in (ref.get("note", "") + oth.get("note", "")).lower() else "labels firm"
            targets.append(scores.setdefault(kind, Score()))
        expected, got = ref["expected"], oth["expected"]
        if expected is None and got is None:
            field = "tn"
        elif expected is None:
            field = "fp"
            lines.append(f"[{source}] only second labels {ref['name']!r}: {got}")
        elif got is None:
            field = "fn"
            lines.append(f"[{source}] only first labels {ref['name']!r}: {expected}")
        elif names(ref) & names(oth):
            field = "tp"
        else:
            field = "wrong"
            lines.append(f"[{source}] {ref['name']!r}: first {expected}, second {got}")
        for s in targets:
            if field == "wrong":
                s.fp += 1
                s.fn += 1
                s.wrong += 1
            else:
                setattr(s, field, getattr(s, field) + 1)
    return scores, lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("first", type=Path, help="The reference labelling (a labelled items file).")
    parser.add_argument("second", type=Path, help="An independent labelling of the same items, in the same order.")
    parser.add_argument("--by-label", action="store_true",
                        help="Also score the items either labeller marked 'debatable' apart from the rest.")
    parser.add_argument("--list", action="store_true", help="List every disagreement.")
    args = parser.parse_args(argv)
    first = json.loads(args.first.read_text())["items"]
    second = json.loads(args.second.read_text())["items"]
    scores, lines = agreement(first, second, args.by_label)
    same = sum(1 for a, b in zip(first, second) if (a["expected"] is None and b["expected"] is None) or names(a) & names(b))
    print(f"{args.second} scored against {args.first}: the same answer on {same} of {len(first)} items")
    print(table(scores))
    if args.list:
        print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
