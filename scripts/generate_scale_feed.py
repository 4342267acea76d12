"""Generate full-scale NVD CVE (API 2.0 JSON) and CPE dictionary (XML 2.3) benchmark data from the real feed files."""

from __future__ import annotations

import argparse
import bisect
import collections
import csv
import datetime as dt
import gzip
import hashlib
import json
import math
import os
import random
import re
import resource
import sys
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Iterator

import msgspec

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FEEDS = PROJECT_ROOT.parent / "shared" / "feeds"

# The real files everything is derived from (paths inside --feeds).
INPUTS = {
    "nvd20_sample": "nvd/nvdcve-2.0-sample.json",
    "nvd11_2022": "nvd/nvdcve-1.1-2022.json.gz",
    "cpe_pairs": "cpe/cpes.csv",
    "cpe_dictionary_2015": "cpe/official-cpe-dictionary_v2.3-2015.xml.gz",
}

# ---------------------------------------------------------------------------
# Distributions
# ---------------------------------------------------------------------------

# CVEs per ID year, approximately as in NVD (rounded counts of CVEs published per
# year, NVD dashboard / statistics pages): a few thousand a year until 2016, the
# jump when CNAs multiplied in 2017, ~40k in 2024. 2026 is the partial year up to
# the feed timestamp. Only the shape matters: --cves is apportioned by these weights.
YEAR_WEIGHTS = {
    1999: 900, 2000: 1_000, 2001: 1_700, 2002: 2_200, 2003: 1_500, 2004: 2_500,
    2005: 4_900, 2006: 6_600, 2007: 6_500, 2008: 5_600, 2009: 5_700, 2010: 4_700,
    2011: 4_200, 2012: 5_300, 2013: 5_200, 2014: 7_900, 2015: 6_500, 2016: 6_500,
    2017: 14_600, 2018: 16_500, 2019: 17_300, 2020: 18_400, 2021: 20_200,
    2022: 25_100, 2023: 29_100, 2024: 40_000, 2025: 48_000, 2026: 40_000,
}

# Share of records NVD has not analysed yet: no `configurations`, `metrics` {}
# (vulnStatus "Awaiting Analysis"; https://nvd.nist.gov/vuln/vulnerability-status).
UNANALYSED_SHARE = 0.015

# NVD has scored with CVSS v3.0 since its release in 2015 and stopped scoring new
# CVEs with CVSS v2 on 2022-07-13 (https://nvd.nist.gov/general/news/retire-cvss-v2).
# Older records are mostly v2-only in NVD, newer ones v3.x-only.
# Records of ID years up to V2_ONLY_UNTIL keep only cvssMetricV2; from NO_V2_FROM
# on they lose cvssMetricV2.
V2_ONLY_UNTIL = 2015
NO_V2_FROM = 2023

# Product popularity: rank r (1-based) is drawn with the Zipf-Mandelbrot weight
# (r + ZIPF_Q) ** -ZIPF_S. Over the ~70k application products of cpes.csv and
# 320k CVEs this gives the top product ~3,000 CVEs (about Chrome's count in NVD),
# the 10th ~1,500, about a third of the named products a single CVE, and leaves
# ~1/4 of the products without any (measured at full scale, seed 1). Products seen in the real CVE files are ranked
# first, by their real CVE counts, so Chrome, TensorFlow, GitLab... stay on top.
ZIPF_S = 0.9
ZIPF_Q = 5

# Names per product: log-normal, scaled to the requested total. The 2015
# dictionary's application products are heavy-tailed: 53% have one name, 71% at
# most three, the top 100 products hold 26% of the names (Chrome alone 3,671).
# At NVD's size today (~21 names per product) sigma = 2.4 keeps about half the
# products at one name, two thirds at <= 3, ~200 products with 1,000+ and the top
# 100 holding ~19%, without piling products up at the cap.
VERSIONS_SIGMA = 2.4
VERSIONS_CAP = 4_000
# Below this many names per product, fewer products are used (tiny test runs).
MIN_MEAN_VERSIONS = 4

# Deprecated cpe-items (NVD's "NAME_CORRECTION" deprecations) and how often one
# names two successors (2015 file: 1,532 deprecated items, 2,253 deprecated-by).
DEPRECATED_SHARE = 0.03
SECOND_SUCCESSOR_SHARE = 0.15
DEPRECATION_START = dt.datetime(2008, 1, 1)

# Version-string styles and their weights, after the shapes of the 2015
# dictionary's application versions (digits -> 9): 9.9.9 49%, 9.9 23%, 9.9.9.9
# 16%, Drupal's 7.x-1.3 2.7%, 9 1.9%, 9.9.9-9 0.8%, Cisco's 12.2\(33\)se 0.8%,
# letter suffixes 1.0.2a 0.8%; plus shapes NVD has today (Citrix 12.1-55.297,
# Adobe 22.003.20281, year-based 2019.1.3, OpenSSH 9.2p1).
VERSION_STYLES = {
    "dotted": 0.86, "drupal": 0.025, "build": 0.01, "letter": 0.01, "p": 0.005,
    "paren": 0.006, "citrix": 0.01, "year": 0.03, "padded": 0.01, "v": 0.005,
}
DOTTED_PARTS = {1: 0.02, 2: 0.23, 3: 0.49, 4: 0.16}
# Products that use the update attribute (beta1, rc1, sp1, ...) and how often.
UPDATES_PRODUCT_SHARE = 0.15
UPDATES_VERSION_SHARE = 0.4

# ---------------------------------------------------------------------------
# CPE 2.3 formatted strings (NISTIR 7695 section 6.2) and the 2.2 URI binding
# (section 6.1), which the dictionary's cpe-item/@name still uses.
# ---------------------------------------------------------------------------

_FS_FIELD = re.compile(r"((?:[^:\\]|\\.)*)(:|$)", re.S)
# part, vendor, product, then the other eight attributes untouched.
_FS_HEAD = re.compile(r"cpe:2\.3:([aoh*\-]):((?:[^:\\]|\\.)*):((?:[^:\\]|\\.)*):(.*)\Z", re.S)
# A named (not ANY/NA, no wildcard) attribute value: unreserved characters and
# backslash-quoted punctuation.
_FS_NAMED = re.compile(r"(?:[A-Za-z0-9_.\-]|\\[\\!\"#$%&'()*+,/:;<=>?@\[\]^`{|}~\-.])+\Z")
_UNQUOTE = re.compile(r"\\(.)", re.S)
# Characters kept as they are in the URI binding; everything else quoted in the
# formatted string is percent-encoded, in lower case as NVD writes it (%28, %2f).
_URI_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")


def split_fs(text: str) -> list[str]:
    """The colon-separated values of a formatted string, honouring backslash quoting."""
    out = []
    for match in _FS_FIELD.finditer(text):
        out.append(match.group(1))
        if not match.group(2):
            break
    return out


