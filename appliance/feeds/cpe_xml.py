"""Streaming reader for the official NVD CPE dictionary, XML 2.3 (official-cpe-dictionary_v2.3.xml[.gz])."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Iterator

from appliance.feeds._common import READ_ERRORS, PathLike, cpe_entry, english, open_binary, urls
from appliance.feeds.base import CpeEntry, Feed, FeedError, FeedInfo

FORMAT = "cpe_xml"

# Namespaces of the CPE 2.3 dictionary schema (cpe-dictionary_2.3.xsd) and its
# 2.3 extension (cpe-dictionary-extension_2.3.xsd). The shape used:
#   <cpe-list>
#     <generator> ... <timestamp>2015-10-14T03:50:00.163Z</timestamp> </generator>
#     <cpe-item name="cpe:/a:..." deprecated="true" deprecation_date="...">
#       <title xml:lang="en-US">...</title>   (one per language; ja-JP also occurs)
#       <references> <reference href="https://...">Product information</reference> ... </references>
#       <cpe-23:cpe23-item name="cpe:2.3:a:...">
#         <cpe-23:deprecation date="...">
#           <cpe-23:deprecated-by name="cpe:2.3:..." type="NAME_CORRECTION"/>  (one or more)
# The cpe-item/@name is the older CPE 2.2 URI binding; we use the 2.3 name.
_DICT = "{http://cpe.mitre.org/dictionary/2.0}"
_CPE23 = "{http://scap.nist.gov/schema/cpe-extension/2.3}"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

_ERRORS = (ET.ParseError, *READ_ERRORS)


def read(path: PathLike) -> Feed[CpeEntry]:
    """Check the dictionary's head and stream its items; FeedError if damaged or not a dictionary."""
    info = FeedInfo(FORMAT, str(path), None, _generator_timestamp(path))
    return Feed(info, _entries(path))


def _generator_timestamp(path: PathLike) -> str | None:
    """Parse only the head of the file: check the root element, return generator/timestamp."""
    with open_binary(path) as stream:
        try:
            root = None
            for event, elem in ET.iterparse(stream, events=("start", "end")):
                if root is None:
                    root = elem
                    if root.tag != _DICT + "cpe-list":
                        raise FeedError(f"{path}: not a CPE dictionary: root element is {root.tag}")
                elif event == "end" and elem.tag == _DICT + "generator":
                    return elem.findtext(_DICT + "timestamp")
                elif event == "start" and elem.tag == _DICT + "cpe-item":
                    return None  # the schema puts the generator first; this file has none
        except _ERRORS as exc:
            raise FeedError(f"{path}: damaged CPE dictionary XML: {exc}") from exc
    return None  # an empty <cpe-list/>


def _entries(path: PathLike) -> Iterator[CpeEntry]:
    # Stream: handle each cpe-item when it ends, then clear the root so finished
    # items do not pile up (1.5M items would hold gigabytes). The file is opened
    # here, when iteration starts, and closed when it ends or is abandoned.
    with open_binary(path) as stream:
        root = None
        try:
            for event, elem in ET.iterparse(stream, events=("start", "end")):
                if root is None:
                    root = elem
                elif event == "end" and elem.tag == _DICT + "cpe-item":
                    entry = _entry(path, elem)
                    root.clear()
                    yield entry
        except _ERRORS as exc:
            raise FeedError(f"{path}: damaged CPE dictionary XML: {exc}") from exc


def _entry(path: PathLike, item: ET.Element) -> CpeEntry:
    cpe23 = item.find(_CPE23 + "cpe23-item")
    if cpe23 is None or not cpe23.get("name"):
        raise FeedError(f"{path}: cpe-item {item.get('name')!r} has no cpe23-item name")
    name = cpe23.get("name", "")
    titles = [(t.get(_XML_LANG, ""), (t.text or "").strip()) for t in item.findall(_DICT + "title")]
    # NVD repeats some deprecated-by names (apache:http_server:2.2.5 names the
    # same successor three times); keep each once, in order.
    names = (ref.get("name") for ref in cpe23.iter(_CPE23 + "deprecated-by"))
    deprecated_by = tuple(dict.fromkeys(name for name in names if name))
    # @deprecated is an xsd:boolean ("true" or "1"); a deprecated-by name also marks it.
    deprecated = item.get("deprecated") in ("true", "1") or bool(deprecated_by)
    references = urls(ref.get("href") for ref in item.iterfind(f"{_DICT}references/{_DICT}reference"))
    return cpe_entry(path, name, english(titles), deprecated, deprecated_by, references)
