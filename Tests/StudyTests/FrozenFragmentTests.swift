import Chemistry
import Foundation
import Study
import Testing
import VASP

/// Frozen fragments (`fragment_of:` + `fragment:`, issue 12 A) and per-system spin (`spin: free`, issue 12 D).
@Suite struct FrozenFragmentTests {
    static let fragments = """
          - {name: static/frag-tfsi, set: static, system: tfsi, fragment_of: relax/litfsi, fragment: {atoms: [1-15]}}
          - {name: static/frag-li, set: static, system: li, fragment_of: relax/litfsi, fragment: {atoms: [0]}}
        """

    /// The small study with two more calculations appended to `calculations:`.
    func study(_ extra: String) throws -> (folder: String, manifest: String) {
        let (folder, manifest) = try StudyFixture.smallStudy()
        var text = try StudyFixture.read(manifest)
        let anchor = "quantities:"
        let range = try #require(text.range(of: anchor))
        text.replaceSubrange(range, with: extra + "\nquantities:")
        try text.write(toFile: manifest, atomically: true, encoding: .utf8)
        return (folder, manifest)
    }

    @Test func fragmentsAreCutFromTheCompositeInItsCellAndAtItsPositions() throws {
        let (folder, manifest) = try study(Self.fragments)
        defer { StudyFixture.remove(folder) }
        let out = folder + "/runs"
        let plan = try GeneratorTests.plan(manifest, out: out)
        #expect(plan.allErrors.isEmpty, "\(plan.allErrors)")
        let frag = try #require(plan.calculations.first { $0.name == "static/frag-tfsi" })
        let whole = try #require(plan.calculations.first { $0.name == "relax/litfsi" })
        guard case .single(let part) = frag.geometry, case .single(let composite) = whole.geometry else {
            Issue.record("single geometries expected")
            return
        }
        #expect(part.lattice == composite.lattice)
        #expect(part.species == Array(composite.species[1...15]))
        #expect(zip(part.cartesianPositions, composite.cartesianPositions[1...15]).allSatisfy { ($0 - $1).length < 1e-9 })
        // Charge and spin from the fragment's own system (TFSI⁻), and it waits for the composite.
        #expect(frag.charge == -1 && frag.dependencies == ["relax/litfsi"])
        _ = try Generator.write(plan)
        let job = try StudyFixture.read(out + "/static/frag-tfsi/job.sh")
        #expect(job.contains("test -s ../../relax/litfsi/CONTCAR ||"))
        #expect(job.contains("\"$CASCADE\" fragment ../../relax/litfsi/CONTCAR --atoms 1-15 --out POSCAR --force"))
        let submit = try StudyFixture.read(out + "/submit.sh")
        #expect(submit.contains("submit 'static/frag-tfsi' \"$job3\""), "\(submit)")
    }

    @Test func fragmentOfAnotherCompositionIsRefused() throws {
        let (folder, manifest) = try study("  - {name: static/frag-bad, set: static, system: li, fragment_of: relax/litfsi, fragment: {atoms: [1-15]}}")
        defer { StudyFixture.remove(folder) }
        let plan = try GeneratorTests.plan(manifest, out: folder + "/runs")
        let errors = plan.allErrors.joined(separator: "\n")
        #expect(errors.contains("static/frag-bad") && errors.contains("but its system li is Li (1 atoms)"), "\(errors)")
    }

    @Test func manifestRejectsHalfAFragment() throws {
        let (folder, manifest) = try study("  - {name: static/frag-bad, set: static, system: li, fragment_of: relax/litfsi}")
        defer { StudyFixture.remove(folder) }
        #expect(throws: StudyError.self) { try StudyManifest.load(path: manifest) }
        do {
            _ = try StudyManifest.load(path: manifest)
        } catch {
            #expect("\(error)".contains("needs both 'fragment_of: CALCULATION' and 'fragment:"), "\(error)")
        }
    }

    /// `spin: free` on a system: no NUPDOWN, MAGMOM still written; `spin: fixed` (the set's rule) writes NUPDOWN.
    @Test func freeSpinWritesNoNUPDOWN() throws {
        let (folder, manifest) = try StudyFixture.smallStudy()
        defer { StudyFixture.remove(folder) }
        let index = folder + "/structures/structures.yaml"
        var text = try StudyFixture.read(index)
        text = text.replacingOccurrences(
            of: "{name: turned, file: pathway/tfsi-turned.vasp, charge: -1, multiplicity: 1}",
            with: "{name: turned, file: pathway/tfsi-turned.vasp, charge: -1, multiplicity: 1, spin: free}")
        try text.write(toFile: index, atomically: true, encoding: .utf8)
        let plan = try GeneratorTests.plan(manifest, out: folder + "/runs")
        #expect(plan.allErrors.isEmpty, "\(plan.allErrors)")
        let turned = try #require(plan.calculations.first { $0.name == "relax/turned" })
        let tfsi = try #require(plan.calculations.first { $0.name == "relax/tfsi" })
        #expect(turned.incar["NUPDOWN"] == nil && turned.incar["MAGMOM"] != nil)
        #expect(tfsi.incar.int("NUPDOWN") == 0)
        #expect(turned.notes.contains { $0.contains("spin free for this system: no NUPDOWN") })
    }

    @Test func unknownSpinRuleIsAnErrorListingTheChoices() throws {
        let text = """
            - {name: a, file: a.vasp, charge: 0, multiplicity: 1, spin: loose}
            """
        #expect(throws: StudyError.self) { try StructureIndex.parse(text: text, file: "index.yaml") }
        do {
            _ = try StructureIndex.parse(text: text, file: "index.yaml")
        } catch {
            #expect("\(error)".contains("expected spin: fixed") && "\(error)".contains("or free"), "\(error)")
        }
    }
}
