"""Distribution packages and Homebrew formulas: which upstream project a package name is (dpkg, rpm, apk, homebrew)."""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from appliance.cpe import unquote
from appliance.matching.base import Candidate as _Candidate, Identification, Unidentified
from appliance.matching.bundle import _named_after
from appliance.matching.index import CpeIndex, split_key
from appliance.matching.normalize import compact, cpe_words
from appliance.matching.triples import cross_tool

if TYPE_CHECKING:
    from appliance.matching.identify import Identifier

# Debian Policy 5.6.7: package names are lower case letters, digits and + - . (rpm and apk
# allow "_" too). Anything else on a Linux host is a display name (a desktop app, say).
PACKAGE_NAME = re.compile(r"^[a-z0-9][a-z0-9.+_-]*$")

# Packages that carry no code of their own: documentation, translations, data, debug symbols,
# shell completions and init scripts. Findings belong to the package that ships the program.
# Debian Policy 12.3 (-doc), Debian's -dbgsym (DebugPackages wiki); Fedora packaging guidelines
# (-debuginfo, -debugsource, -langpacks); Alpine's split functions (-doc, -lang, -openrc,
# -bash-completion, -zsh-completion; wiki.alpinelinux.org "APKBUILD Reference"). Not -pyc: compiled
# bytecode is a module's code (_BYTECODE_SUFFIX).
# Not -examples (session 16): Debian's libheif-examples and paho.mqtt.c-examples ship the
# project's example programs (heif-convert, paho_c_pub), built from its source; all 4 such items
# of the labelled sets (set 21) are labelled as the project by both labellers.
# Not -tests (session 18): a project's test suite is its code, built from its source (Alpine's
# python3-tests holds CPython's importable `test` package, Fedora's perl-tests perl's t/ suite
# run by the interpreter it tests, py3-numpy-tests numpy.*.tests); the 3 such items of the
# labelled sets are labelled as the project.
# Fedora and RHEL also split off directory owners (httpd-filesystem, nginx-filesystem: the
# guidelines' "filesystem" subpackages), license texts (bind-license), locale data
# (glibc-minimal-langpack) and reference pages (pcre2-syntax); Alpine and Debian configuration
# and data (krb5-conf, geoip-database).
_NO_CODE_SUFFIXES = (
    "-doc", "-docs", "-data", "-l10n", "-locales", "-locale", "-lang", "-i18n", "-dbgsym", "-debuginfo",
    "-debugsource", "-man", "-manpages", "-icons", "-theme", "-openrc", "-bash-completion",
    "-zsh-completion", "-fish-completion", "-help",
    "-filesystem", "-license", "-licenses", "-langpack", "-syntax", "-conf", "-database", "-firmware",
    # Fedora's and RHEL's HTML manual of a server (httpd-manual, Apache's docs/manual tree).
    "-manual",
    # Translated messages split off by RPM distributions as "<name>-nls" (native language
    # support, the name of GNU gettext's --enable-nls; RHEL's quota-nls holds only
    # /usr/share/locale/*/LC_MESSAGES/quota.mo).
    "-nls",
)
# Debian's task-* and openSUSE's patterns-* are meta-packages that install a set of others
# (tasksel tasks; openSUSE's installation patterns, "zypper install -t pattern"), no files.
_NO_CODE_PREFIXES = ("fonts-", "ttf-", "xfonts-", "font-", "hunspell-", "myspell-", "task-", "firmware-", "linux-firmware",
                     "patterns-")
# Packages of the Linux kernel. The ones that hold the kernel itself are identified as
# linux:linux_kernel before these rules run (kernel_package, below); the others are refused here.
_KERNEL = re.compile(r"^(kernel|kernel-(core|modules.*|headers|tools.*|devel)|linux-(?!pam\b).+)$")
# Kernel flavours, builds of the one kernel source for a kind of machine or use, which RPM
# distributions name "kernel-<flavour>" with the flavour's own subpackages after it
# (kernel-uek-core): openSUSE's and SLES's default, rt, azure, 64kb, kvmsmall, preempt, vanilla,
# zfcpdump; Oracle Linux's Unbreakable Enterprise Kernel (uek); RHEL's and Fedora's rt, 64k,
# debug, lpae, pae. Not kernel-srpm-macros, kernel-abi-stablelists, kernel-source: build files.
_KERNEL_FLAVOURS = frozenset({"default", "rt", "azure", "64kb", "64k", "kvmsmall", "preempt", "vanilla", "zfcpdump", "uek",
                              "debug", "lpae", "pae"})
# Development packages (-dev on Debian and Alpine, -devel on RPM) are built from the same source
# as the package they complete and carry its code: Debian's lib*-dev ships the static library
# (Debian Policy 8.3: "libraryname.a ... is placed into the development package"), Alpine's
# -dev often does too (musl-dev holds libc.a), RPM's -devel ships tools and build files of the
# project (java-17-openjdk-devel holds javac, httpd-devel apxs). Advisories list them among the
# affected packages (Red Hat errata name openssl-devel beside openssl-libs; Debian's and
# Alpine's trackers fix every binary package of the source), and scanners report the project's
# CVEs on them, so one is the project its name without the suffix names. A bare "-headers"
# package holds headers alone (fortify-headers, linux-headers) and stays refused.
_DEV_SUFFIXES = ("-dev", "-devel")
# Alpine splits a Python package's compiled bytecode (__pycache__/*.pyc, what the interpreter
# runs) into "<package>-pyc" (py3-lxml-pyc, python3-pyc; Alpine's default_pyc split function):
# the module's code, so the module.
_DEBUG_SUFFIX = "-dbg"
_BYTECODE_SUFFIX = "-pyc"
_HEADERS_SUFFIX = "-headers"
# Distribution vendors whose own packages have CPEs named after the package (debian:x11-common).
_DISTRIBUTION_VENDORS = {"dpkg": ("debian", "canonical"), "rpm": ("redhat", "fedoraproject", "suse", "opensuse"),
                         "apk": ("alpinelinux",), "homebrew": ()}
# Distribution vendors that develop software of their own under their name in NVD (Ubuntu's
# snapd, whoopsie, netplan; openSUSE's zypper, libzypp; Fedora's sssd): among products of one
# name that nothing else tells apart, theirs is the package. Not Red Hat's or Debian's: NVD's
# redhat:cairo, redhat:gdk_pixbuf, debian:shadow are old duplicates of upstream products.
_UPSTREAM_DISTRIBUTIONS = {"dpkg": ("canonical",), "rpm": ("opensuse", "suse", "fedoraproject")}
# A vendor with this many current products or fewer is an author or a project's organisation
# (trusteddomain files opendmarc, daniel_stenberg c-ares and curl), not a company whose
# product of a project's name is its own (horde:passwd, Horde's password module).
_AUTHOR_PRODUCTS = 3
# Words of a two-word vendor that make it an organisation's or a project's name, not a
# person's (packages.PackageRules._namesake_without_cves).
_PERSON_NOT = frozenset({"project", "foundation", "software", "technologies", "team", "inc", "corp", "labs", "group", "org",
                         "systems", "research", "media", "studio", "studios", "networks", "security", "solutions", "digital",
                         "games", "tech", "data", "cloud", "web", "open", "source", "free", "friends", "community"})
# NVD vendor names of Linux distributions (Gentoo and Mandriva file a few of their ebuilds and
# packages of upstream projects under their own names: gentoo:xdg-utils, gentoo:logrotate).
_DISTRIBUTION_NAMES = {"redhat", "fedoraproject", "suse", "opensuse", "novell", "debian", "canonical", "ubuntu", "alpinelinux",
                       "gentoo", "mandriva",
                       # FreeBSD's keys for others' software are its base system's copies and its
                       # ports (freebsd:heimdal, freebsd:libarchive, freebsd:advanced_intrusion_detection_environment).
                       "freebsd"}
# Distributions whose keys in NVD are all their own packages of others' software or their own
# tools (cpes.csv 2026: gentoo's 28 products, ebuilds and Portage; mandriva's 2).
_PACKAGING_DISTRIBUTIONS = frozenset({"gentoo", "mandriva"})
# One upstream project split into binary packages "<project>-<part>" (openssl-libs,
# vim-minimal, bind-utils, openssh-client, postgresql-client, openjdk-17-jre-headless;
# Debian Policy 7.x, Fedora packaging guidelines "Subpackages", Alpine's subpackages and
# variants: coreutils-single, openssh-client-default, nodejs-current): the part names no other
# product. Other parts are not taken off: git-lfs is not Git, libcap-ng not libcap. "-common" is not here: it usually holds architecture-
# independent data (libldap-common, cmake-data's sibling), so it is identified only when the
# distribution files it under its own name (debian:x11-common).
_SUBPACKAGE_SUFFIXES = (
    "-libs", "-lib", "-minimal", "-utils", "-tools", "-server", "-client", "-clients", "-core", "-bin",
    "-full", "-tiny", "-nox", "-daemon", "-stdlib", "-headless", "-jre", "-jdk", "-progs", "-cli",
    "-extra", "-extras", "-contrib", "-static", "-single", "-default", "-current", "-base",
    # Session 17: a build against an MPI library (Fedora's MPI packaging guidelines: hdf5-openmpi,
    # hdf5-mpich; Homebrew's hdf5-mpi), the project's own code built another way.
    "-mpi", "-openmpi", "-mpich",
    # Session 18: the project's test suite, its own code (see _NO_CODE_SUFFIXES: perl-tests,
    # python3-tests, py3-numpy-tests).
    "-tests",
)
# Debian's ABI marks after a library package's soname version, for an ABI change without a
# soname change: a letter (libvorbis0a, libharfbuzz0b, libqt5core5a), "v5" for the GCC 5 C++
# ABI (libsigc++-2.0-0v5, libsnappy1v5), "c2" for the 2005 C++ ABI, "ldbl" for the long-double
# transition (Debian Policy 8.1 notes; wiki.debian.org/GCC5).
_ABI_MARKS = ("v5", "c2", "ldbl")
# A library package's name: "lib" + the soname's name + its version (Debian Policy 8.1:
# libfoo.so.1 is libfoo1, libfoo2.so.3 is libfoo2-3), then "t64" for libraries rebuilt for
# 64-bit time_t (Debian's 2024 transition, wiki.debian.org/ReleaseGoals/64bit-time), then a
# build variant (libcurl3-gnutls, libcurl4-openssl). SUSE writes the soname's dots as
# underscores (libopenssl1_1; openSUSE shared library packaging policy). Each step gives a
# shorter name to try.
_VARIANTS = {"gnutls", "nss", "openssl", "heimdal", "mit", "gcrypt"}
# A library package's soname version: libssl3, libcurl4, libexpat1 (Debian Policy 8.1).
_SONAME = re.compile(r"(?<=[a-z])[0-9.]+(-[a-z]+)?$")
# Language modules packaged by the distribution, named by the ecosystem's module name:
# Debian Python Policy 4.3 (python3-<module>), Alpine py3-<module>, openSUSE python311-<module>,
# Debian Perl Policy 4.2 (lib<module>-perl, "::" as "-"), Fedora/Alpine perl-<Module-Name>,
# Debian Ruby team (ruby-<gem>), Fedora rubygem-<gem>, Debian JavaScript team (node-<package>).
_MODULES = (
    # Fedora and Amazon Linux also build a versioned interpreter's own tools as
    # "python3.11-pip", "nodejs20-npm": the tool is then the module (pypa:pip, npmjs:npm).
    (re.compile(r"^(?:python3?|py3|python3\d*|python3\.\d+)-(.+)$"), "pip"),
    (re.compile(r"^lib(.+)-perl$"), "perl"),
    (re.compile(r"^perl-(.+)$"), "perl"),
    (re.compile(r"^(?:ruby|rubygem|ruby\d[\d.]*-rubygem)-(.+)$"), "ruby"),
    (re.compile(r"^node-(.+)$"), "npm"),
    # Fedora's Node.js packaging guidelines: nodejs-<npm name>.
    (re.compile(r"^nodejs\d*-(.+)$"), "npm"),
    # Debian Java Policy 2.4 (lib<name>-java), Debian JavaScript team (libjs-<name>).
    (re.compile(r"^lib(.+)-java$"), "java"),
    # Debian's PHP PEAR and Composer team (php-<name>, earlier libphp-<name>), Fedora's
    # php-<name>; not PHP's own parts (_PHP_OWN_PARTS) nor PECL's extensions (php-pecl-*).
    (re.compile(r"^(?:php|libphp)-(?!pecl-)(.+)$"), "php"),
    (re.compile(r"^libjs-(.+)$"), "javascript"),
)
# Vendors NVD uses for an ecosystem's own modules (perl:dbi).
_MODULE_VENDORS = {"perl": ("perl", "cpan"), "ruby": ("ruby-lang", "rubygems"), "java": ("apache",), "javascript": (), "php": ("php",)}
# PHP extensions and the Apache module are built from PHP's own source (php8.2-curl, Alpine's
# php82-openssl, libapache2-mod-php8.2; Debian's php-defaults).
# Not PECL's extensions (Alpine's php83-pecl-apcu, Fedora's php-pecl-redis5): projects of their
# own, built from pecl.php.net sources, not from PHP's.
_PHP_BUILT = re.compile(r"^(php\d[\d.]*(-(?!pecl-).+)?|libapache2-mod-php\d[\d.]*)$")
# PECL's extensions as distributions name them: Fedora's php-pecl-<extension> (php-pecl-redis5),
# Alpine's php<NN>-pecl-<extension>, Remi's software collections php<NN>-php-pecl-<extension>
# (session 19: php83-php-pecl-redis6 is phpredis built for the php83 collection, not PHP), and
# Debian's php<version>-<extension> when <extension> is none of PHP's own (Debian's php-imagick
# source builds php8.3-imagick; PHP's own extensions come from the php8.3 source,
# _PHP_OWN_PARTS). Remi's "-im7" is Imagick built against ImageMagick 7, no part of the name.
_PECL = re.compile(r"^(?:php\d*-(?:php-)?pecl-([a-z0-9_-]+?)\d*(?:-im\d+)?|php\d\.\d+-([a-z0-9_-]+))$")
# PHP's own extensions and server APIs (the ext/ and sapi/ directories of php-src) as Fedora's
# and RHEL's php source package names its subpackages without a version: php-pgsql, php-intl,
# php-fpm. Debian's unversioned php-<extension> are php-defaults' empty packages that pull in
# php8.2-<extension> (labelled as no software), so the list only keeps those names from being
# read as modules of other projects (php-mysql is not MySQL, php-readline not GNU Readline).
_PHP_OWN_PARTS = frozenset({
    "cli", "cgi", "fpm", "embed", "embedded", "dbg", "phpdbg", "devel", "common", "bcmath", "bz2", "calendar", "ctype", "curl", "dba", "dom",
    "enchant", "exif", "ffi", "fileinfo", "ftp", "gd", "gettext", "gmp", "iconv", "imap", "interbase", "intl", "json",
    "ldap", "mbstring", "mysql", "mysqli", "mysqlnd", "odbc", "opcache", "openssl", "pdo", "pdo-dblib", "pdo-firebird",
    "pdo-mysql", "pdo-odbc", "pdo-pgsql", "pdo-sqlite", "pgsql", "phar", "posix", "process", "pspell", "readline",
    "recode", "shmop", "simplexml", "snmp", "soap", "sockets", "sodium", "sqlite3", "sysvmsg", "sysvsem", "sysvshm",
    "tidy", "tokenizer", "xml", "xmlreader", "xmlrpc", "xmlwriter", "xsl", "zip", "zlib",
    # ... and the rest of php-src's ext/ and sapi/ and the packages Debian's and Alpine's php
    # sources build besides them (php8.3-sybase holds pdo_dblib; Alpine's php82-pear and
    # php82-apache2 come from the php82 source).
    "apache2", "litespeed", "fuzzer", "date", "filter", "hash", "libxml", "pcntl", "pcre", "random", "reflection", "session",
    "spl", "standard", "sybase", "dev", "doc", "pear", "wddx", "mhash", "pdo-oci", "oci8", "sqlite", "pdo-sqlsrv",
})
# Library stems that name no one library across distributions: "libc" is glibc on Debian and
# RPM (libc6, glibc), musl on Alpine (libc-utils), and NVD's gnu:libc is neither key NVD files
# glibc's CVEs under (gnu:glibc).
_NO_ONE_LIBRARY = frozenset({"libc"})
# Go's toolchain: Debian builds golang-1.22-go from source golang-1.22 (and golang-go).
_GO_TOOLCHAIN = re.compile(r"^golang(-\d[\d.]*)?-go$")


