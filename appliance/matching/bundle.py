r"""The bundled feed: NVD CVEs, CPE products and KEV compiled into one msgpack file plus a manifest.

Format 7 (``bundle.msgpack``, msgspec msgpack of ``Bundle``; ``BUNDLE_FORMAT`` bumps on change):
- ``keys``: every CPE ``vendor:product`` (formatted-string binding), sorted; other
  records refer to a product by its index in this list, which keeps the file and the
  in-memory index small.
- ``products``: one row per dictionary product: key index, a representative title
  without version (lower case, "" if the sources have none), when NVD deprecated
  every name of the product in favour of one other product that product's key index, and
  whether the product is current. When a vendor,product CSV is among the sources it is the
  complete list of current products (that is what the file is); products only older
  dictionaries list are kept, with their titles, but not offered for identification.
  Without a CSV, a product is current unless every one of its names is deprecated.
- ``cves``: per CVE its id, publication date, the CVSS score chosen by the feed reader
  (v3.1, else v3.0, else v2), NVD's lastModified (the later record wins when a refresh or
  import brings it again), the key indices of its vulnerable products, and its
  configurations as nested msgpack (decoded only when evaluated), criteria reduced to what
  matching needs (product index, part, version, update, target_sw, vulnerable, the four
  bounds) and criteria that can never hold for a software report (hardware) folded away.
  Since format 6, a CVE of several products also keeps, per product, that product's
  vulnerable criteria of each one-OR-node configuration (``own_criteria``), so evaluating one
  product does not decode every other product's criteria.
- ``kev``: CISA KEV entries (id, dateAdded, dueDate, knownRansomwareCampaignUse, name, and
  since format 4 the catalog's ``vendorProject`` and ``product`` strings).
- ``groups`` (format 4): product keys that are one product, mined by ``mine_groups``: the
  same vendor's keys whose names differ only in punctuation (``dell:command_\|_update`` and
  ``dell:command_update``) or by the vendor's name in front (``docker:docker_desktop`` and
  ``docker:desktop``); keys NVD deprecated in favour of another; one product's keys under
  vendors named after the product (``caddy_project``, ``caddyserver``); and keys of one
  product name that NVD lists together as vulnerable in one CVE; one vendor's keys whose
  dictionary titles (without versions) are the same; keys of one product name whose vendors
  are one organisation's name spelled two ways (``redis`` and ``redislabs``,
  ``netart_media`` and ``netartmedia``, ``filezilla-project`` and ``filezilla``:
  ``_organisation``; since session 14 also a domain's name and the name before a word
  organisations add, ``x.org`` and ``x``, ``eclipse_foundation`` and ``eclipse``:
  ``_organisations``; and initials, ``obdev`` and ``objective_development``: ``_abbreviates``),
  or whose dictionary titles are the same (``x:libxv`` and
  ``x.org:libxv``, both "X.Org libXv"); since session 19 a vendor's key spelled as the initials
  of one other of its products, which has CVEs (``mozilla:nss``, ``mozilla:network_security_services``); since session 21
  one organisation's product with both names spelled two ways (``web_wiz:newspad`` and
  ``webwiz:web_wiz_newspad``: ``_spelled_product``). Each group is a sorted
  tuple of key indices; CVE matching looks under every key of a group.
- ``names`` (format 4): how people say a product, mined from the KEV catalog: its
  ``vendorProject product`` and ``product`` strings, cleaned like display names, with the
  key index of the product NVD files the same CVE under ("goanywhere mft" ->
  fortra:goanywhere_managed_file_transfer). Only names that lead to one product are kept.
- ``spans`` and ``exact`` (format 4): per key index, which of its CVEs a version can match.
  ``spans``: for range criteria, packed int64 triples (highest, lowest, CVE position) sorted
  by highest, from the first two release numbers of the upper and lower bound as one number
  (``major``; a missing or unreadable bound is unbounded). ``exact``: for exact-version
  criteria, packed int64 pairs (hash of the release numbers, CVE position) sorted by hash.
  Matching an installed version looks only at CVEs with a span containing its number or an
  exact criterion with its release numbers, instead of every CVE of the product (see
  ``CpeIndex.cves_that_may_hold``); criteria with version "-" never hold and are left out.
- ``ecosystems`` (format 4): per ``target_sw`` value that names a package ecosystem
  (``node.js``, ``python``, ...), the key indices whose CVE criteria use it; pip and npm
  names are matched against these first.
- ``described`` (format 5, optional): per ecosystem (``python``, ``node.js``), the key
  indices whose CVE descriptions (or advisory-database references) name it (``mine_described``); pip and npm names use it when
  NVD files no ``target_sw``.
- ``references`` (format 5): names that reference URLs of dictionary items and CVEs give
  products (package pages, forge repositories, Play ids; ``references.names_in``), mined by
  ``mine_references``: per kind of name, rows of the name, the key index, its support and one URL.
- ``versions`` (format 7): every bound and exact version that a vulnerable criterion writes
  (an exact version also with its update, as ``update_suffix`` writes it: "8u221"), once each,
  sorted (``mine_spans``). The index reads their sort keys at load
  (``CpeIndex.version_keys``), so a first report does not read the same bounds again.
``manifest.json`` lists the sources (file name, format, date the file states, record count,
sha256), the counts and the bundle's own sha256.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import re
import zlib
from array import array
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

import msgspec

from appliance.cpe import ATTRIBUTES
from appliance.errors import ApplianceError
from appliance.feeds import CpeEntry, CveRecord, FeedError, KevEntry, read_any
from appliance.matching.normalize import clean_display_name, compact, cpe_words
from appliance.matching.references import REGISTRY_KINDS, names_in, page
from appliance.versions import GENERIC
from appliance.timeutil import now_iso

BUNDLE_FORMAT = 7
READABLE_FORMATS = (3, 4, 5, 6, 7)
BUNDLE_FILE = "bundle.msgpack"
log = logging.getLogger("sentrikat.matching")
MANIFEST_FILE = "manifest.json"


class BundleError(ApplianceError):
    """A bundle or its sources cannot be built or loaded."""

    code = "feed_error"


class BMatch(msgspec.Struct, array_like=True, frozen=True, gc=False):
    product: int
    part: str
    vulnerable: bool
    version: str
    update: str
    target_sw: str
    start_incl: str | None = None
    start_excl: str | None = None
    end_incl: str | None = None
    end_excl: str | None = None


class BNode(msgspec.Struct, array_like=True, frozen=True, gc=False):
    operator: str
    negate: bool
    matches: tuple[BMatch, ...]


class BConfig(msgspec.Struct, array_like=True, frozen=True, gc=False):
    operator: str
    negate: bool
    nodes: tuple[BNode, ...]


class BCve(msgspec.Struct, array_like=True, frozen=True, gc=False):
    """A CVE; ``configs`` stays msgpack bytes until a product it names is evaluated (configs_of).

    Decoding every configuration at load would build millions of small objects that most
    offices never look at; ``products`` (the key indices of its vulnerable criteria) is
    enough to index the CVE.
    """

    id: str
    published: str
    cvss_version: str | None
    score: float | None
    severity: str | None
    modified: str
    products: tuple[int, ...]
    configs: msgspec.Raw
    # Format 6: for a CVE of several products, per product (aligned with ``products``) its own
    # criteria (see own_criteria); empty for a CVE of one product and in older formats.
    own: tuple[msgspec.Raw, ...] = ()


_CONFIGS = msgspec.msgpack.Decoder(tuple[BConfig, ...])
_OWN = msgspec.msgpack.Decoder(tuple[tuple[BMatch, ...] | None, ...])
_ENCODER = msgspec.msgpack.Encoder()


def configs_of(cve: BCve) -> tuple[BConfig, ...]:
    return _CONFIGS.decode(cve.configs)


def one_or_node(config: BConfig) -> bool:
    """A configuration that is one OR node, neither negated: the most common shape, which the
    first of its product's vulnerable criteria that holds decides (evaluate.CveEvaluator)."""
    return len(config.nodes) == 1 and not config.negate and config.nodes[0].operator != "AND" and not config.nodes[0].negate


