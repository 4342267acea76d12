"""RPM versions ([epoch:]version[-release]) ordered as rpm's rpmvercmp orders them."""

from __future__ import annotations

import re
from typing import NamedTuple

from .base import VersionScheme, split_epoch_release

# rpmvercmp (rpm's lib/rpmvercmp.c, rpm >= 4.15) reads a string as runs of ASCII digits,
# runs of ASCII letters, and the single characters "~" and "^"; every other character
# only separates runs and is otherwise ignored ("1.0" == "1_0", trailing "." ignored).
_TOKEN = re.compile(r"~|\^|[0-9]+|[A-Za-z]+")

# Where rpmvercmp stops at the first difference, the token kinds rank:
# "~" < end of string < "^" < letters < digits. So "1.0~rc1" < "1.0" < "1.0^git1" < "1.0a"
# < "1.0.1". Letters compare as strcmp (ASCII, case-sensitive), digits as integers.
_TILDE = (0,)
_END = (1,)
_CARET = (2,)
_LETTERS = 3
_DIGITS = 4


class RpmVersion(NamedTuple):
    """The EVR fields of an RPM version; ``release`` is "" when absent."""

    epoch: int
    version: str
    release: str


def parse_version(text: str | None) -> RpmVersion | None:
    """Split ``[epoch:]version[-release]``, or None when it is not a usable version."""
    parts = split_epoch_release(text)
    if parts is None:
        return None
    epoch, version, release, hyphen = parts
    if not version or (hyphen and not release):
        return None
    return RpmVersion(epoch, version, release)


def _vercmp_key(text: str) -> tuple:
    """A tuple that sorts exactly as rpmvercmp orders strings."""
    tokens = []
    for token in _TOKEN.findall(text):
        if token == "~":
            tokens.append(_TILDE)
        elif token == "^":
            tokens.append(_CARET)
        elif token.isdigit():
            tokens.append((_DIGITS, int(token)))
        else:
            tokens.append((_LETTERS, token))
    tokens.append(_END)
    return tuple(tokens)


class RpmScheme(VersionScheme):
    """Epoch numerically (absent = 0), then version and release with rpmvercmp.

    An absent release sorts before any release ("1.0" < "1.0-1"): rpm itself skips the
    release when either side lacks one, which is not a total order.
    """

    name = "rpm"

    def key(self, text: str | None) -> tuple | None:
        parsed = parse_version(text)
        if parsed is None:
            return None
        return (parsed.epoch, _vercmp_key(parsed.version), _vercmp_key(parsed.release))


RPM = RpmScheme()