class PackageRules:
    """Package names read by each distribution's naming conventions; shares the identifier's product choice."""

    def __init__(self, identifier: Identifier) -> None:
        self.ids = identifier
        self.index = index = identifier.index
        # Library package aliases by name without soname ("libcurl4" -> "libcurl"), where all
        # aliases of one stem name the same product.
        stems: dict[str, list[str]] = {}
        for name in sorted(index.aliases.packages):
            if name.startswith("lib"):
                stems.setdefault(_SONAME.sub("", name), []).append(name)
        self._ecosystem_vendors: set[str] | None = None
        self._native_cache: dict[tuple[str, str], tuple[int, ...]] = {}
        # "libc" names no one library across distributions: glibc on Debian and RPM, musl on
        # Alpine (whose libc-utils is musl's).
        self._stems = {stem: tuple(names) for stem, names in stems.items()
                       if len({index.aliases.packages[n][0] for n in names}) == 1 and stem not in _NO_ONE_LIBRARY}

    def alias(self, package: str) -> Identification | None:
        aliases = self.index.aliases
        if package in aliases.packages and self.ids._known(aliases.packages[package][0]):
            key, comment = aliases.packages[package]
            return Identification(key, "alias", 1.0, f"package alias '{package}': {comment}")
        if not package.startswith("lib") or _no_code(package):
            # Only library aliases are kept by stem; and a data package's "-data" is no build
            # variant of the library (libasound2-data is ALSA's data, not libasound2).
            return None
        stem = _SONAME.sub("", package)
        # The same library under another soname or distribution (libcurl4 on Debian, libcurl on Alpine).
        for other in self._stems.get(stem, ()):
            key, comment = aliases.packages[other]
            if self.ids._known(key):
                return Identification(key, "alias", 0.95, f"package '{package}' is library '{stem}' of package alias '{other}': {comment}")
        return None

    def identify(self, package: str, scheme: str, *, source: bool = False, own_source: bool = False,
                 maintainer: str = "") -> Identification | Unidentified:
        """A package name read by its distribution's conventions, most specific name first.

        An alias wins; packages without code are refused; language modules are looked up in
        their ecosystem; otherwise the name and the names it derives from (versions, sonames,
        subpackage parts, "lib" removed) are tried in order, and the first that names a product
        decides: identified when the data singles one product out, refused with the candidates
        when it does not (a shorter name never overrules an ambiguous longer one). With
        ``source``, the name is a source package's: a project's name, perhaps with a version,
        never cut into subpackage parts (pax-utils is not pax; source_package.py). With
        ``own_source``, the item's source package hint is the package's own name: it is built
        from a source of its own, so it is not a binary package "<project>-<part>" of another
        source (orthanc-postgresql is Orthanc's PostgreSQL plugin, a project of its own); the
        caller says so only for packages a distribution built (distribution_built). ``maintainer``
        is the item's vendor field (dpkg's Maintainer, rpm's Vendor): where the name leaves
        several products, or one without CVEs, the one whose vendor it names is chosen
        (maintainer_vendors).
        """
        found = self._identify(package, scheme, source=source, own_source=own_source, maintainer=maintainer)
        if scheme != "dpkg" and isinstance(found, Identification) and split_key(found.key)[0] == "debian":
            # NVD's debian keys name Debian's own packages of other projects (debian:python-dns,
            # debian:matplotlib: a flaw of Debian's packaging, or an old duplicate of the
            # upstream product): no other distribution ships that package. The project itself
            # may be filed under another name (dnspython:dnspython), which is not this reading's
            # to guess.
            return Unidentified(f"'{package}' reads as {found.key}, Debian's own package, which a {scheme} system "
                                f"does not have ({found.evidence})")
        return found

    def _identify(self, package: str, scheme: str, *, source: bool = False, own_source: bool = False,
                  maintainer: str = "") -> Identification | Unidentified:
        """identify() before its last check."""
        found = self.alias(package)
        if found is not None:
            return found
        refusal = _no_code(package)
        if refusal:
            return Unidentified(refusal)
        match = _TOOLSET.match(package)
        if match:
            return self._toolset_package(package, match.group(1), scheme, source)
        found = self._cross_tool(package, scheme, source, maintainer)
        if found is not None:
            return found
        module = nginx_add_on(package)
        if module:
            return self._nginx_module(package, module)
        if package.startswith(_NGINX_MODULE_PREFIXES) and package != "nginx-mod":
            found = self.identify("nginx", scheme)
            if isinstance(found, Identification):
                return _derived(found, f"'{package}' is one of the dynamic modules in nginx's own source", 0.02)
        if package.endswith(_HEADERS_SUFFIX):
            return Unidentified(kind_refusal(package, scheme))
        if package.endswith(_BYTECODE_SUFFIX) and len(package) > 6:
            base = package.removesuffix(_BYTECODE_SUFFIX)
            found = self.identify(base, scheme, source=source)
            if isinstance(found, Identification):
                return _derived(found, f"'{package}' holds the compiled bytecode of '{base}' (Alpine's -pyc split), its code", 0.02)
            return Unidentified(f"'{package}' holds the compiled bytecode of '{base}': {found.reason}")
        if package.endswith(_DEBUG_SUFFIX) and len(package) > 6:
            # Session 19: a hand-made "-dbg" package (Debian's libc6-dbg, Alpine's openssl-dbg,
            # musl-dbg) holds the project's debugging build or symbols, built from its source and
            # fixed with it; all 3 such labelled items name the project. Not the automatic
            # -dbgsym and -debuginfo packages, refused as debug data (_NO_CODE_SUFFIXES).
            base = package.removesuffix(_DEBUG_SUFFIX)
            found = self.identify(base, scheme, source=source, maintainer=maintainer)
            if isinstance(found, Identification):
                return _derived(found, f"'{package}' holds the debugging build of '{base}' (a -dbg package), built from its source", 0.03)
            return Unidentified(f"'{package}' holds the debugging build of '{base}': {found.reason}")
        base = development_base(package)
        if base:
            found = self.identify(base, scheme, source=source, maintainer=maintainer)
            if isinstance(found, Identification):
                why = (f"'{package}' ships library '{base}' as a static archive (Debian Policy 8.3)" if base.startswith("lib")
                       and package.endswith("-dev") else f"'{package}' holds the development files (headers, static archives, "
                       f"build tools) of '{base}', built from the same source and listed with it in advisories")
                return _derived(found, why, 0.03)
            return Unidentified(f"'{package}' holds the development files of '{base}': {found.reason}")
        if _GO_TOOLCHAIN.match(package):
            found = self._named_exactly("go", package, scheme)
            if isinstance(found, Identification):
                return _derived(found, f"'{package}' is Go's toolchain", 0.0)
        if package.endswith("-common") and scheme == "apk":
            # Alpine's -common subpackages hold configuration shared by the others (php83-common
            # is php.ini and the extension directory layout), never a program.
            return Unidentified(kind_refusal(package, scheme))
        if package.startswith("mod_") and package[4:] in _HTTPD_OWN_MODULES and self.ids._known("apache:http_server"):
            return Identification("apache:http_server", "exact", 0.88,
                                  f"'{package}' is module '{package}' of the Apache HTTP Server's own source tree, which Fedora "
                                  "and RHEL package apart from httpd")
        extension = pecl_extension(package)
        if extension:
            return self._pecl(package, extension)
        if _PHP_BUILT.match(package) and self.ids._known("php:php"):
            return Identification("php:php", "exact", 0.88, f"'{package}' is built from PHP's own source (PHP and its bundled extensions)")
        found = self._apache_module(package, scheme)
        if found is not None:
            return found
        found = self._qt_module(package)
        if found is not None:
            return found
        if scheme == "rpm" and package.startswith("php-") and package[4:] in _PHP_OWN_PARTS and self.ids._known("php:php"):
            return Identification("php:php", "exact", 0.88, f"'{package}' is PHP's own '{package[4:]}', a subpackage Fedora's and "
                                  "RHEL's php source package builds from PHP's own source")
        spelled = self.ids._spelled_like(package)
        own = [k for k in spelled if split_key(self.index.keys[k])[0] in _DISTRIBUTION_VENDORS.get(scheme, ())]
        if own and len(spelled) == 1 and scheme == "dpkg":
            # Debian and Canonical file some of their packages under the package's own name
            # (debian:libdbd-pg-perl, canonical:apport): that key, not a module namesake another
            # vendor files. Not Red Hat's keys, old duplicates of upstream products
            # (redhat:sendmail, redhat:nfs_utils; measured in session 14). Only when no other key is
            # spelled so: debian:strongswan holds one packaging CVE, strongswan:strongswan the
            # project's own, and canonical:ppp one beside samba:ppp (paulusmack/ppp).
            return Identification(self.index.keys[own[0]], "exact", 0.9,
                                  f"package '{package}' is the distribution's own software, filed under its name as {self.index.keys[own[0]]}")
        namespace = typelib_namespace(package)
        if namespace:
            return self._typelib(package, namespace, scheme)
        match = _CPYTHON_PART.match(package)
        if match:
            found = self.identify(match.group(1), scheme)
            if isinstance(found, Identification):
                return _derived(found, f"'{package}' is CPython's own '{match.group(2)}', built from the interpreter's source", 0.02)
        if scheme == "dpkg" and package.startswith("php-") and len(package) > 5 and "pecl" in maintainer.lower().split():
            # Session 19: Debian's PHP PECL Maintainers build PECL's extensions, whose
            # default-version package is php-<extension> (php-memcached, php-mongodb, php-msgpack),
            # spelled like the PEAR team's Composer libraries (php-twig): the maintainer says which.
            return self._pecl(package, package[4:])
        for pattern, ecosystem in _MODULES:
            match = pattern.match(package)
            if match and match.group(1) not in _MODULE_NOT_A_MODULE and not (ecosystem == "php" and match.group(1) in _PHP_OWN_PARTS):
                # python3-pip-whl, python3-pip-wheel: Debian's and Fedora's wheel of a module for
                # virtual environments.
                found = self._module(match.group(1).removesuffix("-whl").removesuffix("-wheel"), ecosystem, package, source)
                if found is not None:
                    return found
                module = match.group(1)
                if _VERSIONED_PYTHON_PREFIX.match(package) and "-" + module not in _SUBPACKAGE_SUFFIXES:
                    # openSUSE's python311-<module> is a module built for that interpreter: a
                    # module the module reading does not place stays refused, never read as
                    # binary package "-<module>" of CPython (python311-Jinja2, python311-certbot
                    # are not python:python; built from python-Jinja2, python-certbot).
                    named = self.ids._spelled_like(module)
                    shown = (f"the module reading singles out none of the products named like it "
                             f"({', '.join(self.index.keys[k] for k in named[:4])})" if named else "no product is named like it")
                    return Unidentified(f"'{package}' is Python module '{module}' built for one interpreter version, not "
                                        f"CPython; {shown}")
        steps = _derived_names(package, not source)
        never = self.index.aliases.never
        for name, how, depth, parent in steps:
            if depth:
                alias = self.alias(name)
                if alias is not None:
                    return _derived(alias, f"read as {how}", 0.02 * depth)
            if name in never:
                # A look-alike the alias table names (GRASS GIS is not the Sass compiler
                # connorskees:grass): its subpackages and the binaries of its source are too.
                shown = f"read as {how}, " if depth else ""
                return Unidentified(f"'{package}' is {shown}a look-alike, not a product with CVEs: {never[name]}")
            if name.endswith("-common") and depth == 0:
                found = self._named_exactly(name, package, scheme)
                if isinstance(found, Identification):
                    return found
                if scheme == "rpm" and len(name) > 8:
                    # Fedora's "-common" subpackage is part of the project's own build, often
                    # with programs (glibc-common: iconv, getent; grub2-common; Fedora
                    # packaging guidelines, "Subpackages"): the project, when its name is one.
                    head = name[:-7]
                    shared = self.alias(head) or self._named_exactly(head, package, scheme)
                    if isinstance(shared, Identification):
                        return _derived(shared, f"read as '{package}' -> '{head}' (Fedora's -common subpackage of the project's build)", 0.02)
                return Unidentified(f"'{package}' holds files shared by the binary packages of one source (a -common package), no program of its own")
            # The maintainer speaks for the product of the package's own name and of the names its
            # library, version and soname marks derive; not for a project's name left after a
            # part is cut (plesk-core, by Plesk, is not plesk:plesk but Plesk Obsidian).
            if how.endswith("(without version)") and self._versioned_product(parent):
                continue
            found = self._named_exactly(name, package, scheme, "" if _PART_STEP in how else maintainer)
            if found is None:
                continue
            if isinstance(found, Identification) and how.endswith(f"({_LIBRARY_PROJECT_STEP})"):
                library = self._library_named_after(found, name, package)
                if library is not None:
                    return library
            if isinstance(found, Identification) and not depth:
                project = self._subpackage_of_project(found, package, scheme)
                if project is not None:
                    return project
            if (isinstance(found, Identification) and depth and scheme == "homebrew" and f"({_LIBRARY_PROJECT_STEP})" in how
                    and not _named_after(*split_key(found.key))):
                # Session 17: Homebrew names a formula after its upstream project, "lib" and all
                # (libomp is LLVM's OpenMP runtime, libmediainfo is MediaArea's MediaInfoLib): the
                # name without "lib" is Debian's convention for a library's project, and on
                # Homebrew names the same project only when its vendor is named after it
                # (libngtcp2 is ngtcp2:ngtcp2), not charamin:omp or mediaarea:mediainfo.
                continue
            if isinstance(found, Identification) and depth:
                part = self._vendors_part(found.key, name, package)
                if part is not None:
                    return part
                if own_source and _PART_STEP in how and self._namesake_of_own_source(found.key):
                    # Session 17: a distribution's package built from a source of its own name
                    # is that project, not a binary package cut from a shorter one: rdma-core,
                    # container-tools, libva-utils and opus-tools are projects of their own, not
                    # qemu:rdma, apple:container, intel:libva or opus-codec:opus.
                    return Unidentified(f"package '{package}' is built from a source package of its own name, so it is no "
                                        f"subpackage of '{name}'; {found.key}, the product of '{name}', has no CVE and "
                                        "no vendor named after it to say the project is the same")
                return _derived(found, f"read as {how}", 0.02 * depth)
            return found
        found = self._library_spelling(package, scheme, steps)
        if found is not None:
            return found
        found = self._words_begin(package, scheme)
        if found is not None:
            return found
        found = self._project_part(package, scheme, {name for name, *_ in steps}, own_source)
        if isinstance(found, Identification):
            return found
        found = self._vendor_product(package, scheme) or found
        if found is not None:
            return found
        found = self._long_name(package, scheme, steps)
        if found is not None:
            return found
        for name, how, depth, _ in steps:
            # Session 19: a name the dictionary's titles give a product as its abbreviation
            # ("Intel Threading Building Blocks (TBB)": tbb, libtbb12; "Mozilla Netscape Portable
            # Runtime (NSPR)": nspr), when no product is named like the package or what it derives.
            # Not an abbreviation other products use as a word of their names, a kind of product
            # more than a product ("Sophos Unified Threat Management (UTM)": checkpoint's
            # vpn-1_power_utm, ...; Homebrew's utm is a virtual machine app).
            short = compact(name)
            key_id = (self.index.abbreviations.get(short) if len(short) >= 3 and self.index.word_uses.get(short, 0) <= _PLAIN_WORD_USES
                      else None)
            if key_id is not None and key_id in self.index.current and not self._ecosystem_module(key_id, name):
                key = self.index.keys[self.index.current_primary(self.index.equivalents(key_id))]
                found = Identification(key, "exact", 0.86, f"'{name}' is how the CPE dictionary's titles of "
                                       f"{self.index.keys[key_id]} abbreviate it")
                return _derived(found, f"read as {how}", 0.02 * depth) if depth else found
        # Last, a name spoken as a product's name alias (the rules above read microsoft-edge as
        # '<vendor>-<product>' before it).
        for name, how, depth, _ in steps:
            spoken = self._name_alias(name, scheme)
            if spoken is not None:
                return _derived(spoken, f"read as {how}", 0.02 * depth) if depth else spoken
        found = self._run_together(package)
        if found is not None:
            return found
        tried = ", ".join(f"'{name}'" for name, *_ in steps)
        return Unidentified(f"no alias and no NVD product named like package '{package}' (tried {tried})")

    def _cross_tool(self, package: str, scheme: str, source: bool, maintainer: str) -> Identification | None:
        """Session 21: a tool built for another machine, named with its target (a cross
        toolchain: Homebrew arm-none-eabi-gcc, Fedora avr-binutils, Debian
        gcc-13-aarch64-linux-gnu and libc6-armhf-cross, Alpine gcc-arm-none-eabi) is the tool's
        project, built from its source (GNU target names, config.sub; the grammar is
        data/cpe_dictionary/target_triples.tsv, read by triples.py). Only when the tool's name
        identifies; otherwise the other readings decide. Not for a language's modules
        (python3-avr is a Python module named after the cpu, not CPython built for it)."""
        cross = cross_tool(package)
        if cross is None or module_host(package) or any(pattern.match(package) for pattern, _ in _MODULES):
            return None
        for tool in cross.tools:
            found = self.identify(tool, scheme, source=source, maintainer=maintainer)
            if isinstance(found, Identification):
                return _derived(found, f"'{package}' is '{tool}' built for target '{cross.target}' (a cross toolchain, "
                                "named by GNU's cpu-vendor-os target names)", 0.02)
        return None

    def _run_together(self, package: str) -> Identification | None:
        """Session 20: the one product whose name is the package's with its words run together or
        written apart (NVD's zerotier:zerotierone for zerotier-one, icinga:icinga_db_web for
        icingadb-web, victoriametrics:victoriametrics for victoria-metrics), when nothing else
        named the package. Only where the key itself says the package is the project's: its
        vendor's name begins the package name (zerotier-one, icingadb-web, x2goserver), or the
        key is self-named and the package parts with "-" the words NVD runs together. Not a
        package that runs together what NVD writes apart under a self-named key: Debian's adduser
        is not add_user_project:add_user, Fedora's fcitx5 not fcitx_5_project:fcitx_5."""
        index = self.index
        short = compact(package)
        kids = tuple(k for k in index.by_product.get(short, ())
                     if k in index.current and index.ecosystem.get(k) in _NATIVE_ECOSYSTEMS)
        if not kids or len({index.equivalents(k) for k in kids}) != 1:
            return None
        key_id = index.current_primary(index.equivalents(kids[0]))
        if key_id not in kids:
            key_id = kids[0]
        vendor, product = split_key(index.keys[key_id])
        if "-" in product or "." in product:
            # NVD writes a product's words with "_": a "-" or "." copies another package's name
            # (jpeg:jpeg-xl is not what Fedora's source jpegxl, libjxl, is filed under).
            return None
        own = compact(cpe_words(vendor))
        if len(own) >= 3 and own != short and short.startswith(own):
            why = f"its vendor '{vendor}' begins the package's name"
        elif "-" in package and _named_after(vendor, product) and unquote(product).isalnum():
            why = "the self-named project, whose name NVD runs together where the package parts its words"
        else:
            return None
        return Identification(index.keys[key_id], "exact", 0.86,
                              f"package '{package}' is {index.keys[key_id]}, its words run together or written apart "
                              f"otherwise: {why}")

    def _library_named_after(self, found: Identification, name: str, package: str) -> Identification | Unidentified | None:
        """Session 19: "lib<name>" is also NVD's "<name>lib", the library spelled the other way
        round (MediaArea's libmediainfo is mediaarea:mediainfolib beside its program
        mediaarea:mediainfo; libzen is its ZenLib, mediaarea:zenlib). When the project's name
        without "lib" found ``found`` and another product is spelled "<name>lib": that library
        if its vendor files ``found``'s product name too (the project's own library, not the
        program), else a refusal with both (actian:zen, the database, or mediaarea:zenlib);
        None when no product is spelled so or it is ``found``'s own group."""
        index = self.index
        key_id = index.key_id.get(found.key)
        wanted = compact(name) + "lib"
        groups = {index.equivalents(k) for k in index.by_product.get(wanted, ()) if k in index.current}
        groups.discard(index.equivalents(key_id) if key_id is not None else ())
        if len(groups) != 1:
            return None
        group = next(iter(groups))
        library = index.current_primary(group)
        vendors = {compact(index.words(k)[0]) for k in group}
        product = compact(index.words(key_id)[1]) if key_id is not None else ""
        if any(compact(index.words(k)[1]) == product for v in vendors for k in index.by_vendor.get(v, ())):
            return Identification(index.keys[library], "exact", 0.88,
                                  f"'{package}' is library 'lib{name}', which NVD files as {index.keys[library]} ('{name}lib') "
                                  f"beside its vendor's program {found.key}")
        return Unidentified(f"'{package}' reads as '{name}' ({found.key}) or as its library '{name}lib' "
                            f"({index.keys[library]}), two products, and nothing says which")

    def _namesake_of_own_source(self, key: str) -> bool:
        """The product a shorter name reads as is only its namesake for a package built from a
        source of its own name: no CVE of its group, and its vendor not named after it (a
        self-named project, pandoc:pandoc for pandoc-cli, is the project under its short name)."""
        index = self.index
        vendor, product = split_key(key)
        return not _named_after(vendor, product) and not any(index.cve_count(k) for k in index.equivalents(index.key_id[key]))

    def _name_alias(self, name: str, scheme: str) -> Identification | None:
        """A distribution package named as a product is spoken, its words joined by "-"
        ("amazon-corretto" of Amazon Linux's java-17-amazon-corretto-headless): the name alias
        we wrote for the product's display name ("amazon corretto", a build of OpenJDK filed as
        oracle:openjdk). Names of two words or more only; not Homebrew's formulas and casks,
        whose tokens the formula rules read."""
        found = self.spoken_alias(name) if scheme in _SOURCE_SPLIT else None
        if found is None:
            return None
        spoken, key, comment = found
        return Identification(key, "alias", 0.95, f"package '{name}' is '{spoken}' of a name alias: {comment}")

    def spoken_alias(self, name: str) -> tuple[str, str, str] | None:
        """(the name spoken, key, comment) of the name alias a package or cask name spells with
        "-" between its words ("amazon-corretto", "brave-browser"), when its key is in the
        dictionary; None otherwise."""
        if "-" not in name:
            return None
        spoken = name.replace("-", " ")
        alias = self.index.aliases.names.get(spoken)
        if alias is None or not self.ids._known(alias[0]):
            return None
        return spoken, *alias

    def _subpackage_of_project(self, found: Identification, package: str, scheme: str) -> Identification | None:
        """A package "<project>-<subpackage part>" spelled exactly like a product without CVEs
        (oracle:mysql_client for mysql-client, bluez:bluez-libs) whose vendor files the project
        itself, with CVEs, under the head's name (oracle:mysql, bluez:bluez): the project, where
        NVD files the CVEs of its client and libraries (the other key names the same build and
        never carries a CVE)."""
        head, dash, tail = package.rpartition("-")
        if not dash or "-" + tail not in _SUBPACKAGE_SUFFIXES or len(head) < 2:
            return None
        index = self.index
        key_id = index.key_id[found.key]
        if any(index.cve_count(k) for k in index.equivalents(key_id)):
            return None
        project = self._named_exactly(head, package, scheme)
        if not isinstance(project, Identification) or split_key(project.key)[0] != split_key(found.key)[0]:
            return None
        if not any(index.cve_count(k) for k in index.equivalents(index.key_id[project.key])):
            return None
        return _derived(project, f"'{package}' is subpackage '-{tail}' of project '{head}'; NVD's {found.key} names the "
                        f"same build and carries no CVE, its vendor files them under {project.key}", 0.02)

    def _vendors_part(self, key: str, name: str, package: str) -> Identification | None:
        """A package named "<name>-<part>" read as ``key`` (the product of ``name``), whose
        vendor files the part as a product of its own, named the part or the name and the part
        (bitwarden-cli is bitwarden:cli, Bitwarden's command-line client, not its password
        manager): that product."""
        if not package.startswith(name + "-"):
            return None
        part = package[len(name) + 1:]
        vendor, product = split_key(key)
        # The part alone only under a vendor named after the project (bitwarden:cli); a
        # company's "jdk" (oracle:jdk) is not GraalVM's.
        spellings = {compact(cpe_words(f"{name} {part}"))} | ({compact(cpe_words(part))} if _named_after(vendor, product) else set())
        own = {self.index.equivalents(k) for k in self.index.vendor_keys(vendor)
               if compact(self.index.words(k)[1]) in spellings and self.index.keys[k] != key}
        if len(own) != 1:
            return None
        group = next(iter(own))
        found = self.index.keys[self.index.current_primary(group)]
        return Identification(found, "exact", 0.88, f"'{package}' is part '-{part}' of project '{name}' ({key}), "
                              f"which {vendor} files as a product of its own: {found}")

    def _typelib(self, package: str, namespace: str, scheme: str) -> Identification | Unidentified:
        """A GObject introspection typelib package (gir1.2-notify-0.7): the library whose API it
        describes, read as that library's package "lib<namespace>" (libnotify). With a source
        package hint the source decides instead (source_package.py): GLib's typelib was long
        built from gobject-introspection, not from GLib."""
        library = "lib" + namespace
        found = self.identify(library, scheme)
        if isinstance(found, Identification):
            return _derived(found, f"'{package}' holds the GObject introspection typelib of library '{library}' "
                                   "(its API for language bindings, installed and updated with it)", 0.03)
        return Unidentified(f"'{package}' holds the GObject introspection typelib of library '{library}': {found.reason}")

    def _qt_module(self, package: str) -> Identification | None:
        """A library or source package of one of Qt's modules (libqt5core5a, libqt6network6,
        qt5-qtbase-gui, Debian's source qtbase-opensource-src): Qt, or the module NVD files apart."""
        match = _QT_PACKAGE.match(package)
        if match is None:
            return None
        module = next(m for m in match.groups()[1:] if m)
        module = module.removeprefix("qt")
        if module in _QT_BASE_MODULES:
            key, why = "qt:qt", f"Qt's base module '{module}' (source qtbase), whose CVEs NVD files under Qt itself"
        else:
            key, why = f"qt:qt{module}", f"Qt module 'qt{module}', which NVD files as a product of its own"
        if not self.ids._known(key):
            return None
        return Identification(key, "exact", 0.88, f"'{package}' is {why} (Qt's packaging: lib<Qt major><module><soname>)")

    def _toolset_package(self, package: str, rest: str, scheme: str, source: bool) -> Identification | Unidentified:
        """A package of a Red Hat toolset (gcc-toolset-13-gcc, devtoolset-11-binutils) is the
        package named after the prefix, a newer build of the same project installed beside the
        system's; the toolset's own metapackages (-runtime, -build, -toolchain, -perftools)
        hold no program."""
        if rest in _TOOLSET_METAPACKAGES:
            return Unidentified(f"'{package}' is a metapackage of a Red Hat toolset (it pulls the toolset's packages in), "
                                "no program of its own")
        found = self.identify(rest, scheme, source=source)
        if isinstance(found, Identification):
            return _derived(found, f"'{package}' is '{rest}' built for a Red Hat toolset (installed beside the system's)", 0.02)
        return Unidentified(f"'{package}' is '{rest}' built for a Red Hat toolset: {found.reason}")

    def _pecl(self, package: str, extension: str) -> Identification | Unidentified:
        """A PECL extension (pecl_extension) is a project of its own, built from pecl.php.net's
        sources, not PHP: NVD files the ones it tracks under PHP's vendor (php:imagick,
        php:memcached); any other product of the name is a namesake (redis:redis is the server
        phpredis talks to, apcupsd's look-alikes for APCu), so without PHP's key it is refused."""
        key = "php:" + extension.replace("-", "_")
        if self.ids._known(key):
            return Identification(key, "exact", 0.87, f"'{package}' is PECL extension '{extension}', which NVD files under "
                                  f"PHP's vendor as {key}")
        driver = extension.replace("-", "_") + ":php_driver"
        if self.ids._known(driver):
            # Session 19: a company's extension on PECL is its PHP driver, which NVD files as
            # "<vendor>:php_driver" beside the vendor's other language drivers (PECL's mongodb is
            # mongodb:php_driver, next to mongodb:c_driver and go_driver); not the vendor's server.
            return Identification(driver, "exact", 0.87, f"'{package}' is PECL extension '{extension}', the PHP driver "
                                  f"of vendor '{extension}', which NVD files as {driver}")
        return Unidentified(f"'{package}' is PECL extension '{extension}', a project of its own (not PHP), and no NVD "
                            f"product of PHP's vendor is named '{extension}' (others of the name are namesakes)")

    def _apache_module(self, package: str, scheme: str) -> Identification | Unidentified | None:
        """Debian's libapache2-mod-<module> is the module httpd loads as mod_<module>, the name
        NVD files Apache modules under (openidc:mod_auth_openidc, apache:mod_perl) and Fedora
        names the package: read as that name (so httpd's own modules are the HTTP Server)."""
        match = _APACHE_MODULE.match(package) if scheme == "dpkg" else _SUSE_APACHE_MODULE.match(package) if scheme == "rpm" else None
        if not match or _PHP_BUILT.match(package):
            return None
        module = "mod_" + match.group(1).replace("-", "_")
        how = "Debian's libapache2-mod-<module>" if scheme == "dpkg" else "openSUSE's apache2-mod_<module>"
        if scheme == "rpm" and re.fullmatch(r"mod_php\d*", module) and self.ids._known("php:php"):
            return Identification("php:php", "exact", 0.88, f"'{package}' is PHP's Apache module '{module}' ({how}), "
                                  "built from PHP's own source")
        found = self.identify(module, scheme)
        # Only the module's own name: a trailing number is ModSecurity's or mod_perl's major
        # version, and NVD files ModSecurity 2 under several keys (mod_security:mod_security,
        # trustwave:modsecurity) that the name alone cannot choose between.
        if isinstance(found, Identification) and (split_key(found.key)[1] == module or module[4:] in _HTTPD_OWN_MODULES):
            return _derived(found, f"'{package}' is Apache HTTP Server module '{module}' ({how})", 0.02)
        if scheme == "rpm":
            # openSUSE builds httpd's own modules inside apache2: apache2-mod_* are other projects'
            # modules, never the HTTP Server its "apache2" head names.
            why = found.reason if isinstance(found, Unidentified) else f"'{module}' reads as {found.key}, not spelled as the module"
            return Unidentified(f"'{package}' is Apache module '{module}' ({how}), another project's add-on, not the "
                                f"Apache HTTP Server: {why}")
        return None

    def _nginx_module(self, package: str, module: str) -> Identification | Unidentified:
        """A third-party nginx module: the one product named with the module's words and
        "nginx" (nginx-mod-http-lua is openresty:lua-nginx-module), else refused."""
        name = module.removeprefix("http-").removeprefix("stream-")
        # How nginx modules' repositories are named: openresty/lua-nginx-module,
        # openresty/headers-more-nginx-module, google/ngx_brotli, vision5/ngx_devel_kit.
        spellings = (f"{name}-nginx-module", f"nginx-{name}-module", f"ngx-{name}", f"ngx-{name}-module", f"{name}-nginx")
        groups = {self.index.equivalents(k) for spelling in spellings for k in self.index.by_product.get(compact(spelling), ())
                  if k in self.index.current}
        if len(groups) == 1:
            group = next(iter(groups))
            key = self.index.keys[self.index.primary(tuple(k for k in group if k in self.index.current))]
            return Identification(key, "exact", 0.86, f"'{package}' is nginx module '{module}', which NVD files as {key}")
        return Unidentified(kind_refusal(package, "dpkg"))

    def _library_spelling(self, package: str, scheme: str, steps) -> Identification | None:
        """A library under the other spelling of its name, when no name the package derives from
        names a product: "<name>lib" as "<name>" (Fedora's corosynclib is Corosync's library),
        and on Alpine a bare name as
        "lib<name>" (Alpine names packages after the upstream tarball: libtiff is "tiff"; on Fedora a bare
        "dnf" is not its library rpm:libdnf). Only a product the data singles out counts. Not
        "lib<name>" as "<name>lib": Debian's libgif7 is giflib, but libcrypt1 is libxcrypt, not
        cryptlib."""
        if scheme not in _SOURCE_SPLIT:
            return None
        for name, how, depth, _ in steps:
            others = []
            if not name.startswith("lib") and len(compact(name)) >= 3 and depth == 0:
                if name.endswith("lib") and len(name) > 6:
                    others.append((name[:-3], f"'{name}' is the library of '{name[:-3]}'"))
                if scheme == "apk":
                    others.append(("lib" + name, f"'{name}' spelled 'lib{name}' (Alpine names libraries after their tarball)"))
            for other, why in others:
                if self._native(other, scheme):
                    found = self._named_exactly(other, package, scheme)
                    if isinstance(found, Identification):
                        return _derived(found, (f"read as {how}; " if how else "") + why, 0.03)
        return None

    def _vendor_product(self, package: str, scheme: str) -> Identification | None:
        """A package named "<vendor>-<product>" by a vendor that packages its own software
        (amazon-cloudwatch-agent is amazon:cloudwatch_agent, microsoft-edge
        microsoft:edge_chromium; vendors' own repositories name their packages so, as casks
        do): the vendor's one product spelled like the rest, when no name the package derives
        from names a product."""
        parts = package.split("-")
        if len(parts) < 2 or scheme not in _SOURCE_SPLIT or parts[0] in _NOT_PROJECT_HEADS or module_host(package):
            return None
        if len(parts) > 2 and parts[-1] in _RELEASE_CHANNELS:
            # Vendors' repositories name a release channel last (google-chrome-stable,
            # microsoft-edge-beta, opera-stable): the channel is no part of the product.
            parts = parts[:-1]
        index = self.index
        for cut in range(1, len(parts)):
            head, rest = "-".join(parts[:cut]), "-".join(parts[cut:])
            if head in _DISTRIBUTION_NAMES or len(compact(head)) < 3 or len(compact(rest)) < 3:
                continue
            wanted = compact(cpe_words(rest))
            groups = {index.equivalents(k) for k in index.by_vendor.get(compact(head), ())
                      if k in index.current and compact(index.words(k)[1]) == wanted}
            if len(groups) == 1:
                group = next(iter(groups))
                key_id = index.primary(tuple(k for k in group if k in index.current))
                return Identification(index.keys[key_id], "exact", 0.88,
                                      f"package '{package}' is named '<vendor>-<product>': vendor '{head}' files '{rest}' "
                                      f"as {index.keys[key_id]}")
        return None

    def _long_name(self, package: str, scheme: str, steps) -> Identification | None:
        """A project NVD files under its short name as the vendor and its long name as the
        product (xmlstarlet:command_line_xml_toolkit, cgal:computational_geometry_algorithms_library,
        criu:checkpoint/restore_in_userspace, rsnapshot:filesystem_snapshot_utility,
        abseil:common_libraries): when no product is spelled like the package or a name it
        derives from, a vendor spelled exactly like one of those names whose products are one
        product is that project. Distributions name the package after the project's short name."""
        if scheme not in _SOURCE_SPLIT:
            return None
        index = self.index
        for name, how, depth, _ in steps:
            if len(compact(name)) < 4 or not name[0].isalpha() or "subpackage" in how or _lib_stripped(name, package):
                # A subpackage part cut off leaves the name of a larger project or a vendor's
                # range (google-cloud-cli is not google_cloud's one product); a library's name
                # without "lib" is a plain word (libopengl0 is libglvnd's, not vendor opengl's).
                continue
            # Not an ecosystem's modules filed under the vendor: of vendor golang's products only
            # golang:go is native (the rest are golang.org/x modules), so Fedora's "golang"
            # package (and Debian's golang-1.22 source) is Go.
            keys = [k for k in index.by_vendor.get(compact(name), ()) if not self._ecosystem_module(k, name)]
            groups = {index.equivalents(k) for k in keys}
            if len(groups) != 1:
                continue
            key_id = index.primary(tuple(k for k in next(iter(groups)) if k in index.current))
            if index.ecosystem.get(key_id) not in _NATIVE_ECOSYSTEMS or compact(name) in compact(index.words(key_id)[1]):
                # A product that spells the name (s-lang:s-lang, blosc:c-blosc2) is a spelling
                # of it or another project named after it, which the rules above weigh; this
                # reading is for a long name that does not contain the short one.
                continue
            if not descriptive_name(index, key_id, name):
                continue
            key = index.keys[key_id]
            found = Identification(key, "exact", 0.86,
                                   f"'{name}' is the vendor NVD files its one product under, {key}: a project named "
                                   "by its short name, filed under its long one")
            return _derived(found, f"read as {how}", 0.02 * depth) if depth else found
        return None

    def _words_begin(self, package: str, scheme: str) -> Identification | None:
        """The one product whose name begins with all the package's words, three or more, and
        goes on (paho-mqtt-c and Debian's source paho.mqtt.c are
        eclipse:paho_mqtt_c\\/c\\+\\+_client, "paho mqtt c/c++ client"): a name spelled out
        that far is the project's, before a shorter head is read as the project (eclipse:paho_mqtt,
        the Java client). Not with a version among the words."""
        if scheme not in _SOURCE_SPLIT or sum(package.count(c) for c in "-_.") < 2:
            return None
        words = [w for w in re.split(r"[-_.]", package) if w]
        if len(words) < 3 or any(w[0].isdigit() for w in words):
            return None
        index = self.index
        start = " ".join(words)
        groups = set()
        for key_id in index.by_first_word.get(words[0], ()):
            # A string test first (this runs for every unidentified name of a first report):
            # the product's words, then a word break (" " or "/": "paho mqtt c/c++ client").
            product = index.words(key_id)[1]
            if product.startswith(start) and product[len(start):len(start) + 1] in (" ", "/"):
                groups.add(index.equivalents(key_id))
        if len(groups) != 1:
            return None
        group = next(iter(groups))
        key_id = index.primary(tuple(k for k in group if k in index.current))
        return Identification(index.keys[key_id], "exact", 0.86,
                              f"the words of '{package}' begin the name of one NVD product, {index.keys[key_id]}")

    def _project_part(self, package: str, scheme: str, tried: set[str], own_source: bool = False) -> Identification | Unidentified | None:
        """A binary package named "<project>-<part>" whose part is no product: one piece of the
        project's build (bind9-host, iputils-tracepath, nss-softokn, sssd-kcm, qemu-system-x86,
        openssh-keygen, dropbear-scp, libapt-pkg6.0). Distributions name the binary packages of
        one source after the source (Debian Policy 3.1 and 7; Fedora packaging guidelines,
        "Subpackages"; Alpine's APKBUILD subpackages "$pkgname-<part>"), so when neither the
        whole name nor anything it derives from names a product, the longest leading part that
        does is the project. Not for hosts of other projects' modules (libpam-cap is libcap's PAM
        module, postgresql-15-postgis-3 is PostGIS) nor for language ecosystems (python3-*,
        perl-*), and refused when a later part names a product of its own."""
        parts = package.split("-")
        if len(parts) < 2 or scheme not in _SOURCE_SPLIT or parts[0] in _NOT_PROJECT_HEADS or module_host(package):
            return None
        if scheme == "dpkg" and package.startswith("lib"):
            # Debian names a library package after its soname, hyphens included (Debian Policy
            # 8.1: libgssapi_krb5.so.2 is libgssapi-krb5-2), so its first part is no project.
            return None
        for cut in range(len(parts) - 1, 0, -1):
            head = "-".join(parts[:cut])
            if head.endswith("-common"):
                continue
            found = self._read_head(head, package, scheme, tried)
            if found is None:
                continue
            part = "-".join(parts[cut:])
            if isinstance(found, Unidentified):
                return Unidentified(f"package '{package}' may be part '-{part}' of project '{head}', but {found.reason}")
            if any(piece in _DATA_PARTS for piece in parts[cut:]):
                return Unidentified(f"package '{package}' is part '-{part}' of project '{head}' ({found.key}), "
                                    "which holds data, not the project's code")
            if any(piece in _ADD_ON_PARTS for piece in parts[cut:]):
                return Unidentified(f"package '{package}' is an add-on '-{part}' named after project '{head}' ({found.key}), "
                                    "a program of its own, not the project")
            variant = [piece for piece in parts[cut:] if piece in _IMPLEMENTATIONS]
            if variant:
                return Unidentified(f"package '{package}' is the '{variant[0]}' implementation of '{head}', "
                                    f"not {found.key} itself")
            if not self._sure_project(found, head, scheme, part):
                return Unidentified(f"package '{package}' may be part '-{part}' of {found.key}, but '{head}' alone "
                                    f"is not evidence enough ({found.evidence})")
            family = self._family(head, part)
            if len(family) == 1:
                return Identification(self.index.keys[family[0]], "exact", 0.88,
                                      f"'{package}' is {self.index.keys[family[0]]}, a product named '{head}' and the words of '{part}'")
            if family:
                shown = ", ".join(self.index.keys[k] for k in family[:4])
                return Unidentified(f"package '{package}' may be any of {shown}, products named '{head}' and the words of '{part}'")
            # (Not for an edition: another vendor's add-on is not named "<project>-ce".)
            builders = () if scheme == "rpm" and _edition_only(part) else self._builders(head, found.key)
            if len(builders) >= 3:
                return Unidentified(f"package '{package}' may be part '-{part}' of {found.key}, or another project's add-on: "
                                    f"NVD has products named after '{head}' by {len(builders)} other vendors ({', '.join(builders[:3])})")
            # The project's vendor has a product of the part's name (mariadb-connector-c is
            # mariadb:connector\/c, not the MariaDB server).
            vendor = self.index.words(self.index.key_id[found.key])[0]
            # ... also without a subpackage part of its own (openSUSE's mozilla-nss-tools is
            # part '-tools' of mozilla-nss, mozilla:nss; not the vendor's name, mozilla:mozilla).
            pieces = part.rpartition("-")
            names = {compact(part), compact(part.rstrip("0123456789.-"))}
            if pieces[0] and "-" + pieces[2] in _SUBPACKAGE_SUFFIXES:
                names.add(compact(pieces[0]))
            own = [k for k in self.index.by_vendor.get(compact(vendor), ()) if compact(self.index.words(k)[1]) in names]
            if len(own) == 1:
                return Identification(self.index.keys[own[0]], "exact", 0.88,
                                      f"'{package}' is part '-{part}' of project '{head}', and {found.key}'s vendor has a product of that name")
            # ... or of the project's name, the part's and a kind word after them
            # (postgresql-jdbc is postgresql:postgresql_jdbc_driver, a project of its own with
            # its own versions, not the PostgreSQL server).
            start = cpe_words(head).split() + cpe_words(part).split()
            longer = {self.index.equivalents(k) for k in self.index.by_first_word.get(start[0], ())
                      if self.index.words(k)[0] == vendor and self.index.words(k)[1].split()[:len(start)] == start
                      and len(self.index.words(k)[1].split()) > len(start)}
            if len(longer) == 1:
                group = next(iter(longer))
                key_id = self.index.primary(tuple(k for k in group if k in self.index.current))
                return Identification(self.index.keys[key_id], "exact", 0.88,
                                      f"'{package}' is part '-{part}' of project '{head}', and {found.key}'s vendor files "
                                      f"it as a product of its own, {self.index.keys[key_id]}")
            if longer:
                shown = ", ".join(sorted(self.index.keys[self.index.primary(g)] for g in longer)[:4])
                return Unidentified(f"package '{package}' may be part '-{part}' of {found.key} or one of its vendor's "
                                    f"products named after the part: {shown}")
            if own_source and not _hyphen_version(part.replace("_", ".")):
                # The hint says the package is its own source, not one of head's binary packages:
                # a plugin or add-on project named after head (Fedora's orthanc-postgresql and
                # orthanc-webviewer, Orthanc's plugins; Microsoft's moby-buildx).
                return Unidentified(f"package '{package}' is named like part '-{part}' of project '{head}' ({found.key}), "
                                    f"but it is built from a source package of its own name, not from '{head}': a project "
                                    "of its own named after it")
            return _derived(found, f"'{package}' is binary package '-{part}' of project '{head}' (named after its source)", 0.03)
        return None

    def _family(self, head: str, part: str) -> list[int]:
        """Current products named the head's words and then the part's, spelled out or as
        initials: git-lfs is git_large_file_storage, not Git; gnome-shell is gnome_shell. One
        group per product, in key order."""
        head_words = cpe_words(head).split()
        wanted = compact(part)
        found: dict[tuple[int, ...], int] = {}
        for key_id in self.index.by_first_word.get(head_words[0], ()) if head_words else ():
            words = self.index.words(key_id)[1].split()
            if words[:len(head_words)] != head_words or len(words) == len(head_words):
                continue
            rest = words[len(head_words):]
            if wanted in ("".join(rest), "".join(w[0] for w in rest)) and len(wanted) >= 2:
                group = self.index.equivalents(key_id)
                found.setdefault(group, self.index.current_primary(group))
        return sorted(found.values())

    def _builders(self, head: str, key: str) -> list[str]:
        """Other vendors with products named the head's words and more ("git branch selector",
        "git for windows", "docker dashboard", "nss ldap"): a name other projects build add-ons
        on (git-crypt, git-buildpackage are not Git), sorted; ecosystems' vendors (jenkins
        plugins) left out."""
        if self._ecosystem_vendors is None:
            self._ecosystem_vendors = {compact(e) for e in self.index.plugin_hosts}
        own = {self.index.words(k)[0] for k in self.index.equivalents(self.index.key_id[key])}
        head_words = cpe_words(head).split()
        vendors = set()
        for key_id in self.index.by_first_word.get(head_words[0], ()) if head_words else ():
            vendor, product = self.index.words(key_id)
            words = product.split()
            if words[:len(head_words)] == head_words and len(words) > len(head_words) and vendor not in own \
                    and compact(vendor) not in self._ecosystem_vendors:
                vendors.add(vendor)
        return sorted(vendors)

    def _sure_project(self, found: Identification, head: str, scheme: str, part: str) -> bool:
        """Whether a leading part of a package name is surely the project ``found``: an alias, a
        product whose vendor is named after it (firewalld:firewalld, podman_project:podman), the
        distribution's own software (redhat:tuned, opensuse:zypper), or the only product of that
        name with a title in the 2015 dictionary or a CVE (clusterlabs:pacemaker). A common word
        that names a few products is not (base-passwd is not gnustep:base, crypto-policies not
        erlang:crypto, dumb-init not a music library)."""
        if found.method == "alias":
            return True
        if scheme == "rpm" and _edition_only(part):
            # "<project>-ce", "<project>-community-libs": the project's Community Edition, the
            # project itself, not a part another project could have added; the head's own
            # reading (one product, or the one CVEs single out) is the product.
            return True
        index = self.index
        key_id = index.key_id[found.key]
        vendor, product = split_key(found.key)
        if len(compact(head)) < 4:
            # Short heads are abbreviations and words (ssh-import-id is not ssh:ssh), unless the
            # head is a self-named project the 2015 dictionary lists, with no namesake (rpm:rpm).
            namesakes = {index.equivalents(k) for k in self._native(head, scheme)}
            return vendor == product == head and namesakes == {index.equivalents(key_id)} and any(
                k in index.titles for k in index.equivalents(key_id))
        if _named_after(vendor, product) or vendor in _DISTRIBUTION_VENDORS.get(scheme, ()) + _UPSTREAM_DISTRIBUTIONS.get(scheme, ()):
            return True
        group = index.equivalents(key_id)
        namesakes = {index.equivalents(k) for name, *_ in _derived_names(head) for k in self._native(name, scheme)}
        if namesakes == {group}:
            return any(k in index.titles for k in group) or any(index.cve_count(k) for k in group)
        if self._singled_out(group, namesakes, head, part, scheme):
            return True
        # Of namesakes, the one whose reference URLs name a repository after the head
        # (cyrusimap:cyrus-sasl, thekelleys:dnsmasq), unless the distribution has a product of
        # that name too (openSUSE's wicked, not the Ruby gem schneems:wicked).
        distribution = _DISTRIBUTION_VENDORS.get(scheme, ()) + _UPSTREAM_DISTRIBUTIONS.get(scheme, ())
        if any(split_key(index.keys[k])[0] in distribution or compact(split_key(index.keys[k])[0]).startswith(compact(head))
               for g in namesakes if g != group for k in g):
            # Nor when another namesake's vendor is named after it (cockpit-project:cockpit
            # beside agentejo:cockpit).
            return False
        return any(row.key in group for row in index.references("repo", head))

    def _singled_out(self, group: tuple[int, ...], namesakes: set[tuple[int, ...]], head: str, part: str, scheme: str) -> bool:
        """On RPM and Alpine, whose package names follow the upstream project's (Fedora naming
        guidelines; Alpine's APKBUILD pkgname), a head of four letters or more that names several
        products is the one the data singles out: the only one with CVEs (schedmd:slurm for
        slurm-slurmd) or the only one in the 2015 dictionary (mesa3d:mesa for mesa-egl,
        Mesa-libGL1). Not when the part is spelled like a product itself (maven-openjdk17 binds
        Maven to OpenJDK: a configuration package of two projects) or names a distribution
        (chrony-pool-suse holds openSUSE's settings)."""
        if scheme not in ("rpm", "apk") or group not in namesakes or len(compact(head)) < 4:
            return False
        pieces = part.split("-")
        if pieces[-1] in _DISTRIBUTION_WORDS or any(self.ids._spelled_like(name) for name, *_ in _derived_names(part)):
            return False
        index = self.index
        others = [k for g in namesakes if g != group for k in g]
        distribution = _DISTRIBUTION_VENDORS.get(scheme, ()) + _UPSTREAM_DISTRIBUTIONS.get(scheme, ())
        placeholders = (compact(head), compact(head) + "project")
        for key_id in others:
            # Not beside the distribution's own product of the name (openSUSE's wicked, not the
            # gem schneems:wicked) or a project named after the head (cockpit-project beside
            # agentejo:cockpit, which has the CVEs); NVD's placeholders (poppler:poppler,
            # mesa_project:mesa) name no project.
            vendor = split_key(index.keys[key_id])[0]
            if vendor in distribution or (compact(vendor).startswith(compact(head)) and compact(vendor) not in placeholders
                                          or vendor.endswith("-project")):
                return False
        if any(index.cve_count(k) for k in group) and not any(index.cve_count(k) for k in others):
            return True
        return any(k in index.titles for k in group) and not any(k in index.titles for k in others)

    def _read_head(self, head: str, package: str, scheme: str, tried: set[str]) -> Identification | Unidentified | None:
        """What a leading part of a package name names, read like a package name of its own."""
        for name, how, depth, _ in _derived_names(head):
            if name in tried or name.endswith("-common") or (head.startswith("lib") and not name.startswith("lib")):
                # A library head stays a library: Fedora's libgpg-error is not "gpg" (GnuPG).
                continue
            alias = self.alias(name)
            if alias is not None:
                return alias
            found = self._named_exactly(name, package, scheme)
            if found is not None:
                return found
        return None

    @staticmethod
    def data_named(package: str) -> bool:
        """The package's name ends in a data or configuration part after its project's name
        (exim4-config, vim-runtime, foo-doc): a binary package of the project's data."""
        pieces = package.split("-")
        return len(pieces) > 1 and pieces[-1] in _DATA_PARTS

    def library_word(self, package: str) -> bool:
        """Whether a library package's name without "lib" (libfabric -> fabric) names several
        products with CVEs: a word, so neither the rules nor a repository named after one of
        those products (github.com/hyperledger/fabric) says the library is it."""
        if not package.startswith("lib"):
            return False
        index = self.index
        for name, *_ in _derived_names(package):
            if not name.startswith("lib"):
                attacked = {index.equivalents(k) for k in self.ids._spelled_like(name) if index.cve_count(k)}
                if len(attacked) > 1:
                    return True
        return False

    def refused_names(self, package: str) -> bool:
        """Whether some name the package derives from is spelled exactly like a product (so a
        refusal of the package had candidates, and a looser reading must not overrule it)."""
        return any(self.ids._spelled_like(name) for name, *_ in _derived_names(package))

    def _named_exactly(self, name: str, package: str, scheme: str, maintainer: str = "") -> Identification | Unidentified | None:
        """The product spelled exactly like ``name``; None when no product is, so a shorter name may be tried.

        A bare package name is evidence for a product whose vendor is the project itself
        (openssl:openssl) or the distribution (debian:x11-common), unless another product of
        the same name has more CVEs (NVD files libde265's CVEs under struktur:libde265 and
        Go's under golang:go, not under the self-named keys). Otherwise the data must single
        one product out (Identifier._by_name_alone) and it must have CVEs in the feed:
        maintainers are not upstream vendors, and distribution packages share names with
        unrelated products (time_project:time is not GNU time, symantec:appstream is not
        AppStream).
        """
        index = self.index
        if name in _NO_ONE_LIBRARY:
            return Unidentified(f"package '{package}': '{name}' names no one library across distributions "
                                "(the GNU C library on Debian and RPM, musl on Alpine)")
        kids = self._native(name, scheme)
        if not kids:
            return None
        apart = self._written_apart(name, kids)
        if apart is not None:
            return Identification(index.keys[apart[0]], "exact", 0.86,
                                  (f"package '{package}': " if name != package else "") + apart[1])
        distribution = _DISTRIBUTION_VENDORS.get(scheme, ())
        most = max(index.cve_count(k) for k in kids)
        for key_id in kids:
            vendor_raw, product_raw = split_key(index.keys[key_id])
            group = index.equivalents(key_id)
            if max(index.cve_count(k) for k in group) < most:
                continue
            if vendor_raw == product_raw and not most and any(k not in group for k in kids):
                # NVD names a product after itself when it knows no vendor; with another
                # vendor's product of the same name and no CVE for either, nothing says which
                # (libheif:libheif or struktur:libheif, calibre:calibre or calibre-ebook:calibre).
                continue
            if vendor_raw == product_raw:
                why = f"package '{package}' is the self-named project {index.keys[key_id]}"
            elif vendor_raw in distribution and name == package and (len(kids) == 1 or index.cve_count(key_id)):
                # Unless another vendor files a product of the same name and nothing speaks
                # for the distribution's: Red Hat's "setup" is a product, so is SAP's, and
                # NVD files nfs-utils under redhat:nfs_utils and linux-nfs:nfs-utils.
                why = f"package '{package}' is the distribution's own product {index.keys[key_id]}"
            else:
                continue
            if name != package:
                why = f"'{name}' is the self-named project {index.keys[key_id]}"
            # Of the product's keys, report the one NVD uses most (golang:go rather than go:go).
            primary = index.current_primary(group)
            if primary != key_id:
                why += f", which NVD files mostly as {index.keys[primary]}"
            return Identification(index.keys[primary], "exact", 0.9, why)
        chosen = self.ids._by_name_alone(kids, name)
        if not isinstance(chosen, _Candidate):
            # NVD files CVEs of this name under one product only (fishshell:fish, not
            # fish:fish; redhat:libvirt, not libvirt:libvirt).
            with_cves = {index.equivalents(k) for k in kids if index.cve_count(k)}
            grouped = {index.equivalents(k) for k in kids if any(index.cve_count(o) for o in index.equivalents(k))}
            if not with_cves and len(grouped) == 1 and all(
                    all(index.words(k)[0] == index.words(k)[1] for k in index.equivalents(o))
                    for o in kids if index.equivalents(o) not in grouped):
                # A key without CVEs of its own may be one product with a key that has them
                # (google:protobuf beside google:google-protobuf, one mined group): that product,
                # when the other namesakes are only NVD's bare self-named keys (protobuf:protobuf,
                # its name before it knew the vendor). Not beside another vendor's product of
                # the name: gnu:sasl (GNU SASL's CVEs under gnu:gnu_sasl) is not cyrus:sasl.
                with_cves = grouped
            own = [k for k in kids if split_key(index.keys[k])[0] in _UPSTREAM_DISTRIBUTIONS.get(scheme, ())]
            if not with_cves and len(own) == 1 and name == package:
                return Identification(index.keys[own[0]], "exact", 0.86,
                                      f"of the products named '{name}', {index.keys[own[0]]} is the distribution's own software")
            if not with_cves and not _lib_stripped(name, package):
                listed = self._listed(kids)
                if listed is not None:
                    # Reported as the key spelled like the name when the listed one is its other
                    # name (mozilla:nss, listed as mozilla:network_security_services; session 19).
                    shown = listed if listed in kids else index.primary(tuple(k for k in index.equivalents(listed) if k in kids))
                    return Identification(index.keys[shown], "exact", 0.86,
                                          f"of the products named '{name}', only {index.keys[shown]} is in the official "
                                          "CPE dictionary of 2015" + (f" (as {index.keys[listed]})" if shown != listed else "")
                                          + " (an established project; the others are later namesakes)")
            if not with_cves and scheme in _SOURCE_SPLIT and (
                    not _lib_stripped(name, package) or _distinctive(name, package, tuple(index.keys[k] for k in kids))):
                found = self._own_project(kids, name)
                if found is not None:
                    return Identification(index.keys[found[0]], "exact", 0.86,
                                          f"package '{package}': of the products named '{name}', none with CVEs, "
                                          f"{index.keys[found[0]]} is the project's own key; {found[1]}")
            if not with_cves and scheme == "homebrew" and "-" in name:
                # A formula is named after its project's repository (docs.brew.sh, Formula
                # Cookbook): of namesakes without CVEs, the one NVD spells with the formula's own
                # hyphens copied that name (session 15: openapi-generator is
                # openapitools:openapi-generator, not openapi-generator:openapi_generator).
                spelled = {index.equivalents(k) for k in kids if unquote(split_key(index.keys[k])[1]).lower() == name}
                if len(spelled) == 1:
                    group = next(iter(spelled))
                    primary = index.current_primary(group)
                    return Identification(index.keys[primary], "exact", 0.86,
                                          f"package '{package}': of the products named '{name}', none with CVEs, only "
                                          f"{index.keys[primary]} is spelled as the formula is")
            if not with_cves:
                # Last, one project under several vendor names (session 16): CVEs are looked
                # up under all of them.
                found = self.ids.one_project(kids, name)
                if found is not None:
                    return Identification(index.keys[found.key_id], "exact", found.score,
                                          (f"package '{package}': " if name != package else "") + found.evidence)
            if len(with_cves) != 1:
                found = self._maintainers(kids, name, package, maintainer)
                if found is not None:
                    return found
                if not with_cves:
                    # Session 19: one rule over the vendors' names (after one project under
                    # several names and the maintainer).
                    found = self._namesake_without_cves(kids, name, package, scheme)
                    if found is not None:
                        return found
                return Unidentified(f"package '{package}': {chosen}")
            group = next(iter(with_cves))
            primary = index.primary(group)
            spelled = tuple(k for k in group if k in kids)
            if not any(index.cve_count(k) for k in spelled):
                # Reported as the key spelled like the name (google:protobuf); the group's other
                # key holds the CVEs (google:google-protobuf), looked up under both.
                shown = index.primary(spelled)
                return Identification(index.keys[shown], "exact", 0.86,
                                      f"of the products named '{name}', only {index.keys[shown]} has CVEs in the feed, "
                                      f"filed under its other key {index.keys[primary]}")
            return Identification(index.keys[primary], "exact", 0.86,
                                  f"of the products named '{name}', only {index.keys[primary]} has CVEs in the feed")
        group = index.equivalents(chosen.key_id)
        cves = sum(index.cve_count(k) for k in group)
        attacked = {index.equivalents(k) for k in kids if index.cve_count(k)}
        if _lib_stripped(name, package) and len(attacked) > 1:
            # A library's name without "lib" that several projects with CVEs share is a word, and
            # which has more CVEs says nothing about the library (libfabric is OFI's libfabric,
            # not hyperledger:fabric).
            shown = ", ".join(sorted(index.keys[index.primary(g)] for g in attacked)[:4])
            return Unidentified(f"package '{package}': '{name}' (the library's name without 'lib') names several products "
                                f"with CVEs ({shown}), and the library is none of them by name")
        # On Debian too, one product of the name whose vendor is named after it (NVD's
        # "<name>_project" for a project without a company: cryptsetup_project, dosfstools_project,
        # rspamd_project, nettle_project) is the project, though it has no CVE in the feed:
        # session 14 measured 18 labelled items gained with the hint on the 14 labelled files,
        # 4 false alarms (base-files, osslsigncode; fontconfig-config and ncurses-base, data
        # packages, through their sources), none on sets 9-12. The package's own name only:
        # a derived name (ncurses-base -> ncurses) is too far for a product without CVEs.
        if cves == 0 and (_distinctive(name, package, tuple(index.keys[k] for k in group))
                          or (scheme in _ANY_PRODUCT and not (_lib_stripped(name, package) and self._plain_words(name)))
                          or (scheme == "dpkg" and name == package and any(_named_after(*split_key(index.keys[k])) for k in group))):
            return Identification(index.keys[chosen.key_id], "exact", 0.86,
                                  (f"package '{package}': " if name == package else "") + chosen.evidence
                                  + ", a name no other product shares (no CVE in the feed yet)")
        if cves == 0 and any(k in index.titles for k in group):
            # Listed in the official CPE dictionary of 2015 (a mined title): an established
            # project, which distributions package under its own name (gnu:bash, gnu:readline),
            # unlike the later single-project keys of common words (time_project:time).
            return Identification(index.keys[chosen.key_id], "exact", 0.86,
                                  (f"package '{package}': " if name == package else "") + chosen.evidence
                                  + ", an established project (in the official CPE dictionary of 2015; no CVE in the feed yet)")
        if cves == 0 and scheme == "dpkg" and self._own_name(name, package, group):
            return Identification(index.keys[chosen.key_id], "exact", 0.86,
                                  (f"package '{package}': " if name == package else "") + chosen.evidence
                                  + f", read from the package's own name{'' if name == package else ' (library and soname)'}; "
                                  "its vendor files nothing for another ecosystem (no CVE in the feed yet)")
        if cves == 0:
            found = self._maintainers(kids, name, package, maintainer)
            if found is not None:
                return found
            shown = ", ".join(index.keys[k] for k in kids[:5])
            return Unidentified(f"package '{package}' is named like {shown}, none with a CVE in the feed to show it is the same software")
        own = self.named_after_elsewhere(name, index.keys[chosen.key_id]) if scheme in _SOURCE_SPLIT else []
        renamed = self._namesakes_organisation(name, chosen.key_id, own)
        if renamed is not None:
            return renamed
        if own:
            # The CVEs are another vendor's namesake's, while a project named after the
            # package files a product of the name too (agentejo:cockpit, a PHP CMS, beside
            # cockpit-project:cockpit, the Linux web console Fedora and Debian package): CVEs
            # say which product is attacked, not which one this package is.
            return Unidentified(f"package '{package}': {chosen.evidence}, but {', '.join(own[:3])} "
                                f"{'is' if len(own) == 1 else 'are'} named after '{name}' too, and nothing says which this package is")
        return Identification(index.keys[chosen.key_id], "exact", chosen.score,
                              (f"package '{package}': " if name == package else "") + chosen.evidence)

    def _written_apart(self, name: str, kids: tuple[int, ...]) -> tuple[int, str] | None:
        """The product NVD files the CVEs of ``name`` under, written as words apart ("mbedtls"
        is arm:mbed_tls, NVD's "_" for a space), when no product spelled as the name has CVEs;
        None otherwise. Session 17: mbed:mbedtls, a key without CVEs, took Mbed TLS's packages
        from arm:mbed_tls, which holds them. A "-" or "." is no space (github:gh-ost is not
        ghost, uri.js not uri-js), and the one group with CVEs must be native software."""
        index = self.index
        if any(index.cve_count(o) for k in kids for o in index.equivalents(k)):
            return None
        spelled = set(kids)
        apart = {index.equivalents(k) for k in index.by_product.get(compact(name), ())
                 if k in index.current and k not in spelled and "_" in (product := unquote(split_key(index.keys[k])[1]).lower())
                 and product.replace("_", "") == name and index.ecosystem.get(k) in _NATIVE_ECOSYSTEMS
                 and any(index.cve_count(o) for o in index.equivalents(k))}
        if len(apart) != 1:
            return None
        group = next(iter(apart))
        primary = index.current_primary(group)
        shown = ", ".join(index.keys[k] for k in kids[:3])
        return primary, (f"NVD files the CVEs of '{name}' under {index.keys[primary]}, the name written as words apart; "
                         f"{shown}, spelled as the package is, {'has' if len(kids) == 1 else 'have'} none")

    def _maintainers(self, kids: tuple[int, ...], name: str, package: str, maintainer: str) -> Identification | None:
        """Of the products named ``name`` (none singled out by CVEs or the name), the one whose
        vendor the package's maintainer names, when it names exactly one: Debian's GNOME team
        packages GNOME's libsoup (gnome:libsoup, not joe_shaw:libsoup), its Netfilter team
        netfilter:nftables (not google:nftables), its Qt/KDE team kde:okular."""
        named = maintainer_vendors(maintainer)
        if not named:
            return None
        index = self.index
        ours = {index.equivalents(k) for k in kids if compact(index.words(k)[0]) in named}
        if len(ours) != 1:
            return None
        (group,) = ours
        # Of the product's keys, the one NVD uses most (nvidia:container_toolkit, not the
        # nvidia:nvidia_container_toolkit the package is spelled like), as _named_exactly reports.
        key_id = index.current_primary(group)
        spelled = index.keys[index.primary(tuple(k for k in group if k in kids))]
        return Identification(index.keys[key_id], "exact", 0.86,
                              f"package '{package}': of the products named '{name}', nothing else says which, and the package's "
                              f"maintainer '{maintainer.strip()}' names {spelled}'s vendor"
                              + (f", which NVD files mostly as {index.keys[key_id]}" if index.keys[key_id] != spelled else ""))

    def _namesakes_organisation(self, name: str, key_id: int, own: list[str]) -> Identification | None:
        """The one project named after ``name`` left when the CVE namesake's own repository is
        another's: agentejo:cockpit's CVEs link github.com/cockpit-hq/cockpit, so cockpit-hq is
        that CMS's organisation under its new name, and cockpit-project:cockpit (the Linux web
        console Fedora and Debian package) is the package. None unless the repository's owner is
        one of the named-after vendors and exactly one other is left."""
        if len(own) < 2:
            return None
        index = self.index
        group = index.equivalents(key_id)
        owners = {compact(row.url.split("/")[3]) for row in index.references("repo", name)
                  if row.key in group and row.url.startswith("https://github.com/") and row.url.count("/") >= 4}
        left = [key for key in own if compact(split_key(key)[0]) not in owners]
        if not owners or len(left) != 1 or len(left) == len(own):
            return None
        taken = [key for key in own if key not in left]
        return Identification(left[0], "exact", 0.86,
                              f"of the projects named after '{name}', {left[0]} is the package: {index.keys[key_id]}, whose "
                              f"CVEs name it, links its repository under {', '.join(sorted(owners))}, the organisation of "
                              f"{', '.join(taken)}")

    def _plain_words(self, name: str, kids: tuple[int, ...] = ()) -> bool:
        """Every word of ``name`` is one that more than a couple of products use in their names
        ("pipeline", "pulse"): a plain word, too weak alone for a product without CVEs. With
        ``kids``, the namesakes being weighed, they count as one use together: one of them is the
        package's project, and the others are what the rule weighs them against (aria2's two
        keys and webui-aria2 are two uses of "aria2"; horde:passwd and passwd:passwd beside
        two change_passwd keys are three of "passwd")."""
        def uses(word: str) -> int:
            own = sum(1 for k in kids if word in self.index.words(k)[1].replace("-", " ").split())
            return self.index.word_uses.get(word, 0) - max(own - 1, 0)
        return all(uses(word) > _PLAIN_WORD_USES for word in cpe_words(name).replace("-", " ").split())

    def _own_name(self, name: str, package: str, group: tuple[int, ...]) -> bool:
        """``name`` is the package's own name, or its library's (lib<name><soname>, Debian Policy
        8.1), at least 4 letters long, and no vendor of the product files a product of another
        ecosystem (colorlib's shapely is a WordPress theme, not Debian's source shapely), nor,
        unless it is the distribution's, more products than a project does (_PROJECT_PRODUCTS)."""
        if len(compact(name)) < 4:
            return False
        if name != package and not re.fullmatch(rf"lib{re.escape(name)}(?:(?<=[a-z+])[\d.]+|-[\d.]+)?(?:t64)?", package):
            return False
        if name != package and self._plain_words(name):
            # A library's name without "lib" that many products use as a word is a plain word:
            # libpipeline1 is man-db's libpipeline, not tektoncd:pipeline ("pipeline" names 29
            # products), libpulse0 is PulseAudio, not laravel:pulse, libcbor0.8 not peteroupc:cbor.
            return False
        for k in group:
            vendor = split_key(self.index.keys[k])[0]
            products = self.index.vendor_keys(vendor)
            if any(self.index.ecosystem.get(o) not in _NATIVE_ECOSYSTEMS for o in products):
                return False
            if vendor not in _DISTRIBUTION_VENDORS["dpkg"] and len(products) > _PROJECT_PRODUCTS:
                # A name of one of a company's hundreds of products is as often a namesake:
                # symantec:appstream is not freedesktop's AppStream (appstream, libappstream4).
                # Not Debian's or Canonical's own (canonical:netplan for libnetplan1).
                return False
        return True

    def named_after_elsewhere(self, name: str, key: str) -> list[str]:
        """Other current products spelled ``name`` whose vendor is a project or organisation
        named after it, when ``key``'s product is neither named so nor an established product
        (in the 2015 dictionary, as oracle:mysql is beside mysql_project:mysql): then CVEs or
        reference URLs of ``key`` say which product is attacked, not which one a package of
        that name is (agentejo:cockpit, a PHP CMS, beside cockpit-project:cockpit, the Linux
        web console)."""
        index = self.index
        key_id = index.key_id.get(key)
        if key_id is None:
            return []
        group = index.equivalents(key_id)
        if any(_project_named(index.keys[k]) or k in index.titles for k in group):
            return []
        return sorted({index.keys[k] for k in index.by_product.get(compact(name), ())
                       if k in index.current and k not in group and _project_named(index.keys[k])})

    def _own_project(self, kids: tuple[int, ...], name: str) -> tuple[int, str] | None:
        """Of namesakes without CVEs, the project's own key and why the others are not another
        product, or None. NVD files one project under several vendor names: its own name
        (opendmarc:opendmarc, c-ares:c-ares, keepalived:keepalived), its author or
        organisation (trusteddomain, buc, daniel_stenberg, acassen), and a distribution's
        duplicate (redhat:kexec-tools, canonical:apparmor, redhat:cairo beside cairographics:cairo).
        A distribution packages the upstream project under the project's name, so the key is:

        - the only one whose vendor is named after it, when every other key is a distribution's
          or a small vendor's (at most ``_AUTHOR_PRODUCTS`` products: an author or a project's
          organisation), never a large vendor's product of that name (horde:passwd is Horde's
          password module, x.org's and gnome's keys are their own products: refused);
        - failing that, the only one spelled exactly as the name by a vendor that is not a
          distribution, when the others are all distributions' keys and it is an author's, a
          small vendor's, self-named or in the 2015 dictionary (cairographics:cairo, not
          redhat:cairo; not sap:setup beside Red Hat's own setup, nor gnome:evince, which
          nothing in the data sets apart from redhat:evince).
        """
        index = self.index
        groups = sorted({index.equivalents(k) for k in kids})
        if len(groups) < 2:
            return None

        def vendor(k: int) -> str:
            return split_key(index.keys[k])[0]

        def distribution(group: tuple[int, ...]) -> bool:
            return all(vendor(k) in _DISTRIBUTION_NAMES for k in group)

        def small(group: tuple[int, ...]) -> bool:
            return all(vendor(k) in _DISTRIBUTION_NAMES or sum(
                1 for o in index.by_vendor.get(compact(index.words(k)[0]), ()) if o in index.current) <= _AUTHOR_PRODUCTS
                for k in group)

        def spelled(group: tuple[int, ...]) -> list[int]:
            return [k for k in group if k in index.current and compact(index.words(k)[1]) == compact(cpe_words(name))]

        def own_name(k: int) -> bool:
            # The vendor spelled as the product itself (opendmarc:opendmarc). Not NVD's
            # "<name>_project" placeholder, which stands beside another vendor's key of a
            # different project as often as not (console_project:console beside minio:console,
            # cmake_project beside kitware), nor a vendor that adds a word (suricata-ids beside
            # oisf and openinfosecfoundation, one foundation's two keys).
            words = index.words(k)
            return compact(words[0]) == compact(words[1])

        own = [g for g in groups if any(own_name(k) for k in spelled(g))]
        if len(own) == 1:
            others = [g for g in groups if g != own[0]]
            if all(small(g) for g in others):
                keys = [k for k in spelled(own[0]) if own_name(k)]
                shown = ", ".join(index.keys[index.primary(g)] for g in others)
                return index.primary(tuple(keys)), f"the others ({shown}) are an author's, an organisation's or a distribution's names of it"
            return None
        upstream = [g for g in groups if not distribution(g) and spelled(g)]
        if len(upstream) == 1 and all(distribution(g) for g in groups if g != upstream[0]) and (
                small(upstream[0]) or any(k in index.titles or _named_after(*split_key(index.keys[k])) for k in upstream[0])):
            # The upstream key must be an author's or a project's own, or be in the 2015
            # dictionary: Red Hat's "setup" and Debian's "postgresql-common" are the
            # distributions' own packages beside sap:setup and postgresql:postgresql-common.
            shown = ", ".join(index.keys[index.primary(g)] for g in groups if g != upstream[0])
            return index.primary(tuple(spelled(upstream[0]))), f"the others ({shown}) are distributions' duplicates of it"
        return None

    def _namesake_without_cves(self, kids: tuple[int, ...], name: str, package: str, scheme: str) -> Identification | None:
        """Of several products named ``name``, none with a CVE in the feed, the one the vendors'
        names single out as the project the package is, or None. NVD files one project under
        several vendor names (its own, NVD's placeholder, its author's, its organisation's) and
        other programs of the same name under their makers'. Each namesake (a mined group of
        keys; distributions' duplicates of an upstream product set aside: redhat:evince,
        redhat:networkmanager) is read by its vendors, and the evidence is weighed in this order,
        the first that singles out one key deciding:

        1. an organisation beside NVD's name for the project before it knew the vendor: of two
           namesakes, one NVD's bare self-named key (gdal:gdal, pango:pango, libgsf:libgsf) and
           one of a vendor filing more than ``_AUTHOR_PRODUCTS`` products (osgeo:gdal, gnome:pango),
           or NVD's "<name>_project" placeholder beside a vendor filing more than
           ``_PROJECT_PRODUCTS`` (x.org:libxpm beside libxpm_project; beside a small vendor the
           placeholder is as often the project's own key: ceph:civetweb, civetweb_project);
        2. the project's own key (its placeholder or a vendor spelled as the product, filing at
           most ``_AUTHOR_PRODUCTS`` products) beside lone keys, vendors filing this one product
           and nothing else (aria2_project beside tatsuhiro_tsujikawa, cjson_project beside
           davegamble, traceroute_project beside buc); not beside a vendor of other products
           (minio:console, ruby-lang:time: that vendor's product may be the one). CVEs are looked
           up under the chosen key only (a lone key may be another project: zapolnoch:tesseract_ocr
           is a Node wrapper);
        3. an organisation (a vendor filing other products, not named after this one) beside lone
           keys not named like the product (isc:kea beside the misspelt ics:kea; google:snappy
           beside dain and knplabs; gnome:nautilus beside eazel, its first company); a lone vendor
           named like the product may be the project's own organisation (fluent:fluent_bit,
           supervisord:supervisor), and nothing is chosen then;
        4. the one key left when the others are filed under a person's name, an author's (NVD
           files a project under its author before it knows the project's own name:
           daniel_stenberg:c-ares, tatsuhiro_tsujikawa:aria2, jeremy_elson:tcpflow, and a person
           of the same name files another program: jason_orcutt:prometheus): a person's vendor is
           two plain words of three to twelve letters, neither an organisation word nor a word of
           the product's name, filing at most ``_AUTHOR_PRODUCTS`` products; the key left must be
           a project's or an organisation's (one-word vendor, named after the product, or filing
           more than an author does; not another person: iproute stays refused);
        5. a project's family beside large companies: the one namesake whose vendor files a few
           products of its own (2 to ``_PROJECT_PRODUCTS``: netfilter's iptables and
           conntrack-tools, gstreamer's plug-ins), not NVD's bare or placeholder key, when every
           other is a vendor's filing more (google:nftables, apache:orc), whose product of the
           name is its own.

        Evidence 1 to 3 reads vendors' sizes, which say little about a plain word ("passwd":
        horde:passwd is Horde's module) or a Homebrew cask's app (zed:zed beside primx:zed): it
        counts for packages split from a source (dpkg, rpm, apk), for a name not made of plain
        words, and for a library's name without "lib" only when it is distinctive. Evidence 4
        counts for every package, 5 for a name not made of plain words. The plain-word test
        counts the namesakes as one use of their word (``_plain_words`` with ``kids``)."""
        index = self.index
        groups = sorted({index.equivalents(k) for k in kids})
        if len(groups) < 2:
            return None

        def vendor(k: int) -> str:
            return split_key(index.keys[k])[0]

        def products(k: int) -> int:
            # (Current products only, as by_vendor holds.)
            return index.vendor_products(k)

        def distribution(group: tuple[int, ...]) -> bool:
            return all(vendor(k) in _DISTRIBUTION_NAMES for k in group)

        def bare(group: tuple[int, ...]) -> bool:
            return all(index.words(k)[0] == index.words(k)[1] for k in group)

        def placeholder(group: tuple[int, ...]) -> bool:
            return all(compact(index.words(k)[0]) == compact(index.words(k)[1]) + "project" for k in group)

        def own(k: int) -> bool:
            v, p = (compact(w) for w in index.words(k))
            return v in (p, p + "project")

        def lone(group: tuple[int, ...], named_like: bool) -> bool:
            # A vendor filing this one product and nothing else; with ``named_like`` false, not
            # named after the product or like it either.
            for k in group:
                if products(k) != 1:
                    return False
                v, p = compact(index.words(k)[0]), compact(index.words(k)[1])
                if not named_like and (_named_after(*split_key(index.keys[k])) or v.startswith(p) or p.startswith(v)):
                    return False
            return True

        def organisation(group: tuple[int, ...]) -> bool:
            return all(products(k) > 1 and not _named_after(*split_key(index.keys[k])) and vendor(k) not in _DISTRIBUTION_NAMES
                       for k in group)

        def person(k: int) -> bool:
            parts = vendor(k).split("_")
            return (len(parts) == 2 and all(p.isascii() and p.isalpha() and 3 <= len(p) <= 12 for p in parts)
                    and not set(parts) & (_PERSON_NOT | set(re.split(r"[_\-.]", split_key(index.keys[k])[1])))
                    and products(k) <= _AUTHOR_PRODUCTS)

        def project(k: int) -> bool:
            return re.fullmatch(r"[a-z0-9]+", vendor(k)) is not None or _named_after(*split_key(index.keys[k])) or products(k) > _AUTHOR_PRODUCTS

        def shown(chosen: tuple[int, ...]) -> str:
            return ", ".join(index.keys[index.primary(g)] for g in groups if g != chosen)

        found: tuple[int, str] | None = None
        upstream = [g for g in groups if not distribution(g)]
        structural = scheme in _SOURCE_SPLIT and not self._plain_words(name, kids) and (
            not _lib_stripped(name, package) or _distinctive(name, package, tuple(index.keys[k] for k in kids)))
        if structural and len(upstream) == 2 and len([g for g in upstream if bare(g) or placeholder(g)]) == 1:
            # 1. An organisation beside NVD's name before it knew the vendor.
            (named,) = [g for g in upstream if bare(g) or placeholder(g)]
            (other,) = [g for g in upstream if g != named]
            least = _AUTHOR_PRODUCTS if bare(named) else _PROJECT_PRODUCTS
            if not any(vendor(k) in _DISTRIBUTION_NAMES for k in other) and all(products(k) > least for k in other):
                # The organisation's key spelled like the name (google:protobuf, not
                # google:google-protobuf of the same group): CVEs are looked up under every key
                # of the group anyway.
                found = (index.primary(tuple(k for k in other if k in kids)),
                         f"the project's organisation's key; {index.keys[index.primary(named)]} is NVD's name for it "
                         "before it knew the vendor")
        mine = [g for g in groups if any(own(k) and k in kids for k in g)]
        if found is None and structural and len(mine) == 1:
            # 2. The project's own key beside lone keys.
            others = [g for g in groups if g != mine[0]]
            keys = tuple(k for k in mine[0] if own(k) and k in kids)
            if (not any(distribution(g) or any(vendor(k) in _DISTRIBUTION_NAMES for k in g) for g in others)
                    and all(lone(g, True) for g in others) and not any(products(k) > _AUTHOR_PRODUCTS for k in keys)):
                found = (index.primary(keys), f"the project's key; the others ({shown(mine[0])}) are lone keys, "
                         "their vendors filing nothing else")
        organisations = [g for g in upstream if organisation(g)]
        if found is None and structural and len(upstream) >= 2 and len(organisations) == 1 and all(
                lone(g, False) for g in upstream if g != organisations[0]):
            # 3. An organisation beside lone keys.
            found = (index.current_primary(organisations[0]),
                     f"the project's key, its vendor files other products; the others ({shown(organisations[0])}) "
                     "are lone keys, their vendors filing nothing else")
        rest = [g for g in groups if not all(person(k) for k in g)]
        if found is None and len(rest) == 1 and len(rest) != len(groups) and any(project(k) for k in rest[0]):
            # 4. The one key left beside persons' keys.
            found = (index.current_primary(rest[0]),
                     f"the project's key; the others ({shown(rest[0])}) are filed under a person's name, an author's")
        families = [g for g in upstream if all(1 < products(k) <= _PROJECT_PRODUCTS for k in g) and not bare(g) and not placeholder(g)]
        if found is None and len(families) == 1 and len(upstream) == len(groups) and all(
                all(products(k) > _PROJECT_PRODUCTS for k in g) for g in upstream if g != families[0]) and not self._plain_words(name, kids):
            # 5. A project's family beside large companies.
            found = (index.current_primary(families[0]),
                     f"the project's key, its vendor filing a few products of its own; the others ({shown(families[0])}) are "
                     f"large vendors' (more than {_PROJECT_PRODUCTS} products each), whose product of the name is their own")
        if found is None:
            return None
        return Identification(index.keys[found[0]], "exact", 0.86,
                              f"package '{package}': of the products named '{name}', none with CVEs, "
                              f"{index.keys[found[0]]} is {found[1]}")

    def _listed(self, kids: tuple[int, ...]) -> int | None:
        """Of look-alike products without CVEs, the one the official CPE dictionary of 2015 lists
        (it has a mined title): the long-established project that distributions package (gnu:wget,
        not wget:wget; gnu:tar, not npm's isaacs:tar; gnu:coreutils, not the Rust rewrite
        uutils:coreutils). None when several or none are listed, or when another candidate's
        vendor is the listed vendor's initials (oisf and openinfosecfoundation are one
        foundation under an old and a new name: nothing says which key NVD files now)."""
        index = self.index
        groups = {index.equivalents(k) for k in kids}
        listed = [g for g in groups if any(k in index.titles for k in g)]
        if len(listed) != 1:
            return None
        group = listed[0]
        key_id = index.primary(tuple(k for k in group if k in index.titles))
        vendor, product = index.words(key_id)
        product_words = set(product.split())
        # The vendor's words as the title spells them out ("open information security
        # foundation suricata" for openinfosecfoundation:suricata).
        words = [w for w in index.titles[key_id].split() if w not in product_words] or vendor.split()
        initials = {"".join(w[0] for w in words), "".join(w[0] for w in vendor.split())}
        if any(compact(index.words(k)[0]) in initials for k in kids if k not in group):
            return None
        return key_id

    def _versioned_product(self, cut_from: str) -> bool:
        """``cut_from``, the name a "without version" step cut its number from, names a current
        product of its own, run together, though not one the host's packages are (session 20:
        pgadmin4 is pgadmin_4, which NVD files as a Python application; the name without its
        number, pgadmin, is pgAdmin III, another product, which one organisation's two vendor
        names file)."""
        index = self.index
        return any(k in index.current for k in index.by_product.get(compact(cut_from), ()))

    def _native(self, name: str, scheme: str) -> tuple[int, ...]:
        """Current keys spelled like ``name`` that may be a native program of the host (kept per name)."""
        found = self._native_cache.get((name, scheme))
        if found is None:
            if len(self._native_cache) > self.ids.CACHE_LIMIT:
                self._native_cache.clear()  # names come from the LAN: bounded like the identifier's caches
            index = self.index
            # Products filed as packages of a language ecosystem are not distribution packages,
            # except the ecosystem's own toolchain (golang:go for "go").
            spelled = self.ids._spelled_like(name)
            if not spelled and name.startswith("dot") and len(name) > 4 and name[3:].isalpha():
                # A product named with a leading "." is spelled "dot" in package names, which
                # must begin with a letter or digit (Debian Policy 5.6.7): Microsoft's dotnet,
                # dotnet-sdk-8.0 are NVD's microsoft:.net.
                spelled = tuple(k for k in index.by_product.get(compact(name[3:]), ())
                                if k in index.current and unquote(split_key(index.keys[k])[1]).startswith("."))
            found = tuple(
                k for k in spelled
                if (index.ecosystem.get(k) in _NATIVE_ECOSYSTEMS or index.ecosystem.get(k) == name)
                and not self._ecosystem_module(k, name))
            # Another distribution's key for an upstream product (redhat:cairo, suse:shadow) is
            # not what a Mac, Alpine or Debian host runs, when the upstream key is there too.
            foreign = _DISTRIBUTION_NAMES - set(_DISTRIBUTION_VENDORS.get(scheme, ())) - set(_UPSTREAM_DISTRIBUTIONS.get(scheme, ()))
            if scheme == "rpm":
                foreign -= {"redhat", "fedoraproject", "suse", "opensuse", "novell"}
            ours = tuple(k for k in found if split_key(index.keys[k])[0] not in foreign)
            # Gentoo's and Mandriva's keys are their own packaging of upstream projects (ebuild
            # bugs: gentoo:syslinux, gentoo:logrotate, gentoo:ebuild_for_slurm), never the
            # software another distribution's package installs, even when no other key is there.
            if not ours and scheme == "homebrew":
                # On a Mac a distribution's own software is there only when NVD has seen it attacked
                # there too (redhat:openshift's client): Red Hat's CoreOS Tectonic and Fedora's
                # installer, keys without CVEs, are not the tectonic and anaconda formulas.
                ours = tuple(k for k in found if any(index.cve_count(o) for o in index.equivalents(k))
                             or split_key(index.keys[k])[0] in _UPSTREAM_DISTRIBUTIONS["dpkg"])
                self._native_cache[(name, scheme)] = ours
                return ours
            found = self._native_cache[(name, scheme)] = ours or tuple(
                k for k in found if split_key(index.keys[k])[0] not in _PACKAGING_DISTRIBUTIONS)
        return found

    def _ecosystem_module(self, key_id: int, name: str) -> bool:
        """A product whose vendor is a package ecosystem (php:memcached is the PHP extension,
        jenkins:valgrind a Jenkins plugin): a module of that ecosystem, not the native
        program of the same name. The ecosystems are those NVD's target_sw names (mined)."""
        vendor_raw, product = split_key(self.index.keys[key_id])
        vendor = compact(vendor_raw)
        if self._ecosystem_vendors is None:
            self._ecosystem_vendors = {compact(e) for e in self.index.plugin_hosts}
        if vendor == "golang" and product != "go" and "go" in self._ecosystem_vendors:
            # NVD files the Go project's golang.org/x modules under vendor golang (golang:net,
            # golang:text, golang:tiff for x/image/tiff): Go modules, not Alpine's "tiff" or
            # Debian's "net-tools"; only golang:go is the toolchain.
            return True
        return vendor in self._ecosystem_vendors and vendor != compact(name)

    def _module(self, module: str, ecosystem: str, package: str, source: bool = False) -> Identification | None:
        """A language module packaged by the distribution (python3-requests, libwww-perl, ruby-rack, node-qs).
        ``source``: the name is a source package's, which may build a PECL extension as well as a
        Composer library (php-redis builds php8.3-redis), so the Composer readings are not for it."""
        if ecosystem in ("pip", "npm"):
            # Python distributions are often named "py<module>" or "python-<module>" on PyPI
            # while Debian names the package by the importable module (python3-jwt is PyJWT,
            # python3-yaml is PyYAML, python3-openssl is pyOpenSSL).
            names = (module, "py" + module, "python-" + module) if ecosystem == "pip" else (module,)
            # npm's names are looked up as the registry spells them (prismjs is prismjs:prism,
            # Identifier._registry_spelled), not only as products are spelled.
            names = tuple(name for name in names if ecosystem == "npm" or self.ids._spelled_like(name))
            if ecosystem == "pip" and len(names) > 1 and names[0] == module and not any(
                    self.index.ecosystem.get(k) == "python" for k in self.ids._spelled_like(module)) and any(
                    compact(split_key(self.index.keys[k])[0]).startswith(compact(name))
                    for name in names[1:] for k in self.ids._spelled_like(name)):
                # Python bindings of a native program are published as "py<module>" or
                # "python-<module>": when NVD has such a project (a vendor named after it), the
                # module is not the native program NVD does not file as a Python package
                # (python3-openssl is pyOpenSSL, never OpenSSL, even while pyOpenSSL's vendor
                # keys leave it undecided).
                names = names[1:]
            for name in names:
                # Debian's JavaScript team names a module's package "node-" + its npm name (Debian
                # JavaScript Policy: node-minimist, node-micromatch), a registry name; Python's
                # "python3-" + the import name is not one (python3-yaml is PyYAML).
                found = self.ids._language_package(name, ecosystem, registry=ecosystem == "npm")
                if isinstance(found, Identification):
                    return _derived(found, f"'{package}' packages {ecosystem} module '{name}'", 0.0)
            # The distribution already says it is a Python module; a product whose vendor is
            # named after it will do (twistedmatrix:twisted) even if NVD's criteria do not say
            # "python", unless they say it is a package of another ecosystem (yaml_project:yaml
            # is a Go module).
            for name in names if ecosystem == "pip" else ():
                kids = tuple(k for k in self.ids._spelled_like(name) if self.index.ecosystem.get(k) in (None, "python"))
                chosen = self.ids._by_name_alone(kids, name) if kids else None
                if isinstance(chosen, _Candidate) and len(compact(name)) >= 4 and any(
                        compact(split_key(self.index.keys[k])[0]).startswith(compact(name))
                        for k in self.index.equivalents(chosen.key_id)):
                    return Identification(self.index.keys[chosen.key_id], "exact", chosen.score,
                                          f"'{package}' packages {ecosystem} module '{name}', whose vendor is named after it: {chosen.evidence}")
            if ecosystem == "pip":
                return self._sole_module(module, names, ecosystem, package)
            return None
        # Perl modules: NVD spells some with "::" (spreadsheet\:\:parseexcel), some as their
        # CPAN distribution "perl-<name>".
        names = [module]
        if ecosystem == "perl":
            # ... and a few as the distribution's name with what it is for (xmltwig's
            # xml-twig_for_perl, paul_marquess's compress-raw-zlib_perl_module).
            names = [module.replace("-", "::"), "perl-" + module, module, module + "_for_perl", module + "_perl_module"]
            # ... and a few by the module's file name, the most specific spelling, so first
            # (session 19: cgi.pm:cgi.pm for Fedora's perl-CGI and Debian's libcgi-pm-perl, whose
            # CPAN distribution was named "CGI.pm"; the bare word "cgi" names other products).
            stem = module[:-3] if module.endswith("-pm") else module
            if "-" not in stem:
                names.insert(0, stem + ".pm")
        if ecosystem == "java":
            # Debian Java Policy names a library by its major version when versions are not
            # compatible (liblog4j2-java, libcommons-lang3-java, libxalan2-java) while NVD files
            # the project once (apache:log4j); NVD also names some Java ports "<name>-java"
            # (apache:xalan-java beside Xalan-C).
            bare = module.rstrip("0123456789.") if re.search(r"[a-z]\d[\d.]*$", module) else module
            names = [module, bare, module + "-java", bare + "-java"]
        if ecosystem == "php":
            # A PHP library under the distribution's php- prefix: the one product spelled so, but
            # not a module of another ecosystem by its vendor (drupal:getid3 is Drupal's module);
            # several products (php-redis: redis:redis is the server, not PECL's client) say nothing.
            kids = tuple(k for k in self.ids._spelled_like(module) if self.index.ecosystem.get(k) in (None, "php")
                         and (split_key(self.index.keys[k])[0] == "php" or not self._ecosystem_module(k, module)))
            if not kids or len({self.index.equivalents(k) for k in kids}) != 1 or len(compact(module)) < 5:
                return None if source else self._composer_library(module, package, kids)
            chosen = self.ids._by_name_alone(kids, module)
            if not isinstance(chosen, _Candidate):
                return None
            return _derived(Identification(self.index.keys[chosen.key_id], "exact", min(chosen.score, 0.87), chosen.evidence),
                            f"'{package}' packages PHP library '{module}'", 0.0)
        for name in dict.fromkeys(names):
            kids = self.ids._spelled_like(name)
            if not kids:
                continue
            chosen = self.ids._by_name_alone(kids, name)
            if not isinstance(chosen, _Candidate) and name.endswith(".pm"):
                # A Perl module's file name (cgi.pm) filed by a vendor named after it is the
                # module's own key; beside it, a person's key of the same file is the author's
                # (andy_armstrong:cgi.pm, from the 2015 dictionary).
                own = {self.index.equivalents(k) for k in kids if _named_after(*split_key(self.index.keys[k]))}
                if len(own) == 1:
                    key = self.index.keys[self.index.current_primary(next(iter(own)))]
                    return Identification(key, "exact", 0.88, f"'{package}' packages perl module file '{name}', which NVD "
                                          f"files under a vendor named after it as {key}")
            if not isinstance(chosen, _Candidate):
                # Session 19: of several products spelled like the module, the one filed by the
                # ecosystem's own vendor (libhttpclient-java is apache:httpclient, not
                # sensiolabs:httpclient, a PHP library).
                own = {self.index.equivalents(k) for k in kids
                       if split_key(self.index.keys[k])[0] in _MODULE_VENDORS.get(ecosystem, ())}
                if len(own) != 1:
                    return None
                key = self.index.keys[self.index.current_primary(next(iter(own)))]
                return Identification(key, "exact", 0.88, f"'{package}' packages {ecosystem} module '{name}'; of the "
                                      f"products named so, {key} is filed by the ecosystem's own vendor")
            group = self.index.equivalents(chosen.key_id)
            vendors = [split_key(self.index.keys[k])[0] for k in group]
            # The distribution's package says which ecosystem the module is of; the product must
            # be filed as one (target_sw), by the ecosystem's or its own vendor, or be the only
            # product of a name long enough not to be a common word; for Perl, spelled as the
            # module ("html::parser") or its CPAN distribution, not just its words
            # (libhtml-parser-perl is not derrick_oswald:html-parser, a Java parser).
            # Session 20: a vendor named after the module counts only as a project's or a small
            # organisation's (the rule of _sole_module): zoom, filing 55 products, is the
            # company whose client is zoom:meetings, not CPAN's ZOOM module (libzoom-perl).
            if (any(self.index.ecosystem.get(k) == ecosystem or (_named_after(*split_key(self.index.keys[k]))
                                                                  and self.index.vendor_products(k) <= _PROJECT_PRODUCTS)
                    for k in group)
                    or any(v in _MODULE_VENDORS.get(ecosystem, ()) for v in vendors)
                    or (chosen.score >= 0.9 and len(name) >= 5 and not (ecosystem == "perl" and name == module))):
                return _derived(Identification(self.index.keys[chosen.key_id], "exact", chosen.score, chosen.evidence),
                                f"'{package}' packages {ecosystem} module '{name}'", 0.0)
            return None
        return None

    def _composer_library(self, module: str, package: str, kids: tuple[int, ...]) -> Identification | None:
        """Session 19: a PHP library the module reading's one product does not place, read as
        Debian's PHP team names Composer packages (Debian PHP policy: "<vendor>/<name>" is
        php-<vendor>-<name>, and php-<name> where vendor and name are one): of several products
        spelled like the module, the one whose vendor is named after it and whose CVEs link its
        Packagist page (Composer's dompdf/dompdf is dompdf_project:dompdf, not
        digitaljunkies:dompdf; php-redis is not redis:redis); with none, a vendor
        spelled like the module's first words filing a product spelled like the rest
        (php-horde-imp is horde:imp), or the one product spelled as the module's words run
        together (php-sabre-dav, Composer's sabre/dav, is fruux:sabredav)."""
        index = self.index
        if kids:
            own = {index.equivalents(k) for k in kids if _named_after(*split_key(index.keys[k]))}
            if len(own) != 1:
                return None
            several = len({index.equivalents(k) for k in kids}) > 1
            if several and not any("packagist" in index.registries.get(k, ()) for k in next(iter(own))):
                # Among namesakes, only a key NVD links a Packagist page of: a vendor named after
                # a server is the server's (Debian's php-redis is PECL's phpredis, not redis:redis).
                return None
            key = index.keys[index.current_primary(next(iter(own)))]
            return Identification(key, "exact", 0.87, f"'{package}' packages PHP library '{module}' (Composer's "
                                  f"'{module}/{module}'); of the products named so, {key} is filed by a vendor named after it")
        words = module.split("-")
        if len(words) < 2:
            return None
        for cut in range(1, len(words)):
            head, rest = "-".join(words[:cut]), "-".join(words[cut:])
            if len(compact(head)) < 3 or len(compact(rest)) < 3:
                continue
            groups = {index.equivalents(k) for k in index.by_vendor.get(compact(head), ())
                      if k in index.current and compact(index.words(k)[1]) == compact(cpe_words(rest))}
            if len(groups) == 1:
                key = index.keys[index.current_primary(next(iter(groups)))]
                return Identification(key, "exact", 0.87, f"'{package}' packages Composer library '{head}/{rest}': vendor "
                                      f"'{head}' files '{rest}' as {key}")
        joined = tuple(k for k in index.by_product.get(compact(module), ()) if k in index.current
                       and unquote(split_key(index.keys[k])[1]).lower() == compact(module))
        groups = {index.equivalents(k) for k in joined}
        if len(groups) == 1 and len(compact(module)) >= 6:
            key = index.keys[index.current_primary(next(iter(groups)))]
            return Identification(key, "exact", 0.86, f"'{package}' packages Composer library '{'/'.join(words)}' "
                                  f"({len(words)} words), which NVD spells run together as {key}")
        return None

    def _sole_module(self, module: str, names: tuple[str, ...], ecosystem: str, package: str) -> Identification | None:
        """The one product spelled like a module the distribution packages under the ecosystem's
        prefix, though NVD does not file it as a package of the ecosystem.

        The prefix is the distribution's word that the package is a Python module (Debian Python
        Policy 4.3, Alpine's py3-): NVD often leaves such products without target_sw
        (palletsprojects:flask, encode:starlette). Guarded against namesakes of other kinds:
        the name has 5 letters or more (python3-dbus, -idna, -acme are bindings or modules of
        other projects named like short common words), the one product spelled so is not
        another ecosystem's (pip's Babel is not babeljs:babel), its vendor files no product of
        another ecosystem (colorlib:shapely is a WordPress theme's vendor) and files at most
        _PROJECT_PRODUCTS products unless it is a distribution (apple:imageio is Apple's
        framework), the vendor is not a lone author of this one product (shamaton:msgpack is a Go module) nor named after a
        program of its own with CVEs (py3-hiredis is a binding of redis:hiredis).
        """
        if module not in names or len(compact(module)) < 5:
            return None
        kids = tuple(k for k in self.ids._spelled_like(module) if self.index.ecosystem.get(k) in (None, "python"))
        groups = {g for g in {self.index.equivalents(k) for k in kids} if not self.ids._of_another_ecosystem(g, ecosystem)}
        if len(groups) != 1:
            return None
        (group,) = groups
        bare = module.rstrip("0123456789")
        if bare != module and any(self.index.equivalents(k) != group for k in self.ids._spelled_like(bare)):
            # A module named with its major version (jinja2) may be filed under the name
            # without it by another key (palletsprojects:jinja beside pocoo:jinja2): which one
            # is not for this rule to say.
            return None
        key_id = self.index.current_primary(group)
        vendor = split_key(self.index.keys[key_id])[0]
        products = self.index.vendor_keys(vendor)
        if any(self.index.ecosystem.get(k) not in (None, "python") for k in products):
            return None
        if len({self.index.equivalents(k) for k in products}) < 2 and not _named_after(*split_key(self.index.keys[key_id])):
            return None
        if len(products) > _PROJECT_PRODUCTS and not any(vendor in own for own in _DISTRIBUTION_VENDORS.values()):
            # Session 17: a company of many products files none "of another ecosystem" because
            # NVD rarely says so of its programs, not because they are Python's: apple:imageio is
            # Apple's ImageIO framework, not the module imageio; facebook:zstandard is the C
            # library, not the zstandard binding. (A distribution's own software stands:
            # canonical:netplan for python3-netplan.)
            return None
        if any(k not in group and self.index.cve_count(k) and _named_after(*split_key(self.index.keys[k]))
               for g in group for k in self.index.vendor_keys(split_key(self.index.keys[g])[0])):
            # A vendor named after another product of its own with CVEs (redis:redis, the server)
            # files that program's libraries too: a Python module named like one of them is a
            # binding of it (py3-hiredis binds redis:hiredis, the C client library).
            return None
        return Identification(self.index.keys[key_id], "exact", 0.86,
                              f"'{package}' packages {ecosystem} module '{module}' (the distribution's prefix says Python), "
                              f"and '{module}' names exactly one NVD product, {self.index.keys[key_id]}, of no other ecosystem")


