import Foundation
import TestSupport
import Testing

/// `cascade bader` end to end: without --vasprun on the corpus ACF.dat, with fragments, and with a run.
@Suite struct BaderCommandTests {
    @Test func worksWithoutVasprun() throws {
        guard Corpus.available else { return }
        let result = try CascadeProcess.run(["bader", Corpus.path("bader/nuistcz_BaderMerge/ACF.dat"), "--format", "json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let object = try Corpus.object(result.stdout)
        #expect((object["atoms"] as? [[String: Any]])?.count == 12)
        #expect(abs((object["sum_charge"] as? Double ?? .nan) - 47.999999) < 1e-9)
        #expect((object["footer"] as? [String: Double])?["NUMBER OF ELECTRONS"] == 48)
        #expect(result.stderr.contains("AECCAR"))
    }

    @Test func fragmentsAndTextTable() throws {
        guard Corpus.available else { return }
        let result = try CascadeProcess.run(["bader", Corpus.path("bader/nuistcz_BaderMerge"), "--fragment", "B=1-6", "--fragment", "N=7-12"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("Fragments"))
        let line = result.stdout.split(separator: "\n").first { $0.hasPrefix("N ") }?.split(separator: " ")
        #expect(line?.prefix(3) == ["N", "7-12", "43.9110"])
    }

    /// With a run the ZVALs give net charges; the atom counts must match.
    @Test func withARunTheCountsMustMatch() throws {
        guard Corpus.available else { return }
        let result = try CascadeProcess.run([
            "bader", Corpus.path("bader/nuistcz_BaderMerge/ACF.dat"), "--vasprun", Corpus.path("adsorption/atomate_Ir_H/3/outputs")
        ])
        #expect(result.status == 1)
        #expect(result.stderr.contains("17 atoms") && result.stderr.contains("12"))
    }

    /// An ACF.dat we wrote for the 17 atoms of atomate_Ir_H run 3 (H first, then 16 Ir): with the run,
    /// ZVAL (H 1, Ir 9) gives q = ZVAL − N, ΣN is checked against NELECT = 145, and AECCAR files next to
    /// ACF.dat silence the reference warning.
    @Test func withMatchingRunGivesNetCharges() throws {
        guard Corpus.available else { return }
        let folder = try Corpus.temporaryURL("bader-run")
        defer { try? FileManager.default.removeItem(at: folder) }
        var text = "    #         X           Y           Z       CHARGE      MIN DIST   ATOMIC VOL\n"
        text += " " + String(repeating: "-", count: 80) + "\n"
        let electrons = [1.5] + [Double](repeating: 143.5 / 16, count: 16)
        for (k, n) in electrons.enumerated() {
            text += String(format: "%5d%12.6f%12.6f%12.6f%12.6f%13.6f%13.6f\n", k + 1, 0.0, 0.0, Double(k), n, 1.0, 10.0)
        }
        text +=
            " " + String(repeating: "-", count: 80)
            + "\n    VACUUM CHARGE:               0.0000\n    VACUUM VOLUME:               0.0000\n    NUMBER OF ELECTRONS:       145.0000\n"
        try text.write(to: folder.appendingPathComponent("ACF.dat"), atomically: true, encoding: .utf8)
        for name in ["AECCAR0", "AECCAR2"] { try "x".write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        let result = try CascadeProcess.run([
            "bader", folder.appendingPathComponent("ACF.dat").path, "--vasprun", Corpus.path("adsorption/atomate_Ir_H/3/outputs"),
            "--fragment", "H=1@-0.5", "--fragment", "slab=2-17", "--format", "json"
        ])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let object = try Corpus.object(result.stdout)
        let atoms = try #require(object["atoms"] as? [[String: Any]])
        #expect(atoms[0]["element"] as? String == "H" && atoms[0]["zval"] as? Double == 1)
        #expect(abs((atoms[0]["net_charge"] as? Double ?? .nan) - -0.5) < 1e-12)
        #expect(object["nelect"] as? Double == 145)
        #expect((object["checks"] as? [String])?.isEmpty == true)
        let fragments = try #require(object["fragments"] as? [[String: Any]])
        #expect(abs((fragments[0]["transferred"] as? Double ?? .nan)) < 1e-12)
        #expect(abs((fragments[1]["net_charge"] as? Double ?? .nan) - 0.5) < 1e-9)
        #expect(!result.stderr.contains("AECCAR"))
    }

    @Test func aBadFragmentIsNamed() throws {
        let result = try CascadeProcess.run(["bader", "ACF.dat", "--fragment", "TFSI"])
        #expect(result.status != 0 && result.stderr.contains("NAME=ATOMS"))
    }
}
