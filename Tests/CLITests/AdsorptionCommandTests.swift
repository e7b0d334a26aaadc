import Foundation
import TestSupport
import Testing

/// `cascade adsorption` end to end on adsorption/atomate_Ir_H (reference E(AB) − 4·E(slab) per H site).
@Suite struct AdsorptionCommandTests {
    static let set = "adsorption/atomate_Ir_H"

    @Test(arguments: [("3", -3.78035003), ("4", -3.51204792), ("5", -3.87803730)])
    func slabMultiplicityIsFound(_ run: String, _ expected: Double) throws {
        guard Corpus.available else { return }
        let result = try CascadeProcess.run([
            "adsorption", "--complex", Corpus.path("\(Self.set)/\(run)/outputs"), "--host", Corpus.path("\(Self.set)/2/outputs"),
            "--adsorbate", "0", "--format", "json"
        ])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let object = try Corpus.object(result.stdout)
        #expect(abs((object["adsorption_energy"] as? Double ?? .nan) - expected) < 1e-8)
        #expect(result.stderr.contains("m = 4 from the atom counts"))
        #expect((object["terms"] as? [[String: Any]])?.last?["source"] as? String == "number")
        #expect((object["issues"] as? [Any])?.isEmpty == true)
    }

    /// A negative number is an energy, not an option; a run folder works as the adsorbate too (the guard
    /// then compares it: the bulk run 1 against the slab complex agrees in every setting).
    @Test func adsorbateAsNumberOrRun() throws {
        guard Corpus.available else { return }
        let number = try CascadeProcess.run([
            "adsorption", "--complex", Corpus.path("\(Self.set)/3/outputs"), "--host", Corpus.path("\(Self.set)/2/outputs"),
            "--adsorbate", "-3.3833", "--host-multiplicity", "4"
        ])
        #expect(number.status == 0, "stderr: \(number.stderr)")
        #expect(number.stdout.contains("-0.397050"))
        let run = try CascadeProcess.run([
            "adsorption", "--complex", Corpus.path("\(Self.set)/3/outputs"), "--host", Corpus.path("\(Self.set)/2/outputs"),
            "--adsorbate", Corpus.path("\(Self.set)/1/outputs/OUTCAR.gz"), "--format", "json"
        ])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let object = try Corpus.object(run.stdout)
        #expect((object["terms"] as? [[String: Any]])?.last?["source"] as? String == "calculation")
        #expect(abs((object["adsorption_energy"] as? Double ?? .nan) - (-3.78035003 + 34.17463099)) < 1e-8)
    }

    @Test func missingRunIsAnError() throws {
        let result = try CascadeProcess.run(["adsorption", "--complex", "/nonexistent/ab", "--host", "/nonexistent/a", "--adsorbate", "0"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("/nonexistent/ab"))
    }
}
