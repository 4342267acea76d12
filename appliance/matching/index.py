"""The in-memory CPE index: products by name, title and vendor, and CVEs by product, built from a bundle."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from itertools import compress, repeat
from operator import ge
from typing import Any

from appliance.matching.aliases import AliasTable
from appliance.matching.bundle import ECOSYSTEMS, BCve, BKev, BRef, Bundle, _named_after, is_date_bound, split_key, version_position
from appliance.matching.normalize import compact, cpe_words
from appliance.matching.references import REGISTRY_KINDS, owner_of
from appliance.versions import GENERIC


# A word that begins this many of a vendor's current products names a product family
# (siemens "simatic", 80; rockwellautomation "factorytalk", 24); session 20.
FAMILY_PRODUCTS = 10


class CpeIndex:
    """Read-only lookups over one bundle; a feed refresh builds a new index and swaps it whole."""

    SEEN_LIMIT = 100_000  # (key, span number) scans kept by cves_that_may_hold; beyond it the cache starts over
    # A vendor filing this many current products or fewer is an author's, a project's or NVD's
    # placeholder name, not a company's (as packages._AUTHOR_PRODUCTS).
    PROJECT_VENDOR_PRODUCTS = 3
    # The languages' package ecosystems among the target_sw values the bundle keeps (not the
    # platforms NVD files plug-ins for): a key filed as one is a package of that registry.
    PACKAGE_ECOSYSTEMS = frozenset(ECOSYSTEMS) - {"wordpress", "jenkins"}
    ENDING = 4  # digits of product names' endings kept in product_endings

    def __init__(self, bundle: Bundle, aliases: AliasTable) -> None:
        self.bundle = bundle
        self.aliases = aliases
        self.keys = bundle.keys
        self.key_id = {key: index for index, key in enumerate(bundle.keys)}
        self.cves = bundle.cves
        self.spans = bundle.spans
        self.exact = bundle.exact
        # Sort keys of every bound and exact version the criteria write (format 7), read once
        # here (about 3 microseconds each) rather than by the first reports that compare with
        # them; unreadable ones are left out (evaluation reads those itself, and finds None).
        self.version_keys: dict[str, tuple] = {}
        for text in bundle.versions:
            key = GENERIC.key(text)
            if key is not None:
                self.version_keys[text] = key
        # ... and which of them are calendar dates (compared only with versions that begin with a year).
        self.dated_versions = frozenset(filter(is_date_bound, bundle.versions))
        self.kev: dict[str, BKev] = {entry.cve: entry for entry in bundle.kev}
        self.titles: dict[int, str] = {}
        # Vendor and product of each current key as words, computed once here (identification
        # needs them for every candidate it weighs).
        self._words: dict[int, tuple[str, str]] = {}
        self._equivalents: dict[int, tuple[int, ...]] = {}
        self._spans_seen: dict[tuple[int, int], tuple[int, ...]] = {}
        self.renamed: dict[int, int] = {}
        # Only current dictionary products are offered for identification by name.
        self.current: set[int] = set()
        by_product: dict[str, list[int]] = defaultdict(list)
        by_title: dict[str, list[int]] = defaultdict(list)
        by_vendor: dict[str, list[int]] = defaultdict(list)
        # Products of two words or more by their first word ("git" -> git_large_file_storage,
        # git_for_windows, ...): package rules look for a project's add-ons and parts by name.
        by_first_word: dict[str, list[int]] = defaultdict(list)
        # ... and by their words but the last, run together ("gitkraken desktop" under
        # "gitkraken"): a name with a kind of program after it, looked up once, not once per kind.
        by_head: dict[str, list[int]] = defaultdict(list)
        # How many current products use each word in their name ("pipeline": 29, "netcdf": 1):
        # a word many products use is a plain word, too weak alone for a product without CVEs.
        word_uses: Counter[str] = Counter()
        # How many current products each vendor spelling files ("trendmicro" 114, "trend_micro" 53):
        # of one organisation's spellings, the one NVD uses for most of its products.
        spelled: Counter[str] = Counter()
        for product in bundle.products:
            if product.renamed_to >= 0:
                self.renamed[product.key] = product.renamed_to
            if product.title:
                self.titles[product.key] = product.title
            if not product.current:
                continue
            self.current.add(product.key)
            vendor, name = split_key(bundle.keys[product.key])
            words = self._words[product.key] = (cpe_words(vendor), cpe_words(name))
            by_product[compact(words[1])].append(product.key)
            word_uses.update(set(words[1].replace("-", " ").split()))
            first, space, _ = words[1].partition(" ")
            if space:
                by_first_word[first].append(product.key)
                by_head[compact(words[1].rpartition(" ")[0])].append(product.key)
            by_vendor[compact(words[0])].append(product.key)
            spelled[vendor] += 1
            if product.title:
                by_title[product.title].append(product.key)
        # Lists are in key order (keys are sorted), so candidates never depend on feed order.
        self.by_product = {name: tuple(sorted(ids)) for name, ids in by_product.items()}
        self.by_title = {title: tuple(sorted(ids)) for title, ids in by_title.items()}
        self.by_vendor = {vendor: tuple(sorted(ids)) for vendor, ids in by_vendor.items()}
        self.spelled = dict(spelled)
        self.by_first_word = {word: tuple(sorted(ids)) for word, ids in by_first_word.items()}
        self.by_head = {head: tuple(sorted(ids)) for head, ids in by_head.items()}
        # Session 20: per vendor (run together), the words that begin at least FAMILY_PRODUCTS
        # of its current products, most used first (siemens: "simatic" 80, "scalance" 24): a
        # product family's name, which display names drop ("WinCC OA" is
        # siemens:simatic_wincc_oa). From the big first-word groups only (0.02 s at full scale).
        families: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for first, ids in self.by_first_word.items():
            if len(ids) >= FAMILY_PRODUCTS and first.isalpha():
                for vendor, count in Counter(compact(self._words[k][0]) for k in ids).items():
                    if count >= FAMILY_PRODUCTS and vendor != first:
                        families[vendor].append((-count, first))
        self.families = {vendor: tuple(w for _, w in sorted(words)) for vendor, words in families.items()}
        # The last one to ENDING digits of every product name run together that ends in digits
        # ("308" of "dgs308"), and of every by_head name: a name whose last word is a number
        # that ends in none of them names no product (no head) by any run of its words up to
        # that number, and identification skips those lookups ("Zoom 303": no product name
        # ends in "303"). Built here once per feed (0.03 s at full scale).
        self.product_endings = _number_endings(self.by_product, self.ENDING)
        self.head_endings = _number_endings(self.by_head, self.ENDING)
        self.word_uses = dict(word_uses)
        cves_by_key: dict[int, list[int]] = defaultdict(list)
        for position, cve in enumerate(bundle.cves):
            for product in cve.products:
                cves_by_key[product].append(position)
        self.cves_by_key = {key: tuple(positions) for key, positions in cves_by_key.items()}
        # Mined product groups (bundle.mine_groups): every key of a group maps to the whole group.
        self.group: dict[int, tuple[int, ...]] = {kid: group for group in bundle.groups for kid in group}
        # Mined names (KEV spellings) -> key indices.
        by_name: dict[str, list[int]] = defaultdict(list)
        # Abbreviations the dictionary's titles give one product each ("tbb"; bundle.title_abbreviation):
        # package names are read by them, display names are not.
        self.abbreviations: dict[str, int] = {}
        for name in bundle.names:
            if name.source == "abbreviation":
                self.abbreviations[name.text] = name.key
            else:
                by_name[name.text].append(name.key)
        self.by_name = {text: tuple(sorted(set(ids))) for text, ids in by_name.items()}
        # Mined reference names (bundle.mine_references) by kind and name run together
        # ("pypi", "b2sdk"); rows in bundle order (kind, name, key), so never feed order.
        by_reference: dict[tuple[str, str], list[BRef]] = defaultdict(list)
        # Which registries' package pages name each key (pypi.org, npmjs.com, crates.io...): a
        # product with a page on one registry is a package of that ecosystem.
        registries: dict[int, set[str]] = defaultdict(set)
        for kind, rows in bundle.references.items():
            for row in rows:
                by_reference[(kind, compact(row.name))].append(row)
                if kind in REGISTRY_KINDS:
                    registries[row.key].add(kind)
        self.registries = {key: frozenset(kinds) for key, kinds in registries.items()}
        self._by_reference = {found: tuple(rows) for found, rows in by_reference.items()}
        self.ecosystem: dict[int, str] = {}
        for ecosystem, kids in sorted(bundle.ecosystems.items()):
            for kid in kids:
                self.ecosystem.setdefault(kid, ecosystem)
        # Keys whose CVE descriptions name an ecosystem ("written in Python"; bundle.mine_described).
        self.described: dict[int, str] = {}
        for ecosystem, kids in sorted(bundle.described.items()):
            for kid in kids:
                self.described.setdefault(kid, ecosystem)
        # Pairs of vendor names that are one organisation (session 20; before the projects, which read them),
        # and the platforms NVD files plug-ins for, by vendor name run together (jenkins, wordpress).
        self._hosts = frozenset(compact(host) for host in set(ECOSYSTEMS) - self.PACKAGE_ECOSYSTEMS)
        self.sibling_names, self.siblings = self._sibling_vendors()
        self._sibling_vendors_set = frozenset(v for pair in self.siblings for v in pair)
        # (After the ecosystems and references: telling one project from namesakes reads them.)
        self.projects = self._project_names()
        # Each vendor's products by the names marketing shortens them to (Logic Pro for
        # apple:logic_pro_x), for identification: built here once per feed (0.2 to 0.5 s at full
        # scale), not by the first report that asks about a vendor. (Imported here:
        # display_names, which owns the words it leaves off, imports this module.)
        from appliance.matching.display_names import shortened_names, vendor_apps

        self.shortened: dict[str, tuple[int, ...]] = shortened_names(self)
        # Two small tables identification asks for in every report, built here once per feed
        # rather than by the first report: the ecosystems' target software (the platforms NVD
        # files plug-ins for: jenkins, wordpress) and each vendor's generic program (figma:desktop).
        self.plugin_hosts: frozenset[str] = frozenset(self.ecosystem.values())
        self.vendor_apps: dict[str, tuple[int, ...]] = vendor_apps(self)
        self.line_starts = self._line_starts()

    def _line_starts(self) -> dict[str, tuple[int, ...]]:
        """For each vendor run together of six letters or more that names products after the end
        of its own name (realvnc: vnc_viewer, vnc_server), where in the vendor's name those
        product names begin ("realvnc": 4); built once per index (0.05 s at full scale). Display
        names beginning with a vendor's name are looked up only there (DisplayNames._weigh, step
        2a), not letter by letter: most such vendors ("microsoft", "mozilla") have none."""
        table: dict[str, tuple[int, ...]] = {}
        words = self._words
        for vendor, kids in self.by_vendor.items():  # current products only
            if len(vendor) < 6:
                continue  # (step 2a reads only a first word of six letters or more)
            last, starts = vendor[-1], set()
            for key_id in kids:
                first = words[key_id][1].partition(" ")[0]
                if last in first:  # (else it cannot end the vendor's name run together)
                    first = compact(first)
                    if 3 <= len(first) <= len(vendor) - 2 and vendor.endswith(first):
                        starts.add(len(vendor) - len(first))
            if starts:
                table[vendor] = tuple(sorted(starts))
        return table

    def _sibling_vendors(self) -> tuple[dict[tuple[str, str], tuple[int, int]], dict[tuple[str, str], int]]:
        """Two tables of vendor pairs (vendor names run together, the pair in text order), built
        once per index. ``sibling_names``: for each pair that alone files some product names,
        how many keys of those names each of the two files (display_names' ``_siblings`` reads
        it). ``siblings`` (session 20): the pairs that are one organisation under two names, an
        old and a new company or a renamed or split-off part (macromedia and adobe, ge_fanuc
        and ge, pgadmin and postgresql, f-secure and withsecure): they file at least two names
        together, and a tenth of the smaller vendor's products, where a name counts when no
        other vendor files it or every other vendor filing it is already such a sibling of one
        of the two (digium and sangoma file asterisk and certified_asterisk beside
        asterisk:asterisk, the placeholder that shares three other names with digium alone).
        Competitors share generic names with third vendors (kaspersky and bitdefender:
        antivirus, internet_security), too few of theirs."""
        vendor_of = self._vendor_of = {k: vendor for vendor, kids in self.by_vendor.items() for k in kids}
        filers: dict[int, dict[str, int]] = {}
        for kids in self.by_product.values():
            if len(kids) > 1:
                counts: Counter[str] = Counter(map(vendor_of.__getitem__, kids))
                if len(counts) > 1:
                    filers[kids[0]] = counts  # (keyed by a key of the name: the names are not needed)
        names: dict[tuple[str, str], tuple[int, int]] = {}
        for counts in filers.values():
            if len(counts) == 2:
                (a, na), (b, nb) = sorted(counts.items())
                known = names.get((a, b), (0, 0))
                names[(a, b)] = (known[0] + na, known[1] + nb)
        size = {v: len(self.by_vendor.get(v, ())) for pair in names for v in pair}

        def enough(pair: tuple[str, str], shared: int) -> bool:
            return shared >= 2 and 10 * shared >= min(size.get(pair[0], 0), size.get(pair[1], 0))

        first = {pair for pair, (na, nb) in names.items()
                 if enough(pair, na if size[pair[0]] <= size[pair[1]] else nb)}
        in_first = {v for pair in first for v in pair}
        shared: Counter[tuple[str, str]] = Counter()
        for counts in filers.values():
            if len(counts) == 2:
                shared[tuple(sorted(counts))] += 1  # type: ignore[index]
                continue
            # Every vendor but the two must be a sibling already: at most two outside ``first``.
            if sum(v not in in_first for v in counts) > 2:
                continue
            vendors = sorted(counts)
            for i, a in enumerate(vendors):
                for b in vendors[i + 1:]:
                    if all(tuple(sorted((a, o))) in first or tuple(sorted((b, o))) in first
                           for o in vendors if o != a and o != b):
                        shared[(a, b)] += 1
        for pair in shared:
            size.setdefault(pair[0], len(self.by_vendor.get(pair[0], ())))
            size.setdefault(pair[1], len(self.by_vendor.get(pair[1], ())))
        return names, {pair: n for pair, n in shared.items() if enough(pair, n)}

    def one_organisation(self, kids: tuple[int, ...]) -> bool:
        """Every two vendors of ``kids`` are one organisation under two names (``siblings``)
        and NVD files the keys for one platform (not a Jenkins plug-in, jenkins:coverity, beside
        the product it drives, synopsys:coverity)."""
        named = {self._vendor_of.get(k) or compact(self.words(k)[0]) for k in kids}
        if len(named) < 2 or not self._sibling_vendors_set.issuperset(named) or len({self.ecosystem.get(k, "") for k in kids}) > 1:
            return False
        vendors = sorted(named)
        if not any(c.isalpha() for c in self.words(kids[0])[1]):
            return False  # NVD's vendor and product swapped (siteminder_federation:12.5): a version, no name
        if any(v in self._hosts for v in vendors):
            return False  # a platform's vendor files its plug-ins of others' products (jenkins:code_dx, synopsys:code_dx)
        return all((a, b) in self.siblings for i, a in enumerate(vendors) for b in vendors[i + 1:])

    def _project_names(self) -> dict[int, tuple[int, ...]]:
        """Keys of one product name that are one project under several vendor names, each key
        to all of them (with their mined groups); worked out once per index, from the
        dictionary. A name is one project when no other current product uses any word of it
        (``word_uses``: a word other products use marks namesakes, bindings or front ends,
        python-cjson beside cjson, lz4_java beside lz4), every vendor of it files at most
        ``PROJECT_VENDOR_PRODUCTS`` current products (an author's, a project's or NVD's
        placeholder name; a company's or a distribution's product of a name is as often
        another one: apache:orc beside gstreamer:orc, google:nftables beside netfilter's), and
        at least one vendor is named after it (``dcraw_project`` beside ``dave_coffin``,
        ``ngtcp2`` beside ``tatsuhiro-t``, ``yasm_project`` beside ``tortall``). Session 20:
        so is a name whose vendors are all one organisation under several names
        (``one_organisation``: digium, sangoma and asterisk file asterisk; ge and ge_fanuc
        cimplicity), whatever its words and the vendors' sizes. Keys ``_namesakes`` finds are
        left out (the Node library sharp beside code16's Laravel CMS)."""
        projects: dict[int, tuple[int, ...]] = {}
        # Repository URLs by key, read (owner_of) only for the few names with a package among them.
        urls: dict[int, list[str]] = defaultdict(list)
        for row in self.bundle.references.get("repo", ()):
            urls[row.key].append(row.url)
        for kids in self.by_product.values():
            if len(kids) < 2:
                continue
            words = {w for k in kids for w in self._words[k][1].replace("-", " ").split()}
            if (any(self.word_uses.get(w, 0) > len(kids) for w in words)
                    or any(self.vendor_products(k) > self.PROJECT_VENDOR_PRODUCTS for k in kids)
                    or not any(_named_after(*split_key(self.keys[k])) for k in kids)):
                if not self.one_organisation(kids):
                    continue
            groups = {self.equivalents(k) for k in kids}
            groups -= {self.equivalents(k) for k in self._namesakes(groups, urls)}
            if len(groups) < 2:
                continue
            members = tuple(sorted({k for g in groups for k in g}))
            for k in members:
                projects[k] = members
        return projects

    def _namesakes(self, groups: set[tuple[int, ...]], urls: dict[int, list[str]]) -> set[int]:
        """Of the keys of one product name, those that are another product than a package of
        a language's registry among them: NVD files the package under its ecosystem (target_sw,
        or a registry page), its repository names its owner, and the other key's vendor is
        neither that owner nor named after the product, nor files the same repository, nor a
        package itself (sharp_project:sharp, github.com/lovell/sharp for Node, beside
        code16:sharp, a Laravel CMS; puma:puma, the Ruby server, beside psywerks:puma;
        gibbon_project:gibbon, github.com/amro/gibbon, beside gibbonedu:gibbon, a school
        platform). diygod:rsshub beside rsshub:rsshub (github.com/DIYgod/RSSHub) and
        uppy:uppy beside transloadit:uppy stay one project."""
        is_package = {g: any(self.ecosystem.get(k) in self.PACKAGE_ECOSYSTEMS or k in self.registries for k in g)
                      for g in groups}
        if not any(is_package.values()):
            return set()
        held = {g: {compact(owner) for k in g for url in urls.get(k, ()) if (owner := owner_of(url))} for g in groups}
        packages = [g for g in groups if is_package[g] and held[g]]
        found: set[int] = set()
        for other in groups:
            if is_package[other]:
                continue
            vendors = {split_key(self.keys[k]) for k in other}
            for package in packages:
                if any(_named_after(v, p) or compact(cpe_words(v)) in held[package] for v, p in vendors):
                    continue
                if held[other] & held[package]:
                    continue
                found.update(other)
        return found

    def project_primary(self, key_ids: tuple[int, ...]) -> int:
        """Of one project's vendor names, the key to report: as ``primary`` (most CVEs, the newest
        CVE, the vendor filing the most products), then a vendor named after the product (the
        project's own or NVD's placeholder name rather than its author's: ``yasm_project``, not
        ``tortall``; ``typora``, not ``appmakes.io``), then key order."""
        return min(key_ids, key=lambda k: (-self.cve_count(k), _negated(self.latest(k)), -self.vendor_products(k),
                                           not _named_after(*split_key(self.keys[k])), self.keys[k]))

    def cve_keys(self, key_id: int) -> tuple[int, ...]:
        """The keys CVE evaluation looks under for a product: its ``equivalents`` and, when it is
        one of a project's several vendor names (``projects``), every key of that project."""
        members = self.projects.get(key_id)
        if members is None:
            return self.equivalents(key_id)
        return tuple(sorted({k for m in members for k in self.equivalents(m)}))

    def references(self, kind: str, name: str) -> tuple[BRef, ...]:
        """The mined rows where reference URLs of one kind (``references.KINDS``) give a product
        this name, compared run together ("python-libnmap" ~ Snyk's "PYTHONLIBNMAP")."""
        return self._by_reference.get((kind, compact(name)), ())

    def words(self, key_id: int) -> tuple[str, str]:
        """Vendor and product of a key as words ("acrobat reader dc"), kept once computed."""
        found = self._words.get(key_id)
        if found is None:
            vendor, product = split_key(self.keys[key_id])
            found = self._words[key_id] = (cpe_words(vendor), cpe_words(product))
        return found

    def cve_count(self, key_id: int) -> int:
        return len(self.cves_by_key.get(key_id, ()))

    def latest(self, key_id: int) -> str:
        """Publication date of the key's newest CVE ("" if none): recency, to choose between names."""
        positions = self.cves_by_key.get(key_id, ())
        return self.cves[positions[-1]].published if positions else ""

    def vendor_keys(self, vendor: str) -> tuple[int, ...]:
        """The current products a vendor files, in key order (vendor names compared run together:
        ``by_vendor`` holds current keys only)."""
        return self.by_vendor.get(compact(cpe_words(vendor)), ())

    def vendor_products(self, key_id: int) -> int:
        """How many current products the key's vendor files (vendor names compared run together)."""
        return len(self.by_vendor.get(compact(self.words(key_id)[0]), ()))

    def primary(self, key_ids: tuple[int, ...]) -> int:
        """Of one product's keys, the one NVD uses most: most CVEs, then the newest CVE; with no
        CVE to tell them apart, the key of the vendor that files the most products (NVD's
        established name of the organisation: eclipse:mosquitto, not eclipse_foundation; gnome,
        not the placeholder pango:pango), then (session 19) the vendor spelling NVD files most of
        the organisation's products under (trendmicro:officescan, 114 products, not
        trend_micro:officescan, 53), then key order."""
        if len(key_ids) == 1:
            return key_ids[0]
        return min(key_ids, key=lambda k: (-self.cve_count(k), _negated(self.latest(k)), -self.vendor_products(k),
                                           self.repeats_vendor(k), -self.spelled.get(self.keys[k].split(":", 1)[0], 0),
                                           self.keys[k]))

    def repeats_vendor(self, key_id: int) -> bool:
        """The product's name begins with its vendor's name and goes on (gnu:gnu_screen,
        gitlab:gitlab_runner): of one vendor's two keys of a product, the other (gnu:screen,
        gitlab:runner) is how the product is named."""
        vendor, product = self.words(key_id)
        v = compact(vendor)
        return bool(v) and product.startswith(vendor + " ") and compact(product) != v

    def current_primary(self, key_ids: tuple[int, ...]) -> int:
        """``primary`` of the keys that are current (not deprecated), or of all of them when none is."""
        return self.primary(tuple(k for k in key_ids if k in self.current) or key_ids)

    def equivalents(self, key_id: int) -> tuple[int, ...]:
        """The key and every other key NVD uses for the same product (alias ``same`` lines, renames, mined groups);
        kept once computed (identification and evaluation ask for the same keys many times)."""
        known = self._equivalents.get(key_id)
        if known is not None:
            return known
        found = {key_id}
        for other in self.aliases.same.get(self.keys[key_id], ()):
            if other in self.key_id:
                found.add(self.key_id[other])
        if key_id in self.renamed:
            found.add(self.renamed[key_id])
        found.update(self.group.get(key_id, ()))
        known = self._equivalents[key_id] = tuple(sorted(found))
        return known

    def cves_that_may_hold(self, key_ids: tuple[int, ...], version: str, version_key: Any = None) -> list[BCve]:
        """The CVEs of the keys with a vulnerable criterion that can hold for ``version``: a
        conservative filter on the version's release numbers (bundle ``spans`` and ``exact``), so
        evaluation looks at a few CVEs instead of every CVE of a popular product. Unreadable
        versions get all of them. ``version_key``: the version's generic sort key when the caller
        has it (evaluation does), which version_position would read again."""
        position = version_position(version, version_key)
        if position is None or not self.spans:
            return self.cves_for(key_ids)
        wanted, hashed = position
        positions: set[int] = set()
        for key_id in key_ids:
            positions.update(self._spanning(key_id, wanted))
            data = self.exact[key_id] if key_id < len(self.exact) else b""
            if data:
                # The pairs with this hash are one run of the sorted hashes: its positions in one slice.
                pairs = memoryview(data).cast("q")
                hashes = pairs[0::2]
                first = bisect_left(hashes, hashed)
                if first < len(hashes) and hashes[first] == hashed:
                    positions.update(pairs[2 * first + 1:2 * bisect_right(hashes, hashed, first):2])
        cves = self.cves
        return [cves[p] for p in sorted(positions)]

    def _spanning(self, key_id: int, wanted: int) -> tuple[int, ...]:
        """Positions of the key's CVEs with a range span that contains the span number ``wanted``;
        kept once found (the versions of one program in an office mostly share their first two
        release numbers, and the scan is linear in the key's CVEs)."""
        found = self._spans_seen.get((key_id, wanted))
        if found is None:
            data = self.spans[key_id] if key_id < len(self.spans) else b""
            if not data:
                return ()
            if len(self._spans_seen) > self.SEEN_LIMIT:
                self._spans_seen.clear()
            rows = memoryview(data).cast("q")
            # Rows (highest, lowest, position) from the first whose highest reaches ``wanted``:
            # the positions of those whose lowest is at most ``wanted``.
            start = 3 * bisect_left(rows[0::3], wanted)
            # (operator.ge over repeat(wanted): a C function call per row, not a method wrapper's.)
            found = self._spans_seen[(key_id, wanted)] = tuple(compress(rows[start + 2::3], map(ge, repeat(wanted), rows[start + 1::3])))
        return found

    def cves_for(self, key_ids: tuple[int, ...]) -> list[BCve]:
        positions = sorted({p for key_id in key_ids for p in self.cves_by_key.get(key_id, ())})
        return [self.cves[p] for p in positions]


def _number_endings(names: dict[str, Any], size: int) -> frozenset[str]:
    """The last one to ``size`` characters of each name that are digits (CpeIndex.product_endings)."""
    found: set[str] = set()
    for name in [name for name in names if name[-1:].isdigit()]:  # (the few names that end in a digit)
        for n in range(1, min(len(name), size) + 1):
            end = name[-n:]
            if not end.isdigit():
                break
            found.add(end)
    return frozenset(found)


def _negated(date: str) -> tuple[int, ...]:
    """A sort key that puts later ISO dates first."""
    return tuple(-ord(c) for c in date)
