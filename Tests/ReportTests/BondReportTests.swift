import Analysis
import Chemistry
import Foundation
import Testing

@testable import Report

@Suite struct BondReportTests {
    @Test func tableS1Columns() throws {
        let a = Structure(lattice: .cubic(10), species: ["C", "F"], cartesianPositions: [SIMD3(5, 5, 5), SIMD3(6.343, 5, 5)])
        let b = Structure(lattice: .cubic(10), species: ["C", "F"], cartesianPositions: [SIMD3(5, 5, 5), SIMD3(6.363, 5, 5)])
        let traces = try bondTable([a, b])
        let table = BondReport.table(traces, states: ["initial", "final"], scale: 1.2)
        #expect(table.columns.map(\.title) == ["bond", "initial", "final", "Δ (last − first)", "status"])
        let line = table.render(.text).split(separator: "\n").first { $0.hasPrefix("C1–F2") }.map { $0.split(separator: " ") }
        #expect(line == ["C1–F2", "1.343", "1.363", "0.020", "bonded"])
        let json = BondReport.json(traces, states: ["initial", "final"], scale: 1.2)
        let object = try #require(JSONSerialization.jsonObject(with: Data(json.serialized().utf8)) as? [String: Any])
        #expect((object["bonds"] as? [[String: Any]])?.first?["i"] as? Int == 1)
    }
}
