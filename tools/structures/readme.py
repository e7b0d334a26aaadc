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
Outside the pathway the spin is fixed (no `spin` key: NUPDOWN = 2S, as `templates/relax.yaml` sets it).
Every pathway state has `spin: free`: VASP runs without NUPDOWN, MAGMOM is only the start and the final
moment is reported — radicals form and disappear along the path (the electron bookkeeping below), and no
single NUPDOWN represents them all on the MOF. Its `multiplicity` is the 2S+1 of the bookkeeping, the
one the GFN2 pre-optimisation used (`--uhf 2S`); the per-element MAGMOM can differ from it by up to the
two excess electrons."""

RATIONALE = """ One cell for all means that every energy difference of the study subtracts
calculations with the same cell and FFT grid. The spurious electrostatic energy of a charged cell
(Makov–Payne monopole term q²·α/(2L), ≈ 0.7 eV for q = 1 in a 30 Å cube) then cancels to first order
wherever the same charge appears on both sides — E_ads of TFSI⁻ on MOF, CoPc and MOF@CoPc, and every
pathway step (all five states of a pathway at charge −2, the same cell; for q = −2 the monopole term is
four times that of q = 1 but it is the same on both NEB end points). It does **not** cancel in E(Li⁺–TFSI⁻) = E(LiTFSI) − E(Li⁺) − E(TFSI⁻)
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
  frozen (`$fix`) in every GFN2 run; in the bare cluster only the rings, NH₂ groups and H atoms relax.
  Every later run that contains the cluster also freezes the six cap H at their `mof.vasp` positions
  (TFSI⁻ on the MOF), or the whole catalyst (TFSI⁻ on MOF@CoPc and every pathway state), so that all
  VASP-fixed atoms sit exactly where the bare catalyst has them (table "Frozen atoms" below).
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
| fragments of the pathway change their bonding when relaxed in a *neutral* cell | previous build: N–S1 1.50, S–O 1.52, S–C 1.99 Å, S–N–S > 140° | the pathway is now at charge −2 (the electrons the cleavages need); each state relaxed, a cleavage held only where it re-forms (bond evidence table) |
| Li⁺–O/F over-bound | here: Li–O 1.60–1.70 Å when free | pathway runs hold every Li contact at 1.90 Å (LiF 1.85 Å) |
| a MOF-sized GFN2 gradient costs 1.5–5 s of CPU (more on a shared machine) | here | orientation screens on the MOF and MOF@CoPc at `--opt crude` (≤ 40 cycles), the chosen one then `--opt tight` (MOF, ≤ 250 cycles) or `--opt normal` (MOF@CoPc, ≤ 60); pathway runs `--opt normal` on copc (≤ 250) and mof (≤ 150), `--opt crude` on mof-copc (≤ 60); on the MOF-sized pathways the cleavage holds that copc needed are applied from the start instead of first trying without; a run not converged within its cap is continued from its last geometry with the same holds for at most 400 more cycles (every pathway state now converges: the three MOF@CoPc states that had not within 60 did within 400), and its command note says so |
"""

PATHWAY = """\
## The decomposition pathway

For each catalyst ∈ {{mof, copc, mof-copc}}, `pathway/<catalyst>/s0…s4.vasp` hold the same atoms in the
same order (catalyst, TFSI⁻, Li⁺) in the same cell: step *i* is the NEB from s(*i*−1) to s(*i*).
TFSI atom labels (build order, `tools/structures/molecules.py`): N, S1, S2, O11, O12, C1, O21, O22, C2,
F11–F13 (on C1), F21–F23 (on C2); O11 is the O on the metal, S2 the sulfonyl that leaves.
Every state has **charge −2** and `spin: free` (next section); `broken`/`formed` in `structures.yaml`
declare, as 0-based POSCAR index pairs, the bonds each state has broken or formed relative to s0
(cumulative): s1 N–S2; s2 N–S2, S2–C2; s3 and s4 N–S2, S2–C2, C2–F; s4 also forms Li–F.

