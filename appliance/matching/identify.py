"""Identification: which NVD product (CPE vendor:product) a reported item is, with method, score and reason."""

from __future__ import annotations

import re

import msgspec

from appliance.cpe import CpeError, parse_cpe23, unquote
from appliance.matching.base import SOURCES, Candidate as _Candidate, Identification, SoftwareItem, Unidentified
from appliance.matching.bundle import _PROJECT_SUFFIXES, ECOSYSTEMS, _named_after
from appliance.matching.display_names import _CODE_PART_WORDS, _PART_WORDS, _PLATFORM_WORDS, DisplayNames, _publisher_agrees, compact
from appliance.matching.index import CpeIndex, split_key
from appliance.matching.normalize import app_name, brew_name, clean_display_name, cpe_words, pypi_name
from appliance.matching.packages import _PLAIN_WORD_USES, PACKAGE_NAME, PackageRules, descriptive_name, distribution_built, kernel_package, module_host, repository_stems, ships_no_code
from appliance.matching.platform import PACKAGE_SCHEMES, Platform
from appliance.matching.references import owner_of
from appliance.matching.source_package import SourcePackages

# Vendors NVD uses for the package ecosystems themselves (python:urllib3, npmjs:semver).
_ECOSYSTEM_VENDORS = {"pip": ("python", "pypa", "python_software_foundation", "pypi"), "npm": ("npmjs", "nodejs", "npm", "openjsf")}
_TARGET_SW = {"pip": "python", "npm": "node.js"}
# A vendor filing this many products or fewer is a small organisation: one of its products
# that NVD files as a pip package speaks for the others (pip only: npm's small vendors are
# often of several languages, typelevel's Scala libraries, chainsafe's Go ethermint).
_FEW_PRODUCTS = 5
# Editions a vendor's Homebrew tap names after the product: Enterprise builds (HashiCorp's tap),
# the open-source-only and full distributions (Elastic's tap: elasticsearch-oss, kibana-full).
_TAP_EDITIONS = frozenset({"enterprise", "ent", "oss", "full"})
# A vendor of any size that NVD shows to publish this many packages of the ecosystem, and none of
# another, is an organisation of that ecosystem (jupyter: jupyter_server, jupyter_core, notebook
# described as Jupyter's): its other products are packages of it too (jupyterlab, nbconvert).
# pip only, as rule 9: over the dictionary npm's would be ckeditor (CKEditor 4 beside 5's parts).
_ECOSYSTEM_ORGANISATION = 3
# Session 17: a vendor filing this many products or fewer, none of another ecosystem, one of them
# filed as a package of the item's ecosystem or named with its language as a word (encode's
# django_rest_framework, vercel's next.js), publishes packages of it (Identifier._sibling_says).
_SIBLING_VENDOR_PRODUCTS = 10
# The language's words as one word of a product's name of several (django_rest_framework,
# next.js, hub-rest-api-python); glued prefixes (pywps, pydio, pyroscope) are names of their own.
# npm's "node" is left out: a word of servers too (gradle's build_cache_node is a cache node).
_LANGUAGE_WORDS = {"pip": frozenset({"python", "py", "django"}), "npm": frozenset({"nodejs", "js", "javascript"})}
_LANGUAGE = {"pip": "Python", "npm": "Node.js"}
# A word this few products use in their names (CpeIndex.word_uses: "paho" 3, "langchain" 12,
# "apollo" 16) makes a name of several words distinctive; "elastic" (26), "sql" (63), "google"
# (166), "server" (2016) do not.
_RARE_WORD = 20
# Which reference URLs speak for a name of each source (references.KINDS): a package page of
# the item's own registry for pip and npm; a source repository for the others.
_REFERENCE_KIND = {"pip": "pypi", "npm": "npm"}
# Session 16: a coined npm name (no other NVD product uses its words) is the one product of a
# vendor that files this many products or fewer (see Identifier._coined_project).
_COINED_VENDOR_PRODUCTS = 10
# ... and has at most this many CVEs (none of them filing it as a package of the ecosystem).
_COINED_MAX_CVES = 2
# One token of letters and digits, as PEP 503 or npm write it: a name of several words is the
# several-word rule's (aspose-words is not aspose:aspose.words, jsonnet not newtonsoft:json.net).
_ONE_TOKEN = re.compile(r"^[a-z0-9]+$")
# Words of a 2015 dictionary title that name what a product runs in or plugs into ("AlienWP
# Hatch 7.x-1.0 for Drupal", "imop long android"): not a pip or npm package.
_HOST_TITLE_WORDS = frozenset({"drupal", "wordpress", "joomla", "joomla!", "typo3", "jenkins", "android", "iphone", "ios",
                               "plugin", "module", "theme", "extension", "ruby", "php", "perl", "java", "go", "rust"})
# Vendors named after such a host or another language, glued to their own name (rubygeocoder,
# mapsplugin, alienwp, yaml-fuer-drupal; 600 dictionary vendors start or end with "wp", 590 with
# "php", 150 with "plugin"), or with "php" anywhere (thephpleague, whose commonmark is not pip's
# or npm's): their products are made for it.
_HOST_VENDOR = re.compile(r"^(?:ruby|wp|perl|golang|drupal|joomla|typo3|wordpress|plugins?)|(?:ruby|wp|perl|golang|drupal|joomla|typo3|wordpress|plugins?)$|php")
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
_ECOSYSTEM_NAMES = frozenset(compact(e) for e in ECOSYSTEMS)
_PEP503 = re.compile(r"[-_./\s]+")
# Python web frameworks whose apps PyPI names "<framework>-<app>" (django-unicorn, flask-cors).
_FRAMEWORK_WORDS = ("django", "flask")
_JS_SUFFIX = re.compile(r"[-_.]?js$")
# A product name with a "-" or "." between words: how registries spell packages, not how NVD
# writes words (it uses "_").
_IDENTIFIER = re.compile(r"^[a-z0-9]+(?:[-.][a-z0-9]+)+$")
# The affixes a package name adds to its project's name to say its ecosystem (node-forge,
# snowflake-connector-python, python-jenkins).
_AFFIXES = {"pip": (("python-", ""), ("", "-python"), ("py-", ""), ("", "-py")),
            "npm": (("node-", ""), ("", "-js"), ("", "-node"), ("", ".js"))}


# Words a registry adds to a project's name for a build of it (pip tensorflow-gpu,
# opencv-contrib-python-headless, Pillow-SIMD, faiss-cpu, cupy-cuda12x, torch's cu121; npm's
# platform binaries @rollup/rollup-linux-x64-gnu, @esbuild/linux-x64, @swc/core-linux-x64-gnu):
# the package is the project's own code built for a machine or with a set of features, not a
# client or a plugin, so it is the project's product when the base name is.
_PIP_BUILD_WORDS = frozenset({"gpu", "cpu", "intel", "headless", "contrib", "simd", "rocm", "mkl", "nightly"})
_PIP_BUILD_WORD = re.compile(r"^(?:cu\d{2,3}|cuda\d+x?|rocm\d+)$")
# Of those, the words that say a build only beside the language's word (opencv-contrib-python,
# opencv-python-headless): alone they name an add-on (scrapy-contrib, django-headless).
_PIP_FEATURE_WORDS = frozenset({"contrib", "headless"})
# npm's platform packages follow Node's process.platform and process.arch names, and a libc.
# (wasm32 and wasi are targets, not platforms: @wasmer/wasi is a library of its own.)
# Session 20: the words after an unscoped npm name that say a build of the project ("-dist-min" too).
_NPM_BUILD_WORDS = frozenset({"dist", "prebuilt"})
_NPM_PLATFORMS = frozenset({"linux", "darwin", "win32", "freebsd", "openbsd", "netbsd", "sunos", "android", "aix"})
_NPM_ARCH_WORDS = frozenset({"wasm32", "wasi", "x64", "arm64", "ia32", "arm", "x86", "armv7l", "riscv64", "ppc64", "ppc64le", "s390x", "loong64",
                             "mips64el", "universal", "gnu", "musl", "gnueabihf", "musleabihf", "msvc", "glibc", "eabi", "androideabi"})


def _build_variant(raw: str, source: str) -> str:
    """The name of the project a package is a build of ("" if it names none): pip's trailing
    words of a build, and those before the language's word (opencv-contrib-python-headless is
    opencv-python, tensorflow-gpu tensorflow); a scoped npm name's trailing platform,
    architecture and libc words, a platform among them (@rollup/rollup-linux-x64-gnu is
    @rollup/rollup; @esbuild/linux-x64, all platform, is esbuild), or its words before "build"
    (@ckeditor/ckeditor5-build-classic is @ckeditor/ckeditor5)."""
    if source == "pip":
        words = [w for w in re.split(r"[-_.]+", raw) if w]
        build = [w in _PIP_BUILD_WORDS or bool(_PIP_BUILD_WORD.match(w)) for w in words]
        end = len(words)
        while end > 1 and build[end - 1]:
            end -= 1
        if end > 1 and words[end - 1] == "python":
            # Inside a name only before the language (opencv-contrib-python); elsewhere the word
            # names a project of its own (jupyter-contrib-core, django-contrib-comments).
            kept = words[:1] + [w for w, b in zip(words[1:end], build[1:end]) if not b]
        elif _PIP_FEATURE_WORDS & set(words[end:]):
            return ""
        else:
            kept = words[:end]
        return "-".join(kept) if len(kept) < len(words) and len("".join(kept)) >= 3 else ""
    scope, bare = raw[1:].split("/", 1) if raw.startswith("@") and "/" in raw else ("", raw)
    if not scope:
        # Platform binaries live under the project's scope; an unscoped name with a platform's
        # word is a tool for that platform (passwd-linux reads /etc/passwd). Session 20: a
        # project's own bundle for browsers or its prebuilt binaries are published under its
        # name with "-dist" ("-dist-min" minified) or "-prebuilt" (plotly.js-dist,
        # jquery-ui-dist, phantomjs-prebuilt, electron-prebuilt): the project's code, built.
        words = bare.split("-")
        end = len(words) - 1 if words[-1] in _NPM_BUILD_WORDS else len(words) - 2 if words[-2:] == ["dist", "min"] else len(words)
        base = "-".join(words[:end])
        return base if end < len(words) and len(base.replace("-", "").replace(".", "")) >= 3 else ""
    words = bare.split("-")
    if "build" in words[1:-1]:
        # A scope's ready-made builds of its project: @ckeditor/ckeditor5-build-classic is
        # CKEditor 5 built as the classic editor. Only under a scope, which must name the
        # project's vendor: elsewhere "build" names tooling (node-gyp-build, @vercel/static-build).
        return f"@{scope}/" + "-".join(words[:words.index("build", 1)])
    end = len(words)
    while end and words[end - 1] in _NPM_PLATFORMS | _NPM_ARCH_WORDS:
        end -= 1
    if end == len(words) or not _NPM_PLATFORMS & set(words[end:]):
        return ""
    if not end:
        return scope if len(scope) >= 3 else ""  # @esbuild/linux-x64: the scope is the project
    base = "-".join(words[:end])
    if len(base.replace("-", "")) < 3:
        return ""  # too short to name a project
    return f"@{scope}/{base}"


def _scope_agrees(scope: str, vendor: str) -> bool:
    """An npm scope names the CPE vendor: as a publisher would (@hapi is hapijs, @fastify
    fastify), or (session 20) as the vendor NVD writes the project with "js" after the scope's
    whole name, however short (@vue is vuejs, @koa koajs: _publisher_agrees reads a name of
    three letters only as written)."""
    return _publisher_agrees(scope, vendor) or compact(vendor) == compact(scope) + "js"


def _without_affix(package: str, source: str) -> str:
    """The project's name inside a package name with its ecosystem's affix ("" if none)."""
    for prefix, suffix in _AFFIXES[source]:
        if package.startswith(prefix) and package.endswith(suffix) and len(package) > len(prefix) + len(suffix) + 2:
            return package[len(prefix): len(package) - len(suffix)]
    return ""


