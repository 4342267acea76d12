"""Admin accounts for the status page: scrypt password hashes, login sessions and their CSRF tokens."""

from __future__ import annotations

import asyncio
import base64
import functools
import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Annotated

import msgspec

from appliance.auth.base import AuthError
from appliance.db import Database
from appliance.errors import ApplianceError
from appliance.timeutil import iso, utc_now

# scrypt with N=2^15, r=8, p=1 uses 32 MiB and about 0.1 s per hash on a small box: cheap
# enough for a login, expensive for anyone guessing offline from a copied database.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
SCRYPT_MAXMEM = 64 * 1024 * 1024  # above 128 * N * r = 32 MiB; OpenSSL's default cap is exactly 32 MiB
SALT_BYTES = 16
HASH_BYTES = 32
MIN_PASSWORD_LENGTH = 12
MIN_PASSWORD_SCORE = 3  # zxcvbn's scale 0-4; 3 means about 10^8 guesses or more
ZXCVBN_MAX_LENGTH = 72  # zxcvbn refuses longer input; the first 72 characters are what it judges
MAX_PASSWORD_LENGTH = 1024
USERNAME = re.compile(r"^[A-Za-z0-9._@-]{1,64}$")
DEFAULT_USERNAME = "admin"


class AdminError(ApplianceError):
    """An admin account operation was given something it cannot use (weak password, bad name)."""

    code = "admin_error"


class InvalidCredentials(AuthError):
    """Wrong username or password; the message never says which."""

    code = "invalid_credentials"


class NotLoggedIn(AuthError):
    """No session cookie, or one that is unknown, expired or logged out."""

    code = "not_logged_in"


class CsrfDenied(AuthError):
    """A state-changing request lacks the session's CSRF token, or comes from another site."""

    code = "csrf_failed"


class LoginIn(msgspec.Struct, frozen=True):
    """Credentials for the status page, as set with ``sentrikat admin set-password``."""

    username: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_PASSWORD_LENGTH)]


class AdminSession(msgspec.Struct, frozen=True):
    """A logged-in admin: the user, when the session ends, and the token state-changing requests must echo."""

    username: str
    expires_at: str
    csrf_token: str


class NewSession(msgspec.Struct, frozen=True):
    """A session just created: ``token`` goes into the cookie and is never stored in clear."""

    token: str
    session: AdminSession


def hash_password(password: str, salt: bytes | None = None) -> str:
    """``scrypt$N$r$p$salt$hash`` with base64 salt and hash; a new random salt unless one is given."""
    salt = salt if salt is not None else secrets.token_bytes(SALT_BYTES)
    digest = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, maxmem=SCRYPT_MAXMEM, dklen=HASH_BYTES
    )
    b64 = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    """True if ``password`` hashes to ``stored`` (with the parameters stored alongside it)."""
    try:
        scheme, n, r, p, salt, expected = stored.split("$")
        if scheme != "scrypt":
            return False
        digest = hashlib.scrypt(
            password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
            maxmem=SCRYPT_MAXMEM, dklen=len(base64.b64decode(expected)),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest, base64.b64decode(expected))


@functools.cache
def _dummy_hash() -> str:
    """Checked when the username is unknown, so a wrong name costs as long as a wrong password."""
    return hash_password("not a password", salt=b"\0" * SALT_BYTES)


def _token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8")).digest()


@functools.cache
def _common_passwords() -> frozenset[str]:
    """zxcvbn's 30,000 most common passwords (its ``passwords`` frequency list), lower case."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(word.lower() for word in FREQUENCY_LISTS["passwords"])


def check_password(password: str) -> None:
    """AdminError unless the password is 12 to 1024 characters, not a common password, and not easy to guess.

    Easy to guess means a zxcvbn score under 3: repeats ("aaaaaaaaaaaa"), keyboard walks,
    dates and variants of common passwords ("Passw0rd1234"), which a list alone misses.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AdminError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AdminError(f"the password must have at most {MAX_PASSWORD_LENGTH} characters")
    if password.lower() in _common_passwords():
        raise AdminError("this password is in a list of 30,000 common passwords; choose another")
    from zxcvbn import zxcvbn

    estimate = zxcvbn(password[:ZXCVBN_MAX_LENGTH])
    if estimate["score"] < MIN_PASSWORD_SCORE:
        why = estimate["feedback"].get("warning") or "it would be found quickly by a password-guessing program"
        raise AdminError(f"this password is too easy to guess ({why.rstrip('.')}); a few unrelated words make a good one")


def check_username(username: str) -> None:
    if not USERNAME.match(username):
        raise AdminError("a username has 1 to 64 letters, digits or . _ @ -")


class AdminService:
    """Set passwords (CLI), log in and out, and look sessions up (every cookie-authenticated request)."""

    def __init__(self, db: Database, session_lifetime: int, clock: Callable[[], datetime] = utc_now) -> None:
        self.db = db
        self.session_lifetime = session_lifetime
        self._clock = clock

    async def set_password(self, username: str, password: str) -> bool:
        """Create the admin or change their password; ends all their sessions. True if the admin is new."""
        check_username(username)
        check_password(password)
        encoded = await asyncio.to_thread(hash_password, password)
        now = iso(self._clock())
        async with self.db.transaction() as tx:
            row = await (await tx.execute("SELECT id FROM admin_users WHERE username = ?", (username,))).fetchone()
            if row is None:
                await tx.execute(
                    "INSERT INTO admin_users (username, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?)",
                    (username, encoded, now, now),
                )
                return True
            await tx.execute("UPDATE admin_users SET password_hash = ?, updated_at = ? WHERE id = ?", (encoded, now, row[0]))
            await tx.execute("DELETE FROM admin_sessions WHERE user_id = ?", (row[0],))
        return False

    async def login(self, username: str, password: str, client_address: str | None) -> NewSession:
        """A new session for valid credentials; InvalidCredentials otherwise, in about the same time either way."""
        row = await self.db.fetchone("SELECT id, username, password_hash FROM admin_users WHERE username = ?", (username,))
        valid = await asyncio.to_thread(verify_password, password, row[2] if row else _dummy_hash())
        if row is None or not valid:
            raise InvalidCredentials("the username or password is wrong")
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = self._clock()
        expires = iso(now + timedelta(seconds=self.session_lifetime))
        async with self.db.transaction() as tx:
            await tx.execute("DELETE FROM admin_sessions WHERE expires_at <= ?", (iso(now),))
            await tx.execute(
                "INSERT INTO admin_sessions (token_hash, user_id, csrf_token, created_at, expires_at, client_address)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (_token_hash(token), row[0], csrf, iso(now), expires, client_address),
            )
        return NewSession(token, AdminSession(row[1], expires, csrf))

    async def session(self, token: str) -> AdminSession:
        """The live session behind a cookie value; NotLoggedIn if there is none."""
        row = await self.db.fetchone(
            "SELECT u.username, s.expires_at, s.csrf_token FROM admin_sessions s JOIN admin_users u ON u.id = s.user_id"
            " WHERE s.token_hash = ? AND s.expires_at > ?",
            (_token_hash(token), iso(self._clock())),
        )
        if row is None:
            raise NotLoggedIn("the session has expired or was ended; log in again")
        return AdminSession(*row)

    async def logout(self, token: str) -> None:
        async with self.db.transaction() as tx:
            await tx.execute("DELETE FROM admin_sessions WHERE token_hash = ?", (_token_hash(token),))
