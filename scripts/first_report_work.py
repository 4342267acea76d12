#!/usr/bin/env python3
"""Repeat the benchmark's first report after a feed load, for counting its work under valgrind.

Wall and CPU times of one 50 ms report move by 10 % and more while other jobs share the
machine; the number of instructions it executes does not. This loads the bundle of a
``bench_matching.py --scale-dir`` once, then matches the first-report inventory (seed 7) RUNS
times, each with a new matcher and every matching cache emptied (the module-level ones and
the index's), so each run does the work of a first report. Run it under cachegrind with 0 and
with N runs; the difference of the two instruction counts over N is one report's:

    PYTHONHASHSEED=0 valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \\
        python scripts/first_report_work.py --scale-dir DIR --runs 4    # and --runs 0

With ``--split`` it times the runs instead (no valgrind): each run identifies the 500 items
first, then matches them identified (CVE evaluation, versions, the engine), and it prints the
first run's times and the best of the runs, for the two parts and the whole.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import pkgutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale-dir", type=Path, required=True, help="The --scale-dir of bench_matching.py (with bundle/ inside).")
    parser.add_argument("--runs", type=int, default=4, help="First reports to match after the load (default 4).")
    parser.add_argument("--split", action="store_true",
                        help="Time each run's identification and the rest of its report apart; print the first run's and the best ms.")
    args = parser.parse_args()

    import appliance.matching
    from appliance.matching.engine import FeedMatcher
    from appliance.matching.platform import platform_of
    from scripts.bench_matching import measure_load, realistic_reports

    index = measure_load(args.scale_dir / "bundle").pop("_index")
    modules = [importlib.import_module(f"appliance.matching.{m.name}") for m in pkgutil.iter_modules(appliance.matching.__path__)]
    modules.append(importlib.import_module("appliance.versions.generic"))
    os_name, items = realistic_reports(1, 500, seed=7)[0]
    gc.collect()
    times: dict[str, list[float]] = {"identification": [], "rest": [], "report": []}
    for _ in range(args.runs):
        # Empty what a first report finds empty: lru caches of the matching modules and the
        # index's own caches (the words of products are computed at load, and stay).
        for module in modules:
            for value in list(vars(module).values()):
                if hasattr(value, "cache_clear"):
                    value.cache_clear()
        for name, value in vars(index).items():
            if name in ("_equivalents", "_spans_seen"):
                value.clear()
        matcher = FeedMatcher(index)
        if not args.split:
            matcher.match(items, os_name)
            continue
        # (The garbage collector paused for both parts, as match() pauses it for a report.)
        gc.disable()
        started = time.perf_counter()
        platform = platform_of(os_name)
        for item in items:
            matcher.identifier.identify(item, platform)
        identified = time.perf_counter()
        matcher.match(items, os_name)  # identification is cached per item now: the rest of the report
        done = time.perf_counter()
        gc.enable()
        for part, ms in (("identification", identified - started), ("rest", done - identified), ("report", done - started)):
            times[part].append(ms * 1000)
    if args.split and args.runs:
        # The first run is what a fresh process's first report pays; the later ones run the
        # same work with the interpreter's code already run once (specialised, in the CPU's caches).
        print(", ".join(f"{part} {ms[0]:.1f} ms" for part, ms in times.items()) + " (first run); "
              + ", ".join(f"{part} {min(ms):.1f} ms" for part, ms in times.items()) + f" (best of {args.runs})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
