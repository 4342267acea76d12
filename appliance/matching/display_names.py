"""Display names: which NVD product a Windows program or macOS app is, from its name and publisher or bundle id."""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import compress
from operator import itemgetter, not_
from typing import TYPE_CHECKING

from appliance.cpe import unquote
from appliance.matching.base import Candidate as _Candidate, Identification, SoftwareItem, Unidentified
from appliance.matching.bundle import _named_after
from appliance.matching.index import FAMILY_PRODUCTS, CpeIndex, split_key
from appliance.matching.normalize import compact as _compact_uncached
from appliance.matching.normalize import (
    HOSTING_SITES, PUBLISHER_NOISE as _PUBLISHER_WORDS, app_name, bundle_vendor, clean_display_name, clean_display_names, clean_publisher,
    cpe_words, main_part,
)
from appliance.matching.platform import Platform

if TYPE_CHECKING:
    from appliance.matching.identify import Identifier

# The same publishers, vendors and names are run together again and again while one report is
# identified (every candidate of a Microsoft program compacts "microsoft"): kept once done.
compact = lru_cache(maxsize=65_536)(_compact_uncached)

# Below this score an item stays unmatched: a wrong product is worse than none.
THRESHOLD = 0.85

# Words that name an edition or packaging of a product, not a different product:
# "Microsoft Office Professional Plus 2019" is Office. Not "MUI": Microsoft's MUI entries are a
# product's language resources, a part (_PART_WORDS).
_EDITION_WORDS = {
    "professional", "pro", "plus", "standard", "enterprise", "home", "business", "community", "ultimate", "premium",
    "client", "desktop", "app", "stable", "lts", "free", "ce", "runtime",
}
# Channels of one product ("Google Chrome Beta", "Visual Studio Code Insiders") and servicing
# words left by the version ("Exchange Server 2019 Cumulative Update 13") are packaging too.
_EDITION_WORDS |= {"beta", "canary", "nightly", "insiders", "insider", "preview", "cumulative", "express", "basic", "lite", "core"}
# (Session 17: and the alpha, daily and snapshot channels, as _CHANNEL reads them on a Mac.)
_EDITION_WORDS |= {"alpha", "daily", "snapshot"}
# ... and (session 16) a workstation or workgroup edition ("Macrium Reflect Workstation",
# "Pervasive PSQL Workgroup") and Citrix's long-term service release ("Citrix Workspace 2402
# LTSR"), a servicing channel as "lts" is.
_EDITION_WORDS |= {"workstation", "workgroup", "ltsr"}
# Browser plug-in builds of one product ("Adobe Flash Player 32 NPAPI" is adobe:flash_player).
_EDITION_WORDS |= {"npapi", "ppapi", "activex"}
# The previous generation kept beside a new one and a vendor's early-access channel are builds
# of the same product ("Microsoft Teams classic", "Adobe Lightroom Classic", "Firefox Developer
# Edition", whose "edition" the cleaning drops).
_EDITION_WORDS |= {"classic", "developer"}
# Feature tiers of one product ("K-Lite Codec Pack Full", "Kofax Power PDF Advanced", "OpenSSL
# Light"), and the word "application" after its name. Not "suite": NVD names products with it
# (portswigger:burp_suite).
_EDITION_WORDS |= {"full", "advanced", "light", "application"}
# Dell's builds for Windows' Universal driver model ("Dell Command | Update for Windows Universal").
_EDITION_WORDS |= {"universal"}
# How the program was packaged or licensed, after its name: its MSI build for deployment
# ("AnyDesk MSI"), a build licensed to an OEM ("Npcap OEM"), the GPL edition of a dual-licensed
# product ("Ghostscript GPL").
_EDITION_WORDS |= {"msi", "oem", "gpl"}
# Microsoft's consumer Office edition "Home and Student" (beside "Home and Business"; see
# _trimmed for the "and").
_EDITION_WORDS |= {"student"}
# Session 15: the previous generation kept under a name of its own and a free personal tier
# ("Evernote Legacy", "Splashtop Personal"), and a vendor's word for the cross-platform rewrite
# of a product beside its "Classic" build ("Fiddler Everywhere" beside "Fiddler Classic").
_EDITION_WORDS |= {"legacy", "personal", "everywhere"}
# Session 20: a product's edition for the network's edge ("Ignition Edge" is Inductive
# Automation's Ignition), as Homebrew's "-edge" casks are builds (normalize._BREW_EDITION).
_EDITION_WORDS |= {"edge"}
# Session 16, round 3: Adobe's Creative Cloud (subscription) builds, "Adobe InDesign CC 2019";
# where NVD files "<product>_cc" apart it holds no CVEs (see _with_the_cves).
_EDITION_WORDS |= {"cc"}
# Words after a product's name that make the entry a part of it that is not the product: its
# installer or updater, headers, documentation, language resources, plug-ins for other
# programs ("Microsoft Visual Studio Installer", "Python 3.11 pip Bootstrap", "Teams
# Machine-Wide Installer"). NVD files such a part only when it is a product of its own
# (adobe:genuine_service, microsoft:edge_update), and then the whole name finds it.
_PART_WORDS = {
    "installer", "setup", "updater", "update", "helper", "launcher", "bootstrap", "bootstrapper", "component",
    "components", "headers", "targeting", "pack", "mui", "proofing", "documentation", "docs", "add-in", "addin", "plugin",
    "plug-in", "extension", "extensions", "files", "manager", "module", "language",
    # Session 16: a tool that builds with the product or removes it ("Power BI Report Builder",
    # "Acronis Cyber Protect Bootable Media Builder", "Adobe Creative Cloud Cleaner Tool").
    # Not "tool" or "kit" alone: NVD's dell:supportassist_os_recovery is the "... Recovery
    # Tool", wibu:codemeter_runtime the "CodeMeter Runtime Kit".
    "builder", "cleaner", "cleanup", "removal", "uninstaller",
}
# Pieces of a product that carry its code: the product's CVEs are theirs ("Microsoft .NET
# Host", "Python 3.11 Standard Library", "Microsoft Visual C++ 2022 X64 Minimum Runtime").
_CODE_PART_WORDS = {
    "runtime", "sdk", "host", "agent", "service", "services", "driver", "drivers", "tools", "console", "library",
    "libraries", "executables", "engine", "resolver", "minimum", "additional", "assistant",
    # An installer bundle that installs the product's runtime for a web server ("Microsoft
    # ASP.NET Core 8.0.2 Hosting Bundle" holds the ASP.NET Core runtime and its IIS module).
    "hosting", "bundle",
    # Java's development kit and runtime of a Java distribution ("Azul Zulu JDK 17.46",
    # "Eclipse Temurin JRE with Hotspot"): the distribution's code, as "SDK" and "runtime" are.
    "jdk", "jre",
}
# Session 20: and scripts, which Python's installer installs as a feature of its own ("Python
# 3.12.4 Utility Scripts"), as it does the "Standard Library" and the "Executables".
_CODE_PART_WORDS |= {"scripts"}
# Words that say which code piece of the product an entry holds, before the piece's word:
# Python's "Development Libraries", "Utility Scripts" and "Test Suite" (a "suite" only after
# "test": NVD names products with it, portswigger:burp_suite). Not a piece alone.
_PIECE_QUALIFIERS = frozenset({"development", "utility", "test"})
# Kinds of program NVD appends to a product's name (axosoft:gitkraken_desktop, eclipse:eclipse_ide).
_PROGRAM_KINDS = {"desktop", "ide", "app", "client", "gui"}
# ... and the kind an endpoint product's installed program is: its agent ("Cortex XDR" by Palo
# Alto Networks is paloaltonetworks:cortex_xdr_agent; NVD files the console apart).
_PROGRAM_KINDS |= {"agent"}
# ... and "Studio", which vendors drop from a product's name while NVD keeps the old one
# (TechSmith renamed Camtasia Studio to Camtasia in 2015; NVD files techsmith:camtasia_studio).
_PROGRAM_KINDS |= {"studio"}
# ... and a hardware maker's drivers, which the maker's entry names by the device alone
# (session 19: "Intel® Wireless Bluetooth®" by Intel is intel:wireless_bluetooth_drivers).
_PUBLISHED_KINDS = frozenset(_PROGRAM_KINDS | {"driver", "drivers"})
# The words of a printing program's name (_publishers_product leaves those to the print driver rule).
_PRINTING_WORDS = frozenset({"print", "printing", "printer"})
# The kinds of program a name without a publisher may leave off (DisplayNames._coined_program):
# not an agent or a studio, which a coined word alone does not say.
_CLIENT_KINDS = frozenset({"desktop", "ide", "app", "client", "gui"})
# What a management product installs on the machines it manages (see DisplayNames._part_of).
_ENDPOINT_WORDS = {"agent", "client", "services", "sensor"}
# Words after a product's name that say nothing of which program it is: a fix of the product
# ("Revit 2024.2 Hotfix"), or that it is software ("Plantronics Hub Software").
_GENERIC_TAIL = {"hotfix", "patch", "software"}
_YEAR = re.compile(r"^(19|20)\d\d(-(19|20)\d\d)?$")
# A release named by its generation, after a product's name: Adobe's Creative Suite ("CS6") and
# roman numerals ("Acrobat XI"). Taken off a key only where CVEs say so (_with_the_cves).
_RELEASE_NAME = re.compile(r"cs\d{0,2}|[ivx]{1,4}")
# A word this few product names use (CpeIndex.word_uses) makes a name of several words
# distinctive: "modbus" 9, "format" 13; not "task" 35, "desktop" 233, "manager" 1,632 (the
# bound identify.py's _RARE_WORD gives pip and npm names).
_RARE_WORD = 20


def _is_year(word: str) -> bool:
    """_YEAR.match, skipped for the many words that cannot start with a year."""
    return word[:2] in ("19", "20") and _YEAR.match(word) is not None


def _is_number(word: str) -> bool:
    """A word of digits only, a bare number (the pattern \\d+ as a string test: \\d is isdecimal())."""
    return word.isdecimal()


# Products some vendors file as the vendor's only desktop program ("Figma" is figma:desktop).
_VENDOR_APP_PRODUCTS = ("desktop", "desktop_app", "desktop_client", "client", "app")
# Vendors under which NVD filed projects hosted on their sites (google:tunnelblick is the
# Google Code project of tunnelblick:tunnelblick): no other organisation's product of that name.
_HOSTING_VENDORS = ("google", "googlecode", "github", "sourceforge", "gitlab", "bitbucket")


# Release channels macOS apps put after their name, with a space or a hyphen ("Xcode-beta",
# "Microsoft Edge Dev", "Safari Technology Preview", "Firefox Nightly", "Google Chrome Canary"):
# builds of the app the rest of the name is, shipped beside it under another bundle name.
# Session 17: also the alpha, daily and snapshot builds ("Thunderbird Daily", "Tor Browser Alpha",
# "Vivaldi Snapshot"), Homebrew's @alpha, @daily and @snapshot casks of the same apps.
# Session 19: and JetBrains' Early Access Program builds ("Rider 2024.3 EAP.app", the -eap casks).
_CHANNEL_NAMES = ("beta", "dev", "canary", "nightly", "technology preview", "tech preview", "preview", "insiders", "insider",
                  "alpha", "daily", "snapshot", "eap")
_CHANNEL = re.compile(r"[\s-]+(" + "|".join(_CHANNEL_NAMES) + ")$", re.I)
# The words _CHANNEL ends with: an ASCII name ending in none is not searched (re.I folds a few
# non-ASCII letters into ASCII ones, so other names always are).
_CHANNEL_ENDINGS = tuple(dict.fromkeys(name.rsplit(" ", 1)[-1] for name in _CHANNEL_NAMES))
# Session 15, round 2: the platform a Mac app's name ends with ("Bitdefender Antivirus for
# Mac", "Kaspersky Endpoint Security for Mac"), as a Windows name's "for Windows", which the
# cleaning drops (normalize._NOISE_WORDS): the product is the name before it, and NVD's separate
# Mac build of it (<key>_for_mac) is then found as for any Mac app.
_FOR_MAC = re.compile(r"\s+for\s+(mac|macos|mac\s+os\s+x|os\s+x)$", re.I)
# Session 19: a browser an app's name ends with ("1Password for Safari", "Grammarly for Safari"):
# the product's browser extension, packaged as a Mac app for Safari.
_FOR_BROWSER = re.compile(r"\s+for\s+(safari|(?:google\s+)?chrome|firefox|(?:microsoft\s+)?edge)$", re.I)
# How NVD names a product's browser extension apart from the product (1password:1password_in_the_browser).
_EXTENSION_SUFFIXES = ("_in_the_browser", "_browser_extension", "_extension")
# Platforms a product's name may begin with: another build than the Mac app of the same name.
_PLATFORM_WORDS = {"windows", "android", "ios", "ipados", "linux", "iphone", "ipad", "watchos", "tvos", "web"}
# Words that make a product a part of another or something for it (an installer, a plug-in,
# "for": google:bazel_for_android_studio is not Android Studio); what may follow a name that
# marketing shortened ("Logic Pro" for logic_pro_x); what may not precede it.
_NOT_MORE = frozenset(_PART_WORDS | _CODE_PART_WORDS | {"for", "with", "to", "and"})
_AFTER_A_NAME = frozenset(_EDITION_WORDS | _PROGRAM_KINDS)
_NOT_BEFORE = _NOT_MORE | _PLATFORM_WORDS
# A word with capitals inside it, in any name ("PhonerLite", "NSClient++", "ScanSnap").
# (Written capital first, the word's start looked behind it: the same names match as with
# "\b" first, and the search skips to capitals rather than trying each position.)
_COINED_WORD = re.compile(r"[A-Z](?<!\w[A-Z])(?:[A-Za-z]*[a-z][A-Z]|[A-Z]+[a-z])")
# A word with capitals inside it, or letters with digits run on ("USBPcap", "Tftpd64").
_COINED_OR_NUMBERED = re.compile(r"\b[A-Z][A-Za-z]*[a-z][A-Z]|\b[A-Z]{2,}[a-z]|\b[A-Za-z]{3,}\d+\b")
# A one-word name with capitals inside it ("ImageOptim", "MacDown", "KeePassXC"): a coined
# compound, not an everyday word.
_COINED = re.compile(r"^[A-Z][a-z]+(?:[A-Z][a-z0-9]*)+$")

# A bracketed note naming the entry the machine-wide installer: it puts the program into each
# new user profile and is not the program (Microsoft's "Teams Machine-Wide Installer", also
# written "Microsoft Teams classic (Machine-Wide Installer) - en-us"; Zoom's and Webex's MSI
# deployments list the same kind of entry).
_INSTALLER_NOTE = re.compile(r"\(([^()]*machine-wide installer)\)", re.I)


_GLUED_PIECE = re.compile(r"^([A-Z][A-Za-z0-9]{2,}?)(Agent|Client|Service)$")
# "Microsoft Build of OpenJDK with Hotspot", "Red Hat build of OpenJDK": another's build of a product.
_BUILD_OF = re.compile(r"\bbuild of (.+)$", re.I)
# "<word> Edition" at the end of a name, perhaps before a version or a bracketed note.
_NAMED_EDITION = re.compile(r"[\s:-]+([A-Za-z]+\s+Edition)\b(?:\s+v?[\d.]+)?(?:\s*\([^()]*\))?\s*$", re.I)
# Legal forms that a company's initials leave out ("Environmental Systems Research Institute, Inc." is ESRI).
_LEGAL_FORMS = {"inc", "llc", "ltd", "limited", "corp", "corporation", "co", "gmbh", "ag", "sa", "plc", "pty", "the",
                "company", "incorporated", "se", "bv", "nv"}
_INITIAL_SPLIT = re.compile(r"[\s,.&]+")
_SPLIT_WORDS = re.compile(r"[\s-]+")
# A word of three to five capitals, as abbreviations of product names are written ("CLI", "ZAP",
# "LFS"); not ".NET", and not the piece and edition words written so ("SDK", "MUI"). (The
# capital first and the look behind after it, over the two letters: the same matches as a look
# behind first, and the search skips to capitals rather than trying the look behind everywhere.)
_ABBREVIATION = re.compile(r"[A-Z](?<![.\w][A-Z])[A-Z]{2,4}\b")


_NOT_INITIALS = _PART_WORDS | _CODE_PART_WORDS | _EDITION_WORDS