# Words after "python3-" that name a part of CPython, not a module from PyPI (Debian's
# python3.11 source builds python3-venv, python3-tk, python3-distutils, python3-lib2to3).
# Node.js's own subpackages likewise (nodejs-libs, nodejs-devel; Alpine's nodejs-current is
# Node.js's current release line).
_MODULE_NOT_A_MODULE = {"libs", "lib", "minimal", "venv", "tk", "distutils", "lib2to3", "stdlib", "dev", "devel", "tools", "current",
                        "idle", "gdbm", "dbg", "doc", "base", "core"}
# CPython's own parts that Debian packages apart from the interpreter, built from its source
# (python3.11's, or python3-stdlib-extensions and python3-defaults for the unversioned names):
# python3-venv, python3-distutils, python3-lib2to3, python3-tk, idle-python3.11's python3-idle.
# openSUSE's modules built for one interpreter version (python311-Jinja2, python39-pip).
_VERSIONED_PYTHON_PREFIX = re.compile(r"^python3\d+-")
_CPYTHON_PART = re.compile(r"^(python3(?:\.\d+)?)-(venv|distutils|lib2to3|tk|tkinter|idle|gdbm)$")
# Parts of a binary package name that say it holds data, not code (Debian Policy 12.3 and
# the suffixes above, as a middle part too): ncurses-terminfo-base, icu-data-full,
# bash-completion, vim-runtime (Vim's syntax and help files), glibc-langpack-en,
# subscription-manager-rhsm-certificates, kbd-misc (keymaps and console fonts).
_DATA_PARTS = frozenset({
    "doc", "docs", "data", "l10n", "locale", "locales", "lang", "langpack", "langpacks", "i18n", "nls", "man", "manpages",
    "icons", "theme", "themes", "completion", "completions", "runtime", "terminfo", "certificates",
    "wallpapers", "sounds", "help", "dbg", "dbgsym", "debuginfo", "misc",
    # A source's configuration files split off for the others to share (config_part), and
    # set-up files for another program (_SET_UP_PARTS).
    "config", "manual", "macros", "logrotate", "firewalld", "errmsg", "errormessages",
})
# Parts that hold a source's files for another program or for the others to share, no code:
# configuration (fontconfig-config, openssh-server-config-rootlogin: one sshd_config snippet),
# RPM build macros (systemd-rpm-macros, go-rpm-macros: files for rpmbuild), a logrotate or
# firewalld drop-in (rsyslog-logrotate; fail2ban-firewalld, a jail.d file telling fail2ban to
# ban through firewalld) and the translated server error messages MySQL and MariaDB load
# (mysql-errmsg, mariadb-errmsg, openSUSE's mariadb-errormessages: share/*/errmsg.sys).
_SET_UP_PARTS = frozenset({"config", "macros", "logrotate", "firewalld", "errmsg", "errormessages"})
# A metapackage that only depends on a project's other packages (Debian's postgresql-all from
# postgresql-common, Fedora's nginx-all-modules and fence-agents-all): no files of its own.
_META_PARTS = frozenset({"all"})
# Another implementation of a program, named as Debian's alternatives are
# ("<program>-<implementation>"): netcat-openbsd is OpenBSD's rewrite of netcat,
# netcat-traditional Hobbit's original, busybox-syslogd, krb5's heimdal-* counterparts.
# "-ng" ("next generation") names a new project after an old one (libcap-ng is not libcap,
# syslog-ng not syslog), never a part of it.
# Parts that name a separate program built to work with a project: Prometheus's exporters
# are projects of their own (github.com/prometheus/node_exporter), packaged as
# prometheus-node-exporter, golang-github-prometheus-node-exporter.
_ADD_ON_PARTS = frozenset({"exporter"})
# Edition words vendors' own RPM repositories put after the project's name: MySQL's
# mysql-community-server and -libs (repo.mysql.com), Docker's docker-ce and -ce-cli
# (download.docker.com), Sylabs' singularity-ce. "Community Edition" is the open project
# itself, so the word is no part of its own and no product (not NVD's "community" products).
_EDITION_PARTS = frozenset({"ce", "community"})
_IMPLEMENTATIONS = frozenset({"openbsd", "freebsd", "bsd", "traditional", "busybox", "heimdal", "toybox", "uutils", "ng"})
# RPM lists every imported signing key as a package "gpg-pubkey" (version = key id; its
# SOURCERPM is "(none)"): no software, whatever its name looks like (RPM's rpmkeys(8)).
_RPM_PUBKEY = "gpg-pubkey"
# Inventory sources whose binary packages are named after their source package.
_SOURCE_SPLIT = ("dpkg", "rpm", "apk")
# First words of package names that name an ecosystem or a packaging tool, not the project
# the package belongs to: language modules (python3-*, perl-*, ruby-*, node-*, php-*, lua-*,
# golang-*, librust-*, r-cran-*, elpa-*, libghc-*), GObject introspection data (gir1.2-*),
# TeX Live collections, Qt QML modules, debhelper add-ons (dh-*).
_NOT_PROJECT_HEADS = frozenset({
    "python", "python2", "python3", "py", "py2", "py3", "pypy", "pypy3", "perl", "ruby", "rubygem", "node", "nodejs",
    "php", "lua", "golang", "rust", "librust", "r", "elpa", "emacs", "libghc", "ghc", "haskell", "ocaml", "libocaml",
    "gir1.2", "texlive", "tex", "qml", "dh", "lib", "kernel", "linux", "xfonts", "fonts", "xserver", "gnome", "java",
})


