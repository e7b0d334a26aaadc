#!/usr/bin/env python3
"""Read many vasprun.xml(.gz) files one after another with pymatgen's Vasprun, as a script looping over a
run tree would (defaults: DOS and eigenvalues parsed, projections not), and print one JSON line: files read,
seconds for the import and for the reads, the sum of final energies (a check that every file was read).
Used by Benchmarks/run-tabulate.sh.

    python pymatgen_serial.py FILE...        # or: python pymatgen_serial.py --list LISTFILE
"""
import json
import sys
import time
import warnings

t0 = time.monotonic()
from pymatgen.io.vasp.outputs import Vasprun  # noqa: E402

t1 = time.monotonic()
args = sys.argv[1:]
if args[:1] == ["--list"]:
    with open(args[1]) as f:
        paths = [line.strip() for line in f if line.strip()]
else:
    paths = args
total = 0.0
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # "No POTCAR file with matching TITEL fields" etc.
    for path in paths:
        total += float(Vasprun(path, parse_projected_eigen=False).final_energy)
t2 = time.monotonic()
print("JSON " + json.dumps({
    "tool": "pymatgen", "files": len(paths), "import_seconds": round(t1 - t0, 3),
    "read_seconds": round(t2 - t1, 3), "energy_sum": round(total, 6),
}))
