import Foundation
import TestSupport
import Testing

/// `cascade images` and `cascade fragment`: the commands job scripts run on the compute node before VASP.
@Suite struct NodeCommandsTests {
    static let nh3 = "neb/aiida-vasp_NH3_inversion"

    @Test func corpusPresentOnCI() {
        if Corpus.isCI { #expect(Corpus.available, "CI=true but the corpus is missing") }
    }

    /// The NH3 inversion end points of the corpus: 00 … 04 written, end points unchanged, images between.
    @Test func imagesBetweenTwoCorpusStructures() throws {
        guard Corpus.available else { return }
        let out = try Corpus.temporaryURL("images")
        defer { try? FileManager.default.removeItem(at: out) }
        let a = Corpus.path("\(Self.nh3)/00/POSCAR")
        let b = Corpus.path("\(Self.nh3)/04/POSCAR")
        let r = try CascadeProcess.run(["images", a, b, "--images", "3", "--out", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("wrote 5 images (idpp)"), "\(r.stdout)")
        for k in 0...4 { #expect(FileManager.default.fileExists(atPath: out.path + "/0\(k)/POSCAR")) }
        // Without --force the images already there are kept and the command says so.
        let again = try CascadeProcess.run(["images", a, b, "--images", "3", "--out", out.path])
        #expect(again.status == 1 && again.stderr.contains("exists"), "\(again.stderr)")
        let linear = try CascadeProcess.run(["images", a, b, "--images", "3", "--method", "linear", "--out", out.path, "--force"])
        #expect(linear.status == 0, "\(linear.stderr)")
        let bad = try CascadeProcess.run(["images", a, b, "--images", "0", "--out", out.path])
        #expect(bad.status != 0 && bad.stderr.contains("--images must be at least 1"))
    }

    /// A fragment keeps the cell and the positions of the atoms it takes (0-based, as in the manifest).
    @Test func fragmentOfACorpusStructure() throws {
        guard Corpus.available else { return }
        let out = try Corpus.temporaryURL("fragment")
        defer { try? FileManager.default.removeItem(at: out) }
        let source = Corpus.path("adsorption/atomate_Ir_H/3/outputs/POSCAR")
        let r = try CascadeProcess.run(["fragment", source, "--atoms", "1-16", "--out", out.path + "/slab"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("wrote Ir16 (16 of 17 atoms)"), "\(r.stdout)")
        let lines = try String(contentsOfFile: out.path + "/slab", encoding: .utf8).split(separator: "\n").map(String.init)
        let sourceLines = try String(contentsOfFile: source, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(
            lines[2...4].map { $0.split(separator: " ").compactMap { Double($0) } }
                == sourceLines[2...4].map { $0.split(separator: " ").compactMap { Double($0) } })
        let beyond = try CascadeProcess.run(["fragment", source, "--atoms", "0-17", "--out", out.path + "/x"])
        #expect(beyond.status == 1 && beyond.stderr.contains("has 17 atoms (0-based: 0…16)"), "\(beyond.stderr)")
        let malformed = try CascadeProcess.run(["fragment", source, "--atoms", "a-b", "--out", out.path + "/x"])
        #expect(malformed.status != 0 && malformed.stderr.contains("0-based indices and ranges"))
    }
}
