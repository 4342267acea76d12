"""Dotted and semantic versions as NVD writes them (1.1.1k, 4.2.8p15, 12.1-55.297, 2.0-beta)."""

from __future__ import annotations

import re

from .base import _HASH_LIKE, MAX_VERSION_LENGTH, VersionScheme, is_unknown

# A version is read as runs of digits and runs of letters; every other character
# (".", "-", "_", "+", "(", ")", and the backslashes NVD's CPE strings put before
# punctuation, e.g. "03.01.07\(13\)") only separates runs.
_TOKEN = re.compile(r"[0-9]+|[a-z]+")
_LEADING_V = re.compile(r"^v(?=[0-9])")
# Most versions are only numbers and dots ("2.4.58"); those take a shorter path to the same
# key (GenericScheme.key), checked with string methods rather than a pattern.
# The next most common shapes in NVD's bounds and installed versions are numbers with "-" or
# "_" between them (dates: "2022-08-10") and numbers with one word and a number after them
# (Java's "8u381", "12.5b125445", "9.90sp1"): one pattern reads those (_short_key).
_NUMBERS_THEN_WORD = re.compile(r"([0-9]+(?:[._-][0-9]+)*)(?:([a-z]+)([0-9]+))?")

# Words that mark a pre-release: they sort before the release they precede
# ("1.2.3-beta" < "1.2.3"), in this order. Any other word is a suffix that sorts
# after the release: OpenSSL letter releases ("1.1.1k", "0.9.8zh", "1.0.2zd"), NTP and
# OpenSSH patch levels ("4.2.8p15", "9.2p1"), "16.12.10a". Single letters are such
# suffixes, never "a"=alpha / "b"=beta (use the pep440 scheme for Python packages).
_PRE_RELEASE = {
    "dev": 0,
    "snapshot": 0,
    "alpha": 1,
    "beta": 2,
    "pre": 3,
    "preview": 3,
    "rc": 4,
}

# After the release numbers, the token kinds rank: pre-release word < end of string
# < other word < number. So "1.0-rc1" < "1.0" < "1.0a" < "1.0a1"; "1.0a" < "1.0.1" is
# already decided by the release numbers.
_PRE = 0
_END = (1, 0)
_END_ONLY = (_END,)  # the rest of a version of numbers only
_WORD = 2
_NUMBER = 3


def release_and_rest(text: str) -> tuple[tuple[int, ...], tuple] | None:
    """The generic key: (release numbers without trailing zeros, ranked tokens after them)."""
    value = text.strip().lower()
    if value[:1] == "v":
        value = _LEADING_V.sub("", value, count=1)
    tokens = _TOKEN.findall(value)
    if not tokens:
        return None
    # The release is the leading run of numbers, whatever separates them, so the Citrix
    # style "12.1-55.297" compares as 12.1.55.297. Missing numbers count as zero: "1.0"
    # == "1.0.0", so trailing zeros are dropped.
    count = 0
    while count < len(tokens) and tokens[count].isdigit():
        count += 1
    release = [int(token) for token in tokens[:count]]
    while release and release[-1] == 0:
        release.pop()
    rest = []
    for token in tokens[count:]:
        if token.isdigit():
            rest.append((_NUMBER, int(token)))
        elif token in _PRE_RELEASE:
            rest.append((_PRE, _PRE_RELEASE[token]))
        else:
            rest.append((_WORD, token))
    rest.append(_END)
    return tuple(release), tuple(rest)


class GenericScheme(VersionScheme):
    """Numbers numerically, letter suffixes after the release, pre-release words before it."""

    name = "generic"

    def key(self, text: str | None) -> tuple | None:
        if isinstance(text, str) and len(text) <= MAX_VERSION_LENGTH and text.isascii() and text.replace(".", "").isdigit():
            # ASCII digits and dots only (for ASCII text, isdigit() is [0-9]); with no empty
            # part between the dots, what is_unknown() and release_and_rest() give for it, in one step.
            parts = text.split(".")
            if "" not in parts:
                release = tuple(map(int, parts))
                if not release[-1]:  # (trailing zeros dropped by one slice)
                    end = len(release) - 1
                    while end and not release[end - 1]:
                        end -= 1
                    release = release[:end]
                return release, _END_ONLY
        if isinstance(text, str) and len(text) <= MAX_VERSION_LENGTH:
            found = _NUMBERS_THEN_WORD.fullmatch(text)
            if found is not None:
                return _short_key(text, found)
        if is_unknown(text):
            return None
        return release_and_rest(text)


def _short_key(text: str, found: re.Match) -> tuple | None:
    """release_and_rest(text), with is_unknown's verdict, for a text _NUMBERS_THEN_WORD reads
    whole: the numbers (any of ".", "-", "_" between them) are the release, the word and the
    number after it the rest. Such a text is unknown only as a bare commit hash (a word of
    letters a to f between digits, nothing between them: "1234abc5")."""
    word = found.group(2)
    if word is not None and text.isalnum() and _HASH_LIKE.fullmatch(text) is not None:
        return None
    release = list(map(int, found.group(1).replace("-", ".").replace("_", ".").split(".")))
    while release and release[-1] == 0:
        release.pop()
    if word is None:
        return tuple(release), (_END,)
    ranked = (_PRE, _PRE_RELEASE[word]) if word in _PRE_RELEASE else (_WORD, word)
    return tuple(release), (ranked, (_NUMBER, int(found.group(3))), _END)


GENERIC = GenericScheme()
