"""The tests identification skips work by answer as the work they skip (session 23)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from appliance.matching import base, display_names, identify, normalize, platform
from appliance.matching.index import CpeIndex
from appliance.matching.normalize import compact

# Words as cleaned names hold them: letters, digits (also non-ASCII ones), glued bitness and majors.
WORD = st.one_of(st.text(alphabet="ab9٣²", min_size=1, max_size=6), st.sampled_from(["tomcat", "tomcat9", "64", "-64", "zoc8", "12",
                                                                                     "129", "2019", "cygwin64", "potplayer-64"]))


@settings(max_examples=1000, deadline=None)
@given(st.lists(WORD, min_size=1, max_size=6))
def test_numbers_alone_are_neither_repeats_nor_glued(words: list[str]) -> None:
    """_from_name_uncached looks for repeats, and reads the glued bitness and major release, only
    when a word ending in a digit is no bare number, or two bare numbers are there: otherwise
    there are none to find."""
    ended, numbers = sum(map(str.isdigit, map(display_names._LAST, words))), list(map(str.isdecimal, words)).count(True)
    if ended > numbers or numbers > 1:
        return
    assert display_names._repeats(words) == ()
    assert [display_names._unglued(w) if w[-1:].isdigit() and len(w) >= 5 else w for w in words] == words
    assert [w[:-1] if w[-1] in "23456789" and 3 <= len(w) - 1 < 5 and w[:-1].isalpha() else w for w in words] == words


def test_line_starts_are_where_a_vendors_product_names_begin(index: CpeIndex) -> None:
    """CpeIndex.line_starts holds every place in a vendor's name (six letters or more) where one
    of its products' first word begins and ends the name, as step 2a of _weigh read them letter by letter."""
    expected: dict[str, tuple[int, ...]] = {}
    for vendor, kids in index.by_vendor.items():
        if len(vendor) < 6:
            continue
        firsts = {compact(index.words(k)[1].split()[0]) for k in kids}
        starts = tuple(start for start in range(2, len(vendor) - 2) if vendor[start:] in firsts)
        if starts:
            expected[vendor] = starts
    assert index.line_starts == expected


def _cleaned_words_read_token_by_token(text: str) -> tuple[str, str]:
    """normalize._cleaned_words as it was before _token_kind (session 23): every token read in line."""
    from appliance.matching import normalize as n

    cleaned, kept = [], []
    stripped = ";" in text or ":" in text
    for token in n.tokens(text):
        if token.isalpha():
            if token in n._NOISE_WORDS:
                if token in n._PRODUCT_WORDS:
                    kept.append(token)
                continue
            cleaned.append(token)
            kept.append(token)
            continue
        if stripped:
            token = token.strip(",;:")
        if "-" in token:
            token = n._ARCH_SUFFIX.sub("", token)
            if "." in token:
                token = n._DASH_VERSION.sub("", token)
        if not token or token in n._NOISE_WORDS or n._version_token(token) or (
                "." in token and not token[:1].isdecimal() and n._GLUED_VERSION.match(token) is not None):
            if token in n._PRODUCT_WORDS or n._MAJOR.match(token):
                kept.append(token)
            continue
        cleaned.append(token)
        kept.append(token)
    if len(cleaned) >= 3 and cleaned[-1] in n._LANGUAGES:
        language = cleaned.pop()
        if kept[-1] == language:
            kept.pop()
    return " ".join(cleaned), " ".join(kept)


# Tokens as display names write them: versions, architectures, glued versions, product words, punctuation.
TOKEN = st.one_of(
    st.text(alphabet="av1٣.-+x6;:,", min_size=1, max_size=7),
    st.sampled_from(["for", "windows", "x64", "x64-based", "7-x64", "6.0.25", "v2", "12", "123", "2019", "go1.23.1",
                     "ver.3.20", "goldendict-1.5.0", "c++", "4d", "english", "-", "|", "(x64)", "en-us", "win10", "q3"]),
)


@settings(max_examples=2000, deadline=None)
@given(st.lists(TOKEN, min_size=0, max_size=6))
def test_token_kinds_clean_as_token_by_token(tokens: list[str]) -> None:
    """_cleaned_words reads each token that is not all letters once per report (_token_kind,
    cached): the same two readings as reading every token in line."""
    from appliance.matching import normalize

    text = " ".join(tokens)
    assert normalize._cleaned_words(text) == _cleaned_words_read_token_by_token(text)


