#!/usr/bin/env python3
"""Writes structures/README.md from the build record (.build-struct/xtb/build-index.json, written by
build.py) and the distances measured on the committed POSCARs (measure.py).

    python3 tools/structures/readme.py [--workdir DIR] [--out structures]
"""
from __future__ import annotations

import argparse
import io
import json
import os
import sys
from contextlib import redirect_stdout

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import measure  # noqa: E402

INTRO = """\
# structures/ — starting geometries of the founding study

Starting geometries for the DFT part of the seed study (TFSI⁻ on NH₂-MIL-101(Fe), on CoPc and on
MOF@CoPc; the four-step decomposition of LiTFSI to LiF). `structures.yaml` indexes them for
`cascade generate`; the POSCARs are what Cascade and its tests (`Tests/StudyTests/StructuresTests.swift`)
read — no chemistry program is needed to build or test Cascade.

They are **starting points for VASP (PBE-D3) relaxations, not results**: pre-optimised with GFN2-xTB
where GFN2 is trustworthy, built from crystal distances or assembled rigidly where it is not (below).

## How they are made

```
apt-get install -y xtb                    # Debian bookworm package xtb 6.5.1 (GFN2-xTB)
python3 tools/structures/build.py         # numpy + xtb; writes structures/**/*.vasp, structures.yaml
                                          # and this README (readme.py) with the measured distances
python3 tools/structures/measure.py       # the distance table alone
```

Options of `build.py`: `--vacuum 12` (minimum vacuum between periodic images, Å), `--box common|own`
(one cell for every file, the default, or a cell per file), `--workdir` (xtb runs; default
`.build-struct/xtb`). Nothing is random: adsorption orientations are a fixed grid, every xtb run is
single-threaded (`OMP_NUM_THREADS=1`) and cached by a hash of its input, so re-running reproduces the
files. The scripts: `geom.py` (vector geometry), `molecules.py` (hand-built TFSI⁻, CoPc, MOF cluster,
CoPc dimer), `adsorb.py` (orientation grid, hydrogen bonds), `xtb.py` (runs `xtb`), `poscar.py`
(writer), `build.py` (the pipeline), `measure.py`, `readme.py`.

**Cell.** {cellsentence} Each structure is turned to its principal axes and centred.

**POSCARs.** VASP 5 format, Cartesian, atoms grouped by element in the order Fe Co Li S N O C F H
(only those present), `Selective dynamics` when atoms are fixed (`F F F` = fixed, the `fixed` list
of `structures.yaml`, 0-based). The first line names the entry, charge and multiplicity.

**Spin.** `multiplicity` is 2S+1 of the intended initial state and `magmom` the initial moment per
element (μB): Fe(III) high spin 5, Co(II) low spin 1, all **ferromagnetically** aligned (below).
The five states of one pathway share one multiplicity, so a fixed NUPDOWN = 2S (as
`templates/relax.yaml` sets it) keeps all of them, and every NEB image, on one spin surface; whether
that state is also the lowest once bonds are broken (radical fragments in s1–s3) is worth one check
with the moment left free (no NUPDOWN).
"""

RATIONALE = """ One cell for all means that every energy difference of the study subtracts
calculations with the same cell and FFT grid. The spurious electrostatic energy of a charged cell
(Makov–Payne monopole term q²·α/(2L), ≈ 0.7 eV for q = 1 in a 30 Å cube) then cancels to first order
wherever the same charge appears on both sides — E_ads of TFSI⁻ on MOF, CoPc and MOF@CoPc, and every
pathway step (all neutral). It does **not** cancel in E(Li⁺–TFSI⁻) = E(LiTFSI) − E(Li⁺) − E(TFSI⁻)
(eq. 4), where two ions of opposite sign are computed apart: those two need a monopole correction
(VASP LMONO/IDIPOL = 4 with DIPOL at the centre) or an extrapolation in L. `--box own` gives each file
its own cell."""

