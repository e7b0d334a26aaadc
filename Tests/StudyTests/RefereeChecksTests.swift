import Foundation
import Report
import Testing

@testable import Study

/// `cascade doctor`'s referee checks on the small study (TFSI⁻, Li⁺, LiTFSI) and on variants that break them.
@Suite struct RefereeChecksTests {
    static func report(_ extraCalculations: String = "", quantities: String = "") throws -> (String, DoctorReport) {
        let (folder, manifest) = try StudyFixture.smallStudy(extraManifest: quantities)
        var text = try StudyFixture.read(manifest)
        if !extraCalculations.isEmpty, let range = text.range(of: "quantities:") {
            text.replaceSubrange(range, with: extraCalculations + "\nquantities:")
        }
        try text.write(toFile: manifest, atomically: true, encoding: .utf8)
        return (folder, StudyDoctor.examine(manifest: manifest, potcars: nil, environment: [:]))
    }

    static func findings(_ r: DoctorReport, _ severity: DoctorFinding.Severity) -> [String] {
        (r.section(.referee)?.findings ?? []).filter { $0.severity == severity }.map(\.message)
    }

    /// Charged TFSI⁻ and Li⁺ get the dipole tags; a Δρ of frozen fragments passes.
    @Test func frozenFragmentsAndChargedCellsPass() throws {
        let calcs = """
              - {name: static/frag-tfsi, set: static, system: tfsi, fragment_of: relax/litfsi, fragment: {atoms: [1-15]}}
              - {name: static/frag-li, set: static, system: li, fragment_of: relax/litfsi, fragment: {atoms: [0]}}
              - {name: static/litfsi, set: static, system: litfsi, from: relax/litfsi}
            """
        let quantities = """
              density_differences:
                - {name: d, complex: static/litfsi, parts: [static/frag-tfsi, static/frag-li]}
            """
        let (folder, r) = try Self.report(calcs, quantities: quantities)
        defer { StudyFixture.remove(folder) }
        let ok = Self.findings(r, .ok)
        #expect(
            ok.contains { $0.contains("d: static/frag-tfsi sits where static/litfsi has its atoms (a frozen fragment of relax/litfsi") },
            "\(DoctorText.render(r))")
        #expect(ok.contains { $0.contains("charged calculation") && $0.contains("IDIPOL/LDIPOL") }, "\(DoctorText.render(r))")
        #expect(Self.findings(r, .problem).isEmpty, "\(DoctorText.render(r))")
    }

    /// Parts relaxed on their own (each in its own box) are refused, with the fix.
    @Test func partsRelaxedOnTheirOwnAreAProblem() throws {
        let quantities = """
              density_differences:
                - {name: d, complex: relax/litfsi, parts: [relax/tfsi, relax/li]}
            """
        let (folder, r) = try Self.report(quantities: quantities)
        defer { StudyFixture.remove(folder) }
        let problems = Self.findings(r, .problem)
        #expect(problems.contains { $0.hasPrefix("d: relax/tfsi is not a frozen fragment of relax/litfsi") }, "\(DoctorText.render(r))")
        #expect(!r.isHealthy)
    }

    /// A declared bond change the starting structure does not have is a problem before anything runs.
    @Test func declarationsAreCheckedOnTheStartingStructures() throws {
        let (folder, manifest) = try StudyFixture.smallStudy()
        defer { StudyFixture.remove(folder) }
        let index = folder + "/structures/structures.yaml"
        var text = try StudyFixture.read(index)
        // TFSI atoms 0 (C) and 7 (F) are bonded: declaring them broken is false; 0 and 13 (C–S) bonded: formed holds.
        text = text.replacingOccurrences(
            of: "{name: turned, file: pathway/tfsi-turned.vasp, charge: -1, multiplicity: 1}",
            with: "{name: turned, file: pathway/tfsi-turned.vasp, charge: -1, multiplicity: 1, broken: [[0, 7]], formed: [[0, 13]]}")
        try text.write(toFile: index, atomically: true, encoding: .utf8)
        let r = StudyDoctor.examine(manifest: manifest, potcars: nil, environment: [:])
        let problems = Self.findings(r, .problem)
        #expect(problems.contains { $0.hasPrefix("turned: C0–F7 declared broken at") }, "\(DoctorText.render(r))")
        #expect(!problems.joined().contains("C0–S13"))
    }
}