def data_part(package: str, source: str) -> str:
    """The data word of a binary package named "<source>-<data word>-<anything>" (Debian's
    wordpress-theme-twentytwentythree, a theme WordPress ships as data), or ""."""
    if not package.lower().startswith(source.lower() + "-"):
        return ""
    rest = package.lower()[len(source) + 1:].split("-")
    return next((piece for piece in rest if piece in _DATA_WORDS or piece in ("theme", "themes")), "")


def config_part(package: str, source: str) -> bool:
    """The binary package is named "<source>[-<part>]-<set-up word>[-<variant>]" (or "lib<word of
    the source>-config"): distributions split a source's shared configuration and its files for
    other programs off so (Debian's fontconfig-config, libsensors-config from lm-sensors;
    openSUSE's mariadb-connector-c-config and ImageMagick-config-7-SUSE; Fedora's
    dracut-config-rescue, openssh-server-config-rootlogin, systemd-rpm-macros,
    rsyslog-logrotate; _SET_UP_PARTS). Not a program named so, which is a source of its own
    (openSUSE's pam-config, raspi-config) or named otherwise than its source (Debian's
    pkg-config from pkgconf)."""
    pieces = package.lower().split("-")
    at = next((at for at, piece in enumerate(pieces) if at and piece in _SET_UP_PARTS), 0)
    if not at:
        return False
    head = "-".join(pieces[:at])
    source = source.lower()
    return head == source or head.startswith(source + "-") or (pieces[at] == "config" and head.startswith("lib")
                                                                and head[3:] in source.split("-"))

