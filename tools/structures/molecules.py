"""Hand-built starting geometries from standard bond lengths and angles (before GFN2)."""
from __future__ import annotations

import numpy as np

from geom import place, unit

# --- TFSI- : N(SO2CF3)2 -------------------------------------------------------------------------
# Atom order (kept in every file that contains TFSI): N, S1, S2, O11, O12, C1, O21, O22, C2,
# F11, F12, F13, F21, F22, F23.  S1 is the sulfonyl that stays on N in the pathway; S2 is the one
# that leaves (N-S cleavage), then loses its CF3 (S-C cleavage); F21 is the F that ends in LiF.
TFSI_SYMBOLS = ["N", "S", "S", "O", "O", "C", "O", "O", "C", "F", "F", "F", "F", "F", "F"]
TFSI = dict(N=0, S1=1, S2=2, O11=3, O12=4, C1=5, O21=6, O22=7, C2=8,
            F11=9, F12=10, F13=11, F21=12, F22=13, F23=14)


def tfsi(conformer="trans"):
    """TFSI- from crystal-like internal coordinates (S-N 1.57, S=O 1.44, S-C 1.84, C-F 1.33 A,
    S-N-S 125 deg). conformer 'trans' (C2, CF3 groups on opposite sides) or 'cis' (C1)."""
    sN, sO, sC, cF = 1.57, 1.44, 1.84, 1.33
    N = np.zeros(3)
    S1 = np.array([sN, 0, 0])
    S2 = N + sN * np.array([np.cos(np.radians(125)), np.sin(np.radians(125)), 0])
    d2 = 90.0 if conformer == "trans" else -90.0
    C1 = place(S2, N, S1, sC, 103, 90.0)
    O11 = place(S2, N, S1, sO, 110, 90.0 + 125)
    O12 = place(S2, N, S1, sO, 110, 90.0 - 125)
    C2 = place(S1, N, S2, sC, 103, d2)
    O21 = place(S1, N, S2, sO, 110, d2 + 125)
    O22 = place(S1, N, S2, sO, 110, d2 - 125)
    F1 = [place(N, S1, C1, cF, 110, t) for t in (180, 60, -60)]
    F2 = [place(N, S2, C2, cF, 110, t) for t in (180, 60, -60)]
    X = np.array([N, S1, S2, O11, O12, C1, O21, O22, C2, *F1, *F2])
    return list(TFSI_SYMBOLS), X - X.mean(0)


# --- CoPc: D4h cobalt phthalocyanine -----------------------------------------------------------
def copc():
    """CoPc (C32H16N8Co) in the xy plane, Co at the origin, D4h, from crystal-like distances
    (Co-N 1.91, N-Ca 1.38, Ca-Cb 1.45, benzo C-C 1.395, C-H 1.08 A, Ca-N-Ca 108 deg).
    Order: Co, 4 pyrrole N, 4 meso N, then per isoindole unit (k = 0..3) 2 Ca, 2 Cb, 2 Cg, 2 Cd,
    2 Hg, 2 Hd."""
    d = 1.91
    half = np.radians(54.0)
    ca = np.array([d + 1.38 * np.cos(half), 1.38 * np.sin(half)])
    bb = 1.395 / 2
    xb = ca[0] + np.sqrt(1.45 ** 2 - (ca[1] - bb) ** 2)
    cb = np.array([xb, bb])
    cx = xb + 1.395 * np.cos(np.radians(30))
    cg = np.array([cx, 1.395])
    cd = np.array([cx + 1.395 * np.cos(np.radians(30)), bb])
    hg = cg + np.array([0, 1.08])
    hd = cd + 1.08 * np.array([np.cos(np.radians(30)), np.sin(np.radians(30))])
    # meso N on the diagonal between Ca(k=0, +y) and Ca(k=1, -y rotated by 90 deg)
    a1, a2 = ca, np.array([ca[1], ca[0]])
    s, p = a1 + a2, a1 @ a1
    # |(t,t) - a1| = 1.32 -> 2t^2 - 2t(a1x+a1y) + |a1|^2 - 1.32^2 = 0
    t = (s[0] + np.sqrt(s[0] ** 2 - 2 * (p - 1.32 ** 2))) / 2
    nm = np.array([t, t])
    unit_pts = {"Np": [np.array([d, 0])], "Ca": [ca, ca * [1, -1]], "Cb": [cb, cb * [1, -1]],
                "Cg": [cg, cg * [1, -1]], "Cd": [cd, cd * [1, -1]], "Hg": [hg, hg * [1, -1]],
                "Hd": [hd, hd * [1, -1]]}
    elem = {"Np": "N", "Ca": "C", "Cb": "C", "Cg": "C", "Cd": "C", "Hg": "H", "Hd": "H"}

    def rot(v, k):
        c, s_ = np.cos(k * np.pi / 2), np.sin(k * np.pi / 2)
        return np.array([c * v[0] - s_ * v[1], s_ * v[0] + c * v[1], 0.0])

    symbols, X = ["Co"], [np.zeros(3)]
    for k in range(4):
        symbols.append("N"); X.append(rot(unit_pts["Np"][0], k))
    for k in range(4):
        symbols.append("N"); X.append(rot(nm, k))
    for k in range(4):
        for key in ("Ca", "Cb", "Cg", "Cd", "Hg", "Hd"):
            for v in unit_pts[key]:
                symbols.append(elem[key]); X.append(rot(v, k))
    return symbols, np.array(X)