def own_criteria(cve: BCve, product: int) -> tuple[tuple[BMatch, ...] | None, ...] | None:
    """Per configuration of a CVE of several products, the vulnerable criteria of ``product`` in
    node order when the configuration is one OR node (None for any other configuration); None
    when the bundle keeps no such list for this CVE (one product, or an older format).

    Evaluating one product then decodes only its own criteria, not those of the other products
    a CVE lists (some list a hundred)."""
    if not cve.own:
        return None
    # (The product's position by bisection, ``products`` being sorted: a CVE may list a hundred.)
    products = cve.products
    position = bisect_left(products, product)
    if position == len(products) or products[position] != product:
        return None
    return _OWN.decode(cve.own[position])


def make_cve(cve_id: str, published: str, cvss_version: str | None, score: float | None, severity: str | None,
             modified: str, configs: tuple[BConfig, ...]) -> BCve:
    """A BCve with its configurations encoded, its vulnerable products listed and, for several
    products, each product's own criteria (``own_criteria``)."""
    products = sorted({m.product for c in configs for n in c.nodes for m in n.matches if m.vulnerable and m.product >= 0})
    own: tuple[msgspec.Raw, ...] = ()
    if len(products) > 1:
        own = tuple(
            msgspec.Raw(_ENCODER.encode(tuple(
                tuple(m for m in c.nodes[0].matches if m.vulnerable and m.product == product) if one_or_node(c) else None
                for c in configs
            )))
            for product in products
        )
    return BCve(cve_id, published, cvss_version, score, severity, modified, tuple(products),
                msgspec.Raw(_ENCODER.encode(configs)), own)


class BProduct(msgspec.Struct, array_like=True, frozen=True, gc=False):
    key: int
    title: str
    renamed_to: int = -1
    current: bool = True


class BKev(msgspec.Struct, array_like=True, frozen=True, gc=False):
    cve: str
    date_added: str
    due_date: str
    ransomware: str
    name: str
    vendor_project: str = ""
    product: str = ""


class BName(msgspec.Struct, array_like=True, frozen=True, gc=False):
    """A name people use for a product (cleaned like a display name), the key index and where it was found."""

    text: str
    key: int
    source: str


class BRef(msgspec.Struct, array_like=True, frozen=True, gc=False):
    """A name a reference URL gives a product (see ``mine_references``; rows are listed under
    their kind of name, ``references.KINDS``): the name (lower case), the key index, how many CVEs and dictionary
    products gave it, and the first such URL in sorted order, cut after the name (the evidence
    shown: https://github.com/strukturag/libde265, not a commit under it)."""

    name: str
    key: int
    support: int
    url: str


class Bundle(msgspec.Struct, frozen=True):
    format: int
    built_at: str
    keys: list[str]
    products: list[BProduct]
    cves: list[BCve]
    kev: list[BKev]
    groups: list[tuple[int, ...]] = []
    names: list[BName] = []
    ecosystems: dict[str, list[int]] = {}
    spans: list[bytes] = []
    exact: list[bytes] = []
    references: dict[str, list[BRef]] = {}
    described: dict[str, list[int]] = {}
    versions: list[str] = []


class SourceInfo(msgspec.Struct, frozen=True):
    file: str
    format: str
    feed_date: str | None
    records: int
    sha256: str


class Manifest(msgspec.Struct, frozen=True):
    format: int
    built_at: str
    sources: list[SourceInfo]
    products: int
    cpe_names: int
    cves: int
    cves_with_configurations: int
    kev: int
    bundle_sha256: str = ""


def _split_criteria(criteria: str) -> list[str] | None:
    """The eleven attribute values of a CPE 2.3 criteria string, or None if it is malformed."""
    if not criteria.startswith("cpe:2.3:"):
        return None
    values, current, escaped = [], [], False
    for char in criteria[8:]:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            current.append(char)
            escaped = True
        elif char == ":":
            values.append("".join(current))
            current = []
        else:
            current.append(char)
    values.append("".join(current))
    return values if len(values) == len(ATTRIBUTES) else None


def _never(match: BMatch) -> bool:
    """Criteria no report can satisfy: hardware (agents report software) and unnamed products."""
    return match.product < 0 or match.part == "h"


def _fold(config: BConfig) -> BConfig | None:
    """The configuration without parts that are constant, or None if it can never give a finding.

    Evaluation treats never-satisfiable criteria as false (see evaluate.py); removing them
    here gives the same answers with far less memory, as NVD's firmware and hardware
    configurations are a large share of all criteria. A finding needs the configuration to
    hold and a vulnerable criterion of the item in it; a configuration left with no criteria
    can never give one.
    """
    if config.negate:
        return config  # rare; evaluated exactly as written
    nodes: list[BNode] = []
    for node in config.nodes:
        if node.operator == "AND":
            constant = False if not node.matches or any(_never(m) for m in node.matches) else None
        else:
            node = msgspec.structs.replace(node, matches=tuple(m for m in node.matches if not _never(m)))
            constant = None if node.matches else False
        if constant is None:
            nodes.append(node)
            continue
        value = constant != node.negate
        if config.operator == "AND":
            if not value:
                return None  # one node can never hold, so the configuration cannot
            continue  # a node that always holds adds nothing to an AND
        if value:
            nodes.append(node)  # always holds in an OR: kept, evaluation gives the same answer
    return msgspec.structs.replace(config, nodes=tuple(nodes)) if nodes else None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class _Product:
    """What the dictionary sources say about one product while a bundle is compiled."""

    __slots__ = ("names", "deprecated", "titles", "successors", "current", "renamed_to", "abbreviations")

    def __init__(self) -> None:
        self.names = 0
        self.deprecated = 0
        self.titles: Counter[str] = Counter()
        self.successors: Counter[str] = Counter()
        self.current: bool | None = None  # None: decided from names and deprecations
        self.renamed_to: str | None = None  # kept from a base bundle when no new entry says otherwise
        self.abbreviations: set[str] = set()  # what its titles abbreviate it as (title_abbreviation)


