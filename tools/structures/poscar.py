"""POSCAR output: atoms grouped by element in one fixed order, an orthorhombic box with vacuum."""
from __future__ import annotations

import os

import numpy as np

# Species order of every POSCAR written here (only the elements present appear).
ORDER = ["Fe", "Co", "Li", "S", "N", "O", "C", "F", "H"]


def grouped_order(symbols):
    """Permutation p with new atom k = old atom p[k]: stable sort by ORDER."""
    return sorted(range(len(symbols)), key=lambda i: (ORDER.index(symbols[i]), i))


def principal_frame(X, weights=None):
    """Rotation taking X (centred) to its principal axes, largest extent along x. Signs fixed so
    that the result is deterministic."""
    C = X - X.mean(0)
    w = np.ones(len(X)) if weights is None else np.asarray(weights)
    S = (C * w[:, None]).T @ C
    vals, vecs = np.linalg.eigh(S)
    R = vecs[:, ::-1].T            # rows: largest spread first
    for k in range(3):             # sign: make the third moment positive (deterministic)
        p = C @ R[k]
        if np.sum(p ** 3) < 0:
            R[k] = -R[k]
    if np.linalg.det(R) < 0:
        R[2] = -R[2]
    return R


def extent(X):
    return X.max(0) - X.min(0)


def write_poscar(path, comment, symbols, X, cell, fixed=(), centre=True):
    """Writes VASP 5 POSCAR (Cartesian), atoms already in grouped order; `cell` = (a, b, c) of an
    orthorhombic box; the molecule is centred in it. `fixed`: atom indices written F F F under
    Selective dynamics (the block is written only when some atom is fixed)."""
    cell = np.asarray(cell, float)
    Y = (X - (X.max(0) + X.min(0)) / 2 if centre else X) + cell / 2
    species, counts = [], []
    for s in symbols:
        if species and species[-1] == s:
            counts[-1] += 1
        else:
            species.append(s)
            counts.append(1)
    assert len(species) == len(set(species)), "atoms not grouped by element"
    fixed = set(fixed)
    lines = [comment, "1.0"]
    for k in range(3):
        v = np.zeros(3)
        v[k] = cell[k]
        lines.append(f"  {v[0]:14.8f}  {v[1]:14.8f}  {v[2]:14.8f}")
    lines.append("  " + "  ".join(f"{s:>3s}" for s in species))
    lines.append("  " + "  ".join(f"{c:>3d}" for c in counts))
    if fixed:
        lines.append("Selective dynamics")
    lines.append("Cartesian")
    for i, p in enumerate(Y):
        row = f"  {p[0]:14.8f}  {p[1]:14.8f}  {p[2]:14.8f}"
        if fixed:
            row += "   F   F   F" if i in fixed else "   T   T   T"
        lines.append(row + f"   {symbols[i]}")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, path)
