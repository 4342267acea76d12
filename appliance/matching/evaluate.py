"""CVE applicability: NVD configurations (AND/OR nodes, negate, platform entries, ranges) against one item.

Every criterion is judged True, False or None (undecidable: the installed version is unknown,
or known only as a span such as "2022.1.x" that straddles the criterion's bound), and nodes
and configurations combine those with three-valued (Kleene) logic. A CVE whose configuration
holds is a finding; one whose configuration is undecidable is a finding with
``version_unknown`` set, never dropped and never certain.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

import msgspec

from appliance.matching.base import Vulnerability
from appliance.matching.bundle import BConfig, BCve, BMatch, BNode, configs_of, is_date_bound, one_or_node, own_criteria, update_suffix
from appliance.matching.index import CpeIndex
from appliance.matching.platform import TARGET_FAMILIES, Platform
from appliance.versions import GENERIC, UnknownVersion, upstream_version
from appliance.versions.rpm import parse_version as parse_rpm

# A bound written as a calendar date (bundle.DATE_BOUND: NVD gives linux:linux_kernel
# "versionEndExcluding 2022-08-10") only compares with a version that is a date or begins with
# a year itself.
_YEAR_FIRST = re.compile(r"^(?:19|20)\d\d")


def _other_numbering(version: str, bounds: tuple[str | None, ...]) -> bool:
    """A bound is a calendar date and the version does not begin with a year: not comparable."""
    # (Asked of every criterion that holds: a loop without a generator, the version's test only
    # when a bound is a date.)
    for bound in bounds:
        if bound and is_date_bound(bound):
            return _YEAR_FIRST.match(version) is None
    return False


def upstream(version: str, scheme: str) -> str:
    """The upstream part of a distribution package version, which is what NVD ranges describe.

    A version the scheme cannot read is returned as it is (it is then unknown, or compared
    as a generic version): a version never makes matching fail.
    """
    if scheme == "dpkg":
        try:
            return upstream_version(version)
        except UnknownVersion:
            return version
    if scheme == "rpm":
        parsed = parse_rpm(version)
        return parsed.version if parsed else version
    if scheme == "apk":
        return version.rsplit("-r", 1)[0] if "-r" in version else version
    return version


@lru_cache(maxsize=200_000)
def _key(version: str) -> Any:
    """Generic sort key of a version string, or None when it is unknown; cached, bounds repeat a lot.
    (``GENERIC.key`` answers None for every version ``is_unknown`` calls unknown.)"""
    return GENERIC.key(version)


_NO_KEYS: Mapping[str, Any] = {}


def version_matches(match: BMatch, version: str, known: Mapping[str, Any] = _NO_KEYS) -> str | None:
    """Why ``version`` satisfies the criterion's version part, or None if it does not."""
    return _version_matches(match, version, _key(version), known)


def _version_matches(match: BMatch, version: str, key: Any, known: Mapping[str, Any] = _NO_KEYS,
                     dated: frozenset[str] | None = None) -> str | None:
    """version_matches with the version's sort key already known (evaluation has it at hand).
    ``known``: the sort keys of the bundle's bounds read at load (CpeIndex.version_keys); a
    bound it lacks is read here. ``dated``: the bundle's bounds that are calendar dates
    (CpeIndex.dated_versions), for a criterion whose bounds the bundle lists all (a vulnerable
    one); otherwise each bound is tested here."""
    if key is None:
        return None  # unknown versions never match a range or a wildcard
    if match.version == "-":
        return None  # NVD's "not applicable" version: an installed, versioned item is not it
    if match.version != "*":
        wanted = match.version
        if match.update not in ("*", "-", ""):
            wanted += update_suffix(match.update)
        elif match.update == "*" and version.startswith(match.version) and version[len(match.version) :][:1].isalpha():
            return f"version {match.version} (any update)"
        target = known.get(wanted) or _key(wanted)
        return f"version {wanted}" if target is not None and key == target else None
    # Each bound is tested in turn; a bound we cannot read gives no match rather than a guess.
    # Keys of different shapes do not compare (TypeError): no match either. The reason is
    # written only for a version that passes every bound (most criteria tried do not hold).
    start_incl, start_excl, end_incl, end_excl = match.start_incl, match.start_excl, match.end_incl, match.end_excl
    try:
        if start_incl:
            bound = known.get(start_incl) or _key(start_incl)
            if bound is None or not key >= bound:
                return None
        if start_excl:
            bound = known.get(start_excl) or _key(start_excl)
            if bound is None or not key > bound:
                return None
        if end_incl:
            bound = known.get(end_incl) or _key(end_incl)
            if bound is None or not key <= bound:
                return None
        if end_excl:
            bound = known.get(end_excl) or _key(end_excl)
            if bound is None or not key < bound:
                return None
    except (TypeError, UnknownVersion):
        return None
    # (Tested last: only for a version that passed every bound.)
    if dated is None:
        if _other_numbering(version, (start_incl, start_excl, end_incl, end_excl)):
            return None
    elif (start_incl in dated or start_excl in dated or end_incl in dated or end_excl in dated) and _YEAR_FIRST.match(version) is None:
        return None
    # The reason: the bounds (">= 1.0 and < 2.0"), or "all versions" (written here: one per
    # criterion that holds, a finding each).
    lower = f">= {start_incl}" if start_incl else ""
    if start_excl:
        lower = f"{lower} and > {start_excl}" if lower else f"> {start_excl}"
    upper = f"<= {end_incl}" if end_incl else ""
    if end_excl:
        upper = f"{upper} and < {end_excl}" if upper else f"< {end_excl}"
    if lower and upper:
        return f"{lower} and {upper}"
    return lower or upper or "all versions"


