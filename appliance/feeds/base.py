"""The feed seam's interface: the shared record model, FeedInfo, Feed and FeedError."""

# Every reader module of this package (nvd20, nvd11, cpe_api, cpe_xml, cpe_csv,
# kev, trivy) exposes the same function:
#
#     read(path: str | os.PathLike[str]) -> Feed[Record]
#
# where Feed is the named pair (info, records): `info` is a FeedInfo describing
# the file and `records` a lazy iterator of frozen records of this module
# (CveRecord, CpeEntry, KevEntry or ScanFinding). Plain files and gzip files are both accepted;
# gzip is recognised by its magic bytes, not by the file name.
#
# Errors: any problem with the file (missing, truncated gzip, invalid JSON, JSON
# of the wrong shape, XML that is not well-formed, CSV without the expected
# columns, a record that cannot be mapped) raises FeedError, chained to the
# library error. read() checks what it can up front: for JSON, that the whole
# file is valid JSON with the expected top level and first record; for XML and
# CSV, the head of the file. Records are then decoded one at a time as they are
# iterated (a decoded NVD year never sits in memory whole; the CPE dictionary
# has ~1.5 million items in production), so a bad record further down raises
# FeedError while iterating: import inside a transaction.
#
# trivy is not in READERS (appliance.feeds): a Trivy report is an agent's scan result,
# not a vulnerability database a feed bundle is compiled from. Agents send it over the
# API, which decodes the same Structs (appliance.feeds.trivy.TrivyReport) from the body.

from __future__ import annotations

from typing import Generic, Iterator, Literal, NamedTuple, TypeVar

import msgspec

from appliance.errors import ApplianceError
from appliance.ids import CveId


class FeedError(ApplianceError):
    """A feed file cannot be read; the message names the file and what is wrong.

    Raised as ``raise FeedError(...) from exc`` so the library error stays
    available as ``__cause__``.
    """

    code = "feed_error"


Operator = Literal["OR", "AND"]


class CpeMatch(msgspec.Struct, frozen=True):
    """One CPE match criterion of a configuration node (NVD "cpeMatch").

    ``criteria`` is kept as the feed states it (a CPE 2.3 formatted string); it is
    not validated here because NVD has a few criteria a strict parser refuses
    (two in the 2022 1.1 file name vendor or product "*"/"-"). The four version
    bounds are only present on range criteria (criteria version "*").
    """

    criteria: str
    vulnerable: bool
    version_start_including: str | None = None
    version_start_excluding: str | None = None
    version_end_including: str | None = None
    version_end_excluding: str | None = None
    match_criteria_id: str | None = None


class ConfigNode(msgspec.Struct, frozen=True):
    """A node: its cpe_match criteria combined with ``operator``, inverted if ``negate``."""

    operator: Operator
    negate: bool
    cpe_match: tuple[CpeMatch, ...]


class Configuration(msgspec.Struct, frozen=True):
    """One configuration: nodes combined with ``operator``.

    ``operator`` is None when the configuration has a single node (NVD omits it
    then); "AND" typically joins an application node with a platform node whose
    criteria are ``vulnerable: false`` (e.g. Adobe Reader AND Windows). A CVE's
    configurations are alternatives: it applies if any one of them matches.
    """

    operator: Operator | None
    negate: bool
    nodes: tuple[ConfigNode, ...]


class Cvss(msgspec.Struct, frozen=True):
    """The CVSS score chosen for a CVE (see CveRecord)."""

    version: Literal["3.1", "3.0", "2.0"]
    base_score: float
    severity: str
    vector: str


class CveRecord(msgspec.Struct, frozen=True):
    """A CVE as the NVD feeds describe it.

    ``published``/``last_modified`` are kept as the feed writes them (NVD 2.0:
    "2023-08-23T17:15:43.863", NVD 1.1: "2022-01-12T18:15Z"); ``status`` is NVD's
    vulnStatus (None in the 1.1 feed, which has none); ``description`` is the
    English one ("" if there is none). ``references`` are the URLs NVD lists for the CVE, in
    feed order (advisories, patches, the project's repository or package page). ``cvss`` follows one rule: CVSS v3.1,
    else v3.0, else v2; within a version the metric of type "Primary" is
    preferred, else the first listed.
    ``cvss`` is None and ``configurations`` empty for records NVD has not
    analysed yet (status "Received"/"Awaiting Analysis").
    """

    id: CveId
    published: str
    last_modified: str
    status: str | None
    description: str
    cvss: Cvss | None
    configurations: tuple[Configuration, ...]
    references: tuple[str, ...] = ()