- **s0 = adsorbed LiTFSI on the doubly reduced catalyst**: `adsorbed/tfsi-on-<catalyst>` plus a Li⁺ next to
  the anion. Twelve Li⁺ start sites (the best-coordinated clash-free spots 1.9 Å from the anion's free O,
  N and F atoms, a fixed grid) were relaxed at charge −2 with only Li free; the lowest-energy one with two
  or more anion ligands, no contact with the catalyst, ≥ 3 Å from Fe/Co and inside the test windows was
  kept, and the anion and Li then relaxed together. On the MOF and on MOF@CoPc GFN2 puts Li⁺ lower on the
  cluster's carboxylate O next to an Fe; those sites were rejected: the pathway starts from the
  electrolyte's LiTFSI ion pair on the catalyst, not from a Li⁺ bound to the cluster 2.3–2.6 Å from Fe
  (a site GFN2's charge model favours and PBE may well not).
- **s1, N–S cleavage**: S2O₂CF₃ moved along N→S2 to N···S2 = 2.90 Å (Li⁺ carried along by the share of
  its ligands in the moving group), then relaxed.
- **s2, CF₃ loss**: CF₃ moved along S2→C2 to S2···C2 = 3.00 Å, then relaxed.
- **s3, C–F cleavage (CF₃⁻ + e⁻ → CF₂•⁻ + F⁻)**: one F of C2 moved along C2→F to C2···F = 2.5–2.9 Å — the
  F and distance that bring it closest to Li⁺ while ≥ 2.6 Å away (no LiF yet) — then relaxed.
- **s4, F⁻ + Li⁺ → LiF**: Li moved to 1.85 Å from that F, then relaxed.

Every pathway relaxation is GFN2-xTB at charge −2 and the state's multiplicity, with **all catalyst atoms
frozen** (`$fix`; the catalyst is identical in the five states, so its VASP-fixed atoms coincide) and
the anion's atoms and Li free. Two kinds of `$constrain` are used, and the command of each file names
them: (i) **Li⁺ contacts**: GFN2 over-binds Li⁺ (Li–O 1.60–1.70 Å against ≈ 1.9–2.0 Å in DFT), so every
Li–O/N/F contact shorter than 2.3 Å in the start (and any that comes out shorter than 1.8 Å) is held at
1.90 Å, the LiF bond of s4 at 1.85 Å — no Li contact of a pathway file is shorter than 1.8 Å; (ii) **a
cleavage that does not survive**: each state is first relaxed with no other constraint; when a bond that
the state has broken re-forms (N–S2 ≤ 2.3, S2–C2 ≤ 2.5, C2–F ≤ 2.0 Å), the cleaved F binds Li before
s4, or the cleaved F⁻ adds to the SO₂ of s2 (FSO₂⁻, S2–F bonded at 1.25 × Σr), the distance is held
(N–S2 2.90, S2–C2 3.00, C2–F 2.70 Å, Li···F at its start, S2···F at ≥ 2.8 Å) and the state is
relaxed again from its start; (iii) **a bond that should not change**: a bond the state has not yet
broken (N–S2 in s0, S2–C2 in s0–s1) that breaks is held at its start length, and any other bond of the
anion (N–S1, S1–C1, S–O, the other C–F) that leaves the windows of its kind (table of measured
distances) is held at its `tfsi-on-<catalyst>` length. Such a state is then a constrained minimum, not a
minimum: the table below says which hold each state needed. On copc every state was first relaxed without
a cleavage hold; on mof and mof-copc (1.5 and 5 s of CPU per gradient) the holds copc needed were applied
from the start (the command note says so) and further ones added only when the result failed.
What the holds mean: at charge −2 GFN2 does not keep the fragments of the bookkeeping apart — it prefers
to recombine SO₂ + CF₃⁻, to re-form N–S once the neighbouring cleavage is made, to cut S–CF₃ before N–S
(on CoPc the unconstrained s1 lost the CF₃ of S2 with N–S2 re-formed: a known competing channel of TFSI⁻
reduction), to give F⁻ to Li⁺ at once, and (on copc and mof-copc) to add F⁻ to SO₂ (FSO₂⁻). The end points of the NEBs are therefore GFN2 minima only
under the listed holds; VASP relaxes them without any, and a state that collapses there tells that the
step is not a minimum on the PBE surface either.
"""


BOOKKEEPING = """\
## Electron bookkeeping of the pathway

Every state of every pathway holds the catalyst, one Li⁺, the atoms of one TFSI⁻ and **two excess
electrons: charge −2** (NELECT = ΣZVAL + 2). The paper's four stages are each "induced by electrons":
the first electron cleaves N–S, the second cleaves C–F; CF₃ loss and LiF formation move no electron.
The catalyst is the electron reservoir: it holds both electrons in s0 and hands them to the anion.

| state | catalyst (charge, where the electrons are) | anion fragments | unpaired e⁻: mof / copc / mof-copc | 2S+1: mof / copc / mof-copc |
|---|---|---|---|---|
| s0 | cat²⁻ — MOF: two Fe(III) → Fe(II) high spin (4 + 4 + 5); CoPc: Co(I) d⁸ low spin + one Pc π* electron [Co(I)Pc•]²⁻; MOF@CoPc: both on Fe, Co(II) unchanged | LiTFSI (Li⁺ + TFSI⁻, closed shell) | 13 / 1 / 14 | 14 / 2 / 15 |
| s1 | cat⁻ — MOF: one Fe(II); CoPc: Co(I)Pc⁻ (closed shell); MOF@CoPc: one Fe(II) + Co(II) | CF₃SO₂N•⁻ (radical) + CF₃SO₂⁻ + Li⁺ | 15 / 1 / 16 | 16 / 2 / 17 |
| s2 | cat⁻ as s1 | CF₃SO₂N•⁻ + SO₂ + CF₃⁻ + Li⁺ | 15 / 1 / 16 | 16 / 2 / 17 |
| s3 | cat⁰ — Fe(III)₃; Co(II)Pc; both | CF₃SO₂N•⁻ + SO₂ + CF₂•⁻ (radical) + F⁻ + Li⁺ | 17 / 3 / 18 | 18 / 4 / 19 |
| s4 | cat⁰ as s3 | CF₃SO₂N•⁻ + SO₂ + CF₂•⁻ + LiF | 17 / 3 / 18 | 18 / 4 / 19 |

Charges add up in every row: s1 = (−1) + (−1) + (−1) + (+1); s3 = 0 + (−1) + 0 + (−1) + (−1) + (+1) = −2.

- **Reduced metal in s0.** The two electrons start on the metal, not on a ligand: NH₂-MIL-101(Fe) reduces
  at iron (Fe(III)/Fe(II)), CoPc's first reduction is metal-centred (Co(II)/Co(I)) and its second on the
  ring, and on MOF@CoPc the paper's charge-density difference (Fig. 2c) moves electrons from CoPc to the
  MOF, so both sit on Fe and Co stays Co(II). A high-spin Fe(II) (d⁶) has one spin fewer than Fe(III),
  hence 2S+1 = 14 for the doubly reduced MOF. Every unpaired electron is aligned ferromagnetically, as the
  Fe and Co moments are everywhere else in `structures/`.
- **Why 2S+1 changes along a pathway and `spin: free`.** Each electron that leaves a reduced Fe(II) for the
  anion turns a paired (minority-spin) d electron into two unpaired ones (Fe(III) + a radical), so 2S
  grows by 2 at s1 and at s3 on the MOF; on CoPc the ring electron of s0 becomes the radical at s1 (no
  change), and at s3 the electron that leaves Co(I) unpairs the Co (Co(II)) and makes CF₂•⁻ (+2). A single NUPDOWN would force one of these on all five states (and the NEB
  images between them), so the pathway runs with the moment free: MAGMOM (Fe 5, Co 1 per element) is the
  start, VASP finds the moment, `cascade tabulate` reports it. The `multiplicity` of a pathway entry is
  the bookkeeping's 2S+1 and the `--uhf` of its GFN2 pre-optimisation, not a constraint on VASP.
- **Why −2 on every state, not −2 only where the electrons are used.** An NEB (and a reaction energy)
  needs the same number of electrons at both ends; with −2 throughout, each step compares two cells of the
  same charge and cell, and the Makov–Payne monopole term q²α/(2L) (four times the q = −1 value) cancels
  to first order. What does not cancel is the change of the dipole and quadrupole of the cell as the charge
  moves from the catalyst to the fragments; check a step with `IDIPOL = 4`/`LMONO` or a larger cell if its
  energy matters to ≈ 0.1 eV.
- **What the neutral variant would answer.** With catalyst + LiTFSI neutral the only electrons available
  are the catalyst's own: the pathway then asks whether the catalyst at its resting oxidation state
  (Fe(III), Co(II)) *chemically* reduces LiTFSI, i.e. oxidises itself to Fe(IV)/a ligand radical cation
  or Co(III). That is a different question from the paper's (decomposition driven by electrons from the
  Li anode through the catalyst) and for a Fe(III) MOF almost certainly strongly uphill; the −2 cell models
  the electrode at a reducing potential that has already put two electrons on the catalyst. Comparing
  catalysts is fair only at one charge: mof, copc and mof-copc are all −2.
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
    out.append("| name | file | atoms | charge | 2S+1 | spin | fixed in VASP | description |")
    out.append("|---|---|---|---|---|---|---|---|")
    for e in index:
        nat = sum(1 for _ in measure.read_poscar(os.path.join(args.out, e["file"]))[2])
        g = e.get("groups", {})
        fx = (f"{len(e['fixed'])}: Fe₃O(O₂C)₆ core + {len(g.get('caps', []))} cap H" if e["fixed"] and "core" in g
              else f"{len(e['fixed'])} atoms" if e["fixed"] else "none")
        out.append(f"| `{e['name']}` | `{e['file']}` | {nat} | {signed(e['charge'])} | {e['multiplicity']} | "
                   f"{e.get('spin', 'fixed')} | {fx} | {e['description']} |")
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
    out.append(evidence_table(index))
    out.append(BOOKKEEPING)
    out.append(contact_section(index))
    out.append(frozen_section(args.out))
    out.append("## Measured distances (Å, degrees) on the committed POSCARs\n")
    out.append("Ranges over all bonds of a kind (bond = d ≤ 1.2 × sum of Cordero covalent radii, Fe/Co high-spin "
               "radii as in Cascade's `Element`). Test windows: C–F 1.30–1.38, S–N 1.54–1.63, S=O 1.40–1.48, "
               "S–C 1.78–1.95, S–N–S 105–130°, Co–N 1.85–1.97 (four within 0.02), Fe–O(μ₃) 1.85–2.00, "
               "Fe–O(carboxylate) 1.95–2.15, Fe···Fe 3.20–3.45, N–H 0.99–1.04, Li–O 1.60–2.10 (pathway states, all "
               "at charge −2, which hold the anion on a doubly reduced catalyst and then the fragments of the reduced "
               "anion — CF₃SO₂N•⁻, CF₃SO₂⁻, SO₂, CF₃⁻, CF₂•⁻ — rather than TFSI⁻: C–F 1.30–1.50, S–N 1.45–1.63, "
               "S=O 1.40–1.52, S–C 1.78–2.05, S–N–S 105–140° — s0's anion on the reduced MOF opens to 133–134° in "
               "GFN2 — and Li–O 1.80–2.25); no pair closer "
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


def evidence_table(index):
    """The key distances of every pathway state before (constructed start) and after GFN2."""
    rows = ["### Bond evidence: the key distances before and after GFN2\n",
            "Å; *before* = the constructed start of the state (fragment moved from the previous relaxed state), "
            "*after* = the GFN2 result in the POSCAR. Cleaved: N–S2 > 2.3, S2–C2 > 2.5, C2–F > 2.0 Å; the cleaved "
            "F not bonded to Li before s4 (Li–F > 1.25 × (1.28 + 0.57) = 2.31 Å) and Li–F ≤ 1.9 Å in s4. "
            "*held*: the `$constrain` the state needed besides the Li⁺ contacts (none = an unconstrained minimum "
            "of the anion and Li on the frozen catalyst).\n",
            "| state | charge | 2S+1 | N–S2 before → after | S2–C2 before → after | C2–F before → after | "
            "Li–F before → after | Li contacts (min) | held | checks |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for e in index:
        ev = e.get("evidence")
        if not ev:
            continue
        b, a = ev["before"], ev["after"]

        def pair(key):
            return f"{b[key]:.2f} → {a[key]:.2f}" if key in b and key in a else "–"
        held = ", ".join(ev["held"]) or "none"
        ok = "pass" if not ev["fail"] else "FAIL: " + ", ".join(ev["fail"])
        if not ev.get("converged", True):
            ok += " (not converged)"
        rows.append(f"| `{e['name']}` | {signed(e['charge'])} | {e['multiplicity']} | {pair('N-S2')} | "
                    f"{pair('S2-C2')} | {pair('C2-F')} | {pair('Li-F')} | {ev.get('li_min', float('nan')):.2f} | "
                    f"{held} | {ok} |")
    return "\n".join(rows) + "\n"


def contact_section(index):
    e = next((x for x in index if x["name"] == "tfsi-on-mof-copc"), None)
    if not e or not e.get("contact"):
        return ""
    contact, co = e["contact"]
    s0 = next((x for x in index if x["name"] == "mof-copc-s0"), None)
    s0c = s0.get("contact") if s0 else None
    return (
        "## TFSI⁻ and the CoPc of MOF@CoPc\n\n"
        "The paper's 0.83 e from CoPc to TFSI⁻ needs the anion near the CoPc. The previous `tfsi-on-mof-copc` "
        "(the lowest-energy of a 12-orientation grid) had TFSI⁻ on the open Fe pointing away from the CoPc: "
        "Co···TFSI 8.29 Å, closest TFSI–CoPc contact 4.03 Å (a peripheral H; 4.06 Å to a C/N), the same in "
        "`mof-copc-s0`. Moving the CoPc over the open Fe is not an option: its stacking on the linker ring "
        "is what `mof-copc` (and E(MOF–CoPc)) is, and the open Fe lies ≈ 4.8 Å below the CoPc plane and "
        "≈ 7.5 Å sideways from Co, under the rim of the macrocycle. So the anion was turned instead, keeping "
        "O=S→Fe: 36 orientations about the Fe–O bond were placed rigidly, ranked by their closest TFSI–CoPc "
        f"heavy-atom distance, the closest ones relaxed, and the lowest-energy acceptable one with a contact "
        f"≤ 3.6 Å to the CoPc π system taken (3.6 Å ≈ the C···F/C···O van der Waals distance + 0.4 Å).\n\n"
        f"| file | Co···TFSI (Å) | closest TFSI–CoPc heavy-atom contact (Å) |\n|---|---|---|\n"
        f"| previous `tfsi-on-mof-copc` / `mof-copc-s0` | 8.29 | 4.06 (4.03 to H) |\n"
        f"| `tfsi-on-mof-copc` | {co:.2f} | {contact:.2f} |\n"
        + (f"| `mof-copc-s0` | {s0c[1]:.2f} | {s0c[0]:.2f} |\n" if s0c else "")
        + "\nThe closest contact is a CF₃ fluorine over a C of an outer benzo ring of the CoPc, shorter than the "
        "F···C van der Waals distance (≈ 3.2 Å): GFN2 on a frozen MOF@CoPc with the anion held on Fe; PBE-D3 "
        "will lengthen it.\n"
        + "\nThe Co itself stays out of reach (it is ≈ 7.5 Å from the open Fe in the plane of the CoPc); the "
        "contact is with the π system of the macrocycle's rim, through which a transferred electron would "
        "have to pass. Whether VASP keeps the contact is for the relaxation to show.\n")


def frozen_section(root):
    rows, worst = measure.frozen_table(root)
    return ("## Frozen atoms against the bare catalysts\n\n"
            "The `fixed` atoms (Fe₃O(O₂C)₆ core + 6 cap H) of every file that contains the MOF cluster, against "
            "the same atoms of `mof.vasp` (MOF@CoPc files against `mof-copc.vasp`) after the best rigid "
            "superposition of those atoms (`tools/structures/verify.py`): every GFN2 run that contains the MOF "
            "freezes the core, the terminal O and the cap H at their `mof.vasp` positions (the pathway runs "
            "freeze the whole catalyst), so E_ads = E(complex) − E(mof) − E(tfsi) carries no strain of "
            "frozen atoms.\n\n" + "\n".join(rows)
            + f"\n\nLargest deviation {worst:.4f} Å.\n")


APPROX = """\
## What is approximate

- All geometries are GFN2-xTB or rigid assemblies; VASP relaxes them. Expected DFT changes: S–C
  shorter by 0.03–0.05 Å and S–N–S wider by 10–15°, Li–O longer by ≈ 0.2 Å, CoPc–linker and
  CoPc–CoPc distances settling near 3.3–3.4 Å with D3.
- The MOF is a 105-atom cluster with H caps and a frozen crystal-geometry core: no framework
  polarisation, no cage confinement.
- The adsorption site and orientation are the lowest GFN2 energy (inside the windows) of a
  12-orientation grid (on MOF@CoPc: of the orientations that touch the CoPc), not a global search; the
  Li⁺ site likewise of 6 sites. The pathway states are GFN2 minima at charge −2 on a frozen catalyst,
  with the Li⁺ contacts held and, where the bond evidence table says so, a cleavage held; which S–N
  breaks (the one away from the metal), which F ends in LiF (the one nearest Li) and the start
  separations (2.9, 3.0, 2.5–2.9 Å) are modelling choices.
- The two excess electrons and their spin are GFN2's (`--uhf` from the bookkeeping); where VASP puts them
  (metal, ring, fragment) is a result of the VASP runs, which is why the pathway spin is free.
- TFSI⁻ on CoPc binds through one sulfonyl O axial on Co (GFN2 Co–O 2.25 Å); on MOF@CoPc it is anchored
  on the open Fe and touches the rim of the CoPc π system, not the Co (section above).
- The ferromagnetic Fe₃ and Fe₃–Co alignment is a chosen spin state, not the ground state.
"""

if __name__ == "__main__":
    main()
