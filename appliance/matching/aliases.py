"""The alias table we author (data/cpe_dictionary/aliases.tsv): display names and packages NVD names differently."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import msgspec

from appliance.errors import ApplianceError

KINDS = ("name", "package", "same", "none")


class AliasError(ApplianceError):
    code = "alias_error"


class AliasTable(msgspec.Struct, frozen=True):
    """``names`` and ``packages`` map to a vendor:product key, ``same`` groups keys of one product,
    ``never`` lists names that must not be identified at all, each with its comment as the reason."""

    names: dict[str, tuple[str, str]]
    packages: dict[str, tuple[str, str]]
    same: dict[str, tuple[str, ...]]
    never: dict[str, str]


def tsv_rows(path: Path, error: type[Exception], what: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, tab-separated fields) of a table we author; blank and # lines are skipped.
    ``error`` (naming ``what`` and the file) is raised when it cannot be read."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise error(f"cannot read {what} {path}: {exc}") from exc
    for number, line in enumerate(lines, 1):
        if line.strip() and not line.startswith("#"):
            yield number, line.split("\t")


def load_aliases(path: Path) -> AliasTable:
    names: dict[str, tuple[str, str]] = {}
    packages: dict[str, tuple[str, str]] = {}
    groups: list[set[str]] = []
    never: dict[str, str] = {}
    for number, fields in tsv_rows(path, AliasError, "alias table"):
        kind = fields[0]
        expected = 3 if kind == "none" else 4
        if kind not in KINDS or len(fields) != expected or not all(f.strip() for f in fields):
            raise AliasError(f"{path}:{number}: expected {expected} tab-separated fields starting with one of {KINDS}")
        if kind == "name":
            names[fields[1]] = (fields[2], fields[3])
        elif kind == "package":
            packages[fields[1]] = (fields[2], fields[3])
        elif kind == "none":
            never[fields[1]] = fields[2]
        else:
            pair = {fields[1], fields[2]}
            for group in [g for g in groups if g & pair]:
                groups.remove(group)
                pair |= group
            groups.append(pair)
    same = {key: tuple(sorted(group)) for group in groups for key in group}
    return AliasTable(names, packages, same, never)
