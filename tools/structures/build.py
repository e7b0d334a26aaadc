#!/usr/bin/env python3
"""Builds the study's starting geometries: structures/**/*.vasp, structures/structures.yaml and the
measured-distance tables of structures/README.md.

    python3 tools/structures/build.py [--vacuum 12] [--box common|own] [--workdir DIR] [--out structures]

Also writes structures/README.md (tools/structures/readme.py) with the distances measured on the files.

Needs Python 3 + numpy and GFN2-xTB (Debian: apt-get install -y xtb, version 6.5.1). Every xtb run is
single-threaded and cached in the work directory by a hash of its input, so a re-run reproduces the
files exactly and a second run is fast. Nothing here is random; candidate orientations are a fixed grid.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from adsorb import hydrogen_bonds, li_sites, min_ratio_between, orient_on_site, topology  # noqa: E402
from geom import COVALENT, dist, plane_rms, rotation_between, unit  # noqa: E402
from measure import violations, windows_for  # noqa: E402
import readme  # noqa: E402
from molecules import TFSI, copc, copc_dimer, mof_cluster, tfsi  # noqa: E402
from poscar import grouped_order, principal_frame, write_poscar  # noqa: E402
from xtb import optimise  # noqa: E402

FE_O_TFSI = 2.20      # Fe-O(sulfonyl) held during GFN2 (GFN2 alone gives 2.40-2.50 A)
STACK = 3.40          # CoPc...linker and CoPc...CoPc interplanar distance (rigid, not GFN2)
MAGMOM = {"Fe": 5.0, "Co": 1.0}


class System:
    """One structure: atoms in build order, metadata for structures.yaml and README."""

    def __init__(self, name, file, symbols, X, charge, mult, description, vasp_fixed=(),
                 xtb=None, groups=None):
        self.name, self.file = name, file
        self.symbols, self.X = list(symbols), np.asarray(X, float)
        self.charge, self.mult = charge, mult
        self.description = description
        self.vasp_fixed = sorted(vasp_fixed)
        self.xtb = xtb or []          # list of (command, note)
        self.groups = groups or {}     # named index lists (build order)
        self.notes = []
        self.spin = None              # "free" for the pathway states (no NUPDOWN in VASP)
        self.broken, self.formed = [], []   # declared bond changes vs s0 (build-order pairs)
        self.evidence = None


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------------------------
# Molecules
# ------------------------------------------------------------------------------------------------

def build_tfsi(work):
    s, X = tfsi("trans")
    r = optimise(work, "tfsi", s, X, -1, 0, "vtight")
    rc = optimise(work, "tfsi-cis", *tfsi("cis"), -1, 0, "vtight")
    sysm = System("tfsi", "molecules/tfsi.vasp", s, r.positions, -1, 1,
                  "TFSI- (bis(trifluoromethanesulfonyl)imide), transoid C2 conformer",
                  xtb=[(r.command, "trans (C2) start; all atoms free")],
                  groups={"tfsi": list(range(15))})
    sysm.notes.append(f"GFN2 E(cis) - E(trans) = {(rc.energy - r.energy) * 27.211386:+.3f} eV "
                      "(DFT/MP2 put the transoid C2 form lowest; it is used here)")
    return sysm, r


def build_li():
    return System("li", "molecules/li.vasp", ["Li"], np.zeros((1, 3)), 1, 1,
                  "Li+ ion (reference for E(Li+-TFSI-), eq. 4)", xtb=[("none (single ion)", "")],
                  groups={"li": [0]})


def li_bridge_position(X, o1, o2, away_from, d=1.95):
    """Li 1.95 A from O atoms o1 and o2, in their plane with `away_from`, on the far side."""
    A, B = X[o1], X[o2]
    M = (A + B) / 2
    half = np.linalg.norm(A - B) / 2
    w = M - away_from
    w = unit(w - np.dot(w, unit(B - A)) * unit(B - A))
    return M + np.sqrt(max(d * d - half * half, 0.25)) * w


def build_litfsi(work, tfsi_X):
    s = ["N", "S", "S", "O", "O", "C", "O", "O", "C", "F", "F", "F", "F", "F", "F", "Li"]
    Li = li_bridge_position(tfsi_X, TFSI["O12"], TFSI["O22"], (tfsi_X[1] + tfsi_X[2]) / 2)
    r = optimise(work, "litfsi", s, np.vstack([tfsi_X, Li]), 0, 0, "vtight")
    return System("litfsi", "molecules/litfsi.vasp", s, r.positions, 0, 1,
                  "LiTFSI ion pair, Li bidentate to one O of each SO2 group (O12, O22), transoid anion",
                  xtb=[(r.command, "Li placed 1.95 A from O12 and O22; all atoms free")],
                  groups={"tfsi": list(range(15)), "li": [15]}), r


# ------------------------------------------------------------------------------------------------
# Catalysts
# ------------------------------------------------------------------------------------------------

def align_copc(X):
    """CoPc with Co at the origin, plane = xy, first pyrrole N on +x."""
    Y = X - X[0]
    heavy = [i for i, e in enumerate(copc()[0]) if e != "H"]
    _, n = plane_rms(Y[heavy])
    R = rotation_between(n, [0, 0, 1])
    Y = Y @ R.T
    t = np.arctan2(Y[1, 1], Y[1, 0])
    c, s_ = np.cos(-t), np.sin(-t)
    Rz = np.array([[c, -s_, 0], [s_, c, 0], [0, 0, 1]])
    Y = Y @ Rz.T
    Y[:, 2] = 0.0 if np.abs(Y[:, 2]).max() < 1e-3 else Y[:, 2]
    return Y


def build_copc(work):
    s, X = copc()
    r = optimise(work, "copc", s, X, 0, 1, "vtight")
    Y = align_copc(r.positions)
    return System("copc", "catalysts/copc.vasp", s, Y, 0, 2,
                  "cobalt(II) phthalocyanine, D4h, low-spin Co(II) d7 (S = 1/2)",
                  xtb=[(r.command, "D4h build (Co-N 1.91 A); all atoms free")],
                  groups={"copc": list(range(57))})


def build_mof(work):
    s, X, g = mof_cluster(open_site=2)
    xfix = g["core"] + g["terminal_O"]
    r = optimise(work, "mof", s, X, 0, 15, "tight", fixed=xfix)
    groups = {"mof": list(range(len(s))), "core": g["core"], "caps": g["caps"],
              "terminal_O": g["terminal_O"], "amine": [(lk["N"], h) for lk in g["linkers"] for h in lk["HN"]],
              "linkers": g["linkers"]}
    sysm = System("mof", "catalysts/mof.vasp", s, r.positions, 0, 16,
                  "NH2-MIL-101(Fe) cluster Fe3(mu3-O)(2-aminobenzoate)6(OH)(H2O), one open Fe(III) site",
                  vasp_fixed=g["core"] + g["caps"],
                  xtb=[(r.command, f"$fix Fe3O(O2C)6 core + terminal O ({len(xfix)} atoms); "
                        "rings, NH2 and H relaxed")],
                  groups=groups)
    return sysm, xfix


def stack_copc_on_linker(mof, copc_X, linker):
    """CoPc parallel to the ring of `linker` at STACK A on its outer side; in-plane offset and
    rotation chosen on a fixed grid: the smallest offset of the CoPc centre from the ring centre
    whose closest CoPc-MOF contacts stay >= 3.2 A (heavy-heavy) and >= 2.5 A (with H)."""
    M, sm = mof.X, mof.symbols
    ring = linker["ring"]
    centre = M[ring].mean(0)
    _, n = plane_rms(M[ring])
    if np.dot(n, centre - M[3]) < 0:          # point away from the mu3-O (cluster centre)
        n = -n
    a = unit(M[ring[3]] - M[ring[0]])           # ipso -> para, in the ring plane
    a = unit(a - np.dot(a, n) * n)
    b = np.cross(n, a)
    heavy_m = np.array([x != "H" for x in sm])
    best = None
    copc_heavy = np.array([e != "H" for e in copc()[0]])
    for shift, lateral, rot in itertools.product(np.arange(0.0, 6.01, 0.25), np.arange(-2.0, 2.01, 0.5),
                                                 range(0, 90, 5)):
        t = np.radians(rot)
        u = np.cos(t) * a + np.sin(t) * b
        v = np.cross(n, u)
        P = centre + STACK * n + shift * a + lateral * b
        Y = P + np.outer(copc_X[:, 0], u) + np.outer(copc_X[:, 1], v) + np.outer(copc_X[:, 2], n)
        D = np.linalg.norm(Y[:, None, :] - M[None, :, :], axis=2)
        hh = D[np.ix_(copc_heavy, heavy_m)].min()
        wh = min(D[np.ix_(~copc_heavy, np.ones(len(sm), bool))].min(),
                 D[np.ix_(np.ones(57, bool), ~heavy_m)].min())
        if hh < 3.2 or wh < 2.5:
            continue
        offset = np.hypot(shift, lateral)
        key = (round(offset, 3), rot, shift, lateral)
        if best is None or key < best[0]:
            best = (key, Y, dict(shift=shift, lateral=lateral, rotation=rot, hh=hh, wh=wh))
    if best is None:
        raise RuntimeError("no clash-free stacking position found")
    return best[1], best[2]


def build_mof_copc(mof, copc_sys):
    # stack on the upper linker of the Fe1-Fe2 edge (touches the open Fe2 site)
    linker = next(lk for lk in mof.groups["linkers"] if lk["edge"] == (1, 2) and lk["sigma"] == 1)
    Y, info = stack_copc_on_linker(mof, copc_sys.X, linker)
    s = mof.symbols + copc_sys.symbols
    X = np.vstack([mof.X, Y])
    nm = len(mof.symbols)
    groups = dict(mof.groups)
    groups["copc"] = list(range(nm, nm + 57))
    groups["stack_ring"] = linker["ring"]
    sysm = System("mof-copc", "catalysts/mof-copc.vasp", s, X, 0, 17,
                  "MOF@CoPc: CoPc pi-stacked 3.40 A on the aminobenzoate ring of the linker next to the open Fe",
                  vasp_fixed=mof.vasp_fixed,
                  xtb=[("none (rigid assembly of the GFN2 MOF and CoPc)",
                        f"CoPc plane 3.40 A from the ring plane, centre offset {info['shift']:.2f} A along "
                        f"the linker and {info['lateral']:.2f} A across, rotated {info['rotation']} deg; "
                        f"closest CoPc-MOF heavy-atom contact {info['hh']:.2f} A, with H {info['wh']:.2f} A")],
                  groups=groups)
    return sysm


def build_copc_dimer(copc_sys):
    X = copc_dimer(copc_sys.X, STACK)
    return System("copc-dimer", "catalysts/copc-dimer.vasp", copc_sys.symbols * 2, X, 0, 3,
                  "CoPc dimer, beta-CoPc-like slipped stack (Co over a meso N of the other molecule), "
                  "planes 3.40 A apart; reference for E(CoPc-CoPc) (Fig. S4)",
                  xtb=[("none (rigid; GFN2 compresses the pi-stack to ~3.0 A)",
                        "two GFN2 CoPc molecules")],
                  groups={"copc": list(range(57)), "copc2": list(range(57, 114))})


# ------------------------------------------------------------------------------------------------
# Adsorbed TFSI-
# ------------------------------------------------------------------------------------------------

SCREEN = ("crude", 40)      # MOF-sized orientation screens: GFN2 --opt crude, at most 40 cycles ...
FINAL = ("tight", 250)      # ... then the chosen candidate relaxed --opt tight (at most 250 cycles)
FINAL_MC = ("normal", 60)   # on MOF@CoPc (177 atoms, ~5 s of CPU per gradient): --opt normal, at most 60 cycles


def adsorb_tfsi(work, tag, cat, tfsi_X, site, outward, charge, uhf, xfix, bond, constrain_site,
                amine, require_hb, screen=False):
    """Grid of 12 orientations of TFSI- bound through O11 to `site`; GFN2 relaxation of each;
    the lowest-energy candidate that stays intact, stays bound (and H-bonded if required).
    screen=True (MOF-sized systems): the candidates are relaxed at SCREEN level only and the chosen
    one then relaxed at FINAL level."""
    n = len(cat.symbols)
    s = cat.symbols + ["N", "S", "S", "O", "O", "C", "O", "O", "C", "F", "F", "F", "F", "F", "F"]
    tf = list(range(n, n + 15))
    acceptors = [n + i for i in range(15) if s[n + i] in ("O", "F", "N")]
    tried = []
    for psi, chi in itertools.product((0, 90, 180, 270), (0, 120, 240)):
        Y = orient_on_site(tfsi_X, TFSI["O11"], TFSI["S1"], cat.X[site], outward, bond, 140.0, psi, chi)
        Z = np.vstack([cat.X, Y])
        if min_ratio_between(s, Z, list(range(n)), tf) < 0.8:
            continue
        cons = [(site, n + TFSI["O11"], FE_O_TFSI)] if constrain_site else []
        try:
            if screen:
                r = optimise(work, f"{tag}-{psi:03d}-{chi:03d}-{SCREEN[0]}", s, Z, charge, uhf, SCREEN[0],
                             fixed=xfix, constraints=cons, cycles=SCREEN[1])
            else:
                r = optimise(work, f"{tag}-{psi:03d}-{chi:03d}", s, Z, charge, uhf, "tight", fixed=xfix,
                             constraints=cons)
        except RuntimeError as err:
            log(f"  {tag} psi={psi} chi={chi}: GFN2 failed ({err}); skipped")
            continue
        W = r.positions
        intact = topology(s, W, tf) == topology(s, Z, tf)
        bound = dist(W, site, n + TFSI["O11"]) <= (2.5 if constrain_site else 3.2)
        hb = hydrogen_bonds(s, W, [(a, b) for a, b in amine], acceptors) if amine else []
        bad = violations(s, W)
        ok = intact and bound and (bool(hb) or not require_hb) and not bad
        tried.append((r.energy, psi, chi, ok, r, hb))
        log(f"  {tag} psi={psi} chi={chi} E={r.energy:.6f} intact={intact} bound={bound} hb={len(hb)} {bad}")
    good = sorted((t for t in tried if t[3]), key=lambda t: t[0])
    if not good:
        raise RuntimeError(f"{tag}: no acceptable adsorption candidate")
    e, psi, chi, _, r, hb = good[0]
    lowest = min(t[0] for t in tried)
    note = (f"lowest-energy acceptable candidate of {len(tried)} GFN2-relaxed orientations (the "
            f"clash-free ones of a psi x chi = 4 x 3 grid; acceptable = intact, bound{', N-H...O/F bonded' if require_hb else ''}, "
            f"inside the test windows): E = {e:.6f} Eh, "
            f"{(e - lowest) * 27.211386:.2f} eV above the lowest of all candidates")
    if screen:
        note = (f"screen: {len(tried)} orientations relaxed with --opt {SCREEN[0]} (at most {SCREEN[1]} cycles), "
                f"psi = {psi}, chi = {chi} chosen as the " + note + f"; then relaxed --opt {FINAL[0]}")
        r = optimise(work, f"{tag}-final", s, r.positions, charge, uhf, FINAL[0], fixed=xfix, constraints=cons,
                     cycles=FINAL[1])
        W = r.positions
        hb = hydrogen_bonds(s, W, [(a, b) for a, b in amine], acceptors) if amine else []
        bad = violations(s, W)
        if bad or (require_hb and not hb) or topology(s, W, tf) != topology(s, good[0][4].positions, tf):
            log(f"  {tag}: final relaxation left the acceptable set ({bad}, hb={len(hb)})")
            note += f" (final: {bad or 'no H bond' if require_hb and not hb else 'topology changed'})"
        if not r.converged:
            note += f", not converged in {FINAL[1]} cycles (last geometry used)"
        note += f": E = {r.energy:.6f} Eh"
    return s, r, note, cons, hb


def build_tfsi_mof(work, mof, xfix, tfsi_X):
    site = 2
    s, r, note, cons, hb = adsorb_tfsi(work, "tfsi-on-mof", mof, tfsi_X, site, unit(mof.X[site] - mof.X[3]),
                                       -1, 15, xfix, FE_O_TFSI, True, mof.groups["amine"], True, screen=True)
    n = len(mof.symbols)
    groups = dict(mof.groups)
    groups["tfsi"] = list(range(n, n + 15))
    sysm = System("tfsi-on-mof", "adsorbed/tfsi-on-mof.vasp", s, r.positions, -1, 16,
                  "TFSI- on the open Fe(III) of the MOF cluster: O=S->Fe plus N-H...O/F hydrogen bonds",
                  vasp_fixed=mof.vasp_fixed,
                  xtb=[(r.command, f"$fix core + terminal O + the 6 cap H (all at their mof.vasp positions); "
                        f"$constrain Fe-O(TFSI) = {FE_O_TFSI:.2f} A; {note}")],
                  groups=groups)
    return sysm


def build_tfsi_copc(work, copc_sys, tfsi_X):
    s, r, note, cons, hb = adsorb_tfsi(work, "tfsi-on-copc", copc_sys, tfsi_X, 0, np.array([0, 0, 1.0]),
                                       -1, 1, list(range(57)), 2.30, False, None, False)
    groups = dict(copc_sys.groups)
    groups["tfsi"] = list(range(57, 72))
    return System("tfsi-on-copc", "adsorbed/tfsi-on-copc.vasp", s, r.positions, -1, 2,
                  "TFSI- on CoPc, sulfonyl O axial on Co",
                  xtb=[(r.command, f"$fix all CoPc atoms (kept planar); TFSI free; {note}")],
                  groups=groups)


def copc_contact(s, X, tf, copc_idx):
    """Closest distance (A) from a TFSI heavy atom to a CoPc heavy atom (the pi system), and Co...TFSI."""
    heavy = [j for j in copc_idx if s[j] != "H"]
    th = [i for i in tf if s[i] != "H"]
    D = np.linalg.norm(X[th][:, None, :] - X[heavy][None, :, :], axis=2)
    co = next(j for j in copc_idx if s[j] == "Co")
    return float(D.min()), float(min(dist(X, co, i) for i in th))


PI_CONTACT = 3.60   # TFSI heavy atom ... CoPc C/N/Co counted as a contact with the pi system (A)
MC_CANDIDATES = 4   # orientations relaxed on MOF@CoPc (177 atoms: ~5 s of CPU per GFN2 gradient)


def build_tfsi_mof_copc(work, mc, tfsi_X):
    """TFSI- on the open Fe2 of MOF@CoPc, in contact with the CoPc pi system where geometry allows.

    Orientation grid psi = 0..330 step 30 x chi = 0/120/240 at Fe-O-S 140 deg (36 rigid placements);
    the clash-free ones are ranked by their closest TFSI-CoPc heavy-atom distance and the MC_CANDIDATES
    closest relaxed with GFN2 (SCREEN level; the chosen one then at FINAL level) (all MOF@CoPc atoms fixed, Fe-O held). Chosen: the lowest-energy acceptable
    candidate (intact, bound, N-H...O/F bonded, inside the windows) whose closest TFSI-CoPc heavy-atom
    contact is <= PI_CONTACT; if none, the acceptable one with the closest contact."""
    site = 2
    nc = len(mc.symbols)
    s = mc.symbols + ["N", "S", "S", "O", "O", "C", "O", "O", "C", "F", "F", "F", "F", "F", "F"]
    tf = list(range(nc, nc + 15))
    outward = unit(mc.X[site] - mc.X[3])
    acceptors = [nc + i for i in range(15) if s[nc + i] in ("O", "F", "N")]
    rigid = []
    for psi, chi in itertools.product(range(0, 360, 30), (0, 120, 240)):
        Y = orient_on_site(tfsi_X, TFSI["O11"], TFSI["S1"], mc.X[site], outward, FE_O_TFSI, 140.0, psi, chi)
        Z = np.vstack([mc.X, Y])
        if min_ratio_between(s, Z, list(range(nc)), tf) < 0.8:
            continue
        rigid.append((round(copc_contact(s, Z, tf, mc.groups["copc"])[0], 6), psi, chi, Z))
    rigid.sort(key=lambda x: (x[0], x[1], x[2]))
    cons = [(site, nc + TFSI["O11"], FE_O_TFSI)]
    tried = []
    for c0, psi, chi, Z in rigid[:MC_CANDIDATES]:
        try:
            r = optimise(work, f"tfsi-on-mof-copc-{psi:03d}-{chi:03d}-{SCREEN[0]}", s, Z, -1, 16, SCREEN[0],
                         fixed=list(range(nc)), constraints=cons, cycles=SCREEN[1])
        except RuntimeError as err:
            log(f"  tfsi-on-mof-copc psi={psi} chi={chi}: GFN2 failed ({err}); skipped")
            continue
        W = r.positions
        intact = topology(s, W, tf) == topology(s, Z, tf)
        bound = dist(W, site, nc + TFSI["O11"]) <= 2.5
        hb = hydrogen_bonds(s, W, mc.groups["amine"], acceptors)
        bad = violations(s, W)
        contact, co = copc_contact(s, W, tf, mc.groups["copc"])
        ok = intact and bound and bool(hb) and not bad
        tried.append((r.energy, psi, chi, ok, r, contact, co))
        log(f"  tfsi-on-mof-copc psi={psi} chi={chi} E={r.energy:.6f} intact={intact} bound={bound} "
            f"hb={len(hb)} CoPc contact {contact:.2f} Co {co:.2f} {bad}")
    good = [t for t in tried if t[3]]
    if not good:
        raise RuntimeError("tfsi-on-mof-copc: no acceptable adsorption candidate")
    touching = sorted((t for t in good if t[5] <= PI_CONTACT), key=lambda t: t[0])
    pick = touching[0] if touching else min(good, key=lambda t: (t[5], t[0]))
    e, psi, chi, _, r, contact, co = pick
    lowest = min(t[0] for t in tried)
    r = optimise(work, "tfsi-on-mof-copc-final", s, r.positions, -1, 16, FINAL_MC[0], fixed=list(range(nc)),
                 constraints=cons, cycles=FINAL_MC[1])
    contact, co = copc_contact(s, r.positions, tf, mc.groups["copc"])
    final_bad = violations(s, r.positions)
    final_hb = hydrogen_bonds(s, r.positions, mc.groups["amine"], acceptors)
    note = (f"of the 36 rigid placements (psi = 0..330 step 30 x chi = 0/120/240) the {len(rigid)} clash-free "
            f"ones were ranked by their closest TFSI-CoPc heavy-atom distance and the {len(tried)} closest "
            f"relaxed; chosen: the lowest-energy acceptable one (intact, bound, N-H...O/F bonded, inside the "
            f"test windows) {'with a TFSI-CoPc heavy-atom contact <= %.1f A' % PI_CONTACT if touching else '(none reached %.1f A: the closest contact)' % PI_CONTACT}, "
            f"psi = {psi}, chi = {chi}: E = {e:.6f} Eh, {(e - lowest) * 27.211386:.2f} eV above the lowest "
            f"candidate (screen: --opt {SCREEN[0]}, at most {SCREEN[1]} cycles); then relaxed --opt {FINAL_MC[0]}"
            f"{'' if r.converged else ' (not converged in %d cycles, last geometry used)' % FINAL_MC[1]}: "
            f"E = {r.energy:.6f} Eh; closest TFSI-CoPc heavy-atom contact {contact:.2f} A, Co...TFSI {co:.2f} A"
            f"{'; FINAL GEOMETRY OUTSIDE THE WINDOWS: %s' % final_bad if final_bad else ''}"
            f"{'' if final_hb else '; no N-H...O/F bond after the final relaxation'}")
    groups = dict(mc.groups)
    groups["tfsi"] = tf
    sysm = System("tfsi-on-mof-copc", "adsorbed/tfsi-on-mof-copc.vasp", s, r.positions, -1, 17,
                  "TFSI- on the open Fe(III) of MOF@CoPc, in contact with the stacked CoPc",
                  vasp_fixed=mc.vasp_fixed,
                  xtb=[(r.command, f"$fix all MOF@CoPc atoms; $constrain Fe-O(TFSI) = {FE_O_TFSI:.2f} A; {note}")],
                  groups=groups)
    sysm.contact = (contact, co)
    return sysm


# ------------------------------------------------------------------------------------------------
# Decomposition pathway: s0 (adsorbed LiTFSI) ... s4 (LiF formed)
# ------------------------------------------------------------------------------------------------

PATH_CHARGE = -2     # every pathway state: catalyst + Li+ + TFSI- + two excess electrons
# 2S+1 of s0..s4 from the electron bookkeeping (structures/README.md, "Electron bookkeeping"):
# s0: the catalyst holds both electrons on its metal (2 Fe(III) -> Fe(II) high spin, or Co(II) -> Co(I)
# plus a Pc ring radical); s1, s2: one electron has gone to the anion (CF3SO2N.- radical), the catalyst
# holds one (Fe(II), or Co(I) d8 with the ring radical gone); s3, s4: both gone (CF3SO2N.- and CF2.-
# radicals), catalyst back to Fe(III)3 / Co(II). Every unpaired electron aligned ferromagnetically.
PATH_MULT = {"mof": [14, 16, 16, 18, 18], "copc": [2, 2, 2, 4, 4], "mof-copc": [15, 17, 17, 19, 19]}
# level and cap on optimisation cycles of a pathway run (GFN2 gradient: ~0.5, 1.5, 5 s of CPU for copc,
# mof, mof-copc; the machine is shared with compilers)
PATH_LEVEL = {"copc": "normal", "mof": "normal", "mof-copc": "crude"}
PATH_CYCLES = {"copc": 250, "mof": 150, "mof-copc": 60}
# a run that has not converged in PATH_CYCLES is continued from its last geometry, same holds and
# level, for at most CONTINUE_CYCLES more (xtb -- cont. in a folder of its own, so the first run's
# cache stays valid)
CONTINUE_CYCLES = 400


def continuation_note(r, cat_name):
    """The command note's words on how an optimisation ended."""
    first = f"not converged in {PATH_CYCLES[cat_name]} cycles"
    if getattr(r, "continued", None) is None:
        return "" if r.converged else f"; {first} (last geometry used)"
    if r.continued:
        return f"; {first}, continued from its last geometry (same holds, at most {CONTINUE_CYCLES} more): converged"
    return f"; {first}, nor in {CONTINUE_CYCLES} more from its last geometry (last geometry used)"
