import Analysis
import Chemistry
import Foundation
import FoundationXML
import Testing

@testable import Report

/// DOS tables, JSON and the Fig. 2a-style plot on a small spin-polarised DOS.
@Suite struct DosReportTests {
    static func dos() -> DensityOfStates {
        let energies = (0..<11).map { Double($0) - 5 }
        let up: [Double] = [0, 1, 2, 1, 0, 0, 0, 1, 2, 1, 0]
        let down = up.map { $0 * 0.5 }
        let total = ShapedArray(shape: [2, 11], values: ContiguousArray(up + down))!
        var partial = [Double](repeating: 0, count: 2 * 2 * 11 * 9)
        for c in 0..<2 { for e in 0..<11 { for o in 4..<9 { partial[((0 * 2 + c) * 11 + e) * 9 + o] = (c == 0 ? up : down)[e] / 5 } } }
        return DensityOfStates(
            efermi: 0, energies: energies, total: total, integrated: total,
            partial: ShapedArray(shape: [2, 2, 11, 9], values: ContiguousArray(partial)),
            orbitalLabels: ["s", "py", "pz", "px", "dxy", "dyz", "dz2", "dxz", "x2-y2"], isNoncollinear: false)
    }

    @Test func bandTableAndJSON() throws {
        let selection = DosReport.Selection(label: "Co (1 atom)", atoms: [0], shell: .d)
        let bands = bandDescriptors(Self.dos(), atoms: [0])
        #expect(bands.map(\.spin) == [.up, .down, .summed])
        let table = DosReport.bandTable([(selection, bands)], efermi: 0, window: -4...4)
        #expect(table.rows.count == 3)
        #expect(table.title?.contains("[-4, 4] eV around E_F") == true)
        let gaps = [(SpinChannel.summed, try #require(dosGap(Self.dos())))]
        let json = DosReport.json(file: "f", efermi: 0, gaps: gaps, tolerance: 1e-4, absolute: false, groups: [(selection, bands)], window: -4...4)
        let object = try #require(JSONSerialization.jsonObject(with: Data(json.serialized().utf8)) as? [String: Any])
        let band = try #require(object["band"] as? [[String: Any]])
        #expect(band.count == 3 && band[0]["atom_indices"] as? [Int] == [1])
        #expect(abs(((object["gap"] as? [String: Any])?["channels"] as? [[String: Any]])?.first?["gap"] as? Double ?? .nan) > 0)
    }

    /// Spin down is mirrored below zero and kept out of the legend.
    @Test func plotMirrorsSpinDown() throws {
        let selection = DosReport.Selection(label: "Co", atoms: [0], shell: .d)
        let plot = DosReport.plot(Self.dos(), selection: selection, window: -3...3)
        #expect(plot.series.map(\.name) == ["total", "", "Co d", ""])
        #expect(plot.series[1].y.allSatisfy { $0 <= 0 } && plot.series[1].y.contains { $0 < 0 })
        #expect(plot.series[0].x.first == -3 && plot.series[0].x.last == 3)
        let document = try XMLDocument(xmlString: plot.svg())
        #expect(document.rootElement()?.name == "svg")
    }
}