# Distribution names as the last part of a package name (chrony-pool-suse, ImageMagick-config-7-SUSE,
# oraclelinux-release-el9, fonts-ubuntu).
_DISTRIBUTION_WORDS = frozenset({"suse", "opensuse", "sle", "sles", "fedora", "rhel", "redhat", "centos", "rocky", "alma",
                                 "almalinux", "debian", "ubuntu", "alpine", "amzn", "el7", "el8", "el9", "el10"})


def _edition_only(part: str) -> bool:
    """The part after a project's name is an edition word, alone or before a subpackage suffix
    ("ce", "ce-cli", "community-libs")."""
    pieces = part.split("-")
    return pieces[0] in _EDITION_PARTS and (len(pieces) == 1 or "-" + "-".join(pieces[1:]) in _SUBPACKAGE_SUFFIXES)


def distribution_part(package: str, source: str) -> bool:
    """The binary package is "<source>-<...>-<distribution>": the distribution's settings for the
    source's program (openSUSE's chrony-pool-suse, its NTP servers for chrony), no code of it."""
    pieces = package.lower().split("-")
    return (len(pieces) > 2 and pieces[-1] in _DISTRIBUTION_WORDS and package.lower().startswith(source.lower() + "-"))


def language_source(source: str) -> bool:
    """The source package is a language's or one of its modules' (ruby, python-Jinja2,
    perl-DBI, php8.2): its first word, without a version, names an ecosystem, not a project
    (Ubuntu's libsnmp-perl is built from net-snmp, a project)."""
    first = source.partition("-")[0].rstrip("0123456789.")
    return first in _NOT_PROJECT_HEADS and first not in ("lib", "kernel", "linux")


