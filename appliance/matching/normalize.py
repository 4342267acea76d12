"""Normalising what agents report: display names, publishers and versions as real inventories write them."""

from __future__ import annotations

import re
from functools import lru_cache

from appliance.cpe import unquote

# Windows uninstall entries decorate names with architecture, bitness, locale and
# installer notes: "7-Zip 23.01 (x64)", "Mozilla Firefox (x64 en-US)", "Notepad++ (64-bit x64)",
# "Microsoft Visual Studio Code (User)", instance ids and GUIDs in brackets or braces
# ("ScreenConnect Client (f0e1d2c3b4a59687)"). None of it names the product.
# A note may hold a bracketed note of its own ("LibreOffice 7.6.7.2 Help Pack (English (GB))",
# session 17): one level of nesting goes with it, not leaving a ")" behind.
_PARENS = re.compile(r"\s*[\(\[\{](?:[^\(\[\{\)\]\}]|[\(\[\{][^\)\]\}]*[\)\]\}])*[\)\]\}]")
_NOISE_WORDS = {
    "x64", "x86", "x86_64", "amd64", "arm64", "aarch64", "win64", "win32", "64-bit", "32-bit", "64bit", "32bit",
    "64", "32", "bit", "en-us", "en-gb", "de-de", "fr-fr", "user", "machine", "remove", "only",
    "for", "windows", "version", "release", "build", "edition", "portable", "(r)", "(tm)", "®", "™", "-",
    # Separators some vendors write between brand and product ("Dell Command | Update").
    "|", "–", "—",
    # Session 18: the Windows release a build is for ("OpenVPN 2.5.7-I602 Win10").
    "win7", "win8", "win10", "win11",
}
# "Setup" and "Installer" stay: "Microsoft Visual Studio Installer" and "Teams Machine-Wide
# Installer" are installers of a product, not the product (see display_names._PART_WORDS).
# A token that looks like a version: digits with dots, optional letter suffix ("23.01", "6.22",
# "2.43.0", "0.79", "8.5.6", "1.1.1k", "v1.0", "3.10.11150.0").
# Java's versions carry a build number after "+" (JEP 223: "Eclipse Temurin JDK with Hotspot
# 17.0.9+9", "Zulu JDK 17.48+15"). "2D" and "3D" are words, not versions ("AutoCAD Plant 3D");
# session 18: so is "4D" ("Maxon Cinema 4D", maxon:cinema_4d).
# The first opening bracket of a name (version_in_name reads the words before it first).
_OPENING = re.compile(r"[\(\[\{]")
_VERSION_TOKEN = re.compile(r"^v?\d+(?:\.\w+)+(?:-\w+)?(?:\+\d+)?$|^v?\d{1,2}[a-z]?$(?<!^[2-4]d)", re.I)


# Session 17: a version glued to a word: Go's release tags ("Go Programming Language amd64
# go1.23.1", three numbers after two or three letters: not "cs5.5" of dreamweaver_cs5.5), and
# "Ver." as Japanese vendors abbreviate "version" ("Epson iProjection Ver.3.20").
_GLUED_VERSION = re.compile(r"^(?:[a-z]{2,3}\d+(?:\.\d+){2,}|ver\.\d+(?:\.\d+)*)$", re.I)


def _version_token(token: str) -> bool:
    """_VERSION_TOKEN.match, skipped for tokens that start with neither a digit nor a "v" and a
    digit (most words); a number of ASCII digits is one when it has at most two digits."""
    first = token[:1]
    if not (first.isdecimal() or (first in ("v", "V") and token[1:2].isdecimal())):
        return False
    if token.isascii():
        if token.isdigit():
            return len(token) <= 2
        if first.isdigit() and token.replace(".", "").isdigit():
            # ASCII digits and dots after a digit ("3.10.11"): a version when no part is empty.
            return ".." not in token and not token.endswith(".")
    return _VERSION_TOKEN.match(token) is not None
