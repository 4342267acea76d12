"""Version translation: the version an installer registers -> the version NVD names, by product rules kept as data.

Between identification and CVE matching. Two kinds of rules (docs/versions.md lists them all):

- decoration rules, for every item: a non-numeric prefix ("ad 7.0.9"), a bracketed build
  ("5.13.4 (11359)") or a trailing build after a space ("1.2.3 build 456") is not part of the
  version NVD compares;
- product rules, named per product key in ``data/cpe_dictionary/version_rules.tsv``, for
  installers known to register something else than the release NVD files: Oracle Java 8
  ("8.0.3210.7" is 1.8.0 update 321), JetBrains IDEs (build 221.5921.22 is release 2022.1.x),
  Adobe Acrobat tracks, .NET runtimes, Visual C++ redistributables, Linux kernels that name
  only their series ("6.8.0" is some 6.8 kernel).

A rule gives the CPE version and update fields, or a span (``floor`` <= version < ``ceiling``)
when only part of the release is known; evaluation then decides the ranges the span decides
and reports the others with ``version_unknown``. Every result names the rule that made it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import msgspec

from appliance.errors import ApplianceError
from appliance.matching.aliases import tsv_rows
from appliance.matching.normalize import version_in_name


class Translation(msgspec.Struct, frozen=True):
    """The version as NVD names it: CPE ``version`` and ``update`` fields, or a span
    [``floor``, ``ceiling``) when only part of it is known; ``rule`` and ``note`` say how."""

    version: str
    update: str = ""
    floor: str | None = None
    ceiling: str | None = None
    rule: str = ""
    note: str = ""
    key: str | None = None  # another NVD product of the same vendor (Adobe's classic track)
    backports: bool = False  # the span is a series with fixes backported under it: no finding is certain

    @property
    def compared(self) -> str:
        """The string ranges are compared with: the version plus the update written short
        (update321 -> "u321", as installed versions write "1.9.5p1" for update patch1)."""
        if not self.update:
            return self.version
        for word, short in (("update_", "u"), ("update", "u"), ("patch", "p")):
            if self.update.startswith(word):
                return self.version + short + self.update[len(word):]
        return self.version + self.update


class RuleError(ApplianceError):
    code = "version_rule_error"


# --- decoration rules (every item) ------------------------------------------------------

# "ad 7.0.9" (AnyDesk), "Version 2.1": letters (no digit) before the first digit, after a space.
_PREFIX = re.compile(r"(?P<prefix>[^\W\d][^\d]*?)\s+(?P<rest>\d\S*(?:\s.*)?)")
# "5.13.4 (11359)" (Zoom), "7.4.2 (x64)", "2.1 [build 77]": a note in brackets after the number.
_BRACKETED = re.compile(r"(?P<version>\d[^\s()\[\]]*)\s*[(\[][^()\[\]]*[)\]]")
# "1.2.3 build 456", "4.1.0 456", "2.6.8 amd64": one more word after a space. A pre-release
# word is part of the version ("1.0 beta 2" < "1.0"), so it is left to the comparison.
_TRAILING = re.compile(r"(?P<version>\d[\w.+~-]*)\s+(?P<rest>\S.*)")
# Windows driver packages: "10/29/2023 2251.4.2.0" is the driver date, then the version.
_DATED = re.compile(r"(?P<date>\d{1,2}/\d{1,2}/\d{2,4})\s+(?P<version>\d\S*)")
_PRE_RELEASE = re.compile(r"\b(?:alpha|beta|rc|pre|preview|dev|snapshot|nightly|insider|canary)\b", re.I)


def decorations(version: str) -> Translation | None:
    """The generic decoration rules, applied in order until none changes the version."""
    if version.isascii() and version.replace(".", "").isalnum():
        return None  # letters, digits and dots (most versions): no whitespace or bracket for a rule to read
    text, rules, notes = version.strip(), [], []
    if "(" not in text and "[" not in text and len(text.split(None, 1)) < 2:
        return None  # every rule needs whitespace (\s is what str.split() splits on) or a bracket: most versions
    for _ in range(3):
        found = _DATED.fullmatch(text)
        if found:
            text, rule, note = found["version"], "date_prefix", f"driver date '{found['date']}' dropped"
        elif found := _PREFIX.fullmatch(text):
            text, rule, note = found["rest"], "prefix", f"prefix '{found['prefix']}' dropped"
        elif found := _BRACKETED.fullmatch(text):
            rule, note = "bracketed_build", f"bracketed note dropped from '{text}'"
            text = found["version"]
        elif (found := _TRAILING.fullmatch(text)) and not _PRE_RELEASE.search(found["rest"]):
            rule, note = "trailing_build", f"'{found['rest']}' after the version dropped"
            text = found["version"]
        else:
            break
        rules.append(rule)
        notes.append(note)
    if not rules:
        return None
    return Translation(text, rule="+".join(rules), note="; ".join(notes))


# --- product rules ------------------------------------------------------------------------

# Oracle's Java 8 (and 7, 6) installers write the MSI ProductVersion major.0.update*10.build:
# "Java 8 Update 321" is "8.0.3210.7" (build b07). NVD files it as oracle:jre 1.8.0 with the
# CPE update field "update321". `java -version` style strings ("1.8.0_321", "8u321") too.
_ORACLE_LEGACY = re.compile(r"(?P<major>[5-8])\.0\.(?P<encoded>\d+)(?:\.\d+)?")
_JAVA_UNDERSCORE = re.compile(r"1\.(?P<major>[5-8])\.0_(?P<update>\d+)(?:-b\d+)?")
_JAVA_SHORT = re.compile(r"(?P<major>[5-8])u(?P<update>\d+)(?:-b\d+)?", re.I)
_NAME_UPDATE = re.compile(r"\bupdate\s+(\d+)\b", re.I)
# Java 9 and later: "17.0.2.0", "11.0.15.1", "17.0.4+8": NVD writes 17.0.2, 11.0.15.1.
_JAVA_MODERN = re.compile(r"(?P<release>(?:9|[1-9]\d)(?:\.\d+){0,2})(?:\.(?P<fourth>\d+))?(?:\+\d+)?")


def _java_legacy(version: str, name: str, style: str) -> Translation | None:
    """Java 5-8: (version, update) in NVD's form, from the installer's encoding or the name."""
    found = _JAVA_UNDERSCORE.fullmatch(version) or _JAVA_SHORT.fullmatch(version)
    if found:
        major, update = found["major"], int(found["update"])
        how = f"'{version}' is Java {major} update {update}"
    elif (found := _ORACLE_LEGACY.fullmatch(version)) and style == "oracle":
        major, encoded = found["major"], int(found["encoded"])
        update = encoded // 10
        how = f"Oracle writes Java {major} update {update} as '{version}' (update x 10, then the build)"
    elif found and style == "openjdk":
        major, update = found["major"], int(found["encoded"])
        how = f"OpenJDK builds write Java {major} update {update} as '{version}' (update, then the build)"
    else:
        return None
    named = _NAME_UPDATE.search(name)
    if named and int(named[1]) != update:
        update = int(named[1])
        how += f"; the name says update {update}, which is used"
    cpe_version = f"1.{major}.0" if style == "oracle" else major
    return Translation(cpe_version, f"update{update}", note=how)


def oracle_java(version: str, name: str) -> Translation | None:
    """Oracle JRE/JDK: "8.0.3210.7" -> 1.8.0 update321; "17.0.2.0" -> 17.0.2."""
    return _java_legacy(version, name, "oracle") or _java_modern(version)


def openjdk(version: str, name: str) -> Translation | None:
    """OpenJDK builds (Temurin, Zulu, Corretto): "8.0.345.1" -> 8 update345; "11.0.16.101" -> 11.0.16."""
    legacy = _java_legacy(version, name, "openjdk")
    if legacy is not None:
        return legacy
    found = _JAVA_MODERN.fullmatch(version)
    if found and found["fourth"] is not None:
        return Translation(found["release"], note=f"'{version}' is {found['release']} build {found['fourth']}")
    return _java_modern(version)


def _java_modern(version: str) -> Translation | None:
    found = _JAVA_MODERN.fullmatch(version)
    if found is None or (found["fourth"] in (None, "") and "+" not in version):
        return None
    if found["fourth"] not in (None, "0"):
        return None  # "11.0.15.1" is a release of its own; NVD writes it so
    return Translation(found["release"], note=f"'{version}' is Java {found['release']}")


# JetBrains IDEs register the build number: 221.5921.22 is the 2022.1 release line (branch
# 221 = year 2022, release 1); the patch level (2022.1.3) is not in it. See
# https://plugins.jetbrains.com/docs/intellij/build-number-ranges.html
_JETBRAINS_BUILD = re.compile(r"(?P<branch>[1-9]\d\d)\.\d+(?:\.\d+)*")


def jetbrains_build(version: str, name: str) -> Translation | None:
    """221.5921.22 -> release 2022.1 (a span 2022.1 <= v < 2022.2), or the exact release the name states."""
    found = _JETBRAINS_BUILD.fullmatch(version)
    if found is None:
        return None
    branch = int(found["branch"])
    year, release = 2000 + branch // 10, branch % 10
    if release == 0:
        return None
    line = f"{year}.{release}"
    named = version_in_name(name)
    if named and named.startswith(line + ".") and len(named.split(".")) == 3:
        return Translation(named, note=f"build {version} is the {line} line; the name states release {named}")
    return Translation(
        line, floor=line, ceiling=f"{year}.{release + 1}",
        note=f"build {version} is release {line}.x (branch {branch}); its patch level is not known",
    )


# Adobe Acrobat and Reader: the third part of the version names the track. 2xxxx is the
# continuous track (Acrobat DC, NVD's acrobat_dc / acrobat_reader_dc), 3xxxx a classic track
# (Acrobat 2017 and 2020 are NVD's acrobat / acrobat_reader). The About box writes the year in full.
_ADOBE = re.compile(r"(?:20)?(?P<major>\d\d)\.(?P<minor>\d{3})\.(?P<build>\d{5})(?:\.\d+)?")
_ADOBE_TRACKS = {
    "adobe:acrobat_dc": ("adobe:acrobat_dc", "adobe:acrobat"),
    "adobe:acrobat": ("adobe:acrobat_dc", "adobe:acrobat"),
    "adobe:acrobat_reader_dc": ("adobe:acrobat_reader_dc", "adobe:acrobat_reader"),
    "adobe:acrobat_reader": ("adobe:acrobat_reader_dc", "adobe:acrobat_reader"),
}


def adobe_track(version: str, name: str, key: str = "") -> Translation | None:
    found = _ADOBE.fullmatch(version)
    if found is None or key not in _ADOBE_TRACKS:
        return None
    short = f"{found['major']}.{found['minor']}.{found['build']}"
    continuous, classic = _ADOBE_TRACKS[key]
    build = found["build"][0]
    # Acrobat 2015's classic track stayed under the _dc names in NVD (sw_edition "classic");
    # the 2017 and 2020 classic tracks are filed under acrobat / acrobat_reader.
    classic_elsewhere = found["major"] in ("17", "20")
    wanted = continuous if build == "2" else classic if build == "3" and classic_elsewhere else key
    notes = []
    if short != version:
        notes.append(f"'{version}' is written {short} by NVD")
    if wanted != key:
        track = "continuous" if wanted == continuous else "classic"
        notes.append(f"build {found['build']} is Adobe's {track} track, NVD product {wanted}")
    if not notes:
        return None
    return Translation(short, note="; ".join(notes), key=wanted if wanted != key else None)


# .NET (Core) runtimes: the uninstall entry "Microsoft .NET Runtime - 6.0.16 (x64)" registers
# the bundle version 6.0.16.32323, its MSI parts "48.64.58635"-style product versions; NVD
# ranges name the release (6.0.16). The display name states it.
_FOUR_PARTS = re.compile(r"(?P<release>\d+\.\d+\.\d+)\.\d+")


def dotnet(version: str, name: str) -> Translation | None:
    named = version_in_name(name)
    if named and named.count(".") == 2 and not version.startswith(named + ".") and named != version:
        return Translation(named, note=f"the name states release {named} (registered {version})")
    found = _FOUR_PARTS.fullmatch(version)
    if found:
        return Translation(found["release"], note=f"'{version}' is release {found['release']} plus a build")
    return None


# .NET Framework registers "4.8.04084", "4.7.03062"; NVD names releases 4.8, 4.7.2, 4.8.1.
# The name ("Microsoft .NET Framework 4.7.2") states the release; otherwise only major.minor is
# known, a span such as 4.8 <= v < 4.9.
_FRAMEWORK = re.compile(r"(?P<major>[1-4])\.(?P<minor>\d)\.\d{4,5}(?:\.\d+)?")


def dotnet_framework(version: str, name: str) -> Translation | None:
    found = _FRAMEWORK.fullmatch(version)
    if found is None:
        return None
    line = f"{found['major']}.{found['minor']}"
    named = version_in_name(name)
    if named and (named == line or named.startswith(line + ".")):
        return Translation(named, note=f"the name states release {named} (registered {version})")
    return Translation(
        line, floor=line, ceiling=f"{found['major']}.{int(found['minor']) + 1}",
        note=f"'{version}' is a {line}.x release; which one is not known",
    )


# Visual C++ redistributables register the toolset build (14.36.32532.0); NVD's visual_c++
# names the Visual Studio release: 14.0 is 2015, 14.1x 2017, 14.2x 2019, 14.3x 2022; older
# runtimes 8.0 2005, 9.0 2008, 10.0 2010, 11.0 2012, 12.0 2013.
_MSVC = re.compile(r"(?P<major>\d+)\.(?P<minor>\d+)(?:\.\d+)*")
_MSVC_YEARS = {8: "2005", 9: "2008", 10: "2010", 11: "2012", 12: "2013"}
_MSVC_14 = {0: "2015", 1: "2017", 2: "2019", 3: "2022"}


def msvc_redistributable(version: str, name: str) -> Translation | None:
    found = _MSVC.fullmatch(version)
    if found is None:
        return None
    major, minor = int(found["major"]), int(found["minor"])
    year = _MSVC_YEARS.get(major) if major != 14 else _MSVC_14.get(minor // 10 if minor >= 10 else 0)
    if year is None:
        return None
    return Translation(year, note=f"toolset {major}.{minor} ('{version}') is Visual Studio {year}'s runtime")


# Zoom's MSI registers major.minor.build ("5.13.11835" for 5.13.4 build 11835, as its download
# URL 5.13.4.11835 shows); the patch number NVD's ranges use (< 5.13.5) is not in it, so only
# the 5.13 line is known. Four parts carry it ("5.13.4.11835" is 5.13.4).
_ZOOM_BUILD = re.compile(r"(?P<line>\d+\.\d+)\.(?P<build>\d{4,})")
_ZOOM_FULL = re.compile(r"(?P<release>\d+\.\d+\.\d{1,3})\.\d{4,}")


def zoom_build(version: str, name: str) -> Translation | None:
    if found := _ZOOM_FULL.fullmatch(version):
        return Translation(found["release"], note=f"'{version}' is release {found['release']} build {version.rsplit('.', 1)[1]}")
    found = _ZOOM_BUILD.fullmatch(version)
    if found is None:
        return None
    major, minor = found["line"].split(".")
    return Translation(
        found["line"], floor=found["line"], ceiling=f"{major}.{int(minor) + 1}",
        note=f"'{version}' is build {found['build']} of the {found['line']} line; its patch number is not known",
    )


# Linux distributions that keep a kernel series' ".0" in the version (Ubuntu 6.8.0-47.47, RHEL
# 5.14.0-427.42.1.el9_4, Oracle's UEK 5.15.0-300.el9uek) backport the series' stable fixes under
# it: the package's upstream version 6.8.0 says "a 6.8 kernel", not "release 6.8.0". Upstream
# writes a series' first release "6.8", and its stable updates 6.8.1, 6.8.2, ... (kernel.org
# "Releases"), so a ".0" names the series; Debian, Fedora, SUSE, Amazon and Alpine version
# their kernels by the stable release (6.1.123, 6.9.9), which no rule changes. No finding of such a
# series is certain: NVD's ranges often name only the mainline fix ("< 5.17" for a bug whose fix
# 5.15.y received too), which would call every backported 5.15 kernel vulnerable.
_KERNEL_SERIES = re.compile(r"(?P<major>\d+)\.(?P<minor>\d+)\.0")


def kernel_series(version: str, name: str) -> Translation | None:
    found = _KERNEL_SERIES.fullmatch(version)
    if found is None:
        return None
    line = f"{found['major']}.{found['minor']}"
    return Translation(
        # (The ceiling is below the next series' release candidates: NVD lists some CVEs by the
        # rc that had them, "5.16rc2", which no 5.15 kernel is.)
        line, floor=line, ceiling=f"{found['major']}.{int(found['minor']) + 1}-rc0", backports=True,
        note=f"the distribution's {version} names the {line} series, whose stable fixes it backports, so NVD's ranges "
             f"cannot decide its CVEs: those that reach into the {line} series may apply (version_unknown), those "
             "fixed before it do not; the distribution's own advisories say which are fixed",
    )


RULES: dict[str, Callable[..., Translation | None]] = {
    "zoom_build": zoom_build,
    "kernel_series": kernel_series,
    "oracle_java": oracle_java,
    "openjdk": openjdk,
    "jetbrains_build": jetbrains_build,
    "adobe_track": adobe_track,
    "dotnet": dotnet,
    "dotnet_framework": dotnet_framework,
    "msvc_redistributable": msvc_redistributable,
}


class VersionRules(msgspec.Struct, frozen=True):
    """Product key -> rule name, from version_rules.tsv."""

    by_key: dict[str, str]

    def translate(self, key: str, name: str, version: str) -> Translation | None:
        """The version NVD would name for ``version`` of product ``key`` (display name ``name``), or None if unchanged."""
        decorated = decorations(version)
        text = decorated.version if decorated else version
        rule_name = self.by_key.get(key)
        product = None
        if rule_name is not None:
            rule = RULES[rule_name]
            product = rule(text, name, key) if rule_name == "adobe_track" else rule(text, name)
        if product is None:
            return decorated
        rule_name = f"{decorated.rule}+{rule_name}" if decorated else rule_name
        note = f"{decorated.note}; {product.note}" if decorated else product.note
        return msgspec.structs.replace(product, rule=rule_name, note=note)


def load_rules(path: Path) -> VersionRules:
    """Read ``product key<TAB>rule<TAB>comment`` lines; a rule name we do not have is an error."""
    by_key: dict[str, str] = {}
    for number, fields in tsv_rows(path, RuleError, "version rules"):
        if len(fields) != 3 or not all(f.strip() for f in fields) or fields[1] not in RULES:
            raise RuleError(f"{path}:{number}: expected 'vendor:product<TAB>rule<TAB>comment' with a rule among {sorted(RULES)}")
        if fields[0] in by_key:
            raise RuleError(f"{path}:{number}: {fields[0]} has a rule already")
        by_key[fields[0]] = fields[1]
    return VersionRules(by_key)
