#!/usr/bin/env python3
"""Whether mined evidence can choose among the candidates a refusal names, measured by leaving sets out.

Usage: .venv/bin/python scripts/study_choose.py FEED_DIR [FILES...] [--cache ROWS.json] [--rules] [--no-interactions]

Reads the labelled files of tests/matching (their items, expected keys and "NVD alias" notes),
matches every item with the current code, keeps the refusals of the templates that name
candidates ("named like K, which NVD does not file as a pip package", "names several NVD products
and nothing says which", "may be part Q of K, but Q alone is not evidence enough", "best
candidates ... below the 0.85 threshold", "named like K, none with a CVE in the feed"), describes
every candidate by evidence that is no name's identity (CVE counts and shares, ecosystem
target_sw, registry pages, reference URLs, vendor forms, KEV, titles, word uses, the item's
version against the key's known versions) and fits a small logistic model by leaving whole
sets out: without sets 33-38 scored on 33-38, 5 folds by set, and even/odd set halves. It prints
the precision and coverage of the accepted items at the thresholds that keep precision at 0.95
and 0.97 on the training folds, and the per-template, per-source counts.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from score_identification import ALIAS_NOTE, software_item, source_of  # noqa: E402

TEMPLATES = (
    ("not_filed", "which NVD does not file"),
    ("several", "nothing says which"),
    ("part", "alone is not evidence enough"),
    ("threshold", "are below the"),
    ("no_cve", "none with a CVE in the feed"),
)
ECOSYSTEM = {"pip": "python", "npm": "node.js"}
REGISTRY = {"pip": "pypi", "npm": "npm"}
GROUPS = {"pip": "pip", "npm": "npm", "dpkg": "pkg", "rpm": "pkg", "apk": "pkg", "homebrew": "homebrew",
          "windows_program": "desktop", "macos_app": "desktop"}
_KEY_TOKEN = re.compile(r"[^\s,()'\";]+:[^\s,()'\";]+")


def set_of(path: str) -> str:
    name = Path(path).name
    if name.startswith("labelled"):
        return "L"
    if name.startswith("dev2"):
        return "D"
    number = re.search(r"heldout(\d*)_", name).group(1)
    return number or "H"


def half_of(set_name: str) -> str:
    """Even: dev2, 2, 4 ...; odd: labelled, heldout, 3, 5 ... (as the earlier sessions split them)."""
    if set_name == "D":
        return "even"
    if set_name in ("L", "H"):
        return "odd"
    return "even" if int(set_name) % 2 == 0 else "odd"


def template_of(reason: str) -> str | None:
    first = reason.split(";")[0]
    for name, words in TEMPLATES:
        if words in first:
            return name
    return None


def candidates_in(reason: str, index) -> list[int]:
    found: list[int] = []
    for token in _KEY_TOKEN.findall(reason):
        token = token.rstrip(":.")
        kid = index.key_id.get(token)
        if kid is not None and kid not in found:
            found.append(kid)
    return found


def _holds(index, kid: int, version: str) -> bool:
    """Some CVE criterion of the key can hold for the version (bundle spans and exact versions)."""
    try:
        return bool(index.cves_that_may_hold((kid,), version))
    except Exception:  # a version the generic scheme cannot read
        return False


def features(index, item: dict, source: str, template: str, kid: int, kids: list[int]) -> dict[str, float]:
    vendor, product = index.words(kid)
    v, p = vendor.replace(" ", ""), product.replace(" ", "")
    name = re.sub(r"[^a-z0-9]", "", item["name"].lower())
    cves = {k: index.cve_count(k) for k in kids}
    total = sum(cves.values())
    eco = ECOSYSTEM.get(source)
    key_eco = index.ecosystem.get(kid)
    described = index.described.get(kid)
    registries = index.registries.get(kid, frozenset())
    kev = any(index.cves[pos].id in index.kev for pos in index.cves_by_key.get(kid, ()))
    namesakes = len(index.by_product.get(p, ()))
    uses = max((index.word_uses.get(w, 0) for w in product.replace("-", " ").split()), default=0)
    repo_rows = index.references("repo", item["name"])
    own_vendor = [k for k in index.vendor_keys(vendor) if k != kid]
    vendor_ecos = {index.ecosystem.get(k) or index.described.get(k) for k in own_vendor} - {None}
    vendor_pages = set().union(*(index.registries.get(k, frozenset()) for k in own_vendor)) if own_vendor else set()
    products = [index.vendor_products(k) for k in kids]
    f = {
        f"src_{GROUPS.get(source, 'other')}": 1.0,
        "vendor_eco_same": float((eco is not None and eco in vendor_ecos) or REGISTRY.get(source) in vendor_pages),
        "vendor_eco_other": float(bool(vendor_ecos - {eco}) or bool(vendor_pages - {REGISTRY.get(source)})),
        "most_vendor_products": float(len(kids) > 1 and products.count(max(products)) == 1
                                      and index.vendor_products(kid) == max(products)),
        "fewest_vendor_products": float(len(kids) > 1 and products.count(min(products)) == 1
                                        and index.vendor_products(kid) == min(products)),
        f"tmpl_{template}": 1.0,
        "n_cands": math.log(len(kids)),
        "log_cves": math.log1p(cves[kid]),
        "has_cves": float(cves[kid] > 0),
        "cve_share": cves[kid] / total if total else 0.0,
        "only_with_cves": float(cves[kid] > 0 and cves[kid] == total),
        "others_have_cves": float(total - cves[kid] > 0),
        "newest_2022": float(index.latest(kid)[:4] >= "2022"),
        "eco_same": float(eco is not None and key_eco == eco),
        "eco_other": float(key_eco is not None and key_eco != eco),
        "described_same": float(eco is not None and described == eco),
        "described_other": float(described is not None and described != eco),
        "registry_same": float(REGISTRY.get(source) in registries),
        "registry_other": float(bool(registries - {REGISTRY.get(source)})),
        "repo_names_key": float(any(row.key == kid for row in repo_rows)),
        "repo_names_other": float(any(row.key != kid for row in repo_rows)),
        "vendor_is_product": float(v == p),
        "vendor_project": float(vendor.endswith(" project") or v == p + "project"),
        "vendor_dash": float("-" in index.keys[kid].split(":", 1)[0]),
        "vendor_dot": float("." in index.keys[kid].split(":", 1)[0]),
        "log_vendor_products": math.log1p(index.vendor_products(kid)),
        "title": float(kid in index.titles),
        "kev": float(kev),
        "log_namesakes": math.log1p(namesakes),
        "log_word_uses": math.log1p(uses),
        "exact_name": float(p == name),
        "product_digits": float(any(c.isdigit() for c in p)),
        "product_len": min(len(p), 20) / 20,
        "product_words": min(len(product.split()), 4) / 4,
        "grouped": float(len(index.equivalents(kid)) > 1),
        "version_in_cves": float(cves[kid] > 0 and bool(_holds(index, kid, item.get("version") or ""))),
    }
    # The same evidence may weigh differently per inventory source (a distribution's package
    # and a registry's package of one name): each source group's own copy of the vendor forms.
    group = GROUPS.get(source, "other")
    for name in ("vendor_is_product", "vendor_project", "log_vendor_products", "exact_name", "has_cves",
                 "vendor_eco_same", "vendor_eco_other", "most_vendor_products", "fewest_vendor_products", "title"):
        f[f"{group}*{name}"] = f[name]
    return f


def collect(feed: Path, files: list[str]) -> list[dict]:
    from appliance.matching.engine import FeedMatcher, load_index

    index = load_index(feed, None)
    matcher = FeedMatcher(index)
    rows = []
    for path in files:
        set_name = set_of(path)
        for item in json.load(open(path))["items"]:
            (found,) = matcher.match([software_item(item, True)], item["os"])
            if found.match:
                continue
            template = template_of(found.reason or "")
            if template is None:
                continue
            kids = candidates_in(found.reason, index)
            if not kids:
                continue
            source = source_of(item)
            accepted = [item["expected"], *ALIAS_NOTE.findall(item.get("note", ""))] if item["expected"] else []
            rows.append({
                "set": set_name, "file": Path(path).name, "source": source, "name": item["name"],
                "expected": item["expected"], "template": template, "reason": found.reason,
                "candidates": [
                    {"key": index.keys[k], "right": index.keys[k] in accepted,
                     "f": features(index, item, source, template, k, kids)} for k in kids
                ],
            })
    return rows


# ---- a small logistic model (pure Python) ----

def fit(rows: list[dict], names: list[str], l2: float = 1.0, steps: int = 300, rate: float = 1.0) -> list[float]:
    """Logistic regression by gradient descent with an L2 penalty (features are 0/1 or small)."""
    position = {n: i for i, n in enumerate(names)}
    data = [([(position[n], v) for n, v in c["f"].items() if v and n in position], 1.0 if c["right"] else 0.0)
            for r in rows for c in r["candidates"]]
    w = [0.0] * (len(names) + 1)
    size = len(data) or 1
    for _ in range(steps):
        grad = [0.0] * len(w)
        for x, y in data:
            z = w[-1] + sum(w[i] * v for i, v in x)
            p = 1 / (1 + math.exp(-max(-30, min(30, z))))
            for i, v in x:
                grad[i] += (p - y) * v
            grad[-1] += p - y
        for i in range(len(w)):
            w[i] -= rate * (grad[i] / size + (l2 * w[i] / size if i < len(names) else 0))
    return w


def prob(w: list[float], names: list[str], f: dict[str, float]) -> float:
    z = w[-1] + sum(w[i] * f.get(n, 0.0) for i, n in enumerate(names))
    return 1 / (1 + math.exp(-max(-30, min(30, z))))


def choose(w, names, row) -> tuple[float, bool]:
    """The best candidate's probability, and whether it is the labelled key. A second candidate
    within 0.1 of the best leaves the choice undecided (score 0)."""
    scored = sorted(((prob(w, names, c["f"]), c["right"]) for c in row["candidates"]), reverse=True)
    best, right = scored[0]
    if len(scored) > 1 and scored[1][0] > best - 0.1:
        return 0.0, right
    return best, right


def threshold_for(scores: list[tuple[float, bool]], precision: float) -> float:
    """The lowest threshold at which the accepted items' precision stays >= precision (from the top)."""
    ordered = sorted(scores, key=lambda s: -s[0])
    best, right, taken = 1.01, 0, 0
    for i, (score, ok) in enumerate(ordered):
        taken += 1
        right += ok
        if score <= 0:
            break
        if right / taken >= precision and (i + 1 == len(ordered) or ordered[i + 1][0] < score):
            best = score
    return best


