"""The root of every error the appliance raises on purpose; seams subclass it, api/errors.py maps it to HTTP."""

from __future__ import annotations


class ApplianceError(Exception):
    """An expected failure with a stable machine-readable ``code`` and a message for people.

    ``field`` names the offending input (``software[3].version``) when there is one.
    Seams define their own base class under this one (PayloadError, AuthError, ...),
    and chain the library error that caused them with ``raise ... from exc``.
    """

    code = "error"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code
