import Analysis
import Chemistry
import Testing

/// Issue 16.2: the kind of a system read from its bond network, and k-point meshes from densities.
@Suite struct PeriodicityTests {
    /// Cu(111) 3×3 × 4 layers (a = 3.61 Å, layers A B C A), `height` Å cell along c, as
    /// tools/structures/co_cu111.py builds it.
    static func cuSlab(height: Double = 25, n: Int = 3) -> Structure {
        let d = 3.61 / 2.0.squareRoot()
        let dz = 3.61 / 3.0.squareRoot()
        let a1 = SIMD3(d, 0, 0)
        let a2 = SIMD3(d / 2, d * 3.0.squareRoot() / 2, 0)
        let lattice = Lattice(a: Double(n) * a1, b: Double(n) * a2, c: SIMD3(0, 0, height))
        let stacking: [(Double, Double)] = [(0, 0), (1.0 / 3, 1.0 / 3), (2.0 / 3, 2.0 / 3)]
        var r: [SIMD3<Double>] = []
        for layer in 0..<4 {
            let (sx, sy) = stacking[layer % 3]
            for i in 0..<n {
                for j in 0..<n {
                    r.append((Double(i) + sx) * a1 + (Double(j) + sy) * a2 + SIMD3(0, 0, 2 + Double(layer) * dz))
                }
            }
        }
        return Structure(lattice: lattice, species: Array(repeating: "Cu", count: r.count), cartesianPositions: r)
    }

    @Test func slabMoleculeAndBulkAreTold() {
        let slab = Self.cuSlab()
        #expect(Periodicity.of(slab) == .slab(normal: 2))
        // The same slab lying in the b–c plane: normal a.
        let turned = Structure(
            lattice: Lattice(a: slab.lattice.c, b: slab.lattice.a, c: slab.lattice.b), species: slab.species,
            fractionalPositions: slab.fractionalPositions.map { SIMD3($0.z, $0.x, $0.y) })
        #expect(Periodicity.of(turned) == .slab(normal: 0))
        // Bulk fcc Cu (primitive cell, one atom bonded to its own images).
        let bulk = Structure(
            lattice: Lattice(a: SIMD3(0, 1.805, 1.805), b: SIMD3(1.805, 0, 1.805), c: SIMD3(1.805, 1.805, 0)),
            species: ["Cu"], fractionalPositions: [.zero])
        #expect(Periodicity.of(bulk) == .bulk)
        // CO in a box, and a lone atom.
        let co = Structure(lattice: .cubic(15), species: ["C", "O"], cartesianPositions: [SIMD3(7.5, 7.5, 6.93), SIMD3(7.5, 7.5, 8.07)])
        #expect(Periodicity.of(co) == .molecule)
        #expect(Periodicity.of(Structure(lattice: .cubic(10), species: ["Li"], fractionalPositions: [.zero])) == .molecule)
        // A CO molecule straddling the cell boundary is still a molecule (bonds cross the face, no loop).
        let split = Structure(lattice: .cubic(15), species: ["C", "O"], cartesianPositions: [SIMD3(7.5, 7.5, 14.6), SIMD3(7.5, 7.5, 0.74)])
        #expect(Periodicity.of(split) == .molecule)
        // A chain of Cu along a with 15 Å vacuum along b and c: a wire.
        let wire = Structure(lattice: Lattice.orthorhombic(2.55, 15, 15), species: ["Cu"], fractionalPositions: [.zero])
        #expect(Periodicity.of(wire) == .wire(axis: 0))
        // A slab whose cell is so thin along c that it touches its image: bulk.
        #expect(Periodicity.of(Self.cuSlab(height: 8.3)) == .bulk)
    }

