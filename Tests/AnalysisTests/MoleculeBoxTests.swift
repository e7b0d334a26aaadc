import Analysis
import Chemistry
import Testing

@Suite struct MoleculeBoxTests {
    /// A bent triatomic (extent 2 × 1 × 0 Å) in an orthorhombic 12 × 14 × 16 Å box.
    static let molecule = Structure(
        lattice: .orthorhombic(12, 14, 16), species: ["O", "H", "H"],
        cartesianPositions: [SIMD3(6, 7, 8), SIMD3(7, 7.5, 8), SIMD3(5, 7.5, 8)])

    @Test func vacuumIsTheBoxMinusTheExtent() {
        let v = MoleculeBox.vacuumWidths(of: Self.molecule)
        #expect(abs(v.x - 10) < 1e-9)
        #expect(abs(v.y - 13.5) < 1e-9)
        #expect(abs(v.z - 16) < 1e-9)
    }

    /// A molecule straddling the cell face has the same vacuum and is made whole.
    @Test func moleculesAcrossTheBoundary() {
        let shifted = Structure(
            lattice: Self.molecule.lattice, species: Self.molecule.species,
            cartesianPositions: Self.molecule.cartesianPositions.map { r in
                let x = r.x + 5.5
                return SIMD3(x >= 12 ? x - 12 : x, r.y, r.z)
            })
        #expect(shifted.cartesianPositions[1].x < 1)  // H1 wrapped to the other side
        let v = MoleculeBox.vacuumWidths(of: shifted)
        #expect(abs(v.x - 10) < 1e-9)
        let whole = MoleculeBox.unwrappedCartesian(shifted)
        #expect(abs((whole[1] - whole[0]).length - Self.molecule.distance(0, 1)) < 1e-9)
        #expect(abs(whole[1].x - whole[2].x) - 2 < 1e-9)
    }

    /// In a skewed cell the vacuum is measured perpendicular to the planes (plane spacing × gap).
    @Test func skewedCells() throws {
        let lattice = try #require(Lattice(lengths: SIMD3(12, 12, 12), angles: SIMD3(90, 90, 60)))
        let s = Structure(lattice: lattice, species: ["C", "C"], cartesianPositions: [SIMD3(3, 3, 6), SIMD3(4, 3, 6)])
        let v = MoleculeBox.vacuumWidths(of: s)
        // Along a: the planes (b, c) are 12·sin 60° apart; the two atoms span 1 Å along x, i.e.
        // 1/(12) of a in fractional a once b's x-component is accounted for.
        let spacing = lattice.planeSpacings
        let fa = s.fractionalPositions.map(\.x)
        #expect(abs(v.x - (1 - abs(fa[1] - fa[0])) * spacing.x) < 1e-9)
        #expect(abs(v.z - 12) < 1e-9)
    }

    @Test func reboxingGivesTheRequestedVacuumAndKeepsGeometry() {
        let boxed = MoleculeBox.reboxed([Self.molecule], vacuum: 15)[0]
        let v = MoleculeBox.vacuumWidths(of: boxed)
        for axis in 0..<3 { #expect(abs(v[axis] - 15) < 1e-9) }
        #expect(abs(boxed.lattice.lengths.x - 17) < 1e-9)
        #expect(abs(boxed.lattice.lengths.y - 15.5) < 1e-9)
        #expect(abs(boxed.distance(1, 2) - 2) < 1e-12)
        // Centred: the bounding box centre is the cell centre.
        let r = boxed.cartesianPositions
        #expect(abs((r[1].x + r[2].x) / 2 - 8.5) < 1e-9)
    }

    /// Two states of the same atoms share one box and one frame.
    @Test func jointReboxing() {
        var moved = Self.molecule
        moved.fractionalPositions[1] += SIMD3(0.25, 0, 0)  // H1 moves 3 Å along x
        let boxed = MoleculeBox.reboxed([Self.molecule, moved], vacuum: 10)
        #expect(boxed[0].lattice == boxed[1].lattice)
        #expect(abs(boxed[0].lattice.lengths.x - 15) < 1e-9)  // extent 5 Å over both states
        let a = boxed[0].cartesianPositions
        let b = boxed[1].cartesianPositions
        #expect((a[0] - b[0]).length < 1e-12)
        #expect(abs((b[1] - a[1]).x - 3) < 1e-9)
        #expect(abs(MoleculeBox.vacuumWidths(of: boxed[1]).x - 10) < 1e-9)
    }

    @Test func centreOfMass() {
        let c = MoleculeBox.centreOfMass(Self.molecule)
        let mO = 15.9994
        let mH = 1.00794
        #expect(abs(c.y - (7 * mO + 2 * 7.5 * mH) / (mO + 2 * mH)) < 1e-9)
        #expect(abs(c.x - 6) < 1e-9)
    }
}