MOF_MODEL = """\
## The NH₂-MIL-101(Fe) cluster model

MIL-101 is built from Fe₃(μ₃-O) trimers joined by terephthalate linkers into supertetrahedra with
29 and 34 Å cages; a periodic cell has thousands of atoms, so the study uses the trimer as a cluster:

**Fe₃(μ₃-O)(2-aminobenzoate)₆(OH)(H₂O), one Fe open** — 105 atoms, Fe₃C₄₂H₃₉N₆O₁₅.

- **Core at crystal distances**, not optimised: Fe–O(μ₃) 1.915 Å (Fe···Fe 3.317 Å), Fe–O(carboxylate)
  2.02 Å, carboxylate C–O 1.265 Å and O–C–O 125°, syn–syn bridging with O(μ₃)–Fe–O(carboxylate) 90°
  (the values of MIL-100/101(Fe) and of Fe₃O(O₂CR)₆L₃ complexes). GFN2 cannot hold an Fe(III)₃O
  core (high spin breaks it, low spin collapses it), so the Fe₃O(O₂C)₆ core and the terminal O are
  frozen (`$fix`) in every GFN2 run; only the rings, NH₂ groups and H atoms relax.
- **Linkers cut at the para position and capped with H**: each terephthalate becomes a benzoate bound
  to the trimer by its carboxylate. The far carboxylate belongs to the next trimer; replacing it by H
  (the *cap*) keeps the parts the study needs — the carboxylate, the π ring that CoPc stacks on, and the
  NH₂ group — at half the size of keeping whole linkers (and no stray COOH donors near the anion).
- **NH₂ ortho to the bound carboxylate** on every linker (2-aminoterephthalate has its NH₂ ortho to one
  carboxylate; here it is put on the trimer side). On the four linkers that touch the open Fe the NH₂
  sits on the open-site side: these are the donors of the N–H···O/F hydrogen bonds to adsorbed TFSI⁻.
  The other N–H of each group makes the intramolecular N–H···O(carboxylate) bond seen in NH₂-MIL-101.
- **Terminal ligands**: OH⁻ on Fe0 (charge balance; MIL-101 has one F⁻/OH⁻ per trimer), H₂O on Fe1,
  and **Fe2 left open** — the coordinatively unsaturated Fe(III) of activated MIL-101, the Lewis acid
  site to which TFSI⁻ binds (O=S→Fe³⁺). Keeping it open in the bare cluster makes
  E_ads = E(MOF–TFSI⁻) − E(MOF) − E(TFSI⁻) a plain difference (no ligand exchange).
- **Charge**: 3 Fe³⁺ (+9) + μ₃-O²⁻ (−2) + 6 RCOO⁻ (−6) + OH⁻ (−1) = **0**.
- **Spin**: each Fe(III) high spin d⁵ (S = 5/2), **ferromagnetic**: S = 15/2, **2S+1 = 16**, MAGMOM
  Fe 5. The true ground state of the triangle is antiferromagnetic (frustrated; the broken-symmetry
  ↑↑↓ state has 2S+1 = 6) and lies ≈ 0.15–0.2 eV below the ferromagnetic one (E_F − E_BS = −50J with
  J ≈ −25 to −30 cm⁻¹, H = −2J ΣSᵢ·Sⱼ, for Fe₃O carboxylates). The ferromagnetic state is chosen because it is a
  single well-defined determinant that VASP reaches reliably from MAGMOM = 5 on every Fe, because the
  index gives moments per element (↑↑↓ needs per-atom MAGMOM), and because every number of the study
  is a difference at fixed spin on the same cluster, where the exchange energy cancels as long as the
  adsorbate does not change J much. For the broken-symmetry state set MAGMOM per atom (5 5 −5) and
  2S+1 = 6 in the manifest. Add the Co(II)
  doublet for MOF@CoPc (ferromagnetic: 2S+1 = 17).
- **Fixed in VASP** (`fixed`): the Fe₃O(O₂C)₆ core (22 atoms) and the six cap H atoms, which stand
  for the rigid framework the cluster is cut from; everything else relaxes.
"""