# The end of the refusal when every product of a pip or npm name is another ecosystem's.
_ANOTHER_ECOSYSTEM = "its vendor, name or references say another ecosystem"
# The prefix, with its "-", that names a package of the ecosystem by its repository when the bare
# name is another ecosystem's (session 19: node-jws, python-docutils).
_PREFIXES = {"pip": "python-", "npm": "node-"}
# How NVD names a binding's product when the bare name is another program's: the
# repository's name with a suffix of the language (redis-py, protobuf-python, xterm.js, mysqljs).
_BINDING_PRODUCTS = {"pip": ("{}-py", "{}.py", "{}-python"), "npm": ("{}.js", "{}js")}
# Python's prefixes of a package name, interchangeable (session 20: py-mini-racer, python_mini_racer).
_PIP_PREFIXES = ("python-", "py-", "py")
# A repository name is evidence for a product only when several CVEs or dictionary entries
# link it: one link is too often a fork, a dependency or a researcher's copy.
_REPOSITORY_SUPPORT = 2


# SOURCES as a set: source_of tests every item's hint, mostly empty, which a tuple compares with each name.
_SOURCES = frozenset(SOURCES)


def source_of(item: SoftwareItem, platform: Platform) -> str:
    """The item's inventory source: the agent's hint when it sent one, else what the host and the name imply."""
    if item.source in _SOURCES:
        return item.source
    name = item.name.strip()
    if platform.family == "macos":
        if name.lower().endswith(".app") or item.bundle_id:
            return "macos_app"
        # osquery's homebrew_packages rows: lower-case formula names, no publisher.
        return "homebrew" if not item.vendor and PACKAGE_NAME.match(name.replace("@", "")) else "macos_app"
    if platform.scheme in PACKAGE_SCHEMES:  # (Platform.packages, without a property's call per item)
        return platform.scheme if PACKAGE_NAME.match(name.lower()) else "other"
    if platform.family == "windows":
        return "windows_program"
    return "other"


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
    # Four letters will do: unjs, nwjs, iojs are the only such vendors, all JavaScript organisations.
    return source == "npm" and len(vendor) >= 4 and vendor.endswith("js") and vendor.isalpha()


def _names_language(words: list[str], source: str) -> bool:
    """A product's name (its words) says the language as one word of several (django_rest_framework,
    next.js, hub-rest-api-python), or, for Python, as a word ending in "python" (Zope's
    RestrictedPython, IronPython): glued prefixes (pywps, pydio, pyroscope) are names of their own."""
    if len(words) >= 2 and _LANGUAGE_WORDS[source] & set(words):
        return True
    return source == "pip" and any(len(w) > len("python") + 1 and w.endswith("python") for w in words)


def _words_of(product: str) -> str:
    """A CPE product's words, whatever separates them ("ckeditor5-html-embed" -> "ckeditor5 html embed")."""
    return " ".join(w for w in re.split(r"[-_./\s]+", unquote(product).lower()) if w)


def _extends(name: str, product: str) -> bool:
    """The package name is the product's name with more words after it: django-reversion of django."""
    n, p = compact(name), compact(product)
    return len(p) >= 3 and n != p and n.startswith(p)


# Ubuntu replaced some debs with snaps and keeps a transitional deb versioned "<n>snap<m>"
# (firefox 1:1snap1-0ubuntu2 since Ubuntu 22.04): it holds a wrapper that installs the snap; its
# version is no release of the program, and would compare below every release (every CVE).
# Parts of a Homebrew formula's name that make it a program of its own beside a project
# (Identifier._tool_read_as_project); "-cli" has its own rule (Identifier._command_line).
_TOOL_FORMULA_PARTS = frozenset({"tools", "utils", "server"})
# Session 18: the last word of a Homebrew formula or cask "<project>-<port>" that names the
# project's build for macOS, its implementation in Go, its Qt or GTK binding, or its graphical
# front-end (ntfs-3g-mac, wireguard-go, poppler-qt5, git-gui, tigervnc-viewer).
_PORT_PARTS = frozenset({"mac", "macos", "osx", "go", "qt", "qt5", "qt6", "gtk", "gtk3", "gtk4", "gui", "viewer"})
_SNAP_TRANSITIONAL = re.compile(r"^(\d+:)?\d+snap\d+(-|$)")
# Debian's native versions of dependency packages: "<release line>+<serial>" (postgresql-common's
# 15+248, php-defaults' 2:8.2+93), with a stable update or Ubuntu suffix.
_DEPENDENCY_VERSION = re.compile(r"^(\d+:)?\d+(\.\d+)?\+\d+(\+deb\d+u\d+|ubuntu[\d.]+)?$")
# The end of the refusal of a scoped npm name whose vendor files its Node.js port apart
# (Identifier._node_port); the scope rule returns that refusal rather than trying on.
_PORT_APART = ": the name without its mark is another ecosystem's package"


