#!/usr/bin/env bash
# Issue 15's tabulate row: `cascade tabulate` over a 1,000-run tree of 6 MB relaxation vasprun.xml.gz runs
# (tools/run-tree.sh: corpus adsorption/atomate_Ir_H/3 and /4 in turn, hard links), beside pymatgen reading
# the same 1,000 vasprun.xml.gz serially in one process, in the same run; then a re-tabulate of the
# unchanged tree, and the floor a tabulate cache would have: one stat per output file (find -printf).
# Every command is timed as a whole process by /usr/bin/time; the table gives the median of REPEAT rounds
# for Cascade (wall, user + system CPU, peak RSS) and the one pymatgen round (PY_REPEAT to change it).
#
#   flock /tmp/swift-build.lock env BENCH_LOCKED=1 bash Benchmarks/run-tabulate.sh     # from the package root
#
# Environment (all optional): N=1000 REPEAT=3 PY_REPEAT=1 PYTHON=/tmp/own-venv/bin/python (a python with
# pymatgen; skipped when it cannot import it) SKIP_BUILD=1 CASCADE=.build/release/cascade
# CASCADE_CORPUS=../shared/corpus BENCH_DATA=bench-data.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000}
REPEAT=${REPEAT:-3}
PY_REPEAT=${PY_REPEAT:-1}
PYTHON=${PYTHON:-/tmp/own-venv/bin/python}
CASCADE=${CASCADE:-.build/release/cascade}
DATA=${BENCH_DATA:-bench-data}
mkdir -p "$DATA"
DATA=$(cd "$DATA" && pwd)
TREE=$DATA/tabulate-tree
OUT=$DATA/tabulate-results
mkdir -p "$OUT"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
    lock=()
    [ -e /tmp/swift-build.lock ] && [ "${BENCH_LOCKED:-}" != 1 ] && lock=(flock /tmp/swift-build.lock)
    "${lock[@]}" swift build -c release --product cascade >&2
fi
[ -x "$CASCADE" ] || { echo "run-tabulate: no $CASCADE" >&2; exit 1; }
CASCADE_ABS=$(cd "$(dirname "$CASCADE")" && pwd)/$(basename "$CASCADE")

N=$N RUNNING=0 NEB=0 SOURCES="3 4" KIND=gz JOB_SCRIPT=0 tools/run-tree.sh "$TREE"
find "$TREE/runs" -name vasprun.xml.gz | sort > "$OUT/files.txt"
[ "$(wc -l < "$OUT/files.txt")" -eq "$N" ] || { echo "run-tabulate: expected $N vasprun.xml.gz" >&2; exit 1; }
# Into the page cache (every timing below reads cached files, as a second look at a tree does).
cat $(cat "$OUT/files.txt") > /dev/null

havepy=0
"$PYTHON" -c 'import pymatgen.io.vasp' 2>/dev/null && havepy=1

# timed LABEL COMMAND…: appends "label wall user sys maxrss_kb" to $OUT/runs.tsv.
timed() {
    local label=$1
    shift
    /usr/bin/time -f "%e %U %S %M" -o "$OUT/$label.time" "$@" > "$OUT/$label.out" 2> "$OUT/$label.err"
    echo "$label $(cat "$OUT/$label.time")" >> "$OUT/runs.tsv"
}
rm -f "$OUT/runs.tsv"
for round in $(seq 1 "$REPEAT"); do
    (cd "$TREE" && timed "tabulate-$round" "$CASCADE_ABS" tabulate study.yaml --runs runs --format json)
    (cd "$TREE" && timed "retabulate-$round" "$CASCADE_ABS" tabulate study.yaml --runs runs --format json)
    timed "stat-$round" find "$TREE/runs" -type f -printf '%s %T@ %p\n'
    if [ $havepy = 1 ] && [ "$round" -le "$PY_REPEAT" ]; then
        timed "pymatgen-$round" "$PYTHON" Benchmarks/pymatgen_serial.py --list "$OUT/files.txt"
    fi
done
# Every tabulate printed the same table (no cache: the re-tabulate reads everything again).
for f in "$OUT"/tabulate-*.out "$OUT"/retabulate-*.out; do
    cmp -s "$OUT/tabulate-1.out" "$f" || { echo "run-tabulate: $f differs from tabulate-1.out" >&2; exit 1; }
done
converged=$(grep -o '"summary":{[^}]*}' "$OUT/tabulate-1.out" | grep -o '"converged":[0-9]*' | cut -d: -f2)
[ "$converged" -eq "$N" ] || { echo "run-tabulate: $converged converged runs in the table, expected $N" >&2; exit 1; }

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
row() {
    local rows
    rows=$(grep "^$1-" "$OUT/runs.tsv") || return 0
    local wall cpu rss
    wall=$(echo "$rows" | awk '{print $2}' | median)
    cpu=$(echo "$rows" | awk '{print $3 + $4}' | median)
    rss=$(echo "$rows" | awk '{print $5}' | median)
    echo "| $2 | $wall | $cpu | $((${rss%.*} / 1024)) | $(echo "$rows" | wc -l) |"
}
echo
echo "| run | wall s | CPU s (user + sys) | peak RSS MB | rounds |"
echo "|---|---:|---:|---:|---:|"
row tabulate "cascade tabulate, $N runs"
row retabulate "cascade tabulate again, tree unchanged"
row pymatgen "pymatgen Vasprun, the $N files serially (one process)"
row stat "find -printf (one stat per file: a cache's floor)"
if [ $havepy = 1 ]; then
    t=$(grep '^tabulate-' "$OUT/runs.tsv" | awk '{print $2}' | median)
    p=$(grep '^pymatgen-' "$OUT/runs.tsv" | awk '{print $2}' | median)
    echo
    echo "pymatgen / cascade tabulate (wall): $(awk -v p="$p" -v t="$t" 'BEGIN {printf "%.1f", p / t}')×; pymatgen: $(grep -o '"read_seconds": [0-9.]*' "$OUT/pymatgen-1.out")"
fi
echo "tree: $N runs, $(find "$TREE/runs" -type f -printf "%s\n" | awk "{s += \$1} END {printf \"%.0f MB\", s / 1e6}") as stored (vasprun.xml.gz, OUTCAR.gz, CONTCAR per run; hard links)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GB"
echo "all rounds: $OUT/runs.tsv"
