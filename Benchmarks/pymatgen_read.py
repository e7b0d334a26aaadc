#!/usr/bin/env python3
"""Time pymatgen's full vasprun.xml read (projections included) and print the values Cascade's
VasprunBenchmark prints, as one JSON line. Used by Benchmarks/run-vasprun.sh.

    python pymatgen_read.py FILE [--no-projected]
"""
import json
import sys
import time
import warnings

t0 = time.monotonic()
import numpy as np  # noqa: E402
from pymatgen.io.vasp.outputs import Vasprun  # noqa: E402

t1 = time.monotonic()
path = sys.argv[1]
projected = "--no-projected" not in sys.argv[2:]
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # "No POTCAR file with matching TITEL fields" etc.
    v = Vasprun(path, parse_projected_eigen=projected)
t2 = time.monotonic()

out = {
    "tool": "pymatgen",
    "import_seconds": round(t1 - t0, 4),
    "read_seconds": round(t2 - t1, 4),
    "final_energy_e0": float(v.final_energy),
    "efermi": float(v.efermi),
    "nionic_steps": len(v.ionic_steps),
}
if projected and v.projected_eigenvalues:
    spins = sorted(v.projected_eigenvalues, key=lambda s: s.value, reverse=True)  # up, down
    arrays = [v.projected_eigenvalues[s] for s in spins]
    out["projection_shape_per_spin"] = list(arrays[0].shape)
    out["projection_sum"] = round(sum(int(np.rint(a * 1e4).sum()) for a in arrays) / 1e4, 4)
if v.eigenvalues:
    out["eigenvalue_sum"] = round(float(sum(np.rint(a[..., 0] * 1e4).sum() for a in v.eigenvalues.values())) / 1e4, 4)
print("JSON " + json.dumps(out))
