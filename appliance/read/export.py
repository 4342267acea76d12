"""CSV export of vulnerability rows: one header line, then one line per finding, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

import msgspec

from appliance.read.models import VulnerabilityRow

COLUMNS: tuple[str, ...] = tuple(f.name for f in msgspec.structs.fields(VulnerabilityRow))
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_LINES_PER_CHUNK = 500


def cell(value: object) -> str:
    """A value as CSV text. Text that a spreadsheet would run as a formula (hostnames and
    program names come from agents) gets a leading apostrophe; numbers are written as they are."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_chunks(rows: Iterable[VulnerabilityRow]) -> Iterator[bytes]:
    """UTF-8 CSV (RFC 4180, CRLF line ends) in chunks of a few hundred lines, for a streamed response."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for count, row in enumerate(rows, 1):
        writer.writerow([cell(getattr(row, name)) for name in COLUMNS])
        if count % _LINES_PER_CHUNK == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")
