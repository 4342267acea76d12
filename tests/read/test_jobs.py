"""Jobs in words: titles for the jobs a person cares about, and advice after a failure."""

from __future__ import annotations

import pytest

from appliance.read.jobs import TITLES, advice

OFFLINE = (
    "https://services.nvd.nist.gov/rest/json/cves/2.0: gave up after 5 attempts; last: "
    "ConnectError: [Errno -3] Temporary failure in name resolution"
)


def test_housekeeping_jobs_have_no_title() -> None:
    assert set(TITLES) == {"refresh_kev", "refresh_cve", "refresh_cpe", "reevaluate", "expire_agents"}
    assert not {"flush_heartbeats", "flush_key_usage", "feed_import_check"} & set(TITLES)


def test_no_internet_says_how_to_import_offline() -> None:
    text = advice("refresh_cve", OFFLINE)
    assert text is not None and "could not reach NVD" in text and "sentrikat feeds import" in text
    assert "ConnectError" not in text


@pytest.mark.parametrize(
    ("name", "error", "expected"),
    [
        ("refresh_cve", "https://x/cves/2.0: gave up after 5 attempts; last: HTTP 403", "NVD API key"),
        ("refresh_kev", "https://x/kev.json: gave up after 5 attempts; last: HTTP 429", "too many"),
        ("refresh_kev", "the new KEV catalog has 3 entries, far fewer than the current 1404; refused", "last good data is kept"),
        ("refresh_cpe", "https://x/cpes/2.0: HTTP 404", "sentrikat feeds import"),
        ("expire_agents", "database is locked", "server log"),
    ],
)
def test_advice_for_each_kind_of_failure(name: str, error: str, expected: str) -> None:
    assert expected in (advice(name, error) or "")


def test_no_advice_without_an_error() -> None:
    assert advice("refresh_cve", None) is None
