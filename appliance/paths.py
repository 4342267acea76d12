"""Where bundled files live, from a source checkout or inside the PyInstaller executable."""

from __future__ import annotations

import sys
from pathlib import Path


def resource_root() -> Path:
    """The folder holding web/ and data/: the repository root, or PyInstaller's unpack folder."""
    frozen = getattr(sys, "_MEIPASS", None)
    return Path(frozen) if frozen else Path(__file__).resolve().parent.parent


def web_dir() -> Path:
    return resource_root() / "web"
