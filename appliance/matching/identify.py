"""Identification: which NVD product (CPE vendor:product) a reported item is, with method, score and reason."""

from __future__ import annotations

import re

from appliance.cpe import CpeError, parse_cpe23, unquote
from appliance.matching.base import SOURCES, Candidate as _Candidate, Identification, SoftwareItem, Unidentified
from appliance.matching.bundle import _named_after
from appliance.matching.index import CpeIndex, split_key
from appliance.matching.normalize import (
    app_name, brew_name, bundle_vendor, clean_display_name, clean_publisher, compact, main_part, pypi_name,
)
from appliance.matching.packages import PackageRules
from appliance.matching.platform import Platform

# Below this score an item stays unmatched: a wrong product is worse than none.
THRESHOLD = 0.85

# Words that name an edition or packaging of a product, not a different product:
# "Microsoft Office Professional Plus 2019" is Office.
_EDITION_WORDS = {
    "professional", "pro", "plus", "standard", "enterprise", "home", "business", "community", "ultimate", "premium",
    "client", "desktop", "app", "stable", "lts", "free", "mui", "ce", "runtime",
}
_NUMBER = re.compile(r"^\d+$")
# Debian Policy 5.6.7: package names are lower case letters, digits and + - . (rpm and apk
# allow "_" too). Anything else on a Linux host is a display name (a desktop app, say).
_PACKAGE_NAME = re.compile(r"^[a-z0-9][a-z0-9.+_-]*$")
_YEAR = re.compile(r"^(19|20)\d\d(-(19|20)\d\d)?$")
# Products some vendors file as the vendor's only desktop program ("Figma" is figma:desktop).
_VENDOR_APP_PRODUCTS = ("desktop", "desktop_app", "desktop_client", "client", "app")
# Vendors NVD uses for the package ecosystems themselves (python:urllib3, npmjs:semver).
_ECOSYSTEM_VENDORS = {"pip": ("python", "pypa", "python_software_foundation", "pypi"), "npm": ("npmjs", "nodejs", "npm", "openjsf")}
_TARGET_SW = {"pip": "python", "npm": "node.js"}


def _vendor_words(index: CpeIndex, key_id: int) -> tuple[str, str]:
    return index.words(key_id)


def source_of(item: SoftwareItem, platform: Platform) -> str:
    """The item's inventory source: the agent's hint when it sent one, else what the host and the name imply."""
    if item.source in SOURCES:
        return item.source
    name = item.name.strip()
    if platform.family == "macos":
        if name.lower().endswith(".app") or item.bundle_id:
            return "macos_app"
        # osquery's homebrew_packages rows: lower-case formula names, no publisher.
        return "homebrew" if not item.vendor and _PACKAGE_NAME.match(name.replace("@", "")) else "macos_app"
    if platform.packages:
        return platform.scheme if _PACKAGE_NAME.match(name.lower()) else "other"
    if platform.family == "windows":
        return "windows_program"
    return "other"


def _publisher_agrees(publisher: str, vendor: str) -> bool:
    """The publisher names the CPE vendor: "google" ~ "google", "simon tatham" ~ "simon_tatham"."""
    p, v = compact(publisher), compact(vendor.removesuffix(" project"))
    if not p or not v or len(v) < 2:
        return False
    return p == v or (len(v) >= 4 and (p.startswith(v) or v.startswith(p) and len(p) >= 4))


def _spelled(product: str, text: str) -> float:
    """A small bonus when the words match as written, not only run together: of microsoft:asp.net_core
    and microsoft:aspnetcore, "asp.net core" is the first. Breaks such ties by evidence, not by name."""
    return 0.01 if product == text else 0.0


def _self_named(vendor: str, product: str) -> bool:
    """The project is its own vendor (wireshark:wireshark, 7-zip:7-zip)."""
    return compact(vendor) == compact(product)


