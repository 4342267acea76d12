"""Rendering: a batch of outbox events becomes one message, grouped by vulnerability and by kind."""

from __future__ import annotations

from collections import defaultdict

from appliance.alerts.base import (
    ASSET_OFFLINE,
    ASSET_STALE,
    CVSS_FINDING,
    DIGEST,
    KEV_FINDING,
    REFRESH_FAILING,
    AlertEvent,
    AlertMessage,
)

# Longest host list written out per line; the rest is counted ("and 12 more").
MAX_NAMES = 25
NVD_URL = "https://nvd.nist.gov/vuln/detail/"


def _names(hosts: list[str]) -> str:
    unique = sorted(set(hosts), key=str.lower)
    shown = ", ".join(unique[:MAX_NAMES])
    return shown + (f" and {len(unique) - MAX_NAMES} more" if len(unique) > MAX_NAMES else "")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _where(event: AlertEvent) -> str:
    """The software a finding is in: a host's program, or packages of a container image."""
    software = str(event.detail.get("software") or "")
    image = event.detail.get("image")
    return f"{software or 'a package'} in container image {image}" if image else software


def _link(cve: str, group: list[AlertEvent]) -> str:
    """NVD's page for a CVE; for other ids (a scanner's GHSA-…, DLA-…) the scanner's own link, if it gave one."""
    if cve.upper().startswith("CVE-"):
        return NVD_URL + cve
    return next((str(e.detail["url"]) for e in group if e.detail.get("url")), "")


def _finding_lines(events: list[AlertEvent]) -> list[str]:
    by_cve: dict[str, list[AlertEvent]] = defaultdict(list)
    for event in events:
        by_cve[event.cve or "?"].append(event)
    lines = []
    for cve, group in sorted(by_cve.items(), key=lambda item: (-len(item[1]), item[0])):
        first = group[0]
        facts = [f"CVSS {first.cvss:.1f}" if first.cvss is not None else "no CVSS score"]
        if due := first.detail.get("kev_due_date"):
            facts.append(f"CISA due date {due}")
        software = sorted({_where(e) for e in group} - {""})
        link = _link(cve, group)
        lines.append(f"- {cve} ({', '.join(facts)}) on {_plural(len({e.hostname for e in group}), 'machine')}: "
                     f"{_names([e.hostname or '?' for e in group])}")
        if software:
            lines.append(f"  in {', '.join(software[:5])}{' and more' if len(software) > 5 else ''}{'; ' + link if link else ''}")
        elif link:
            lines.append(f"  {link}")
    return lines


def render(events: list[AlertEvent], threshold: float) -> AlertMessage:
    """One message for a batch: a subject that says the most urgent thing, then a section per kind."""
    kinds: dict[str, list[AlertEvent]] = defaultdict(list)
    for event in events:
        kinds[event.kind].append(event)
    sections: list[str] = []
    headline: list[str] = []
    if kev := kinds.get(KEV_FINDING):
        cves, hosts = {e.cve for e in kev}, {e.hostname for e in kev}
        headline.append(f"{_plural(len(cves), 'known-exploited vulnerability').replace('vulnerabilitys', 'vulnerabilities')}"
                        f" on {_plural(len(hosts), 'machine')}")
        sections.append("\n".join(["New known-exploited (CISA KEV) vulnerabilities:", *_finding_lines(kev)]))
    if high := kinds.get(CVSS_FINDING):
        cves = {e.cve for e in high}
        headline.append(f"{_plural(len(cves), 'new vulnerability').replace('vulnerabilitys', 'vulnerabilities')}"
                        f" with CVSS {threshold:g} or more")
        sections.append("\n".join([f"New vulnerabilities with CVSS {threshold:g} or more:", *_finding_lines(high)]))
    for kind, title, word in ((ASSET_OFFLINE, "Machines that went offline", "offline"),
                              (ASSET_STALE, "Machines that went stale (no contact for long)", "stale")):
        if group := kinds.get(kind):
            headline.append(f"{_plural(len(group), 'machine')} {word}")
            sections.append(f"{title}: {_names([e.hostname or '?' for e in group])}")
    if failing := kinds.get(REFRESH_FAILING):
        headline.append(f"{_plural(len(failing), 'feed refresh')} failing".replace("refreshs", "refreshes"))
        lines = ["Feed refreshes failing for more than a day:"]
        for event in failing:
            d = event.detail
            lines.append(f"- {d.get('job')}: failing since {d.get('since')}, last success {d.get('last_success_at') or 'never'};"
                         f" last error: {d.get('error')}")
        lines.append("Without internet, import feeds offline with `sentrikat feeds import`.")
        sections.append("\n".join(lines))
    for event in kinds.get(DIGEST, []):
        headline.append(f"{event.detail.get('period', '')} summary".strip())
        sections.append(str(event.detail.get("text", "")))
    subject = "SentriKat: " + ("; ".join(headline) if headline else "alerts")
    text = "\n\n".join(sections) + "\n\nOpen the status page for details.\n"
    return AlertMessage(subject=subject, text=text, events=events)


def test_message(channel: str, target: str) -> AlertMessage:
    return AlertMessage(
        subject="SentriKat: test message",
        text=f"This is a test message from SentriKat Appliance on the {channel} channel ({target}).\n"
        "Alerts about new known-exploited vulnerabilities, machines going offline and failing feed refreshes"
        " will arrive the same way.\n",
        events=[],
        test=True,
    )
