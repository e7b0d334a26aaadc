import Analysis
import Chemistry
import TestSupport
import Testing
import VASP

/// Bond tables between states (seed Table S1 shape) and along a band.
@Suite struct BondAnalysisTests {
    /// A CF₃ group and a Li atom in a 12 Å box; `stretch` lengthens the three C–F bonds to the seed's
    /// "after" values, `split` moves F3 next to Li (a C–F bond breaks, a Li–F bond forms).
    static func state(after: Bool, split: Bool = false) -> Structure {
        let lengths = after ? [1.363, 1.351, 1.350] : [1.343, 1.344, 1.346]
        let directions: [SIMD3<Double>] = [
            SIMD3(1, 0, 0), SIMD3(-0.5, 0.8660254037844386, 0), SIMD3(-0.5, -0.8660254037844386, 0)
        ]
        var positions = [SIMD3<Double>(6, 6, 6)]
        for (d, l) in zip(directions, lengths) { positions.append(SIMD3(6, 6, 6) + l * d) }
        positions.append(SIMD3(6, 6, 9.5))
        if split { positions[3] = SIMD3(6, 6, 9.5 - 1.6) }
        return Structure(lattice: .cubic(12), species: ["C", "F", "F", "F", "Li"], cartesianPositions: positions)
    }

    @Test func tableS1Shape() throws {
        let traces = try bondTable([Self.state(after: false), Self.state(after: true)])
        #expect(traces.map(\.label) == ["C1–F2", "C1–F3", "C1–F4"])
        let before = traces.map { ($0.lengths[0] * 1000).rounded() / 1000 }
        let after = traces.map { ($0.lengths[1] * 1000).rounded() / 1000 }
        #expect(before == [1.343, 1.344, 1.346])
        #expect(after == [1.363, 1.351, 1.350])
        #expect(traces.allSatisfy { !$0.broken && !$0.formed })
        #expect(abs(traces[0].change - 0.020) < 1e-12)
    }

    @Test func brokenAndFormedBondsAreFlagged() throws {
        let traces = try bondTable([Self.state(after: false), Self.state(after: true, split: true)])
        let changed = changedBonds(traces)
        #expect(changed.map(\.label) == ["C1–F4", "F4–Li5"])
        #expect(changed[0].broken && !changed[0].formed)
        #expect(changed[1].formed && !changed[1].broken)
    }

    @Test func chosenPairsAndErrors() throws {
        let traces = try bondTable([Self.state(after: false), Self.state(after: true)], pairs: [(1, 0)])
        #expect(traces.count == 1 && traces[0].i == 0 && traces[0].j == 1)
        #expect(throws: BondTableError.badPair(0, 9, atomCount: 5)) {
            try bondTable([Self.state(after: false)], pairs: [(0, 9)])
        }
        let three = Structure(lattice: .cubic(10), species: ["H"], cartesianPositions: [.zero])
        #expect(throws: BondTableError.atomCountsDiffer([5, 1])) { try bondTable([Self.state(after: false), three]) }
    }

    /// Minimum image: a bond across the cell face is found with its short length.
    @Test func bondsAcrossTheCellEdge() throws {
        let a = Structure(lattice: .cubic(5), species: ["H", "H"], cartesianPositions: [SIMD3(0.2, 1, 1), SIMD3(4.6, 1, 1)])
        let traces = try bondTable([a, a])
        #expect(traces.count == 1)
        #expect(abs(traces[0].lengths[0] - 0.6) < 1e-12)
    }

    /// Along the NH3 inversion band (POSCARs 00 and 04 of aiida-vasp): the three N–H bonds persist.
    @Test func alongTheNH3Band() throws {
        guard Corpus.available else { return }
        let states = try ["00", "04"].map { try Poscar.read(path: Corpus.path("neb/aiida-vasp_NH3_inversion/\($0)/POSCAR")).structure }
        let traces = try bondTable(states)
        #expect(traces.count == 3)
        #expect(traces.allSatisfy { $0.label.hasPrefix("H") && $0.label.contains("N4") && $0.bonded == [true, true] })
    }
}
