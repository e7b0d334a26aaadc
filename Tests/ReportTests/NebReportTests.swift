import Analysis
import Chemistry
import Foundation
import FoundationXML
import Testing

@testable import Report

/// NEB tables, JSON, VTST files and the plot, on a small band built by hand.
@Suite struct NebReportTests {
    /// Three atoms moving along x in a 10 Å box; the images sit 0.5 Å apart (r = 0, 0.5, 1, 1.5, 2 Å after
    /// the 3N distance of one moving atom).
    static func analysis(endEnergy: Double? = -0.1) -> NebBandAnalysis {
        let energies: [Double?] = [-10, -9.6, -9.4, -9.7, endEnergy.map { -10 + $0 }]
        let forces: [Double?] = [nil, -0.5, 0.05, 0.6, nil]
        let images = (0..<5).map { k in
            NebImage(
                label: "0\(k)", energy: energies[k], tangentForce: forces[k], maxForce: k == 0 || k == 4 ? nil : 0.02,
                structure: Structure(
                    lattice: .cubic(10), species: ["H", "H", "O"],
                    cartesianPositions: [SIMD3(1 + 0.5 * Double(k), 1, 1), SIMD3(5, 5, 5), SIMD3(7, 7, 7)]))
        }
        return analyzeNeb(images, ediffg: -0.05, climbing: true)
    }

    @Test func vtstFilesHaveTheirLayout() throws {
        let a = Self.analysis()
        let neb = try #require(NebReport.nebDat(a))
        let lines = neb.split(separator: "\n")
        #expect(lines.count == 5)
        let fields = lines[2].split(separator: " ")
        #expect(fields.count == 5)
        #expect(fields[0] == "2" && fields[4] == "2")
        #expect(Double(fields[1]) == 1.0)
        #expect(abs((Double(fields[2]) ?? .nan) - 0.6) < 1e-9)
        #expect(Double(fields[3]) == 0.05)
        let spline = try #require(NebReport.splineDat(a, points: 10)).split(separator: "\n")
        #expect(spline.count == 4 * 10 + 1)
        // The spline passes through every image: sample 10 of interval 1 is image 2.
        let node = spline[20].split(separator: " ").compactMap { Double($0) }
        #expect(abs(node[0] - 1.0) < 1e-9 && abs(node[1] - 0.6) < 1e-9 && abs(node[2] - 0.05) < 1e-9 && node[3] == 2)
        let exts = try #require(NebReport.extsDat(a))
        #expect(exts.split(separator: "\n").count == a.forceFit?.extrema.count)
        #expect(exts.hasPrefix("Extrema 1 found at image "))
        #expect(!spline.contains { $0.contains("-0.000000000") })
    }

    @Test func tablesAndJSON() throws {
        let a = Self.analysis()
        let images = NebReport.imageTable(a, energyFiles: ["a", "b", "c", "d", "e"])
        #expect(images.rows.count == 5)
        #expect(images.render(.csv).split(separator: "\n").first == "image,r,energy,energy_rel,tangent_force,max_force,energy_file")
        let barriers = NebReport.barrierTable(a)
        #expect(barriers.rows.count == 4)
        #expect(barriers.notes.contains { $0.hasPrefix("reaction energy") })
        let json = NebReport.json(a, source: "band").serialized()
        let object = try #require(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        for key in ["images", "force_fit", "energy_fit", "pymatgen_get_extrema_maxima", "reaction_energy", "barrier_spread", "climbing", "notes"] {
            #expect(object[key] != nil, "missing \(key)")
        }
        #expect((object["climbing"] as? [String: Any])?["passed"] as? Bool == true)
    }

    @Test func missingEndPointIsNoted() {
        let a = Self.analysis(endEnergy: nil)
        let table = NebReport.imageTable(a)
        #expect(table.notes.contains { $0.contains("no energy for image(s) 04") })
        #expect(NebReport.nebDat(a)?.split(separator: "\n").count == 4)
    }

    /// The plot is well-formed XML with the two fits, the images and the barrier marker.
    @Test func plotParsesAndHasItsSeries() throws {
        let plot = try #require(NebReport.plot(Self.analysis()))
        #expect(plot.series.map(\.name) == ["force-based fit (VTST)", "energy-only spline (pymatgen)", "images"])
        #expect(zip(plot.series[2].x, [0, 0.5, 1, 1.5, 2]).allSatisfy { abs($0 - $1) < 1e-12 })
        let document = try XMLDocument(xmlString: plot.svg())
        #expect(document.rootElement()?.name == "svg")
        #expect(plot.svg().contains("E‡ = "))
    }
}