class Installed(msgspec.Struct, frozen=True, gc=False):
    """What is known of an installed version: one point (``exact``), a span [low, high) of sort
    keys (a JetBrains build names its release "2022.1" but not the patch), or nothing (both None)."""

    # (A frozen struct: hashed and compared by its fields as the NamedTuple it was, made in a
    # third of the time; sort keys are tuples of numbers and words, never part of a cycle.)

    text: str
    low: Any
    high: Any
    exact: bool
    # The span is a series whose distribution backports fixes under one version (a kernel
    # 5.15.0-127.137): a range that covers the whole span does not make a finding certain
    # either, since NVD's ranges often name only the mainline fix (docs/matching.md, session 25).
    backports: bool = False

    @classmethod
    def of(cls, version: str) -> Installed:
        key = _key(version)
        return cls(version, key, key, key is not None)

    @classmethod
    def between(cls, text: str, floor: str, ceiling: str, backports: bool = False) -> Installed:
        """At least ``floor`` and below ``ceiling`` (e.g. "2022.1" and "2022.2" for any 2022.1.x)."""
        low, high = _key(floor), _key(ceiling)
        if low is None or high is None or not low < high:
            return cls(text, None, None, False)
        return cls(text, low, high, False, backports)

    @property
    def unknown(self) -> bool:
        return self.low is None and self.high is None


def _span_test(installed: Installed, label: str, bound: Any) -> bool | None:
    """Whether every (True), no (False) or only some (None) version of the span passes ``label bound``."""
    low, high = installed.low, installed.high  # high is exclusive
    if label == ">=":
        return True if low is not None and low >= bound else False if high is not None and high <= bound else None
    if label == ">":
        return True if low is not None and low > bound else False if high is not None and high <= bound else None
    if label == "<=":
        return True if high is not None and high <= bound else False if low is not None and low > bound else None
    return True if high is not None and high <= bound else False if low is not None and low >= bound else None


def judge(match: BMatch, installed: Installed) -> tuple[bool | None, str]:
    """Three-valued version_matches: (True, why), (False, ""), or (None, why) when undecidable."""
    if installed.exact:
        why = _version_matches(match, installed.text, installed.low)
        return (True, why) if why is not None else (False, "")
    if match.version == "-":
        return False, ""
    if match.version != "*":
        wanted = match.version
        if match.update not in ("*", "-", ""):
            wanted += update_suffix(match.update)
        target = _key(wanted)
        if target is None:
            return False, ""
        if installed.unknown or installed.low <= target < installed.high:
            return None, f"version {wanted}"
        return False, ""
    bounds, verdict = [], True
    try:
        for bound, label in ((match.start_incl, ">="), (match.start_excl, ">"), (match.end_incl, "<="), (match.end_excl, "<")):
            if bound:
                bound_key = _key(bound)
                if bound_key is None:
                    return False, ""
                test = _span_test(installed, label, bound_key)
                if test is False:
                    return False, ""
                if test is None:
                    verdict = None
                bounds.append(f"{label} {bound}")
    except TypeError:
        return False, ""
    if not bounds:
        # NVD writes "*" without bounds also where the affected versions were not analysed:
        # with no version at all that is not certain; a span of versions is inside "all".
        return (None if installed.unknown or installed.backports else True), "all versions"
    if _other_numbering(installed.text, (match.start_incl, match.start_excl, match.end_incl, match.end_excl)):
        return False, ""  # a calendar-date bound says nothing of a span numbered otherwise, as of a version
    return (None if verdict and installed.backports else verdict), " and ".join(bounds)


