#!/usr/bin/env python3
"""Measures the committed POSCARs against the windows of Tests/StudyTests/StructuresTests.swift and
prints a Markdown table per file (pasted into structures/README.md and the report).

    python3 tools/structures/measure.py [structures]
"""
from __future__ import annotations

import os
import sys
from collections import Counter

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from geom import COVALENT, plane_rms  # noqa: E402

WINDOWS = {  # the issue's windows (A, deg)
    "C-F": (1.30, 1.38), "S-N": (1.54, 1.63), "S-O": (1.40, 1.48), "S-C": (1.78, 1.95),
    "S-N-S": (105, 130), "Co-N": (1.85, 1.97), "Fe-O(mu3)": (1.85, 2.00), "Fe-O(carb)": (1.95, 2.15),
    "Fe...Fe": (3.20, 3.45), "N-H": (0.99, 1.04), "Li-O": (1.60, 2.10),
}
# Pathway states (charge -2: s0's anion on a doubly reduced catalyst, then) the fragments of the
# reduced anion, not TFSI-: CF3SO2N.- (S=N character,
# S-N down to ~1.45), CF3SO2- and SO2 (S-O up to ~1.52, triflinate S-C long), CF3- and CF2.- (C-F up to
# ~1.50). Windows of those bonds there (the Swift test has the same numbers).
# S-N-S up to 140 deg: the intact anion of s0 next to the doubly reduced MOF opens to 133-134 deg in GFN2
# (TFSI- H-bonded through N on the MOF does so at -1 too); Li-O 1.80-2.25: every Li contact of a pathway
# file is held at >= 1.8 A, and the Li of LiF (s4) keeps weaker Li-O contacts up to ~2.2 A.
PATHWAY_WINDOWS = dict(WINDOWS, **{"C-F": (1.30, 1.50), "S-N": (1.45, 1.63), "S-O": (1.40, 1.52),
                                   "S-C": (1.78, 2.05), "S-N-S": (105, 140), "Li-O": (1.80, 2.25)})


def windows_for(name):
    """The windows of one entry: PATHWAY_WINDOWS for the pathway states (all at charge -2; s0's anion
    sits on a doubly reduced catalyst), WINDOWS otherwise."""
    import re
    return PATHWAY_WINDOWS if re.search(r"-s[0-4]$", name or "") else WINDOWS


def read_poscar(path):
    lines = open(path).read().splitlines()
    scale = float(lines[1].split()[0])
    cell = np.array([[float(x) for x in lines[k].split()[:3]] for k in (2, 3, 4)]) * scale
    species = lines[5].split()
    counts = [int(x) for x in lines[6].split()]
    k = 7
    sel = lines[k].strip().lower().startswith("s")
    if sel:
        k += 1
    cart = lines[k].strip()[0].lower() in "ck"
    k += 1
    n = sum(counts)
    P = np.array([[float(x) for x in lines[k + i].split()[:3]] for i in range(n)])
    flags = [lines[k + i].split()[3:6] for i in range(n)] if sel else None
    X = P * scale if cart else P @ cell
    sym = [s for s, c in zip(species, counts) for _ in range(c)]
    return lines[0], cell, sym, X, flags


def read_index(path):
    entries, cur = [], None
    for line in open(path):
        if line.startswith("#") or not line.strip():
            continue
        if line.startswith("- "):
            cur = {}
            entries.append(cur)
            line = "  " + line[2:]
        key, _, val = line.strip().partition(":")
        cur[key.strip()] = val.strip()
    return entries


