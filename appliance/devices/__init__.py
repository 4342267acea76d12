"""Adding devices: the agent scripts the appliance serves, agent keys for the status page, one-line installs."""

from appliance.devices.base import (
    CreatedKey,
    DeviceError,
    Install,
    InstallCommand,
    InvalidHost,
    KeyIn,
    KeyList,
    RecentDevice,
    RecentDevices,
    ScriptInfo,
)
from appliance.devices.install import base_url, install_commands
from appliance.devices.scripts import SCRIPT_NAMES, AgentScript, load_scripts
from appliance.devices.service import DeviceService

__all__ = [
    "SCRIPT_NAMES",
    "AgentScript",
    "CreatedKey",
    "DeviceError",
    "DeviceService",
    "Install",
    "InstallCommand",
    "InvalidHost",
    "KeyIn",
    "KeyList",
    "RecentDevice",
    "RecentDevices",
    "ScriptInfo",
    "base_url",
    "install_commands",
    "load_scripts",
]
