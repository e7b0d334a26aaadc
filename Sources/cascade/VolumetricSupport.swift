import ArgumentParser
import Analysis
import Chemistry
import Report
import VASP

/// Options and helpers shared by `chgdiff`, `chgsum`, `planar`, `rdf` and `profile`.
enum VolumetricCLI {
    /// `--format`: how tables are printed on standard output.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, md, csv, json, tex

        var tableFormat: TableFormat {
            switch self {
            case .text: return .text
            case .md: return .markdown
            case .csv: return .csv
            case .json: return .json
            case .tex: return .tex
            }
        }
    }

    /// `x`/`a`/`0` → 0, `y`/`b`/`1` → 1, `z`/`c`/`2` → 2.
    static func axis(_ text: String) throws -> Int {
        if let index = ["0", "1", "2"].firstIndex(of: text) { return index }
        guard let index = latticeAxis(named: text) else {
            throw ValidationError("expected an axis x, y or z (a, b, c), found '\(text)'")
        }
        return index
    }

    /// A table as printed on standard output: the ``Table/jsonDocument()`` (with `schema_version`)
    /// for `--format json`, the rendered table otherwise.
    static func render(_ table: Table, format: Format) -> String {
        format == .json ? table.jsonDocument().serialized() + "\n" : table.render(format.tableFormat)
    }

    /// Refuses early (before any file is read) to overwrite an existing output without `--force`.
    static func checkWritable(_ path: String?, force: Bool, option: String) throws {
        guard let path, !force, TextOutput.exists(path) else { return }
        throw ValidationError("\(path) exists (\(option)); pass --force to replace it")
    }

    /// Writes a text output atomically.
    static func write(_ text: String, to path: String, force: Bool) throws {
        try TextOutput.write(text, to: path, force: force)
    }

    /// Prints the reader's warnings on standard error.
    static func printWarnings(_ warnings: [ReadWarning]) {
        for warning in warnings { printError("warning: \(warning)") }
    }

    /// An atom selection typed by the user (`Li`, `O,F`, `1-24,30`).
    static func selection(_ text: String, option: String) throws -> AtomSelection {
        guard let s = AtomSelection(parsing: text) else {
            throw ValidationError("\(option): expected species (Li or O,F) or 1-based atom numbers (1-24,30), found '\(text)'")
        }
        return s
    }

    /// A frame selection typed by the user (`0:100:2`, `-50:`, `::10`).
    static func frames(_ text: String?) throws -> FrameSelection {
        guard let text else { return .all }
        guard let s = FrameSelection(parsing: text) else {
            throw ValidationError("--frames: expected START:END:STRIDE (0-based, END exclusive, each part optional, e.g. 100: or ::5), found '\(text)'")
        }
        return s
    }

    /// The table quantity for a volumetric file kind.
    static func quantity(_ kind: Volumetric.Kind, symbol: String = "ρ") -> VolumetricReport.Quantity {
        switch kind {
        case .locpot: return .potential
        case .elfcar: return .elf
        default: return .charge(symbol: symbol)
        }
    }

    /// The last path component, for plot footnotes.
    static func baseName(_ path: String) -> String {
        String(path.split(separator: "/").last ?? Substring(path))
    }
}