def module_named(package: str, key: str) -> bool:
    """The package is a language module under its ecosystem's prefix (rubygem-bundler,
    python3-jwt) and ``key`` is the product spelled like that module: the module reading."""
    product = compact(split_key(key)[1])
    for pattern, _ in _MODULES:
        match = pattern.match(package)
        if match and compact(match.group(1)) == product:
            return True
    return False


def pecl_extension(package: str) -> str:
    """The PECL extension a package holds ("imagick" for php8.3-imagick, php-pecl-imagick,
    php82-pecl-imagick), or "" for any other package, PHP's own extensions included."""
    match = _PECL.match(package)
    if not match:
        return ""
    if match.group(1):
        return match.group(1)
    extension = match.group(2)
    return "" if extension.replace("_", "-") in _PHP_OWN_PARTS else extension


# Red Hat's toolsets: RHEL 8 and 9 ship newer compilers and tools as gcc-toolset-<N>-<package>
# (gcc-toolset-13-gcc, gcc-toolset-13-binutils), RHEL 7's Software Collections as
# devtoolset-<N>-<package>; -runtime, -build, -toolchain and -perftools are their metapackages.
_TOOLSET = re.compile(r"^(?:gcc-toolset|devtoolset)-\d+-(.+)$")
_TOOLSET_METAPACKAGES = frozenset({"runtime", "build", "toolchain", "perftools"})


