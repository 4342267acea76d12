"""The one-line installs shown on "Add a device": built here only, from this appliance's URL, certificate and scripts.

Each line downloads the agent from this appliance, checks its SHA-256 against the hash the
appliance computed when it loaded the script, and only then runs it with ``--install``. Because
the content is checked, the download itself may skip certificate verification (a self-signed
certificate has no CA to verify against); the installed agent then pins the certificate by its
fingerprint (``--fingerprint``) for all further traffic. On plain HTTP the line says
``--allow-http``, which the agents require before they send anything unencrypted.
"""

from __future__ import annotations

import ipaddress
import re
import shlex
from collections.abc import Mapping
from urllib.parse import urlsplit

from appliance.devices.base import Install, InstallCommand, InvalidHost, ScriptInfo
from appliance.devices.scripts import AgentScript

SH = "sentrikat-agent.sh"
PS1 = "sentrikat-agent.ps1"
# A DNS name or IPv4 address, or an IPv6 address in brackets, with an optional port: nothing a shell could read
# as syntax, so a forged Host header cannot put a command into a line.
_HOST = re.compile(r"^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252}))(?::(?P<port>\d{1,5}))?$")


def base_url(scheme: str, host: str | None) -> str:
    """``scheme://host[:port]`` from the request the admin made, which is how they reach this appliance."""
    if scheme not in ("http", "https"):
        raise InvalidHost(f"unsupported scheme {scheme!r}", field="Host")
    if not host:
        raise InvalidHost("the request has no Host header; the install lines name the appliance by it", field="Host")
    match = _HOST.match(host)
    if match is None or (match["port"] and not 0 < int(match["port"]) < 65536):
        raise InvalidHost(f"the Host header {host[:100]!r} is not a host name or address with an optional port", field="Host")
    return f"{scheme}://{host.lower()}"


def is_loopback(url: str) -> bool:
    """True if the URL names this machine only (localhost, 127.0.0.0/8, ::1), which other devices cannot reach."""
    host = urlsplit(url).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _ps(value: str) -> str:
    """A PowerShell single-quoted string: nothing inside is expanded; a quote is written twice."""
    return "'" + value.replace("'", "''") + "'"


def _sh_line(server: str, key: str, fingerprint: str | None, script: AgentScript, checker: str) -> str:
    """Download to a private temporary file, check the SHA-256, install as root, remove the download."""
    url = f"{server}/agents/{script.name}"
    insecure = "k" if server.startswith("https:") else ""
    trust = f"--fingerprint {shlex.quote(fingerprint)}" if fingerprint else ("--allow-http" if server.startswith("http:") else "")
    install = f'sudo sh "$f" --install --server {shlex.quote(server)} --key {shlex.quote(key)}' + (f" {trust}" if trust else "")
    return (
        f'f=$(mktemp) && curl -fsS{insecure} -o "$f" {shlex.quote(url)}'
        f' && echo "{script.sha256}  $f" | {checker} -c -'
        f' && {install} && rm -f "$f"'
    )


def _windows_line(server: str, key: str, fingerprint: str | None, script: AgentScript) -> str:
    """The same in an administrator's PowerShell (5.1 or 7): download, check, run the agent with -Install."""
    url = f"{server}/agents/{script.name}"
    if server.startswith("https:"):
        # PowerShell 7 has -SkipCertificateCheck; 5.1 takes a validation callback (reset afterwards) and TLS 1.2.
        fetch = (
            "$o = @{}; if ($PSVersionTable.PSVersion.Major -ge 6) { $o.SkipCertificateCheck = $true } else {"
            " [Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor 'Tls12';"
            " [Net.ServicePointManager]::ServerCertificateValidationCallback = { $true } };"
            f" Invoke-WebRequest @o -UseBasicParsing -Uri {_ps(url)} -OutFile $f;"
            " if ($PSVersionTable.PSVersion.Major -lt 6) { [Net.ServicePointManager]::ServerCertificateValidationCallback = $null };"
        )
    else:
        fetch = f"Invoke-WebRequest -UseBasicParsing -Uri {_ps(url)} -OutFile $f;"
    trust = f" -Fingerprint {_ps(fingerprint)}" if fingerprint else (" -AllowHttp" if server.startswith("http:") else "")
    return (
        "$f = Join-Path $env:TEMP 'sentrikat-agent.ps1'; "
        + fetch
        + f" if ((Get-FileHash -Algorithm SHA256 $f).Hash -ne {_ps(script.sha256.upper())})"
        " { throw 'sentrikat-agent.ps1 does not have the SHA-256 the appliance published; not running it' };"
        f" powershell.exe -NoProfile -ExecutionPolicy Bypass -File $f -Install -Server {_ps(server)} -Key {_ps(key)}{trust}"
    )


def install_commands(
    server: str, key: str, fingerprint: str | None, scripts: Mapping[str, AgentScript]
) -> list[InstallCommand]:
    """The line for each operating system whose agent script this appliance has, Linux, macOS, Windows."""
    commands = []
    if sh := scripts.get(SH):
        commands += [
            InstallCommand("linux", "Linux", "a terminal, as a user who may use sudo", _sh_line(server, key, fingerprint, sh, "sha256sum")),
            InstallCommand("macos", "macOS", "Terminal, as an administrator", _sh_line(server, key, fingerprint, sh, "shasum -a 256")),
        ]
    if ps1 := scripts.get(PS1):
        commands.append(
            InstallCommand("windows", "Windows", "PowerShell, run as Administrator", _windows_line(server, key, fingerprint, ps1))
        )
    return commands


def install(server: str, key: str, fingerprint: str | None, scripts: Mapping[str, AgentScript]) -> Install:
    """Everything "Add a device" shows for a new agent key."""
    notes = []
    if is_loopback(server):
        notes.append(
            f"These lines name the appliance {server}, which only this machine can reach. To add other devices,"
            " open this page at the appliance's network address (for example http://192.168.1.10:8080) and create the key there."
        )
    if server.startswith("http:"):
        notes.append(
            "The appliance speaks plain HTTP, so inventories cross the network unencrypted (--allow-http)."
        )
    missing = [name for name in (SH, PS1) if name not in scripts]
    if missing:
        notes.append(f"This appliance does not have {', '.join(missing)}; there is no line for that system.")
    infos = [ScriptInfo(s.name, f"{server}/agents/{s.name}", s.sha256, len(s.content)) for s in scripts.values()]
    return Install(server, fingerprint, infos, install_commands(server, key, fingerprint, scripts), notes)
