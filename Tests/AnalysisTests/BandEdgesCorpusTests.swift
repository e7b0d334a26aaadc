import Analysis
import Foundation
import TestSupport
import Testing
import VASP

/// `bandEdges` on every corpus run equals pymatgen's `eigenvalue_band_properties` (1e-4 eV).
@Suite struct BandEdgesCorpusTests {
    static let files = Corpus.vasprunFilesWithBandGap()

    @Test func corpusPresentOnCI() {
        if Corpus.isCI {
            #expect(Corpus.available, "CI=true but the corpus is missing")
            #expect(Self.files.count >= 40, "only \(Self.files.count) files with a reference band gap")
        }
    }

    @Test(arguments: files)
    func matchesPymatgen(_ relative: String) throws {
        let options = VasprunOptions(readDOS: false, readEigenvalues: true, readProjections: false)
        let run = try Vasprun.read(path: Corpus.path(relative), options: options)
        let ref = try #require(try Corpus.reference(relative + ".json")["band_gap"] as? [String: Any])
        let eigenvalues = try #require(run.eigenvalues)
        let edges = try #require(bandEdges(eigenvalues))
        let gap = try #require(ref["gap"] as? Double)
        let cbm = try #require(ref["cbm"] as? Double)
        let vbm = try #require(ref["vbm"] as? Double)
        #expect(abs(edges.gap - gap) <= 1e-4)
        #expect(abs(edges.cbm - cbm) <= 1e-4)
        #expect(abs(edges.vbm - vbm) <= 1e-4)
        #expect(edges.isDirect == ref["is_direct"] as? Bool)
    }
}

/// Per-spin band edges where NUPDOWN is fixed (issue 12 D): `vasprun.nonlm.xml.gz` (ISPIN 2, NUPDOWN 6).
/// pymatgen `Vasprun(…, separate_spins=True).eigenvalue_band_properties` gives 4.8216 eV (up) and
/// 4.8305 eV (down); the summed-spin 4.8088 eV mixes the up VBM with the down CBM.
@Suite struct SpinResolvedEdgesCorpusTests {
    static let file = "vasprun/pymatgen/vasprun.nonlm.xml.gz"

    func run() throws -> Vasprun {
        try Vasprun.read(path: Corpus.path(Self.file), options: VasprunOptions(readDOS: true, readEigenvalues: true, readProjections: false))
    }

    @Test func perSpinEigenvalueGapsEqualPymatgenSeparateSpins() throws {
        try #require(Corpus.available || !Corpus.isCI)
        guard Corpus.available else { return }
        let eigen = try #require(try run().eigenvalues)
        let up = try #require(bandEdges(eigen, spin: 0))
        let down = try #require(bandEdges(eigen, spin: 1))
        #expect(abs(up.gap - 4.8216) <= 1e-4)
        #expect(abs(down.gap - 4.8305) <= 1e-4)
        #expect(abs(up.vbm - 0.0333) <= 1e-4 && abs(up.cbm - 4.8549) <= 1e-4)
        #expect(abs(down.vbm - 0.0116) <= 1e-4 && abs(down.cbm - 4.8421) <= 1e-4)
        #expect(bandEdges(eigen, spin: 2) == nil)
        let summed = try #require(bandEdges(eigen))
        #expect(abs(summed.gap - 4.8088) <= 1e-4)
    }

    @Test func perSpinDOSGapIsSearchedAroundTheChannelsOwnMidGap() throws {
        try #require(Corpus.available || !Corpus.isCI)
        guard Corpus.available else { return }
        let v = try run()
        let dos = try #require(v.dos)
        let eigen = try #require(v.eigenvalues)
        for (index, channel) in [(0, SpinChannel.up), (1, SpinChannel.down)] {
            let edges = try #require(bandEdges(eigen, spin: index))
            let reference = try #require(spinReference(eigen, spin: index))
            #expect(abs(reference - (edges.vbm + edges.cbm) / 2) < 1e-12)
            let gap = try #require(dosGap(dos, spin: channel, separator: reference))
            // The DOS gap sees the same gap as the eigenvalues, narrowed by the smearing of the DOS grid.
            #expect(gap.gap > 0.5 * edges.gap && gap.gap <= edges.gap + 0.2, "\(channel): DOS gap \(gap.gap) vs eigenvalue gap \(edges.gap)")
            #expect(gap.vbm < reference && gap.cbm > reference)
        }
        #expect(isMetal(eigen, efermi: try #require(v.efermi)) == false)
    }
}

/// N↑ − N↓ from the occupations (what `tabulate` reports for a free-spin state).
@Suite struct MagnetizationCorpusTests {
    /// vasprun.nonlm.xml.gz fixes NUPDOWN = 6: the occupations must add up to exactly that moment.
    @Test func fixedMomentIsRecovered() throws {
        try #require(Corpus.available || !Corpus.isCI)
        guard Corpus.available else { return }
        let run = try Vasprun.read(
            path: Corpus.path("vasprun/pymatgen/vasprun.nonlm.xml.gz"),
            options: VasprunOptions(readDOS: false, readEigenvalues: true, readProjections: false))
        let eigenvalues = try #require(run.eigenvalues)
        let weights = try #require(run.kpoints?.weights)
        let m = try #require(totalMagnetization(eigenvalues, weights: weights))
        #expect(abs(m - 6) < 1e-3, "M = \(m)")
    }
}
