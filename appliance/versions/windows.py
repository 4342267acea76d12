"""Windows product versions: dotted numeric builds such as 10.0.19045.3693 or 22.003.20281."""

from __future__ import annotations

import re

from .base import VersionScheme, is_unknown
from .generic import release_and_rest

# Windows file and product versions are major.minor.build.revision (Microsoft's
# VS_FIXEDFILEINFO); vendors print fewer parts ("23.01", 7-Zip) or zero-padded ones
# ("22.003.20281", Adobe Acrobat). Parts compare as numbers, a missing part is zero.
# Installers' DisplayVersion sometimes carries a parenthesised note after the number,
# e.g. "5.16.10 (26186)" or "7.4.2 (x64)"; the note is not part of the version.
_BUILD = re.compile(r"v?([0-9]+(?:\.[0-9]+)*)(?:\s+\([^()]*\))?", re.IGNORECASE)


class WindowsScheme(VersionScheme):
    """Dotted numeric builds; any other text falls back to the generic rules."""

    name = "windows"

    def key(self, text: str | None) -> tuple | None:
        if is_unknown(text):
            return None
        value = text.strip()
        match = _BUILD.fullmatch(value)
        # Keys are generic keys, so a numeric build and a fallback version still compare.
        return release_and_rest(match[1] if match else value)


WINDOWS = WindowsScheme()
