import Foundation
import Testing

@testable import Chemistry

@Suite struct StructureTests {
    let lattice = Lattice(lengths: SIMD3(5, 6, 7), angles: SIMD3(80, 95, 110))!

    @Test func cartesianPositionsFollowLattice() {
        let s = Structure(
            lattice: lattice, species: ["Fe", "O"],
            fractionalPositions: [SIMD3(0, 0, 0), SIMD3(0.5, 0.25, 0.1)])
        let expected = 0.5 * lattice.a + 0.25 * lattice.b + 0.1 * lattice.c
        #expect(s.count == 2)
        #expect(isClose(s.cartesianPositions[0], .zero))
        #expect(isClose(s.cartesianPositions[1], expected))
    }

    @Test func cartesianInitializerRoundTrips() {
        let cartesian: [SIMD3<Double>] = [SIMD3(1, 2, 3), SIMD3(-0.5, 4, 6.5), SIMD3(9, -1, 0.2)]
        let s = Structure(lattice: lattice, species: ["C", "H", "H"], cartesianPositions: cartesian)
        for (got, want) in zip(s.cartesianPositions, cartesian) {
            #expect(isClose(got, want, tolerance: 1e-12))
        }
    }

    @Test func distanceUsesMinimumImage() {
        let s = Structure(
            lattice: .cubic(10), species: ["O", "H"],
            fractionalPositions: [SIMD3(0.02, 0.5, 0.5), SIMD3(0.97, 0.5, 0.5)])
        #expect(isClose(s.distance(0, 1), 0.5))
        #expect(isClose(s.distance(1, 0), 0.5))
        #expect(s.distance(0, 0) == 0)
    }

    @Test func formulaKeepsFirstAppearanceOrder() {
        let s = Structure(
            lattice: .cubic(5), species: ["Li", "O", "O", "Li", "F"],
            fractionalPositions: Array(repeating: .zero, count: 5))
        #expect(s.formula == "Li2O2F")
        let si = Structure(lattice: .cubic(5), species: ["Si", "Si"], fractionalPositions: [.zero, SIMD3(0.25, 0.25, 0.25)])
        #expect(si.formula == "Si2")
    }

    @Test func elementsParseSpecies() {
        let s = Structure(
            lattice: .cubic(5), species: ["Fe_pv", "X", "O", "Fe_pv"],
            fractionalPositions: Array(repeating: .zero, count: 4))
        let e = s.elements
        #expect(e.map { $0?.atomicNumber } == [26, nil, 8, 26])
    }

    @Test func codableRoundTrip() throws {
        let s = Structure(
            lattice: lattice, species: ["Co", "N"],
            fractionalPositions: [SIMD3(0.1, 0.2, 0.3), SIMD3(0.4, 0.5, 0.6)],
            selectiveDynamics: [.fixed, MovableAxes(true, false, true)], charge: -1)
        let data = try JSONEncoder().encode(s)
        let back = try JSONDecoder().decode(Structure.self, from: data)
        #expect(back == s)
        #expect(back.selectiveDynamics?[1] == MovableAxes(true, false, true))
        #expect(back.charge == -1)
    }
}
