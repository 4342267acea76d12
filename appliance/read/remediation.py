"""The patch plan: per product, the smallest version that fixes every CVE found on the machines that run it.

One SQL query collapses the host findings to one row per (machine, identified product, CVE) with
each package's fixed version; Python then works out each machine's target version per product
(with the machine's platform version scheme), groups machines with the same target into one row
and orders the rows. See docs/remediation.md for the rules.
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date
from typing import Any

import msgspec

from appliance.cpe import CpeError, parse_cpe23, unquote
from appliance.matching.platform import platform_of
from appliance.read.export import cell
from appliance.read.models import FixKind, PlanRow
from appliance.versions import GENERIC, WINDOWS, VersionScheme

MAX_PLAN_PAGE = 1000
# The grouped findings one plan reads at most, about 8 times those of scripts/bench_read.py's
# 10,000-machine office (62,555); beyond that the plan is refused rather than left to run.
MAX_PLAN_FINDINGS = 500_000

# One row per machine, identified product and CVE, certain findings only (a finding the installed
# version could not decide is not an action yet; the asset page lists it as "may apply"). Each
# package's fix is "fix_kind fixed_version"; several packages of one product on one machine
# (7-Zip x64 and x86) each add their own bound.
_SQL = (
    "SELECT a.id, a.hostname, a.os, COALESCE(s.match_cpe, ''), json_group_array(s.name),"
    " json_group_array(s.version), f.cve, MAX(f.kev), MIN(CASE WHEN f.kev = 1 THEN f.kev_due_date END),"
    " MAX(f.cvss),"
    " json_group_array(COALESCE(f.fix_kind, 'none') || ' ' || COALESCE(f.fixed_version, ''))"
    " FROM findings f JOIN assets a ON a.id = f.asset_id JOIN software s ON s.id = f.software_id"
    " WHERE f.version_unknown = 0{where}"
    " GROUP BY a.id, s.match_cpe, f.cve LIMIT ?"
)

CSV_COLUMNS: tuple[str, ...] = tuple(f.name for f in msgspec.structs.fields(PlanRow))


class PlanTooLarge(ValueError):
    """More grouped findings than MAX_PLAN_FINDINGS; narrow the plan to one organization."""


def scheme_of(os_name: str | None) -> VersionScheme:
    """How fixed versions compare on a machine. NVD bounds are upstream versions, which the matcher
    compares with the generic scheme (appliance/matching/evaluate.py); Windows products use the
    Windows scheme (dotted numeric builds, a missing part is zero: 24.9 == 24.09.0)."""
    return WINDOWS if platform_of(os_name).scheme == "windows" else GENERIC


def product_of(match_cpe: str, names: list[str]) -> str:
    """``vendor:product`` of an identified item (unquoted: 7-zip:7-zip); its name when the CPE is unreadable."""
    try:
        parsed = parse_cpe23(match_cpe)
    except CpeError:
        return names[0] if names else match_cpe
    return f"{unquote(parsed.vendor)}:{unquote(parsed.product)}"


class _Target(msgspec.Struct):
    """The bound a machine needs: the highest fixed version over its CVEs, and the CVEs without one."""

    version: str | None = None
    kind: FixKind = "none"
    rank: Any = None
    unfixed: set[str] = msgspec.field(default_factory=set)

    def need(self, kind: str, version: str, key: Any) -> None:
        """Add a bound: ``key`` is the version's sort key in the machine's scheme (None: unorderable)."""
        # "after X" asks more than "X": at an equal version, fixed_after wins. A bound the scheme
        # cannot order (never seen in NVD data so far) compares below every orderable one, as text.
        rank = ((1, key) if key is not None else (0, version), kind == "fixed_after")
        try:
            higher = self.rank is None or rank > self.rank
        except TypeError:  # keys of two schemes for one product on one machine cannot happen; be safe
            higher = str(rank) > str(self.rank)
        if higher:
            self.version, self.kind, self.rank = version, kind, rank  # type: ignore[assignment]


def target_text(kind: str, version: str | None, unfixed: list[str]) -> str:
    """The target in words: "24.09", "after 2.4.1", "no fixed version listed", with a note for CVEs left open."""
    if kind == "fixed_in":
        text = str(version)
    elif kind == "fixed_after":
        text = f"after {version}"
    else:
        return "no fixed version listed"
    if unfixed:
        text += f" (no fixed version listed for {', '.join(unfixed)})"
    return text


def build_plan(rows: list[Any], today: str) -> list[PlanRow]:
    """Plan rows from the grouped findings (see _SQL), in plan order. Pure; runs off the event loop."""
    # (machine id, product) -> what that machine needs for that product.
    targets: dict[tuple[int, str], _Target] = {}
    hostnames: dict[int, str] = {}
    names_by_key: dict[tuple[int, str], frozenset[str]] = {}
    versions: dict[tuple[int, str], set[str]] = defaultdict(set)
    cves: dict[tuple[int, str], dict[str, tuple[bool, str | None, float | None]]] = defaultdict(dict)
    # Items, schemes and fixed versions repeat across machines: each JSON text is decoded and
    # each version key worked out once (the grouped rows of 10,000 machines hold a few hundred).
    items: dict[tuple[str, str], tuple[str, frozenset[str]]] = {}
    installed: dict[str, list[str]] = {}
    schemes: dict[str | None, VersionScheme] = {}
    bounds: dict[tuple[str, str], tuple[tuple[str, str, Any], ...]] = {}
    for asset_id, hostname, os_name, match_cpe, item_names, item_versions, cve, kev, due, cvss, fixes in rows:
        item = items.get((match_cpe, item_names))
        if item is None:
            decoded = msgspec.json.decode(item_names)
            item = items[(match_cpe, item_names)] = (product_of(match_cpe, decoded),
                                                     frozenset(display_name(n) for n in decoded))
        product, shown = item
        key = (asset_id, product)
        hostnames[asset_id] = hostname
        before = names_by_key.get(key)
        if before is None:
            names_by_key[key] = shown
        elif before is not shown and not shown <= before:
            names_by_key[key] = before | shown
        if item_versions not in installed:
            installed[item_versions] = msgspec.json.decode(item_versions)
        versions[key].update(installed[item_versions])
        if cve in cves[key]:  # the same CVE in a second install of the product (7-Zip x64 and x86)
            was_kev, was_due, was_cvss = cves[key][cve]
            kev, due = kev or was_kev, min(d for d in (due, was_due) if d) if due or was_due else None
            cvss = max(c for c in (cvss, was_cvss) if c is not None) if cvss is not None or was_cvss is not None else None
        cves[key][cve] = (bool(kev), due, cvss)
        target = targets.get(key)
        if target is None:
            target = targets[key] = _Target()
        scheme = schemes.get(os_name)
        if scheme is None:
            scheme = schemes[os_name] = scheme_of(os_name)
        listed = bounds.get((scheme.name, fixes))
        if listed is None:
            parsed = (fix.partition(" ") for fix in msgspec.json.decode(fixes))
            listed = bounds[(scheme.name, fixes)] = tuple(
                (kind, version, scheme.key(version)) for kind, _, version in parsed
                if kind in ("fixed_in", "fixed_after") and version
            )
        for kind, version, version_key in listed:
            target.need(kind, version, version_key)
        if not listed:
            target.unfixed.add(cve)

    # Machines that need the same target for a product share a row.
    groups: dict[tuple[str, str, str | None, bool], list[tuple[int, str]]] = defaultdict(list)
    for key, target in targets.items():
        groups[(key[1], target.kind, target.version, bool(target.unfixed))].append(key)

    # A product's name: the one most machines install it under.
    names: dict[str, Counter[str]] = defaultdict(Counter)
    for (_, product), shown in names_by_key.items():
        names[product].update(shown)

    plan = []
    for (product, kind, version, _), keys in groups.items():
        found: dict[str, tuple[bool, str | None, float | None]] = {}
        for key in keys:
            found.update(cves[key])
        unfixed = sorted({c for key in keys for c in targets[key].unfixed})
        dues = [due for kev, due, _ in found.values() if kev and due]
        scores = [cvss for _, _, cvss in found.values() if cvss is not None]
        earliest = min(dues) if dues else None
        order = sorted(found, key=lambda c: (not found[c][0], -(found[c][2] or -1.0), c))
        machines = sorted((hostnames[k[0]] for k in keys), key=str.lower)
        plan.append(PlanRow(
            product=product,
            name=_common_name(names[product]),
            target=target_text(kind, version, unfixed),
            target_version=version,
            target_kind=kind,  # type: ignore[arg-type]
            unfixed_cves=unfixed,
            installed_versions=sorted({v for k in keys for v in versions[k]}),
            machines=machines,
            machine_count=len(machines),
            cves=order,
            cve_count=len(order),
            kev_count=sum(1 for kev, _, _ in found.values() if kev),
            kev_due_date=earliest,
            overdue=earliest is not None and earliest < today,
            max_cvss=max(scores) if scores else None,
        ))
    # KEV first, then overdue, then the highest CVSS, then the most machines.
    plan.sort(key=lambda r: (
        r.kev_count == 0, not r.overdue, -(r.max_cvss if r.max_cvss is not None else -1.0), -r.machine_count,
        r.name.lower(), r.product, r.target,
    ))
    return plan


# Installed names carry versions and notes: "7-Zip 23.01 (x64)", "WinRAR 6.22 (64-bit)".
_NOTE = re.compile(r"\([^()]*\)")
_DOTTED_VERSION = re.compile(r"v?[0-9]+(?:\.[0-9]+)+\S*", re.IGNORECASE)


def display_name(name: str) -> str:
    """An installed name without bracketed notes and dotted version numbers, case kept: "7-Zip 23.01 (x64)"
    -> "7-Zip". (The feed's dictionary titles are not used: the bundle's title of 7-zip:7-zip is "7-zip beta".)"""
    words = [w for w in _NOTE.sub(" ", name).split() if not _DOTTED_VERSION.fullmatch(w)]
    return " ".join(words).strip(" -,") or name


def _common_name(counts: Counter[str]) -> str:
    """The installed name most machines use (ties: the shortest, then alphabetical)."""
    return min(counts.items(), key=lambda item: (-item[1], len(item[0]), item[0]))[0]


async def plan_rows(db: Any, organization: int | None, include_stale: bool, today: date) -> list[PlanRow]:
    """Every row of the plan for one organization (None: all). The caller has checked the organization."""
    clauses, params = [], []
    if organization is not None:
        clauses.append(" AND a.organization_id = ?")
        params.append(organization)
    if not include_stale:
        clauses.append(" AND a.presence != 'stale'")
    rows = await db.fetchall(_SQL.format(where="".join(clauses)), [*params, MAX_PLAN_FINDINGS + 1])
    if len(rows) > MAX_PLAN_FINDINGS:
        raise PlanTooLarge(f"more than {MAX_PLAN_FINDINGS} findings; ask for one organization's plan")
    return await asyncio.to_thread(build_plan, rows, today.isoformat())


def plan_csv_chunks(rows: list[PlanRow]) -> Iterator[bytes]:
    """UTF-8 CSV of plan rows, the JSON field names as header; lists joined with "; ". Cells go
    through export.cell, so text a spreadsheet would run as a formula starts with an apostrophe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for count, row in enumerate(rows, 1):
        values = [getattr(row, name) for name in CSV_COLUMNS]
        writer.writerow([cell("; ".join(v) if isinstance(v, list) else v) for v in values])
        if count % 500 == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")
