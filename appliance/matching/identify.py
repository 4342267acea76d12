"""Identification: which NVD product (CPE vendor:product) a reported item is, with method, score and reason."""

from __future__ import annotations

import re

import msgspec

from appliance.cpe import CpeError, parse_cpe23, unquote
from appliance.matching.base import SoftwareItem
from appliance.matching.index import CpeIndex, split_key
from appliance.matching.normalize import clean_display_name, clean_publisher, compact, cpe_words
from appliance.matching.platform import Platform

# Below this score an item stays unmatched: a wrong product is worse than none.
THRESHOLD = 0.85

# Debian/RPM package suffixes that carry no code of their own (or only headers): findings
# belong to the package that ships the binary (Debian Policy 7.x, library packaging 8.x).
_NO_CODE_SUFFIXES = ("-doc", "-data", "-l10n", "-locales", "-dbg", "-dbgsym", "-man", "-examples", "-icons", "-theme")
_NO_CODE_PREFIXES = ("fonts-", "ttf-", "xfonts-", "hunspell-", "myspell-", "task-", "firmware-")
# Words that name an edition or packaging of a product, not a different product:
# "Microsoft Office Professional Plus 2019" is Office.
_EDITION_WORDS = {
    "professional", "pro", "plus", "standard", "enterprise", "home", "business", "community", "ultimate", "premium",
    "client", "desktop", "app", "stable", "lts", "esr-", "free", "mui", "runtime", "update", "updater",
}
_YEAR = re.compile(r"^(19|20)\d\d$")


class Identification(msgspec.Struct, frozen=True):
    """A product, how it was found (agent_cpe, alias, exact, fuzzy) and the 0..1 score."""

    key: str
    method: str
    score: float
    evidence: str


class Unidentified(msgspec.Struct, frozen=True):
    reason: str


class _Candidate(msgspec.Struct, frozen=True):
    key_id: int
    score: float
    evidence: str
    fuzzy: bool = False


def _vendor_words(index: CpeIndex, key_id: int) -> tuple[str, str]:
    vendor, product = split_key(index.keys[key_id])
    return cpe_words(vendor), cpe_words(product)


def _publisher_agrees(publisher: str, vendor: str) -> bool:
    """The publisher names the CPE vendor: "google" ~ "google", "simon tatham" ~ "simon_tatham"."""
    p, v = compact(publisher), compact(vendor.removesuffix(" project"))
    if not p or not v or len(v) < 2:
        return False
    return p == v or (len(v) >= 4 and (p.startswith(v) or v.startswith(p) and len(p) >= 4))


def _self_named(vendor: str, product: str) -> bool:
    """NVD's convention for projects without a company: vendor = product or product + "_project"."""
    v = compact(vendor)
    return v in (compact(product), compact(product) + "project")


