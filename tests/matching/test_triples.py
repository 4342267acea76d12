"""GNU target names in package names (appliance/matching/triples.py and data/cpe_dictionary/target_triples.tsv)."""

from __future__ import annotations

import pytest

from appliance.matching.triples import cross_tool


@pytest.mark.parametrize(("package", "tools", "target"), [
    ("arm-none-eabi-gcc", ("gcc",), "arm-none-eabi"),
    ("riscv64-elf-gdb", ("gdb",), "riscv64-elf"),
    ("x86_64-elf-binutils", ("binutils",), "x86_64-elf"),
    ("i686-elf-gcc", ("gcc",), "i686-elf"),
    ("gcc-13-aarch64-linux-gnu", ("gcc-13",), "aarch64-linux-gnu"),
    ("cpp-13-arm-linux-gnueabihf", ("cpp-13",), "arm-linux-gnueabihf"),
    ("gcc-riscv64-unknown-elf", ("gcc",), "riscv64-unknown-elf"),
    # Debian writes x86_64 as x86-64.
    ("binutils-x86-64-linux-gnu", ("binutils",), "x86_64-linux-gnu"),
    # What follows a target in the middle is a build variant (the C library it is built against).
    ("libstdc++-arm-none-eabi-newlib", ("libstdc++",), "arm-none-eabi"),
    # Fedora's words after a leading target: the whole rest, then its first word.
    ("arm-none-eabi-gcc-cs-c++", ("gcc-cs-c++", "gcc"), "arm-none-eabi"),
    # A bare-metal cpu alone, before or after the tool.
    ("avr-gcc", ("gcc",), "avr"),
    ("gcc-avr", ("gcc",), "avr"),
    # A system and its environment (Rust's targets).
    ("librust-winapi-x86-64-pc-windows-gnu-dev", ("librust-winapi",), "x86_64-pc-windows-gnu"),
    # Debian's cross libraries and MinGW-w64 names.
    ("libstdc++6-arm64-cross", ("libstdc++6",), "arm64-cross"),
    ("libc6-dev-armhf-cross", ("libc6-dev",), "armhf-cross"),
    ("gcc-mingw-w64-x86-64-posix", ("gcc",), "mingw-w64-x86_64-posix"),
    # Debian's sources of cross compilers.
    ("gcc-13-cross", ("gcc-13",), "cross"),
])
def test_the_tool_and_its_target(package: str, tools: tuple[str, ...], target: str) -> None:
    found = cross_tool(package)
    assert found is not None and (found.tools, found.target) == (tools, target)


@pytest.mark.parametrize("package", [
    "mingw-w64", "mingw-w64-x86-64-dev",   # MinGW-w64 itself, no tool before its target
    "cross-gcc-common", "dpkg-cross",      # "cross" without an architecture is no target
    "ruby-arc", "libarm-foo", "arc-theme",  # a cpu's name as a word, with no OS part
    "foo-avr-bar",                         # a bare cpu only at either end
    "arm-none-eabi",                       # a target with no tool
    "openssl",
])
def test_names_without_a_target(package: str) -> None:
    assert cross_tool(package) is None
