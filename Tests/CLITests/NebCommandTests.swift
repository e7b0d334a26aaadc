import Foundation
import TestSupport
import Testing

/// `cascade neb` end to end: both fits on pymatgen_neb2, the VTST run without end-point energies, VTST files.
@Suite struct NebCommandTests {
    @Test func bothFitsSideBySide() throws {
        guard Corpus.available else { return }
        let result = try CascadeProcess.run(["neb", Corpus.path("neb/pymatgen_neb2/neb_analysis2.json"), "--format", "json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let object = try Corpus.object(result.stdout)
        let force = try #require(object["force_fit"] as? [String: Any])
        let energy = try #require(object["energy_fit"] as? [String: Any])
        #expect(abs((force["barrier_forward"] as? Double ?? .nan) - 0.52877484) < 5e-9)
        #expect(abs((force["max_r"] as? Double ?? .nan) - 0.77520) < 5e-6)
        #expect(abs((energy["barrier_forward"] as? Double ?? .nan) - 0.56240834) < 5e-9)
        let grid = try #require((object["pymatgen_get_extrema_maxima"] as? [[Double]])?.first)
        #expect(abs(grid[0] - 0.37255257) < 5e-9)
        #expect(abs(grid[1] - 562.40825334519991) < 1e-6)
    }

    @Test func missingEndPointsAreSaid() throws {
        guard Corpus.available else { return }
        let folder = try Corpus.temporaryURL("neb")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CascadeProcess.run([
            "neb", Corpus.path("neb/aiida-vasp_NH3_inversion"), "--vtst", folder.path, "--plot", folder.appendingPathComponent("neb.svg").path
        ])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("no energy for image(s) 00, 04"))
        #expect(result.stdout.contains("relative to image 01"))
        #expect(result.stderr.contains("vasprun.xml") && result.stderr.contains("ignored"))
        let neb = try String(contentsOf: folder.appendingPathComponent("neb.dat"), encoding: .utf8)
        #expect(neb.split(separator: "\n").count == 3)
        for name in ["spline.dat", "exts.dat", "neb.svg"] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path))
        }
    }

    /// The real VTST band with image 02 replaced by a copy of image 01: the images coincide. No VTST file
    /// holds `nan` (before, every line of spline.dat did), spline.dat and exts.dat are refused with the
    /// reason, and the climbing-image check says the band is degenerate and does not pass.
    @Test func degenerateBandWritesNoNaN() throws {
        guard Corpus.available else { return }
        let root = try Corpus.temporaryURL("neb-degenerate")
        defer { try? FileManager.default.removeItem(at: root) }
        let band = root.appendingPathComponent("band")
        let source = URL(fileURLWithPath: Corpus.path("neb/aiida-vasp_NH3_inversion"))
        try FileManager.default.createDirectory(at: band, withIntermediateDirectories: true)
        for image in ["00", "01", "03", "04"] {
            try FileManager.default.copyItem(at: source.appendingPathComponent(image), to: band.appendingPathComponent(image))
        }
        try FileManager.default.copyItem(at: source.appendingPathComponent("01"), to: band.appendingPathComponent("02"))
        let out = root.appendingPathComponent("vtst")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let result = try CascadeProcess.run(["neb", band.path, "--vtst", out.path, "--format", "json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("spline.dat not written: degenerate band: images 01 = 02 coincide"), "\(result.stderr)")
        #expect(result.stderr.contains("exts.dat not written: degenerate band"))
        let written = try FileManager.default.contentsOfDirectory(atPath: out.path)
        #expect(written == ["neb.dat"])
        for name in written {
            let text = try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8)
            #expect(!text.lowercased().contains("nan") && !text.lowercased().contains("inf"), "\(name): \(text)")
        }
        let object = try Corpus.object(result.stdout)
        #expect(object["degenerate"] as? Bool == true)
        #expect(object["force_fit"] is NSNull && object["energy_fit"] is NSNull)
        let climbing = try #require(object["climbing"] as? [String: Any])
        #expect(climbing["passed"] as? Bool == false)
        #expect(climbing["coinciding_images"] as? [[String]] == [["01", "02"]])
        let notes = try #require(object["notes"] as? [String])
        #expect(notes.contains { $0.contains("degenerate band") && $0.contains("climbing image cannot be checked") })
        // The text tables say it too.
        let text = try CascadeProcess.run(["neb", band.path])
        #expect(text.stdout.contains("degenerate band: images 01 and 02"))
        #expect(!text.stdout.lowercased().contains("nan"))
    }

    @Test func notAnNebFolder() throws {
        let folder = try Corpus.temporaryURL("neb-empty")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CascadeProcess.run(["neb", folder.path])
        #expect(result.status == 1 && result.stderr.contains("image folders 00"))
    }
}