def _abbreviates(named: list[str], product: list[str]) -> bool:
    """``named`` is ``product`` with one run of two to five words written as their initials
    (["azure", "cli"] of ["azure", "command", "line", "interface"])."""
    for i, word in enumerate(named):
        run = len(word)
        if (2 <= run <= 5 and word.isalpha() and len(product) == len(named) - 1 + run and named[:i] == product[:i]
                and "".join(w[0] for w in product[i:i + run]) == word and named[i + 1:] == product[i + run:]):
            return True
    return False


def _build_tag(word: str) -> bool:
    """A word with digits inside that tags a build ("Q16-HDRI", "2008R2Plus"), not a name with a
    number glued at its end ("WebView2", "iCUE5")."""
    return any(c.isdigit() for c in word) and not (word.rstrip("0123456789").isalpha() and word[:1].isalpha())


def _initials_of(product: str) -> str:
    """The first letters of a product's words, hyphenated ones apart ("k-lite codec pack" -> "klcp")."""
    words = [w for w in _SPLIT_WORDS.split(product) if w]
    return "".join(w[0] for w in words) if len(words) >= 3 else ""


def _unnamed_number(words: list[str], endings: frozenset[str]) -> bool:
    """The last word is a number (ASCII digits) that no name of an index table run together
    ends in (CpeIndex.product_endings, head_endings; numbered names: "Zoom 303"): then no run
    of the words up to the last is a name of that table, as compact() keeps a run's last
    digits, and lookups of them are skipped."""
    last = words[-1] if words else ""
    return last.isdigit() and last.isascii() and last[-CpeIndex.ENDING:] not in endings


def _unglued(word: str) -> str:
    """A word without a bitness glued to it ("Cygwin64", "PotPlayer-64 bit"): installers of
    64-bit builds append it to the program's name; none of it names the product."""
    if not word[-1:].isdigit():
        return word  # (most words) both readings below need a digit at the end
    for glued in ("-64", "-32", "64", "32"):
        if word.endswith(glued):
            head = word[: -len(glued)]
            if len(head) >= 5 and head.isalpha():
                return head
    # ... or the major release, one digit glued to a word of letters ("Zoiper5" is Zoiper 5,
    # as "Things3" is Things 3): read only when the whole word names no product (Anaconda3 is
    # anaconda:anaconda3).
    if len(word) >= 5 and word[-1] in "23456789" and word[:-1].isalpha():
        return word[:-1]
    return word


# The last letter of a word (words are never empty): mapped over a name's words with
# str.isdigit or str.isdecimal, whether one ends in a digit, without a loop in Python.
_LAST = itemgetter(-1)


def _keeps_product_words(key: str, kept: str, cleaned: str) -> bool:
    """The product's NVD name has a word that only the kept reading of the name has ("for",
    a major number): "skype_for_business" from "Skype for Business Basic 2016"."""
    product = cpe_words(split_key(key)[1]).split()
    # "windows" alone is no such word: "Microsoft Windows Desktop Runtime" is not microsoft:windows.
    # A product NVD names with Windows and more, every word of it in the name, is (session 15:
    # "Windows Admin Center 2410" is microsoft:windows_admin_center, not visual_planning:admin_center).
    windows = len(product) >= 3 and product[0] == "windows" and set(product) <= set(kept.split())
    only = {w for w in set(kept.split()) - set(cleaned.split()) if w != "windows" or windows}
    return bool(only & set(product))


def _either(first: list[bool], second: list[bool]) -> list[bool]:
    """Per word, its flag in ``first`` or in ``second`` (one list as it is when the other has none set)."""
    if True not in second:
        return first
    if True not in first:
        return second
    return [a or b for a, b in zip(first, second)]


# "50" and "50cloud" after the maker's name (_company_key): compiled once, not at a first report.
_NUMBER_THEN_LETTERS = re.compile(r"\d+[a-z]*$", re.I)


def _repeats(words: list[str]) -> tuple[int, ...]:
    """Positions of the words that repeat an earlier word with a number (the Windows service
    name "Tomcat9" in "Apache Tomcat 9.0 Tomcat9"), which _trimmed drops whatever else goes."""
    found: tuple[int, ...] = ()
    if not any(map(str.isdigit, map(_LAST, words[1:]))):
        return found  # (most names: no word after the first ends in a digit)
    for i, w in enumerate(words):
        # (One call tells whether an earlier word begins this one: in most names none does.)
        if i and w[-1].isdigit() and w.startswith(tuple(words[:i])):
            for e in words[:i]:
                if w.startswith(e) and w[len(e):].isdigit():
                    found += (i,)
                    break
    return found


def _trimmed(words: list[str], drop: list[bool], repeats: tuple[int, ...] | None = None) -> list[str]:
    """The words without those ``drop`` marks as packaging (one flag per word); with them go an
    "and" between two of them ("Home and Business") and a word that repeats an earlier one with
    a number (the Windows service name in "Apache Tomcat 9.0 Tomcat9"). ``repeats``: _repeats(words),
    when the caller trims the same words several ways (read once)."""
    if repeats is None:
        repeats = _repeats(words)
    if repeats:
        gone = list(drop)
        for i in repeats:
            gone[i] = True
    elif True not in drop:
        return list(words)  # nothing to drop (most names): the rules below only keep words
    else:
        gone = list(drop)
    if "for" in words:
        for i, w in enumerate(words):
            if i and words[i - 1] == "for":
                gone[i] = False  # what a product is for is part of its name ("Skype for Business")
    if "and" in words:
        for i, w in enumerate(words):
            if w == "and" and 0 < i < len(words) - 1 and gone[i - 1] and gone[i + 1]:
                gone[i] = True
    return list(compress(words, map(not_, gone)))  # (the words whose flag is not set)


# What NVD vendor names add to an organisation's name, glued or as words: torproject,
# filezilla-project, skype_technologies, apache_friends (compare "The Tor Project", whose
# cleaned publisher is "tor").
_VENDOR_TAILS = ("project", "foundation", "software", "technologies", "team", "inc", "corp", "labs", "group", "org")
# ... and, on publishers, what a network company's name adds to its vendor name: "F5 Networks"
# is vendor f5, "Juniper Networks" juniper.
_VENDOR_TAILS += ("networks",)
_VENDOR_SPLIT = re.compile(r"[\s_.\-]+")


@lru_cache(maxsize=4096)
def _organisation(vendor: str) -> str:
    """A vendor's name without separators, legal-form and community words: "filezilla-project",
    "filezilla" and "FileZilla Project" are one organisation; so are "pdf-xchange" and "pdf_xchange"."""
    words = [w for w in _VENDOR_SPLIT.split(unquote(vendor).lower()) if w]
    kept = [w for w in words if w not in _PUBLISHER_WORDS] or words
    name = compact("".join(kept))
    for tail in _VENDOR_TAILS:
        if name.endswith(tail) and len(name) > len(tail) + 1:
            return name[: -len(tail)]
    return name


@lru_cache(maxsize=65_536)
def _publisher_agrees(publisher: str, vendor: str) -> bool:
    """The publisher names the CPE vendor: "google" ~ "google", "simon tatham" ~ "simon_tatham",
    "tor" (The Tor Project) ~ "torproject"."""
    p, v = compact(publisher), compact(vendor.removesuffix(" project"))
    if p and p == compact(vendor):
        return True  # spelled alike, even when what is left without " project" is short (r-project, r_project)
    if not p or not v or len(v) < 2:
        return False
    if p == v or p == _organisation(vendor) or (len(v) >= 4 and (p.startswith(v) or v.startswith(p) and len(p) >= 4)):
        return True
    return len(p) > len(v) and _organisation(publisher) == _organisation(vendor)


def _spelled(product: str, text: str) -> float:
    """A small bonus when the words match as written, not only run together: of microsoft:asp.net_core
    and microsoft:aspnetcore, "asp.net core" is the first. Breaks such ties by evidence, not by name."""
    return 0.01 if product == text else 0.0


@lru_cache(maxsize=65_536)
def _carries_vendor(vendor: str, product: str) -> bool:
    """The product's first words are its vendor's name: pdf24:pdf24_creator, pdf-xchange:pdf-xchange_editor."""
    v, words = compact(vendor), product.split()
    return len(v) >= 3 and len(words) >= 2 and any(compact(" ".join(words[:n])) == v for n in range(1, len(words)))


@lru_cache(maxsize=65_536)
def _self_named(vendor: str, product: str) -> bool:
    """The project is its own vendor (wireshark:wireshark, 7-zip:7-zip)."""
    return compact(vendor) == compact(product)


@lru_cache(maxsize=65_536)
def _named_longer(vendor: str, product: str) -> bool:
    """The vendor is the product's name made longer (sumatrapdfreader:sumatrapdf,
    transmissionbt:transmission), but not by a community word: "utilities_project" is any
    project that chose a common word."""
    v, p = compact(vendor), compact(product)
    return len(p) >= 5 and v.startswith(p) and v != p and v[len(p):] not in _VENDOR_TAILS


# Words of a publisher's name too common to tie it to a vendor that contains them ("Delta
# Electronics" is deltaww by "delta", not by "electronics"); the legal and community words are
# gone already (normalize.PUBLISHER_NOISE).
_COMMON_PUBLISHER_WORDS = {
    "electronics", "products", "solutions", "security", "networks", "network", "media", "data", "digital", "cloud",
    "computer", "computers", "computing", "intelligent", "platforms", "global", "dental", "medical", "health",
    "labs", "studio", "studios", "games", "apps", "mobile", "open", "systemes", "automation", "industries",
    "semiconductor", "microsystems", "communications", "research", "services", "consulting", "enterprises", "partners",
}


@lru_cache(maxsize=65_536)
def _named_by_site(vendor: str, product: str) -> bool:
    """Session 16, round 3: the vendor is the product's web site "get<product>" (getkap.co for
    Kap, getmedis.com, getcomposer.org, getgrav.org): NVD names such vendors after the site,
    which is named after the product. Three letters of product at least; the caller also asks
    for a rare product name (at most two product names use its words), as a site named after a
    common word ("getcomposer") does not make "Composer.app" (Jamf's) PHP's Composer."""
    v, p = compact(vendor), compact(product)
    return len(p) >= 3 and v == "get" + p


def _publisher_shares_word(publisher: str, vendor: str) -> str:
    """A distinctive word of the publisher's name that is the vendor's name or a word of it, or
    that the vendor's name begins or ends with a letter or three more ("BlackBerry Cylance" ~
    cylance, "Sirona Dental" ~ dentsply_sirona, "Delta Electronics" ~ deltaww, "Nitro Software"
    ~ gonitro: a company after a merger or with its web domain as NVD's vendor name); or ""."""
    organisation = _organisation(vendor)
    vendor_words = {w for w in _VENDOR_SPLIT.split(unquote(vendor).lower()) if w}
    for word in publisher.split():
        if len(word) < 4 or not word.isalpha() or word in _COMMON_PUBLISHER_WORDS:
            continue
        if word in vendor_words or word == organisation:
            return word
        extra = len(organisation) - len(word)
        if 0 < extra <= 3 and (organisation.startswith(word) or organisation.endswith(word)):
            return word
    return ""


@lru_cache(maxsize=65_536)
def _publisher_first_word(publisher: str, vendor: str) -> str:
    """Session 20: the first word of a publisher of several words that is the vendor's name, or
    that name without an organisation word it adds ("GNU PSPP" ~ gnu, "GE Digital" and "GE
    Vernova" ~ ge, "Horner APG" ~ hornerautomation): a company's division or product team
    signs with the company's short name first; or ""."""
    words = publisher.split()
    if len(words) < 2 or not words[0].isalnum() or words[0] in _COMMON_PUBLISHER_WORDS:
        return ""
    first, said = compact(words[0]), compact(vendor)
    if len(first) < 2 or not said:
        return ""
    if first == said or first == _organisation(vendor):
        return words[0]
    if len(first) >= 4 and said.startswith(first) and (said[len(first):] in _COMMON_PUBLISHER_WORDS
                                                       or said[len(first):] in _VENDOR_TAILS):
        return words[0]
    return ""


@lru_cache(maxsize=65_536)
def _publisher_named_after(publisher: str, product: str) -> bool:
    """The publisher (or a bundle id's company) is the first word of the product's name, or that
    word begins with the publisher's name, as a small vendor names its programs after itself:
    "qt-project" makes "Qt Creator", "Matrikon" MatrikonOPC Explorer, "GoTo" GoToMeeting. Not a
    publisher named after the whole product with more ("postgresapp" makes Postgres.app, which
    is not supabase:postgres): that says the program is called so, not which product it is."""
    said, words = _organisation(publisher), product.split()
    if not said or not words:
        return False
    first = compact(words[0])
    if (len(words) >= 2 and said == first) or (len(said) >= 4 and first.startswith(said) and first != said):
        return True
    # Session 20: or the product's first words run together, as a company named after its
    # program writes them ("oxygenxml", the bundle id's company of "Oxygen XML Editor.app").
    return len(said) >= 6 and len(words) >= 3 and any(compact(" ".join(words[:n])) == said for n in range(2, len(words)))


# The publisher's products are looked up for _vendor_product_around only for a vendor of at most
# this many (Dell files 273): the per-vendor table of a vendor of a thousand (Oracle, IBM,
# Microsoft) cost 2-3 ms in a first report. (Since session 16 the table is built at load for
# every vendor, so the bound costs nothing either way; it stays, as lifting it changes which
# names are identified.)
_AROUND_VENDOR_LIMIT = 300
# A vendor filing this many products or more that also files its own name as a product
# (sage:sage beside sage_300, x3, ...) uses that key for the company, not for one program.
_COMPANY_PRODUCTS = 10
# Words a print driver's Windows entry adds to "Universal": print words and the page
# description languages and variants it is built for (PCL 5/6, PostScript, XPS; Lexmark's "XL").
_PRINT_DRIVER_WORDS = frozenset({"print", "printing", "printer", "driver", "pcl", "pcl5", "pcl6", "ps", "postscript",
                                 "xps", "xl", "v2", "v3", "v4", "6", "5"})
# Organisation words a company's reverse-DNS label and its NVD vendor name differ by
# (com.tableausoftware is tableau; com.wolfram is wolfram_research).
_BUNDLE_VENDOR_TAILS = ("software", "research", "inc", "corp", "labs", "technologies", "systems", "hq")


def vendor_apps(index: CpeIndex) -> dict[str, tuple[int, ...]]:
    """Products NVD names only as a vendor's generic program (_VENDOR_APP_PRODUCTS), by vendor run
    together; computed once per index from those few product names (not from each vendor's products)."""
    apps: dict[str, set[int]] = {}
    for name in {compact(p) for p in _VENDOR_APP_PRODUCTS}:
        for key_id in index.by_product.get(name, ()):
            if split_key(index.keys[key_id])[1] in _VENDOR_APP_PRODUCTS:
                apps.setdefault(compact(index.words(key_id)[0]), set()).add(key_id)
    return {vendor: tuple(sorted(kids)) for vendor, kids in apps.items()}


def shortened_names(index: CpeIndex) -> dict[str, tuple[int, ...]]:
    """Every vendor's current products by the names marketing may shorten them to (see
    DisplayNames._vendor_product_around), keyed by the vendor run together, a space and the
    shortened name's words ("apple logic pro" holds apple:logic_pro_x). Built once per feed
    with the index (CpeIndex.shortened, about 56,000 names from 70,000 products at full scale):
    the first report that asked about a vendor used to build that vendor's part (Dell's 273
    products, 0.6 ms)."""
    table: dict[str, tuple[int, ...]] = {}

    def add(name: str, key_id: int) -> None:
        # (A tuple grown by one, not a list: most names are one product's.)
        table[name] = table.get(name, ()) + (key_id,)

    for vendor, kids in index.by_vendor.items():  # in key order; current products only
        for key_id in kids:
            words = index.words(key_id)[1].split()
            if len(words) < 2:
                continue  # (none for a one-word product)
            # After the name only what marketing names leave off: an edition or kind of program,
            # a letter or number ("logic pro x"); not another word that makes another product
            # ("app store connect" is not the App Store). One word off, then two.
            last = words[-1]
            one_after = (len(last) <= 2 or last in _AFTER_A_NAME) and last not in _NOT_MORE
            if one_after:
                add(f"{vendor} {' '.join(words[:-1])}", key_id)
            # Before the name a brand ("intune"), not a platform ("windows migration assistant"),
            # a part word or "for" (google:bazel_for_android_studio).
            one_before = words[0] not in _NOT_BEFORE
            if one_before:
                add(f"{vendor} {' '.join(words[1:])}", key_id)
            if len(words) > 2:
                second = words[-2]
                if one_after and (len(second) <= 2 or second in _AFTER_A_NAME) and second not in _NOT_MORE:
                    add(f"{vendor} {' '.join(words[:-2])}", key_id)
                if one_before and words[1] not in _NOT_BEFORE:
                    add(f"{vendor} {' '.join(words[2:])}", key_id)
    return table