LIMITS = """\
## GFN2-xTB limits and how they were handled

"Issue": reported in the generation issue and not re-tested here; the other rows were seen in these runs.

| GFN2 behaviour | seen | handling |
|---|---|---|
| TFSI⁻: C–F, S–O, S–N right; S–C long, S–N–S small | here: free TFSI⁻ C–F 1.332–1.342, S=O 1.429–1.432, S–N 1.574, S–C 1.896 Å, S–N–S 117.3° (crystal/DFT ≈ 1.86 Å and ≈ 125°) | kept (the test windows accept it); VASP corrects it |
| LiTFSI: Li–O short | here: 1.662 Å (DFT ≈ 1.9 Å) | kept; inside the 1.60–2.10 Å window |
| CoPc from a D4h build stays planar; an RDKit embed comes out saddled | here: D4h build stays planar, Co–N 1.896 Å; RDKit: issue | CoPc built D4h by hand, relaxed with `--uhf 1` |
| π-stack compressed to ≈ 3.0 Å | issue | MOF@CoPc and the CoPc dimer assembled rigidly at 3.40 Å, not relaxed with GFN2 |
| no spin setting keeps an Fe(III)₃O core (high spin breaks it, low spin collapses it) | issue | core built at crystal distances and frozen (`$fix`) in every run |
| Fe(III)–O(sulfonyl) long | here: 2.40–2.50 Å unrestrained (an O donor on an open Fe(III) site is ≈ 2.1–2.2 Å) | restrained to 2.20 Å (`$constrain`, xtb's default force constant; ends at 2.24–2.25 Å) |
| TFSI⁻ on the MOF H-bonded through its N opens S–N–S | here: 134.9° in the lowest orientation | the lowest-energy orientation inside the windows is used (0.12 eV higher, 127.9°) |
| Li⁺ drawn onto the cluster's carboxylate O next to Fe³⁺ | here: Li···Fe 2.3–2.6 Å, 1.4–1.5 eV below Li⁺ on the anion | Li⁺ sites on the catalyst not used for s0 (see the pathway) |
| fragments of the pathway change their bonding when relaxed | here: N–S1 1.50, S–O 1.52, S–C 1.99 Å, S–N–S > 140° | pathway states built by rigid fragment moves; only Li relaxed |
"""

