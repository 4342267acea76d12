"""The in-memory CPE index: products by name, title and vendor, and CVEs by product, built from a bundle."""

from __future__ import annotations

from collections import defaultdict

from appliance.matching.aliases import AliasTable
from appliance.matching.bundle import BCve, BKev, Bundle
from appliance.matching.normalize import compact, cpe_words


class CpeIndex:
    """Read-only lookups over one bundle; a feed refresh builds a new index and swaps it whole."""

    def __init__(self, bundle: Bundle, aliases: AliasTable) -> None:
        self.bundle = bundle
        self.aliases = aliases
        self.keys = bundle.keys
        self.key_id = {key: index for index, key in enumerate(bundle.keys)}
        self.cves = bundle.cves
        self.kev: dict[str, BKev] = {entry.cve: entry for entry in bundle.kev}
        self.titles: dict[int, str] = {}
        self.renamed: dict[int, int] = {}
        # Only current dictionary products are offered for identification by name.
        self.current: set[int] = set()
        by_product: dict[str, list[int]] = defaultdict(list)
        by_title: dict[str, list[int]] = defaultdict(list)
        by_vendor: dict[str, list[int]] = defaultdict(list)
        for product in bundle.products:
            if product.renamed_to >= 0:
                self.renamed[product.key] = product.renamed_to
            if product.title:
                self.titles[product.key] = product.title
            if not product.current:
                continue
            self.current.add(product.key)
            vendor, name = split_key(bundle.keys[product.key])
            by_product[compact(cpe_words(name))].append(product.key)
            by_vendor[compact(cpe_words(vendor))].append(product.key)
            if product.title:
                by_title[product.title].append(product.key)
        # Lists are in key order (keys are sorted), so candidates never depend on feed order.
        self.by_product = {name: tuple(sorted(ids)) for name, ids in by_product.items()}
        self.by_title = {title: tuple(sorted(ids)) for title, ids in by_title.items()}
        self.by_vendor = {vendor: tuple(sorted(ids)) for vendor, ids in by_vendor.items()}
        cves_by_key: dict[int, list[int]] = defaultdict(list)
        for position, cve in enumerate(bundle.cves):
            for product in cve.products:
                cves_by_key[product].append(position)
        self.cves_by_key = {key: tuple(positions) for key, positions in cves_by_key.items()}

    def equivalents(self, key_id: int) -> tuple[int, ...]:
        """The key and every other key NVD uses for the same product (alias ``same`` lines, renames)."""
        found = {key_id}
        for other in self.aliases.same.get(self.keys[key_id], ()):
            if other in self.key_id:
                found.add(self.key_id[other])
        if key_id in self.renamed:
            found.add(self.renamed[key_id])
        return tuple(sorted(found))

    def cves_for(self, key_ids: tuple[int, ...]) -> list[BCve]:
        positions = sorted({p for key_id in key_ids for p in self.cves_by_key.get(key_id, ())})
        return [self.cves[p] for p in positions]


def split_key(key: str) -> tuple[str, str]:
    """``vendor:product`` -> (vendor, product); a quoted colon (``1c:1c\\:enterprise``) stays in the product."""
    position = 0
    while True:
        position = key.index(":", position)
        if position == 0 or key[position - 1] != "\\":
            return key[:position], key[position + 1 :]
        position += 1
