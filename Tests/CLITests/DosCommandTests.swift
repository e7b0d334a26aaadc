import Foundation
import TestSupport
import Testing

/// `cascade dos` end to end on corpus runs (numbers: pymatgen's get_band_center/width/filling, Dos.get_gap).
@Suite struct DosCommandTests {
    @Test func corpusPresentOnCI() { if Corpus.isCI { #expect(Corpus.available) } }

    @Test func elementDBandAsJSON() throws {
        guard Corpus.available else { return }
        let result = try CascadeProcess.run(["dos", Corpus.path("adsorption/atomate_Ir_H/3/outputs"), "--element", "Ir", "--format", "json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let object = try Corpus.object(result.stdout)
        let band = try #require(object["band"] as? [[String: Any]])
        let summed = try #require(band.first { $0["spin"] as? String == "summed" })
        #expect(abs((summed["band_center"] as? Double ?? .nan) - -2.2317042907253817) < 1e-9)
        #expect(abs((summed["band_width"] as? Double ?? .nan) - 2.4487871557526635) < 1e-9)
        #expect(abs((summed["band_filling"] as? Double ?? .nan) - 0.7817664282699558) < 1e-9)
        #expect(object["efermi"] as? Double == -1.6301341)
    }

    @Test func siteWindowAndPlot() throws {
        guard Corpus.available else { return }
        let folder = try Corpus.temporaryURL("dos")
        defer { try? FileManager.default.removeItem(at: folder) }
        let svg = folder.appendingPathComponent("dos.svg").path
        let result = try CascadeProcess.run([
            "dos", Corpus.path("vasprun/pymatgen/vasprun.xml.gz"), "--site", "2", "--window", "-10:5", "--plot", svg, "--format", "csv"
        ])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let rows = result.stdout.split(separator: "\n")
        #expect(rows.first == "selection,orbital,spin,band_center,band_width,band_filling")
        let summed = try #require(rows.first { $0.contains(",summed,") }).split(separator: ",")
        #expect(abs((Double(summed[3]) ?? .nan) - -2.0427077017508655) < 1e-9)
        #expect(FileManager.default.fileExists(atPath: svg))
        // The plot is not replaced without --force.
        let again = try CascadeProcess.run(["dos", Corpus.path("vasprun/pymatgen/vasprun.xml.gz"), "--plot", svg])
        #expect(again.status != 0 && again.stderr.contains("--force"))
    }

    @Test func badArgumentsAreNamed() throws {
        let both = try CascadeProcess.run(["dos", "x.xml", "--site", "1", "--element", "Fe"])
        #expect(both.status != 0 && both.stderr.contains("--site or --element"))
        let window = try CascadeProcess.run(["dos", "x.xml", "--window", "5:-10"])
        #expect(window.status != 0 && window.stderr.contains("LOW:HIGH"))
    }
}
