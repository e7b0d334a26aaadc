"""Placing an adsorbate on a catalyst and choosing among GFN2-relaxed candidates."""
from __future__ import annotations

import numpy as np

from geom import COVALENT, bonds, rotation, rotation_between, unit


def orient_on_site(ads_X, o_idx, s_idx, site, outward, bond, angle_deg, psi, chi):
    """Moves adsorbate coordinates so that atom o_idx sits `bond` A from `site` along `outward`,
    the angle site-O-S is `angle_deg`, psi = azimuth of the O->S direction about `outward`,
    chi = spin of the adsorbate about the O->S axis."""
    out = unit(outward)
    helper = np.array([0, 0, 1.0]) if abs(out[2]) < 0.9 else np.array([1.0, 0, 0])
    u = unit(np.cross(out, helper))
    v = np.cross(out, u)
    tilt = np.radians(180.0 - angle_deg)
    d = np.cos(tilt) * out + np.sin(tilt) * (np.cos(np.radians(psi)) * u + np.sin(np.radians(psi)) * v)
    Y = ads_X - ads_X[o_idx]
    R1 = rotation_between(Y[s_idx], d)
    Y = Y @ R1.T
    R2 = rotation(d, chi)
    Y = Y @ R2.T
    return Y + site + bond * out


def min_ratio_between(symbols, X, A, B):
    r = np.array([COVALENT[s] for s in symbols])
    A, B = np.asarray(A), np.asarray(B)
    D = np.linalg.norm(X[A][:, None, :] - X[B][None, :, :], axis=2)
    return float((D / (r[A][:, None] + r[B][None, :])).min())


def topology(symbols, X, subset):
    """Bond set (scale 1.2) restricted to pairs inside `subset`."""
    sub = set(subset)
    return {(i, j) for i, j, _ in bonds(symbols, X) if i in sub and j in sub}


def hydrogen_bonds(symbols, X, donors_h, acceptors, cutoff=2.6, min_angle=120.0):
    """N-H...X contacts: (h, x, d(H...X), angle N-H...X) for H in donors_h (pairs (N, H))."""
    out = []
    for n, h in donors_h:
        for a in acceptors:
            d = np.linalg.norm(X[h] - X[a])
            if d <= cutoff:
                u, w = X[n] - X[h], X[a] - X[h]
                ang = np.degrees(np.arccos(np.clip(u @ w / np.linalg.norm(u) / np.linalg.norm(w), -1, 1)))
                if ang >= min_angle:
                    out.append((h, a, float(d), float(ang)))
    return out


# Closest approach allowed for a Li+ start position (A), by partner element.
LI_MIN = {"H": 2.2, "C": 2.4, "S": 2.5, "Fe": 2.8, "Co": 2.8, "O": 1.75, "N": 1.85, "F": 1.75}


def fibonacci_sphere(count):
    """`count` nearly uniform unit vectors (deterministic)."""
    k = np.arange(count) + 0.5
    phi = np.arccos(1 - 2 * k / count)
    theta = np.pi * (1 + 5 ** 0.5) * k
    return np.stack([np.cos(theta) * np.sin(phi), np.sin(theta) * np.sin(phi), np.cos(phi)], axis=1)


def li_sites(symbols, X, ligands, count=4, radius=1.90, separation=1.5):
    """Candidate Li+ positions next to the atoms `ligands` (O, N, F of the anion): points 1.90 A from
    each ligand (200 directions), kept when nothing is closer than LI_MIN, scored by the number of
    ligand atoms within 1.75-2.25 A (O counted double); the best `count` sites at least `separation`
    apart. Deterministic."""
    dirs = fibonacci_sphere(200)
    mins = np.array([LI_MIN[s] for s in symbols])
    scored = []
    for a in ligands:
        for d in dirs:
            p = X[a] + radius * d
            D = np.linalg.norm(X - p, axis=1)
            if np.any(D < mins):
                continue
            near = [j for j in ligands if 1.75 <= D[j] <= 2.25]
            score = sum(2 if symbols[j] == "O" else 1 for j in near)
            scored.append((-score, float(np.round(D[near].mean(), 6)) if near else 9.0, tuple(np.round(p, 6))))
    scored.sort()
    chosen = []
    for sc, _, p in scored:
        p = np.array(p)
        if all(np.linalg.norm(p - q) >= separation for _, q in chosen):
            chosen.append((-sc, p))
        if len(chosen) == count:
            break
    return chosen
