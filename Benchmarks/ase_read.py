#!/usr/bin/env python3
"""Time ASE's vasprun.xml reader over all ionic steps and print a few values as one JSON line.
ASE keeps structures, energies, forces, stress and the last step's eigenvalues/occupations;
it does not read the DOS or the projections. Used by Benchmarks/run-vasprun.sh.

    python ase_read.py FILE
"""
import json
import sys
import time

t0 = time.monotonic()
import ase.io  # noqa: E402

t1 = time.monotonic()
images = ase.io.read(sys.argv[1], index=":", format="vasp-xml")
t2 = time.monotonic()
last = images[-1]
out = {
    "tool": "ase",
    "import_seconds": round(t1 - t0, 4),
    "read_seconds": round(t2 - t1, 4),
    "nionic_steps": len(images),
    # ASE's energy of a vasp-xml image is e_0_energy (sigma -> 0); free_energy is e_fr_energy.
    "final_energy_e0": float(last.get_potential_energy()),
}
try:
    out["efermi"] = float(last.calc.get_fermi_level())
except Exception:  # noqa: BLE001 - older ASE versions or no DOS
    pass
print("JSON " + json.dumps(out))
