"""Runs GFN2-xTB (Debian package `xtb`, version 6.5.1) geometry optimisations.

One call = one folder under the work directory holding in.xyz, the xcontrol input (if any), the log
and xtbopt.xyz. Single-threaded (OMP_NUM_THREADS=1) so that a re-run reproduces the result, and run
under `nice -n 10`.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from dataclasses import dataclass

import numpy as np


@dataclass
class XtbResult:
    symbols: list
    positions: np.ndarray
    energy: float          # Eh, GFN2 total energy of the final geometry
    command: str           # the command line as recorded in structures/README.md
    converged: bool


def xyz_string(symbols, X, comment=""):
    rows = [f"{len(symbols)}", comment]
    rows += [f"{s:2s} {p[0]:16.10f} {p[1]:16.10f} {p[2]:16.10f}" for s, p in zip(symbols, X)]
    return "\n".join(rows) + "\n"


def write_xyz(path, symbols, X, comment=""):
    with open(path, "w") as f:
        f.write(xyz_string(symbols, X, comment))


def read_xyz(path):
    with open(path) as f:
        lines = f.read().splitlines()
    n = int(lines[0].split()[0])
    symbols, X = [], []
    for line in lines[2:2 + n]:
        p = line.split()
        symbols.append(p[0].capitalize())
        X.append([float(v) for v in p[1:4]])
    return symbols, np.array(X)


def ranges(indices):
    """1-based xtb atom list, e.g. '1-22,25,30-31'."""
    idx = sorted(set(int(i) + 1 for i in indices))
    out, start, prev = [], None, None
    for i in idx:
        if start is None:
            start = prev = i
        elif i == prev + 1:
            prev = i
        else:
            out.append(f"{start}-{prev}" if prev > start else f"{start}")
            start = prev = i
    if start is not None:
        out.append(f"{start}-{prev}" if prev > start else f"{start}")
    return ",".join(out)


def optimise(workdir, name, symbols, X, charge, uhf, level="tight", fixed=(), constraints=(),
             force_constant=None, cycles=None):
    """GFN2 optimisation. `fixed`: 0-based atoms frozen ($fix); `constraints`: (i, j, d) distances
    held ($constrain, 0-based, d in Angstrom). Returns XtbResult."""
    if shutil.which("xtb") is None:
        raise RuntimeError("xtb not found: apt-get install -y xtb (Debian package, GFN2-xTB 6.5.1)")
    folder = os.path.join(workdir, name)
    os.makedirs(folder, exist_ok=True)
    cmd = ["xtb", "in.xyz", "--gfn", "2", "--chrg", str(charge), "--uhf", str(uhf), "--opt", level]
    blocks = []
    if fixed:
        blocks.append(f"$fix\n atoms: {ranges(fixed)}\n$end\n")
    if constraints:
        lines = ["$constrain"]
        if force_constant is not None:
            lines.append(f" force constant={force_constant}")
        for i, j, d in constraints:
            lines.append(f" distance: {i + 1}, {j + 1}, {d:.4f}")
        blocks.append("\n".join(lines) + "\n$end\n")
    if cycles is not None:
        blocks.append(f"$opt\n maxcycle={cycles}\n$end\n")
    if blocks:
        cmd += ["--input", "xcontrol"]
    xyz_text = xyz_string(symbols, X, name)
    key = hashlib.sha256((xyz_text + " ".join(cmd) + "".join(blocks)).encode()).hexdigest()
    stamp = os.path.join(folder, "input.sha256")
    opt = os.path.join(folder, "xtbopt.xyz")
    log = os.path.join(folder, "xtb.out")
    cached = (os.path.exists(stamp) and open(stamp).read().strip() == key and os.path.exists(opt)
              and os.path.exists(log) and "normal termination of xtb" in open(log).read())
    if cached:
        return _result(folder, symbols, cmd)
    for old in ("xtbopt.xyz", "xtbopt.log", "xtbrestart", "charges", "wbo", "xtbtopo.mol", ".xtboptok",
                "input.sha256", "xcontrol"):
        p = os.path.join(folder, old)
        if os.path.exists(p):
            os.remove(p)
    with open(os.path.join(folder, "in.xyz"), "w") as f:
        f.write(xyz_text)
    if blocks:
        with open(os.path.join(folder, "xcontrol"), "w") as f:
            f.write("".join(blocks))
    env = dict(os.environ, OMP_NUM_THREADS="1", OMP_STACKSIZE="1G", MKL_NUM_THREADS="1",
               OPENBLAS_NUM_THREADS="1")
    with open(os.path.join(folder, "xtb.out"), "w") as out:
        # nice -n 10: the structure build shares a small machine with compilers; not part of the
        # recorded command (nor of the cache key), it changes no result
        subprocess.run(["nice", "-n", "10"] + cmd, cwd=folder, stdout=out, stderr=subprocess.STDOUT, env=env,
                       check=False)
    if os.path.exists(opt):
        with open(stamp, "w") as f:
            f.write(key + "\n")
    return _result(folder, symbols, cmd)


def _result(folder, symbols, cmd):
    text = open(os.path.join(folder, "xtb.out")).read()
    opt = os.path.join(folder, "xtbopt.xyz")
    if not os.path.exists(opt):
        raise RuntimeError(f"xtb wrote no xtbopt.xyz in {folder}; see xtb.out")
    s2, X2 = read_xyz(opt)
    assert s2 == list(symbols), "xtb reordered atoms"
    m = re.findall(r"TOTAL ENERGY\s+(-?\d+\.\d+)\s+Eh", text)
    energy = float(m[-1]) if m else float("nan")
    converged = "GEOMETRY OPTIMIZATION CONVERGED" in text
    return XtbResult(list(symbols), X2, energy, " ".join(cmd), converged)
