"""CPE 2.3 formatted strings: what parses, what is refused and why."""

from __future__ import annotations

import pytest

from appliance.cpe import CpeError, parse_cpe23, unquote


def test_round_trip_with_quoted_characters() -> None:
    text = r"cpe:2.3:a:notepad-plus-plus:notepad\+\+:8.5.6:*:*:*:*:*:*:*"
    cpe = parse_cpe23(text)
    assert (cpe.vendor, cpe.product, cpe.version) == ("notepad-plus-plus", r"notepad\+\+", "8.5.6")
    assert unquote(cpe.product) == "notepad++"
    assert cpe.to_string() == text
    assert cpe.product_key == r"notepad-plus-plus:notepad\+\+"


def test_quoted_colon_is_not_a_separator() -> None:
    cpe = parse_cpe23(r"cpe:2.3:a:vendor:product\:x:1.0:*:*:*:*:*:*:*")
    assert cpe.product == r"product\:x" and cpe.version == "1.0"


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("cpe:/a:google:chrome:1.0", "must start with"),
        ("cpe:2.3:a:google:chrome", "11 components"),
        ("cpe:2.3:x:google:chrome:1:*:*:*:*:*:*:*", "part"),
        ("cpe:2.3:a:goo gle:chrome:1:*:*:*:*:*:*:*", "vendor"),
        ("cpe:2.3:a:*:chrome:1:*:*:*:*:*:*:*", "vendor and product"),
        ("cpe:2.3:a:google::1:*:*:*:*:*:*:*", "product"),
        ("cpe:2.3:a:google:chr*ome:1:*:*:*:*:*:*:*", "product"),
    ],
)
def test_refused_with_reason(text: str, why: str) -> None:
    with pytest.raises(CpeError, match=why):
        parse_cpe23(text)
