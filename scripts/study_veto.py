"""Session 21 study: can a small model of generic features veto wrong answers? Fitted and scored leaving whole labelled sets out.

Usage (from a checkout with its venv and a built feed):
    .venv/bin/python scripts/study_veto.py --feed-dir /tmp/feed [--rows /tmp/rows.jsonl] [--rules 2]

Every answered item of tests/matching/*_items.json (labelled, dev2, heldout, heldout2 ...
heldoutN) is a row: the generic features ``features`` computes (the rule that answered, read
from its evidence; the source; how the item's words relate to the key's; whether the publisher
or bundle id agrees; the key's CVE count, newest CVE year, namesakes, vendor size, word
commonness, ecosystem filing), and whether the answer is wrong (neither the expected key nor an
NVD alias its note names, or any answer for an item labelled "no product"). No feature is the
identity of a name, vendor or product. Two learners, both scored on sets they were not fitted on
(fit without sets 33-38 and score 33-38; without 36-38; even/odd; 5 folds by set number mod 5):
a logistic regression (L2, Newton's method, pure Python: a few dozen features need no numeric
library), whose refusal threshold is the lowest probability at which its refusals on the
training sets are still 2 wrong to 1 right; and (``--rules``) conjunctions of 2 or 3 feature
conditions whose training answers are at least 60 % wrong (3 conditions take ~10 minutes).
KEV products are never refused. Result (docs/matching.md, "Session 21: veto"): no.
"""

from __future__ import annotations

import argparse
import glob
import itertools
import json
import math
import re
import sys
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from score_identification import ALIAS_NOTE, software_item  # noqa: E402

from appliance.matching.base import Identification, SoftwareItem  # noqa: E402
from appliance.matching.engine import FeedMatcher, load_index  # noqa: E402
from appliance.matching.identify import source_of  # noqa: E402
from appliance.matching.index import CpeIndex, split_key  # noqa: E402
from appliance.matching.normalize import app_name, brew_name, clean_display_name, clean_publisher, compact, cpe_words  # noqa: E402
from appliance.matching.platform import platform_of  # noqa: E402

# The ecosystem NVD's target_sw gives a language registry's packages (as identify._TARGET_SW).
_TARGET_SW = {"pip": "python", "npm": "node.js"}
_PACKAGE_SOURCES = ("dpkg", "rpm", "apk", "homebrew")
_WORD = re.compile(r"[a-z0-9+#]+")

# Evidence kinds: the rule that produced an answer, read from the words its evidence begins
# with (identify.py, display_names.py and packages.py write them). Generic: they name a rule,
# never a product.
_EVIDENCE_KINDS = (
    ("ev_one_name", re.compile(r"names exactly one NVD product")),
    ("ev_self_named", re.compile(r"self-named project")),
    ("ev_publisher", re.compile(r"publisher '[^']*' (agrees|names vendor|is named after)")),
    ("ev_only_official", re.compile(r"only \S+ is in the official CPE dictionary")),
    ("ev_none_with_cves", re.compile(r"none with CVEs")),
    ("ev_several_vendors", re.compile(r"one project under several vendor names")),
    ("ev_module", re.compile(r"packages (perl|pip|npm|java|ruby|php|go|rust|lua|ocaml|haskell|r) module")),
    ("ev_read_as", re.compile(r"^read as ")),
    ("ev_source_package", re.compile(r"is built from source package")),
    ("ev_edition_dropped", re.compile(r"after dropping")),
)

# Features in the model's order (one weight per name).
FEATURES = (
    "fuzzy", "alias", "reference", *(name for name, _ in _EVIDENCE_KINDS),
    "src_windows", "src_macos", "src_package", "src_language",
    "name_equal", "name_prefix", "name_contained", "name_jaccard", "product_short",
    "vendor_given", "vendor_agrees", "vendor_is_product",
    "no_cves", "log_cves", "cve_age", "shared_name", "log_vendor_products", "product_word_uses",
    "filed_own_ecosystem", "filed_other_ecosystem",
    "language_unfiled", "language_unfiled_with_cves", "language_self_named", "rival_with_more_cves", "old_cves",
)