class Identifier:
    """Deterministic identification over one CpeIndex; results are cached per (name, vendor, platform)."""

    def __init__(self, index: CpeIndex) -> None:
        self.index = index
        self._cache: dict[tuple[str, str, str, str, str], Identification | Unidentified] = {}
        self._candidate_cache: dict[tuple[str, str], list[_Candidate]] = {}
        self.packages = PackageRules(self)

    def identify(self, item: SoftwareItem, platform: Platform) -> Identification | Unidentified:
        if item.cpe:
            return self._agent_cpe(item.cpe)
        cache_key = (item.name, item.vendor, platform.family + platform.scheme, item.source, item.bundle_id)
        found = self._cache.get(cache_key)
        if found is None:
            found = self._by_source(item, platform)
            self._cache[cache_key] = found
        return found

    def _by_source(self, item: SoftwareItem, platform: Platform) -> Identification | Unidentified:
        """Each inventory source names software its own way; read the name the way its source writes it."""
        source = source_of(item, platform)
        raw = item.name.strip().lower()
        if raw in self.index.aliases.never:
            return Unidentified(f"'{item.name}' is a look-alike, not a product with CVEs: {self.index.aliases.never[raw]}")
        if source in ("pip", "npm"):
            return self._language_package(item.name, source)
        if source == "homebrew":
            formula = brew_name(raw)
            found = self._package(formula, "homebrew")
            if isinstance(found, Identification):
                return found
            # Casks are display names written with hyphens (google-chrome, visual-studio-code).
            named = self._identify(formula.replace("-", " "), item.vendor, platform)
            if isinstance(named, Identification) and (named.method == "alias" or not self.packages.refused_names(formula)):
                return named
            # A formula named exactly like products the package rules could not choose
            # between stays refused (calibre: calibre:calibre or calibre-ebook:calibre).
            return found
        if source == "macos_app":
            name = app_name(item.name)
            vendor = bundle_vendor(item.bundle_id) if item.bundle_id else ""
            if not item.vendor and vendor:
                found = self._identify(name, vendor, platform)
                if isinstance(found, Identification):
                    return Identification(found.key, found.method, found.score,
                                          found.evidence + f" (vendor '{vendor}' from bundle id {item.bundle_id})")
            return self._identify(name, item.vendor, platform)
        if source in ("dpkg", "rpm", "apk") and _PACKAGE_NAME.match(raw):
            found = self._package(raw, source)
            if found is not None:
                return found
        return self._identify(item.name, item.vendor, platform, packages=False)

    def _spelled_like(self, name: str) -> tuple[int, ...]:
        """Current keys whose product is spelled like a package name ("add_user" is not "adduser")."""
        spellings = {name, name.replace("-", "_"), name.replace("_", "-")}
        return tuple(k for k in self.index.by_product.get(compact(name), ())
                     if k in self.index.current and unquote(split_key(self.index.keys[k])[1]).lower() in spellings)

    def _language_package(self, name: str, source: str) -> Identification | Unidentified:
        """A pip or npm package: a product of that name that NVD files as a package of the ecosystem."""
        package = pypi_name(name)
        kids = tuple(k for k in self._spelled_like(package) if self.index.ecosystem.get(k) in (None, _TARGET_SW[source]))
        if not kids:
            return Unidentified(f"no NVD product is named like {source} package '{package}'")
        chosen = self._by_name_alone(kids, package, source)
        if not isinstance(chosen, _Candidate):
            return Unidentified(chosen)
        # A language package shares its name with programs of other kinds (pip "tomcat" is not
        # Apache Tomcat): the product must be filed as a package of the ecosystem, by the
        # ecosystem's vendor, or by a vendor named after it (numpy:numpy, qs_project:qs).
        group = self.index.equivalents(chosen.key_id)
        if not any(self.index.ecosystem.get(k) == _TARGET_SW[source] or split_key(self.index.keys[k])[0] in _ECOSYSTEM_VENDORS[source]
                   or _named_after(*split_key(self.index.keys[k])) for k in group):
            return Unidentified(f"{source} package '{package}' is named like {self.index.keys[chosen.key_id]}, which NVD does not file as a {source} package")
        return Identification(self.index.keys[chosen.key_id], "exact", chosen.score, chosen.evidence)

    def _by_name_alone(self, kids: tuple[int, ...], what: str, source: str = "") -> _Candidate | str:
        """One product among keys of one product name when no publisher speaks, or why there is none.

        Keys of one mined group are one product. Of several products, one is chosen when the
        data singles it out: NVD files it as a package of the item's ecosystem, it has at least
        twice the CVEs of every other, or it is the only one whose vendor is named after it.
        """
        index = self.index
        products: dict[tuple[int, ...], None] = {}
        for kid in kids:
            products[index.equivalents(kid)] = None
        options = list(products)

        def pick(group: tuple[int, ...], score: float, why: str) -> _Candidate:
            primary = index.primary(tuple(k for k in group if k in index.current) or group)
            names = f"; NVD names it {', '.join(index.keys[k] for k in group)}" if len(group) > 1 else ""
            return _Candidate(primary, score, why + names)

        if len(options) == 1:
            return pick(options[0], 0.9, f"'{what}' names exactly one NVD product")
        if source in _TARGET_SW:
            ours = [g for g in options if any(index.ecosystem.get(k) == _TARGET_SW[source] for k in g)]
            if len(ours) == 1:
                return pick(ours[0], 0.88, f"of the products named '{what}', NVD files only this one as a {source} package")
        counts = sorted(((sum(index.cve_count(k) for k in g), g) for g in options), key=lambda c: (-c[0], c[1]))
        if counts[0][0] >= 2 and counts[0][0] >= 2 * counts[1][0]:
            return pick(counts[0][1], 0.87, f"of the products named '{what}', this one has {counts[0][0]} CVEs, the next {counts[1][0]}")
        named = [c for c in counts if any(_named_after(*split_key(index.keys[k])) for k in c[1])]
        if len(named) == 1 and named[0][0] >= 1:
            return pick(named[0][1], 0.86, f"of the products named '{what}', only this one's vendor is named after it")
        if source in _ECOSYSTEM_VENDORS:
            ours = [g for g in options if any(split_key(index.keys[k])[0] in _ECOSYSTEM_VENDORS[source] for k in g)]
            if len(ours) == 1:
                return pick(ours[0], 0.86, f"of the products named '{what}', only this one's vendor is the {source} ecosystem")
        shown = ", ".join(f"{index.keys[index.primary(g)]} ({c} CVEs)" for c, g in counts[:5])
        return f"'{what}' names several NVD products and nothing says which: {shown}"

    def _agent_cpe(self, text: str) -> Identification | Unidentified:
        try:
            cpe = parse_cpe23(text)
        except CpeError as exc:  # validated at the API edge; this guards the CLI
            return Unidentified(f"agent-supplied CPE is invalid: {exc}")
        return Identification(cpe.product_key, "agent_cpe", 1.0, "CPE sent by the agent")

    def _known(self, key: str) -> bool:
        return key in self.index.key_id

    def _identify(self, name: str, publisher: str, platform: Platform, packages: bool = False) -> Identification | Unidentified:
        aliases = self.index.aliases
        raw = name.strip().lower()
        for text in (raw, clean_display_name(name)):
            if text in aliases.never:
                return Unidentified(f"'{name}' is a look-alike, not a product with CVEs: {aliases.never[text]}")
        if packages and platform.packages and _PACKAGE_NAME.match(raw):
            package = self._package(raw, platform.scheme)
            if package is not None:
                return package
        first: Unidentified | None = None
        # The whole name first; then, for "Product - Component" names, the product part.
        for text in filter(None, (name, main_part(name))):
            found = self._from_name(clean_display_name(text), clean_publisher(publisher), platform)
            if isinstance(found, Identification):
                return found
            first = first or found
        return first or Unidentified(f"nothing to identify in '{name}'")

    def _from_name(self, cleaned: str, publisher: str, platform: Platform) -> Identification | Unidentified:
        aliases = self.index.aliases
        if not cleaned:
            return Unidentified("nothing left of the name after removing versions and architecture notes")
        if cleaned in aliases.names and self._known(aliases.names[cleaned][0]):
            key, comment = aliases.names[cleaned]
            return Identification(key, "alias", 1.0, f"alias '{cleaned}': {comment}")
        candidates = self._candidates(cleaned, publisher)
        words = cleaned.split()
        # Editions and years name a packaging of a product, not another product; failing
        # that, a bare number is a release name ("Citrix Workspace 2309").
        for drop in (
            lambda w: w in _EDITION_WORDS or bool(_YEAR.match(w)),
            lambda w: w in _EDITION_WORDS or bool(_NUMBER.match(w)),
        ):
            if candidates:
                break
            trimmed = [w for w in words if not drop(w)]
            if not trimmed or len(trimmed) == len(words):
                continue
            shorter = " ".join(trimmed)
            if shorter in aliases.names and self._known(aliases.names[shorter][0]):
                key, comment = aliases.names[shorter]
                return Identification(key, "fuzzy", 0.9, f"alias '{shorter}' after dropping edition words: {comment}")
            candidates = [
                _Candidate(c.key_id, round(c.score - 0.05, 3), c.evidence + f", after dropping edition words from '{cleaned}'", True)
                for c in self._candidates(shorter, publisher)
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
        key, evidence = self.index.keys[best.key_id], best.evidence
        if platform.family == "macos" and key + "_for_mac" in self.index.key_id:
            # NVD files some vendors' Mac builds as separate products (microsoft:word_for_mac).
            key, evidence = key + "_for_mac", evidence + "; the Mac build is NVD product " + key + "_for_mac"
        method = "fuzzy" if best.fuzzy or best.score < 0.95 else "exact"
        return Identification(key, method, best.score, evidence)

    def _package(self, package: str, platform_scheme: str) -> Identification | Unidentified | None:
        """A distribution package or Homebrew formula name (appliance/matching/packages.py)."""
        return self.packages.identify(package, platform_scheme)

    def _candidates(self, cleaned: str, publisher: str) -> list[_Candidate]:
        """Every product the cleaned name may be, scored (kept per name and publisher: many
        display names clean to the same words)."""
        found = self._candidate_cache.get((cleaned, publisher))
        if found is None:
            found = self._candidate_cache[(cleaned, publisher)] = self._weigh(cleaned, publisher)
        return found

    def _weigh(self, cleaned: str, publisher: str) -> list[_Candidate]:
        index = self.index
        words = cleaned.split()
        scored: dict[int, _Candidate] = {}

        def offer(key_id: int, score: float, evidence: str) -> None:
            if key_id not in scored or scored[key_id].score < score:
                scored[key_id] = _Candidate(key_id, score, evidence)

        # 1. The whole name is a product name.
        named_like = index.by_product.get(compact(cleaned), ())
        for key_id in named_like:
            vendor, product = _vendor_words(index, key_id)
            bonus = _spelled(product, cleaned)
            if _publisher_agrees(publisher, vendor):
                offer(key_id, 0.95 + bonus, f"product name '{product}' and publisher '{publisher}' names vendor '{vendor}'")
            elif _self_named(vendor, product):
                offer(key_id, 0.9 + bonus, f"product name '{product}' of the self-named project '{vendor}'")
            elif publisher and compact(publisher) == compact(product) and len(compact(product)) >= 4:
                # A company named after its product, often its old name (ScreenConnect Software
                # before ConnectWise bought it): the publisher confirms the product, not the vendor.
                offer(key_id, 0.93, f"product name '{product}', and publisher '{publisher}' is named after the product")
            else:
                offer(key_id, 0.6, f"product name '{product}', but publisher '{publisher}' does not name vendor '{vendor}'")
        current = tuple(k for k in named_like if k in index.current)
        if not publisher and current and not any(scored[k].score >= THRESHOLD for k in current):
            chosen = self._by_name_alone(current, cleaned)
            if isinstance(chosen, _Candidate):
                offer(chosen.key_id, chosen.score, chosen.evidence + ", no publisher to say otherwise")
        # 2. The name starts with the vendor: "google chrome", "adobe acrobat reader dc".
        for split in range(1, len(words)):
            vendor_part, product_part = " ".join(words[:split]), " ".join(words[split:])
            for key_id in index.by_product.get(compact(product_part), ()):
                vendor, product = _vendor_words(index, key_id)
                if compact(vendor) == compact(vendor_part) or compact(vendor.removesuffix(" project")) == compact(vendor_part):
                    confirmed = _publisher_agrees(publisher, vendor)
                    offer(
                        key_id,
                        (0.99 if confirmed else 0.96) + _spelled(product, product_part),
                        f"name '{cleaned}' is vendor '{vendor}' + product '{product}'"
                        + (f", publisher '{publisher}' agrees" if confirmed else ""),
                    )
        # 3. The name is the vendor, whose one desktop program NVD names generically (figma:desktop).
        for key_id in index.by_vendor.get(compact(cleaned), ()):
            vendor, product = _vendor_words(index, key_id)
            if split_key(index.keys[key_id])[1] in _VENDOR_APP_PRODUCTS and _publisher_agrees(publisher, vendor):
                offer(key_id, 0.9, f"name and publisher are vendor '{vendor}', whose desktop program is '{product}'")
        # 4. The name is a product's title in the CPE dictionary.
        for key_id in index.by_title.get(cleaned, ()):
            vendor, product = _vendor_words(index, key_id)
            if compact(cleaned) == compact(vendor):
                continue  # a title that is only the vendor's name says nothing about the product
            if _publisher_agrees(publisher, vendor) or cleaned.startswith(vendor + " "):
                offer(key_id, 0.9, f"name equals the dictionary title '{cleaned}' of {index.keys[key_id]}")
            else:
                offer(key_id, 0.7, f"name equals the dictionary title '{cleaned}', vendor '{vendor}' unconfirmed")
        # 5. The name is how CISA's KEV catalog names a product (mined into the bundle).
        for key_id in index.by_name.get(cleaned, ()):
            vendor, product = _vendor_words(index, key_id)
            if _publisher_agrees(publisher, vendor) or cleaned.startswith(vendor + " "):
                offer(key_id, 0.95, f"KEV names {index.keys[key_id]} '{cleaned}', publisher or name gives vendor '{vendor}'")
            elif not publisher:
                offer(key_id, 0.88, f"KEV names {index.keys[key_id]} '{cleaned}', no publisher to say otherwise")
            else:
                offer(key_id, 0.7, f"KEV names {index.keys[key_id]} '{cleaned}', vendor '{vendor}' unconfirmed")
        return list(scored.values())
