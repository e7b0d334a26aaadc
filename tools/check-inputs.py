#!/usr/bin/env python3
"""Read every input `cascade generate` wrote with pymatgen and with ASE, as a user's own tools would.

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install pymatgen ase
    cascade generate templates/studies/co-cu111.yaml --out /tmp/co-cu111
    /tmp/venv/bin/python tools/check-inputs.py /tmp/co-cu111

For every POSCAR (NEB images included): pymatgen `Poscar.from_file` and ASE `ase.io.read(format="vasp")`
agree on the atom count, the species order and the positions (1e-6 Å) and keep the fixed atoms
(selective dynamics / FixAtoms); every INCAR is read by pymatgen `Incar.from_file` (and MAGMOM, when
written, has one value per atom); every KPOINTS by pymatgen `Kpoints.from_file` and, for meshes, the
divisions match the file. Prints one line per kind of file and exits 1 on the first disagreement.
Run by `swift test` (ForeignReadersTests) on both bundled studies when CASCADE_PYTHON names a Python
with pymatgen and ASE, as `.ci/run` does.
"""
import os
import sys

import numpy as np
from ase.constraints import FixAtoms
from ase.io import read
from pymatgen.io.vasp import Incar, Kpoints, Poscar


def fail(message):
    print("FAIL:", message)
    sys.exit(1)


def check_poscar(path):
    p = Poscar.from_file(path)
    a = read(path, format="vasp")
    s = p.structure
    if len(s) != len(a):
        fail(f"{path}: pymatgen {len(s)} atoms, ASE {len(a)}")
    if [str(x.specie) for x in s] != a.get_chemical_symbols():
        fail(f"{path}: species differ between pymatgen and ASE")
    if np.abs(s.cart_coords - a.positions).max() > 1e-6:
        fail(f"{path}: positions differ between pymatgen and ASE")
    fixed_pmg = set()
    if p.selective_dynamics is not None:
        fixed_pmg = {i for i, flags in enumerate(p.selective_dynamics) if not any(flags)}
    fixed_ase = set()
    for c in a.constraints:
        if isinstance(c, FixAtoms):
            fixed_ase |= set(int(i) for i in c.index)
    if fixed_pmg != fixed_ase:
        fail(f"{path}: fixed atoms differ (pymatgen {sorted(fixed_pmg)[:5]}…, ASE {sorted(fixed_ase)[:5]}…)")
    return len(s), len(fixed_pmg)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    root = sys.argv[1]
    counts = {"POSCAR": 0, "INCAR": 0, "KPOINTS": 0}
    fixed_total = 0
    for here, dirs, files in os.walk(root):
        dirs.sort()
        if ".cascade" in here.split(os.sep):
            continue
        if "POSCAR" in files:
            atoms, fixed = check_poscar(os.path.join(here, "POSCAR"))
            counts["POSCAR"] += 1
            fixed_total += fixed
        if "INCAR" in files:
            path = os.path.join(here, "INCAR")
            incar = Incar.from_file(path)
            counts["INCAR"] += 1
            poscar = os.path.join(here, "POSCAR")
            if not os.path.exists(poscar):
                poscar = os.path.join(here, "00", "POSCAR")
            if "MAGMOM" in incar and os.path.exists(poscar):
                if len(incar["MAGMOM"]) != len(read(poscar, format="vasp")):
                    fail(f"{path}: MAGMOM has {len(incar['MAGMOM'])} values")
        if "KPOINTS" in files:
            path = os.path.join(here, "KPOINTS")
            k = Kpoints.from_file(path)
            lines = open(path).read().split("\n")
            if lines[2].strip()[:1] in "GgMm" and lines[1].strip() == "0":
                if list(k.kpts[0]) != [int(x) for x in lines[3].split()]:
                    fail(f"{path}: pymatgen reads {k.kpts[0]}")
            counts["KPOINTS"] += 1
    print(f"{root}: pymatgen and ASE read {counts['POSCAR']} POSCARs alike ({fixed_total} fixed atoms in all); "
          f"pymatgen read {counts['INCAR']} INCARs and {counts['KPOINTS']} KPOINTS files")


if __name__ == "__main__":
    main()
