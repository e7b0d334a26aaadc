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
from measure import violations  # noqa: E402
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

def adsorb_tfsi(work, tag, cat, tfsi_X, site, outward, charge, uhf, xfix, bond, constrain_site,
                amine, require_hb):
    """Grid of 12 orientations of TFSI- bound through O11 to `site`; GFN2 relaxation of each;
    the lowest-energy candidate that stays intact, stays bound (and H-bonded if required)."""
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
    return s, r, note, cons, hb


def build_tfsi_mof(work, mof, xfix, tfsi_X):
    site = 2
    s, r, note, cons, hb = adsorb_tfsi(work, "tfsi@mof", mof, tfsi_X, site, unit(mof.X[site] - mof.X[3]),
                                       -1, 15, xfix, FE_O_TFSI, True, mof.groups["amine"], True)
    n = len(mof.symbols)
    groups = dict(mof.groups)
    groups["tfsi"] = list(range(n, n + 15))
    sysm = System("tfsi@mof", "adsorbed/tfsi@mof.vasp", s, r.positions, -1, 16,
                  "TFSI- on the open Fe(III) of the MOF cluster: O=S->Fe plus N-H...O/F hydrogen bonds",
                  vasp_fixed=mof.vasp_fixed,
                  xtb=[(r.command, f"$fix core + terminal O; $constrain Fe-O(TFSI) = {FE_O_TFSI:.2f} A; {note}")],
                  groups=groups)
    return sysm


def build_tfsi_copc(work, copc_sys, tfsi_X):
    s, r, note, cons, hb = adsorb_tfsi(work, "tfsi@copc", copc_sys, tfsi_X, 0, np.array([0, 0, 1.0]),
                                       -1, 1, list(range(57)), 2.30, False, None, False)
    groups = dict(copc_sys.groups)
    groups["tfsi"] = list(range(57, 72))
    return System("tfsi@copc", "adsorbed/tfsi@copc.vasp", s, r.positions, -1, 2,
                  "TFSI- on CoPc, sulfonyl O axial on Co",
                  xtb=[(r.command, f"$fix all CoPc atoms (kept planar); TFSI free; {note}")],
                  groups=groups)


def build_tfsi_mof_copc(work, mc, tfsi_X):
    site = 2
    nc = len(mc.symbols)
    s, r, note, cons, hb = adsorb_tfsi(work, "tfsi@mof-copc", mc, tfsi_X, site,
                                       unit(mc.X[site] - mc.X[3]), -1, 16, list(range(nc)), FE_O_TFSI,
                                       True, mc.groups["amine"], True)
    groups = dict(mc.groups)
    groups["tfsi"] = list(range(nc, nc + 15))
    return System("tfsi@mof-copc", "adsorbed/tfsi@mof-copc.vasp", s, r.positions, -1, 17,
                  "TFSI- on the open Fe(III) of MOF@CoPc, next to the stacked CoPc",
                  vasp_fixed=mc.vasp_fixed,
                  xtb=[(r.command, f"$fix all MOF@CoPc atoms; $constrain Fe-O(TFSI) = {FE_O_TFSI:.2f} A; {note}")],
                  groups=groups)


# ------------------------------------------------------------------------------------------------
# Decomposition pathway: s0 (adsorbed LiTFSI) ... s4 (LiF formed)
# ------------------------------------------------------------------------------------------------

def relaxed_li_or_constructed(r, Y, s, commands, states, what):
    """The Li-only GFN2 relaxation of constructed state Y when it passes the windows, else Y."""
    if r is None or violations(s, r.positions):
        states.append(Y)
        commands.append(("none (constructed)", f"{what}; the GFN2 Li-only relaxation failed or left the test windows "
                                               "and was not used"))
        return Y
    states.append(r.positions)
    commands.append((r.command, f"{what}; then only Li relaxed ($fix all other atoms)"))
    return r.positions


