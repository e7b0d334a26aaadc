import Analysis
import Foundation
import Study
import TestSupport
import Testing

/// Run folders → energies and settings: vasprun first, OUTCAR as the fallback.
@Suite struct CalculationLoaderTests {
    static let run3 = "adsorption/atomate_Ir_H/3/outputs"

    @Test func folderWithVasprun() throws {
        guard Corpus.available else { return }
        let c = try CalculationLoader.load(Corpus.path(Self.run3))
        #expect(c.format == "vasprun.xml")
        #expect(c.energy == -130.36848031)
        #expect(c.settings.encut == 400)
        #expect(c.settings.potcarTitles == ["PAW_PBE H 15Jun2001", "PAW_PBE Ir 06Sep2000"])
        #expect(c.settings.vaspVersion == "5.4.1")
        #expect(c.settings.netCharge == 0)
        #expect(c.composition == ["H": 1, "Ir": 16])
        #expect(c.nelect == 145)
        #expect(c.valencePerAtom?.count == 17)
        #expect(c.warnings.isEmpty)
    }

    /// Without vasprun.xml the OUTCAR gives the same E(σ→0) and the same settings.
    @Test func outcarFallback() throws {
        guard Corpus.available else { return }
        let root = try Corpus.tree(["run/OUTCAR.gz": "\(Self.run3)/OUTCAR.gz"], label: "outcar-only")
        defer { StudyFixture.remove(root) }
        let c = try CalculationLoader.load(root + "/run")
        #expect(c.format == "OUTCAR")
        #expect(c.energy == -130.36848031)
        #expect(c.settings.encut == 400)
        #expect(c.settings.potcarTitles == ["PAW_PBE H 15Jun2001", "PAW_PBE Ir 06Sep2000"])
        #expect(c.settings.netCharge == 0)
        #expect(c.composition == ["H": 1, "Ir": 16])
        #expect(c.warnings.contains { $0.contains("no vasprun.xml") })
        let term = try #require(c.energyTerm(label: "AB"))
        #expect(term.source == .calculation(file: root + "/run/OUTCAR.gz", rule: CalculationLoader.outcarRule))
    }

    /// A vasprun.xml cut before its first ionic step: the OUTCAR is used and the warning says why.
    @Test func cutVasprunFallsBackToOutcar() throws {
        guard Corpus.available else { return }
        let root = try Corpus.tree(["run/OUTCAR.gz": "\(Self.run3)/OUTCAR.gz"], label: "cut-vasprun")
        defer { StudyFixture.remove(root) }
        let header = """
            <?xml version="1.0" encoding="ISO-8859-1"?>
            <modeling>
             <generator>
              <i name="program" type="string">vasp </i>
              <i name="version" type="string">5.4.1  </i>
             </generator>
            """
        try StudyFixture.write(header, to: "run/vasprun.xml", in: root)
        let c = try CalculationLoader.load(root + "/run")
        #expect(c.format == "OUTCAR")
        #expect(c.energy == -130.36848031)
        #expect(c.warnings.contains { $0.contains("cut short") || $0.contains("could not be read") })
    }

    @Test func emptyFolderIsAnError() throws {
        let root = try StudyFixture.temporaryFolder("calc-empty")
        defer { StudyFixture.remove(root) }
        #expect(throws: StudyError.self) { try CalculationLoader.load(root) }
    }
}
