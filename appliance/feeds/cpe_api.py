"""Reader for NVD CPE API 2.0 JSON (a response page of `products[].cpe`)."""

from __future__ import annotations

import msgspec

from appliance.feeds._common import PathLike, cpe_entry, decode_json, decode_records, english, urls
from appliance.feeds.base import CpeEntry, Feed, FeedError, FeedInfo

FORMAT = "cpe_api"

# Upstream shape, after the NVD CPE API 2.0 documentation
# (https://nvd.nist.gov/developers/products) and its schema
# (cpe_api_json_2.0.schema). Only the fields we use are declared (cpeNameId,
# created, lastModified and deprecates are skipped).


class _Title(msgspec.Struct):
    title: str
    lang: str  # "en"; other languages (e.g. "ja") may follow


class _CpeRef(msgspec.Struct):
    cpeName: str


class _Ref(msgspec.Struct):
    ref: str  # a URL; `type` (Vendor, Product, Advisory, ...) is not used


class _Cpe(msgspec.Struct):
    cpeName: str
    deprecated: bool
    titles: list[_Title] = []  # NVD gives most, not all, names a title
    deprecatedBy: list[_CpeRef] = []
    refs: list[_Ref] = []


class _Product(msgspec.Struct):
    cpe: _Cpe


class _Response(msgspec.Struct):
    products: list[msgspec.Raw]  # each a _Product, decoded when iterated
    format: str | None = None  # "NVD_CPE"
    timestamp: str | None = None


def read(path: PathLike) -> Feed[CpeEntry]:
    """Read an NVD CPE API 2.0 page; raise FeedError if it is damaged or not one."""
    response = decode_json(path, _Response, "an NVD CPE API 2.0 document")
    if response.format not in (None, "NVD_CPE"):
        raise FeedError(f"{path}: not an NVD CPE document: format is {response.format!r}")
    info = FeedInfo(FORMAT, str(path), len(response.products), response.timestamp)
    products = decode_records(path, response.products, _Product, "products")
    return Feed(info, (_entry(path, product.cpe) for product in products))


def _entry(path: PathLike, cpe: _Cpe) -> CpeEntry:
    return cpe_entry(
        path,
        cpe.cpeName,
        title=english([(t.lang, t.title) for t in cpe.titles]),
        # A name can be deprecated without a successor (deprecatedBy empty).
        deprecated=cpe.deprecated,
        deprecated_by=tuple(ref.cpeName for ref in cpe.deprecatedBy),
        references=urls(ref.ref for ref in cpe.refs),
    )
