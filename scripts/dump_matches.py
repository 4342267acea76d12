#!/usr/bin/env python3
"""Write the full match output (products, reasons, evidence, findings and their flags) of labelled sets and of the
benchmark's inventories, one JSON line per section, so that two checkouts can be compared byte for byte
after a change that must not change results (a speed-up, a refactoring)."""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import msgspec

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
FEEDS = ROOT.parent / "shared" / "feeds"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("feed_dir", type=Path, help="A bundle built from ../shared/feeds (scripts/build_feed.py).")
    parser.add_argument("sets", nargs="*", type=Path, help="Labelled items files (tests/matching/*_items.json) to match.")
    parser.add_argument("--scale-dir", type=Path, help="Also match the bench inventories on this full-scale bundle "
                        "(the --scale-dir of bench_matching.py, with its bundle/ inside).")
    parser.add_argument("-o", "--output", type=Path, required=True, help="Where to write the sections.")
    args = parser.parse_args()

    from appliance.matching import evaluate
    from appliance.matching.aliases import load_aliases
    from appliance.matching.base import SoftwareItem
    from appliance.matching.bundle import load_bundle
    from appliance.matching.engine import FeedMatcher, default_feed_dir
    from appliance.matching.index import CpeIndex
    from scripts.bench_matching import realistic_reports

    digests: dict[str, str] = {}
    with args.output.open("wb") as out:

        def emit(section: str, results: list) -> None:
            data = msgspec.json.encode(results)
            out.write(section.encode() + b"\t" + data + b"\n")
            digests[section] = hashlib.sha256(data).hexdigest()

        aliases = load_aliases(default_feed_dir() / "aliases.tsv")
        real = CpeIndex(load_bundle(args.feed_dir), aliases)
        single = FeedMatcher(real)
        for path in args.sets:
            items = json.loads(path.read_text())["items"]
            software = [(SoftwareItem(i["name"], i["version"], i.get("vendor") or "", None, i.get("source") or "",
                                      i.get("bundle_id") or ""), i["os"]) for i in items]
            # Item by item through one matcher (caches shared), then one report per OS twice
            # through a new matcher (the first cold, the second from the caches).
            emit(f"real/{path.stem}/single", [single.match([s], os_name) for s, os_name in software])
            fresh = FeedMatcher(real)
            evaluate._key.cache_clear()
            for os_name in sorted({o for _, o in software}):
                report = [s for s, o in software if o == os_name]
                emit(f"real/{path.stem}/report/{os_name}", fresh.match(report, os_name))
                emit(f"real/{path.stem}/again/{os_name}", fresh.match(report, os_name))
        debian = json.loads((FEEDS / "inventories" / "debian12-dpkg.json").read_text())["software"]
        emit("real/debian", FeedMatcher(real).match([SoftwareItem(p["name"], p["version"], p["vendor"]) for p in debian],
                                                    "Debian GNU/Linux 12 (bookworm)"))
        for n, (os_name, items) in enumerate(realistic_reports(4, 500, seed=1)):
            emit(f"real/bench/{n}", FeedMatcher(real).match(items, os_name))
        del real, single
        if args.scale_dir:
            scale = CpeIndex(load_bundle(args.scale_dir / "bundle"), aliases)
            for n, (os_name, items) in enumerate(realistic_reports(20, 500, seed=1)):
                matcher = FeedMatcher(scale)
                evaluate._key.cache_clear()
                emit(f"scale/reports/{n}", matcher.match(items, os_name))
                emit(f"scale/again/{n}", matcher.match(items, os_name))
            for seed in range(7, 27):  # the first reports of bench_matching.py's fresh processes
                os_name, items = realistic_reports(1, 500, seed=seed)[0]
                emit(f"scale/first/{seed}", FeedMatcher(scale).match(items, os_name))
    overall = hashlib.sha256(json.dumps(digests, sort_keys=True).encode()).hexdigest()
    print(f"{len(digests)} sections written to {args.output}; digest of all {overall[:16]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
