"""Property tests: no version string and no name, on any platform, makes identification or evaluation fail."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appliance.matching.base import SoftwareItem
from appliance.matching.engine import FeedMatcher, default_rules
from appliance.versions import APK, DPKG, GENERIC, PEP440, RPM, WINDOWS

# One OS string per package scheme and family the matcher knows (platform.py).
PLATFORMS = [
    "Debian GNU/Linux 12 (bookworm)", "Ubuntu 22.04.3 LTS", "Red Hat Enterprise Linux 9.2", "Fedora Linux 39",
    "Alpine Linux v3.19", "Arch Linux", "Windows 11 23H2", "Windows Server 2019", "macOS 14.5", "Unknown", "",
]
# Names the shared feed identifies (so evaluation runs with the odd versions), plus any text.
KNOWN_NAMES = [
    "openssl", "libssl3", "sudo", "curl", "WinRAR", "7-Zip 23.01 (x64)", "Java 8 Update 321 (64-bit)", "IntelliJ IDEA",
    "Zoom", "AnyDesk", "Adobe Acrobat Reader DC", "Google Chrome", "Microsoft .NET Runtime - 6.0.16 (x64)", "Git",
]
# Version-like text with the characters real inventories use, and the shapes that broke parsers.
VERSIONISH = st.from_regex(r"\A[0-9a-zA-Z.:~+_()\[\] -]{0,24}\Z", fullmatch=True)
TRICKY = st.sampled_from(["", " ", "-", "*", "?", ":", "1:", "-r1", "1.0-", "~", "^", "()", "0" * 300, "9" * 5000,
                          "ad 7.0.9", "5.13.4 (11359)", "221.5921.22", "8.0.3210.7", "1.2.3 build", "v", "1e400"])
VERSIONS = st.one_of(st.text(max_size=40), VERSIONISH, TRICKY)
NAMES = st.one_of(st.sampled_from(KNOWN_NAMES), st.text(max_size=40))
VENDORS = st.one_of(st.just(""), st.sampled_from(["Debian", "Oracle Corporation", "JetBrains s.r.o.", "win.rar GmbH"]),
                    st.text(max_size=20))

RULES = default_rules()
# Bounded so the default test run stays quick (a few seconds per test on a loaded machine).
BOUNDED = settings(max_examples=250, deadline=None, database=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@BOUNDED
@given(name=NAMES, version=VERSIONS, vendor=VENDORS, os_name=st.sampled_from(PLATFORMS))
def test_any_item_on_any_platform_gives_a_defined_result(matcher: FeedMatcher, name: str, version: str, vendor: str,
                                                         os_name: str) -> None:
    (result,) = matcher.match([SoftwareItem(name, version, vendor)], os_name)
    assert result.match is not None or result.reason  # identified, or the reason why not
    for finding in result.vulnerabilities:
        assert finding.fix_kind in ("fixed_in", "fixed_after", "none")
        assert (finding.fixed_version is None) == (finding.fix_kind == "none")
    if result.match is not None and not any(c.isdigit() for c in version):
        assert all(v.version_unknown for v in result.vulnerabilities)  # nothing certain without a version


@BOUNDED
@given(items=st.lists(st.tuples(NAMES, VERSIONS), max_size=8), os_name=st.sampled_from(PLATFORMS))
def test_whole_reports_of_odd_items_are_matched(matcher: FeedMatcher, items: list, os_name: str) -> None:
    results = matcher.match([SoftwareItem(n, v) for n, v in items], os_name)
    assert len(results) == len(items)


@pytest.mark.parametrize("scheme", [DPKG, RPM, APK, PEP440, WINDOWS, GENERIC], ids=lambda s: s.name)
@BOUNDED
@given(text=VERSIONS, other=VERSIONS)
def test_every_scheme_keys_or_refuses_any_string(scheme, text: str, other: str) -> None:
    a, b = scheme.key(text), scheme.key(other)
    if a is not None and b is not None:
        assert (a < b) + (a == b) + (a > b) == 1  # a total order on what the scheme reads


@BOUNDED
@given(key=st.sampled_from(["oracle:jre", "oracle:openjdk", "jetbrains:intellij_idea", "adobe:acrobat_reader_dc",
                            "microsoft:.net", "microsoft:.net_framework", "zoom:meetings", "acme:tool"]),
       name=NAMES, version=VERSIONS)
def test_translation_rules_never_fail(key: str, name: str, version: str) -> None:
    found = RULES.translate(key, name, version)
    assert found is None or (found.rule and found.note)


# Words made of what display names and versions mix: digits (also non-ASCII ones), "v", years,
# separators, whitespace of several kinds (a no-break space, a newline).
WORDISH = st.text(alphabet="0123456789٣²vV19 20-.,_ab\u00a0\n\tx", max_size=14)


@settings(max_examples=1000, deadline=None)
@given(WORDISH)
def test_pattern_shortcuts_answer_as_the_patterns(text: str) -> None:
    """The string tests that skip a pattern for text it cannot match (identification and name
    cleaning run them for every word) give the pattern's answer."""
    import re

    from appliance.cpe import unquote
    from appliance.matching import display_names, normalize

    assert normalize.tokens(text) == [t for t in re.split(r"[\s,]+", text.lower().strip()) if t]
    assert normalize._version_token(text) == (normalize._VERSION_TOKEN.match(text) is not None)
    assert normalize.compact(text) == normalize._NOT_COMPACT.sub("", text.lower())
    # (Letter by letter: DisplayNames._family_product runs a family word and a name together so.)
    assert normalize.compact(f"{text} {text[::-1]}") == normalize.compact(text) + normalize.compact(text[::-1])
    assert display_names._is_year(text) == (display_names._YEAR.match(text) is not None)
    assert display_names._is_number(text) == (re.fullmatch(r"\d+", text) is not None)
    for word in text.split():  # (_cleaned_words' test, on a name's words: "$" also matches before a newline)
        assert bool(word[:1].isdecimal() and len(word) <= 2 and word.isdecimal()) == (normalize._MAJOR.match(word) is not None)
    assert normalize.cpe_words(text) == normalize._CPE_SEPARATORS.sub(" ", unquote(text).lower()).strip()
    if text.isascii() and not text.lower().endswith(display_names._CHANNEL_ENDINGS):
        assert display_names._CHANNEL.search(text) is None


