import Testing

@testable import Chemistry

@Suite struct BondsTests {
    let test = NeighborsTests()

    @Test func waterHasTwoOHBonds() {
        let w = test.water(at: SIMD3(5, 5, 5))
        let bonds = w.bonds()
        #expect(bonds.count == 2)
        #expect(bonds.map(\.i) == [0, 0])
        #expect(bonds.map(\.j) == [1, 2])
        #expect(bonds.allSatisfy { isClose($0.length, NeighborsTests.oh, tolerance: 1e-9) && $0.image == .zero })
    }

    @Test func scaleControlsTheCriterion() {
        let w = test.water(at: SIMD3(5, 5, 5))
        // r(O) + r(H) = 0.97 Å; O–H = 0.957 Å; H···H = 1.514 Å, 2 r(H) = 0.62 Å.
        #expect(w.bonds(scale: 1.0).count == 2)
        #expect(w.bonds(scale: 0.98).count == 0)
        #expect(w.bonds(scale: 2.5).count == 3)
        #expect(w.bonds(scale: 0).isEmpty)
        #expect(w.bonds(scale: -1).isEmpty)
        #expect(w.bonds(scale: .nan).isEmpty)
    }

    @Test func moleculeStraddlingTheCellEdgeBondsAcrossTheBoundary() {
        for origin in [SIMD3(0.2, 9.8, 5.0), SIMD3(9.9, 0.1, 9.95)] {
            let w = test.water(at: origin)
            let bonds = w.bonds()
            #expect(bonds.count == 2)
            #expect(bonds.allSatisfy { isClose($0.length, NeighborsTests.oh, tolerance: 1e-9) })
            #expect(bonds.contains { $0.image != .zero })
            // The image reproduces the bond vector.
            for b in bonds {
                let image = SIMD3(Double(b.image.x), Double(b.image.y), Double(b.image.z))
                let v = w.lattice.cartesian(w.fractionalPositions[b.j] + image - w.fractionalPositions[b.i])
                #expect(isClose(v.length, b.length, tolerance: 1e-9))
            }
        }
    }

    @Test func straddlingInASkewedCell() {
        let lattice = Lattice(lengths: SIMD3(9, 10, 11), angles: SIMD3(75, 105, 118))!
        let w = test.water(at: lattice.cartesian(SIMD3(0.995, 0.002, 0.999)), lattice: lattice)
        #expect(w.bonds().count == 2)
        #expect(w.bonds().allSatisfy { isClose($0.length, NeighborsTests.oh, tolerance: 1e-9) })
        #expect(isClose(w.angle(1, 0, 2), NeighborsTests.hoh, tolerance: 1e-9))
    }

    @Test func unknownSpeciesAreSkipped() {
        let s = Structure(
            lattice: .cubic(10), species: ["O", "X", "H", "Dummy"],
            cartesianPositions: [SIMD3(5, 5, 5), SIMD3(5.5, 5, 5), SIMD3(5, 5.95, 5), SIMD3(5, 5, 5.6)])
        let bonds = s.bonds()
        #expect(bonds.count == 1)
        #expect(bonds.first?.i == 0 && bonds.first?.j == 2)
        let nothing = Structure(lattice: .cubic(3), species: ["X", "X"], cartesianPositions: [.zero, SIMD3(0.5, 0, 0)])
        #expect(nothing.bonds().isEmpty)
    }

    @Test func smallMetalCellBondsToItsOwnImages() {
        // bcc Fe, a = 2.866 Å: 8 neighbours at a√3/2 = 2.482 and 6 at a = 2.866, both within
        // 1.2 × 2 × 1.52 = 3.648 Å; the next shell (a√2 = 4.05 Å) is not.
        let a = 2.866
        let fe = Structure(lattice: .cubic(a), species: ["Fe", "Fe"], fractionalPositions: [.zero, SIMD3(0.5, 0.5, 0.5)])
        let bonds = fe.bonds()
        #expect(bonds.filter { $0.i == 0 && $0.j == 1 }.count == 8)
        #expect(bonds.filter { $0.i == $0.j }.count == 6)
        #expect(bonds.count == 14)
        #expect(bonds.filter { $0.i != $0.j }.allSatisfy { isClose($0.length, a * 3.0.squareRoot() / 2) })
        #expect(bonds.filter { $0.i == $0.j }.allSatisfy { isClose($0.length, a) })
    }
}
