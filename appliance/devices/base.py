"""The adding-devices seam's model: the admin API's request and answers, and its base error."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from appliance.auth.keys import MAX_NAME, KeyInfo
from appliance.errors import ApplianceError
from appliance.ids import ApiKeyId, AssetId, OrganizationId

DB_ID = 2**63 - 1  # SQLite's largest integer
Scope = Literal["agent", "read", "admin"]
OperatingSystem = Literal["linux", "macos", "windows"]


class DeviceError(ApplianceError):
    """A request of the adding-devices API cannot be answered as asked."""

    code = "invalid_request"


class InvalidHost(DeviceError):
    """The Host header cannot be put into an install line (the lines name the appliance by it)."""


class KeyIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """POST /api/keys: a new key for an organization. Unknown fields are refused, so a misspelt one is not ignored."""

    organization_id: Annotated[int, msgspec.Meta(ge=1, le=DB_ID, description="The organization the key reports into.")]
    name: Annotated[
        str, msgspec.Meta(min_length=1, max_length=MAX_NAME, description="A label to tell keys apart, e.g. 'Office PCs'.")
    ]
    scopes: Annotated[
        list[Scope], msgspec.Meta(min_length=1, max_length=3, description="agent (default), read and/or admin.")
    ] = msgspec.field(default_factory=lambda: ["agent"])


class KeyList(msgspec.Struct, frozen=True):
    """GET /api/keys: every key, oldest first, revoked ones included (revoked_at set); never the keys themselves."""

    items: list[KeyInfo]


class ScriptInfo(msgspec.Struct, frozen=True):
    """An agent script as this appliance serves it; ``sha256`` is what the install lines check."""

    name: str
    url: str
    sha256: str
    size: int


class InstallCommand(msgspec.Struct, frozen=True):
    """One line to paste on a device: it downloads the agent from this appliance, checks it and installs it."""

    os: OperatingSystem
    label: str
    run_in: str
    command: str


class Install(msgspec.Struct, frozen=True):
    """How devices reach this appliance, and the install line per operating system.

    ``fingerprint`` is the SHA-256 of the appliance's certificate when it serves HTTPS, null on plain HTTP.
    """

    server_url: str
    fingerprint: str | None
    scripts: list[ScriptInfo]
    commands: list[InstallCommand]
    notes: list[str]


class CreatedKey(msgspec.Struct, frozen=True):
    """POST /api/keys answer: the key, shown this once, and for agent keys the install lines that carry it."""

    id: ApiKeyId
    key: str
    organization_id: OrganizationId
    organization: str
    name: str
    scopes: list[str]
    prefix: str
    created_at: str
    install: Install | None


class RecentDevice(msgspec.Struct, frozen=True):
    """An asset that first contacted the appliance within the window, and the key it came with."""

    id: AssetId
    hostname: str
    os: str
    organization_id: OrganizationId
    organization: str
    state: str
    first_seen: str
    last_seen: str
    software_count: int
    key_id: ApiKeyId | None
    key_name: str | None


class RecentDevices(msgspec.Struct, frozen=True):
    """GET /api/devices/recent: assets first seen since ``since``, newest first (at most 200)."""

    since: str
    minutes: int
    items: list[RecentDevice]
