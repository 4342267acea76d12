"""The SentriKat agent 1.5 dialect: its inventory body mapped onto a full report, and its /commands answer."""

from __future__ import annotations

import json
import re
from typing import Annotated

import msgspec

from appliance.agent.payloads import (
    DbInt,
    Hostname,
    Name,
    PayloadError,
    ReportIn,
    SoftwareIn,
    SourcePackage,
    Tag,
    Text,
    Version,
    decode,
    payload_error,
)

# The 1.5 agents' User-Agent: "SentriKat-Agent/1.5.0 (Linux)"; group 1 is the version, 2 the platform.
USER_AGENT = re.compile(r"^SentriKat-Agent/(\d+\.\d+\.\d+)\s+\((Linux|macOS|Windows)\)")

# Where the 1.5 Linux and macOS agents break their own body. They write the host fields as
# a pretty-printed object, strip its last brace with `sed 's/}$//'` and append
# `, "products": [...]}`. But sed works per line, so it also strips the brace alone on the
# line that closes the nested "agent" object: the body reaches us one `}` short, right
# before `, "products":`. This pattern finds that spot (the whitespace sed left behind, then
# the comma that starts the products field).
_PRODUCTS_AFTER_AGENT = re.compile(rb'\n[ \t]*\n?[ \t]*,[ \t]*"products"[ \t]*:')


class LegacyOs(msgspec.Struct, frozen=True):
    name: Text | None = None
    version: Text | None = None
    kernel: Text | None = None


class LegacyAgent(msgspec.Struct, frozen=True):
    id: Text | None = None
    version: Text | None = None


class LegacyProduct(msgspec.Struct, frozen=True):
    """One item of ``products[]``; ``version`` may be empty or null, the rest is optional."""

    product: Name
    vendor: Text | None = None
    version: Version | None = None
    distro_package_version: Text | None = None
    source_type: Text | None = None
    ecosystem: Text | None = None
    version_source: Text | None = None
    path: Text | None = None
    # Our extension, as on /api/agent/report: the distribution source package of the item.
    source_package: SourcePackage | None = None


class InventoryIn(msgspec.Struct, frozen=True):
    """The body of ``POST /api/agent/inventory`` as agent 1.5 sends it (Windows, Linux and macOS)."""

    hostname: Hostname
    products: list[LegacyProduct]
    fqdn: Text | None = None
    ip_address: Text | None = None
    os: LegacyOs | None = None
    agent: LegacyAgent | None = None
    organization_id: DbInt | None = None
    tags: Annotated[list[Tag], msgspec.Meta(max_length=100)] | None = None
    installed_kbs: list[Text] | None = None


# The agents' package ecosystems as our per-item ``source`` hint; anything else is "other".
_SOURCES = {
    "pip": "pip", "pypi": "pip", "python": "pip",
    "npm": "npm", "node": "npm", "nodejs": "npm",
    "dpkg": "dpkg", "deb": "dpkg", "rpm": "rpm", "apk": "apk",
    "homebrew": "homebrew", "brew": "homebrew",
}


def source_hint(product: LegacyProduct) -> str | None:
    """The ``source`` hint for an item: from ``ecosystem`` or ``source_type``; None when neither is sent."""
    for value in (product.ecosystem, product.source_type):
        if value:
            return _SOURCES.get(value.strip().lower(), "other")
    return None


def os_string(os: LegacyOs | None) -> str | None:
    """The ``os`` object as the contract's string: "name version" (either alone when the other is missing)."""
    if os is None:
        return None
    words = [part.strip() for part in (os.name, os.version) if part and part.strip()]
    if len(words) == 2 and words[1].lower().startswith(words[0].lower()):
        words = words[1:]  # /etc/redhat-release style versions repeat the name
    return " ".join(words) or None