def fix_of(match: BMatch) -> tuple[str | None, str]:
    """(fixed_version, fix_kind) from the upper bound of a criterion's range."""
    if match.end_excl:
        return match.end_excl, "fixed_in"
    if match.end_incl:
        return match.end_incl, "fixed_after"
    return None, "none"


class _Hit(msgspec.Struct, frozen=True, gc=False):
    """The item's own vulnerable criterion that decided a finding, and why (the finding's text
    is made from these only when the CVE is reported)."""

    match: BMatch
    why: str


class _Context:
    """What one evaluation may consult: the item, the host's platform and (rarely) the other items."""

    def __init__(self, keys: tuple[int, ...], installed: Installed, platform: Platform, platform_ids: frozenset[int],
                 others: Mapping[int, tuple[str, ...]]) -> None:
        self.keys = keys
        self.installed = installed
        self.platform = platform
        self.platform_ids = platform_ids
        self.others = others
        self.used_others = False
        self.hit: _Hit | None = None  # first own vulnerable criterion that held
        self.maybe: _Hit | None = None  # first own vulnerable criterion that was undecidable

    def criterion(self, match: BMatch, index: CpeIndex) -> bool | None:
        if match.product < 0:
            return False
        if match.target_sw not in ("*", "-"):
            family = TARGET_FAMILIES.get(match.target_sw)
            if family is not None and family != self.platform.family:
                return False
        if match.product in self.keys:
            installed = self.installed
            if installed.exact:  # judge() for one known version, without the extra call
                # (The bundle lists the bounds of every vulnerable criterion, and which are dates.)
                known = index.version_keys
                why = _version_matches(match, installed.text, installed.low, known,
                                       index.dated_versions if known and match.vulnerable else None)
                verdict = why is not None
            else:
                verdict, why = judge(match, installed)
            if match.vulnerable and verdict is not False:
                if verdict is True:
                    if self.hit is None:
                        self.hit = _Hit(match, why)
                elif self.maybe is None:
                    self.maybe = _Hit(match, why)
            return verdict
        if match.part == "o" and not match.vulnerable:
            return match.product in self.platform_ids
        if match.part != "a":
            return False  # hardware, or an OS as the vulnerable product: not decidable from a report
        self.used_others = True
        return any(version_matches(match, v, index.version_keys) is not None for v in self.others.get(match.product, ()))

    def node(self, node: BNode, index: CpeIndex) -> bool | None:
        # The item's own criteria first: in an OR node they usually decide, and then the
        # other programs on the host are never consulted (which keeps results cacheable).
        # (Kleene logic over the verdicts as three flags, in loops rather than lists: a
        # configuration of two small nodes is the common case, and is judged in full.)
        keys = self.keys
        matches = node.matches
        true = false = undecided = False
        for m in matches:
            if m.product in keys:
                verdict = self.criterion(m, index)
                if verdict is None:
                    undecided = True
                elif verdict:
                    true = True
                else:
                    false = True
        if node.operator != "AND":
            if not true:
                for m in matches:
                    if m.product not in keys:
                        verdict = self.criterion(m, index)
                        if verdict is None:
                            undecided = True
                        elif verdict:
                            true = True
            value = True if true else None if undecided else False
        elif false or not matches:
            value = False
        else:
            for m in matches:
                if m.product not in keys:
                    verdict = self.criterion(m, index)
                    if verdict is None:
                        undecided = True
                    elif not verdict:
                        false = True
            value = False if false else None if undecided else True
        if node.negate:
            return None if value is None else not value
        return value

    def config(self, config: BConfig, index: CpeIndex) -> bool | None:
        # Every node is judged (each may note the hit or consult other programs).
        true = false = undecided = False
        for n in config.nodes:
            verdict = self.node(n, index)
            if verdict is None:
                undecided = True
            elif verdict:
                true = True
            else:
                false = True
        if config.operator != "AND":
            value = True if true else None if undecided else False
        else:
            value = False if false or not config.nodes else None if undecided else True
        if config.negate:
            return None if value is None else not value
        return value

    def reset(self) -> None:
        self.hit = self.maybe = None
        self.used_others = False


