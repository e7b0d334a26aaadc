import Analysis
import Foundation
import Testing

@testable import Report

@Suite struct BaderReportTests {
    @Test func rangesAreOneBased() {
        #expect(BaderReport.ranges([0, 1, 2, 5, 7, 8]) == "1-3,6,8-9")
        #expect(BaderReport.ranges([]) == "")
    }

    @Test func emptyColumnsAreLeftOut() {
        let rows = [BaderReport.AtomRow(index: 1, element: nil, electrons: 9.0852, valence: nil, volume: nil, minimumDistance: 1.325)]
        let table = BaderReport.atomTable(rows, title: nil, notes: [])
        #expect(table.columns.map(\.key) == ["atom", "charge", "min_dist"])
        let full = [BaderReport.AtomRow(index: 1, element: "O", electrons: 7.2, valence: 6, volume: 10, minimumDistance: 1)]
        let withZval = BaderReport.atomTable(full, title: nil, notes: [])
        #expect(withZval.columns.map(\.key) == ["atom", "element", "charge", "zval", "net_charge", "atomic_vol", "min_dist"])
        #expect(withZval.rows[0][4] == .number(6 - 7.2))
    }

    @Test func fragmentTableStatesTheTransfer() throws {
        let f = try fragmentCharges(
            electrons: [4.17, 5.0, 10.83, 11.0], valence: [5, 5, 10, 10],
            fragments: [ChargeFragment(name: "CoPc", atoms: [0, 1]), ChargeFragment(name: "TFSI", atoms: [2, 3], referenceCharge: -1)])
        let table = BaderReport.fragmentTable(f)
        #expect(table.rows.count == 2)
        #expect(table.notes.contains { $0.contains("electrons from CoPc to TFSI: 0.8300 e") })
        let json = BaderReport.json(
            file: "ACF.dat", program: "henkelman", rows: [], footer: [("NUMBER OF ELECTRONS", 31)],
            check: baderCheck(electrons: [4.17, 5.0, 10.83, 11.0], reported: 31, nelect: 31, referenceUsed: true), fragments: f, warnings: [])
        let object = try #require(JSONSerialization.jsonObject(with: Data(json.serialized().utf8)) as? [String: Any])
        #expect((object["fragments"] as? [[String: Any]])?.last?["atoms"] as? [Int] == [3, 4])
        #expect((object["checks"] as? [String])?.isEmpty == true)
    }
}