def to_report(inventory: InventoryIn) -> ReportIn:
    """The full report that an inventory body means (the mapping table in docs/api.md)."""
    software = []
    for product in inventory.products:
        item = {"name": product.product, "version": product.version or "", "vendor": product.vendor}
        if (source := source_hint(product)) is not None:
            item["source"] = source
        if product.source_package is not None:
            item["source_package"] = product.source_package
        software.append(msgspec.convert(item, SoftwareIn))
    agent = inventory.agent or LegacyAgent()
    fields = {
        "hostname": inventory.hostname,
        "software": software,
        "os": os_string(inventory.os),
        "organization_id": inventory.organization_id,
        "ip_address": inventory.ip_address or None,
        "tags": inventory.tags,
        "agent_version": agent.version,
        "kernel": inventory.os.kernel if inventory.os else None,
        "agent_id": agent.id,
    }
    try:  # through msgspec, so the report's own rules (such as the hostname's) hold here too
        return msgspec.convert(fields, ReportIn)
    except msgspec.ValidationError as exc:
        raise payload_error(exc) from exc


def decode_inventory(body: bytes, user_agent: str) -> InventoryIn:
    """An inventory body, decoded strictly; the one defect of agent 1.5 for Linux and macOS is repaired.

    Only a body that is not valid JSON as sent, from an agent whose User-Agent says it is
    1.5.x for Linux or macOS, is retried, and only with ``}`` inserted at the one place the
    defect leaves its mark. If that does not make a valid inventory, the original error stands.
    """
    try:
        return decode(body, InventoryIn)
    except PayloadError as exc:
        # msgspec.ValidationError subclasses DecodeError: only a syntax error is the defect's.
        if type(exc.__cause__) is not msgspec.DecodeError or not has_brace_defect(user_agent):
            raise
        spot = _PRODUCTS_AFTER_AGENT.search(body)
        if spot is None:
            raise
        try:
            return decode(body[: spot.start()] + b"}" + body[spot.start() :], InventoryIn)
        except PayloadError:
            raise exc from exc.__cause__


def has_brace_defect(user_agent: str) -> bool:
    """True for the agents that drop the brace closing "agent": SentriKat-Agent/1.5.x (Linux|macOS)."""
    found = USER_AGENT.match(user_agent)
    return bool(found) and found.group(1).startswith("1.5.") and found.group(2) != "Windows"


class CommandConfig(msgspec.Struct, frozen=True):
    scan_interval_minutes: int


class Command(msgspec.Struct, frozen=True, omit_defaults=True):
    """One command: ``scan_now``, or ``update_config`` with its ``config``."""

    command: str
    config: CommandConfig | None = None


class ScanCapabilities(msgspec.Struct, frozen=True):
    extensions: bool = False
    dependencies: bool = False


class CommandsAnswer(msgspec.Struct, frozen=True):
    """The answer of ``GET /api/agent/commands``; the appliance scans no extensions or dependencies."""

    commands: list[Command]
    scan_capabilities: ScanCapabilities = ScanCapabilities()


def commands_answer(*, scan_now: bool, scan_interval_minutes: int | None) -> bytes:
    """The /commands answer in the layout the 1.5 agents parse.

    The Linux agent reads it with grep patterns such as ``"command": "scan_now"`` and
    ``"scan_interval_minutes": [0-9]*``, so every colon and comma is followed by one space,
    as Python's json module writes by default (msgspec writes none).
    """
    commands = [Command("scan_now")] if scan_now else []
    if scan_interval_minutes is not None:
        commands.append(Command("update_config", CommandConfig(scan_interval_minutes)))
    return json.dumps(msgspec.to_builtins(CommandsAnswer(commands))).encode()


def check_commands_query(hostname: str | None) -> str:
    """The ``hostname`` query parameter of /commands, validated as a report's hostname is."""
    if hostname is None:
        raise PayloadError("required query parameter is missing", field="hostname")
    try:
        return msgspec.convert({"hostname": hostname}, _HostQuery).hostname
    except msgspec.ValidationError as exc:
        raise PayloadError(f"invalid hostname: {exc}", field="hostname") from exc


class _HostQuery(msgspec.Struct, frozen=True):
    hostname: Hostname