# "Java 8 Update 381": the number after "update" is part of the version, not of the name; so
# are servicing levels ("Microsoft Exchange Server 2019 Cumulative Update 13", "SQL Server
# 2016 Service Pack 3", "SP1").
_UPDATE_NUMBER = re.compile(r"\b(?:cumulative\s+)?update\s+\d+\b|\bservice\s+pack\s+\d+\b|\bsp\d\b", re.I)
# Session 21: a quarter after a year names the release, as a servicing level does ("NI LabVIEW
# 2024 Q3", "NI FlexLogger 2024 Q1"; 12 titles of the 2015 CPE dictionary write the release
# so, "2005Q4", and no product's name begins with a quarter): the year stays, for the rules
# that read years.
# The servicing level's letters and digit, the third alternative's (a literal first: a fast search).
_SP_DIGIT = re.compile(r"sp\d")
_QUARTER = re.compile(r"\b((?:19|20)\d\d)\s+q[1-4]\b", re.I)
# "PowerShell 7-x64": a version glued to an architecture.
_ARCH_SUFFIX = re.compile(r"-(?:x64|x86|amd64|arm64|win64|win32)$", re.I)
# Session 20: a name glued to its version ("GoldenDict-1.5.0"), dotted numbers after a word of
# letters (run only on a token with a dot).
_DASH_VERSION = re.compile(r"(?<=[^\W\d_]{3})-v?\d+(?:\.\d+)+$")
# Corporate and community suffixes on publishers: "Google LLC", "win.rar GmbH",
# "Microsoft Corporation", "The Git Development Community", "Notepad++ Team".
PUBLISHER_NOISE = {
    "inc", "inc.", "llc", "l.l.c.", "ltd", "ltd.", "limited", "corp", "corp.", "corporation", "co", "co.", "gmbh",
    "ag", "sa", "s.a.", "sas", "bv", "b.v.", "nv", "oy", "ab", "as", "a/s", "srl", "s.r.l.", "plc", "pty", "kg",
    "the", "team", "community", "project", "developers", "development", "foundation", "software", "technologies",
    "technology", "systems", "group", "holdings", "international", "incorporated", "company", "contributors",
    "maintainers", "and", "&", "of",
}
# Legal forms of other countries, as written after (or, for "AO", before) a company's name:
# "SAP SE", "AO Kaspersky Lab", "DATEV eG", "uvnc bvba", "Avira Operations GmbH & Co. KG".
PUBLISHER_NOISE |= {
    "se", "ao", "pjsc", "sarl", "s.a.r.l.", "spa", "s.p.a.", "kk", "k.k.", "s.r.o.", "pvt", "pte", "ltda", "bvba",
    "eg", "e.v.", "llp", "lp", "ulc", "oyj", "asa", "aps", "sdn", "bhd", "s.l.", "s.a.s.",
}
_EMAIL = re.compile(r"<[^>]*>")
# (cpe_words reads it as str methods; the property tests check the two agree.)
_CPE_SEPARATORS = re.compile(r"[_\s]+")
# compact() runs for every product at load and for every candidate name: compiled once.
_NOT_COMPACT = re.compile(r"[^a-z0-9+#]")


def tokens(text: str) -> list[str]:
    # The words between runs of whitespace and commas (the pattern [\s,]+ as str methods:
    # \s is what str.split() splits on, both Py_UNICODE_ISSPACE).
    return text.lower().replace(",", " ").split()


# Words that NVD sometimes keeps in a product's name: "SAP GUI for Windows" is
# sap:gui_for_windows, "pgAdmin 4" is pgadmin:pgadmin_4, "Azure Connected Machine Agent" is
# microsoft:azure_connected_machine_agent.
_PRODUCT_WORDS = {"for", "windows", "machine"}
# A bare major number (_cleaned_words reads it as str tests; the property tests check the two agree).
_MAJOR = re.compile(r"^\d{1,2}$")
# "Veeam Agent for Microsoft Windows": the platform, not the product.
_FOR_WINDOWS = re.compile(r"\bfor\s+microsoft\s+windows\b", re.I)


def clean_display_name(name: str, keep_product_words: bool = False) -> str:
    """Lower-case name without bracketed notes, architecture words or version numbers.

    "7-Zip 23.01 (x64)" -> "7-zip"; "Python 3.10.11 (64-bit)" -> "python";
    "Git version 2.43.0" -> "git"; "Mozilla Firefox (x64 en-US)" -> "mozilla firefox".
    With ``keep_product_words``, "for", "windows" and a bare major number stay
    ("SAP GUI for Windows 8.00" -> "sap gui for windows", "pgAdmin 4" -> "pgadmin 4").
    """
    text, for_windows = _prepared(name)
    if for_windows and not keep_product_words:
        text = _FOR_WINDOWS.sub(" ", text)
    return _cleaned_words(text)[keep_product_words]


