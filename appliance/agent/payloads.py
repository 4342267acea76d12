"""Agent payload formats: the contract's request and response Structs, their decoding, and the seam's errors."""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from typing import Annotated, Any, Literal, TypeVar

import msgspec

from appliance.cpe import CpeError, parse_cpe23
from appliance.errors import ApplianceError
from appliance.feeds.trivy import TrivyReport, image_reference
from appliance.ids import AssetId

# Control characters (NUL included) are refused in names: they are never part of a real
# hostname or program name, and they break logs, CSV exports and terminals downstream.
_PRINTABLE = r"^[^\x00-\x1f\x7f]*$"
Hostname = Annotated[str, msgspec.Meta(min_length=1, max_length=255, pattern=_PRINTABLE)]
Text = Annotated[str, msgspec.Meta(max_length=1024, pattern=_PRINTABLE)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=1024, pattern=_PRINTABLE)]
Version = Annotated[str, msgspec.Meta(max_length=256, pattern=_PRINTABLE)]
Tag = Annotated[str, msgspec.Meta(min_length=1, max_length=128, pattern=_PRINTABLE)]
DbInt = Annotated[int, msgspec.Meta(ge=1, le=2**63 - 1)]


# Unicode categories never part of a hostname: controls (Cc), formatting characters (Cf: the
# bidirectional overrides U+202A-U+202E and isolates U+2066-U+2069, zero-width characters,
# the BOM), line and paragraph separators (Zl, Zp), surrogates (Cs), private use (Co) and
# unassigned code points (Cn). A bidi override makes "exe.4102-cfe" display as another name in
# the status page, logs and terminals (CVE-2021-42574, "Trojan Source").
_NOT_IN_HOSTNAMES = {
    "Cc": "a control character",
    "Cf": "a formatting character (bidirectional override, zero-width or similar)",
    "Zl": "a line separator",
    "Zp": "a paragraph separator",
    "Cs": "a surrogate",
    "Co": "a private-use character",
    "Cn": "an unassigned character",
}


def hostname_problem(hostname: str) -> str | None:
    """Why ``hostname`` cannot be stored, naming the first offending character; None if it can."""
    for position, char in enumerate(hostname):
        kind = _NOT_IN_HOSTNAMES.get(unicodedata.category(char))
        if kind is not None:
            name = unicodedata.name(char, "")
            return (
                f"hostname contains U+{ord(char):04X}{' ' + name if name else ''} at position {position}, {kind};"
                " hostnames must be plain printable text"
            )
    return None


def check_hostname(hostname: str, field: str = "hostname") -> None:
    """PayloadError (400) naming the character if the hostname holds one that must never be stored."""
    problem = hostname_problem(hostname)
    if problem is not None:
        raise PayloadError(problem, field=field)


class _CheckedHostname:
    """Mixin for Structs with a ``hostname``: msgspec runs __post_init__ after decoding, and turns
    the ValueError into a ValidationError that payload_error maps to field ``hostname``."""

    hostname: str

    def __post_init__(self) -> None:
        problem = hostname_problem(self.hostname)
        if problem is not None:
            raise ValueError(problem)


class PayloadError(ApplianceError):
    """The request body cannot be accepted; ``field`` names the offending path."""

    code = "invalid_request"


class PayloadTooLarge(PayloadError):
    code = "payload_too_large"


class UnsupportedMediaType(PayloadError):
    code = "unsupported_media_type"


class FullReportRequired(PayloadError):
    code = "full_report_required"


class HostnameConflict(ApplianceError):
    """The hostname belongs to an asset of another organization."""

    code = "hostname_conflict"


# Our extension of the contract: where the item came from, one of appliance.matching.base.SOURCES.
Source = Literal["windows_program", "macos_app", "homebrew", "dpkg", "rpm", "apk", "pip", "npm", "other"]
# Our extension too: the distribution source package a binary package was built from (dpkg's
# source:Package, rpm's SOURCERPM without version and release, apk's origin). Package names are
# letters, digits and ". _ + -" (Debian Policy 5.6.1; rpm and apk add upper case and "_");
# "" means unknown, as if the field were absent.
SOURCE_PACKAGE_PATTERN = r"^([A-Za-z0-9][A-Za-z0-9._+-]*)?$"
SOURCE_PACKAGE_MAX = 255
SourcePackage = Annotated[str, msgspec.Meta(
    max_length=SOURCE_PACKAGE_MAX, pattern=SOURCE_PACKAGE_PATTERN,
    description="The source package the item was built from (dpkg, rpm, apk); our extension, optional.")]


class SoftwareIn(msgspec.Struct, frozen=True):
    """One installed program. ``vendor`` and ``cpe`` are optional; ``cpe`` must be a CPE 2.3 formatted string.

    ``source`` (the inventory it came from), ``bundle_id`` (macOS CFBundleIdentifier) and
    ``source_package`` (the distribution source package of a dpkg, rpm or apk item) are
    optional hints, our extension of the agent API; an unknown ``source`` or a
    ``source_package`` that is no package name is refused (400).
    """

    name: Name
    version: Version
    vendor: Text | None = None
    cpe: Text | None = None
    source: Source | None = None
    bundle_id: Text | None = None
    source_package: SourcePackage | None = None


