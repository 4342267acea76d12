"""Where bundled files live, from a source checkout or inside the PyInstaller executable."""

from __future__ import annotations

import shlex
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


def command_name() -> str:
    """The command as the user ran it, for hints that print a command to run next.

    ``.venv/bin/sentrikat`` from a source checkout, ``dist/sentrikat`` for the executable,
    ``sentrikat`` when found on PATH; ``python -m appliance`` when run as a module.
    """
    typed = sys.argv[0] if sys.argv and sys.argv[0] else "sentrikat"
    if Path(typed).name in ("__main__.py", "-c", "-m"):
        return f"{Path(sys.executable).name} -m appliance"
    return shlex.quote(typed)


def agents_dir() -> Path:
    """The agent scripts served at /agents/ (the repository's agents/, packaged into the executable)."""
    return resource_root() / "agents"
