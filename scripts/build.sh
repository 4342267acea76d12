#!/usr/bin/env bash
# Build the one-file executable dist/sentrikat: compile the bundled feed, then run PyInstaller.
#
#   scripts/build.sh [FEED_SOURCE...]
#
# FEED_SOURCE: NVD CVE, CPE dictionary and CISA KEV files or folders, as scripts/build_feed.py
# takes them (e.g. downloaded from NVD and CISA). Default: ../shared/feeds/{nvd,cpe,kev} when that
# folder exists, else the feed already in data/cpe_dictionary/. Python: .venv/bin/python (created
# with python3 if missing), into which the project with its build extra (PyInstaller) is
# installed; or $PYTHON, an environment that already has both, used as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s.%N)

if [[ -n "${PYTHON:-}" ]]; then
    # An environment of the caller's: used as it is, never installed into.
    py="$PYTHON"
    "$py" -c "import PyInstaller, litestar" 2>/dev/null || {
        echo "build.sh: error: $py lacks the project's dependencies or PyInstaller (pip install -e '.[build]')" >&2
        exit 1
    }
else
    [[ -x .venv/bin/python ]] || python3 -m venv .venv
    py=.venv/bin/python
    "$py" -m pip install --quiet -e '.[build]'
fi

feed=data/cpe_dictionary
if [[ $# -gt 0 ]]; then
    sources=("$@")
elif [[ -d ../shared/feeds ]]; then
    sources=(../shared/feeds/nvd ../shared/feeds/cpe ../shared/feeds/kev)
else
    sources=()
fi
if [[ ${#sources[@]} -gt 0 ]]; then
    echo "== compiling the bundled feed from ${sources[*]}"
    "$py" scripts/build_feed.py "${sources[@]}" -o "$feed/"
elif [[ -f $feed/bundle.msgpack ]]; then
    echo "== no feed sources given and ../shared/feeds missing: bundling the existing $feed/bundle.msgpack"
else
    echo "build.sh: error: no feed to bundle; pass NVD/CPE/KEV files or folders as arguments" >&2
    exit 1
fi

echo "== PyInstaller (build.spec)"
"$py" -m PyInstaller build.spec --noconfirm --clean --log-level WARN --workpath build/pyinstaller --distpath dist

dist/sentrikat version >/dev/null
elapsed=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.0f}')" "$started" "$(date +%s.%N)")
echo "== built dist/sentrikat: $(du -h dist/sentrikat | cut -f1) ($(stat -c %s dist/sentrikat) bytes), $(dist/sentrikat version), in ${elapsed} s"
