"""Geometry helpers for building the study's starting structures (numpy only).

Everything here is deterministic: no random numbers unless a seeded generator is passed in.
Units: Angstrom, degrees.
"""
from __future__ import annotations

import numpy as np

# Cordero et al. 2008 covalent radii exactly as Cascade's Chemistry.Element has them (C sp3 0.76;
# Fe and Co high-spin 1.52 and 1.50), so that bonds here are the bonds Structure.bonds(scale:) finds.
COVALENT = {"H": 0.31, "Li": 1.28, "C": 0.76, "N": 0.71, "O": 0.66, "F": 0.57, "S": 1.05,
            "Fe": 1.52, "Co": 1.50}


def unit(v):
    v = np.asarray(v, float)
    return v / np.linalg.norm(v)


def place(a, b, c, bond, angle, dihedral):
    """Position of atom d with |cd| = bond, angle d-c-b = angle, dihedral d-c-b-a = dihedral (NeRF)."""
    a, b, c = (np.asarray(x, float) for x in (a, b, c))
    bc = unit(c - b)
    n = unit(np.cross(b - a, bc))
    m = np.cross(n, bc)
    th, ph = np.radians(angle), np.radians(dihedral)
    d2 = np.array([-bond * np.cos(th), bond * np.sin(th) * np.cos(ph), bond * np.sin(th) * np.sin(ph)])
    return c + d2[0] * bc + d2[1] * m + d2[2] * n


def rotation(axis, degrees):
    """Rotation matrix (right-handed) about `axis` by `degrees`."""
    k = unit(axis)
    t = np.radians(degrees)
    K = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    return np.eye(3) + np.sin(t) * K + (1 - np.cos(t)) * K @ K


def rotation_between(u, v):
    """Rotation matrix taking direction u onto direction v."""
    u, v = unit(u), unit(v)
    c = float(np.dot(u, v))
    if c > 1 - 1e-12:
        return np.eye(3)
    if c < -1 + 1e-12:
        p = np.cross(u, [1, 0, 0])
        if np.linalg.norm(p) < 1e-6:
            p = np.cross(u, [0, 1, 0])
        return rotation(p, 180.0)
    return rotation(np.cross(u, v), np.degrees(np.arccos(c)))


def kabsch(P, Q):
    """Rotation R and translation t minimising |R P + t - Q| (rows are points)."""
    pc, qc = P.mean(0), Q.mean(0)
    H = (P - pc).T @ (Q - qc)
    U, S, Vt = np.linalg.svd(H)
    d = np.sign(np.linalg.det(Vt.T @ U.T))
    D = np.diag([1, 1, d])
    R = Vt.T @ D @ U.T
    return R, qc - R @ pc


def plane_rms(X):
    """RMS distance of points from their best-fit plane, and the plane normal."""
    c = X.mean(0)
    _, s, vt = np.linalg.svd(X - c)
    n = vt[2]
    d = (X - c) @ n
    return float(np.sqrt(np.mean(d ** 2))), n


def dist(X, i, j):
    return float(np.linalg.norm(X[i] - X[j]))


def angle(X, i, j, k):
    u, v = X[i] - X[j], X[k] - X[j]
    return float(np.degrees(np.arccos(np.clip(np.dot(u, v) / np.linalg.norm(u) / np.linalg.norm(v), -1, 1))))


def bonds(symbols, X, scale=1.2):
    """Pairs (i, j, d) with d <= scale * (r_i + r_j), i < j."""
    r = np.array([COVALENT[s] for s in symbols])
    D = np.linalg.norm(X[:, None, :] - X[None, :, :], axis=2)
    lim = scale * (r[:, None] + r[None, :])
    out = []
    n = len(symbols)
    for i in range(n):
        for j in range(i + 1, n):
            if D[i, j] <= lim[i, j]:
                out.append((i, j, float(D[i, j])))
    return out


def closest_ratio(symbols, X):
    """Smallest d / (r_i + r_j) over all pairs, with the pair."""
    r = np.array([COVALENT[s] for s in symbols])
    D = np.linalg.norm(X[:, None, :] - X[None, :, :], axis=2)
    Q = D / (r[:, None] + r[None, :])
    np.fill_diagonal(Q, np.inf)
    k = np.unravel_index(np.argmin(Q), Q.shape)
    return float(Q[k]), (int(k[0]), int(k[1]))


def clashes(symbols, X, frag_a, frag_b, factor=0.75 * 1.0):
    """Minimum of d / (r_i + r_j) between two index sets."""
    r = np.array([COVALENT[s] for s in symbols])
    A, B = np.array(frag_a), np.array(frag_b)
    D = np.linalg.norm(X[A][:, None, :] - X[B][None, :, :], axis=2)
    Q = D / (r[A][:, None] + r[B][None, :])
    return float(Q.min())
