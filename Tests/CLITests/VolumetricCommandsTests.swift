import Foundation
import TestSupport
import Testing

/// End-to-end tests of `cascade chgdiff`, `chgsum`, `planar`, `rdf` and `profile`: exit status, what goes
/// to stdout and stderr, the files written, and that nothing is overwritten without --force.
@Suite struct VolumetricCommandsTests {
    static let a0 = "volumetric/atomate_Si_static/AECCAR0.gz"
    static let a2 = "volumetric/atomate_Si_static/AECCAR2.gz"

    @Test func chgsumWritesTheReferenceDensityAndNeverOverwrites() throws {
        guard Corpus.available else { return }
        let out = try Corpus.temporaryURL("chgsum").appendingPathComponent("CHGCAR_sum").path
        let args = ["chgsum", Corpus.path(Self.a0), Corpus.path(Self.a2), "--out", out]
        let result = try CascadeProcess.run(args + ["--format", "json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let table = try Corpus.object(result.stdout)
        let rows = try #require(table["rows"] as? [[String: Any]])
        let electrons = try #require(rows.last?["value"] as? Double)
        #expect(abs(electrons - 31.26673310148161) < 1e-8)
        #expect(FileManager.default.fileExists(atPath: out))
        let again = try CascadeProcess.run(args)
        #expect(again.status != 0)
        #expect(again.stderr.contains("exists (--out); pass --force to replace it"))
        #expect(try CascadeProcess.run(args + ["--force"]).status == 0)
    }

    @Test func chgdiffStatesTheSignAndWritesThePlot() throws {
        guard Corpus.available else { return }
        let dir = try Corpus.temporaryURL("chgdiff")
        let out = dir.appendingPathComponent("diff").path
        let plot = dir.appendingPathComponent("dq.svg").path
        let result = try CascadeProcess.run([
            "chgdiff", Corpus.path(Self.a2), Corpus.path(Self.a0), "--out", out, "--planar", "z", "--plot", plot, "--format", "csv"
        ])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.first == "position,fractional,average,density,linear_density,cumulative_charge")
        #expect(lines.count == 61)  // header and 60 planes
        #expect(try String(contentsOfFile: plot, encoding: .utf8).contains("ΔQ(z)"))
        let summary = try CascadeProcess.run(["chgdiff", Corpus.path(Self.a2), Corpus.path(Self.a0), "--out", out, "--force"])
        #expect(summary.stdout.contains("net Δρ (AB − parts)"))
        #expect(summary.stdout.contains("-15.24044349"))
        // Notes are wrapped at 160 columns, continuation lines indented by two blanks.
        #expect(summary.stdout.replacingOccurrences(of: "\n  ", with: " ").contains("positive where electrons accumulate"))
        let noPart = try CascadeProcess.run(["chgdiff", Corpus.path(Self.a2), "--out", out])
        #expect(noPart.status != 0)
        let plotWithoutPlanar = try CascadeProcess.run(["chgdiff", Corpus.path(Self.a2), Corpus.path(Self.a0), "--out", out + "2", "--plot", plot + "2"])
        #expect(plotWithoutPlanar.stderr.contains("--plot needs --planar AXIS"))
    }

    @Test func differentGridsAreAClearError() throws {
        guard Corpus.available else { return }
        let out = try Corpus.temporaryURL("chgdiff-grid").appendingPathComponent("diff").path
        let result = try CascadeProcess.run([
            "chgdiff", Corpus.path("volumetric/pymatgen/CHGCAR.spin.gz"), Corpus.path("volumetric/pymatgen/CHGCAR.nospin.gz"), "--out", out
        ])
        #expect(result.status == 1)
        #expect(result.stderr.contains("is 32×32×32"))
        #expect(result.stderr.contains("is 48×48×48"))
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func rdfMatchesTheHelpExample() throws {
        guard Corpus.available else { return }
        let dir = try Corpus.temporaryURL("rdf")
        let plot = dir.appendingPathComponent("rdf.svg").path
        let result = try CascadeProcess.run([
            "rdf", Corpus.path("xdatcar/pymatgen/XDATCAR.MD"), "--pair", "Fe:O", "--rmax", "4.5", "--bins", "90", "--plot", plot
        ])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("1.8250  4.584509"))
        #expect(try String(contentsOfFile: plot, encoding: .utf8).contains(">g(r)</text>"))
        let bad = try CascadeProcess.run(["rdf", Corpus.path("xdatcar/pymatgen/XDATCAR.MD"), "--pair", "FeO"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("expected CENTRES:NEIGHBOURS"))
        let missing = try CascadeProcess.run(["rdf", Corpus.path("xdatcar/pymatgen/XDATCAR.MD"), "--pair", "Fe:F"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("the neighbour selection 'F' matches no atom (species present: O, Fe)"))
    }

    @Test func profileAndPlanar() throws {
        guard Corpus.available else { return }
        let dir = try Corpus.temporaryURL("profile")
        let profile = try CascadeProcess.run([
            "profile", Corpus.path("xdatcar/pymatgen/XDATCAR.MD"), "--group", "Fe", "--bins", "10", "--format", "json"
        ])
        #expect(profile.status == 0, "stderr: \(profile.stderr)")
        let rows = try #require(try Corpus.object(profile.stdout)["rows"] as? [[String: Any]])
        #expect(rows.count == 10)
        #expect(abs((rows.last?["cumulative_count"] as? Double ?? 0) - 32) < 1e-9)
        let planar = try CascadeProcess.run([
            "planar", Corpus.path("volumetric/pymatgen/LOCPOT.vasp642.gz"), "--axis", "z", "--plot", dir.appendingPathComponent("v.svg").path
        ])
        #expect(planar.status == 0, "stderr: \(planar.stderr)")
        #expect(planar.stdout.contains("-3.934119"))
        let noSecond = try CascadeProcess.run(["planar", Corpus.path("volumetric/pymatgen/LOCPOT.vasp642.gz"), "--block", "second"])
        #expect(noSecond.status == 1)
        #expect(noSecond.stderr.contains("has no such block; it is non-spin-polarised (1 block: total)"), "\(noSecond.stderr)")
    }

    /// The notes give the distance between grid planes (cell height / number of planes), not the cell
    /// height under that name: the corpus spin CHGCAR (a skewed cell, 48 planes along z) has the height
    /// d = V / |a × b| computed here from pymatgen's lattice.
    @Test func planarNotesGiveTheGridSpacing() throws {
        guard Corpus.available else { return }
        let ref = try Corpus.reference("volumetric/pymatgen/CHGCAR.spin.gz.json")
        let m = try #require(ref["lattice"] as? [[Double]])
        let ab = [m[0][1] * m[1][2] - m[0][2] * m[1][1], m[0][2] * m[1][0] - m[0][0] * m[1][2], m[0][0] * m[1][1] - m[0][1] * m[1][0]]
        let volume = abs(ab[0] * m[2][0] + ab[1] * m[2][1] + ab[2] * m[2][2])
        let height = volume / (ab[0] * ab[0] + ab[1] * ab[1] + ab[2] * ab[2]).squareRoot()
        let result = try CascadeProcess.run(["planar", Corpus.path("volumetric/pymatgen/CHGCAR.spin.gz"), "--axis", "z", "--format", "json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let notes = try #require(try Corpus.object(result.stdout)["notes"] as? [String]).joined(separator: "\n")
        #expect(!notes.contains("plane spacing"))
        #expect(notes.contains("spin-polarised (2 blocks: total, magnetization)"), "\(notes)")
        #expect(notes.contains("(height / 48 planes)"), "\(notes)")
        let spacing = try #require(Self.number(after: "grid spacing ", in: notes))
        #expect(abs(spacing - height / 48) < 1e-9, "\(notes)")
        let cell = try #require(Self.number(after: "cell height along z ", in: notes))
        #expect(abs(cell - height) < 1e-9)
    }

    static func number(after prefix: String, in text: String) -> Double? {
        guard let range = text.range(of: prefix) else { return nil }
        return Double(text[range.upperBound...].prefix { !$0.isWhitespace && $0 != ";" })
    }

    /// A noncollinear CHGCAR (four blocks, written here in VASP's layout): every block can be chosen, the
    /// second is m_x (not "magnetization"), and the notes say "noncollinear".
    @Test func planarChoosesEachNoncollinearBlock() throws {
        let dir = try Corpus.temporaryURL("ncl")
        let path = dir.appendingPathComponent("CHGCAR").path
        try Data(Self.noncollinearChgcar.utf8).write(to: URL(fileURLWithPath: path))
        // Block b holds the constant (b + 1) × 0.5 over the 1×1×2 grid.
        for (choice, block, role, value) in [
            ("total", 1, "total", 0.5), ("m_x", 2, "m_x", 1.0), ("m_y", 3, "m_y", 1.5), ("m_z", 4, "m_z", 2.0), ("4", 4, "m_z", 2.0)
        ] {
            let result = try CascadeProcess.run(["planar", path, "--axis", "z", "--block", choice, "--format", "json"])
            #expect(result.status == 0, "\(choice): \(result.stderr)")
            let table = try Corpus.object(result.stdout)
            let notes = try #require(table["notes"] as? [String]).joined(separator: "\n")
            #expect(notes.contains("noncollinear (4 blocks: total, m_x, m_y, m_z)"), "\(choice): \(notes)")
            #expect(notes.contains("block \(block) (\(role))"), "\(choice): \(notes)")
            #expect(notes.contains("grid spacing 3.0 Å (height / 2 planes)"), "\(choice): \(notes)")
            let rows = try #require(table["rows"] as? [[String: Any]])
            #expect(rows.count == 2)
            #expect(rows.allSatisfy { $0["average"] as? Double == value }, "\(choice): \(rows)")
        }
        let wrong = try CascadeProcess.run(["planar", path, "--block", "magnetization"])
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("has no such block; it is noncollinear (4 blocks: total, m_x, m_y, m_z)"), "\(wrong.stderr)")
        let bad = try CascadeProcess.run(["planar", path, "--block", "w"])
        #expect(bad.status != 0 && bad.stderr.contains("expected total, magnetization, up, down, m_x, m_y, m_z"))
    }

    /// One Fe atom in a 3 × 3 × 6 Å cell, a 1×1×2 grid, four blocks (total, m_x, m_y, m_z) each with its
    /// augmentation, and the three per-atom moments VASP writes before each magnetisation block.
    static let noncollinearChgcar: String = {
        var lines = [
            "Fe noncollinear", "   1.00000000000000", "     3.000000    0.000000    0.000000", "     0.000000    3.000000    0.000000",
            "     0.000000    0.000000    6.000000", "   Fe", "     1", "Direct", "  0.000000  0.000000  0.000000", ""
        ]
        for b in 0..<4 {
            if b > 0 { lines.append("  0.100000000000E+01  0.000000000000E+00  0.200000000000E+01") }
            let v = String(format: "%.11E", Double(b + 1) * 0.5)  // e.g. 5.00000000000E-01
            lines += ["    1    1    2", " \(v) \(v)", "augmentation occupancies   1   2", "  0.1000000E+00 -0.2000000E-01"]
        }
        return lines.joined(separator: "\n") + "\n"
    }()

    @Test func helpHasAWorkedExample() throws {
        for command in ["chgdiff", "chgsum", "planar", "rdf", "profile"] {
            let help = try CascadeProcess.run([command, "--help"])
            #expect(help.status == 0)
            #expect(help.stdout.contains("Worked example"), "\(command)")
        }
        #expect(try CascadeProcess.run(["--help"]).stdout.contains("chgdiff"))
    }
}
