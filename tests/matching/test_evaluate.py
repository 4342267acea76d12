"""NVD configuration semantics on small bundles built in the test (real code, constructed data)."""

from __future__ import annotations

import msgspec
import pytest

from appliance.matching.aliases import AliasTable
from appliance.matching.base import SoftwareItem
from appliance.matching.bundle import BConfig, BCve, BMatch, BNode, BProduct, Bundle, make_cve, own_criteria
from appliance.matching.engine import FeedMatcher
from appliance.matching.evaluate import Installed, fix_of, judge, version_matches
from appliance.matching.index import CpeIndex

KEYS = ["acme:player", "acme:plugin", "acme:router", "microsoft:windows"]
PLAYER, PLUGIN, ROUTER, WINDOWS = range(4)


def crit(product: int, part: str = "a", vulnerable: bool = True, version: str = "*", update: str = "*", target_sw: str = "*", **bounds) -> BMatch:
    return BMatch(product, part, vulnerable, version, update, target_sw, bounds.get("si"), bounds.get("se"), bounds.get("ei"), bounds.get("ee"))


def matcher_for(*cves: BCve) -> FeedMatcher:
    products = [BProduct(i, "") for i in range(3)]
    aliases = AliasTable(
        names={"acme player": ("acme:player", "test"), "acme plugin": ("acme:plugin", "test")}, packages={}, same={}, never={}
    )
    return FeedMatcher(CpeIndex(Bundle(1, "now", KEYS, products, list(cves), []), aliases))


def cves_of(matcher: FeedMatcher, items: list[tuple[str, str]], os_name: str = "Windows 11") -> list[set[str]]:
    results = matcher.match([SoftwareItem(n, v) for n, v in items], os_name)
    return [{v.cve for v in r.vulnerabilities} for r in results]


def cve(cve_id: str, *configs: BConfig) -> BCve:
    return make_cve(cve_id, "2024-01-01", "3.1", 7.5, "HIGH", "2024-01-01T00:00:00", configs)


def test_or_node_with_ranges() -> None:
    m = matcher_for(cve("CVE-1", BConfig("OR", False, (BNode("OR", False, (crit(PLAYER, si="1.0", ee="2.0"), crit(PLAYER, version="3.1"))),))))
    assert cves_of(m, [("Acme Player", "1.5"), ("Acme Player", "2.0"), ("Acme Player", "3.1"), ("Acme Player", "0.9")]) == [
        {"CVE-1"}, set(), {"CVE-1"}, set()
    ]


def test_platform_entry_must_hold_on_the_host() -> None:
    m = matcher_for(
        cve("CVE-2", BConfig("AND", False, (BNode("OR", False, (crit(PLAYER),)), BNode("OR", False, (crit(WINDOWS, part="o", vulnerable=False, version="-"),)))))
    )
    assert cves_of(m, [("Acme Player", "1.0")], "Windows 11 23H2") == [{"CVE-2"}]
    assert cves_of(m, [("Acme Player", "1.0")], "macOS 14") == [set()]
    assert cves_of(m, [("Acme Player", "1.0")], "Unknown") == [set()]


def test_negated_node() -> None:
    # Vulnerable on any platform except Windows.
    m = matcher_for(
        cve("CVE-3", BConfig("AND", False, (BNode("OR", False, (crit(PLAYER),)), BNode("OR", True, (crit(WINDOWS, part="o", vulnerable=False),)))))
    )
    assert cves_of(m, [("Acme Player", "1.0")], "Windows 11") == [set()]
    assert cves_of(m, [("Acme Player", "1.0")], "Debian GNU/Linux 12") == [{"CVE-3"}]


def test_two_applications_must_both_be_installed() -> None:
    # A plugin flaw that needs the host application as a non-vulnerable platform entry.
    m = matcher_for(
        cve("CVE-4", BConfig("AND", False, (BNode("OR", False, (crit(PLUGIN, ee="5.0"),)), BNode("OR", False, (crit(PLAYER, vulnerable=False, si="2.0"),)))))
    )
    assert cves_of(m, [("Acme Plugin", "4.0")]) == [set()]
    assert cves_of(m, [("Acme Plugin", "4.0"), ("Acme Player", "2.5")]) == [{"CVE-4"}, set()]
    assert cves_of(m, [("Acme Plugin", "4.0"), ("Acme Player", "1.5")]) == [set(), set()]
    # The cached answer for the plugin alone is not reused where the player is present.
    assert cves_of(m, [("Acme Plugin", "4.0")]) == [set()]


