import Analysis
import Chemistry

/// Tables, JSON and the Fig. 2a-style plot of a DOS analysis.
public enum DosReport {
    /// What the user selected for the band descriptors.
    public struct Selection: Sendable, Hashable {
        /// Human label, e.g. `Ir (16 atoms)` or `site 3 (Co)`.
        public var label: String
        /// The atoms (0-based).
        public var atoms: [Int]
        /// The orbital shell whose projected DOS is summed over the atoms (`d`).
        public var shell: OrbitalShell

        /// A selection: its label, its atoms (0-based) and the shell.
        public init(label: String, atoms: [Int], shell: OrbitalShell) {
            self.label = label
            self.atoms = atoms
            self.shell = shell
        }
    }

    /// Band centre, width, filling per selection and spin channel.
    public static func bandTable(
        _ groups: [(selection: Selection, bands: [BandDescriptors])], efermi: Double, window: ClosedRange<Double>?, notes: [String] = []
    ) -> Table {
        let range = window.map { "[\(ReportNumber.shortest($0.lowerBound)), \(ReportNumber.shortest($0.upperBound))] eV around E_F" } ?? "the whole DOS grid"
        var table = Table(
            title: "Band centre, width and filling (E_F = \(ReportNumber.format(efermi, decimals: 4)) eV; window: \(range))",
            columns: [
                TableColumn(key: "selection", title: "atoms"),
                TableColumn(key: "orbital", title: "orbital"),
                TableColumn(key: "spin", title: "spin"),
                TableColumn(key: "band_center", title: "centre ε − E_F", unit: "eV", decimals: 4),
                TableColumn(key: "band_width", title: "width", unit: "eV", decimals: 4),
                TableColumn(key: "band_filling", title: "filling", decimals: 4)
            ])
        for (selection, bands) in groups {
            for d in bands {
                table.append([
                    .text(selection.label), .text(selection.shell.rawValue), .text(d.spin.rawValue), .number(d.center), .number(d.width), .number(d.filling)
                ])
            }
        }
        table.notes =
            notes + [
                "centre = ∫ρE dE/∫ρ dE, width = √(∫ρ(E−ε)² dE/∫ρ dE), filling = ∫_{E<E_F}ρ dE/∫ρ dE over the window; trapezoidal rule on the DOS grid (pymatgen get_band_center/width/filling)"
            ]
        return table
    }

    /// The DOS gap per spin channel.
    public static func gapTable(_ gaps: [(SpinChannel, DOSGap)], tolerance: Double, absolute: Bool) -> Table {
        var table = Table(
            title: "DOS gap (pymatgen Dos.get_gap, tol = \(ReportNumber.shortest(tolerance))\(absolute ? " states/eV" : " × mean DOS"))",
            columns: [
                TableColumn(key: "spin", title: "spin"),
                TableColumn(key: "gap", title: "gap", unit: "eV", decimals: 4),
                TableColumn(key: "vbm", title: "VBM", unit: "eV", decimals: 4),
                TableColumn(key: "cbm", title: "CBM", unit: "eV", decimals: 4),
                TableColumn(key: "threshold", title: "threshold", unit: "states/eV", decimals: 6)
            ])
        for (spin, g) in gaps { table.append([.text(spin.rawValue), .number(g.gap), .number(g.vbm), .number(g.cbm), .number(g.threshold)]) }
        table.notes = ["a DOS gap depends on the grid, the smearing and the threshold; the eigenvalue gap is in `cascade parse`"]
        return table
    }

    /// Everything as one JSON object.
    public static func json(
        file: String, efermi: Double, gaps: [(SpinChannel, DOSGap)], tolerance: Double, absolute: Bool,
        groups: [(selection: Selection, bands: [BandDescriptors])], window: ClosedRange<Double>?, warnings: [String] = []
    ) -> JSONValue {
        .object([
            ("schema_version", .int(1)),
            ("file", .string(file)),
            ("efermi", .finite(efermi)),
            (
                "gap",
                .object([
                    ("tolerance", .finite(tolerance)), ("absolute_tolerance", .bool(absolute)),
                    (
                        "channels",
                        .array(
                            gaps.map { spin, g in
                                .object([
                                    ("spin", .string(spin.rawValue)), ("gap", .finite(g.gap)), ("cbm", .finite(g.cbm)), ("vbm", .finite(g.vbm)),
                                    ("threshold", .finite(g.threshold))
                                ])
                            })
                    )
                ])
            ),
            ("window", window.map { .array([.finite($0.lowerBound), .finite($0.upperBound)]) } ?? .null),
            (
                "band",
                .array(
                    groups.flatMap { selection, bands in
                        bands.map { d in
                            .object([
                                ("atoms", .string(selection.label)), ("atom_indices", .array(selection.atoms.map { .int($0 + 1) })),
                                ("orbital", .string(selection.shell.rawValue)), ("spin", .string(d.spin.rawValue)), ("band_center", .finite(d.center)),
                                ("band_width", .finite(d.width)), ("band_filling", .finite(d.filling))
                            ])
                        }
                    })
            ),
            ("warnings", .array(warnings.map(JSONValue.string))),
            ("units", .object([("energy", .string("eV, band_center relative to E_F")), ("atoms", .string("1-based"))]))
        ])
    }

    /// Fig. 2a style: total DOS (and the selection's projected DOS) against E − E_F, spin down mirrored
    /// below zero, E_F marked; `window` limits the x range.
    public static func plot(
        _ dos: DensityOfStates, selection: Selection?, window: ClosedRange<Double>?, title: String? = nil, footnote: String? = nil
    ) -> SVGPlot {
        let e = dos.energies.map { $0 - dos.efermi }
        var plot = SVGPlot(
            title: title, x: .init("E − E_F", unit: "eV", range: window),
            y: .init(dos.spinCount == 2 ? "DOS, spin ↓ below 0" : "DOS", unit: "states/eV", includesZero: true),
            legend: .topRight, footnote: footnote)
        let spinPolarized = dos.spinCount == 2
        func add(_ name: String, _ density: [Double]?, sign: Double, color: String, fill: Bool) {
            guard let density else { return }
            let kept = e.indices.filter { window?.contains(e[$0]) ?? true }
            plot.series.append(
                .init(
                    name, x: kept.map { e[$0] }, y: kept.map { sign * density[$0] }, color: color, lineWidth: 1.5,
                    fill: fill ? .toZero : nil, fillOpacity: 0.15))
        }
        // Spin down is drawn below zero in the same colour and kept out of the legend (empty name).
        add("total", totalDensity(dos, spin: .up), sign: 1, color: "#444444", fill: true)
        if spinPolarized { add("", totalDensity(dos, spin: .down), sign: -1, color: "#444444", fill: true) }
        if let s = selection {
            let name = "\(s.label) \(s.shell.rawValue)"
            add(name, projectedDensity(dos, atoms: s.atoms, shell: s.shell, spin: .up), sign: 1, color: "#D55E00", fill: false)
            if spinPolarized {
                add("", projectedDensity(dos, atoms: s.atoms, shell: s.shell, spin: .down), sign: -1, color: "#D55E00", fill: false)
            }
        }
        plot.annotations.append(.verticalLine(x: 0, label: "E_F"))
        if spinPolarized {
            plot.annotations.append(.horizontalLine(y: 0, label: nil, dashed: false))
        }
        return plot
    }
}