class ReportIn(_CheckedHostname, msgspec.Struct, frozen=True):
    """A full report (``software``) or, with ``delta: true``, a delta (``software_added``/``software_removed``)."""

    hostname: Hostname
    software: list[SoftwareIn] | None = None
    os: Text | None = None
    organization_id: DbInt | None = None
    ip_address: Text | None = None
    tags: Annotated[list[Tag], msgspec.Meta(max_length=100)] | None = None
    delta: bool = False
    software_added: list[SoftwareIn] | None = None
    software_removed: list[SoftwareIn] | None = None
    agent_version: Text | None = None
    # Our extensions (optional; what agent 1.5 sends in its os and agent objects).
    kernel: Text | None = None
    agent_id: Text | None = None


class HeartbeatIn(_CheckedHostname, msgspec.Struct, frozen=True):
    """An agent saying it is alive, without a scan."""

    hostname: Hostname
    agent_version: Text | None = None


class ContainerImageIn(msgspec.Struct, frozen=True):
    """One scanned image as the container runtime lists it, with Trivy's JSON report for it.

    ``image_id`` defaults to the report's Metadata.ImageID.
    """

    image_name: Name
    trivy_output: TrivyReport
    image_tag: Text | None = None
    image_id: Text | None = None


class ContainerScanIn(_CheckedHostname, msgspec.Struct, frozen=True):
    """Container scan results of one host, as SentriKat agents send them: one Trivy report per image."""

    hostname: Hostname
    images: list[ContainerImageIn]
    scanner: Text | None = None
    scanner_version: Text | None = None
    organization_id: DbInt | None = None
    agent_version: Text | None = None


class _HostnameQuery(_CheckedHostname, msgspec.Struct, frozen=True):
    hostname: Hostname


class FullReportAccepted(msgspec.Struct, frozen=True, kw_only=True):
    """Answer to a full report. ``products_added``/``products_removed`` compare with the previous report."""

    status: str = "accepted"
    asset_id: AssetId
    hostname: str
    products_processed: int
    products_matched: int
    vulnerabilities_found: int
    products_added: int
    products_removed: int


class DeltaReportAccepted(msgspec.Struct, frozen=True, kw_only=True):
    """Answer to a delta report.

    ``products_already_present`` (added items the server already had) and
    ``products_not_found`` (removed items it did not have) mean the agent's picture and the
    server's diverged; the asset's config then says ``force_full_scan: true``.
    """

    status: str = "accepted"
    asset_id: AssetId
    products_added: int
    products_removed: int
    vulnerabilities_found: int
    products_already_present: int
    products_not_found: int
    force_full_scan: bool


class ContainerScanAccepted(msgspec.Struct, frozen=True, kw_only=True):
    """Answer to a container scan.

    ``images_processed`` counts distinct (image_name, image_tag) pairs, split into
    ``images_created`` (first scan of the image on this host) and ``images_updated``.
    ``findings`` is the number of open findings in those images after the scan, of which
    ``findings_kev`` are in CISA's KEV catalog; ``findings_new`` were not open before this
    scan (new, or back after being resolved) and ``findings_resolved`` were open and are gone.
    """

    status: str = "accepted"
    asset_id: AssetId
    hostname: str
    images_processed: int
    images_created: int
    images_updated: int
    findings: int
    findings_kev: int
    findings_new: int
    findings_resolved: int


class HeartbeatConfig(msgspec.Struct, frozen=True):
    scan_interval: int
    include_updates: bool
    force_full_scan: bool


class HeartbeatAccepted(msgspec.Struct, frozen=True, kw_only=True):
    status: str = "ok"
    asset_id: AssetId
    server_time: str
    config: HeartbeatConfig


class AgentConfig(msgspec.Struct, frozen=True):
    """Server-side settings for agents; ``force_full_scan`` is per asset (``?hostname=``)."""

    scan_interval: int
    include_updates: bool
    include_services: bool
    minimum_agent_version: str
    force_full_scan: bool


class ErrorBody(msgspec.Struct, frozen=True, omit_defaults=True):
    """Every 4xx/5xx answer: a stable ``error`` code, a message, and the field path when one is at fault."""

    error: str
    message: str
    field: str | None = None
    retry_after: int | None = None


T = TypeVar("T")

