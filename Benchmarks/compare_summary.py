#!/usr/bin/env python3
"""Compare the values a reader printed with the generator's summary JSON.

    python3 compare_summary.py SUMMARY.json NAME=OUTPUT.txt [NAME=OUTPUT.txt ...]

SUMMARY.json is written by `make_large_vasprun.py --summary`; each OUTPUT.txt holds a line
`JSON {...}` (VasprunBenchmark --json, pymatgen_read.py, ase_read.py). Prints a markdown table
(one row per checked value, one column per reader) and exits 1 when a value disagrees.
Standard library only.
"""
import json
import sys


def load_line(path):
    with open(path) as f:
        for line in f:
            if line.startswith("JSON "):
                return json.loads(line[5:])
    raise SystemExit("%s: no 'JSON {...}' line" % path)


def main(argv):
    if len(argv) < 3:
        raise SystemExit(__doc__)
    with open(argv[1]) as f:
        ref = json.load(f)
    readers = []
    for arg in argv[2:]:
        name, _, path = arg.partition("=")
        readers.append((name, load_line(path)))

    nspin = ref["nspin"]
    expected_shape = [nspin] + ref["projection_shape_per_spin"]

    def projection_shape(got):
        if "projection_shape" in got:
            return got["projection_shape"]
        if "projection_shape_per_spin" in got:
            return [nspin] + got["projection_shape_per_spin"]
        return None

    def spots(got):
        if "spot_projections" not in got:
            return None
        return [(s["spin"], s["kpoint"], s["band"], s["ion"], [round(x, 4) for x in s["values"]])
                for s in got["spot_projections"]]

    ref_spots = [(s["spin"], s["kpoint"], s["band"], s["ion"], [round(x, 4) for x in s["values"]])
                 for s in ref["spot_projections"]]

    # (label, expected, getter, equal)
    def close(tol):
        return lambda a, b: a is not None and abs(a - b) <= tol

    checks = [
        ("ionic steps", ref["nionic_steps"], lambda g: g.get("nionic_steps"), lambda a, b: a == b),
        ("final energy e_0 (eV)", ref["final_energy_e0"], lambda g: g.get("final_energy_e0"), close(5e-9)),
        ("E-fermi (eV)", ref["efermi"], lambda g: g.get("efermi"), close(5e-9)),
        ("projection shape", expected_shape, projection_shape, lambda a, b: a == b),
        ("projection sum (exact, 1e-4 units)", ref["projection_sum"], lambda g: g.get("projection_sum"), close(5e-5)),
        ("eigenvalue sum", ref["eigenvalue_sum"], lambda g: g.get("eigenvalue_sum"), close(1e-6 * max(1.0, abs(ref["eigenvalue_sum"])))),
        ("NEDOS", ref["nedos"], lambda g: g.get("nedos"), lambda a, b: a == b),
        ("total DOS sum", ref["tdos_sum"], lambda g: g.get("tdos_sum"), close(1e-6 * max(1.0, abs(ref["tdos_sum"])))),
        ("%d spot projection rows" % len(ref_spots), ref_spots, spots, lambda a, b: a == b),
    ]

    def show(x):
        if isinstance(x, float):
            return "%.8f" % x if abs(x) < 1e4 else "%.4f" % x
        if isinstance(x, list) and x and isinstance(x[0], tuple):
            return "%d rows" % len(x)
        return str(x)

    header = "| value | generator summary | " + " | ".join(n for n, _ in readers) + " |"
    print(header)
    print("|" + "---|" * (2 + len(readers)))
    failures = 0
    for label, expected, get, equal in checks:
        cells = []
        for _, got in readers:
            value = get(got)
            if value is None:
                cells.append("not read")
            elif equal(value, expected):
                cells.append("%s ✓" % show(value))
            else:
                failures += 1
                cells.append("**%s ✗**" % show(value))
        print("| %s | %s | %s |" % (label, show(expected), " | ".join(cells)))
    print()
    print("agreement: %s" % ("all values read agree" if failures == 0 else "%d value(s) DISAGREE" % failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