def test_target_software_names_a_platform() -> None:
    m = matcher_for(cve("CVE-5", BConfig("OR", False, (BNode("OR", False, (crit(PLAYER, target_sw="android"),)),))))
    assert cves_of(m, [("Acme Player", "1.0")], "Windows 11") == [set()]


def test_hardware_and_firmware_configurations_never_match_from_a_report() -> None:
    m = matcher_for(cve("CVE-6", BConfig("AND", False, (BNode("OR", False, (crit(PLAYER),)), BNode("OR", False, (crit(ROUTER, part="h", vulnerable=False),)))))
    )
    assert cves_of(m, [("Acme Player", "1.0")]) == [set()]


@pytest.mark.parametrize(
    ("match", "version", "expected"),
    [
        (crit(PLAYER, version="-"), "1.0", None),
        (crit(PLAYER, version="1.9.5", update="patch1"), "1.9.5p1", "version 1.9.5p1"),
        (crit(PLAYER, version="1.9.5", update="-"), "1.9.5p1", None),
        (crit(PLAYER, version="4.2.8", update="*"), "4.2.8p15", "version 4.2.8 (any update)"),
        (crit(PLAYER, si="8.6", ee="9.8"), "9.2p1", ">= 8.6 and < 9.8"),
        (crit(PLAYER, ei="12.1-55.297"), "12.1-55.297", "<= 12.1-55.297"),
        (crit(PLAYER, ee="12.1-55.297"), "12.1-55.300", None),
        (crit(PLAYER), "1.0", "all versions"),
        (crit(PLAYER), "", None),
        (crit(PLAYER, ee="-"), "1.0", None),
        # A bound written as a date (NVD's CVE-2022-2785 for the Linux kernel) compares only
        # with a version that begins with a year.
        (crit(PLAYER, ee="2022-08-10"), "6.1.123", None),
        (crit(PLAYER, si="1.0", ee="2022-08-10"), "1.5", None),
        (crit(PLAYER, ee="2022-08-10"), "2022.05.01", "< 2022-08-10"),
        (crit(PLAYER, ee="20220810"), "20220501", "< 20220810"),
        (crit(PLAYER, ee="20220810"), "20221001", None),
    ],
)
def test_version_part_of_a_criterion(match: BMatch, version: str, expected: str | None) -> None:
    assert version_matches(match, version) == expected


SPAN = Installed.between("2022.1.x", "2022.1", "2022.2")  # a JetBrains build that names its release only
UNKNOWN = Installed.of("")


@pytest.mark.parametrize(
    ("match", "installed", "expected"),
    [
        (crit(PLAYER, ee="2022.1"), SPAN, False),
        (crit(PLAYER, ee="2022.2"), SPAN, True),
        (crit(PLAYER, ee="2022.2.2"), SPAN, True),
        (crit(PLAYER, ee="2022.1.3"), SPAN, None),
        (crit(PLAYER, ei="2022.1"), SPAN, None),
        (crit(PLAYER, si="2022.1", ee="2022.3"), SPAN, True),
        (crit(PLAYER, se="2022.1.5"), SPAN, None),
        (crit(PLAYER, si="2022.2"), SPAN, False),
        (crit(PLAYER, version="2022.1.3"), SPAN, None),
        (crit(PLAYER, version="2021.3"), SPAN, False),
        (crit(PLAYER), SPAN, True),
        (crit(PLAYER, version="-"), SPAN, False),
        (crit(PLAYER, ee="9.8"), UNKNOWN, None),
        (crit(PLAYER), UNKNOWN, None),
        (crit(PLAYER, version="1.0"), UNKNOWN, None),
        (crit(PLAYER, version="-"), UNKNOWN, False),
        (crit(PLAYER, ee="-"), UNKNOWN, False),
        (crit(PLAYER, ee="9.8"), Installed.of("9.2p1"), True),
        (crit(PLAYER, ee="9.2"), Installed.of("9.2p1"), False),
    ],
)
def test_three_valued_judgement_of_spans_and_unknown_versions(match: BMatch, installed: Installed, expected: bool | None) -> None:
    assert judge(match, installed)[0] is expected


