import Analysis
import Chemistry

/// Tables and JSON of a Bader analysis. The reader's numbers are passed in as plain values (Report does
/// not import VASP).
public enum BaderReport {
    /// One atom's row as the command passes it.
    public struct AtomRow: Sendable, Hashable {
        /// 1-based, as in ACF.dat.
        public var index: Int
        /// The element symbol, from the calculation passed with `--vasprun`; `nil` without it.
        public var element: String?
        /// N, the electrons Bader assigns to the atom (ACF.dat `CHARGE`).
        public var electrons: Double
        /// ZVAL, when known.
        public var valence: Double?
        /// The atom's Bader volume (ACF.dat `ATOMIC VOL`, bader-rs `Volume`), Å³ for a VASP CHGCAR; `nil` in the 2005 dialect.
        public var volume: Double?
        /// Shortest distance from the atom to its basin surface (ACF.dat `MIN DIST`, bader-rs `Distance`), Å for a VASP CHGCAR.
        public var minimumDistance: Double?

        /// One atom's row; electrons and ZVAL in e.
        public init(index: Int, element: String?, electrons: Double, valence: Double?, volume: Double?, minimumDistance: Double?) {
            self.index = index
            self.element = element
            self.electrons = electrons
            self.valence = valence
            self.volume = volume
            self.minimumDistance = minimumDistance
        }

        /// q = ZVAL − N.
        public var netCharge: Double? { valence.map { $0 - electrons } }
    }

    /// Per atom: N, ZVAL, q = ZVAL − N, volume, min dist.
    public static func atomTable(_ rows: [AtomRow], title: String?, notes: [String]) -> Table {
        // Columns nobody has a value for (element and ZVAL without --vasprun, volume in the 2005 dialect) are left out.
        let hasElement = rows.contains { $0.element != nil }
        let hasValence = rows.contains { $0.valence != nil }
        let hasVolume = rows.contains { $0.volume != nil }
        var columns = [TableColumn(key: "atom", title: "atom")]
        if hasElement { columns.append(TableColumn(key: "element", title: "element")) }
        columns.append(TableColumn(key: "charge", title: "N (Bader)", unit: "e", decimals: 4))
        if hasValence {
            columns.append(TableColumn(key: "zval", title: "ZVAL", unit: "e", decimals: 2))
            columns.append(TableColumn(key: "net_charge", title: "q = ZVAL − N", unit: "|e|", decimals: 4))
        }
        if hasVolume { columns.append(TableColumn(key: "atomic_vol", title: "volume", unit: "Å³", decimals: 4)) }
        columns.append(TableColumn(key: "min_dist", title: "min dist", unit: "Å", decimals: 4))
        var table = Table(title: title, columns: columns)
        for r in rows {
            var row: [TableCell] = [.integer(r.index)]
            if hasElement { row.append(r.element.map(TableCell.text) ?? .empty) }
            row.append(.number(r.electrons))
            if hasValence { row += [cell(r.valence), cell(r.netCharge)] }
            if hasVolume { row.append(cell(r.volume)) }
            row.append(cell(r.minimumDistance))
            table.append(row)
        }
        table.notes = notes
        return table
    }

