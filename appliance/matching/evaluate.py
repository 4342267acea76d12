"""CVE applicability: NVD configurations (AND/OR nodes, negate, platform entries, ranges) against one item."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from appliance.matching.base import Vulnerability
from appliance.matching.bundle import BConfig, BCve, BMatch, BNode, configs_of
from appliance.matching.index import CpeIndex
from appliance.matching.platform import TARGET_FAMILIES, Platform
from appliance.versions import GENERIC, UnknownVersion, is_unknown, upstream_version
from appliance.versions.rpm import parse_version as parse_rpm

# NVD writes update components in words; installed versions write them short:
# cpe:2.3:a:sudo_project:sudo:1.9.5:patch1 is sudo "1.9.5p1".
_UPDATE_WORDS = (("patch", "p"), ("update_", "u"), ("update", "u"), ("build", "b"))


def upstream(version: str, scheme: str) -> str:
    """The upstream part of a distribution package version, which is what NVD ranges describe."""
    if scheme == "dpkg":
        return upstream_version(version)
    if scheme == "rpm":
        parsed = parse_rpm(version)
        return parsed.version if parsed else version
    if scheme == "apk":
        return version.rsplit("-r", 1)[0] if "-r" in version else version
    return version


@lru_cache(maxsize=200_000)
def _key(version: str) -> Any:
    """Generic sort key of a version string, or None when it is unknown; cached, bounds repeat a lot."""
    if is_unknown(version):
        return None
    return GENERIC.key(version)


def _update_suffix(update: str) -> str:
    for word, short in _UPDATE_WORDS:
        if update.startswith(word):
            return short + update[len(word) :]
    return update


def version_matches(match: BMatch, version: str) -> str | None:
    """Why ``version`` satisfies the criterion's version part, or None if it does not."""
    key = _key(version)
    if key is None:
        return None  # unknown versions never match a range or a wildcard
    if match.version == "-":
        return None  # NVD's "not applicable" version: an installed, versioned item is not it
    if match.version != "*":
        wanted = match.version
        if match.update not in ("*", "-", ""):
            wanted += _update_suffix(match.update)
        elif match.update == "*" and version.startswith(match.version) and version[len(match.version) :][:1].isalpha():
            return f"version {match.version} (any update)"
        target = _key(wanted)
        return f"version {wanted}" if target is not None and key == target else None
    bounds = []
    try:
        for bound, label, test in (
            (match.start_incl, ">=", lambda k, b: k >= b),
            (match.start_excl, ">", lambda k, b: k > b),
            (match.end_incl, "<=", lambda k, b: k <= b),
            (match.end_excl, "<", lambda k, b: k < b),
        ):
            if bound:
                bound_key = _key(bound)
                if bound_key is None:
                    return None  # a bound we cannot read: no match rather than a guess
                if not test(key, bound_key):
                    return None
                bounds.append(f"{label} {bound}")
    except (TypeError, UnknownVersion):
        return None
    return " and ".join(bounds) if bounds else "all versions"


class _Context:
    """What one evaluation may consult: the item, the host's platform and (rarely) the other items."""

    def __init__(self, keys: tuple[int, ...], version: str, platform: Platform, platform_ids: frozenset[int],
                 others: Mapping[int, tuple[str, ...]]) -> None:
        self.keys = keys
        self.version = version
        self.platform = platform
        self.platform_ids = platform_ids
        self.others = others
        self.used_others = False
        self.hit: str | None = None

    def criterion(self, match: BMatch, index: CpeIndex) -> bool:
        if match.product < 0:
            return False
        if match.target_sw not in ("*", "-"):
            family = TARGET_FAMILIES.get(match.target_sw)
            if family is not None and family != self.platform.family:
                return False
        if match.product in self.keys:
            why = version_matches(match, self.version)
            if why is not None and match.vulnerable and self.hit is None:
                self.hit = f"{index.keys[match.product]} {why}"
            return why is not None
        if match.part == "o" and not match.vulnerable:
            return match.product in self.platform_ids
        if match.part != "a":
            return False  # hardware, or an OS as the vulnerable product: not decidable from a report
        self.used_others = True
        return any(version_matches(match, v) is not None for v in self.others.get(match.product, ()))

    def node(self, node: BNode, index: CpeIndex) -> bool:
        # The item's own criteria first: in an OR node they usually decide, and then the
        # other programs on the host are never consulted (which keeps results cacheable).
        own = [m for m in node.matches if m.product in self.keys]
        rest = [m for m in node.matches if m.product not in self.keys]
        if node.operator != "AND":
            value = any([self.criterion(m, index) for m in own]) or any(self.criterion(m, index) for m in rest)
        else:
            value = bool(node.matches) and all([self.criterion(m, index) for m in own]) and all(
                self.criterion(m, index) for m in rest
            )
        return not value if node.negate else value

    def config(self, config: BConfig, index: CpeIndex) -> bool:
        results = [self.node(n, index) for n in config.nodes]
        value = any(results) if config.operator != "AND" else bool(results) and all(results)
        return not value if config.negate else value


