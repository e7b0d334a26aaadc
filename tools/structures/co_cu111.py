#!/usr/bin/env python3
"""Build the starting geometries of the bundled study co-cu111 (CO on Cu(111)).

    python3 tools/structures/co_cu111.py                    # writes structures/co-cu111/*.vasp
    python3 tools/structures/co_cu111.py --a 3.635 --out DIR # your lattice constant, into DIR

Needs numpy only. Nothing is random: re-running writes the same bytes. What it builds and why is in
structures/co-cu111/README.md (kept by hand; the numbers there are the ones below).

Geometry:
- fcc Cu, a = 3.61 Å (the experimental room-temperature lattice constant, as tabulated in Kittel,
  Introduction to Solid State Physics); nearest neighbours d = a/√2 = 2.5527 Å, (111) layer spacing
  a/√3 = 2.0842 Å. PBE's own lattice constant is about 1 % larger (≈ 3.63–3.64 Å): for production
  work, rebuild with yours (--a) so the slab is not strained.
- Cu(111) 3×3 surface cell, 4 layers stacked A B C A from the bottom (fcc), cell height 25 Å
  (≈ 18.7 Å vacuum above the bare slab, ≈ 15.8 Å above the adsorbed CO).
- CO on top: C 1.85 Å above a top-layer Cu, O 1.14 Å above C (C–O of free CO 1.128 Å, slightly
  longer on the metal).
- CO in the fcc hollow (above a third-layer atom): Cu–C 2.00 Å to the three surface Cu, C–O 1.18 Å.
- CO alone: C–O 1.14 Å in a 15 Å cube.
Atoms are ordered Cu (bottom layer first), C, O; the bottom two layers (Cu 0–17) are fixed.
"""
import argparse
import os

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "structures", "co-cu111")


def slab(a, n=3, layers=4, height=25.0, bottom=2.0):
    """Cell (3×3 rows) and Cartesian Cu positions, bottom layer first; the 1×1 cell vectors."""
    d = a / np.sqrt(2)
    dz = a / np.sqrt(3)
    a1 = d * np.array([1.0, 0.0, 0.0])
    a2 = d * np.array([0.5, np.sqrt(3) / 2, 0.0])
    cell = np.array([n * a1, n * a2, [0.0, 0.0, height]])
    stacking = [(0.0, 0.0), (1 / 3, 1 / 3), (2 / 3, 2 / 3)]  # A, B, C in 1×1 fractions
    positions = []
    for layer in range(layers):
        sx, sy = stacking[layer % 3]
        for i in range(n):
            for j in range(n):
                positions.append((i + sx) * a1 + (j + sy) * a2 + np.array([0, 0, bottom + layer * dz]))
    return cell, np.array(positions), (a1, a2), dz


def write_poscar(path, comment, cell, species, positions, fixed=None):
    """VASP 5 POSCAR, Cartesian, species grouped in the given order; F F F for fixed atoms."""
    order = []
    for s in species:
        if s not in order:
            order.append(s)
    lines = [comment, "1.0"]
    lines += ["  " + " ".join(f"{x:14.8f}" for x in row) for row in cell]
    lines.append("  " + " ".join(order))
    lines.append("  " + " ".join(str(species.count(s)) for s in order))
    if fixed is not None:
        lines.append("Selective dynamics")
    lines.append("Cartesian")
    for k, r in enumerate(positions):
        row = "  " + " ".join(f"{x:14.8f}" for x in r)
        if fixed is not None:
            row += "   F F F" if k in fixed else "   T T T"
        lines.append(row)
    text = "\n".join(lines) + "\n"
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.replace(path + ".tmp", path)
    print("wrote", path, f"({len(positions)} atoms)")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--a", type=float, default=3.61, help="fcc lattice constant of Cu (Å), default 3.61")
    p.add_argument("--out", default=OUT, help="folder to write into (default structures/co-cu111)")
    args = p.parse_args()
    out = args.out

    cell, cu, (a1, a2), dz = slab(args.a)
    fixed = set(range(18))  # the bottom two layers
    top_z = cu[:, 2].max()
    species = ["Cu"] * len(cu)
    write_poscar(os.path.join(out, "cu111.vasp"), "cu111: Cu(111) 3x3, 4 layers (charge 0, 2S+1 = 1)", cell, species, cu, fixed)

    # The top site: the top-layer atom at (1, 1) of the 3×3 cell (away from the cell edges).
    site = cu[27 + 1 * 3 + 1].copy()
    c_top = site + np.array([0, 0, 1.85])
    o_top = c_top + np.array([0, 0, 1.14])
    write_poscar(os.path.join(out, "co-top.vasp"), "co-top: CO on top, Cu(111) 3x3 (charge 0, 2S+1 = 1)", cell,
                 species + ["C", "O"], np.vstack([cu, c_top, o_top]), fixed)

    # The fcc hollow next to it: above a third-layer (B) atom, (1/3, 1/3) of the 1×1 cell from the top atom.
    hollow = site + (a1 + a2) / 3
    lateral = np.linalg.norm((a1 + a2) / 3)
    height = np.sqrt(2.00 ** 2 - lateral ** 2)
    c_fcc = np.array([hollow[0], hollow[1], top_z + height])
    o_fcc = c_fcc + np.array([0, 0, 1.18])
    write_poscar(os.path.join(out, "co-fcc.vasp"), "co-fcc: CO in the fcc hollow, Cu(111) 3x3 (charge 0, 2S+1 = 1)", cell,
                 species + ["C", "O"], np.vstack([cu, c_fcc, o_fcc]), fixed)

    box = np.diag([15.0, 15.0, 15.0])
    write_poscar(os.path.join(out, "co.vasp"), "co: CO in a 15 A box (charge 0, 2S+1 = 1)", box, ["C", "O"],
                 np.array([[7.5, 7.5, 6.93], [7.5, 7.5, 8.07]]))


if __name__ == "__main__":
    main()