def _name_of(item: SoftwareItem, source: str) -> str:
    """The item's name as its source writes the product's words."""
    if source == "homebrew":
        return brew_name(item.name).replace("-", " ")
    if source == "macos_app":
        return clean_display_name(app_name(item.name))
    if source in ("pip", "npm", "dpkg", "rpm", "apk"):
        return item.name.strip().lower().rpartition("/")[2]
    return clean_display_name(item.name)


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def _year(date: str) -> int:
    return int(date[:4]) if date[:4].isdigit() else 0


def features(index: CpeIndex, item: SoftwareItem, source: str, found: Identification) -> tuple[float, ...]:
    """The answer's generic features, in FEATURES order: how it was found, how the item's words
    relate to the key's, what the publisher says, and what NVD files under the key. Dictionary
    lookups only (no scan), so cheap per answered item."""
    key_id = index.key_id.get(found.key)
    vendor, product = split_key(found.key)
    vendor_words, product_words = index.words(key_id) if key_id is not None else (cpe_words(vendor), cpe_words(product))
    evidence = found.evidence
    out: dict[str, float] = {
        "fuzzy": float(found.method == "fuzzy"),
        "alias": float(found.method == "alias"),
        "reference": float(found.method == "reference"),
    }
    for name, pattern in _EVIDENCE_KINDS:
        out[name] = float(pattern.search(evidence) is not None)
    out["src_windows"] = float(source in ("windows_program", "other", ""))
    out["src_macos"] = float(source == "macos_app")
    out["src_package"] = float(source in _PACKAGE_SOURCES)
    out["src_language"] = float(source in _TARGET_SW)
    name = _name_of(item, source)
    name_c, product_c, vendor_c = compact(name), compact(product_words), compact(vendor_words)
    out["name_equal"] = float(bool(name_c) and name_c in (product_c, vendor_c + product_c))
    out["name_prefix"] = float(bool(product_c) and not out["name_equal"] and (name_c.startswith(product_c) or product_c.startswith(name_c)))
    out["name_contained"] = float(bool(product_c) and product_c in name_c and not out["name_equal"] and not out["name_prefix"])
    ours, theirs = _words(name), _words(vendor_words + " " + product_words)
    out["name_jaccard"] = len(ours & theirs) / len(ours | theirs) if ours | theirs else 0.0
    out["product_short"] = float(len(product_c) <= 4)
    publisher = compact(clean_publisher(item.vendor)) if item.vendor else ""
    bundle = item.bundle_id.lower().split(".")
    out["vendor_given"] = float(bool(publisher) or len(bundle) > 1)
    out["vendor_agrees"] = float(bool(vendor_c) and (
        (bool(publisher) and (vendor_c in publisher or publisher in vendor_c))
        or (len(bundle) > 1 and compact(bundle[1]) in (vendor_c, product_c))))
    out["vendor_is_product"] = float(vendor_c == product_c)
    group = index.cve_keys(key_id) if key_id is not None else ()
    cves = sum(index.cve_count(k) for k in group)
    out["no_cves"] = float(cves == 0)
    out["log_cves"] = math.log1p(cves)
    newest = max((_year(index.latest(k)) for k in group), default=0)
    out["cve_age"] = min(max(2026 - newest, 0), 10) / 10 if newest else 1.0
    out["shared_name"] = math.log1p(len(index.by_product.get(product_c, ())))
    out["log_vendor_products"] = math.log1p(index.vendor_products(key_id)) if key_id is not None else 0.0
    uses = [index.word_uses.get(w, 0) for w in product_words.replace("-", " ").split()]
    out["product_word_uses"] = math.log1p(min(uses)) if uses else 0.0
    ecosystem = _TARGET_SW.get(source)
    filed = {index.ecosystem.get(k) for k in group} | {index.described.get(k) for k in group}
    registries = set().union(*(index.registries.get(k, frozenset()) for k in group)) if group else set()
    own_registry = {"pip": "pypi", "npm": "npm"}.get(source)
    out["filed_own_ecosystem"] = float(ecosystem is not None and (ecosystem in filed or own_registry in registries))
    out["filed_other_ecosystem"] = float(bool((filed - {None, ecosystem, "wordpress", "jenkins"}) or (registries - {own_registry})))
    # Interactions the brief's examples suggest (a language package answered with a key NVD
    # never files as one; a key whose namesake of another vendor has more CVEs).
    language = out["src_language"] > 0
    out["language_unfiled"] = float(language and not out["filed_own_ecosystem"])
    out["language_unfiled_with_cves"] = float(language and not out["filed_own_ecosystem"] and cves > 0)
    out["language_self_named"] = float(language and (vendor_c == product_c or vendor.endswith("_project")))
    rivals = [k for k in index.by_product.get(product_c, ()) if k not in group]
    out["rival_with_more_cves"] = float(any(index.cve_count(k) > cves for k in rivals))
    out["old_cves"] = float(bool(newest) and newest <= 2016)
    return tuple(out[name] for name in FEATURES)


