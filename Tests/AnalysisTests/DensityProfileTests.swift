import Chemistry
import Foundation
import TestSupport
import Testing
import VASP

@testable import Analysis

@Suite struct DensityProfileTests {
    /// A slab-like frame: Li at heights 1, 2 Å; S at 5.2 Å and 7.7 Å in a 10 Å cell (orthorhombic 4 × 4 × 10).
    static func slab(shift: Double = 0) throws -> Trajectory {
        let lattice = Lattice.orthorhombic(4, 4, 10)
        let heights = [1.0, 2.0, 5.2, 7.7].map { ($0 + shift) / 10 }
        let s = Structure(
            lattice: lattice, species: ["Li", "Li", "S", "S"],
            fractionalPositions: heights.map { SIMD3(0.1, 0.2, $0) })
        return try Trajectory(structures: [s])
    }

    @Test func countsAndDensityInTheCellFrame() throws {
        let p = try densityProfile(try Self.slab(), group: .species(["S"]), axis: 2, bins: 10)
        #expect(p.count == [0, 0, 0, 0, 0, 1, 0, 1, 0, 0])
        #expect(p.position.first == 0.5)
        #expect(p.binWidth == 1)
        // One atom in a slab of 4 × 4 × 1 Å³.
        #expect(p.numberDensity[5] == 1.0 / 16)
        #expect(p.cumulativeCount.last == 2)
        #expect(p.groupCount == 2)
    }

    @Test func heightsFromTheTopOfAReferenceLayer() throws {
        // Shifted by 9 Å: the Li layer wraps through the cell boundary (10 and 11 Å → 0 and 1 Å).
        let t = try Self.slab(shift: 9)
        let p = try densityProfile(t, group: .species(["S"]), axis: 2, bins: 10, origin: .top(.species(["Li"])))
        // S sit 3.2 and 5.7 Å above the top Li atom; heights span [−5, 5), so 5.7 wraps to −4.3.
        #expect(p.position.first == -4.5)
        #expect(p.count == [1, 0, 0, 0, 0, 0, 0, 0, 1, 0])
        let mean = try densityProfile(t, group: .species(["S"]), axis: 2, bins: 20, origin: .mean(.species(["Li"])))
        // Mean Li height 1.5 Å (unshifted): S at +3.7 and +6.2 → wrapped to −3.8 Å.
        let occupied = mean.count.indices.filter { mean.count[$0] > 0 }.map { mean.position[$0] }
        #expect(occupied.count == 2)
        #expect(abs(occupied[0] - -3.75) < 1e-12 && abs(occupied[1] - 3.75) < 1e-12)
    }

    @Test func corpusTrajectoryKeepsEveryAtom() throws {
        guard Corpus.available else { return }
        let t = try Xdatcar.read(path: Corpus.path("xdatcar/pymatgen/XDATCAR.MD")).trajectory
        let p = try densityProfile(t, group: .species(["Fe"]), axis: 2, bins: 10)
        #expect(abs(p.count.reduce(0, +) - 32) < 1e-12)
        #expect(abs(p.planeSpacing - 9.39) < 1e-12)
        #expect(p.frames == [0, 1, 2, 3, 4])
        let density = p.numberDensity.reduce(0, +) * (9.39 * 9.39 * 0.939)
        #expect(abs(density - 32) < 1e-9)
    }

    @Test func errors() throws {
        let t = try Self.slab()
        #expect(throws: TrajectoryAnalysisError.self) { try densityProfile(t, group: .species(["S"]), axis: 3, bins: 10) }
        #expect(throws: TrajectoryAnalysisError.self) { try densityProfile(t, group: .species(["S"]), axis: 2, bins: 0) }
        #expect(throws: TrajectoryAnalysisError.emptySelection(role: "reference", selection: "Cu", available: ["Li", "S"])) {
            try densityProfile(t, group: .species(["S"]), axis: 2, bins: 10, origin: .top(.species(["Cu"])))
        }
    }
}
