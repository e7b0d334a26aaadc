import ArgumentParser
import Report

/// Helpers shared by `dos`, `bader`, `neb`, `bonds` and `adsorption`.
enum AnalysisCLI {
    /// `a:b` (eV, relative to E_F; either side may be negative) → a…b.
    static func window(_ text: String) throws -> ClosedRange<Double> {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let a = Double(parts[0].trimmingCharacters()), let b = Double(parts[1].trimmingCharacters()), a < b,
            a.isFinite, b.isFinite
        else {
            throw ValidationError("--window: expected LOW:HIGH in eV relative to E_F with LOW < HIGH (e.g. -10:5), found '\(text)'")
        }
        return a...b
    }

    /// Prints `lines` on standard error, each prefixed (e.g. `warning: `).
    static func printLines(_ lines: [String], prefix: String) {
        for line in lines { printError(prefix + line) }
    }

    /// Prints tables (text, md, tex: all, separated by a blank line; csv: the first only) or a JSON object.
    static func emit(_ tables: [Table], json: JSONValue, format: VolumetricCLI.Format) {
        switch format {
        case .json:
            print(json.serialized())
        case .csv:
            if let first = tables.first { print(first.render(.csv), terminator: "") }
        default:
            print(tables.map { $0.render(format.tableFormat) }.joined(separator: "\n"), terminator: "")
        }
    }
}

extension Substring {
    /// Without blanks at both ends.
    func trimmingCharacters() -> String {
        var s = self
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
