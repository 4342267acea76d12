"""The feed matcher: identification plus CVE evaluation over a loaded CPE index; what the app and CLI use."""

from __future__ import annotations

import gc
import logging
import re
from collections.abc import Sequence
from pathlib import Path

import msgspec

from appliance.cpe import CpeError, parse_cpe23
from appliance.matching.aliases import load_aliases
from appliance.matching.base import ItemMatch, MatchResult, SoftwareItem, Vulnerability
from appliance.matching.bundle import BUNDLE_FILE, BundleError, compile_sources, load_bundle, source_files
from appliance.matching.evaluate import CveEvaluator, Installed, upstream
from appliance.matching.identify import Identification, Identifier
from appliance.matching.index import CpeIndex, split_key
from appliance.matching.normalize import effective_version
from appliance.matching.platform import Platform, platform_of
from appliance.matching.translate import VersionRules, load_rules
from appliance.paths import resource_root

log = logging.getLogger("sentrikat.matching")

# CPE 2.3 formatted strings quote every character but letters, digits, "." "_" and "-".
_QUOTED = re.compile(r"[^A-Za-z0-9._\-]")


def default_feed_dir() -> Path:
    return resource_root() / "data" / "cpe_dictionary"


def _cpe_version(version: str) -> str:
    """A version as a CPE 2.3 formatted-string value (other characters quoted with a backslash)."""
    if not version:
        return "-"
    if version.isascii() and (version.replace(".", "").isdigit() or version.replace(".", "").replace("_", "").replace("-", "").isalnum()):
        return version  # letters, digits, ".", "_" and "-" only (most versions): nothing to quote
    return _QUOTED.sub(lambda found: "\\" + found.group(), version)


def default_rules() -> VersionRules:
    """The version translation table we author (data/cpe_dictionary/version_rules.tsv)."""
    return load_rules(default_feed_dir() / "version_rules.tsv")