class _Compiler:
    """Accumulates feed records, optionally on top of an existing bundle (refresh, import)."""

    def __init__(self, base: Bundle | None = None) -> None:
        self.key_ids: dict[str, int] = {}
        self.products: dict[int, _Product] = {}
        self.cves: dict[str, BCve] = {}
        self.kev: dict[str, BKev] = {}
        self.new_kev: dict[str, BKev] | None = None  # a KEV catalog in this build replaces the old one
        self.listed: set[int] | None = None  # products of a complete product list (the CSV)
        self.cpe_names = 0
        # Names reference URLs give (references.names_in): per dictionary product, and per CVE.
        self.cpe_refs: dict[int, dict[tuple[str, str], str]] = defaultdict(dict)
        self.cve_refs: dict[str, tuple[tuple[str, str, str], ...]] = {}
        self.base_refs: list[tuple[str, str, str, int, str]] = []  # (kind, name, key, support, url)
        # The ecosystem a CVE's description says its product belongs to ("written in Python").
        self.cve_langs: dict[str, str] = {}
        self.base_described: list[tuple[str, str]] = []  # (ecosystem, key)
        if base is not None:
            self._seed(base)

    def _seed(self, base: Bundle) -> None:
        for key in base.keys:
            self.key_ids[key] = len(self.key_ids)  # same order, so base indices stay valid
        for product in base.products:
            state = self.products.setdefault(product.key, _Product())
            state.names = 1
            if product.title:
                state.titles[product.title] = 1
            state.current = product.current
            if product.renamed_to >= 0:
                state.renamed_to = base.keys[product.renamed_to]
        for name in base.names:
            if name.source == _ABBREVIATION:
                self.products.setdefault(name.key, _Product()).abbreviations.add(name.text)
        self.cves = {cve.id: cve for cve in base.cves}
        self.kev = {entry.cve: entry for entry in base.kev}
        # The base bundle keeps mined reference names, not the URLs of each CVE: its rows are
        # kept as they are and the new sources' names are added to them.
        self.base_refs = [(kind, r.name, base.keys[r.key], r.support, r.url) for kind, rows in base.references.items() for r in rows]
        self.base_described = [(lang, base.keys[kid]) for lang, kids in base.described.items() for kid in kids]

    def key(self, vendor: str, product: str) -> int:
        return self.key_ids.setdefault(f"{vendor}:{product}", len(self.key_ids))

    def add_cpe(self, entry: CpeEntry, complete_list: bool = False) -> None:
        if entry.part != "a":
            # Agents report applications; operating systems and hardware are never identified
            # from an item (OS keys still exist where CVE criteria name them, for platform checks).
            return
        kid = self.key(entry.vendor, entry.product)
        if complete_list:
            self.listed = self.listed if self.listed is not None else set()
            self.listed.add(kid)
        state = self.products.get(kid)
        if state is None or state.current is not None:
            # A product seen for the first time in this build is judged on this build's
            # entries; a title it had before is kept until a new entry brings one.
            fresh = self.products[kid] = _Product()
            if state is not None:
                fresh.titles = state.titles
                fresh.abbreviations = state.abbreviations
            state = fresh
        self.cpe_names += 1
        state.names += 1
        for url in entry.references:
            for kind, name in names_in(url):
                found = self.cpe_refs[kid]
                found[(kind, name)] = min(found.get((kind, name), page(url, name)), page(url, name))
        if entry.title:
            title = clean_display_name(entry.title)
            if title:
                state.titles[title] += 1
            abbreviation = title_abbreviation(entry.title)
            if abbreviation:
                state.abbreviations.add(abbreviation)
        if entry.deprecated:
            state.deprecated += 1
            for successor in entry.deprecated_by:
                values = _split_criteria(successor)
                if values:
                    state.successors[f"{values[1]}:{values[2]}"] += 1

    def add_cve(self, record: CveRecord) -> None:
        known = self.cves.get(record.id)
        # The same CVE twice: the later modification wins; equal dates keep the later source.
        if known is None or record.last_modified >= known.modified:
            self.cves[record.id] = self.compile_cve(record)
            named = {}
            for url in sorted(record.references):
                for kind, name in names_in(url):
                    named.setdefault((kind, name), page(url, name))
            self.cve_refs[record.id] = tuple((kind, name, url) for (kind, name), url in sorted(named.items()))
            lang = cve_ecosystem(record.description, record.references)
            if lang:
                self.cve_langs[record.id] = lang
            else:
                self.cve_langs.pop(record.id, None)

    def add_kev(self, entry: KevEntry) -> None:
        if self.new_kev is None:
            self.new_kev = {}
        self.new_kev[entry.cve_id] = BKev(
            entry.cve_id, entry.date_added, entry.due_date, entry.known_ransomware_campaign_use, entry.vulnerability_name,
            entry.vendor_project, entry.product,
        )

    def compile_cve(self, record: CveRecord) -> BCve:
        configs = []
        for config in record.configurations:
            nodes = []
            for node in config.nodes:
                matches = []
                for m in node.cpe_match:
                    values = _split_criteria(m.criteria)
                    if values is None or values[1] in ("*", "-") or values[2] in ("*", "-"):
                        # A criterion that names no product cannot be matched precisely; NVD has a
                        # few (e.g. vendor "*" in the 2022 1.1 feed). It stays, as a never-true entry.
                        matches.append(BMatch(-1, values[0] if values else "a", m.vulnerable, "-", "*", "*"))
                        continue
                    matches.append(
                        BMatch(
                            self.key(values[1], values[2]),
                            values[0],
                            m.vulnerable,
                            values[3],
                            values[4],
                            values[8],
                            m.version_start_including,
                            m.version_start_excluding,
                            m.version_end_including,
                            m.version_end_excluding,
                        )
                    )
                nodes.append(BNode(node.operator, node.negate, tuple(matches)))
            folded = _fold(BConfig(config.operator or "OR", config.negate, tuple(nodes)))
            if folded is not None:
                configs.append(folded)
        cvss = record.cvss
        return make_cve(
            record.id,
            record.published[:10],
            cvss.version if cvss else None,
            cvss.base_score if cvss else None,
            cvss.severity.upper() if cvss else None,
            record.last_modified,
            tuple(configs),
        )

    def _abbreviations(self, new_id: dict[int, int]) -> list[BName]:
        """Each abbreviation the dictionary's titles give one product only, as a name of it
        (source ``abbreviation``); one that several products' titles use names none of them."""
        owners: dict[str, set[int]] = defaultdict(set)
        for kid, state in self.products.items():
            for text in state.abbreviations:
                owners[text].add(new_id[kid])
        return [BName(text, next(iter(kids)), _ABBREVIATION) for text, kids in sorted(owners.items()) if len(kids) == 1]

    def bundle(self) -> Bundle:
        # Renumber keys in sorted order so the bundle does not depend on source order.
        ordered = sorted(self.key_ids)
        new_id = {self.key_ids[key]: index for index, key in enumerate(ordered)}

        def remap(match: BMatch) -> BMatch:
            return msgspec.structs.replace(match, product=new_id[match.product]) if match.product >= 0 else match

        def renumbered(cve: BCve) -> BCve:
            configs = tuple(
                msgspec.structs.replace(
                    config,
                    nodes=tuple(
                        msgspec.structs.replace(node, matches=tuple(remap(m) for m in node.matches))
                        for node in config.nodes
                    ),
                )
                for config in configs_of(cve)
            )
            return make_cve(cve.id, cve.published, cve.cvss_version, cve.score, cve.severity, cve.modified, configs)

        cves = [renumbered(self.cves[cve_id]) for cve_id in sorted(self.cves)]
        products = []
        for old_id in sorted(self.products, key=lambda kid: new_id[kid]):
            state = self.products[old_id]
            # Most frequent cleaned title; ties go to the alphabetically first (never source order).
            title = min(state.titles.items(), key=lambda item: (-item[1], item[0]))[0] if state.titles else ""
            renamed = -1
            successor = state.renamed_to
            if state.names and state.deprecated == state.names and len(state.successors) == 1:
                (successor,) = state.successors
            if successor is not None and successor in self.key_ids and self.key_ids[successor] != old_id:
                renamed = new_id[self.key_ids[successor]]
            if self.listed is not None:
                current = old_id in self.listed
            elif state.current is not None:
                current = state.current
            else:
                current = state.deprecated < state.names
            products.append(BProduct(new_id[old_id], title, renamed, current))
        kev = self.new_kev if self.new_kev is not None else self.kev
        kev_list = [kev[cve] for cve in sorted(kev)]
        spans, exact, ecosystems, versions = mine_spans(len(ordered), cves)
        groups = mine_groups(ordered, products, cves)
        cpe_refs = {new_id[kid]: names for kid, names in self.cpe_refs.items()}
        base_refs = [(kind, name, new_id[self.key_ids[key]], support, url) for kind, name, key, support, url in self.base_refs]
        return Bundle(
            BUNDLE_FORMAT, now_iso(), ordered, products, cves, kev_list,
            groups, mine_names(ordered, cves, kev_list) + self._abbreviations(new_id), ecosystems, spans, exact,
            mine_references(ordered, products, cves, groups, self.cve_refs, cpe_refs, base_refs),
            mine_described(ordered, cves, self.cve_langs, [(lang, new_id[self.key_ids[key]]) for lang, key in self.base_described]),
            versions,
        )