class CveEvaluator:
    """Finds the CVEs of one identified item; results are cached per (product, version, platform)."""

    DECODED_LIMIT = 100_000  # decoded CVE configurations kept; beyond it the cache starts over

    def __init__(self, index: CpeIndex) -> None:
        self.index = index
        self._cache: dict[tuple, tuple[tuple, tuple]] = {}
        self._platform_ids: dict[tuple[str, ...], frozenset[int]] = {}
        self._decoded: dict[str, tuple[BConfig, ...]] = {}

    def _platform(self, platform: Platform) -> frozenset[int]:
        found = self._platform_ids.get(platform.keys)
        if found is None:
            found = frozenset(self.index.key_id[k] for k in platform.keys if k in self.index.key_id)
            self._platform_ids[platform.keys] = found
        return found

    def findings(
        self, key: str, version: str, platform: Platform, others: Mapping[int, tuple[str, ...]]
    ) -> tuple[tuple[Vulnerability, ...], bool]:
        """The item's CVEs, and whether some configuration also depends on the host's other programs."""
        key_id = self.index.key_id.get(key)
        if key_id is None:
            return (), False
        compared = upstream(version, platform.scheme)
        backport = platform.packages and compared != version
        keys = self.index.equivalents(key_id)
        cache_key = (keys, compared, platform.family, platform.keys, backport)
        cached = self._cache.get(cache_key)
        if cached is None:
            cached = self._cache[cache_key] = self._evaluate(keys, compared, platform, backport)
        final, pending = cached
        if not pending:
            return final, False
        # The few configurations that also name another program on the host ("plugin X in
        # application Y") are decided per host; everything else came from the cache.
        found = list(final)
        seen = {v.cve for v in final}
        for cve, config, hit in pending:
            if cve.id not in seen:
                ctx = _Context(keys, compared, platform, self._platform(platform), others)
                if ctx.config(config, self.index):
                    found.append(self._finding(cve, hit, backport))
                    seen.add(cve.id)
        return tuple(sorted(found, key=lambda v: v.cve)), True

    def _configs(self, cve: BCve) -> tuple[BConfig, ...]:
        """Decoded configurations, kept for the CVEs this office's software has needed so far."""
        configs = self._decoded.get(cve.id)
        if configs is None:
            if len(self._decoded) > self.DECODED_LIMIT:
                self._decoded.clear()
            configs = self._decoded[cve.id] = configs_of(cve)
        return configs

    def _evaluate(self, keys: tuple[int, ...], compared: str, platform: Platform, backport: bool) -> tuple[tuple, tuple]:
        """(findings that hold on any host, configurations that depend on the host's other programs)."""
        candidates = self.index.cves_that_may_hold(keys, compared)
        final: list[Vulnerability] = []
        pending: list[tuple[BCve, BConfig, str]] = []
        platform_ids = self._platform(platform)
        for cve in candidates:
            ctx = _Context(keys, compared, platform, platform_ids, {})
            for config in self._configs(cve):
                # A finding needs one of the item's own vulnerable criteria to hold; checking
                # those first skips most configurations without looking at anything else.
                ctx.hit = None
                own = (m for n in config.nodes for m in n.matches if m.vulnerable and m.product in keys)
                if not any(ctx.criterion(m, self.index) for m in own):
                    continue
                hit, ctx.used_others = ctx.hit or "", False
                holds = ctx.config(config, self.index)
                if ctx.used_others:
                    pending.append((cve, config, hit))
                elif holds:
                    final.append(self._finding(cve, hit, backport))
                    break
        return tuple(final), tuple(pending)

    def _finding(self, cve: BCve, via: str, backport: bool) -> Vulnerability:
        kev = self.index.kev.get(cve.id)
        return Vulnerability(
            cve.id, cve.score, cve.severity, kev is not None, backport, via,
            kev.date_added if kev else None, kev.due_date if kev else None, kev.ransomware if kev else None,
        )
