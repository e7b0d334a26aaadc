#!/usr/bin/env bash
# Issue 15 item 2: the vasprun fast path against the libxml2 path, libxml2's bare SAX2 pass
# (Benchmarks/sax_floor.c), pymatgen and `xmllint --stream`, in one run.
#
#   flock /tmp/swift-build.lock env BENCH_LOCKED=1 PYTHON=/tmp/own-venv/bin/python \
#       DATA=/tmp/fpbench bash Benchmarks/run-fastpath.sh          # from the package root
#
# DATA: a folder for the inputs (relax_vasprun.xml[.gz] from corpus adsorption/atomate_Ir_H/3, and
# large_vasprun.xml from ../shared/tools/make_large_vasprun.py, made when missing) and sax_floor.
# Prints each tool's own timings (in-process reads: min and median of REPEAT) and, for the 418 MB
# file, whole processes under /usr/bin/time (wall s, CPU s, peak RSS KB).
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${DATA:-/tmp/fpbench}
PYTHON=${PYTHON:-python3}
REPEAT=${REPEAT:-30}
CORPUS=${CASCADE_CORPUS:-../shared/corpus}
mkdir -p "$DATA"
[ -f "$DATA/relax_vasprun.xml.gz" ] || cp "$CORPUS/adsorption/atomate_Ir_H/3/outputs/vasprun.xml.gz" "$DATA/relax_vasprun.xml.gz"
[ -f "$DATA/relax_vasprun.xml" ] || gzip -dc "$DATA/relax_vasprun.xml.gz" > "$DATA/relax_vasprun.xml"
[ -f "$DATA/large_vasprun.xml" ] || python3 ../shared/tools/make_large_vasprun.py "$DATA/large_vasprun.xml"
[ -x "$DATA/sax_floor" ] || gcc -O2 Benchmarks/sax_floor.c -o "$DATA/sax_floor" $(pkg-config --cflags --libs libxml-2.0)
lock=()
[ -e /tmp/swift-build.lock ] && [ "${BENCH_LOCKED:-}" != 1 ] && lock=(flock /tmp/swift-build.lock)
"${lock[@]}" swift build -c release --product VasprunBenchmark >&2
B=.build/release/VasprunBenchmark
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), load $(cut -d' ' -f1-3 /proc/loadavg)"
for f in relax_vasprun.xml relax_vasprun.xml.gz; do
  echo "== $f: Cascade fast path";  $B "$DATA/$f" --repeat "$REPEAT" | grep -E "wall time|sum  " || true
  echo "== $f: Cascade libxml2 path"; $B "$DATA/$f" --repeat "$REPEAT" --libxml2 | grep -E "wall time|sum  " || true
done
echo "== relax_vasprun.xml: sax_floor"; "$DATA/sax_floor" "$DATA/relax_vasprun.xml" --repeat "$REPEAT" | grep "wall time"
if "$PYTHON" -c 'import pymatgen.io.vasp' 2>/dev/null; then
  for f in relax_vasprun.xml relax_vasprun.xml.gz; do
    echo "== $f: pymatgen Vasprun read_seconds (5 processes)"
    for _ in 1 2 3 4 5; do "$PYTHON" Benchmarks/pymatgen_read.py "$DATA/$f" | sed 's/.*"read_seconds": \([0-9.]*\).*/\1/'; done
  done
fi
for round in 1 2 3; do
  for cmd in "$B $DATA/large_vasprun.xml --repeat 1" "$B $DATA/large_vasprun.xml --repeat 1 --libxml2" \
             "xmllint --stream --huge --noout $DATA/large_vasprun.xml" "$DATA/sax_floor $DATA/large_vasprun.xml"; do
    /usr/bin/time -f "round $round|%e s wall|%U+%S s CPU|%M KB|$cmd" bash -c "$cmd > /dev/null" 2>&1 | tail -1
  done
done