# target_sw values of CVE criteria that name a package ecosystem (NVD writes npm packages
# as ...:*:*:*:*:node.js:*:* and pip packages as ...:python:*:*).
ECOSYSTEMS = ("node.js", "python", "ruby", "rust", "go", "php", "java", "perl", "wordpress", "jenkins")
# Words of a CVE description that say which package ecosystem its product belongs to ("Twisted
# is an event-based framework ... supporting Python 3.6+", "sharp is an application for
# Node.js image processing"). Prototype pollution is a JavaScript bug class. A description
# that names both ecosystems says neither.
_DESCRIBED = {
    "python": re.compile(r"\b(?:python|pypi|wsgi|django|jupyter)\b", re.IGNORECASE),
    "node.js": re.compile(r"\b(?:node\.?js|npm|prototype pollution)\b", re.IGNORECASE),
}


def described_ecosystem(description: str) -> str:
    """The one package ecosystem (python, node.js) a CVE description names, or ""."""
    found = [lang for lang, words in _DESCRIBED.items() if words.search(description or "")]
    return found[0] if len(found) == 1 else ""


# Advisory databases that list one ecosystem's packages only: a CVE among their entries is
# about a package of that ecosystem, whatever its description says ("Sqlalchemy mako before
# 1.2.2 is vulnerable to Regular expression Denial of Service" links pyup.io). pyup.io's Safety
# DB, the PyPA advisory database and OSV's PYSEC ids cover PyPI; the npm registry's advisories
# and the Node Security Project's cover npm.
_ADVISORY_DATABASES = {
    "python": re.compile(r"^https?://(?:www\.)?(?:pyup\.io/vulnerabilities/|github\.com/pypa/advisory-database/"
                         r"|osv\.dev/vulnerability/PYSEC-)", re.IGNORECASE),
    "node.js": re.compile(r"^https?://(?:www\.)?(?:npmjs\.com/advisories/|nodesecurity\.io/advisories/)", re.IGNORECASE),
}


def cve_ecosystem(description: str, references: Iterable[str] = ()) -> str:
    """The one package ecosystem (python, node.js) a CVE speaks of, by its description's words
    or by an advisory database of that ecosystem among its references; "" if none or both."""
    urls = tuple(references)
    found = {described_ecosystem(description)} | {lang for lang, site in _ADVISORY_DATABASES.items()
                                                   if any(site.match(url.strip()) for url in urls)}
    found.discard("")
    return found.pop() if len(found) == 1 else ""


def mine_described(keys: Sequence[str], cves: Sequence[BCve], cve_langs: dict[str, str],
                   base: Iterable[tuple[str, int]] = ()) -> dict[str, list[int]]:
    """Per ecosystem, the application keys whose CVEs name it (``cve_langs``: by description or
    by an advisory database of the ecosystem, ``cve_ecosystem``): at least half of the
    key's CVEs, each with one vulnerable application name (a description of several products
    says nothing of each; one Python-related CVE among GitLab's hundreds says nothing of GitLab)."""
    described: dict[str, set[int]] = defaultdict(set)
    for lang, kid in base:
        described[lang].add(kid)
    said: Counter[tuple[str, int]] = Counter()
    total: Counter[int] = Counter()
    for cve in cves:
        total.update(set(cve.products))
        lang = cve_langs.get(cve.id)
        if not lang:
            continue
        kids = {m.product for config in configs_of(cve) for node in config.nodes for m in node.matches
                if m.vulnerable and m.part == "a" and m.product >= 0}
        if kids and len({split_key(keys[k])[1] for k in kids}) == 1:
            said.update((lang, kid) for kid in kids)
    for (lang, kid), count in said.items():
        if 2 * count >= total[kid]:
            described[lang].add(kid)
    return {lang: sorted(kids) for lang, kids in sorted(described.items())}


# Vendor names NVD uses for "the project, vendor unknown": curl_project, caddy_project.
_PROJECT_SUFFIXES = ("_project", "-project", "_team", "_developers")


def _named_after(vendor: str, product: str) -> bool:
    """The vendor is named after the product: curl:curl, curl_project:curl, caddyserver:caddy, jqlang:jq."""
    v, p = compact(cpe_words(vendor)), compact(cpe_words(product))
    for suffix in _PROJECT_SUFFIXES:
        if vendor.endswith(suffix):
            v = compact(cpe_words(vendor[: -len(suffix)]))
    if not v or not p:
        return False
    # A daemon's name (session 18): supervisord:supervisor, cobblerd:cobbler, xlightftpd:xlight_ftp,
    # gtkftpd:gtkftp are every vendor of the dictionary spelled as its product with a "d".
    return v == p or (v.startswith(p) and len(p) >= 2 and v[len(p):] in _NAMED_AFTER_TAILS) or (v == p + "d" and len(p) >= 3)


# What vendors named after their product add to its name (caddyserver, jqlang, suricata-ids, nodejs).
_NAMED_AFTER_TAILS = {"server", "lang", "ids", "js", "project", "org", "dev", "io", "hq", "app", "labs", "team", "web", "db", "mail"}


