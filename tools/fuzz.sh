#!/usr/bin/env bash
# Builds and runs Cascade's libFuzzer targets (Fuzz/*.swift; outside `swift test`).
#
#   tools/fuzz.sh [TARGET|all] [SECONDS]   build, then fuzz each target SECONDS (default 60)
#   tools/fuzz.sh build [TARGET|all]       build only
#   tools/fuzz.sh regress [TARGET|all]     build, then run the regression inputs only
#   tools/fuzz.sh check                    exit 0 when this toolchain can build fuzzers (-sanitize=fuzzer)
#   tools/fuzz.sh list                     the targets
#
# Targets: vasprun vasprun-diff outcar poscar incar kpoints bader volumetric xdatcar manifest.
# Binaries, the growing corpora, crash artifacts and logs go to $CASCADE_FUZZ_DIR
# (default .build-fuzz/fuzz, gitignored). Seeds are copied at run time from the shared corpus
# ($CASCADE_CORPUS, default ../shared/corpus; never committed), the test fixtures and Fuzz/seeds.
# The modules are compiled straight from their folders with -sanitize=fuzzer,address (no Package.swift
# change): which modules, in which order and from which folder is read from Package.swift
# (`swift package describe`), and each is built from every .swift file under its folder at any depth
# (folders inside a module are fine, as for SwiftPM); Yams comes from SwiftPM's checkout (resolved on demand).
#
# Before fuzzing, every target runs once over its regression inputs (Tests/VASPTests/Fixtures/fuzz/
# TARGET/: earlier crashes and the adversarial-size files) with a 256 MB limit on any one allocation.
#
# Environment: CASCADE_FUZZ_NICE (default 10), CASCADE_FUZZ_JOBS (targets fuzzed at once, default 1),
# CASCADE_FUZZ_TIMEOUT (seconds one input may take before it counts as a hang, default 10),
# CASCADE_FUZZ_EXTRA (more libFuzzer flags, e.g.
# "-fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1" to collect every crash of a long run),
# CASCADE_FUZZ_TMP (folder of the per-input file; default /dev/shm), CASCADE_SCRATCH (SwiftPM scratch
# path holding checkouts/, default .build).
#
# Exit status: 0 when every target ran without a crash, timeout or out-of-memory; 1 otherwise
# (the reproducer is in $CASCADE_FUZZ_DIR/artifacts/TARGET/). Summary: $CASCADE_FUZZ_DIR/summary.tsv
# (time, target, seconds, executions, cov, ft, new artifacts, exit status, corpus files).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

# vasprun-diff (the fast path against libxml2) is run by name, not in `all` (the CI smoke): libxml2 itself
# answers differently for some damaged gzip inputs depending on chunking (issue 15, open).
TARGETS=(vasprun outcar poscar incar kpoints bader volumetric xdatcar manifest)
OUT=${CASCADE_FUZZ_DIR:-$ROOT/.build-fuzz/fuzz}
CORPUS=${CASCADE_CORPUS:-$ROOT/../shared/corpus}
NICE=${CASCADE_FUZZ_NICE:-10}
JOBS=${CASCADE_FUZZ_JOBS:-1}
TIMEOUT=${CASCADE_FUZZ_TIMEOUT:-10}
SWIFTC=${SWIFTC:-swiftc}
CLANG=${CLANG:-clang}
SAN=(-sanitize=fuzzer,address)
FUZZ_TMP=${CASCADE_FUZZ_TMP:-$( [ -d /dev/shm ] && [ -w /dev/shm ] && echo /dev/shm || echo "${TMPDIR:-/tmp}")}
SWIFT_FLAGS=(-O -parse-as-library -wmo -g "${SAN[@]}")
XML_FLAGS=(-I "$ROOT/Sources/CLibXML2" -I "$ROOT/Sources/CZlib" -I "$ROOT/Sources/CIsal" -Xcc -I/usr/include/libxml2)
if command -v pkg-config >/dev/null && pkg-config --exists libxml-2.0; then
  XML_FLAGS=(-I "$ROOT/Sources/CLibXML2" -I "$ROOT/Sources/CZlib" -I "$ROOT/Sources/CIsal")
  for f in $(pkg-config --cflags-only-I libxml-2.0); do XML_FLAGS+=(-Xcc "$f"); done
fi

# Largest input per target (bytes): the text formats are small; vasprun/OUTCAR/CHGCAR seeds are
# cut to this size (a prefix, and for OUTCAR also a suffix, of each corpus file).
max_len() {
  case $1 in
    vasprun|vasprun-diff|outcar) echo 65536 ;;
    volumetric) echo 32768 ;;
    xdatcar) echo 16384 ;;
    bader) echo 8192 ;;
    manifest) echo 16384 ;;
    *) echo 4096 ;;
  esac
}