LI_SITES = {"copc": 6, "mof": 6, "mof-copc": 3}   # Li+ start sites screened for s0 (Li-only relaxations)
LI_HOLD = 1.90       # Li-O/N/F contacts held here in pathway runs: GFN2 alone gives 1.60-1.70 A (DFT 1.9-2.0)
LIF_HOLD = 1.85      # the Li-F bond formed in s4, held when GFN2 makes it shorter than LI_MIN_CONTACT
LI_MIN_CONTACT = 1.80
LI_START = 2.30      # Li contacts shorter than this in a start geometry are held at LI_HOLD
# the bond changes a state must show after relaxation (A)
CLEAVED = {"N-S2": 2.30, "S2-C2": 2.50, "C2-F": 2.00}
LIF_MAX = 1.90
BOND_FACTOR = 1.25   # the build's margin: a declared-broken bond must exceed 1.25 x sum of covalent radii
                     # (Cascade's doctor/tabulate call a pair bonded at <= 1.2 x; both are checked on the files)
HOLD = {"N-S2": 2.90, "S2-C2": 3.00, "C2-F": 2.70}   # the values used when a cleavage has to be held
INTACT_FORCE = 2.0   # xtb $constrain force constant (Eh/bohr^2) of a run that holds an anion bond intact


def bonded(s, X, i, j, factor=BOND_FACTOR):
    return dist(X, i, j) <= factor * (COVALENT[s[i]] + COVALENT[s[j]])


