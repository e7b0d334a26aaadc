import Analysis
import Chemistry
import Foundation
import Testing
import VASP

/// Eigenvalues from `[spin][kpoint][band]` nested arrays of (energy, occupation).
func bandEigenvalues(_ levels: [[[(Double, Double)]]]) -> BandEigenvalues {
    let shape = [levels.count, levels[0].count, levels[0][0].count]
    let flat = levels.flatMap { $0.flatMap { $0 } }
    return BandEigenvalues(
        energies: ShapedArray(shape: shape, values: ContiguousArray(flat.map(\.0)))!,
        occupations: ShapedArray(shape: shape, values: ContiguousArray(flat.map(\.1)))!)
}

@Suite struct BandEdgesTests {
    /// The Γ-only H₂O fixture of the VASP tests (tools/make_vasprun_fixtures.py).
    static let moleculePath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("VASPTests/Fixtures/vasprun/h2o_gamma.xml").path

    @Test func homoLumoOfAGammaOnlyMolecule() throws {
        let run = try Vasprun.read(path: Self.moleculePath)
        let eigenvalues = try #require(run.eigenvalues)
        #expect(eigenvalues.kpointCount == 1)
        let levels = try #require(homoLumo(eigenvalues))
        #expect(levels.homo == -7.2345)
        #expect(levels.lumo == -0.9876)
        #expect(levels.gap == -0.9876 - -7.2345)
        #expect(abs(levels.gap - 6.2469) < 1e-12)
        let edges = try #require(bandEdges(eigenvalues))
        #expect(edges.isDirect)
        #expect(edges.vbmKpoint == 0 && edges.cbmKpoint == 0)
        #expect(edges.gap == levels.gap)
    }

    @Test func directGap() throws {
        let e = bandEigenvalues([
            [
                [(-3, 1), (-1, 1), (2, 0)],
                [(-2.5, 1), (-0.5, 1), (1.5, 0)]
            ]
        ])
        let edges = try #require(bandEdges(e))
        #expect(edges.vbm == -0.5)
        #expect(edges.cbm == 1.5)
        #expect(edges.gap == 2)
        #expect(edges.isDirect)
        #expect(edges.vbmKpoint == 1 && edges.cbmKpoint == 1)
        #expect(homoLumo(e) == nil)  // two k-points: not a molecule
    }

    @Test func indirectGap() throws {
        let e = bandEigenvalues([
            [
                [(-3, 1), (-0.25, 1), (2, 0)],
                [(-2.5, 1), (-0.5, 1), (1.25, 0)],
                [(-2.75, 1), (-0.75, 1), (1.75, 0)]
            ]
        ])
        let edges = try #require(bandEdges(e))
        #expect(edges.vbm == -0.25)
        #expect(edges.cbm == 1.25)
        #expect(edges.gap == 1.5)
        #expect(!edges.isDirect)
        #expect(edges.vbmKpoint == 0)
        #expect(edges.cbmKpoint == 1)
    }

    /// Occupied means occupation > 1e-8 (pymatgen's occu_tol): exactly 1e-8 is empty.
    @Test func occupationTolerance() throws {
        let e = bandEigenvalues([[[(-1, 1), (0.5, 1e-8), (0.75, 2e-8), (3, 0)]]])
        let edges = try #require(bandEdges(e))
        #expect(edges.vbm == 0.75)
        #expect(edges.cbm == 0.5)
        #expect(edges.gap == 0)
        let loose = try #require(bandEdges(e, occupationTolerance: 0.5))
        #expect(loose.vbm == -1)
        #expect(loose.cbm == 0.5)
        #expect(loose.gap == 1.5)
        let strict = try #require(bandEdges(bandEigenvalues([[[(-1, 1), (0.5, 1e-9), (3, 0)]]])))
        #expect(strict.vbm == -1)
        #expect(strict.cbm == 0.5)
    }

