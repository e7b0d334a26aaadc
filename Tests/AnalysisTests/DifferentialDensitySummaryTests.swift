import Chemistry
import Foundation
import TestSupport
import Testing
import VASP

@testable import Analysis

@Suite struct DifferentialDensitySummaryTests {
    /// Whole = parts + a dipole along a: +0.5 e in plane 1, −0.5 e in plane 3 (4 planes, cube of 4 Å).
    @Test func dipoleAlongEachAxis() throws {
        for axis in 0..<3 {
            func plane(_ i: Int, _ j: Int, _ k: Int) -> Int { [i, j, k][axis] }
            let d = SIMD3(axis == 0 ? 4 : 2, axis == 1 ? 4 : 2, axis == 2 ? 4 : 2)
            let a = volumetricTestGrid(d) { _, _, _ in 3 }
            let b = volumetricTestGrid(d) { _, _, _ in 1 }
            let whole = volumetricTestGrid(d) { i, j, k in 4 + [0, 2, 0, -2][plane(i, j, k)] }
            let (diff, s) = try differentialDensityAnalysis(whole: whole, parts: [a, b], wholeLabel: "ab", partLabels: ["a", "b"], axis: axis)
            #expect(diff.dimensions == d && s.dimensions == d && s.axis == axis && s.volume == 64)
            #expect(s.electronsWhole == 4 && s.electronsParts == [3, 1] && s.expectedNetCharge == 0 && abs(s.netCharge) < 1e-15)
            #expect(s.maximum.value == 2.0 / 64 && s.maximum.fractional[axis] == 0.25 && s.maximum.height == 1)
            #expect(s.minimum.value == -2.0 / 64 && s.minimum.fractional[axis] == 0.75 && s.minimum.height == 3)
            #expect(s.profile.cumulativeCharge == [0, 0.5, 0.5, 0])
            #expect(s.displacementMaximum.value == 0.5 && s.displacementMaximum.height == 1 && s.displacementMaximum.fractional[axis] == 0.25)
            #expect(s.displacementMinimum.value == 0 && s.displacementMinimum.height == 0)
        }
    }

    @Test func mismatchesAndAxisAreErrors() {
        let a = volumetricTestGrid(SIMD3(2, 2, 4)) { _, _, _ in 1 }
        let b = volumetricTestGrid(SIMD3(2, 2, 2)) { _, _, _ in 1 }
        let c = volumetricTestGrid(SIMD3(2, 2, 4), edge: 5) { _, _, _ in 1 }
        #expect(throws: VolumetricError.gridMismatch(label: "B", found: SIMD3(2, 2, 2), reference: "AB", expected: SIMD3(2, 2, 4))) {
            try differentialDensityAnalysis(whole: a, parts: [b], wholeLabel: "AB", partLabels: ["B"], axis: 2)
        }
        #expect { try differentialDensityAnalysis(whole: a, parts: [c], wholeLabel: "AB", partLabels: ["C"], axis: 2) } throws: { error in
            "\(error)".contains("the cell of C differs from the cell of AB by up to 1.0 Å")
        }
        #expect(throws: VolumetricError.invalidAxis(3)) {
            try differentialDensityAnalysis(whole: a, parts: [a], wholeLabel: "AB", partLabels: ["A"], axis: 3)
        }
    }

    /// Si CHGCAR − AECCAR0 − AECCAR2 of the corpus (60³): ΔN from the corpus-ref totals, ΔQ(z) from the
    /// corpus-ref planar averages, the Δρ extrema from pymatgen (numpy min/max of the same difference / V).
    @Test func siliconCorpus() throws {
        guard Corpus.available else { return }
        let files = ["CHGCAR.gz", "AECCAR0.gz", "AECCAR2.gz"].map { "volumetric/atomate_Si_static/\($0)" }
        let grids = try files.map { try Volumetric.read(path: Corpus.path($0), maxBlocks: 1).total }
        let (_, s) = try differentialDensityAnalysis(
            whole: grids[0], parts: Array(grids.dropFirst()), wholeLabel: files[0], partLabels: Array(files.dropFirst()), axis: 2)
        let refs = try files.map { try Corpus.reference($0 + ".json") }
        let totals = refs.map { $0["total_sum_over_ngrid"] as? Double ?? .nan }
        #expect(abs(s.netCharge - (totals[0] - totals[1] - totals[2])) < 1e-8)
        let planes = try refs.map { try #require((($0["average_along_axis"] as? [String: [String: Any]])?["2"]?["values"]) as? [Double]) }
        var running = 0.0
        let q = (0..<60).map { k -> Double in
            running += (planes[0][k] - planes[1][k] - planes[2][k]) / 60
            return running
        }
        #expect(zip(q, s.profile.cumulativeCharge).allSatisfy { abs($0 - $1) < 1e-8 })
        #expect(abs(s.displacementMaximum.value - (q.max() ?? .nan)) < 1e-8 && abs(s.displacementMinimum.value - (q.min() ?? .nan)) < 1e-8)
        #expect(abs(s.minimum.value - -12845.830297227216) < 1e-6 && abs(s.maximum.value - 4.208406795139743e-06) < 1e-12)
    }
}
