"""Version comparison, one scheme per package source (dpkg, rpm, apk, windows, generic, pep440)."""

from .apk import APK, ApkScheme
from .base import (
    UnknownVersion,
    VersionError,
    VersionScheme,
    in_range,
    is_unknown,
    scheme_for,
)
from .dpkg import DPKG, DebianVersion, DpkgScheme, upstream_version
from .generic import GENERIC, GenericScheme
from .pep440 import PEP440, Pep440Scheme
from .rpm import RPM, RpmScheme, RpmVersion
from .windows import WINDOWS, WindowsScheme

__all__ = [
    "APK",
    "DPKG",
    "GENERIC",
    "PEP440",
    "RPM",
    "WINDOWS",
    "ApkScheme",
    "DebianVersion",
    "DpkgScheme",
    "GenericScheme",
    "Pep440Scheme",
    "RpmScheme",
    "RpmVersion",
    "UnknownVersion",
    "VersionError",
    "VersionScheme",
    "WindowsScheme",
    "in_range",
    "is_unknown",
    "scheme_for",
    "upstream_version",
]