class Identifier:
    """Deterministic identification over one CpeIndex; results are cached per (name, vendor, platform)."""

    CACHE_LIMIT = 200_000  # entries each cache keeps (items, cleaned names, candidates); beyond it, it starts over

    def __init__(self, index: CpeIndex) -> None:
        self.index = index
        self._cache: dict[tuple[str, str, str, str, str, str], Identification | Unidentified] = {}
        self._organisations: dict[tuple[str, str], tuple[str, ...]] = {}  # (vendor, source) -> see _organisation_of
        self._vendor_dropped: dict[str, str] | None = None  # alias name without its first word -> alias (_cask_without_vendor)
        self.names = DisplayNames(self)
        self.packages = PackageRules(self)
        # A dpkg, rpm or apk item's source package, read like a package name (source_package.py).
        self.source_packages = SourcePackages(
            index, lambda name, scheme: self._with_references(self.packages.identify(name, scheme, source=True), name, scheme), self.CACHE_LIMIT)

    def identify(self, item: SoftwareItem, platform: Platform) -> Identification | Unidentified:
        if item.cpe:
            return self._agent_cpe(item.cpe)
        if "snap" in item.version and _SNAP_TRANSITIONAL.match(item.version) and source_of(item, platform) == "dpkg":
            # Decided by the version, so before the cache (kept per name).
            return Unidentified(f"'{item.name}' {item.version} is Ubuntu's transitional package that installs the snap of "
                                "the same name: the program and its version are the snap's, which a dpkg inventory does not list")
        if item.name.startswith(("linux-", "kernel")):
            kernel = kernel_package(item.name, item.version, source_of(item, platform))  # the version decides too,
            if kernel is not None:                                                      # so before the cache
                return kernel
        cache_key = (item.name, item.vendor, platform.family + platform.scheme, item.source, item.bundle_id, item.source_package)
        found = self._cache.get(cache_key)
        if found is None:
            if len(self._cache) > self.CACHE_LIMIT:
                self._cache.clear()  # names come from the LAN: keep memory bounded, whatever agents send
            found = self._kev_over_placeholder(self._by_source(item, platform))
            self._cache[cache_key] = found
        if "+" in item.version and isinstance(found, Identification) and _DEPENDENCY_VERSION.match(item.version):
            return self._dependency_package(item, found, platform)
        return found

    def _kev_over_placeholder(self, found: Identification | Unidentified) -> Identification | Unidentified:
        """A product found as NVD's bare self-named key (vendor and product the same name, which
        NVD writes when it knows no vendor) without a CVE under it or its group, whose name CISA's
        KEV catalog uses for one product with CVEs, is that product (session 18: Debian's and
        Alpine's "chromium" and "Chromium.app" are not chromium:chromium, which no CVE lists, but
        google:chrome: KEV's "Google Chromium V8", "Chromium Mojo", ... are filed under it)."""
        if not isinstance(found, Identification) or found.method in ("agent_cpe", "alias"):
            return found
        # (Cheapest tests first: most keys are not bare, and KEV spells few names.)
        vendor, _, product = found.key.partition(":")
        if vendor != product:
            return found
        index = self.index
        spoken = cpe_words(product)
        kev = index.by_name.get(spoken)
        if not kev:
            return found
        key_id = index.key_id.get(found.key)
        if key_id is None or any(index.cve_count(k) for k in index.cve_keys(key_id)):
            return found
        named = {index.cve_keys(k) for k in kev if k != key_id and any(index.cve_count(o) for o in index.cve_keys(k))}
        if len(named) != 1:
            return found
        target = index.primary(next(iter(named)))
        return Identification(index.keys[target], found.method, found.score,
                              f"{found.evidence}; but NVD files no CVE under {found.key}, its bare self-named key, and CISA's "
                              f"KEV catalog calls {index.keys[target]} '{spoken}': that product, whose CVEs are this software's")

    def _dependency_package(self, item: SoftwareItem, found: Identification, platform: Platform) -> Identification | Unidentified:
        """A Debian package of another source (or of none given) versioned natively as
        "<release line>+<serial>" (postgresql 15+248 from postgresql-common, php-mysql 2:8.2+93
        from php-defaults): a dependency package that pulls the release line's own package
        (postgresql-15), which is reported beside it. Its version is no release (15 would
        compare below every 15.x), so it is refused; not the distribution's own key
        (debian:x11-common 1:7.7+23), nor a package built from a source of its own name."""
        if source_of(item, platform) != "dpkg" or item.source_package.strip().lower() == item.name.strip().lower():
            return found
        if split_key(found.key)[0] in ("debian", "canonical"):
            return found
        return Unidentified(f"'{item.name}' {item.version} is a dependency package of {found.key}: its version names a "
                            "release line and a packaging serial, not a release; the release line's own package carries "
                            "the findings")

    def _by_source(self, item: SoftwareItem, platform: Platform) -> Identification | Unidentified:
        """Each inventory source names software its own way; read the name the way its source writes it."""
        source = source_of(item, platform)
        raw = item.name.strip().lower()
        if raw in self.index.aliases.never:
            return Unidentified(f"'{item.name}' is a look-alike, not a product with CVEs: {self.index.aliases.never[raw]}")
        if source in ("pip", "npm"):
            return self._with_references(self._language_package(item.name, source), raw, source)
        if source == "homebrew":
            owner, _, tapped = raw.rpartition("/")
            if owner.count("/") == 1 and tapped:
                return self._tapped(*owner.split("/", 1), tapped, item, platform)
            formula = brew_name(raw)
            if formula.endswith("-cli") and len(formula) > 6:
                cli = self._command_line(formula[:-4])
                if cli is not None:
                    return cli
            found = self._package(formula, "homebrew")
            if not isinstance(found, Identification):
                found = self._port_of_project(formula) or found
            tool = self._tool_read_as_project(formula, found)
            if tool is not None:
                return tool
            if isinstance(found, Identification) and found.method != "alias" and "-" in formula:
                # Session 17: a cask spelling a display name we alias ("brave-browser" is "Brave
                # Browser", brave:brave) is that product, not a key the package rules found by
                # spelling (brave:brave_browser, which no CVE uses): the alias is the authored fact.
                # (Not when the two are one product's names: docker-desktop keeps the key of the
                # group with the CVEs, docker:docker_desktop.)
                alias = self.packages.spoken_alias(formula)
                if alias is not None and self.index.key_id[alias[1]] not in self.index.equivalents(self.index.key_id[found.key]):
                    spoken, key, comment = alias
                    return Identification(key, "alias", 1.0, f"cask '{formula}' is display name '{spoken}', alias: {comment}")
            if isinstance(found, Identification):
                head = formula.split("-", 1)[0]
                if ("-" in formula and found.method != "alias" and not compact(formula).startswith(compact(split_key(found.key)[0]))
                        and not compact(split_key(found.key)[0]).startswith(compact(head))):
                    # A cask named "<vendor>-<product>" (google-drive) is that vendor's product,
                    # not another vendor's product spelled like the whole name (mattermost:google_drive);
                    # unless the product found has a vendor named after the head: cyrus-sasl is
                    # cyrusimap:cyrus-sasl, not the product "sasl" of a vendor "cyrus".
                    named = self.names.identify(formula.replace("-", " "), item.vendor, platform, display=False)
                    if (isinstance(named, Identification) and named.key != found.key
                            and compact(split_key(named.key)[0]) == compact(head)):
                        return self._with_references(named, formula, source)
                return self._cask_program(self._with_references(found, formula, source), formula)
            # Casks are display names written with hyphens (google-chrome, visual-studio-code).
            named = self.names.identify(formula.replace("-", " "), item.vendor, platform, display=False)
            if "-plus" in formula:
                # Session 17: a cask token spells "+" as "-plus" (Homebrew's "Token reference":
                # logi-options-plus is "Logi Options+"), which the reading above drops as an
                # edition word (Logi Options, another program): the name with its "+" first.
                plus = self.names.identify(_CASK_PLUS.sub("+", formula).replace("-", " "), item.vendor, platform, display=False)
                if isinstance(plus, Identification):
                    named = Identification(plus.key, plus.method, plus.score, f"'-plus' of cask '{formula}' is '+': {plus.evidence}")
            if isinstance(named, Identification) and (named.method == "alias" or not self.packages.refused_names(formula)):
                return self._with_references(named, formula, source)
            # A formula named exactly like products the package rules could not choose
            # between stays refused (calibre: calibre:calibre or calibre-ebook:calibre).
            if not formula.startswith("lib") and not self.packages.refused_names(formula):
                # Homebrew names library formulas after the project without "lib" (jpeg-turbo,
                # webp, gd), where NVD and the distributions write libjpeg-turbo, libwebp, libgd.
                library = self._package("lib" + formula, "homebrew")
                if isinstance(library, Identification):
                    return Identification(library.key, "fuzzy", min(library.score, 0.86),
                                          f"formula '{formula}' is library 'lib{formula}': {library.evidence}")
            if isinstance(found, Unidentified) and not self.packages.refused_names(formula):
                own = (self._vendors_product(formula) or self._cask_without_vendor(formula) or self._cask_edition(formula, platform)
                       or self._numbered_product(formula, item.version) or self._head_and_initials(formula)
                       or self._plus_plus(formula))
                if own is not None:
                    return own
            whole = brew_name(raw, editions=False)
            if whole != formula and isinstance(found, Unidentified):
                # The edition suffix taken off was the product's name: "microsoft-edge" is the
                # cask of Microsoft Edge, not an edge channel of something called "microsoft".
                named = self.names.identify(whole.replace("-", " "), item.vendor, platform, display=False)
                if isinstance(named, Identification) and not self.packages.refused_names(whole):
                    return self._with_references(named, whole, source)
            return self._with_references(found, formula, source)
        if source == "macos_app":
            found = self.names.app(item, platform)
            if isinstance(found, Unidentified) and not item.vendor:
                # Session 19: a Mac app "<Vendor> <Product> <build words>" (MongoDB Compass Readonly,
                # MongoDB Compass Isolated Edition: the builds Homebrew ships as the casks
                # mongodb-compass-readonly and -isolated-edition) is read as the cask is.
                words = clean_display_name(app_name(item.name)).split()
                edition = self._cask_edition("-".join(words), platform) if len(words) >= 3 and all(
                    w.replace("-", "").isalnum() for w in words) else None
                if edition is not None:
                    found = Identification(edition.key, edition.method, edition.score,
                                           edition.evidence.replace("cask ", "app ", 1))
            if (isinstance(found, Identification) and item.bundle_id.lower().startswith("com.apple.")
                    and split_key(found.key)[0] != "apple"):
                # A bundle id under com.apple is Apple's own app (Apple's bundle ids are reverse
                # DNS of the developer's domain): "System Information" is not the npm library
                # systeminformation, whatever the name alone suggests.
                return Unidentified(f"bundle id '{item.bundle_id}' says Apple makes this app, but its name suggested "
                                    f"{found.key}, another vendor's product")
            return found if item.vendor or item.bundle_id else self._with_references(found, clean_display_name(app_name(item.name)), source)
        if source in ("dpkg", "rpm", "apk") and PACKAGE_NAME.match(raw):
            # A distribution's package built from a source of its own name is no other
            # project's binary package (packages.PackageRules.identify, own_source).
            own = (item.source_package or "").strip().lower() == raw and distribution_built(item.vendor)
            found = self.packages.identify(raw, source, own_source=own, maintainer=item.vendor)
            if found is not None:
                found = self._with_references(found, raw, source)
                return self.source_packages.apply(found, raw, item.source_package, source) if item.source_package else found
        found = self.names.identify(item.name, item.vendor, platform)
        return found if item.vendor else self._with_references(found, clean_display_name(item.name), source)

    def _cask_program(self, found: Identification | Unidentified, formula: str) -> Identification | Unidentified:
        """Session 19: a Homebrew name spelled exactly as the product found is the app a cask
        installs when NVD files that product's desktop program apart (DisplayNames.desktop_build,
        the rule of Mac app bundles): the signal, whatsapp, nextcloud, opera and parallels casks
        are signal:signal-desktop, whatsapp:whatsapp_desktop, nextcloud:desktop,
        opera:opera_browser and parallels:parallels_desktop, as "Signal.app" is; claude is
        anthropic:claude_desktop. (A formula of that name is a command-line program: the
        docker formula is the CLI, docker:docker, where the docker cask is Docker Desktop; no
        data tells the two apart, and casks named so outnumber formulas in the labelled sets.)"""
        if not isinstance(found, Identification) or compact(split_key(found.key)[1]) != compact(formula):
            return found
        key, evidence = self.names.desktop_build(found.key, found.evidence, mac=True)
        if key == found.key:
            return found
        spoken = self.index.aliases.names.get(formula.replace("-", " "))
        if spoken is not None and self._known(spoken[0]):
            # The display name alias of the app names the installed program: "dropbox" is the
            # Dropbox client, dropbox:dropbox (as "Dropbox.app" is), not NVD's CVE-less
            # dropbox_desktop; "signal" is signal:signal-desktop. The authored fact decides.
            if spoken[0] == found.key:
                return found
            return Identification(spoken[0], "alias", 1.0, f"cask '{formula}' is display name '{formula}', alias: {spoken[1]}")
        return Identification(key, found.method, found.score, f"cask '{formula}': {evidence}")

    def _cask_edition(self, formula: str, platform: Platform) -> Identification | None:
        """Session 17: a cask "<vendor>-<product>-<edition>" (mongodb-compass-readonly,
        mongodb-compass-isolated-edition: Homebrew appends a build's words to the product's
        token) whose words without the last one or two are the vendor's product, spelled vendor
        first and confirmed so ("mongodb compass" is vendor mongodb + product compass). Not when
        the words taken off name a part of a product (an installer, a helper, a plug-in) or its
        code (a server, an agent, tools): those are programs of their own (_part_of)."""
        words = formula.split("-")
        for cut in (1, 2):
            head, tail = words[:-cut], words[-cut:]
            if len(head) < 2 or any(w in _NOT_AN_EDITION for w in tail) or any(w.isdecimal() for w in tail):
                continue
            found = self.names.identify(" ".join(head), "", platform, display=False)
            if (isinstance(found, Identification) and found.method == "exact"
                    and compact(split_key(found.key)[0]) == compact(head[0])):
                return Identification(found.key, "fuzzy", min(found.score - 0.05, 0.9),
                                      f"cask '{formula}' is '{'-'.join(head)}' with the build words '{'-'.join(tail)}': {found.evidence}")
        return None

    def _port_of_project(self, formula: str) -> Identification | None:
        """A formula or cask "<project>-<port>" that names no product itself: the project's build
        for a platform (ntfs-3g-mac), its implementation in a language (wireguard-go), its
        toolkit binding (poppler-qt5) or its graphical front-end (git-gui, tigervnc-viewer),
        which carry the project's code, when the project's reading is sure: an alias, the
        project named after itself, or a product with CVEs (not a namesake without any). None
        otherwise."""
        head, _, port = formula.rpartition("-")
        if not head or port not in _PORT_PARTS:
            return None
        found = self._package(head, "homebrew")
        if not isinstance(found, Identification):
            return None
        vendor, product = split_key(found.key)
        key_id = self.index.key_id[found.key]
        if not (found.method == "alias" or compact(vendor) == compact(product)
                or any(self.index.cve_count(k) for k in self.index.equivalents(key_id))):
            return None
        return Identification(found.key, "fuzzy", min(found.score, 0.9),
                              f"formula '{formula}' is project '{head}' for '{port}' (a platform build, port, binding or "
                              f"front-end of it): {found.evidence}")

    @staticmethod
    def _tool_read_as_project(formula: str, found: Identification | Unidentified) -> Unidentified | None:
        """A formula "<name>-tools", "-utils" or "-server" that the package rules read as the
        project <name> (its subpackage part cut off) is refused (session 16, round 2): on
        Homebrew such a formula is a program of its own that works with <name>, often another
        project's (sqlite-utils is Simon Willison's tool for SQLite databases, parquet-tools a
        reader of Parquet files, wireguard-tools the userspace tools beside the kernel module,
        selenium-server Selenium's Grid); one NVD files is named so (xiph:vorbis-tools,
        linuxfoundation:nats-server) and is found by its whole name. None when the rule does
        not apply."""
        if not isinstance(found, Identification) or found.method == "alias":
            return None
        head, _, tail = formula.rpartition("-")
        vendor, product = split_key(found.key)
        if tail == "cli" and head and compact(product) == compact(head) and not (
                compact(vendor) == compact(product) or _named_after(vendor, product)):
            # Session 18: "<name>-cli" read as <name> is the project's command-line client only
            # under the project's own key (kubernetes-cli, vercel-cli: the project ships its
            # client); under another vendor's key it is a namesake (speedtest-cli is Ookla's, not
            # librespeed:speedtest; mermaid-cli is not discourse:mermaid) or a separate client
            # of a server whose CVEs are the server's (influxdb-cli beside influxdata:influxdb,
            # openshift-cli beside redhat:openshift). NVD's own client keys are found first
            # (_command_line: bitwarden:cli, google:firebase_command_line_interface).
            return Unidentified(f"formula '{formula}' is a command-line client named after '{head}'; reading it as "
                                f"{found.key} without its '-cli' part is refused: that key's vendor is not the project's own")
        if tail not in _TOOL_FORMULA_PARTS or not head or tail in compact(product):
            return None
        return Unidentified(f"formula '{formula}' is a program that works with '{head}', not '{head}' itself: Homebrew's "
                            f"'-{tail}' formulas are often another project's; reading it as {found.key} without its "
                            f"'-{tail}' part is refused")

    def _cask_without_vendor(self, formula: str) -> Identification | None:
        """A cask named after its app without the vendor's word (Homebrew's temurin and corretto
        casks; the cask token drops a developer's name that the app's name does not carry):
        the one display name alias "<vendor> <cask>" (eclipse temurin, amazon corretto), else
        None. A formula's "@<version>" is already off (temurin@17)."""
        if self._vendor_dropped is None:
            ends: dict[str, list[str]] = {}
            for name in sorted(self.index.aliases.names):
                first, _, rest = name.partition(" ")
                # One distinctive word after the vendor's (not "client", "reader", "edge": words
                # many products use, _PLAIN_WORD_USES as in packages.PackageRules._plain_words).
                if rest.isalpha() and first.isalpha() and self.index.word_uses.get(rest, 0) <= _PLAIN_WORD_USES:
                    ends.setdefault(rest, []).append(name)
            self._vendor_dropped = {rest: names[0] for rest, names in ends.items() if len(names) == 1}
        name = self._vendor_dropped.get(formula.replace("-", " "))
        if name is None:
            return None
        key, comment = self.index.aliases.names[name]
        if not self._known(key):
            return None
        return Identification(key, "alias", 0.9, f"cask '{formula}' is '{name}' without its vendor's word: display name alias "
                              f"'{name}': {comment}")

    def _vendors_product(self, formula: str) -> Identification | None:
        """A formula no product is named like, spelled like an NVD vendor that files one product
        (or one product named with the formula), is that product: a project NVD files under its
        own name as the vendor and a descriptive product name (xmlstarlet is
        xmlstarlet:command_line_xml_toolkit, borgbackup borgbackup:borg, abseil
        abseil:common_libraries, kicad kicad:kicad_eda beside its older key). Only for a name of
        five letters or more: tbb is Intel's Threading Building Blocks, not
        tbb:taiwan_business_bank, though NVD's product is named by those initials."""
        index, named = self.index, compact(formula)
        if len(named) < 5 or named in _ECOSYSTEM_NAMES:
            return None
        kids = [k for k in index.vendor_keys(formula) if compact(index.words(k)[0]) == named]
        if len(kids) > 1:
            kids = [k for k in kids if named in compact(index.words(k)[1]) or compact(index.words(k)[1]) in named]
        groups = {index.equivalents(k) for k in kids}
        if len(groups) != 1:
            return None
        key_id = index.primary(tuple(kids))
        words = index.words(key_id)[1].replace("-", " ").split()
        if any(w in _ECOSYSTEM_NAMES or w in ("wp", "addon") or w in _PART_WORDS or w in _PLATFORM_WORDS for w in words):
            # A plug-in or a part filed under the name (slack:wp_slacksync, the installer
            # vivaldi:vivaldi_installer_for_windows), not the project's program.
            return None
        if not descriptive_name(index, key_id, formula):
            # Another project or a brand of the company, not the project the name is (Canva is
            # not canva:affinity, Wolfram not wolfram:webmathematica, luarocks not luarocks:lua-shmem).
            return None
        return Identification(index.keys[key_id], "fuzzy", 0.88,
                              f"'{formula}' is named like vendor '{index.words(key_id)[0]}', whose product of it is "
                              f"{index.keys[key_id]}")

    def _numbered_product(self, formula: str, version: str) -> Identification | None:
        """Session 19: a formula no product is named like, where NVD files the project with its
        major number in the name (fluxcd:flux2, oberhumer:lzo2, panic:transmit_5,
        anaconda:anaconda3): Homebrew names the formula without the number. It is that product
        when the item's version is of that line (flux 2.4.0 is flux2), or when the product's
        vendor is the project's own name (jack 1.9.22 is jackaudio:jack2, miniconda is
        conda:miniconda3); not otherwise: iperf 2.2.1 is not ESnet's rewrite es:iperf3, c-blosc
        1.21.5 not c-blosc2. One product only (sublime-text 3 and 4 refuse here)."""
        index, named = self.index, compact(formula)
        if len(named) < 3 or not named.isalpha():
            return None
        line = re.match(r"\d+", version.strip())
        kids = []
        for number in range(1, 20):
            for k in index.by_product.get(f"{named}{number}", ()):
                vendor = compact(index.words(k)[0])
                if k in index.current and ((line and int(line.group()) == number)
                                           or (len(vendor) >= 4 and (vendor in named or named in vendor))):
                    kids.append(k)
        groups = {index.equivalents(k) for k in kids}
        if len(groups) != 1:
            return None
        key_id = index.current_primary(tuple(kids))
        number = compact(index.words(key_id)[1])[len(named):]
        why = (f"its version {version} is of line {number}" if line and line.group() == number
               else f"vendor '{index.words(key_id)[0]}' is the project's own name")
        return Identification(index.keys[key_id], "fuzzy", 0.88,
                              f"formula '{formula}' is {index.keys[key_id]}, which NVD names with the major number {number}: {why}")

    def _plus_plus(self, formula: str) -> Identification | None:
        """Session 19: a formula for a project whose name ends in "++", which formula names leave
        out or spell "pp" (timidity is timidity++_project:timidity++, cryptopp cryptopp:crypto++;
        41 current dictionary products end in "++"). One product only."""
        if len(formula) < 4:
            return None
        spellings = [f"{formula}++"] + ([f"{formula[:-2]}++"] if formula.endswith("pp") and len(formula) > 4 else [])
        index = self.index
        kids = [k for text in spellings for k in index.by_product.get(compact(text), ()) if k in index.current]
        groups = {index.equivalents(k) for k in kids}
        if len(groups) != 1:
            return None
        key_id = index.current_primary(tuple(kids))
        return Identification(index.keys[key_id], "fuzzy", 0.88,
                              f"formula '{formula}' is {index.keys[key_id]}: formula names leave out a project's \"++\" "
                              "or spell it \"pp\"")

    def _head_and_initials(self, formula: str) -> Identification | None:
        """Session 19: a formula "<word>-<initials>" whose letters after the hyphen are the
        initials of the other words of exactly one NVD product that begins with the word:
        git-lfs is git_large_file_storage_project:git_large_file_storage, aws-cdk
        amazon:aws_cloud_development_kit. Three initials or more (two letters say too little),
        and not "-cli", which the command-line client rule reads (_command_line)."""
        head, _, tail = formula.partition("-")
        if len(tail) < 3 or not tail.isalpha() or not head.isalpha() or "-" in tail or tail == "cli":
            return None
        index = self.index
        kids = [k for k in index.by_first_word.get(head, ()) if k in index.current
                and (words := index.words(k)[1].replace("-", " ").split())[0] == head
                and "".join(w[0] for w in words[1:]) == tail]
        groups = {index.equivalents(k) for k in kids}
        if len(groups) != 1:
            return None
        key_id = index.current_primary(tuple(kids))
        return Identification(index.keys[key_id], "fuzzy", 0.88,
                              f"formula '{formula}' is '{head}' and the initials of the other words of {index.keys[key_id]}")

    def _command_line(self, project: str) -> Identification | Unidentified | None:
        """A Homebrew formula ``<project>-cli`` is the project's command-line client, which NVD
        files apart from the project when it has CVEs of its own: a product named the project's
        name and "cli" or "command line interface" (google:firebase_command_line_interface,
        microsoft:azure_command-line_interface), or a product "cli" or "command line interface"
        of a vendor spelled like the project (bitwarden:cli, not the password manager
        bitwarden:bitwarden). None when NVD files no such product; refused when it files several."""
        index, named = self.index, compact(project)
        kids = {k for text in (f"{named}cli", f"{named}commandlineinterface", f"{named}commandline")
                for k in index.by_product.get(text, ()) if k in index.current}
        kids |= {k for k in index.vendor_keys(project) if compact(index.words(k)[1]) in ("cli", "commandlineinterface", "commandline")}
        # Not a plug-in platform's module of that name (jenkins:azure_cli, the Jenkins plugin).
        kids = {k for k in kids if compact(index.words(k)[0]) not in _ECOSYSTEM_NAMES}
        groups = sorted({index.equivalents(k) for k in kids})
        if not groups:
            return None
        if len(groups) > 1:
            shown = ", ".join(index.keys[g[0]] for g in groups[:4])
            return Unidentified(f"formula '{project}-cli' is the command-line client of '{project}', which NVD files as "
                                f"several products: {shown}")
        key_id = index.current_primary(groups[0])
        return Identification(index.keys[key_id], "fuzzy", 0.9,
                              f"formula '{project}-cli' is the command-line client of '{project}', which NVD files as "
                              f"{index.keys[key_id]}")

    def _tapped(self, owner: str, tap: str, tapped: str, item: SoftwareItem, platform: Platform) -> Identification | Unidentified:
        """A formula of a third-party tap, written ``<owner>/<tap>/<formula>`` (Homebrew's "Taps":
        the tap is the GitHub repository ``<owner>/homebrew-<tap>``): the formula is read as any
        formula, and the owner speaks for a vendor. A vendor spelled like the owner that files a
        product named like the formula, or like it with a major number NVD keeps in the name
        (``fluxcd/tap/flux`` is fluxcd:flux2), is that product (``hashicorp/tap/vault``). Otherwise
        the formula's own reading stands only in a tap named after the formula's project
        (``shivammathur/php/php@8.1``, ``denji/nginx/nginx-full``): a tap may package add-ons of
        another project under its names (``shivammathur/extensions/redis@8.3`` is PHP's Redis
        extension, not Redis; ``symfony-cli/tap/symfony-cli`` is not Symfony)."""
        found = self._by_source(msgspec.structs.replace(item, name=tapped), platform)
        if owner == "homebrew":
            return found  # Homebrew's own taps (homebrew/cask-versions): the plain formula
        formula = brew_name(tapped)
        wanted = compact(formula)
        own = [k for k in self.index.vendor_keys(owner)
               if re.fullmatch(re.escape(wanted) + r"\d?", compact(self.index.words(k)[1]))]
        said = f"formula '{formula}'"
        head, _, edition = formula.rpartition("-")
        if not own and head and edition in _TAP_EDITIONS:
            # Session 18: a vendor's tap ships editions of its product under "<product>-<edition>"
            # (hashicorp/tap/consul-enterprise, elastic/tap/elasticsearch-oss and -full): the
            # owner's product without the edition word, when the owner files no product of the
            # whole name (hashicorp:vault_enterprise is one).
            said = f"formula '{formula}' (edition '{edition}' of '{head}')"
            formula, wanted = head, compact(head)
            own = [k for k in self.index.vendor_keys(owner) if compact(self.index.words(k)[1]) == wanted]
        if isinstance(found, Identification) and self.index.key_id.get(found.key) in own:
            return Identification(found.key, found.method, found.score, f"tap owner '{owner}' is the vendor; {found.evidence}")
        exact = [k for k in own if compact(self.index.words(k)[1]) == wanted] or own
        groups = {self.index.equivalents(k) for k in exact}
        if len(groups) == 1:
            key = self.index.primary(next(iter(groups)))
            return Identification(self.index.keys[key], "exact" if compact(self.index.words(key)[1]) == wanted else "fuzzy",
                                  0.9, f"{said} of tap '{owner}/...': its owner is vendor "
                                  f"'{split_key(self.index.keys[key])[0]}', which files {self.index.keys[key]}")
        if isinstance(found, Identification) and _publisher_agrees(owner, split_key(found.key)[0]):
            return Identification(found.key, found.method, found.score, f"tap owner '{owner}' is the vendor; {found.evidence}")
        if isinstance(found, Identification) and not wanted.startswith(compact(tap)):
            return Unidentified(f"formula '{formula}' of tap '{owner}/{tap}' would be {found.key}, but the tap's owner names "
                                "no vendor of it and the tap is not named after it: a tap may hold another project's "
                                "add-ons under their names")
        if (isinstance(found, Identification) and found.method != "alias" and compact(owner) not in self.index.by_vendor
                and not _named_after(*split_key(found.key))):
            # Session 17: in a tap named after the formula, by an owner NVD does not know, the
            # formula is the owner's own program: a product of that name filed under another
            # organisation not named after it is a namesake (teamookla/speedtest/speedtest is
            # Ookla's Speedtest CLI, not librespeed:speedtest). The project's own key stays
            # (shivammathur/php/php@8.1 is php:php, denji/nginx/nginx-full nginx by its alias).
            return Unidentified(f"formula '{formula}' of tap '{owner}/{tap}' would be {found.key}, but that vendor is "
                                f"neither the tap's owner nor named after the product: the owner's own '{formula}' "
                                "is another program of that name")
        return found

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
        if isinstance(found, Unidentified) and source in ("dpkg", "rpm", "apk") and self.packages.data_named(name):
            # A package named as its project's data or configuration (exim4-config, Debian's
            # configuration framework for Exim) holds none of the project's code: the project's
            # repository, which URLs may link under the name's stem, does not make it the project.
            return found
        referenced = self._by_reference(name, source)
        if isinstance(found, Unidentified):
            if isinstance(referenced, Identification) and source in ("dpkg", "rpm", "apk") and self.packages.library_word(name):
                # libfabric (OFI) is not hyperledger:fabric, whose repository is named "fabric" too.
                return found
            if isinstance(referenced, Identification) and source in ("dpkg", "rpm", "apk"):
                others = self.packages.named_after_elsewhere(name, referenced.key)
                if others:
                    # The linked repository is a namesake's (packages.named_after_elsewhere).
                    return Unidentified(f"{found.reason}; {referenced.evidence}, but {', '.join(others[:3])} "
                                        f"{'is' if len(others) == 1 else 'are'} named after '{name}' too")
            return referenced or found
        if isinstance(referenced, Identification) and referenced.key != found.key:
            if source == "homebrew" and _spells_other(found.key, referenced.key, name):
                # A Homebrew formula is named after its project (docs.brew.sh, Formula
                # Cookbook): a formula spelled exactly like a product is that product, not
                # another product whose repository a shorter stem names (libgit2 is not
                # git-scm:git, nats-server not nats:nats_streaming_server). The URL may still
                # choose among vendors of the same product name (libde265).
                return found
            key_id = self.index.key_id[referenced.key]
            if (source in ("dpkg", "rpm", "apk") and _spells_other(found.key, referenced.key, name)
                    and not any(row.key in self.index.equivalents(key_id) for row in self.index.references("repo", name))):
                # The same for a distribution's package spelled exactly like the product found,
                # when the linked repository is named after a shorter stem of it: libgit2 is
                # libgit2, not git-scm:git, whose repository the stem "git" names (a trailing
                # digit read as a soname version). A repository named like the whole package
                # still speaks (lrzip's is long_range_zip's).
                return found
            if source in ("dpkg", "rpm", "apk") and found.key in self.packages.named_after_elsewhere(name, referenced.key):
                # A project named after the package, chosen over the linked namesake by the
                # package rules (packages.PackageRules._namesakes_organisation): the URL is the
                # namesake's, not this package's.
                return found
            if any(self.index.cve_count(k) for k in self.index.equivalents(key_id)):
                return Identification(referenced.key, referenced.method, referenced.score,
                                      referenced.evidence + f"; the name alone suggested {found.key}, which has no CVEs")
        return found

    def _one_repository(self, products: dict[tuple[int, ...], list]) -> tuple[int, ...] | None:
        """Session 20: of several products a repository name gives, the one NVD files most CVEs
        under, when every one of them is the same product name linked by the same repository of
        the same owner: one project under several vendor names (github.com/pjsip/pjproject is
        linked from CVEs of pjsip:pjsip, 5, and teluu:pjsip, 7), not namesakes (mongoose's
        repositories are cesanta/mongoose and Automattic/mongoose, two projects)."""
        repositories = {(owner_of(row.url), row.name) for rows in products.values() for row in rows}
        names = {compact(self.index.words(k)[1]) for group in products for k in group}
        if len(repositories) != 1 or len(names) != 1 or not next(iter(repositories))[0]:
            return None
        counts = sorted(((sum(self.index.cve_count(k) for k in group), group) for group in products), reverse=True)
        return counts[0][1] if counts[0][0] > counts[1][0] else None

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
        if kind == "repo" and (ships_no_code(name) or name.endswith("-dev") or module_host(name)):
            # A module for a host program (lua5.1-cjson) is not the host its stems name (lua).
            return None
        names = [name] if kind != "repo" else repository_stems(name)
        rows = [row for text in names for row in self.index.references(kind, text)]
        what = "package page" if kind != "repo" else "repository"
        if kind == "repo":
            # The first spelling (the whole name, then shorter stems) that names a product speaks.
            rows = next(([r for r in found if r.support >= _REPOSITORY_SUPPORT and r.key in self.index.current]
                         for found in (self.index.references(kind, text) for text in names)
                         if any(r.support >= _REPOSITORY_SUPPORT and r.key in self.index.current for r in found)), [])
        if kind == "repo" and rows and name.startswith("lib") and not rows[0].name.startswith("lib"):
            # The repository is named like the library without "lib" (libjansson4: jansson):
            # a plain word that other projects' repositories share (libusbx is not Azure RTOS's
            # azure-rtos/usbx), so the product must be spelled like it too.
            rows = [r for r in rows if compact(self.index.words(r.key)[1]) in (compact(r.name), "lib" + compact(r.name))]
        if kind != "repo":
            # A package named "<product>-<more>" is an extension of the product (a PyPI page of
            # django-reversion among Django's references), not the product.
            rows = [r for r in rows if not _extends(name, self.index.words(r.key)[1])]
            if not rows and not name.startswith("@"):
                # A language binding's repository is spelled after the language: redis-py,
                # pyjwt, node-jsonwebtoken (never the bare name: the redis repository is the server).
                # Not for a scoped npm name: its scope names the publisher, and another
                # publisher's binding of its last word is another package (@jupyterlab/git, the
                # JupyterLab extension, is not simple-git, whose repository is steveukx/git-js).
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
        also = ""
        if len(products) > 1 and kind == "repo":
            chosen = self._one_repository(products)
            if chosen is not None:
                also = "; the same repository is linked from CVEs of " + ", ".join(
                    sorted(self.index.keys[found[0].key] for group, found in products.items() if group != chosen)
                ) + ", the same product under another vendor name, with fewer CVEs"
                products = {chosen: products[chosen]}
        if len(products) > 1:
            shown = ", ".join(
                f"{self.index.keys[found[0].key]} ({found[0].url})" for _, found in sorted(products.items(), key=lambda p: p[1][0].key)
            )
            return Unidentified(f"reference URLs give '{name}' to several NVD products: {shown}")
        ((group, found),) = products.items()
        named = [r.key for r in found]
        key_id = self.index.current_primary(tuple(named))
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
                              f"{source} name '{name}' is {self.index.keys[key_id]}: {links} its {what} {row.url}{also}")

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
            kids = tuple(k for k in self.index.by_product.get(compact(package), ()) if k in self.index.current)
            found = tuple(k for k in kids if _PEP503.sub("-", unquote(split_key(self.index.keys[k])[1]).lower()) == wanted)
            # A distribution name that runs the project's words together (djangorestframework
            # is NVD's django_rest_framework), when no product is spelled as written. Not a
            # product NVD spells with "-" or "." (session 18): NVD writes a product's words with
            # "_", so "json-schema" copies another package's identifier (npm's json-schema,
            # json-schema_project), which pip's jsonschema is not (rule 7 in docs/matching.md).
            if found or wanted.isalnum():
                return found or tuple(k for k in kids if not re.search(r"[-.]", unquote(split_key(self.index.keys[k])[1])))
            # Session 19: the reverse, a product NVD runs together where the distribution name
            # parts its words (python-saml is onelogin:pythonsaml, pandas-ai
            # gabrieleventuri:pandasai): a product of one token copies no other registry's
            # identifier; one written with "-", "_" or "." spells other words.
            return tuple(k for k in kids if unquote(split_key(self.index.keys[k])[1]).lower().isalnum())
        spellings = {package, package.replace("-", "_"), package.replace("_", "-")}
        kids = self.index.by_product.get(compact(package), ())
        found = tuple(k for k in kids if k in self.index.current and unquote(split_key(self.index.keys[k])[1]).lower() in spellings)
        stem = _JS_SUFFIX.sub("", package)
        if found or stem == package or len(stem) < 2:
            return found
        # No product is spelled so: NVD may join a JavaScript project's "js" suffix otherwise
        # (npm uglify-js is NVD's uglifyjs). Only then: uri-js and urijs are two packages.
        # Session 19: a stem of two letters too (npm is_js is is.js_project:is.js; the
        # dictionary's other such products are d3.js, io.js, nw.js, mujs and wp-js).
        spellings = {stem + suffix for suffix in ("js", ".js", "-js", "_js")}
        return tuple(k for k in kids if k in self.index.current and unquote(split_key(self.index.keys[k])[1]).lower() in spellings)

    def _language_package(self, name: str, source: str, registry: bool = True) -> Identification | Unidentified:
        """A pip or npm package: a product of that name that NVD files as a package of the ecosystem.
        ``registry`` is False for a distribution's module (python3-idna), whose name is the module's
        import name, not the registry's: the coined-name reading (_coined_project) is not for it."""
        raw = name.strip().lower()
        if source == "npm" and raw.startswith("@types/"):
            # DefinitelyTyped's packages hold TypeScript declarations of another package, no code.
            return Unidentified(f"'{name}' holds TypeScript type declarations, no code of its own")
        scope, bare = raw[1:].split("/", 1) if raw.startswith("@") and "/" in raw else ("", raw)
        if scope:
            spelled = self._scoped_spelling(scope, bare)
            if spelled is not None:
                return spelled
        found = self._as_package(bare, source, scope, coined=registry)
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
            rival = self._bare_rival(bare, source, key_id)
            if rival:
                # The bare name is one small project of another vendor (tlsfuzzer:ecdsa is pip's
                # ecdsa, starkbank:ecdsa-python another package; nodemailer:nodemailer, not the
                # nodemailer-js typosquat): a binding says the name is taken by a program of
                # another kind only when its vendor makes that program (redis:redis-py beside
                # redis:redis) or the bare name is several products (xterm, mysql).
                return Unidentified(f"{source} package '{package}' is named like {rival}, and NVD names another vendor's "
                                    f"{_LANGUAGE[source]} binding '{text}' ({self.index.keys[key_id]}): nothing says which; {said}")
            return Identification(self.index.keys[key_id], "exact", 0.86,
                                  f"NVD names the {_LANGUAGE[source]} binding '{text}' ({self.index.keys[key_id]}); {said}")
        if isinstance(found, Identification):
            return found
        if not scope and found.reason.endswith(_ANOTHER_ECOSYSTEM):
            # Session 19: every product of the bare name is another ecosystem's (go:jws,
            # nim-lang:docutils), and NVD names one product with the ecosystem's prefix and "-"
            # (auth0:node-jws is npm's jws, python-docutils pip's docutils): the bare name is
            # taken elsewhere, so NVD spelled the package by its repository. Not a glued prefix:
            # npm mailer is not nodemailer.
            prefixed = self._prefixed_binding(package, source)
            if prefixed is not None:
                return Identification(self.index.keys[prefixed[0]], "exact", 0.86,
                                      f"{found.reason}; NVD names the {_LANGUAGE[source]} package '{prefixed[1]}' "
                                      f"({self.index.keys[prefixed[0]]}), the name with the {_LANGUAGE[source]} prefix")
        if scope:
            # A scoped package NVD names after the scope and the package together
            # (@azure/functions is microsoft:azure_functions).
            joined = self._as_package(f"{scope}-{bare}", source, "", joined=f"@{scope}/{bare}")
            if isinstance(joined, Identification) or _PORT_APART in joined.reason:
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
                key_id = self.index.current_primary(group)
                vendor = split_key(self.index.keys[key_id])[0]
                if _publisher_agrees(words[0], vendor):
                    return Identification(self.index.keys[key_id], "exact", 0.86,
                                          f"{source} package '{package}' is '{stripped}' with the {_LANGUAGE[source]} affix, "
                                          f"and its first word names the vendor {vendor}")
        built = self._as_build(raw, source, found, registry)
        if isinstance(built, Unidentified) and not scope and built.reason.startswith("no NVD product is named like"):
            # The package is named like a vendor that files its one product under a longer name
            # (session 15: npm prismjs is prismjs:prism), as a Homebrew formula may be.
            # Only a product named by part of the name (jsonpath-plus is jsonpath-plus:jsonpath,
            # django-unicorn django-unicorn:unicorn): a longer product is another package of the
            # registry (yargs is not yargs:yargs-parser), a shorter one of a few letters a
            # namesake (pytest is not pytest:py), and a ".js" product was rejected in session 14.
            own = self._vendors_product(package)
            product = compact(split_key(own.key)[1]) if own is not None else ""
            if (own is not None and len(product) >= 4 and product in compact(package) and product != compact(package)
                    and not self._of_another_ecosystem(self.index.equivalents(self.index.key_id[own.key]), source)):
                return Identification(own.key, own.method, min(own.score, 0.86), f"{source} package {own.evidence}")
            prefixed = self._prefixed_project(package, source)
            if prefixed is not None:
                return prefixed
            named = self._named_with_affix(package, source) if source == "pip" else None
            if named is not None:
                return named
        return built

    def _prefixed_binding(self, package: str, source: str) -> tuple[int, str] | None:
        """The one product (group) NVD names like the package with its ecosystem's prefix and
        "-" (_PREFIXES: node-jws, python-docutils), with that spelling; None if none or several,
        or if something says it is another ecosystem's."""
        groups: dict[tuple[int, ...], tuple[int, str]] = {}
        for k in self._registry_spelled(_PREFIXES[source] + package, source):
            group = self.index.equivalents(k)
            if self.index.ecosystem.get(k) in (None, _TARGET_SW[source]) and not self._of_another_ecosystem(group, source):
                groups.setdefault(group, (self.index.current_primary(group), unquote(split_key(self.index.keys[k])[1]).lower()))
        return next(iter(groups.values())) if len(groups) == 1 else None

    def _named_with_affix(self, package: str, source: str) -> Identification | None:
        """Session 19: the one product NVD names like a pip name with a Python suffix added
        (mysql-connector is oracle:mysql_connector/python; _BINDING_PRODUCTS), asked only when no
        product is named like the package itself: with no namesake, the suffix that says the
        language names the project's repository. None if none or several, or if something says
        the product is another ecosystem's. Prefixes stay out, as for _binding: python-future
        is pip's future, pysrp pip's srp, but pip bcrypt is not python:py-bcrypt, docx not
        python-docx, mongo not pymongo, xdg not pyxdg (over the dictionary, a prefix reading
        named another registry package as often as the project). Not for npm: a product named
        "<name>.js" is as often a typosquat of the package as the package (NVD's
        cross-env.js_project:cross-env.js is not npm's cross-env; d3, colors, cesium and nats
        would have been right).

        Session 20: a pip name with one of Python's prefixes may also be spelled by NVD with
        another of them (_PIP_PREFIXES: py-mini-racer is sqreen:python_mini_racer): both say the
        language, so the swap adds no claim the name did not make. Over the 15,000 most
        downloaded PyPI names and the labelled sets, that is the only name it reads."""
        texts = [text.format(package) for text in _BINDING_PRODUCTS[source]]
        if source == "pip":
            mine = next((p for p in _PIP_PREFIXES if package.startswith(p) and len(package) - len(p) >= 3), "")
            texts += [other + package[len(mine):] for other in _PIP_PREFIXES if mine and compact(other) != compact(mine)]
        groups: dict[tuple[int, ...], tuple[str, bool]] = {}
        for n, text in enumerate(texts):
            for k in self._registry_spelled(text, source):
                group = self.index.equivalents(k)
                if not self._of_another_ecosystem(group, source):
                    groups.setdefault(group, (unquote(split_key(self.index.keys[k])[1]).lower(), n >= len(_BINDING_PRODUCTS[source])))
        if len(groups) != 1:
            return None
        ((group, (text, swapped)),) = groups.items()
        key_id = self.index.current_primary(group)
        how = f"another of {_LANGUAGE[source]}'s prefixes" if swapped else f"the {_LANGUAGE[source]} affix"
        return Identification(self.index.keys[key_id], "exact", 0.86,
                              f"no NVD product is named like {source} package '{package}', and NVD names one product "
                              f"'{text}' ({self.index.keys[key_id]}), the name with {how}")

    def _prefixed_project(self, package: str, source: str) -> Identification | None:
        """Session 15, round 2: a name "<vendor>-<product>" (or "_"), the first word an NVD vendor
        that files the rest of the name as its product (pip jupyter_scheduler is
        jupyter:scheduler, jupyterhub-systemdspawner jupyterhub:systemdspawner, apache-beam
        apache:beam; npm nuxt-og-image nuxt:og_image). PyPI has no scopes, and unscoped npm names
        none: a project or organisation prefixes its packages with its own name, as a scope
        would name it (the scope rule above). Asked only when no product is spelled as the whole
        name (paypal-ipn is paypal-ipn_project's, not paypal:ipn). Not for the ecosystem's own
        prefixes (python-, py-, django-, node-: other people's packages for it), nor for a
        product that is several products of the vendor or another ecosystem's; None otherwise."""
        words = [w for w in re.split(r"[-_.]+", package) if w]
        if len(words) < 2 or _says_language(words[0], source) or words[0] in _ECOSYSTEM_VENDORS[source]:
            return None
        if source == "npm" and words[0] in ("node", "nodejs", "js", "javascript"):
            return None
        # One lookup by the product's name, then its vendors: no walk over a big vendor's keys.
        vendor = compact(cpe_words(words[0]))
        rest = "-".join(words[1:])
        hits = {self.index.equivalents(k) for k in self.index.by_product.get(compact(rest), ())
                if k in self.index.current and compact(self.index.words(k)[0]) == vendor}
        if not hits:
            # Session 19: the vendor files the rest as its binding for the ecosystem, named with
            # the language's suffix (pip starkbank-ecdsa is starkbank:ecdsa-python: the
            # repository's name, the package the vendor's prefix and the project's).
            hits = {self.index.equivalents(k) for text in _BINDING_PRODUCTS[source]
                    for k in self.index.by_product.get(compact(text.format(rest)), ())
                    if k in self.index.current and compact(self.index.words(k)[0]) == vendor}
        if len(hits) != 1:
            return None
        ((group),) = hits
        if self._of_another_ecosystem(group, source):
            return None
        key_id = self.index.current_primary(group)
        return Identification(self.index.keys[key_id], "exact", 0.86,
                              f"{source} package '{package}' is '{words[0]}' and '{'-'.join(words[1:])}': the first word names "
                              f"the vendor, as a scope would, and the rest its product {self.index.keys[key_id]}")

    def _scoped_spelling(self, scope: str, bare: str) -> Identification | None:
        """The product NVD spells as the scoped npm name itself, scope and all ("fastify/rate-limit"
        for @fastify/rate-limit, "@thi.ng/egf", "appium/base-driver"): NVD copied the package's
        identifier, so nothing else need say it is an npm package (as rule 7 for "-"). One product
        (or one product group) only; None otherwise."""
        wanted = {f"{scope}/{bare}", f"@{scope}/{bare}"}
        kids = [k for k in self.index.by_product.get(compact(f"{scope}/{bare}"), ())
                if k in self.index.current and unquote(split_key(self.index.keys[k])[1]).lower() in wanted]
        groups = {self.index.equivalents(k) for k in kids}
        if len(groups) != 1:
            return None
        key_id = self.index.primary(tuple(kids))
        return Identification(self.index.keys[key_id], "exact", 0.95,
                              f"npm package '@{scope}/{bare}': NVD spells product {self.index.keys[key_id]} as the scoped "
                              "package name itself")

    def _as_build(self, raw: str, source: str, found: Unidentified, registry: bool = True) -> Identification | Unidentified:
        """A build of a project published under a name of its own (tensorflow-gpu, Pillow-SIMD,
        @rollup/rollup-linux-x64-gnu): the project's product, found by the project's name with the
        same evidence a package of that name needs; ``found`` (why the name failed) otherwise."""
        base = _build_variant(raw, source)
        if not base or base == raw:
            return found
        project = self._language_package(base, source, registry)
        if isinstance(project, Identification):
            return Identification(project.key, project.method, min(project.score, 0.86),
                                  f"{source} package '{raw}' is a build of '{base}': {project.evidence}")
        # The base keeps its scope and is never tried as its bare name under another scope:
        # @napi-rs/tar-linux-x64-gnu is not npm's tar, @tailwindcss/oxide-* not
        # oxide_project:oxide (@img/sharp-* is sharp's, but nothing in the data tells those apart).
        return Unidentified(f"{found.reason}; as a build of '{base}': {project.reason}")

    def _scopes_product(self, kids: tuple[int, ...], package: str, source: str, scope: str) -> _Candidate | None:
        """Of the products named like an npm package, the one product whose vendor is spelled as
        the package's scope (its publisher), when exactly one is; None otherwise."""
        published = tuple(k for k in kids if compact(self.index.words(k)[0]) in (compact(scope), compact(scope) + "js"))
        if len({self.index.equivalents(k) for k in published}) != 1:
            return None
        found = self._by_name_alone(published, package, source)
        if not isinstance(found, _Candidate):
            return None
        return _Candidate(found.key_id, 0.87, f"of the products named '{package}', only this one's vendor is spelled as the scope")

    def _bare_rival(self, bare: str, source: str, binding: int) -> str:
        """The one product (group) spelled like the bare package name, when no key of it is the
        binding's vendor's; "" when the bare name is several products or the binding's vendor's own."""
        groups = {self.index.equivalents(k) for k in self._registry_spelled(bare, source)}
        if len(groups) != 1:
            return ""
        ((group),) = groups
        vendor = compact(cpe_words(split_key(self.index.keys[binding])[0]))
        if any(compact(cpe_words(split_key(self.index.keys[k])[0])) == vendor for k in group):
            return ""
        return self.index.keys[self.index.current_primary(group)]

    def _binding(self, package: str, source: str) -> tuple[int, str] | None:
        """The one product NVD names like the package with a suffix of its ecosystem (redis-py,
        protobuf-python, xterm.js), with that spelling; None if none or several. Prefixes
        (python-X, pyX, node-X) are left out: they are registry names of other packages
        (pycrypto is not pip's crypto, python-jose not pip's jose), unless the bare name is
        another ecosystem's only (_prefixed_binding)."""
        bindings: dict[tuple[int, ...], tuple[int, str]] = {}
        for text in (t.format(package) for t in _BINDING_PRODUCTS[source]):
            for k in self._registry_spelled(text, source):
                group = self.index.equivalents(k)
                if self.index.ecosystem.get(k) in (None, _TARGET_SW[source]) and not self._of_another_ecosystem(group, source):
                    bindings.setdefault(group, (self.index.current_primary(group),
                                                unquote(split_key(self.index.keys[k])[1]).lower()))
        return next(iter(bindings.values())) if len(bindings) == 1 else None

    def _filed(self, key: str, source: str) -> bool:
        """NVD's CVEs file the product as a package of the ecosystem (target_sw, or their descriptions)."""
        key_id = self.index.key_id.get(key)
        return key_id is not None and any(
            self.index.ecosystem.get(k) == _TARGET_SW[source] or self.index.described.get(k) == _TARGET_SW[source]
            for k in self.index.equivalents(key_id))

    def _as_package(self, package: str, source: str, scope: str, strict: bool = False, joined: str = "",
                    coined: bool = False) -> Identification | Unidentified:
        """One spelling of a pip or npm name: the product NVD files under it as a package of the
        ecosystem, or why none is. ``strict`` takes only NVD's filing (target_sw, CVE
        descriptions, the ecosystem's or the project's own vendor) as evidence; ``coined`` lets a
        coined registry name vouch for the one product of a small vendor (_coined_project)."""
        kids = tuple(k for k in self._registry_spelled(package, source) if self.index.ecosystem.get(k) in (None, _TARGET_SW[source]))
        # Products something says are of the other ecosystem (pip Babel is not babeljs:babel).
        ours = tuple(k for k in kids if not self._of_another_ecosystem(self.index.equivalents(k), source))
        if kids and not ours:
            shown = ", ".join(self.index.keys[k] for k in kids[:5])
            return Unidentified(f"{source} package '{package}' is named like {shown}, which NVD does not file as a {source} package: "
                                f"{_ANOTHER_ECOSYSTEM}")
        kids = ours
        if not kids:
            return Unidentified(f"no NVD product is named like {source} package '{joined or pypi_name(package)}'")
        groups = {self.index.equivalents(k) for k in kids}
        # Every key of the group, none with CVEs: a mined group may join a namesake's key
        # (express:express, an Android app, beside expressjs:express), and a representative
        # title may be a host module's of the same name (ckeditor:ckeditor, 2 CVEs, is titled
        # "CKEditor plugin Drupal 6.x-1.0"); a product with CVEs is weighed by them.
        hosted = {g for g in groups if all(self._made_for_host(k) and not self.index.cve_count(k) for k in g)}
        if len(groups) > 1 and hosted and len(hosted) < len(groups):
            # Session 17: of several products of the name, one made for a host (a Drupal theme,
            # an Android app, a PHP library: devsaran:fresh is "Devsaran Fresh theme module
            # Drupal 7.x-1.0") is not the package; the others are weighed without it.
            kids = tuple(k for k in kids if self.index.equivalents(k) not in hosted)
        if source == "pip" and (apps := tuple(k for k in kids if self._framework_app(k, package))):
            # Session 18: a vendor named "django-<product>" (django-unicorn:unicorn) is the
            # framework app's project, whose PyPI name keeps the framework's word, as Django's and
            # Flask's apps do (django-unicorn); pip's bare "unicorn" is another package (the
            # Unicorn CPU emulator's binding).
            kids = tuple(k for k in kids if k not in apps)
            if not kids:
                vendor = split_key(self.index.keys[apps[0]])[0]
                return Unidentified(f"pip package '{package}' is named like {self.index.keys[apps[0]]}, whose vendor {vendor} "
                                    f"names the framework app's package '{vendor.removesuffix('_project')}'")
        written, package = package, (pypi_name(package) if source == "pip" else package)
        chosen = self._by_name_alone(kids, package, source, project=True)
        if not isinstance(chosen, _Candidate) and scope and compact(scope) != compact(package):
            # Session 17: an npm scope is the package's publisher, so of several products of the
            # bare name it chooses the one its vendor files (@fastify/session is fastify:session,
            # not joomla:session or opft:session). Not a scope spelled like the name itself: a
            # vendor of that spelling is the name's, not the publisher's (@xterm/xterm is
            # xterm.js, not xterm:xterm). The vendor must be spelled as the scope: a looser
            # likeness joins an API's clients to the company's products (@googleapis/drive is
            # the Drive API's client, not google:drive).
            chosen = self._scopes_product(kids, package, source, scope) or chosen
        if not isinstance(chosen, _Candidate):
            return Unidentified(chosen)
        vendor, product = split_key(self.index.keys[chosen.key_id])
        if scope and not _scope_agrees(scope, vendor) and compact(scope) != compact(package):
            # Session 19: the name alone chose another vendor's key (NVD's placeholder
            # passport_project:passport, or vuejs:devtools by its CVEs), but the scope publishes
            # the package and one product of the name is the scope's vendor's (@fastify/passport
            # is fastify:passport, @nuxt/devtools nuxt:devtools): the scope chooses, as above.
            scoped = self._scopes_product(kids, package, source, scope)
            if scoped is not None:
                chosen = scoped
                vendor, product = split_key(self.index.keys[chosen.key_id])
        if scope and not _scope_agrees(scope, vendor):
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
            if alone and any(self.index.described.get(k) == _TARGET_SW[source] for k in group) and not self._several_ecosystems(vendor):
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
            elif _IDENTIFIER.match(spelled) and spelled in (package, written) and not joined and not self._of_another_ecosystem(group, source):
                # NVD writes a product's words with "_"; a product written with the package's own
                # "-" or "." (fast-xml-parser, tough-cookie, yargs-parser) copies the identifier of a
                # package or repository, exactly as the registry spells it: as PEP 503 normalises
                # a pip name, or as the item writes it (pdfminer.six, oslo.utils). Not a "."
                # name for a pip name written with "-": aspose.words is a .NET namespace.
                why = f"NVD spells the product '{spelled}' exactly as the {source} registry names the package"
            elif source == "pip" and alone and (sibling := self._publishes_packages(chosen.key_id, source)):
                # A small organisation whose other product NVD files as a package of the
                # ecosystem, and none as another's (sqlalchemy:sqlalchemy beside sqlalchemy:mako).
                why = (f"its vendor {vendor} files at most {_FEW_PRODUCTS} products, none of another ecosystem, and NVD files "
                       f"its {sibling} as a {_LANGUAGE[source]} package")
            elif source == "pip" and alone and (filed := self._organisation_of(vendor, source)):
                # An organisation of the ecosystem: several of its products are filed so, none as
                # another ecosystem's (jupyter files jupyter_server, jupyter_core, notebook).
                why = (f"its vendor {vendor} files no product of another ecosystem, and NVD files {len(filed)} of its products "
                       f"as {_LANGUAGE[source]} packages ({', '.join(filed[:3])})")
            elif alone and not joined and (sibling := self._sibling_says(chosen.key_id, source)):
                # Session 17: a small vendor of the ecosystem whose other product is filed or named
                # as its package (encode:httpx beside encode:django_rest_framework, vercel:ms beside
                # vercel:next.js).
                why = (f"its vendor {vendor} files at most {_SIBLING_VENDOR_PRODUCTS} products, none of another ecosystem, "
                       f"and its {sibling} is a {_LANGUAGE[source]} package by {'NVD' if self._filed_as_package(self.index.key_id[sibling], source) else 'its name'}")
            elif alone and (part := self._parts_filed(chosen.key_id, source)):
                # The project's own parts, products of its vendor named "<product>-<part>"
                # (ckeditor5-html-embed of ckeditor5), are filed as packages of the ecosystem.
                why = f"NVD files its part {part} as a {_LANGUAGE[source]} package"
            elif joined and alone and (port := self._node_port(vendor, joined[1:].split("/", 1)[0])) and not any(
                    unquote(split_key(self.index.keys[k])[1]).lower() == joined[1:] for k in group):
                # The vendor files its Node.js port apart (langchain:langchain.js): the scope's
                # project without that mark is its other ecosystem's (langchain:langchain_community
                # is the Python package langchain-community, not @langchain/community), unless NVD
                # spells a key of the product as the scoped name (langchain:langchain\/core).
                return Unidentified(f"npm package '{joined}' is named like {self.index.keys[chosen.key_id]}, but its vendor files "
                                    f"its Node.js port apart as {port}{_PORT_APART}")
            elif joined and alone:
                why = f"NVD names it after the scope and the package of '{joined}'"
            elif (not scope and "-" in package and spelled.replace("_", "-") == package
                  and len({self.index.equivalents(k) for k in kids}) == 1
                  and min(self.index.word_uses.get(w, 0) for w in package.split("-")) <= _RARE_WORD
                  and not self._of_another_ecosystem(group, source) and not self._vendor_of_another_ecosystem(vendor, source)):
                # A name of several words, one of them rare among product names, that is word for
                # word the one product of its name (paho-mqtt is eclipse:paho_mqtt, llama-index
                # run-llama:llama_index): NVD wrote the package's words with its "_". Session 15:
                # every labelled item refused "not filed" whose name has several words was its
                # package (the wrong ones were single words another program shares: idna, mock,
                # less, jira); a name of common words only is a program's too (npm http-server is
                # not oracle:http_server, live-server not the VS Code extension, sql-server). Words
                # joined by "_" only: aspose.words is a .NET namespace, not pip's aspose-words.
                why = f"the {source} name's words are the product's, word for word"
            elif coined and source == "npm" and not scope and not joined and len({self.index.equivalents(k) for k in kids}) == 1 and (
                    coined := self._coined_project(chosen.key_id, package, source)):
                # Session 16: a coined name (fflate, uplot, csvtojson) that no other NVD product
                # uses, the one product of a small vendor that nothing says is of another kind.
                # npm only: on pip it was about three parts right in four (docs/matching.md,
                # "Session 16 (rule 11, coined names)"), as a pip client takes its service's name.
                why = coined
            else:
                return Unidentified(f"{source} package '{package}' is named like {self.index.keys[chosen.key_id]}, which NVD does not file as a {source} package")
            return Identification(self.index.keys[chosen.key_id], "exact", min(chosen.score, 0.87), f"{chosen.evidence}; {why}")
        return Identification(self.index.keys[chosen.key_id], "exact", chosen.score, chosen.evidence)

    def _coined_project(self, key_id: int, package: str, source: str) -> str:
        """Session 16: why the one product spelled like an unscoped pip or npm name is that
        package although NVD does not file it so; "" when something speaks against it. The name
        must be the product's run together, every word of it used by no other NVD product
        (CpeIndex.word_uses: a coined name, not a word programs of other kinds share: hatch,
        queue, touch), its vendor must file at most _COINED_VENDOR_PRODUCTS products, none of
        them of another ecosystem or named by another language's words (frankmancuso's
        auth_php beside bluebird), and a 2015 dictionary title must not name a host the product
        runs in (alienwp:hatch is "AlienWP Hatch 7.x-1.0 for Drupal"). The checks hold for
        either ecosystem; _as_package asks only for npm names (on pip the reading was right
        about three times in four, docs/matching.md)."""
        index = self.index
        vendor, product = split_key(index.keys[key_id])
        words = index.words(key_id)[1].replace("-", " ").split()
        # Keys of the product's own group count once each (man-group:dtale and mangroup:dtale).
        own = [index.words(k)[1].replace("-", " ").split() for k in index.equivalents(key_id) if k in index.current]
        if (not _ONE_TOKEN.match(package) or unquote(product).lower() != package
                or any(index.word_uses.get(w, 0) > max(1, sum(w in name for name in own)) for w in words)):
            return ""
        if sum(index.cve_count(k) for k in index.equivalents(key_id)) > _COINED_MAX_CVES:
            # Many CVEs, none filed under the ecosystem: a program of its own (mariadb:mariadb,
            # 46 CVEs in the 2022 file, is the server; pip's and npm's mariadb its connectors).
            return ""
        other = "npm" if source == "pip" else "pip"
        groups: set[tuple[int, ...]] = set()
        for k in index.vendor_keys(vendor):
            groups.add(index.equivalents(k))
            if len(groups) > _COINED_VENDOR_PRODUCTS:
                return ""
            name = unquote(split_key(index.keys[k])[1]).lower()
            if (self._of_another_ecosystem((k,), source) or _says_language(name, other)
                    or _FOREIGN_WORDS & set(w for w in re.split(r"[-_.]+", name) if w)):
                return ""
        if self._vendor_of_another_ecosystem(vendor, source):
            return ""
        if _HOST_VENDOR.search(compact(vendor.removesuffix("_project"))) or any(
                _HOST_TITLE_WORDS & set(re.split(r"[-_\s]+", index.titles.get(k, ""))) for k in index.equivalents(key_id)):
            return ""
        return (f"no other NVD product uses the name '{index.words(key_id)[1]}', and its vendor {vendor} files "
                f"{len(groups)} product{'s' if len(groups) > 1 else ''}, none of another ecosystem")

    def _framework_app(self, key_id: int, package: str) -> bool:
        """Session 18: the key's vendor is a Python web framework's app named after the product
        ("django-unicorn" for unicorn), and the pip name lacks the framework's word. Of the
        vendors spelled "<language or framework word><product>" in the dictionary (python-markdown,
        python-poetry, pythonpaste, pymedusa, node-formidable, django-unicorn), the Python and
        Node.js organisations publish the bare name (Markdown, poetry, formidable); a Django or
        Flask app keeps its framework's word on PyPI."""
        vendor, product = split_key(self.index.keys[key_id])
        for suffix in _PROJECT_SUFFIXES:
            vendor = vendor.removesuffix(suffix)
        bare = compact(cpe_words(product))
        return (compact(package) == bare
                and any(compact(cpe_words(vendor)) == word + bare for word in _FRAMEWORK_WORDS))

    def _made_for_host(self, key_id: int) -> bool:
        """The key is of a product made for a host it runs in or another language: its vendor is
        named after one (rubygeocoder, mapsplugin, alienwp, thephpleague), or its 2015 dictionary
        title names one ("Devsaran Fresh theme module Drupal 7.x-1.0", "r-company unzipper
        android"). A title that names Node.js or Python too is its package's ("ucdok tomato
        module node.js")."""
        index = self.index
        if _HOST_VENDOR.search(compact(split_key(index.keys[key_id])[0].removesuffix("_project"))):
            return True
        words = set(re.split(r"[-_\s]+", index.titles.get(key_id, "")))
        return bool(_HOST_TITLE_WORDS & words) and not words & {"node.js", "nodejs", "python"}

    def _sibling_says(self, key_id: int, source: str) -> str:
        """Session 17: another product of the key's vendor that NVD files as a package of the
        ecosystem, or names with the language (_names_language: encode's django_rest_framework,
        vercel's next.js, zope's restrictedpython), when the vendor files at most
        _SIBLING_VENDOR_PRODUCTS products, none of another ecosystem; "" otherwise. Not for a
        product named after its vendor (wiremock:wiremock, mongodb:mongodb: a company's server or
        program), nor by a sibling that is the language's binding of the vendor's own product
        (python_wiremock, redis-py: a company's client for its server says nothing of its other
        products: redis:redisbloom is the server's module, not pip's client of it)."""
        index = self.index
        vendor, product = split_key(index.keys[key_id])
        uses = max((index.word_uses.get(w, 0) for w in index.words(key_id)[1].replace("-", " ").split()), default=0)
        if _named_after(vendor, product) or uses > _RARE_WORD:
            # ... nor a product named with a plain word (svelte:kit is SvelteKit, @sveltejs/kit on
            # npm; npm's "kit" is another package).
            return ""
        keys = self._one_ecosystem_products(vendor, source, _SIBLING_VENDOR_PRODUCTS)
        if keys is None:
            return ""
        group = set(index.equivalents(key_id))
        for k in keys:
            if k in group:
                continue
            words = [w for w in re.split(r"[-_./]+", unquote(split_key(index.keys[k])[1]).lower()) if w]
            rest = compact(" ".join(w for w in words if w not in _LANGUAGE_WORDS[source]))
            # The binding or SDK of the vendor's own product, or of the vendor (python_wiremock,
            # redis-py, claude_sdk_for_python): its rest starts with that product's name.
            own = {compact(index.words(o)[1]) for o in keys if o != k} | {compact(index.words(k)[0])}
            if self._filed_as_package(k, source) or (
                    _names_language(words, source) and not any(len(o) >= 3 and rest.startswith(o) for o in own)):
                return index.keys[k]
        return ""

    def _node_port(self, vendor: str, scope: str) -> str:
        """The vendor's product named "<scope>.js" (or "<scope>js"), its Node.js port of the
        scope's project; "" if none."""
        wanted = compact(cpe_words(scope)) + "js"
        return next((self.index.keys[k] for k in self.index.vendor_keys(vendor) if compact(self.index.words(k)[1]) == wanted), "")

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

    def _vendor_of_another_ecosystem(self, vendor: str, source: str) -> bool:
        """A project's vendor (at most 20 keys) whose products NVD files as another ecosystem's
        packages (target_sw, or a package page of another registry) and none as the item's:
        rubyonrails files Ruby gems only, so its html_sanitizer is the Rails gem, not pip's
        html-sanitizer. A company of hundreds of products (redhat with ansible_runner, amazon
        with redshift_connector) says nothing of one product by another."""
        index, ours = self.index, _REFERENCE_KIND[source]
        keys = index.vendor_keys(vendor)
        return (len(keys) <= 20
                and any(index.ecosystem.get(k) not in (None, _TARGET_SW[source]) or index.registries.get(k, frozenset()) - {ours}
                        for k in keys)
                and not any(self._filed_as_package(k, source) for k in keys))

    def _publishes_packages(self, key_id: int, source: str) -> str:
        """Another product of the key's vendor that NVD files as a package of the ecosystem
        (target_sw, CVE descriptions or advisory databases, a package page of its registry),
        when the vendor files at most _FEW_PRODUCTS products and none of them is another
        ecosystem's; "" otherwise. A big or many-language vendor says nothing of one product by
        another (google files protobuf-python beside android)."""
        index = self.index
        products = self._one_ecosystem_products(split_key(index.keys[key_id])[0], source, _FEW_PRODUCTS)
        if products is None:
            return ""
        group = set(index.equivalents(key_id))
        return next((index.keys[k] for k in products if k not in group and self._filed_as_package(k, source)), "")

    def _one_ecosystem_products(self, vendor: str, source: str, most: int) -> tuple[int, ...] | None:
        """The vendor's keys when it files at most ``most`` products and none of them is another
        ecosystem's than the item's; None otherwise. Products, not keys: keys of one group are
        one product (django_project:django beside djangoproject:django, both spelled
        "djangoproject" run together). Counted until one too many, so a vendor of hundreds costs
        a few lookups."""
        index = self.index
        keys = index.vendor_keys(vendor)
        groups: set[tuple[int, ...]] = set()
        for k in keys:
            groups.add(index.equivalents(k))
            if len(groups) > most:
                return None
        if any(index.ecosystem.get(k) not in (None, _TARGET_SW[source]) or self._of_another_ecosystem((k,), source) for k in keys):
            return None
        return keys

    def _filed_as_package(self, key_id: int, source: str) -> bool:
        """NVD files the key as a package of the item's ecosystem: its target_sw, its CVE
        descriptions or advisory databases, or a package page of its registry."""
        index, ours = self.index, _TARGET_SW[source]
        return (index.ecosystem.get(key_id) == ours or index.described.get(key_id) == ours
                or _REFERENCE_KIND[source] in index.registries.get(key_id, ()))

    def _organisation_of(self, vendor: str, source: str) -> tuple[str, ...]:
        """The vendor's products NVD files as packages of the ecosystem (target_sw, CVE
        descriptions or advisory databases, a package page of its registry), when they are at
        least _ECOSYSTEM_ORGANISATION products and no product of the vendor is another
        ecosystem's; () otherwise. Worked out once per vendor (a vendor files up to ~900 products)."""
        cached = self._organisations.get((vendor, source))
        if cached is not None:
            return cached
        index, ours = self.index, _TARGET_SW[source]
        filed: dict[tuple[int, ...], str] = {}
        found: tuple[str, ...] = ()
        products = index.vendor_keys(vendor)
        # NVD's filing under another ecosystem first: a dictionary lookup per product, so a big
        # vendor of several languages (microsoft, google) is set aside at once.
        if any(index.ecosystem.get(k) not in (None, ours) for k in products):
            products = ()
        for k in products:
            group = index.equivalents(k)
            if index.ecosystem.get(k) not in (None, ours) or self._of_another_ecosystem((k,), source):
                filed.clear()
                break
            if self._filed_as_package(k, source):
                filed.setdefault(group, index.keys[k])
        if len(filed) >= _ECOSYSTEM_ORGANISATION:
            found = tuple(sorted(filed.values()))
        if len(self._organisations) > self.CACHE_LIMIT:
            self._organisations.clear()
        self._organisations[(vendor, source)] = found
        return found

    def _several_ecosystems(self, vendor: str) -> bool:
        """NVD files the vendor's products under two or more package ecosystems (microsoft:
        Java, Python, WordPress; google): a company of many languages, whose product a CVE
        describes with a language's word may be a plugin or a tool for it, not its package."""
        index = self.index
        found = {index.ecosystem.get(k) for k in index.vendor_keys(vendor)}
        return len(found - {None}) >= 2

    def _parts_filed(self, key_id: int, source: str) -> str:
        """A product of the key's vendor named as a part of it ("<product>-<part>", words after
        the product's words: ckeditor5-html-embed of ckeditor5, not ckeditor5 of ckeditor) that NVD
        files as a package of the ecosystem (target_sw, descriptions, a package page of its
        registry), when none of those parts is another ecosystem's; "" otherwise."""
        index = self.index
        vendor, product = split_key(index.keys[key_id])
        head, stem = _words_of(product) + " ", compact(index.words(key_id)[1])
        group = set(index.equivalents(key_id))
        parts = [k for k in index.vendor_keys(vendor)
                 if k not in group and compact(index.words(k)[1]).startswith(stem)
                 and _words_of(split_key(index.keys[k])[1]).startswith(head)]
        if any(index.ecosystem.get(k) not in (None, _TARGET_SW[source]) or self._of_another_ecosystem((k,), source) for k in parts):
            return ""
        return next((index.keys[k] for k in parts if self._filed_as_package(k, source)), "")

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
                   for k in self.index.vendor_keys(vendor))

    def one_project(self, kids: tuple[int, ...], what: str) -> _Candidate | None:
        """The product when every key of ``kids`` is one project under several vendor names
        (``CpeIndex.projects``: its author's, its own and NVD's placeholder name), reported as
        ``CpeIndex.project_primary`` chooses; CVEs are looked up under all of them
        (``CpeIndex.cve_keys``). None otherwise."""
        index = self.index
        project = {index.projects.get(k) for k in kids}
        if len(project) != 1 or None in project:
            return None
        members = next(iter(project))
        chosen = index.project_primary(tuple(k for k in members if k in index.current) or members)
        return _Candidate(chosen, 0.86, f"'{what}' names one project under several vendor names "
                          f"({', '.join(index.keys[k] for k in members)}): no other product uses the words of its name, "
                          "and each vendor files at most a few products, one of them named after it")

    def one_organisation(self, kids: tuple[int, ...], what: str) -> _Candidate | None:
        """The product when the keys of ``kids`` are one product under the several names of one
        organisation (``CpeIndex.one_organisation``: an old and a new company, macromedia and
        adobe, digium and sangoma; session 20), reported under the key ``CpeIndex.project_primary``
        chooses (most CVEs, the newest CVE, the vendor filing the most products); CVEs are looked
        up under all of them (``CpeIndex.cve_keys``). None otherwise."""
        index = self.index
        project = {index.projects.get(k) for k in kids}
        if len(project) != 1 or None in project or not index.one_organisation(kids):
            return None
        members = next(iter(project))
        chosen = index.project_primary(tuple(k for k in members if k in index.current) or members)
        vendors = sorted({compact(index.words(k)[0]) for k in members})
        shared = min(index.siblings.get((a, b), 0) for i, a in enumerate(vendors) for b in vendors[i + 1:])
        return _Candidate(chosen, 0.88, f"'{what}' names one product under the several names of one organisation "
                          f"({', '.join(index.keys[k] for k in members)}): the vendors file at least {shared} product names "
                          "together that no other vendor files")

    def _by_name_alone(self, kids: tuple[int, ...], what: str, source: str = "", project: bool = False) -> _Candidate | str:
        """One product among keys of one product name when no publisher speaks, or why there is none.

        Keys of one mined group are one product. Of several products, one is chosen when the
        data singles it out: NVD files it as a package of the item's ecosystem, it has at least
        twice the CVEs of every other, or it is the only one whose vendor is named after it.
        Last, when ``project`` is set (callers with rules of their own after this one try
        ``one_project`` after those), several products that are one project under several
        vendor names (``one_project``).
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
            primary = index.current_primary(keys or group)
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
            if len(ours) == len(options) > 1:
                # Every product of the name is the ecosystem's own, filed under its organisation's
                # several names (python:black and python_software_foundation:black): the first name.
                order = _ECOSYSTEM_VENDORS[source]
                first = min(ours, key=lambda g: (min(order.index(split_key(index.keys[k])[0]) for k in g
                                                     if split_key(index.keys[k])[0] in order), g))
                return pick(first, 0.86, f"every product named '{what}' is the {source} ecosystem's own, under its several vendor names")
        linked = self._linked(options, what, source)
        if linked is not None:
            return pick(linked[0], 0.86, f"of the products named '{what}', only this one's references link {linked[1]}")
        # Session 20: one product under the several names of one organisation, an old and a
        # new company (whatever ``project`` says: the vendors' shared names are evidence enough).
        found = self.one_organisation(kids, what) or (self.one_project(kids, what) if project else None)
        if found is not None:
            return found
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

    def _package(self, package: str, platform_scheme: str) -> Identification | Unidentified | None:
        """A distribution package or Homebrew formula name (appliance/matching/packages.py)."""
        return self.packages.identify(package, platform_scheme)


# Words after a cask's product that make another program of it, not a build of it (the part and
# code-piece words of display names, and what Homebrew's -tools/-server/-cli formulas are).
_NOT_AN_EDITION = frozenset(_PART_WORDS | _CODE_PART_WORDS | {"server", "client", "cli", "utils", "tools", "for", "web",
                                                              "viewer", "connector", "bridge", "sync", "backup"})
# A cask token's "+" (Homebrew "Token reference": "+" becomes "plus" after a hyphen).
_CASK_PLUS = re.compile(r"-plus(?=-|$)")


def _spells_other(found: str, referenced: str, name: str) -> bool:
    """``name`` spells ``found``'s product exactly and ``referenced`` is a product of another name."""
    mine, theirs = compact(split_key(found)[1]), compact(split_key(referenced)[1])
    return mine == compact(name) and theirs != mine
