import Chemistry
import Foundation
import TestSupport
import Testing
import VASP

@testable import Analysis

@Suite struct RadialDistributionTests {
    /// Fe–O in molten Fe2O3 (corpus XDATCAR.MD, 5 frames): ASE's get_rdf, rmax 4.5 Å, 90 bins, averaged
    /// over all frames and for frame 0 alone.
    @Test func agreesWithASE() throws {
        guard Corpus.available else { return }
        let ref = try Corpus.reference("xdatcar/pymatgen/XDATCAR.MD.json")
        let rdfRef = try #require(ref["rdf"] as? [String: Any])
        let t = try Xdatcar.read(path: Corpus.path("xdatcar/pymatgen/XDATCAR.MD")).trajectory
        let rdf = try radialDistribution(t, centers: .species(["Fe"]), neighbors: .species(["O"]), rMax: 4.5, bins: 90)
        let r = try #require(rdfRef["r_A"] as? [Double])
        let g = try #require(rdfRef["g_avg"] as? [Double])
        #expect(rdf.r.count == 90)
        #expect(zip(rdf.r, r).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(zip(rdf.g, g).allSatisfy { abs($0 - $1) <= 1e-9 * max(1, abs($1)) })
        let first = try radialDistribution(
            t, centers: .species(["Fe"]), neighbors: .species(["O"]), rMax: 4.5, bins: 90, frames: FrameSelection(start: 0, end: 1))
        let g0 = try #require(rdfRef["g_frame0"] as? [Double])
        #expect(zip(first.g, g0).allSatisfy { abs($0 - $1) <= 1e-9 * max(1, abs($1)) })
        #expect(first.frames == [0])
        // The peak the CLI's help quotes.
        let peak = try #require(rdf.g.indices.max { rdf.g[$0] < rdf.g[$1] })
        #expect(abs(rdf.r[peak] - 1.825) < 1e-12)
        #expect(abs(rdf.g[peak] - 4.5845086114989035) < 1e-9)
    }

    /// n(r) is the integral of g: n(r_k) = ρ_B Σ g·ΔV, and counts every neighbour once within rMax.
    @Test func coordinationNumberIsTheIntegralOfG() throws {
        guard Corpus.available else { return }
        let t = try Xdatcar.read(path: Corpus.path("xdatcar/pymatgen/XDATCAR.MD")).trajectory
        let rdf = try radialDistribution(t, centers: .species(["Fe"]), neighbors: .species(["O"]), rMax: 4.5, bins: 90)
        var integral = 0.0
        for k in rdf.g.indices {
            let lo = Double(k) * rdf.binWidth
            let hi = lo + rdf.binWidth
            integral += rdf.meanNeighborDensity * rdf.g[k] * 4 / 3 * Double.pi * (hi * hi * hi - lo * lo * lo)
            #expect(abs(integral - rdf.coordination[k]) < 1e-9)
        }
        // Fe in molten Fe2O3: about 4 O within the first minimum (2.3 Å).
        let firstShell = try #require(rdf.upperEdge.firstIndex { $0 >= 2.3 - 1e-9 })
        #expect(rdf.coordination[firstShell] > 3 && rdf.coordination[firstShell] < 6)
    }

    /// A simple-cubic crystal of edge 2 Å with rmax 4.5 Å (cell much thinner than 2·rmax): the counts are
    /// the shells of the cubic lattice, 6 at 2 Å, 12 at 2.83 Å, 8 at 3.46 Å, 6 at 4 Å, 24 at 4.47 Å.
    @Test func smallCellsCountEveryImage() throws {
        let s = Structure(lattice: .cubic(2), species: ["Li"], fractionalPositions: [.zero])
        let t = try Trajectory(structures: [s])
        let rdf = try radialDistribution(t, centers: .species(["Li"]), neighbors: .species(["Li"]), rMax: 4.5, bins: 450)
        // n at the last bin edge not above r (r chosen away from the shells, so no rounding matters).
        func n(at r: Double) -> Double { rdf.coordination[Int((r / rdf.binWidth).rounded(.down)) - 1] }
        #expect(n(at: 1.99) == 0)
        #expect(n(at: 2.015) == 6)
        #expect(n(at: 2.835) == 18)
        #expect(n(at: 3.475) == 26)
        #expect(n(at: 4.015) == 32)
        #expect(rdf.coordination.last == 56)
    }

    @Test func variableCellFramesUseTheirOwnVolume() throws {
        let small = Structure(lattice: .cubic(10), species: ["O", "O"], fractionalPositions: [.zero, SIMD3(0.1, 0, 0)])
        let large = Structure(lattice: .cubic(20), species: ["O", "O"], fractionalPositions: [.zero, SIMD3(0.05, 0, 0)])
        let t = try Trajectory(structures: [small, large])
        #expect(t.hasVariableCell)
        let rdf = try radialDistribution(t, centers: .indices([0]), neighbors: .indices([1]), rMax: 2, bins: 2)
        // Both frames: one pair at 1 Å (bin (0.5, 1]... with ceil, d = 1 is in bin 1 of width 1).
        #expect(rdf.coordination == [1, 1])
        let shell = 4.0 / 3 * Double.pi
        #expect(abs(rdf.g[0] - 0.5 * (1 / (1 / 1000.0 * shell) + 1 / (1 / 8000.0 * shell))) < 1e-9)
    }

    @Test func errorsNameTheProblem() throws {
        let s = Structure(lattice: .cubic(5), species: ["Li", "O"], fractionalPositions: [.zero, SIMD3(0.5, 0.5, 0.5)])
        let t = try Trajectory(structures: [s])
        #expect(throws: TrajectoryAnalysisError.emptySelection(role: "neighbour", selection: "F", available: ["Li", "O"])) {
            try radialDistribution(t, centers: .species(["Li"]), neighbors: .species(["F"]), rMax: 2, bins: 10)
        }
        #expect(throws: TrajectoryAnalysisError.atomOutOfRange(index: 7, atomCount: 2)) {
            try radialDistribution(t, centers: .indices([7]), neighbors: .species(["O"]), rMax: 2, bins: 10)
        }
        #expect(throws: TrajectoryAnalysisError.noFrames(selection: "5::1", frameCount: 1)) {
            try radialDistribution(t, centers: .species(["Li"]), neighbors: .species(["O"]), rMax: 2, bins: 10, frames: FrameSelection(start: 5))
        }
        #expect(throws: TrajectoryAnalysisError.self) {
            try radialDistribution(t, centers: .species(["Li"]), neighbors: .species(["O"]), rMax: 0, bins: 10)
        }
        #expect(
            TrajectoryAnalysisError.emptySelection(role: "neighbour", selection: "F", available: ["Li", "O"]).description
                == "the neighbour selection 'F' matches no atom (species present: Li, O)")
    }

    @Test func atomSelectionParsing() {
        #expect(AtomSelection(parsing: "Li") == .species(["Li"]))
        #expect(AtomSelection(parsing: "O, F") == .species(["O", "F"]))
        #expect(AtomSelection(parsing: "1-3,7") == .indices([0, 1, 2, 6]))
        #expect(AtomSelection(parsing: "3-1") == nil)
        #expect(AtomSelection(parsing: "0") == nil)
        #expect(AtomSelection(parsing: "") == nil)
        #expect(AtomSelection.indices([0, 1, 2, 6]).description == "atoms 1-3,7")
        #expect(AtomSelection.species(["O", "F"]).indices(in: ["Li", "F", "O", "Li"]) == [1, 2])
    }
}