# Words a company or foundation adds to its name as a word of its own (eclipse_foundation,
# langchain-ai, bloodshed_software, php_group, icq_inc). Not "technologies": skype and
# skype_technologies are NVD's old names of a product it now files as microsoft:skype, and
# display names keep such old and new names a tie without CVEs (display_names._one_organisation).
_ORGANISATION_WORDS = ("foundation", "ai", "inc", "software", "group", "corp")
# A vendor spelled as a domain name (x.org, caupo.net, eza.rock): the name before the dot. Only
# these endings: a dot also joins a person's names (alex.kirk).
_DOMAIN = re.compile(r"([a-z0-9][a-z0-9_\-]*)\.(?:org|net|com|io|co|jp|de|fr|it|nl|ru|cn|info|biz|app|dev|tech|rock|world|free)")


def _organisation(vendor: str) -> str:
    """A vendor's name without punctuation, NVD's project suffix or a tail organisations add to
    their name (``_NAMED_AFTER_TAILS``): redislabs, redis_labs and redis are "redis"."""
    for suffix in _PROJECT_SUFFIXES:
        vendor = vendor.removesuffix(suffix)
    name = compact(cpe_words(vendor))
    for tail in sorted(_NAMED_AFTER_TAILS, key=lambda t: (-len(t), t)):
        if name.endswith(tail) and len(name) > len(tail) + 1:
            return name[: -len(tail)]
    return name


def _organisations(vendor: str) -> set[str]:
    """The names a vendor's organisation goes by: ``_organisation``, and the name before a
    domain's ending (x.org: "x") or before a word organisations add (eclipse_foundation: "eclipse")."""
    found = {_organisation(vendor)}
    for suffix in _PROJECT_SUFFIXES:
        vendor = vendor.removesuffix(suffix)
    domain = _DOMAIN.fullmatch(vendor)
    if domain:
        found.add(compact(cpe_words(domain.group(1))))
    words = cpe_words(vendor).replace("-", " ").split()
    if len(words) > 1 and words[-1] in _ORGANISATION_WORDS:
        found.add(compact(" ".join(words[:-1])))
    return found


def _abbreviates(short: str, long: str) -> bool:
    """``short`` is ``long``'s words shortened and run together, every word kept and each by two
    letters or more (obdev: objective_development; ebmtech: ebm_technologies). NVD's project
    placeholder is not a word of the organisation's name (filemanagerpro is not file_manager_project)."""
    if long.endswith(_PROJECT_SUFFIXES):
        return False
    words = cpe_words(long).replace("-", " ").split()
    wanted = compact(cpe_words(short))
    if len(words) < 2 or not wanted or wanted == compact(" ".join(words)):
        return False

    def rest(text: str, position: int) -> bool:
        if position == len(words):
            return not text
        word = words[position]
        return any(text.startswith(word[:n]) and rest(text[n:], position + 1) for n in range(min(len(word), len(text)), 1, -1))

    return rest(wanted, 0)


def split_key(key: str) -> tuple[str, str]:
    """``vendor:product`` -> (vendor, product); a quoted colon (``1c:1c\\:enterprise``) stays in the product."""
    if "\\" not in key:
        vendor, colon, product = key.partition(":")  # (no quoting: the first colon, most keys)
        if colon:
            return vendor, product
    position = 0
    while True:
        position = key.index(":", position)
        if position == 0 or key[position - 1] != "\\":
            return key[:position], key[position + 1 :]
        position += 1


def _spelled_product(organisations: Sequence[str], vendor: str, name: str) -> str:
    """A product name run together without the longest of its vendor's names in front (session 21:
    "richtexteditor" of web_wiz_rich_text_editor by webwiz), or as it is."""
    for organisation in sorted({*organisations, vendor}, key=lambda o: (-len(o), o)):
        if organisation and name.startswith(organisation) and len(name) > len(organisation) + 2:
            return name[len(organisation):]
    return name