class FeedMatcher:
    """Identifies items and finds their CVEs; deterministic, and each result says how it was made."""

    # Bound on the per-item result cache; when full it starts over (results are cheap to redo).
    CACHE_LIMIT = 200_000

    def __init__(self, index: CpeIndex, rules: VersionRules | None = None) -> None:
        self.index = index
        self.rules = rules if rules is not None else default_rules()
        self.identifier = Identifier(index)
        self.evaluator = CveEvaluator(index)
        # Per (item, OS name): the platform is a function of the OS name, which hashes faster.
        self._items: dict[tuple[SoftwareItem, str], _ItemOutcome] = {}
        self._platforms: dict[str, Platform] = {}

    def match(self, items: Sequence[SoftwareItem], os_name: str) -> list[MatchResult]:
        # The garbage collector is paused for the report, as for the bundle's load: a report
        # allocates many small tuples, lists and candidates that reference counting frees, and
        # the young collections they set off found nothing to free (about 2 % of a first report).
        enabled = gc.isenabled()
        gc.disable()
        try:
            return self._match(items, os_name)
        finally:
            if enabled:
                gc.enable()

    def _match(self, items: Sequence[SoftwareItem], os_name: str) -> list[MatchResult]:
        platform = self._platforms.get(os_name)
        if platform is None:
            platform = self._platforms[os_name] = platform_of(os_name)
        if len(self._items) > self.CACHE_LIMIT:
            self._items.clear()
        outcomes = []
        for item in items:
            outcome = self._items.get((item, os_name))
            if outcome is None:
                outcome = self._items[(item, os_name)] = self._outcome(item, platform)
            outcomes.append(outcome)
        if not any(o.host_dependent for o in outcomes):
            return [o.result for o in outcomes]
        # Other identified programs on the host, for the rare configuration that needs two
        # applications at once ("plugin X running in application Y").
        others: dict[int, tuple[str, ...]] = {}
        for o in outcomes:
            if o.key_id is not None:
                others[o.key_id] = (*others.get(o.key_id, ()), o.version)
        # Items of the same product and version on this host have the same findings (a report
        # often lists a program twice, as several entries or editions): decided once.
        decided: dict[tuple, tuple[Vulnerability, ...]] = {}
        results = []
        for o in outcomes:
            if o.host_dependent:
                asked = (o.key, o.installed, o.backport)
                found = decided.get(asked)
                if found is None:
                    found = decided[asked] = self.evaluator.findings(o.key, o.installed, platform, others, o.backport)[0]  # type: ignore[arg-type]
                results.append(msgspec.structs.replace(o.result, vulnerabilities=found))
            else:
                results.append(o.result)
        return results

    def group_of(self, cpe: str) -> list[str]:
        """Every vendor:product under which CVEs of the product in ``cpe`` are looked up (its group)."""
        try:
            key = parse_cpe23(cpe).product_key
        except CpeError:
            return []
        key_id = self.index.key_id.get(key)
        return [self.index.keys[k] for k in self.index.cve_keys(key_id)] if key_id is not None else [key]

    def _outcome(self, item: SoftwareItem, platform: Platform) -> _ItemOutcome:
        """Everything about one item that does not depend on the other programs of its host."""
        found = self.identifier.identify(item, platform)
        if not isinstance(found, Identification):
            return _ItemOutcome(MatchResult(None, found.reason))
        version, note = effective_version(item.name, item.version)
        compared = upstream(version, platform.scheme)
        backport = platform.packages and compared != version
        if compared != version:
            note = (note + "; " if note else "") + f"upstream version {compared} of package version {version}"
        key, cpe_version, update, rule = found.key, compared, "*", ""
        translation = self.rules.translate(found.key, item.name, compared)
        if translation is None:
            installed = Installed.of(compared)
        else:
            if translation.key and translation.key in self.index.key_id:
                key = translation.key
            rule, cpe_version, update = translation.rule, translation.version, translation.update or "*"
            shown = translation.compared if translation.floor is None else f"{translation.floor}.x"
            note = (note + "; " if note else "") + f"version {shown} by rule {rule}: {translation.note}"
            installed = (
                Installed.of(translation.compared) if translation.floor is None
                else Installed.between(shown, translation.floor, translation.ceiling or translation.floor, translation.backports)
            )
        evidence = found.evidence + (f"; {note}" if note else "")
        key_id = self.index.key_id.get(found.key)
        group = self.index.cve_keys(key_id) if key_id is not None else None
        if group is not None and len(group) > 1:
            evidence += "; CVEs looked up under " + ", ".join(map(self.index.keys.__getitem__, group))
        if found.method == "agent_cpe" and item.cpe:
            cpe = item.cpe
        else:
            vendor, product = split_key(key)
            cpe = f"cpe:2.3:{found.part}:{vendor}:{product}:{_cpe_version(cpe_version)}:{_cpe_version(update) if update != '*' else '*'}:*:*:*:*:*:*"
        match = ItemMatch(cpe, found.method, found.score, evidence, installed.text, rule)
        if key != found.key:  # (a rule's other product of the vendor: its own keys)
            key_id, group = self.index.key_id.get(key), None
        reason = None
        if installed.unknown:
            # Identified all the same: the CVEs that may apply are listed, each version_unknown.
            reason = f"version '{item.version}' is unknown; CVEs that may apply are marked version_unknown"
        # Findings that depend on the host's other programs are decided per report, in match().
        vulnerabilities, host_dependent = self.evaluator.findings(key, installed, platform, None, backport, group)
        return _ItemOutcome(
            MatchResult(match, reason, vulnerabilities), key_id, key, installed.text, installed, backport, host_dependent
        )


class _ItemOutcome(msgspec.Struct, frozen=True):
    result: MatchResult
    key_id: int | None = None
    key: str = ""
    version: str = ""
    installed: Installed | None = None
    backport: bool = False
    host_dependent: bool = False


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
