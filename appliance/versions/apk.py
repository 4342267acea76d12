"""Alpine package versions ordered as apk-tools orders them."""

from __future__ import annotations

import re

from .base import VersionScheme, is_unknown

# apk-tools src/version.c: "digit{.digit}...{letter}{_suf{#}}...{~hash}{-r#}". A single
# lowercase letter; suffix names exactly as listed; "~" plus lowercase hex is a commit
# id; "-r" plus digits is the package revision. Anything else is invalid to apk.
_VERSION = re.compile(
    r"""
    (?P<first>[0-9]+)
    (?P<numbers>(?:\.[0-9]+)*)
    (?P<letter>[a-z])?
    (?P<suffixes>(?:_[a-z]+[0-9]*)*)
    (?:~(?P<hash>[0-9a-f]+))?
    (?:-r(?P<revision>[0-9]+))?
    """,
    re.VERBOSE,
)
_SUFFIX = re.compile(r"_([a-z]+)([0-9]*)")
# Pre-release suffixes sort before the plain release, post-release ones after it.
_PRE_SUFFIXES = ("alpha", "beta", "pre", "rc")
_POST_SUFFIXES = ("cvs", "svn", "git", "hg", "p")

# At the first token where two versions differ in kind, apk-tools decides by kind:
# a pre-release suffix is lowest, then the end of the string, then (rising) a revision,
# a commit hash, a suffix number, a post-release suffix, a letter, a dotted number.
_PRE_SUFFIX = 0
_END = (1, 0)
_REVISION = 2
_HASH = 3
_SUFFIX_NUMBER = 4
_POST_SUFFIX = 5
_LETTER = 6
_NUMBER = 7
_FIRST_NUMBER = 8


def _dotted_number(digits: str) -> tuple:
    # apk-tools token_cmp: a dotted number with a leading zero on either side is compared
    # as a string ("8.2.0015" < "8.2.002", "1.05" < "1.5"); otherwise numerically. Since
    # "0" sorts before "1".."9", zero-led parts all come before the others. (Older
    # apk-tools releases weighed leading zeros differently; this follows current upstream.)
    if digits.startswith("0"):
        return (0, digits)
    return (1, int(digits))


def _apk_key(value: str) -> tuple | None:
    match = _VERSION.fullmatch(value)
    if match is None:
        return None
    tokens = [(_FIRST_NUMBER, int(match["first"]))]
    for digits in match["numbers"].split(".")[1:]:
        tokens.append((_NUMBER, _dotted_number(digits)))
    if match["letter"]:
        tokens.append((_LETTER, match["letter"]))
    for name, number in _SUFFIX.findall(match["suffixes"]):
        if name in _PRE_SUFFIXES:
            tokens.append((_PRE_SUFFIX, _PRE_SUFFIXES.index(name)))
        elif name in _POST_SUFFIXES:
            tokens.append((_POST_SUFFIX, _POST_SUFFIXES.index(name)))
        else:
            return None
        if number:
            tokens.append((_SUFFIX_NUMBER, int(number)))
    if match["hash"]:
        tokens.append((_HASH, match["hash"]))
    if match["revision"]:
        tokens.append((_REVISION, int(match["revision"])))
    tokens.append(_END)
    return tuple(tokens)


class ApkScheme(VersionScheme):
    """apk-tools ordering: numbers, letter, _alpha/_beta/_pre/_rc < release < _cvs/_svn/_git/_hg/_p, -rN."""

    name = "apk"

    def key(self, text: str | None) -> tuple | None:
        if is_unknown(text):
            return None
        return _apk_key(text.strip())


APK = ApkScheme()
