import Analysis
import Chemistry

/// Tables and plots of the volumetric and trajectory analyses (`cascade chgdiff`, `chgsum`, `planar`,
/// `rdf`, `profile`): the one place their numbers are formatted. Units and signs are written into every
/// table's notes and every plot's footnote.
public enum VolumetricReport {
    /// What the values of a planar profile are.
    public enum Quantity: Sendable, Hashable {
        /// A charge density stored as ρ·V_cell; `symbol` names it in headers (`"ρ"`, `"Δρ"`).
        case charge(symbol: String)
        /// A potential in eV (LOCPOT).
        case potential
        /// The electron localisation function (ELFCAR), dimensionless.
        case elf
    }

    static let axisNames = ["a", "b", "c"]

    /// One row per grid plane: height (Å), fractional coordinate, plane average, and for charge data
    /// ρ̄ (e/Å³), λ (e/Å) and the cumulative charge ΔQ (e).
    public static func planarTable(_ p: PlanarProfile, quantity: Quantity, title: String? = nil, notes: [String] = []) -> Table {
        var columns = [
            TableColumn(key: "position", title: "z", unit: "Å", decimals: 4),
            TableColumn(key: "fractional", title: "f", decimals: 5)
        ]
        switch quantity {
        case .charge(let symbol):
            columns += [
                TableColumn(key: "average", title: "⟨\(symbol)·V⟩", unit: "e", decimals: 8),
                TableColumn(key: "density", title: "\(symbol)̄", unit: "e/Å³", decimals: 8),
                TableColumn(key: "linear_density", title: "λ", unit: "e/Å", decimals: 8),
                TableColumn(key: "cumulative_charge", title: symbol.hasPrefix("Δ") ? "ΔQ" : "Q", unit: "e", decimals: 6)
            ]
        case .potential:
            columns.append(TableColumn(key: "average", title: "V̄", unit: "eV", decimals: 6))
        case .elf:
            columns.append(TableColumn(key: "average", title: "ELF", decimals: 6))
        }
        var table = Table(title: title ?? "Planar average along \(axisNames[p.axis])", columns: columns, notes: notes)
        for k in p.average.indices {
            var row: [TableCell] = [.number(p.position[k]), .number(p.fractional[k]), .number(p.average[k])]
            if case .charge = quantity {
                row += [.number(p.density[k]), .number(p.linearDensity[k]), .number(p.cumulativeCharge[k])]
            }
            table.append(row)
        }
        return table
    }

    /// The planar average as a plot: λ(z) filled to zero (charge data) or the plane average, with ΔQ(z)
    /// on the right axis for charge data.
    public static func planarPlot(_ p: PlanarProfile, quantity: Quantity, title: String? = nil, footnote: String? = nil) -> SVGPlot {
        let axisName = "height along \(axisNames[p.axis])"
        var plot = SVGPlot(title: title, x: .init(axisName, unit: "Å"), y: .init("", includesZero: true), footnote: footnote)
        switch quantity {
        case .charge(let symbol):
            plot.y = .init("plane-integrated \(symbol) λ", unit: "e/Å", includesZero: true)
            let q = symbol.hasPrefix("Δ") ? "ΔQ" : "Q"
            plot.secondaryY = .init(q, unit: "e", includesZero: true)
            plot.series = [
                .init("λ(z)", x: p.position, y: p.linearDensity, fill: .toZero),
                .init("\(q)(z)", x: p.position, y: p.cumulativeCharge, dashed: true, axis: .right)
            ]
            plot.annotations = [.horizontalLine(y: 0, label: nil)]
        case .potential:
            plot.y = .init("plane-averaged potential", unit: "eV")
            plot.series = [.init("V̄(z)", x: p.position, y: p.average)]
            plot.legend = .none
        case .elf:
            plot.y = .init("plane-averaged ELF", range: 0...1)
            plot.series = [.init("ELF", x: p.position, y: p.average)]
            plot.legend = .none
        }
        return plot
    }