def clean_display_names(name: str) -> tuple[str, str]:
    """clean_display_name(name) and clean_display_name(name, keep_product_words=True) in one pass
    over the name's words (identification reads every display name both ways)."""
    text, for_windows = _prepared(name)
    if for_windows and _FOR_WINDOWS.search(text):
        # The two differ before the words: only the first drops "for Microsoft Windows".
        return _cleaned_words(_FOR_WINDOWS.sub(" ", text))[0], _cleaned_words(text)[1]
    return _cleaned_words(text)


def _without_notes(name: str) -> str:
    """_PARENS.sub(" ", name): for a name with one bracket pair, "(" before ")" and no other
    bracket (most: "7-Zip 23.01 (x64)"), the note and the whitespace before it cut out by str
    methods, as the pattern would (its \\s is what str.rstrip() strips); the pattern runs for the others."""
    if name.count("(") == 1 and name.count(")") == 1 and "[" not in name and "{" not in name and "]" not in name and "}" not in name:
        opening, closing = name.find("("), name.find(")")
        if opening < closing:
            return name[:opening].rstrip() + " " + name[closing + 1:]
    return _PARENS.sub(" ", name)


def _prepared(name: str) -> tuple[str, bool]:
    """The name without bracketed notes and update numbers, and whether it may hold "for
    Microsoft Windows" (the pattern is run only then)."""
    text = _without_notes(name) if ("(" in name or "[" in name or "{" in name) else name
    if not text.isascii() and ("\u00ae" in text or "\u2122" in text):
        # Session 19: trademark signs glued to a word ("Intel® Wireless Bluetooth®"), as
        # "(R)" and "(TM)" in brackets go with the brackets.
        text = text.replace("\u00ae", " ").replace("\u2122", " ")
    # The two case-blind patterns need these words; an ASCII name without them is left as it is
    # without running them (re.I also folds a few non-ASCII letters: those names always run the
    # patterns).
    lowered = text.lower() if text.isascii() else ""
    if not lowered or "update" in lowered or "service" in lowered or ("sp" in lowered and _SP_DIGIT.search(lowered)):
        text = _UPDATE_NUMBER.sub(" ", text)
    if not lowered or " q" in lowered:
        text = _QUARTER.sub(r"\1", text)
    return text, not lowered or "microsoft" in lowered


# A user-interface language as the last word, as Microsoft and Autodesk write it after the
# version without brackets ("Microsoft Visual Basic for Applications 7.1 (x64) English",
# "Autodesk AutoCAD Raster Design 2024 - English"); bracketed ones go with the brackets.
_LANGUAGES = {
    "english", "deutsch", "german", "français", "francais", "french", "español", "espanol", "spanish", "italiano",
    "italian", "português", "portugues", "portuguese", "nederlands", "dutch", "polski", "polish", "русский", "russian",
    "svenska", "swedish", "dansk", "danish", "norsk", "norwegian", "suomi", "finnish", "čeština", "czech", "magyar",
    "hungarian", "türkçe", "turkish", "japanese", "日本語", "chinese", "korean", "한국어",
}


def _cleaned_words(text: str) -> tuple[str, str]:
    """The words of a prepared name without noise words, architecture suffixes and versions;
    and the same keeping "for", "windows" and a bare major number (keep_product_words)."""
    cleaned, kept = [], []
    # (tokens() leaves no comma; the other two are stripped only from a name that has them.)
    stripped = ";" in text or ":" in text
    for token in tokens(text):
        if token.isalpha():
            # A word of letters only (most words): of the tests below only the noise words can
            # drop it ("-", ".", digits and the punctuation stripped are not in it).
            if token in _NOISE_WORDS:
                if token in _PRODUCT_WORDS:
                    kept.append(token)
                continue
            cleaned.append(token)
            kept.append(token)
            continue
        # Any other token is read once per report (version numbers, "x64-based", "c++": the same
        # few recur from name to name), by _token_kind.
        word, both = _token_kind(token.strip(",;:") if stripped else token)
        if word:
            kept.append(word)
            if both:
                cleaned.append(word)
    if len(cleaned) >= 3 and cleaned[-1] in _LANGUAGES:
        # (Three words or more: "Microsoft English" or "Learn English" names no language note.)
        language = cleaned.pop()
        if kept[-1] == language:
            kept.pop()
    return " ".join(cleaned), " ".join(kept)


