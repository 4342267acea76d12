#!/usr/bin/env python3
"""Compile NVD CVE, CPE dictionary and KEV files into the bundle the appliance loads at startup."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from appliance.errors import ApplianceError  # noqa: E402
from appliance.matching.bundle import compile_sources, write_bundle  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Compile feed files (NVD CVE API 2.0 / 1.1 JSON, CPE dictionary XML / API JSON / CSV, CISA KEV "
        "JSON; plain or gzip; files or folders) into bundle.msgpack and manifest.json.",
    )
    parser.add_argument("sources", nargs="+", metavar="SOURCE", help="Feed files or folders holding them.")
    parser.add_argument("-o", "--output", required=True, metavar="DIR", help="Where to write the bundle (e.g. data/cpe_dictionary/).")
    args = parser.parse_args(argv)
    started = time.perf_counter()

    def progress(path: Path, count: int) -> None:
        print(f"  {path.name}: {count:,} records ({time.perf_counter() - started:.1f} s)", flush=True)

    try:
        bundle, manifest = compile_sources([Path(s) for s in args.sources], progress=progress)
        manifest = write_bundle(bundle, manifest, Path(args.output))
    except ApplianceError as exc:
        print(f"build_feed: error: {exc}", file=sys.stderr)
        return 1
    print(
        f"wrote {args.output}: {manifest.products:,} products from {manifest.cpe_names:,} CPE names, "
        f"{manifest.cves:,} CVEs ({manifest.cves_with_configurations:,} with configurations), {manifest.kev:,} KEV "
        f"entries in {time.perf_counter() - started:.1f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
