"""CSV export of vulnerability rows: one header line, then one line per finding, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator

import msgspec

from appliance.read.models import VulnerabilityRow

COLUMNS: tuple[str, ...] = tuple(f.name for f in msgspec.structs.fields(VulnerabilityRow))
# Characters that make a spreadsheet read a cell as a formula (OWASP "CSV Injection", ASVS 1.2.10):
# = + - @, tab, CR, LF and NUL, and their full-width forms (U+FF1D ＝, U+FF0B ＋, U+FF0D －,
# U+FF20 ＠), which some spreadsheet programs normalise to the ASCII ones.
_FORMULA = "=+-@\t\r\n\x00\uff1d\uff0b\uff0d\uff20"
# A formula character first, after leading whitespace (spreadsheets skip it: " =1+1"), or
# after a separator (comma, semicolon, tab, pipe): a program that splits on ';' (locales whose
# decimal mark is a comma) or ignores the quoting would start a new cell there ("a;=cmd").
_RISKY = re.compile(rf"^\s*[{re.escape(_FORMULA)}]|[,;\t|]\s*[{re.escape(_FORMULA)}]")
_LINES_PER_CHUNK = 500


def cell(value: object) -> str:
    """A value as CSV text. Text that a spreadsheet could run as a formula (hostnames and program
    names come from agents) gets a leading apostrophe, which spreadsheets read as "this is text";
    numbers are written as they are. Every cell is quoted too (csv_chunks), as OWASP advises."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    text = str(value)
    return "'" + text if _RISKY.search(text) else text


def csv_chunks(rows: Iterable[VulnerabilityRow]) -> Iterator[bytes]:
    """UTF-8 CSV (RFC 4180, CRLF line ends) in chunks of a few hundred lines, for a streamed response."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow(COLUMNS)
    for count, row in enumerate(rows, 1):
        writer.writerow([cell(getattr(row, name)) for name in COLUMNS])
        if count % _LINES_PER_CHUNK == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")