@pytest.mark.parametrize(
    ("match", "expected"),
    [
        (crit(PLAYER, ee="24.09"), ("24.09", "fixed_in")),
        (crit(PLAYER, si="1.0", ei="1.4.2"), ("1.4.2", "fixed_after")),
        (crit(PLAYER, si="1.0"), (None, "none")),
        (crit(PLAYER, version="1.9.5", update="patch1"), (None, "none")),
        (crit(PLAYER), (None, "none")),
    ],
)
def test_fixed_version_from_the_upper_bound(match: BMatch, expected: tuple) -> None:
    assert fix_of(match) == expected


def test_undecidable_configurations_are_reported_as_version_unknown() -> None:
    m = matcher_for(
        cve("CVE-10", BConfig("OR", False, (BNode("OR", False, (crit(PLAYER, ee="2.0"),)),))),
        cve("CVE-11", BConfig("OR", False, (BNode("OR", False, (crit(PLAYER, version="-"),)),))),
    )
    (result,) = m.match([SoftwareItem("Acme Player", "")], "Windows 11")
    assert [(v.cve, v.version_unknown, v.fixed_version) for v in result.vulnerabilities] == [("CVE-10", True, "2.0")]
    (known,) = m.match([SoftwareItem("Acme Player", "1.5")], "Windows 11")
    assert [(v.cve, v.version_unknown) for v in known.vulnerabilities] == [("CVE-10", False)]


def _full(matcher: FeedMatcher) -> FeedMatcher:
    matcher.evaluator.shortcut = False
    return matcher


def test_one_node_shortcut_decides_as_the_full_evaluation() -> None:
    """A one-OR-node configuration stops at its first own criterion that holds: the same finding,
    the same criterion named, and no other program consulted, as when every criterion is judged."""
    configs = (
        # The other program comes first in the node; the player's range decides it anyway.
        cve("CVE-20", BConfig("OR", False, (BNode("OR", False, (crit(PLUGIN, ee="9.0"), crit(PLAYER, si="1.0", ee="2.0"), crit(PLAYER, version="1.5"))),))),
        # Only the second of the player's criteria holds: it is the one reported.
        cve("CVE-21", BConfig("OR", False, (BNode("OR", False, (crit(PLAYER, ee="1.0"), crit(PLAYER, si="1.5", ei="1.5"))),))),
        # A negated node and a two-node configuration take the full path either way.
        cve("CVE-22", BConfig("OR", False, (BNode("OR", True, (crit(PLAYER, ee="1.0"),)),))),
        cve("CVE-23", BConfig("AND", False, (BNode("OR", False, (crit(PLAYER, ee="2.0"),)), BNode("OR", False, (crit(PLUGIN, ee="9.0", vulnerable=False),))))),
    )
    items = [("Acme Player", "1.5"), ("Acme Player", "0.5"), ("Acme Player", ""), ("Acme Plugin", "3.0")]
    items_of = [SoftwareItem(n, v) for n, v in items]
    fast, full = matcher_for(*configs), _full(matcher_for(*configs))
    assert fast.match(items_of, "Windows 11") == full.match(items_of, "Windows 11")
    (player, *_) = fast.match(items_of, "Windows 11")
    assert [(v.cve, v.via) for v in player.vulnerabilities] == [
        ("CVE-20", "acme:player >= 1.0 and < 2.0"), ("CVE-21", "acme:player >= 1.5 and <= 1.5"), ("CVE-23", "acme:player < 2.0"),
    ]


def test_shortcut_gives_the_full_evaluations_findings_on_the_real_feed(index: CpeIndex, real_inventories) -> None:
    """On the real feed, the labelled items at several versions and the real Debian inventory get
    the same findings (byte for byte) with the shortcut as with every configuration judged in full."""
    fast, full = FeedMatcher(index), _full(FeedMatcher(index))
    cases = real_inventories(("", "0.9", "1.0.2", "1.9.5p1", "2.4.49", "9.0.60", "100.0"))
    found = 0
    for items, os_name in cases:
        expected = full.match(items, os_name)
        assert fast.match(items, os_name) == expected
        found += sum(len(r.vulnerabilities) for r in expected)
    assert found > 1000  # many findings compared, not an empty set


