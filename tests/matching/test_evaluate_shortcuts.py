"""The evaluator's written-out paths against the plain code they replace (property tests)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appliance.matching.aliases import AliasTable
from appliance.matching.bundle import BConfig, BMatch, BNode, BProduct, Bundle, is_date_bound, make_cve, update_suffix
from appliance.matching.evaluate import CveEvaluator, Installed, _Context, _key, _version_matches, fix_of
from appliance.matching.index import CpeIndex
from appliance.matching.platform import platform_of

KEYS = ["acme:player", "acme:plugin", "acme:router", "microsoft:windows"]
PLAYER, PLUGIN, ROUTER, WINDOWS = range(4)
SETTINGS = settings(max_examples=400, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
INDEX = CpeIndex(Bundle(1, "now", KEYS, [BProduct(i, "") for i in range(4)], [], []), AliasTable({}, {}, {}, {}))



# Kleene logic over True/False/None as the evaluator wrote it before the loops.
def _any(values: list[bool | None]) -> bool | None:
    return True if True in values else None if None in values else False


def _all(values: list[bool | None]) -> bool | None:
    return False if False in values else None if None in values else True


def _negate(value: bool | None) -> bool | None:
    return None if value is None else not value


class _PlainContext(_Context):
    """node() and config() as they were written before the loops (lists and Kleene helpers)."""

    def node(self, node: BNode, index: CpeIndex) -> bool | None:
        keys = self.keys
        own = [self.criterion(m, index) for m in node.matches if m.product in keys]
        if node.operator != "AND":
            value = True if True in own else _any(own + [self.criterion(m, index) for m in node.matches if m.product not in keys])
        else:
            value = (False if False in own or not node.matches
                     else _all(own + [self.criterion(m, index) for m in node.matches if m.product not in keys]))
        return _negate(value) if node.negate else value

    def config(self, config: BConfig, index: CpeIndex) -> bool | None:
        results = [self.node(n, index) for n in config.nodes]
        value = _any(results) if config.operator != "AND" else (_all(results) if results else False)
        return _negate(value) if config.negate else value


# (Mostly no bound, so that criteria hold often enough to decide nodes.)
BOUNDS = st.sampled_from([None] * 8 + ["1.0", "1.5", "2.0", "2.0.1", "2022-08-10"])
MATCHES = st.builds(
    BMatch, st.sampled_from([PLAYER, PLUGIN, ROUTER, WINDOWS, -1]), st.sampled_from(["a", "o", "h"]), st.booleans(),
    st.sampled_from(["*", "*", "-", "1.5", "2.0"]), st.sampled_from(["*", "-", "patch1"]),
    st.sampled_from(["*", "-", "windows", "mac_os_x"]), BOUNDS, BOUNDS, BOUNDS, BOUNDS,
)
NODES = st.builds(BNode, st.sampled_from(["OR", "AND"]), st.booleans(), st.lists(MATCHES, max_size=4).map(tuple))
CONFIGS = st.builds(BConfig, st.sampled_from(["OR", "AND"]), st.booleans(), st.lists(NODES, max_size=3).map(tuple))
INSTALLED = st.one_of(
    st.sampled_from(["0.5", "1.0", "1.5", "1.9.5p1", "2.0", "3.0", "2022.1", "", "unknown"]).map(Installed.of),
    st.sampled_from([("1.x", "1", "2"), ("2.0.x", "2.0", "2.1"), ("1.5.x", "1.5", "1.6")]).map(lambda t: Installed.between(*t)),
)


@SETTINGS
@given(config=CONFIGS, keys=st.sampled_from([(PLAYER,), (PLAYER, PLUGIN), (WINDOWS,)]), installed=INSTALLED,
       os_name=st.sampled_from(["Windows 11", "macOS 14", "Debian GNU/Linux 12"]),
       others=st.dictionaries(st.sampled_from([PLUGIN, ROUTER]), st.lists(st.sampled_from(["1.2", "2.5"]), max_size=2).map(tuple)))
def test_node_and_config_judge_as_the_plain_code(config, keys, installed, os_name, others) -> None:
    """The same verdict, the same first hit and undecided criterion, and the same other programs
    consulted, for any configuration, item, host and other programs."""
    platform = platform_of(os_name)
    ids = frozenset(INDEX.key_id[k] for k in platform.keys if k in INDEX.key_id)
    written, plain = _Context(keys, installed, platform, ids, others), _PlainContext(keys, installed, platform, ids, others)
    assert written.config(config, INDEX) == plain.config(config, INDEX)
    assert (written.hit, written.maybe, written.used_others) == (plain.hit, plain.maybe, plain.used_others)


def _plain_bounds(evaluator: CveEvaluator, keys: tuple[int, ...], candidates: list) -> list | None:
    """CveEvaluator._bounds as it was written before the one list of criteria (a set of keys)."""
    texts: set = set()
    for cve in candidates:
        for config in evaluator._plan(keys, cve):
            matches = config if type(config) is tuple else [m for n in config.nodes for m in n.matches if m.product in keys]
            for match in matches:
                if match.version == "*":
                    texts.update((match.start_incl, match.start_excl, match.end_incl, match.end_excl))
                elif match.version != "-":
                    wanted = match.version
                    if match.update not in ("*", "-", ""):
                        wanted += update_suffix(match.update)
                    texts.add(wanted)
    found = {INDEX.version_keys.get(text) or _key(text) for text in texts if text}
    found.discard(None)
    try:
        return sorted(found)
    except TypeError:
        return None


@SETTINGS
@given(configs=st.lists(st.lists(CONFIGS, min_size=1, max_size=3), max_size=5),
       keys=st.sampled_from([(PLAYER,), (PLAYER, PLUGIN), (WINDOWS,)]))
def test_bounds_are_the_sorted_keys_of_the_criteria(configs, keys) -> None:
    """_bounds lists the sort keys of every bound and exact version of the product's criteria in
    the candidates' plans, sorted, as the set it was built from (a key listed twice changes no gap)."""
    candidates = [make_cve(f"CVE-{i}", "2024-01-01", "3.1", 7.5, "HIGH", "2024-01-01", tuple(c)) for i, c in enumerate(configs)]
    evaluator = CveEvaluator(INDEX)
    expected = _plain_bounds(evaluator, keys, candidates)
    found = evaluator._bounds(keys, candidates)
    assert found is not None and expected is not None
    assert found == sorted(found) and sorted(set(found)) == expected


