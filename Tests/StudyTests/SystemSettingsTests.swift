import Foundation
import Study
import Testing

/// Issue 16.3/16.8: per-system `incar` and `kpoints` (set < derived tags < system < calculation), and
/// messages that list the allowed values.
@Suite struct SystemSettingsTests {
    func study(system: String, calculation: String = "") throws -> (String, GenerationPlan) {
        let (folder, manifest) = try StudyFixture.smallStudy()
        var text = try StudyFixture.read(manifest)
        text = text.replacingOccurrences(of: "  - {name: li, file: molecules/li.vasp}", with: "  - {name: li, file: molecules/li.vasp, \(system)}")
        if !calculation.isEmpty {
            text = text.replacingOccurrences(
                of: "  - {name: bader/litfsi, set: bader, system: litfsi, from: relax/litfsi}",
                with: "  - {name: bader/litfsi, set: bader, system: litfsi, from: relax/litfsi}\n  - {name: static/li, set: static, system: li, \(calculation)}"
            )
        }
        try text.write(toFile: manifest, atomically: true, encoding: .utf8)
        return (folder, try GeneratorTests.plan(manifest, out: folder + "/runs"))
    }

    @Test func systemTagsAndMeshApplyToEveryCalculationOfTheSystem() throws {
        let (folder, plan) = try study(system: "incar: {SIGMA: 0.01, NUPDOWN: null}, kpoints: {gamma: [2, 2, 2]}", calculation: "incar: {SIGMA: 0.02}")
        defer { StudyFixture.remove(folder) }
        #expect(plan.allErrors.isEmpty, "\(plan.allErrors)")
        let relax = try #require(plan.calculations.first { $0.name == "relax/li" })
        #expect(relax.incar.double("SIGMA") == 0.01)
        #expect(relax.incar["NUPDOWN"] == nil)
        #expect(relax.kpoints.text().contains("2 2 2"))
        let other = try #require(plan.calculations.first { $0.name == "relax/tfsi" })
        #expect(other.incar.double("SIGMA") == 0.05 && other.incar.int("NUPDOWN") == 0)
        // The calculation's own incar wins over the system's.
        let single = try #require(plan.calculations.first { $0.name == "static/li" })
        #expect(single.incar.double("SIGMA") == 0.02)
    }

    @Test func unknownKindListsTheKinds() throws {
        let (folder, manifest) = try StudyFixture.smallStudy()
        defer { StudyFixture.remove(folder) }
        var text = try StudyFixture.read(manifest)
        text = text.replacingOccurrences(of: "  - {name: li, file: molecules/li.vasp}", with: "  - {name: li, file: molecules/li.vasp, kind: cluster}")
        try text.write(toFile: manifest, atomically: true, encoding: .utf8)
        do {
            _ = try StudyManifest.load(path: manifest)
            Issue.record("kind: cluster was accepted")
        } catch {
            #expect("\(error)".contains("expected kind: molecule, slab, bulk, found 'cluster'"), "\(error)")
        }
    }
}

/// Issue 16.4: the energy check compares the tags written, not the input-set names.
@Suite struct EnergyProtocolTests {
    func warnings(li system: String) throws -> [String] {
        let (folder, plan) = try SystemSettingsTests().study(system: system)
        defer { StudyFixture.remove(folder) }
        #expect(plan.allErrors.isEmpty, "\(plan.allErrors)")
        return plan.allWarnings.filter { $0.contains("E_ads(Li+–TFSI-)") }
    }

    @Test func encutDifferenceIsFlagged() throws {
        let w = try warnings(li: "incar: {ENCUT: 300}")
        #expect(w.contains { $0.contains("ENCUT differs between its terms (relax/li 300, relax/litfsi 400, relax/tfsi 400)") }, "\(w)")
    }

    /// LREAL shifts total energies: a term with reciprocal-space projectors (VASP's default, not written)
    /// beside real-space ones is flagged, with the default named.
    @Test func lrealDifferenceIsFlagged() throws {
        #expect(
            try warnings(li: "incar: {LREAL: .FALSE.}").contains {
                $0.contains("LREAL differs between its terms (relax/li .FALSE., relax/litfsi Auto, relax/tfsi Auto)")
            })
    }

    @Test func smearingAndKpointsAreNotFlagged() throws {
        #expect(try warnings(li: "incar: {ISMEAR: -1, SIGMA: 0.01}, kpoints: {gamma: [2, 2, 2]}").isEmpty)
    }
}