@lru_cache(maxsize=4096)
def _token_kind(token: str) -> tuple[str, bool]:
    """What _cleaned_words keeps of a token that is not all letters (commas, semicolons and
    colons stripped): the word and True when both readings keep it, the word and False when
    only the one keeping product words does ("for", "windows", a bare major number), "" when
    neither does (a version, an architecture or noise word)."""
    if "-" in token:
        token = _ARCH_SUFFIX.sub("", token)
        if "." in token:
            token = _DASH_VERSION.sub("", token)
    # (_version_token written out.)
    if not token or token in _NOISE_WORDS or (
            (token[:1].isdecimal() or (token[:1] in ("v", "V") and token[1:2].isdecimal()))
            and (len(token) <= 2 if token.isascii() and token.isdigit() else _VERSION_TOKEN.match(token) is not None)) or (
            "." in token and not token[:1].isdecimal() and _GLUED_VERSION.match(token) is not None):
        if token in _PRODUCT_WORDS or (token[:1].isdecimal() and len(token) <= 2 and token.isdecimal()):  # (_MAJOR)
            return token, False
        return "", False
    return token, True


def main_part(name: str) -> str | None:
    """The part before " - " in names like "Cisco Secure Client - AnyConnect VPN", or None."""
    head, separator, _ = name.partition(" - ")
    return head if separator and head.strip() else None


@lru_cache(maxsize=4096)
def clean_publisher(publisher: str) -> str:
    """Lower-case publisher without legal-form and community words: "win.rar GmbH" -> "win.rar"."""
    text = _EMAIL.sub(" ", _PARENS.sub(" ", publisher)).replace(",", " ")
    return " ".join(t for t in tokens(text) if t not in PUBLISHER_NOISE)


def cpe_words(value: str) -> str:
    """A CPE vendor or product as words: "acrobat_reader_dc" -> "acrobat reader dc", "notepad\\+\\+" -> "notepad++"."""
    # (_CPE_SEPARATORS.sub(" ", ...).strip() as str methods: \s is what str.split() splits on.)
    return " ".join(unquote(value).lower().replace("_", " ").split())


_NOT_COMPACT = re.compile(r"[^a-z0-9+#]")


def compact(text: str) -> str:
    """Words run together without punctuation, to compare "win.rar" with "winrar" or "7-zip" with "7zip"."""
    run = text.replace(" ", "")
    if run.isalnum() and run.isascii():
        return run.lower()  # (words of ASCII letters and digits, most names: two calls, not six)
    lowered = run.lower().replace("_", "").replace("-", "").replace(".", "")
    if lowered.isascii() and lowered.isalnum():
        return lowered  # letters and digits once the usual separators are gone (most names): no pattern to run
    return _NOT_COMPACT.sub("", lowered)


def version_in_name(name: str) -> str | None:
    """The first version-looking token of a display name ("Python 3.10.11 (64-bit)" -> "3.10.11")."""
    if "." not in name:
        return None  # only a token with a dot is taken, and tokens are pieces of the name
    if "(" in name or "[" in name or "{" in name:
        # Most such names state their version before their first bracket ("Python 3.10.11
        # (64-bit)"): the text before it is never changed by removing bracketed notes, so its
        # tokens are the first ones either way; all but one glued to the bracket, which may
        # go on past it. Any other name takes the pattern.
        head = name[:_OPENING.search(name).start()]  # type: ignore[union-attr]
        words = tokens(head)
        if words and not head[-1:].isspace() and head[-1:] != ",":
            words.pop()
        for token in words:
            if "." in token and _version_token(token):
                return token.lstrip("vV")
        name = _PARENS.sub(" ", name)
    for token in tokens(name):
        if "." in token and _version_token(token):
            return token.lstrip("vV")
    return None


def effective_version(name: str, version: str) -> tuple[str, str | None]:
    """The version to compare with NVD, and a note when it is not the reported one.

    Some installers encode the version differently in DisplayVersion: Python writes
    3.10.11 as "3.10.11150.0" (micro * 1000 + build; see CPython's Tools/msi). When the
    display name states a version that shares the first two parts with DisplayVersion but
    differs after that, the name's version is the product's own and is used.
    """
    named = version_in_name(name)
    if not named or not version or named == version:
        return version, None
    named_parts, reported_parts = named.split("."), version.split(".")
    if len(named_parts) >= 2 and named_parts[:2] == reported_parts[:2] and not version.startswith(named + "."):
        if len(reported_parts) > len(named_parts) or reported_parts[2:3] != named_parts[2:3]:
            return named, f"version {named} taken from the display name (reported {version})"
    return version, None


