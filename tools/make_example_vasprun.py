#!/usr/bin/env python3
"""Writes examples/vasprun.xml, the small vasprun.xml that `cascade parse` reads when given no file.

It is a spin-polarised rock-salt LiH relaxation (2 atoms, ISPIN = 2, 2 k-points, 4 bands, 2 ionic steps
of 3 SCF steps, forces, stress, eigenvalues, a DOS with lm-decomposed partial DOS and projected
eigenvalues), identical to the test fixture Tests/VASPTests/Fixtures/vasprun/lih_spin_relax.xml;
the generator is in tools/make_vasprun_fixtures.py. All values are synthetic. Run from anywhere:

    python3 tools/make_example_vasprun.py
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import make_vasprun_fixtures  # noqa: E402


def main():
    folder = os.path.join(make_vasprun_fixtures.ROOT, "examples")
    os.makedirs(folder, exist_ok=True)
    make_vasprun_fixtures.write(os.path.join(folder, "vasprun.xml"), make_vasprun_fixtures.lih_spin_relax())


if __name__ == "__main__":
    main()
