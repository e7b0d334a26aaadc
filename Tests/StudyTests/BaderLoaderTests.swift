import Foundation
import Study
import TestSupport
import Testing

/// Finding ACF.dat (and BCF.dat, AECCARs) on disk.
@Suite struct BaderLoaderTests {
    @Test func folderWithACFAndBCF() throws {
        guard Corpus.available else { return }
        let loaded = try BaderLoader.load(Corpus.path("bader/nuistcz_BaderMerge"))
        #expect(loaded.acf.atoms.count == 12)
        #expect(loaded.bcf?.volumes.count == 12)
        #expect(loaded.referenceDensityFound == nil)
        #expect(loaded.warnings.isEmpty)
    }

    /// A BCF.dat of another run is noticed; AECCAR0 + AECCAR2 next to ACF.dat count as the reference.
    @Test func mismatchedBCFAndReference() throws {
        guard Corpus.available else { return }
        let root = try Corpus.tree(
            [
                "run/ACF.dat": "bader/ase_test_bader_h2o/ACF.dat", "run/BCF.dat": "bader/nuistcz_BaderMerge/BCF.dat"
            ], label: "bader-loader")
        defer { StudyFixture.remove(root) }
        try StudyFixture.write("x", to: "run/AECCAR0", in: root)
        try StudyFixture.write("x", to: "run/AECCAR2", in: root)
        let loaded = try BaderLoader.load(root + "/run/ACF.dat")
        #expect(loaded.referenceDensityFound == true)
        #expect(loaded.warnings.contains { $0.contains("do not add up") })
    }

    @Test func folderWithoutACF() throws {
        let root = try StudyFixture.temporaryFolder("bader-empty")
        defer { StudyFixture.remove(root) }
        #expect(throws: StudyError.self) { try BaderLoader.load(root) }
    }
}