# --- Inventory sources ---------------------------------------------------------------------
# Homebrew formula names carry a major version after "@" (openssl@3, python@3.12, postgresql@16;
# docs.brew.sh "Versions"), and casks name editions with a suffix (intellij-idea-ce, pycharm-ce,
# goland-eap, firefox@esr is a separate product and kept).
_BREW_VERSION = re.compile(r"@[\d.]+$")
# Casks of a release channel of one product: google-chrome@beta, firefox@developer-edition,
# visual-studio-code@insiders (Homebrew/homebrew-cask "Naming casks": "@" + the channel).
# Session 17: also the channels browsers and mail clients publish as alpha, daily, developer
# and snapshot builds (tor-browser@alpha, thunderbird@daily, opera@developer, vivaldi@snapshot).
_BREW_CHANNEL = re.compile(r"@(beta|dev|developer-edition|developer|nightly|canary|preview|insiders?|alpha|daily|snapshot)$")
_BREW_EDITION = re.compile(r"-(ce|eap|beta|nightly|dev|preview|edge|lts|community|cask)$")
# macOS bundle file names: "Google Chrome.app", "GIMP-2.10.app".
_APP_SUFFIX = re.compile(r"\.app$", re.I)
# Session 17: a trailing version may carry its pre-release after a hyphen, as the bundles that
# Xcode's downloads are renamed to do ("Xcode-16.1.0-Beta.3.app", "Xcode-15.0.0-Release.Candidate"), or
# after an underscore, as CI images keep several Xcodes side by side ("Xcode_16.1.app").
_TRAILING_VERSION = re.compile(r"[-_\s]v?\d+(\.\d+)*(?:-(?:alpha|beta|rc|release\.candidate)(?:[.\s]?\d+)?)?$", re.I)
_BARE_MAJOR = re.compile(r"[^\W\d_]\s\d{1,3}$")
# Reverse-DNS prefixes whose second label is a hosting site, not the vendor.
HOSTING_SITES = frozenset({"github", "googlecode", "sourceforge", "gitlab", "bitbucket"})
# Bundle ids that app-building tools write when the developer sets none: electron-builder's
# default appId is "com.electron.<package name>" (electron.build, "appId"), ToDesktop builds
# are "com.todesktop.<app id>", install4j launchers "com.install4j.<numbers>". The label names
# the tool, not the company that makes the app.
BUNDLE_TOOLS = frozenset({"electron", "todesktop", "install4j"})


def brew_name(name: str, editions: bool = True) -> str:
    """A Homebrew formula or cask name without its version and edition suffix: "openssl@3" -> "openssl"
    (with ``editions`` False, the "-ce"/"-edge"... suffix stays: "microsoft-edge")."""
    name = _BREW_CHANNEL.sub("", _BREW_VERSION.sub("", name.strip().lower()))
    return _BREW_EDITION.sub("", name) if editions else name


def app_name(name: str) -> str:
    """A macOS bundle name without ".app" and a trailing version: "GIMP-2.10.app" -> "GIMP".

    A bare major number stays ("Transmit 5.app", "pgAdmin 4.app"): NVD names some products
    with it (panic:transmit_5), and the display-name cleaning drops it when no product does.
    So does a number of three digits, which the Windows cleaning also keeps as a word (session
    16: "Norton 360.app" is symantec:norton_360, "Autodesk Fusion 360.app" autodesk:fusion_360)."""
    name = _APP_SUFFIX.sub("", name.strip()).strip()
    return name if _BARE_MAJOR.search(name) else _TRAILING_VERSION.sub("", name).strip()


def bundle_vendor(bundle_id: str) -> str:
    """The vendor a CFBundleIdentifier's reverse-DNS prefix names: "com.google.Chrome" -> "google"."""
    parts = [p for p in bundle_id.strip().lower().split(".") if p]
    if len(parts) < 3 or parts[1] in HOSTING_SITES or parts[1] in BUNDLE_TOOLS:
        return ""
    return parts[1]


def pypi_name(name: str) -> str:
    """A PyPI or npm name normalised (PEP 503: lower case, runs of - _ . as one -); npm scopes dropped."""
    return re.sub(r"[-_.]+", "-", name.strip().lower().rsplit("/", 1)[-1].lstrip("@"))
