import Analysis
import ArgumentParser
import Chemistry
import Files
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
        guard let path, !force, FileSystem.occupied(path) else { return }
        throw ValidationError("\(path) exists (\(option)); pass --force to replace it")
    }

    /// Writes a text output atomically.
    static func write(_ text: String, to path: String, force: Bool) throws {
        try AtomicFile.write(text, to: path, force: force)
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

    /// A `--block` choice: the block's position and, when named by role, the roles it accepts.
    struct BlockChoice {
        var index: Int
        var roles: [Volumetric.BlockRole]?

        func accepts(_ role: Volumetric.BlockRole) -> Bool { roles?.contains(role) ?? true }
    }

    /// `--block`: `total`, `magnetization`, `up`, `down`, `m_x`, `m_y`, `m_z` (also `mx`, `x`, …), or the
    /// block's number 1-4 (`second` = 2).
    static func block(_ text: String) throws -> BlockChoice {
        switch text.lowercased() {
        case "total", "1": return BlockChoice(index: 0, roles: nil)
        case "second", "2": return BlockChoice(index: 1, roles: nil)
        case "3": return BlockChoice(index: 2, roles: nil)
        case "4": return BlockChoice(index: 3, roles: nil)
        case "magnetization", "magnetisation", "mag": return BlockChoice(index: 1, roles: [.magnetization])
        case "up", "spin-up", "spinup": return BlockChoice(index: 0, roles: [.spinUp])
        case "down", "spin-down", "spindown": return BlockChoice(index: 1, roles: [.spinDown])
        case "m_x", "mx", "x": return BlockChoice(index: 1, roles: [.x])
        case "m_y", "my", "y": return BlockChoice(index: 2, roles: [.y])
        case "m_z", "mz", "z": return BlockChoice(index: 3, roles: [.z])
        default:
            throw ValidationError("--block: expected total, magnetization, up, down, m_x, m_y, m_z or a block number 1-4, found '\(text)'")
        }
    }

    /// What the blocks of a volumetric file say about its spin: `non-spin-polarised (1 block: total)`,
    /// `spin-polarised (2 blocks: total, magnetization)`, `noncollinear (4 blocks: total, m_x, m_y, m_z)`.
    static func spinDescription(_ v: Volumetric) -> String {
        let roles = v.rolesInFile
        let kind = v.isNoncollinear ? "noncollinear" : v.isSpinPolarized ? "spin-polarised" : roles.count == 1 ? "non-spin-polarised" : "\(roles.count) blocks"
        let names = roles.map { $0.label(for: v.kind) }.joined(separator: ", ")
        return "\(kind) (\(roles.count) block\(roles.count == 1 ? "" : "s"): \(names))"
    }

    /// The last path component, for plot footnotes.
    static func baseName(_ path: String) -> String {
        String(path.split(separator: "/").last ?? Substring(path))
    }
}