_PENDING = object()  # a configuration that also names another program on the host


class _Span:
    """One product's candidate CVEs (for one platform and backport flag), and what evaluating
    them gave at versions between the same two bounds of their criteria (CveEvaluator._spanned).

    The bounds are read only when a second version of the product asks for the same candidates
    (most products appear at one version in an office); until then the first version's sort key
    and result wait in ``first``."""

    __slots__ = ("candidates", "first", "bounds", "results")

    def __init__(self, candidates: list[BCve], version_key: Any, result: tuple[tuple, tuple]) -> None:
        self.candidates = candidates
        self.first: tuple[Any, tuple[tuple, tuple]] | None = (version_key, result)
        self.bounds: list | None = None  # sorted sort keys of every bound and exact version of the criteria
        self.results: dict[int, tuple[tuple, tuple]] = {}  # per gap between two bounds


class CveEvaluator:
    """Finds the CVEs of one identified item; results are cached per (product, version, platform)."""

    DECODED_LIMIT = 100_000  # decoded CVE configurations kept; beyond it the cache starts over

    def __init__(self, index: CpeIndex) -> None:
        self.index = index
        self._cache: dict[tuple, tuple[tuple, tuple]] = {}
        self._platform_ids: dict[tuple[str, ...], frozenset[int]] = {}
        self._decoded: dict[str, tuple[BConfig, ...]] = {}
        # Per product (its group's keys), per CVE id: the criteria to judge (_plan); with how many
        # CVEs are kept over all products, to bound them like the other caches.
        self._plans: dict[tuple[int, ...], dict[str, Sequence[tuple[BMatch, ...] | BConfig]]] = {}
        self._planned = 0
        # Per (product's keys, platform, backport): results by the gap between two bounds of the
        # criteria that a version falls in (_spanned); the versions of one program in an office
        # ("24.001.20605", "24.001.20607") mostly fall in the same gap, and get the same CVEs.
        self._spans: dict[tuple, list[_Span]] = {}
        # One-OR-node configurations are decided by their first own criterion that holds; False
        # evaluates every configuration in full (the tests compare the two).
        self.shortcut = True

    def _platform(self, platform: Platform) -> frozenset[int]:
        found = self._platform_ids.get(platform.keys)
        if found is None:
            found = frozenset(self.index.key_id[k] for k in platform.keys if k in self.index.key_id)
            self._platform_ids[platform.keys] = found
        return found

    def findings(
        self, key: str, installed: Installed, platform: Platform, others: Mapping[int, tuple[str, ...]] | None,
        backport: bool = False, keys: tuple[int, ...] | None = None,
    ) -> tuple[tuple[Vulnerability, ...], bool]:
        """The item's CVEs (certain ones and ``version_unknown`` ones), and whether some
        configuration also depends on the host's other programs.

        ``installed`` is the version as NVD names it (upstream part, translated); ``backport``
        flags findings on distribution packages whose version was reduced to its upstream part.
        With ``others`` None the host-dependent configurations are not decided: the findings
        are those that hold on any host, and the caller asks again with the host's programs.
        ``keys``: the key's ``CpeIndex.cve_keys`` when the caller has them at hand.
        """
        if keys is None:
            key_id = self.index.key_id.get(key)
            if key_id is None:
                return (), False
            keys = self.index.cve_keys(key_id)
        # (A known version by its text, which Installed.of reads all the rest from: a str hashes
        # once, a sort key's nested tuples every time; a span or unknown version whole.)
        cache_key = (keys, installed.text if installed.exact else installed, platform.family, platform.keys, backport)
        cached = self._cache.get(cache_key)
        if cached is None:
            if len(self._cache) > self.CACHE_LIMIT:
                self._cache.clear()
            cached = self._cache[cache_key] = self._spanned(keys, installed, platform, backport)
        final, pending = cached
        if not pending or others is None:
            return final, bool(pending)
        # The few configurations that also name another program on the host ("plugin X in
        # application Y") are decided per host; everything else came from the cache.
        found = {v.cve: v for v in final}
        for cve, config in pending:
            known = found.get(cve.id)
            if known is not None and not known.version_unknown:
                continue
            ctx = _Context(keys, installed, platform, self._platform(platform), others)
            holds = ctx.config(config, self.index)
            if holds is True and ctx.hit is not None:
                found[cve.id] = self._finding(cve, ctx.hit.match, ctx.hit.why, backport, False)
            elif holds is None and known is None and (ctx.hit or ctx.maybe) is not None:
                hit = ctx.hit or ctx.maybe
                found[cve.id] = self._finding(cve, hit.match, hit.why, backport, True)  # type: ignore[union-attr]
        return tuple(found[cve] for cve in sorted(found)), True

    CACHE_LIMIT = 200_000  # evaluated (product, version, platform) results kept; beyond it the cache starts over

    def _configs(self, cve: BCve) -> tuple[BConfig, ...]:
        """Decoded configurations, kept for the CVEs this office's software has needed so far."""
        configs = self._decoded.get(cve.id)
        if configs is None:
            if len(self._decoded) > self.DECODED_LIMIT:
                self._decoded.clear()
            configs = self._decoded[cve.id] = configs_of(cve)
        return configs

    def _plan(self, keys: tuple[int, ...], cve: BCve) -> Sequence[tuple[BMatch, ...] | BConfig]:
        """Per configuration of the CVE: for a one-OR-node configuration, the item's own vulnerable
        criteria in node order (a tuple of BMatch); any other configuration as it is, to be
        evaluated in full. Kept per (product, CVE) by the caller (_evaluate): the other versions
        of a product in the office are judged against the same criteria."""
        # A CVE of several products keeps each one's criteria apart (bundle format 6): only
        # this product's are decoded, unless a configuration needs the full evaluation. (A CVE
        # of one product keeps none, most of them: its configurations are the plan's source.)
        own = None
        if cve.own:
            # (A CVE may list a hundred products, a group a few keys; a key that the CVE does
            # not list has no own criteria in it, so one key is asked for as it is. A loop,
            # not a comprehension: keys are one to four.)
            mine = keys[0]
            if len(keys) > 1:
                products, mine = cve.products, -1
                for k in keys:
                    if k in products:
                        if mine >= 0:
                            mine = -1
                            break
                        mine = k
            own = own_criteria(cve, mine) if mine >= 0 else None
        if own is None:
            # (Decoded for the plan alone, which is kept: not kept in _decoded as well.)
            plan: list[tuple[BMatch, ...] | BConfig] = []
            for config in configs_of(cve):
                nodes = config.nodes
                # (one_or_node written out: it is asked for every configuration of every candidate.)
                if len(nodes) == 1 and not config.negate and (node := nodes[0]).operator != "AND" and not node.negate:
                    # The node's criteria as they are when all are the product's vulnerable
                    # ones (most nodes of a CVE of one product); else those picked out.
                    matches = node.matches
                    for m in matches:
                        if not m.vulnerable or m.product not in keys:
                            matches = tuple([m for m in matches if m.vulnerable and m.product in keys])
                            break
                    plan.append(matches)
                else:
                    plan.append(config)
            return plan
        if None not in own:
            return own  # every configuration is one OR node: the product's criteria are the plan as decoded
        configs = self._configs(cve)
        return [step if step is not None else configs[i] for i, step in enumerate(own)]

    def _spanned(self, keys: tuple[int, ...], installed: Installed, platform: Platform, backport: bool) -> tuple[tuple, tuple]:
        """_evaluate's result, taken from another version of the product when no criterion of its
        candidate CVEs tells the two apart.

        Every criterion compares the version's sort key with its bounds (or its exact version)
        and nothing else, but for one reading of the text: "1.9.5a" is version 1.9.5 with any
        update. So for a version of digits and dots, the gap between two consecutive bounds of
        all the candidates' criteria that its key falls in decides every criterion, and with the
        same candidates, the same findings in the same order. A version equal to a bound is
        evaluated on its own. Only for the shortcut's evaluation of one known version."""
        # The bundle's version spans narrow the CVEs down for one known version; a span of
        # versions (a JetBrains build) or an unknown one is checked against all of them.
        if not installed.exact:
            return self._evaluate(keys, installed, platform, backport, self.index.cves_for(keys))
        text = installed.text
        candidates = self.index.cves_that_may_hold(keys, text, installed.low)  # (installed.low is _key(text))
        if not (self.shortcut and text.isascii() and text.replace(".", "").isdigit()):
            return self._evaluate(keys, installed, platform, backport, candidates)
        if len(self._spans) > self.DECODED_LIMIT:
            self._spans.clear()
        # (Whether the version begins with a year is in the key: a bound written as a date holds
        # for such a version only, so two versions in one gap of the bounds may differ by it.)
        spans = self._spans.setdefault((keys, platform.family, platform.keys, backport, _YEAR_FIRST.match(text) is None), [])
        for span in spans:
            if span.candidates == candidates:
                break
        else:
            result = self._evaluate(keys, installed, platform, backport, candidates)
            spans.append(_Span(candidates, installed.low, result))
            return result
        if span.first is not None:
            # A second version with these candidates: the bounds are read now.
            (first_key, first_result), span.first = span.first, None
            span.bounds = self._bounds(keys, candidates)
            gap = self._gap(span.bounds, first_key)
            if gap >= 0:
                span.results[gap] = first_result
        gap = self._gap(span.bounds, installed.low)
        result = span.results.get(gap) if gap >= 0 else None
        if result is None:
            result = self._evaluate(keys, installed, platform, backport, candidates)
            if gap >= 0:
                span.results[gap] = result
        return result

    @staticmethod
    def _gap(bounds: list | None, key: Any) -> int:
        """Which gap between consecutive ``bounds`` the sort key falls in; -1 when it is one of
        them (or the bounds could not be ordered)."""
        if bounds is None:
            return -1
        i = bisect_left(bounds, key)
        return -1 if i < len(bounds) and bounds[i] == key else i

    def _bounds(self, keys: tuple[int, ...], candidates: list[BCve]) -> list | None:
        """The sort keys of every bound and exact version of the product's criteria in the
        candidates' plans (all that _evaluate may compare a known version with), sorted; None
        when they do not order (keys of different shapes)."""
        plans = self._plans.get(keys)
        if plans is None:
            plans = self._plans[keys] = {}
        # The product's criteria of every candidate in one list (a configuration judged in full
        # adds its own criteria of every node), then the texts, then each text's key once
        # (criteria repeat their bounds). Keys equal for two texts may both be listed: a gap
        # is then counted the same way for every version, which is all _gap needs.
        own: list[BMatch] = []
        for cve in candidates:
            plan = plans.get(cve.id)
            if plan is None:
                plan = plans[cve.id] = self._plan(keys, cve)
                self._planned += 1
            for config in plan:
                if type(config) is tuple:
                    own += config
                else:
                    for node in config.nodes:
                        for match in node.matches:
                            if match.product in keys:
                                own.append(match)
        texts: set[str | None] = set()
        for match in own:
            if match.version == "*":
                texts.update((match.start_incl, match.start_excl, match.end_incl, match.end_excl))
            elif match.version != "-":
                wanted = match.version
                if match.update not in ("*", "-", ""):
                    wanted += update_suffix(match.update)
                texts.add(wanted)
        texts.discard(None)
        texts.discard("")
        known = self.index.version_keys
        found = [known.get(text) or _key(text) for text in texts]
        try:
            return sorted(key for key in found if key is not None) if None in found else sorted(found)
        except TypeError:
            return None

    def _evaluate(self, keys: tuple[int, ...], installed: Installed, platform: Platform, backport: bool,
                  candidates: list[BCve]) -> tuple[tuple, tuple]:
        """(findings that hold on any host, configurations that depend on the host's other programs)."""
        final: list[Vulnerability] = []
        pending: list[tuple[BCve, BConfig]] = []
        platform_ids = self._platform(platform)
        ctx = _Context(keys, installed, platform, platform_ids, {})
        # Most configurations are one OR node: for a known version, the first own vulnerable
        # criterion that holds decides it, and no other program is consulted (what config()
        # would conclude), so the rest of the node is not looked at; when none holds, nothing
        # in it can make a finding.
        fast = self.shortcut and installed.exact
        text, version_key, family = installed.text, installed.low, platform.family
        if self._planned > self.DECODED_LIMIT:
            self._plans.clear()
            self._planned = 0
        plans = self._plans.get(keys) if fast else None
        if plans is None and fast:
            plans = self._plans[keys] = {}
        planned = len(plans) if plans is not None else 0  # (the plans made here are counted after the loop)
        known = self.index.version_keys
        # (Every bound of a vulnerable criterion is in the bundle's versions since format 7.)
        dated = self.index.dated_versions if known else None
        for cve in candidates:
            if plans is not None:
                plan = plans.get(cve.id)
                if plan is None:
                    plan = plans[cve.id] = self._plan(keys, cve)
            else:
                plan = self._configs(cve)
            maybe: _Hit | None = None
            # (A configuration that decides the CVE appends its finding and breaks out; the
            # loop's else is for a CVE that none decided.)
            for config in plan:
                if type(config) is tuple:
                    # One OR node: its first own vulnerable criterion that holds for the version
                    # decides it (a criterion for another platform family never holds).
                    for match in config:
                        if match.target_sw not in ("*", "-"):
                            wanted = TARGET_FAMILIES.get(match.target_sw)
                            if wanted is not None and wanted != family:
                                continue
                        why = _version_matches(match, text, version_key, known, dated)
                        if why is not None:
                            break
                    else:
                        continue  # none holds: nothing in this node can make a finding
                    # (Made for each version: a table of the findings shared by the versions one
                    # criterion catches cost more to key than the findings, in a first report.)
                    final.append(self._finding(cve, match, why, backport, False))
                    break
                found, hit = self._judge(ctx, config, keys)
                if found is _PENDING:
                    pending.append((cve, config))
                elif found is True:
                    final.append(self._finding(cve, hit.match, hit.why, backport, False))  # type: ignore[union-attr]
                    break
                elif found is None and maybe is None:
                    # Undecidable: the version could not decide a range this configuration needs.
                    maybe = hit
            else:
                if maybe is not None:
                    final.append(self._finding(cve, maybe.match, maybe.why, backport, True))
        if plans is not None:
            self._planned += len(plans) - planned
        return tuple(final), tuple(pending)

    def _judge(self, ctx: _Context, config: BConfig, keys: tuple[int, ...]) -> tuple[object, _Hit | None]:
        """One configuration for the item alone: (True, the own criterion that decided it),
        (None, the own criterion that could not be decided), (False, None) or (_PENDING, None)
        when it also depends on the host's other programs."""
        # A finding needs one of the item's own vulnerable criteria to hold (or to be
        # undecidable).
        ctx.reset()
        index = self.index
        if self.shortcut and one_or_node(config):
            # One OR node (for a version known only in part): the first own vulnerable
            # criterion that holds decides it, as config() would conclude.
            own = []
            for m in config.nodes[0].matches:
                if m.vulnerable and m.product in keys:
                    verdict = ctx.criterion(m, index)
                    if verdict is True:
                        return True, ctx.hit
                    own.append(verdict)
            if own.count(False) == len(own):
                return False, None  # none of the item's own vulnerable criteria can hold
            ctx.used_others = False
        holds = ctx.config(config, index)
        # config() judges every own criterion of every node, in node order, and notes the first
        # own vulnerable one that held (hit) and the first that was undecidable (maybe): with
        # neither, none of the item's own vulnerable criteria can hold, whatever else it consulted.
        hit, guess = ctx.hit, ctx.maybe
        if hit is None and guess is None:
            return False, None
        if ctx.used_others:
            return _PENDING, None
        if holds is True and hit is not None:
            return True, hit
        if holds is not False:
            return None, hit or guess
        return False, None

    def _finding(self, cve: BCve, match: BMatch, why: str, backport: bool, version_unknown: bool) -> Vulnerability:
        """The finding an own criterion (``match``, held for ``why``) makes of the CVE."""
        index = self.index
        evidence = f"{index.keys[match.product]} {why}"
        fixed_version, fix_kind = fix_of(match)
        kev = index.kev.get(cve.id)
        if kev is None:
            return Vulnerability(cve.id, cve.score, cve.severity, False, backport, evidence, None, None, None,
                                 fixed_version, fix_kind, version_unknown)
        return Vulnerability(cve.id, cve.score, cve.severity, True, backport, evidence, kev.date_added, kev.due_date,
                             kev.ransomware, fixed_version, fix_kind, version_unknown)