PATHWAY = """\
## The decomposition pathway

For each catalyst ∈ {{mof, copc, mof-copc}}, `pathway/<catalyst>/s0…s4.vasp` hold the same atoms in the
same order (catalyst, TFSI⁻, Li⁺) in the same cell: step *i* is the NEB from s(*i*−1) to s(*i*).
TFSI atom labels (build order, `tools/structures/molecules.py`): N, S1, S2, O11, O12, C1, O21, O22, C2,
F11–F13 (on C1), F21–F23 (on C2); O11 is the O on the metal, S2 the sulfonyl that leaves.

- **s0 = adsorbed LiTFSI**: `adsorbed/tfsi@<catalyst>` plus a Li⁺ next to the anion. Twelve Li⁺ start
  sites (the best-coordinated clash-free spots 1.9 Å from the anion's free O, N and F atoms, a fixed
  grid) were relaxed with only Li free; the file holds the lowest-energy one with two or more anion
  ligands, no contact with the catalyst, ≥ 3 Å from Fe/Co and inside the test windows. On the MOF and
  on MOF@CoPc GFN2 puts Li⁺ lower (by ≈ 1.4–1.5 eV) on the cluster's carboxylate O next to an Fe;
  those sites were rejected: the pathway starts from the electrolyte's LiTFSI ion pair (1 M LiTFSI) on
  the catalyst, not a Li⁺ bound to the cluster 2.3–2.6 Å from Fe³⁺ (a site GFN2's charge model
  favours and which PBE may well not). Including Li⁺
  from the start is what makes the last step (F + Li → LiF) an NEB between states with the same atoms.
- The whole system is **neutral** (catalyst 0, TFSI⁻ −1, Li⁺ +1): the electrons that drive the
  decomposition come from the catalyst inside the cell (the paper's Bader analysis: 0.83 e from CoPc to
  TFSI⁻), so no charged cell and no compensating background are needed, and the barriers on MOF, CoPc
  and MOF@CoPc differ only by the catalyst.
- **s1, N–S cleavage**: S2O₂CF₃ moved rigidly along N→S2 to N···S2 = 2.90 Å (Li⁺ carried along by
  the share of its ligands in the moving group), then only Li relaxed.
- **s2, CF₃ loss**: CF₃ moved rigidly along S2→C2 to S2···C2 = 3.00 Å, then only Li relaxed.
- **s3, C–F cleavage (CF₃ → CF₂ + F)**: one F of C2 moved along C2→F to C2···F = 2.5–2.9 Å — the
  F and distance that bring it closest to Li⁺ while ≥ 2.6 Å away (no LiF yet); nothing relaxed.
- **s4, F + Li → LiF**: Li moved to 1.70 Å from that F, then only Li relaxed.

Why constructed, not GFN2-relaxed: relaxing the fragments of a neutral cell with GFN2 (tried) turns
them into something else — the remaining N–S1 shortens to 1.50 Å, S–O stretches to 1.52 Å, S–C to
1.99 Å, S–N–S opens past 140°, the cleaved F bonds Li one state early and Li⁺ wanders up to 3.5 Å —
so consecutive states would differ everywhere and leave the test windows. Here every fragment keeps
the internal geometry of `tfsi@<catalyst>`, the catalyst is identical in all five states (VASP's fixed
atoms coincide exactly), and consecutive states differ only where the chemistry happens (largest
displacement 1.1–1.3 Å for the fragment moves, 1.2–3.3 Å for Li in the last step). VASP relaxes each
state with the catalyst's `fixed` atoms frozen.
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--workdir", default=os.path.join(os.getcwd(), ".build-struct", "xtb"))
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.dirname(HERE)), "structures"))
    args = ap.parse_args()
    write(args.workdir, args.out)


def signed(q):
    """Charge as written in the tables: −1, 0, +1."""
    return f"{q:+d}".replace("-", "−") if q else "0"


def write(workdir, out_dir):
    """Writes out_dir/README.md from workdir/build-index.json and the POSCARs in out_dir."""
    args = argparse.Namespace(workdir=workdir, out=out_dir)
    index = json.load(open(os.path.join(args.workdir, "build-index.json")))
    _, cell, _, _, _ = measure.read_poscar(os.path.join(args.out, index[0]["file"]))
    dims = " × ".join(f"{cell[k][k]:.1f}" for k in range(3)) + " Å"
    meta = json.load(open(os.path.join(args.workdir, "build-meta.json")))
    if meta["box"] == "common":
        sentence = (f"Every file sits in the same orthorhombic cell ({dims}), the smallest that leaves "
                    f"≥ {meta['vacuum']:g} Å of vacuum between periodic images of the largest system."
                    + RATIONALE)
    else:
        sentence = (f"Every file has its own orthorhombic cell with ≥ {meta['vacuum']:g} Å of vacuum between "
                    "periodic images (`--box own`).")
    out = [INTRO.format(cellsentence=sentence), MOF_MODEL]
    out.append("## Files\n")
    out.append("| name | file | atoms | charge | 2S+1 | fixed in VASP | description |")
    out.append("|---|---|---|---|---|---|---|")
    for e in index:
        nat = sum(1 for _ in measure.read_poscar(os.path.join(args.out, e["file"]))[2])
        g = e.get("groups", {})
        fx = (f"{len(e['fixed'])}: Fe₃O(O₂C)₆ core + {len(g.get('caps', []))} cap H" if e["fixed"] and "core" in g
              else f"{len(e['fixed'])} atoms" if e["fixed"] else "none")
        out.append(f"| `{e['name']}` | `{e['file']}` | {nat} | {signed(e['charge'])} | {e['multiplicity']} | {fx} | {e['description']} |")
    out.append("\n### How each file was made\n")
    out.append("The xtb command of each file, run by `build.py` in its own folder under the work directory "
               "(`in.xyz`, and `xcontrol` with the `$fix`/`$constrain` blocks in build-order atom numbers); "
               "what was fixed or held is said in words after the command.\n")
    for e in index:
        out.append(f"- **`{e['name']}`** — charge {signed(e['charge'])}, 2S+1 = {e['multiplicity']} "
                   f"(`--uhf {e['multiplicity'] - 1}`)")
        for cmd, note in e["xtb"]:
            out.append(f"  - `{cmd}`" + (f" — {note}" if note else ""))
        for n in e.get("notes", []):
            out.append(f"  - {n}")
    out.append("")
    out.append(PATHWAY.format())
    out.append("## Measured distances (Å, degrees) on the committed POSCARs\n")
    out.append("Ranges over all bonds of a kind (bond = d ≤ 1.2 × sum of Cordero covalent radii, Fe/Co high-spin "
               "radii as in Cascade's `Element`). Test windows: C–F 1.30–1.38, S–N 1.54–1.63, S=O 1.40–1.48, "
               "S–C 1.78–1.95, S–N–S 105–130°, Co–N 1.85–1.97 (four within 0.02), Fe–O(μ₃) 1.85–2.00, "
               "Fe–O(carboxylate) 1.95–2.15, Fe···Fe 3.20–3.45, N–H 0.99–1.04, Li–O 1.60–2.10; no pair closer "
               "than 0.75 × the sum of covalent radii (last column: the smallest d/(rᵢ+rⱼ)); CoPc heavy-atom "
               "RMS from its plane < 0.05; ≥ 10 Å vacuum. Fe–O(S) and Co–O(S): the anion's O on the metal; Li–F: Li⁺ "
               "contacts with F (the CF₃ fluorines in s0–s2, the LiF bond in s4).\n")
    buf = io.StringIO()
    with redirect_stdout(buf):
        measure.main(args.out)
    out.append(buf.getvalue())
    out.append(LIMITS)
    out.append(APPROX)
    text = "\n".join(out).rstrip() + "\n"
    path = os.path.join(args.out, "README.md")
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.replace(path + ".tmp", path)


APPROX = """\
## What is approximate

