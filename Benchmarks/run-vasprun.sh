#!/usr/bin/env bash
# Benchmarks/run-vasprun.sh: time Cascade's vasprun.xml reader against the libxml2 floor,
# xmllint, pymatgen and ASE on one generated ~418 MB vasprun.xml, in one run on one machine.
#
#   Benchmarks/run-vasprun.sh            # from anywhere; works in the repository root
#
# Steps: generate bench-data/large_vasprun.xml (+ .json summary) unless it exists; compile
# Benchmarks/sax_floor.c into bench-data/; build VasprunBenchmark and cascade in release mode
# (own scratch path); make sure the Python venv has pymatgen and ASE; then time each reader under
# `/usr/bin/time -v` (wall time, CPU time, peak RSS) in REPEAT interleaved rounds (every tool once
# per round; a tool whose first run took a minute or more runs once), print a markdown table of
# medians with wall- and CPU-time ratios, and check Cascade's (and pymatgen's, ASE's) values
# against the generator's summary. Results and raw logs go to bench-data/vasprun-results/.
#
# Environment (all optional):
#   BENCH_DATA=bench-data        scratch folder (gitignored); nothing here is committed
#   BENCH_FILE=$BENCH_DATA/large_vasprun.xml   the file to read (generated when missing)
#   BENCH_GEN_ARGS=""            extra generator arguments, e.g. "--target-mb 40" (use another BENCH_FILE)
#   GENERATOR=../shared/tools/make_large_vasprun.py
#   REPEAT=5                     rounds; each round runs every tool once (one whose first run
#                                took SLOW_SECONDS or more runs only in the first round)
#   SLOW_SECONDS=60              a tool slower than this runs once
#   SCRATCH=.build-bench         swift build scratch path
#   VENV=                        Python venv; default: .venv-bench in the repository if present,
#                                else /work/.venv-bench if present, else create .venv-bench
#   SKIP_PYTHON=0                1: skip pymatgen and ASE
#   SKIP_ASE=0                   1: skip ASE only (pymatgen still runs)
#   NICE=                        e.g. -10: run the timed commands under `nice -n -10` (needs root)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