    /// pymatgen 2026.10 `Kpoints.automatic_density(structure, kppa).kpts[0]`, computed once in a venv
    /// (pip install pymatgen) on these cells: the reference values, not Cascade's output.
    @Test func densityMatchesPymatgenAutomaticDensity() {
        let primitive = Lattice(a: SIMD3(0, 1.805, 1.805), b: SIMD3(1.805, 0, 1.805), c: SIMD3(1.805, 1.805, 0))
        let slab = Self.cuSlab()
        let ortho = Lattice.orthorhombic(3.0, 4.5, 7.0)
        let cases: [(Lattice, Int, Double, SIMD3<Int>)] = [
            (primitive, 1, 64, SIMD3(4, 4, 4)), (primitive, 1, 500, SIMD3(7, 7, 7)),
            (primitive, 1, 1000, SIMD3(10, 10, 10)), (primitive, 1, 3000, SIMD3(14, 14, 14)),
            (slab.lattice, 36, 64, SIMD3(1, 1, 1)), (slab.lattice, 36, 500, SIMD3(3, 3, 1)),
            (slab.lattice, 36, 1000, SIMD3(4, 4, 1)), (slab.lattice, 36, 3000, SIMD3(6, 6, 1)),
            (slab.lattice, 38, 1000, SIMD3(4, 4, 1)),
            (ortho, 2, 64, SIMD3(4, 3, 2)), (ortho, 2, 500, SIMD3(9, 6, 4)),
            (ortho, 2, 1000, SIMD3(12, 8, 5)), (ortho, 2, 3000, SIMD3(17, 11, 7))
        ]
        for (lattice, atoms, kppa, expected) in cases {
            #expect(KpointDensity.perReciprocalAtom(kppa, lattice: lattice, atoms: atoms) == expected, "\(kppa) on \(lattice.lengths)")
        }
    }

    /// VASP's KSPACING and Auto rules, by hand: the 3×3 Cu(111) cell has |b₁| = |b₂| = 1/(7.658 · sin 60°)
    /// = 0.15079 Å⁻¹, |b₃| = 1/25; KSPACING 0.25 → ⌈0.15079 · 2π / 0.25⌉ = ⌈3.79⌉ = 4 and ⌈1.005⌉ = 2.
    @Test func spacingAndLengthRules() {
        let slab = Self.cuSlab()
        #expect(KpointDensity.spacing(0.25, lattice: slab.lattice) == SIMD3(4, 4, 2))
        #expect(KpointDensity.spacing(0.3, lattice: slab.lattice) == SIMD3(4, 4, 1))
        // Auto, Rk = 30 Å: ⌊30 · 0.15079 + 0.5⌋ = 5, ⌊30/25 + 0.5⌋ = 1.
        #expect(KpointDensity.length(30, lattice: slab.lattice) == SIMD3(5, 5, 1))
        #expect(KpointDensity.length(30, lattice: .cubic(15)) == SIMD3(2, 2, 2))
    }

    /// `--vacuum` on a slab: only the normal changes; in-plane vectors and fractions stay, atoms centred.
    @Test func slabReboxChangesTheNormalOnly() throws {
        let slab = Self.cuSlab(height: 12)
        let boxed = try #require(MoleculeBox.reboxedSlabs([slab], normal: 2, vacuum: 15).first)
        #expect(boxed.lattice.a == slab.lattice.a && boxed.lattice.b == slab.lattice.b)
        let thickness = 3 * 3.61 / 3.0.squareRoot()
        #expect(abs(boxed.lattice.c.z - (thickness + 15)) < 1e-9)
        #expect(abs(MoleculeBox.vacuumWidths(of: boxed).z - 15) < 1e-9)
        for (f, g) in zip(slab.fractionalPositions, boxed.fractionalPositions) {
            #expect(f.x == g.x && f.y == g.y)
        }
        let z = boxed.cartesianPositions.map(\.z)
        #expect(abs((z.min() ?? 0) - 7.5) < 1e-9)
        // Interlayer spacings are kept.
        #expect(abs(boxed.cartesianPositions[9].z - boxed.cartesianPositions[0].z - 3.61 / 3.0.squareRoot()) < 1e-9)
        #expect(Periodicity.of(boxed) == .slab(normal: 2))
    }
}