# msgspec's messages end with " - at `$.software[3].version`"; we report the path without "$.".
_AT = re.compile(r"^(?P<message>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.S)
_MISSING = re.compile(r"^Object missing required field `(?P<name>[^`]+)`$")
_UNKNOWN = re.compile(r"^Object contains unknown field `(?P<name>[^`]+)`$")  # Structs with forbid_unknown_fields


def payload_error(exc: msgspec.ValidationError) -> PayloadError:
    """A msgspec validation error as a PayloadError whose ``field`` is the path without "$."."""
    found = _AT.match(str(exc))
    message = found.group("message") if found else str(exc)
    path = (found.group("path") or "").lstrip(".") if found else ""
    if "matching regex" in message and path.endswith("source_package"):
        message = f"must be a package name: letters, digits and . _ + - only (at most {SOURCE_PACKAGE_MAX} characters)"
    elif "matching regex" in message:
        message = "must not contain control characters"
    if message.startswith("hostname contains U+"):  # from _CheckedHostname
        path = path or "hostname"
    missing = _MISSING.match(message)
    if missing:
        path = f"{path}.{missing.group('name')}".lstrip(".")
        message = "required field is missing"
    unknown = _UNKNOWN.match(message)
    if unknown:
        path = f"{path}.{unknown.group('name')}".lstrip(".")
        message = "unknown field; it would be ignored, so it is refused (a misspelt name?)"
    return PayloadError(message, field=path or None)


def decode(body: bytes, kind: type[T]) -> T:
    """Decode JSON strictly (no type coercion) into ``kind``; PayloadError names the field path.

    Beyond what the Struct checks, the whole body must be JSON we can represent: valid UTF-8
    everywhere (unknown fields included), numbers within 64 bits, nesting within Python's
    recursion limit, and no object with the same key twice (msgspec would keep the last one
    silently, and another reader might keep the first). Bodies from the network have their
    size, value count and depth bounded before this runs (appliance.api.body).
    """
    from appliance.agent.jsonshape import check_representable, check_unique_keys  # the shape checks import this module's errors

    try:
        value = msgspec.json.decode(body, type=kind, strict=True)
    except msgspec.ValidationError as exc:
        raise payload_error(exc) from exc
    except msgspec.DecodeError as exc:
        raise PayloadError(f"body is not valid JSON: {exc}") from exc
    except RecursionError as exc:
        raise PayloadError("body is nested too deeply") from exc
    except UnicodeDecodeError as exc:
        raise PayloadError(f"body is not valid UTF-8: {exc.reason} at byte {exc.start}") from exc
    check_representable(body)
    check_unique_keys(body)
    return value


def decode_container_scan(body: bytes, hostname: str | None) -> ContainerScanIn:
    """A container scan body: the agents' envelope, or with ``?hostname=`` a bare Trivy report.

    A bare report is one image, named by its ArtifactName (appliance.feeds.trivy.image_reference).
    Which form the body is follows from the query alone, never from sniffing the body.
    """
    if hostname is None:
        return decode(body, ContainerScanIn)
    try:
        msgspec.convert({"hostname": hostname}, _HostnameQuery)
    except msgspec.ValidationError as exc:
        raise payload_error(exc) from exc
    report = decode(body, TrivyReport)
    name, tag = image_reference(report.artifact_name)
    if not name:
        raise PayloadError("a bare Trivy report must name its image in ArtifactName", field="ArtifactName")
    image = ContainerImageIn(image_name=name, trivy_output=report, image_tag=tag)
    return ContainerScanIn(hostname=hostname, images=[image], scanner="trivy")


def check_cpe(value: str | None, field: str) -> None:
    if value is None:
        return
    try:
        parse_cpe23(value)
    except CpeError as exc:
        raise PayloadError(f"not a CPE 2.3 formatted string: {exc}", field=field) from exc


def check_ip(value: str | None) -> None:
    if value is None:
        return
    try:
        ipaddress.ip_address(value)
    except ValueError as exc:
        raise PayloadError(f"{value!r} is not an IPv4 or IPv6 address", field="ip_address") from exc


def check_report(report: ReportIn, max_items: int) -> None:
    """Rules a Struct cannot express: which lists a full or delta report carries, limits, CPEs, the address."""
    if report.delta:
        if report.software is not None:
            raise PayloadError("a delta report sends software_added and software_removed, not software", field="software")
        lists = {"software_added": report.software_added or [], "software_removed": report.software_removed or []}
    else:
        if report.software is None:
            raise PayloadError("required field is missing (a full report lists all installed software)", field="software")
        for name in ("software_added", "software_removed"):
            if getattr(report, name) is not None:
                raise PayloadError(f"{name} belongs to a delta report; set \"delta\": true", field=name)
        lists = {"software": report.software}
    count = sum(len(items) for items in lists.values())
    if count > max_items:
        raise PayloadTooLarge(f"{count} software items in one report; the limit is {max_items}")
    for list_name, items in lists.items():
        for index, item in enumerate(items):
            check_cpe(item.cpe, f"{list_name}[{index}].cpe")
    check_ip(report.ip_address)


def check_container_scan(scan: ContainerScanIn, max_images: int) -> None:
    """Rules a Struct cannot express: the image limit and the scanner."""
    if len(scan.images) > max_images:
        raise PayloadTooLarge(f"{len(scan.images)} images in one container scan; the limit is {max_images}")
    if scan.scanner is not None and scan.scanner.lower() != "trivy":
        raise PayloadError(f"only Trivy results are accepted, not {scan.scanner!r}", field="scanner")


def schema_of(kind: Any) -> dict[str, Any]:
    """An inline JSON Schema (no $refs) for a Struct, for request bodies in the OpenAPI document."""
    schema = msgspec.json.schema(kind)
    definitions = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return resolve(definitions[node["$ref"].rsplit("/", 1)[1]])
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(value) for value in node]
        return node

    return resolve(schema)