def mine_groups(keys: Sequence[str], products: Sequence[BProduct], cves: Sequence[BCve]) -> list[tuple[int, ...]]:
    """Key indices that are one product (see the module docstring), as sorted tuples of two or more."""
    parent = list(range(len(keys)))

    def find(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    split = [split_key(key) for key in keys]
    product_names = [compact(cpe_words(product)) for _, product in split]
    by_vendor_name: dict[tuple[str, str], list[int]] = defaultdict(list)
    by_name: dict[str, list[int]] = defaultdict(list)
    for kid, (vendor, _) in enumerate(split):
        name = product_names[kid]
        by_vendor_name[(vendor, name)].append(kid)
        by_name[name].append(kid)
    for (vendor, name), kids in by_vendor_name.items():
        for other in kids[1:]:
            union(kids[0], other)  # dell:command_\|_update and dell:command_update
        prefix = compact(cpe_words(vendor))
        if prefix and name.startswith(prefix) and len(name) > len(prefix) + 2:
            # docker:docker_desktop is docker:desktop: the vendor's name in front adds nothing.
            for other in by_vendor_name.get((vendor, name[len(prefix):]), ()):
                union(kids[0], other)
    organisations: dict[str, list[str]] = {}  # vendor -> _organisations, computed once per vendor
    by_vendor_title: dict[tuple[str, str], list[int]] = defaultdict(list)
    for product in products:
        if product.renamed_to >= 0:
            union(product.key, product.renamed_to)
        vendor = split[product.key][0]
        if product.title and compact(product.title) != compact(cpe_words(vendor)):
            by_vendor_title[(vendor, product.title)].append(product.key)
    for kids in by_vendor_title.values():
        for other in kids[1:]:
            union(kids[0], other)  # one vendor's keys with the same dictionary title
    for name, kids in by_name.items():
        named = [k for k in kids if _named_after(split[k][0], split[k][1])]
        for other in named[1:]:
            union(named[0], other)  # curl:curl, curl_project:curl
        if len(kids) > 1:
            # One organisation under two spellings of its name: with punctuation or without
            # (netart_media, netartmedia), with a tail or without (redis, redislabs; go,
            # golang): the same product name under both is one product.
            by_organisation: dict[str, list[int]] = defaultdict(list)
            for kid in kids:
                vendor = split[kid][0]
                if vendor not in organisations:
                    organisations[vendor] = sorted(_organisations(vendor))
                for organisation in organisations[vendor]:
                    by_organisation[organisation].append(kid)
            for same in by_organisation.values():
                for other in same[1:]:
                    union(same[0], other)
            # One organisation under its name and under its initials (obdev and
            # objective_development, marlam and martin_lambers).
            written = {kid: compact(cpe_words(split[kid][0])) for kid in kids}
            for kid in kids:
                for other in kids:
                    # Initials start as the long name does and are shorter (a cheap test first).
                    if (written[kid][:2] == written[other][:2] and len(written[kid]) < len(written[other])
                            and _abbreviates(split[kid][0], split[other][0])):
                        union(kid, other)
    # Session 21: one organisation's product with both names spelled two ways, the vendor's as
    # above (web_wiz, webwiz; trend_micro_inc, trendmicro) and the product's with the
    # organisation's name in front or not (webwiz:web_wiz_rich_text_editor and
    # web_wiz:rich_text_editor; gdata-software:g_data_antivirus and gdata:antivirus).
    by_spelling: dict[tuple[str, str], list[int]] = defaultdict(list)
    for kid, (vendor, _) in enumerate(split):
        if vendor not in organisations:
            organisations[vendor] = sorted(_organisations(vendor))
        by_spelling_key = _spelled_product(organisations[vendor], compact(cpe_words(vendor)), product_names[kid])
        for organisation in organisations[vendor]:
            by_spelling[(organisation, by_spelling_key)].append(kid)
    for kids in by_spelling.values():
        for other in kids[1:]:
            union(kids[0], other)
    by_title: dict[tuple[str, str], list[int]] = defaultdict(list)
    for product in products:
        if product.title:
            by_title[(compact(cpe_words(split[product.key][1])), product.title)].append(product.key)
    for kids in by_title.values():
        for other in kids[1:]:
            # One product name under several vendors with the same 2015 dictionary title: the
            # dictionary calls them the same software (x:libxv and x.org:libxv, both "X.Org
            # libXv"; gimp:gimp and gnu:gimp, both "GIMP").
            union(kids[0], other)
    # One vendor's product under its initials (session 19): mozilla:nss is the initials of
    # mozilla:network_security_services, bestpractical:rt of request_tracker. Only when the short
    # key has no CVE in the feed and exactly one product of its vendor, which has, spells it out:
    # NVD's CVEs of the product are filed under the long name (cisco:ios, with CVEs of its own,
    # is not cisco:ir510_operating_system).
    with_cves = {kid for cve in cves for kid in cve.products}
    by_initials: dict[tuple[str, str], list[int]] = defaultdict(list)
    for kid, (vendor, product) in enumerate(split):
        words = cpe_words(product).replace("-", " ").split()
        if len(words) >= 3 and kid in with_cves:
            by_initials[(vendor, "".join(word[0] for word in words))].append(kid)
    for (vendor, initials), long in by_initials.items():
        short = by_vendor_name.get((vendor, initials), ())
        if len(long) == 1 and len(short) == 1 and short[0] not in with_cves:
            union(short[0], long[0])
    for cve in cves:
        if len(cve.products) < 2:
            continue
        seen: dict[str, int] = {}
        for kid in cve.products:
            name = compact(cpe_words(split[kid][1]))
            if name in seen:
                union(seen[name], kid)  # NVD lists both names of the product as vulnerable in one CVE
            else:
                seen[name] = kid
    members: dict[int, list[int]] = defaultdict(list)
    for kid in range(len(keys)):
        members[find(kid)].append(kid)
    return sorted(tuple(m) for m in members.values() if len(m) > 1)


# Session 19: the source of names that dictionary titles abbreviate products as ("Intel Threading
# Building Blocks (TBB)", "Mozilla Netscape Portable Runtime (NSPR)", "Nagios Remote Plug-In
# Executor (NRPE)"): distributions name such packages by the abbreviation (tbb, libtbb12, nspr, nrpe).
_ABBREVIATION = "abbreviation"
_ABBREVIATED = re.compile(r"^(?P<words>[^()]+?)\s*\((?P<short>[A-Za-z][A-Za-z0-9+]{1,9})\)")


def title_abbreviation(title: str) -> str:
    """The abbreviation a dictionary title gives in parentheses right after the product's words,
    lower-cased ("tbb" of "Intel Threading Building Blocks (TBB) 2.2"), or "". It must be the
    initials of the last words before it, each word giving its first letter and perhaps more of
    its letters in order ("NSPR": Netscape, Portable, Runtime), so that a platform or edition in
    parentheses ("Wireshark (SPARC)", "(x64)") gives nothing."""
    match = _ABBREVIATED.match(title.strip())
    if not match or sum(c.isupper() for c in match.group("short")) < 2:
        return ""
    short = match.group("short").lower()
    words = [w for w in re.split(r"[\s_]+", match.group("words").lower()) if w]
    for start in range(len(words)):
        if _initials(short, words[start:]):
            return short if len(words) - start >= 2 else ""
    return ""


def _initials(short: str, words: list[str]) -> bool:
    """Whether ``short`` spells ``words`` (all of them, in order), each word giving its first
    letter and perhaps further letters of it in order."""
    if not words:
        return not short
    word = words[0]
    if not short or short[0] != word[0]:
        return False
    # The first letter, then any letters of the word in order, before the next word's part.
    for taken in range(1, len(short) + 1):
        if _subsequence(short[1:taken], word[1:]) and _initials(short[taken:], words[1:]):
            return True
    return False


def _subsequence(part: str, word: str) -> bool:
    letters = iter(word)
    return all(c in letters for c in part)


def mine_names(keys: Sequence[str], cves: Sequence[BCve], kev: Sequence[BKev]) -> list[BName]:
    """KEV's spellings of products, each with the one product NVD files the same CVEs under."""
    split = [split_key(key) for key in keys]
    products_of = {cve.id: cve.products for cve in cves}
    found: dict[str, Counter[int]] = defaultdict(Counter)
    for entry in kev:
        if not entry.product:
            continue
        vendor = compact(entry.vendor_project)
        # Of the CVE's vulnerable products, those of the catalog's vendor (or, failing a vendor
        # match, all of them, when there is only one).
        kids = products_of.get(entry.cve, ())
        own = [k for k in kids if vendor and (compact(cpe_words(split[k][0])).startswith(vendor) or vendor.startswith(compact(cpe_words(split[k][0]))))]
        chosen = set(own) if own else set(kids)
        if len(chosen) != 1:
            continue
        (kid,) = chosen
        for text in (f"{entry.vendor_project} {entry.product}", entry.product):
            cleaned = clean_display_name(text)
            if cleaned and compact(cleaned) != vendor:
                found[cleaned][kid] += 1
    names = []
    for text, counts in sorted(found.items()):
        ranked = counts.most_common()
        if len(ranked) == 1 or ranked[0][1] > ranked[1][1]:
            names.append(BName(text, ranked[0][0], "kev"))
    return names


# A product that collects more package names of one registry than this from its CVEs is a
# catch-all, not one package: NVD files malicious PyPI uploads under python:pypi.
_CATCH_ALL = 3
# Product names of the package registries themselves.
_REGISTRIES = {"pypi", "npm", "npmjs", "rubygems", "rubygemsorg", "packagist", "cratesio", "crates", "pkggodev"}
# A CVE whose references name more repositories than this links the projects a shared flaw affects.
_COLLECTION = 3
# A repository that URLs give to this many products or more (groups count once), none of them
# spelled like it, is a collection that CVEs cite, not a product's home: exploit modules
# (github.com/rapid7/metasploit-framework, linked from the CVEs of VICIdial, ScreenConnect,
# GoAnywhere MFT, Zimbra...) or a researcher's write-ups ("vul", "cms", "2022").
_SHARED_REPOSITORY = 3


def mine_references(
    keys: Sequence[str], products: Sequence[BProduct], cves: Sequence[BCve], groups: Sequence[tuple[int, ...]],
    cve_refs: dict[str, tuple[tuple[str, str, str], ...]], cpe_refs: dict[int, dict[tuple[str, str], str]],
    base: Sequence[tuple[str, str, int, int, str]] = (),
) -> dict[str, list[BRef]]:
    """Names that reference URLs give products (references.names_in), with their support.

    A dictionary product's own references name it. A CVE's references name its vulnerable
    application when it has one (keys of one mined group count as one); when it has several, or
    its references name more than ``_COLLECTION`` repositories, a name goes only to the one
    product spelled like it, else to none: a CVE of a library and the programs that bundle it
    links the library's repository, not the programs'. Support counts
    the CVEs and dictionary products that gave a name; a product that collects more than
    ``_CATCH_ALL`` names of one registry from CVEs is a catch-all and keeps none of them, and so
    does a product that is the registry itself (python:pypi). A repository given to
    ``_SHARED_REPOSITORY`` products or more, none spelled like it, names none of them (session 21).
    """
    applications = {product.key for product in products}
    root = {kid: group[0] for group in groups for kid in group}
    for product in products:
        if product.renamed_to >= 0:
            root.setdefault(product.key, root.get(product.renamed_to, product.renamed_to))
    spelled = {kid: compact(cpe_words(split_key(keys[kid])[1])) for kid in applications}
    support: Counter[tuple[str, str, int]] = Counter()
    first_url: dict[tuple[str, str, int], str] = {}
    from_cves: dict[tuple[int, str], set[str]] = defaultdict(set)

    def give(kind: str, name: str, kid: int, url: str, count: int = 1) -> None:
        row = (kind, name, kid)
        support[row] += count
        first_url[row] = min(first_url.get(row, url), url)

    for cve in cves:
        named = cve_refs.get(cve.id)
        kids = [k for k in cve.products if k in applications]
        if not named or not kids:
            continue
        owners = {root.get(k, k) for k in kids}
        # A CVE that links many repositories is about a protocol or a shared flaw (HTTP/2 Rapid
        # Reset, CVE-2023-44487, links the fixes of kubernetes, etcd, tomcat...): those are the
        # projects it affects, not names of the product NVD files it under.
        collection = len({name for kind, name, _ in named if kind == "repo"}) > _COLLECTION
        for kind, name, url in named:
            if len(owners) == 1 and not (collection and kind == "repo"):
                chosen = kids
            else:
                chosen = [k for k in kids if spelled[k] == compact(name.rsplit("/", 1)[-1])]
                if len({root.get(k, k) for k in chosen}) != 1:
                    continue
            for kid in chosen:
                give(kind, name, kid, url)
                if kind in REGISTRY_KINDS:
                    from_cves[(kid, kind)].add(name)
    for kid, named in cpe_refs.items():
        for (kind, name), url in named.items():
            give(kind, name, kid, url)
    for kind, name, kid, count, url in base:
        give(kind, name, kid, url, count)
    catch_all = {key for key, names in from_cves.items() if len(names) > _CATCH_ALL}
    given: dict[str, set[int]] = defaultdict(set)
    for kind, name, kid in support:
        if kind == "repo":
            given[name].add(kid)
    shared = {name for name, kids in given.items() if len({root.get(k, k) for k in kids}) >= _SHARED_REPOSITORY
              and compact(name.rsplit("/", 1)[-1]) not in {spelled.get(k) for k in kids}}
    rows: dict[str, list[BRef]] = {}
    for (kind, name, kid), count in sorted(support.items()):
        # The registry itself (python:pypi, for a malicious upload) is none of its packages.
        if (kid, kind) not in catch_all and spelled.get(kid) not in _REGISTRIES and not (kind == "repo" and name in shared):
            rows.setdefault(kind, []).append(BRef(name, kid, count, first_url[(kind, name, kid)]))
    return rows


# A span bound is the first two release numbers of a version as one integer (major * 2**20 +
# minor, each clamped): GENERIC orders versions by their release numbers first, so this
# number never decreases as versions increase, and a CVE none of whose spans contains the
# installed version's number cannot apply to it.
_MINOR = 1 << 20
_FIRST_LIMIT = 1 << 40
_DOTTED = tuple(".".join(["%d"] * count) for count in range(9))
SPAN_UNBOUNDED = (1 << 62) - 1


def version_position(version: str | None, key: tuple | None = None) -> tuple[int, int] | None:
    """A version's span number (its first two release numbers as one number) and a stable hash
    of all its release numbers ("1.9.5p1" and "1.9.5" share (1, 9, 5)); None if unreadable.
    ``key``: GENERIC.key(version), when the caller has read it already (used only for a
    version without a backslash, whose key this is)."""
    if not version or version in ("*", "-"):
        return None
    if key is None or "\\" in version:
        key = GENERIC.key(version.replace("\\", ""))
    if key is None:
        return None
    release = key[0]
    count = len(release)
    first = release[0] if count else 0
    if first > _FIRST_LIMIT:
        first = _FIRST_LIMIT
    second = release[1] if count > 1 else 0
    if second >= _MINOR:
        second = _MINOR - 1
    # (The release numbers joined by dots: "%d.%d.%d" % release for up to eight of them,
    # what ".".join(map(str, release)) writes, without a str per number.)
    dotted = _DOTTED[count] % release if count < len(_DOTTED) else ".".join(map(str, release))
    return first * _MINOR + second, zlib.crc32(dotted.encode())


def major(version: str | None) -> int | None:
    """The span number of a version, or None if unreadable."""
    found = version_position(version)
    return None if found is None else found[0]


def release_hash(version: str | None) -> int | None:
    """The stable hash of a version's release numbers, or None if unreadable."""
    found = version_position(version)
    return None if found is None else found[1]


# NVD sometimes bounds a range with a calendar date where the product numbers its releases
# otherwise: CVE-2022-2785 gives linux:linux_kernel "versionEndExcluding 2022-08-10", which every
# kernel 6.x would sort below; the 2022 feed has about 450 such bounds (gpac:gpac, firmware).
# Evaluation compares such a bound only with a version that begins with a year (evaluate.py);
# the index notes which of the bundle's versions are dates at load (CpeIndex.dated_versions).
DATE_BOUND = re.compile(r"^(?:19|20)\d\d[-.]?(?:0[1-9]|1[0-2])[-.]?(?:0[1-9]|[12]\d|3[01])$")


def is_date_bound(text: str) -> bool:
    """The bound or version is written as a calendar date (DATE_BOUND; most begin otherwise, so
    the pattern runs only for a text that begins with "19" or "20")."""
    return text[:2] in ("19", "20") and DATE_BOUND.match(text) is not None

# NVD writes update components in words; installed versions write them short:
# cpe:2.3:a:sudo_project:sudo:1.9.5:patch1 is sudo "1.9.5p1" (evaluate compares the version
# with the exact version and its update written so; mine_spans lists that text in ``versions``).
# ("update_" before "update"; the words begin differently otherwise, so the order changes no
# result, and updates, Java's, are the most common.)
_UPDATE_WORDS = (("update_", "u"), ("update", "u"), ("patch", "p"), ("build", "b"))


def update_suffix(update: str) -> str:
    """A criterion's update component as installed versions write it after the version ("update321" -> "u321")."""
    for word, short in _UPDATE_WORDS:
        if update.startswith(word):
            return short + update[len(word) :]
    return update


def _span(match: BMatch) -> tuple[int, int]:
    """(lowest, highest) span number a range criterion can hold for; unbounded sides are -1 / SPAN_UNBOUNDED."""
    low = major(match.start_incl or match.start_excl)
    high = major(match.end_incl or match.end_excl)
    return (-1 if low is None else low, SPAN_UNBOUNDED if high is None else high)


def mine_spans(key_count: int, cves: Sequence[BCve]) -> tuple[list[bytes], list[bytes], dict[str, list[int]], list[str]]:
    """Per key, its CVEs' range spans and exact release hashes (see the module docstring); per
    package ecosystem, the keys whose vulnerable criteria name it as target_sw; and every bound
    and exact version of a vulnerable criterion (``Bundle.versions``)."""
    ranges: dict[int, set[tuple[int, int, int]]] = defaultdict(set)
    exact: dict[int, set[tuple[int, int]]] = defaultdict(set)
    ecosystems: dict[str, set[int]] = defaultdict(set)
    versions: set[str] = set()
    for position, cve in enumerate(cves):
        for config in configs_of(cve):
            for node in config.nodes:
                for match in node.matches:
                    if not match.vulnerable or match.product < 0:
                        continue
                    if match.target_sw in ECOSYSTEMS:
                        ecosystems[match.target_sw].add(match.product)
                    if match.version == "-":
                        continue  # "not applicable" never holds for an installed version
                    if match.version in ("*", ""):
                        versions.update(b for b in (match.start_incl, match.start_excl, match.end_incl, match.end_excl) if b)
                        low, high = _span(match)
                        ranges[match.product].add((high, low, position))
                        continue
                    # An exact version (with or without an update) holds only for versions with
                    # the same release numbers: "1.9.5" update "*" also holds for "1.9.5p1".
                    versions.add(match.version)
                    if match.update not in ("*", "-", ""):
                        versions.add(match.version + update_suffix(match.update))
                    hashed = release_hash(match.version)
                    if hashed is None:
                        ranges[match.product].add((SPAN_UNBOUNDED, -1, position))
                    else:
                        exact[match.product].add((hashed, position))
    range_rows = [b""] * key_count
    for kid, found in ranges.items():
        range_rows[kid] = array("q", [value for row in sorted(found) for value in row]).tobytes()
    exact_rows = [b""] * key_count
    for kid, pairs in exact.items():
        exact_rows[kid] = array("q", [value for row in sorted(pairs) for value in row]).tobytes()
    return range_rows, exact_rows, {name: sorted(kids) for name, kids in sorted(ecosystems.items())}, sorted(versions)


def source_files(paths: Iterable[Path]) -> list[Path]:
    """Files named directly, and the feed files inside named folders, in a stable order."""
    files: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files += sorted(
                p for p in path.iterdir()
                if p.is_file() and p.name not in (BUNDLE_FILE, MANIFEST_FILE) and p.suffix in (".json", ".gz", ".xml", ".csv")
                and not p.name.endswith("schema.json")
            )
        elif path.is_file():
            files.append(path)
        else:
            raise BundleError(f"feed source {path} does not exist")
    return files


def compile_sources(paths: Sequence[Path], progress=None, base: Bundle | None = None, base_manifest: Manifest | None = None) -> tuple[Bundle, Manifest]:
    """Read every source with its format's reader and compile one bundle; FeedError names a bad file.

    With ``base``, the sources are applied on top of an existing bundle: CVEs by id (later
    lastModified wins), dictionary products by key, and a KEV catalog replaces the old one.
    """
    compiler = _Compiler(base)
    sources = list(base_manifest.sources) if base_manifest else []
    for path in source_files(paths):
        try:
            feed = read_any(path)
            count = 0
            for record in feed.records:
                count += 1
                if isinstance(record, CveRecord):
                    compiler.add_cve(record)
                elif isinstance(record, CpeEntry):
                    compiler.add_cpe(record, complete_list=feed.info.format == "cpe_csv")
                elif isinstance(record, KevEntry):
                    compiler.add_kev(record)
        except FeedError as exc:
            raise BundleError(str(exc)) from exc
        sources.append(SourceInfo(path.name, feed.info.format, feed.info.feed_date, count, _sha256(path)))
        if progress:
            progress(path, count)
    bundle = compiler.bundle()
    manifest = Manifest(
        format=BUNDLE_FORMAT,
        built_at=bundle.built_at,
        sources=sources,
        products=len(bundle.products),
        cpe_names=compiler.cpe_names + (base_manifest.cpe_names if base_manifest else 0),
        cves=len(bundle.cves),
        cves_with_configurations=sum(1 for cve in bundle.cves if cve.products),
        kev=len(bundle.kev),
    )
    return bundle, manifest


def write_bundle(bundle: Bundle, manifest: Manifest, out_dir: Path) -> Manifest:
    """Write bundle and manifest atomically (temporary files renamed into place)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    data = msgspec.msgpack.encode(bundle)
    manifest = msgspec.structs.replace(manifest, bundle_sha256=hashlib.sha256(data).hexdigest())
    for name, payload in ((BUNDLE_FILE, data), (MANIFEST_FILE, msgspec.json.format(msgspec.json.encode(manifest)))):
        temporary = out_dir / (name + ".tmp")
        temporary.write_bytes(payload)
        temporary.replace(out_dir / name)
    return manifest


def read_manifest(directory: Path) -> Manifest:
    try:
        return msgspec.json.decode((directory / MANIFEST_FILE).read_bytes(), type=Manifest)
    except (OSError, msgspec.DecodeError) as exc:
        raise BundleError(f"cannot read {directory / MANIFEST_FILE}: {exc}") from exc


def load_bundle(directory: Path) -> Bundle:
    """Decode a bundle; the garbage collector is paused, as the records hold no cycles."""
    path = directory / BUNDLE_FILE
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BundleError(f"cannot read bundle {path}: {exc}") from exc
    enabled = gc.isenabled()
    gc.disable()
    try:
        bundle = msgspec.msgpack.decode(data, type=Bundle)
    except msgspec.DecodeError as exc:
        raise BundleError(f"bundle {path} is corrupt: {exc}") from exc
    finally:
        if enabled:
            gc.enable()
    if bundle.format not in READABLE_FORMATS:
        raise BundleError(f"bundle {path} has format {bundle.format}; this program reads formats {READABLE_FORMATS}")
    if bundle.format != BUNDLE_FORMAT:
        # Formats 3 to 6 are format 7 without the fields added since: they decode with them
        # empty, so an upgraded appliance keeps its feed (and its refreshes, which compile on
        # top of it and write format 7) instead of losing it. Until then format 3 has no mined
        # groups, KEV names or version spans (evaluation then looks at every CVE of a product),
        # formats 3 and 4 have no reference names, and without format 6's per-product criteria
        # evaluation decodes a CVE's whole configurations, and without format 7's version texts
        # a first report reads the sort keys of its criteria's bounds itself (the same findings,
        # a little slower).
        log.warning("feed bundle %s has format %d: what later formats add (mined evidence, per-product criteria) is missing until the next feed "
                    "refresh or rebuild", path, bundle.format)
    return bundle
