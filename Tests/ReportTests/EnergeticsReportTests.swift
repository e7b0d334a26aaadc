import Analysis
import Foundation
import Testing

@testable import Report

@Suite struct EnergeticsReportTests {
    @Test func adsorptionSaysWhichAdsorbateWasUsed() throws {
        let complex = EnergyTerm(
            label: "AB", energy: -130.36848031, source: .calculation(file: "3/vasprun.xml.gz", rule: "rule"), settings: CalculationSettings(encut: 400))
        let host = EnergyTerm(
            label: "A", energy: -31.64703257, source: .calculation(file: "2/vasprun.xml.gz", rule: "rule"), settings: CalculationSettings(encut: 400))
        let result = adsorptionEnergy(complex: complex, host: host, adsorbate: .number(0, label: "B"), hostMultiplicity: 4)
        let table = EnergeticsReport.adsorptionTable(result)
        #expect(table.rows.count == 4)
        #expect(table.rows[3][3] == .number(result.value))
        #expect(table.notes.contains { $0.contains("number given by the user") })
        let object = try #require(JSONSerialization.jsonObject(with: Data(EnergeticsReport.adsorptionJSON(result).serialized().utf8)) as? [String: Any])
        #expect(abs((object["adsorption_energy"] as? Double ?? .nan) - -3.78035003) < 1e-8)
        #expect((object["terms"] as? [[String: Any]])?.last?["source"] as? String == "number")
    }

    @Test func pathwayComparisonTable() {
        let a = Pathway(
            catalyst: "MOF", steps: [PathwayStep(name: "N–S", reactionEnergy: -0.4, barrier: 0.9), PathwayStep(name: "C–S", reactionEnergy: 0.2, barrier: 1.1)])
        let b = Pathway(catalyst: "CoPc", steps: [PathwayStep(name: "N–S", reactionEnergy: -0.6, barrier: 0.6)])
        let table = EnergeticsReport.pathwayTable(comparePathways([a, b]))
        #expect(table.columns.map(\.key) == ["step", "dE_MOF", "Ea_MOF", "dE_CoPc", "Ea_CoPc"])
        #expect(table.rows[1][3] == .empty)
        #expect(table.notes == ["MOF: rate-determining step C–S (highest barrier, 1.100 eV)", "CoPc: rate-determining step N–S (highest barrier, 0.600 eV)"])
    }
}