@SETTINGS
@given(match=MATCHES.filter(lambda m: m.product >= 0), backport=st.booleans(), unknown=st.booleans())
def test_a_finding_names_the_fix_that_fix_of_reads(match, backport, unknown) -> None:
    """_finding's fixed version and kind are fix_of's, with the criterion's product and reason as
    the evidence."""
    found = CveEvaluator(INDEX)._finding(make_cve("CVE-1", "2024-01-01", "3.1", 7.5, "HIGH", "2024-01-01", ()), match, "why",
                                         backport, unknown)
    assert (found.fixed_version, found.fix_kind) == fix_of(match)
    assert (found.via, found.backport_possible, found.version_unknown) == (f"{KEYS[match.product]} why", backport, unknown)


@SETTINGS
@given(match=MATCHES, version=st.sampled_from(["0.5", "1.5", "2.0", "2.0.1", "2021.5", "2022.9.1", "1.9.5p1", "3"]))
def test_the_bundles_dated_bounds_decide_as_reading_each_bound(match, version) -> None:
    """A criterion judged with the bundle's dated bounds (CpeIndex.dated_versions, which lists every
    vulnerable criterion's bounds that are dates: what _evaluate and, for a vulnerable criterion,
    _Context.criterion pass) holds exactly when it does with each bound read for a date."""
    bounds = (match.start_incl, match.start_excl, match.end_incl, match.end_excl)
    dated = frozenset(b for b in bounds if b and is_date_bound(b)) | {"2019-01-01"}
    key = _key(version)
    assert _version_matches(match, version, key, {}, dated) == _version_matches(match, version, key, {}, None)


@SETTINGS
@given(version=st.one_of(st.text(alphabet="0123456789.-abpux ", max_size=12), st.sampled_from(["", "2022.1", "1.8.0u381"])),
       span=st.sampled_from([("1.x", "1", "2"), ("2022.1.x", "2022.1", "2022.2"), ("x", "", "1")]))
def test_a_known_version_is_keyed_by_its_text(version, span) -> None:
    """findings() keys its cache by the text of a known version: only Installed.of makes one, and
    it reads everything else from the text; a span (Installed.between) is never a known version."""
    installed = Installed.of(version)
    assert installed == Installed.of(str(version)) and installed.exact == (_key(version) is not None)
    assert not Installed.between(*span).exact