log() { echo "fuzz: $*" >&2; }

# --- toolchain check -------------------------------------------------------------------------
check_toolchain() {
  local dir
  dir=$(mktemp -d)
  printf '@_cdecl("LLVMFuzzerTestOneInput")\npublic func f(_ d: UnsafePointer<UInt8>, _ n: Int) -> CInt { 0 }\n' > "$dir/t.swift"
  if "$SWIFTC" "${SAN[@]}" -parse-as-library "$dir/t.swift" -o "$dir/t" >/dev/null 2>&1 && "$dir/t" -runs=1 >/dev/null 2>&1; then
    rm -rf "$dir"; return 0
  fi
  rm -rf "$dir"; return 1
}

# --- building --------------------------------------------------------------------------------
# Every .swift file under a folder, at any depth, sorted (what SwiftPM compiles for a target there).
# Fails when there is none, so that a moved or renamed module cannot silently build as nothing.
sources_of() {
  local dir=$1 files
  files=$(find "$dir" -type f -name '*.swift' | LC_ALL=C sort)
  if [ -z "$files" ]; then log "no Swift sources under $dir"; return 1; fi
  printf '%s\n' "$files"
}

# A module's sources as an array: `module_sources NAME DIR` sets MODULE_SOURCES.
module_sources() {
  local list
  list=$(sources_of "$2") || exit 1
  mapfile -t MODULE_SOURCES <<< "$list"
}

# A module is rebuilt when one of its inputs is newer than its object file. Folders are inputs too:
# a folder's time changes when a file is added, removed or renamed in it.
stale() {
  local target=$1; shift
  [ -f "$target" ] || return 0
  [ -n "$(find "$@" -newer "$target" -print -quit 2>/dev/null)" ]
}

swift_module() {  # name, flags…, -- sources… (Cascade's modules in Swift 6 mode, as SwiftPM builds them)
  local name=$1; shift
  local flags=()
  while [ "$1" != "--" ]; do flags+=("$1"); shift; done
  shift
  local dirs=()
  mapfile -t dirs < <(printf '%s\n' "$@" | xargs -n1 dirname | LC_ALL=C sort -u)
  if stale "$OUT/lib/$name.o" "$@" "${dirs[@]}"; then
    log "compiling module $name"
    "$SWIFTC" "${SWIFT_FLAGS[@]}" -enable-testing -module-name "$name" -emit-module \
      -emit-module-path "$OUT/lib/$name.swiftmodule" -c "${flags[@]}" -I "$OUT/lib" "$@" -o "$OUT/lib/$name.o"
  fi
}

yams_dir() {
  local scratch=${CASCADE_SCRATCH:-.build}
  for d in "$scratch/checkouts/Yams" .build/checkouts/Yams; do
    [ -d "$d/Sources/Yams" ] && { echo "$ROOT/$d"; return; }
  done
  log "resolving packages (for Yams) into $scratch"
  swift package --scratch-path "$scratch" resolve >&2
  echo "$ROOT/$scratch/checkouts/Yams"
}

# Cascade's library modules that MODULE… need, dependencies first, one "NAME PATH USES_YAMS" line each,
# read from Package.swift (`swift package describe`), so a new module or a moved folder needs no edit here.
module_order() {
  (cd "$ROOT" && swift package describe --type json 2>/dev/null) | python3 -c '
import json, sys
targets = {t["name"]: t for t in json.load(sys.stdin)["targets"]}
order = []
def visit(name):
    t = targets.get(name)
    if t is None or t["type"] != "library" or name in order:
        return
    for dependency in t.get("target_dependencies") or []:
        visit(dependency)
    order.append(name)
for name in sys.argv[1:]:
    visit(name)
for name in order:
    uses_yams = "Yams" in (targets[name].get("product_dependencies") or [])
    print(name, targets[name]["path"], int(uses_yams))
' "$@"
}