def oof(rows: list[dict], names: list[str], fold_of) -> list[tuple[float, bool, dict]]:
    out = []
    for fold in sorted({fold_of(r) for r in rows}):
        train = [r for r in rows if fold_of(r) != fold]
        w = fit(train, names)
        out.extend((*choose(w, names, r), r) for r in rows if fold_of(r) == fold)
    return out


def report(label: str, scored: list[tuple[float, bool, dict]], threshold: float) -> None:
    taken = [(ok, r) for s, ok, r in scored if s >= threshold]
    right = sum(ok for ok, _ in taken)
    labelled = sum(any(c["right"] for c in r["candidates"]) for _, _, r in scored)
    prec = right / len(taken) if taken else float("nan")
    print(f"  {label}: threshold {threshold:.3f}: accepted {len(taken)} of {len(scored)} refusals, "
          f"right {right}, wrong {len(taken) - right} (precision {prec:.3f}); "
          f"{labelled} refusals name the labelled key")
    by = Counter((r["source"], ok) for ok, r in taken)
    if taken:
        print("    by source:", ", ".join(f"{s} {by[(s, True)]}/{by[(s, True)] + by[(s, False)]}"
                                          for s in sorted({s for s, _ in by})))


def study(rows: list[dict], names: list[str]) -> None:
    print(f"{len(rows)} refusals naming candidates; by template and label:")
    tally = Counter((r["template"], "null" if not r["expected"] else
                     "named" if any(c["right"] for c in r["candidates"]) else "other") for r in rows)
    for t, _ in TEMPLATES:
        print(f"  {t:10s} null {tally[(t, 'null')]:4d}  named {tally[(t, 'named')]:4d}  other {tally[(t, 'other')]:4d}")
    sets = sorted({r["set"] for r in rows}, key=lambda s: (len(s), s))
    five = {s: i % 5 for i, s in enumerate(sets)}
    pooled = oof(rows, names, lambda r: five[r["set"]])
    for target in (0.95, 0.97):
        print(f"\n== target precision {target} ==")
        # 1. Without sets 33-38, scored on 33-38; threshold from the training sets' own 5-fold scores.
        late = {str(n) for n in range(33, 39)}
        train = [r for r in rows if r["set"] not in late]
        test = [r for r in rows if r["set"] in late]
        inner = oof(train, names, lambda r: five[r["set"]])
        t = threshold_for([(s, ok) for s, ok, _ in inner], target)
        w = fit(train, names)
        report("fit without 33-38, scored on 33-38", [(*choose(w, names, r), r) for r in test], t)
        report("  (the same threshold on the training sets' 5-fold scores)", inner, t)
        # 2. Halves: fit on one, threshold from its own 5 folds, scored on the other.
        for a, b in (("even", "odd"), ("odd", "even")):
            ta = [r for r in rows if half_of(r["set"]) == a]
            tb = [r for r in rows if half_of(r["set"]) == b]
            inner = oof(ta, names, lambda r: five[r["set"]])
            t = threshold_for([(s, ok) for s, ok, _ in inner], target)
            w = fit(ta, names)
            report(f"fit on {a}, scored on {b}", [(*choose(w, names, r), r) for r in tb], t)
        # 3. 5 folds by set: the threshold of each fold from the other four folds' own scores.
        out = []
        for fold in range(5):
            train = [r for r in rows if five[r["set"]] != fold]
            inner = oof(train, names, lambda r: (five[r["set"]] + 1) % 5 if five[r["set"]] != fold else -1)
            t = threshold_for([(s, ok) for s, ok, _ in inner], target)
            w = fit(train, names)
            out.extend((s if s >= t else 0.0, ok, r) for s, ok, r in
                       ((*choose(w, names, r), r) for r in rows if five[r["set"]] == fold))
        report("5 folds by set (thresholds per fold)", out, 1e-9)
    print("\nprecision of the pooled 5-fold scores by coverage:")
    ordered = sorted(pooled, key=lambda s: -s[0])
    right = 0
    for i, (s, ok, _) in enumerate(ordered, 1):
        right += ok
        if i in (10, 20, 30, 50, 75, 100, 150, 200, 300):
            print(f"  top {i:3d} (score >= {s:.3f}): precision {right / i:.3f}")
    w = fit(rows, names)
    print("\nweights (all sets):")
    for n, value in sorted(zip(names + ["bias"], w), key=lambda x: -abs(x[1])):
        print(f"  {n:22s} {value:+.2f}")