def unquote(value: str) -> str:
    return _UNQUOTE.sub(r"\1", value)


def uri_value(value: str) -> str:
    """One attribute in the 2.2 URI binding: ANY -> empty, NA -> '-', quoted punctuation -> %xx."""
    if value == "*":
        return ""
    if "\\" not in value:
        return value
    out = []
    chars = iter(value)
    for char in chars:
        if char == "\\":
            char = next(chars, "\\")
            out.append(char if char in _URI_PLAIN else "%" + format(ord(char), "02x"))
        else:
            out.append(char)
    return "".join(out)


def uri_name(part: str, vendor: str, product: str, rest: list[str]) -> str:
    """The cpe:/ name of a 2.3 name; rest = version, update, edition, language, sw_edition, target_sw, target_hw, other."""
    version, update, edition, language, sw_edition, target_sw, target_hw, other = (uri_value(v) for v in rest)
    if sw_edition or target_sw or target_hw or other:
        # "Packing" the four extended attributes into edition (NISTIR 7695 6.1.3.3).
        edition = "~".join(("", edition, sw_edition, target_sw, target_hw, other))
    values = [part, uri_value(vendor), uri_value(product), version, update, edition, language]
    while values and values[-1] == "":
        values.pop()
    return "cpe:/" + ":".join(values)


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------

_EPOCH = dt.datetime(1970, 1, 1)


def to_ms(moment: dt.datetime) -> int:
    return (moment - _EPOCH) // dt.timedelta(milliseconds=1)


def from_ms(ms: int) -> dt.datetime:
    return _EPOCH + dt.timedelta(milliseconds=ms)


def nvd_time(ms: int) -> str:
    """NVD API 2.0 timestamps: UTC, milliseconds, no zone suffix ("2023-08-23T17:15:43.863")."""
    moment = from_ms(ms)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{ms % 1000:03d}"


def parse_nvd_time(text: str) -> int:
    """Both "2022-03-07T09:15Z" (1.1 feeds) and "2023-08-23T17:15:43.863" (2.0)."""
    text = text.rstrip("Z")
    for fmt in ("%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"):
        try:
            return to_ms(dt.datetime.strptime(text, fmt))
        except ValueError:
            continue
    raise ValueError(f"unrecognised NVD timestamp {text!r}")


def eastern_time(ms: int) -> str:
    """US Eastern local time with its offset, as the 2.3 dictionary writes cpe-23:deprecation/@date.

    The dictionary's @deprecation_date is UTC ("...Z") but cpe-23:deprecation/@date
    is local to NIST (Gaithersburg): -04:00 in summer, -05:00 in winter. Daylight
    saving since 2007: second Sunday of March 02:00 to first Sunday of November 02:00.
    """
    moment = from_ms(ms)
    march = dt.datetime(moment.year, 3, 8)
    start = march + dt.timedelta(days=(6 - march.weekday()) % 7, hours=7)  # 02:00 EST = 07:00 UTC
    november = dt.datetime(moment.year, 11, 1)
    end = november + dt.timedelta(days=(6 - november.weekday()) % 7, hours=6)  # 02:00 EDT = 06:00 UTC
    hours = -4 if start <= moment < end else -5
    local = moment + dt.timedelta(hours=hours)
    return f"{local:%Y-%m-%dT%H:%M:%S}.{ms % 1000:03d}{hours:+03d}:00"


def xml_text(text: str) -> str:
    if "&" not in text and "<" not in text and ">" not in text:
        return text
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def xml_attr(text: str) -> str:
    return xml_text(text).replace('"', "&quot;")


def apportion(total: int, weights: dict[int, float]) -> dict[int, int]:
    """Split total into integer shares proportional to weights (largest remainder, ties by key)."""
    scale = sum(weights.values())
    exact = {key: total * w / scale for key, w in weights.items()}
    counts = {key: int(value) for key, value in exact.items()}
    leftover = total - sum(counts.values())
    for key in sorted(weights, key=lambda k: (-(exact[k] - counts[k]), k))[:leftover]:
        counts[key] += 1
    return counts


class HashingWriter:
    """A binary file that also computes the SHA-256 of what is written."""

    def __init__(self, path: Path) -> None:
        self.file = open(path, "wb")
        self.sha256 = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.sha256.update(data)
        self.size += len(data)
        return self.file.write(data)

    def flush(self) -> None:
        self.file.flush()

    def close(self) -> None:
        self.file.close()