def bond_evidence(s, X, k, p):
    """The key distances of state k and what fails: cleaved bonds long enough, the cleaved F not on Li
    before s4, the LiF bond formed in s4; bonds not yet broken still bonded (factor 1.25). Before the
    cleaved F is chosen (p without "F"), only the N-S2 and S2-C2 checks."""
    pairs = {"N-S2": (p["N"], p["S2"]), "S2-C2": (p["S2"], p["C2"])}
    if "F" in p:
        pairs.update({"C2-F": (p["C2"], p["F"]), "Li-F": (p["Li"], p["F"])})
    d = {key: dist(X, *ij) for key, ij in pairs.items()}
    fail = []
    for step, key in enumerate(("N-S2", "S2-C2", "C2-F"), start=1):
        if key not in pairs:
            continue
        if k >= step and d[key] <= CLEAVED[key]:
            fail.append(key)
        if k < step and not bonded(s, X, *pairs[key]):
            fail.append(key + " (broken too early)")
    if "Li-F" in pairs:
        if k < 4 and bonded(s, X, *pairs["Li-F"]):
            fail.append("Li-F")
        if k == 4 and d["Li-F"] > LIF_MAX:
            fail.append("Li-F")
        # the cleaved F- must not end on the SO2 of s2 (F- + SO2 -> FSO2-, a Lewis acid-base adduct)
        if k >= 3 and bonded(s, X, p["S2"], p["F"]):
            d["S2-F"] = dist(X, p["S2"], p["F"])
            fail.append("S2-F")
    return d, fail


