"""The one-line installs: built from the Host, certificate and scripts, and run for real in sh against a real server.

The agent here is a placeholder written to a temp dir that records the arguments it was run with
(the real agents live in agents/ and are tested with the real line in tests/web/test_add_device.py).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from appliance.devices import AgentScript, InvalidHost, base_url, install_commands
from appliance.tls import fingerprint as certificate_fingerprint
from appliance.devices.install import install, is_loopback
from tests.api.test_session import TlsServer
from tests.conftest import Server

# Records its arguments, one per line, where the test says; exits 0 like a successful --install.
PLACEHOLDER = b'#!/bin/sh\n# test placeholder, not the agent\nprintf "%s\\n" "$@" > "$SENTRIKAT_TEST_ARGS"\n'
SUDO_SHIM = "#!/bin/sh\n# test shim: runs its arguments as they are (the test runs as the current user)\nexec \"$@\"\n"
FINGERPRINT = ":".join(["AB"] * 32)


def script(name: str, content: bytes = PLACEHOLDER) -> AgentScript:
    import hashlib

    return AgentScript(name, content, hashlib.sha256(content).hexdigest())


SCRIPTS = {s.name: s for s in (script("sentrikat-agent.sh"), script("sentrikat-agent.ps1", b"param()\r\n"))}


# --- building the lines -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scheme", "host", "expected"),
    [
        ("http", "192.168.1.10:8080", "http://192.168.1.10:8080"),
        ("https", "Appliance.Office.LAN:8443", "https://appliance.office.lan:8443"),
        ("http", "[fe80::1]:8080", "http://[fe80::1]:8080"),
        ("http", "sentrikat", "http://sentrikat"),
    ],
)
def test_base_url_from_the_request(scheme: str, host: str, expected: str) -> None:
    assert base_url(scheme, host) == expected


@pytest.mark.parametrize(
    "host", [None, "", "a;id", "a b", "$(id):80", "`id`", "a'b", "host:0", "host:65536", "-x", "[::1];id", "a/b", "a\nb"]
)
def test_base_url_refuses_what_a_shell_could_read_as_syntax(host: str | None) -> None:
    with pytest.raises(InvalidHost) as refused:
        base_url("http", host)
    assert refused.value.field == "Host"


def test_loopback_names() -> None:
    for url in ("http://localhost:8080", "http://127.0.0.1:8080", "http://127.5.5.5", "http://[::1]:8080", "http://a.localhost"):
        assert is_loopback(url), url
    for url in ("http://192.168.1.10:8080", "http://sentrikat.lan", "http://[fe80::1]:8080"):
        assert not is_loopback(url), url


def test_plain_http_lines_say_allow_http_and_check_the_hash() -> None:
    lines = {c.os: c.command for c in install_commands("http://10.0.0.5:8080", "sk_agent_KEY", None, SCRIPTS)}
    sh_hash, ps1_hash = SCRIPTS["sentrikat-agent.sh"].sha256, SCRIPTS["sentrikat-agent.ps1"].sha256
    assert lines["linux"] == (
        'f=$(mktemp) && curl -fsS -o "$f" http://10.0.0.5:8080/agents/sentrikat-agent.sh'
        f' && echo "{sh_hash}  $f" | sha256sum -c -'
        ' && sudo sh "$f" --install --server http://10.0.0.5:8080 --key sk_agent_KEY --allow-http && rm -f "$f"'
    )
    assert lines["macos"] == lines["linux"].replace("| sha256sum -c -", "| shasum -a 256 -c -")
    windows = lines["windows"]
    assert "Invoke-WebRequest -UseBasicParsing -Uri 'http://10.0.0.5:8080/agents/sentrikat-agent.ps1' -OutFile $f" in windows
    assert f"(Get-FileHash -Algorithm SHA256 $f).Hash -ne '{ps1_hash.upper()}'" in windows
    assert windows.endswith(
        "powershell.exe -NoProfile -ExecutionPolicy Bypass -File $f -Install -Server 'http://10.0.0.5:8080'"
        " -Key 'sk_agent_KEY' -AllowHttp"
    )
    assert "SkipCertificateCheck" not in windows and "-k" not in lines["linux"].split()


def test_https_lines_pin_the_certificate() -> None:
    lines = {c.os: c.command for c in install_commands("https://10.0.0.5:8443", "sk_agent_KEY", FINGERPRINT, SCRIPTS)}
    # The download skips certificate checks (self-signed), which is safe because the content's hash is checked.
    assert lines["linux"].startswith('f=$(mktemp) && curl -fsSk -o "$f" https://10.0.0.5:8443/agents/sentrikat-agent.sh')
    assert lines["linux"].endswith(f'--server https://10.0.0.5:8443 --key sk_agent_KEY --fingerprint {FINGERPRINT} && rm -f "$f"')
    assert "--allow-http" not in lines["linux"] + lines["macos"]
    assert "$o.SkipCertificateCheck = $true" in lines["windows"] and "ServerCertificateValidationCallback = $null" in lines["windows"]
    assert lines["windows"].endswith(f"-Server 'https://10.0.0.5:8443' -Key 'sk_agent_KEY' -Fingerprint '{FINGERPRINT}'")


def test_ipv6_urls_are_quoted_for_the_shell() -> None:
    line = install_commands("http://[fe80::1]:8080", "sk_agent_KEY", None, SCRIPTS)[0].command
    assert "'http://[fe80::1]:8080/agents/sentrikat-agent.sh'" in line and "--server 'http://[fe80::1]:8080'" in line


def test_a_missing_script_has_no_line_and_a_note() -> None:
    only_sh = {"sentrikat-agent.sh": SCRIPTS["sentrikat-agent.sh"]}
    result = install("http://10.0.0.5:8080", "sk_agent_KEY", None, only_sh)
    assert [c.os for c in result.commands] == ["linux", "macos"]
    assert any("sentrikat-agent.ps1" in note for note in result.notes)
    assert any("plain HTTP" in note for note in result.notes)
    assert not any("only this machine" in note for note in result.notes)
    assert any("only this machine" in note for note in install("http://127.0.0.1:8080", "k", None, only_sh).notes)


def openssl_certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    made = subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        capture_output=True,
    )
    if made.returncode != 0:
        pytest.skip(f"openssl cannot make a test certificate here: {made.stderr.decode()[-200:]}")
    return cert, key


def openssl_fingerprint(cert: Path) -> str:
    out = subprocess.run(["openssl", "x509", "-noout", "-fingerprint", "-sha256", "-in", str(cert)], capture_output=True, text=True, check=True)
    return out.stdout.strip().split("=", 1)[1]


def test_certificate_fingerprint_is_what_openssl_prints(tmp_path: Path) -> None:
    cert, _ = openssl_certificate(tmp_path)
    assert certificate_fingerprint(cert) == openssl_fingerprint(cert)
    # A chain file: the first certificate is the server's.
    chain = tmp_path / "chain.pem"
    chain.write_text(cert.read_text() + cert.read_text())
    assert certificate_fingerprint(chain) == openssl_fingerprint(cert)


# --- running the lines for real ------------------------------------------------------------------


@pytest.fixture
def placeholder_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "agents"
    folder.mkdir()
    (folder / "sentrikat-agent.sh").write_bytes(PLACEHOLDER)
    (folder / "sentrikat-agent.ps1").write_bytes(b"param()\r\n")
    return folder


class Shell:
    """``sh -c LINE`` as a user would paste it, with a ``sudo`` that just runs its arguments early on PATH."""

    def __init__(self, folder: Path) -> None:
        self.bin = folder / "bin"
        self.bin.mkdir()
        (self.bin / "sudo").write_text(SUDO_SHIM)
        (self.bin / "sudo").chmod(0o755)
        self.tmp = folder / "tmp"
        self.tmp.mkdir()
        self.args = folder / "args.txt"

    def run(self, line: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "PATH": f"{self.bin}:{os.environ['PATH']}", "TMPDIR": str(self.tmp), "SENTRIKAT_TEST_ARGS": str(self.args)}
        return subprocess.run(["sh", "-c", line], env=env, capture_output=True, text=True, timeout=60)

    def recorded(self) -> list[str]:
        return self.args.read_text().splitlines()


@pytest.fixture
def shell(tmp_path: Path) -> Shell:
    return Shell(tmp_path)


def new_agent_key(server: Server, **client_options) -> dict:
    admin = server.create_key("admin")
    response = httpx.post(server.url + "/api/keys", json={"organization_id": 1, "name": "line test"},
                          headers={"X-Agent-Key": admin}, **client_options)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.mark.parametrize("system", ["linux", "macos"])
def test_the_line_downloads_checks_and_runs_the_served_script(make_server, placeholder_dir: Path, shell: Shell, system: str) -> None:
    if system == "macos" and shutil.which("shasum") is None:
        pytest.skip("shasum (Perl's, as on macOS) is not installed here")
    server = make_server(SENTRIKAT_AGENTS_DIR=str(placeholder_dir))
    created = new_agent_key(server)
    line = next(c["command"] for c in created["install"]["commands"] if c["os"] == system)
    result = shell.run(line)
    assert result.returncode == 0, result.stdout + result.stderr
    assert ": OK" in result.stdout  # the checksum tool's verdict
    assert shell.recorded() == ["--install", "--server", server.url, "--key", created["key"], "--allow-http"]
    assert list(shell.tmp.iterdir()) == []  # the download is removed after a successful install


def test_a_tampered_download_is_not_run(make_server, placeholder_dir: Path, shell: Shell) -> None:
    """Someone on the network swaps the script: the hash in the line does not match, and nothing runs."""
    server = make_server(SENTRIKAT_AGENTS_DIR=str(placeholder_dir))
    line = new_agent_key(server)["install"]["commands"][0]["command"]
    real_curl = shutil.which("curl")
    (shell.bin / "curl").write_text(
        f'#!/bin/sh\n"{real_curl}" "$@" || exit $?\n'
        'while [ $# -gt 0 ]; do [ "$1" = -o ] && out="$2"; shift; done\n'
        f'echo "touch {shell.args}.pwned" >> "$out"\n'
    )
    (shell.bin / "curl").chmod(0o755)
    result = shell.run(line)
    assert result.returncode != 0
    assert "FAILED" in result.stdout + result.stderr
    assert not shell.args.exists() and not Path(f"{shell.args}.pwned").exists()


def test_the_line_fails_when_the_appliance_is_down(make_server, placeholder_dir: Path, shell: Shell) -> None:
    server = make_server(SENTRIKAT_AGENTS_DIR=str(placeholder_dir))
    line = new_agent_key(server)["install"]["commands"][0]["command"]
    server.stop()
    result = shell.run(line)
    assert result.returncode != 0 and "curl" in result.stderr
    assert not shell.args.exists()


def test_over_https_the_line_pins_the_served_certificate(tmp_path: Path, placeholder_dir: Path, shell: Shell) -> None:
    cert, key = openssl_certificate(tmp_path)
    empty = tmp_path / "no-feed"
    empty.mkdir()
    server = TlsServer(tmp_path / "tls-data", {
        "SENTRIKAT_FEED_DIR": str(empty), "SENTRIKAT_AGENTS_DIR": str(placeholder_dir),
        "SENTRIKAT_TLS_CERT": str(cert), "SENTRIKAT_TLS_KEY": str(key),
    }).start()
    try:
        created = new_agent_key(server, verify=False)
        assert created["install"]["server_url"] == server.url
        assert created["install"]["fingerprint"] == openssl_fingerprint(cert)
        line = created["install"]["commands"][0]["command"]
        result = shell.run(line)
        assert result.returncode == 0, result.stdout + result.stderr
        assert shell.recorded() == ["--install", "--server", server.url, "--key", created["key"], "--fingerprint", openssl_fingerprint(cert)]
    finally:
        assert server.stop() == 0, server.log()


@pytest.mark.parametrize(("server", "fingerprint"), [("http://10.0.0.5:8080", None), ("https://10.0.0.5:8443", FINGERPRINT)])
def test_the_windows_line_is_valid_powershell(server: str, fingerprint: str | None) -> None:
    """PowerShell cannot run here; its grammar (tree-sitter-powershell) must parse the line without an error."""
    tree_sitter = pytest.importorskip("tree_sitter")
    grammar = pytest.importorskip("tree_sitter_powershell")
    parser = tree_sitter.Parser(tree_sitter.Language(grammar.language()))
    line = next(c.command for c in install_commands(server, "sk_agent_KEY", fingerprint, SCRIPTS) if c.os == "windows")
    tree = parser.parse(line.encode())
    assert not tree.root_node.has_error, str(tree.root_node)
    # ... and it does flag errors: the same line with a brace too many does not parse.
    assert parser.parse(line.replace("{ throw", "{{ throw").encode()).root_node.has_error