def analyse(sym, X, cell):
    n = len(sym)
    r = np.array([COVALENT[s] for s in sym])
    D = np.linalg.norm(X[:, None] - X[None], axis=2)
    B = (D <= 1.2 * (r[:, None] + r[None])) & ~np.eye(n, dtype=bool)
    out = {}

    def pairs(a, b, cond=lambda i, j: True):
        v = []
        for i in range(n):
            for j in range(n):
                if (i < j or a != b) and sym[i] == a and sym[j] == b and B[i, j] and cond(i, j):
                    v.append(D[i, j])
        return v

    out["C-F"] = pairs("C", "F")
    out["S-N"] = pairs("S", "N")
    out["S-O"] = pairs("S", "O")
    out["S-C"] = pairs("S", "C")
    out["N-H"] = pairs("N", "H")
    out["Li-O"] = pairs("Li", "O")
    out["Li-F"] = pairs("Li", "F")
    sns = []
    for j in range(n):
        if sym[j] == "N":
            ss = [i for i in range(n) if B[i, j] and sym[i] == "S"]
            if len(ss) == 2:
                u, w = X[ss[0]] - X[j], X[ss[1]] - X[j]
                sns.append(np.degrees(np.arccos(u @ w / np.linalg.norm(u) / np.linalg.norm(w))))
    out["S-N-S"] = sns
    con = []
    for i in range(n):
        if sym[i] == "Co":
            con.append(sorted(D[i, j] for j in range(n) if B[i, j] and sym[j] == "N"))
    out["Co-N"] = [d for c in con for d in c]
    out["Co-N spread"] = [max(c) - min(c) for c in con]
    fe = [i for i in range(n) if sym[i] == "Fe"]
    mu3 = [j for j in range(n) if sym[j] == "O" and sum(B[i, j] for i in fe) == 3]
    carb = [j for j in range(n) if sym[j] == "O" and any(B[i, j] for i in fe)
            and any(B[j, k] and sym[k] == "C" for k in range(n))]
    out["Fe-O(mu3)"] = [D[i, j] for i in fe for j in mu3 if B[i, j]]
    out["Fe-O(carb)"] = [D[i, j] for i in fe for j in carb if B[i, j]]
    out["Fe...Fe"] = [D[a, b] for a in fe for b in fe if a < b]
    sulf = [j for j in range(n) if sym[j] == "O" and any(B[j, k] and sym[k] == "S" for k in range(n))]
    out["Fe-O(S)"] = [D[i, j] for i in fe for j in sulf if D[i, j] < 2.6]
    out["Co-O(S)"] = [D[i, j] for i in range(n) if sym[i] == "Co" for j in sulf if D[i, j] < 3.2]
    # clash
    Q = D / (r[:, None] + r[None])
    np.fill_diagonal(Q, np.inf)
    k = np.unravel_index(np.argmin(Q), Q.shape)
    out["min d/(ri+rj)"] = [float(Q[k])]
    # CoPc planarity: heavy atoms of each Co's bonded component (bonds without Fe/Li/S/F contacts)
    rms = []
    member = [sym[i] in ("C", "N") and all(sym[j] in ("C", "N", "H", "Co") for j in range(n) if B[i, j])
              for i in range(n)]
    for c in [i for i in range(n) if sym[i] == "Co"]:
        stack = [j for j in range(n) if B[c, j] and sym[j] == "N" and member[j]]
        comp = {c, *stack}
        while stack:
            a = stack.pop()
            for b in range(n):
                if B[a, b] and b not in comp and member[b]:
                    comp.add(b)
                    stack.append(b)
        heavy = sorted(comp)
        rms.append(plane_rms(X[heavy])[0] if len(heavy) == 41 else float("inf"))
    out["CoPc plane RMS"] = rms
    # vacuum along each axis (orthorhombic cells here)
    L = np.diag(cell)
    f = (X / L) % 1.0
    vac = []
    for a in range(3):
        s = np.sort(f[:, a])
        gaps = np.diff(np.concatenate([s, [s[0] + 1]]))
        vac.append(gaps.max() * L[a])
    out["vacuum"] = vac
    out["formula"] = Counter(sym)
    return out


def fmt(v):
    if not v:
        return "–"
    if len(v) == 1:
        return f"{v[0]:.3f}"
    return f"{min(v):.3f}–{max(v):.3f}"


def main(root=None):
    if root is None:
        root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.dirname(HERE)), "structures")
    idx = read_index(os.path.join(root, "structures.yaml"))
    keys = ["C-F", "S-N", "S-O", "S-C", "S-N-S", "Co-N", "Fe-O(mu3)", "Fe-O(carb)", "Fe...Fe", "N-H",
            "Li-O", "Li-F", "Fe-O(S)", "Co-O(S)", "CoPc plane RMS", "min d/(ri+rj)"]
    print("| file | atoms | " + " | ".join(keys) + " | vacuum (min) |")
    print("|" + "---|" * (len(keys) + 3))
    bad = []
    for e in idx:
        _, cell, sym, X, _ = read_poscar(os.path.join(root, e["file"]))
        a = analyse(sym, X, cell)
        row = [e["name"], str(len(sym))] + [fmt(a[k]) for k in keys] + [f"{min(a['vacuum']):.1f}"]
        print("| " + " | ".join(row) + " |")
        for k, (lo, hi) in windows_for(e["name"]).items():
            for v in a[k]:
                if not lo <= v <= hi:
                    bad.append((e["name"], k, round(v, 3)))
    if bad:
        print("\nOUT OF WINDOW:", bad)


if __name__ == "__main__":
    main()


