"""Precision and recall of identification on the hand-labelled sets in this folder.

labelled_items.json and dev2_items.json are development sets (the matcher was tuned while looking
at them); the heldout*_items.json sets were labelled by people who had not seen the matcher and
are the honest measure (tests/matching/README.md). Every set's numbers are printed (pytest -s)
and stated in docs/matching.md; the floors catch a regression, they are not targets.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from appliance.matching.engine import FeedMatcher

HERE = Path(__file__).parent


def _scorer():
    """scripts/score_identification.py, the scorer the benchmarks use (per source, hints passed on)."""
    spec = importlib.util.spec_from_file_location("score_identification", HERE.parents[1] / "scripts" / "score_identification.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("file", "min_precision", "min_recall"),
    # Floors just under the values measured (in the comments) at the end of session 19, so a
    # regression fails; BENCHMARKS.md has the history. Sets 9 to 35 were labelled and sealed
    # before the work they first measured (tests/matching/README.md); sets 2 to 32 are spent now.
    [
        ("labelled_items.json", 0.99, 0.96),  # 0.996 / 0.972
        ("dev2_items.json", 0.93, 0.90),  # 0.938 / 0.914
        ("heldout_items.json", 0.94, 0.93),  # 0.948 / 0.936 (session 16: cmake is cmake_project:cmake, another NVD name of the project, labelled kitware; session 20 (win20): 0.948, "Python 3.12.1 Test Suite" is labelled no product here and python:python in sets 24, 27, 35)
        ("heldout2_items.json", 0.91, 0.86),  # 0.918 / 0.872
        ("heldout3_items.json", 0.95, 0.88),  # 0.957 / 0.891
        ("heldout4_items.json", 0.95, 0.86),  # 0.963 / 0.867
        ("heldout5_items.json", 0.94, 0.89),  # 0.950 / 0.899
        ("heldout6_items.json", 0.92, 0.87),  # 0.925 / 0.880
        ("heldout7_items.json", 0.93, 0.86),  # 0.942 / 0.873
        ("heldout8_items.json", 0.95, 0.83),  # 0.965 / 0.837
        ("heldout9_items.json", 0.94, 0.83),  # 0.954 / 0.838
        ("heldout10_items.json", 0.94, 0.84),  # 0.949 / 0.852
        ("heldout11_items.json", 0.94, 0.86),  # 0.949 / 0.871
        ("heldout12_items.json", 0.95, 0.85),  # 0.957 / 0.859
        ("heldout13_items.json", 0.94, 0.86),  # 0.947 / 0.872
        ("heldout14_items.json", 0.94, 0.89),  # 0.954 / 0.901
        ("heldout15_items.json", 0.93, 0.86),  # 0.944 / 0.866
        ("heldout16_items.json", 0.94, 0.83),  # 0.947 / 0.837
        ("heldout17_items.json", 0.96, 0.81),  # 0.971 / 0.820
        ("heldout18_items.json", 0.95, 0.84),  # 0.957 / 0.850
        ("heldout19_items.json", 0.92, 0.80),  # 0.927 / 0.808
        ("heldout20_items.json", 0.93, 0.91),  # 0.936 / 0.918
        ("heldout21_items.json", 0.94, 0.83),  # 0.949 / 0.837
        ("heldout22_items.json", 0.93, 0.83),  # 0.940 / 0.838
        ("heldout23_items.json", 0.91, 0.78),  # 0.924 / 0.795
        ("heldout24_items.json", 0.93, 0.84),  # 0.934 / 0.853
        ("heldout25_items.json", 0.90, 0.76),  # 0.912 / 0.775
        ("heldout26_items.json", 0.91, 0.81),  # 0.918 / 0.821
        ("heldout27_items.json", 0.93, 0.86),  # 0.940 / 0.865
        ("heldout28_items.json", 0.93, 0.88),  # 0.939 / 0.891
        ("heldout29_items.json", 0.94, 0.85),  # 0.951 / 0.864
        ("heldout30_items.json", 0.95, 0.88),  # 0.961 / 0.889
        ("heldout31_items.json", 0.92, 0.88),  # 0.928 / 0.887
        ("heldout32_items.json", 0.90, 0.85),  # 0.909 / 0.861
        ("heldout33_items.json", 0.94, 0.85),  # 0.948 / 0.861
        ("heldout34_items.json", 0.92, 0.87),  # 0.931 / 0.881
        ("heldout35_items.json", 0.93, 0.79),  # 0.945 / 0.801
        ("heldout36_items.json", 0.87, 0.81),  # 0.877 / 0.818
        ("heldout37_items.json", 0.95, 0.75),  # 0.957 / 0.764
        ("heldout38_items.json", 0.93, 0.83),  # 0.938 / 0.844
        ("heldout39_items.json", 0.87, 0.75),  # 0.883 / 0.764
        ("heldout40_items.json", 0.92, 0.88),  # 0.928 / 0.892
        ("heldout41_items.json", 0.87, 0.76),  # 0.879 / 0.774
        ("heldout42_items.json", 0.89, 0.83),  # 0.901 / 0.840 (session 25, scored on 0176f0c and main alike)
        ("heldout43_items.json", 0.83, 0.55),  # 0.839 / 0.557 (session 25, scored on 0176f0c and main alike)
    ],
)
def test_precision_and_recall(matcher: FeedMatcher, file: str, min_precision: float, min_recall: float) -> None:
    path = HERE / file
    scorer = _scorer()
    scores, misses = scorer.score(matcher, json.loads(path.read_text())["items"])
    result = scores["all"]
    print(f"\n{file}:\n{scorer.table(scores)}")
    for miss in misses:
        print("  " + miss)
    assert result.items >= 120
    assert result.precision >= min_precision, misses
    assert result.recall >= min_recall, misses


@pytest.mark.parametrize(
    ("file", "source", "min_precision", "min_recall"),
    # Per inventory source, on every held-out set from 2 on where the source has at least 15
    # items (the scorer passes the source_package hints on): floors just under the values
    # measured at the end of session 19 (in the comments).
    [
        ("heldout2_items.json", "apk", 0.99, 0.99),  # 1.000 / 1.000
        ("heldout2_items.json", "dpkg", 0.91, 0.85),  # 0.924 / 0.858
        ("heldout2_items.json", "homebrew", 0.90, 0.91),  # 0.914 / 0.922 (session 16: cmake, mtr, tmux under another NVD name of their project)
        ("heldout2_items.json", "macos_app", 0.95, 0.89),  # 0.962 / 0.904
        ("heldout2_items.json", "npm", 0.99, 0.84),  # 1.000 / 0.846
        ("heldout2_items.json", "pip", 0.92, 0.67),  # 0.931 / 0.675 (session 19: docutils as python-docutils_project:python-docutils, which set 2 labels none and sets 18, 19 and 28 adjudicated label so)
        ("heldout2_items.json", "rpm", 0.89, 0.94),  # 0.898 / 0.946 (session 25: the kernel's own packages are the kernel, as sets 9, 10, 15, 18 to 20 and 26 to 41 label them; this set labels them no product)
        ("heldout2_items.json", "windows_program", 0.84, 0.82),  # 0.850 / 0.828
        ("heldout3_items.json", "dpkg", 0.99, 0.93),  # 1.000 / 0.938
        ("heldout3_items.json", "homebrew", 0.92, 0.85),  # 0.926 / 0.862 (session 19: the docker formula, labelled docker:docker, now read as the cask's docker:docker_desktop)
        ("heldout3_items.json", "macos_app", 0.99, 0.94),  # 1.000 / 0.955
        ("heldout3_items.json", "npm", 0.99, 0.84),  # 1.000 / 0.846
        ("heldout3_items.json", "pip", 0.99, 0.63),  # 1.000 / 0.636
        ("heldout3_items.json", "rpm", 0.99, 0.80),  # 1.000 / 0.812
        ("heldout3_items.json", "windows_program", 0.90, 0.92),  # 0.907 / 0.929
        ("heldout4_items.json", "apk", 0.91, 0.95),  # 0.917 / 0.957
        ("heldout4_items.json", "dpkg", 0.97, 0.80),  # 0.981 / 0.812 (session 25: the kernel's own packages are the kernel, as sets 9, 10, 15, 18 to 20 and 26 to 41 label them; this set labels them no product)
        ("heldout4_items.json", "homebrew", 0.95, 0.87),  # 0.957 / 0.882
        ("heldout4_items.json", "macos_app", 0.97, 0.95),  # 0.980 / 0.961
        ("heldout4_items.json", "npm", 0.99, 0.95),  # 1.000 / 0.958
        ("heldout4_items.json", "pip", 0.99, 0.72),  # 1.000 / 0.731
        ("heldout4_items.json", "rpm", 0.92, 0.75),  # 0.929 / 0.765; session 17: 0.73, fapolicyd-selinux (a policy module, labelled debatable) refused
        ("heldout4_items.json", "windows_program", 0.93, 0.86),  # 0.938 / 0.874
        ("heldout5_items.json", "apk", 0.90, 0.82),  # 0.909 / 0.833
        ("heldout5_items.json", "dpkg", 0.99, 0.90),  # 1.000 / 0.906
        ("heldout5_items.json", "homebrew", 0.93, 0.84),  # 0.944 / 0.850
        ("heldout5_items.json", "macos_app", 0.93, 0.93),  # 0.941 / 0.941
        ("heldout5_items.json", "npm", 0.90, 0.82),  # 0.909 / 0.833
        ("heldout5_items.json", "pip", 0.91, 0.99),  # 0.923 / 1.000
        ("heldout5_items.json", "rpm", 0.94, 0.90),  # 0.955 / 0.913
        ("heldout5_items.json", "windows_program", 0.94, 0.89),  # 0.947 / 0.900
        ("heldout6_items.json", "apk", 0.91, 0.91),  # 0.923 / 0.923
        ("heldout6_items.json", "dpkg", 0.92, 0.90),  # 0.929 / 0.912 (session 25: the kernel's own packages are the kernel, as sets 9, 10, 15, 18 to 20 and 26 to 41 label them; this set labels them no product)
        ("heldout6_items.json", "homebrew", 0.88, 0.91),  # 0.880 / 0.917 (session 19: formula srt is SRT, labelled null here)
        ("heldout6_items.json", "macos_app", 0.92, 0.85),  # 0.927 / 0.864
        ("heldout6_items.json", "npm", 0.95, 0.80),  # 0.957 / 0.815
        ("heldout6_items.json", "pip", 0.90, 0.68),  # 0.909 / 0.690
        ("heldout6_items.json", "rpm", 0.93, 0.96),  # 0.944 / 0.971
        ("heldout6_items.json", "windows_program", 0.91, 0.87),  # 0.924 / 0.880; session 17: 0.90 / 0.84, the set labels the Visual C++ Additional Runtime visual_c++ (12 of 14 such labels say visual_c++_redistributable)
        ("heldout7_items.json", "apk", 0.81, 0.87),  # 0.824 / 0.875
        ("heldout7_items.json", "dpkg", 0.90, 0.88),  # 0.909 / 0.889 (session 25: the kernel's own packages are the kernel, as sets 9, 10, 15, 18 to 20 and 26 to 41 label them; this set labels them no product)
        ("heldout7_items.json", "homebrew", 0.85, 0.77),  # 0.862 / 0.781
        ("heldout7_items.json", "macos_app", 0.92, 0.80),  # 0.926 / 0.806
        ("heldout7_items.json", "npm", 0.99, 0.84),  # 1.000 / 0.846
        ("heldout7_items.json", "pip", 0.99, 0.78),  # 1.000 / 0.789
        ("heldout7_items.json", "rpm", 0.96, 0.99),  # 0.966 / 1.000 (session 25: the kernel's own packages are the kernel, as sets 9, 10, 15, 18 to 20 and 26 to 41 label them; this set labels them no product)
        ("heldout7_items.json", "windows_program", 0.96, 0.91),  # 0.966 / 0.919
        ("heldout8_items.json", "apk", 0.99, 0.94),  # 1.000 / 0.947
        ("heldout8_items.json", "dpkg", 0.85, 0.85),  # 0.857 / 0.857
        ("heldout8_items.json", "homebrew", 0.95, 0.79),  # 0.960 / 0.800
        ("heldout8_items.json", "macos_app", 0.99, 0.87),  # 1.000 / 0.875
        ("heldout8_items.json", "npm", 0.99, 0.67),  # 1.000 / 0.680
        ("heldout8_items.json", "pip", 0.99, 0.64),  # 1.000 / 0.650
        ("heldout8_items.json", "rpm", 0.96, 0.96),  # 0.967 / 0.967
        ("heldout8_items.json", "windows_program", 0.99, 0.84),  # 1.000 / 0.849
        ("heldout9_items.json", "apk", 0.99, 0.81),  # 1.000 / 0.824
        ("heldout9_items.json", "dpkg", 0.99, 0.90),  # 1.000 / 0.912
        ("heldout9_items.json", "homebrew", 0.96, 0.88),  # 0.971 / 0.895
        ("heldout9_items.json", "macos_app", 0.95, 0.70),  # 0.960 / 0.706
        ("heldout9_items.json", "npm", 0.99, 0.94),  # 1.000 / 0.946
        ("heldout9_items.json", "pip", 0.99, 0.73),  # 1.000 / 0.742
        ("heldout9_items.json", "rpm", 0.78, 0.68),  # 0.794 / 0.692
        ("heldout9_items.json", "windows_program", 0.93, 0.86),  # 0.936 / 0.871
        ("heldout10_items.json", "apk", 0.89, 0.86),  # 0.900 / 0.871 (session 19: tesseract-ocr refused, "tesseract" a plain word under the one plain-word test of _namesake_without_cves; libsrt read as SRT by its alias, labelled no product here; was 0.92 / 0.89)
        ("heldout10_items.json", "dpkg", 0.85, 0.85),  # 0.864 / 0.864 (session 16: aspnetcore-runtime-8.0 read through its source dotnet8 as microsoft:.net (labelled asp.net_core, debatable))
        ("heldout10_items.json", "homebrew", 0.94, 0.88),  # 0.951 / 0.886
        ("heldout10_items.json", "macos_app", 0.96, 0.93),  # 0.970 / 0.941
        ("heldout10_items.json", "npm", 0.99, 0.70),  # 1.000 / 0.714
        ("heldout10_items.json", "pip", 0.99, 0.42),  # 1.000 / 0.429
        ("heldout10_items.json", "rpm", 0.97, 0.89),  # 0.977 / 0.896 (session 16: docker-ce is docker:docker (an edition word), labelled mobyproject:moby)
        ("heldout10_items.json", "windows_program", 0.99, 0.99),  # 1.000 / 1.000
        ("heldout11_items.json", "apk", 0.99, 0.99),  # 1.000 / 1.000
        ("heldout11_items.json", "dpkg", 0.99, 0.91),  # 1.000 / 0.920
        ("heldout11_items.json", "homebrew", 0.94, 0.94),  # 0.946 / 0.946 (session 16: mpg123 under ricardo_mesquita, another NVD name of the project)
        ("heldout11_items.json", "macos_app", 0.99, 0.84),  # 1.000 / 0.850
        ("heldout11_items.json", "npm", 0.86, 0.67),  # 0.867 / 0.684
        ("heldout11_items.json", "pip", 0.84, 0.64),  # 0.846 / 0.647
        ("heldout11_items.json", "rpm", 0.99, 0.88),  # 1.000 / 0.889
        ("heldout11_items.json", "windows_program", 0.89, 0.84),  # 0.904 / 0.850
        ("heldout12_items.json", "apk", 0.99, 0.78),  # 1.000 / 0.789
        ("heldout12_items.json", "dpkg", 0.93, 0.90),  # 0.938 / 0.910
        ("heldout12_items.json", "homebrew", 0.94, 0.87),  # 0.947 / 0.878
        ("heldout12_items.json", "macos_app", 0.88, 0.66),  # 0.889 / 0.667
        ("heldout12_items.json", "npm", 0.79, 0.61),  # 0.800 / 0.615
        ("heldout12_items.json", "pip", 0.99, 0.82),  # 1.000 / 0.833
        ("heldout12_items.json", "rpm", 0.99, 0.89),  # 1.000 / 0.900
        ("heldout12_items.json", "windows_program", 0.97, 0.90),  # 0.984 / 0.912
        ("heldout13_items.json", "apk", 0.99, 0.99),  # 1.000 / 1.000
        ("heldout13_items.json", "dpkg", 0.97, 0.91),  # 0.982 / 0.915
        ("heldout13_items.json", "homebrew", 0.92, 0.81),  # 0.933 / 0.824
        ("heldout13_items.json", "macos_app", 0.90, 0.83),  # 0.913 / 0.840
        ("heldout13_items.json", "npm", 0.99, 0.84),  # 1.000 / 0.852
        ("heldout13_items.json", "pip", 0.87, 0.43),  # 0.875 / 0.438
        ("heldout13_items.json", "rpm", 0.81, 0.83),  # 0.816 / 0.838
        ("heldout13_items.json", "windows_program", 0.96, 0.93),  # 0.973 / 0.935
        ("heldout14_items.json", "apk", 0.99, 0.87),  # 1.000 / 0.875
        ("heldout14_items.json", "dpkg", 0.94, 0.90),  # 0.948 / 0.914 (session 25: the kernel's own packages are the kernel, as sets 9, 10, 15, 18 to 20 and 26 to 41 label them; this set labels them no product)
        ("heldout14_items.json", "homebrew", 0.87, 0.84),  # 0.875 / 0.848
        ("heldout14_items.json", "macos_app", 0.99, 0.93),  # 1.000 / 0.938
        ("heldout14_items.json", "npm", 0.99, 0.86),  # 1.000 / 0.867
        ("heldout14_items.json", "pip", 0.99, 0.82),  # 1.000 / 0.833
        ("heldout14_items.json", "rpm", 0.92, 0.89),  # 0.933 / 0.897
        ("heldout14_items.json", "windows_program", 0.96, 0.91),  # 0.972 / 0.920
        ("heldout15_items.json", "apk", 0.85, 0.85),  # 0.862 / 0.862
        ("heldout15_items.json", "dpkg", 0.99, 0.88),  # 1.000 / 0.893
        ("heldout15_items.json", "homebrew", 0.95, 0.89),  # 0.963 / 0.897
        ("heldout15_items.json", "macos_app", 0.89, 0.92),  # 0.897 / 0.929
        ("heldout15_items.json", "npm", 0.99, 0.96),  # 1.000 / 0.966
        ("heldout15_items.json", "pip", 0.84, 0.60),  # 0.850 / 0.607
        ("heldout15_items.json", "rpm", 0.96, 0.89),  # 0.974 / 0.902
        ("heldout15_items.json", "windows_program", 0.93, 0.84),  # 0.939 / 0.849
        ("heldout16_items.json", "apk", 0.87, 0.82),  # 0.882 / 0.833
        ("heldout16_items.json", "dpkg", 0.93, 0.83),  # 0.932 / 0.840
        ("heldout16_items.json", "homebrew", 0.96, 0.87),  # 0.966 / 0.875
        ("heldout16_items.json", "macos_app", 0.99, 0.95),  # 1.000 / 0.960
        ("heldout16_items.json", "npm", 0.96, 0.84),  # 0.966 / 0.848
        ("heldout16_items.json", "pip", 0.99, 0.75),  # 1.000 / 0.759
        ("heldout16_items.json", "rpm", 0.91, 0.79),  # 0.923 / 0.800
        ("heldout16_items.json", "windows_program", 0.95, 0.82),  # 0.958 / 0.829
        ("heldout17_items.json", "apk", 0.89, 0.75),  # 0.905 / 0.760
        ("heldout17_items.json", "dpkg", 0.91, 0.89),  # 0.919 / 0.905
        ("heldout17_items.json", "homebrew", 0.95, 0.72),  # 0.957 / 0.733
        ("heldout17_items.json", "macos_app", 0.99, 0.85),  # 1.000 / 0.857
        ("heldout17_items.json", "npm", 0.99, 0.66),  # 1.000 / 0.667
        ("heldout17_items.json", "pip", 0.99, 0.56),  # 1.000 / 0.567
        ("heldout17_items.json", "rpm", 0.99, 0.88),  # 1.000 / 0.889
        ("heldout17_items.json", "windows_program", 0.99, 0.89),  # 1.000 / 0.902
        ("heldout18_items.json", "apk", 0.99, 0.81),  # 1.000 / 0.821
        ("heldout18_items.json", "dpkg", 0.93, 0.79),  # 0.944 / 0.797
        ("heldout18_items.json", "homebrew", 0.95, 0.82),  # 0.962 / 0.833
        ("heldout18_items.json", "macos_app", 0.99, 0.82),  # 1.000 / 0.833
        ("heldout18_items.json", "npm", 0.99, 0.92),  # 1.000 / 0.931
        ("heldout18_items.json", "pip", 0.87, 0.74),  # 0.875 / 0.750
        ("heldout18_items.json", "rpm", 0.93, 0.88),  # 0.941 / 0.889
        ("heldout18_items.json", "windows_program", 0.95, 0.88),  # 0.961 / 0.892
        ("heldout19_items.json", "apk", 0.92, 0.81),  # 0.931 / 0.818
        ("heldout19_items.json", "dpkg", 0.94, 0.79),  # 0.946 / 0.795
        ("heldout19_items.json", "homebrew", 0.94, 0.90),  # 0.955 / 0.913
        ("heldout19_items.json", "macos_app", 0.80, 0.67),  # 0.812 / 0.684
        ("heldout19_items.json", "npm", 0.96, 0.92),  # 0.966 / 0.933
        ("heldout19_items.json", "pip", 0.95, 0.82),  # 0.960 / 0.828
        ("heldout19_items.json", "rpm", 0.87, 0.76),  # 0.882 / 0.769
        ("heldout19_items.json", "windows_program", 0.91, 0.76),  # 0.925 / 0.766
        ("heldout20_items.json", "apk", 0.99, 0.94),  # 1.000 / 0.952
        ("heldout20_items.json", "dpkg", 0.95, 0.96),  # 0.952 / 0.967 (session 19: libjack-jackd2-0 is JACK2; adjudicated so)
        ("heldout20_items.json", "homebrew", 0.91, 0.84),  # 0.917 / 0.846
        ("heldout20_items.json", "macos_app", 0.99, 0.94),  # 1.000 / 0.952
        ("heldout20_items.json", "npm", 0.91, 0.85),  # 0.923 / 0.857
        ("heldout20_items.json", "pip", 0.56, 0.99),  # 0.571 / 1.000
        ("heldout20_items.json", "rpm", 0.93, 0.85),  # 0.939 / 0.861
        ("heldout20_items.json", "windows_program", 0.92, 0.92),  # 0.931 / 0.931
        ("heldout21_items.json", "apk", 0.97, 0.90),  # 0.975 / 0.907
        ("heldout21_items.json", "dpkg", 0.94, 0.87),  # 0.955 / 0.884
        ("heldout21_items.json", "homebrew", 0.99, 0.88),  # 1.000 / 0.889
        ("heldout21_items.json", "macos_app", 0.99, 0.70),  # 1.000 / 0.706
        ("heldout21_items.json", "npm", 0.91, 0.71),  # 0.920 / 0.719
        ("heldout21_items.json", "pip", 0.99, 0.63),  # 1.000 / 0.640
        ("heldout21_items.json", "rpm", 0.88, 0.88),  # 0.891 / 0.891
        ("heldout21_items.json", "windows_program", 0.93, 0.81),  # 0.943 / 0.820
        ("heldout22_items.json", "apk", 0.92, 0.79),  # 0.929 / 0.796
        ("heldout22_items.json", "dpkg", 0.94, 0.84),  # 0.950 / 0.850
        ("heldout22_items.json", "homebrew", 0.88, 0.69),  # 0.889 / 0.696
        ("heldout22_items.json", "macos_app", 0.85, 0.91),  # 0.857 / 0.923
        ("heldout22_items.json", "npm", 0.99, 0.75),  # 1.000 / 0.760
        ("heldout22_items.json", "pip", 0.99, 0.49),  # 1.000 / 0.500
        ("heldout22_items.json", "rpm", 0.92, 0.89),  # 0.925 / 0.899
        ("heldout22_items.json", "windows_program", 0.95, 0.92),  # 0.955 / 0.928
        ("heldout23_items.json", "apk", 0.91, 0.84),  # 0.919 / 0.850
        ("heldout23_items.json", "dpkg", 0.89, 0.76),  # 0.901 / 0.768
        ("heldout23_items.json", "homebrew", 0.83, 0.78),  # 0.839 / 0.788
        ("heldout23_items.json", "macos_app", 0.99, 0.78),  # 1.000 / 0.789
        ("heldout23_items.json", "npm", 0.96, 0.89),  # 0.966 / 0.903
        ("heldout23_items.json", "pip", 0.85, 0.66),  # 0.857 / 0.667
        ("heldout23_items.json", "rpm", 0.96, 0.81),  # 0.969 / 0.816
        ("heldout23_items.json", "windows_program", 0.94, 0.75),  # 0.947 / 0.761
        ("heldout24_items.json", "apk", 0.96, 0.94),  # 0.972 / 0.946
        # Session 21: lowered from 0.93: the cross toolchain rule reads Debian's metapackage
        # gcc-aarch64-linux-gnu (gcc-defaults) as gnu:gcc, which set 24's adjudication labels
        # "no product" and set 37 labels gnu:gcc for the same kind of package (0.929 / 0.901).
        ("heldout24_items.json", "dpkg", 0.92, 0.89),  # 0.929 / 0.901
        ("heldout24_items.json", "homebrew", 0.93, 0.91),  # 0.943 / 0.917
        ("heldout24_items.json", "macos_app", 0.99, 0.89),  # 1.000 / 0.903
        ("heldout24_items.json", "npm", 0.94, 0.79),  # 0.946 / 0.795
        ("heldout24_items.json", "pip", 0.93, 0.80),  # 0.935 / 0.806
        ("heldout24_items.json", "rpm", 0.84, 0.84),  # 0.850 / 0.850
        ("heldout24_items.json", "windows_program", 0.92, 0.73),  # 0.929 / 0.743
        ("heldout25_items.json", "apk", 0.93, 0.88),  # 0.943 / 0.892
        ("heldout25_items.json", "dpkg", 0.97, 0.82),  # 0.984 / 0.829
        ("heldout25_items.json", "homebrew", 0.95, 0.78),  # 0.957 / 0.786
        ("heldout25_items.json", "macos_app", 0.73, 0.64),  # 0.739 / 0.654
        ("heldout25_items.json", "npm", 0.99, 0.92),  # 1.000 / 0.933
        ("heldout25_items.json", "pip", 0.85, 0.63),  # 0.857 / 0.643
        ("heldout25_items.json", "rpm", 0.86, 0.57),  # 0.872 / 0.576
        ("heldout25_items.json", "windows_program", 0.86, 0.84),  # 0.869 / 0.855
        ("heldout26_items.json", "apk", 0.91, 0.84),  # 0.917 / 0.846
        ("heldout26_items.json", "dpkg", 0.89, 0.86),  # 0.900 / 0.869
        ("heldout26_items.json", "homebrew", 0.94, 0.82),  # 0.950 / 0.826
        ("heldout26_items.json", "macos_app", 0.99, 0.49),  # 1.000 / 0.500
        ("heldout26_items.json", "npm", 0.99, 0.77),  # 1.000 / 0.783
        ("heldout26_items.json", "pip", 0.99, 0.56),  # 1.000 / 0.571
        ("heldout26_items.json", "rpm", 0.90, 0.90),  # 0.908 / 0.908
        ("heldout26_items.json", "windows_program", 0.89, 0.77),  # 0.900 / 0.783
        ("heldout27_items.json", "apk", 0.96, 0.96),  # 0.973 / 0.973
        ("heldout27_items.json", "dpkg", 0.95, 0.82),  # 0.956 / 0.827
        ("heldout27_items.json", "homebrew", 0.89, 0.86),  # 0.900 / 0.871
        ("heldout27_items.json", "macos_app", 0.96, 0.92),  # 0.966 / 0.933
        ("heldout27_items.json", "npm", 0.99, 0.92),  # 1.000 / 0.926
        ("heldout27_items.json", "pip", 0.83, 0.63),  # 0.842 / 0.640
        ("heldout27_items.json", "rpm", 0.95, 0.92),  # 0.959 / 0.934
        ("heldout27_items.json", "windows_program", 0.88, 0.77),  # 0.893 / 0.781
        ("heldout28_items.json", "apk", 0.91, 0.93),  # 0.922 / 0.940
        ("heldout28_items.json", "dpkg", 0.96, 0.93),  # 0.973 / 0.935
        ("heldout28_items.json", "homebrew", 0.99, 0.97),  # 1.000 / 0.977
        ("heldout28_items.json", "macos_app", 0.99, 0.95),  # 1.000 / 0.963
        ("heldout28_items.json", "npm", 0.96, 0.85),  # 0.968 / 0.857
        ("heldout28_items.json", "pip", 0.73, 0.47),  # 0.737 / 0.483
        ("heldout28_items.json", "rpm", 0.85, 0.87),  # 0.864 / 0.884
        ("heldout28_items.json", "windows_program", 0.95, 0.95),  # 0.963 / 0.963
        ("heldout29_items.json", "apk", 0.96, 0.94),  # 0.966 / 0.949
        ("heldout29_items.json", "dpkg", 0.94, 0.96),  # 0.950 / 0.974
        ("heldout29_items.json", "homebrew", 0.93, 0.90),  # 0.935 / 0.906
        ("heldout29_items.json", "macos_app", 0.95, 0.82),  # 0.960 / 0.828
        ("heldout29_items.json", "npm", 0.94, 0.74),  # 0.955 / 0.750
        ("heldout29_items.json", "pip", 0.80, 0.44),  # 0.812 / 0.448
        ("heldout29_items.json", "rpm", 0.95, 0.92),  # 0.957 / 0.930
        ("heldout29_items.json", "windows_program", 0.97, 0.87),  # 0.978 / 0.882
        ("heldout30_items.json", "apk", 0.96, 0.96),  # 0.968 / 0.968
        ("heldout30_items.json", "dpkg", 0.92, 0.79),  # 0.930 / 0.800
        ("heldout30_items.json", "homebrew", 0.96, 0.91),  # 0.971 / 0.919
        ("heldout30_items.json", "macos_app", 0.95, 0.99),  # 0.963 / 1.000
        ("heldout30_items.json", "npm", 0.99, 0.95),  # 1.000 / 0.962
        ("heldout30_items.json", "pip", 0.66, 0.23),  # 0.667 / 0.240
        ("heldout30_items.json", "rpm", 0.97, 0.97),  # 0.979 / 0.979
        ("heldout30_items.json", "windows_program", 0.97, 0.97),  # 0.978 / 0.978
        ("heldout31_items.json", "apk", 0.87, 0.87),  # 0.878 / 0.878
        ("heldout31_items.json", "dpkg", 0.93, 0.89),  # 0.943 / 0.904
        ("heldout31_items.json", "homebrew", 0.86, 0.78),  # 0.871 / 0.794
        ("heldout31_items.json", "macos_app", 0.94, 0.66),  # 0.947 / 0.667
        ("heldout31_items.json", "npm", 0.95, 0.92),  # 0.964 / 0.931
        ("heldout31_items.json", "pip", 0.89, 0.99),  # 0.903 / 1.000
        ("heldout31_items.json", "rpm", 0.95, 0.89),  # 0.956 / 0.896
        ("heldout31_items.json", "windows_program", 0.94, 0.94),  # 0.945 / 0.945
        ("heldout32_items.json", "apk", 0.87, 0.91),  # 0.875 / 0.925
        ("heldout32_items.json", "dpkg", 0.87, 0.79),  # 0.878 / 0.796
        ("heldout32_items.json", "homebrew", 0.87, 0.82),  # 0.882 / 0.833
        ("heldout32_items.json", "macos_app", 0.92, 0.99),  # 0.929 / 1.000
        ("heldout32_items.json", "npm", 0.96, 0.96),  # 0.974 / 0.974
        ("heldout32_items.json", "pip", 0.92, 0.49),  # 0.933 / 0.500
        ("heldout32_items.json", "rpm", 0.90, 0.95),  # 0.909 / 0.962
        ("heldout32_items.json", "windows_program", 0.93, 0.80),  # 0.935 / 0.806
        ("heldout33_items.json", "apk", 0.93, 0.96),  # 0.935 / 0.967
        ("heldout33_items.json", "dpkg", 0.96, 0.98),  # 0.973 / 0.991
        ("heldout33_items.json", "homebrew", 0.94, 0.79),  # 0.952 / 0.800
        ("heldout33_items.json", "macos_app", 0.92, 0.88),  # 0.926 / 0.893
        ("heldout33_items.json", "npm", 0.94, 0.90),  # 0.952 / 0.909
        ("heldout33_items.json", "pip", 0.99, 0.26),  # 1.000 / 0.269
        ("heldout33_items.json", "rpm", 0.85, 0.81),  # 0.861 / 0.816
        ("heldout33_items.json", "windows_program", 0.96, 0.81),  # 0.970 / 0.821
        ("heldout34_items.json", "apk", 0.96, 0.87),  # 0.968 / 0.882
        ("heldout34_items.json", "dpkg", 0.83, 0.90),  # 0.838 / 0.912
        ("heldout34_items.json", "homebrew", 0.83, 0.83),  # 0.840 / 0.840
        ("heldout34_items.json", "macos_app", 0.91, 0.81),  # 0.920 / 0.821
        ("heldout34_items.json", "npm", 0.97, 0.94),  # 0.976 / 0.952
        ("heldout34_items.json", "pip", 0.91, 0.82),  # 0.923 / 0.828
        ("heldout34_items.json", "rpm", 0.92, 0.75),  # 0.926 / 0.758
        ("heldout34_items.json", "windows_program", 0.95, 0.91),  # 0.962 / 0.919
        ("heldout35_items.json", "apk", 0.97, 0.97),  # 0.978 / 0.978
        ("heldout35_items.json", "dpkg", 0.95, 0.45),  # 0.964 / 0.458
        ("heldout35_items.json", "homebrew", 0.82, 0.80),  # 0.833 / 0.811
        ("heldout35_items.json", "macos_app", 0.94, 0.83),  # 0.955 / 0.840
        ("heldout35_items.json", "npm", 0.94, 0.96),  # 0.949 / 0.974
        ("heldout35_items.json", "pip", 0.99, 0.37),  # 1.000 / 0.385
        ("heldout35_items.json", "rpm", 0.94, 0.87),  # 0.950 / 0.884
        ("heldout35_items.json", "windows_program", 0.95, 0.96),  # 0.956 / 0.970
        ("heldout36_items.json", "apk", 0.96, 0.90),  # 0.967 / 0.906
        ("heldout36_items.json", "dpkg", 0.85, 0.81),  # 0.857 / 0.822
        ("heldout36_items.json", "homebrew", 0.93, 0.91),  # 0.943 / 0.917
        ("heldout36_items.json", "macos_app", 0.91, 0.82),  # 0.923 / 0.828
        ("heldout36_items.json", "npm", 0.76, 0.76),  # 0.769 / 0.769
        ("heldout36_items.json", "pip", 0.74, 0.34),  # 0.750 / 0.346
        ("heldout36_items.json", "rpm", 0.88, 0.90),  # 0.886 / 0.907
        ("heldout36_items.json", "windows_program", 0.85, 0.85),  # 0.862 / 0.862
        ("heldout37_items.json", "apk", 0.99, 0.90),  # 1.000 / 0.909
        ("heldout37_items.json", "dpkg", 0.92, 0.91),  # 0.934 / 0.922
        ("heldout37_items.json", "homebrew", 0.99, 0.84),  # 1.000 / 0.846
        ("heldout37_items.json", "macos_app", 0.99, 0.19),  # 1.000 / 0.200
        ("heldout37_items.json", "npm", 0.84, 0.84),  # 0.846 / 0.846
        ("heldout37_items.json", "pip", 0.99, 0.27),  # 1.000 / 0.280
        ("heldout37_items.json", "rpm", 0.97, 0.84),  # 0.976 / 0.851
        ("heldout37_items.json", "windows_program", 0.96, 0.75),  # 0.967 / 0.756
        ("heldout38_items.json", "apk", 0.99, 0.94),  # 1.000 / 0.952
        ("heldout38_items.json", "dpkg", 0.88, 0.88),  # 0.886 / 0.886
        ("heldout38_items.json", "homebrew", 0.94, 0.71),  # 0.947 / 0.720
        ("heldout38_items.json", "macos_app", 0.99, 0.76),  # 1.000 / 0.769
        ("heldout38_items.json", "npm", 0.92, 0.79),  # 0.930 / 0.800
        ("heldout38_items.json", "pip", 0.74, 0.47),  # 0.750 / 0.480
        ("heldout38_items.json", "rpm", 0.95, 0.94),  # 0.963 / 0.945
        ("heldout38_items.json", "windows_program", 0.93, 0.91),  # 0.935 / 0.921
        ("heldout39_items.json", "apk", 0.88, 0.88),  # 0.895 / 0.895
        ("heldout39_items.json", "dpkg", 0.91, 0.60),  # 0.921 / 0.614
        ("heldout39_items.json", "homebrew", 0.95, 0.91),  # 0.960 / 0.923
        ("heldout39_items.json", "macos_app", 0.91, 0.78),  # 0.920 / 0.793
        ("heldout39_items.json", "npm", 0.90, 0.39),  # 0.909 / 0.400
        ("heldout39_items.json", "pip", 0.73, 0.67),  # 0.739 / 0.680
        ("heldout39_items.json", "rpm", 0.82, 0.78),  # 0.826 / 0.792
        ("heldout39_items.json", "windows_program", 0.89, 0.93),  # 0.900 / 0.938
        ("heldout40_items.json", "apk", 0.98, 0.97),  # 0.988 / 0.976
        ("heldout40_items.json", "dpkg", 0.90, 0.82),  # 0.909 / 0.833
        ("heldout40_items.json", "homebrew", 0.88, 0.72),  # 0.889 / 0.727
        ("heldout40_items.json", "npm", 0.99, 0.88),  # 1.000 / 0.889
        ("heldout40_items.json", "pip", 0.99, 0.49),  # 1.000 / 0.500
        ("heldout40_items.json", "rpm", 0.75, 0.82),  # 0.758 / 0.833
        ("heldout40_items.json", "windows_program", 0.92, 0.99),  # 0.929 / 1.000
        ("heldout41_items.json", "apk", 0.92, 0.86),  # 0.929 / 0.867
        ("heldout41_items.json", "dpkg", 0.88, 0.67),  # 0.887 / 0.685
        ("heldout41_items.json", "homebrew", 0.88, 0.95),  # 0.889 / 0.960
        ("heldout41_items.json", "macos_app", 0.89, 0.71),  # 0.900 / 0.720
        ("heldout41_items.json", "npm", 0.73, 0.81),  # 0.742 / 0.821
        ("heldout41_items.json", "pip", 0.79, 0.61),  # 0.800 / 0.615
        ("heldout41_items.json", "rpm", 0.93, 0.81),  # 0.938 / 0.818
        ("heldout41_items.json", "windows_program", 0.88, 0.83),  # 0.889 / 0.842
        ("heldout42_items.json", "apk", 0.95, 0.99),  # 0.962 / 1.000
        ("heldout42_items.json", "dpkg", 0.88, 0.80),  # 0.887 / 0.810
        ("heldout42_items.json", "homebrew", 0.77, 0.63),  # 0.778 / 0.636
        ("heldout42_items.json", "macos_app", 0.99, 0.79),  # 1.000 / 0.800 (5 items with a product)
        ("heldout42_items.json", "npm", 0.99, 0.33),  # 1.000 / 0.333 (6 items with a product)
        # (pip: 2 of 34 items have a product, neither found; no floor that could fail is worth stating)
        ("heldout42_items.json", "rpm", 0.82, 0.82),  # 0.829 / 0.829
        ("heldout42_items.json", "windows_program", 0.93, 0.93),  # 0.942 / 0.942
        ("heldout43_items.json", "apk", 0.79, 0.70),  # 0.800 / 0.706
        ("heldout43_items.json", "dpkg", 0.82, 0.70),  # 0.826 / 0.704
        ("heldout43_items.json", "homebrew", 0.99, 0.50),  # 1.000 / 0.500 (8 items with a product)
        ("heldout43_items.json", "macos_app", 0.99, 0.40),  # 1.000 / 0.400
        ("heldout43_items.json", "npm", 0.99, 0.11),  # 1.000 / 0.118
        ("heldout43_items.json", "pip", 0.99, 0.07),  # 1.000 / 0.077
        ("heldout43_items.json", "rpm", 0.70, 0.63),  # 0.706 / 0.632
        ("heldout43_items.json", "windows_program", 0.90, 0.95),  # 0.905 / 0.950
        # 0.92 since session 14: ncurses-base (terminfo data, a debatable label) is ncurses
        # through its source since Debian names without CVEs may be their own product.
        # 0.84 since session 14: msmtp is labelled "no CPE", but the dictionary files it under
        # marlam and martin_lambers, one author's name and its initials (bundle._abbreviates).
    ],
)
def test_precision_and_recall_per_source(matcher: FeedMatcher, file: str, source: str, min_precision: float,
                                         min_recall: float) -> None:
    scorer = _scorer()
    items = [i for i in json.loads((HERE / file).read_text())["items"] if scorer.source_of(i) == source]
    scores, misses = scorer.score(matcher, items)
    result = scores[source]
    assert result.items >= 15
    assert result.precision >= min_precision, misses
    assert result.recall >= min_recall, misses


def test_every_expected_product_is_a_real_cpe_product(feeds_root: Path) -> None:
    import csv

    with open(feeds_root / "cpe" / "cpes.csv", newline="") as handle:
        pairs = {f"{vendor}:{product}" for vendor, product in csv.reader(handle)}
    files = [*sorted(HERE.glob("*_items.json")), HERE / "heldout15_relabel.json"]
    assert len(files) >= 8
    for path in files:
        items = json.loads(path.read_text())["items"]
        missing = [i["expected"] for i in items if i["expected"] and i["expected"] not in pairs]
        assert not missing, f"{path.name}: {missing}"


def test_the_sealed_sets_are_the_files_that_were_sealed() -> None:
    """Held-out sets 4 to 29 (and the second labellings and adjudicated sets listed in it) were
    kept out of the repository while the matcher was tuned, with their SHA-256 committed in
    sealed.sha256 the moment they were labelled."""
    import hashlib

    lines = [line.split() for line in (HERE / "sealed.sha256").read_text().splitlines() if line.strip()]
    assert len(lines) >= 2
    for digest, name in lines:
        assert hashlib.sha256((HERE / name).read_bytes()).hexdigest() == digest, name


def test_scores_by_label_split_the_items_into_firm_and_debatable_labels(matcher: FeedMatcher) -> None:
    """--by-label: every item counts once under "labels firm" or "labels debatable", by its note."""
    scorer = _scorer()
    items = json.loads((HERE / "heldout8_items.json").read_text())["items"]
    scores, _ = scorer.score(matcher, items, by_label=True)
    firm, debatable, overall = scores["labels firm"], scores["labels debatable"], scores["all"]
    assert debatable.items == sum("debatable" in i["note"].lower() for i in items) > 0
    assert firm.items + debatable.items == overall.items == len(items)
    assert firm.tp + debatable.tp == overall.tp and firm.fp + debatable.fp == overall.fp
    assert [line.split()[1] for line in scorer.table(scores).splitlines()[-2:]] == ["debatable", "firm"]


def test_the_cve_keys_line_counts_a_label_of_the_answers_group_right_and_nothing_else(matcher: FeedMatcher) -> None:
    """--same-product: an answer whose CVE keys hold the label is right on the second line only;
    an answer outside them stays wrong on both lines."""
    scorer = _scorer()
    app = {"name": "Docker Desktop.app", "version": "4.5.0", "vendor": "", "os": "macOS 14.6", "source": "macos_app",
           "bundle_id": "com.docker.docker"}
    (found,) = matcher.match([scorer.software_item(app)], app["os"])
    answer = scorer.product(found)
    others = [key for key in matcher.group_of(found.match.cpe) if key != answer]
    assert others, f"{answer} should have another key in its group"
    items = [{**app, "expected": others[0]}, {**app, "name": "Docker Desktop 2.app", "expected": "mozilla:firefox"}]
    scores, _ = scorer.score(matcher, items, same_product=True)
    strict, grouped = scores["all"], scores["all, CVE keys"]
    assert (strict.tp, strict.wrong) == (0, 2)
    assert (grouped.tp, grouped.wrong, grouped.items) == (1, 1, 2)
    assert scorer.table(scores).splitlines()[-1].startswith("all, CVE keys")
    plain, _ = scorer.score(matcher, items)
    assert "all, CVE keys" not in plain
