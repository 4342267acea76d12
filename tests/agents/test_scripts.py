"""Static checks of both agents: POSIX sh syntax (sh, dash, shellcheck) and the PowerShell agent parsed by tree-sitter."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from tests.agents.conftest import AGENT_PS1, AGENT_SH
from tests.conftest import ROOT


@pytest.mark.parametrize("shell", ["sh", "dash", "bash"])
def test_sh_agent_parses(shell: str) -> None:
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed")
    args = [shell, "--posix", "-n"] if shell == "bash" else [shell, "-n"]
    result = subprocess.run([*args, str(AGENT_SH)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_sh_agent_passes_shellcheck_as_posix_sh() -> None:
    if shutil.which("shellcheck") is None:
        pytest.skip("shellcheck is not installed (apt-get install shellcheck; .ci/run does)")
    result = subprocess.run(["shellcheck", "--shell=sh", "--severity=warning", str(AGENT_SH)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def powershell_tree(source: bytes):
    ts = pytest.importorskip("tree_sitter")
    grammar = pytest.importorskip("tree_sitter_powershell")
    return ts.Parser(ts.Language(grammar.language())).parse(source)


def problems(tree) -> list[str]:
    """Every ERROR or MISSING node, as 'line:column type text'."""
    found, stack = [], [tree.root_node]
    while stack:
        node = stack.pop()
        if node.type == "ERROR" or node.is_missing:
            found.append(f"{node.start_point[0] + 1}:{node.start_point[1] + 1} {'MISSING' if node.is_missing else 'ERROR'} "
                         f"{node.text[:60]!r}")
        stack.extend(node.children)
    return found


def functions(tree) -> dict[str, str]:
    """Function name -> the function's source text."""
    out, stack = {}, [tree.root_node]
    while stack:
        node = stack.pop()
        if node.type == "function_statement":
            name = next(c for c in node.children if c.type == "function_name").text.decode()
            out[name] = node.text.decode()
        stack.extend(node.children)
    return out


def test_powershell_agent_parses_without_errors() -> None:
    tree = powershell_tree(AGENT_PS1.read_bytes())
    assert problems(tree) == []
    names = functions(tree)
    for name in ("Test-ReportableProgram", "Get-InstalledPrograms", "Get-OsName", "Invoke-Agent", "Send-DeltaReport",
                 "Install-Agent", "Uninstall-Agent"):
        assert name in names, name


def test_the_parser_does_find_syntax_errors() -> None:
    """The check above can fail: a broken script yields ERROR or MISSING nodes."""
    for broken in (b"function f { if ($a) { 1 }\n", b"$x = @{ a = 1\n", b"if ($a { 1 }\n", b"param([string]$a\n"):
        assert problems(powershell_tree(broken)), broken


def test_registry_filtering_rules_are_written_once() -> None:
    """The four rules live in Test-ReportableProgram; the collector only reads the values and calls it."""
    names = functions(powershell_tree(AGENT_PS1.read_bytes()))
    for value in ("SystemComponent", "ParentKeyName", "ReleaseType"):
        users = {name for name, text in names.items() if value in text}
        assert users == {"Test-ReportableProgram", "Get-InstalledPrograms"}, (value, users)
    collector = names["Get-InstalledPrograms"]
    assert "Test-ReportableProgram -Entry $entry" in collector
    assert not re.search(r"SystemComponent'?\]?\s*-(eq|ne)", collector)
    rules = names["Test-ReportableProgram"]
    assert "IsNullOrWhiteSpace([string]$Entry['DisplayName'])" in rules
    assert "[string]$Entry['SystemComponent'] -eq '1'" in rules
    assert "[string]$Entry['ParentKeyName']" in rules
    assert "[string]$Entry['ReleaseType'] -match 'update|hotfix'" in rules
    # Documented in the README and docs/agents.md.
    for doc in (ROOT / "README.md", ROOT / "docs" / "agents.md"):
        text = doc.read_text()
        for word in ("DisplayName", "SystemComponent", "ParentKeyName", "ReleaseType"):
            assert word in text, (doc.name, word)


def test_readme_says_the_powershell_agent_was_not_executed_in_ci() -> None:
    text = (ROOT / "README.md").read_text()
    assert "has not been executed in CI" in text


def test_every_agent_option_and_variable_is_documented() -> None:
    """Each option the sh agent accepts and each SENTRIKAT_AGENT_ variable it reads is in README "Adding devices"."""
    script = AGENT_SH.read_text()
    readme = (ROOT / "README.md").read_text()
    start = readme.index("## Adding devices")
    section = readme[start:readme.index("\n## ", start)]
    options = set(re.findall(r"^\s+(--[a-z-]+)\)", script, re.M))
    assert {"--server", "--key", "--once", "--state-dir", "--fingerprint", "--ca-file", "--install", "--uninstall"} <= options
    for option in options | {"--allow-http", "--help", "--version", "--verbose", "--scheduled"}:
        assert f"`{option}" in section, option
    for variable in set(re.findall(r"SENTRIKAT_AGENT_[A-Z_]+", script)):
        assert f"`{variable}`" in section, variable
    ps1 = AGENT_PS1.read_text()
    for parameter in ("Server", "Key", "Once", "Scheduled", "StateDir", "Fingerprint", "CaFile", "AllowHttp", "Install",
                      "Uninstall", "Config", "Hostname", "Help"):
        assert re.search(rf"\[(string|switch)\]\${parameter}\b", ps1), parameter


# Cmdlets and programs the Windows agent may call: in Windows PowerShell 5.1 and PowerShell 7 on
# Windows (ScheduledTasks ships with Windows 8 / Server 2012 and later), or in Windows itself.
POWERSHELL_COMMANDS = {
    "Add-Content", "Add-Type", "ConvertFrom-Json", "ConvertTo-Json", "Copy-Item", "Get-Content", "Get-Date", "Get-Help",
    "Get-Item", "Get-Random", "Join-Path", "Move-Item", "New-Item", "New-Object", "New-TimeSpan", "Out-Null",
    "Remove-Item", "Set-StrictMode", "Start-Sleep", "Test-Path", "Where-Object", "Write-Output", "Write-Verbose",
    "Get-ScheduledTask", "New-ScheduledTaskAction", "New-ScheduledTaskPrincipal", "New-ScheduledTaskSettingsSet",
    "New-ScheduledTaskTrigger", "Register-ScheduledTask", "Unregister-ScheduledTask", "icacls.exe", "powershell.exe",
}


def test_powershell_agent_calls_only_its_functions_and_known_cmdlets() -> None:
    """A misspelt function name would only fail on Windows; here every command must be defined or known."""
    tree = powershell_tree(AGENT_PS1.read_bytes())
    called, stack = set(), [tree.root_node]
    while stack:
        node = stack.pop()
        if node.type == "command_name":
            called.add(node.text.decode())
        stack.extend(node.children)
    defined = set(functions(tree))
    assert called - defined - POWERSHELL_COMMANDS == set()
    assert defined - called == set()  # no dead function either
