"""Distribution packages and Homebrew formulas: which upstream project a package name is (dpkg, rpm, apk, homebrew)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from appliance.cpe import unquote
from appliance.matching.base import Candidate as _Candidate, Identification, Unidentified
from appliance.matching.index import split_key
from appliance.matching.normalize import compact

if TYPE_CHECKING:
    from appliance.matching.identify import Identifier

# Debian/RPM package suffixes that carry no code of their own (or only headers): findings
# belong to the package that ships the binary (Debian Policy 7.x, library packaging 8.x).
_NO_CODE_SUFFIXES = ("-doc", "-data", "-l10n", "-locales", "-dbg", "-dbgsym", "-man", "-examples", "-icons", "-theme")
_NO_CODE_PREFIXES = ("fonts-", "ttf-", "xfonts-", "hunspell-", "myspell-", "task-", "firmware-")
# Distribution vendors whose own packages have CPEs named after the package (debian:x11-common).
_DISTRIBUTION_VENDORS = {"dpkg": ("debian", "canonical"), "rpm": ("redhat", "fedoraproject", "suse"), "apk": ("alpinelinux",)}
# RPM and APK split one upstream project into subpackages named "<project>-<part>"
# (openssl-libs, vim-minimal, bind-utils, xz-libs; Fedora packaging guidelines, Alpine's
# subpackages): the part names no other product.
_SUBPACKAGE_SUFFIXES = ("-libs", "-lib", "-minimal", "-utils", "-tools", "-server", "-client", "-core", "-bin", "-full", "-tiny")
# A library package's soname version: libssl3, libcurl4, libexpat1 (Debian Policy 8.1).
_SONAME = re.compile(r"(?<=[a-z])[0-9.]+(-[a-z]+)?$")


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
        self._stems = {stem: tuple(names) for stem, names in stems.items()
                       if len({index.aliases.packages[n][0] for n in names}) == 1}

    def alias(self, package: str) -> Identification | None:
        aliases = self.index.aliases
        if package in aliases.packages and self.ids._known(aliases.packages[package][0]):
            key, comment = aliases.packages[package]
            return Identification(key, "alias", 1.0, f"package alias '{package}': {comment}")
        stem = _SONAME.sub("", package)
        # The same library under another soname or distribution (libcurl4 on Debian, libcurl on Alpine).
        for other in self._stems.get(stem, ()) if stem != package or stem.startswith("lib") else ():
            key, comment = aliases.packages[other]
            if self.ids._known(key):
                return Identification(key, "alias", 0.95, f"package '{package}' is library '{stem}' of package alias '{other}': {comment}")
        return None

    def identify(self, package: str, platform_scheme: str) -> Identification | Unidentified | None:
        found = self.alias(package)
        if found is not None:
            return found
        if package.endswith(_NO_CODE_SUFFIXES) or package.startswith(_NO_CODE_PREFIXES):
            return Unidentified(f"'{package}' ships documentation or data, no program of its own")
        if package.endswith("-dev"):
            return Unidentified(f"'{package}' ships development headers; the library package carries the findings")
        # Otherwise a bare package name is evidence only for a product named exactly like it
        # whose vendor is the product itself (openssl:openssl) or the distribution (debian:
        # x11-common): maintainers are not upstream vendors, and "<name>_project" vendors are
        # too often unrelated projects that share a common word (time_project:time is not GNU time).
        distribution = _DISTRIBUTION_VENDORS.get(platform_scheme, ())
        # "python3" is python, but "pcre2" is its own product: digits come off only when no
        # product is spelled like the whole name.
        stripped = package if self.ids._spelled_like(package) else re.sub(r"\d+(\.\d+)*$", "", package).rstrip("-.")
        for name in dict.fromkeys((package, stripped)):
            for key_id in self.index.by_product.get(compact(name), ()):
                vendor_raw, product_raw = split_key(self.index.keys[key_id])
                spelled = unquote(product_raw).lower()  # "add_user" is not "adduser"
                if spelled not in (name, name.replace("-", "_")) or key_id not in self.index.current:
                    continue
                if vendor_raw == product_raw:
                    why = f"package '{package}' is the self-named project {self.index.keys[key_id]}"
                elif vendor_raw in distribution and spelled == package:
                    why = f"package '{package}' is the distribution's own product {self.index.keys[key_id]}"
                else:
                    continue
                return Identification(self.index.keys[key_id], "exact", 0.9, why)
        # A subpackage of one upstream project: openssl-libs, vim-minimal, bind-utils.
        for suffix in _SUBPACKAGE_SUFFIXES:
            if package.endswith(suffix) and len(package) > len(suffix) + 1:
                found = self.identify(package[: -len(suffix)], platform_scheme)
                if isinstance(found, Identification):
                    return Identification(found.key, found.method, round(found.score - 0.02, 3),
                                          f"'{package}' is a subpackage of '{package[: -len(suffix)]}': {found.evidence}")
        # Otherwise the package name is the product's name, and the data singles one product out.
        # Distribution packages share names with unrelated products (appstream, time), so here
        # the product must be spelled exactly like the package, have CVEs in the feed, and not
        # rest on a "<name>_project" vendor alone.
        for name in dict.fromkeys((package, re.sub(r"\d+(\.\d+)*$", "", package).rstrip("-.") or package)):
            kids = tuple(k for k in self.ids._spelled_like(name) if self.index.ecosystem.get(k) in (None, "linux", "linux_kernel"))
            if not kids:
                continue
            chosen = self.ids._by_name_alone(kids, name)
            if isinstance(chosen, _Candidate):
                group = self.index.equivalents(chosen.key_id)
                lone_project = all(split_key(self.index.keys[k])[0].endswith("_project") for k in group)
                if sum(self.index.cve_count(k) for k in group) >= 1 and not lone_project:
                    return Identification(self.index.keys[chosen.key_id], "exact", chosen.score, f"package '{package}': {chosen.evidence}")
                continue
            return Unidentified(chosen)
        return Unidentified(f"no alias and no NVD product named like package '{package}' by its own project or the distribution")
