"""The appliance's own feed on disk (DATA_DIR/feed), updated only by validated, atomic replacements."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

from appliance.matching.bundle import (
    BUNDLE_FILE,
    MANIFEST_FILE,
    Bundle,
    BundleError,
    Manifest,
    compile_sources,
    load_bundle,
    read_manifest,
    source_files,
    write_bundle,
)
from appliance.matching.engine import default_feed_dir


class FeedRefused(BundleError):
    """A new feed was read completely but fails a sanity check; the current one stays."""


class FeedStore:
    """Where the feed in service lives, and the only code that replaces it.

    The feed in service is, in order: ``DATA_DIR/feed`` once a refresh or an import wrote
    it (they build on what was in service before); else ``--feed-dir`` when given; else the
    feed bundled with the program. Updates always land in ``DATA_DIR/feed``: written to
    temporary files, then renamed into place, so a reader sees the old bundle or the new one,
    never half of either.
    """

    def __init__(self, data_dir: Path, explicit_dir: Path | None = None, min_ratio: float = 0.9,
                 bundled_dir: Path | None = None) -> None:
        self.own_dir = Path(data_dir) / "feed"
        self.explicit_dir = Path(explicit_dir) if explicit_dir else None
        self.bundled_dir = bundled_dir or default_feed_dir()
        self.min_ratio = min_ratio

    def active_dir(self) -> Path:
        if (self.own_dir / BUNDLE_FILE).exists():
            return self.own_dir
        if self.explicit_dir is not None:
            return self.explicit_dir
        return self.bundled_dir

    def current(self) -> tuple[Bundle | None, Manifest | None]:
        """The bundle in service and its manifest, or (None, None) when there is none yet."""
        directory = self.active_dir()
        if (directory / BUNDLE_FILE).exists():
            manifest = read_manifest(directory) if (directory / MANIFEST_FILE).exists() else None
            return load_bundle(directory), manifest
        if directory.is_dir() and source_files([directory]):
            return compile_sources([directory])
        return None, None

    def stamp(self) -> str | None:
        """Changes whenever the feed in service is replaced (another process may replace it)."""
        directory = self.active_dir()
        path = directory / MANIFEST_FILE
        if not path.exists():
            path = directory / BUNDLE_FILE
        if not path.exists():
            return None
        stat = path.stat()
        return f"{path}:{stat.st_mtime_ns}:{stat.st_size}"

    def apply(self, sources: Sequence[Path], *, progress: Callable[[Path, int], None] | None = None) -> tuple[Bundle, Manifest]:
        """Apply feed files on top of the feed in service and make the result the new feed.

        A KEV catalog much smaller than the one in service is refused; a complete NVD listing
        is checked the same way while it downloads (check_full_listing).
        """
        base, base_manifest = self.current()
        bundle, manifest = compile_sources(sources, progress=progress, base=base, base_manifest=base_manifest)
        if base is not None and base.kev and len(bundle.kev) < self.min_ratio * len(base.kev):
            raise FeedRefused(
                f"the new KEV catalog has {len(bundle.kev)} entries, far fewer than the current {len(base.kev)}; refused"
            )
        manifest = write_bundle(bundle, manifest, self.own_dir)
        return bundle, manifest

    def check_full_listing(self, kind: str, total: int) -> None:
        """Refuse a complete listing that is far smaller than what is in service (a damaged feed)."""
        base, _ = self.current()
        if base is None:
            return
        current = len(base.cves) if kind == "cve" else sum(1 for p in base.products if p.current)
        if current and total < self.min_ratio * current:
            raise FeedRefused(f"NVD lists {total} {kind.upper()} records in full, far fewer than the current {current}; refused")

    def clear_staging(self, name: str) -> None:
        shutil.rmtree(self.staging(name), ignore_errors=True)

    def staging(self, name: str) -> Path:
        return self.own_dir / "staging" / name
