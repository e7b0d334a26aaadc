#!/bin/sh
# Generates the ~100 MB benchmark CHGCARs (if missing), then times Cascade's reader and pymatgen's
# Chgcar.from_file on the same files in the same run. See docs/performance-volumetric.md.
#
#   sh Benchmarks/run-chgcar.sh            # from the package root
#
# Needs: python3 (generator), the venv /work/.venv-bench with pymatgen (or PYTHON=...), and the
# ChgcarBenchmark target in Package.swift.
set -eu
PYTHON=${PYTHON:-/work/.venv-bench/bin/python}
TOOLS=${TOOLS:-../shared/tools}
REPEAT=${REPEAT:-5}
mkdir -p bench-data
[ -f bench-data/large_chgcar ] || python3 "$TOOLS/make_large_chgcar.py" bench-data/large_chgcar --summary bench-data/large_chgcar.json
[ -f bench-data/large_chgcar_spin ] || python3 "$TOOLS/make_large_chgcar.py" bench-data/large_chgcar_spin --spin --summary bench-data/large_chgcar_spin.json
[ -f bench-data/large_chgcar.gz ] || gzip -k -6 bench-data/large_chgcar
swift build -c release --scratch-path .build-bench --product ChgcarBenchmark
for f in bench-data/large_chgcar bench-data/large_chgcar_spin bench-data/large_chgcar.gz; do
    echo "== $f"
    .build-bench/release/ChgcarBenchmark "$f" --repeat "$REPEAT"
    "$PYTHON" Benchmarks/pymatgen_chgcar.py "$f" --repeat "$REPEAT"
done