class Identifier:
    """Deterministic identification over one CpeIndex; results are cached per (name, vendor, platform)."""

    def __init__(self, index: CpeIndex) -> None:
        self.index = index
        self._cache: dict[tuple[str, str, str], Identification | Unidentified] = {}

    def identify(self, item: SoftwareItem, platform: Platform) -> Identification | Unidentified:
        if item.cpe:
            return self._agent_cpe(item.cpe)
        cache_key = (item.name, item.vendor, platform.family + platform.scheme)
        found = self._cache.get(cache_key)
        if found is None:
            found = self._identify(item.name, item.vendor, platform)
            self._cache[cache_key] = found
        return found

    def _agent_cpe(self, text: str) -> Identification | Unidentified:
        try:
            cpe = parse_cpe23(text)
        except CpeError as exc:  # validated at the API edge; this guards the CLI
            return Unidentified(f"agent-supplied CPE is invalid: {exc}")
        return Identification(cpe.product_key, "agent_cpe", 1.0, "CPE sent by the agent")

    def _known(self, key: str) -> bool:
        return key in self.index.key_id

    def _identify(self, name: str, publisher: str, platform: Platform) -> Identification | Unidentified:
        aliases = self.index.aliases
        raw = name.strip().lower()
        cleaned = clean_display_name(name)
        for text in (raw, cleaned):
            if text in aliases.never:
                return Unidentified(f"'{name}' is a look-alike, not a product with CVEs: {aliases.never[text]}")
        if platform.packages:
            package = self._package(raw)
            if package is not None:
                return package
        if cleaned in aliases.names and self._known(aliases.names[cleaned][0]):
            key, comment = aliases.names[cleaned]
            return Identification(key, "alias", 1.0, f"alias '{cleaned}': {comment}")
        if not cleaned:
            return Unidentified(f"nothing left of '{name}' after removing versions and architecture notes")
        candidates = self._candidates(cleaned, clean_publisher(publisher))
        if not candidates:
            # Editions and years name a packaging of a product, not another product.
            words = cleaned.split()
            trimmed = [w for w in words if w not in _EDITION_WORDS and not _YEAR.match(w)]
            if trimmed and len(trimmed) < len(words):
                shorter = " ".join(trimmed)
                if shorter in aliases.names and self._known(aliases.names[shorter][0]):
                    key, comment = aliases.names[shorter]
                    return Identification(key, "fuzzy", 0.9, f"alias '{shorter}' after dropping edition words: {comment}")
                candidates = [
                    _Candidate(c.key_id, round(c.score - 0.05, 3), c.evidence + f", after dropping edition words from '{cleaned}'", True)
                    for c in self._candidates(shorter, clean_publisher(publisher))
                ]
        if not candidates:
            return Unidentified(f"no NVD product is named like '{cleaned}'")
        # Highest score first; ties by key text, never by feed or row order.
        candidates.sort(key=lambda c: (-c.score, self.index.keys[c.key_id]))
        best = candidates[0]
        if best.score < THRESHOLD:
            shown = ", ".join(f"{self.index.keys[c.key_id]} ({c.score:.2f})" for c in candidates[:3])
            return Unidentified(f"best candidates for '{cleaned}' are below the {THRESHOLD} threshold: {shown}")
        rivals = [
            c for c in candidates[1:]
            if c.score == best.score and c.key_id not in self.index.equivalents(best.key_id)
        ]
        if rivals:
            shown = ", ".join(self.index.keys[c.key_id] for c in [best, *rivals])
            return Unidentified(f"'{cleaned}' matches several products equally well: {shown}")
        method = "fuzzy" if best.fuzzy or best.score < 0.95 else "exact"
        return Identification(self.index.keys[best.key_id], method, best.score, best.evidence)

    def _package(self, package: str) -> Identification | Unidentified | None:
        aliases = self.index.aliases
        if package in aliases.packages and self._known(aliases.packages[package][0]):
            key, comment = aliases.packages[package]
            return Identification(key, "alias", 1.0, f"package alias '{package}': {comment}")
        if package.endswith(_NO_CODE_SUFFIXES) or package.startswith(_NO_CODE_PREFIXES):
            return Unidentified(f"'{package}' ships documentation or data, no program of its own")
        if package.endswith("-dev"):
            return Unidentified(f"'{package}' ships development headers; the library package carries the findings")
        # Otherwise only a self-named NVD project is evidence enough for a bare package name
        # (openssl:openssl, jq_project:jq): distribution maintainers are not the upstream vendor.
        for name in dict.fromkeys((package, re.sub(r"\d+(\.\d+)*$", "", package).rstrip("-."))):
            for key_id in self.index.by_product.get(compact(name), ()):
                vendor, product = _vendor_words(self.index, key_id)
                # The product must be spelled like the package ("add_user" is not "adduser").
                spelled = unquote(split_key(self.index.keys[key_id])[1]).lower()
                if _self_named(vendor, product) and spelled in (name, name.replace("-", "_")):
                    return Identification(
                        self.index.keys[key_id], "exact", 0.9, f"package '{package}' is the self-named project {self.index.keys[key_id]}"
                    )
        return Unidentified(f"no alias and no self-named NVD project for package '{package}'")

    def _candidates(self, cleaned: str, publisher: str) -> list[_Candidate]:
        index = self.index
        words = cleaned.split()
        scored: dict[int, _Candidate] = {}

        def offer(key_id: int, score: float, evidence: str) -> None:
            if key_id not in scored or scored[key_id].score < score:
                scored[key_id] = _Candidate(key_id, score, evidence)

        # 1. The whole name is a product name.
        for key_id in index.by_product.get(compact(cleaned), ()):
            vendor, product = _vendor_words(index, key_id)
            if _publisher_agrees(publisher, vendor):
                offer(key_id, 0.95, f"product name '{product}' and publisher '{publisher}' names vendor '{vendor}'")
            elif _self_named(vendor, product):
                offer(key_id, 0.9, f"product name '{product}' of the self-named project '{vendor}'")
            else:
                offer(key_id, 0.6, f"product name '{product}', but publisher '{publisher}' does not name vendor '{vendor}'")
        # 2. The name starts with the vendor: "google chrome", "adobe acrobat reader dc".
        for split in range(1, len(words)):
            vendor_part, product_part = " ".join(words[:split]), " ".join(words[split:])
            for key_id in index.by_product.get(compact(product_part), ()):
                vendor, product = _vendor_words(index, key_id)
                if compact(vendor) == compact(vendor_part) or compact(vendor.removesuffix(" project")) == compact(vendor_part):
                    confirmed = _publisher_agrees(publisher, vendor)
                    offer(
                        key_id,
                        1.0 if confirmed else 0.97,
                        f"name '{cleaned}' is vendor '{vendor}' + product '{product}'"
                        + (f", publisher '{publisher}' agrees" if confirmed else ""),
                    )
        # 3. The name is a product's title in the CPE dictionary.
        for key_id in index.by_title.get(cleaned, ()):
            vendor, product = _vendor_words(index, key_id)
            if _publisher_agrees(publisher, vendor) or cleaned.startswith(vendor + " "):
                offer(key_id, 0.9, f"name equals the dictionary title '{cleaned}' of {index.keys[key_id]}")
            else:
                offer(key_id, 0.7, f"name equals the dictionary title '{cleaned}', vendor '{vendor}' unconfirmed")
        return list(scored.values())
