"""Python package version ordering (PEP 440)."""

from __future__ import annotations

import pytest

from appliance.versions import PEP440, UnknownVersion, scheme_for


def test_total_order(total_order):
    total_order(PEP440, ["0.9", "1.0.dev1", "1.0a1", "1.0b2", "1.0rc1", "1.0", "1.0.post1", "1.1"])


def test_differs_from_generic_on_letter_suffixes():
    # "a1" is an alpha in PEP 440 but a later patch letter in the generic scheme.
    assert PEP440.compare("2.0a1", "2.0") == -1
    assert scheme_for("generic").compare("2.0a1", "2.0") == 1


@pytest.mark.parametrize("text", ["1.0-foo-bar", "1.0+", "-", ""])
def test_invalid_is_unknown(text):
    assert PEP440.key(text) is None
    with pytest.raises(UnknownVersion):
        PEP440.compare(text, "1.0")