# Debian's Apache HTTP Server modules: libapache2-mod-<module>, the module httpd loads as
# mod_<module> (Debian Apache packaging: "libapache2-mod-<name>"; Fedora names the same package
# mod_<module>). A module built for one Python, or its major version, is no part of its name
# (libapache2-mod-wsgi-py3 is mod_wsgi).
_APACHE_MODULE = re.compile(r"^libapache2-mod-([a-z0-9-]+?)(?:-py3?)?$")
# openSUSE names Apache modules apache2-mod_<module> (apache2-mod_php8, apache2-mod_security2,
# apache2-mod_wsgi-python3; build.opensuse.org's Apache:Modules project).
_SUSE_APACHE_MODULE = re.compile(r"^apache2-mod_([a-z0-9_-]+?)(?:-python3\d*)?$")


# Packages that hold another project's module for a host program: PAM and NSS modules
# (libpam-systemd, libnss-mdns), Apache and nginx modules (libapache2-mod-*, libnginx-mod-*),
# PostgreSQL extensions (postgresql-15-postgis-3), GNOME Shell extensions, Vim add-ons, PHP's
# PECL extensions (Alpine's php83-pecl-redis, Fedora's php-pecl-apcu), Alpine's Lua modules
# for one interpreter version (lua5.1-cjson, lua5.4-socket; its lua5.1-libs is Lua's own, read
# before this by its subpackage part).
_MODULE_HOSTS = re.compile(r"^(libpam-|libnss-|libapache2-|libnginx-|nginx-mod-|postgresql-\d+-|gnome-shell-extension|vim-addon|vim-[a-z]+-?plugin"
                           r"|php[\d.]*-(?:php-)?pecl-|lua\d[\d.]*-)")
# Sources whose names are upstream project names (a Homebrew formula is named after the
# project, docs.brew.sh "Formula Cookbook"), so a name that is exactly one product is that
# product even without CVEs; distribution packages are not (Debian's "appstream").
# Products a project or small organisation files (freedesktop: 23); more is a company's range.
_PROJECT_PRODUCTS = 25
# Products whose names may use a library's name (without "lib") before it counts as a plain
# word (cpes.csv 2026: "netcdf" 1, "hiredis" 2, "cbor" 3, "pulse" 22, "pipeline" 29).
_PLAIN_WORD_USES = 2
_ANY_PRODUCT = ("homebrew", "rpm", "apk")
# Products filed for the host's own software, or for no ecosystem at all.
_NATIVE_ECOSYSTEMS = (None, "linux", "linux_kernel")


def _project_named(key: str) -> bool:
    """A vendor named after its product by a project's or organisation's name (cockpit-project,
    cockpit-hq, curl_project), not NVD's bare self-named spelling (libde265:libde265), which it
    uses when it knows no vendor and which carries no such evidence."""
    vendor, product = split_key(key)
    return vendor != product and _named_after(vendor, product)


def _distinctive(name: str, package: str, keys: tuple[str, ...]) -> bool:
    """A name unlikely to be shared by unrelated software: a library's "lib" name (librsvg,
    libpcap), letters and digits together (dav1d, x265, lvm2), or the name of a library
    package without "lib" whose vendor is named after it (libjansson4 is
    jansson_project:jansson, libgmp10 is gmplib:gmp). Plain words are not, even with a vendor named after them:
    Debian's "time" is GNU time and "base-files" Debian's own, not NVD's time_project:time
    or base-files_project:base-files."""
    if name.startswith("lib") and len(name) >= 6:
        return True
    if len(name) >= 4 and any(c.isdigit() for c in name) and any(c.isalpha() for c in name):
        return True
    return package.startswith("lib") and len(name) >= 3 and any(
        _named_after(*split_key(key)) or compact(split_key(key)[0]).startswith(compact(name)) for key in keys)


def _lib_stripped(name: str, package: str) -> bool:
    """``name`` is a library package's name without "lib" (libcrypto3 -> crypto): a plain word
    that look-alike products share (erlang:crypto), too weak to choose among them."""
    return package.startswith("lib") and not name.startswith("lib")


def module_host(package: str) -> bool:
    """The package holds another project's module for a host program (libpam-cap, lua5.1-cjson):
    neither it nor a repository named like its host is the module."""
    return bool(_MODULE_HOSTS.match(package))


def descriptive_name(index: CpeIndex, key_id: int, name: str) -> bool:
    """The product of ``key_id``, the one product of a vendor spelled like ``name``, reads as
    NVD's descriptive name of the project ``name`` (xmlstarlet:command_line_xml_toolkit,
    borgbackup:borg), not as another project of that organisation: NVD writes a descriptive
    name's words with "_", so a product spelled with "-" copies a repository's or package's
    identifier (luarocks:lua-shmem is a Lua rock, not LuaRocks), and one word that shares
    nothing with the name is a project's own name (open-mpi:hwloc is not Open MPI)."""
    product = index.words(key_id)[1]
    if "-" in unquote(split_key(index.keys[key_id])[1]):
        return False
    one, named = compact(product), compact(name)
    return len(product.split()) > 1 or one in named or named in one


def ships_no_code(package: str) -> bool:
    """Documentation, data, fonts, locales, firmware: a package with no program of its own."""
    return package.endswith(_NO_CODE_SUFFIXES) or package.startswith(_NO_CODE_PREFIXES)


def repository_stems(name: str) -> list[str]:
    """A package name and what its upstream repository may be called: without Debian's t64 mark,
    the soname version (libexpat1, libx265-199, libpcap0.8t64) and then the "lib" in front
    (libjansson4 is the jansson repository)."""
    stems = [name, re.sub(r"t64$", "", name)]
    stems.append(re.sub(r"-\d+(\.\d+)*$", "", stems[-1]))
    # A library whose name ends in a digit puts its soname version after a hyphen (Debian
    # Policy 8.1: libgit2-1.5, liblz4-1): plain digits left before the hyphen are the name's
    # own (libgit2 is the libgit2 repository, not git's); a dotted API version is not
    # (libgstreamer1.0-0 is gstreamer's).
    last = stems[-1]
    unversioned = _SONAME.sub("", last) or last
    stems.append(unversioned if last == stems[-2] or "." in last[len(unversioned):] else last)
    stems += [stem[3:] for stem in stems[2:] if stem.startswith("lib") and len(stem) > 5]
    return list(dict.fromkeys(s for s in stems if len(s) >= 2))


def kind_refusal(package: str, scheme: str) -> str:
    """Why the binary package's own name rules it out whatever source it was built from, or "":
    documentation or data, the kernel, development headers (a Debian lib*-dev ships its library's
    static archive, so it is not refused here), a -common package of dpkg or apk (the rpm rule
    reads Fedora's -common as the project's build). A source package hint never overrules these."""
    refusal = _no_code(package)
    if refusal:
        return refusal
    if package.endswith(_HEADERS_SUFFIX):
        return f"'{package}' ships headers only, no code of a program or library"
    base = development_base(package)
    if base:
        refusal = kind_refusal(base, scheme)
        return f"'{package}' holds the development files of '{base}': {refusal}" if refusal else ""
    if package.endswith("-common") and scheme != "rpm":
        return f"'{package}' holds files shared by the binary packages of one source (a -common package), no program of its own"
    module = nginx_add_on(package)
    if module:
        return (f"'{package}' is nginx module '{module}', another project's add-on (not one of the modules in nginx's own "
                "source), built beside nginx but not nginx")
    return ""


# Words of the package vendor (RPM's Vendor tag, dpkg's maintainer) that say a distribution
# built the package, not the software's own vendor (Wazuh, CrowdStrike and Timescale ship RPMs
# named "<product>-<part>" from sources of the same name).
_DISTRIBUTION_BUILDERS = ("redhat", "fedora", "suse", "debian", "ubuntu", "canonical", "alpine", "centos", "rocky",
                          "almalinux", "amazon", "oracle")


# Words of a Maintainer or Vendor field that name no upstream vendor: packaging roles, mail
# hosts, legal forms ("Debian GNOME Maintainers <pkg-gnome-maintainers@lists.alioth.debian.org>").
_MAINTAINER_WORDS = frozenset({
    "maintainers", "maintainer", "maint", "team", "packagers", "packager", "packaging", "package", "packages", "pkg",
    "group", "developers", "developer", "development", "devel", "project", "lists", "list", "alioth", "tracker", "org",
    "com", "net", "www", "https", "http", "the", "and", "for", "inc", "llc", "ltd", "gmbh", "corporation", "corp", "foundation"})


def maintainer_vendors(maintainer: str) -> frozenset[str]:
    """The words of a package's maintainer that may name an upstream vendor (compact): its name,
    team and mail address, less packaging words and the distributions' own names (a Red Hat or
    Debian maintainer packages everyone's software: redhat:evince is not GNOME's Evince)."""
    words = [w for w in re.split(r"[^a-z0-9]+", (maintainer or "").lower()) if w]

    def distribution(word: str) -> bool:
        return word in _DISTRIBUTION_NAMES or any(name in word for name in _DISTRIBUTION_BUILDERS)

    # A distribution's name in two words ("Red Hat, Inc.") takes both.
    joined = {i + d for i in range(len(words) - 1) for d in (0, 1)
              if words[i] + words[i + 1] in _DISTRIBUTION_NAMES or words[i] + words[i + 1] in _DISTRIBUTION_BUILDERS}
    return frozenset(w for i, w in enumerate(words) if len(w) >= 3 and w not in _MAINTAINER_WORDS and not distribution(w)
                     and i not in joined)


def distribution_built(vendor: str) -> bool:
    """The item's vendor is a distribution (or is not given, as for Alpine's packages)."""
    words = compact(vendor or "")
    return not words or any(name in words for name in _DISTRIBUTION_BUILDERS)


# GObject introspection typelibs: Debian's gir1.2-<namespace>-<API version> (the GObject
# introspection mini-policy: gir1.2-gtk-3.0, gir1.2-notify-0.7, gir1.2-harfbuzz-0.0). A typelib
# is a binary description of one library's API for language bindings, built from the source
# that builds the library in all but a few cases (GLib's, long built from gobject-introspection).
_TYPELIB = re.compile(r"^gir\d[\d.]*-([a-z][a-z0-9]*)-\d[\d.]*$")


