"""scripts/study_veto.py: its pure-Python logistic fit recovers a known model, and labelled files map to set numbers."""

from __future__ import annotations

import importlib.util
import math
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _study():
    spec = importlib.util.spec_from_file_location("study_veto", ROOT / "scripts" / "study_veto.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_set_numbers() -> None:
    study = _study()
    assert [study.set_number(f) for f in ("labelled_items.json", "dev2_items.json", "heldout_items.json",
                                          "heldout2_items.json", "heldout38_items.json")] == [0, 1, 1, 2, 38]


def test_fit_recovers_a_known_model() -> None:
    study = _study()
    n = len(study.FEATURES)
    rng = random.Random(21)
    truth = [0.0] * n
    truth[0], truth[1] = 2.0, -1.5
    rows = []
    for _ in range(3000):
        x = tuple(float(rng.random() < 0.5) for _ in range(n))
        z = -1.0 + sum(w * v for w, v in zip(truth, x))
        rows.append({"x": x, "wrong": rng.random() < 1 / (1 + math.exp(-z))})
    weights, bias = study.fit(rows)
    assert abs(weights[0] - 2.0) < 0.35 and abs(weights[1] + 1.5) < 0.35
    assert max(abs(w) for w in weights[2:]) < 0.35
    model = study.Model(weights, bias, 0.5)
    mean = sum(study.probability(model, r["x"]) for r in rows) / len(rows)
    assert abs(mean - sum(r["wrong"] for r in rows) / len(rows)) < 0.01  # calibrated on its data
