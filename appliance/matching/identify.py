"""Identification: which NVD product (CPE vendor:product) a reported item is, with method, score and reason."""

from __future__ import annotations

import re
from functools import lru_cache

from appliance.cpe import CpeError, parse_cpe23, unquote
from appliance.matching.base import SOURCES, Candidate as _Candidate, Identification, SoftwareItem, Unidentified
from appliance.matching.bundle import _PROJECT_SUFFIXES, ECOSYSTEMS, _named_after
from appliance.matching.index import CpeIndex, split_key
from appliance.matching.normalize import compact as _compact_uncached
from appliance.matching.normalize import (
    PUBLISHER_NOISE as _PUBLISHER_WORDS, app_name, brew_name, bundle_vendor, clean_display_name, clean_publisher,
    cpe_words, main_part, pypi_name,
)
from appliance.matching.packages import PackageRules, repository_stems, ships_no_code
from appliance.matching.platform import Platform

# The same publishers, vendors and names are run together again and again while one report is
# identified (every candidate of a Microsoft program compacts "microsoft"): kept once done.
compact = lru_cache(maxsize=65_536)(_compact_uncached)

# Below this score an item stays unmatched: a wrong product is worse than none.
THRESHOLD = 0.85

# Words that name an edition or packaging of a product, not a different product:
# "Microsoft Office Professional Plus 2019" is Office.
_EDITION_WORDS = {
    "professional", "pro", "plus", "standard", "enterprise", "home", "business", "community", "ultimate", "premium",
    "client", "desktop", "app", "stable", "lts", "free", "mui", "ce", "runtime",
}
_NUMBER = re.compile(r"^\d+$")
# Channels of one product ("Google Chrome Beta", "Visual Studio Code Insiders") and servicing
# words left by the version ("Exchange Server 2019 Cumulative Update 13") are packaging too.
_EDITION_WORDS |= {"beta", "canary", "nightly", "insiders", "insider", "preview", "cumulative", "express", "basic", "lite", "core"}
# Browser plug-in builds of one product ("Adobe Flash Player 32 NPAPI" is adobe:flash_player).
_EDITION_WORDS |= {"npapi", "ppapi", "activex"}
# Words after a product's name that make the entry a part of it that is not the product: its
# installer or updater, headers, documentation, language resources, plug-ins for other
# programs ("Microsoft Visual Studio Installer", "Python 3.11 pip Bootstrap", "Teams
# Machine-Wide Installer"). NVD files such a part only when it is a product of its own
# (adobe:genuine_service, microsoft:edge_update), and then the whole name finds it.
_PART_WORDS = {
    "installer", "setup", "updater", "update", "helper", "launcher", "bootstrap", "bootstrapper", "component",
    "components", "headers", "targeting", "pack", "mui", "proofing", "documentation", "docs", "add-in", "addin", "plugin",
    "plug-in", "extension", "extensions", "files", "manager", "module", "language",
}
# Pieces of a product that carry its code: the product's CVEs are theirs ("Microsoft .NET
# Host", "Python 3.11 Standard Library", "Microsoft Visual C++ 2022 X64 Minimum Runtime").
_CODE_PART_WORDS = {
    "runtime", "sdk", "host", "agent", "service", "services", "driver", "drivers", "tools", "console", "library",
    "libraries", "executables", "engine", "resolver", "minimum", "additional", "assistant",
}
# Debian Policy 5.6.7: package names are lower case letters, digits and + - . (rpm and apk
# allow "_" too). Anything else on a Linux host is a display name (a desktop app, say).
_PACKAGE_NAME = re.compile(r"^[a-z0-9][a-z0-9.+_-]*$")
_YEAR = re.compile(r"^(19|20)\d\d(-(19|20)\d\d)?$")
# Products some vendors file as the vendor's only desktop program ("Figma" is figma:desktop).
_VENDOR_APP_PRODUCTS = ("desktop", "desktop_app", "desktop_client", "client", "app")
# Vendors under which NVD filed projects hosted on their sites (google:tunnelblick is the
# Google Code project of tunnelblick:tunnelblick): no other organisation's product of that name.
_HOSTING_VENDORS = ("google", "googlecode", "github", "sourceforge", "gitlab", "bitbucket")
# Vendors NVD uses for the package ecosystems themselves (python:urllib3, npmjs:semver).
_ECOSYSTEM_VENDORS = {"pip": ("python", "pypa", "python_software_foundation", "pypi"), "npm": ("npmjs", "nodejs", "npm", "openjsf")}
_TARGET_SW = {"pip": "python", "npm": "node.js"}
# A vendor filing this many products or fewer is a small organisation: one of its products
# that NVD files as a pip package speaks for the others (pip only: npm's small vendors are
# often of several languages, typelevel's Scala libraries, chainsafe's Go ethermint).
_FEW_PRODUCTS = 5
_LANGUAGE = {"pip": "Python", "npm": "Node.js"}
# Which reference URLs speak for a name of each source (references.KINDS): a package page of
# the item's own registry for pip and npm; a source repository for the others.
_REFERENCE_KIND = {"pip": "pypi", "npm": "npm"}
# How a language binding's repository is named after its package (redis-py, pyjwt, node-jsonwebtoken).
_BINDING_NAMES = {
    "pip": ("python-{}", "{}-python", "py-{}", "{}-py", "py{}", "{}.py"),
    "npm": ("node-{}", "{}-node", "{}.js", "{}-js", "{}js", "node{}"),
}
# Vendors named after a programming language (golang, rust-lang, nim-lang, ruby-lang): their
# packages are that language's (golang:protobuf, nim-lang:docutils).
_LANGUAGE_VENDOR = re.compile(r"^[a-z]+-?lang$")
# Words other languages' package and repository names carry (go-ldap, yaml-rust, ruby-jwt,
# php-jwt): a name of several words with one of them is that language's.
_FOREIGN_WORDS = frozenset({"go", "golang", "rust", "rs", "ruby", "rb", "php", "perl", "java", "dart", "elixir", "crystal", "nim"})
# Vendors NVD names after a package ecosystem (jenkins:kubernetes is a Jenkins plugin,
# wordpress:* WordPress's, php:memcached a PHP extension): no pip or npm package of theirs.
_ECOSYSTEM_NAMES = frozenset(_compact_uncached(e) for e in ECOSYSTEMS)
_PEP503 = re.compile(r"[-_./\s]+")
# A product name with a "-" or "." between words: how registries spell packages, not how NVD
# writes words (it uses "_").
_IDENTIFIER = re.compile(r"^[a-z0-9]+(?:[-.][a-z0-9]+)+$")
# The affixes a package name adds to its project's name to say its ecosystem (node-forge,
# snowflake-connector-python, python-jenkins).
_AFFIXES = {"pip": (("python-", ""), ("", "-python"), ("py-", ""), ("", "-py")),
            "npm": (("node-", ""), ("", "-js"), ("", "-node"), ("", ".js"))}


def _without_affix(package: str, source: str) -> str:
    """The project's name inside a package name with its ecosystem's affix ("" if none)."""
    for prefix, suffix in _AFFIXES[source]:
        if package.startswith(prefix) and package.endswith(suffix) and len(package) > len(prefix) + len(suffix) + 2:
            return package[len(prefix): len(package) - len(suffix)]
    return ""