def test_criteria_read_once_judge_every_version_as_the_full_evaluation() -> None:
    """A one-OR-node configuration's own criteria are read once per CVE and reused for every
    version of the product (CveEvaluator._plan): each kind of criterion decides, and names the
    same reason, as when every criterion is judged in full, whatever the versions' order."""
    configs = (
        cve("CVE-30", BConfig("OR", False, (BNode("OR", False, (crit(PLAYER, version="1.9.5", update="patch1"),)),))),
        cve("CVE-31", BConfig("OR", False, (BNode("OR", False, (crit(PLAYER, version="1.9.5"),)),))),  # any update
        cve("CVE-32", BConfig("OR", False, (BNode("OR", False, (crit(PLAYER, version="-"), crit(PLAYER, ee="1.9.5p1"))),))),
        cve("CVE-33", BConfig("OR", False, (BNode("OR", False, (crit(PLAYER, target_sw="mac_os_x", ee="9"),
                                                                  crit(PLAYER, target_sw="windows", si="1.9", ei="1.9.5p1"))),))),
        cve("CVE-34", BConfig("OR", False, (BNode("OR", False, (crit(PLAYER, si="-", ee="5"), crit(PLAYER, se="1.0", ee="2.0"))),))),
        cve("CVE-35", BConfig("OR", False, (BNode("OR", False, (crit(PLUGIN, ee="9"), crit(PLAYER, vulnerable=False), crit(PLAYER))),))),
    )
    versions = ["1.9.5p1", "1.9.5", "1.9.5a", "1.0", "1.5", "2.0", "0.1", "1.9.5-rc1"]
    for os_name in ("Windows 11", "macOS 14"):
        for order in (versions, versions[::-1]):
            items = [SoftwareItem("Acme Player", v) for v in order]
            fast, full = matcher_for(*configs), _full(matcher_for(*configs))
            assert fast.match(items, os_name) == full.match(items, os_name)
    (patched, plain, lettered, *_) = matcher_for(*configs).match([SoftwareItem("Acme Player", v) for v in versions], "Windows 11")
    assert [(v.cve, v.via) for v in patched.vulnerabilities] == [
        ("CVE-30", "acme:player version 1.9.5p1"), ("CVE-31", "acme:player version 1.9.5 (any update)"),
        ("CVE-33", "acme:player >= 1.9 and <= 1.9.5p1"), ("CVE-34", "acme:player > 1.0 and < 2.0"),
        ("CVE-35", "acme:player all versions"),
    ]
    assert [(v.cve, v.via) for v in plain.vulnerabilities][:2] == [("CVE-31", "acme:player version 1.9.5"), ("CVE-32", "acme:player < 1.9.5p1")]
    assert [(v.cve, v.via) for v in lettered.vulnerabilities][:2] == [
        ("CVE-31", "acme:player version 1.9.5 (any update)"), ("CVE-32", "acme:player < 1.9.5p1"),
    ]


def test_a_cve_of_several_products_keeps_each_ones_criteria_and_finds_the_same() -> None:
    """A CVE of several products keeps each product's criteria of its one-OR-node configurations
    apart (bundle format 6): evaluation decodes only the item's own, and finds the same CVEs with
    the same reasons as from the whole configurations (a format-5 bundle has no such lists)."""
    shared = BConfig("OR", False, (BNode("OR", False, (
        crit(PLUGIN, ee="9.0"), crit(PLAYER, ee="1.0"), crit(PLAYER, vulnerable=False), crit(PLUGIN, version="3.0"),
        crit(PLAYER, si="1.5", ei="1.5"))),))
    two_nodes = BConfig("AND", False, (BNode("OR", False, (crit(PLAYER, ee="2.0"), crit(PLUGIN, ee="2.0"))),
                                       BNode("OR", False, (crit(WINDOWS, part="o", vulnerable=False),))))
    several = cve("CVE-40", shared, two_nodes)
    assert several.products == (PLAYER, PLUGIN)
    assert own_criteria(several, PLAYER) == ((crit(PLAYER, ee="1.0"), crit(PLAYER, si="1.5", ei="1.5")), None)
    assert own_criteria(several, PLUGIN) == ((crit(PLUGIN, ee="9.0"), crit(PLUGIN, version="3.0")), None)
    assert own_criteria(several, ROUTER) is None
    assert own_criteria(cve("CVE-41", shared), PLAYER) is not None
    assert own_criteria(cve("CVE-42", BConfig("OR", False, (BNode("OR", False, (crit(PLAYER),)),))), PLAYER) is None  # one product
    older = msgspec.structs.replace(several, own=())
    items = [SoftwareItem(n, v) for n in ("Acme Player", "Acme Plugin") for v in ("0.5", "1.5", "1.7", "3.0", "9.1", "")]
    for os_name in ("Windows 11", "macOS 14"):
        expected = _full(matcher_for(older)).match(items, os_name)
        assert matcher_for(several).match(items, os_name) == expected
        assert matcher_for(older).match(items, os_name) == expected
    (player, *_) = matcher_for(several).match(items, "Windows 11")
    assert [(v.cve, v.via) for v in player.vulnerabilities] == [("CVE-40", "acme:player < 1.0")]