def build_pathway(work, ads, cat_name, prior=None):
    """The four-step decomposition LiTFSI -> LiF on one catalyst, every state at charge -2.

    s0: the adsorbed TFSI- of `ads` plus Li+: 12 Li sites (adsorb.li_sites) relaxed with only Li free,
    the lowest-energy acceptable one kept; then the anion and Li relaxed together. s1..s4: the breaking
    fragment moved from the previous relaxed state (N...S2 2.90, S2...C2 3.00, C2...F 2.5-2.9 A, Li to
    LIF_HOLD from that F) and the anion's atoms and Li relaxed with GFN2 at charge -2 and the state's
    multiplicity. In every pathway run all catalyst atoms are frozen ($fix; the catalyst is identical
    in all five states) and Li-O/N/F contacts are held at LI_HOLD (GFN2 over-binds Li+). A state is first
    relaxed with no other constraint; when a cleavage does not survive (bond_evidence), the failed
    distance is held at HOLD ($constrain) and the state relaxed again from its constructed start.
    `prior`: {state: [hold keys]} applied from the first attempt — the holds another catalyst's pathway
    needed (used for the MOF-sized pathways, where an unconstrained attempt that is known to collapse on
    CoPc costs 10-30 min of CPU per state)."""
    n = len(ads.symbols) - 15          # catalyst atoms
    t = {k: n + v for k, v in TFSI.items()}
    s = ads.symbols + ["Li"]
    li = len(s) - 1
    others = list(range(li))
    catalyst = list(range(n))
    mults = PATH_MULT[cat_name]
    A = ads.X
    ligand_atoms = [j for j in range(li) if s[j] in ("O", "N", "F")]
    # on the MOF the sulfonyl O stays held on the open Fe2 as in the adsorption runs (GFN2 alone: 2.4-2.5 A)
    anchor = [(2, t["O11"], FE_O_TFSI)] if s[2] == "Fe" else []
    # --- s0: Li sites next to the anion's free O, N and F atoms (only Li relaxed)
    ligands = [t[k] for k in ("N", "O12", "O21", "O22", "F11", "F12", "F13", "F21", "F22", "F23")]
    sites = [(f"site {k} (ligand score {sc})", p)
             for k, (sc, p) in enumerate(li_sites(s[:li], A, ligands, LI_SITES[cat_name]))]
    tried = []
    for k, (label, pos) in enumerate(sites):
        X0 = np.vstack([A, pos])
        try:
            r = optimise(work, f"{cat_name}-s0-li{k}", s, X0, PATH_CHARGE, mults[0] - 1, "normal", fixed=others,
                         cycles=40)
        except RuntimeError as err:
            log(f"  {cat_name}-s0 Li {label}: GFN2 failed ({err}); skipped")
            continue
        W = r.positions
        bad = violations(s, W)
        ligands_w = [j for j in range(n, li) if s[j] in ("O", "N", "F")
                     and dist(W, li, j) <= 1.2 * (COVALENT[s[j]] + COVALENT["Li"])]
        on_catalyst = [j for j in range(n) if dist(W, li, j) <= 1.2 * (COVALENT[s[j]] + COVALENT["Li"])]
        metal = min(dist(W, li, j) for j in range(n) if s[j] in ("Fe", "Co"))
        ok = not bad and len(ligands_w) >= 2 and not on_catalyst and metal >= 3.0
        log(f"  {cat_name}-s0 Li {label}: E={r.energy:.6f} ligands={len(ligands_w)} "
            f"catalyst contacts={len(on_catalyst)} Li-metal={metal:.2f} {bad}")
        why = ("Li on the catalyst" if on_catalyst or metal < 3.0 else
               "outside the windows" if bad else "fewer than two ligands" if len(ligands_w) < 2 else "")
        tried.append((r.energy, k, label, ok, r, why))
    good = sorted((x for x in tried if x[3]), key=lambda x: x[0])
    if not good:
        raise RuntimeError(f"{cat_name}-s0: no acceptable Li site")
    e0, k0, label0, _, r0, _ = good[0]
    low = min(tried, key=lambda x: x[0])
    lowest_note = ("it is the lowest of all" if low[1] == k0 else
                   f"the lowest of all, {(e0 - low[0]) * 27.211386:.2f} eV lower, was rejected: {low[5]}")
    site_note = (f"Li+ {label0}, the lowest-energy acceptable of {len(tried)} Li sites relaxed with only Li free "
                 f"(--opt normal, at most 40 cycles) "
                 f"(acceptable: two or more ligand atoms of the anion, no contact with the catalyst, >= 3 A "
                 f"from Fe/Co, inside the test windows; {lowest_note})")

    def relax(label, k, Y, chem):
        """GFN2 at charge -2 and the multiplicity of state k; catalyst frozen; Li contacts held;
        `chem`: (key, i, j, d) cleavage holds. Li contacts that come out shorter than LI_MIN_CONTACT
        are added to the holds and the run repeated from its result (at most twice)."""
        f_end = path.get("F")
        holds = {j: LI_HOLD for j in ligand_atoms if dist(Y, li, j) < LI_START and not (k < 4 and j == f_end)}
        if k == 4 and f_end is not None:
            holds[f_end] = LIF_HOLD
        Z = Y
        for attempt in range(3):
            cons = anchor + [(i, j, d) for _, i, j, d in chem] + [(li, j, d) for j, d in sorted(holds.items())]
            name = f"{cat_name}-{label}" + (f"-r{attempt}" if attempt else "")
            # a bond of the anion held intact needs a stiffer spring than xtb's default (GFN2 pulls
            # N-S1 from 1.56 to 1.69 A against it on the reduced MOF)
            stiff = INTACT_FORCE if any(key not in ("Li-F", "S2-F", *HOLD) for key, *_ in chem) else None
            r = optimise(work, name, s, Z, PATH_CHARGE, mults[k] - 1, PATH_LEVEL[cat_name], fixed=catalyst,
                         constraints=cons, cycles=PATH_CYCLES[cat_name], force_constant=stiff)
            new = [j for j in ligand_atoms if j not in holds and dist(r.positions, li, j) < LI_MIN_CONTACT
                   and not (k < 4 and j == f_end)]
            if not new:
                return continued(r, name, cons, stiff, k), cons
            holds.update({j: (LIF_HOLD if j == f_end else LI_HOLD) for j in new})
            Z = r.positions
        return r, cons

    def continued(r, name, cons, stiff, k):
        """An unconverged run continued from its last geometry with the same holds, at most
        CONTINUE_CYCLES more cycles; the result says how it ended (r.continued)."""
        if r.converged:
            r.continued = None
            return r
        r2 = optimise(work, name + "-cont", s, r.positions, PATH_CHARGE, mults[k] - 1, PATH_LEVEL[cat_name],
                      fixed=catalyst, constraints=cons, cycles=CONTINUE_CYCLES, force_constant=stiff)
        r2.continued = r2.converged
        return r2

    def describe(cons, chem):
        n_li = len(cons) - len(chem) - len(anchor)
        parts = [f"$constrain Fe-O(TFSI) = {FE_O_TFSI:.2f} A (as in the adsorption runs)"] if anchor else []
        parts += [f"$constrain {key} = {d:.2f} A" for key, _, _, d in chem]
        parts.append(f"{n_li} Li-O/N/F contact{'s' if n_li != 1 else ''} held at {LI_HOLD:.2f} A"
                     + (f" (Li-F {LIF_HOLD:.2f} A)" if any(d == LIF_HOLD for *_, d in cons) else ""))
        return "; ".join(parts)

    path = {"N": t["N"], "S2": t["S2"], "C2": t["C2"], "Li": li}
    records = []
    # the anion's other bonds (every bond of tfsi-on-<catalyst> but the three that break) must stay
    # inside the windows of their kind; one that leaves them is held at its tfsi-on-<catalyst> length
    names = {v: k for k, v in t.items()}
    planned = {frozenset((t["N"], t["S2"])), frozenset((t["S2"], t["C2"]))}
    tf_bonds = sorted(tuple(sorted(b)) for b in topology(s[:li], A, list(range(n, n + 15))))

    def intact_fail(k, W):
        win = windows_for(f"{cat_name}-s{k}")
        out = []
        for i, j in tf_bonds:
            if frozenset((i, j)) in planned or ("F" in path and frozenset((i, j)) == frozenset((t["C2"], path["F"]))):
                continue
            kind = "-".join(sorted((s[i], s[j]), key=lambda e: "SCNOF".index(e)))
            lo, hi = win.get(kind, (0, 9))
            if not lo <= dist(W, i, j) <= hi:
                out.append(f"{names[i]}-{names[j]}")
        return out      # per state: (X, command, note, evidence before, evidence after, converged)

    def make_hold(key, k, Y):
        """The $constrain for `key` in state k: a cleavage the state has made held at HOLD, a bond
        it has not yet broken held at its start length, the cleaved F kept off Li (s3) at its start,
        another bond of the anion (key "S1-C1" etc.) at its tfsi-on-<catalyst> length."""
        if key not in ("Li-F", "S2-F", *HOLD):
            a, b = key.split("-")
            return (key, t[a], t[b], dist(A, t[a], t[b]))
        if key == "Li-F":
            return ("Li-F", li, path["F"], max(dist(Y, li, path["F"]), 2.60))
        if key == "S2-F":
            return ("S2-F", t["S2"], path["F"], max(dist(Y, t["S2"], path["F"]), 2.80))
        i, j = {"N-S2": (t["N"], t["S2"]), "S2-C2": (t["S2"], t["C2"]), "C2-F": (t["C2"], path.get("F"))}[key]
        made = k >= ("N-S2", "S2-C2", "C2-F").index(key) + 1
        return (key, i, j, HOLD[key] if made else dist(Y, i, j))

    def state(k, label, Y, what):
        """Relaxes constructed state Y: unconstrained first, then holding what failed."""
        before, _ = bond_evidence(s, Y, k, path)
        keys0 = list((prior or {}).get(k, []))
        keys0 += [key for key in inherited if key not in keys0]
        chem = [make_hold(key, k, Y) for key in keys0]
        from_prior = [c[0] for c in chem]
        history = []
        for attempt in range(5):
            r, cons = relax(label + ("" if not chem else "-held-" + "-".join(c[0] for c in chem)), k, Y, chem)
            W = r.positions
            after, fail = bond_evidence(s, W, k, path)
            fail = fail + [f + " (intact)" for f in intact_fail(k, W)]
            history.append((list(chem), after, fail, r.converged))
            if not fail:
                break
            log(f"  {cat_name}-{label}: {fail} after GFN2 with {[c[0] for c in chem]}")
            keys = [c[0] for c in chem]
            for f in fail:
                key = f.split(" ")[0]
                if key in keys or (key == "Li-F" and k == 4):
                    continue
                chem.append(make_hold(key, k, Y))
            if all(c[0] in keys for c in chem):      # nothing new to hold
                break
        notes = []
        for c, after, fail, conv in history[:-1]:
            held = ", ".join(f"{x[0]} {x[3]:.2f} A" for x in c) or "no cleavage held"
            notes.append(f"with {held}: " + ", ".join(f"{kk} {v:.2f} A" for kk, v in after.items()
                                                       if kk in ("N-S2", "S2-C2", "C2-F", "Li-F"))
                         + f" -> not kept ({', '.join(fail)})")
        final_chem, after, fail, conv = history[-1]
        note = (f"{what}; GFN2 at charge {PATH_CHARGE}, 2S+1 = {mults[k]}, all catalyst atoms fixed; "
                + describe(cons, final_chem)
                + (f" ({', '.join(from_prior)} held from the start (the copc pathway's holds of this state, "
                   f"and the anion bonds an earlier state had to hold); no unconstrained attempt here)"
                   if from_prior else "")
                + continuation_note(r, cat_name)
                + ("; unconstrained attempt(s): " + "; ".join(notes) if notes else "")
                + (f"; STILL FAILING: {', '.join(fail)}" if fail else ""))
        li_min = min(dist(r.positions, li, j) for j in ligand_atoms)
        records.append(dict(X=r.positions, X0=Y, command=r.command, note=note, before=before, after=after,
                            fail=fail, held=[c[0] for c in final_chem], converged=conv, energy=r.energy,
                            li_min=li_min, prior=from_prior))
        inherited.extend(key for key in records[-1]["held"]
                         if key not in inherited and key not in ("Li-F", *HOLD))
        return r.positions

    def move(X, frag, i, j, target, carry_li=True):
        """Moves `frag` along i->j until |ij| = target; Li+ follows by the share of its O/N/F
        ligands that are in `frag` (so a Li bound to the moving group is not run over)."""
        d = unit(X[j] - X[i])
        shift = target - dist(X, i, j)
        Y = X.copy()
        Y[frag] += shift * d
        if carry_li:
            ligs = [a for a in range(n, li) if s[a] in ("O", "N", "F")
                    and dist(X, li, a) <= 1.2 * (COVALENT[s[a]] + COVALENT["Li"])]
            if ligs:
                Y[li] += shift * d * sum(a in frag for a in ligs) / len(ligs)
        return Y, shift

    # s0: the anion and Li relaxed together from the chosen Li site
    # a bond of the anion that a state had to hold intact, and the F- kept off SO2 (S2-F), stay held in
    # the later states (the same fragments on the same reduced catalyst; found once instead of per state)
    inherited = []
    X = state(0, "s0", r0.positions, f"s0: tfsi-on-{cat_name} plus Li+; {site_note}; then anion + Li relaxed")
    # s1: N-S2 cleavage
    Y, sh = move(X, [t["S2"], t["O21"], t["O22"], t["C2"], t["F21"], t["F22"], t["F23"]], t["N"], t["S2"], 2.90)
    X = state(1, "s1", Y, f"s1: N-S2 cleavage, S2O2CF3 moved {sh:.2f} A along N->S2 to N...S2 = 2.90 A")
    # s2: CF3 loss
    Y, sh = move(X, [t["C2"], t["F21"], t["F22"], t["F23"]], t["S2"], t["C2"], 3.00)
    X = state(2, "s2", Y, f"s2: S2-C2 cleavage, CF3 moved {sh:.2f} A along S2->C2 to S2...C2 = 3.00 A")
    # s3: C-F cleavage: of the three F of C2 and C2...F = 2.5/2.7/2.9 A, the one closest to Li that
    # stays >= 2.6 A from it (no LiF yet) and clear of every atom.
    options = []
    for target in (2.50, 2.70, 2.90):
        for f in (t["F21"], t["F22"], t["F23"]):
            Yc, shc = move(X, [f], t["C2"], f, target, carry_li=False)
            clear = min(dist(Yc, f, j) / (COVALENT[s[f]] + COVALENT[s[j]]) for j in range(len(s)) if j != f)
            if dist(Yc, f, li) >= 2.6 and clear >= 0.95:
                options.append((round(dist(Yc, f, li), 6), target, f, Yc, shc))
    if not options:
        raise RuntimeError(f"{cat_name}-s3: no clear position for the cleaved F")
    _, cf, f_end, Y, sh = min(options, key=lambda o: (o[0], o[1], o[2]))
    path["F"] = f_end
    f_label = next(k for k, v in t.items() if v == f_end)
    # s0..s2 evidence once F is known
    for k in range(3):
        records[k]["before"], _ = bond_evidence(s, records[k]["X0"], k, path)
        records[k]["after"], records[k]["fail"] = bond_evidence(s, records[k]["X"], k, path)
    X = state(3, "s3", Y, f"s3: C2-F cleavage, {f_label} moved {sh:.2f} A along C2->F to C2...F = {cf:.2f} A "
                          f"(of the F of C2 and C2...F 2.5/2.7/2.9 A, the one closest to Li while >= 2.6 A away)")
    # s4: Li + F -> LiF
    Y = X.copy()
    Y[li] = X[f_end] + LIF_HOLD * unit(X[li] - X[f_end])
    state(4, "s4", Y, f"s4: Li moved to {LIF_HOLD:.2f} A from the free F")
    systems = []
    desc = ["LiTFSI adsorbed on the doubly reduced catalyst (initial state)",
            "after N-S cleavage (CF3SO2N.- + CF3SO2-)", "after CF3 loss (CF3SO2- -> SO2 + CF3-)",
            "after C-F cleavage (CF3- + e- -> CF2.- + F-)", "after F- + Li+ -> LiF"]
    groups = dict(ads.groups)
    groups["li"] = [li]
    groups["pathway"] = dict(path)
    pairs = [(t["N"], t["S2"]), (t["S2"], t["C2"]), (t["C2"], f_end)]
    for k, rec in enumerate(records):
        sysm = System(f"{cat_name}-s{k}", f"pathway/{cat_name}/s{k}.vasp", s, rec["X"], PATH_CHARGE, mults[k],
                      f"Li+ + TFSI- + 2 e- on {cat_name}: {desc[k]}", vasp_fixed=ads.vasp_fixed,
                      xtb=[(rec["command"], rec["note"])], groups=groups)
        sysm.spin = "free"
        sysm.broken = pairs[:min(k, 3)]
        sysm.formed = [(li, f_end)] if k == 4 else []
        sysm.evidence = dict(before=rec["before"], after=rec["after"], fail=rec["fail"], held=rec["held"],
                             converged=rec["converged"], energy=rec["energy"], li_min=rec["li_min"],
                             prior=rec["prior"])
        systems.append(sysm)
    return systems