# How NVD names a binding's product when the bare name is another program's: the
# repository's name with a suffix of the language (redis-py, protobuf-python, xterm.js, mysqljs).
_BINDING_PRODUCTS = {"pip": ("{}-py", "{}.py", "{}-python"), "npm": ("{}.js", "{}js")}
# A repository name is evidence for a product only when several CVEs or dictionary entries
# link it: one link is too often a fork, a dependency or a researcher's copy.
_REPOSITORY_SUPPORT = 2


def _keeps_product_words(key: str, kept: str, cleaned: str) -> bool:
    """The product's NVD name has a word that only the kept reading of the name has ("for",
    a major number): "skype_for_business" from "Skype for Business Basic 2016"."""
    only = {w for w in set(kept.split()) - set(cleaned.split()) if w != "windows"}
    # "windows" alone is no such word: "Microsoft Windows Desktop Runtime" is not microsoft:windows.
    return bool(only & set(cpe_words(split_key(key)[1]).split()))


def _trimmed(words: list[str], drop) -> list[str]:
    """The words without those ``drop`` says are packaging; with them go an "and" between two
    of them ("Home and Business") and a word that repeats an earlier one with a number (the
    Windows service name in "Apache Tomcat 9.0 Tomcat9")."""
    gone = []
    for i, w in enumerate(words):
        dropped = bool(drop(w))
        if not dropped and w[-1].isdigit():
            dropped = any(w[len(e):].isdigit() and w.startswith(e) for e in words[:i])
        gone.append(dropped)
    if "for" in words:
        for i, w in enumerate(words):
            if i and words[i - 1] == "for":
                gone[i] = False  # what a product is for is part of its name ("Skype for Business")
    if "and" in words:
        for i, w in enumerate(words):
            if w == "and" and 0 < i < len(words) - 1 and gone[i - 1] and gone[i + 1]:
                gone[i] = True
    return [w for w, g in zip(words, gone) if not g]


def _vendor_words(index: CpeIndex, key_id: int) -> tuple[str, str]:
    return index.words(key_id)


def source_of(item: SoftwareItem, platform: Platform) -> str:
    """The item's inventory source: the agent's hint when it sent one, else what the host and the name imply."""
    if item.source in SOURCES:
        return item.source
    name = item.name.strip()
    if platform.family == "macos":
        if name.lower().endswith(".app") or item.bundle_id:
            return "macos_app"
        # osquery's homebrew_packages rows: lower-case formula names, no publisher.
        return "homebrew" if not item.vendor and _PACKAGE_NAME.match(name.replace("@", "")) else "macos_app"
    if platform.packages:
        return platform.scheme if _PACKAGE_NAME.match(name.lower()) else "other"
    if platform.family == "windows":
        return "windows_program"
    return "other"


# What NVD vendor names add to an organisation's name, glued or as words: torproject,
# filezilla-project, skype_technologies, apache_friends (compare "The Tor Project", whose
# cleaned publisher is "tor").
_VENDOR_TAILS = ("project", "foundation", "software", "technologies", "team", "inc", "corp", "labs", "group", "org")
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
    if not p or not v or len(v) < 2:
        return False
    return p == v or p == _organisation(vendor) or (len(v) >= 4 and (p.startswith(v) or v.startswith(p) and len(p) >= 4))


def _spelled(product: str, text: str) -> float:
    """A small bonus when the words match as written, not only run together: of microsoft:asp.net_core
    and microsoft:aspnetcore, "asp.net core" is the first. Breaks such ties by evidence, not by name."""
    return 0.01 if product == text else 0.0


def _says_language(package: str, source: str) -> bool:
    """A package name made by its ecosystem's naming conventions: pip's py*, python-*, *-python,
    django-* (pymongo, python-multipart); npm's node-*, *-js, *.js, *-javascript, *js."""
    words = [w for w in re.split(r"[-_./]+", package) if w]
    if source == "pip":
        return any(w in ("python", "py", "django") or (w.startswith("py") and len(w) >= 5) for w in words)
    if len(words) == 1:
        # One word of letters glued to "js", as npm names (and vendors, below) are: snarkjs, mathjs.
        return len(package) >= 6 and package.isalpha() and package.endswith("js")
    return any(w in ("node", "nodejs", "js", "javascript") for w in words)


def _vendor_says_language(vendor: str, source: str) -> bool:
    """A vendor named by its ecosystem's conventions: npm's webpack.js, gulpjs, mongoosejs;
    pip's pycryptodome, python-poetry (NVD's "<name>_project" suffix set aside)."""
    for suffix in _PROJECT_SUFFIXES:
        vendor = vendor.removesuffix(suffix)
    if _says_language(vendor, source):
        return True
    return source == "npm" and len(vendor) >= 5 and vendor.endswith("js") and vendor.isalpha()


@lru_cache(maxsize=65_536)
def _carries_vendor(vendor: str, product: str) -> bool:
    """The product's first words are its vendor's name: pdf24:pdf24_creator, pdf-xchange:pdf-xchange_editor."""
    v, words = compact(vendor), product.split()
    return len(v) >= 3 and len(words) >= 2 and any(compact(" ".join(words[:n])) == v for n in range(1, len(words)))


def _extends(name: str, product: str) -> bool:
    """The package name is the product's name with more words after it: django-reversion of django."""
    n, p = compact(name), compact(product)
    return len(p) >= 3 and n != p and n.startswith(p)


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


