"""The version-comparison seam: the VersionScheme contract, its errors, and range matching."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from typing import Any

# Longer strings are junk, not versions; the cap also keeps int() far below
# Python's 4300-digit conversion limit.
MAX_VERSION_LENGTH = 200

# A bare commit id: at least 7 hex digits (git's shortest abbreviation), at least one a-f,
# no dots. Pure digit runs such as "20230101" stay versions (dates, build numbers).
_HASH_LIKE = re.compile(r"(?=[0-9a-f]*[a-f])[0-9a-f]{7,}", re.IGNORECASE)
_DIGIT = re.compile(r"[0-9]")


class VersionError(ValueError):
    """Base error of the versions package."""


class UnknownVersion(VersionError):
    """A version string cannot be placed in the scheme's order (empty, "-", junk, a hash...)."""

    def __init__(self, text: object, scheme: str) -> None:
        super().__init__(f"unknown {scheme} version: {text!r}")
        self.text = text
        self.scheme = scheme


def is_unknown(text: object) -> bool:
    """True when ``text`` says nothing orderable about a version, whatever the scheme.

    Unknown: not a string, empty, longer than MAX_VERSION_LENGTH, without any digit
    ("-" is CPE's NA, "n/a", "latest", "unknown"), containing a CPE wildcard "*" or "?",
    or a bare commit hash (a 40-hex git sha, or 7+ hex characters with no dots).
    """
    if not isinstance(text, str):
        return True
    value = text.strip()
    if not value or len(value) > MAX_VERSION_LENGTH:
        return True
    if "*" in value or "?" in value:
        return True
    if not _DIGIT.search(value):
        return True
    return _HASH_LIKE.fullmatch(value) is not None


_EPOCH = re.compile(r"[0-9]+")


def split_epoch_release(text: str | None) -> tuple[int, str, str, bool] | None:
    """``[epoch:]main[-release]`` as (epoch, main, release, has_release), as dpkg and rpm write
    versions: the release is whatever follows the last hyphen. None for an unknown version or
    an epoch that is not a number."""
    if is_unknown(text):
        return None
    value = text.strip()  # type: ignore[union-attr]
    epoch = 0
    epoch_text, colon, rest = value.partition(":")
    if colon:
        if not _EPOCH.fullmatch(epoch_text):
            return None
        epoch = int(epoch_text)
    else:
        rest = value
    main, hyphen, release = rest.rpartition("-")
    if not hyphen:
        return epoch, rest, "", False
    return epoch, main, release, True


class VersionScheme(ABC):
    """One ordering of version strings, e.g. Debian's or RPM's.

    ``key`` maps a version string to a sort key (keys of one scheme compare with
    ``<``/``==`` exactly as the scheme orders the strings) or to None when the version
    is unknown; ``compare`` and ``sort_key`` raise UnknownVersion instead.
    """

    name: str = ""

    @abstractmethod
    def key(self, text: str | None) -> Any | None:
        """A sort key for ``text``, or None when the version is unknown to this scheme."""

    def sort_key(self, text: str | None) -> Any:
        """Like ``key``, but raise UnknownVersion for an unknown version (for ``sorted``)."""
        result = self.key(text)
        if result is None:
            raise UnknownVersion(text, self.name)
        return result

    def compare(self, a: str, b: str) -> int:
        """-1, 0 or 1 as ``a`` sorts before, equal to or after ``b``; UnknownVersion if either is unknown."""
        key_a = self.sort_key(a)
        key_b = self.sort_key(b)
        return (key_a > key_b) - (key_a < key_b)

    def __repr__(self) -> str:
        return f"<VersionScheme {self.name}>"


def scheme_for(source: str | None) -> VersionScheme:
    """The scheme for an inventory source ("dpkg", "rpm", "apk", "windows", ...); generic otherwise."""
    # Imported here because every scheme module imports this one.
    from .apk import APK
    from .dpkg import DPKG
    from .generic import GENERIC
    from .pep440 import PEP440
    from .rpm import RPM
    from .windows import WINDOWS

    by_source = {
        "dpkg": DPKG,
        "rpm": RPM,
        "apk": APK,
        "windows": WINDOWS,
        "generic": GENERIC,
        "pep440": PEP440,
        "pip": PEP440,
        "pypi": PEP440,
    }
    if not isinstance(source, str):
        return GENERIC
    return by_source.get(source.strip().lower(), GENERIC)


def in_range(
    version: str | None,
    start_incl: str | None = None,
    start_excl: str | None = None,
    end_incl: str | None = None,
    end_excl: str | None = None,
    scheme: VersionScheme | str = "generic",
) -> bool:
    """Whether ``version`` lies within the given NVD-style bounds under ``scheme``.

    A bound of None or "" is absent; with no bounds at all this is a wildcard match.
    An unknown ``version`` never matches (not a range, not a wildcard). A bound that is
    present but unknown to the scheme raises UnknownVersion: the feed entry is broken.
    """
    if isinstance(scheme, str):
        scheme = scheme_for(scheme)
    key = scheme.key(version)
    if key is None:
        return False
    low = _bound_key(scheme, start_incl)
    if low is not None and key < low:
        return False
    low = _bound_key(scheme, start_excl)
    if low is not None and key <= low:
        return False
    high = _bound_key(scheme, end_incl)
    if high is not None and key > high:
        return False
    high = _bound_key(scheme, end_excl)
    if high is not None and key >= high:
        return False
    return True


def _bound_key(scheme: VersionScheme, bound: str | None) -> Any | None:
    if bound is None or (isinstance(bound, str) and not bound.strip()):
        return None
    return scheme.sort_key(bound)
