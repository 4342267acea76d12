"""Feed readers: real NVD, CPE dictionary, CISA KEV files and Trivy reports in, typed frozen records out."""

from __future__ import annotations

import csv
import re
from fnmatch import fnmatch
from pathlib import Path
from typing import Callable

from appliance.feeds import cpe_api, cpe_csv, cpe_xml, kev, nvd11, nvd20
from appliance.feeds._common import PathLike, read_head
from appliance.feeds.base import (
    ConfigNode,
    Configuration,
    CpeEntry,
    CpeMatch,
    CveRecord,
    Cvss,
    Feed,
    FeedError,
    FeedInfo,
    KevEntry,
    ScanFinding,
)

__all__ = [
    "READERS",
    "ConfigNode",
    "Configuration",
    "CpeEntry",
    "CpeMatch",
    "CveRecord",
    "Cvss",
    "Feed",
    "FeedError",
    "FeedInfo",
    "KevEntry",
    "ScanFinding",
    "detect_format",
    "find_feed_files",
    "read_any",
]

# Format name -> the reader module's read(path) -> Feed. The feed sources a bundle is
# compiled from; trivy.read is not here, as a Trivy report is an agent's scan result.
READERS: dict[str, Callable[[PathLike], Feed]] = {
    nvd20.FORMAT: nvd20.read,
    nvd11.FORMAT: nvd11.read,
    cpe_api.FORMAT: cpe_api.read,
    cpe_xml.FORMAT: cpe_xml.read,
    cpe_csv.FORMAT: cpe_csv.read,
    kev.FORMAT: kev.read,
}

_HEAD_SIZE = 64 * 1024

# Markers in the first bytes of a JSON feed, tried in order; the first match
# wins. Explicit "format" values first, then keys only one format has.
_JSON_MARKERS = [
    (nvd20.FORMAT, re.compile(r'"format"\s*:\s*"NVD_CVE"')),
    (cpe_api.FORMAT, re.compile(r'"format"\s*:\s*"NVD_CPE"')),
    (nvd11.FORMAT, re.compile(r'"CVE_Items"\s*:\s*\[|"CVE_data_type"\s*:\s*"')),
    (kev.FORMAT, re.compile(r'"(?:catalogVersion|cveID)"\s*:\s*"')),  # not KEV's schema
    (nvd20.FORMAT, re.compile(r'"vulnerabilities"\s*:\s*\[\s*\{\s*"cve"\s*:')),
    (cpe_api.FORMAT, re.compile(r'"products"\s*:\s*\[\s*\{\s*"cpe"\s*:')),
]
_XML_MARKER = re.compile(r"<(?:[\w.-]+:)?cpe-list[\s>]")

# Upstream file names, used only when the first bytes are not conclusive.
_NAME_PATTERNS = [
    (nvd20.FORMAT, "nvdcve-2.0-*"),
    (nvd11.FORMAT, "nvdcve-1.1-*"),
    (cpe_api.FORMAT, "nvdcpe-2.0*"),
    (kev.FORMAT, "known_exploited_vulnerabilities.json*"),
    (cpe_xml.FORMAT, "official-cpe-dictionary*.xml*"),
    (cpe_csv.FORMAT, "*.csv"),
    (cpe_csv.FORMAT, "*.csv.gz"),
]


def detect_format(path: PathLike) -> str:
    """The format name of a feed file (a READERS key), from its first bytes, else its name.

    Raises FeedError if the file cannot be read or is of no known format.
    """
    head = read_head(path, _HEAD_SIZE).decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if head.startswith("{"):
        for name, marker in _JSON_MARKERS:
            if marker.search(head):
                return name
    elif head.startswith("<"):
        if _XML_MARKER.search(head):
            return cpe_xml.FORMAT
    elif head:
        header = next(csv.reader([head.splitlines()[0]]), [])
        if {"vendor", "product"} <= {cell.strip().lower() for cell in header}:
            return cpe_csv.FORMAT
    file_name = Path(path).name.lower()
    for name, pattern in _NAME_PATTERNS:
        if fnmatch(file_name, pattern):
            return name
    raise FeedError(f"{path}: not a known feed format (NVD CVE 2.0/1.1, NVD CPE, CPE XML, CPE CSV, KEV)")


def read_any(path: PathLike) -> Feed:
    """Read a feed file of any known format: ``READERS[detect_format(path)](path)``."""
    return READERS[detect_format(path)](path)


# Files a feed folder may hold beside the feeds (KEV's schema, NVD's sample notes).
_NOT_FEEDS = ("*schema.json", "*.md", "*.tsv", "bundle.msgpack", "manifest.json")


def find_feed_files(paths: list[Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The feed files named, or found in named folders and their subfolders; and what was skipped, with why.

    A file named directly is taken as it is (its reader says if it is no feed). In folders,
    files of a known feed format are taken, anything else is skipped: a download folder such as
    ../shared/feeds keeps NVD, CPE and KEV files in subfolders beside inventories and Trivy reports.
    Raises FeedError for a path that does not exist.
    """
    files: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    for path in map(Path, paths):
        if path.is_file():
            files.append(path)
            continue
        if not path.is_dir():
            raise FeedError(f"feed source {path} does not exist")
        for found in sorted(p for p in path.rglob("*") if p.is_file()):
            if any(fnmatch(found.name.lower(), pattern) for pattern in _NOT_FEEDS):
                continue
            try:
                detect_format(found)
            except FeedError:
                skipped.append((found, "not an NVD CVE, NVD CPE, CPE XML, CPE CSV or KEV file"))
                continue
            files.append(found)
    return files, skipped