def probability(model: Model, values: tuple[float, ...]) -> float:
    """The model's probability that the answer is wrong (or the item is no product)."""
    z = model.bias + sum(w * v for w, v in zip(model.weights, values))
    return 1.0 / (1.0 + math.exp(-z)) if z > -60 else 0.0


class Model(NamedTuple):
    """Weights (one per FEATURES name), bias, and the probability of a wrong answer at or above which an answer is refused."""

    weights: list[float]
    bias: float
    threshold: float


# Wanted: among the answers refused, at least this share wrong on the training files (2 wrong to 1 right).
WRONG_SHARE = 2 / 3
L2 = 1.0


def set_number(file: str) -> int:
    """labelled 0, dev2 1, heldout 1, heldoutN N."""
    found = re.search(r"heldout(\d*)_items", file)
    if found:
        return int(found.group(1) or 1)
    return 0 if file.startswith("labelled") else 1


def rows_of(feed: Path, files: list[str]) -> list[dict]:
    matcher = FeedMatcher(load_index(feed, None))
    rows = []
    for path in files:
        name = Path(path).name
        for item in json.loads(Path(path).read_text())["items"]:
            software = software_item(item, True)
            (found,) = matcher.match([software], item["os"])
            accepted = [item["expected"], *ALIAS_NOTE.findall(item.get("note", ""))] if item["expected"] else []
            row = {"file": name, "set": set_number(name), "expected": item["expected"], "answered": False}
            if found.match is not None:
                got = ":".join(re.split(r"(?<!\\):", found.match.cpe)[3:5])
                platform = platform_of(item["os"])
                ident = matcher.identifier.identify(software, platform)
                if isinstance(ident, Identification):
                    source = source_of(software, platform)
                    row.update(answered=True, wrong=got not in accepted, key=ident.key, source=source, name=item["name"],
                               x=features(matcher.index, software, source, ident), kev=_kev(matcher.index, ident.key))
            rows.append(row)
    return rows


def _kev(index, key: str) -> bool:
    key_id = index.key_id.get(key)
    return key_id is not None and any(index.cves[p].id in index.kev for k in index.cve_keys(key_id) for p in index.cves_by_key.get(k, ()))


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (a is small and positive definite)."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(col + 1, n):
            f = m[r][col] / m[col][col]
            if f:
                for c in range(col, n + 1):
                    m[r][c] -= f * m[col][c]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        x[r] = (m[r][n] - sum(m[r][c] * x[c] for c in range(r + 1, n))) / m[r][r]
    return x


def fit(rows: list[dict], iterations: int = 12) -> tuple[list[float], float]:
    """L2-regularised logistic regression by Newton's method; returns weights and bias."""
    n = len(FEATURES) + 1
    xs = [(1.0, *r["x"]) for r in rows]
    ys = [1.0 if r["wrong"] else 0.0 for r in rows]
    beta = [0.0] * n
    beta[0] = math.log((sum(ys) + 1) / (len(ys) - sum(ys) + 1))
    for _ in range(iterations):
        grad = [0.0] * n
        hess = [[0.0] * n for _ in range(n)]
        for x, y in zip(xs, ys):
            z = sum(b * v for b, v in zip(beta, x))
            p = 1 / (1 + math.exp(-z)) if z > -60 else 0.0
            w = p * (1 - p)
            d = y - p
            nz = [(i, v) for i, v in enumerate(x) if v]
            for i, v in nz:
                grad[i] += d * v
                if w:
                    hi = hess[i]
                    for j, u in nz:
                        hi[j] += w * v * u
        for i in range(1, n):
            grad[i] -= L2 * beta[i]
            hess[i][i] += L2
        step = _solve(hess, grad)
        beta = [b + s for b, s in zip(beta, step)]
        if max(abs(s) for s in step) < 1e-6:
            break
    return beta[1:], beta[0]