# ------------------------------------------------------------------------------------------------
# Output
# ------------------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--vacuum", type=float, default=12.0, help="minimum vacuum between periodic images (A)")
    ap.add_argument("--box", choices=["common", "own"], default="common",
                    help="common: one orthorhombic cell for every file (default); own: a cell per file")
    ap.add_argument("--workdir", default=os.path.join(os.getcwd(), ".build-struct", "xtb"))
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.dirname(HERE)), "structures"))
    args = ap.parse_args()
    work = os.path.abspath(args.workdir)
    os.makedirs(work, exist_ok=True)

    log("molecules")
    t_sys, _ = build_tfsi(work)
    li_sys = build_li()
    lt_sys, _ = build_litfsi(work, t_sys.X)
    log("catalysts")
    copc_sys = build_copc(work)
    mof_sys, mof_xfix = build_mof(work)
    mc_sys = build_mof_copc(mof_sys, copc_sys)
    dimer = build_copc_dimer(copc_sys)
    log("adsorbed")
    # the cap H are frozen in VASP, so they are frozen here too (at their mof.vasp positions)
    ads_mof = build_tfsi_mof(work, mof_sys, sorted(mof_xfix + mof_sys.groups["caps"]), t_sys.X)
    ads_copc = build_tfsi_copc(work, copc_sys, t_sys.X)
    ads_mc = build_tfsi_mof_copc(work, mc_sys, t_sys.X)
    log("pathways")
    path_copc = build_pathway(work, ads_copc, "copc")
    # the MOF-sized pathways start from the holds the CoPc pathway needed (see build_pathway)
    # (S2-F, the F- kept off SO2, is left for each pathway to find: on the MOF it is not needed)
    prior = {k: [h for h in g.evidence["held"] if h != "S2-F"] for k, g in enumerate(path_copc)}
    path_mof = build_pathway(work, ads_mof, "mof", prior)
    path_mc = build_pathway(work, ads_mc, "mof-copc", prior)
    path_mc[0].contact = copc_contact(path_mc[0].symbols, path_mc[0].X, ads_mc.groups["tfsi"], ads_mc.groups["copc"])

    # frames: one rotation + centre per group (a pathway shares its frame so fixed atoms coincide)
    groups = [[t_sys], [li_sys], [lt_sys], [copc_sys], [mof_sys], [mc_sys], [dimer], [ads_mof],
              [ads_copc], [ads_mc], path_mof, path_copc, path_mc]
    placed = []
    for grp in groups:
        R = principal_frame(grp[0].X) if len(grp[0].X) > 2 else np.eye(3)
        Xs = [g.X @ R.T for g in grp]
        allX = np.vstack(Xs)
        centre = (allX.max(0) + allX.min(0)) / 2
        span = allX.max(0) - allX.min(0)
        placed.append((grp, [x - centre for x in Xs], span))
    if args.box == "common":
        big = np.max([p[2] for p in placed], axis=0)
        cell_all = np.ceil((big + args.vacuum) * 2) / 2
    index = []
    for grp, Xs, span in placed:
        cell = cell_all if args.box == "common" else np.ceil((span + args.vacuum) * 2) / 2
        for g, Xc in zip(grp, Xs):
            perm = grouped_order(g.symbols)
            inv = {old: new for new, old in enumerate(perm)}
            sy = [g.symbols[i] for i in perm]
            Y = Xc[perm]
            fixed = sorted(inv[i] for i in g.vasp_fixed)
            # pathway states share one centre: shift so the group's box centre is the cell centre
            path = os.path.join(args.out, g.file)
            charge = f"{g.charge:+d}" if g.charge else "0"
            comment = f"{g.name}  charge {charge}  multiplicity {g.mult}  (Cascade structures/, GFN2-xTB start)"
            write_poscar_shared(path, comment, sy, Y, cell, fixed)
            present = sorted(set(sy), key=lambda e: ["Fe", "Co", "Li", "S", "N", "O", "C", "F", "H"].index(e))
            mag = {e: MAGMOM[e] for e in present if e in MAGMOM}
            entry = dict(name=g.name, file=g.file, charge=g.charge, multiplicity=g.mult, fixed=fixed,
                         magmom=mag, description=g.description, xtb=g.xtb, notes=g.notes,
                         groups=remap_groups(g.groups, inv))
            if g.spin:
                entry["spin"] = g.spin
            if g.spin or g.broken or g.formed:
                entry["broken"] = [sorted((inv[i], inv[j])) for i, j in g.broken]
                entry["formed"] = [sorted((inv[i], inv[j])) for i, j in g.formed]
            if g.evidence is not None:
                entry["evidence"] = g.evidence
            if getattr(g, "contact", None) is not None:
                entry["contact"] = g.contact
            index.append(entry)
    write_yaml(os.path.join(args.out, "structures.yaml"), index, args)
    problems = [(g.name, v) for grp in groups for g in grp
                for v in violations(g.symbols, g.X, windows_for(g.name))]
    problems += [(g.name, "declared bond change fails: " + ", ".join(g.evidence["fail"]))
                 for grp in groups for g in grp if g.evidence and g.evidence["fail"]]
    with open(os.path.join(work, "build-index.json"), "w") as f:
        json.dump(index, f, indent=1, default=lambda o: o.tolist() if hasattr(o, "tolist") else str(o))
    with open(os.path.join(work, "build-meta.json"), "w") as f:
        json.dump({"vacuum": args.vacuum, "box": args.box}, f)
    log(f"cell {cell_all if args.box == 'common' else 'per file'}; wrote {len(index)} files")
    readme.write(work, args.out)
    if problems:
        log("GEOMETRY PROBLEMS (the tests will fail):")
        for name, v in problems:
            log(f"  {name}: {v}")
        sys.exit(1)