def violations(sym, X, windows=None):
    """Everything the Swift tests would reject in one structure (windows, clashes, H valence,
    Co-N spread, CoPc planarity), as strings; [] when the geometry passes. Vacuum is not checked.
    `windows`: WINDOWS unless given (PATHWAY_WINDOWS for pathway states s1-s4)."""
    X = np.asarray(X, float)
    big = np.diag(X.max(0) - X.min(0) + 30.0)
    a = analyse(sym, X + 15.0 - X.min(0), big)
    bad = []
    for k, (lo, hi) in (windows or WINDOWS).items():
        for v in a[k]:
            if not lo <= v <= hi:
                bad.append(f"{k} {v:.3f}")
    for s_ in a["Co-N spread"]:
        if s_ > 0.02:
            bad.append(f"Co-N spread {s_:.3f}")
    for r in a["CoPc plane RMS"]:
        if r >= 0.05:
            bad.append(f"CoPc RMS {r:.3f}")
    if a["min d/(ri+rj)"][0] < 0.75:
        bad.append(f"clash {a['min d/(ri+rj)'][0]:.3f}")
    r = np.array([COVALENT[s] for s in sym])
    D = np.linalg.norm(X[:, None] - X[None], axis=2)
    B = (D <= 1.2 * (r[:, None] + r[None])) & ~np.eye(len(sym), dtype=bool)
    for i, s in enumerate(sym):
        if s == "H" and B[i].sum() != 1:
            bad.append(f"H{i} has {B[i].sum()} bonds")
    return bad


# ------------------------------------------------------------------------------------------------
# Frozen atoms against the bare catalyst, declared bond changes of the pathway (verify.py prints both)
# ------------------------------------------------------------------------------------------------

def parse_pairs(text):
    """'[[1, 2], [3, 4]]' -> [(1, 2), (3, 4)]."""
    import re
    return [(int(a), int(b)) for a, b in re.findall(r"\[\s*(\d+)\s*,\s*(\d+)\s*\]", text or "")]


def parse_list(text):
    return [int(v) for v in text.strip("[] ").split(",") if v.strip()]


def frozen_deviation(root, entry, reference):
    """Largest and RMS distance (A) between the `fixed` atoms of `entry` and those of `reference`
    after the best rigid superposition (Kabsch) of those atoms. The k-th fixed atom of each element
    in one file corresponds to the k-th of the other (the catalyst's atoms come first in build order)."""
    from geom import kabsch
    _, _, sa, Xa, _ = read_poscar(os.path.join(root, entry["file"]))
    _, _, sb, Xb, _ = read_poscar(os.path.join(root, reference["file"]))
    fa, fb = parse_list(entry["fixed"]), parse_list(reference["fixed"])
    if len(fa) != len(fb) or [sa[i] for i in fa] != [sb[i] for i in fb]:
        raise ValueError(f"{entry['name']}: fixed atoms do not correspond to {reference['name']}")
    P, Q = Xa[fa], Xb[fb]
    R, t = kabsch(P, Q)
    d = np.linalg.norm(P @ R.T + t - Q, axis=1)
    return float(d.max()), float(np.sqrt(np.mean(d ** 2)))


FROZEN_REFERENCE = {"tfsi-on-mof": "mof", "mof-copc": "mof", "tfsi-on-mof-copc": "mof-copc",
                    **{f"mof-s{k}": "mof" for k in range(5)}, **{f"mof-copc-s{k}": "mof-copc" for k in range(5)}}


def frozen_table(root):
    idx = {e["name"]: e for e in read_index(os.path.join(root, "structures.yaml"))}
    rows = ["| file | reference | frozen atoms | largest deviation (Å) | RMSD (Å) |", "|---|---|---|---|---|"]
    worst = 0.0
    for name, ref in FROZEN_REFERENCE.items():
        if name not in idx or ref not in idx:
            continue
        mx, rms = frozen_deviation(root, idx[name], idx[ref])
        worst = max(worst, mx)
        rows.append(f"| `{name}` | `{ref}` | {len(parse_list(idx[name]['fixed']))} | {mx:.4f} | {rms:.4f} |")
    return rows, worst


def declared_bonds(root, factor=1.25):
    """For every pathway state s1..s4: its declared broken / formed pairs, their distance in the state and
    in s0, and whether the declaration holds (broken: bonded in s0, not bonded in the state; formed: the
    reverse; bonded = d <= factor x sum of covalent radii)."""
    idx = read_index(os.path.join(root, "structures.yaml"))
    by = {e["name"]: e for e in idx}
    rows, bad = [], []
    for e in idx:
        if "broken" not in e or e["name"].endswith("-s0"):
            continue
        s0 = by[e["name"].rsplit("-s", 1)[0] + "-s0"]
        _, _, sym, X, _ = read_poscar(os.path.join(root, e["file"]))
        _, _, sym0, X0, _ = read_poscar(os.path.join(root, s0["file"]))
        assert sym == sym0, f"{e['name']}: atoms differ from s0"
        for kind in ("broken", "formed"):
            for i, j in parse_pairs(e[kind]):
                lim = factor * (COVALENT[sym[i]] + COVALENT[sym[j]])
                d, d0 = float(np.linalg.norm(X[i] - X[j])), float(np.linalg.norm(X0[i] - X0[j]))
                ok = (d0 <= lim < d) if kind == "broken" else (d <= lim < d0)
                rows.append((e["name"], kind, f"{sym[i]}{i}–{sym[j]}{j}", d0, d, lim, ok))
                if not ok:
                    bad.append(rows[-1])
    return rows, bad
