"""GNU target names in package names: a cross toolchain's tool and the machine it builds for (data/cpe_dictionary/target_triples.tsv)."""

from __future__ import annotations

import functools
import re

import msgspec

from appliance.errors import ApplianceError
from appliance.matching.aliases import tsv_rows
from appliance.paths import resource_root

KINDS = ("cpu", "bare", "vendor", "kernel", "os", "debarch", "cross", "threads")


class TripleError(ApplianceError):
    code = "triple_error"


class CrossName(msgspec.Struct, frozen=True):
    """A package named after a tool and a target: the names of the tool to try, nearest first,
    and the target as the name writes it."""

    tools: tuple[str, ...]
    target: str


@functools.cache
def _grammar() -> dict[str, re.Pattern[str]]:
    """Kind -> one pattern a whole word matches, from the table (read once, on first use)."""
    path = resource_root() / "data" / "cpe_dictionary" / "target_triples.tsv"
    patterns: dict[str, list[str]] = {kind: [] for kind in KINDS}
    for number, fields in tsv_rows(path, TripleError, "target grammar"):
        if len(fields) != 2 or fields[0] not in KINDS or not fields[1].strip():
            raise TripleError(f"{path}:{number}: expected a kind (one of {KINDS}), a tab and a pattern")
        patterns[fields[0]].append(fields[1].strip())
    return {kind: re.compile("(?:" + "|".join(f"(?:{p})" for p in found) + r")\Z") for kind, found in patterns.items() if found}


def _is(kind: str, word: str) -> bool:
    pattern = _grammar().get(kind)
    return bool(pattern and pattern.match(word))


def _tool(words: list[str]) -> str:
    """The tool's name from its words, or "" when they name none (empty, or not a name)."""
    name = "-".join(words)
    return name if len(name) >= 2 and name[0].isalpha() else ""


def cross_tool(package: str) -> CrossName | None:
    """The tool of a package named for a target, or None when the name carries no target.

    Targets, by the grammar in target_triples.tsv: a GNU target cpu[-vendor][-kernel]-os after
    the tool (gcc-13-aarch64-linux-gnu, binutils-riscv64-unknown-elf; what follows is a build
    variant: libstdc++-arm-none-eabi-newlib) or before it (arm-none-eabi-gdb; Fedora's
    arm-none-eabi-gcc-cs-c++ also gives its first word, gcc); a bare-metal cpu alone (gcc-avr,
    avr-binutils); Debian's "<tool>-<architecture>-cross" (libc6-armhf-cross), its cross
    compilers' sources "<tool>-<version>-cross" (gcc-13-cross) and "<tool>-mingw-w64-<cpu>[-<threads>]" (gcc-mingw-w64-x86-64-posix).
    """
    if "-" not in package:
        return None
    # Debian writes the cpu x86_64 as x86-64 ("_" is not allowed in its package names).
    words = re.sub(r"(?<![a-z0-9])x86-64(?![a-z0-9])", "x86_64", package).split("-")
    if len(words) >= 3 and _is("cross", words[-1]) and _is("debarch", words[-2]):
        tool = _tool(words[:-2])
        return CrossName((tool,), "-".join(words[-2:])) if tool else None
    if len(words) >= 3 and _is("cross", words[-1]) and re.fullmatch(r"\d+(?:\.\d+)*", words[-2]):
        # Debian's sources of cross compilers, "<tool>-<version>-cross" (gcc-13-cross, which
        # builds cpp-13-aarch64-linux-gnu). Not "<tool>-cross" alone: dpkg-cross is a program
        # of its own, not dpkg.
        tool = _tool(words[:-1])
        return CrossName((tool,), "cross") if tool else None
    for start, word in enumerate(words):
        if start and word == "mingw" and words[start + 1:start + 2] == ["w64"] and _is("cpu", "".join(words[start + 2:start + 3])):
            end = start + 3 + (start + 3 < len(words) and _is("threads", words[start + 3]))
            tool = _tool(words[:start])
            return CrossName((tool,), "-".join(words[start:end])) if tool and end == len(words) else None
        if not _is("cpu", word):
            continue
        end = start + 1
        # (An environment may follow the system: Rust's x86_64-pc-windows-gnu.)
        for kind in ("vendor", "kernel", "os", "os"):
            if end < len(words) and _is(kind, words[end]):
                end += 1
        # A target ends in an OS word, or is a bare-metal cpu alone at either end of the name.
        if not ((end - start >= 2 and _is("os", words[end - 1]))
                or (end == start + 1 and _is("bare", word) and (start == 0 or end == len(words)))):
            continue
        target = "-".join(words[start:end])
        if start:
            tool = _tool(words[:start])
            return CrossName((tool,), target) if tool else None
        rest = words[end:]
        tools = tuple(dict.fromkeys(t for t in (_tool(rest), _tool(rest[:1])) if t))
        return CrossName(tools, target) if tools else None
    return None