# --- NH2-MIL-101(Fe) cluster: Fe3(mu3-O)(2-aminobenzoate)6(OH)(H2O), one open Fe site -----------
# Crystal-like core distances (MIL-100/101(Fe), Fe3O(O2CR)6 complexes):
FE_O3 = 1.915       # Fe-O(mu3); Fe...Fe = sqrt(3) * 1.915 = 3.317 A
FE_OC = 2.02        # Fe-O(carboxylate)
C_O = 1.265         # carboxylate C-O
OCO = 125.0         # carboxylate O-C-O (deg)
FE_OH = 1.92        # terminal Fe-OH
FE_OH2 = 2.10       # terminal Fe-OH2


def mof_cluster(open_site=2, amine_sides=None):
    """The cluster model of NH2-MIL-101(Fe) (see structures/README.md).

    Fe3 in the xy plane around the mu3-O at the origin (Fe_k at angle 90 + 120 k deg); each Fe-Fe edge
    is bridged by two syn-syn carboxylates, one above (+z) and one below (-z) the Fe3 plane, with
    O(mu3)-Fe-O(carboxylate) = 90 deg. Each carboxylate carries a phenyl ring in the carboxylate plane
    with NH2 ortho to the carboxylate (2-aminobenzoate) and H at the para position standing in for the
    rest of the framework (the cap). Terminal ligands: OH- on Fe0, H2O on Fe1, Fe`open_site` open (the
    coordinatively unsaturated Lewis-acid site of activated MIL-101). Net charge 0.

    Returns symbols, positions, and a dict of index groups: 'core' (Fe3, mu3-O, 12 O and 6 C of
    the carboxylates), 'terminal_O', 'caps' (para H), 'amine_N', 'linkers' (per linker a dict)."""
    z = np.array([0.0, 0, 1])
    fe = [FE_O3 * np.array([np.cos(np.radians(90 + 120 * k)), np.sin(np.radians(90 + 120 * k)), 0])
          for k in range(3)]
    edges = [(0, 1), (1, 2), (2, 0)]
    # Which Fe the ortho-NH2 of each linker leans towards: the open site for the four linkers
    # that touch it, alternating on the remaining edge.
    if amine_sides is None:
        amine_sides = {}
        for (i, j) in edges:
            for sigma in (1, -1):
                if open_site in (i, j):
                    amine_sides[(i, j, sigma)] = open_site
                else:
                    amine_sides[(i, j, sigma)] = i if sigma > 0 else j
    symbols, X = [], []

    def add(s, p):
        symbols.append(s)
        X.append(np.asarray(p, float))
        return len(symbols) - 1

    groups = {"core": [], "terminal_O": [], "caps": [], "amine_N": [], "linkers": []}
    for k in range(3):
        groups["core"].append(add("Fe", fe[k]))
    groups["core"].append(add("O", [0, 0, 0]))
    s = C_O * np.sin(np.radians(OCO / 2))
    cpar = C_O * np.cos(np.radians(OCO / 2))
    bodies = []
    for (i, j) in edges:
        mid = (fe[i] + fe[j]) / 2
        rho_m = np.linalg.norm(mid)
        m = mid / rho_m
        L = np.linalg.norm(fe[i] - fe[j]) / 2
        e = unit(fe[i] - fe[j])                    # towards Fe_i
        rho_o = rho_m + L * (L - s) / rho_m          # O(mu3)-Fe-O(carb) = 90 deg
        h_o = np.sqrt(FE_OC ** 2 - (rho_o - rho_m) ** 2 - (s - L) ** 2)
        for sigma in (1, -1):
            omid = rho_o * m + sigma * h_o * z
            axis = unit(omid - mid)
            oi = add("O", omid + s * e)
            oj = add("O", omid - s * e)
            cc = add("C", omid + cpar * axis)
            groups["core"] += [oi, oj, cc]
            bodies.append((i, j, sigma, cc, X[cc].copy(), axis, e, oi, oj))
    # terminal ligands
    r0 = unit(fe[0])
    o_oh = add("O", fe[0] + FE_OH * r0)
    # O-H tilted 110 deg from Fe-O, in the plane of r0 and z (points up, away from the Fe3 plane)
    add("H", place(fe[1], fe[0], X[o_oh], 0.97, 115.0, 90.0))
    groups["terminal_O"].append(o_oh)
    r1 = unit(fe[1])
    o_w = add("O", fe[1] + FE_OH2 * r1)
    add("H", X[o_w] + 0.97 * unit(r1 * np.cos(np.radians(52)) + z * np.sin(np.radians(52))))
    add("H", X[o_w] + 0.97 * unit(r1 * np.cos(np.radians(52)) - z * np.sin(np.radians(52))))
    groups["terminal_O"].append(o_w)
    # linker bodies: ring in the carboxylate plane
    for (i, j, sigma, cc, pc, axis, e, oi, oj) in bodies:
        toward = amine_sides[(i, j, sigma)]
        side = 1.0 if toward == i else -1.0         # +e leans to Fe_i
        c1 = pc + 1.49 * axis
        centre = c1 + 1.395 * axis
        ring = []
        for k in range(6):
            t = np.radians(60 * k)
            ring.append(add("C", centre + 1.395 * (-np.cos(t) * axis + side * np.sin(t) * e)))
        lk = {"edge": (i, j), "sigma": sigma, "carboxylate_C": cc, "O": (oi, oj), "ring": ring}
        for k in range(1, 6):
            t = np.radians(60 * k)
            radial = -np.cos(t) * axis + side * np.sin(t) * e
            if k == 1:      # ortho, on the chosen side: NH2
                n = add("N", X[ring[k]] + 1.38 * radial)
                h1 = add("H", X[n] + 1.01 * rotate_in_plane(radial, axis, side * e, 120))
                h2 = add("H", X[n] + 1.01 * rotate_in_plane(radial, axis, side * e, -120))
                groups["amine_N"].append(n)
                lk["N"], lk["HN"] = n, (h1, h2)
            else:
                h = add("H", X[ring[k]] + 1.08 * radial)
                if k == 3:
                    groups["caps"].append(h)
                    lk["cap"] = h
        groups["linkers"].append(lk)
    return symbols, np.array(X), groups


def rotate_in_plane(v, a, b, degrees):
    """Rotate v within the plane spanned by orthonormal a, b by `degrees` (from a towards b)."""
    ca, cb = np.dot(v, a), np.dot(v, b)
    t = np.radians(degrees)
    return (ca * np.cos(t) - cb * np.sin(t)) * a + (ca * np.sin(t) + cb * np.cos(t)) * b


def copc_dimer(copc_X, separation=3.40):
    """Two CoPc stacked as in beta-CoPc: parallel planes `separation` A apart, the upper molecule
    slipped along a Co->meso-N direction so that its Co sits over a meso N of the lower one.
    `copc_X`: CoPc in the xy plane with Co at the origin (atom order of copc()); meso N = atom 5."""
    slip = copc_X[5].copy()
    slip[2] = 0.0
    upper = copc_X + slip + np.array([0, 0, separation])
    return np.vstack([copc_X, upper])
