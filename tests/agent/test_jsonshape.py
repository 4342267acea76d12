"""The streaming JSON shape checks: exact on chunk edges, strings and escapes, and linear."""

from __future__ import annotations

import json

import pytest

from appliance.agent.jsonshape import ShapeScanner, check_representable, check_unique_keys
from appliance.agent.payloads import PayloadError, PayloadTooLarge


def depth_of(value: object) -> int:
    if isinstance(value, list):
        return 1 + max((depth_of(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((depth_of(v) for v in value.values()), default=0)
    return 0


DOCS = [
    b'{"a": [1, 2, {"b": "x]]]]{{{,,,"}], "c": "\\"[[[[", "d\\\\": [[[]]]}',
    b'[[[[["\\\\\\"]]]]"]]]], {"k": [{"l": [{}]}]}]',
    json.dumps({"software": [{"name": f"p{i}", "version": "1,2", "vendor": "[x]"} for i in range(50)]}).encode(),
]


@pytest.mark.parametrize("doc", DOCS)
@pytest.mark.parametrize("size", [1, 2, 3, 7, 64])
def test_depth_is_exact_on_every_chunking(doc: bytes, size: int) -> None:
    depth = depth_of(json.loads(doc))
    scanner = ShapeScanner(10**9, depth)
    for start in range(0, len(doc), size):
        scanner.feed(doc[start : start + size])
    assert scanner.depth == 0
    too_shallow = ShapeScanner(10**9, depth - 1)
    with pytest.raises(PayloadError, match="nested more than"):
        for start in range(0, len(doc), size):
            too_shallow.feed(doc[start : start + size])


@pytest.mark.parametrize("size", [1, 5, 64])
def test_values_outside_strings_are_counted(size: int) -> None:
    doc = b'{"a": "1,2,3,[,{", "b": [1, 2, 3], "c": {"d": null}}'
    scanner = ShapeScanner(10**9, 64)
    for start in range(0, len(doc), size):
        scanner.feed(doc[start : start + size])
    assert scanner.values == 4 + 3  # 4 commas, 1 array and 2 objects outside strings
    with pytest.raises(PayloadTooLarge, match="more than 6 JSON values"):
        ShapeScanner(6, 64).feed(doc)


def test_duplicate_keys_in_any_spelling() -> None:
    check_unique_keys(b'{"a": {"a": 1}, "b": [{"a": 1}, {"a": 2}], "c": "\\"a\\": 1"}')
    for doc in (b'{"a": 1, "a": 2}', b'{"x": [{"k": 1, "\\u006b": 2}]}', b'{"a" : 1, "b": {}, "a" : 3}'):
        with pytest.raises(PayloadError, match="same key twice"):
            check_unique_keys(doc)
    # A report of 80,000 items (mostly flat objects, checked once per distinct key sequence).
    items = [{"name": f"n{i}", "version": "1", "vendor": "v"} for i in range(80_000)]
    check_unique_keys(json.dumps({"software": items}).encode())
    items[79_999] = {"name": "a", "version": "1", "name\u0000": "x"}
    raw = json.dumps({"software": items}).encode().replace(b'"name\\u0000"', b'"n\\u0061me"')
    with pytest.raises(PayloadError, match="same key twice"):
        check_unique_keys(raw)


@pytest.mark.parametrize("doc", [b'{"x": 1' + b"0" * 30 + b"}", b'{"x": 1e400}', b'{"x": -9223372036854775809}',
                                 b'{"x": "\xff"}', b'{"\xc0\xaf": 1}', b'{"x": 1' + b"0" * 5000 + b"}"])
def test_unrepresentable_parts_are_refused(doc: bytes) -> None:
    with pytest.raises(PayloadError):
        check_representable(doc)


def test_representable_numbers_pass() -> None:
    check_representable(b'{"a": 18446744073709551615, "b": -9223372036854775808, "c": 1.5e300, "d": "1e400"}')
