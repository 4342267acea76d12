"""Strict decoding of agent payloads and the rules a Struct cannot express."""

from __future__ import annotations

import pytest

from appliance.agent.payloads import PayloadError, PayloadTooLarge, ReportIn, check_report, decode


def test_decoding_is_strict() -> None:
    with pytest.raises(PayloadError) as caught:
        decode(b'{"hostname": "h", "software": [], "delta": "true"}', ReportIn)
    assert caught.value.field == "delta"


def test_field_path_of_a_missing_nested_field() -> None:
    with pytest.raises(PayloadError) as caught:
        decode(b'{"hostname": "h", "software": [{"version": "1"}]}', ReportIn)
    assert caught.value.field == "software[0].name"
    assert caught.value.message == "required field is missing"


def test_nulls_in_optional_fields_take_defaults() -> None:
    report = decode(b'{"hostname": "h", "os": null, "tags": null, "software": [{"name": "a", "version": "1", "vendor": null}]}', ReportIn)
    check_report(report, 10)
    assert report.software[0].vendor is None and report.os is None


def test_item_limit_counts_both_delta_lists() -> None:
    report = decode(
        b'{"hostname": "h", "delta": true, "software_added": [{"name": "a", "version": "1"}],'
        b' "software_removed": [{"name": "b", "version": "1"}]}',
        ReportIn,
    )
    check_report(report, 2)
    with pytest.raises(PayloadTooLarge):
        check_report(report, 1)
