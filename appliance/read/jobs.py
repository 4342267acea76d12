"""The scheduled jobs in words for the status page: what each one does, and what to do when it failed."""

from __future__ import annotations

# Jobs a person cares about; the others (flushing heartbeat and key-use times, checking for a
# feed written by `feeds import`) run every few seconds as housekeeping and have no title.
TITLES = {
    "refresh_kev": "Download of CISA's list of known-exploited vulnerabilities",
    "refresh_cve": "Download of new and changed CVEs from NVD",
    "refresh_cpe": "Download of NVD's product dictionary",
    "reevaluate": "Re-checking every machine against the feed in service",
    "expire_agents": "Marking machines that stopped reporting offline or stale",
}

_SOURCE = {"refresh_kev": "CISA", "refresh_cve": "NVD", "refresh_cpe": "NVD"}
_OFFLINE_HINT = (
    "If this box has no internet, set SENTRIKAT_REFRESH_ENABLED=false and import the feed files offline"
    " with the command: sentrikat feeds import FOLDER"
)
# What httpx and the OS say when a host cannot be reached (DownloadError keeps the last one).
_UNREACHABLE = ("ConnectError", "ConnectTimeout", "ReadTimeout", "name resolution", "Network is unreachable", "timed out")


def advice(name: str, error: str | None) -> str | None:
    """One or two sentences for a failed job: what went wrong in plain words and what to do."""
    if not error:
        return None
    if name not in _SOURCE:
        return "The server log has the details (journalctl -u sentrikat when it runs as a service)."
    source = _SOURCE[name]
    if any(marker in error for marker in _UNREACHABLE):
        return f"The appliance could not reach {source}; the last good data is kept. {_OFFLINE_HINT}"
    if "HTTP 403" in error or "HTTP 429" in error:
        return (
            f"{source} refused the requests as too many; they are tried again at the next run."
            + (" An NVD API key (SENTRIKAT_NVD_API_KEY) raises NVD's limit." if source == "NVD" else "")
        )
    if "damaged" in error or "smaller" in error or "fewer" in error:
        return f"What {source} sent looked damaged or incomplete, so the last good data is kept; it is tried again at the next run."
    return f"The download from {source} failed; the last good data is kept and it is tried again at the next run. {_OFFLINE_HINT}"
