"""Every setting and CLI option is documented in the README, and settings resolve in the documented order."""

from __future__ import annotations

import argparse
import re

import pytest

from appliance.cli import build_parser
from appliance.settings import SETTINGS, Settings, SettingsError, load_settings
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text()


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.env)
def test_setting_is_in_the_readme_table(setting) -> None:
    row = next((line for line in README.splitlines() if line.startswith(f"| `{setting.env}`")), None)
    assert row is not None, f"{setting.env} is missing from README's settings table"
    default = "true" if setting.default is True else "false" if setting.default is False else str(setting.default)
    assert f"`{default}`" in row or (default == "" and "(none)" in row), f"{setting.env}: README default differs from {default!r}"


def _options(parser: argparse.ArgumentParser, prefix: str = "sentrikat") -> list[tuple[str, str]]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += _options(sub, f"{prefix} {name}")
        else:
            found += [(prefix, option) for option in action.option_strings if option.startswith("--") and option != "--help"]
    return found


@pytest.mark.parametrize(("command", "option"), _options(build_parser()), ids=lambda v: v)
def test_cli_option_is_documented(command: str, option: str) -> None:
    assert re.search(rf"`{re.escape(option)}\b", README), f"{command} {option} is not documented in README.md"


def test_precedence_defaults_then_environment_then_options() -> None:
    assert load_settings({}, {}) == Settings()
    from_env = load_settings({}, {"SENTRIKAT_PORT": "9000", "SENTRIKAT_INCLUDE_UPDATES": "yes"})
    assert (from_env.port, from_env.include_updates) == (9000, True)
    assert load_settings({"port": "9100"}, {"SENTRIKAT_PORT": "9000"}).port == 9100


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"SENTRIKAT_PORT": "eighty"}, "SENTRIKAT_PORT"),
        ({"SENTRIKAT_MAX_ITEMS": "-1"}, "SENTRIKAT_MAX_ITEMS"),
        ({"SENTRIKAT_INCLUDE_SERVICES": "maybe"}, "SENTRIKAT_INCLUDE_SERVICES"),
        ({"SENTRIKAT_TLS_CERT": "cert.pem"}, "together"),
        ({"SENTRIKAT_LOG_LEVEL": "loud"}, "log_level"),
        ({"SENTRIKAT_SMTP_TLS_FINGERPRINT": "AB:CD:EF"}, "smtp_tls_fingerprint"),
    ],
)
def test_bad_values_are_refused(environ: dict, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        load_settings({}, environ)
