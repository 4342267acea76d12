"""Linear-time checks of a JSON body's shape (values, nesting, duplicate keys) without building it in memory."""

from __future__ import annotations

import codecs
import json
import math
import re
from itertools import accumulate
from operator import sub

from appliance.agent.payloads import PayloadError, PayloadTooLarge

# A complete JSON string literal, and the inside of one up to (not including) its closing quote.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_STRING_BODY = re.compile(rb'[^"\\]*(?:\\.[^"\\]*)*')
_BRACKETS = b"[]{}"
_NOT_BRACKETS = bytes(c for c in range(256) if c not in _BRACKETS)
# '[' and '{' become 1, everything else 0 (and the other way round for closing brackets).
_OPENS = bytes.maketrans(b"[]{}", b"\x01\x00\x01\x00")
_CLOSES = bytes.maketrans(b"[]{}", b"\x00\x01\x00\x01")


class ShapeScanner:
    """Fed a JSON text chunk by chunk, refuses it as soon as it holds too many values or nests too deeply.

    Everything runs in C (regular expressions, ``bytes.count``/``translate``, ``accumulate``),
    so a refused body costs about one pass over the part read so far. Strings are skipped
    first, so brackets and commas inside them do not count, also when a string spans chunks.
    "Values" are counted as commas plus opening brackets outside strings: about one per array
    element or object member, never fewer than the body really has minus one.
    """

    def __init__(self, max_values: int, max_depth: int) -> None:
        self.max_values = max_values
        self.max_depth = max_depth
        self.values = 0
        self.depth = 0
        self._in_string = False
        self._escape = False  # the previous chunk ended inside a string, on a backslash

    def feed(self, chunk: bytes) -> None:
        start = 0
        if self._in_string:
            start = 1 if self._escape else 0
            end = _STRING_BODY.match(chunk, start).end()  # type: ignore[union-attr]
            if end >= len(chunk):
                self._escape = False
                return
            if chunk[end] != 0x22:  # a backslash as the chunk's last byte
                self._escape = True
                return
            self._in_string, self._escape = False, False
            start = end + 1
        outside = _STRING.sub(b"", chunk[start:] if start else chunk)
        quote = outside.find(b'"')
        if quote >= 0:  # a string starts here and goes on in the next chunk
            tail = outside[quote + 1 :]
            self._in_string = True
            self._escape = _STRING_BODY.match(tail).end() < len(tail)  # type: ignore[union-attr]
            outside = outside[:quote]
        self.values += outside.count(b",") + outside.count(b"[") + outside.count(b"{")
        if self.values > self.max_values:
            raise PayloadTooLarge(f"body holds more than {self.max_values} JSON values")
        brackets = outside.translate(None, _NOT_BRACKETS)
        if not brackets:
            return
        opens = brackets.translate(_OPENS)
        if self.depth + opens.count(1) > self.max_depth:  # only then is the exact walk needed
            deepest = max(map(sub, accumulate(opens), accumulate(brackets.translate(_CLOSES))))
            if self.depth + deepest > self.max_depth:
                raise PayloadError(f"body is nested more than {self.max_depth} levels deep")
        self.depth += 2 * opens.count(1) - len(brackets)


# Keys (a string followed by a colon) and brackets are captured, value strings matched but not
# captured, everything else skipped: joined, the captures are the body's skeleton {"a""b"[{"c"}]}.
_SKELETON = re.compile(rb'("[^"\\]*+(?:\\.[^"\\]*+)*+"(?=[ \t\r\n]*:)|[\[\]{}])|"[^"\\]*+(?:\\.[^"\\]*+)*+"')
_KEY_OR_BRACKET = re.compile(rb'"[^"\\]*+(?:\\.[^"\\]*+)*+"|[\[\]{}]')
# An object holding no array or object, once only keys and brackets are left: {"a""b""c"}.
_FLAT_OBJECT = re.compile(rb'\{(?:"[^"\\]*(?:\\.[^"\\]*)*")*\}')


def check_unique_keys(body: bytes) -> None:
    """PayloadError if an object in the (valid JSON) body has the same key twice, in any spelling.

    Linear in the body's size, and it never builds the body: value strings, numbers and
    punctuation are dropped by one regular expression, leaving keys and brackets. Objects with no
    object or array inside (the items of a report: most keys) are then checked once per
    distinct key sequence and removed; one pass with a set of keys per open object checks the
    rest. msgspec would keep the last of two equal keys silently, and another reader the first.
    """
    skeleton = b"".join(_SKELETON.findall(body))
    for flat in set(_FLAT_OBJECT.findall(skeleton)):
        keys: set[bytes] | None = set()
        for key in _KEY_OR_BRACKET.findall(flat, 1, len(flat) - 1):
            _add_key(keys, key)
    stack: list[set[bytes] | None] = []
    keys = None
    for token in _KEY_OR_BRACKET.findall(_FLAT_OBJECT.sub(b"", skeleton)):
        first = token[0]
        if first == 0x22:  # '"': a key
            _add_key(keys, token)
        elif first == 0x7B:  # '{'
            stack.append(keys)
            keys = set()
        elif first == 0x5B:  # '['
            stack.append(keys)
            keys = None
        else:
            keys = stack.pop()


def _add_key(keys: set[bytes] | None, key: bytes) -> None:
    if b"\\" in key:  # escaped spellings ("host\u006eame") are the same key
        key = b'"' + json.loads(key).encode("utf-8", "surrogatepass") + b'"'
    if key in keys:  # type: ignore[operator]
        name = json.loads(key)[:100]
        raise PayloadError(f"a JSON object has the same key twice ({name!r}); each key may appear once")
    keys.add(key)  # type: ignore[union-attr]


# Numbers that may not fit: 19 or more digits, or an exponent of 3 or more digits. Only these
# are looked at closely; every other JSON number fits in 64 bits or a finite double.
_SUSPICIOUS_NUMBER = re.compile(rb"-?[0-9]{19,}(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|-?[0-9]+(?:\.[0-9]*)?[eE][+-]?[0-9]{3,}")
_UTF8_STEP = 1024 * 1024


def check_representable(body: bytes) -> None:
    """PayloadError unless every part of the body, unknown fields included, is valid UTF-8 and
    every number is a 64-bit integer or a finite double: a typed decode skips unknown fields
    without looking inside them, and another reader of the stored data might not."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for start in range(0, len(body), _UTF8_STEP):
            decoder.decode(body[start : start + _UTF8_STEP], final=start + _UTF8_STEP >= len(body))
    except UnicodeDecodeError as exc:
        raise PayloadError(f"body is not valid UTF-8: {exc.reason}") from exc
    for match in _SUSPICIOUS_NUMBER.finditer(_STRING.sub(b"", body)):
        number = match.group()
        if len(number) > 400:
            fits = False
        elif any(c in number for c in b".eE"):
            fits = math.isfinite(float(number))
        else:
            fits = -(2**63) <= int(number) < 2**64
        if not fits:
            raise PayloadError(f"body holds a number out of range: {number[:40].decode()}")