def _compact_lowered_first(text: str) -> str:
    """normalize.compact as it was before session 24: the whole text lowered, then the separators removed."""
    import re

    lowered = text.lower().replace(" ", "").replace("_", "").replace("-", "").replace(".", "")
    return lowered if lowered.isascii() and lowered.isalnum() else re.sub(r"[^a-z0-9+#]", "", lowered)


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=" _-.aZ09+#ΣΑσİK\u212a²٣é&", max_size=12))
def test_compact_of_ascii_words_lowers_after_joining(text: str) -> None:
    """compact() runs the words together before lowering them, and returns at once when that
    leaves ASCII letters and digits: the same as lowering first (lower() reads a capital sigma by
    the letter after it, but every non-ASCII letter is dropped either way)."""
    assert compact(text) == _compact_lowered_first(text)


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet="a1 .-()[]{}\t\xa0\u2003\x1c", max_size=14))
def test_one_bracket_pair_is_cut_as_the_pattern_cuts_it(name: str) -> None:
    """normalize._without_notes cuts a name's one bracketed note by str methods: the same text as
    the pattern for bracketed notes (whatever whitespace is before the note)."""
    from appliance.matching import normalize

    assert normalize._without_notes(name) == normalize._PARENS.sub(" ", name)


@settings(max_examples=2000, deadline=None)
@given(st.sampled_from([*base.SOURCES, "", "Windows_Program", "pip ", "deb"]), st.sampled_from(["", "firefox", "Firefox.app", "libssl3"]),
       st.sampled_from(["windows", "macos", "linux", "unknown"]), st.sampled_from(["windows", "generic", "dpkg", "rpm", "apk", "Dpkg", ""]))
def test_source_of_reads_sets_as_the_tuple_and_property(source: str, name: str, family: str, scheme: str) -> None:
    """source_of tests the agent's hint against a set of SOURCES and the scheme against
    PACKAGE_SCHEMES, not the tuple and Platform.packages: the same answers."""
    item, host = base.SoftwareItem(name=name, version="1", source=source), platform.Platform(family, scheme, ())
    if source in base.SOURCES:
        expected = source
    elif family == "macos" or not host.packages:
        expected = identify.source_of(base.SoftwareItem(name=name, version="1"), host)
    else:
        expected = scheme if identify.PACKAGE_NAME.match(name.lower()) else "other"
    assert identify.source_of(item, host) == expected
    assert (scheme in platform.PACKAGE_SCHEMES) == (scheme in ("dpkg", "rpm", "apk")) == host.packages


def test_display_names_read_as_identified_or_not(index: CpeIndex) -> None:
    """DisplayNames.identify reads once whether _identify named a product and keeps that flag
    with each later answer: that holds when every answer is an Identification or an
    Unidentified, never another type (checked on the labelled display names)."""
    names = identify.Identifier(index).names
    items = [i for f in sorted(Path(__file__).parent.glob("*_items.json")) for i in json.loads(f.read_text())["items"]
             if i.get("source") == "windows_program"]
    assert items
    for item in items:
        found = names._identify(item["name"], item.get("vendor") or "", platform.platform_of(item["os"]), True)
        assert type(found) in (base.Identification, base.Unidentified), item["name"]


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet="Sage 50\t\xa0\u2003\x1cé", max_size=16))
def test_company_key_reads_the_first_two_words_as_the_whole_split(name: str) -> None:
    """DisplayNames._company_key splits at most twice: its first two words, and whether there
    are two, are the whole split's."""
    whole, cut = name.split(), name.split(None, 2)
    assert cut[:2] == whole[:2] and (len(cut) >= 2) == (len(whole) >= 2)


# Names as the two patterns see them: capitals, lower case, digits, word and non-word marks, non-ASCII letters.
PATTERN_TEXT = st.text(alphabet="ABZbcx19._ -+éΣİ", max_size=14)


@settings(max_examples=5000, deadline=None)
@given(PATTERN_TEXT, st.integers(min_value=0, max_value=3))
def test_abbreviations_found_as_with_the_look_behind_first(name: str, pos: int) -> None:
    """_ABBREVIATION looks behind after the first capital: the same words as the pattern
    written with the look behind first, from any position."""
    slow = re.compile(r"(?<![.\w])[A-Z]{3,5}\b")
    assert display_names._ABBREVIATION.findall(name, pos) == slow.findall(name, pos)


@settings(max_examples=5000, deadline=None)
@given(PATTERN_TEXT)
def test_coined_words_found_as_with_the_word_start_first(name: str) -> None:
    """_COINED_WORD looks for the word's start after its first capital: a name has such a
    word exactly when the pattern written with "\\b" first finds one."""
    slow = re.compile(r"\b[A-Z][A-Za-z]*[a-z][A-Z]|\b[A-Z]{2,}[a-z]")
    assert bool(display_names._COINED_WORD.search(name)) == bool(slow.search(name))


@settings(max_examples=5000, deadline=None)
@given(st.lists(st.sampled_from(["sp", "SP", "sP", "3", "٣", " ", "\t", "update", "Service", "pack", "s", "p", "x", "-", "Cumulative"]),
                max_size=8).map("".join))
def test_update_numbers_need_their_words(name: str) -> None:
    """normalize._prepared runs _UPDATE_NUMBER on an ASCII name only when it holds "update",
    "service" or "sp" and a digit (_SP_DIGIT): a name with none of them has no match."""
    lowered = name.lower()
    if not ("update" in lowered or "service" in lowered or normalize._SP_DIGIT.search(lowered)):
        assert normalize._UPDATE_NUMBER.search(name) is None