def test_versions_between_the_same_bounds_share_one_evaluation() -> None:
    """Versions of digits and dots that fall between the same two bounds of a product's criteria
    get their findings from one evaluation (CveEvaluator._spanned): the same CVEs, reasons and
    flags as each version evaluated alone, on either side of every bound, on it, in any order."""
    configs = (
        cve("CVE-50", BConfig("OR", False, (BNode("OR", False, (crit(PLAYER, si="1.0", ee="2.0"), crit(PLAYER, version="3.1"))),))),
        cve("CVE-51", BConfig("OR", False, (BNode("OR", False, (crit(PLAYER, se="1.5", ei="2.5"),)),))),
        cve("CVE-52", BConfig("OR", False, (BNode("OR", False, (crit(PLAYER, version="1.9.5", update="patch1"), crit(PLAYER, version="1.7"))),))),
        cve("CVE-53", BConfig("AND", False, (BNode("OR", False, (crit(PLAYER, ee="1.8"),)),
                                             BNode("OR", False, (crit(WINDOWS, part="o", vulnerable=False),))))),
        cve("CVE-54", BConfig("AND", False, (BNode("OR", False, (crit(PLAYER, ee="3.0"),)), BNode("OR", False, (crit(PLUGIN, ei="9.0"),))))),
        cve("CVE-55", BConfig("OR", False, (BNode("OR", False, (crit(PLAYER, target_sw="mac_os_x", si="1.2"),)),))),
        cve("CVE-56", BConfig("OR", False, (BNode("OR", False, (crit(PLAYER, version="-"), crit(PLAYER, ee="1.9.5a"))),))),
        cve("CVE-57", BConfig("OR", False, (BNode("OR", False, (crit(PLAYER, ee="2022-08-10"),)),))),
    )
    versions = ["0.5", "1.0", "1.2", "1.3", "1.5", "1.6", "1.7", "1.7.0", "1.7.1", "1.7a", "1.8", "1.9", "1.9.5", "1.9.6", "2.0",
                "2.1", "2.5", "2.6", "3.0", "3.1", "3.1.0.0", "3.2", "10", "2021.1", "2022.9"]
    for os_name in ("Windows 11", "macOS 14"):
        alone = [_full(matcher_for(*configs)).match([SoftwareItem("Acme Player", v), SoftwareItem("Acme Plugin", "1.0")], os_name)
                 for v in versions]
        for order in (versions, versions[::-1], sorted(versions, key=lambda v: v[::-1])):
            matcher = matcher_for(*configs)
            for version in order:
                assert matcher.match([SoftwareItem("Acme Player", version), SoftwareItem("Acme Plugin", "1.0")], os_name) \
                    == alone[versions.index(version)], (os_name, version)
    # One evaluation per gap: 1.3 and 1.4 share one, 1.5 (a bound) is evaluated on its own.
    matcher = matcher_for(*configs)
    matcher.match([SoftwareItem("Acme Player", v) for v in ("1.3", "1.4", "1.5", "1.6")], "Windows 11")
    ((span,),) = matcher.evaluator._spans.values()
    assert len(span.results) == 2