class Identifier:
    """Deterministic identification over one CpeIndex; results are cached per (name, vendor, platform)."""

    CACHE_LIMIT = 200_000  # entries each cache keeps (items, cleaned names, candidates); beyond it, it starts over

    def __init__(self, index: CpeIndex) -> None:
        self.index = index
        self._cache: dict[tuple[str, str, str, str, str], Identification | Unidentified] = {}
        self._candidate_cache: dict[tuple[str, str, bool], list[_Candidate]] = {}
        # Many display names of one report clean to the same words ("Mozilla Firefox 128" and
        # "Mozilla Firefox (x64 en-US)"): a cleaned name is identified once per publisher.
        self._name_cache: dict[tuple[str, str, bool, bool], Identification | Unidentified] = {}
        self.packages = PackageRules(self)

    def identify(self, item: SoftwareItem, platform: Platform) -> Identification | Unidentified:
        if item.cpe:
            return self._agent_cpe(item.cpe)
        cache_key = (item.name, item.vendor, platform.family + platform.scheme, item.source, item.bundle_id)
        found = self._cache.get(cache_key)
        if found is None:
            if len(self._cache) > self.CACHE_LIMIT:
                self._cache.clear()  # names come from the LAN: keep memory bounded, whatever agents send
            found = self._by_source(item, platform)
            self._cache[cache_key] = found
        return found

    def _by_source(self, item: SoftwareItem, platform: Platform) -> Identification | Unidentified:
        """Each inventory source names software its own way; read the name the way its source writes it."""
        source = source_of(item, platform)
        raw = item.name.strip().lower()
        if raw in self.index.aliases.never:
            return Unidentified(f"'{item.name}' is a look-alike, not a product with CVEs: {self.index.aliases.never[raw]}")
        if source in ("pip", "npm"):
            return self._with_references(self._language_package(item.name, source), raw, source)
        if source == "homebrew":
            formula = brew_name(raw)
            found = self._package(formula, "homebrew")
            if isinstance(found, Identification):
                return self._with_references(found, formula, source)
            # Casks are display names written with hyphens (google-chrome, visual-studio-code).
            named = self._identify(formula.replace("-", " "), item.vendor, platform, display=False)
            if isinstance(named, Identification) and (named.method == "alias" or not self.packages.refused_names(formula)):
                return self._with_references(named, formula, source)
            # A formula named exactly like products the package rules could not choose
            # between stays refused (calibre: calibre:calibre or calibre-ebook:calibre).
            return self._with_references(found, formula, source)
        if source == "macos_app":
            name = app_name(item.name)
            vendor = bundle_vendor(item.bundle_id) if item.bundle_id else ""
            if not item.vendor and vendor:
                found = self._identify(name, vendor, platform)
                if isinstance(found, Identification):
                    return Identification(found.key, found.method, found.score,
                                          found.evidence + f" (vendor '{vendor}' from bundle id {item.bundle_id})")
                if compact(vendor) in self.index.by_vendor:
                    # The bundle id names an NVD vendor (com.apple.Weather): a product of another
                    # vendor that only shares the name is not this program.
                    return Unidentified(f"{found.reason} (bundle id {item.bundle_id} names vendor '{vendor}')")
            found = self._identify(name, item.vendor, platform)
            return found if item.vendor or item.bundle_id else self._with_references(found, clean_display_name(name), source)
        if source in ("dpkg", "rpm", "apk") and _PACKAGE_NAME.match(raw):
            found = self._package(raw, source)
            if found is not None:
                return self._with_references(found, raw, source)
        found = self._identify(item.name, item.vendor, platform, packages=False)
        return found if item.vendor else self._with_references(found, clean_display_name(item.name), source)

    def _with_references(self, found: Identification | Unidentified, name: str, source: str) -> Identification | Unidentified:
        """What the name rules found, with reference URLs heard: they identify what the rules could
        not, and replace a product without any CVE when they name one product that has CVEs
        (libde265 is struktur:libde265, whose repository 17 CVEs link, not libde265:libde265)."""
        if isinstance(found, Identification) and found.method in ("alias", "agent_cpe"):
            return found
        never = self.index.aliases.never
        if name in never or clean_display_name(name) in never:
            return found  # a look-alike the alias table names: no URL overrules it
        if isinstance(found, Identification):
            key_id = self.index.key_id.get(found.key)
            if key_id is None or any(self.index.cve_count(k) for k in self.index.equivalents(key_id)):
                return found
        referenced = self._by_reference(name, source)
        if isinstance(found, Unidentified):
            return referenced or found
        if isinstance(referenced, Identification) and referenced.key != found.key:
            key_id = self.index.key_id[referenced.key]
            if any(self.index.cve_count(k) for k in self.index.equivalents(key_id)):
                return Identification(referenced.key, referenced.method, referenced.score,
                                      referenced.evidence + f"; the name alone suggested {found.key}, which has no CVEs")
        return found

    def _linked(self, options: list[tuple[int, ...]], what: str, source: str) -> tuple[tuple[int, ...], str] | None:
        """Of several products spelled alike, the one group whose references name a package page
        (pip, npm) or a repository spelled like the name, with that URL; else None."""
        kinds = (_REFERENCE_KIND[source], "repo") if source in _REFERENCE_KIND else ("repo",)
        rows = [r for kind in kinds for r in self.index.references(kind, what)]
        linked = [(g, min(r.url for r in rows if r.key in g)) for g in options if any(r.key in g for r in rows)]
        return linked[0] if len(linked) == 1 else None

    def _by_reference(self, name: str, source: str) -> Identification | Unidentified | None:
        """The product that reference URLs of NVD's CVEs and dictionary give this name, or None
        when no URL does (bundle.mine_references).

        A pip or npm package needs a package page of its own registry (pypi.org/project/<name>,
        npmjs.com/package/<name>, a Snyk advisory id): that URL says what the package is, even when
        NVD's product is spelled otherwise (b2sdk is backblaze:b2_python_software_development_kit).
        A Linux package or Homebrew formula needs a repository named like it (libexpat is the
        libexpat/libexpat repository of expat) that several CVEs or dictionary entries link, of a
        product with CVEs. URLs that name several products refuse, with the candidates.
        """
        if source in ("dpkg", "rpm", "apk"):
            # Distributions package Python and Node modules as python3-<module>, node-<module>.
            for prefix, language in (("python3-", "pip"), ("python-", "pip"), ("node-", "npm")):
                if name.startswith(prefix) and len(name) > len(prefix) + 1:
                    found = self._by_reference(name[len(prefix):], language)
                    if isinstance(found, Identification):
                        return Identification(found.key, found.method, found.score,
                                              f"{source} package '{name}' is {language} package '{name[len(prefix):]}': {found.evidence}")
                    return found
        kind = _REFERENCE_KIND.get(source, "repo")
        if kind == "repo" and (ships_no_code(name) or name.endswith("-dev")):
            return None
        names = [name] if kind != "repo" else repository_stems(name)
        rows = [row for text in names for row in self.index.references(kind, text)]
        what = "package page" if kind != "repo" else "repository"
        if kind == "repo":
            # The first spelling (the whole name, then shorter stems) that names a product speaks.
            rows = next(([r for r in found if r.support >= _REPOSITORY_SUPPORT and r.key in self.index.current]
                         for found in (self.index.references(kind, text) for text in names)
                         if any(r.support >= _REPOSITORY_SUPPORT and r.key in self.index.current for r in found)), [])
        if kind != "repo":
            # A package named "<product>-<more>" is an extension of the product (a PyPI page of
            # django-reversion among Django's references), not the product.
            rows = [r for r in rows if not _extends(name, self.index.words(r.key)[1])]
            if not rows:
                # A language binding's repository is spelled after the language: redis-py,
                # pyjwt, node-jsonwebtoken (never the bare name: the redis repository is the server).
                bare = pypi_name(name)
                rows = [row for text in _BINDING_NAMES[source] for row in self.index.references("repo", text.format(bare))]
                what = f"{source} binding's repository"
        if not rows:
            return None
        products: dict[tuple[int, ...], list] = {}
        for row in rows:
            products.setdefault(self.index.equivalents(row.key), []).append(row)
        if kind == "repo":
            products = {g: found for g, found in products.items() if sum(self.index.cve_count(k) for k in g) >= 1}
            if not products:
                return None
        if len(products) > 1:
            shown = ", ".join(
                f"{self.index.keys[found[0].key]} ({found[0].url})" for _, found in sorted(products.items(), key=lambda p: p[1][0].key)
            )
            return Unidentified(f"reference URLs give '{name}' to several NVD products: {shown}")
        ((group, found),) = products.items()
        named = [r.key for r in found]
        key_id = self.index.primary(tuple(k for k in named if k in self.index.current) or tuple(named))
        row = min((r for r in found if r.key == key_id), key=lambda r: (-r.support, r.url))
        rivals = [k for k in self._spelled_like(pypi_name(row.name)) if k not in group]
        if rivals and not any(self.index.cve_count(k) for k in group):
            # Other vendors' products are spelled like the name, and the URL's product has no CVE
            # to show NVD still files it (an old dictionary entry names jean-paul_calderone:
            # pyopenssl; NVD's product today is pyopenssl:pyopenssl).
            shown = ", ".join(self.index.keys[k] for k in sorted({key_id, *rivals}))
            return Unidentified(f"'{name}' names several NVD products: {shown}; {row.url} names {self.index.keys[key_id]}, "
                                "which has no CVEs to show it is the one NVD uses")
        links = f"{row.support} CVEs or dictionary entries of it link" if row.support > 1 else "NVD links"
        return Identification(self.index.keys[key_id], "reference", 0.9 if kind != "repo" else 0.88,
                              f"{source} name '{name}' is {self.index.keys[key_id]}: {links} its {what} {row.url}")

    def _spelled_like(self, name: str) -> tuple[int, ...]:
        """Current keys whose product is spelled like a package name ("add_user" is not "adduser")."""
        spellings = {name, name.replace("-", "_"), name.replace("_", "-")}
        return tuple(k for k in self.index.by_product.get(compact(name), ())
                     if k in self.index.current and unquote(split_key(self.index.keys[k])[1]).lower() in spellings)

    def _registry_spelled(self, package: str, source: str) -> tuple[int, ...]:
        """Current keys whose product is spelled like a registry name by the registry's own rules.

        PyPI (PEP 503) treats case and runs of "-", "_" and "." as one, so ruamel.yaml is
        ruamel_yaml and mysql-connector-python is NVD's mysql_connector/python. npm names are
        lower case and keep their dots: highlight.js and socket.io are spelled so by NVD, and
        node.extend is another package than node-extend; NVD writes "_" for "-" only.
        """
        if source == "pip":
            wanted = pypi_name(package)
            return tuple(k for k in self.index.by_product.get(compact(package), ())
                         if k in self.index.current and _PEP503.sub("-", unquote(split_key(self.index.keys[k])[1]).lower()) == wanted)
        spellings = {package, package.replace("-", "_"), package.replace("_", "-")}
        return tuple(k for k in self.index.by_product.get(compact(package), ())
                     if k in self.index.current and unquote(split_key(self.index.keys[k])[1]).lower() in spellings)

    def _language_package(self, name: str, source: str) -> Identification | Unidentified:
        """A pip or npm package: a product of that name that NVD files as a package of the ecosystem."""
        raw = name.strip().lower()
        if source == "npm" and raw.startswith("@types/"):
            # DefinitelyTyped's packages hold TypeScript declarations of another package, no code.
            return Unidentified(f"'{name}' holds TypeScript type declarations, no code of its own")
        scope, bare = raw[1:].split("/", 1) if raw.startswith("@") and "/" in raw else ("", raw)
        found = self._as_package(bare, source, scope)
        package = pypi_name(bare) if source == "pip" else bare
        binding = self._binding(package, source) if self._registry_spelled(bare, source) and not scope else None
        if binding is not None and not (isinstance(found, Identification) and (source == "npm" or self._filed(found.key, source))):
            # The name is also a product of another kind (a server, a terminal, another
            # language's port): the binding is the product NVD names with a suffix of the
            # ecosystem (pip redis is redis:redis-py, npm xterm is xtermjs:xterm.js). A pip
            # binding's suffix says Python outright, so it also beats a product the name alone
            # suggested (protobuf:protobuf against google:protobuf-python); npm's ".js" is often
            # the project's own name (jquery.js_project:jquery.js is jquery:jquery).
            key_id, text = binding
            said = found.reason if isinstance(found, Unidentified) else f"the name alone suggested {found.key}"
            return Identification(self.index.keys[key_id], "exact", 0.86,
                                  f"NVD names the {_LANGUAGE[source]} binding '{text}' ({self.index.keys[key_id]}); {said}")
        if isinstance(found, Identification):
            return found
        if scope and not self._registry_spelled(bare, source):
            # A scoped package NVD names after the scope and the package together
            # (@azure/functions is microsoft:azure_functions).
            joined = self._as_package(f"{scope}-{bare}", source, "", joined=f"@{scope}/{bare}")
            if isinstance(joined, Identification):
                return joined
        stripped = _without_affix(package, source)
        if stripped and not scope:
            # The name adds the ecosystem's affix to the project's (node-forge is digitalbazaar:forge):
            # the project counts only when NVD files it as a package of the ecosystem; a server
            # of that name is not its client library (python-jenkins is not Jenkins).
            other = self._as_package(stripped, source, "", strict=True)
            if isinstance(other, Identification):
                return Identification(other.key, other.method, min(other.score, 0.86),
                                      f"{source} package '{package}' is '{stripped}' with the {_LANGUAGE[source]} affix: {other.evidence}")
            words = stripped.split("-")
            kids = {self.index.equivalents(k) for k in self._registry_spelled(stripped, source)
                    if not self._of_another_ecosystem(self.index.equivalents(k), source)}
            if len(words) >= 2 and len(kids) == 1:
                # A vendor's product of several words with the language added (snowflake-connector-python
                # is snowflake:snowflake_connector): the vendor publishes the package, as a scope would say.
                ((group),) = kids
                key_id = self.index.primary(tuple(k for k in group if k in self.index.current) or group)
                vendor = split_key(self.index.keys[key_id])[0]
                if _publisher_agrees(words[0], vendor):
                    return Identification(self.index.keys[key_id], "exact", 0.86,
                                          f"{source} package '{package}' is '{stripped}' with the {_LANGUAGE[source]} affix, "
                                          f"and its first word names the vendor {vendor}")
        return found

    def _binding(self, package: str, source: str) -> tuple[int, str] | None:
        """The one product NVD names like the package with a suffix of its ecosystem (redis-py,
        protobuf-python, xterm.js), with that spelling; None if none or several. Prefixes
        (python-X, pyX, node-X) are left out: they are registry names of other packages
        (pycrypto is not pip's crypto, python-jose not pip's jose)."""
        bindings: dict[tuple[int, ...], tuple[int, str]] = {}
        for text in (t.format(package) for t in _BINDING_PRODUCTS[source]):
            for k in self._registry_spelled(text, source):
                group = self.index.equivalents(k)
                if self.index.ecosystem.get(k) in (None, _TARGET_SW[source]) and not self._of_another_ecosystem(group, source):
                    bindings.setdefault(group, (self.index.primary(tuple(g for g in group if g in self.index.current) or group),
                                                unquote(split_key(self.index.keys[k])[1]).lower()))
        return next(iter(bindings.values())) if len(bindings) == 1 else None

    def _filed(self, key: str, source: str) -> bool:
        """NVD's CVEs file the product as a package of the ecosystem (target_sw, or their descriptions)."""
        key_id = self.index.key_id.get(key)
        return key_id is not None and any(
            self.index.ecosystem.get(k) == _TARGET_SW[source] or self.index.described.get(k) == _TARGET_SW[source]
            for k in self.index.equivalents(key_id))

    def _as_package(self, package: str, source: str, scope: str, strict: bool = False, joined: str = "") -> Identification | Unidentified:
        """One spelling of a pip or npm name: the product NVD files under it as a package of the
        ecosystem, or why none is. ``strict`` takes only NVD's filing (target_sw, CVE
        descriptions, the ecosystem's or the project's own vendor) as evidence."""
        kids = tuple(k for k in self._registry_spelled(package, source) if self.index.ecosystem.get(k) in (None, _TARGET_SW[source]))
        # Products something says are of the other ecosystem (pip Babel is not babeljs:babel).
        ours = tuple(k for k in kids if not self._of_another_ecosystem(self.index.equivalents(k), source))
        if kids and not ours:
            shown = ", ".join(self.index.keys[k] for k in kids[:5])
            return Unidentified(f"{source} package '{package}' is named like {shown}, which NVD does not file as a {source} package: "
                                "its vendor, name or references say another ecosystem")
        kids = ours
        if not kids:
            return Unidentified(f"no NVD product is named like {source} package '{joined or pypi_name(package)}'")
        package = pypi_name(package) if source == "pip" else package
        chosen = self._by_name_alone(kids, package, source)
        if not isinstance(chosen, _Candidate):
            return Unidentified(chosen)
        vendor, product = split_key(self.index.keys[chosen.key_id])
        if scope and not _publisher_agrees(scope, vendor):
            # An npm scope is the organisation that publishes the package: @reduxjs/toolkit is
            # not github:toolkit, @svgr/webpack is not webpack (@hapi/hoek is hapijs:hoek).
            return Unidentified(f"npm package '@{scope}/{package}' is published under the scope '@{scope}', "
                                f"not by {vendor} of {self.index.keys[chosen.key_id]}")
        # A language package shares its name with programs of other kinds (pip "tomcat" is not
        # Apache Tomcat): the product must be filed as a package of the ecosystem, by the
        # ecosystem's vendor, or by a vendor named after it (numpy:numpy, qs_project:qs).
        group = self.index.equivalents(chosen.key_id)
        # A vendor named after the product vouches only for the key reported, or as NVD's
        # placeholder "<product>_project" (a small project) for its group: a group may join a
        # client's vendor to the server's (redis.js:redis with redis:redis).
        if not (any(self.index.ecosystem.get(k) == _TARGET_SW[source] or split_key(self.index.keys[k])[0] in _ECOSYSTEM_VENDORS[source]
                    or (split_key(self.index.keys[k])[0].endswith(_PROJECT_SUFFIXES) and self._project_named_after(k)
                        and self.index.ecosystem.get(k) in (None, _TARGET_SW[source]))
                    for k in group) or self._project_named_after(chosen.key_id)):
            # Failing NVD's filing, the product's own CVE descriptions may say it is of the
            # ecosystem ("Twisted is an event-based framework ... supporting Python 3.6+").
            # These weaker signals count for the one product spelled so, or for one the CVEs
            # chose among several; not for a product without CVEs that a URL chose
            # (jean-paul_calderone:pyopenssl of the 2015 dictionary, against pyopenssl:pyopenssl).
            alone = len({self.index.equivalents(k) for k in kids}) == 1 or any(self.index.cve_count(k) for k in group)
            spelled = unquote(product).lower()
            if alone and any(self.index.described.get(k) == _TARGET_SW[source] for k in group):
                why = f"its CVEs say it is a {_LANGUAGE[source]} package (their descriptions, or an advisory database of its packages)"
            elif strict:
                return Unidentified(f"{source} package '{package}' is named like {self.index.keys[chosen.key_id]}, "
                                    f"which NVD does not file as a {source} package")
            elif scope:
                # The scope is the publisher, and it names the product's vendor (@progress/kendo-ui
                # is progress:kendo_ui, @tauri-apps/plugin-shell is tauri:plugin-shell).
                why = f"its scope '@{scope}' names the vendor {vendor}"
            elif alone and _says_language(package, source):
                # The name itself is a convention of the ecosystem (pymongo, python-multipart,
                # django-*, serialize-javascript, node-*): no program of another kind is called so.
                why = f"its name says it is a {_LANGUAGE[source]} package"
            elif _vendor_says_language(vendor, source) and (alone or {
                    self.index.equivalents(k) for k in kids if _vendor_says_language(split_key(self.index.keys[k])[0], source)} == {group}):
                # So does the vendor's (webpack.js:loader-utils, gulpjs:glob-parent, pycryptodome),
                # for the one product spelled so or the one of several whose vendor is named so
                # (uuidjs:uuid); the reported key's vendor, not a group's (redis.js:redis joins redis:redis).
                why = f"its vendor's name says it is a {_LANGUAGE[source]} project"
            elif _IDENTIFIER.match(spelled) and spelled == package and not joined and not self._of_another_ecosystem(group, source):
                # NVD writes a product's words with "_"; a product written with the package's own
                # "-" or "." (fast-xml-parser, tough-cookie, yargs-parser) copies the identifier of a
                # package or repository, exactly as the registry spells it.
                why = f"NVD spells the product '{spelled}' exactly as the {source} registry names the package"
            elif source == "pip" and alone and (sibling := self._publishes_packages(chosen.key_id, source)):
                # A small organisation whose other product NVD files as a package of the
                # ecosystem, and none as another's (sqlalchemy:sqlalchemy beside sqlalchemy:mako).
                why = (f"its vendor {vendor} files at most {_FEW_PRODUCTS} products, none of another ecosystem, and NVD files "
                       f"its {sibling} as a {_LANGUAGE[source]} package")
            elif joined and alone:
                why = f"NVD names it after the scope and the package of '{joined}'"
            else:
                return Unidentified(f"{source} package '{package}' is named like {self.index.keys[chosen.key_id]}, which NVD does not file as a {source} package")
            return Identification(self.index.keys[chosen.key_id], "exact", min(chosen.score, 0.87), f"{chosen.evidence}; {why}")
        return Identification(self.index.keys[chosen.key_id], "exact", chosen.score, chosen.evidence)

    def _of_another_ecosystem(self, group: tuple[int, ...], source: str) -> bool:
        """Something says the product is a package of another ecosystem: NVD's target_sw or the
        CVE descriptions, a package page of another registry, a vendor or product named by the
        other's conventions (webpack.js:loader-utils is npm's, never a pip package), or a vendor
        named after another programming language."""
        other = "npm" if source == "pip" else "pip"
        ours = _REFERENCE_KIND[source]
        for k in group:
            vendor, product = split_key(self.index.keys[k])
            if _says_language(unquote(product).lower(), source) and self.index.ecosystem.get(k) in (None, _TARGET_SW[source]):
                continue  # the product's own name says ours (sass-lang:node-sass is npm's node-sass)
            if (self.index.ecosystem.get(k) not in (None, _TARGET_SW[source]) or self.index.described.get(k) == _TARGET_SW[other]
                    or self.index.registries.get(k, frozenset()) - {ours} or _vendor_says_language(vendor, other)
                    or (_LANGUAGE_VENDOR.match(vendor) and vendor not in _ECOSYSTEM_VENDORS[source])
                    or (compact(vendor) in _ECOSYSTEM_NAMES and compact(vendor) != compact(_TARGET_SW[source]))
                    or any(_FOREIGN_WORDS & set(w for w in re.split(r"[-_.]+", unquote(name).lower()) if w) for name in (vendor.removesuffix("_project"), product)
                           if re.search(r"[-_.]", unquote(name)))
                    or _says_language(unquote(product).lower(), other)):
                return True
        return False

    def _publishes_packages(self, key_id: int, source: str) -> str:
        """Another product of the key's vendor that NVD files as a package of the ecosystem
        (target_sw, CVE descriptions or advisory databases, a package page of its registry),
        when the vendor files at most _FEW_PRODUCTS products and none of them is another
        ecosystem's; "" otherwise. A big or many-language vendor says nothing of one product by
        another (google files protobuf-python beside android)."""
        index = self.index
        vendor = split_key(index.keys[key_id])[0]
        products = tuple(k for k in index.by_vendor.get(compact(cpe_words(vendor)), ()) if k in index.current)
        if len(products) > _FEW_PRODUCTS or any(
                index.ecosystem.get(k) not in (None, _TARGET_SW[source]) or self._of_another_ecosystem((k,), source) for k in products):
            return ""
        group = set(index.equivalents(key_id))
        return next((index.keys[k] for k in products if k not in group and (
            index.ecosystem.get(k) == _TARGET_SW[source] or index.described.get(k) == _TARGET_SW[source]
            or _REFERENCE_KIND[source] in index.registries.get(k, ()))), "")

    def _project_named_after(self, key_id: int) -> bool:
        """The vendor is named after the product and files nothing else but parts of it
        (numpy:numpy, qs_project:qs; lodash:lodash with lodash.template): a small project, as a
        package is. A company named after its product that files other products too (redis
        with hiredis, minio with console, docker, gitlab, jenkins) makes the server or program,
        and a pip or npm package of that name is its client library."""
        vendor, product = split_key(self.index.keys[key_id])
        if not _named_after(vendor, product):
            return False
        group, stem = set(self.index.equivalents(key_id)), compact(cpe_words(product))
        return all(k in group or compact(self.index.words(k)[1]).startswith(stem)
                   for k in self.index.by_vendor.get(compact(cpe_words(vendor)), ()) if k in self.index.current)

    def _by_name_alone(self, kids: tuple[int, ...], what: str, source: str = "") -> _Candidate | str:
        """One product among keys of one product name when no publisher speaks, or why there is none.

        Keys of one mined group are one product. Of several products, one is chosen when the
        data singles it out: NVD files it as a package of the item's ecosystem, it has at least
        twice the CVEs of every other, or it is the only one whose vendor is named after it.
        """
        index = self.index
        products: dict[tuple[int, ...], None] = {}
        for kid in kids:
            products[index.equivalents(kid)] = None
        options = list(products)

        def pick(group: tuple[int, ...], score: float, why: str, keys: tuple[int, ...] = ()) -> _Candidate:
            # ``keys``: the group's keys the evidence speaks for (the vendor named like a project
            # of the ecosystem), when it speaks for some of them only.
            if not keys and source in _TARGET_SW:
                # Of one product's keys NVD uses alike (no more CVEs under one), the one whose
                # vendor is named like a project of the ecosystem (sequelizejs, not sequelize_project).
                most = max(index.cve_count(k) for k in group)
                keys = tuple(k for k in group if index.cve_count(k) == most and _vendor_says_language(split_key(index.keys[k])[0], source))
            primary = index.primary(tuple(k for k in keys or group if k in index.current) or keys or group)
            names = f"; NVD names it {', '.join(index.keys[k] for k in group)}" if len(group) > 1 else ""
            return _Candidate(primary, score, why + names)

        if len(options) == 1:
            return pick(options[0], 0.9, f"'{what}' names exactly one NVD product")
        if source in _TARGET_SW:
            ours = [g for g in options if any(index.ecosystem.get(k) == _TARGET_SW[source] for k in g)]
            if len(ours) == 1:
                return pick(ours[0], 0.88, f"of the products named '{what}', NVD files only this one as a {source} package")
        counts = sorted(((sum(index.cve_count(k) for k in g), g) for g in options), key=lambda c: (-c[0], c[1]))
        if counts[0][0] >= 2 and counts[0][0] >= 2 * counts[1][0]:
            return pick(counts[0][1], 0.87, f"of the products named '{what}', this one has {counts[0][0]} CVEs, the next {counts[1][0]}")
        named = [c for c in counts if any(_named_after(*split_key(index.keys[k])) for k in c[1])]
        if len(named) == 1 and named[0][0] >= 1:
            return pick(named[0][1], 0.86, f"of the products named '{what}', only this one's vendor is named after it")
        if source in _TARGET_SW:
            # A vendor spelled by the ecosystem's conventions (uuidjs, python-markdown) against
            # others' (satori's Go uuid, cebe's PHP markdown).
            ours = [g for g in options if any(_vendor_says_language(split_key(index.keys[k])[0], source) for k in g)]
            if len(ours) == 1:
                return pick(ours[0], 0.86, f"of the products named '{what}', only this one's vendor is named like a {_LANGUAGE[source]} project",
                            tuple(k for k in ours[0] if _vendor_says_language(split_key(index.keys[k])[0], source)))
            # The package's own spelling ("brace-expansion", not "brace_expansion"): NVD copied it.
            ours = [g for g in options if any(unquote(split_key(index.keys[k])[1]).lower() == what for k in g)]
            if len(ours) == 1 and _IDENTIFIER.match(what):
                return pick(ours[0], 0.86, f"of the products named '{what}', only this one is spelled as the {source} registry spells it")
        if source in _TARGET_SW and counts[0][0] == 0:
            # No CVE speaks for any: a project that is its own vendor (tornadoweb:tornado,
            # gunicorn:gunicorn) against keys of other organisations or of its author
            # (benoitc:gunicorn). NVD's "<name>_project" placeholder does not count here: it
            # stands beside the real vendor's key as often as not (click_project:click).
            own = [g for g in options if any(_named_after(*split_key(index.keys[k])) and not split_key(index.keys[k])[0].endswith(_PROJECT_SUFFIXES)
                                             for k in g)]
            if len(own) == 1:
                return pick(own[0], 0.86, f"of the products named '{what}', none with CVEs, only this one's vendor is the project itself",
                            tuple(k for k in own[0] if _named_after(*split_key(index.keys[k]))
                                  and not split_key(index.keys[k])[0].endswith(_PROJECT_SUFFIXES)))
        if source in _ECOSYSTEM_VENDORS:
            ours = [g for g in options if any(split_key(index.keys[k])[0] in _ECOSYSTEM_VENDORS[source] for k in g)]
            if len(ours) == 1:
                return pick(ours[0], 0.86, f"of the products named '{what}', only this one's vendor is the {source} ecosystem")
        linked = self._linked(options, what, source)
        if linked is not None:
            return pick(linked[0], 0.86, f"of the products named '{what}', only this one's references link {linked[1]}")
        shown = ", ".join(f"{index.keys[index.primary(g)]} ({c} CVEs)" for c, g in counts[:5])
        return f"'{what}' names several NVD products and nothing says which: {shown}"

    def _agent_cpe(self, text: str) -> Identification | Unidentified:
        try:
            cpe = parse_cpe23(text)
        except CpeError as exc:  # validated at the API edge; this guards the CLI
            return Unidentified(f"agent-supplied CPE is invalid: {exc}")
        return Identification(cpe.product_key, "agent_cpe", 1.0, "CPE sent by the agent")

    def _known(self, key: str) -> bool:
        return key in self.index.key_id

    def _identify(self, name: str, publisher: str, platform: Platform, packages: bool = False,
                  display: bool = True) -> Identification | Unidentified:
        aliases = self.index.aliases
        raw = name.strip().lower()
        cleaned, said = clean_display_name(name), clean_publisher(publisher)
        for text in (raw, cleaned):
            if text in aliases.never:
                return Unidentified(f"'{name}' is a look-alike, not a product with CVEs: {aliases.never[text]}")
        if packages and platform.packages and _PACKAGE_NAME.match(raw):
            package = self._package(raw, platform.scheme)
            if package is not None:
                return package
        first: Unidentified | None = None
        # A product NVD names with words the cleaning drops ("for windows", a major number)
        # is taken when the name with those words names it outright.
        kept = clean_display_name(name, keep_product_words=True)
        if kept != cleaned:
            found = self._from_name(kept, said, platform, display)
            if isinstance(found, Identification) and (found.method != "fuzzy" or _keeps_product_words(found.key, kept, cleaned)):
                return found
        # The whole name first; then, for "Product - Component" names, the product part.
        part = main_part(name)
        for text in filter(None, (cleaned, part and clean_display_name(part))):
            found = self._from_name(text, said, platform, display)
            if isinstance(found, Identification):
                return found
            first = first or found
        return first or Unidentified(f"nothing to identify in '{name}'")

    def _from_name(self, cleaned: str, publisher: str, platform: Platform, display: bool = True) -> Identification | Unidentified:
        # Of the platform only "is it a Mac" matters here (the _for_mac builds below).
        cache_key = (cleaned, publisher, platform.family == "macos", display)
        found = self._name_cache.get(cache_key)
        if found is None:
            if len(self._name_cache) > self.CACHE_LIMIT:
                self._name_cache.clear()
            found = self._name_cache[cache_key] = self._from_name_uncached(cleaned, publisher, platform, display)
        return found

    def _from_name_uncached(self, cleaned: str, publisher: str, platform: Platform, display: bool) -> Identification | Unidentified:
        aliases = self.index.aliases
        if not cleaned:
            return Unidentified("nothing left of the name after removing versions and architecture notes")
        if cleaned in aliases.names and self._known(aliases.names[cleaned][0]):
            key, comment = aliases.names[cleaned]
            return Identification(key, "alias", 1.0, f"alias '{cleaned}': {comment}")
        candidates = self._candidates(cleaned, publisher, display)
        words = cleaned.split()
        # Editions, channels and years name a packaging of a product, not another product;
        # failing that, a bare number is a release name ("Citrix Workspace 2309"). Years are
        # kept on the first try: NVD names some products with their year (visual_studio_2022).
        for drop in (
            lambda w: w in _EDITION_WORDS,
            lambda w: w in _EDITION_WORDS or bool(_YEAR.match(w)),
            lambda w: w in _EDITION_WORDS or bool(_NUMBER.match(w)),
        ):
            if candidates:
                break
            trimmed = _trimmed(words, drop)
            if not trimmed or len(trimmed) == len(words):
                continue
            shorter = " ".join(trimmed)
            if shorter in aliases.names and self._known(aliases.names[shorter][0]):
                key, comment = aliases.names[shorter]
                return Identification(key, "fuzzy", 0.9, f"alias '{shorter}' after dropping edition words: {comment}")
            candidates = [
                _Candidate(c.key_id, round(c.score - 0.05, 3), c.evidence + f", after dropping edition words from '{cleaned}'", True)
                for c in self._candidates(shorter, publisher, display)
            ]
        if not candidates:
            return self._part_of(words, publisher, platform, display) or Unidentified(f"no NVD product is named like '{cleaned}'")
        # Highest score first; ties by key text, never by feed or row order.
        candidates.sort(key=lambda c: (-c.score, self.index.keys[c.key_id]))
        best = candidates[0]
        if best.score < THRESHOLD:
            shown = ", ".join(f"{self.index.keys[c.key_id]} ({c.score:.2f})" for c in candidates[:3])
            return self._part_of(words, publisher, platform, display) or Unidentified(
                f"best candidates for '{cleaned}' are below the {THRESHOLD} threshold: {shown} "
                f"({self.index.keys[best.key_id]}: {best.evidence})")
        rivals = [
            c for c in candidates[1:]
            if c.score == best.score and c.key_id not in self.index.equivalents(best.key_id)
        ]
        if rivals:
            best, why = self._one_organisation([best, *rivals])
            if why:
                return Unidentified(f"'{cleaned}' matches several products equally well: {why}")
        best = self._year_or_release(words, best, publisher, display)
        # Only names of the same vendor or organisation: mined groups also join products of
        # different vendors that NVD lists together (apache:http_server and oracle:http_server).
        organisation = _organisation(split_key(self.index.keys[best.key_id])[0])
        group = tuple(k for k in self.index.equivalents(best.key_id)
                      if k in self.index.current and _organisation(split_key(self.index.keys[k])[0]) == organisation)
        if len(group) > 1 and self.index.cve_count(self.index.primary(group)) > self.index.cve_count(best.key_id):
            # Of one product's names, the one NVD files most CVEs under (erlang:erlang\/otp, not erlang:otp).
            primary = self.index.primary(group)
            best = _Candidate(primary, best.score, best.evidence + f"; NVD files most of its CVEs under {self.index.keys[primary]}",
                              best.fuzzy)
        key, evidence = self.index.keys[best.key_id], best.evidence
        vendor_raw, product_raw = split_key(key)
        if display and vendor_raw == product_raw:
            # A self-named product is often the server or the platform; an installed program
            # is its desktop client when NVD files one (mattermost:mattermost_desktop).
            for suffix in ("_desktop", "-desktop", "_desktop_client", "_desktop_app"):
                desktop = self.index.key_id.get(key + suffix)
                if desktop is not None and desktop in self.index.current:
                    key, evidence = key + suffix, evidence + f"; an installed program is the desktop client {key + suffix}"
                    break
        if platform.family == "macos" and key + "_for_mac" in self.index.key_id:
            # NVD files some vendors' Mac builds as separate products (microsoft:word_for_mac).
            key, evidence = key + "_for_mac", evidence + "; the Mac build is NVD product " + key + "_for_mac"
        method = "fuzzy" if best.fuzzy or best.score < 0.95 else "exact"
        return Identification(key, method, best.score, evidence)

    def _one_organisation(self, tied: list[_Candidate]) -> tuple[_Candidate, str]:
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
        return tied[0], ", ".join(index.keys[c.key_id] for c in tied)

    def _year_or_release(self, words: list[str], best: _Candidate, publisher: str, display: bool) -> _Candidate:
        """A year in a display name is either part of NVD's product name (visual_studio_2022) or a
        release of the product (Office 2019 is microsoft:office version 2019): when the name fits
        both, the product NVD files more CVEs under is the one it uses."""
        if not any(_YEAR.match(w) for w in words):
            return best
        shorter = " ".join(_trimmed(words, lambda w: w in _EDITION_WORDS or bool(_YEAR.match(w))))
        if not shorter:
            return best
        index = self.index
        vendor = split_key(index.keys[best.key_id])[0]
        group = index.equivalents(best.key_id)
        for other in sorted(self._candidates(shorter, publisher, display), key=lambda c: (-c.score, index.keys[c.key_id])):
            if other.score < THRESHOLD or split_key(index.keys[other.key_id])[0] != vendor or other.key_id in group:
                continue
            mine = sum(index.cve_count(k) for k in group)
            theirs = sum(index.cve_count(k) for k in index.equivalents(other.key_id))
            if theirs > mine:
                return _Candidate(other.key_id, round(other.score - 0.03, 3), other.evidence + (
                    f"; the year in the name is a release: NVD files {theirs} CVEs under {index.keys[other.key_id]} "
                    f"and {mine} under {index.keys[best.key_id]}"), True)
            break
        return best

    def _part_of(self, words: list[str], publisher: str, platform: Platform, display: bool) -> Identification | Unidentified | None:
        """A name that is a product followed by words naming a piece of it, when NVD files no
        product of the whole name. A piece that carries the product's code (its runtime, SDK,
        host, libraries, agent, service, driver, console, tools: "Microsoft .NET SDK",
        "Python Standard Library", "Veeam Backup & Replication Console") is the product, with a
        lower score; a piece that does not (installer, updater, helper, documentation, targeting
        pack, language resources, a plug-in for another program) is refused, naming the product.
        None if the name is no such thing."""
        rest = list(words)
        while rest and (rest[-1] in _PART_WORDS or rest[-1] in _CODE_PART_WORDS or rest[-1] in _EDITION_WORDS
                        or _YEAR.match(rest[-1]) or _NUMBER.match(rest[-1])):
            rest.pop()
        tail = words[len(rest):]
        if not rest or not tail or not any(w in _PART_WORDS or w in _CODE_PART_WORDS for w in tail):
            return None
        # Years and numbers stay with the product: "Visual Studio Build Tools 2019" is Visual Studio 2019.
        found = self._from_name(" ".join(rest + [w for w in tail if _YEAR.match(w) or _NUMBER.match(w)]), publisher, platform, display)
        if not isinstance(found, Identification):
            return None
        if compact(" ".join(rest)) == compact(publisher) and split_key(found.key)[1] in _VENDOR_APP_PRODUCTS:
            return None  # "Google Update Helper": what is left is only the publisher, not google:desktop
        part = " ".join(tail)
        if any(w in _PART_WORDS for w in tail) or found.score < 0.9:
            return Unidentified(f"'{' '.join(words)}' is a part ('{part}') of {found.key}, not the product, and NVD files no "
                                f"product of that name")
        return Identification(found.key, "fuzzy", round(found.score - 0.05, 3),
                              f"'{part}' is a piece of the product that carries its code: {found.evidence}")

    def _package(self, package: str, platform_scheme: str) -> Identification | Unidentified | None:
        """A distribution package or Homebrew formula name (appliance/matching/packages.py)."""
        return self.packages.identify(package, platform_scheme)

    def _candidates(self, cleaned: str, publisher: str, display: bool = True) -> list[_Candidate]:
        """Every product the cleaned name may be, scored (kept per name, publisher and kind of
        name: many display names clean to the same words)."""
        found = self._candidate_cache.get((cleaned, publisher, display))
        if found is None:
            if len(self._candidate_cache) > self.CACHE_LIMIT:
                self._candidate_cache.clear()
            found = self._candidate_cache[(cleaned, publisher, display)] = self._weigh(cleaned, publisher, display)
        return found

    def _name_alone_doubt(self, key_id: int) -> str:
        """Why a display name without a publisher is too weak to name this product, or "".

        Program names are often everyday words ("Weather", "Calendar", "Mission Control") that
        some unrelated product in the dictionary also uses. Without a publisher the name is
        taken only for a project named after itself (wireshark:wireshark, transmissionbt:
        transmission), not for a lone "<name>_project" vendor (too often another project that
        chose a common word), and never for a library NVD files under a package ecosystem
        (svelte:svelte is an npm package, not a desktop program).
        """
        index = self.index
        group = index.equivalents(key_id)
        packaged = [k for k in group if index.ecosystem.get(k)]
        if packaged:
            return f"NVD files {index.keys[packaged[0]]} as a package of {index.ecosystem[packaged[0]]}"
        named = [k for k in group if _named_after(*split_key(index.keys[k])) or _named_longer(*index.words(k))]
        if not named:
            return f"vendor '{index.words(key_id)[0]}' is not named after it, and no publisher confirms the vendor"
        if all(split_key(index.keys[k])[0].endswith(("_project", "-project")) for k in named):
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

        # 1. The whole name is a product name.
        named_like = index.by_product.get(compact(cleaned), ())
        for key_id in named_like:
            vendor, product = _vendor_words(index, key_id)
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
            elif publisher and compact(publisher) == compact(product) and len(compact(product)) >= 4:
                # A company named after its product, often its old name (ScreenConnect Software
                # before ConnectWise bought it): the publisher confirms the product, not the vendor.
                offer(key_id, 0.93, f"product name '{product}', and publisher '{publisher}' is named after the product")
            else:
                offer(key_id, 0.6, f"product name '{product}', but publisher '{publisher}' does not name vendor '{vendor}'")
        current = tuple(k for k in named_like if k in index.current)
        if not publisher and current and not any(scored[k].score >= THRESHOLD for k in current):
            chosen = self._by_name_alone(current, cleaned)
            if isinstance(chosen, _Candidate):
                doubt = self._name_alone_doubt(chosen.key_id) if display else ""
                if doubt:
                    offer(chosen.key_id, min(chosen.score, 0.8), chosen.evidence + f", but {doubt}")
                else:
                    offer(chosen.key_id, chosen.score, chosen.evidence + ", no publisher to say otherwise")
        # 2. The name starts with the vendor: "google chrome", "adobe acrobat reader dc".
        for split in range(1, len(words)):
            vendor_part, product_part = " ".join(words[:split]), " ".join(words[split:])
            said_vendor = compact(vendor_part)
            if said_vendor not in index.by_vendor and said_vendor + "project" not in index.by_vendor:
                continue  # no vendor is named so (with or without " project"): nothing below can agree
            for key_id in index.by_product.get(compact(product_part), ()):
                vendor, product = _vendor_words(index, key_id)
                if compact(vendor) == said_vendor or compact(vendor.removesuffix(" project")) == said_vendor:
                    confirmed = _publisher_agrees(publisher, vendor)
                    offer(
                        key_id,
                        (0.99 if confirmed else 0.96) + _spelled(product, product_part),
                        f"name '{cleaned}' is vendor '{vendor}' + product '{product}'"
                        + (f", publisher '{publisher}' agrees" if confirmed else ""),
                    )
        # 2b. The same written together, as bundle names do: "ZoomRooms" by zoom is zoom:rooms.
        glued, said = compact(cleaned), compact(publisher)
        if len(words) == 1 and len(said) >= 3 and glued.startswith(said) and len(glued) - len(said) >= 3:
            for key_id in index.by_product.get(glued[len(said):], ()):
                vendor, product = _vendor_words(index, key_id)
                if _publisher_agrees(publisher, vendor):
                    offer(key_id, 0.95, f"name '{cleaned}' is vendor '{vendor}' and product '{product}' written together, "
                                        f"publisher '{publisher}' agrees")
        # 3. The name is the vendor, whose one desktop program NVD names generically (figma:desktop).
        for key_id in index.by_vendor.get(compact(cleaned), ()):
            vendor, product = _vendor_words(index, key_id)
            if split_key(index.keys[key_id])[1] in _VENDOR_APP_PRODUCTS and _publisher_agrees(publisher, vendor):
                offer(key_id, 0.9, f"name and publisher are vendor '{vendor}', whose desktop program is '{product}'")
        # 4. The name is a product's title in the CPE dictionary.
        for key_id in index.by_title.get(cleaned, ()):
            vendor, product = _vendor_words(index, key_id)
            if compact(cleaned) == compact(vendor):
                continue  # a title that is only the vendor's name says nothing about the product
            if _publisher_agrees(publisher, vendor) or cleaned.startswith(vendor + " "):
                offer(key_id, 0.9, f"name equals the dictionary title '{cleaned}' of {index.keys[key_id]}")
            else:
                offer(key_id, 0.7, f"name equals the dictionary title '{cleaned}', vendor '{vendor}' unconfirmed")
        # 5. The name is how CISA's KEV catalog names a product (mined into the bundle).
        for key_id in index.by_name.get(cleaned, ()):
            vendor, product = _vendor_words(index, key_id)
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
