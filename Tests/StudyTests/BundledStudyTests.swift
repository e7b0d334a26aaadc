import Foundation
import Study
import Testing
import VASP

/// The founding study as shipped: templates/studies/tfsi-mof-copc.yaml on structures/.
@Suite struct BundledStudyTests {
    static var manifestPath: String { StudyFixture.templates + "/studies/tfsi-mof-copc.yaml" }
    static var structuresReady: Bool { StudyFixture.exists(StudyFixture.packageRoot + "/structures/structures.yaml") }

    /// The manifest itself decodes and names everything it uses (needs no structures).
    @Test func manifestDecodes() throws {
        let m = try StudyManifest.load(path: Self.manifestPath)
        #expect(m.study == "tfsi-mof-copc")
        #expect(m.systems.count == 25)
        let bySet = Dictionary(grouping: m.calculations, by: \.set).mapValues(\.count)
        #expect(bySet == ["relax": 25, "static": 8, "bader": 8, "neb": 12])
        // Δρ (Fig. 2c) from the relaxed composite and its two frozen fragments, never parts relaxed on their own.
        let fragments = m.calculations.filter { $0.fragmentOf != nil }
        #expect(fragments.map(\.name) == ["frozen/mof", "frozen/copc"])
        #expect(fragments.allSatisfy { $0.fragmentOf?.source == "relax/mof-copc" && $0.dependencies == ["relax/mof-copc"] })
        #expect(m.quantities.energies.count == 6)
        #expect(m.quantities.pathways.count == 3 && m.quantities.pathways.allSatisfy { $0.steps.count == 4 })
        #expect(m.quantities.bonds.first?.elements == ["C", "F"])
        #expect(m.structuresFolder.hasSuffix("/structures"))
        #expect(m.jobTemplate?.hasSuffix("/templates/slurm.sh") == true)
        let eq5 = try #require(m.quantities.energies.first { $0.source?.hasPrefix("eq. 5") == true })
        #expect(eq5.complex == "relax/tfsi-on-mof" && eq5.parts == ["relax/mof", "relax/tfsi"])
        // Every NEB step runs between the relaxed s(i-1) and s(i) of its catalyst.
        for catalyst in ["mof", "copc", "mof-copc"] {
            let steps = m.calculations.filter { $0.name.hasPrefix("neb/\(catalyst)/") }
            #expect(steps.map { $0.neb?.initial } == (0..<4).map { "relax/\(catalyst)-s\($0)" })
            #expect(steps.map { $0.neb?.final } == (1...4).map { "relax/\(catalyst)-s\($0)" })
        }
    }

    /// Generates the whole study into a temporary folder. Skipped until structures/structures.yaml exists.
    @Test(.enabled(if: structuresReady, "structures/structures.yaml does not exist yet (the structures are built separately)"))
    func generatesIntoATemporaryFolder() throws {
        let m = try StudyManifest.load(path: Self.manifestPath)
        let out = try StudyFixture.temporaryFolder("bundled") + "/tfsi-mof-copc"
        defer { StudyFixture.remove((out as NSString).deletingLastPathComponent) }
        let plan = try GenerationPlan.make(manifest: m, options: GenerationOptions(outputFolder: out))
        #expect(plan.allErrors.isEmpty, "\(plan.allErrors)")
        #expect(plan.calculations.count == 53)
        let tfsi = try #require(plan.calculations.first { $0.name == "relax/tfsi" })
        #expect(tfsi.nelect == 92 && tfsi.charge == -1 && tfsi.atoms == 15)
        let report = try Generator.write(plan)
        #expect(report.folders.count == 53)
        #expect(try Incar.read(path: out + "/relax/tfsi/INCAR").int("NELECT") == 92)
        for step in ["1-ns-cleavage", "2-cf3-loss", "3-cf-cleavage", "4-lif"] {
            let images = try Incar.read(path: out + "/neb/copc/\(step)/INCAR").int("IMAGES") ?? 0
            #expect(images >= 1)
            #expect(StudyFixture.exists(out + "/neb/copc/\(step)/0\(images + 1)/POSCAR"))
        }
        #expect(StudyFixture.exists(out + "/submit.sh"))
    }
}