def choose_threshold(model: Model, rows: list[dict]) -> float:
    """The lowest probability at which the answers refused on the training rows are still at
    least WRONG_SHARE wrong (counted from the most confident down; KEV products never refused)."""
    scored = sorted(((probability(model, r["x"]), r["wrong"]) for r in rows if not r["kev"]), reverse=True)
    best, wrong = 1.01, 0
    for n, (p, w) in enumerate(scored, 1):
        wrong += w
        if wrong / n >= WRONG_SHARE and wrong >= 5:
            best = p
        if n > 50 and wrong / n < WRONG_SHARE - 0.25:
            break
    return best


def model_of(rows: list[dict], threshold: float | None = None) -> Model:
    answered = [r for r in rows if r["answered"]]
    weights, bias = fit(answered)
    model = Model([round(w, 6) for w in weights], round(bias, 6), 1.01)
    t = choose_threshold(model, answered) if threshold is None else threshold
    return Model(model.weights, model.bias, round(t, 6))


def measure(rows: list[dict], model: Model | None) -> dict:
    right = wrong = refused_wrong = refused_right = refused_kev = 0
    labelled = sum(1 for r in rows if r["expected"])
    for r in rows:
        if not r["answered"]:
            continue
        vetoed = model is not None and not r["kev"] and probability(model, r["x"]) >= model.threshold
        if vetoed:
            refused_wrong += r["wrong"]
            refused_right += not r["wrong"]
            continue
        wrong += r["wrong"]
        right += not r["wrong"]
    return {"precision": right / max(right + wrong, 1), "recall": right / max(labelled, 1), "right": right, "wrong": wrong,
            "refused_wrong": refused_wrong, "refused_right": refused_right}


def _line(label: str, m: dict) -> str:
    return (f"{label:32} precision {m['precision']:.3f} recall {m['recall']:.3f} right {m['right']:5} wrong {m['wrong']:4}"
            f"  refused: wrong {m['refused_wrong']:3} right {m['refused_right']:3}")


def study(rows: list[dict]) -> None:
    folds = {
        "fit w/o 33-38, score 33-38": lambda s: 33 <= s <= 38,
        "fit w/o 36-38, score 36-38": lambda s: 36 <= s <= 38,
        "fit on odd sets, score even": lambda s: s % 2 == 0,
        "fit on even sets, score odd": lambda s: s % 2 == 1,
        **{f"5-fold by set, fold {k}": (lambda k: lambda s: s % 5 == k)(k) for k in range(5)},
    }
    pooled = {"refused_wrong": 0, "refused_right": 0}
    for label, held in folds.items():
        train = [r for r in rows if not held(r["set"])]
        test = [r for r in rows if held(r["set"])]
        model = model_of(train)
        before, after = measure(test, None), measure(test, model)
        print(f"== {label}: threshold {model.threshold:.3f} (train refuses {measure(train, model)['refused_wrong']} wrong /"
              f" {measure(train, model)['refused_right']} right)")
        print(_line("  left out, main", before))
        print(_line("  left out, with veto", after))
        if label.startswith("5-fold"):
            for k in pooled:
                pooled[k] += after[k]
        # The same model at other thresholds, on the left-out sets: how the trade moves.
        sweep = []
        for t in (0.5, 0.6, 0.7, 0.8, 0.9):
            m = measure(test, Model(model.weights, model.bias, t))
            sweep.append(f"{t:.1f}: -{m['refused_wrong']}w/-{m['refused_right']}r")
        print("  sweep on left out:", "  ".join(sweep))
        ranked = sorted(((probability(model, r["x"]), r["wrong"]) for r in test if r["answered"] and not r["kev"]), reverse=True)
        tops = []
        for k in (10, 25, 50, 100):
            tops.append(f"top {k}: {sum(w for _, w in ranked[:k])} wrong")
        print("  most confident on left out:", ", ".join(tops), f"(base rate {sum(w for _, w in ranked) / max(len(ranked), 1):.3f})")
    print(f"== 5-fold pooled: refused {pooled['refused_wrong']} wrong, {pooled['refused_right']} right")