    /// A two-column summary (quantity, value) of a volumetric operation, e.g. the electron count of the
    /// inputs and of the result.
    public static func summaryTable(title: String?, rows: [(String, Double, String)], notes: [String] = []) -> Table {
        var table = Table(
            title: title,
            columns: [
                TableColumn(key: "quantity", title: "quantity"), TableColumn(key: "value", title: "value", decimals: 8),
                TableColumn(key: "unit", title: "unit")
            ],
            notes: notes)
        for (name, value, unit) in rows { table.append([.text(name), .number(value), .text(unit)]) }
        return table
    }

    /// g(r) and n(r), one row per bin.
    public static func rdfTable(_ rdf: RadialDistribution, pair: String, notes: [String] = []) -> Table {
        var table = Table(
            title: "Radial distribution function \(pair) (\(rdf.frames.count) frame\(rdf.frames.count == 1 ? "" : "s"))",
            columns: [
                TableColumn(key: "r", title: "r", unit: "Å", decimals: 4),
                TableColumn(key: "g", title: "g(r)", decimals: 6),
                TableColumn(key: "n", title: "n(r)", decimals: 6)
            ],
            notes: notes)
        for k in rdf.r.indices { table.append([.number(rdf.r[k]), .number(rdf.g[k]), .number(rdf.coordination[k])]) }
        return table
    }

    /// g(r) (left axis) with the running coordination number n(r) (right axis, dashed) and the line g = 1.
    public static func rdfPlot(_ rdf: RadialDistribution, pair: String, footnote: String? = nil) -> SVGPlot {
        SVGPlot(
            title: "Radial distribution function \(pair)",
            x: .init("r", unit: "Å", range: 0...(rdf.upperEdge.last ?? 1)),
            y: .init("g(r)", includesZero: true),
            secondaryY: .init("n(r)", includesZero: true),
            series: [
                .init("g(r)", x: rdf.r, y: rdf.g),
                .init("n(r)", x: rdf.upperEdge, y: rdf.coordination, dashed: true, axis: .right)
            ],
            annotations: [.horizontalLine(y: 1, label: nil)],
            legend: .topLeft, footnote: footnote)
    }

    /// The density profile, one row per bin.
    public static func profileTable(_ p: DensityProfile, group: String, notes: [String] = []) -> Table {
        var table = Table(
            title: "Density profile of \(group) along \(axisNames[p.axis]) (\(p.frames.count) frame\(p.frames.count == 1 ? "" : "s"))",
            columns: [
                TableColumn(key: "position", title: "z", unit: "Å", decimals: 4),
                TableColumn(key: "number_density", title: "density", unit: "Å⁻³", decimals: 6),
                TableColumn(key: "count", title: "atoms per frame", decimals: 5),
                TableColumn(key: "cumulative_count", title: "cumulative", decimals: 5)
            ],
            notes: notes)
        for k in p.position.indices {
            table.append([.number(p.position[k]), .number(p.numberDensity[k]), .number(p.count[k]), .number(p.cumulativeCount[k])])
        }
        return table
    }

    /// The density profile as a filled line.
    public static func profilePlot(_ p: DensityProfile, group: String, footnote: String? = nil) -> SVGPlot {
        SVGPlot(
            title: "Density profile of \(group)",
            x: .init("height along \(axisNames[p.axis])", unit: "Å"),
            y: .init("number density", unit: "Å⁻³", includesZero: true),
            series: [.init(group, x: histogramEdges(p), y: p.numberDensity + [p.numberDensity.last ?? 0], style: .steps, fill: .toZero)],
            legend: .none, footnote: footnote)
    }

    /// Bin edges of a profile (lower edges, then the last upper edge), for a staircase plot.
    static func histogramEdges(_ p: DensityProfile) -> [Double] {
        let lower = p.position.map { $0 - p.binWidth / 2 }
        return lower + [(p.position.last ?? 0) + p.binWidth / 2]
    }
}
