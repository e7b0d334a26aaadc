#!/usr/bin/env bash
# Issue 15's rows side by side in one run: the 99 MB CHGCAR plain and gzipped (Cascade before/after,
# igzip -dc, zcat, pymatgen) and the 6 MB relaxation vasprun.xml.gz (Cascade before/after, pymatgen).
# Every command is timed as a whole process by /usr/bin/time, REPEAT rounds, the tools interleaved
# (one run of each per round); the table gives median wall and CPU (user + system) seconds and peak RSS.
#
#   REPEAT=7 BEFORE=/tmp/before bash Benchmarks/run-read-limits.sh     # from the package root
#
# BEFORE: a folder holding ChgcarBenchmark and VasprunBenchmark built in release mode from the commit
# to compare with (optional). PYTHON: a python with pymatgen (optional; skipped when it cannot import
# it). The release build is done here, holding the shared build lock when /tmp/swift-build.lock exists.
set -euo pipefail
cd "$(dirname "$0")/.."
REPEAT=${REPEAT:-7}
BEFORE=${BEFORE:-}
PYTHON=${PYTHON:-python3}
TOOLS=${TOOLS:-../shared/tools}
CORPUS=${CASCADE_CORPUS:-../shared/corpus}
VASPRUN=${VASPRUN:-$CORPUS/adsorption/atomate_Ir_H/3/outputs/vasprun.xml.gz}
OUT=bench-data/read-limits
mkdir -p "$OUT"
[ -f bench-data/large_chgcar ] || python3 "$TOOLS/make_large_chgcar.py" bench-data/large_chgcar --summary bench-data/large_chgcar.json
[ -f bench-data/large_chgcar.gz ] || gzip -k -6 bench-data/large_chgcar
lock=()
# BENCH_LOCKED=1: the caller already holds the lock (flock … env BENCH_LOCKED=1 bash …), so that nobody
# compiles during the timing either.
[ -e /tmp/swift-build.lock ] && [ "${BENCH_LOCKED:-}" != 1 ] && lock=(flock /tmp/swift-build.lock)
"${lock[@]}" swift build -c release --scratch-path .build-bench --product ChgcarBenchmark >&2
"${lock[@]}" swift build -c release --scratch-path .build-bench --product VasprunBenchmark >&2
NOW=.build-bench/release

havepy=0
"$PYTHON" -c 'import pymatgen.io.vasp' 2>/dev/null && havepy=1

# name|command (run by bash -c; output discarded)
rows=(
  "chgcar: Cascade|$NOW/ChgcarBenchmark bench-data/large_chgcar --repeat 1"
  "chgcar.gz: Cascade|$NOW/ChgcarBenchmark bench-data/large_chgcar.gz --repeat 1"
  "chgcar.gz: igzip -dc|igzip -dc bench-data/large_chgcar.gz"
  "chgcar.gz: zcat|zcat bench-data/large_chgcar.gz"
  "vasprun.gz: Cascade|$NOW/VasprunBenchmark $VASPRUN --repeat 1"
  "vasprun.gz: igzip -dc|igzip -dc $VASPRUN"
  "vasprun.gz: zcat|zcat $VASPRUN"
)
if [ -n "$BEFORE" ]; then
  rows+=(
    "chgcar: Cascade before|$BEFORE/ChgcarBenchmark bench-data/large_chgcar --repeat 1"
    "chgcar.gz: Cascade before|$BEFORE/ChgcarBenchmark bench-data/large_chgcar.gz --repeat 1"
    "vasprun.gz: Cascade before|$BEFORE/VasprunBenchmark $VASPRUN --repeat 1"
  )
fi
if [ $havepy = 1 ]; then
  rows+=(
    "chgcar: pymatgen|$PYTHON Benchmarks/pymatgen_chgcar.py bench-data/large_chgcar --repeat 1"
    "chgcar.gz: pymatgen|$PYTHON Benchmarks/pymatgen_chgcar.py bench-data/large_chgcar.gz --repeat 1"
    "vasprun.gz: pymatgen|$PYTHON Benchmarks/pymatgen_read.py $VASPRUN --no-projected"
  )
fi

for i in "${!rows[@]}"; do : > "$OUT/$i.tsv"; done
for round in $(seq "$REPEAT"); do
  for i in "${!rows[@]}"; do
    cmd=${rows[$i]#*|}
    /usr/bin/time -f '%e %U %S %M' -o "$OUT/time" bash -c "$cmd" > /dev/null 2>&1 || true
    tail -1 "$OUT/time" >> "$OUT/$i.tsv"
  done
done

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf '| what | runs | wall median (s) | CPU median (s) | peak RSS (MB) |\n|---|---|---|---|---|\n'
for i in "${!rows[@]}"; do
  name=${rows[$i]%%|*}
  wall=$(awk '{print $1}' "$OUT/$i.tsv" | median)
  cpu=$(awk '{print $2 + $3}' "$OUT/$i.tsv" | median)
  rss=$(awk '{print $4 / 1024}' "$OUT/$i.tsv" | median)
  printf '| %s | %s | %s | %.2f | %.0f |\n' "$name" "$(wc -l < "$OUT/$i.tsv")" "$wall" "$cpu" "$rss"
done

# Per file, in process (the reader's own clock; no start-up, no import): the 6 MB vasprun.xml.gz read
# 20 times by Cascade, 5 times by pymatgen (each a fresh process: read_seconds excludes the import).
echo
echo "In process, per read of $VASPRUN (median of the runs):"
echo "  Cascade:        $($NOW/VasprunBenchmark "$VASPRUN" --repeat 20 | grep -E '^median|median' | head -1)"
if [ -n "$BEFORE" ]; then
  echo "  Cascade before: $($BEFORE/VasprunBenchmark "$VASPRUN" --repeat 20 | grep -E '^median|median' | head -1)"
fi
if [ $havepy = 1 ]; then
  for k in 1 2 3 4 5; do "$PYTHON" Benchmarks/pymatgen_read.py "$VASPRUN" --no-projected | grep -o '"read_seconds": [0-9.]*'; done \
    | awk '{print $2}' | sort -g | awk '{a[NR]=$1} END {print "  pymatgen:       median read_seconds " a[int((NR+1)/2)] " s (" NR " runs)"}'
fi
