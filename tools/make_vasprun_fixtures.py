#!/usr/bin/env python3
"""Writes the small hand-made vasprun.xml fixtures of the VASPTests target.

Every number in these files comes from a formula or a literal in this script, so the tests know
each value. Nothing is copied from real VASP output. Run from the package root:

    python3 tools/make_vasprun_fixtures.py

It writes Tests/VASPTests/Fixtures/vasprun/*.xml (and the error fixtures) and, through
`tools/make_example_vasprun.py`, examples/vasprun.xml, which is the same file as
`lih_spin_relax.xml`.

Integer-valued formulas in units of 1e-4 keep the 4-decimal arrays exact: the tests in
`Tests/VASPTests/VasprunEdgeCaseTests.swift` recompute them as `Double(n) / 10_000`, which is the
double nearest to the printed decimal, i.e. what a correct reader returns. Keep the two in step.
"""

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "Tests", "VASPTests", "Fixtures", "vasprun")

LM_FIELDS = ["s", "py", "pz", "px", "dxy", "dyz", "dz2", "dxz", "x2-y2"]


# ----------------------------------------------------------------------------------------------
# Number formatting


def f4(n):
    """n (an integer in units of 1e-4) as a 4-decimal number, exactly."""
    sign = "-" if n < 0 else ""
    n = abs(n)
    return "%s%d.%04d" % (sign, n // 10000, n % 10000)


def f8(x):
    return "%.8f" % x


def fi(x):
    """A float `<i>` value as VASP prints it (16.8f)."""
    return "%16.8f" % x


# ----------------------------------------------------------------------------------------------
# Blocks


def generator(version, subversion, date, time):
    return [
        " <generator>",
        '  <i name="program" type="string">vasp </i>',
        '  <i name="version" type="string">%s  </i>' % version,
        '  <i name="subversion" type="string">%s </i>' % subversion,
        '  <i name="platform" type="string">LinuxIFC </i>',
        '  <i name="date" type="string">%s </i>' % date,
        '  <i name="time" type="string">%s </i>' % time,
        " </generator>",
    ]


def i_tag(name, value, kind=None, indent="  "):
    """One `<i>`: kind None = float, "int", "logical", "string"."""
    if kind is None:
        return '%s<i name="%s">%s</i>' % (indent, name, fi(value))
    if kind == "int":
        return '%s<i type="int" name="%s">%6d</i>' % (indent, name, value)
    if kind == "logical":
        return '%s<i type="logical" name="%s"> %s  </i>' % (indent, name, "T" if value else "F")
    return '%s<i type="string" name="%s">%s</i>' % (indent, name, value)


def v_tag(name, values, kind=None, indent="  "):
    if kind == "int":
        return '%s<v type="int" name="%s">%s</v>' % (indent, name, "".join("%6d" % v for v in values))
    if kind == "logical":
        return '%s<v type="logical" name="%s">%s</v>' % (indent, name, "".join(" %s" % ("T" if v else "F") for v in values))
    return '%s<v name="%s">%s</v>' % (indent, name, "".join("%16.8f" % v for v in values))


def varray(name, rows, indent="  "):
    out = ['%s<varray name="%s" >' % (indent, name)]
    for row in rows:
        out.append("%s <v>%s </v>" % (indent, "".join("%17.8f" % x for x in row)))
    out.append("%s</varray>" % indent)
    return out


def kpoints_block(scheme, divisions, points, weights, indent=" "):
    out = ["%s<kpoints>" % indent]
    if scheme is not None:
        out += [
            '%s <generation param="%s">' % (indent, scheme),
            '%s  <v type="int" name="divisions">%s </v>' % (indent, "".join("%8d" % d for d in divisions)),
            '%s  <v name="usershift">      0.00000000       0.00000000       0.00000000 </v>' % indent,
            '%s  <v name="genvec1">      %.8f       0.00000000       0.00000000 </v>' % (indent, 1.0 / divisions[0]),
            '%s  <v name="genvec2">      0.00000000       %.8f       0.00000000 </v>' % (indent, 1.0 / divisions[1]),
            '%s  <v name="genvec3">      0.00000000       0.00000000       %.8f </v>' % (indent, 1.0 / divisions[2]),
            '%s  <v name="shift">      0.00000000       0.00000000       0.00000000 </v>' % indent,
            "%s </generation>" % indent,
        ]
    out += varray("kpointlist", points, indent + " ")
    out += varray("weights", [[w] for w in weights], indent + " ")
    out.append("%s</kpoints>" % indent)
    return out


def atominfo(types):
    """types: [(element, count, mass, zval, title)]."""
    atoms = []
    for t, (el, n, _, _, _) in enumerate(types):
        atoms += [(el, t + 1)] * n
    out = [
        " <atominfo>",
        "  <atoms>%8d </atoms>" % len(atoms),
        "  <types>%8d </types>" % len(types),
        '  <array name="atoms" >',
        '   <dimension dim="1">ion</dimension>',
        '   <field type="string">element</field>',
        '   <field type="int">atomtype</field>',
        "   <set>",
    ]
    for el, t in atoms:
        out.append("    <rc><c>%-2s</c><c>%4d</c></rc>" % (el, t))
    out += [
        "   </set>",
        "  </array>",
        '  <array name="atomtypes" >',
        '   <dimension dim="1">type</dimension>',
        '   <field type="int">atomspertype</field>',
        '   <field type="string">element</field>',
        "   <field>mass</field>",
        "   <field>valence</field>",
        '   <field type="string">pseudopotential</field>',
        "   <set>",
    ]
    for el, n, mass, zval, title in types:
        out.append("    <rc><c>%4d</c><c>%-2s</c><c>%16.8f</c><c>%16.8f</c><c>  %-37s</c></rc>" % (n, el, mass, zval, title))
    out += ["   </set>", "  </array>", " </atominfo>"]
    return out


def structure(basis, positions, name=None, indent=" ", selective=None):
    head = '%s<structure name="%s" >' % (indent, name) if name else "%s<structure>" % indent
    out = [head, "%s <crystal>" % indent]
    out += varray("basis", basis, indent + "  ")
    vol = (basis[0][0] * (basis[1][1] * basis[2][2] - basis[1][2] * basis[2][1])
           - basis[0][1] * (basis[1][0] * basis[2][2] - basis[1][2] * basis[2][0])
           + basis[0][2] * (basis[1][0] * basis[2][1] - basis[1][1] * basis[2][0]))
    out.append('%s  <i name="volume">%16.8f </i>' % (indent, vol))
    out.append("%s </crystal>" % indent)
    out += varray("positions", positions, indent + " ")
    if selective is not None:
        out.append('%s <varray type="logical" name="selective" >' % indent)
        for row in selective:
            out.append("%s  <v type=\"logical\" >  %s </v>" % (indent, "    ".join("T" if f else "F" for f in row)))
        out.append("%s </varray>" % indent)
    out.append("%s</structure>" % indent)
    return out


def energy_block(terms, indent="  "):
    """terms: [(name, value)]."""
    out = ["%s<energy>" % indent]
    for name, value in terms:
        out.append('%s <i name="%s">%16.8f </i>' % (indent, name, value))
    out.append("%s</energy>" % indent)
    return out


FULL_TERMS = [("alphaZ", 2.31452381), ("ewald", -43.56873091), ("hartreedc", -11.86135482),
              ("XCdc", 3.31146018), ("pawpsdc", 28.23714702), ("pawaedc", -29.87106415),
              ("eentropy", -0.00043210), ("bandstr", -20.92475006), ("atom", 67.51264432)]


def scstep(e_fr, e_wo, e_0, full=False, time=(0.21, 0.22)):
    terms = (FULL_TERMS if full else []) + [("e_fr_energy", e_fr), ("e_wo_entrp", e_wo), ("e_0_energy", e_0)]
    out = ["  <scstep>",
           '   <time name="dav">%8.2f%8.2f</time>' % time,
           '   <time name="total">%8.2f%8.2f</time>' % (time[0] + 0.05, time[1] + 0.05)]
    out += energy_block(terms, "   ")
    out.append("  </scstep>")
    return out


def array_head(dimensions, fields, indent):
    out = ["%s<array>" % indent]
    for d, name in enumerate(dimensions):
        out.append('%s <dimension dim="%d">%s</dimension>' % (indent, d + 1, name))
    for f in fields:
        out.append("%s <field>%s</field>" % (indent, f))
    return out


def eigen_array(values, indent="   ", spin_comment="spin %d", with_occ=True):
    """values[s][k][b] = (e, occ) in 1e-4 units (occ None when not written)."""
    fields = ["eigene", "occ"] if with_occ else ["eigene"]
    out = array_head(["band", "kpoint", "spin"], fields, indent)
    out.append("%s <set>" % indent)
    for s, spin in enumerate(values):
        out.append('%s  <set comment="%s">' % (indent, spin_comment % (s + 1)))
        for k, kp in enumerate(spin):
            out.append('%s   <set comment="kpoint %d">' % (indent, k + 1))
            for e, o in kp:
                if with_occ:
                    out.append("%s    <r>%10s%10s </r>" % (indent, f4(e), f4(o)))
                else:
                    out.append("%s    <r>%10s </r>" % (indent, f4(e)))
            out.append("%s   </set>" % indent)
        out.append("%s  </set>" % indent)
    out += ["%s </set>" % indent, "%s</array>" % indent]
    return out


def dos_block(efermi, grid, total, integrated, partial, labels, comment=None, spin_comment="spin %d", indent="  "):
    """total/integrated[c][i], partial[ion][c][i][orb] in 1e-4 units; grid[i] too."""
    head = '%s<dos comment="%s">' % (indent, comment) if comment else "%s<dos>" % indent
    out = [head, '%s <i name="efermi">%16.8f </i>' % (indent, efermi), "%s <total>" % indent]
    out += array_head(["gridpoints", "spin"], ["energy", "total", "integrated"], indent + "  ")
    out.append("%s   <set>" % indent)
    for c in range(len(total)):
        out.append('%s    <set comment="%s">' % (indent, spin_comment % (c + 1)))
        for i, e in enumerate(grid):
            out.append("%s     <r>%11s%11s%11s </r>" % (indent, f4(e), f4(total[c][i]), f4(integrated[c][i])))
        out.append("%s    </set>" % indent)
    out += ["%s   </set>" % indent, "%s  </array>" % indent, "%s </total>" % indent]
    if partial is not None:
        out.append("%s <partial>" % indent)
        out += array_head(["gridpoints", "spin", "ion"], ["energy"] + ["%4s" % l for l in labels], indent + "  ")
        out.append("%s   <set>" % indent)
        for ion, per_ion in enumerate(partial):
            out.append('%s    <set comment="ion %d">' % (indent, ion + 1))
            for c, comp in enumerate(per_ion):
                out.append('%s     <set comment="%s">' % (indent, spin_comment % (c + 1)))
                for i, e in enumerate(grid):
                    out.append("%s      <r>%11s%s </r>" % (indent, f4(e), "".join("%9s" % f4(x) for x in comp[i])))
                out.append("%s     </set>" % indent)
            out.append("%s    </set>" % indent)
        out += ["%s   </set>" % indent, "%s  </array>" % indent, "%s </partial>" % indent]
    out.append("%s</dos>" % indent)
    return out


def projected_array(weights, labels, indent="   ", spin_comment="spin%d"):
    """weights[s][k][b][ion][orb] in 1e-4 units."""
    out = array_head(["ion", "band", "kpoint", "spin"], ["%4s" % l for l in labels], indent)
    out.append("%s <set>" % indent)
    for s, spin in enumerate(weights):
        out.append('%s  <set comment="%s">' % (indent, spin_comment % (s + 1)))
        for k, kp in enumerate(spin):
            out.append('%s   <set comment="kpoint %d">' % (indent, k + 1))
            for b, band in enumerate(kp):
                out.append('%s    <set comment="band %d">' % (indent, b + 1))
                for ion in band:
                    out.append("%s     <r>%s </r>" % (indent, "".join("%8s" % f4(x) for x in ion)))
                out.append("%s    </set>" % indent)
            out.append("%s   </set>" % indent)
        out.append("%s  </set>" % indent)
    out += ["%s </set>" % indent, "%s</array>" % indent]
    return out


# ----------------------------------------------------------------------------------------------
# The complete fixture: rock-salt LiH, ISPIN = 2 (started from MAGMOM 0.6 0.4, the moment vanishes;
# the two spin channels differ by 0.0012 eV), ISIF = 3 relaxation from a strained cell with H moved off
# its site, IVDW = 12, 2 k-points, 4 bands, 2 ionic steps × 3 SCF steps, LORBIT = 11, NEDOS = 5.
# Formulas (1e-4 units) — mirrored in VasprunEdgeCaseTests.swift (`LiH`):

LIH_BANDS = [-387654, -41234, 29876, 61234]  # Li 1s, H 1s, two empty bands
LIH_EFERMI = -37000  # −3.7 eV, in the gap
LIH_GRID = [-450000 + 137500 * i for i in range(5)]  # NEDOS = 5, EMIN −45, EMAX 10


def lih_eigen(s, k, b):
    return LIH_BANDS[b] + 1500 * k + 12 * s


def lih_occ(e):
    margin = LIH_EFERMI + 2000 - e
    if margin > 4000:
        return 10000
    if margin < 0:
        return 0
    return margin * 5 // 2


def lih_total(s, i):
    return 1000 * ((3 * i + 2 * s) % 7) + 37 * i + 11 * s


def lih_integrated(s, i):
    return sum(lih_total(s, j) for j in range(i + 1)) * 15 // 10


def lih_partial(ion, s, i, orb):
    return ((ion * 5 + s * 3 + i * 2 + orb) % 9) * 111 + orb


def lih_projected(s, k, b, ion, orb):
    return ((s * 7 + k * 5 + b * 3 + ion * 2 + orb) % 10) * 123


LIH_VDW = -0.21345678  # IVDW = 12: calc-level energies include it, SCF energies do not.

LIH_STEPS = [
    {
        "basis": [[0, 2.01, 2.01], [2.01, 0, 2.01], [2.01, 2.01, 0]],
        "positions": [[0, 0, 0], [0.5, 0.5, 0.51]],
        "forces": [[0, 0, 0.08621473], [0, 0, -0.08621473]],
        "stress": [[-15.23456789, 0, 0], [0, -15.23456789, 0], [0, 0, -9.87654321]],
        "scf": [(-4.98765432, -4.97654321, -4.98209876),
                (-5.87012345, -5.86543210, -5.86777777),
                (-5.87512345, -5.87034567, -5.87273456)],
    },
    {
        "basis": [[0, 2.0, 2.0], [2.0, 0, 2.0], [2.0, 2.0, 0]],
        "positions": [[0, 0, 0], [0.5, 0.5, 0.502]],
        "forces": [[0, 0, 0.01234567], [0, 0, -0.01234567]],
        "stress": [[-3.45678901, 0, 0], [0, -3.45678901, 0], [0, 0, -1.23456789]],
        "scf": [(-5.88001234, -5.87512121, -5.87756677),
                (-5.88123456, -5.87643210, -5.87883333),
                (-5.88134567, -5.87650123, -5.87892345)],
    },
]
LIH_FINAL = {"basis": [[0, 1.998, 1.998], [1.998, 0, 1.998], [1.998, 1.998, 0]], "positions": [[0, 0, 0], [0.5, 0.5, 0.5001]]}
LIH_TYPES = [("Li", 1, 6.941, 3.0, "PAW_PBE Li_sv 10Sep2004"), ("H", 1, 1.0, 1.0, "PAW_PBE H 15Jun2001")]


def lih_parameters():
    p = [" <parameters>",
         '  <separator name="general" >',
         i_tag("SYSTEM", "LiH rock salt relax", "string", "   "),
         i_tag("LCOMPAT", False, "logical", "   "),
         "  </separator>",
         '  <separator name="electronic" >',
         i_tag("PREC", "accurate", "string", "   "),
         i_tag("ENMAX", 500.0, None, "   "),
         i_tag("EDIFF", 1e-6, None, "   "),
         i_tag("NBANDS", 4, "int", "   "),
         i_tag("NELECT", 4.0, None, "   "),
         '   <separator name="electronic smearing" >',
         i_tag("ISMEAR", 0, "int", "    "),
         i_tag("SIGMA", 0.05, None, "    "),
         "   </separator>",
         '   <separator name="electronic spin" >',
         i_tag("ISPIN", 2, "int", "    "),
         i_tag("LNONCOLLINEAR", False, "logical", "    "),
         v_tag("MAGMOM", [0.6, 0.4], None, "    "),
         i_tag("NUPDOWN", -1.0, None, "    "),
         i_tag("LSORBIT", False, "logical", "    "),
         v_tag("SAXIS", [0.0, 0.0, 1.0], None, "    "),
         "   </separator>",
         '   <separator name="electronic convergence" >',
         i_tag("NELM", 60, "int", "    "),
         i_tag("NELMDL", -5, "int", "    "),
         i_tag("NELMIN", 2, "int", "    "),
         '    <separator name="electronic convergence detail" >',
         i_tag("LDIAG", True, "logical", "     "),
         i_tag("WEIMIN", 0.001, None, "     "),
         "    </separator>",
         "   </separator>",
         "  </separator>",
         '  <separator name="ionic" >',
         i_tag("NSW", 10, "int", "   "),
         i_tag("IBRION", 2, "int", "   "),
         i_tag("ISIF", 3, "int", "   "),
         i_tag("EDIFFG", -0.01, None, "   "),
         i_tag("POTIM", 0.5, None, "   "),
         "  </separator>",
         '  <separator name="dos" >',
         i_tag("LORBIT", 11, "int", "   "),
         v_tag("RWIGS", [-1.0, -1.0], None, "   "),
         i_tag("NEDOS", 5, "int", "   "),
         i_tag("EMIN", -45.0, None, "   "),
         i_tag("EMAX", 10.0, None, "   "),
         "  </separator>",
         '  <separator name="writing" >',
         i_tag("LWAVE", False, "logical", "   "),
         i_tag("LCHARG", True, "logical", "   "),
         v_tag("LATTICE_CONSTRAINTS", [True, True, False], "logical", "   "),
         "  </separator>",
         '  <separator name="response functions" >',
         i_tag("NBANDS", 64, "int", "   "),
         i_tag("ENCUTGW", 300.0, None, "   "),
         v_tag("KPOINT", [-1, 0, 0, 0], "int", "   "),
         '   <separator name="response functions detail" >',
         i_tag("NELM", 1, "int", "    "),
         i_tag("OMEGAMAX", -30.0, None, "    "),
         "   </separator>",
         "  </separator>",
         '  <separator name="performance" >',
         i_tag("NPAR", 4, "int", "   "),
         "  </separator>",
         " </parameters>"]
    return p


def lih_incar():
    return [" <incar>",
            i_tag("SYSTEM", "LiH rock salt relax", "string"),
            i_tag("PREC", "accurate", "string"),
            i_tag("ISPIN", 2, "int"),
            v_tag("MAGMOM", [0.6, 0.4]),
            i_tag("ENCUT", 500.0),
            i_tag("EDIFF", 1e-6),
            i_tag("IBRION", 2, "int"),
            i_tag("ISIF", 3, "int"),
            i_tag("NSW", 10, "int"),
            i_tag("EDIFFG", -0.01),
            i_tag("ISMEAR", 0, "int"),
            i_tag("SIGMA", 0.05),
            i_tag("NEDOS", 5, "int"),
            i_tag("LORBIT", 11, "int"),
            i_tag("IVDW", 12, "int"),
            i_tag("LWAVE", False, "logical"),
            i_tag("LCHARG", True, "logical"),
            '  <i type="string" name="GGA    ">PE</i>',
            v_tag("LDAUL", [2, -1], "int"),
            v_tag("LATTICE_CONSTRAINTS", [True, True, False], "logical"),
            " </incar>"]


def lih_calculation(index, last):
    step = LIH_STEPS[index]
    out = [" <calculation>"]
    for j, (fr, wo, e0) in enumerate(step["scf"]):
        out += scstep(fr, wo, e0, full=(j == 0), time=(0.31 + 0.01 * j, 0.33 + 0.01 * j))
    out += structure(step["basis"], step["positions"], indent="  ")
    out += varray("forces", step["forces"], "  ")
    out += varray("stress", step["stress"], "  ")
    fr, wo, _ = step["scf"][-1]
    # VASP 5 (and some 6.0) write e_0_energy = 0 at calculation level.
    out += energy_block([("e_fr_energy", round(fr + LIH_VDW, 8)), ("e_wo_entrp", round(wo + LIH_VDW, 8)), ("e_0_energy", 0.0)])
    out.append('  <time name="totalsc">%8.2f%8.2f</time>' % (1.23 + index, 1.25 + index))
    if last:
        values = [[[(lih_eigen(s, k, b), lih_occ(lih_eigen(s, k, b))) for b in range(4)] for k in range(2)] for s in range(2)]
        out.append("  <eigenvalues>")
        out += eigen_array(values, "   ")
        out.append("  </eigenvalues>")
        out += ['  <separator name="orbital magnetization" >',
                '   <v name="MAGDIPOLOUT">      0.00000000      0.00000000      0.00000000</v>',
                "  </separator>"]
        total = [[lih_total(s, i) for i in range(5)] for s in range(2)]
        integ = [[lih_integrated(s, i) for i in range(5)] for s in range(2)]
        partial = [[[[lih_partial(ion, s, i, o) for o in range(9)] for i in range(5)] for s in range(2)] for ion in range(2)]
        out += dos_block(LIH_EFERMI / 1e4, LIH_GRID, total, integ, partial, LM_FIELDS)
        weights = [[[[[lih_projected(s, k, b, ion, o) for o in range(9)] for ion in range(2)] for b in range(4)] for k in range(2)] for s in range(2)]
        out.append("  <projected>")
        out += projected_array(weights, LM_FIELDS, "   ", "spin%d")
        out.append("  </projected>")
    out.append(" </calculation>")
    return out


def lih_spin_relax():
    lines = ['<?xml version="1.0" encoding="ISO-8859-1"?>', "<modeling>"]
    lines += generator("6.0.8", "15Jan21 (build Feb 03 2021 10:11:12) complex                          parallel",
                       "2021 03 14", "09:26:53")
    lines += lih_incar()
    lines += kpoints_block("Gamma", [1, 1, 2], [[0, 0, 0], [0, 0, 0.5]], [0.5, 0.5])
    lines += lih_parameters()
    lines += atominfo(LIH_TYPES)
    lines += structure(LIH_STEPS[0]["basis"], LIH_STEPS[0]["positions"], name="initialpos")
    lines += lih_calculation(0, last=False)
    lines += lih_calculation(1, last=True)
    lines += structure(LIH_FINAL["basis"], LIH_FINAL["positions"], name="finalpos")
    lines.append("</modeling>")
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------------------------
# Γ-only H2O in a 10 Å box, ISPIN = 1, static run, 6 bands (4 occupied).

H2O_EIGEN = [-254321, -132109, -93456, -72345, -9876, 12345]  # HOMO −7.2345, LUMO −0.9876
H2O_OCC = [10000, 10000, 10000, 10000, 0, 0]


def small_parameters(nelect, nbands, ispin, nelm=60, extra=(), noncollinear=False, nsw=0, ibrion=-1):
    return ([" <parameters>",
             '  <separator name="electronic" >',
             i_tag("NBANDS", nbands, "int", "   "),
             i_tag("NELECT", nelect, None, "   "),
             '   <separator name="electronic spin" >',
             i_tag("ISPIN", ispin, "int", "    "),
             i_tag("LNONCOLLINEAR", noncollinear, "logical", "    "),
             i_tag("LSORBIT", False, "logical", "    "),
             "   </separator>",
             '   <separator name="electronic convergence" >',
             i_tag("NELM", nelm, "int", "    "),
             "   </separator>",
             "  </separator>",
             '  <separator name="ionic" >',
             i_tag("NSW", nsw, "int", "   "),
             i_tag("IBRION", ibrion, "int", "   "),
             "  </separator>"]
            + list(extra)
            + [" </parameters>"])


def h2o_gamma():
    box = [[10, 0, 0], [0, 10, 0], [0, 0, 10]]
    pos = [[0.5, 0.5, 0.5], [0.5764, 0.5586, 0.5], [0.4236, 0.5586, 0.5]]
    lines = ['<?xml version="1.0" encoding="ISO-8859-1"?>', "<modeling>"]
    lines += generator("6.4.2", "20Jul23 (build Oct 05 2023 11:12:45) gamma-only                       parallel",
                       "2024 02 01", "12:00:00")
    lines += [" <incar>", i_tag("SYSTEM", "H2O molecule", "string"), i_tag("ISMEAR", 0, "int"), i_tag("SIGMA", 0.01),
              i_tag("NSW", 0, "int"), " </incar>"]
    lines += kpoints_block("Gamma", [1, 1, 1], [[0, 0, 0]], [1.0])
    lines += small_parameters(8.0, 6, 1)
    lines += atominfo([("O", 1, 16.0, 6.0, "PAW_PBE O 08Apr2002"), ("H", 2, 1.0, 1.0, "PAW_PBE H 15Jun2001")])
    lines += structure(box, pos, name="initialpos")
    lines.append(" <calculation>")
    lines += scstep(-14.10012345, -14.10012345, -14.10012345, full=True)
    lines += scstep(-14.22043210, -14.22043210, -14.22043210, full=True)
    lines += structure(box, pos, indent="  ")
    lines += varray("forces", [[0, -0.0123, 0], [0.0211, 0.0061, 0], [-0.0211, 0.0062, 0]], "  ")
    lines += varray("stress", [[1.2, 0, 0], [0, 1.1, 0], [0, 0, 0.9]], "  ")
    lines += energy_block([("e_fr_energy", -14.22043210), ("e_wo_entrp", -14.22043210), ("e_0_energy", -14.22043210)])
    lines.append("  <eigenvalues>")
    lines += eigen_array([[[(e, o) for e, o in zip(H2O_EIGEN, H2O_OCC)]]], "   ")
    lines.append("  </eigenvalues>")
    lines.append(" </calculation>")
    lines += structure(box, pos, name="finalpos")
    lines.append("</modeling>")
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------------------------
# Quirks: `****` in <v> and <r>, glued numbers in <r>, NaN literals, "spin 1" vs "spin1" comments,
# an unreadable RANDOM_SEED. One Ni atom pair, ISPIN = 2, one k-point, 3 bands.

def quirks_numbers():
    cell = [[0, 1.76, 1.76], [1.76, 0, 1.76], [1.76, 1.76, 0]]
    pos = [[0, 0, 0], [0.5, 0.5, 0.5]]
    lines = ['<?xml version="1.0" encoding="ISO-8859-1"?>', "<modeling>"]
    lines += generator("6.3.2", "27Jun22 complex  parallel", "2023 05 05", "05:05:05")
    lines += [" <incar>", i_tag("SYSTEM", "Ni quirks", "string"), i_tag("ISPIN", 2, "int"),
              '  <v type="int" name="RANDOM_SEED">   ******       0       0</v>',
              '  <i name="TEBEG">  ************</i>',
              " </incar>"]
    lines += kpoints_block("Gamma", [1, 1, 1], [[0, 0, 0]], [1.0])
    lines += small_parameters(20.0, 3, 2)
    lines += atominfo([("Ni", 2, 58.69, 10.0, "PAW_PBE Ni 02Aug2007")])
    lines += structure(cell, pos, name="initialpos")
    lines.append(" <calculation>")
    lines += scstep(-11.1, -11.1, -11.1)
    lines += structure(cell, pos, indent="  ")
    lines += ['  <varray name="forces" >',
              "   <v>      0.00000000 ************      0.12345678 </v>",
              "   <v>            NaN************     -0.12345678 </v>",
              "  </varray>",
              '  <varray name="stress" >',
              "   <v>     -1.50000000      0.00000000      0.00000000 </v>",
              "   <v>      0.00000000     -1.50000000      0.00000000 </v>",
              "   <v>      0.00000000      0.00000000     -1.50000000 </v>",
              "  </varray>"]
    lines += energy_block([("e_fr_energy", -11.2), ("e_wo_entrp", -11.2), ("e_0_energy", -11.2)])
    # Eigenvalues: glued "-12.3456-0.0123" (eigenvalue, negative MP occupation), NaN literal.
    lines += ["  <eigenvalues>"]
    lines += array_head(["band", "kpoint", "spin"], ["eigene", "occ"], "   ")
    lines += ["    <set>",
              '     <set comment="spin 1">',
              '      <set comment="kpoint 1">',
              "       <r>  -12.3456-0.0123 </r>",
              "       <r>    1.2345    1.0000 </r>",
              "       <r>       NaN    0.0000 </r>",
              "      </set>",
              "     </set>",
              '     <set comment="spin 2">',
              '      <set comment="kpoint 1">',
              "       <r>  -11.0001    1.0000 </r>",
              "       <r>    2.5000    0.5000 </r>",
              "       <r>    4.0000    0.0000 </r>",
              "      </set>",
              "     </set>",
              "    </set>",
              "   </array>",
              "  </eigenvalues>"]
    # DOS: two `****` overflows in the total DOS, glued integrated DOS, "spin 1" comments.
    lines += ["  <dos>", '   <i name="efermi">      3.14159265 </i>', "   <total>"]
    lines += array_head(["gridpoints", "spin"], ["energy", "total", "integrated"], "    ")
    lines += ["     <set>",
              '      <set comment="spin 1">',
              "       <r>    -1.0000     0.5000     0.0000 </r>",
              "       <r>     0.0000 **********  12345.6789 </r>",
              "       <r>     1.0000   999.999912345.6789 </r>",
              "      </set>",
              '      <set comment="spin 2">',
              "       <r>    -1.0000     0.4000     0.0000 </r>",
              "       <r>     0.0000 ********** 23456.7891 </r>",
              "       <r>     1.0000     0.1250-0.0001 </r>",
              "      </set>",
              "     </set>",
              "    </array>",
              "   </total>",
              "  </dos>"]
    # Projections: "spin1"/"spin2" comments (as VASP 5 writes them), glued values.
    lines += ["  <projected>"]
    lines += array_head(["ion", "band", "kpoint", "spin"], ["   s", "   p", "   d"], "   ")
    lines.append("    <set>")
    for s in range(2):
        lines.append('     <set comment="spin%d">' % (s + 1))
        lines.append('      <set comment="kpoint 1">')
        for b in range(3):
            lines.append('       <set comment="band %d">' % (b + 1))
            for ion in range(2):
                vals = [f4(1000 * s + 100 * b + 10 * ion + o) for o in range(3)]
                if s == 1 and b == 2 and ion == 1:
                    lines.append("        <r>%s%s%s </r>" % tuple(vals))  # glued: 0.12210.12220.1223
                else:
                    lines.append("        <r>  %s  %s  %s </r>" % tuple(vals))
            lines.append("       </set>")
        lines.append("      </set>")
        lines.append("     </set>")
    lines += ["    </set>", "   </array>", "  </projected>"]
    lines.append(" </calculation>")
    lines += structure(cell, pos, name="finalpos")
    lines.append("</modeling>")
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------------------------
# Noncollinear Si2 (LNONCOLLINEAR = T), one k-point, 4 bands, NELECT = 9 (one extra electron):
# DOS with 4 components (total, mx, my, mz), partial s/p/d, projections with 4 components.

def nc_total(c, i):
    return [1234, -56, 78, -910][c] * (i + 1)


def nc_projected(c, b, ion, orb):
    sign = -1 if (c > 0 and (b + ion + orb) % 2) else 1
    return sign * (c * 1000 + b * 100 + ion * 10 + orb)


def noncollinear():
    cell = [[0, 2.715, 2.715], [2.715, 0, 2.715], [2.715, 2.715, 0]]
    pos = [[0, 0, 0], [0.25, 0.25, 0.25]]
    grid = [-50000, 0, 50000]
    lines = ['<?xml version="1.0" encoding="ISO-8859-1"?>', "<modeling>"]
    lines += generator("6.4.1", "05Apr23 noncollinear  parallel", "2023 06 06", "06:06:06")
    lines += [" <incar>", i_tag("SYSTEM", "Si2 noncollinear", "string"), i_tag("LNONCOLLINEAR", True, "logical"),
              i_tag("LORBIT", 10, "int"), i_tag("NELECT", 9.0), " </incar>"]
    lines += kpoints_block("Monkhorst-Pack", [1, 1, 1], [[0, 0, 0]], [1.0])
    lines += small_parameters(9.0, 4, 1, noncollinear=True)
    lines += atominfo([("Si", 2, 28.085, 4.0, "PAW_PBE Si 05Jan2001")])
    lines += structure(cell, pos, name="initialpos")
    lines.append(" <calculation>")
    lines += scstep(-10.5, -10.5, -10.5)
    lines += structure(cell, pos, indent="  ")
    lines += varray("forces", [[0, 0, 0], [0, 0, 0]], "  ")
    lines += energy_block([("e_fr_energy", -10.6), ("e_wo_entrp", -10.6), ("e_0_energy", -10.6)])
    lines.append("  <eigenvalues>")
    lines += eigen_array([[[(-57000, 10000), (50000, 10000), (60000, 5000), (80000, 0)]]], "   ")
    lines.append("  </eigenvalues>")
    total = [[nc_total(c, i) for i in range(3)] for c in range(4)]
    integ = [[abs(nc_total(c, i)) * 2 for i in range(3)] for c in range(4)]
    partial = [[[[c * 100 + ion * 10 + o + i for o in range(3)] for i in range(3)] for c in range(4)] for ion in range(2)]
    lines += dos_block(6.0, grid, total, integ, partial, ["s", "p", "d"])
    weights = [[[[[nc_projected(c, b, ion, o) for o in range(3)] for ion in range(2)] for b in range(4)]] for c in range(4)]
    lines.append("  <projected>")
    lines += projected_array(weights, ["s", "p", "d"], "   ", "spin%d")
    lines.append("  </projected>")
    lines.append(" </calculation>")
    lines += structure(cell, pos, name="finalpos")
    lines.append("</modeling>")
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------------------------
# KPOINTS_OPT (VASP 6.3+): one Si atom pair, ISPIN = 1; main set 1 k-point, KPOINTS_OPT set 2.

def kpoints_opt():
    cell = [[0, 2.715, 2.715], [2.715, 0, 2.715], [2.715, 2.715, 0]]
    pos = [[0, 0, 0], [0.25, 0.25, 0.25]]
    grid = [-10000, 0, 10000]
    lines = ['<?xml version="1.0" encoding="ISO-8859-1"?>', "<modeling>"]
    lines += generator("6.3.0", "20Jan22 complex  parallel", "2022 07 07", "07:07:07")
    lines += [" <incar>", i_tag("SYSTEM", "Si2 kpoints_opt", "string"), i_tag("LORBIT", 10, "int"), " </incar>"]
    lines += kpoints_block("Gamma", [1, 1, 1], [[0, 0, 0]], [1.0])
    lines += small_parameters(8.0, 2, 1, extra=['  <separator name="optional k-points parameters" >',
                                                  i_tag("KPOINTS_OPT_MODE", 1, "int", "   "),
                                                  i_tag("LKPOINTS_OPT", True, "logical", "   "),
                                                  "  </separator>"])
    lines += atominfo([("Si", 2, 28.085, 4.0, "PAW_PBE Si 05Jan2001")])
    lines += structure(cell, pos, name="initialpos")
    lines.append(" <calculation>")
    lines += scstep(-10.8, -10.8, -10.8)
    lines += structure(cell, pos, indent="  ")
    lines += energy_block([("e_fr_energy", -10.85), ("e_wo_entrp", -10.85), ("e_0_energy", -10.85)])
    # The KPOINTS_OPT k-points also appear directly under <calculation> (ignored by the reader).
    lines += kpoints_block(None, None, [[0, 0, 0], [0.5, 0, 0]], [0.25, 0.75], "  ")
    lines += dos_block(5.5, grid, [[100, 200, 300]], [[100, 300, 600]], None, [], comment="kpoints_opt")
    lines.append('  <eigenvalues_kpoints_opt comment="kpoints_opt">')
    lines += kpoints_block(None, None, [[0, 0, 0], [0.5, 0, 0]], [0.25, 0.75], "   ")
    lines.append("   <eigenvalues>")
    lines += eigen_array([[[(-57000, None), (55000, None)], [[-30000, None], [20000, None]]]], "    ", with_occ=False)
    lines.append("   </eigenvalues>")
    lines.append("  </eigenvalues_kpoints_opt>")
    lines.append("  <projected_kpoints_opt>")
    lines.append("   <eigenvalues>")
    lines += eigen_array([[[(-57000, 10000), (55000, 0)], [(-30000, 10000), (20000, 0)]]], "    ")
    lines.append("   </eigenvalues>")
    lines += projected_array([[[[[k * 1000 + b * 100 + ion * 10 + o for o in range(3)] for ion in range(2)] for b in range(2)] for k in range(2)]],
                             ["s", "p", "d"], "   ", "spin %d")
    lines.append("  </projected_kpoints_opt>")
    lines.append("  <eigenvalues>")
    lines += eigen_array([[[(-56000, 10000), (54000, 0)]]], "   ")
    lines.append("  </eigenvalues>")
    lines += dos_block(5.4, grid, [[400, 500, 600]], [[400, 900, 1500]], None, [])
    lines.append("  <projected>")
    lines += projected_array([[[[[5000 + b * 100 + ion * 10 + o for o in range(3)] for ion in range(2)] for b in range(2)]]],
                             ["s", "p", "d"], "   ", "spin %d")
    lines.append("  </projected>")
    lines.append(" </calculation>")
    lines += structure(cell, pos, name="finalpos")
    lines.append("</modeling>")
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------------------------
# LOPTICS: two <dielectricfunction> blocks inside the calculation, before the DOS (skipped, counted).

def dielectric_block(comment):
    head = '  <dielectricfunction comment="%s">' % comment if comment else "  <dielectricfunction>"
    out = [head]
    for part in ("imag", "real"):
        out.append("   <%s>" % part)
        out += array_head(["gridpoints"], ["energy", "xx", "yy", "zz", "xy", "yz", "zx"], "    ")
        out.append("     <set>")
        for i in range(3):
            out.append("      <r>%s </r>" % "".join("%11s" % f4(i * 500 + c) for c in range(7)))
        out += ["     </set>", "    </array>", "   </%s>" % part]
    out.append("  </dielectricfunction>")
    return out


def dielectric():
    cell = [[0, 2.715, 2.715], [2.715, 0, 2.715], [2.715, 2.715, 0]]
    pos = [[0, 0, 0], [0.25, 0.25, 0.25]]
    lines = ['<?xml version="1.0" encoding="ISO-8859-1"?>', "<modeling>"]
    lines += generator("6.2.1", "16May21 complex  parallel", "2022 08 08", "08:08:08")
    lines += [" <incar>", i_tag("LOPTICS", True, "logical"), i_tag("CSHIFT", 0.1), " </incar>"]
    lines += kpoints_block("Gamma", [1, 1, 1], [[0, 0, 0]], [1.0])
    lines += small_parameters(8.0, 2, 1)
    lines += atominfo([("Si", 2, 28.085, 4.0, "PAW_PBE Si 05Jan2001")])
    lines += structure(cell, pos, name="initialpos")
    lines.append(" <calculation>")
    lines += scstep(-10.8, -10.8, -10.8)
    lines += structure(cell, pos, indent="  ")
    lines += energy_block([("e_fr_energy", -10.85), ("e_wo_entrp", -10.85), ("e_0_energy", -10.85)])
    lines.append("  <eigenvalues>")
    lines += eigen_array([[[(-56000, 10000), (54000, 0)]]], "   ")
    lines.append("  </eigenvalues>")
    lines += dielectric_block("density-density")
    lines += dielectric_block("current-current")
    lines += dos_block(5.4, [-10000, 0, 10000], [[400, 500, 600]], [[400, 900, 1500]], None, [])
    lines.append(" </calculation>")
    lines += structure(cell, pos, name="finalpos")
    lines.append("</modeling>")
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------------------------
# ML_LMLFF = T: one <calculation>, then two machine-learned MD steps written outside it.

def mlff():
    cell = [[4, 0, 0], [0, 4, 0], [0, 0, 4]]
    lines = ['<?xml version="1.0" encoding="ISO-8859-1"?>', "<modeling>"]
    lines += generator("6.4.2", "20Jul23 gamma-only  parallel", "2024 01 09", "09:09:09")
    lines += [" <incar>", i_tag("IBRION", 0, "int"), i_tag("NSW", 3, "int"), i_tag("ML_LMLFF", True, "logical"),
              i_tag("ML_MODE", "run", "string"), " </incar>"]
    lines += kpoints_block("Gamma", [1, 1, 1], [[0, 0, 0]], [1.0])
    lines += small_parameters(2.0, 2, 1, nelm=5, nsw=3, ibrion=0)
    lines += atominfo([("H", 2, 1.0, 1.0, "PAW_PBE H 15Jun2001")])
    p0 = [[0.4, 0.5, 0.5], [0.6, 0.5, 0.5]]
    lines += structure(cell, p0, name="initialpos")
    lines.append(" <calculation>")
    lines += scstep(-6.1, -6.1, -6.1)
    lines += scstep(-6.2, -6.2, -6.2)
    lines += scstep(-6.3, -6.3, -6.3)
    lines += scstep(-6.35, -6.35, -6.35)
    lines += scstep(-6.4, -6.4, -6.4)
    lines += scstep(-6.45, -6.45, -6.45)
    lines += structure(cell, p0, indent="  ")
    lines += varray("forces", [[0.5, 0, 0], [-0.5, 0, 0]], "  ")
    lines += varray("stress", [[1, 0, 0], [0, 1, 0], [0, 0, 1]], "  ")
    lines += energy_block([("e_fr_energy", -6.45), ("e_wo_entrp", -6.45), ("e_0_energy", -6.45),
                           ("kinetic", 0.01), ("total", -6.44)])
    lines.append(" </calculation>")
    for n, x in enumerate([0.41, 0.42]):
        pos = [[x, 0.5, 0.5], [1 - x, 0.5, 0.5]]
        lines += structure(cell, pos)
        lines += varray("forces", [[0.4 - 0.1 * n, 0, 0], [-0.4 + 0.1 * n, 0, 0]], " ")
        lines += energy_block([("e_fr_energy", -6.5 - 0.1 * n), ("e_wo_entrp", -6.5 - 0.1 * n), ("e_0_energy", -6.5 - 0.1 * n),
                               ("kinetic", 0.02), ("total", -6.48 - 0.1 * n)], " ")
        lines.append(' <time name="totalsc">    0.03    0.04</time>')
    lines += structure(cell, [[0.42, 0.5, 0.5], [0.58, 0.5, 0.5]], name="finalpos")
    lines.append("</modeling>")
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------------------------
# Security and error fixtures.

def minimal(doctype, system_value):
    lines = ['<?xml version="1.0" encoding="ISO-8859-1"?>']
    lines += doctype
    lines += ["<modeling>"]
    lines += generator("6.4.2", "x", "2024 01 01", "00:00:00")
    lines += [" <incar>", '  <i type="string" name="SYSTEM">%s</i>' % system_value, i_tag("NSW", 0, "int"), " </incar>"]
    lines += atominfo([("H", 1, 1.0, 1.0, "PAW_PBE H 15Jun2001")])
    lines += structure([[5, 0, 0], [0, 5, 0], [0, 0, 5]], [[0, 0, 0]], name="initialpos")
    lines += ["</modeling>"]
    return "\n".join(lines) + "\n"


def billion_laughs():
    entities = ['  <!ENTITY lol0 "lol">']
    for level in range(1, 10):
        entities.append('  <!ENTITY lol%d "%s">' % (level, "&lol%d;" % (level - 1) * 10))
    return minimal(["<!DOCTYPE modeling ["] + entities + ["]>"], "&lol9;")


FILES = {
    "lih_spin_relax.xml": lih_spin_relax,
    "h2o_gamma.xml": h2o_gamma,
    "quirks_numbers.xml": quirks_numbers,
    "noncollinear.xml": noncollinear,
    "kpoints_opt.xml": kpoints_opt,
    "dielectric.xml": dielectric,
    "mlff.xml": mlff,
    "xxe.xml": lambda: minimal(['<!DOCTYPE modeling [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'], "&xxe;"),
    "billion_laughs.xml": billion_laughs,
    "external_dtd.xml": lambda: minimal(['<!DOCTYPE modeling SYSTEM "http://example.invalid/x.dtd">'], "external DTD"),
    "not_xml.txt": lambda: "SYSTEM = not a vasprun\nENCUT = 520\n",
    "empty.xml": lambda: "",
    "no_modeling.xml": lambda: '<?xml version="1.0"?>\n<calculation>\n <energy/>\n</calculation>\n',
}


def write(path, text):
    with open(path, "w", encoding="ascii", newline="\n") as f:
        f.write(text)


def main():
    os.makedirs(FIXTURES, exist_ok=True)
    for name, make in FILES.items():
        write(os.path.join(FIXTURES, name), make())
    # The bundled example is the complete fixture.
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import make_example_vasprun
    make_example_vasprun.main()
    for name in FILES:
        print("%6d  %s" % (os.path.getsize(os.path.join(FIXTURES, name)), name))


if __name__ == "__main__":
    main()
