#!/usr/bin/env bash
# The tutorial's "run it" study (docs/tutorial.md, chapter 8): two relaxations of H on Ir(100) from the
# shared corpus, run on a SLURM (the local one of tools/slurm/local-cluster.sh) by a stand-in for VASP
# that writes real corpus outputs (Tests/IntegrationTests/fake-vasp):
#
#   tools/slurm/demo-study.sh DIR          writes DIR/study.yaml and DIR/structures/ (refuses a non-empty DIR)
#   tools/slurm/demo-study.sh --fake DIR   after `cascade generate DIR/study.yaml --out DIR/runs`: tells the
#                                          stand-in what each run does (a FAKE_VASP file per folder):
#     relax/ir-slab   converges (corpus adsorption/atomate_Ir_H/2)
#     relax/h-site0   waits for relax/ir-slab; stops on ZBRENT the first time, converges after `cascade
#                     resume` (corpus adsorption/atomate_Ir_H/3)
#
# The corpus is ../shared/corpus beside the repository, or CASCADE_CORPUS.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
corpus=${CASCADE_CORPUS:-$repo/../shared/corpus}
ir=$corpus/adsorption/atomate_Ir_H
[ -d "$ir" ] || { echo "demo-study: no corpus at $corpus (set CASCADE_CORPUS)" >&2; exit 1; }

if [ "${1:-}" = --fake ]; then
  out=${2:?usage: tools/slurm/demo-study.sh --fake DIR}
  for calc in relax/ir-slab relax/h-site0; do
    [ -f "$out/runs/$calc/job.sh" ] || { echo "demo-study: no $out/runs/$calc/job.sh: run cascade generate $out/study.yaml --out $out/runs first" >&2; exit 1; }
  done
  printf 'converged %s/2/outputs\n' "$ir" > "$out/runs/relax/ir-slab/FAKE_VASP"
  printf '# first run: ZBRENT; the run after `cascade resume`: converged\nzbrent %s/3/outputs\nconverged %s/3/outputs\n' "$ir" "$ir" > "$out/runs/relax/h-site0/FAKE_VASP"
  echo "relax/ir-slab will converge; relax/h-site0 will stop on ZBRENT, then converge after cascade resume"
  exit 0
fi

out=${1:?usage: tools/slurm/demo-study.sh DIR | --fake DIR}
if [ -e "$out" ] && [ -n "$(ls -A "$out")" ]; then
  echo "demo-study: $out is not empty; choose a new folder" >&2
  exit 1
fi
mkdir -p "$out/structures"
cp "$ir/2/outputs/POSCAR" "$out/structures/ir-slab.vasp"
cp "$ir/3/outputs/POSCAR" "$out/structures/h-site0.vasp"
chmod u+w "$out"/structures/*
vasp="srun $repo/Tests/IntegrationTests/fake-vasp"
cat > "$out/study.yaml" <<YAML
# The tutorial's "run it" study (docs/tutorial.md): corpus structures, a VASP stand-in that writes
# real corpus outputs (tools/slurm/demo-study.sh). On a real cluster, vasp: is your VASP command.
study: run-demo
title: H on Ir(100) through SLURM (corpus runs, VASP stand-in)
structures: structures
input_sets: $repo/templates
job: {vasp: "$vasp", vasp_gamma: "$vasp", ntasks_per_node: 1, time: "00:05:00"}
systems:
  - {name: ir-slab, file: ir-slab.vasp, charge: 0, multiplicity: 1, kind: slab}
  - {name: h-site0, file: h-site0.vasp, charge: 0, multiplicity: 2, kind: slab}
calculations:
  - {name: relax/ir-slab, set: relax, system: ir-slab}
  - {name: relax/h-site0, set: relax, system: h-site0, after: [relax/ir-slab]}
YAML
echo "wrote $out/study.yaml and $out/structures/ (ir-slab.vasp, h-site0.vasp)"
