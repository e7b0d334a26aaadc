#!/usr/bin/env bash
# Assembles the tutorial's "finished runs" (docs/tutorial.md) from the shared corpus of real VASP
# outputs, so that `cascade tabulate` has something to read without a cluster:
#
#   tools/demo-runs.sh DIR
#
# writes DIR/demo.yaml (a study manifest naming the calculations below) and DIR/runs/:
#   relax/ir-slab          Ir(100) slab, 4 atoms          corpus adsorption/atomate_Ir_H/2
#   relax/h-site0, h-site1 H on a 2×2 Ir(100) slab        corpus adsorption/atomate_Ir_H/3, 4
#   relax/h-site2          the same as a killed job: vasprun.xml cut short, no OUTCAR (atomate_Ir_H/5)
#   relax/nh3-a, nh3-b     not run: only their POSCARs (so they show as missing)
#   neb/nh3-inversion      a VTST NEB, images 00…04       corpus neb/aiida-vasp_NH3_inversion
#   static/oso2            a run with a projected DOS     corpus vasprun/sumo/OsO2 (the electronic set)
#
# The corpus is ../shared/corpus beside the repository, or CASCADE_CORPUS. Files are copied (the
# corpus is read-only); nothing is written outside DIR, and a non-empty DIR is refused.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
corpus=${CASCADE_CORPUS:-$repo/../shared/corpus}
out=${1:?usage: tools/demo-runs.sh DIR}

[ -d "$corpus/adsorption/atomate_Ir_H" ] || { echo "demo-runs: no corpus at $corpus (set CASCADE_CORPUS)" >&2; exit 1; }
if [ -e "$out" ] && [ -n "$(ls -A "$out")" ]; then
  echo "demo-runs: $out is not empty; choose a new folder" >&2
  exit 1
fi
runs=$out/runs

# copy FROM TO: the files of a corpus run folder into runs/TO
copy() {
  mkdir -p "$runs/$2"
  cp -R "$corpus/$1"/. "$runs/$2"/
  chmod -R u+w "$runs/$2"
}

copy adsorption/atomate_Ir_H/2/outputs relax/ir-slab
copy adsorption/atomate_Ir_H/3/outputs relax/h-site0
copy adsorption/atomate_Ir_H/4/outputs relax/h-site1

# A killed job: the vasprun.xml stops in the middle of the run, the OUTCAR is gone, and the files
# are two days old (a fresh, incomplete file would be reported as still running).
copy adsorption/atomate_Ir_H/5/outputs relax/h-site2
gunzip -c "$runs/relax/h-site2/vasprun.xml.gz" | head -c 60000 > "$runs/relax/h-site2/vasprun.xml" || true  # gunzip gets SIGPIPE
[ "$(wc -c < "$runs/relax/h-site2/vasprun.xml")" -eq 60000 ] || { echo "demo-runs: could not cut the vasprun.xml" >&2; exit 1; }
rm -f "$runs/relax/h-site2/vasprun.xml.gz" "$runs/relax/h-site2/OUTCAR.gz"
touch -d '2 days ago' "$runs/relax/h-site2"/*

copy neb/aiida-vasp_NH3_inversion neb/nh3-inversion
rm -f "$runs/neb/nh3-inversion/vasprun.xml"   # the malformed file several images wrote into at once
mkdir -p "$runs/relax/nh3-a" "$runs/relax/nh3-b"
cp "$runs/neb/nh3-inversion/00/POSCAR" "$runs/relax/nh3-a/POSCAR"
cp "$runs/neb/nh3-inversion/04/POSCAR" "$runs/relax/nh3-b/POSCAR"

copy vasprun/sumo/OsO2 static/oso2

cat > "$out/demo.yaml" <<EOF
# The tutorial's demo study (docs/tutorial.md): real runs from the corpus, assembled by
# tools/demo-runs.sh. Every key is described in docs/study-manifest.md.
study: demo
title: H on Ir(100) and the inversion of NH3 (corpus runs)
structures: runs
input_sets: $repo/templates
job: {template: $repo/templates/slurm.sh}

systems:
  - {name: ir-slab, file: relax/ir-slab/POSCAR, charge: 0, multiplicity: 1}
  - {name: h-site0, file: relax/h-site0/POSCAR, charge: 0, multiplicity: 2}
  - {name: h-site1, file: relax/h-site1/POSCAR, charge: 0, multiplicity: 2}
  - {name: h-site2, file: relax/h-site2/POSCAR, charge: 0, multiplicity: 2}
  - {name: nh3-a, file: relax/nh3-a/POSCAR, charge: 0, multiplicity: 1}
  - {name: nh3-b, file: relax/nh3-b/POSCAR, charge: 0, multiplicity: 1}
  # No POSCAR in static/oso2 (the corpus keeps only its vasprun.xml.gz): tabulate does not read it.
  - {name: oso2, file: static/oso2/POSCAR, charge: 0, multiplicity: 1}

calculations:
  - name: relax/{system}
    set: relax
    systems: [ir-slab, h-site0, h-site1, h-site2, nh3-a, nh3-b]
  - {name: neb/nh3-inversion, set: neb, initial: relax/nh3-a, final: relax/nh3-b, images: 3}
  - {name: static/oso2, set: static, system: oso2}

quantities:
  # The H runs are 2×2 supercells of the slab run, so the slab enters four times. There is no H₂
  # run: subtract ½E(H₂) yourself for an adsorption energy.
  energies:
    - {name: "E(H/Ir site 0) − 4E(slab)", complex: relax/h-site0, parts: [relax/ir-slab, relax/ir-slab, relax/ir-slab, relax/ir-slab]}
    - {name: "E(H/Ir site 1) − 4E(slab)", complex: relax/h-site1, parts: [relax/ir-slab, relax/ir-slab, relax/ir-slab, relax/ir-slab]}
    - {name: "E(H/Ir site 2) − 4E(slab)", complex: relax/h-site2, parts: [relax/ir-slab, relax/ir-slab, relax/ir-slab, relax/ir-slab]}
  pathways:
    - {name: NH3 inversion, steps: [neb/nh3-inversion]}
  bonds:
    - {name: Ir–H, calculations: [relax/h-site0, relax/h-site1], elements: [Ir, H], within: 2.2}
  electronic:
    # E_F, gaps and the Os d-band centre, width and filling of the projected-DOS run (seed Fig. 2b).
    - {name: Os d band, calculations: [static/oso2], elements: [Os]}
EOF
echo "demo runs in $runs; manifest $out/demo.yaml"
