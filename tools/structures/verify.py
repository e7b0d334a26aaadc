#!/usr/bin/env python3
"""Checks two promises of structures/ and prints them as Markdown (also in structures/README.md):

1. every file that contains the MOF cluster has its frozen (`fixed`) atoms where mof.vasp (or, for the
   MOF@CoPc files, mof-copc.vasp) has them, after a rigid superposition (<= 0.01 A);
2. every pathway state's declared bond changes (`broken`, `formed` in structures.yaml) hold on its POSCAR
   with Cascade tabulate's rule: bonded = distance <= FACTOR x sum of covalent radii (default 1.25).

    python3 tools/structures/verify.py [--factor 1.25] [structures]

Exit status 1 when either check fails.
"""
from __future__ import annotations

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import measure  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("root", nargs="?", default=os.path.join(os.path.dirname(os.path.dirname(HERE)), "structures"))
    ap.add_argument("--factor", type=float, default=1.25)
    args = ap.parse_args()
    rows, worst = measure.frozen_table(args.root)
    print("\n".join(rows))
    print(f"\nlargest frozen-atom deviation: {worst:.4f} A ({'ok' if worst <= 0.01 else 'FAIL'}, limit 0.01 A)\n")
    decl, bad = measure.declared_bonds(args.root, args.factor)
    print(f"| state | declared | pair | d in s0 (Å) | d in state (Å) | {args.factor:g} × Σr (Å) | holds |")
    print("|---|---|---|---|---|---|---|")
    for name, kind, pair, d0, d, lim, ok in decl:
        print(f"| `{name}` | {kind} | {pair} | {d0:.3f} | {d:.3f} | {lim:.3f} | {'yes' if ok else 'NO'} |")
    if worst > 0.01 or bad:
        sys.exit(1)


if __name__ == "__main__":
    main()
