"""Python package versions ordered by PEP 440 (via packaging.version)."""

from __future__ import annotations

from packaging.version import InvalidVersion, Version

from .base import VersionScheme, is_unknown


class Pep440Scheme(VersionScheme):
    """PEP 440: "1.0.dev1" < "1.0a1" < "1.0rc1" < "1.0" < "1.0.post1"; keys are Version objects."""

    name = "pep440"

    def key(self, text: str | None) -> Version | None:
        if is_unknown(text):
            return None
        try:
            return Version(text.strip())
        except InvalidVersion:
            return None


PEP440 = Pep440Scheme()