@settings(max_examples=1000, deadline=None)
@given(st.one_of(VERSIONISH, st.text(alphabet="0123456789.-_ab()[]/\u00a0\t ~", max_size=20)))
def test_version_shortcuts_answer_as_the_patterns(version: str) -> None:
    """The string tests that skip the version patterns (quoting a CPE version, the decoration
    rules) give what running the patterns gives."""
    import re

    from appliance.matching import engine, translate

    expected = "-" if not version else re.sub(r"[^A-Za-z0-9._\-]", lambda found: "\\" + found.group(), version)
    assert engine._cpe_version(version) == expected
    text = version.strip()
    if translate.decorations(version) is None:
        assert not any(p.fullmatch(text) for p in (translate._DATED, translate._PREFIX, translate._BRACKETED)) and not (
            (found := translate._TRAILING.fullmatch(text)) and not translate._PRE_RELEASE.search(found["rest"]))


# Display names with versions, brackets (nested, unbalanced), commas and whitespace of several kinds.
NAMEISH = st.text(alphabet="0123456789..vVx (([[{{}}]]))-,\u00a0\tab٣Σ", max_size=24)


@settings(max_examples=2000, deadline=None)
@given(NAMEISH)
def test_version_in_name_reads_the_words_before_a_bracket_as_the_pattern_does(name: str) -> None:
    """version_in_name takes a version stated before the name's first bracket without removing
    the bracketed notes first: the same answer as reading the name with its notes removed."""
    from appliance.matching import normalize

    expected = None
    if "." in name:
        cleaned = normalize._PARENS.sub(" ", name) if ("(" in name or "[" in name or "{" in name) else name
        expected = next((t.lstrip("vV") for t in normalize.tokens(cleaned) if "." in t and normalize._VERSION_TOKEN.match(t)), None)
    assert normalize.version_in_name(name) == expected