def rule_search(rows: list[dict], depth: int) -> None:
    """Conjunctions of ``depth`` conditions on the features (binary ones true or false, numeric
    ones above or below their 10/25/50/75/90 % quantiles, the source) whose training answers
    number 8 or more and are at least 60 % wrong; their union scored on the left-out sets."""
    answered = [r for r in rows if r["answered"] and not r["kev"]]
    conditions: dict[str, frozenset[int]] = {}
    for i, name in enumerate(FEATURES):
        values = sorted(r["x"][i] for r in answered)
        if len(set(values)) <= 2:
            conditions[f"{name}=1"] = frozenset(k for k, r in enumerate(answered) if r["x"][i] > 0.5)
            conditions[f"{name}=0"] = frozenset(k for k, r in enumerate(answered) if r["x"][i] <= 0.5)
            continue
        for q in sorted({values[int(len(values) * q)] for q in (0.1, 0.25, 0.5, 0.75, 0.9)}):
            conditions[f"{name}>={q:.2f}"] = frozenset(k for k, r in enumerate(answered) if r["x"][i] >= q)
            conditions[f"{name}<{q:.2f}"] = frozenset(k for k, r in enumerate(answered) if r["x"][i] < q)
    for source in sorted({r["source"] for r in answered}):
        conditions[f"source={source}"] = frozenset(k for k, r in enumerate(answered) if r["source"] == source)
    wrong = frozenset(k for k, r in enumerate(answered) if r["wrong"])
    everything = frozenset(range(len(answered)))
    for label, held in (("fit w/o 33-38, score 33-38", lambda s: 33 <= s <= 38), ("fit w/o 36-38, score 36-38", lambda s: 36 <= s <= 38),
                        ("fit on odd sets, score even", lambda s: s % 2 == 0), ("fit on even sets, score odd", lambda s: s % 2 == 1)):
        train = frozenset(k for k, r in enumerate(answered) if not held(r["set"]))
        test = everything - train
        found = []
        for names in itertools.combinations(sorted(conditions), depth):
            covered = frozenset.intersection(*(conditions[n] for n in names))
            seen = covered & train
            if len(seen) >= 8 and len(seen & wrong) / len(seen) >= 0.6:
                found.append((len(seen & wrong) / len(seen), names, covered))
        union = frozenset().union(*(c for _, _, c in found))
        print(f"== rules of {depth}, {label}: {len(found)} rules; on training they refuse {len(union & train & wrong)} wrong /"
              f" {len(union & train - wrong)} right, on the left-out sets {len(union & test & wrong)} wrong / {len(union & test - wrong)} right")
        for share, names, covered in sorted(found, reverse=True)[:5]:
            print(f"   {share:.2f} {' & '.join(names)}: left out {len(covered & test & wrong)} wrong / {len(covered & test - wrong)} right")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feed-dir", type=Path, required=True)
    parser.add_argument("--rows", type=Path, help="cache of the feature rows (JSON lines): read if present, else written")
    parser.add_argument("--rules", type=int, choices=(0, 1, 2, 3), default=0, help="also search rule lists of this many conditions")
    args = parser.parse_args(argv)
    files = sorted(glob.glob(str(ROOT / "tests" / "matching" / "*_items.json")))
    if args.rows and args.rows.exists():
        rows = [json.loads(line) for line in args.rows.read_text().splitlines()]
    else:
        rows = rows_of(args.feed_dir, files)
        if args.rows:
            args.rows.write_text("".join(json.dumps(r) + "\n" for r in rows))
    print(f"{sum(r['answered'] for r in rows)} answers of {len(rows)} items in {len(files)} files,"
          f" {sum(r.get('wrong', False) for r in rows)} wrong")
    study(rows)
    if args.rules:
        rule_search(rows, args.rules)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
