#!/usr/bin/env bash
# Benchmarks/run-status.sh: time `cascade status` on a generated 1,000-calculation run tree, cold (no
# journal, so no status cache: every output is read) and warm (the cache of the previous run: only the
# running outputs are read), in the release build.
#
#   Benchmarks/run-status.sh            # from anywhere; works in the repository root
#
# The tree (bench-data/status-tree, rebuilt when N, RUNNING or NEB change) is built by tools/run-tree.sh
# from corpus runs, hard links inside the tree so it costs little disk:
#   N − RUNNING − NEB relaxations, converged: corpus adsorption/atomate_Ir_H/1…4 in turn, every other
#             one with vasprun.xml and OUTCAR gunzipped (VASP writes them so), the others .gz;
#   NEB       bands of 5 images (corpus neb/aiida-vasp_NH3_inversion, OUTCAR and OSZICAR per image);
#   RUNNING   relaxations still being written: atomate_Ir_H/5's vasprun.xml (9.0 MB) and OUTCAR cut
#             at 5 % … 95 % of their length, touched before every timing so they count as growing.
# Every folder has a job.sh, so each is a generated calculation; study.yaml names all of them.
#
# Each timing runs `cascade status study.yaml --runs runs --format csv` under /usr/bin/time, with
# SLURM out of reach (PATH without squeue: files only, what a laptop copy of a tree sees), then once
# more with the local SLURM answering when SLURM_CONF is set (tools/slurm/local-cluster.sh). Cold
# rounds delete RUNS/.cascade/journal.sqlite first; the files stay in the page cache (nothing is
# dropped). Prints a markdown table of medians of REPEAT rounds; logs go to bench-data/status-results/.
#
# Environment (all optional):
#   BENCH_DATA=bench-data   scratch folder (gitignored)
#   N=1000 RUNNING=50 NEB=20 REPEAT=5
#   CASCADE=.build/release/cascade  (built with `flock /tmp/swift-build.lock swift build -c release`
#                           unless SKIP_BUILD=1)
#   CASCADE_CORPUS=../shared/corpus
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
DATA=${BENCH_DATA:-bench-data}
N=${N:-1000}
RUNNING=${RUNNING:-50}
NEB=${NEB:-20}
REPEAT=${REPEAT:-5}
CASCADE=${CASCADE:-.build/release/cascade}
CORPUS=${CASCADE_CORPUS:-$ROOT/../shared/corpus}
TREE=$DATA/status-tree
OUT=$DATA/status-results
IR=$CORPUS/adsorption/atomate_Ir_H
NH3=$CORPUS/neb/aiida-vasp_NH3_inversion

[ -d "$IR" ] && [ -d "$NH3" ] || { echo "run-status: no corpus at $CORPUS (set CASCADE_CORPUS)" >&2; exit 1; }
[ $((RUNNING + NEB + 2)) -le "$N" ] || { echo "run-status: N must exceed RUNNING + NEB + 1" >&2; exit 1; }
mkdir -p "$DATA" "$OUT"
DATA=$(cd "$DATA" && pwd)
TREE=$DATA/status-tree
OUT=$DATA/status-results

if [ "${SKIP_BUILD:-0}" != 1 ]; then
    echo "== swift build -c release" >&2
    flock /tmp/swift-build.lock swift build -c release --product cascade >&2
fi
[ -x "$CASCADE" ] || { echo "run-status: no $CASCADE" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------
# The tree
# ---------------------------------------------------------------------------------------------
N=$N RUNNING=$RUNNING NEB=$NEB SOURCES="1 2 3 4" KIND=mixed JOB_SCRIPT=1 CASCADE_CORPUS=$CORPUS tools/run-tree.sh "$TREE"
du -sh --apparent-size "$TREE/runs" >&2

# ---------------------------------------------------------------------------------------------
# Timings
# ---------------------------------------------------------------------------------------------
CASCADE_ABS=$(cd "$(dirname "$CASCADE")" && pwd)/$(basename "$CASCADE")
journal=$TREE/runs/.cascade/journal.sqlite

# one LABEL MODE: one timed `cascade status`; MODE cold deletes the journal first. Appends
# "label wall user sys maxrss_kb" to $OUT/runs.tsv and checks the state counts.
one() {
    local label=$1 mode=$2 env_path=$3
    [ "$mode" = cold ] && rm -f "$journal"
    # the running outputs: modified just now
    for f in "${RUNNING_FILES[@]}"; do touch "$f"; done
    (cd "$TREE" && PATH=$env_path /usr/bin/time -f "%e %U %S %M" -o "$OUT/$label.time" \
        "$CASCADE_ABS" status study.yaml --runs runs --format csv > "$OUT/$label.out" 2> "$OUT/$label.err")
    local counts
    counts=$(grep -c ',running,' "$OUT/$label.out" || true)
    [ "$counts" -eq "$RUNNING" ] || { echo "run-status: $label: $counts running rows, expected $RUNNING (see $OUT/$label.out)" >&2; exit 1; }
    # Every round must print the same table as the first (the cache changes nothing but the time).
    if [ -f "$OUT/reference-${label%%-*}.out" ]; then
        cmp -s "$OUT/reference-${label%%-*}.out" "$OUT/$label.out" || { echo "run-status: $label differs from the first round: diff $OUT/reference.out $OUT/$label.out" >&2; exit 1; }
    else
        cp "$OUT/$label.out" "$OUT/reference-${label%%-*}.out"
    fi
    echo "$label $(cat "$OUT/$label.time")" >> "$OUT/runs.tsv"
}

mapfile -t RUNNING_FILES < <(for i in $(seq $((N - RUNNING + 1)) "$N"); do printf '%s/runs/relax/c%04d/vasprun.xml\n%s/runs/relax/c%04d/OUTCAR\n' "$TREE" "$i" "$TREE" "$i"; done)
rm -f "$OUT/runs.tsv" "$OUT"/reference-*.out
modes=("files /nonexistent")
if [ -n "${SLURM_CONF:-}" ] && squeue -h >/dev/null 2>&1; then modes+=("slurm $PATH"); fi
for m in "${modes[@]}"; do
    set -- $m
    where=$1 path=$2
    for round in $(seq 1 "$REPEAT"); do
        one "$where-cold-$round" cold "$path"
        one "$where-warm-$round" warm "$path"
    done
done

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
echo
echo "| scheduler | run | wall s (median of $REPEAT) | user s | sys s | peak RSS MB |"
echo "|---|---|---:|---:|---:|---:|"
for m in "${modes[@]}"; do
    set -- $m
    for kind in cold warm; do
        rows=$(grep "^$1-$kind-" "$OUT/runs.tsv")
        wall=$(echo "$rows" | awk '{print $2}' | median)
        user=$(echo "$rows" | awk '{print $3}' | median)
        sys=$(echo "$rows" | awk '{print $4}' | median)
        rss=$(echo "$rows" | awk '{print $5}' | median)
        echo "| $([ "$1" = files ] && echo "none (files only)" || echo "local SLURM") | $kind | $wall | $user | $sys | $((${rss%.*} / 1024)) |"
    done
done
echo
echo "tree: $N calculations ($((N - RUNNING - NEB)) converged relaxations, $NEB NEB bands, $RUNNING running); $(du -sh --apparent-size "$TREE/runs" | cut -f1) of outputs"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GB"
echo "states: $(tail -n +2 "$OUT/reference-files.out" | cut -d, -f2 | sort | uniq -c | awk '{printf "%s %s, ", $1, $2}' | sed 's/, $//')"
echo "all rounds: $OUT/runs.tsv"
