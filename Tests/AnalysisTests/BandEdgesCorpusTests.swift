import Analysis
import Foundation
import Testing
import VASP

/// `bandEdges` on every corpus run equals pymatgen's `eigenvalue_band_properties` (1e-4 eV).
@Suite struct BandEdgesCorpusTests {
    static let files = AnalysisCorpusSupport.vasprunFilesWithBandGap()

    @Test func corpusPresentOnCI() {
        if AnalysisCorpusSupport.isCI {
            #expect(AnalysisCorpusSupport.available, "CI=true but the corpus is missing")
            #expect(Self.files.count >= 40, "only \(Self.files.count) files with a reference band gap")
        }
    }

    @Test(arguments: files)
    func matchesPymatgen(_ relative: String) throws {
        let options = VasprunOptions(readDOS: false, readEigenvalues: true, readProjections: false)
        let run = try Vasprun.read(path: AnalysisCorpusSupport.path(relative), options: options)
        let ref = try #require(try AnalysisCorpusSupport.reference(relative + ".json")["band_gap"] as? [String: Any])
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
