"""Streaming reader for the vendor,product CSV of CPE dictionary pairs (cpe/cpes.csv)."""

from __future__ import annotations

import csv
import io
from contextlib import contextmanager
from typing import Any, Iterator

from appliance.feeds._common import READ_ERRORS, VALUE, PathLike, open_binary
from appliance.feeds.base import CpeEntry, Feed, FeedError, FeedInfo

FORMAT = "cpe_csv"

# The file (tiiuae/cpedict, derived from the NVD CPE dictionary) is UTF-8 with a
# header line and one quoted pair per line:
#     "vendor","product"
#     "1c","1c\:enterprise"
# Values are in the CPE 2.3 formatted-string binding (punctuation backslash-
# quoted), as in a CPE name. It lists application pairs only, so part is "a".
# It states no CPE name, title, deprecation or date.
_COLUMNS = ("vendor", "product")
PART = "a"


def read(path: PathLike) -> Feed[CpeEntry]:
    """Check the CSV header and stream its pairs; FeedError if damaged or not such a CSV."""
    _columns(path)
    return Feed(FeedInfo(FORMAT, str(path), None), _entries(path))


def _open(path: PathLike) -> io.TextIOWrapper:
    return io.TextIOWrapper(open_binary(path), encoding="utf-8", newline="")


@contextmanager
def _reading(path: PathLike, rows: Any = None) -> Iterator[None]:
    """Turn the errors of reading the CSV into FeedError (``rows``: the csv reader, for line numbers)."""
    try:
        yield
    except UnicodeDecodeError as exc:
        # Decoding runs ahead of the csv reader, so no line number here.
        raise FeedError(f"{path}: not UTF-8 text: {exc}") from exc
    except csv.Error as exc:
        line = rows.line_num if rows is not None else 1
        raise FeedError(f"{path}: line {line}: damaged CSV: {exc}") from exc
    except READ_ERRORS as exc:
        raise FeedError(f"{path}: damaged or truncated file: {exc}") from exc


def _columns(path: PathLike) -> tuple[int, int]:
    """The positions of the vendor and product columns, from the header line."""
    with _open(path) as stream, _reading(path):
        header = next(csv.reader(stream), [])
    names = [cell.strip().lower() for cell in header]
    if not all(column in names for column in _COLUMNS):
        raise FeedError(f"{path}: expected a header with columns vendor and product, found {header!r}")
    return names.index("vendor"), names.index("product")


def _entries(path: PathLike) -> Iterator[CpeEntry]:
    vendor_at, product_at = _columns(path)
    with _open(path) as stream:
        rows = csv.reader(stream)
        with _reading(path, rows):
            next(rows)  # the header
            for row in rows:
                if not row:
                    continue  # a blank line
                if len(row) <= max(vendor_at, product_at):
                    found = f"expected vendor and product, found {row!r}"
                    raise FeedError(f"{path}: line {rows.line_num}: {found}")
                yield _entry(path, rows.line_num, row[vendor_at], row[product_at])


def _entry(path: PathLike, line: int, vendor: str, product: str) -> CpeEntry:
    # Each value must be one CPE 2.3 value: not empty, no unquoted colon. Values
    # are otherwise kept as the file states them (see _common.cpe_entry for the
    # two real pairs a strict CPE parser refuses).
    if not (VALUE.fullmatch(vendor) and VALUE.fullmatch(product)):
        raise FeedError(f"{path}: line {line}: not a CPE vendor,product pair: {vendor!r},{product!r}")
    return CpeEntry(vendor, product, PART, cpe_name=None, title=None, deprecated=False, deprecated_by=())
