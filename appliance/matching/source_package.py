"""Source packages: the distribution source package of a dpkg, rpm or apk item as evidence for its product."""

from __future__ import annotations

import re
from collections.abc import Callable

from appliance.matching.base import Identification, Unidentified
from appliance.matching.index import CpeIndex, split_key
from appliance.matching.normalize import compact
from appliance.matching.packages import (PACKAGE_NAME, config_part, data_part, distribution_part, kind_refusal, language_source, module_named,
                                         nginx_add_on, repository_stems, typelib_namespace)

# Debian builds the Linux kernel from source "linux" (and "linux-signed-*", which the package
# rules already read as the kernel); NVD files the kernel as an operating system, not an
# application (docs/matching.md), so nothing built from it is identified through its source.
_KERNEL_SOURCES = ("linux",)
# Session 20: a source named "<project>-python" is a binding released as a project of its own
# (libvirt-python, dbus-python: PyPI's names, versioned apart from libvirt and D-Bus), not the
# project's source: its Python module does not hold the project's code, nor its CVEs.
_BINDING_SOURCE = re.compile(r"^[a-z0-9][a-z0-9.+]*-(python)$")
# What a source package costs against reading the binary package's own name: one step further
# from the installed files (as packages._derived), never below the threshold it was accepted at.
_COST = 0.02


def _through_source(score: float) -> float:
    """The score of a product found through the source package: _COST less, but never below the
    threshold it was accepted at."""
    return round(max(min(score, 0.85), score - _COST), 3)


Found = Identification | Unidentified
# Words of a source name that are no product's: a version, Debian's repack mark "dfsg".
_NOT_A_NAME = re.compile(r"^(?:v?\d[\w.+~]*|dfsg)$")


def _numbered_source(package: str, source: str, key: str, other: str) -> bool:
    """The binary's first word named the product ``key`` (grub-pc: gnu:grub), and the source's
    first word is that word with a number (grub2) that spells the other product ``other``
    (gnu:grub2): a generation NVD files apart, which the source names and the binary does not."""
    head, first = package.split("-")[0], source.split("-")[0]
    if not (first.startswith(head) and first[len(head):].isdigit() and compact(head) == compact(split_key(key)[1])):
        return False
    return compact(split_key(other)[1]) == compact(first)


def _vendors_longer_product(source: str, key: str, other: str) -> bool:
    """The source is named "<the product of key>-<more words>" (no version, no repack mark) and
    reads as ``other``, a product of the same vendor: mariadb-connector-c (mariadb:connector/c)
    against mariadb:mariadb."""
    if split_key(key)[0] != split_key(other)[0]:
        return False
    product, words = compact(split_key(key)[1]), source.split("-")
    for cut in range(1, len(words)):
        if compact("".join(words[:cut])) == product:
            return not all(_NOT_A_NAME.match(word) for word in words[cut:])
    return False


def _source_inside(package: str, source: str, key: str) -> bool:
    """The binary package's name carries the source's whole name as words (``-`` separated),
    and the product its name gave is spelled by the words that begin the name and end before
    the source's name ends, never by the source's own words alone: the product was read from
    a head the source name goes beyond (mozilla-nss-certs from mozilla-nss gave mozilla) or one
    before it (postgresql-postgis-scripts from postgis gave postgresql). A product read after
    the source's words (nodejs20-npm from nodejs20 is npm) is the binary's own."""
    words, inner = package.split("-"), source.split("-")
    if len(inner) >= len(words):
        return False
    product = compact(split_key(key)[1])
    for start in range(len(words) - len(inner) + 1):
        if words[start:start + len(inner)] != inner:
            continue
        end = start + len(inner)
        return any(compact("".join(words[:stop])) == product for stop in range(1, end))
    return False


def _host_before_source(package: str, source: str, key: str) -> bool:
    """The binary's name holds the source's whole name as words after a first word of its own,
    and the product its name gave is spelled by words before the source's: a program the
    source's project plugs into (nagios-nrpe-server from nrpe gave nagios)."""
    words, inner = package.split("-"), source.split("-")
    return any(words[start:start + len(inner)] == inner for start in range(1, len(words) - len(inner) + 1)) \
        and _source_inside(package, source, key)


