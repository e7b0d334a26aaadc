import Analysis

/// The bond table between states (seed Table S1 shape) as a table and JSON.
public enum BondReport {
    /// One row per pair: its label, its length in each state, the change, and a broken/formed flag.
    /// `states` names the columns (e.g. the two files, or the image labels).
    public static func table(_ traces: [BondTrace], states: [String], scale: Double, title: String? = nil) -> Table {
        var columns = [TableColumn(key: "bond", title: "bond")]
        for (k, s) in states.enumerated() { columns.append(TableColumn(key: "length_\(k)", title: s, unit: "Å", decimals: 3)) }
        columns.append(TableColumn(key: "change", title: "Δ (last − first)", unit: "Å", decimals: 3))
        columns.append(TableColumn(key: "status", title: "status"))
        var table = Table(title: title, columns: columns)
        for t in traces {
            let status =
                t.broken ? "broken" : (t.formed ? "formed" : (t.bonded.allSatisfy { $0 } ? "bonded" : (t.bonded.contains(true) ? "changes" : "not bonded")))
            table.append([.text(t.label)] + t.lengths.map(TableCell.number) + [.number(t.change), .text(status)])
        }
        table.notes = [
            "minimum-image distances; bonded when d ≤ \(ReportNumber.shortest(scale)) × (r_cov,i + r_cov,j) (Cordero et al. 2008); atoms numbered from 1"
        ]
        return table
    }

    /// The table as JSON.
    public static func json(_ traces: [BondTrace], states: [String], scale: Double) -> JSONValue {
        .object([
            ("schema_version", .int(1)),
            ("states", .array(states.map(JSONValue.string))),
            ("scale", .finite(scale)),
            (
                "bonds",
                .array(
                    traces.map { t in
                        .object([
                            ("bond", .string(t.label)), ("i", .int(t.i + 1)), ("j", .int(t.j + 1)),
                            ("lengths", .array(t.lengths.map(JSONValue.finite))), ("bonded", .array(t.bonded.map(JSONValue.bool))),
                            ("change", .finite(t.change)), ("broken", .bool(t.broken)), ("formed", .bool(t.formed))
                        ])
                    })
            ),
            ("units", .object([("lengths", .string("Å")), ("i", .string("1-based"))]))
        ])
    }
}
