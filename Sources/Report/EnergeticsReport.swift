import Analysis

/// Adsorption and reaction energies as tables and JSON, and the pathway comparison (seed Table S2).
public enum EnergeticsReport {
    /// The terms of an adsorption energy, the result, and the guard's findings.
    public static func adsorptionTable(_ a: AdsorptionEnergy) -> Table {
        var table = Table(
            title: a.formula,
            columns: [
                TableColumn(key: "role", title: "term"),
                TableColumn(key: "label", title: "name"),
                TableColumn(key: "multiplicity", title: "×"),
                TableColumn(key: "energy", title: "E(σ→0)", unit: "eV", decimals: 6),
                TableColumn(key: "source", title: "source")
            ])
        func add(_ role: String, _ t: EnergyTerm, _ m: Double) {
            table.append([.text(role), .text(t.label), .text(ReportNumber.shortest(m)), .number(t.energy), .text(t.source.description)])
        }
        add("E(AB) complex", a.complex, 1)
        add("E(A) host", a.host, a.hostMultiplicity)
        add("E(B) adsorbate", a.adsorbate, a.adsorbateMultiplicity)
        table.append([.text("E_ads"), .empty, .empty, .number(a.value), .text("E(AB) − m·E(A) − k·E(B); negative = binding")])
        var notes: [String] = []
        if a.adsorbate.source == .number { notes.append("the adsorbate energy is a number given by the user, not a calculation: its settings are not checked") }
        notes += a.issues.map { "warning: " + $0.description }
        if a.issues.isEmpty { notes.append("consistency guard: ENCUT, POTCARs, IVDW, VASP major version, functional and charges agree") }
        table.notes = notes
        return table
    }

    /// The adsorption energy as JSON.
    public static func adsorptionJSON(_ a: AdsorptionEnergy, warnings: [String] = []) -> JSONValue {
        func term(_ role: String, _ t: EnergyTerm, _ m: Double) -> JSONValue {
            var members: [(String, JSONValue)] = [
                ("role", .string(role)), ("label", .string(t.label)), ("multiplicity", .finite(m)), ("energy", .finite(t.energy))
            ]
            switch t.source {
            case .calculation(let file, let rule):
                members += [("source", .string("calculation")), ("file", .string(file)), ("rule", .string(rule))]
            case .number:
                members += [("source", .string("number")), ("file", .null), ("rule", .string("given by the user"))]
            }
            members.append(("vasp_version", t.settings?.vaspVersion.map(JSONValue.string) ?? .null))
            return .object(members)
        }
        return .object([
            ("schema_version", .int(1)),
            ("adsorption_energy", .finite(a.value)),
            ("formula", .string(a.formula)),
            (
                "terms",
                .array([term("complex", a.complex, 1), term("host", a.host, a.hostMultiplicity), term("adsorbate", a.adsorbate, a.adsorbateMultiplicity)])
            ),
            ("issues", .array(a.issues.map { .object([("setting", .string($0.setting)), ("message", .string($0.message))]) })),
            ("warnings", .array(warnings.map(JSONValue.string))),
            ("units", .object([("energy", .string("eV, E(sigma->0)"))]))
        ])
    }

    /// Several catalysts side by side: ΔE and barrier per step (seed Table S2), the rate-determining step marked.
    /// Catalyst names longer than ``longName`` characters are headed by letters (`ΔE A`), each letter
    /// named once in the notes, so that the table stays narrow; the CSV/JSON keys keep the names.
    public static func pathwayTable(_ c: PathwayComparison, title: String? = "Reaction pathway") -> Table {
        let letters = c.catalysts.contains { ReportNumber.displayWidth($0) > longName }
        let heads = c.catalysts.indices.map { letters ? letter($0) : c.catalysts[$0] }
        var columns = [TableColumn(key: "step", title: "step")]
        for (name, head) in zip(c.catalysts, heads) {
            columns.append(TableColumn(key: "dE_\(name)", title: "ΔE \(head)", unit: "eV", decimals: 3))
            columns.append(TableColumn(key: "Ea_\(name)", title: "E‡ \(head)", unit: "eV", decimals: 3))
        }
        var table = Table(title: title, columns: columns)
        for (s, step) in c.stepNames.enumerated() {
            var row: [TableCell] = [.text(step)]
            for k in c.catalysts.indices {
                row.append(c.reactionEnergies[s][k].map(TableCell.number) ?? .empty)
                row.append(c.barriers[s][k].map(TableCell.number) ?? .empty)
            }
            table.append(row)
        }
        table.notes =
            (letters ? zip(heads, c.catalysts).map { "\($0): \($1)" } : [])
            + c.catalysts.indices.compactMap { k in
                c.rateDetermining[k].map {
                    "\(heads[k]): rate-determining step \(c.rateDeterminingNames[k] ?? "?") (\($0.rule), \(ReportNumber.format($0.value, decimals: 3)) eV)"
                }
            }
        return table
    }

    /// Longest catalyst name used as a column head.
    public static let longName = 16

    /// `A`, `B`, … `Z`, `AA`, `AB`, …
    static func letter(_ k: Int) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        return k < 26 ? String(alphabet[k]) : letter(k / 26 - 1) + String(alphabet[k % 26])
    }
}