    /// A metal: an empty state below an occupied one; the gap is clamped at 0.
    @Test func metalHasZeroGap() throws {
        let e = bandEigenvalues([
            [
                [(-2, 1), (0.3, 0.6), (1.0, 0)],
                [(-1, 1), (0.1, 0.0), (2.0, 0)]
            ]
        ])
        let edges = try #require(bandEdges(e))
        #expect(edges.vbm == 0.3)
        #expect(edges.cbm == 0.1)
        #expect(edges.gap == 0)
        #expect(!edges.isDirect)
    }

    /// Both spin channels count: VBM in one, CBM in the other.
    @Test func spinChannelsAreCombined() throws {
        let e = bandEigenvalues([
            [[(-1, 1), (0.5, 1), (2, 0)]],
            [[(-1.5, 1), (0, 1), (1.25, 0)]]
        ])
        let edges = try #require(bandEdges(e))
        #expect(edges.vbm == 0.5)
        #expect(edges.cbm == 1.25)
        #expect(edges.gap == 0.75)
        #expect(edges.isDirect)  // same k-point index in both channels
    }

    @Test func noEdgeWithoutOccupiedOrEmptyStates() {
        #expect(bandEdges(bandEigenvalues([[[(-1, 1), (0, 1)]]])) == nil)
        #expect(bandEdges(bandEigenvalues([[[(-1, 0), (0, 0)]]])) == nil)
        #expect(homoLumo(bandEigenvalues([[[(-1, 1), (0, 1)]]])) == nil)
    }
}

/// Metals (E_F inside a band) and per-spin edges on hand-made eigenvalues.
@Suite struct MetalAndSpinEdgesTests {
    /// Two k-points, two bands per spin; `energies`/`occupations` in [spin][k][band] order.
    func eigen(spins: Int, _ e: [Double], _ o: [Double]) -> BandEigenvalues {
        BandEigenvalues(
            energies: ShapedArray(shape: [spins, 2, 2], values: ContiguousArray(e))!,
            occupations: ShapedArray(shape: [spins, 2, 2], values: ContiguousArray(o))!)
    }

    @Test func bandCrossingTheFermiLevelIsAMetal() {
        // Band 0 runs from −1 to +1 eV across the k-points with E_F = 0: a half-filled band.
        let e = eigen(spins: 1, [-1, 3, 1, 4], [2, 0, 0, 0])
        #expect(isMetal(e, efermi: 0))
        // The occupation rule alone calls it gapped (VBM −1, CBM 1): what pymatgen's get_band_gap avoids.
        #expect(bandEdges(e)?.gap == 2)
        let insulator = eigen(spins: 1, [-1, 3, -0.5, 4], [2, 0, 2, 0])
        #expect(!isMetal(insulator, efermi: 0))
    }

    @Test func partialOccupationAtOneKpointIsNotACrossing() {
        // A partly filled degenerate level (vasprun.nonlm.xml.gz has one): pymatgen's is_metal says no.
        let e = eigen(spins: 1, [-1, 0.01, -1, 0.011], [2, 1, 2, 0.9])
        #expect(!isMetal(e, efermi: 0.005))
    }

    @Test func perSpinEdgesUseOnlyTheirChannel() {
        // Up: occupied to −1, empty from 2. Down: occupied to 0.5, empty from 1.
        let e = eigen(spins: 2, [-3, 2, -1, 2.5, -2, 1, 0.5, 1.5], [1, 0, 1, 0, 1, 0, 1, 0])
        #expect(bandEdges(e, spin: 0)?.gap == 3)
        #expect(bandEdges(e, spin: 1)?.gap == 0.5)
        #expect(bandEdges(e)?.gap == 0.5)
        #expect(spinReference(e, spin: 0) == 0.5)
        #expect(spinReference(e, spin: 1) == 0.75)
        #expect(bandEdges(e, spin: -1) == nil)
    }
}
