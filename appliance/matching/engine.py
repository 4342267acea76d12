"""The feed matcher: identification plus CVE evaluation over a loaded CPE index; what the app and CLI use."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from pathlib import Path

from appliance.matching.aliases import load_aliases
from appliance.matching.base import ItemMatch, MatchResult, SoftwareItem
from appliance.matching.bundle import BUNDLE_FILE, BundleError, compile_sources, load_bundle, source_files
from appliance.matching.evaluate import CveEvaluator, upstream
from appliance.matching.identify import Identification, Identifier, Unidentified
from appliance.matching.index import CpeIndex, split_key
from appliance.matching.normalize import effective_version
from appliance.matching.platform import Platform, platform_of
from appliance.paths import resource_root
from appliance.versions import is_unknown

log = logging.getLogger("sentrikat.matching")

_UNQUOTED = re.compile(r"[A-Za-z0-9._\-]")
RESULT_CACHE_LIMIT = 100_000


def default_feed_dir() -> Path:
    return resource_root() / "data" / "cpe_dictionary"


def _cpe_version(version: str) -> str:
    """A version as a CPE 2.3 formatted-string value (other characters quoted with a backslash)."""
    if not version:
        return "-"
    return "".join(c if _UNQUOTED.match(c) else "\\" + c for c in version)


class FeedMatcher:
    """Identifies items and finds their CVEs; deterministic, and each result says how it was made."""

    def __init__(self, index: CpeIndex) -> None:
        self.index = index
        self.identifier = Identifier(index)
        self.evaluator = CveEvaluator(index)
        # Per platform and item: the whole result, for items whose CVEs do not depend on the other
        # programs on the host, and the identification and effective version of every item.
        # Fleets report the same items over and over: a report whose items are all known costs
        # one lookup each, and one with a few new items does the work for those only. Both are
        # emptied when they hold more than RESULT_CACHE_LIMIT items, so memory stays bounded.
        self._results: dict[Platform, dict[SoftwareItem, MatchResult]] = {}
        self._prepared: dict[Platform, dict[SoftwareItem, tuple[Identification | Unidentified, str, str]]] = {}

    def match(self, items: Sequence[SoftwareItem], os_name: str) -> list[MatchResult]:
        platform = platform_of(os_name)
        done = self._results.setdefault(platform, {})
        known = [done.get(item) for item in items]
        if all(result is not None for result in known):
            return known  # type: ignore[return-value]
        if sum(map(len, self._prepared.values())) > RESULT_CACHE_LIMIT:
            self._results.clear()
            self._prepared.clear()
            done = self._results.setdefault(platform, {})
        prepared = self._prepared.setdefault(platform, {})
        preps = []
        for item in items:
            prep = prepared.get(item)
            if prep is None:
                prep = prepared[item] = (self.identifier.identify(item, platform), *effective_version(item.name, item.version))
            preps.append(prep)
        identified = [prep[0] for prep in preps]
        versions = [prep[1:] for prep in preps]
        # Other identified programs on the host, for the rare configuration that needs two
        # applications at once ("plugin X running in application Y").
        others: dict[int, tuple[str, ...]] = {}
        for found, (version, _) in zip(identified, versions):
            if isinstance(found, Identification) and found.key in self.index.key_id:
                key_id = self.index.key_id[found.key]
                others[key_id] = (*others.get(key_id, ()), version)
        results = []
        for item, found, (version, note), cached in zip(items, identified, versions, known):
            if cached is not None:
                results.append(cached)
                continue
            compared = upstream(version, platform.scheme)
            if compared != version:
                note = (note + "; " if note else "") + f"upstream version {compared} of package version {version}"
            if not isinstance(found, Identification):
                results.append(done.setdefault(item, MatchResult(None, found.reason)))
                continue
            evidence = found.evidence + (f"; {note}" if note else "")
            if found.method == "agent_cpe" and item.cpe:
                cpe = item.cpe
            else:
                vendor, product = split_key(found.key)
                cpe = f"cpe:2.3:a:{vendor}:{product}:{_cpe_version(compared)}:*:*:*:*:*:*:*"
            reason = None
            if is_unknown(version):
                reason = f"version '{item.version}' is unknown; no CVE can be matched to it"
            vulnerabilities = self.evaluator.findings(found.key, version, platform, others) if reason is None else ()
            result = MatchResult(ItemMatch(cpe, found.method, found.score, evidence), reason, vulnerabilities)
            if reason is not None or not self.evaluator.used_others:
                done[item] = result
            results.append(result)
        return results


def load_index(feed_dir: Path | None = None, aliases_path: Path | None = None) -> CpeIndex:
    """The index from a compiled bundle in ``feed_dir``, or compiled from the raw feed files there."""
    feed_dir = Path(feed_dir) if feed_dir else default_feed_dir()
    aliases = load_aliases(aliases_path or default_feed_dir() / "aliases.tsv")
    if (feed_dir / BUNDLE_FILE).exists():
        bundle = load_bundle(feed_dir)
    elif feed_dir.is_dir() and source_files([feed_dir]):
        log.info("no %s in %s: compiling its feed files", BUNDLE_FILE, feed_dir)
        bundle, _ = compile_sources([feed_dir])
    else:
        raise BundleError(
            f"no feed in {feed_dir}: build one with scripts/build_feed.py, or point --feed-dir at NVD/CPE/KEV files"
        )
    return CpeIndex(bundle, aliases)