def rule_search(rows: list[dict], names: list[str], support: int = 10, precision: float = 0.9) -> None:
    """Short rules instead of a model: every conjunction of one or two tests (a feature present
    or absent, plus a few cut-offs) that picks exactly one candidate of a refusal, written from
    one half of the sets (precision >= ``precision`` on >= ``support`` items there) and checked
    on the other half."""
    tests = {}
    for n in names:
        tests[f"{n}"] = (lambda n: lambda f: f.get(n, 0.0) > 0)(n)
        tests[f"not {n}"] = (lambda n: lambda f: f.get(n, 0.0) <= 0)(n)
    tests["product_len>=10"] = lambda f: f.get("product_len", 0) >= 0.5
    tests["namesakes<=1"] = lambda f: f.get("log_namesakes", 9) <= math.log(2) + 1e-9
    tests["word_uses<=2"] = lambda f: f.get("log_word_uses", 9) <= math.log(3) + 1e-9
    tests["vendor_products<=3"] = lambda f: f.get("log_vendor_products", 9) <= math.log(4) + 1e-9

    def score(rule, part):
        taken = right = 0
        for r in part:
            hits = [c for c in r["candidates"] if all(tests[t](c["f"]) for t in rule)]
            if len(hits) == 1:
                taken += 1
                right += hits[0]["right"]
        return taken, right

    keys = sorted(tests)
    for a, b in (("even", "odd"), ("odd", "even")):
        ra = [r for r in rows if half_of(r["set"]) == a]
        rb = [r for r in rows if half_of(r["set"]) == b]
        found = []
        for size in (1, 2):
            for i, first in enumerate(keys):
                rules = [(first,)] if size == 1 else [(first, second) for second in keys[i + 1:]
                                                      if second.removeprefix("not ") != first.removeprefix("not ")]
                for rule in rules:
                    taken, right = score(rule, ra)
                    if taken >= support and right / taken >= precision:
                        found.append((right / taken, taken, rule))
        found.sort(key=lambda x: (-x[0] * x[1], x[2]))
        print(f"\nrules written from the {a} half (precision >= {precision} on >= {support} items): {len(found)}")
        for prec, taken, rule in found[:10]:
            t2, r2 = score(rule, rb)
            print(f"  {' & '.join(rule)}: {a} {prec:.3f} of {taken}; {b} {r2 / t2 if t2 else float('nan'):.3f} of {t2}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("feed", type=Path)
    parser.add_argument("files", nargs="*")
    parser.add_argument("--cache", type=Path, help="rows as JSON: written when missing, read when present")
    parser.add_argument("--templates", default="", help="comma-separated templates to keep (default: all)")
    parser.add_argument("--sources", default="", help="comma-separated sources to keep (default: all)")
    parser.add_argument("--rules", action="store_true", help="search short rules (halves) instead of fitting the model")
    parser.add_argument("--no-interactions", action="store_true",
                        help="leave out the per-source copies (source*feature)")
    args = parser.parse_args()
    files = args.files or sorted(str(p) for p in Path("tests/matching").glob("*_items.json"))
    if args.cache and args.cache.exists():
        rows = json.loads(args.cache.read_text())
    else:
        rows = collect(args.feed, files)
        if args.cache:
            args.cache.write_text(json.dumps(rows))
    if args.templates:
        rows = [r for r in rows if r["template"] in args.templates.split(",")]
    if args.sources:
        rows = [r for r in rows if r["source"] in args.sources.split(",")]
    names = sorted({n for r in rows for c in r["candidates"] for n in c["f"]
                    if not (args.no_interactions and "*" in n)})
    if args.rules:
        rule_search(rows, names)
    else:
        study(rows, names)


if __name__ == "__main__":
    main()