def build_pathway(work, ads, cat_name, mult):
    """s0: the adsorbed TFSI- of `ads` plus Li+, the lowest-energy acceptable of 12 Li sites
    (adsorb.li_sites: the best-coordinated clash-free spots next to the anion), each relaxed with only
    Li free. s1..s4: the breaking fragment moved rigidly from the previous state (N...S2 2.90,
    S2...C2 3.00, C2...F 2.70 A; then Li to 1.70 A from that F), and only Li relaxed with GFN2 (every
    other atom frozen; s3 not relaxed), so that the fragments keep the internal geometry of tfsi@<catalyst>
    and the catalyst is identical in all five states."""
    n = len(ads.symbols) - 15          # catalyst atoms
    t = {k: n + v for k, v in TFSI.items()}
    s = ads.symbols + ["Li"]
    li = len(s) - 1
    others = list(range(li))
    uhf = mult - 1
    A = ads.X
    # --- s0: Li sites next to the anion's free O, N and F atoms
    ligands = [t[k] for k in ("N", "O12", "O21", "O22", "F11", "F12", "F13", "F21", "F22", "F23")]
    sites = [(f"site {k} (ligand score {sc})", p) for k, (sc, p) in enumerate(li_sites(s[:li], A, ligands, 12))]
    tried = []
    for k, (label, pos) in enumerate(sites):
        X0 = np.vstack([A, pos])
        try:
            r = optimise(work, f"{cat_name}-s0-li{k}", s, X0, 0, uhf, "tight", fixed=others)
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
    states = [r0.positions]
    commands = [(r0.command, f"s0: tfsi@{cat_name} plus Li+; only Li relaxed ($fix all other atoms); "
                 f"Li+ {label0}, the lowest-energy acceptable of {len(tried)} Li sites (acceptable: two or more "
                 f"ligand atoms of the anion, no contact with the catalyst, >= 3 A from Fe/Co, inside the test "
                 f"windows; {lowest_note})")]
    X = r0.positions

    def li_only(label, Y, constraints=()):
        try:
            return optimise(work, f"{cat_name}-{label}", s, Y, 0, uhf, "tight", fixed=others,
                            constraints=list(constraints))
        except RuntimeError as err:
            log(f"  {cat_name}-{label}: GFN2 failed ({err}); the constructed geometry is used")
            return None

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

    # s1: N-S2 cleavage
    Y, sh = move(X, [t["S2"], t["O21"], t["O22"], t["C2"], t["F21"], t["F22"], t["F23"]], t["N"], t["S2"], 2.90)
    X = relaxed_li_or_constructed(li_only("s1", Y), Y, s, commands, states,
                                  f"s1: N-S2 cleavage, S2O2CF3 moved {sh:.2f} A along N->S2 to N...S2 = 2.90 A")
    # s2: CF3 loss
    Y, sh = move(X, [t["C2"], t["F21"], t["F22"], t["F23"]], t["S2"], t["C2"], 3.00)
    X = relaxed_li_or_constructed(li_only("s2", Y), Y, s, commands, states,
                                  f"s2: S2-C2 cleavage, CF3 moved {sh:.2f} A along S2->C2 to S2...C2 = 3.00 A")
    # s3: C-F cleavage: one F of C2 moved along C2->F, nothing relaxed. Of the three F and the
    # distances 2.5/2.7/2.9 A, the one closest to Li that stays >= 2.6 A from it (no LiF yet) and
    # clear of every atom.
    options = []
    for target in (2.50, 2.70, 2.90):
        for f in (t["F21"], t["F22"], t["F23"]):
            Yc, shc = move(X, [f], t["C2"], f, target, carry_li=False)
            clear = min(dist(Yc, f, j) / (COVALENT[s[f]] + COVALENT[s[j]]) for j in range(len(s)) if j != f)
            if dist(Yc, f, li) >= 2.6 and clear >= 0.95 and not violations(s, Yc):
                options.append((round(dist(Yc, f, li), 6), target, f, Yc, shc))
    if not options:
        raise RuntimeError(f"{cat_name}-s3: no clear position for the cleaved F")
    _, cf, f_end, Y, sh = min(options, key=lambda o: (o[0], o[1], o[2]))
    f_label = next(k for k, v in t.items() if v == f_end)
    states.append(Y)
    commands.append(("none (constructed from s2)",
                     f"s3: C2-F cleavage, {f_label} of TFSI moved {sh:.2f} A along C2->F to "
                     f"C2...F = {cf:.2f} A, the choice (F of C2, C2...F 2.5/2.7/2.9 A) that brings it closest "
                     f"to Li while >= 2.6 A away (Li...F {dist(Y, f_end, li):.2f} A: no LiF yet); nothing relaxed"))
    X = Y
    # s4: Li + F -> LiF
    Y = X.copy()
    Y[li] = X[f_end] + 1.70 * unit(X[li] - X[f_end])
    r = li_only("s4", Y)
    if r is None or violations(s, r.positions):
        states.append(Y)
        commands.append(("none (constructed from s3)", "s4: Li moved to 1.70 A from the free F (the GFN2 "
                         "Li-only relaxation failed or left the test windows and was not used)"))
    else:
        states.append(r.positions)
        commands.append((r.command, "s4: Li moved to 1.70 A from the free F, then only Li relaxed "
                                    "($fix all other atoms)"))
    systems = []
    desc = ["LiTFSI adsorbed (initial state)", "after N-S cleavage", "after CF3 loss",
            "after C-F cleavage (CF3 -> CF2 + F)", "after F + Li -> LiF"]
    groups = dict(ads.groups)
    groups["li"] = [li]
    groups["pathway"] = {"N": t["N"], "S2": t["S2"], "C2": t["C2"], "F": f_end, "Li": li}
    for k, Xk in enumerate(states):
        sysm = System(f"{cat_name}-s{k}", f"pathway/{cat_name}/s{k}.vasp", s, Xk, 0, mult,
                      f"TFSI- + Li+ on {cat_name}: {desc[k]}", vasp_fixed=ads.vasp_fixed,
                      xtb=[commands[k]], groups=groups)
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
    ads_mof = build_tfsi_mof(work, mof_sys, mof_xfix, t_sys.X)
    ads_copc = build_tfsi_copc(work, copc_sys, t_sys.X)
    ads_mc = build_tfsi_mof_copc(work, mc_sys, t_sys.X)
    log("pathways")
    path_mof = build_pathway(work, ads_mof, "mof", 16)
    path_copc = build_pathway(work, ads_copc, "copc", 2)
    path_mc = build_pathway(work, ads_mc, "mof-copc", 17)

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
            index.append(dict(name=g.name, file=g.file, charge=g.charge, multiplicity=g.mult, fixed=fixed,
                              magmom=mag, description=g.description, xtb=g.xtb, notes=g.notes,
                              groups=remap_groups(g.groups, inv)))
    write_yaml(os.path.join(args.out, "structures.yaml"), index, args)
    problems = [(g.name, v) for grp in groups for g in grp for v in violations(g.symbols, g.X)]
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
        lines.append(f"  description: {yaml_str(e['description'])}")
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, path)


if __name__ == "__main__":
    main()
