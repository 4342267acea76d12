"""API keys: minted once, stored only as an HMAC-SHA-256 of the key, checked in constant time."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

import msgspec

from appliance.auth.base import SCOPES, InvalidKey, Principal
from appliance.db import Database
from appliance.errors import ApplianceError
from appliance.ids import ApiKeyId, OrganizationId
from appliance.timeutil import now_iso

SECRET_BYTES = 32
KEY_RANDOM_BYTES = 32  # token_urlsafe(32) gives 43 characters after the prefix
PREFIX_SHOWN = 12  # characters of the key kept in clear, so admins can tell keys apart


MAX_NAME = 100


class KeyManagementError(ApplianceError):
    """A key operation was asked for something it cannot do: a bad scope or name (400 on the admin API)."""

    code = "invalid_request"


class UnknownOrganization(KeyManagementError):
    code = "unknown_organization"


class KeyNotFound(KeyManagementError):
    code = "key_not_found"


class KeyAlreadyRevoked(KeyManagementError):
    code = "key_already_revoked"


class NewKey(msgspec.Struct, frozen=True):
    """A freshly minted key: the only moment the clear key exists."""

    id: ApiKeyId
    key: str
    organization_id: OrganizationId
    scopes: list[str]
    name: str


class KeyInfo(msgspec.Struct, frozen=True):
    """What may be shown about a stored key: never the key itself.

    ``devices`` counts the assets whose last report (or registration) came with this key.
    """

    id: ApiKeyId
    organization_id: OrganizationId
    name: str
    prefix: str
    scopes: list[str]
    created_at: str
    last_used_at: str | None
    revoked_at: str | None
    organization: str
    devices: int


def load_or_create_secret(path: Path) -> bytes:
    """The HMAC secret, generated at first start and kept (mode 0600) in the data dir."""
    if path.exists():
        secret = path.read_bytes()
        if len(secret) < SECRET_BYTES:
            raise ApplianceError(f"key secret {path} is shorter than {SECRET_BYTES} bytes; refusing to use it")
        return secret
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_bytes(SECRET_BYTES)
    # O_EXCL: if two processes start at once, one creates the file and the other reads it.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes()
    with os.fdopen(fd, "wb") as handle:
        handle.write(secret)
    return secret


def check_name(name: str) -> None:
    """A key's label: at most MAX_NAME characters, no control characters (it is shown in terminals and pages)."""
    if len(name) > MAX_NAME:
        raise KeyManagementError(f"a key name has at most {MAX_NAME} characters", field="name")
    if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in name):
        raise KeyManagementError("a key name must not contain control characters", field="name")


def key_prefix(scopes: list[str]) -> str:
    """``sk_agent_`` for keys that can report, else ``sk_admin_`` or ``sk_read_``."""
    for scope in ("agent", "admin", "read"):
        if scope in scopes:
            return f"sk_{scope}_"
    raise KeyManagementError("a key needs at least one scope")


class KeyService:
    """Create, list, revoke and check API keys; remembers last use in memory and writes it in batches."""

    def __init__(self, db: Database, secret: bytes) -> None:
        self.db = db
        self._secret = secret
        self._last_used: dict[ApiKeyId, str] = {}

    def _hash(self, key: str) -> bytes:
        return hmac.new(self._secret, key.encode("utf-8"), hashlib.sha256).digest()

    async def create(self, organization_id: int, scopes: list[str], name: str = "") -> NewKey:
        """Mint a key; the only write path for keys (CLI and admin API). Checks scopes, name and organization."""
        unknown = [s for s in scopes if s not in SCOPES]
        if unknown or not scopes:
            raise KeyManagementError(
                f"scopes must be among {', '.join(SCOPES)}; got {', '.join(unknown) or 'none'}", field="scopes"
            )
        scopes = sorted(set(scopes), key=SCOPES.index)
        check_name(name)
        key = key_prefix(scopes) + secrets.token_urlsafe(KEY_RANDOM_BYTES)
        async with self.db.transaction() as tx:
            row = await (await tx.execute("SELECT 1 FROM organizations WHERE id = ?", (organization_id,))).fetchone()
            if row is None:
                raise UnknownOrganization(f"organization {organization_id} does not exist", field="organization_id")
            cursor = await tx.execute(
                "INSERT INTO api_keys (organization_id, name, prefix, key_hash, scopes, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (organization_id, name, key[:PREFIX_SHOWN], self._hash(key), " ".join(scopes), now_iso()),
            )
            key_id = ApiKeyId(cursor.lastrowid or 0)
        return NewKey(key_id, key, OrganizationId(organization_id), scopes, name)

    async def list(self, key_id: int | None = None) -> list[KeyInfo]:
        """Every key (or the one with ``key_id``), oldest first, with its organization's name and device count."""
        rows = await self.db.fetchall(
            "SELECT k.id, k.organization_id, k.name, k.prefix, k.scopes, k.created_at, k.last_used_at, k.revoked_at,"
            " o.name, (SELECT COUNT(*) FROM assets a WHERE a.api_key_id = k.id)"
            " FROM api_keys k JOIN organizations o ON o.id = k.organization_id"
            + (" WHERE k.id = ?" if key_id is not None else "")
            + " ORDER BY k.id",
            (key_id,) if key_id is not None else (),
        )
        return [
            KeyInfo(r[0], r[1], r[2], r[3], r[4].split(), r[5], self._last_used.get(r[0], r[6]), r[7], r[8], r[9])
            for r in rows
        ]

    async def revoke(self, key_id: int) -> None:
        """Revoke a key: refused from the next request on. KeyNotFound or KeyAlreadyRevoked change nothing."""
        async with self.db.transaction() as tx:
            cursor = await tx.execute(
                "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", (now_iso(), key_id)
            )
            if cursor.rowcount == 0:
                row = await (await tx.execute("SELECT revoked_at FROM api_keys WHERE id = ?", (key_id,))).fetchone()
                if row is None:
                    raise KeyNotFound(f"key {key_id} does not exist")
                raise KeyAlreadyRevoked(f"key {key_id} is already revoked")

    async def authenticate(self, key: str) -> Principal:
        """The principal behind a key; InvalidKey for unknown or revoked keys.

        The lookup is by the keyed hash, so the database never compares the secret itself;
        the final compare_digest keeps the check constant-time even on a hash-index hit.
        """
        digest = self._hash(key)
        row = await self.db.fetchone(
            "SELECT id, organization_id, scopes, key_hash FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL",
            (digest,),
        )
        if row is None or not hmac.compare_digest(row[3], digest):
            raise InvalidKey("the API key is not valid or has been revoked")
        key_id = ApiKeyId(row[0])
        self._last_used[key_id] = now_iso()
        return Principal(key_id, OrganizationId(row[1]), frozenset(row[2].split()))

    async def flush_last_used(self) -> None:
        """Write remembered last-use times in one transaction (called periodically and on shutdown)."""
        if not self._last_used:
            return
        pending, self._last_used = self._last_used, {}
        async with self.db.transaction() as tx:
            await tx.executemany(
                "UPDATE api_keys SET last_used_at = ? WHERE id = ?", [(at, key_id) for key_id, at in pending.items()]
            )