build_yams() {  # compiles CYaml and Yams from SwiftPM's checkout; sets YAMS_INCLUDE
  local yams
  yams=$(yams_dir)
  local cyaml=$yams/Sources/CYaml
  YAMS_INCLUDE=$cyaml/include
  if stale "$OUT/lib/CYaml.a" "$cyaml"; then
    log "compiling CYaml"
    rm -rf "$OUT/lib/cyaml" && mkdir -p "$OUT/lib/cyaml"
    for c in "$cyaml"/src/*.c; do
      "$CLANG" -c -O2 -g -fsanitize=fuzzer-no-link,address -DYAML_DECLARE_STATIC -I "$cyaml/include" \
        "$c" -o "$OUT/lib/cyaml/$(basename "$c" .c).o"
    done
    rm -f "$OUT/lib/CYaml.a" && ar rcs "$OUT/lib/CYaml.a" "$OUT"/lib/cyaml/*.o
  fi
  module_sources Yams "$yams/Sources/Yams"
  swift_module Yams -DSWIFT_PACKAGE -I "$cyaml/include" -Xcc -DYAML_DECLARE_STATIC -- "${MODULE_SOURCES[@]}"
}

# Builds the modules ROOTS… need (see module_order); sets OBJECTS (what a fuzz binary links) and EXTRA
# (more compiler flags for it).
build_modules() {
  mkdir -p "$OUT/lib"
  OBJECTS=() EXTRA=()
  local order name path uses_yams
  order=$(module_order "$@")
  [ -n "$order" ] || { log "no module order from Package.swift (swift package describe failed)"; exit 1; }
  while read -r name path uses_yams; do
    local flags=(-swift-version 6 "${XML_FLAGS[@]}")
    if [ "$uses_yams" = 1 ]; then
      build_yams
      OBJECTS+=("$OUT/lib/Yams.o" "$OUT/lib/CYaml.a")
      EXTRA+=(-I "$YAMS_INCLUDE")
      # CASCADE_FUZZ_BUILD: no swift-crypto (Study's SHA256.swift; the manifest target never hashes).
      flags+=(-DCASCADE_FUZZ_BUILD -I "$YAMS_INCLUDE")
    fi
    module_sources "$name" "$ROOT/$path"
    swift_module "$name" "${flags[@]}" -- "${MODULE_SOURCES[@]}"
    OBJECTS+=("$OUT/lib/$name.o")
  done <<< "$order"
}

build_target() {
  local t=$1 name
  name=$(source_name "$t")
  if [ "$t" = manifest ]; then build_modules Study; else build_modules VASP Analysis; fi
  local bin=$OUT/bin/fuzz-$t
  mkdir -p "$OUT/bin"
  if stale "$bin" "$ROOT/Fuzz/$name.swift" "$ROOT/Fuzz/Support.swift" "${OBJECTS[@]}"; then
    log "linking fuzz-$t"
    quiet_link "$SWIFTC" "${SWIFT_FLAGS[@]}" -swift-version 6 -module-name "Fuzz$name" -I "$OUT/lib" "${XML_FLAGS[@]}" "${EXTRA[@]}" \
      "$ROOT/Fuzz/Support.swift" "$ROOT/Fuzz/$name.swift" "${OBJECTS[@]}" -lxml2 -lz -lisal -o "$bin"
  fi
}

# gold's "Cannot export local symbol '__asan_…'" warnings are harmless noise: hidden unless the link fails.
quiet_link() {
  local output=$OUT/bin/link.log
  if "$@" > "$output" 2>&1; then
    grep -v "Cannot export local symbol" "$output" >&2 || true
  else
    cat "$output" >&2
    return 1
  fi
}

source_name() {
  case $1 in
    vasprun) echo Vasprun ;; vasprun-diff) echo VasprunDiff ;; outcar) echo Outcar ;; poscar) echo Poscar ;; incar) echo Incar ;;
    kpoints) echo Kpoints ;; bader) echo Bader ;; volumetric) echo Volumetric ;; xdatcar) echo Xdatcar ;;
    manifest) echo Manifest ;;
    *) log "unknown target '$1' (one of: ${TARGETS[*]})"; exit 2 ;;
  esac
}

# --- seeds -----------------------------------------------------------------------------------
# Copies one file into the seed folder: decompressed, cut to the target's max_len (prefix; with
# `tail` also the suffix as a second seed).
add_seed() {
  local file=$1 dir=$2 limit=$3 mode=${4:-head}
  local base
  base=$(echo "$file" | sed "s|^$CORPUS/||; s|^$ROOT/||; s|/|_|g")
  if gzip -t "$file" 2>/dev/null; then
    gzip -dc "$file" | head -c "$limit" > "$dir/$base.head" || true
    [ "$mode" = tail ] && { gzip -dc "$file" | tail -c "$limit" > "$dir/$base.tail" || true; }
  else
    head -c "$limit" "$file" > "$dir/$base.head"
    [ "$mode" = tail ] && tail -c "$limit" "$file" > "$dir/$base.tail"
  fi
  return 0
}

corpus_files() {  # find expression on the corpus (absent corpus: nothing)
  [ -d "$CORPUS" ] || return 0
  find "$CORPUS" -type f "$@" 2>/dev/null | sort
}

make_seeds() {
  local t=$1 dir=$OUT/seeds/$t limit
  limit=$(max_len "$t")
  rm -rf "$dir" && mkdir -p "$dir"
  if [ -d "$ROOT/Fuzz/seeds/$t" ]; then cp "$ROOT/Fuzz/seeds/$t"/* "$dir/" 2>/dev/null || true; fi
  local f
  case $t in
    vasprun|vasprun-diff)
      for f in "$ROOT"/Tests/VASPTests/Fixtures/vasprun/*; do add_seed "$f" "$dir" "$limit"; done
      gzip -c -n "$ROOT/Tests/VASPTests/Fixtures/vasprun/h2o_gamma.xml" > "$dir/h2o_gamma.xml.gz" 2>/dev/null || true
      while read -r f; do add_seed "$f" "$dir" "$limit"; done < <(corpus_files -name '*vasprun*') ;;
    outcar)
      while read -r f; do add_seed "$f" "$dir" "$limit" tail; done < <(corpus_files -name 'OUTCAR*') ;;
    poscar)
      while read -r f; do add_seed "$f" "$dir" "$limit"; done < <(corpus_files \( -name 'POSCAR*' -o -name 'CONTCAR*' \)) ;;
    incar)
      while read -r f; do add_seed "$f" "$dir" "$limit"; done < <(corpus_files -name 'INCAR*') ;;
    kpoints)
      while read -r f; do add_seed "$f" "$dir" "$limit"; done < <(corpus_files \( -name 'KPOINTS*' -o -name 'IBZKPT' \)) ;;
    bader)
      while read -r f; do add_seed "$f" "$dir" "$limit"; done < <(corpus_files -path '*bader*' -name '*.dat') ;;
    volumetric)
      while read -r f; do add_seed "$f" "$dir" "$limit"; done < <(corpus_files -path '*volumetric*') ;;
    xdatcar)
      while read -r f; do add_seed "$f" "$dir" "$limit"; done < <(corpus_files -path '*xdatcar*') ;;
    manifest)
      for f in "$ROOT"/templates/studies/*.yaml "$ROOT"/templates/*.yaml; do [ -f "$f" ] && add_seed "$f" "$dir" "$limit"; done ;;
  esac
  # Regression inputs of earlier crashes are seeds too.
  if [ -d "$ROOT/Tests/VASPTests/Fixtures/fuzz/$t" ]; then cp "$ROOT/Tests/VASPTests/Fixtures/fuzz/$t"/* "$dir/" 2>/dev/null || true; fi
  find "$dir" -type f -empty -delete
}

# --- running ---------------------------------------------------------------------------------
run_target() {
  local t=$1 seconds=$2
  local bin=$OUT/bin/fuzz-$t work=$OUT/corpus/$t artifacts=$OUT/artifacts/$t logfile=$OUT/logs/$t.log
  mkdir -p "$work" "$artifacts" "$OUT/logs"
  make_seeds "$t"
  local dict=()
  [ -f "$ROOT/Fuzz/dict/$t.dict" ] && dict=(-dict="$ROOT/Fuzz/dict/$t.dict")
  log "running $t for ${seconds}s (max_len $(max_len "$t"), $(find "$OUT/seeds/$t" -type f | wc -l) seeds)"
  local status=0 stamp=$OUT/logs/$t.start tmp
  touch "$stamp"
  tmp=$(mktemp -d "$FUZZ_TMP/cascade-fuzz.XXXXXX")
  # SWIFT_BACKTRACE=enable=no: let libFuzzer/ASan see the trap and write the reproducer.
  # TMPDIR: the per-input file of Fuzz/Support.swift goes to memory when /dev/shm exists.
  TMPDIR=$tmp SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} \
    nice -n "$NICE" "$bin" "$work" "$OUT/seeds/$t" "${dict[@]}" \
    -max_len="$(max_len "$t")" -timeout="$TIMEOUT" -rss_limit_mb=2048 -malloc_limit_mb=2048 \
    -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$artifacts/" \
    ${CASCADE_FUZZ_EXTRA:-} > "$logfile" 2>&1 || status=$?
  rm -rf "$tmp"
  # Executions: the final stats, or (fork mode) the last status line `#N: cov: … ft: …`.
  local execs cov ft found
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$logfile" | tail -1 | grep -o '[0-9]*$' || true)
  [ -n "$execs" ] || execs=$(grep -oE '^#[0-9]+' "$logfile" | tail -1 | tr -d '#' || true)
  cov=$(grep -oE 'cov: [0-9]+' "$logfile" | tail -1 | grep -oE '[0-9]+' || true)
  ft=$(grep -oE 'ft: [0-9]+' "$logfile" | tail -1 | grep -oE '[0-9]+' || true)
  found=$(find "$artifacts" -type f -newer "$stamp" \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' -o -name 'slow-unit-*' \) | wc -l)
  local corp
  corp=$(find "$work" -type f | wc -l)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$t" "$seconds" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$found" "$status" "$corp" >> "$OUT/summary.tsv"
  printf 'fuzz: %-10s %6ss  execs %-10s cov %-6s ft %-7s corpus %-6s new artifacts %s  exit %s\n' "$t" "$seconds" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$corp" "$found" "$status" >&2
  if [ "$status" -ne 0 ] || [ "$found" -gt 0 ]; then
    log "$t FAILED: see $logfile and $artifacts/"
    grep -E 'ERROR:|Fatal error|fuzz contract|SUMMARY|Test unit written' "$logfile" | head -8 >&2 || true
    local a
    while read -r a; do
      log "reproducer: $a"
      log "  replay: SWIFT_BACKTRACE=enable=no $bin $a   (minimise: add -minimize_crash=1 -runs=10000)"
    done < <(find "$artifacts" -type f -newer "$stamp" | sort)
    return 1
  fi
}

# Runs each target once over its regression inputs (Tests/VASPTests/Fixtures/fuzz/TARGET/) with a
# tight allocation limit: no input may crash or make a single allocation above 256 MB.
regress_target() {
  local t=$1 dir=$ROOT/Tests/VASPTests/Fixtures/fuzz/$t
  [ -d "$dir" ] || return 0
  local files=("$dir"/*)
  [ -e "${files[0]}" ] || return 0
  log "regression inputs of $t: ${#files[@]}"
  local tmp status=0
  mkdir -p "$OUT/logs"
  tmp=$(mktemp -d "$FUZZ_TMP/cascade-fuzz.XXXXXX")
  TMPDIR=$tmp SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} \
    "$OUT/bin/fuzz-$t" -rss_limit_mb=1024 -malloc_limit_mb=256 -timeout=10 "${files[@]}" > "$OUT/logs/$t.regress.log" 2>&1 || status=$?
  rm -rf "$tmp"
  if [ "$status" -ne 0 ]; then
    log "$t: a regression input fails: see $OUT/logs/$t.regress.log"
    grep -E 'ERROR:|Fatal error|fuzz contract|SUMMARY|Running:' "$OUT/logs/$t.regress.log" | tail -6 >&2 || true
    return 1
  fi
}

# --- main ------------------------------------------------------------------------------------
command=${1:-all}
case $command in
  list) printf '%s\n' "${TARGETS[@]}"; exit 0 ;;
  regress)
    which=${2:-all}
    if [ "$which" = all ]; then regs=("${TARGETS[@]}"); else source_name "$which" >/dev/null; regs=("$which"); fi
    bad=0
    for t in "${regs[@]}"; do build_target "$t"; regress_target "$t" || bad=1; done
    exit $bad ;;
  check) check_toolchain; exit $? ;;
  build)
    which=${2:-all}
    if [ "$which" = all ]; then for t in "${TARGETS[@]}"; do build_target "$t"; done; else source_name "$which" >/dev/null; build_target "$which"; fi
    exit 0 ;;
esac

seconds=${2:-60}
if [ "$command" = all ]; then selected=("${TARGETS[@]}"); else source_name "$command" >/dev/null; selected=("$command"); fi
check_toolchain || { log "this toolchain cannot build libFuzzer targets (-sanitize=fuzzer)"; exit 2; }
for t in "${selected[@]}"; do build_target "$t"; done
failed=()
for t in "${selected[@]}"; do regress_target "$t" || failed+=("$t regression"); done
# CASCADE_FUZZ_JOBS targets at a time (default 1); a failed target is listed in $failures.
failures=$(mktemp)
for t in "${selected[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n || true; done
  ( run_target "$t" "$seconds" || echo "$t" >> "$failures" ) &
done
wait
while read -r t; do failed+=("$t"); done < "$failures"
rm -f "$failures"
if [ ${#failed[@]} -gt 0 ]; then
  log "failed: ${failed[*]}"
  exit 1
fi
log "all ${#selected[@]} target(s) ran ${seconds}s each without a crash"
