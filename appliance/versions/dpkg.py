"""Debian package versions ([epoch:]upstream[-revision]) ordered as dpkg orders them."""

from __future__ import annotations

import re
from typing import NamedTuple

from .base import UnknownVersion, VersionScheme, split_epoch_release

# Debian Policy 5.6.12: the epoch is an unsigned integer; the upstream version starts
# with a digit and may hold hyphens (only when a revision follows) and colons (only when
# an epoch precedes), which the splitting below guarantees; the revision holds
# alphanumerics and "+", ".", "~". As with `dpkg --validate-version`, anything else is invalid.
_UPSTREAM = re.compile(r"[0-9][A-Za-z0-9.+~:-]*")
_REVISION = re.compile(r"[A-Za-z0-9.+~]+")
# One step of Policy's algorithm: a run of non-digits, then a run of digits (either may be empty).
_CHUNK = re.compile(r"([^0-9]*)([0-9]*)")


class DebianVersion(NamedTuple):
    """The three fields of a Debian version; ``revision`` is "" when absent."""

    epoch: int
    upstream: str
    revision: str


def parse_version(text: str | None) -> DebianVersion | None:
    """Split a Debian version into its fields, or None when it is not a valid one."""
    # The revision is whatever follows the last hyphen (Policy 5.6.12).
    parts = split_epoch_release(text)
    if parts is None:
        return None
    epoch, upstream, revision, hyphen = parts
    if not _UPSTREAM.fullmatch(upstream):
        return None
    if hyphen and not _REVISION.fullmatch(revision):
        return None
    return DebianVersion(epoch, upstream, revision)


def upstream_version(text: str) -> str:
    """The upstream part of a Debian version: ``"1:2.39.5-0+deb12u3"`` -> ``"2.39.5"``."""
    parsed = parse_version(text)
    if parsed is None:
        raise UnknownVersion(text, DPKG.name)
    return parsed.upstream


def _char_weight(char: str) -> int:
    # Policy 5.6.12: "~" sorts before everything, even the end of the part; letters sort
    # before all non-letters. The end of a part weighs 0.
    if char == "~":
        return -1
    if char.isalpha():
        return ord(char)
    return ord(char) + 256


# The end of a part compares as one more (empty non-digit run, number 0) chunk.
_END_OF_PART = ((0,), 0)


def _part_key(part: str) -> tuple:
    """Policy 5.6.12's alternation of non-digit and digit runs, as a tuple of chunks.

    Each chunk is (weights of the non-digit run followed by the end weight 0, number).
    Only the first chunk can start with an empty non-digit run, so once one side runs
    out, the other side's next chunk starts with a non-zero weight and comparing it
    with _END_OF_PART gives Policy's answer ("~" before the end, anything else after).
    """
    chunks = []
    position = 0
    while True:
        match = _CHUNK.match(part, position)
        letters, digits = match.groups()
        chunks.append((tuple(_char_weight(c) for c in letters) + (0,), int(digits or "0")))
        position = match.end()
        if position >= len(part):
            break
    chunks.append(_END_OF_PART)
    return tuple(chunks)


class DpkgScheme(VersionScheme):
    """Debian Policy 5.6.12: epoch numerically, then upstream, then revision (absent = "0")."""

    name = "dpkg"

    def key(self, text: str | None) -> tuple | None:
        parsed = parse_version(text)
        if parsed is None:
            return None
        return (parsed.epoch, _part_key(parsed.upstream), _part_key(parsed.revision))


DPKG = DpkgScheme()
