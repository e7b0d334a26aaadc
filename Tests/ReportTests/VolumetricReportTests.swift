import Analysis
import Chemistry
import Testing

@testable import Report

@Suite struct VolumetricReportTests {
    static func profile() throws -> PlanarProfile {
        var values = ContiguousArray<Double>()
        for k in 0..<4 { for _ in 0..<4 { values.append(Double(k) - 1.5) } }
        let grid = try #require(VolumetricGrid(dimensions: SIMD3(2, 2, 4), lattice: .cubic(4), values: values))
        return try planarProfile(grid, axis: 2)
    }

    @Test func planarTableOfADifferenceDensity() throws {
        let table = VolumetricReport.planarTable(try Self.profile(), quantity: .charge(symbol: "Δρ"), notes: ["sign"])
        #expect(table.columns.map(\.key) == ["position", "fractional", "average", "density", "linear_density", "cumulative_charge"])
        #expect(table.columns.last?.title == "ΔQ")
        #expect(table.rows.count == 4)
        #expect(table.rows[3][5] == .number(0))  // a neutral Δρ: ΔQ returns to 0
        #expect(table.title == "Planar average along c")
        let potential = VolumetricReport.planarTable(try Self.profile(), quantity: .potential)
        #expect(potential.columns.map(\.unit) == ["Å", nil, "eV"])
    }

    @Test func plotsCarryTheirAxesAndFootnotes() throws {
        let plot = VolumetricReport.planarPlot(try Self.profile(), quantity: .charge(symbol: "Δρ"), footnote: "Δρ > 0: accumulation")
        #expect(plot.secondaryY?.title == "ΔQ (e)")
        #expect(plot.series.count == 2)
        #expect(plot.series[0].fill == .toZero)
        #expect(plot.svg().contains("Δρ &gt; 0: accumulation"))
    }

    @Test func rdfAndProfileTables() throws {
        let s = Structure(lattice: .cubic(2), species: ["Li"], fractionalPositions: [.zero])
        let t = try Trajectory(structures: [s])
        let rdf = try radialDistribution(t, centers: .species(["Li"]), neighbors: .species(["Li"]), rMax: 3, bins: 3)
        let table = VolumetricReport.rdfTable(rdf, pair: "Li–Li")
        #expect(table.render(.csv).split(separator: "\n").first == "r,g,n")
        #expect(table.rows[2][2] == .number(18))
        let svg = VolumetricReport.rdfPlot(rdf, pair: "Li–Li").svg()
        #expect(svg.contains(">n(r)</text>"))
        let p = try densityProfile(t, group: .species(["Li"]), axis: 2, bins: 4)
        let profile = VolumetricReport.profileTable(p, group: "Li")
        #expect(profile.rows.count == 4)
        #expect(VolumetricReport.histogramEdges(p) == [0, 0.5, 1, 1.5, 2])
    }
}
