import Foundation
import TestSupport
import Testing

/// `cascade bonds` end to end on the NH3 band.
@Suite struct BondsCommandTests {
    @Test func twoStates() throws {
        guard Corpus.available else { return }
        let a = Corpus.path("neb/aiida-vasp_NH3_inversion/00/POSCAR")
        let b = Corpus.path("neb/aiida-vasp_NH3_inversion/02/CONTCAR")
        let result = try CascadeProcess.run(["bonds", a, b, "--format", "json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let bonds = try #require(try Corpus.object(result.stdout)["bonds"] as? [[String: Any]])
        #expect(bonds.map { $0["bond"] as? String } == ["H1–N4", "H2–N4", "H3–N4"])
        #expect(bonds.allSatisfy { ($0["lengths"] as? [Double])?.count == 2 })
    }

    @Test func alongTheImagesWithChosenPairs() throws {
        guard Corpus.available else { return }
        let result = try CascadeProcess.run(["bonds", Corpus.path("neb/aiida-vasp_NH3_inversion"), "--pairs", "1-4,1-2", "--format", "csv"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.first == "bond,length_0,length_1,length_2,length_3,length_4,change,status")
        #expect(lines.count == 3)
        #expect(lines[2].hasPrefix("H1–H2,"))
    }

    @Test func badPairs() throws {
        let result = try CascadeProcess.run(["bonds", "A", "B", "--pairs", "3"])
        #expect(result.status != 0 && result.stderr.contains("I-J"))
    }
}
