"""The alias table we author: well-formed, and every product it names is in the NVD CPE list."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from appliance.matching.aliases import AliasError, load_aliases
from appliance.matching.engine import default_feed_dir


def test_every_alias_names_a_real_product(feeds_root: Path) -> None:
    with open(feeds_root / "cpe" / "cpes.csv", newline="") as handle:
        pairs = {f"{vendor}:{product}" for vendor, product in csv.reader(handle)}
    table = load_aliases(default_feed_dir() / "aliases.tsv")
    named = [key for key, _ in (*table.names.values(), *table.packages.values())]
    named += [key for group in table.same.values() for key in group]
    missing = sorted({key for key in named if key not in pairs})
    assert not missing
    assert len(table.names) > 50 and len(table.packages) > 50


def test_same_lines_form_groups(tmp_path: Path) -> None:
    path = tmp_path / "a.tsv"
    path.write_text("same\ta:x\tb:x\tone\nsame\tb:x\tc:x\ttwo\nname\tfoo\ta:x\tcomment\n")
    table = load_aliases(path)
    assert table.same["c:x"] == ("a:x", "b:x", "c:x")
    assert table.names["foo"] == ("a:x", "comment")


@pytest.mark.parametrize("line", ["name\tfoo\ta:x", "alias\tfoo\ta:x\tc", "none\tfoo", "name\t\ta:x\tc"])
def test_malformed_lines_are_refused_with_their_line_number(tmp_path: Path, line: str) -> None:
    path = tmp_path / "a.tsv"
    path.write_text("# comment\n" + line + "\n")
    with pytest.raises(AliasError, match=r"a.tsv:2"):
        load_aliases(path)
