import Foundation
import Testing

/// `cascade neb` end to end: both fits on pymatgen_neb2, the VTST run without end-point energies, VTST files.
@Suite struct NebCommandTests {
    @Test func bothFitsSideBySide() throws {
        guard AnalysisCLICorpus.available else { return }
        let result = try CascadeProcess.run(["neb", AnalysisCLICorpus.path("neb/pymatgen_neb2/neb_analysis2.json"), "--format", "json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let object = try AnalysisCLICorpus.object(result.stdout)
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
        guard AnalysisCLICorpus.available else { return }
        let folder = try AnalysisCLICorpus.temporaryFolder("neb")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CascadeProcess.run(["neb", AnalysisCLICorpus.path("neb/aiida-vasp_NH3_inversion"), "--vtst", folder.path, "--plot", folder.appendingPathComponent("neb.svg").path])
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

    @Test func notAnNebFolder() throws {
        let folder = try AnalysisCLICorpus.temporaryFolder("neb-empty")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CascadeProcess.run(["neb", folder.path])
        #expect(result.status == 1 && result.stderr.contains("image folders 00"))
    }
}