class DisplayNames:
    """Display names read with their publisher (Windows programs, macOS apps, Homebrew casks read
    as words); shares the identifier's product choice among products of one name."""

    def __init__(self, identifier: Identifier) -> None:
        self.ids = identifier
        self.index = identifier.index
        self._candidate_cache: dict[tuple[str, str, bool], list[_Candidate]] = {}
        # Many display names of one report clean to the same words ("Mozilla Firefox 128" and
        # "Mozilla Firefox (x64 en-US)"): a cleaned name is identified once per publisher.
        self._name_cache: dict[tuple[str, str, bool, bool], Identification | Unidentified] = {}
        # Per vendor asked about, its products by their words' initials (_initials); bounded
        # by the number of NVD vendors.
        self._forms: dict[str, dict[str, list[int]]] = {}
        self._first_cache: dict[tuple[str, str, bool], Identification | Unidentified | None] = {}
        # Per publisher: the vendor its initials name ("" for none) and whether the publisher itself
        # is an NVD vendor (_initials_vendor asks for every name refused with a publisher).
        self._initials_cache: dict[str, tuple[str, bool]] = {}
        # Per publisher its cleaned name (clean_publisher): a report's programs share few publishers.
        self._publishers: dict[str, str] = {}

    def app(self, item: SoftwareItem, platform: Platform) -> Identification | Unidentified:
        """A macOS app: its name, with the vendor its bundle id names when no publisher was sent.

        A release channel after the name ("Xcode-beta", "Microsoft Edge Dev", "Safari Technology
        Preview") is a build of the app the rest names, read first without it; failing the name,
        the bundle id's own words may name the vendor's product (``_bundle_product``), and a
        coined one-word name may name a lone ``<name>_project`` product (``_coined_project``)."""
        name = app_name(item.name)
        platform_named = _FOR_MAC.search(name)
        if platform_named and platform_named.start() > 0:
            found = self._app(item, name[:platform_named.start()], platform)
            if isinstance(found, Identification):
                return Identification(found.key, found.method, min(found.score, 0.9),
                                      f"'{platform_named.group(0).strip()}' names the platform: {found.evidence}")
        browser = _FOR_BROWSER.search(name)
        if browser and browser.start() > 0:
            found = self._app(item, name[:browser.start()], platform)
            if isinstance(found, Identification):
                return self._browser_extension(found, browser.group(1))
        channel = _CHANNEL.search(name)
        if channel and channel.start() > 0:
            found = self._app(item, name[:channel.start()].rstrip(" -"), platform)
            if isinstance(found, Identification):
                return Identification(found.key, "fuzzy", min(found.score, 0.9),
                                      f"'{channel.group(0).strip(' -')}' is a release channel of the app: {found.evidence}")
        return self._app(item, name, platform)

    def _browser_extension(self, found: Identification, browser: str) -> Identification:
        """The product's browser extension where NVD files one apart, under the product's key or
        another of its names (1password:1password_in_the_browser beside agilebits:1password); else
        the product itself ("Grammarly for Safari" is grammarly:grammarly)."""
        index = self.index
        product = split_key(found.key)[1]
        for suffix in _EXTENSION_SUFFIXES + ("_for_" + browser.lower().split()[-1],):
            # Looked up by the extension's product name (a vendor's other name may file it:
            # 1password, where the alias reads the app as agilebits:1password); one product only.
            kids = [k for k in index.by_product.get(compact(cpe_words(product + suffix)), ()) if k in index.current]
            if len(kids) == 1:
                key = index.keys[kids[0]]
                return Identification(key, "fuzzy", min(found.score, 0.9), f"'for {browser}' names the browser "
                                      f"extension, which NVD files as {key}: {found.evidence}")
        return Identification(found.key, "fuzzy", min(found.score, 0.9),
                              f"'for {browser}' names the browser the product's extension is for: {found.evidence}")

    def _app(self, item: SoftwareItem, name: str, platform: Platform) -> Identification | Unidentified:
        vendor = bundle_vendor(item.bundle_id) if item.bundle_id else ""
        last = item.bundle_id.rsplit(".", 1)[-1]
        if vendor and last.isdigit() and len(last) <= 2 and not name[-1:].isdigit():
            # A bundle id that ends in a number names the major version the app is built as
            # ("com.sublimetext.4"): read like "Transmit 5.app", kept only when NVD names a
            # product with it (sublimetext:sublime_text_4), dropped by the cleaning otherwise.
            name = f"{name} {last}"
        if not item.vendor and vendor:
            found = self._bundle_vendors_app(item, name, vendor, platform)
            if isinstance(found, Identification):
                return found
            if compact(vendor) in self.index.by_vendor:
                # The bundle id names an NVD vendor (com.apple.Weather): a product of another
                # vendor that only shares the name is not this program.
                return Unidentified(f"{found.reason} (bundle id {item.bundle_id} names vendor '{vendor}')")
        found = self.identify(name, item.vendor, platform)
        if isinstance(found, Unidentified) and not item.vendor:
            return (self._coined_project(name) or self._hosted_project(item.bundle_id, name)
                    or self._makers_app(name) or found)
        return found

    def _makers_app(self, name: str) -> Identification | None:
        """Session 16, round 3: a Mac app named only as its maker is named, five letters or more,
        no publisher to say otherwise ("Enpass.app", "Asana.app"): the maker's one installed
        program (_makers_program: enpass:desktop_application, asana:desktop)."""
        named = compact(clean_display_name(name))
        if len(named) < 5 or named not in self.index.by_vendor:
            return None
        return self._makers_program(self.index.words(self.index.by_vendor[named][0])[0])

    def _hosted_project(self, bundle_id: str, name: str) -> Identification | None:
        """An app whose bundle id is a hosting site's ("net.sourceforge.Hugin", "com.github.atom")
        with the app's own name as a later label: a project hosted there, not a company, which
        is what NVD's "<name>_project" vendors are. Taken when the name names exactly one NVD
        product and only such a vendor files it (the check _coined_project makes for coined
        names; "Skim.app" of net.sourceforge.skim-app.skim names no "skim_project")."""
        labels = [p for p in bundle_id.strip().lower().split(".") if p]
        if len(labels) < 3 or labels[1] not in HOSTING_SITES:
            return None
        named = compact(name)
        if len(named) < 3 or named not in {compact(label) for label in labels[2:]}:
            return None
        key_id = self._lone_project(named)
        if key_id is None:
            return None
        return Identification(self.index.keys[key_id], "fuzzy", 0.86,
                              f"bundle id {bundle_id} names '{name}' as a project hosted on {labels[1]}, and the one "
                              f"NVD product of that name is the project's ({self.index.keys[key_id]})")

    def _bundle_vendors_app(self, item: SoftwareItem, name: str, vendor: str, platform: Platform) -> Identification | Unidentified:
        """The app read with the vendor its bundle id names, then, failing that, with the one
        other NVD spelling of that company (_spelled_vendor)."""
        found = first = self.identify(name, vendor, platform)
        if isinstance(found, Identification):
            return Identification(found.key, found.method, found.score,
                                  found.evidence + f" (vendor '{vendor}' from bundle id {item.bundle_id})")
        if compact(vendor) in self.index.by_vendor:
            found = (self._bundle_product(item.bundle_id, vendor, name) or self._vendor_product_around(vendor, name)
                     or self._mac_build(vendor, name))
            if found is not None:
                return found
        other = self._spelled_vendor(vendor)
        if other:
            found = self.identify(name, other, platform)
            if not isinstance(found, Identification):
                found = self._bundle_product(item.bundle_id, other, name) or self._vendor_product_around(other, name)
            # Only that vendor's own product: one both spellings file is as ambiguous as before
            # (skype:skype and skype_technologies:skype for com.skype.skype).
            if isinstance(found, Identification) and compact(split_key(found.key)[0]) == compact(other):
                return Identification(found.key, found.method, min(found.score, 0.9),
                                      found.evidence + f" (bundle id {item.bundle_id} names '{vendor}', which NVD also "
                                      f"spells '{other}')")
        return first

    def _spelled_vendor(self, vendor: str) -> str:
        """The other NVD vendor a bundle id's company label names when NVD spells the company
        with and without an organisation word: "com.tableausoftware" is tableausoftware and
        tableau, "com.wolfram" wolfram and wolfram_research. Only when exactly one such vendor
        exists, else "". A few dictionary lookups, no scan."""
        by_vendor, said = self.index.by_vendor, compact(vendor)
        found = {said[: -len(tail)] for tail in _BUNDLE_VENDOR_TAILS
                 if said.endswith(tail) and len(said) - len(tail) >= 3 and said[: -len(tail)] in by_vendor}
        found |= {said + tail for tail in _BUNDLE_VENDOR_TAILS if said + tail in by_vendor}
        if len(found) != 1:
            return ""
        return self.index.words(by_vendor[found.pop()][0])[0]

    def _bundle_product(self, bundle_id: str, vendor: str, name: str) -> Identification | None:
        """The product of the bundle id's vendor that a later word of the bundle id spells, when
        the app's name does not name it: Apple's guidance is a reverse-DNS id of the company
        and then the app ("net.maxon.cinema4d" is maxon:cinema_4d for "Cinema 4D.app",
        "ru.yandex.desktop.yandex-browser" yandex:yandex_browser for "Yandex.app"). A trailing
        build number comes off ("com.techsmith.camtasia2023"). Only when the name is the
        product's name shortened (the id says more than the name; "Android Studio" of
        com.google.android.studio is not google:android, "Skype" of com.skype.skype chooses
        nothing the name did not) and exactly one product of the vendor is so spelled."""
        index, said = self.index, compact(vendor)
        named = compact(clean_display_name(name))
        if len(named) < 3:
            return None
        kids: set[int] = set()
        for word in [w for w in bundle_id.strip().lower().split(".") if w][2:]:
            for text in dict.fromkeys((word, word.rstrip("0123456789"))):
                for key_id in index.by_product.get(compact(text), ()):
                    product = compact(index.words(key_id)[1])
                    # The name shortens the product's, or is only its maker's ("Wolfram.app",
                    # com.wolfram.Mathematica: Wolfram Research renamed Mathematica after
                    # itself in 2024), when the id's word spells the product exactly.
                    if (key_id in index.current and compact(index.words(key_id)[0]) == said
                            and product != named and (product.startswith(named)
                                                      or (said.startswith(named) and product == compact(text)))):
                        kids.add(key_id)
        key_id = self._one_of(kids)
        if key_id is None:
            return None
        how = "begins" if compact(index.words(key_id)[1]).startswith(named) else "names only by its maker"
        return Identification(index.keys[key_id], "fuzzy", 0.88,
                              f"bundle id {bundle_id} names vendor '{vendor}' and its product '{index.words(key_id)[1]}', "
                              f"which the app's name '{name}' {how}")

    def _mac_build(self, vendor: str, name: str) -> Identification | None:
        """Session 20: the bundle id's vendor's one product named the app's name "for Mac", where
        NVD files only the Mac build under a name of its own ("PrivilegeManagement.app" of
        com.beyondtrust.privilegemanagement is beyondtrust:privilege_management_for_mac). Two
        lookups, only for an app nothing else named."""
        index, said = self.index, compact(vendor)
        named = compact(clean_display_name(name))
        if len(named) < 4:
            return None
        for platform in ("for mac", "for macos"):
            kids = {k for k in index.by_product.get(compact(f"{named} {platform}"), ())
                    if k in index.current and compact(index.words(k)[0]) == said}
            key_id = self._one_of(kids)
            if key_id is not None:
                return Identification(index.keys[key_id], "fuzzy", 0.88,
                                      f"the bundle id's vendor '{vendor}' files the app's name '{name}' {platform} as "
                                      f"{index.keys[key_id]}, its Mac build")
        return None

    def _vendor_product_around(self, vendor: str, name: str) -> Identification | None:
        """The one product of the bundle id's vendor whose name is the app's name with a brand
        word or two before it, or an edition, kind of program, letter or number after it, as
        marketing names shorten NVD's ("Logic Pro" of
        com.apple.logic10 is apple:logic_pro_x, "Company Portal" of com.microsoft.CompanyPortalMac
        microsoft:intune_company_portal). The vendor's name in front of the app's name comes off
        first. None when no product or several are so named, or when a word more makes another
        product ("App Store" is not apple:app_store_connect), a part of a
        product (an installer, a helper, a plug-in) or says what it is for
        (google:bazel_for_android_studio is not "Android Studio"). Looked up in a per-vendor
        table built with the index (shortened_names), not by a scan per name."""
        index, said = self.index, compact(vendor)
        words = cpe_words(clean_display_name(name)).split()
        if words and compact(words[0]) == said:
            words = words[1:]
        if not words or len(compact(" ".join(words))) < 4:
            return None
        kids = set(index.shortened.get(f"{said} {' '.join(words)}", ()))
        key_id = self._one_of(kids)
        if key_id is None:
            return None
        return Identification(index.keys[key_id], "fuzzy", 0.86,
                              f"the bundle id's vendor '{vendor}' has one product named '{' '.join(words)}' with a word or two "
                              f"more: '{index.words(key_id)[1]}'")

    def _coined_project(self, name: str) -> Identification | None:
        """A one-word app name written as a coined compound ("ImageOptim", "MacDown": capitals
        inside the word) that names exactly one NVD product, filed under the vendor
        "<name>_project" only. Such a vendor is usually too weak without a publisher (a
        project that chose a common word, _name_alone_doubt); a coined compound is no common
        word, as a Homebrew formula's project name is not (packages.py takes any single product
        for Homebrew)."""
        key_id = self._lone_project(compact(name)) if _COINED.match(name) else None
        if key_id is None:
            # ... or a vendor spelled like it that files one product of it under a descriptive
            # name (session 15: "KiCad.app" is kicad:kicad_eda, as Homebrew's kicad).
            return self.ids._vendors_product(name) if _COINED.match(name) else None
        return Identification(self.index.keys[key_id], "fuzzy", 0.86,
                              f"'{name}' is a coined name (capitals inside one word) that names exactly one NVD product, "
                              f"of the project named after it ({self.index.keys[key_id]}); no publisher to say otherwise")

    def _lone_project(self, named: str) -> int | None:
        """The key of the one current product named ``named`` (run together) when only
        "<name>_project" vendors file it and no ecosystem claims it; else None."""
        index = self.index
        kids = tuple(k for k in index.by_product.get(named, ()) if k in index.current)
        if not kids or len({index.equivalents(k) for k in kids}) != 1 or any(index.ecosystem.get(k) for k in kids):
            return None
        if not all(compact(split_key(index.keys[k])[0]) == named + "project" for k in kids):
            return None
        return index.primary(kids)

    def _persons_coined_project(self, name: str, publisher: str) -> Identification | None:
        """Session 17: a one-word coined name (capitals or digits inside it: "USBPcap" by Tomasz
        Mon, "Tftpd64" by Ph. Jounin) by a publisher NVD does not know, a person: the one product
        of that name filed only under "<name>_project", NVD's vendor for one person's project.
        Such a vendor is too weak for a common word another project chose (_name_alone_doubt);
        a coined word is none (as _coined_project reads Mac apps)."""
        cleaned = clean_display_name(name)
        if " " in cleaned or len(cleaned) < 5 or not _COINED_OR_NUMBERED.search(name):
            return None
        key_id = self._lone_project(compact(cleaned))
        if key_id is None:
            return None
        return Identification(self.index.keys[key_id], "fuzzy", 0.86,
                              f"'{cleaned}' is a coined name (capitals or digits inside one word) that names exactly one NVD "
                              f"product, of the project named after it ({self.index.keys[key_id]}); publisher '{publisher}' "
                              "is no NVD vendor to say otherwise")

    def identify(self, name: str, publisher: str, platform: Platform, display: bool = True) -> Identification | Unidentified:
        """A program's display name with its publisher; ``display`` is False for names that name
        their product more plainly (a Homebrew cask's name read as words)."""
        found = self._identify(name, publisher, platform, display)
        # (Whether found is an Identification, read once and kept with each reassignment below:
        # found is always an Identification or an Unidentified.)
        known = not isinstance(found, Unidentified)
        if not known and display and publisher:
            initials = self._initials_vendor(publisher, name)
            if initials:
                # A publisher written out whose initials are its NVD vendor ("Environmental
                # Systems Research Institute, Inc." is esri, "Advanced Micro Devices" amd): read
                # again with the vendor's name, which must then name the product as usual.
                again = self._identify(name, initials, platform, display)
                if isinstance(again, Identification):
                    found, known = Identification(again.key, "fuzzy", min(again.score, 0.93),
                                                  again.evidence + f" (publisher '{publisher}' is vendor '{initials}' by its initials)"), True
        if known and display and found.method != "alias":
            company = self._company_key(found.key, name)
            if company:
                return Unidentified(company)
        if (not known and display and publisher and platform.family != "macos"
                and compact(self._publishers.get(publisher) or clean_publisher(publisher)) not in self.index.by_vendor):
            project = self._persons_coined_project(name, publisher)
            if project is not None:
                found, known = project, True
        if not known and display and platform.family != "macos":
            # Session 19: a release channel after a Windows program's name, as after a Mac app's
            # (DisplayNames.app): "Microsoft Edge Dev" is the Dev channel's build of Edge. Read
            # only when the whole name names nothing ("dev" is no edition word elsewhere).
            stripped = name.strip()
            channel = _CHANNEL.search(stripped) if not stripped.isascii() or stripped.lower().endswith(_CHANNEL_ENDINGS) else None
            if channel and channel.start() > 0:
                again = self._identify(stripped[:channel.start()].rstrip(" -"), publisher, platform, display)
                if isinstance(again, Identification):
                    found, known = Identification(again.key, "fuzzy", min(again.score, 0.9), f"'{channel.group(0).strip(' -')}' "
                                                  f"is a release channel of the program: {again.evidence}"), True
            edition = _NAMED_EDITION.search(name) if not known and "dition" in name else None
            if edition and edition.start() > 0:
                # Session 21: "<word> Edition" after a program's name names an edition of it
                # ("Tftpd64 Service Edition", "Microsoft Flight Simulator X: Steam Edition"), whatever
                # the word; read only when the whole name names nothing. (A Mac app's build words are
                # read by DisplayNames.app.)
                again = self.identify(name[:edition.start()].rstrip(" -:"), publisher, platform, display)
                if isinstance(again, Identification):
                    found, known = Identification(again.key, "fuzzy", min(again.score, 0.9), f"'{edition.group(1)}' names an "
                                                  f"edition of the program: {again.evidence}"), True
        note = _INSTALLER_NOTE.search(name) if "(" in name and known else None
        if note:
            # The cleaning drops bracketed notes, but this one says what the entry is: the
            # installer that puts the product on new user profiles, not the product.
            return Unidentified(f"'{name}' is the {note.group(1).lower()} of {found.key}, not the product")
        return found

    def _company_key(self, key: str, name: str) -> str:
        """Why a program named by its maker's name and a number is not the maker's company-named
        key, or "" (session 17). "Sage 50" and "Sage 50cloud Accounts" (Sage's accounting line)
        clean to "sage", the key sage:sage that a vendor filing many products gives its own name:
        NVD's name for the company's products at large, not for the program the number names."""
        words = name.split(None, 2)  # (only the first two words are read)
        if len(words) < 2 or not words[1][:1].isdecimal():
            return ""  # (most names: the second word is no number)
        vendor, product = split_key(key)
        if (compact(vendor) != compact(product) or compact(words[0]) != compact(vendor)
                or not _NUMBER_THEN_LETTERS.match(words[1])):
            return ""
        key_id = self.index.key_id.get(key)
        if key_id is None or self.index.vendor_products(key_id) < _COMPANY_PRODUCTS or self.index.cve_count(key_id):
            return ""
        return (f"'{name}' is named by its maker's name and '{words[1]}', a program of its line, not {key}, the key NVD gives "
                f"the company's own name ('{vendor}' files {self.index.vendor_products(key_id)} products; no CVE uses {key})")

    def _siblings(self, one: str, other: str) -> int:
        """How many product names two NVD vendors share and no other vendor files, when they are
        one organisation under two names (a company and its renamed or split-off part: hp and
        hpe, filemaker and claris): at least two, and a tenth of the smaller vendor's products;
        else 0. Two big vendors share a few names (microsoft and ibm: forms_server), too few of
        theirs. Counted on the smaller vendor's keys, from ``CpeIndex.sibling_names`` (built
        once per index)."""
        if one == other:
            return 0
        pair = (one, other) if one < other else (other, one)
        counts = self.index.sibling_names.get(pair)
        if counts is None:
            return 0
        index = self.index
        mine, theirs = len(index.by_vendor.get(one, ())), len(index.by_vendor.get(other, ()))
        smaller = one if mine <= theirs else other
        shared = counts[0] if smaller == pair[0] else counts[1]
        return shared if shared >= 2 and 10 * shared >= min(mine, theirs) else 0

    def _initials_vendor(self, publisher: str, name: str) -> str:
        """The NVD vendor that a publisher of three words or more writes out by its initials
        (legal forms aside), when the publisher's own name is no vendor or the program's name
        begins with the initials ("HPE Smart Storage Administrator" by Hewlett Packard
        Enterprise, which NVD also lists as a vendor of three products); or ""."""
        found = self._initials_cache.get(publisher)
        if found is None:
            if len(self._initials_cache) > self.ids.CACHE_LIMIT:
                self._initials_cache.clear()
            found = self._initials_cache[publisher] = self._publishers_initials(publisher)
        initials, named = found
        if not initials or (named and name.split()[0].lower() != initials):
            return ""
        return initials

    def _publishers_initials(self, publisher: str) -> tuple[str, bool]:
        """The NVD vendor a publisher's initials name ("" if none), and whether the publisher's
        own name is an NVD vendor too (what _initials_vendor reads of the publisher alone)."""
        if "<" in publisher or "@" in publisher:
            return "", False  # a person with an address (package maintainers), not an organisation
        words = [w for w in _INITIAL_SPLIT.split(publisher.lower()) if w and w not in _LEGAL_FORMS]
        if len(words) < 3 or not all(w.isalpha() for w in words):
            return "", False
        initials = "".join(w[0] for w in words)
        if initials not in self.index.by_vendor:
            return "", False
        return initials, compact(clean_publisher(publisher)) in self.index.by_vendor

    def _identify(self, name: str, publisher: str, platform: Platform, display: bool) -> Identification | Unidentified:
        aliases = self.index.aliases
        raw = name.strip().lower()
        said = self._publishers.get(publisher)
        if said is None:
            if len(self._publishers) > self.ids.CACHE_LIMIT:
                self._publishers.clear()
            said = self._publishers[publisher] = clean_publisher(publisher)
        cleaned, kept = clean_display_names(name)
        for text in (raw, cleaned):
            if text in aliases.never:
                return Unidentified(f"'{name}' is a look-alike, not a product with CVEs: {aliases.never[text]}")
        first: Unidentified | None = None
        # A product NVD names with words the cleaning drops ("for windows", a major number)
        # is taken when the name with those words names it outright.
        if kept != cleaned:
            found = self._from_name(kept, said, platform, display)
            if isinstance(found, Identification) and (found.method != "fuzzy" or _keeps_product_words(found.key, kept, cleaned)):
                return found
        # The whole name first; then, for "Product - Component" names, the product part.
        part = main_part(name)
        # "WebAdvisor by McAfee": the publisher's name after "by" is a byline, not the product's.
        head, by, maker = cleaned.partition(" by ") if display and said else ("", "", "")
        byline = head if by and head and compact(maker) == compact(said) else ""
        part_cleaned = part and clean_display_name(part)  # (read again below for the publisher's product)
        for text in filter(None, (cleaned, part_cleaned, byline)):
            found = self._from_name(text, said, platform, display)
            if isinstance(found, Identification):
                return found
            first = first or found
        # (The pattern is run only for a name ending in one of its words.)
        glued = _GLUED_PIECE.match(name.strip()) if display and name.strip().endswith(("Agent", "Client", "Service")) else None
        if glued:
            # A piece word glued to the product's name in CamelCase ("AteraAgent", "NinjaRMMAgent"):
            # read as the two words, so the piece rules apply.
            found = self._from_name(clean_display_name(f"{glued.group(1)} {glued.group(2)}"), said, platform, display)
            if isinstance(found, Identification):
                return found
        if display and " with " in cleaned:
            # "X with Y" is program X bundled with Y ("Ruby 3.3.4-1-x64 with MSYS2", "Eclipse
            # Temurin JDK with Hotspot" and its HotSpot virtual machine): X names the product.
            found = self._from_name(cleaned.partition(" with ")[0], said, platform, display)
            if isinstance(found, Identification):
                return Identification(found.key, "fuzzy", round(found.score - 0.02, 3),
                                      f"'{cleaned}' is '{cleaned.partition(' with ')[0]}' with something bundled: {found.evidence}")
        # (The case-blind pattern needs the words; a non-ASCII name always runs it, as re.I folds
        # a few non-ASCII letters into ASCII ones.)
        built = _BUILD_OF.search(name) if display and (not name.isascii() or "build of" in name.lower()) else None
        if built:
            # "<Builder> Build of <Product>" ("Microsoft Build of OpenJDK with Hotspot"): the
            # builder, also the publisher, distributes the product; the product is after "of".
            product = clean_display_name(built.group(1))
            # Read as a name that names its product plainly (display=False): it is the product's own name.
            found = self._from_name(product.partition(" with ")[0], "", platform, False)
            if isinstance(found, Identification):
                return Identification(found.key, "fuzzy", round(min(found.score, 0.95) - 0.05, 3),
                                      f"'{name.strip()}' is the publisher's build of '{product}': {found.evidence}")
        if cleaned and (not display or any(w.lower() not in _NOT_INITIALS for w in _ABBREVIATION.findall(name.strip(), 1))):
            # Last, a name that abbreviates its vendor's product by initials, written in capitals
            # after the first word ("Microsoft Azure CLI"; a cask's name is all lower case). A
            # first word in capitals is the vendor's own name ("AMD Software", "HP Smart").
            words = cleaned.split()
            found = self._abbreviated(words, said)
            # ... also after its edition words and year ("Microsoft Office LTSC Standard 2021" is
            # microsoft:office_long_term_servicing_channel, LTSC Microsoft's abbreviation).
            trimmed = _trimmed(words, [w in _EDITION_WORDS or (w[:2] in ("19", "20") and _YEAR.match(w) is not None)
                                      for w in words]) if not found else []  # (_is_year inline)
            if trimmed and len(trimmed) < len(words):
                found = [_Candidate(c.key_id, round(c.score - 0.02, 3), c.evidence + f", after dropping edition words from "
                                    f"'{cleaned}'", True) for c in self._abbreviated(trimmed, said)]
            if found:
                best = found[0]
                return Identification(self.index.keys[best.key_id], "fuzzy", best.score, best.evidence)
        if display and said:
            for text in filter(None, (cleaned, part_cleaned)):
                found = self._named_first(text.split(), said, platform)
                if found is not None:
                    return found
            found = self._family_product(cleaned, said)
            if found is not None:
                return found
            coined = bool(_COINED_WORD.search(name))
            if coined or (" " in cleaned and platform.family != "macos"):
                # (On a Mac the publisher is the bundle id's company, no publisher the user's
                # system lists: session 14 found "Another Redis Desktop Manager.app" so.)
                stranger = self._unknown_publishers_product(cleaned, said, coined, platform.family != "macos")
                if stranger is not None:
                    return Identification(self.index.keys[stranger.key_id], "fuzzy", stranger.score, stranger.evidence)
            if compact(cleaned) == compact(said):
                # A program named only by its maker, whose one product of it NVD names more
                # fully (session 15: "KiCad 7.0.10" by KiCad is kicad:kicad_eda), or the maker's
                # one installed program (Zscaler is zscaler:client_connector).
                found = self.ids._vendors_product(cleaned) or self._makers_program(said)
                if found is not None:
                    return found
            if "universal" in cleaned:
                found = self._universal_print_driver(cleaned, said)
                if found is not None:
                    return found
        return first or Unidentified(f"nothing to identify in '{name}'")

    def _family_product(self, cleaned: str, publisher: str) -> Identification | None:
        """Session 20: a name without its product family's word, which the publisher's vendor
        files with it ("S7-PLCSIM" by Siemens is siemens:simatic_s7-plcsim, "STEP 7-Micro/WIN
        SMART" simatic_step_7_micro/win_smart): the one product of the vendor named so, with a
        family word of CpeIndex.families. A few lookups, only for a name nothing else identified."""
        index = self.index
        if not cleaned or not publisher or cleaned.split(" ", 1)[0] in index.by_vendor:
            return None
        if " " not in cleaned and index.word_uses.get(cleaned, 0) > _RARE_WORD:
            return None  # one common word ("Update" by Microsoft is no microsoft:edge_update)
        said = compact(publisher)
        vendor = said if said in index.by_vendor else compact(publisher.split(" ", 1)[0])
        families = index.families.get(vendor)  # (CpeIndex.families, counted at load)
        if not families:
            return None
        found: set[int] = set()
        named = compact(cleaned)  # (compact() runs words together letter by letter: family + name is compact(family) + named)
        for family in families:
            if cleaned.startswith(family + " ") or cleaned == family:
                return None  # (the name has its family word and named no product)
            kids = index.by_product.get(compact(family) + named)
            if kids:
                found.update(k for k in kids if k in index.current and compact(index.words(k)[0]) == vendor)
        one = self._one_of(found)
        if one is None:
            return None
        family = index.words(one)[1].split(" ", 1)[0]
        return Identification(index.keys[one], "fuzzy", 0.9,
                              f"'{cleaned}' is product '{index.words(one)[1]}' of vendor '{index.words(one)[0]}' without "
                              f"its family word '{family}', which begins {FAMILY_PRODUCTS} or more of the vendor's "
                              f"products; publisher '{publisher}' names the vendor")

    def _makers_program(self, vendor: str) -> Identification | None:
        """The one product of a vendor whose name says it is an installed program (a kind of
        program: client, desktop, app, agent, ...), for a program named only by its maker:
        "Zscaler" by Zscaler is zscaler:client_connector, not its cloud services or proxy. None
        when the vendor files none or several such products."""
        index = self.index
        kids = {k for k in index.vendor_keys(vendor) if k in index.current
                and any(w in _PROGRAM_KINDS for w in index.words(k)[1].split())}
        key_id = self._one_of(kids)
        if key_id is None:
            return None
        return Identification(index.keys[key_id], "fuzzy", 0.86,
                              f"the program is named only by its maker '{vendor}', whose one installed program NVD files is "
                              f"'{index.words(key_id)[1]}'")

    def _universal_print_driver(self, cleaned: str, publisher: str) -> Identification | None:
        """A printer maker's universal print driver, which Windows lists by the maker's brand,
        "Universal", print words and the page description language it speaks ("Lexmark
        Universal v2 XL", "HP Universal Printing PCL 6"): NVD files it as the publisher's
        universal_print_driver (hp, lexmark, epson, samsung). Nothing else may be in the name
        ("HP Smart Universal Printing" is another program)."""
        words = cleaned.split()
        vendor = compact(publisher)
        while words and compact(words[0]) in (vendor, compact(publisher.split()[0]) if publisher else ""):
            words = words[1:]
        if [w for w in words if w not in _PRINT_DRIVER_WORDS] != ["universal"]:
            return None
        key_id = next((k for k in self.index.by_product.get("universalprintdriver", ())
                       if k in self.index.current and compact(self.index.words(k)[0]) == vendor), None)
        if key_id is None:
            return None
        return Identification(self.index.keys[key_id], "fuzzy", 0.88,
                              f"'{cleaned}' is the publisher's universal print driver by the words Windows lists it with, "
                              f"and vendor '{self.index.words(key_id)[0]}' files {self.index.keys[key_id]}")

    def _named_first(self, words: list[str], publisher: str, platform: Platform) -> Identification | Unidentified | None:
        """A name that is a product of the publisher's vendor followed by words NVD files no
        product for: an edition, role, component or servicing word the other rules do not know
        ("Microsoft SQL Server 2019 LocalDB", "APC PowerChute Serial Shutdown for Business",
        "Revit 2024.2 Hotfix", "Bentley View CONNECT Edition"). The longest product the name
        starts with is taken, and only when the publisher names its vendor; a longest product
        of another vendor, a vendor's generic program, a part word among the extra words or
        extra words that name another product of that vendor refuse. None if the name is no such thing."""
        yearly = _is_year(words[-1])  # (a release year last: see _named_first_uncached)
        while len(words) > 1 and _is_number(words[-1]):
            words = words[:-1]  # a trailing number is a release, which the number pass read already
        cache_key = (" ".join(words), publisher, platform.family == "macos", yearly)
        if cache_key in self._first_cache:
            return self._first_cache[cache_key]
        if len(self._first_cache) > self.ids.CACHE_LIMIT:
            self._first_cache.clear()
        found = self._first_cache[cache_key] = self._named_first_uncached(words, publisher, platform, yearly)
        return found

    def _named_first_uncached(self, words: list[str], publisher: str, platform: Platform,
                              yearly: bool = False) -> Identification | Unidentified | None:
        index = self.index
        # At most three extra words: a longer tail is more than a tag on the product's name.
        for end in range(len(words) - 1, max(0, len(words) - 4), -1):
            head, extra = words[:end], words[end:]
            if _is_year(head[-1]) and end == 1:
                return None
            found = self._from_name(" ".join(head), publisher, platform)
            if not isinstance(found, Identification):
                continue
            vendor, product = split_key(found.key)
            if compact(" ".join(head)) == compact(publisher) and not _self_named(vendor, product):
                return None  # what is left is only the publisher's name, not a product named after itself
            if product in _VENDOR_APP_PRODUCTS or not _publisher_agrees(publisher, vendor):
                return None  # the longest product the name begins with is not the publisher's
            named = head
            while len(named) > 1 and compact(named[0]) in (compact(vendor), compact(publisher)):
                named = named[1:]
            own = set(cpe_words(product).split())
            itself = not any(w not in own and not _is_year(w) and w not in _EDITION_WORDS for w in named)
            tagged = all(w in _GENERIC_TAIL or _build_tag(w) for w in extra) or _build_tag(extra[0])
            # Session 16: a name that ends in a year is a yearly release of a commercial product,
            # whose words between the product and the year name its edition or product line
            # ("CorelDRAW Graphics Suite 2023", "QuickBooks Desktop Accountant 2024", "AVEVA
            # InTouch HMI 2023"), not another program. Not words after the year ("QuickBooks
            # 2024 Tool Hub": a tool of that release), a piece that carries code ("Autodesk
            # Revit Content Libraries 2024"), another kind of program ("Skype Meeting App 2016"
            # is not microsoft:skype; "Desktop" is the installed edition of a product also sold
            # online: QuickBooks Desktop), or the vendor's own name as a product
            # ("Sage 50 Accounting - US Edition 2024" is not sage:sage).
            released = (yearly and compact(product) != compact(vendor)
                        and not any(w in _CODE_PART_WORDS or (w in _PROGRAM_KINDS and w != "desktop") for w in extra))
            # Session 16: a project named after itself is its server: "Jellyfin Server" is
            # jellyfin:jellyfin, "Orthanc Server" orthanc-server:orthanc (NVD files a desktop
            # client apart: mattermost:mattermost_desktop); a remote desktop project's is its
            # viewer ("TigerVNC Viewer.app" is tigervnc:tigervnc). Not a telephone system's
            # phone: set 16's adjudicated labels call "3CX Phone for Windows" no 3cx:3cx. Not a
            # product read by a hand alias, which names an installed program (TeamViewer,
            # AnyDesk), not a project.
            served = (extra in (["server"], ["viewer"]) and found.method != "alias"
                      and (_self_named(vendor, product) or _named_longer(vendor, product)))
            # Session 18: ... unless the product's one word is a coined name no other current NVD
            # product uses ("FineReader", "Archicad", "ZOC", "FSLogix", "Lacerte"): then the words
            # after it ("ABBYY FineReader PDF", "ZOC Terminal", "FSLogix Apps") are the publisher's
            # edition or packaging of that product, not another program that borrows a plain word
            # (Android Studio, Chrome Remote Desktop Host and Access Database Engine use words many
            # products use). Not a project named after itself (Qt Creator, Redis Insight).
            coined = (itself and not _self_named(vendor, product) and not _named_longer(vendor, product)
                      and len(own) == 1 and all(index.word_uses.get(w, 0) == 1 for w in own))
            if len([w for w in named if w in own]) < 2 and not (itself and (tagged or released or served or coined)):
                # A one-word product with more words after it is too often another program of
                # the vendor that NVD files nothing for (Android Studio, Bing Wallpaper, Chrome
                # Remote Desktop Host, Qt Creator, Microsoft Access Database Engine): it is taken
                # only when the start of the name is the product itself (not a piece of it that
                # another rule read as the product: "MongoDB Tools ...") and what follows is build
                # tags ("ImageMagick ... Q16-HDRI"), a fix or "software", or starts with a build
                # tag ("MongoDB 7.0.14 2008R2Plus SSL"), or the name carries a year (above).
                return None
            rest = " ".join(w for w in extra if not (_is_year(w) or _is_number(w)))
            parts = [w for w in extra if w in _PART_WORDS]
            if parts:
                return Unidentified(f"'{' '.join(words)}' is a part ('{' '.join(extra)}') of {found.key}, not the product, "
                                    "and NVD files no product of that name")
            # (The extra words alone only when they are more than one generic word: "Dynamics 365
            # Business Central Server" is not microsoft:server.)
            alone = index.by_product.get(compact(rest), ()) if " " in rest else ()
            others = [k for k in alone + index.by_product.get(compact(f"{product} {rest}"), ())
                      if k in index.current and _organisation(split_key(index.keys[k])[0]) == _organisation(vendor)]
            if others:
                return Unidentified(f"'{' '.join(words)}' begins with {found.key}, but '{rest}' names "
                                    f"{index.keys[others[0]]} of the same vendor")
            return Identification(found.key, "fuzzy", round(found.score - 0.05, 3),
                                  f"'{' '.join(head)}' is the publisher's product and '{' '.join(extra)}' names no NVD product: "
                                  + found.evidence)
        return None

    def _from_name(self, cleaned: str, publisher: str, platform: Platform, display: bool = True) -> Identification | Unidentified:
        # Of the platform only "is it a Mac" matters here (the _for_mac builds below).
        cache_key = (cleaned, publisher, platform.family == "macos", display)
        found = self._name_cache.get(cache_key)
        if found is None:
            if len(self._name_cache) > self.ids.CACHE_LIMIT:
                self._name_cache.clear()
            found = self._name_cache[cache_key] = self._from_name_uncached(cleaned, publisher, platform, display)
        return found

    def _from_name_uncached(self, cleaned: str, publisher: str, platform: Platform, display: bool) -> Identification | Unidentified:
        aliases = self.index.aliases
        if not cleaned:
            return Unidentified("nothing left of the name after removing versions and architecture notes")
        if cleaned in aliases.names and self.ids._known(aliases.names[cleaned][0]):
            key, comment = aliases.names[cleaned]
            if platform.family == "macos" and key + "_for_mac" in self.index.key_id:
                # The Mac build NVD files apart, as below (session 15: "Foxit PDF Reader.app" is
                # foxit:pdf_reader_for_mac; the alias names the product, not the build).
                return Identification(key + "_for_mac", "alias", 0.98,
                                      f"alias '{cleaned}': {comment}; the Mac build is NVD product {key}_for_mac")
            return Identification(key, "alias", 1.0, f"alias '{cleaned}': {comment}")
        candidates = self._candidates(cleaned, publisher, display)
        words = cleaned.split()
        # Editions, channels and years name a packaging of a product, not another product;
        # failing that, a bare number is a release name ("Citrix Workspace 2309"). Years are
        # kept on the first try: NVD names some products with their year (visual_studio_2022).
        # Between them, the year alone: an edition word that NVD keeps in the product's name
        # stays ("FileMaker Pro 2024" by Claris is claris:filemaker_pro, not filemaker:filemaker).
        # (Without a year or a number in the name, the later drops are the first one again: skipped.)
        # (Each word's kind is read once, for all the drops.)
        # (The set and string tests mapped over the words, without a loop in Python.)
        edition = list(map(_EDITION_WORDS.__contains__, words)) if not candidates else []
        # (A year begins "19" or "20": a name without either has none, without a pass over its words.)
        year = ([w[:2] in ("19", "20") and _YEAR.match(w) is not None for w in words] if "19" in cleaned or "20" in cleaned
                else [False] * len(words)) if not candidates else []  # _is_year
        number = list(map(str.isdecimal, words)) if not candidates else []  # _is_number
        # (How many words end in a digit, and how many are bare numbers: a word that repeats an
        # earlier one with a number, or that the readings of a glued bitness or major release
        # below change, ends in a digit and is no bare number, or is a bare number after another.
        # Most names, numbered ones too, have none: not looked for word by word.)
        ended, numbers = (sum(map(str.isdigit, map(_LAST, words))), number.count(True)) if not candidates else (0, 0)
        repeats = _repeats(words) if ended > numbers or numbers > 1 else ()  # (for every _trimmed below)
        has_year = True in year
        edition_or_year = _either(edition, year)
        # The drops that found nothing: a later one that drops the same words finds nothing
        # again (in a name with a number and no edition word the last drop is the first again).
        fruitless: list[list[bool]] = []
        tried: tuple[list[bool], list[str]] = ([], [])  # (the last drop read and its words, for the publisher's product below)
        for drop, sure, needed in (
            # Session 20: a bare release number alone first ("VMware Horizon Client 2312" is the
            # Horizon Client, not vmware:horizon after dropping "client" too).
            # (Not a year: NVD keeps some, microsoft:visual_studio_2022, and the steps below
            # weigh them.)
            (release := [n and not y for n, y in zip(number, year)] if has_year else number, False, True in release),
            (edition, False, True in edition or repeats != ()),  # (_trimmed drops nothing else)
            (year, True, has_year),
            (edition_or_year, False, has_year),
            (_either(edition, number), False, has_year or True in number),
        ):
            if candidates:
                break
            if not needed or drop in fruitless:
                continue
            trimmed = _trimmed(words, drop, repeats)
            tried = (drop, trimmed)
            if not trimmed or len(trimmed) == len(words):
                continue
            shorter = " ".join(trimmed)
            if shorter in aliases.names and self.ids._known(aliases.names[shorter][0]):
                key, comment = aliases.names[shorter]
                return Identification(key, "fuzzy", 0.9, f"alias '{shorter}' after dropping edition words: {comment}")
            named = self._candidates(shorter, publisher, display)
            candidates = [
                _Candidate(c.key_id, round(c.score - 0.05, 3), c.evidence + f", after dropping edition words from '{cleaned}'", True)
                for c in named
            ] if named else []  # (most drops name nothing)
            if not candidates:
                fruitless.append(drop)
            elif sure:
                # ... and only when the product it names is better confirmed than the one the
                # name without its edition word names (Claris' claris:filemaker_pro over the
                # unconfirmed filemaker:filemaker; Microsoft Project Professional stays
                # microsoft:project, both confirmed alike).
                without = " ".join(_trimmed(words, edition_or_year, repeats))
                rival = max((c.score for c in self._candidates(without, publisher, display)), default=0.0) if without else 0.0
                # Session 18: a tie goes to the product named with "Pro" as the name is: "Pro" is
                # part of brand names NVD keeps apart from the plain product ("Adobe Premiere Pro
                # 2024" is adobe:premiere_pro, not the 1990s adobe:premiere; "Autodesk SketchBook
                # Pro 2021" autodesk:sketchbook_pro), where "Professional" names an edition of
                # one product (Microsoft Project Professional 2021 stays microsoft:project).
                if not any(c.score >= THRESHOLD and (c.score > rival - 0.05 + 1e-9 or (
                        "pro" in words and self.index.words(c.key_id)[1].endswith(" pro"))) for c in candidates):
                    candidates = []
        # (A bare number is never changed by the two readings below: only a word ending in a
        # digit that is no bare number can be, as counted above.)
        numbered = not candidates and ended > numbers
        # (_unglued keeps the others, and any word shorter than five characters: "102" of "Zoom 102".)
        unglued = [_unglued(w) if w[-1:].isdigit() and len(w) >= 5 else w for w in words] if numbered else words
        if unglued != words:
            candidates = [
                _Candidate(c.key_id, round(c.score - 0.05, 3),
                           c.evidence + f", after taking the bitness or major release off '{cleaned}'", True)
                for c in self._candidates(" ".join(unglued), publisher, display)
            ]
        glued = [w[:-1] if w[-1] in "23456789" and 3 <= len(w) - 1 < 5 and w[:-1].isalpha() else w for w in words] \
            if not candidates and publisher and numbered else words
        if glued != words:
            # A short name with its major release glued on ("ZOC8" of com.emtec.zoc8 is
            # emtec:zoc): too short to read without a vendor (_unglued: "mp3", "x264"), so only
            # a product of the vendor the publisher or bundle id names.
            candidates = [
                _Candidate(c.key_id, round(c.score - 0.05, 3), c.evidence + f", after taking the major release off '{cleaned}'", True)
                for c in self._candidates(" ".join(glued), publisher, display)
                if _publisher_agrees(publisher, split_key(self.index.keys[c.key_id])[0])
            ]
        if not candidates and publisher and display:
            candidates = self._publishers_product(words, publisher) or self._branded_program(words, publisher)
            # (Edition words, years and numbers: the flags read above, as no candidate had been found
            # then; often the words of the last drop read above, of the numbers alone, not trimmed again.)
            every = _either(edition_or_year, number) if not candidates else []
            trimmed = (tried[1] if every == tried[0] else _trimmed(words, every, repeats)) if not candidates else words
            named = self._publishers_product(trimmed, publisher) if trimmed and len(trimmed) < len(words) else []
            if named:
                # ... also after its edition words and release ("Camtasia 2024" by TechSmith is
                # techsmith:camtasia_studio, as "Camtasia 2024.app" is by its bundle id).
                candidates = [_Candidate(c.key_id, round(c.score - 0.02, 3), c.evidence + f", after dropping edition words "
                                         f"and the release from '{cleaned}'", True)
                              for c in named]
        if not candidates and not publisher and len(words) == 1 and platform.family == "macos":
            # (Mac apps and Homebrew casks, which carry no publisher; a Windows entry without
            # one is not guessed so: "GitKraken" with no publisher stays unidentified.)
            candidates = self._coined_program(words[0])
        if not candidates:
            found = self._part_of(words, publisher, platform, display)
            if (found is None and publisher and display
                    and 0 < len(self.index.by_vendor.get(compact(publisher), ())) <= _AROUND_VENDOR_LIMIT):
                # The publisher's one product whose NVD name is the program's with a brand word
                # before it or an edition after it, as for a bundle id's vendor ("Kaseya Agent"
                # is kaseya:vsa_agent, "iDRAC Service Module" dell:emc_idrac_service_module).
                found = self._vendor_product_around(publisher, cleaned)
            return found or Unidentified(f"no NVD product is named like '{cleaned}'")
        # Highest score first; ties by key text, never by feed or row order.
        if len(candidates) > 1:  # (most names have one: no key to compute)
            candidates.sort(key=lambda c: (-c.score, self.index.keys[c.key_id]))
        best = candidates[0]
        if best.score < THRESHOLD and display and platform.family != "macos" and self._product_team(publisher, cleaned):
            # Session 16: a publisher named as the product's own team or distribution ("R Core
            # Team" for R, "RubyInstaller Team" for Ruby) confirms the product, not a vendor: the
            # vendor is chosen as for a name without a publisher.
            # Not on a Mac, where the "publisher" is the bundle id's company ("com.postgresapp"
            # is no team of supabase:postgres).
            # (With the doubts of a name without a publisher, but for a "<name>_project" vendor:
            # "Pulsar" by Pulsar Edit is not apache:pulsar, nor "Viber" by Viber Media
            # rakuten:viber, whose vendors are not named after them; nor a name other
            # organisations file unless its CVEs single it out.)
            current = tuple(k for k in self.index.by_product.get(compact(cleaned), ()) if k in self.index.current)
            chosen = self.ids._by_name_alone(current, cleaned)
            if (isinstance(chosen, _Candidate) and not self._name_alone_doubt(chosen.key_id, project_ok=True)
                    and not self._shared_name(chosen.key_id, current)):
                best = _Candidate(chosen.key_id, min(chosen.score, 0.88), chosen.evidence + f", and publisher '{publisher}' "
                                  "is named as the product's own team", True)
        if (best.score < THRESHOLD and display and platform.family != "macos" and publisher
                and compact(publisher) not in self.index.by_vendor and not self._initials_vendor(publisher, cleaned)):
            # Session 16: a publisher NVD does not know (a person: "Joplin" by Laurent Cozic)
            # says nothing of the vendor: the name is read as one without a publisher, with the
            # same doubts (joplinapp:joplin has the CVEs of the three vendors filing "joplin").
            current = tuple(k for k in self.index.by_product.get(compact(cleaned), ()) if k in self.index.current)
            chosen = self.ids._by_name_alone(current, cleaned) if current else None
            if (isinstance(chosen, _Candidate) and not self._name_alone_doubt(chosen.key_id)
                    and not self._shared_name(chosen.key_id, current)):
                best = _Candidate(chosen.key_id, min(chosen.score, 0.86), chosen.evidence + f"; publisher '{publisher}' is no "
                                  "NVD vendor to say otherwise", True)
        if best.score < THRESHOLD:
            shown = ", ".join(f"{self.index.keys[c.key_id]} ({c.score:.2f})" for c in candidates[:3])
            piece = self._part_of(words, publisher, platform, display)
            if isinstance(piece, Identification):
                return self._piece_filed(candidates, piece) or piece
            return piece or Unidentified(
                f"best candidates for '{cleaned}' are below the {THRESHOLD} threshold: {shown} "
                f"({self.index.keys[best.key_id]}: {best.evidence})")
        rivals = [
            c for c in candidates[1:]
            if c.score == best.score and c.key_id not in self.index.equivalents(best.key_id)
        ]
        if rivals:
            best, why = self._one_organisation([best, *rivals], publisher)
            if why:
                return Unidentified(f"'{cleaned}' matches several products equally well: {why}")
        best = self._year_or_release(words, best, publisher, display)
        # Only names of the same vendor or organisation: mined groups also join products of
        # different vendors that NVD lists together (apache:http_server and oracle:http_server).
        # (A product of one name, most, has no group to read.)
        equivalents = self.index.equivalents(best.key_id)
        organisation = _organisation(split_key(self.index.keys[best.key_id])[0]) if len(equivalents) > 1 else ""
        group = tuple(k for k in equivalents if k in self.index.current
                      and _organisation(split_key(self.index.keys[k])[0]) == organisation) if len(equivalents) > 1 else ()
        if len(group) > 1 and self.index.cve_count(self.index.primary(group)) > self.index.cve_count(best.key_id):
            # Of one product's names, the one NVD files most CVEs under (erlang:erlang\/otp, not erlang:otp).
            primary = self.index.primary(group)
            best = _Candidate(primary, best.score, best.evidence + f"; NVD files most of its CVEs under {self.index.keys[primary]}",
                              best.fuzzy)
        elif len(group) > 1:
            # Session 19: with no CVE to choose, of one product spelled alike under two spellings
            # of one vendor name (trend_micro:officescan, trendmicro:officescan), the spelling NVD files
            # most of the organisation's products under (CpeIndex.primary); key order put
            # trend_micro first.
            # (Only one vendor name written with and without separators: filezilla-project and
            # filezilla are two names, which the publisher, not the count, may choose between.)
            spelt, written = split_key(self.index.keys[best.key_id])[1], compact(self.index.words(best.key_id)[0])
            alike = tuple(k for k in group if split_key(self.index.keys[k])[1] == spelt
                          and compact(self.index.words(k)[0]) == written)
            primary = self.index.primary(alike)
            if primary != best.key_id:
                best = _Candidate(primary, best.score, best.evidence + f"; NVD also names it {self.index.keys[best.key_id]}, "
                                  f"and files most of the vendor's products under '{split_key(self.index.keys[primary])[0]}'",
                                  best.fuzzy)
        if display:
            best = self._named_one_word_apart(best)
        key, evidence = self.index.keys[best.key_id], best.evidence
        if display:
            key, evidence = self.desktop_build(key, evidence, platform.family == "macos")
            key, evidence = self._with_the_cves(key, evidence)
            # Session 16: an installed program is the Electron build where NVD files one apart
            # from the product (pritunl:pritunl-client-electron beside pritunl-client,
            # jitsi:meet_electron beside the Jitsi Meet server): only a desktop program is one.
            for build in (key + "_electron", key + "-electron"):
                built = self.index.key_id.get(build)
                if built is not None and built in self.index.current:
                    key, evidence = build, evidence + f"; an installed program is the Electron build {build}"
                    break
        mac = self.index.key_id.get(key + "_for_mac") if platform.family == "macos" else None
        if mac is not None and (display or self.index.cve_count(mac) or not self.index.cve_count(self.index.key_id[key])):
            # NVD files some vendors' Mac builds as separate products (microsoft:word_for_mac).
            # Session 18: not for a Homebrew cask (read with display False), whose token names
            # the product, when the Mac build's key holds no CVE and the product's does: the
            # feed files Office for Mac's CVEs under microsoft:office (14 criteria with
            # target_sw macos) and Word's and Excel's under word and excel for every platform;
            # word_for_mac and the like hold none. (Mac app bundles keep the Mac build: the
            # labelled sets name it so.)
            key, evidence = key + "_for_mac", evidence + "; the Mac build is NVD product " + key + "_for_mac"
        method = "fuzzy" if best.fuzzy or best.score < 0.95 else "exact"
        return Identification(key, method, best.score, evidence)

    def desktop_build(self, key: str, evidence: str, mac: bool) -> tuple[str, str]:
        """The key of the installed program where NVD files a product's desktop build or client
        apart from the product found (the product's server, service or platform), with the
        evidence; else ``key`` and ``evidence`` as given. For display names and (session 19)
        Homebrew casks spelled as the product."""
        vendor_raw, product_raw = split_key(key)
        if vendor_raw == product_raw:
            # A self-named product is often the server or the platform; an installed program
            # is its desktop client when NVD files one (mattermost:mattermost_desktop), or the
            # vendor's product named only "desktop" (nextcloud:desktop, element:desktop), or
            # (session 16) its client (seafile:seafile-client, teamspeak:teamspeak_client), or
            # (session 19) its browser (opera:opera_browser: opera:opera names the company's
            # range, its browser's CVEs are filed under opera_browser).
            for client in (key + "_desktop", key + "-desktop", key + "_desktop_client", key + "_desktop_app",
                           vendor_raw + ":desktop", vendor_raw + ":desktop_client", key + "_client", key + "-client",
                           key + "_browser"):
                desktop = self.index.key_id.get(client)
                if desktop is not None and desktop in self.index.current:
                    return client, evidence + f"; an installed program is the desktop client {client}"
        elif mac:
            # A Mac app is a desktop program: where NVD files the product's desktop build
            # apart ("Claude.app" is anthropic:claude_desktop, not the service anthropic:claude).
            found = self.index.key_id[key]
            for client in (key + "_desktop", key + "_desktop_client", key + "_desktop_app"):
                desktop = self.index.key_id.get(client)
                if (desktop is not None and desktop in self.index.current
                        and self.index.cve_count(desktop) >= self.index.cve_count(found)):
                    # (Not when NVD files the app's CVEs under the product's own name: Cisco's
                    # webex_meetings has them, webex_meetings_desktop none.)
                    return client, evidence + f"; a Mac app is the desktop build {client}"
        return key, evidence

    def _with_the_cves(self, key: str, evidence: str) -> tuple[str, str]:
        """Session 16, round 3: a product named with Adobe's Creative Cloud edition ("photoshop_cc")
        that holds no CVE, beside the same vendor's product without it that holds
        some, is that product: NVD files the edition's CVEs under the product (adobe:photoshop,
        not adobe:photoshop_cc, as for a year in _year_or_release). Session 20: so is one named
        with a release's name (_RELEASE_NAME: "Adobe Photoshop CS6.app" is adobe:photoshop, which
        holds 28 CVEs, not adobe:photoshop_cs6, which holds none; "Acrobat XI" adobe:acrobat)."""
        vendor, product = split_key(key)
        head, _, last = product.rpartition("_")
        if not head or (last != "cc" and _RELEASE_NAME.fullmatch(last) is None):
            # (Only Creative Cloud: NVD files desktop and client builds apart with CVEs of their
            # own, mattermost:mattermost_desktop, and their CVE-less keys are still the program.)
            return key, evidence
        index, plain = self.index, f"{vendor}:{head}"
        found, other = index.key_id.get(key), index.key_id.get(plain)
        if found is None or other is None or other not in index.current or index.cve_count(found):
            return key, evidence
        if index.cve_count(other):
            return plain, evidence + f"; NVD files the CVEs of its edition '{last}' under {plain}, none under {key}"
        if last != "cc":
            return key, evidence
        # Session 21: with no CVE under either key, the Creative Cloud edition is still the
        # product (NVD's CVEs of Premiere Pro and Prelude CC are filed under premiere_pro and
        # prelude, as Photoshop's and Illustrator's): one product's keys are reported as one.
        return plain, evidence + f"; NVD files the product as {plain}, its edition '{last}' also as {key} (no CVE under either)"

    def _named_one_word_apart(self, best: _Candidate) -> _Candidate:
        """Session 16: the product NVD files the CVEs of, when the one found has none and its vendor
        files the product named without its first word, which has CVEs: NVD names one product
        both ways ("GPL Ghostscript" is artifex:ghostscript, not the CVE-less
        artifex:gpl_ghostscript). The shorter name must hold a rare word (CpeIndex.word_uses at
        most _RARE_WORD): "ESET Cyber Security" is not eset:security. One lookup by name, only
        for a product without CVEs. (The other way, a name with a word more in front, would make
        "Oracle VirtualBox" oracle:vm_virtualbox, which has its 19 CVEs; but finding it needs a
        table of the vendor's names by their ends, 2-3 ms for a big vendor in a first report.)"""
        index = self.index
        if index.cve_count(best.key_id) or best.key_id not in index.current:
            return best
        vendor, product = index.words(best.key_id)
        _, space, rest = product.partition(" ")
        shorter = index.by_product.get(compact(rest), ()) if space else ()
        if not shorter:
            return best
        words, said = product.split(), compact(vendor)
        kids = {k for k in shorter if compact(index.words(k)[0]) == said}
        kids = {k for k in kids if k in index.current and index.cve_count(k) and k not in index.equivalents(best.key_id)
                and min(index.word_uses.get(w, 0) for w in min(index.words(k)[1].split(), words, key=len)) <= _RARE_WORD}
        one = self._one_of(kids)
        if one is None:
            return best
        return _Candidate(one, best.score, best.evidence + f"; NVD files no CVE under {index.keys[best.key_id]} and "
                          f"{index.cve_count(one)} under {index.keys[one]}, its name without the first word", True)

    def _product_team(self, publisher: str, cleaned: str) -> bool:
        """The publisher is named as the product's team or distribution and is no vendor of a
        product of that name: its first word is the product's name ("R Core Team": r, "Viber
        Media": viber), or the product's name of four letters or more with a word glued on
        ("RubyInstaller Team": ruby; NVD's rubyinstaller files only rubyinstaller2)."""
        words = publisher.split()
        if not words or " " in cleaned or self.index.by_product.get(compact(cleaned), ()) and any(
                compact(self.index.words(k)[0]) == compact(publisher) for k in self.index.by_product[compact(cleaned)]):
            return False
        first = words[0]
        return (first == cleaned and len(words) >= 2) or (len(cleaned) >= 4 and first.startswith(cleaned) and first != cleaned)

    def _unknown_publishers_product(self, cleaned: str, publisher: str, coined: bool = True,
                                    listed: bool = False) -> _Candidate | None:
        """The one product a coined name names, when the publisher is no NVD vendor and shares
        nothing with one (a person, a renamed or new company: "PhonerLite" by its author Heiko
        Sommerfeldt is phoner:phonerlite, "NSClient++" by MySolutions Nordic nsclient:nsclient++):
        such a publisher cannot contradict the dictionary. The caller checks the name is coined
        (a word with capitals inside: no everyday word, "Rhino" is not mozilla:rhino); here, a
        word of it that at most two product names use (CpeIndex.word_uses), and one product (one
        group) of exactly that name.

        Session 16: also a name of several words (``coined`` False) that is word for word, as NVD
        spells it, the one product (one group) of that name: "Format Factory" by Free Time is
        pcfreetime:format_factory, "Modbus Poll" by Witte Software modbustools:modbus_poll, "Far
        Manager" by Eugene Roshal & Far Group rarlab:far_manager. One word of it must be rare
        (used by at most _RARE_WORD product names: "Task Manager" by an unknown publisher is not
        code-projects:task_manager); the words must be the product's own ("Path
        Finder" is not the theme "pathfinder"), and a product named after the publisher's own
        company is that vendor's build of it, not the publisher's program ("Realtek High
        Definition Audio Driver" by Realtek is not dell:realtek_high_definition_audio_driver).

        Session 16, also: a publisher the program's system lists (``listed``: Windows, not a Mac
        bundle id's company) that is an NVD vendor filing no product of that name is the
        product's new owner or distributor, no contradiction ("KEPServerEX" by PTC, which bought
        Kepware, is kepware:kepserverex; "Podman Desktop" by Red Hat
        linuxfoundation:podman_desktop)."""
        index = self.index
        said = compact(publisher)
        if not listed and (said in index.by_vendor or self._initials_vendor(publisher, cleaned)):
            return None
        named = index.by_product.get(compact(cleaned))
        if not named:
            return None  # (most names: no product is named so)
        kids = [k for k in named if k in index.current]
        groups = {index.equivalents(k) for k in kids}
        if len(groups) != 1:
            return None
        if coined and min(index.word_uses.get(w, 0) for w in cleaned.split()) > 2:
            return None
        key_id = index.primary(tuple(kids))
        product = index.words(key_id)[1]
        if not coined and (product.split() != cleaned.split() or publisher.split()[0] in product.split()
                           or min(index.word_uses.get(w, 0) for w in product.split()) > _RARE_WORD):
            return None
        vendor = split_key(index.keys[key_id])[0]
        if vendor.endswith("_project") or any(_publisher_shares_word(publisher, split_key(index.keys[k])[0]) for k in kids):
            return None  # (NVD's "<name>_project": _coined_project's, which weighs such a vendor)
        few = "a name few products use" if coined else "word for word as NVD spells it"
        return _Candidate(key_id, 0.86, f"'{cleaned}' names exactly one NVD product, {few}, and publisher "
                                        f"'{publisher}' is no NVD vendor to say otherwise (vendor '{vendor}')", True)

    def _piece_filed(self, candidates: list[_Candidate], piece: Identification) -> Identification | None:
        """The product the whole name names, unconfirmed by the publisher, when its vendor also
        files the product the piece rule found under the same name: NVD files that piece of the
        product as a product of its own ("GLPI Agent" by Teclib' is glpi-project:glpi_agent, of
        the vendor that files glpi-project:glpi, not teclib-edition:glpi); else None."""
        index = self.index
        product = split_key(piece.key)[1]
        for c in candidates:
            vendor, whole = split_key(index.keys[c.key_id])
            if whole.startswith(product + "_") and f"{vendor}:{product}" in index.key_id and f"{vendor}:{product}" != piece.key:
                return Identification(index.keys[c.key_id], "fuzzy", 0.88,
                                      f"the whole name is product '{index.words(c.key_id)[1]}' of vendor '{index.words(c.key_id)[0]}', "
                                      f"which also files '{index.words(c.key_id)[0]}:{product}': NVD files this piece of "
                                      f"{piece.key} as a product of its own")
        return None

    def _one_organisation(self, tied: list[_Candidate], publisher: str = "") -> tuple[_Candidate, str]:
        """Of equally good candidates, the one NVD uses most when all are one product under vendor
        names of one organisation (filezilla-project and filezilla, skype and skype_technologies);
        else the candidates to show in the refusal."""
        index = self.index
        products = {compact(index.words(c.key_id)[1]) for c in tied}
        organisations = {_organisation(split_key(index.keys[c.key_id])[0]) for c in tied}
        counts = sorted((index.cve_count(c.key_id) for c in tied), reverse=True)
        if len(products) == 1 and len(organisations) == 1 and counts[0] > counts[1]:
            # Only when the CVEs single one name out: with none, nothing says which NVD uses.
            chosen = index.primary(tuple(c.key_id for c in tied))
            best = next(c for c in tied if c.key_id == chosen)
            others = ", ".join(index.keys[c.key_id] for c in tied if c.key_id != chosen)
            return _Candidate(best.key_id, best.score, best.evidence + f"; NVD also names it {others} (one organisation), "
                              f"{index.keys[chosen]} is the name with the most CVEs", best.fuzzy), ""
        titled = [c for c in tied if c.key_id in index.titles]
        if len(products) == 1 and len(organisations) == 1 and counts[0] == 0 and len(titled) == 1:
            # Session 17: with no CVE under any, the one spelling the 2015 dictionary already
            # lists, with a title (vandyke:securecrt "VanDyke SecureCRT", skype:skype), is NVD's
            # established name; the other is a later entry of the same organisation
            # (van_dyke_technologies, skype_technologies) that no CVE of the feed uses.
            best = titled[0]
            others = ", ".join(index.keys[c.key_id] for c in tied if c is not best)
            return _Candidate(best.key_id, best.score, best.evidence + f"; NVD also names it {others} (one organisation), "
                              f"only {index.keys[best.key_id]} is in the 2015 dictionary ('{index.titles[best.key_id]}')",
                              best.fuzzy), ""
        said = compact(publisher)
        exact = [c for c in tied if said and compact(index.words(c.key_id)[0]) == said]
        if len(products) == 1 and len(organisations) == len(tied) and len(exact) == 1:
            # Different organisations file the product, and the publisher is one vendor's name
            # as written, where it only begins the others' (Proton AG: proton, not protonmail or
            # protonvpn; bundle id company.thebrowser: thebrowser, not the_browser_company).
            # Not for one organisation's spellings (skype, skype_technologies): those are NVD's
            # old and new names, and the publisher says nothing about which NVD uses now.
            best = exact[0]
            others = ", ".join(index.keys[c.key_id] for c in tied if c is not best)
            return _Candidate(best.key_id, best.score, best.evidence + f"; of the organisations filing it ({others}), "
                              f"publisher '{publisher}' is exactly vendor '{index.words(best.key_id)[0]}'", best.fuzzy), ""
        return tied[0], ", ".join(index.keys[c.key_id] for c in tied)

    def _year_or_release(self, words: list[str], best: _Candidate, publisher: str, display: bool) -> _Candidate:
        """A year in a display name is either part of NVD's product name (visual_studio_2022) or a
        release of the product (Office 2019 is microsoft:office version 2019): when the name fits
        both, the product NVD files more CVEs under is the one it uses; with as many under each
        (none, mostly), the product without the year, whose releases the year names (Project
        Professional 2016 is microsoft:project, as Project 2021 is, not project_2016). A major
        number NVD puts in a product's name is read the same way, only on more CVEs: "Xshell 7"
        is netsarang:xshell (1 CVE), not xshell_7 (none); pgadmin_4 and transmit_5 stay."""
        index = self.index
        product_words = index.words(best.key_id)[1].split()
        numbered = (len(words) > 1 and _is_number(words[-1]) and len(product_words) > 1 and product_words[-1] == words[-1]
                    and not any(_is_year(w) for w in words))
        if not numbered and not any(_is_year(w) for w in words):
            return best
        drop = _is_number if numbered else _is_year
        shorter = " ".join(_trimmed(words, [w in _EDITION_WORDS or drop(w) for w in words]))
        if not shorter:
            return best
        # A tie goes to the product without the year only when NVD names this one with it.
        year_product = not numbered and _is_year(product_words[-1])
        vendor = split_key(index.keys[best.key_id])[0]
        group = index.equivalents(best.key_id)
        for other in sorted(self._candidates(shorter, publisher, display), key=lambda c: (-c.score, index.keys[c.key_id])):
            if other.score < THRESHOLD or split_key(index.keys[other.key_id])[0] != vendor or other.key_id in group:
                continue
            mine = sum(index.cve_count(k) for k in group)
            theirs = sum(index.cve_count(k) for k in index.equivalents(other.key_id))
            if theirs > mine or (year_product and theirs == mine):
                said = "major number" if numbered else "year"
                return _Candidate(other.key_id, round(other.score - 0.03, 3), other.evidence + (
                    f"; the {said} in the name is a release: NVD files {theirs} CVEs under {index.keys[other.key_id]} "
                    f"and {mine} under {index.keys[best.key_id]}"), True)
            break
        return best

    def _initials(self, vendor: str) -> dict[str, list[int]]:
        """The vendor's current products by the initials of all their words, built the first time
        the vendor is asked about and kept (that vendor's products only, never the whole
        dictionary): the products a name with an abbreviation may stand for."""
        table = self._forms.get(vendor)
        if table is not None:
            return table
        index = self.index
        table = self._forms[vendor] = {}
        for key_id in index.by_vendor.get(vendor, ()):  # in key order: the lists need no sorting
            if key_id in index.current:
                product = index.words(key_id)[1]
                if " " in product or "-" in product:
                    # An ampersand joins words and has no initial ("Unified Communication &
                    # Collaboration" is UCC; session 15: STARFACE UCC Client).
                    table.setdefault("".join(w[0] for w in product.replace("-", " ").split() if w != "&"), []).append(key_id)
        return table

    def _one_of(self, kids: set[int]) -> int | None:
        """The product's key NVD uses most, when ``kids`` are one product; else None (also for none)."""
        if not kids or len({self.index.equivalents(k) for k in kids}) != 1:
            return None
        return self.index.primary(tuple(sorted(kids)))

    def _publishers_product(self, words: list[str], publisher: str) -> list[_Candidate]:
        """The product of the publisher's NVD vendor that is the program's name with a kind of
        program after it ("GitKraken" by Axosoft is axosoft:gitkraken_desktop, "Eclipse" of
        org.eclipse is eclipse:eclipse_ide); none when no product or several are. Looked up by
        the product's name (no scan of the vendor's products)."""
        index, said = self.index, compact(publisher)
        if said not in index.by_vendor or _unnamed_number(words, index.head_endings):
            return []  # the publisher is no NVD vendor (or the name ends in a number no product ends in)
        # The name as NVD would spell the product: whole, or without the vendor's name in front
        # ("Citrix Secure Access" by Citrix is citrix:secure_access_client); looked up by the
        # product's name run together, as the index keeps it, then checked for this vendor.
        heads = index.by_head.get(compact(" ".join(words)), ())
        if len(words) >= 2 and compact(words[0]) == said:
            heads += index.by_head.get(compact(" ".join(words[1:])), ())
        if not heads:
            return []  # (most names: no product is named so with a word after it)
        # (Not a printing program's name: the universal print driver rule decides those, and "HP
        # Smart Universal Printing" is no hp:smart_universal_printing_driver: set 2's label.)
        kinds = _PUBLISHED_KINDS if _PRINTING_WORDS.isdisjoint(words) else _PROGRAM_KINDS
        kids = {k for k in heads if index.words(k)[1].rsplit(" ", 1)[-1] in kinds and compact(index.words(k)[0]) == said}
        if not kids:
            return []  # (most names: no product of the vendor is named so)
        kids &= self.index.current
        key_id = self._one_of(kids)
        if key_id is None and kids and len({(_organisation(split_key(index.keys[k])[0]), index.words(k)[1]) for k in kids}) == 1:
            # One product under two spellings of the vendor (palo_alto_networks, paloaltonetworks):
            # the one NVD files most CVEs under.
            key_id = index.primary(tuple(sorted(kids)))
        if key_id is None:
            return []
        return [_Candidate(key_id, 0.9, f"publisher '{publisher}' is vendor '{self.index.words(key_id)[0]}', whose one product "
                                        f"of that name is '{self.index.words(key_id)[1]}'", True)]

    def _coined_program(self, word: str) -> list[_Candidate]:
        """Session 19: a one-word name without a publisher that no product is named like, whose
        word only one current product uses, that product being the word with a kind of program
        after it ("Kiro.app" and the kiro cask are amazon:kiro_ide, the gitkraken cask
        axosoft:gitkraken_desktop, "AnythingLLM.app" mintplexlabs:anythingllm_desktop): NVD
        names the installed program so, and no other product shares the coined word. A plain
        word used by other products ("Support.app": root3:support_app) or a kind the word
        alone does not make a program of (an agent, a studio, "fd": mhlw:fd_application) is
        not read so. One lookup (CpeIndex.by_head)."""
        index, named = self.index, compact(word)
        if len(named) < 4 or not named.isalnum():
            return []
        heads = [k for k in index.by_head.get(named, ()) if k in index.current]
        # (Every product using the word is "<word> <kind>" of one vendor: amazon:kiro_ide beside
        # amazon:kiro_cli, the command-line program Homebrew names kiro-cli.)
        if not heads or index.word_uses.get(word.lower(), 0) != len(heads) or len({index.words(k)[0] for k in heads}) != 1:
            return []
        kids = {k for k in heads if index.words(k)[1].rsplit(" ", 1)[-1] in _CLIENT_KINDS}
        key_id = self._one_of(kids)
        if key_id is None:
            return []
        return [_Candidate(key_id, 0.86, f"NVD uses the word '{word}' only in the products of vendor '{index.words(key_id)[0]}' "
                                         f"named after it; its installed program is '{index.words(key_id)[1]}'", True)]

    def _branded_program(self, words: list[str], publisher: str) -> list[_Candidate]:
        """Session 16: the one product named the program's name with a kind of program after it
        (client, desktop, app, application), of another vendor, when its name begins with the
        publisher's brand: "Duo Device Health" by Duo Security is
        cisco:duo_device_health_application (Cisco bought Duo; NVD files Duo's products under
        both). The brand in the product's own name stands for the publisher; a name without
        it is another company's. One lookup (CpeIndex.by_head)."""
        index, brand = self.index, compact(publisher.split()[0])
        # (A bundle id's company runs the words together: com.duosecurity.)
        if len(words) < 2 or len(compact(words[0])) < 3 or not brand.startswith(compact(words[0])) or _unnamed_number(words, index.head_endings):
            return []
        # (Of another vendor than the publisher's: its own products are _publishers_product's
        # and the bundle id rules'.)
        heads = index.by_head.get(compact(" ".join(words)), ())
        if not heads:
            return []  # (most names: no product is named so with a word after it)
        kids = {k for k in heads
                if k in index.current and index.words(k)[1].rsplit(" ", 1)[-1] in _PROGRAM_KINDS | {"application"}
                and not _publisher_agrees(publisher, index.words(k)[0])}
        key_id = self._one_of(kids)
        if key_id is None:
            return []
        return [_Candidate(key_id, 0.88, f"'{' '.join(words)}' with a kind of program after it is the one NVD product "
                                         f"'{index.words(key_id)[1]}' (vendor '{index.words(key_id)[0]}'), whose name "
                                         f"begins with publisher '{publisher}''s brand", True)]

    def _abbreviated(self, words: list[str], publisher: str) -> list[_Candidate]:
        """The one product of the vendor the name begins with (or the publisher names) that the
        name writes with an abbreviation of its words' initials: "Microsoft Azure CLI" is
        microsoft:azure_command-line_interface, "OWASP ZAP" owasp:zed_attack_proxy."""
        if not any(2 <= len(w) <= 5 and w.isalpha() for w in words):
            return []
        readings = [(words[1:], words[0])] if len(words) >= 2 else []
        if publisher and compact(publisher) != compact(words[0]):
            readings.append((words, publisher))
        kids: set[int] = set()
        index = self.index
        for named, vendor in readings:
            if not named:
                continue
            table = self._initials(compact(vendor))
            for i, word in enumerate(named):
                if not (2 <= len(word) <= 5 and word.isalpha()):
                    continue
                signature = "".join(w[0] for w in named[:i]) + word + "".join(w[0] for w in named[i + 1:])
                for key_id in table.get(signature, ()):
                    if _abbreviates(named, [w for w in _SPLIT_WORDS.split(index.words(key_id)[1]) if w and w != "&"]):
                        kids.add(key_id)
        key_id = self._one_of(kids)
        if key_id is None:
            return []
        vendor, product = self.index.words(key_id)
        return [_Candidate(key_id, 0.9, f"'{' '.join(words)}' abbreviates product '{product}' of vendor '{vendor}' "
                                        "by its words' initials", True)]

    def _part_of(self, words: list[str], publisher: str, platform: Platform, display: bool) -> Identification | Unidentified | None:
        """A name that is a product followed by words naming a piece of it, when NVD files no
        product of the whole name. A piece that carries the product's code (its runtime, SDK,
        host, libraries, agent, service, driver, console, tools: "Microsoft .NET SDK",
        "Python Standard Library", "Veeam Backup & Replication Console") is the product, with a
        lower score; a piece that does not (installer, updater, helper, documentation, targeting
        pack, language resources, a plug-in for another program) is refused, naming the product.
        None if the name is no such thing."""
        # The longest product first: a product's own name may end in such a word ("Dell Power
        # Manager Service" is a piece of dell:power_manager, not of a product "Dell Power").
        end = len(words)
        while end > 1 and ((last := words[end - 1]) in _PART_WORDS or last in _CODE_PART_WORDS or last in _EDITION_WORDS
                           or (last[:2] in ("19", "20") and _YEAR.match(last) is not None) or last.isdecimal()  # (_is_year, _is_number)
                           or (last in _PIECE_QUALIFIERS and end < len(words))
                           or (last == "suite" and end > 2 and words[end - 2] == "test")):
            end -= 1
            rest, tail = words[:end], words[end:]
            if _PART_WORDS.isdisjoint(tail) and _CODE_PART_WORDS.isdisjoint(tail) and "suite" not in tail:
                continue
            # Years and numbers stay with the product: "Visual Studio Build Tools 2019" is Visual Studio 2019.
            found = self._from_name(" ".join(rest + [w for w in tail if _is_year(w) or _is_number(w)]), publisher, platform, display)
            if isinstance(found, Identification):
                return self._piece(words, rest, tail, found, publisher)
        if words[-1] in _ENDPOINT_WORDS and len(words) >= 4:
            # A management product's endpoint piece, named with a word or two before "agent",
            # "client" or "services" ("Kaspersky Security Center Network Agent", "Trend Micro
            # Apex One Security Agent", "SQL Server 2019 Database Engine Services"): NVD files
            # the piece's CVEs under the product. Only for a product the name or the publisher
            # ties to its vendor (an exact match), never a fuzzy one.
            for extra in (1, 2):
                rest, tail = words[:-1 - extra], words[-1 - extra:]
                if len(rest) < 2:
                    break
                found = self._from_name(" ".join(rest), publisher, platform, display)
                if isinstance(found, Identification) and found.method == "exact":
                    narrower = self._vendors_piece(found.key, tail)
                    if narrower is not None:
                        return Identification(narrower, "exact", round(found.score - 0.05, 3),
                                              f"'{' '.join(tail)}' names a piece its vendor files as a product of its own, "
                                              f"{narrower}: {found.evidence}")
                    return Identification(found.key, "fuzzy", round(found.score - 0.07, 3),
                                          f"'{' '.join(tail)}' is the {words[-1]} of the product: {found.evidence}")
        return None

    def _vendors_piece(self, key: str, tail: list[str]) -> str | None:
        """The vendor's one product named the product's words and the last words of ``tail``
        ("Remote Desktop Services Web Client": microsoft:remote_desktop + "web client" is
        microsoft:remote_desktop_web_client, which NVD files apart), or None."""
        index = self.index
        vendor, product = index.words(index.key_id[key])
        for start in range(len(tail) - 1):
            name = compact(f"{product} {' '.join(tail[start:])}")
            groups = {index.equivalents(k) for k in index.by_product.get(name, ())
                      if k in index.current and compact(index.words(k)[0]) == compact(vendor)}
            if len(groups) == 1:
                group = next(iter(groups))
                return index.keys[index.primary(tuple(k for k in group if k in index.current))]
        return None

    def _piece(self, words: list[str], rest: list[str], tail: list[str], found: Identification,
               publisher: str) -> Identification | Unidentified | None:
        """The product ``rest`` names, when ``tail`` is a piece that carries its code; a refusal
        naming the product when the piece does not."""
        if compact(" ".join(rest)) == compact(publisher) and split_key(found.key)[1] in _VENDOR_APP_PRODUCTS:
            return None  # "Google Update Helper": what is left is only the publisher, not google:desktop
        part = " ".join(tail)
        if any(w in _PART_WORDS for w in tail) or found.score < 0.9:
            return Unidentified(f"'{' '.join(words)}' is a part ('{part}') of {found.key}, not the product, and NVD files no "
                                f"product of that name")
        return Identification(found.key, "fuzzy", round(found.score - 0.05, 3),
                              f"'{part}' is a piece of the product that carries its code: {found.evidence}")

    def _candidates(self, cleaned: str, publisher: str, display: bool = True) -> list[_Candidate]:
        """Every product the cleaned name may be, scored (kept per name, publisher and kind of
        name: many display names clean to the same words)."""
        found = self._candidate_cache.get((cleaned, publisher, display))
        if found is None:
            if len(self._candidate_cache) > self.ids.CACHE_LIMIT:
                self._candidate_cache.clear()
            found = self._candidate_cache[(cleaned, publisher, display)] = self._weigh(cleaned, publisher, display)
        return found

    def _name_alone_doubt(self, key_id: int, project_ok: bool = False) -> str:
        """Why a display name without a publisher is too weak to name this product, or "".

        Program names are often everyday words ("Weather", "Calendar", "Mission Control") that
        some unrelated product in the dictionary also uses. Without a publisher the name is
        taken only for a project named after itself (wireshark:wireshark, transmissionbt:
        transmission), not for a lone "<name>_project" vendor (too often another project that
        chose a common word), and never for a library NVD files under a package ecosystem
        (svelte:svelte is an npm package, not a desktop program). ``project_ok``: the
        publisher is named as the product's team, which answers the "<name>_project" doubt (a
        project that chose a common word would not have a team named so: "R Core Team").
        """
        index = self.index
        group = index.equivalents(key_id)
        packaged = [k for k in group if index.ecosystem.get(k)]
        if packaged:
            return f"NVD files {index.keys[packaged[0]]} as a package of {index.ecosystem[packaged[0]]}"
        named = [k for k in group if _named_after(*split_key(index.keys[k])) or _named_longer(*index.words(k))
                 or (_named_by_site(*split_key(index.keys[k]))
                     and max(index.word_uses.get(w, 0) for w in index.words(k)[1].split()) <= 2)]
        if not named:
            return f"vendor '{index.words(key_id)[0]}' is not named after it, and no publisher confirms the vendor"
        if not project_ok and all(split_key(index.keys[k])[0].endswith(("_project", "-project")) for k in named):
            return "only a '<name>_project' vendor is named after it"
        return ""

    def _shared_name(self, key_id: int, named_like: tuple[int, ...]) -> str:
        """Other organisations that file a current product of this name (not NVD's other names
        of this one), unless this product's CVEs single it out (at least 2, twice any other's); or ""."""
        index = self.index
        group = index.equivalents(key_id)
        mine = _organisation(split_key(index.keys[key_id])[0])
        others = [k for k in named_like if k in index.current and k not in group
                  and _organisation(split_key(index.keys[k])[0]) not in (mine, *_HOSTING_VENDORS)]
        if not others:
            return ""
        cves = sum(index.cve_count(k) for k in group)
        if cves >= 2 and all(cves >= 2 * sum(index.cve_count(o) for o in index.equivalents(k)) for k in others):
            return ""
        return ", ".join(sorted({split_key(index.keys[k])[0] for k in others}))

    def _plugin_hosts(self) -> frozenset[str]:
        """Vendors that are themselves a platform NVD files plug-ins for (jenkins, wordpress: the
        target software of keys in the bundle's ecosystems), computed once."""
        return self.index.plugin_hosts  # (built with the index: a first report need not walk the ecosystems)

    def _names_other_vendor(self, publisher: str, vendor: str) -> bool:
        """The publisher is itself an NVD vendor, and not this one: it contradicts the candidate."""
        return bool(publisher) and compact(publisher) in self.index.by_vendor and not _publisher_agrees(publisher, vendor)

    def _weigh(self, cleaned: str, publisher: str, display: bool = True) -> list[_Candidate]:
        """Candidates for a cleaned name; ``display`` when it is a program's display name (not a
        package or formula name, which names its product more plainly)."""
        index = self.index
        words = cleaned.split()
        scored: dict[int, _Candidate] = {}

        def offer(key_id: int, score: float, evidence: str) -> None:
            if key_id not in scored or scored[key_id].score < score:
                scored[key_id] = _Candidate(key_id, score, evidence)

        # Steps 1 and 2 look up runs of the words up to the last, which name nothing when it is
        # a number no product name ends in ("Zoom 303").
        unnamed = _unnamed_number(words, index.product_endings)
        glued, said_publisher = compact(cleaned), compact(publisher)  # (read by several steps)
        # 1. The whole name is a product name.
        named_like = index.by_product.get(glued, ()) if not unnamed else ()
        # (A publisher sharing a word with a vendor is taken only for a name one organisation
        # files: "Laurent Cozic" shares "laurent" with laurent_22, one of three joplin vendors.)
        named_orgs = None  # (the organisations filing the name: read only by the branch that needs them)
        for key_id in named_like:
            vendor, product = index.words(key_id)
            bonus = _spelled(product, cleaned)
            if _publisher_agrees(publisher, vendor):
                offer(key_id, 0.95 + bonus, f"product name '{product}' and publisher '{publisher}' names vendor '{vendor}'")
            elif _self_named(vendor, product) and display and index.ecosystem.get(key_id):
                # A program's display name is not a library NVD files under a package ecosystem
                # ("System Information" is not the npm package systeminformation).
                offer(key_id, 0.7, f"product name '{product}', but NVD files it as a package of {index.ecosystem[key_id]}")
            elif _self_named(vendor, product) and (display and (shared := self._shared_name(key_id, named_like))):
                # A name several organisations give their products ("Hyper", "Element") is a
                # common word: the self-named one is taken only when its CVEs single it out.
                offer(key_id, 0.8, f"product name '{product}' of the self-named project '{vendor}', but {shared} "
                                   "file a product of that name too and no publisher confirms the vendor")
            elif _self_named(vendor, product):
                offer(key_id, 0.9 + bonus, f"product name '{product}' of the self-named project '{vendor}'")
            elif (_named_longer(vendor, product) and display and len(named_like) == 1
                  and not self._names_other_vendor(publisher, vendor)):
                # Only as the one product of that name: suricata-ids:suricata is one of three.
                offer(key_id, 0.88, f"product name '{product}' of the project '{vendor}' named after it")
            elif _carries_vendor(vendor, product) and not self._names_other_vendor(publisher, vendor):
                # The name itself names the vendor ("PDF24 Creator" is pdf24:pdf24_creator), as
                # a self-named project's does; a publisher that is another NVD vendor overrules it.
                offer(key_id, 0.9 + bonus, f"product name '{product}' carries its vendor's name '{vendor}'")
            elif (publisher and compact(publisher) == compact(product) and len(compact(product)) >= 4
                  and split_key(index.keys[key_id])[0] not in self._plugin_hosts()):
                # Not a plug-in platform's product named after another company's service
                # (jenkins:datadog is Jenkins' Datadog plug-in, not the Datadog Agent).
                # A company named after its product, often its old name (ScreenConnect Software
                # before ConnectWise bought it): the publisher confirms the product, not the vendor.
                offer(key_id, 0.93, f"product name '{product}', and publisher '{publisher}' is named after the product")
            elif publisher and len(
                    named_orgs if named_orgs is not None
                    else (named_orgs := {_organisation(split_key(index.keys[k])[0]) for k in named_like if k in index.current})
            ) == 1 and (shared := _publisher_shares_word(publisher, vendor)):
                # The publisher's name and the vendor's share a distinctive word: one company
                # under two spellings of its name, which NVD wrote as a web domain or after a merger.
                offer(key_id, 0.9, f"product name '{product}', and publisher '{publisher}' shares the word '{shared}' "
                                   f"with vendor '{vendor}'")
            elif display and publisher and _publisher_named_after(publisher, product):
                # A company named after its program (or the program after it) confirms the program
                # whatever vendor name NVD gave the company.
                offer(key_id, 0.9, f"product name '{product}', and publisher '{publisher}' is named after it")
            elif publisher and len(said_initials := compact(publisher)) >= 3 and said_initials == _initials_of(product):
                # A publisher that writes the product's name by its initials ("KLCP" publishes the
                # K-Lite Codec Pack): it names the product, as a company named after it does.
                offer(key_id, 0.9, f"product name '{product}', and publisher '{publisher}' is its initials")
            elif publisher and (first := _publisher_first_word(publisher, vendor)):
                # Session 20: a division or product team that signs with its company's short name
                # first ("GNU PSPP" publishes gnu:pspp, "GE Digital" ge:cimplicity).
                offer(key_id, 0.9, f"product name '{product}', and publisher '{publisher}' names vendor '{vendor}' "
                                   f"by its first word '{first}'")
            else:
                offer(key_id, 0.6, f"product name '{product}', but publisher '{publisher}' does not name vendor '{vendor}'")
        current = tuple(k for k in named_like if k in index.current) if named_like else ()
        if not publisher and current and not any(scored[k].score >= THRESHOLD for k in current):
            chosen = self.ids._by_name_alone(current, cleaned, project=True)
            if isinstance(chosen, _Candidate):
                doubt = self._name_alone_doubt(chosen.key_id) if display else ""
                if doubt:
                    offer(chosen.key_id, min(chosen.score, 0.8), chosen.evidence + f", but {doubt}")
                else:
                    offer(chosen.key_id, chosen.score, chosen.evidence + ", no publisher to say otherwise")
        # 2. The name starts with the vendor: "google chrome", "adobe acrobat reader dc".
        siblings: list[tuple[int, str, str]] = []
        for split in range(1, len(words) if not unnamed else 1):
            vendor_part = " ".join(words[:split])
            said_vendor = compact(vendor_part)
            if said_vendor not in index.by_vendor and said_vendor + "project" not in index.by_vendor:
                continue  # no vendor is named so (with or without " project"): nothing below can agree
            product_part = " ".join(words[split:])
            for key_id in index.by_product.get(compact(product_part), ()):
                vendor, product = index.words(key_id)
                if compact(vendor) == said_vendor or compact(vendor.removesuffix(" project")) == said_vendor:
                    confirmed = _publisher_agrees(publisher, vendor)
                    if (not confirmed and publisher and key_id not in index.titles and not index.cve_count(key_id)
                            and any(_publisher_agrees(publisher, index.words(k)[0]) for k in named_like)):
                        # Session 17: the publisher names the vendor of a product called the whole
                        # name ("Titan FTP Server" by South River Technologies is
                        # southrivertech:titan_ftp_server): a vendor read off the name's first
                        # word that the publisher does not name (titan:ftp_server) is another
                        # company's product, below the one the publisher confirms. Unless data stands
                        # for the split: a CVE, or the 2015 dictionary's title ("Dameware Mini Remote
                        # Control" by SolarWinds stays dameware:mini_remote_control).
                        offer(key_id, 0.94, f"name '{cleaned}' is vendor '{vendor}' + product '{product}', but publisher "
                                            f"'{publisher}' names the vendor of the product called '{cleaned}'")
                        continue
                    offer(
                        key_id,
                        (0.99 if confirmed else 0.96) + _spelled(product, product_part),
                        f"name '{cleaned}' is vendor '{vendor}' + product '{product}'"
                        + (f", publisher '{publisher}' agrees" if confirmed else ""),
                    )
                elif len(index.by_product[compact(product_part)]) == 1 and _publisher_agrees(publisher, vendor_part):
                    # (Only a product one vendor files: a common name says nothing of the vendor.)
                    siblings.append((key_id, said_vendor, vendor_part))
        if (not scored and not unnamed and len(words) >= 2 and publisher and " " in publisher and words[0] == publisher.split()[0]
                and said_publisher in index.by_vendor and len(words[0]) >= 4):
            # 2c. The name begins with the publisher's first word, a company's short name, and
            # the rest is a product the publisher's vendor files ("Tungsten Power PDF" by
            # Tungsten Automation is tungstenautomation:power_pdf). One lookup.
            for key_id in index.by_product.get(compact(" ".join(words[1:])), ()):
                vendor, product = index.words(key_id)
                if compact(vendor) == said_publisher:
                    offer(key_id, 0.9, f"name '{cleaned}' is the publisher's short name '{words[0]}' + product '{product}' "
                                       f"of vendor '{vendor}', which publisher '{publisher}' names")
        if (not scored and not unnamed and len(words) >= 2 and publisher and words[0] == publisher.split()[0] and len(words[0]) >= 4
                and said_publisher not in index.by_vendor):
            # 2d. (Session 16) The same when the publisher is no NVD vendor but names one as
            # written longer ("Salto ProAccess SPACE" by SALTO Systems is
            # saltosystem:proaccess_space): the one product of the rest whose vendor it names.
            agreeing = [k for k in index.by_product.get(compact(" ".join(words[1:])), ())
                        if k in index.current and _publisher_agrees(publisher, index.words(k)[0])]
            if len({index.equivalents(k) for k in agreeing}) == 1:
                key_id = index.primary(tuple(agreeing))
                vendor, product = index.words(key_id)
                offer(key_id, 0.9, f"name '{cleaned}' is the publisher's short name '{words[0]}' + product '{product}' "
                                   f"of vendor '{vendor}', which publisher '{publisher}' names")
        if not scored and not unnamed and len(words) >= 2 and len(said_first := compact(words[0])) >= 6 and said_first in index.line_starts:
            # 2a. A vendor named after its product line, whose products NVD names with that line
            # ("RealVNC Viewer" is realvnc:vnc_viewer, "RealVNC Server" realvnc:vnc_server): the
            # end of the vendor's name begins the product's. At most a few lookups per name, at the
            # places in the vendor's name where one of its products' names begins (line_starts).
            rest = compact(" ".join(words[1:]))
            for start in index.line_starts[said_first]:
                for key_id in index.by_product.get(said_first[start:] + rest, ()):
                    vendor, product = index.words(key_id)
                    if compact(vendor) == said_first and compact(product.split()[0]) == said_first[start:]:
                        confirmed = _publisher_agrees(publisher, vendor)
                        offer(key_id, 0.92 if confirmed else 0.86,
                              f"name '{cleaned}' is vendor '{vendor}' + product '{product}', whose first word ends the "
                              "vendor's name" + (f", publisher '{publisher}' agrees" if confirmed else ""))
        if not scored:
            for key_id, said_vendor, vendor_part in siblings:
                vendor, product = index.words(key_id)
                shared = self._siblings(said_vendor, compact(vendor))
                if shared:
                    # Nothing else names the product, and the name and the publisher name a vendor
                    # that NVD files this product under another name of (HPE, split from HP: "HPE
                    # Smart Storage Administrator" is hp:smart_storage_administrator): the two file
                    # products of the same names. (Last, as its check is the costliest.)
                    offer(key_id, 0.9, f"name '{cleaned}' is vendor '{vendor_part}' + product '{product}', which NVD "
                                       f"files under '{vendor}'; the two vendors file {shared} products of the same names")
        # 2b. The same written together, as bundle names do: "ZoomRooms" by zoom is zoom:rooms.
        said = said_publisher
        if len(words) == 1 and len(said) >= 3 and glued.startswith(said) and len(glued) - len(said) >= 3:
            for key_id in index.by_product.get(glued[len(said):], ()):
                vendor, product = index.words(key_id)
                if _publisher_agrees(publisher, vendor):
                    offer(key_id, 0.95, f"name '{cleaned}' is vendor '{vendor}' and product '{product}' written together, "
                                        f"publisher '{publisher}' agrees")
        # 3. The name is the vendor, whose one desktop program NVD names generically (figma:desktop).
        # (Products NVD names only as a vendor's generic program, _VENDOR_APP_PRODUCTS, by vendor run together.)
        for key_id in index.vendor_apps.get(glued, ()):
            vendor, product = index.words(key_id)
            if _publisher_agrees(publisher, vendor):
                offer(key_id, 0.9, f"name and publisher are vendor '{vendor}', whose desktop program is '{product}'")
        # 4. The name is a product's title in the CPE dictionary.
        for key_id in index.by_title.get(cleaned, ()):
            vendor, product = index.words(key_id)
            if compact(cleaned) == compact(vendor):
                continue  # a title that is only the vendor's name says nothing about the product
            if _publisher_agrees(publisher, vendor) or cleaned.startswith(vendor + " "):
                offer(key_id, 0.9, f"name equals the dictionary title '{cleaned}' of {index.keys[key_id]}")
            else:
                offer(key_id, 0.7, f"name equals the dictionary title '{cleaned}', vendor '{vendor}' unconfirmed")
        # 5. The name is how CISA's KEV catalog names a product (mined into the bundle).
        for key_id in index.by_name.get(cleaned, ()):
            vendor, product = index.words(key_id)
            if _publisher_agrees(publisher, vendor) or cleaned.startswith(vendor + " "):
                offer(key_id, 0.95, f"KEV names {index.keys[key_id]} '{cleaned}', publisher or name gives vendor '{vendor}'")
            elif not publisher and len(words) == 1:
                # The catalog's product column is read beside its vendor column: one word of it
                # alone ("Kernel", "Frontend", "Confluence") names the product only with its vendor.
                offer(key_id, 0.8, f"KEV names {index.keys[key_id]} '{cleaned}', but one word without its vendor "
                                   "or a publisher does not name it")
            elif not publisher:
                offer(key_id, 0.88, f"KEV names {index.keys[key_id]} '{cleaned}', no publisher to say otherwise")
            else:
                offer(key_id, 0.7, f"KEV names {index.keys[key_id]} '{cleaned}', vendor '{vendor}' unconfirmed")
        return list(scored.values())