    /// Per fragment: atoms, Σ N, Σ ZVAL, Σ q, reference charge, transferred = q − q_ref.
    public static func fragmentTable(_ fragments: [FragmentCharge], title: String? = "Fragments") -> Table {
        let hasValence = fragments.contains { $0.valence != nil }
        var columns = [
            TableColumn(key: "fragment", title: "fragment"), TableColumn(key: "atoms", title: "atoms"),
            TableColumn(key: "charge", title: "Σ N", unit: "e", decimals: 4)
        ]
        if hasValence {
            columns += [
                TableColumn(key: "zval", title: "Σ ZVAL", unit: "e", decimals: 2),
                TableColumn(key: "net_charge", title: "Σ q", unit: "|e|", decimals: 4),
                TableColumn(key: "reference_charge", title: "q_ref", unit: "|e|", decimals: 2),
                TableColumn(key: "transferred", title: "q − q_ref", unit: "|e|", decimals: 4)
            ]
        }
        var table = Table(title: title, columns: columns)
        for f in fragments {
            var row: [TableCell] = [.text(f.fragment.name), .text(ranges(f.fragment.atoms)), .number(f.electrons)]
            if hasValence { row += [cell(f.valence), cell(f.netCharge), .number(f.fragment.referenceCharge), cell(f.transferred)] }
            table.append(row)
        }
        var notes = hasValence ? ["q − q_ref > 0: the fragment gave electrons away; < 0: it gained them"] : ["Σ q needs ZVAL: give --vasprun"]
        if fragments.count == 2, let t = chargeTransfer(from: fragments[0], to: fragments[1]) {
            notes.append(
                "electrons from \(fragments[0].fragment.name) to \(fragments[1].fragment.name): \(ReportNumber.format(t, decimals: 4)) e ((t_A − t_B)/2)")
        }
        table.notes = notes
        return table
    }

    /// `[0, 1, 2, 5]` → `1-3,6` (1-based ranges).
    public static func ranges(_ atoms: [Int]) -> String { AtomRanges.text(atoms, base: 1) }

    /// The lines under the atom table: dialect, ΣN against the footer, NELECT, and what is missing.
    public static func summaryNotes(
        file: String, program: String, columns: [String], atomCount: Int, sum: Double, footer: [(String, Double)], nelect: Double?,
        hasValence: Bool
    ) -> [String] {
        var notes = ["\(file): \(program) dialect, \(atomCount) atoms, columns \(columns.joined(separator: ", "))"]
        notes.append("ΣN = \(ReportNumber.format(sum, decimals: 6)) e" + footer.map { "; \($0.0) = \(ReportNumber.shortest($0.1))" }.joined())
        if let nelect { notes.append("NELECT = \(ReportNumber.shortest(nelect))") }
        if !hasValence { notes.append("net charges q = ZVAL − N need ZVAL: give --vasprun RUN (a run folder, vasprun.xml or OUTCAR)") }
        return notes
    }

    static func cell(_ x: Double?) -> TableCell { x.map(TableCell.number) ?? .empty }

    /// Everything as one JSON object.
    public static func json(
        file: String, program: String, rows: [AtomRow], footer: [(String, Double)], check: BaderCheck, fragments: [FragmentCharge],
        warnings: [String]
    ) -> JSONValue {
        .object([
            ("schema_version", .int(1)),
            ("file", .string(file)),
            ("program", .string(program)),
            (
                "atoms",
                .array(
                    rows.map { r in
                        .object([
                            ("index", .int(r.index)), ("element", r.element.map(JSONValue.string) ?? .null), ("charge", .finite(r.electrons)),
                            ("zval", .finite(r.valence)), ("net_charge", .finite(r.netCharge)), ("atomic_vol", .finite(r.volume)),
                            ("min_dist", .finite(r.minimumDistance))
                        ])
                    })
            ),
            ("footer", .object(footer.map { ($0.0, JSONValue.finite($0.1)) })),
            ("sum_charge", .finite(check.sumOfAtoms)),
            ("nelect", .finite(check.nelect)),
            (
                "fragments",
                .array(
                    fragments.map { f in
                        .object([
                            ("name", .string(f.fragment.name)), ("atoms", .array(f.fragment.atoms.map { .int($0 + 1) })),
                            ("charge", .finite(f.electrons)), ("zval", .finite(f.valence)), ("net_charge", .finite(f.netCharge)),
                            ("reference_charge", .finite(f.fragment.referenceCharge)), ("transferred", .finite(f.transferred))
                        ])
                    })
            ),
            ("checks", .array(check.warnings.map(JSONValue.string))),
            ("warnings", .array(warnings.map(JSONValue.string))),
            (
                "units",
                .object([
                    ("charge", .string("electrons N (ACF CHARGE)")), ("net_charge", .string("|e|, q = ZVAL − N")),
                    ("atoms", .string("1-based"))
                ])
            )
        ])
    }
}
