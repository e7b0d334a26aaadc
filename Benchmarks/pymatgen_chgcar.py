#!/usr/bin/env python3
"""Time pymatgen's Chgcar.from_file on one file (the reference for Benchmarks/ChgcarBenchmark).

Usage: /work/.venv-bench/bin/python Benchmarks/pymatgen_chgcar.py FILE [--repeat N]

Prints each wall time (time.perf_counter), min and median, and the sum of each data block, so the
numbers can be compared with ChgcarBenchmark's on the same file in the same run.
"""
import argparse
import statistics
import time

from pymatgen.io.vasp.outputs import Chgcar


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    times = []
    c = None
    for _ in range(args.repeat):
        t = time.perf_counter()
        c = Chgcar.from_file(args.file)
        times.append(time.perf_counter() - t)
    print("pymatgen    " + " ".join("%.4f" % t for t in times) + " s")
    print("min         %.4f s" % min(times))
    print("median      %.4f s" % statistics.median(times))
    for key in dict.keys(c.data):
        block = dict.__getitem__(c.data, key)
        print("block %-5s sum %.10g  mean %.10g" % (key, block.sum(), block.sum() / block.size))


if __name__ == "__main__":
    main()