class GzipOutput:
    """A deterministic .gz file (mtime 0, fixed inner name) written to NAME.tmp and renamed on success."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tmp = path.with_name(path.name + ".tmp")
        self.raw = HashingWriter(self.tmp)
        self.gz = gzip.GzipFile(filename=path.name.removesuffix(".gz"), mode="wb", fileobj=self.raw,
                                compresslevel=6, mtime=0)
        self.write = self.gz.write

    def close(self) -> dict[str, object]:
        self.gz.close()
        self.raw.close()
        os.replace(self.tmp, self.path)
        return {"file": self.path.name, "bytes": self.raw.size, "sha256": self.raw.sha256.hexdigest()}


def load_pairs(path: Path) -> list[tuple[str, str]]:
    """cpes.csv vendor/product pairs (already in formatted-string quoting), in file order.

    Four of the 70,785 rows are not usable names and are skipped: product "-"
    (NA, azure-iot-cli-extension), two with an unquoted wildcard '*' inside the
    product, and one whose quoting was mangled (noble_sticker_\\\\free\\\\"").
    """
    pairs = []
    with open(path, newline="", encoding="utf-8") as stream:
        reader = csv.reader(stream)
        header = next(reader)
        if [h.strip().lower() for h in header[:2]] != ["vendor", "product"]:
            raise SystemExit(f"{path}: expected a vendor,product header, found {header}")
        for row in reader:
            if len(row) >= 2 and all(v != "-" and _FS_NAMED.match(v) for v in row[:2]):
                pairs.append((row[0], row[1]))
    return pairs


# ---------------------------------------------------------------------------
# CVE templates: the real records, all in the NVD CVE API 2.0 shape
# ---------------------------------------------------------------------------

_RANGE_KEYS = ("versionStartIncluding", "versionStartExcluding", "versionEndIncluding", "versionEndExcluding")
_V3_FIRST = ("version", "vectorString", "baseScore", "baseSeverity")
_V2_FIRST = ("version", "vectorString", "baseScore")
_V2_EXTRA = ("exploitabilityScore", "impactScore", "acInsufInfo", "obtainAllPrivilege",
             "obtainUserPrivilege", "obtainOtherPrivilege", "userInteractionRequired")


def match_key(match: dict) -> str:
    return "\x1f".join([match["criteria"], *(match.get(key, "") for key in _RANGE_KEYS)])


def match_criteria_id(key: str) -> str:
    """A stable UUID for a match string (criteria + version range).

    In NVD a matchCriteriaId names a match string, shared by every CVE that uses
    it (https://nvd.nist.gov/developers/products, Match Criteria API). Deriving it
    from the string keeps that property for rewritten and converted criteria.
    """
    raw = bytearray(hashlib.blake2b(key.encode(), digest_size=16).digest())
    raw[6] = (raw[6] & 0x0F) | 0x40  # shaped like NVD's: random (version 4) UUIDs
    raw[8] = (raw[8] & 0x3F) | 0x80
    h = raw.hex().upper()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _reorder(data: dict, first: tuple[str, ...]) -> dict:
    out = {key: data[key] for key in first if key in data}
    out.update((key, value) for key, value in data.items() if key not in out)
    return out


def nvd11_to_20(item: dict, known_ids: dict[str, str]) -> dict:
    """One NVD JSON 1.1 CVE_Items[] entry as an NVD CVE API 2.0 `cve` object.

    Mapping (1.1 feed schema -> CVE API 2.0 response, https://nvd.nist.gov/developers/vulnerabilities):
    CVE_data_meta.ID/ASSIGNER -> id/sourceIdentifier; publishedDate/lastModifiedDate
    ("2022-03-07T09:15Z") -> published/lastModified ("2022-03-07T09:15:00.000");
    description_data -> descriptions; impact.baseMetricV3 -> metrics.cvssMetricV31 or
    cvssMetricV30 by cvssV3.version; impact.baseMetricV2 -> cvssMetricV2 with
    `severity` renamed baseSeverity; problemtype -> weaknesses; NVD's own scores and
    CWEs are "Primary" from nvd@nist.gov. 1.1 has no vulnStatus: records with
    configurations are "Analyzed", the others "Awaiting Analysis", "** REJECT **"
    ones "Rejected".
    """
    cve = item["cve"]
    meta = cve["CVE_data_meta"]
    source = meta.get("ASSIGNER") or "nvd@nist.gov"
    descriptions = [{"lang": d["lang"], "value": d["value"]} for d in cve["description"]["description_data"]]
    rejected = any(d["value"].startswith("** REJECT **") for d in descriptions)

    metrics: dict = {}
    impact = item.get("impact") or {}
    v3 = impact.get("baseMetricV3")
    if v3:
        data = v3["cvssV3"]
        key = "cvssMetricV31" if data.get("version") == "3.1" else "cvssMetricV30"
        metric = {"source": "nvd@nist.gov", "type": "Primary", "cvssData": _reorder(data, _V3_FIRST)}
        metric.update((k, v3[k]) for k in ("exploitabilityScore", "impactScore") if k in v3)
        metrics[key] = [metric]
    v2 = impact.get("baseMetricV2")
    if v2:
        metric = {"source": "nvd@nist.gov", "type": "Primary", "cvssData": _reorder(v2["cvssV2"], _V2_FIRST)}
        if "severity" in v2:
            metric["baseSeverity"] = v2["severity"]  # 2.0 keeps v2 severity on the metric
        metric.update((k, v2[k]) for k in _V2_EXTRA if k in v2)
        metrics["cvssMetricV2"] = [metric]

    cwes = [{"lang": d["lang"], "value": d["value"]}
            for pt in cve.get("problemtype", {}).get("problemtype_data", []) for d in pt.get("description", [])]

    configurations = []
    for node in (item.get("configurations") or {}).get("nodes", []):
        # 1.1 nodes[] are trees: a leaf (OR [winrar < 6.23]) is a 2.0 configuration
        # of one node; a node with children (AND [OR [acrobat...], OR [windows]]) is
        # a configuration whose `operator` joins its child nodes. 2.0 writes the
        # configuration `operator` only for multi-node configurations and `negate`
        # only when true. Top-level nodes with neither children nor cpe_match (53 in
        # the 2022 file) say nothing and are dropped. NVD never nests deeper.
        children = node.get("children") or []
        if children:
            config = {"operator": node.get("operator", "AND")}
            if node.get("negate"):
                config["negate"] = True
            config["nodes"] = [_leaf(child, known_ids) for child in children]
            configurations.append(config)
        elif node.get("cpe_match"):
            configurations.append({"nodes": [_leaf(node, known_ids)]})

    references = []
    for ref in cve.get("references", {}).get("reference_data", []):
        entry = {"url": ref["url"], "source": source}
        if ref.get("tags"):
            entry["tags"] = ref["tags"]
        references.append(entry)

    status = "Rejected" if rejected else ("Analyzed" if configurations else "Awaiting Analysis")
    record = {
        "id": meta["ID"],
        "sourceIdentifier": source,
        "published": nvd_time(parse_nvd_time(item["publishedDate"])),
        "lastModified": nvd_time(parse_nvd_time(item["lastModifiedDate"])),
        "vulnStatus": status,
        "cveTags": [],
        "descriptions": descriptions,
        "metrics": metrics,
    }
    if cwes:
        record["weaknesses"] = [{"source": "nvd@nist.gov", "type": "Primary", "description": cwes}]
    if configurations:
        record["configurations"] = configurations
    record["references"] = references
    return record


def _leaf(node: dict, known_ids: dict[str, str]) -> dict:
    matches = []
    for m in node.get("cpe_match", []):
        # 1.1 cpe23Uri is 2.0 `criteria`; the range keys keep their names; 1.1 has
        # no matchCriteriaId: reuse NVD's where the 2.0 sample has the same match
        # string, else derive a stable one.
        out = {"vulnerable": bool(m["vulnerable"]), "criteria": m["cpe23Uri"]}
        out.update((key, m[key]) for key in _RANGE_KEYS if key in m)
        key = match_key(out)
        out["matchCriteriaId"] = known_ids.get(key) or match_criteria_id(key)
        matches.append(out)
    return {"operator": node.get("operator", "OR"), "negate": bool(node.get("negate", False)), "cpeMatch": matches}


def iter_matches(cve: dict) -> Iterator[dict]:
    for config in cve.get("configurations") or []:
        for node in config.get("nodes", []):
            yield from node.get("cpeMatch", [])


class Template(msgspec.Struct):
    data: bytes  # the record, encoded; decoded afresh for every copy
    groups: tuple[tuple[tuple[str, str], ...], ...]  # application products to rewrite, by template vendor
    has_v2: bool
    delta_ms: int  # lastModified - published


def make_template(cve: dict) -> Template:
    by_vendor: dict[str, list[tuple[str, str]]] = {}
    for match in iter_matches(cve):
        head = _FS_HEAD.match(match["criteria"])
        # Only vulnerable application products are re-targeted. OS and hardware
        # names (part o/h) and vulnerable:false platform entries (Windows under
        # Adobe Reader, oracle:jdk under Spring) keep their real names; so do the
        # few real criteria whose vendor or product is ANY ('*') or NA ('-').
        if not (match.get("vulnerable") and head and head.group(1) == "a"):
            continue
        vendor, product = head.group(2), head.group(3)
        if vendor in ("*", "-") or product in ("*", "-"):
            continue
        keys = by_vendor.setdefault(vendor, [])
        if (vendor, product) not in keys:
            keys.append((vendor, product))
    delta = parse_nvd_time(cve["lastModified"]) - parse_nvd_time(cve["published"])
    return Template(
        data=msgspec.json.encode(cve),
        groups=tuple(tuple(keys) for keys in by_vendor.values()),
        has_v2=bool((cve.get("metrics") or {}).get("cvssMetricV2")),
        delta_ms=max(0, delta),
    )


def load_templates(feeds: Path) -> tuple[list[Template], list[Template], dict[str, int]]:
    """The analysed templates (with configurations) and the unanalysed ones, plus counts."""
    sample = msgspec.json.decode((feeds / INPUTS["nvd20_sample"]).read_bytes())
    records = [v["cve"] for v in sample["vulnerabilities"]]
    known_ids = {match_key(m): m["matchCriteriaId"] for cve in records for m in iter_matches(cve)
                 if m.get("matchCriteriaId")}
    with gzip.open(feeds / INPUTS["nvd11_2022"], "rb") as stream:
        legacy = msgspec.json.decode(stream.read())["CVE_Items"]
    stats = collections.Counter(nvd20_sample=len(records), nvd11_2022=len(legacy))
    records.extend(nvd11_to_20(item, known_ids) for item in legacy)
    del legacy

    analysed, unanalysed = [], []
    for cve in records:
        text = " ".join(d["value"] for d in cve.get("descriptions", []))
        if cve.get("vulnStatus") == "Rejected" or text.startswith("** REJECT **"):
            # Rejected IDs (206 in the 2022 file) are not copied: they carry
            # nothing to match and the brief's unanalysed share is Awaiting Analysis.
            stats["rejected_skipped"] += 1
        elif any(m for m in iter_matches(cve)):
            analysed.append(make_template(cve))
        else:
            unanalysed.append(make_template(cve))
    stats["analysed"] = len(analysed)
    stats["unanalysed"] = len(unanalysed)
    return analysed, unanalysed, dict(stats)


# ---------------------------------------------------------------------------
# CVE feed
# ---------------------------------------------------------------------------


class Popularity:
    """Zipf-like draws over the cpes.csv products, real CVE counts deciding the top ranks."""

    def __init__(self, pairs: list[tuple[str, str]], real_counts: dict[tuple[str, str], int], seed: str) -> None:
        self.pairs = pairs
        order = list(range(len(pairs)))
        random.Random(seed).shuffle(order)  # random order among equals
        order.sort(key=lambda i: -real_counts.get(pairs[i], 0))
        self.order = order
        cumulative, total = [], 0.0
        for rank in range(1, len(order) + 1):
            total += (rank + ZIPF_Q) ** -ZIPF_S
            cumulative.append(total)
        self.cumulative = cumulative
        self.total = total
        # Each vendor's products, most popular first.
        self.by_vendor: dict[str, list[int]] = {}
        for index in order:
            self.by_vendor.setdefault(pairs[index][0], []).append(index)

    def draw(self, rng: random.Random, used: set[int]) -> int:
        for _ in range(1000):
            index = self.order[bisect.bisect_right(self.cumulative, rng.random() * self.total)]
            if index not in used:
                return index
        return index

    def mapping(self, rng: random.Random, groups: tuple[tuple[tuple[str, str], ...], ...]) -> dict:
        """New (vendor, product) for each template product of a record.

        Products of one template vendor (Adobe's acrobat + acrobat_reader, NetApp's
        dozen) go to products of one new vendor where it has enough, keeping the
        "one vendor, several products" shape; each template vendor gets its own
        popularity draw.
        """
        used: set[int] = set()
        out = {}
        for keys in groups:
            first = self.draw(rng, used)
            used.add(first)
            chosen = [first]
            if len(keys) > 1:
                need = len(keys) - 1
                siblings = [i for i in self.by_vendor[self.pairs[first][0]] if i not in used]
                siblings = siblings[:max(2 * need, 8)]  # lean to the vendor's popular products
                picked = rng.sample(siblings, min(need, len(siblings)))
                used.update(picked)
                chosen.extend(picked)
                while len(chosen) < len(keys):
                    extra = self.draw(rng, used)
                    used.add(extra)
                    chosen.append(extra)
            for key, index in zip(keys, chosen):
                out[key] = self.pairs[index]
        return out


def retarget(record: dict, mapping: dict) -> None:
    """Rewrite the vendor:product of mapped criteria; versions, ranges, structure unchanged."""
    for config in record.get("configurations") or []:
        for node in config["nodes"]:
            for match in node["cpeMatch"]:
                head = _FS_HEAD.match(match["criteria"])
                if head is None or head.group(1) != "a":
                    continue
                new = mapping.get((head.group(2), head.group(3)))
                if new is None:
                    continue
                match["criteria"] = f"cpe:2.3:a:{new[0]}:{new[1]}:{head.group(4)}"
                if "matchCriteriaId" in match:
                    match["matchCriteriaId"] = match_criteria_id(match_key(match))


def adjust_metrics(record: dict, year: int) -> None:
    metrics = record.get("metrics") or {}
    if year <= V2_ONLY_UNTIL and metrics.get("cvssMetricV2"):
        for key in [k for k in metrics if k != "cvssMetricV2" and k.startswith("cvssMetric")]:
            del metrics[key]
    elif year >= NO_V2_FROM and "cvssMetricV2" in metrics and any(
            k.startswith("cvssMetricV3") or k.startswith("cvssMetricV4") for k in metrics):
        del metrics["cvssMetricV2"]


def make_unanalysed(record: dict) -> None:
    """What an NVD record looks like before analysis: no configurations, metrics {}."""
    record["vulnStatus"] = "Awaiting Analysis"
    record["metrics"] = {}
    record.pop("configurations", None)
    weaknesses = [w for w in record.get("weaknesses", []) if w.get("source") != "nvd@nist.gov"]
    if weaknesses:
        record["weaknesses"] = weaknesses
    else:
        record.pop("weaknesses", None)


def write_cves(outdir: Path, feeds: Path, total: int, seed: int, as_of_ms: int, timestamp: str) -> dict:
    started = time.monotonic()
    pairs = load_pairs(feeds / INPUTS["cpe_pairs"])
    analysed, unanalysed, template_stats = load_templates(feeds)
    analysed_v2 = [t for t in analysed if t.has_v2] or analysed

    real_counts: collections.Counter = collections.Counter()
    for template in analysed:
        real_counts.update(key for keys in template.groups for key in keys)
    popularity = Popularity(pairs, real_counts, f"{seed}:popularity")

    rng = random.Random(f"{seed}:cve")
    encode = msgspec.json.Encoder().encode
    decode = msgspec.json.decode
    counts = apportion(total, YEAR_WEIGHTS)
    files, status_counts, products_named = [], collections.Counter(), set()
    for year in sorted(YEAR_WEIGHTS):
        n = counts[year]
        # IDs: distinct sequence numbers, four digits before 2014 and mostly five
        # after (the CVE ID syntax change of 2014 allows 4+ digits).
        upper = max(9_999 if year < 2014 else 59_999, (n * 13) // 10)
        numbers = sorted(rng.sample(range(1, upper + 1), n))
        start = to_ms(dt.datetime(year, 1, 1))
        end = min(to_ms(dt.datetime(year + 1, 1, 1)), as_of_ms)
        published = sorted(rng.randrange(start, end) for _ in range(n))
        out = GzipOutput(outdir / f"nvdcve-2.0-{year}.json.gz")
        out.write(json.dumps({"resultsPerPage": n, "startIndex": 0, "totalResults": n, "format": "NVD_CVE",
                              "version": "2.0", "timestamp": timestamp}, separators=(",", ":"))[:-1].encode()
                  + b',"vulnerabilities":[')
        for position, (number, pub_ms) in enumerate(zip(numbers, published)):
            if rng.random() < UNANALYSED_SHARE and unanalysed:
                template = unanalysed[rng.randrange(len(unanalysed))]
                record = decode(template.data)
                make_unanalysed(record)
            else:
                pool = analysed_v2 if year <= V2_ONLY_UNTIL else analysed
                template = pool[rng.randrange(len(pool))]
                record = decode(template.data)
                adjust_metrics(record, year)
                if template.groups:
                    mapping = popularity.mapping(rng, template.groups)
                    retarget(record, mapping)
                    products_named.update(mapping.values())
            record["id"] = f"CVE-{year}-{number:04d}"
            record["published"] = nvd_time(pub_ms)
            record["lastModified"] = nvd_time(min(pub_ms + template.delta_ms, as_of_ms))
            status_counts[record["vulnStatus"]] += 1
            out.write((b',{"cve":' if position else b'{"cve":') + encode(record) + b"}")
        out.write(b"]}")
        files.append({**out.close(), "year": year, "cves": n})
    return {
        "cve_files": files,
        "cves": sum(counts.values()),
        "vuln_status": dict(sorted(status_counts.items())),
        "distinct_products_named": len(products_named),
        "templates": template_stats,
        "seconds": round(time.monotonic() - started, 1),
    }


# ---------------------------------------------------------------------------
# CPE dictionary
# ---------------------------------------------------------------------------

_DICT = "{http://cpe.mitre.org/dictionary/2.0}"
_CPE23 = "{http://scap.nist.gov/schema/cpe-extension/2.3}"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# The document head of NVD's official-cpe-dictionary_v2.3.xml, as in the real file.
XML_HEAD = (
    "<?xml version='1.0' encoding='UTF-8'?>\n"
    '<cpe-list xmlns:config="http://scap.nist.gov/schema/configuration/0.1" '
    'xmlns="http://cpe.mitre.org/dictionary/2.0" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xmlns:scap-core="http://scap.nist.gov/schema/scap-core/0.3" '
    'xmlns:cpe-23="http://scap.nist.gov/schema/cpe-extension/2.3" '
    'xmlns:ns6="http://scap.nist.gov/schema/scap-core/0.1" '
    'xmlns:meta="http://scap.nist.gov/schema/cpe-dictionary-metadata/0.2" '
    'xsi:schemaLocation="http://scap.nist.gov/schema/cpe-extension/2.3 '
    "http://scap.nist.gov/schema/cpe/2.3/cpe-dictionary-extension_2.3.xsd "
    "http://cpe.mitre.org/dictionary/2.0 http://scap.nist.gov/schema/cpe/2.3/cpe-dictionary_2.3.xsd "
    "http://scap.nist.gov/schema/cpe-dictionary-metadata/0.2 "
    "http://nvd.nist.gov/schema/cpe-dictionary-metadata_0.2.xsd "
    "http://scap.nist.gov/schema/scap-core/0.3 http://nvd.nist.gov/schema/scap-core_0.3.xsd "
    "http://scap.nist.gov/schema/configuration/0.1 http://nvd.nist.gov/schema/configuration_0.1.xsd "
    'http://scap.nist.gov/schema/scap-core/0.1 http://nvd.nist.gov/schema/scap-core_0.1.xsd">\n'
    "  <generator>\n"
    "    <product_name>National Vulnerability Database (NVD)</product_name>\n"
    "    <product_version>3.0</product_version>\n"
    "    <schema_version>2.3</schema_version>\n"
    "    <timestamp>{timestamp}</timestamp>\n"
    "  </generator>\n"
)
XML_TAIL = "</cpe-list>\n"


class RealProduct:
    """What the 2015 dictionary knows about one cpes.csv product."""

    __slots__ = ("items", "prefixes", "tails", "references")

    def __init__(self) -> None:
        self.items: list[tuple[list[str], str, tuple]] = []  # (8 values after product, title, references)
        self.prefixes: collections.Counter = collections.Counter()
        self.tails: collections.Counter = collections.Counter()
        self.references: tuple = ()


def load_real_dictionary(path: Path, index: dict[tuple[str, str], int]):
    """Real items of the cpes.csv products, title word casing, and update values, from the 2015 dictionary."""
    products: dict[int, RealProduct] = {}
    casing: dict[str, collections.Counter] = {}
    updates: collections.Counter = collections.Counter()
    with gzip.open(path, "rb") as stream:
        root = None
        for event, elem in ET.iterparse(stream, events=("start", "end")):
            if root is None:
                root = elem
                continue
            if event != "end" or elem.tag != _DICT + "cpe-item":
                continue
            title = next((t.text or "" for t in elem.findall(_DICT + "title") if t.get(_XML_LANG) == "en-US"), "")
            for word in title.split():
                word = word.strip("(),[]:;\"'")
                if any(c.isalpha() for c in word):
                    casing.setdefault(word.lower(), collections.Counter())[word] += 1
            item23 = elem.find(_CPE23 + "cpe23-item")
            values = split_fs(item23.get("name", "")) if item23 is not None else []
            deprecated = elem.get("deprecated") == "true"
            if len(values) == 13 and values[2] == "a" and not deprecated:
                if values[6] != "*":
                    updates[values[6]] += 1
                pos = index.get((values[3], values[4]))
                if pos is not None:
                    refs = tuple((r.get("href", ""), r.text or "") for r in elem.iter(_DICT + "reference"))
                    product = products.setdefault(pos, RealProduct())
                    product.items.append((values[5:], title, refs))
                    product.tails[":".join(values[7:])] += 1
                    if refs:
                        product.references = refs
                    version = unquote(values[5])
                    cut = title.rfind(" " + version) if version not in ("*", "-") else -1
                    if cut > 0:
                        product.prefixes[title[:cut]] += 1
            root.clear()
    words = {key: forms.most_common(1)[0][0] for key, forms in casing.items()}
    return products, words, updates


def display_word(word: str, casing: dict[str, str]) -> str:
    known = casing.get(word.lower())
    if known:
        return known
    return word[:1].upper() + word[1:] if word[:1].isalpha() else word


def title_prefix(vendor: str, product: str, casing: dict[str, str]) -> str:
    """ "Vendor Product" in the dictionary's style: real word casing (phpMyAdmin, CMS), vendor not repeated."""
    vendor_words = [w for w in unquote(vendor).split("_") if w]
    product_words = [w for w in unquote(product).split("_") if w]
    words = product_words if product_words[:len(vendor_words)] == vendor_words else vendor_words + product_words
    return " ".join(display_word(w, casing) for w in words)


_LETTERS = [chr(c) for c in range(ord("a"), ord("z") + 1)]
_LETTERS += ["z" + c for c in _LETTERS]


def version_series(rng: random.Random) -> Iterator[tuple[str, str]]:
    """An endless, strictly increasing series of (formatted-string version, title version) in one style."""
    style = rng.choices(list(VERSION_STYLES), weights=list(VERSION_STYLES.values()))[0]
    parts = {"build": 3, "letter": 3, "p": 2, "paren": 2, "citrix": 2, "year": 3, "padded": 3, "v": 3,
             "drupal": 2}.get(style) or rng.choices(list(DOTTED_PARTS), weights=list(DOTTED_PARTS.values()))[0]
    state = [rng.choices(range(13), weights=[15, 30, 15, 10, 7, 5, 4, 3, 3, 2, 2, 2, 2])[0]] + [0] * (parts - 1)
    for i in range(1, parts):
        state[i] = 0 if rng.random() < 0.5 else rng.randrange(1, 10)
    if style == "year":
        state[0] = rng.randrange(2005, 2021)
    elif style == "padded":
        state = [rng.randrange(10, 23), rng.randrange(1, 21), rng.randrange(20_000, 30_000)]
    # Which component a new release bumps: mostly the last, rarely the major, so
    # products with hundreds of versions stay at plausible majors.
    level_weights = {1: [1], 2: [3, 97], 3: [2, 15, 83], 4: [1, 5, 24, 70]}[parts]
    core = rng.choice((6, 7, 8))
    suffix = rng.choice(("", "se", "sg", "ea", "t"))
    minor_counter = rng.randrange(1, 31) if style == "paren" else 1
    build = [rng.randrange(10, 61), rng.randrange(10, 301)]
    letter = -1

    def bump() -> None:
        if style == "padded":  # Adobe: 22.003.20281; the build number only grows
            level = rng.choices((0, 1, 2), weights=(5, 15, 80))[0]
            if level == 0:
                state[0], state[1] = state[0] + 1, 1
            elif level == 1:
                state[1] += 1
            state[2] += rng.randrange(10, 301)
            return
        level = rng.choices(range(parts), weights=level_weights)[0]
        if style == "year" and level == 0 and state[0] >= 2026:
            level = 1  # a year-based major cannot run past the feed's year
        state[level] += 1 if rng.random() < 0.8 else rng.randrange(2, 4)
        for i in range(level + 1, parts):
            state[i] = 0

    while True:
        dotted = ".".join(map(str, state))
        if style == "dotted":
            yield dotted, dotted
            bump()
        elif style == "v":
            yield "v" + dotted, "v" + dotted
            bump()
        elif style == "year":
            yield dotted, dotted
            bump()
        elif style == "padded":
            text = f"{state[0]}.{state[1]:03d}.{state[2]}"
            yield text, text
            bump()
        elif style == "drupal":
            text = f"{core}.x-{dotted}"
            yield text, text
            bump()
        elif style == "build":
            text = f"{dotted}-{minor_counter}"
            yield text, text
            if rng.random() < 0.5:
                minor_counter += 1
            else:
                bump()
                minor_counter = 1
        elif style == "letter":  # OpenSSL: 1.0.2, 1.0.2a, ..., 1.0.2zd
            text = dotted + (_LETTERS[letter] if letter >= 0 else "")
            yield text, text
            if rng.random() < 0.75 and letter + 1 < len(_LETTERS):
                letter += 1
            else:
                bump()
                letter = -1
        elif style == "p":  # OpenSSH: 9.2p1, 9.2p2
            text = f"{dotted}p{minor_counter}"
            yield text, text
            if rng.random() < 0.5:
                minor_counter += 1
            else:
                bump()
                minor_counter = 1
        elif style == "paren":  # Cisco IOS: 12.2(33)se, quoted in formatted strings
            yield f"{dotted}\\({minor_counter}\\){suffix}", f"{dotted}({minor_counter}){suffix.upper()}"
            if rng.random() < 0.8:
                minor_counter += rng.randrange(1, 4)
            else:
                bump()
                minor_counter = rng.randrange(1, 31)
        elif style == "citrix":  # Citrix ADC: 12.1-55.297
            text = f"{dotted}-{build[0]}.{build[1]}"
            yield text, text
            roll = rng.random()
            if roll < 0.7:
                build[1] += rng.randrange(1, 41)
            elif roll < 0.9:
                build = [build[0] + 1, rng.randrange(10, 301)]
            else:
                bump()
                build = [rng.randrange(10, 61), rng.randrange(10, 301)]


def version_counts(rng: random.Random, n_products: int, total: int, floors: list[int]) -> list[int]:
    """Heavy-tailed names-per-product counts (each >= 1) summing exactly to total."""
    if n_products == 0:
        return []
    raw = [max(math.exp(VERSIONS_SIGMA * rng.gauss(0.0, 1.0)), floor) for floor in floors]
    cap = max(VERSIONS_CAP, -(-2 * total // n_products))

    def counts_at(scale: float) -> list[int]:
        return [max(1, min(cap, int(x * scale + 0.5))) for x in raw]

    low, high = 0.0, 1.0
    while sum(counts_at(high)) < total and high < 1e12:
        high *= 2
    for _ in range(48):
        middle = (low + high) / 2
        if sum(counts_at(middle)) <= total:
            low = middle
        else:
            high = middle
    counts = counts_at(low)
    missing = total - sum(counts)
    while missing > 0:  # the last few names, one each to random products
        for i in rng.sample(range(n_products), min(missing, n_products)):
            counts[i] += 1
        missing = total - sum(counts)
    return counts


def write_cpe_dictionary(outdir: Path, feeds: Path, total: int, seed: int, as_of_ms: int) -> dict:
    started = time.monotonic()
    pairs = load_pairs(feeds / INPUTS["cpe_pairs"])
    pair_set = set(pairs)
    index = {pair: i for i, pair in enumerate(pairs)}
    real, casing, update_counts = load_real_dictionary(feeds / INPUTS["cpe_dictionary_2015"], index)
    update_pool = update_counts.most_common(60)
    update_values = [u for u, _ in update_pool]
    update_weights = [c for _, c in update_pool]

    rng = random.Random(f"{seed}:cpe")
    used = len(pairs) if total >= MIN_MEAN_VERSIONS * len(pairs) else min(len(pairs), total // MIN_MEAN_VERSIONS)
    if total and not used:
        used = 1
    chosen = sorted(rng.sample(range(len(pairs)), used)) if used < len(pairs) else list(range(len(pairs)))
    floors = [len(real[i].items) if i in real else 1 for i in chosen]
    counts = version_counts(rng, used, total, floors)
    # Items past the first of a product may be deprecated; scaled so that about
    # DEPRECATED_SHARE of all items are.
    p_deprecated = DEPRECATED_SHARE * total / max(1, total - used)

    out = GzipOutput(outdir / "official-cpe-dictionary_v2.3.xml.gz")
    generator_time = f"{from_ms(as_of_ms):%Y-%m-%dT%H:%M:%S}.{as_of_ms % 1000:03d}Z"
    out.write(XML_HEAD.replace("{timestamp}", generator_time).encode())
    written = deprecated_written = with_real_versions = 0
    alias_names: set[str] = set()
    start_ms, span_ms = to_ms(DEPRECATION_START), as_of_ms - to_ms(DEPRECATION_START)
    for pos, count in zip(chosen, counts):
        vendor, product = pairs[pos]
        info = real.get(pos)
        if info and info.prefixes:
            prefix = info.prefixes.most_common(1)[0][0]
        else:
            prefix = title_prefix(vendor, product, casing)
        # edition, language, sw_edition, target_sw, target_hw, other: as the
        # product's real names have them (e.g. target_sw wordpress), else ANY.
        tail = split_fs(info.tails.most_common(1)[0][0]) if info else ["*"] * 6
        references = info.references if info else ()
        n_deprecated = sum(1 for _ in range(count - 1) if rng.random() < p_deprecated)

        # (values after product, title, references) of the product's current names.
        items: list[tuple[list[str], str, tuple]] = []
        names: set[str] = set()
        for values, title, refs in (info.items if info else ())[:count - n_deprecated]:
            name = ":".join(values)
            if name not in names:
                names.add(name)
                items.append((values, title, refs))
        if info and items:
            with_real_versions += 1
        uses_updates = rng.random() < UPDATES_PRODUCT_SHARE
        series = version_series(rng)
        pending: list[tuple[list[str], str, tuple]] = []

        def next_synthetic() -> tuple[list[str], str, tuple]:
            while not pending:
                version, version_title = next(series)
                variants = []
                if uses_updates and rng.random() < UPDATES_VERSION_SHARE:
                    picks = {rng.choices(update_values, weights=update_weights)[0] for _ in range(rng.randrange(1, 4))}
                    variants.extend(sorted(picks))
                variants.append("*")
                for update in variants:
                    values = [version, update, *tail]
                    name = ":".join(values)
                    if name in names:
                        continue
                    names.add(name)
                    title = f"{prefix} {version_title}"
                    if update not in ("*", "-"):
                        title += " " + " ".join(display_word(w, casing) for w in unquote(update).split("_") if w)
                    pending.append((values, title, references))
            return pending.pop(0)

        while len(items) < count - n_deprecated:
            items.append(next_synthetic())

        chunks = []
        for values, title, refs in items:
            chunks.append(_item_xml(vendor, product, values, title, refs))

        # Deprecated names: NAME_CORRECTION aliases of current names, as NVD
        # deprecates a mistyped version (acmailer 3.8 -> 3.8.0) or a wrong vendor
        # (acmailer:acmailer -> seeds:acmailer). Each points at names written above.
        for _ in range(n_deprecated):
            alias = None
            for _attempt in range(4):
                values, title, refs = items[rng.randrange(len(items))]
                target = f"cpe:2.3:a:{vendor}:{product}:" + ":".join(values)
                version = values[0]
                kinds = ["version", "vendor"]
                rng.shuffle(kinds)
                for kind in kinds:
                    if kind == "version" and re.fullmatch(r"\d+(?:\.\d+)*", version):
                        fixed = version[:-2] if version.endswith(".0") else version + ".0"
                        name = ":".join([fixed, *values[1:]])
                        if name not in names:
                            names.add(name)
                            cut = title.rfind(version)
                            if cut >= 0:  # the deprecated name's title shows its own version
                                title = title[:cut] + fixed + title[cut + len(version):]
                            alias = (vendor, [fixed, *values[1:]], title, refs, target, values)
                            break
                    elif kind == "vendor":
                        wrong = product if product != vendor else vendor + "_project"
                        full = f"cpe:2.3:a:{wrong}:{product}:" + ":".join(values)
                        if (wrong, product) not in pair_set and full not in alias_names:
                            alias_names.add(full)
                            alias = (wrong, values, title, refs, target, values)
                            break
                if alias:
                    break
            if alias is None:  # no free alias: keep the count with one more current name
                values, title, refs = next_synthetic()
                chunks.append(_item_xml(vendor, product, values, title, refs))
                continue
            alias_vendor, values, title, refs, target, target_values = alias
            successors = [target]
            if rng.random() < SECOND_SUCCESSOR_SHARE:
                # A name split in two, e.g. weblogic_portal 8.1 -> 8.1:sp3 and 8.1:sp5:
                # another current name of the same version, if the product has one.
                siblings = [v for v, _, _ in items if v[0] == target_values[0] and v != target_values]
                if siblings:
                    other = siblings[rng.randrange(len(siblings))]
                    successors.append(f"cpe:2.3:a:{vendor}:{product}:" + ":".join(other))
            when = start_ms + rng.randrange(span_ms)
            local_when = when + (0 if rng.random() < 0.5 else rng.randrange(1, 200))
            chunks.append(_item_xml(alias_vendor, product, values, title, refs, when, local_when, successors))
            deprecated_written += 1
        written += len(chunks)
        out.write("".join(chunks).encode())
    out.write(XML_TAIL.encode())
    result = out.close()
    return {
        "cpe_file": result,
        "cpe_items": written,
        "cpe_deprecated": deprecated_written,
        "cpe_products": used,
        "cpe_products_with_real_2015_versions": with_real_versions,
        "seconds": round(time.monotonic() - started, 1),
    }


def _item_xml(vendor: str, product: str, values: list[str], title: str, refs: tuple,
              deprecated_ms: int | None = None, local_ms: int | None = None,
              successors: list[str] | None = None) -> str:
    """One cpe-item, laid out as in NVD's file (two-space indentation)."""
    name23 = f"cpe:2.3:a:{vendor}:{product}:" + ":".join(values)
    uri = uri_name("a", vendor, product, values)
    lines = []
    if deprecated_ms is None:
        lines.append(f'  <cpe-item name="{xml_attr(uri)}">\n')
    else:
        when = f"{from_ms(deprecated_ms):%Y-%m-%dT%H:%M:%S}.{deprecated_ms % 1000:03d}Z"
        lines.append(f'  <cpe-item name="{xml_attr(uri)}" deprecated="true" deprecation_date="{when}">\n')
    lines.append(f'    <title xml:lang="en-US">{xml_text(title)}</title>\n')
    if refs:
        lines.append("    <references>\n")
        lines.extend(f'      <reference href="{xml_attr(href)}">{xml_text(text)}</reference>\n' for href, text in refs)
        lines.append("    </references>\n")
    if deprecated_ms is None:
        lines.append(f'    <cpe-23:cpe23-item name="{xml_attr(name23)}"/>\n')
    else:
        lines.append(f'    <cpe-23:cpe23-item name="{xml_attr(name23)}">\n')
        lines.append(f'      <cpe-23:deprecation date="{eastern_time(local_ms)}">\n')
        lines.extend(f'        <cpe-23:deprecated-by name="{xml_attr(s)}" type="NAME_CORRECTION"/>\n'
                     for s in successors or ())
        lines.append("      </cpe-23:deprecation>\n")
        lines.append("    </cpe-23:cpe23-item>\n")
    lines.append("  </cpe-item>\n")
    return "".join(lines)


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------


def _input_files(feeds: Path) -> list[dict]:
    out = []
    for role, relative in INPUTS.items():
        data = (feeds / relative).read_bytes()
        out.append({"role": role, "path": relative, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()})
    return out


def _peak_rss_mb() -> dict[str, float]:
    # ru_maxrss is in KiB on Linux; for children it is the largest single child.
    return {
        "self": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "largest_child": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Write full-scale benchmark feeds generated from the real NVD/CPE files: yearly NVD CVE "
                    "API 2.0 files nvdcve-2.0-YYYY.json.gz (1999..2026), the CPE dictionary "
                    "official-cpe-dictionary_v2.3.xml.gz (XML 2.3), and manifest.json. "
                    "Same arguments, same bytes.")
    parser.add_argument("-o", "--output", required=True, type=Path, metavar="OUTDIR",
                        help="directory to write into (created if missing; existing output files are replaced)")
    parser.add_argument("--cves", type=int, default=320_000, metavar="N",
                        help="total CVE records over all yearly files (default: %(default)s, about NVD's size)")
    parser.add_argument("--cpe-names", type=int, default=1_500_000, metavar="N",
                        help="cpe-items in the CPE dictionary, deprecated ones included "
                             "(default: %(default)s, about NVD's size)")
    parser.add_argument("--seed", type=int, default=1,
                        help="random seed; the output is a pure function of the arguments (default: %(default)s)")
    parser.add_argument("--feeds", type=Path, default=DEFAULT_FEEDS, metavar="DIR",
                        help="folder of the real feed files (default: ../shared/feeds from the project root)")
    parser.add_argument("--jobs", type=int, choices=(1, 2), default=2,
                        help="processes: 2 writes the CVE files and the dictionary side by side, "
                             "1 one after the other; the output is the same (default: %(default)s)")
    args = parser.parse_args(argv)
    if args.cves < 0 or args.cpe_names < 0:
        parser.error("--cves and --cpe-names must not be negative")
    missing = [p for p in INPUTS.values() if not (args.feeds / p).is_file()]
    if missing:
        parser.error(f"missing real feed files under {args.feeds}: {', '.join(missing)}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    outdir: Path = args.output
    outdir.mkdir(parents=True, exist_ok=True)
    feeds: Path = args.feeds

    # "Now" for the generated data is the real sample's response timestamp, so
    # the output does not depend on the clock.
    with open(feeds / INPUTS["nvd20_sample"], "rb") as stream:
        timestamp = json.load(stream)["timestamp"]
    as_of_ms = parse_nvd_time(timestamp)

    cve_job = (write_cves, outdir, feeds, args.cves, args.seed, as_of_ms, timestamp)
    cpe_job = (write_cpe_dictionary, outdir, feeds, args.cpe_names, args.seed, as_of_ms)
    if args.jobs == 2:
        with ProcessPoolExecutor(max_workers=2) as pool:
            futures = [pool.submit(*cve_job), pool.submit(*cpe_job)]
            cve_result, cpe_result = (f.result() for f in futures)
    else:
        cve_result = cve_job[0](*cve_job[1:])
        cpe_result = cpe_job[0](*cpe_job[1:])

    manifest = {
        "generator": "scripts/generate_scale_feed.py",
        "arguments": {"cves": args.cves, "cpe_names": args.cpe_names, "seed": args.seed, "feeds": str(feeds)},
        "seed": args.seed,
        "timestamp": timestamp,
        "inputs": _input_files(feeds),
        "counts": {
            "cves": cve_result["cves"],
            "cves_by_status": cve_result["vuln_status"],
            "cve_products_named": cve_result["distinct_products_named"],
            "cpe_items": cpe_result["cpe_items"],
            "cpe_deprecated": cpe_result["cpe_deprecated"],
            "cpe_products": cpe_result["cpe_products"],
            "cpe_products_with_real_2015_versions": cpe_result["cpe_products_with_real_2015_versions"],
        },
        "templates": cve_result["templates"],
        "outputs": cve_result["cve_files"] + [cpe_result["cpe_file"]],
    }
    tmp = outdir / "manifest.json.tmp"
    tmp.write_text(json.dumps(manifest, indent=2) + "\n")
    os.replace(tmp, outdir / "manifest.json")

    total_bytes = sum(o["bytes"] for o in manifest["outputs"])
    print(f"wrote {cve_result['cves']} CVEs in {len(cve_result['cve_files'])} files ({cve_result['seconds']} s) and "
          f"{cpe_result['cpe_items']} cpe-items ({cpe_result['seconds']} s), {total_bytes / 1e6:.1f} MB gzip, "
          f"in {time.monotonic() - started:.1f} s; peak RSS MB {_peak_rss_mb()}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
