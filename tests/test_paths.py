"""Bundled files are found from a source checkout and inside the PyInstaller executable."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from appliance import paths
from appliance.matching.engine import default_feed_dir
from tests.conftest import ROOT


def test_from_source_the_root_is_the_checkout() -> None:
    assert not paths.is_frozen() and not paths.is_onefile()
    assert paths.resource_root() == ROOT
    assert (paths.web_dir() / "index.html").is_file()
    assert (default_feed_dir() / "aliases.tsv").is_file()


@pytest.mark.parametrize(("unpacked", "onefile"), [("_MEIa1B2c3", True), ("_internal", False)])
def test_frozen_the_root_is_the_unpack_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, unpacked: str, onefile: bool) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path / unpacked), raising=False)
    assert paths.is_frozen()
    assert paths.is_onefile() is onefile
    assert paths.resource_root() == tmp_path / unpacked
    assert paths.web_dir() == tmp_path / unpacked / "web"
    assert default_feed_dir() == tmp_path / unpacked / "data" / "cpe_dictionary"
