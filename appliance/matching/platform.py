"""What a host's OS string tells the matcher: its family, its package version scheme and its platform CPEs."""

from __future__ import annotations

import re

import msgspec

# Distribution names -> (package scheme, platform keys). Platform keys only ever satisfy
# NVD "vulnerable: false" platform criteria (e.g. "Adobe Reader running on Windows");
# a CVE whose vulnerable criterion is the OS itself (e.g. debian:debian_linux) is never
# matched from the OS name alone, as the distribution's own advisory decides that.
_LINUX = (
    (("debian",), "dpkg", ("debian:debian_linux",)),
    (("ubuntu",), "dpkg", ("canonical:ubuntu_linux",)),
    (("linux mint", "raspbian", "kali", "pop!_os"), "dpkg", ()),
    (("red hat", "rhel"), "rpm", ("redhat:enterprise_linux",)),
    (("centos",), "rpm", ("centos:centos",)),
    (("fedora",), "rpm", ("fedoraproject:fedora",)),
    (("rocky",), "rpm", ("rockylinux:rocky_linux",)),
    (("alma",), "rpm", ("almalinux:almalinux",)),
    (("amazon linux",), "rpm", ("amazon:linux",)),
    (("oracle linux",), "rpm", ("oracle:linux",)),
    (("suse", "sles"), "rpm", ("suse:linux_enterprise_server", "opensuse:leap")),
    (("alpine",), "apk", ("alpinelinux:alpine_linux",)),
)


# "Windows 11 23H2", "Windows Server 2022": the release and its update after the family name
# (compiled here: platform_of runs in the first report after a load, where compiling on first
# use cost about 0.2 ms).
_WINDOWS_RELEASE = re.compile(r"windows (?:server )?(\d{2,4}|xp|vista)(?: ?(\w+))?")
_WINDOWS_UPDATE = re.compile(r"\d{2}h\d|\d{4}")


# The schemes whose reported items are distribution packages (dpkg, rpm, apk names).
PACKAGE_SCHEMES = frozenset({"dpkg", "rpm", "apk"})


class Platform(msgspec.Struct, frozen=True):
    """``family``: windows, macos, linux or unknown; ``scheme``: how package versions are written."""

    family: str
    scheme: str
    keys: tuple[str, ...]

    @property
    def packages(self) -> bool:
        """True where reported items are distribution packages (dpkg, rpm, apk names)."""
        return self.scheme in PACKAGE_SCHEMES


def platform_of(os_name: str | None) -> Platform:
    text = (os_name or "").lower()
    if "windows" in text:
        keys = ["microsoft:windows"]
        for found in _WINDOWS_RELEASE.finditer(text):
            name = "windows_server_" if "server" in found.group(0) else "windows_"
            keys.append(f"microsoft:{name}{found.group(1)}")
            if found.group(2) and _WINDOWS_UPDATE.fullmatch(found.group(2)):
                keys.append(f"microsoft:{name}{found.group(1)}_{found.group(2)}")
        return Platform("windows", "windows", tuple(sorted(set(keys))))
    if any(word in text for word in ("macos", "mac os", "os x", "darwin")):
        return Platform("macos", "generic", ("apple:mac_os", "apple:mac_os_x", "apple:macos"))
    for names, scheme, keys in _LINUX:
        if any(name in text for name in names):
            return Platform("linux", scheme, tuple(sorted(("linux:linux_kernel", *keys))))
    if "linux" in text:
        return Platform("linux", "generic", ("linux:linux_kernel",))
    return Platform("unknown", "generic", ())


# target_sw values that name a platform rather than a host application (NVD uses both kinds:
# "cpe:2.3:a:google:chrome:*:*:*:*:*:android:*:*" is Chrome for Android).
TARGET_FAMILIES = {
    "windows": "windows", "microsoft_windows": "windows", "macos": "macos", "mac_os_x": "macos", "mac_os": "macos",
    "linux": "linux", "linux_kernel": "linux", "android": "android", "iphone_os": "ios", "ios": "ios", "ipados": "ios",
}