- All geometries are GFN2-xTB or rigid assemblies; VASP relaxes them. Expected DFT changes: S–C
  shorter by 0.03–0.05 Å and S–N–S wider by 10–15°, Li–O longer by ≈ 0.2 Å, CoPc–linker and
  CoPc–CoPc distances settling near 3.3–3.4 Å with D3.
- The MOF is a 105-atom cluster with H caps and a frozen crystal-geometry core: no framework
  polarisation, no cage confinement.
- The adsorption site and orientation are the lowest GFN2 energy (inside the windows) of a
  12-orientation grid, not a global search; the Li⁺ site likewise of 12 sites. The pathway states
  s1–s4 are constructed (rigid fragment moves, Li relaxed), not minima; which S–N breaks (the one away
  from the metal), which F ends in LiF (the one nearest Li) and the separations (2.9, 3.0, 2.5–2.9 Å)
  are modelling choices.
- TFSI⁻ on CoPc binds through one sulfonyl O axial on Co (GFN2 Co–O 2.25 Å); on MOF@CoPc it sits on
  the open Fe next to, not on, the CoPc (closest contact ≈ 4.0 Å).
- The ferromagnetic Fe₃ and Fe₃–Co alignment is a chosen spin state, not the ground state.
"""

if __name__ == "__main__":
    main()