def typelib_namespace(package: str) -> str:
    """The lower-case namespace of a GObject introspection typelib package ("gir1.2-notify-0.7"
    -> "notify"), or ""."""
    match = _TYPELIB.match(package)
    return match.group(1) if match else ""


def development_base(package: str) -> str:
    """The package a development package completes ("openssl-devel" -> "openssl", "zlib1g-dev"
    -> "zlib1g"), or "" for any other name."""
    for suffix in _DEV_SUFFIXES:
        base = package.removesuffix(suffix)
        if base != package and len(base) >= 2 and base != "lib":
            return base
    return ""


def nginx_add_on(package: str) -> str:
    """The module name of a package of a third-party nginx module, or "".

    Debian and Ubuntu package nginx's dynamic modules as libnginx-mod-<module>, Alpine as
    nginx-mod-<module>, and Alpine builds third-party modules (headers-more, brotli, njs,
    naxsi, lua) from the nginx source package too, so the source hint says "nginx" for them.
    Only the modules in nginx's own source are nginx (nginx.org/en/docs, "Modules reference":
    ngx_http_image_filter_module, ngx_http_xslt_module, ngx_http_geoip_module,
    ngx_http_perl_module, ngx_mail_*, ngx_stream_*)."""
    for prefix in _NGINX_MODULE_PREFIXES:
        if package.startswith(prefix):
            module = package[len(prefix):]
            kind, _, rest = module.partition("-")
            if kind in ("mail", "stream") and rest in ("", "geoip"):
                return ""
            if kind == "http" and rest in _NGINX_OWN_MODULES:
                return ""
            return module
    return ""


# Modules of the Apache HTTP Server's own tree (httpd.apache.org/docs/2.4/mod/) that Fedora and
# RHEL ship as packages of their own named like the module: mod_ssl, mod_ldap, mod_lua,
# mod_proxy_html, mod_session from the httpd source package, mod_http2 and mod_md from sources of
# their own that track httpd's tree. NVD files their CVEs under apache:http_server (the old
# mod_ssl:mod_ssl key is the Apache 1.3 add-on). Not other projects' modules (mod_security,
# mod_auth_gssapi, mod_wsgi, mod_fcgid).
_HTTPD_OWN_MODULES = frozenset({"ssl", "ldap", "lua", "proxy_html", "session", "http2", "md"})
_NGINX_MODULE_PREFIXES = ("libnginx-mod-", "nginx-mod-")
# Qt's modules as distributions package them: Debian's libqt5<module>5 (libqt5core5a, "a" from
# the GCC 5 ABI transition), libqt6<module>6 and qt6-<module> sources, and its Qt 5 sources
# qt<module>-opensource-src; Fedora's and Alpine's qt5-qt<module>, qt6-qt<module>.
_QT_PACKAGE = re.compile(r"^(?:libqt([56])([a-z][a-z0-9]*?)\1(?:a|t64)?(?:-[a-z0-9-]+)?|qt([a-z]+)-opensource-src"
                         r"|qt[56]-(qt[a-z]+)(?:-[a-z0-9-]+)?|qt6-(base))$")
# The libraries built from qtbase (doc.qt.io/qt-5/qtmodules.html), NVD's qt:qt.
_QT_BASE_MODULES = frozenset({"base", "core", "gui", "network", "xml", "widgets", "sql", "dbus", "concurrent", "opengl",
                              "printsupport", "test"})
# Release channels that vendors' own repositories put last in a package name.
_RELEASE_CHANNELS = frozenset({"stable", "beta", "unstable", "nightly", "canary", "dev", "insiders"})
# nginx's own dynamic modules, by the part of the package name after "-http-" or "-stream-"
# (./configure --with-http_image_filter_module=dynamic, ...; nginx.org/en/docs).
_NGINX_OWN_MODULES = frozenset({"image-filter", "xslt-filter", "xslt", "geoip", "perl"})


# Words that say a package holds data or set-up for a program, not the program: translations
# (glibc-locale-base, glibc-langpack-en, musl-locales-lang), data (vim-data-common,
# icu-data-en), terminal descriptions (ncurses-terminfo, terminfo-base), file(1)'s magic
# database (file-magic), a distribution's release files (openSUSE-release, epel-release)
# and Oracle's "preinstall" packages (kernel settings and users for a product installed
# later). Narrower than _DATA_PARTS: "runtime" and "misc" carry programs (mono-runtime,
# util-linux-misc), so they are refused only as a part of an identified project.
_DATA_WORDS = frozenset({
    "doc", "docs", "data", "l10n", "locale", "locales", "lang", "langpack", "langpacks", "i18n", "manpages",
    "terminfo", "magic", "release", "preinstall",
    # Word lists for a program to check against (cracklib-dicts, openSUSE's cracklib-dict-full:
    # the dictionaries cracklib-check reads; Fedora's "<program>-dicts").
    "dict", "dicts",
    # Fedora's font packages are "<foundry>-<family>-fonts" (Fedora font packaging guidelines):
    # libreoffice-opensymbol-fonts, urw-base35-fonts, dejavu-fonts-common.
    "fonts",
    # Session 19: sample files a project's test suite reads (Debian's clamav-testfiles: harmless
    # files that scanners must flag), not the test suite's code (-tests is the project's).
    "testfiles", "testdata",
})
# Session 19: ISO 639-2 codes of languages whose data a package "<project>-<code>" holds
# (Debian's tesseract-ocr-eng, tesseract-ocr-deu: one language's trained OCR model; Debian's
# -chi-sim and -chi-tra are Chinese scripts). Three letters only: two-letter ISO 639-1 codes
# are also parts of program names (mesa-gl, node-ms, ssh-import-id), and so are some three-letter
# codes (cat, lit, tel, mal, est, ind), left out.
_LANGUAGE_CODES = frozenset({
    "eng", "enm", "deu", "frk", "fra", "frm", "spa", "ita", "por", "rus", "jpn", "kor", "nld", "pol", "swe", "dan",
    "fin", "nor", "ces", "slk", "slv", "hun", "ron", "bul", "ukr", "ell", "grc", "heb", "ara", "hin", "tha", "vie",
    "tur", "hrv", "srp", "kat", "isl", "lav", "fas", "osd", "equ",
})
# What may follow a data word in such a name: a variant, a language code or a version
# (glibc-locale-base, icu-data-en, icu-data-full, oracle-database-preinstall-19c).
_DATA_TAILS = frozenset({"base", "common", "full", "minimal", "all", "extra", "core"})


def _data_package(package: str) -> str:
    """The data word of a package named "<...>-<data word>[-<variant or language>]", or the
    language code of one named "<project>-<ISO 639-2 code>" (tesseract-ocr-deu), or ""."""
    pieces = package.lower().split("-")
    if len(pieces) > 2 and (pieces[-1] in _LANGUAGE_CODES or (pieces[-2] == "chi" and pieces[-1] in ("sim", "tra"))):
        return "-".join(pieces[-2:]) if pieces[-2] == "chi" else pieces[-1]
    for at, piece in enumerate(pieces):
        if piece in _DATA_WORDS and (at or len(pieces) > 1) and all(
                rest in _DATA_TAILS or (len(rest) <= 3 and rest.isalnum()) for rest in pieces[at + 1:]):
            return piece
    return ""


# Session 17: Fedora's SELinux policy packaging puts a program's policy module in a subpackage
# "<name>-selinux" (container-selinux, mysql-selinux, fail2ban-selinux, frr-selinux; Zabbix's
# own RPMs: zabbix-selinux-policy): compiled policy rules, not the program, which CVEs of the
# program do not reach. Not a plug-in named so (rpm-plugin-selinux is RPM's code) nor a language
# binding (Debian's python3-selinux is libselinux's).
_SELINUX_SUFFIXES = ("-selinux", "-selinux-policy")
_SELINUX_NOT_POLICY = ("plugin", "plugins", "python", "python3", "perl", "ruby", "lua", "golang", "rust", "php", "node")


def selinux_policy(package: str) -> str:
    """The program whose SELinux policy module the package holds ("fail2ban" of fail2ban-selinux), or ""."""
    for suffix in _SELINUX_SUFFIXES:
        if package.endswith(suffix) and len(package) > len(suffix) + 1:
            head = package[: -len(suffix)]
            if head.rpartition("-")[2] not in _SELINUX_NOT_POLICY and head != "lib":
                return head
    return ""


def _no_code(package: str) -> str:
    if package == _RPM_PUBKEY:
        return (f"'{package}' is how RPM lists a public key imported into its database (rpmkeys --import), "
                "not a package of software")
    if ships_no_code(package):
        return f"'{package}' ships documentation or data, no program of its own"
    word = _data_package(package)
    if word in _LANGUAGE_CODES or word.startswith("chi-"):
        return f"'{package}' ships one language's data (its name ends in ISO 639-2 code '-{word}'), no program of its own"
    if word:
        return f"'{package}' ships data or set-up files (its name says '-{word}'), no program of its own"
    policy = selinux_policy(package)
    if policy:
        return (f"'{package}' holds the SELinux policy module of '{policy}' (the '<name>-selinux' subpackage of Fedora's "
                "SELinux policy packaging), policy data, no program of its own")
    pieces = package.split("-")
    if len(pieces) > 1 and any(piece in _META_PARTS for piece in pieces[1:3]):
        return f"'{package}' is a metapackage (its name says '-all'): it only depends on a project's other packages, no files of its own"
    if _KERNEL.match(package) or _KERNEL.match(_without_flavour(package)):
        return (f"'{package}' is named for the Linux kernel but does not hold the kernel itself: only the image, core, "
                "modules and tools packages of one kernel are identified as linux:linux_kernel, not headers, build "
                "files, metapackages, firmware, out-of-tree modules or tools for any kernel")
    return ""


# The Linux kernel's own packages, the ones that hold the kernel that runs (its image, its modules)
# or the tools built with it for that kernel alone. NVD files the kernel as an operating system,
# cpe:2.3:o:linux:linux_kernel, and its CVEs are the server's most exposed ones (KEV lists dozens).
# - Debian and Ubuntu carry the kernel's ABI in the package name (Debian Linux Kernel Handbook,
#   "ABI"): linux-image-6.1.0-29-amd64, linux-modules[-extra]-6.8.0-47-generic, Ubuntu's
#   linux-tools-6.8.0-47 and linux-hwe-6.8-tools-6.8.0-47 (perf and bpftool for that kernel).
#   Debian's version is the upstream stable release it was built from (6.1.123-1); Ubuntu's keeps
#   the series' ".0" (6.8.0-47.47) while stable fixes are backported under it.
# - RPM distributions name the kernel "kernel" with subpackages (Fedora's kernel.spec: kernel-core,
#   kernel-modules, kernel-modules-core, kernel-modules-extra, kernel-uki-virt, kernel-tools and
#   kernel-tools-libs), and a flavour before them (kernel-rt-core, kernel-uek, kernel-default-base).
#   RHEL and Oracle's UEK also keep the series' ".0" (5.14.0-427.el9, 5.15.0-206.el9uek).
# - Alpine names each kernel build linux-<flavour> (aports main/linux-lts, community/linux-edge).
# A ".0" version is read by the version rule kernel_series (translate.py) as "some kernel of the
# series, fixes backported": CVEs fixed before the series are not reported, the others are
# version_unknown.
# Not the kernel: headers and build files (linux-headers-*, kernel-devel, kernel-headers), the
# metapackages that pull in the current image (linux-image-generic), out-of-tree modules built
# for it (linux-modules-ipu6-*, linux-modules-nvidia-*), firmware, debug symbols.
_DEB_KERNEL = re.compile(
    r"^linux-(?:image(?:-unsigned|-extra)?|modules(?:-extra)?|(?:[a-z0-9]+-(?:\d+\.\d+-)?)?tools)"
    r"-(\d+)\.(\d+)\.\d+(?:-\d+)?(?:[-+][a-z0-9]+)*$")
_RPM_KERNEL_PARTS = frozenset({"", "core", "base", "modules", "modules-core", "modules-extra", "uki-virt", "tools", "tools-libs"})
_APK_KERNELS = frozenset({"linux-lts", "linux-virt", "linux-edge", "linux-stable", "linux-rpi", "linux-rpi2", "linux-rpi4"})
_KERNEL_RELEASE = re.compile(r"^(?:\d+:)?(\d+)\.(\d+)\.(\d+)(?:[-~+._]|$)")


def kernel_package(package: str, version: str, scheme: str) -> Identification | Unidentified | None:
    """A package of the Linux kernel (dpkg, rpm or apk) read with its version: the Linux kernel
    when the package holds the kernel, None for any other package (the package rules then refuse
    it as a kernel package, with their reason). A blank version leaves the kernel identified (its
    CVEs version_unknown); a version that is no kernel release, or (dpkg, whose names give the
    series) one of another series, is refused with that reason rather than compared."""
    if package.endswith(("-dbg", "-dbgsym")):
        return None
    if scheme == "dpkg":
        found = _DEB_KERNEL.match(package)
        if found is None:
            return None
        series, what = ".".join(found.groups()), "Debian's and Ubuntu's package"
    elif scheme == "rpm":
        head, _, rest = package.partition("-")
        flavour, _, part = rest.partition("-")
        if flavour not in _KERNEL_FLAVOURS:
            part = rest
        if head != "kernel" or part not in _RPM_KERNEL_PARTS:
            return None
        series, what = "", "an RPM package"
    elif scheme == "apk":
        if package not in _APK_KERNELS:
            return None
        series, what = "", "Alpine's package"
    else:
        return None
    release = _KERNEL_RELEASE.match(version.strip())
    if release is not None:
        if series and series != f"{release.group(1)}.{release.group(2)}":
            return Unidentified(f"'{package}' holds the Linux kernel {series}, but its version {version} is of another series")
        series = f"{release.group(1)}.{release.group(2)}"
    elif version.strip():
        return Unidentified(f"'{package}' holds the Linux kernel, but its version {version} is no kernel release "
                            "(major.minor.patch) to compare NVD's ranges with")
    kernel = f"the Linux kernel {series}" if series else "the Linux kernel"
    return Identification("linux:linux_kernel", "exact", 0.95,
                          f"'{package}' is {what} of {kernel} (NVD's linux:linux_kernel, filed as an operating system)", "o")


def _without_flavour(package: str) -> str:
    """A kernel flavour's subpackage as the plain kernel's ("kernel-uek-core" -> "kernel-core"),
    so that each is refused or read as the other is; any other name as it is."""
    pieces = package.split("-", 2)
    if len(pieces) == 3 and pieces[0] == "kernel" and pieces[1] in _KERNEL_FLAVOURS:
        return f"kernel-{pieces[2]}"
    return package


def _derived(found: Identification, how: str, cost: float) -> Identification:
    """``found`` reached through a longer reading: a little less certain, never below the
    identification threshold (0.85) it was accepted at."""
    score = round(max(min(found.score, 0.85), found.score - cost), 3)
    return Identification(found.key, found.method, score, f"{how}: {found.evidence}")


# Two steps of _steps that rules ask for in a reading's path (``how``): the text is the one place
# the path records which steps it took.
_PART_STEP = "without subpackage part"
_LIBRARY_PROJECT_STEP = "the library's project"


@functools.lru_cache(maxsize=8192)
def _derived_names(package: str, parts: bool = True) -> tuple[tuple[str, str, int, str], ...]:
    """The package name and the names it derives from, nearest first: (name, how, steps, parent),
    where ``how`` is the path ("'libxml2-2' -> 'libxml2' (soname version)") and ``parent`` the
    name the last step cut it from ("" for the package itself).

    libssl3t64 -> libssl3 -> libssl -> ssl; libxml2-2 -> libxml2; postgresql-15 -> postgresql;
    openjdk-17-jre-headless -> openjdk-17-jre -> openjdk-17 -> openjdk; python3.11 -> python;
    bind-utils -> bind. Breadth first, so the order is the same for every run.
    """
    found: dict[str, tuple[str, int, str]] = {package: ("", 0, "")}
    queue = [package]
    while queue:
        name = queue.pop(0)
        how, depth, _ = found[name]
        for shorter, step in _steps(name, parts):
            if len(shorter) >= 2 and shorter not in found and not shorter.isdigit():
                found[shorter] = (f"{how or repr(package)} -> '{shorter}' ({step})", depth + 1, name)
                queue.append(shorter)
    return tuple((name, how, depth, parent) for name, (how, depth, parent) in found.items())


def _steps(name: str, parts: bool = True) -> list[tuple[str, str]]:
    """The names one step shorter (string operations, not regular expressions: this runs for
    every name of every first report)."""
    steps = []
    head, dash, tail = name.rpartition("-")
    if parts and dash and name.endswith(_SUBPACKAGE_SUFFIXES) and len(head) > 1:
        steps.append((head, f"{_PART_STEP} '-{tail}'"))
    library = name.startswith("lib")
    t64 = name.endswith("t64") and len(name) > 3 and name[-4].isalnum()
    if library and t64:
        steps.append((name[:-3], "without the 64-bit time_t mark 't64'"))
    if library and dash and tail in _VARIANTS:
        steps.append((head, "without the build variant"))
    if library and not t64 and len(name) > 5:
        mark = next((m for m in _ABI_MARKS if name.endswith(m)), name[-1] if name[-1].isalpha() else "")
        if mark and name[-len(mark) - 1].isdigit():
            steps.append((name[:-len(mark)], f"without the ABI mark '{mark}'"))
    if name.startswith("java-") and len(name) > 7:
        # Fedora's JDKs are "java-<version>-<implementation>" (java-17-openjdk-headless,
        # java-1.8.0-openjdk; Fedora Java packaging guidelines).
        _, version, rest = name.split("-", 2) if name.count("-") >= 2 else (name, "", "")
        if rest and _hyphen_version(version):
            steps.append((rest, "the JDK implementation of 'java-<version>-'"))
    stem, dot, domain = name.rpartition(".")
    if dot and domain in _DOMAINS and len(stem) >= 3 and not stem[-1].isdigit():
        # Named after the project's web domain where the plain name was taken (Debian's
        # docker.io, netplan.io).
        steps.append((stem, f"without the domain '.{domain}'"))
    if name.startswith("kernel-") and tail in _KERNEL_FLAVOURS and head == "kernel":
        # A kernel flavour is a build of the one kernel source (kernel-default, kernel-uek).
        steps.append((head, f"without the kernel flavour '-{tail}'"))
    if name.startswith("compat-") and len(name) > 9:
        # Fedora's compat packages keep an old version beside the current one (compat-openssl11).
        steps.append((name[7:], "without 'compat-'"))
    if dash and _hyphen_version(tail):
        steps.append((head, "without version"))
    stem, underscore, major = name.rpartition("_")
    if underscore and major.isdigit() and len(stem) >= 2 and stem[-1].isalpha():
        # The PostgreSQL Global Development Group's RPMs of extensions are named
        # "<extension>_<PostgreSQL major>" (pg_partman_16, timescaledb_16 from source
        # pg_partman and timescaledb: the source hint shows the cut).
        steps.append((stem, "without the PostgreSQL major '_" + major + "'"))
    kept = name.rstrip("0123456789._")
    if not t64 and kept != name and kept and (kept[-1].isalpha() or kept[-1] == "+") and name[len(kept)].isdigit():
        steps.append((kept.rstrip("-."), "without version"))
    rest = name[3:]
    if library and len(rest) >= 3 and not rest[0].isdigit() and not t64:
        steps.append((rest, _LIBRARY_PROJECT_STEP))
    return steps


# Top-level domains a package name may end in (docker.io, netplan.io).
_DOMAINS = frozenset({"io", "org", "net", "com", "dev"})


def _hyphen_version(tail: str) -> bool:
    """"15", "2.5", "1.0a": what follows the last hyphen of a versioned name (libfoo2-3)."""
    digits = tail[:-1] if tail[-1:].isalpha() else tail
    return bool(digits) and digits[0].isdigit() and all(c in "0123456789." for c in digits)
