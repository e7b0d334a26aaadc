import Analysis
import Foundation
import TestSupport
import Testing
import VASP

/// Adsorption energetics on `adsorption/atomate_Ir_H` (corpus-ref `atomate_Ir_H.json`: E(AB) − 4·E(slab) =
/// −3.78035003 / −3.51204792 / −3.87803730 eV) and the consistency guard.
@Suite struct EnergeticsTests {
    static func term(_ run: Int, label: String) throws -> EnergyTerm? {
        guard Corpus.available else { return nil }
        let path = Corpus.path("adsorption/atomate_Ir_H/\(run)/outputs/vasprun.xml.gz")
        let v = try Vasprun.read(path: path, options: VasprunOptions(readDOS: false, readEigenvalues: false, readProjections: false))
        let settings = CalculationSettings(
            encut: v.parameters["ENMAX"]?.double, potcarTitles: v.potcarTitles, ivdw: v.incar["IVDW"]?.int,
            vaspVersion: v.vaspVersion, functional: v.incar["GGA"]?.string, netCharge: v.netCharge)
        var composition: [String: Int] = [:]
        for a in v.atoms { composition[a, default: 0] += 1 }
        return EnergyTerm(
            label: label, energy: try #require(v.finalEnergy), source: .calculation(file: path, rule: "final_energy"),
            settings: settings, composition: composition)
    }

    @Test(arguments: [(3, -3.78035003), (4, -3.51204792), (5, -3.87803730)])
    func slabSubtractionMatchesReference(_ run: Int, _ expected: Double) throws {
        guard let complex = try Self.term(run, label: "H/Ir(100)"), let slab = try Self.term(2, label: "Ir(100)") else { return }
        let complexAtoms = try #require(complex.composition)
        let slabAtoms = try #require(slab.composition)
        let m = try #require(hostMultiplicity(complex: complexAtoms, host: slabAtoms))
        #expect(m == 4)
        let result = adsorptionEnergy(complex: complex, host: slab, adsorbate: .number(0, label: "H"), hostMultiplicity: Double(m))
        #expect(abs(result.value - expected) < 1e-8)
        #expect(result.issues.isEmpty)
        #expect(result.formula == "E_ads = E(H/Ir(100)) − 4·E(Ir(100)) − E(H)")
        // With ½E(H₂) given as a number the whole formula applies.
        let halfH2 = -3.3833
        let withH = adsorptionEnergy(complex: complex, host: slab, adsorbate: .number(halfH2, label: "½H2"), hostMultiplicity: 4)
        #expect(abs(withH.value - (expected - halfH2)) < 1e-8)
        #expect(withH.adsorbate.source == .number)
    }

    @Test func guardFlagsEverySetting() {
        let a = EnergyTerm(
            label: "AB", energy: -10, source: .calculation(file: "ab", rule: "r"),
            settings: CalculationSettings(
                encut: 400, potcarTitles: ["PAW_PBE Fe 06Sep2000", "PAW_PBE O 08Apr2002"], ivdw: 12, vaspVersion: "6.3.0", functional: "PE", netCharge: -1))
        let b = EnergyTerm(
            label: "A", energy: -8, source: .calculation(file: "a", rule: "r"),
            settings: CalculationSettings(
                encut: 520, potcarTitles: ["PAW_PBE Fe_pv 06Sep2000"], ivdw: nil, vaspVersion: "5.4.4", functional: "PE", netCharge: 0))
        let c = EnergyTerm(
            label: "B", energy: -1, source: .calculation(file: "b", rule: "r"),
            settings: CalculationSettings(encut: 400, potcarTitles: ["PAW_PBE O 08Apr2002"], ivdw: 12, vaspVersion: "6.3.0", functional: "PE", netCharge: 0))
        let result = adsorptionEnergy(complex: a, host: b, adsorbate: c)
        #expect(result.value == -1)
        let settings = Set(result.issues.map(\.setting))
        #expect(settings == ["ENCUT", "POTCAR", "IVDW", "VASP version", "charge"])
        #expect(result.issues.first { $0.setting == "POTCAR" }?.message.contains("Fe") == true)
        #expect(result.issues.first { $0.setting == "charge" }?.message.contains("-1") == true)
        // Numbers are not checked.
        let numbers = adsorptionEnergy(complex: a, host: .number(-8, label: "A"), adsorbate: .number(-1, label: "B"))
        #expect(numbers.issues.isEmpty)
    }

    @Test func reactionEnergyAndCharges() {
        func t(_ label: String, _ e: Double, _ q: Double) -> EnergyTerm {
            EnergyTerm(label: label, energy: e, source: .calculation(file: label, rule: "r"), settings: CalculationSettings(encut: 400, netCharge: q))
        }
        let balanced = reactionEnergy(reactants: [(1, t("TFSI-", -100, -1)), (1, t("Li+", -1, 1))], products: [(1, t("LiTFSI", -102.5, 0))])
        #expect(balanced.value == -1.5)
        #expect(balanced.issues.isEmpty)
        let unbalanced = reactionEnergy(reactants: [(1, t("TFSI-", -100, -1))], products: [(1, t("TFSI", -99, 0))])
        #expect(unbalanced.issues.map(\.setting) == ["charge"])
    }

    @Test func multiplicityNeedsAWholeRatio() {
        #expect(hostMultiplicity(complex: ["Ir": 16, "H": 1], host: ["Ir": 4]) == 4)
        #expect(hostMultiplicity(complex: ["Ir": 15, "H": 1], host: ["Ir": 4]) == nil)
        #expect(hostMultiplicity(complex: ["Fe": 8, "O": 10], host: ["Fe": 4, "O": 6]) == nil)
        #expect(potcarElement("PAW_PBE Fe_pv 06Sep2000") == "Fe")
        #expect(CalculationSettings(vaspVersion: "6.4.2").vaspMajorVersion == 6)
    }
}

/// Issue 16.4: `tabulate` compares the energy-changing parameters the runs used (PREC, LASPH, DFT+U, ISPIN too).
@Suite struct RunParameterConsistencyTests {
    func term(_ label: String, _ settings: CalculationSettings) -> EnergyTerm {
        EnergyTerm(label: label, energy: -10, source: .calculation(file: label + "/vasprun.xml", rule: "test"), settings: settings)
    }

    @Test func theNewTagsAreCompared() {
        let base = CalculationSettings(encut: 450, prec: "Normal", lasph: false, hubbardU: [], ispin: 1)
        #expect(consistencyIssues([term("a", base), term("b", base)]).isEmpty)
        var other = base
        other.prec = "accurate"
        other.lasph = true
        other.hubbardU = [4.0, 0]
        other.ispin = 2
        let issues = consistencyIssues([term("a", base), term("b", other)])
        #expect(issues.map(\.setting) == ["PREC", "LASPH", "DFT+U", "ISPIN"], "\(issues)")
        #expect(issues.first { $0.setting == "DFT+U" }?.message == "differs between calculations (a: off; b: U = 4.0 0.0)")
        // Same PREC in another case is the same PREC.
        var cased = base
        cased.prec = "normal"
        #expect(consistencyIssues([term("a", base), term("b", cased)]).isEmpty)
    }
}