DATA=${BENCH_DATA:-bench-data}
FILE=${BENCH_FILE:-$DATA/large_vasprun.xml}
SUMMARY=${FILE%.xml}.json
GENERATOR=${GENERATOR:-../shared/tools/make_large_vasprun.py}
REPEAT=${REPEAT:-5}
SLOW_SECONDS=${SLOW_SECONDS:-60}
SCRATCH=${SCRATCH:-.build-bench}
SKIP_PYTHON=${SKIP_PYTHON:-0}
SKIP_ASE=${SKIP_ASE:-0}
# NICE=-10 runs every timed command with `nice -n -10` (root only) so that other work on a shared
# machine disturbs the timings less; the same for every tool.
NICE_CMD=""
[ -n "${NICE:-}" ] && NICE_CMD="nice -n $NICE"
OUT=$DATA/vasprun-results
mkdir -p "$DATA" "$OUT"
rm -f "$OUT"/*.time "$OUT"/*.out "$OUT"/*.err "$OUT"/*.log "$OUT"/runs.tsv

log() { printf '\n== %s\n' "$*" >&2; }

# ---------------------------------------------------------------------------------------------
# Tools
# ---------------------------------------------------------------------------------------------
apt_install() {
    local runner=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || { echo "missing $*; install it (apt-get install $*)" >&2; exit 1; }
        runner=sudo
    fi
    $runner apt-get update -qq && $runner apt-get install -y -qq "$@"
}
[ -x /usr/bin/time ] || apt_install time
command -v xmllint >/dev/null || apt_install libxml2-utils
command -v pkg-config >/dev/null && pkg-config --exists libxml-2.0 || apt_install pkg-config libxml2-dev

# ---------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------
if [ ! -s "$FILE" ] || [ ! -s "$SUMMARY" ]; then
    log "generating $FILE"
    # shellcheck disable=SC2086
    python3 "$GENERATOR" "$FILE" --summary "$SUMMARY" ${BENCH_GEN_ARGS:-}
else
    log "using existing $FILE ($(stat -c %s "$FILE") bytes)"
fi
SIZE=$(stat -c %s "$FILE")

# ---------------------------------------------------------------------------------------------
# Builds
# ---------------------------------------------------------------------------------------------
log "compiling Benchmarks/sax_floor.c"
# shellcheck disable=SC2046
gcc -O2 -Wall -o "$DATA/sax_floor" Benchmarks/sax_floor.c $(pkg-config --cflags --libs libxml-2.0)

# build PRODUCT: release build; retried when a source file changed during the build (others
# may be editing the package while this runs).
build() {
    local attempt
    for attempt in 1 2 3 4 5; do
        if swift build -c release --scratch-path "$SCRATCH" --product "$1" >"$OUT/build-$1.log" 2>&1; then
            tail -1 "$OUT/build-$1.log" >&2
            return 0
        fi
        grep -q "was modified during the build" "$OUT/build-$1.log" || break
        echo "   sources changed during the build of $1; retrying ($attempt)" >&2
        sleep 10
    done
    grep -E "error" "$OUT/build-$1.log" | head -5 >&2
    return 1
}
log "swift build -c release (scratch $SCRATCH)"
build VasprunBenchmark
# The CLI row is optional: a build failure elsewhere in the package (work in progress) only drops it.
HAVE_CLI=1
build cascade || {
    HAVE_CLI=0
    echo "warning: 'cascade' did not build; the 'cascade parse' row is skipped" >&2
}
BIN=$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)

# ---------------------------------------------------------------------------------------------
# Python venv (pymatgen, ASE)
# ---------------------------------------------------------------------------------------------
PY=""
if [ "$SKIP_PYTHON" != 1 ]; then
    if [ -z "${VENV:-}" ]; then
        if [ -x .venv-bench/bin/python ]; then VENV=.venv-bench
        elif [ -x /work/.venv-bench/bin/python ]; then VENV=/work/.venv-bench
        else VENV=.venv-bench
        fi
    fi
    if [ ! -x "$VENV/bin/python" ]; then
        log "creating venv $VENV"
        python3 -m venv "$VENV"
    fi
    PY=$VENV/bin/python
    if ! "$PY" -c "import pymatgen.io.vasp, ase.io" 2>/dev/null; then
        log "pip install pymatgen ase into $VENV"
        "$PY" -m pip install -q pymatgen ase
    fi
fi

# ---------------------------------------------------------------------------------------------
# Timing
# ---------------------------------------------------------------------------------------------
# run_once ID LABEL RUN CMD...: runs CMD once under /usr/bin/time -v and appends
# "ID<TAB>LABEL<TAB>run<TAB>wall_s<TAB>rss_kb<TAB>cpu_s<TAB>load1" to runs.tsv (load1: the 1-minute
# load average just before the run).
run_once() {
    local id=$1 label=$2 i=$3
    shift 3
    local load
    load=$(cut -d' ' -f1 /proc/loadavg)
    $NICE_CMD /usr/bin/time -v -o "$OUT/$id.$i.time" "$@" >"$OUT/$id.$i.out" 2>"$OUT/$id.$i.err" || {
        echo "FAILED: $* (see $OUT/$id.$i.err)" >&2
        tail -5 "$OUT/$id.$i.err" >&2
        return 1
    }
    local wall rss cpu
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {
               n = split($2, p, ":"); s = 0
               for (k = 1; k <= n; k++) s = s * 60 + p[k]
               print s }' "$OUT/$id.$i.time")
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$OUT/$id.$i.time")
    cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$OUT/$id.$i.time")
    printf '%s\t%s\t%d\t%s\t%s\t%s\t%s\n' "$id" "$label" "$i" "$wall" "$rss" "$cpu" "$load" >>"$OUT/runs.tsv"
    printf '   %-14s run %d: %s s wall, %s s CPU, peak RSS %s KB (load %s)\n' "$id" "$i" "$wall" "$cpu" "$rss" "$load" >&2
    # A tool slower than SLOW_SECONDS runs once only.
    if [ "$i" -eq 1 ] && ! awk -v w="$wall" -v s="$SLOW_SECONDS" 'BEGIN { exit !(w < s) }'; then
        SLOW="$SLOW $id"
    fi
}

# The tools, as "ID|LABEL|CMD ARGS..." (arguments without spaces). They run in rounds — every tool
# once per round — so that a change of the machine's load during the run affects all alike.
TOOLS=(
    "xmllint|xmllint --stream|xmllint --stream --huge --noout $FILE"
    "floor|sax_floor (libxml2 SAX2, empty callbacks)|$DATA/sax_floor $FILE"
    "floor_ienc|sax_floor --ignore-enc (experiment)|$DATA/sax_floor $FILE --ignore-enc"
    "cascade|Cascade Vasprun.read (full, projections)|$BIN/VasprunBenchmark $FILE --json"
    "cascade_noproj|Cascade Vasprun.read --no-projected|$BIN/VasprunBenchmark $FILE --no-projected --json"
)
[ "$HAVE_CLI" = 1 ] && TOOLS+=("cascade_cli|cascade parse (CLI, end to end)|$BIN/cascade parse $FILE")
if [ -n "$PY" ]; then
    TOOLS+=("pymatgen|pymatgen Vasprun(parse_projected_eigen=True)|$PY Benchmarks/pymatgen_read.py $FILE")
    [ "$SKIP_ASE" = 1 ] || TOOLS+=("ase|ASE read(index=':', format='vasp-xml')|$PY Benchmarks/ase_read.py $FILE")
fi

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
if awk -v l="${LOAD_BEFORE%% *}" -v n="$(nproc)" 'BEGIN { exit !(l > n / 2) }'; then
    echo "warning: load average $LOAD_BEFORE on $(nproc) cores: other work is running, timings will be noisy" >&2
fi
log "warming the page cache"
cat "$FILE" >/dev/null

SLOW=""
for round in $(seq 1 "$REPEAT"); do
    log "round $round of $REPEAT"
    for tool in "${TOOLS[@]}"; do
        IFS='|' read -r id label cmd <<<"$tool"
        [[ " $SLOW " == *" $id "* ]] && continue
        # shellcheck disable=SC2086
        run_once "$id" "$label" "$round" $cmd
    done
done

# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------
REPORT=$OUT/report.md
{
    echo "## Machine"
    echo
    cpu_field() { grep -m1 "^$1" /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'; }
    echo "- CPU: $(cpu_field 'model name') (family $(cpu_field 'cpu family'), model $(cpu_field 'model\s'))$(grep -qw hypervisor /proc/cpuinfo && echo ', virtual machine'), nproc $(nproc)"
    echo "- RAM: $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
    echo "- OS: $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
    echo "- Swift: $(swift --version 2>&1 | head -1)"
    echo "- libxml2: $(pkg-config --modversion libxml-2.0) ($(xmllint --version 2>&1 | head -1))"
    [ -n "$PY" ] && echo "- Python: $("$PY" -c 'import sys, pymatgen.core, ase, numpy; import importlib.metadata as m; print(sys.version.split()[0], "pymatgen", m.version("pymatgen"), "(pymatgen-core", m.version("pymatgen-core") + ")", "ase", ase.__version__, "numpy", numpy.__version__, "lxml", m.version("lxml"))' 2>/dev/null)"
    dirty=$(git status --short -- Sources/Files Sources/VASP Sources/Chemistry 2>/dev/null | awk '{print $2}' | tr '\n' ' ')
    echo "- Cascade: commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')${dirty:+, uncommitted changes in $dirty}"
    echo "- file: $FILE, $SIZE bytes"
    echo "- load average before / after the timings: $LOAD_BEFORE / $(cut -d' ' -f1-3 /proc/loadavg)${NICE_CMD:+; timed commands run under \`$NICE_CMD\`}"
    echo
    echo "## Timings"
    echo
    python3 - "$OUT" "$SIZE" <<'PY'
import json, statistics, sys
out, size = sys.argv[1], int(sys.argv[2])
rows = {}
order = []
loads = []
for line in open(out + "/runs.tsv"):
    ident, label, run, wall, rss, cpu, load = line.rstrip("\n").split("\t")
    if ident not in rows:
        rows[ident] = {"label": label, "wall": [], "rss": [], "inner": [], "cpu": []}
        order.append(ident)
    rows[ident]["wall"].append(float(wall))
    rows[ident]["cpu"].append(float(cpu))
    rows[ident]["rss"].append(int(rss) * 1024)
    loads.append(float(load))
    # time measured inside the process (read only, no start-up or imports)
    text = open("%s/%s.%s.out" % (out, ident, run)).read()
    for l in text.splitlines():
        if l.startswith("JSON "):
            j = json.loads(l[5:])
            rows[ident]["inner"].append(j.get("read_seconds", j.get("min_seconds")))
            if "kept_bytes" in j:
                rows[ident]["kept"] = j["kept_bytes"]
        elif l.startswith("wall time: min "):
            rows[ident]["inner"].append(float(l.split()[3]))
med = statistics.median
def ref(ident, key):
    return med(rows[ident][key]) if ident in rows else None
x_wall, x_cpu = ref("xmllint", "wall"), ref("xmllint", "cpu")
p_wall, p_cpu = ref("pymatgen", "wall"), ref("pymatgen", "cpu")
ratio = lambda a, b: "%.2f" % (a / b) if b else "–"
print("| reader | runs | wall median (s) | wall min (s) | CPU median (s) | CPU min (s) | read time in process, median (s) | MB/s (wall median) | peak RSS (MB) | × xmllint, wall | × xmllint, CPU | pymatgen ÷ this, wall | pymatgen ÷ this, CPU |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for ident in order:
    r = rows[ident]
    w, c = med(r["wall"]), med(r["cpu"])
    inner = [x for x in r["inner"] if x is not None]
    print("| %s | %d | %.2f | %.2f | %.2f | %.2f | %s | %.0f | %.0f | %s | %s | %s | %s |" % (
        r["label"], len(r["wall"]), w, min(r["wall"]), c, min(r["cpu"]),
        "%.2f" % med(inner) if inner else "–", size / 1e6 / w, max(r["rss"]) / 1e6,
        ratio(w, x_wall), ratio(c, x_cpu),
        ratio(p_wall, w) if p_wall else "–", ratio(p_cpu, c) if p_cpu else "–"))
if "cascade" in rows and "kept" in rows["cascade"]:
    kept, peak = rows["cascade"]["kept"], max(rows["cascade"]["rss"])
    print()
    print("Cascade arrays kept: %.1f MB; peak RSS %.1f MB = arrays + %.1f MB (target: arrays + 100 MB)."
          % (kept / 1e6, peak / 1e6, (peak - kept) / 1e6))
print()
print("1-minute load average at the start of each run: %.1f–%.1f (median %.1f)." % (min(loads), max(loads), med(loads)))
PY
    echo
    echo "Wall time, CPU time (user + system) and peak RSS are /usr/bin/time -v of the whole process"
    echo "(start-up and, for Python, imports included); the in-process column is the reader's own"
    echo "clock around the read alone. Ratios use the medians; the tools ran in interleaved rounds."
    echo
    echo "## Values against the generator's summary ($SUMMARY)"
    echo
    readers=("Cascade=$OUT/cascade.1.out")
    [ -n "$PY" ] && readers+=("pymatgen=$OUT/pymatgen.1.out")
    [ -n "$PY" ] && [ "$SKIP_ASE" != 1 ] && readers+=("ASE=$OUT/ase.1.out")
    python3 Benchmarks/compare_summary.py "$SUMMARY" "${readers[@]}" || true
} | tee "$REPORT"

echo >&2
echo "report: $REPORT; raw logs: $OUT/" >&2
grep -q "all values read agree" "$REPORT"