class CpeEntry(msgspec.Struct, frozen=True):
    """An entry of a CPE dictionary (XML 2.3, CPE API 2.0 or the vendor,product CSV).

    ``vendor``/``product``/``part`` are in the CPE 2.3 formatted-string binding, as
    in appliance.cpe.Cpe23 (e.g. ``1c\\:enterprise``), so ``vendor:product`` equals
    ``Cpe23.product_key``. ``cpe_name`` is the full CPE 2.3 name (None in the CSV,
    which lists vendor/product pairs only); ``title`` is the English title. ``references`` are
    the URLs the dictionary gives for the name (XML ``<references>``, API ``refs``; the vendor's
    site, the project's home page or repository, a package page), in feed order; none in the CSV.
    """

    vendor: str
    product: str
    part: str
    cpe_name: str | None
    title: str | None
    deprecated: bool
    deprecated_by: tuple[str, ...]
    references: tuple[str, ...] = ()

    @property
    def product_key(self) -> str:
        """``vendor:product``, the identity the matcher works with."""
        return f"{self.vendor}:{self.product}"


class KevEntry(msgspec.Struct, frozen=True):
    """One entry of CISA's Known Exploited Vulnerabilities catalog (dates are YYYY-MM-DD)."""

    cve_id: CveId
    vendor_project: str
    product: str
    vulnerability_name: str
    date_added: str
    due_date: str
    known_ransomware_campaign_use: str
    short_description: str
    required_action: str
    notes: str


class ScanFinding(msgspec.Struct, frozen=True, kw_only=True):
    """One vulnerability a scanner found in one package of an image or repository.

    ``target`` is the part of the artifact the package was found in (Trivy: the OS of the
    image, or a lock file / language runtime), ``target_class`` its kind (``os-pkgs``,
    ``lang-pkgs``) and ``target_type`` the package ecosystem (``alpine``, ``debian``,
    ``pip``). ``severity`` is the scanner's (``UNKNOWN`` when it gave none); ``cvss`` is one
    chosen base score with its vector and the source that scored it. Optional upstream
    fields the scanner left out are None.
    """

    vulnerability_id: str
    pkg_name: str
    installed_version: str
    target: str
    target_class: str = ""
    target_type: str = ""
    pkg_path: str | None = None
    purl: str | None = None
    fixed_version: str | None = None
    status: str | None = None
    severity: str = "UNKNOWN"
    cvss: float | None = None
    cvss_vector: str | None = None
    cvss_source: str | None = None
    title: str | None = None
    primary_url: str | None = None
    data_source: str | None = None

    @property
    def key(self) -> tuple[str, str, str, str]:
        """The finding's identity in an image: (vulnerability, package, installed version, target)."""
        return (self.vulnerability_id, self.pkg_name, self.installed_version, self.target)


class FeedInfo(msgspec.Struct, frozen=True):
    """What a feed file says about itself.

    ``format`` is the reader's name ("nvd20", "nvd11", "cpe_api", "cpe_xml",
    "cpe_csv", "kev", "trivy"). ``record_count`` is the number of records in the file, known
    up front for the JSON formats and None for the streamed XML and CSV formats.
    ``feed_date`` is the date the file states, if any: NVD ``timestamp`` (2.0, CPE
    API), ``CVE_data_timestamp`` (1.1), KEV ``dateReleased``, the CPE XML
    generator's timestamp, Trivy's ``CreatedAt``. ``feed_version`` is KEV's ``catalogVersion``.
    """

    format: str
    path: str
    record_count: int | None
    feed_date: str | None = None
    feed_version: str | None = None


R = TypeVar("R")


class Feed(NamedTuple, Generic[R]):
    """What ``read(path)`` returns: the file's FeedInfo and a lazy iterator of its records."""

    info: FeedInfo
    records: Iterator[R]