class SourcePackages:
    """Reads an item's ``source_package`` hint beside what its binary package name gave.

    A binary package is built from one source package, which distributions name after the
    upstream project far more often than the binary (libtinfo6 and libncursesw6 from ncurses,
    libgssapi-krb5-2 from krb5, bsdutils and mount from util-linux, gpgv from gnupg2):

    - the binary name identified a product: it stands (it is the more specific name: libcurl4
      is haxx:libcurl though its source curl is haxx:curl); when the source package names
      another product, the evidence says so; unless NVD files no CVE under the binary's
      product and some under the source's (php-fpm from php is php:php, not php-fpm:php-fpm);
    - a lib* binary whose source's vendor files "<source>-<library>" as a product of its own
      is that product (libltdl from libtool is gnu:libtool-ltdl);
    - the binary name is ruled out by what it is (documentation, data, headers, the kernel, a
      -common package: packages.kind_refusal): the refusal stands, whatever the source;
    - otherwise the package rules read the source name (``read``: packages.PackageRules and the
      reference URLs, as for a binary name); a product found there is the item's, with the
      evidence naming the source package; a refusal there is added to the reason.
    """

    def __init__(self, index: CpeIndex, read: Callable[[str, str], Found], limit: int) -> None:
        self.index = index
        self._read = read
        self._limit = limit
        self._cache: dict[tuple[str, str], Found] = {}

    def apply(self, found: Found, package: str, source_package: str, scheme: str) -> Found:
        """``found`` (what the binary name ``package`` gave) with the source package hint heard."""
        source = source_package.strip().lower()
        if not source or source == package or not PACKAGE_NAME.match(source):
            return found
        if typelib_namespace(package) and (not isinstance(found, Identification) or found.method != "agent_cpe"):
            return self._typelib(found, package, source, scheme)
        if isinstance(found, Identification):
            if found.method == "agent_cpe":
                return found
            other = self._source(source, scheme)
            if (isinstance(other, Identification) and found.method != "alias" and not self._same_product(found.key, other.key)
                    and not (module_named(package, found.key) and language_source(source))
                    and not self._cves(found.key) and (self._cves(other.key) or (self._vendor(found.key) != self._vendor(other.key) and not nginx_add_on(package)))):
                # The binary's name found a product NVD files no CVE under, the source's a
                # product with CVEs: a key without CVEs is the weaker evidence (as for reference
                # URLs, identify.Identifier._with_references): Fedora's php-fpm is built from
                # php, dhcp-client from ISC's dhcp. Without CVEs on either side, a product of
                # another vendor that only shares the binary's name is a namesake of it, and the
                # source (the upstream project's name) says what was built: Alpine's drill is
                # built from ldns (nlnetlabs:ldns), not Apache Drill; Fedora's libnfsidmap from
                # nfs-utils, samba-client from samba. Not a third-party nginx module, which Alpine
                # builds from nginx's source package (packages.nginx_add_on).
                score = _through_source(other.score)
                return Identification(other.key, other.method, score,
                                      f"{scheme} package '{package}' is built from source package '{source}': {other.evidence}; "
                                      f"the binary package's name alone suggested {found.key}, which has no CVEs")
            if (isinstance(other, Identification) and not self._same_product(found.key, other.key)
                    and (_source_inside(package, source, found.key) or _vendors_longer_product(source, found.key, other.key))):
                # The binary's name holds the whole source name after the words that gave its
                # product: those words name a shorter reading of the source (mozilla-nss-certs
                # from mozilla-nss is not Mozilla's browser) or the program the source's project
                # plugs into (postgresql-postgis-scripts from postgis is PostGIS, not PostgreSQL).
                # Or the source is named "<that product>-<more>" and reads as another product
                # of the same vendor (libmariadb-devel from mariadb-connector-c is MariaDB's
                # Connector/C, not the server). The binary's name is then no more specific.
                score = _through_source(other.score)
                why = ("whose whole name it carries" if _source_inside(package, source, found.key)
                       else f"named after {found.key} with more words, which its vendor files as {other.key}")
                return Identification(other.key, other.method, score,
                                      f"{scheme} package '{package}' is built from source package '{source}', {why}: "
                                      f"{other.evidence}; the binary package's name alone suggested {found.key}")
            if (isinstance(other, Identification) and not self._same_product(found.key, other.key)
                    and _numbered_source(package, source, found.key, other.key)):
                # The source is the project's name with a generation number that NVD files as a
                # product of its own: Debian's grub-pc and grub-efi-amd64 come from source grub2,
                # GRUB 2 (gnu:grub2), not GRUB Legacy (gnu:grub), which the binary's first word names.
                score = _through_source(other.score)
                return Identification(other.key, other.method, score,
                                      f"{scheme} package '{package}' is built from source package '{source}', the numbered "
                                      f"generation of '{package.split('-')[0]}' that NVD files as {other.key}: {other.evidence}; "
                                      f"the binary package's first word alone suggested {found.key}")
            if not isinstance(other, Identification) and found.method != "alias" and _host_before_source(package, source, found.key):
                # Session 20: the binary is "<host>-<source>-<part>", its product read from the
                # host's words before the source's name (Debian's nagios-nrpe-server, built from
                # source nrpe, is NRPE's server, not Nagios): the source is another project, and
                # when it names no product nothing does.
                return Unidentified(f"{scheme} package '{package}' is built from source package '{source}', a project of "
                                    f"its own whose name follows another's in the binary's name, so it is not {found.key}; "
                                    f"source package '{source}': {other.reason}")
            if isinstance(other, Identification) and not self._same_product(found.key, other.key):
                return Identification(found.key, found.method, found.score,
                                      f"{found.evidence}; source package '{source}' names {other.key}, but the binary "
                                      "package's own name is the more specific evidence")
            return found
        if kind_refusal(package, scheme):
            return found
        word = data_part(package, source)
        if word:
            return Unidentified(f"{found.reason}; '{package}' is the '{word}' of source package '{source}', data it ships "
                                "for its programs, no program of its own")
        if distribution_part(package, source):
            return Unidentified(f"{found.reason}; '{package}' holds the distribution's settings for source package '{source}' "
                                "(its name ends in the distribution's), no program of its own")
        if config_part(package, source):
            return Unidentified(f"{found.reason}; '{package}' holds configuration files or other set-up files of source package '{source}' "
                                "(split off for its binary packages to share), no program of its own")
        other = self._source(source, scheme)
        if isinstance(other, Identification):
            part = self._part(package, source, scheme, other.key)
            if part is not None:
                return part
            score = _through_source(other.score)
            return Identification(other.key, other.method, score,
                                  f"{scheme} package '{package}' is built from source package '{source}': {other.evidence}")
        return Unidentified(f"{found.reason}; source package '{source}': {other.reason}")

    def _typelib(self, found: Found, package: str, source: str, scheme: str) -> Found:
        """A GObject introspection typelib (gir1.2-notify-0.7) is the library of the source it is
        built from (libnotify): the source decides, not the namespace the binary name gives
        (gir1.2-glib-2.0 was long built from gobject-introspection, not from GLib)."""
        other = self._source(source, scheme)
        if isinstance(other, Identification):
            score = _through_source(other.score)
            return Identification(other.key, other.method, score,
                                  f"{scheme} package '{package}' holds the GObject introspection typelib (a library's API "
                                  f"for language bindings) built from source package '{source}': {other.evidence}")
        why = f"'{package}' holds a GObject introspection typelib built from source package '{source}': {other.reason}"
        return Unidentified(why if isinstance(found, Identification) else f"{found.reason}; {why}")

    def _source(self, source: str, scheme: str) -> Found:
        """The source package's name read as a package name would be (kept per name and scheme)."""
        found = self._cache.get((source, scheme))
        if found is None:
            if len(self._cache) > self._limit:
                self._cache.clear()  # names come from the LAN: bounded like the identifier's caches
            if source in _KERNEL_SOURCES:
                found = Unidentified(f"'{source}' is the Linux kernel's source, and NVD files the kernel as an operating "
                                     "system (linux:linux_kernel), not an application")
            else:
                found = self._read(source, scheme)
                binding = _BINDING_SOURCE.match(source)
                if (binding and isinstance(found, Identification)
                        and binding.group(1) not in compact(split_key(found.key)[1])):
                    found = Unidentified(f"source package '{source}' is a {binding.group(1).capitalize()} binding "
                                         f"released as a project of its own, not {found.key} ({found.evidence})")
            self._cache[(source, scheme)] = found
        return found

    def _part(self, package: str, source: str, scheme: str, key: str) -> Identification | None:
        """The source project's part that its vendor files as a product of its own, named
        "<source>-<the binary's library name>": Alpine's libltdl, built from libtool, is
        gnu:libtool-ltdl, not GNU Libtool."""
        if not package.startswith("lib"):
            return None
        vendor = split_key(key)[0]
        for stem in repository_stems(package)[1:]:
            if stem.startswith("lib") or stem in source:
                continue
            # A lookup, not another reading: this runs for many libraries of a first report.
            kids = [k for k in self.index.by_product.get(compact(source + stem), ())
                    if k in self.index.current and split_key(self.index.keys[k])[0] == vendor and self.index.keys[k] != key]
            groups = {self.index.equivalents(k) for k in kids}
            if len(groups) == 1:
                found = self.index.keys[self.index.primary(tuple(kids))]
                return Identification(found, "exact", 0.85,
                                      f"{scheme} package '{package}' is library '{stem}' of source package '{source}' "
                                      f"({key}), which {vendor} files as a product of its own: {found}")
        return None

    @staticmethod
    def _vendor(key: str) -> str:
        return compact(split_key(key)[0])

    def _cves(self, key: str) -> int:
        """CVEs NVD files under the product of ``key`` (any of its keys)."""
        key_id = self.index.key_id.get(key)
        return 0 if key_id is None else sum(self.index.cve_count(k) for k in self.index.equivalents(key_id))

    def _same_product(self, key: str, other: str) -> bool:
        """The two keys are one product: the same, or NVD's names of one product (a mined group)."""
        if key == other:
            return True
        first, second = self.index.key_id.get(key), self.index.key_id.get(other)
        return first is not None and second is not None and second in self.index.equivalents(first)
