"""CPE 2.3 formatted-string names: parse, validate and print (NISTIR 7695, section 6.2)."""

from __future__ import annotations

import re

import msgspec

# The eleven attributes after "cpe:2.3:", in binding order (NISTIR 7695 6.2.2.2).
ATTRIBUTES = (
    "part",
    "vendor",
    "product",
    "version",
    "update",
    "edition",
    "language",
    "sw_edition",
    "target_sw",
    "target_hw",
    "other",
)

# One attribute value of a formatted string (NISTIR 7695 figure 6-3, "avstring"):
# "*" (ANY), "-" (NA), or a run of unreserved characters and backslash-quoted
# punctuation, optionally led or ended by unquoted "*" or by runs of "?".
_UNRESERVED = r"[A-Za-z0-9_\-.]"
_QUOTED = r"\\[\\!\"#$%&'()*+,/:;<=>?@\[\]^`{|}~\-.]"
_BODY = rf"(?:{_UNRESERVED}|{_QUOTED})"
_VALUE = re.compile(rf"^(?:\*|-|(?:\*|\?+)?{_BODY}+(?:\*|\?+)?)$")
_PART = re.compile(r"^[aoh*-]$")
# Split on colons that are not quoted with a backslash.
_SPLIT = re.compile(r"(?<!\\):")


class CpeError(ValueError):
    """A string is not a valid CPE 2.3 formatted string; the message says why."""


class Cpe23(msgspec.Struct, frozen=True):
    """A parsed CPE 2.3 name; each value is kept in its formatted-string binding."""

    part: str
    vendor: str
    product: str
    version: str = "*"
    update: str = "*"
    edition: str = "*"
    language: str = "*"
    sw_edition: str = "*"
    target_sw: str = "*"
    target_hw: str = "*"
    other: str = "*"

    def to_string(self) -> str:
        """The formatted-string binding, e.g. ``cpe:2.3:a:rarlab:winrar:6.22:*:*:*:*:*:*:*``."""
        return "cpe:2.3:" + ":".join(getattr(self, name) for name in ATTRIBUTES)

    @property
    def product_key(self) -> str:
        """``vendor:product``, the identity the matcher works with."""
        return f"{self.vendor}:{self.product}"


def parse_cpe23(text: str) -> Cpe23:
    """Parse and validate a CPE 2.3 formatted string; raise CpeError naming the bad part."""
    if not isinstance(text, str):
        raise CpeError("a CPE name must be a string")
    if not text.startswith("cpe:2.3:"):
        raise CpeError("must start with 'cpe:2.3:'")
    values = _SPLIT.split(text[len("cpe:2.3:") :])
    if len(values) != len(ATTRIBUTES):
        raise CpeError(f"must have {len(ATTRIBUTES)} components after 'cpe:2.3:', found {len(values)}")
    if not _PART.match(values[0]):
        raise CpeError(f"part must be one of a, o, h, * or -, not {values[0]!r}")
    for name, value in zip(ATTRIBUTES[1:], values[1:]):
        if not _VALUE.match(value):
            raise CpeError(f"{name} {value!r} is not a valid CPE 2.3 value")
    if values[1] in ("*", "-") or values[2] in ("*", "-"):
        # A name that does not say which product it is cannot identify software.
        raise CpeError("vendor and product must be named, not '*' or '-'")
    return Cpe23(*values)


def unquote(value: str) -> str:
    """A formatted-string value without its backslash quoting (``7\\-zip`` -> ``7-zip``)."""
    if "\\" not in value:
        return value  # most values quote nothing: no regex
    return re.sub(r"\\(.)", r"\1", value)