def write_poscar_shared(path, comment, symbols, Y, cell, fixed):
    """Writes with the group's common centring (Y already centred on the group's box centre)."""
    cell = np.asarray(cell, float)
    # poscar.write_poscar re-centres by the structure's own bounding box; keep the group centre instead
    write_poscar(path, comment, symbols, Y, cell, fixed, centre=False)


def remap_groups(groups, inv):
    out = {}
    for k, v in groups.items():
        if k == "linkers":
            continue
        if k == "amine":
            out[k] = [[inv[a], inv[b]] for a, b in v]
        elif k == "pathway":
            out[k] = {kk: inv[vv] for kk, vv in v.items()}
        else:
            out[k] = sorted(inv[i] for i in v)
    return out


def yaml_str(s):
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_yaml(path, index, args):
    lines = [
        "# The study's starting geometries (made by tools/structures/build.py; see structures/README.md).",
        "# name: label used by the study manifest; file: relative to structures/; charge: net charge (|e|);",
        "# multiplicity: 2S+1 of the initial spin state; fixed: 0-based atom indices (POSCAR order) kept",
        "# fixed in VASP (F F F under Selective dynamics); magmom: initial moment per element (mu_B).",
        "# spin: free = run without NUPDOWN (MAGMOM is the start, the final moment is reported); absent =",
        "# fixed, NUPDOWN = multiplicity - 1. broken / formed (pathway states s1-s4): the bond changes",
        "# relative to s0 the state declares (cumulative), 0-based atom index pairs in POSCAR order; a pair",
        "# is bonded when its distance is <= 1.2 x the sum of covalent radii (cascade doctor and tabulate).",
        f"# Cell: {'one orthorhombic cell for every file' if args.box == 'common' else 'one cell per file'},"
        f" >= {args.vacuum:g} A of vacuum between periodic images.",
    ]
    for e in index:
        lines.append(f"- name: {e['name']}")
        lines.append(f"  file: {e['file']}")
        lines.append(f"  charge: {e['charge']}")
        lines.append(f"  multiplicity: {e['multiplicity']}")
        lines.append(f"  fixed: [{', '.join(str(i) for i in e['fixed'])}]")
        if e["magmom"]:
            lines.append("  magmom: {" + ", ".join(f"{k}: {v:g}" for k, v in e["magmom"].items()) + "}")
        if e.get("spin"):
            lines.append(f"  spin: {e['spin']}")
        if "broken" in e:
            lines.append("  broken: [" + ", ".join(f"[{i}, {j}]" for i, j in e["broken"]) + "]")
            lines.append("  formed: [" + ", ".join(f"[{i}, {j}]" for i, j in e["formed"]) + "]")
        lines.append(f"  description: {yaml_str(e['description'])}")
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, path)


if __name__ == "__main__":
    main()
