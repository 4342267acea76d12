"""Where bundled files live, from a source checkout or inside the PyInstaller executable."""

from __future__ import annotations

import sys
from pathlib import Path


def is_frozen() -> bool:
    """True inside an executable built by PyInstaller (build.spec)."""
    return bool(getattr(sys, "frozen", False)) and hasattr(sys, "_MEIPASS")


def is_onefile() -> bool:
    """True in a one-file executable: a bootloader parent process unpacked the program to a temporary _MEI folder.

    In a one-folder build the files sit beside the executable instead (``_internal/``).
    """
    return is_frozen() and Path(sys._MEIPASS).name.startswith("_MEI")  # type: ignore[attr-defined]


def resource_root() -> Path:
    """The folder holding web/, agents/ and data/: the repository root, or PyInstaller's unpack folder."""
    frozen = getattr(sys, "_MEIPASS", None)
    return Path(frozen) if frozen else Path(__file__).resolve().parent.parent


def web_dir() -> Path:
    return resource_root() / "web"


def agents_dir() -> Path:
    """The agent scripts served at /agents/ (the repository's agents/, packaged into the executable)."""
    return resource_root() / "agents"
