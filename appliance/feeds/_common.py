"""Helpers shared by the readers: gzip-aware opening, JSON decoding, FeedError wrapping."""

from __future__ import annotations

import gzip
import os
import re
import zlib
from typing import IO, Annotated, Iterable, Iterator, TypeVar

import msgspec

from appliance.feeds.base import CpeEntry, FeedError

PathLike = str | os.PathLike[str]
T = TypeVar("T")

GZIP_MAGIC = b"\x1f\x8b"

# What the standard library raises for an unreadable file or damaged gzip data:
# OSError (missing file, gzip.BadGzipFile, CRC error), EOFError (gzip stream cut
# short) and zlib.error (corrupt deflate data).
READ_ERRORS = (OSError, EOFError, zlib.error)

# A CVE id as CISA's KEV schema defines it: "CVE-YYYY-NNNN", four or more digits.
CveIdText = Annotated[str, msgspec.Meta(pattern=r"^CVE-[0-9]{4}-[0-9]{4,19}$")]


def open_binary(path: PathLike) -> IO[bytes]:
    """Open a feed file for reading, decompressing it if it starts with the gzip magic bytes."""
    try:
        with open(path, "rb") as probe:
            compressed = probe.read(2) == GZIP_MAGIC
        return gzip.open(path, "rb") if compressed else open(path, "rb")
    except OSError as exc:
        raise FeedError(f"{path}: cannot open the file: {exc}") from exc


def read_bytes(path: PathLike) -> bytearray:
    """The whole (decompressed) content of a feed file.

    Read in chunks into one growing buffer: GzipFile.read() would hold the
    chunks and their join at once, twice the size of a big NVD file.
    """
    content = bytearray()
    with open_binary(path) as stream:
        try:
            while chunk := stream.read(1 << 20):
                content += chunk
        except READ_ERRORS as exc:
            raise FeedError(f"{path}: damaged or truncated file: {exc}") from exc
    return content


def read_head(path: PathLike, size: int) -> bytes:
    """At most ``size`` (decompressed) bytes from the start of a feed file."""
    with open_binary(path) as stream:
        try:
            return stream.read(size)
        except READ_ERRORS as exc:
            raise FeedError(f"{path}: damaged or truncated file: {exc}") from exc


def decode_json(path: PathLike, type: type[T], what: str) -> T:
    """Read a JSON feed file and decode it into ``type``; ``what`` names the expected document.

    The readers declare their record arrays as ``list[msgspec.Raw]``: the whole
    file is checked as JSON here, and each record is decoded only when iterated
    (decode_records), so the decoded records never all sit in memory at once.
    """
    data = read_bytes(path)
    try:
        return msgspec.json.decode(data, type=type)
    except msgspec.ValidationError as exc:
        raise FeedError(f"{path}: not {what}: {exc}") from exc
    except msgspec.DecodeError as exc:
        raise FeedError(f"{path}: invalid JSON: {exc}") from exc


def decode_records(path: PathLike, raws: list[msgspec.Raw], type: type[T], where: str) -> Iterator[T]:
    """An iterator decoding the records of a JSON array one by one; ``where`` names the array.

    The first record is also decoded at once, so a file of another format with a
    same-named array (KEV and NVD 2.0 both have "vulnerabilities") fails here.
    """
    decoder = msgspec.json.Decoder(type)

    def decode(index: int, raw: msgspec.Raw) -> T:
        try:
            return decoder.decode(raw)
        except msgspec.DecodeError as exc:
            raise FeedError(f"{path}: {where}[{index}] has the wrong shape: {exc}") from exc

    if raws:
        decode(0, raws[0])
    return (decode(index, raw) for index, raw in enumerate(raws))


def check_count(path: PathLike, stated: int, actual: int) -> None:
    """Refuse a file whose stated record count disagrees with the records it holds."""
    if stated != actual:
        raise FeedError(f"{path}: states {stated} records but holds {actual}")


def english(pairs: list[tuple[str, str]]) -> str | None:
    """The text of the first (lang, text) pair in English ("en", "en-US", ...), else None."""
    for lang, text in pairs:
        if lang.lower() == "en" or lang.lower().startswith("en-"):
            return text
    return None


# One attribute value of a CPE 2.3 formatted string: printable characters other
# than colon and backslash, or a backslash-quoted character (NISTIR 7695 6.2).
_VALUE = r"(?:\\\S|[^\\:\s\x00-\x1f\x7f])+"
VALUE = re.compile(_VALUE)
# A whole name: "cpe:2.3:" then part, vendor, product and eight more values.
_NAME = re.compile(rf"cpe:2\.3:([aoh*-]):({_VALUE}):({_VALUE})(?::{_VALUE}){{8}}")


def cpe_entry(
    path: PathLike, name: str, title: str | None, deprecated: bool, deprecated_by: tuple[str, ...],
    references: tuple[str, ...] = (),
) -> CpeEntry:
    """A CpeEntry for a dictionary item named by a CPE 2.3 formatted string.

    The name is split, not validated value by value with appliance.cpe.parse_cpe23:
    the NVD dictionary holds names that strict parser refuses (product "-" for
    azure-iot-cli-extension; unquoted '"' in kuronecostudio's noble_sticker), and
    one odd name must not make a 1.5M-item dictionary unreadable. Only a name
    that is not shaped like a CPE 2.3 name at all is refused.
    """
    match = _NAME.fullmatch(name)
    if match is None:
        raise FeedError(f"{path}: not a CPE 2.3 name: {name!r}")
    part, vendor, product = match.groups()
    return CpeEntry(
        vendor=vendor,
        product=product,
        part=part,
        cpe_name=name,
        title=title,
        deprecated=deprecated,
        deprecated_by=deprecated_by,
        references=references,
    )


def cvss2_severity(score: float) -> str:
    """NVD's CVSS v2 severity for a base score (Low 0-3.9, Medium 4-6.9, High 7-10).

    Used only when a v2 metric omits its severity, which both NVD schemas allow.
    """
    if score >= 7.0:
        return "HIGH"
    if score >= 4.0:
        return "MEDIUM"
    return "LOW"


def urls(found: Iterable[str | None]) -> tuple[str, ...]:
    """Reference URLs as a feed lists them: stripped, empty ones dropped, each kept once, in order."""
    return tuple(dict.fromkeys(url.strip() for url in found if url and url.strip()))
