import Study

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The output formats of a ``Table``.
public enum TableFormat: String, Sendable, Hashable, CaseIterable {
    /// Aligned columns for a terminal, the title above and the notes below.
    case text
    /// A GitHub-flavoured Markdown table (title in bold above it, notes as a list below).
    case markdown = "md"
    /// RFC 4180 CSV: a header row of column keys, numbers at full precision, no title or notes.
    case csv
    /// One JSON object: `{"title", "columns": [{"key", "title", "unit"}], "rows": [{key: value}], "notes"}`,
    /// numbers at full precision (shortest text that reads back exactly), non-finite numbers as `null`.
    case json
    /// A LaTeX `tabular` with booktabs rules (`\toprule`, `\midrule`, `\bottomrule`).
    case tex
}

/// One column of a ``Table``.
public struct TableColumn: Sendable, Hashable {
    /// Machine name: the CSV header and the JSON key (snake_case, pymatgen's name where it has one).
    public var key: String
    /// Human header (text, Markdown, LaTeX).
    public var title: String
    /// Unit shown after the title in parentheses (`"eV"`, `"Å"`, `"e/Å³"`), or `nil`.
    public var unit: String?
    /// Decimals for numbers in text, Markdown and LaTeX; `nil` prints the shortest exact form. CSV and JSON
    /// always print full precision.
    public var decimals: Int?
    /// `true`/`false` aligns the column right/left whatever its cells; `nil` aligns right a column that
    /// holds numbers. (The plan's charge column holds `+1`, text, and is aligned as the numbers beside it.)
    public var alignRight: Bool?

    /// A column.
    public init(key: String, title: String, unit: String? = nil, decimals: Int? = nil, alignRight: Bool? = nil) {
        self.key = key
        self.title = title
        self.unit = unit
        self.decimals = decimals
        self.alignRight = alignRight
    }

    /// `title (unit)`, or the title alone.
    public var header: String { unit.map { $0.isEmpty ? title : "\(title) (\($0))" } ?? title }
}

/// One cell of a ``Table``.
public enum TableCell: Sendable, Hashable {
    /// Text (left-aligned in text output).
    case text(String)
    /// A number (right-aligned; printed with the column's decimals).
    case number(Double)
    /// An integer (right-aligned).
    case integer(Int)
    /// No value (`—` in text and Markdown, empty in CSV, `null` in JSON).
    case empty
    /// A cell with a numbered note: the cell followed by ` [k]` in text, Markdown and LaTeX, where `k`
    /// numbers the table's distinct notes in order of first use and each note is printed once under the
    /// table (``Table/footnotes``). CSV prints the cell alone and the row's notes in a last `notes`
    /// column; JSON prints the cell alone and the notes under `footnotes`. `[k]` rather than a
    /// superscript: it survives an ASCII terminal, `grep` and a copy into an e-mail.
    indirect case noted(TableCell, note: String)

    /// A value that cannot be given: `n/a (cause) [k]`, with the full reason as note `k`.
    /// `cause` is one or two words (`missing`, `truncated`, `guard`…).
    public static func unavailable(cause: String, reason: String) -> TableCell {
        let cell = TableCell.text(cause.isEmpty ? "n/a" : "n/a (\(cause))")
        return reason.isEmpty ? cell : .noted(cell, note: reason)
    }

    /// The cell without its note.
    var plain: TableCell {
        if case .noted(let inner, _) = self { return inner.plain }
        return self
    }

    /// The note, if any.
    var note: String? {
        if case .noted(let inner, let note) = self { return inner.note ?? note }
        return nil
    }
}

/// A table of results rendered as human text, Markdown, CSV, JSON or LaTeX — the one place where Cascade
/// formats tables (numbers are computed in Analysis, formatted here).
///
/// ```swift
/// var table = Table(title: "Planar average along c", columns: [
///     TableColumn(key: "z", title: "z", unit: "Å", decimals: 4),
///     TableColumn(key: "rho", title: "ρ̄", unit: "e/Å³", decimals: 6)])
/// table.append([.number(0.0), .number(0.0123)])
/// print(table.render(.markdown))
/// ```
public struct Table: Sendable, Hashable {
    /// A line above the table (text, Markdown, LaTeX caption comment, JSON `title`), or `nil`.
    public var title: String?
    /// The columns.
    public var columns: [TableColumn]
    /// The rows; each has one cell per column.
    public private(set) var rows: [[TableCell]]
    /// Lines printed below the table (conventions, signs, provenance), and in JSON under `notes`.
    public var notes: [String]
    /// Text output draws a line of dashes under the header; `false` leaves it out (the generation plan,
    /// whose header reads as one more row of names).
    public var headerRule = true

    /// An empty table with these columns.
    public init(title: String? = nil, columns: [TableColumn], rows: [[TableCell]] = [], notes: [String] = []) {
        self.title = title
        self.columns = columns
        self.rows = []
        self.notes = notes
        for row in rows { append(row) }
    }

    /// Appends a row; missing cells become ``TableCell/empty``, extra cells are dropped.
    public mutating func append(_ row: [TableCell]) {
        var cells = Array(row.prefix(columns.count))
        while cells.count < columns.count { cells.append(.empty) }
        rows.append(cells)
    }

    /// In every row, an `n/a` cell whose note an earlier cell of the row already carries becomes a plain
    /// `n/a`: a calculation that gives nothing says its cause once, in its first value.
    public mutating func collapseRepeatedNotes() {
        rows = rows.map { row in
            var seen = Set<String>()
            return row.map { cell in
                guard let note = cell.note, case .text(let text) = cell.plain, text.hasPrefix("n/a") else { return cell }
                return seen.insert(note).inserted ? cell : .text("n/a")
            }
        }
    }

    /// The table in `format` (ends with a newline).
    public func render(_ format: TableFormat) -> String {
        switch format {
        case .text: return renderText()
        case .markdown: return renderMarkdown()
        case .csv: return renderCSV()
        case .json: return json().serialized() + "\n"
        case .tex: return renderTeX()
        }
    }

    /// The JSON value of ``TableFormat/json``.
    public func json() -> JSONValue {
        var members: [(String, JSONValue)] = []
        members.append(("title", title.map(JSONValue.string) ?? .null))
        members.append(
            (
                "columns",
                .array(
                    columns.map { c in
                        .object([("key", .string(c.key)), ("title", .string(c.title)), ("unit", c.unit.map(JSONValue.string) ?? .null)])
                    })
            ))
        members.append(
            (
                "rows",
                .array(
                    rows.map { row in
                        .object(zip(columns, row).map { ($0.key, Self.jsonCell($1)) })
                    })
            ))
        members.append(("notes", .array(notes.map(JSONValue.string))))
        let footnotes = footnotes
        if !footnotes.isEmpty { members.append(("footnotes", .array(footnotes.map(JSONValue.string)))) }
        return .object(members)
    }

    // MARK: Cells

    static func jsonCell(_ cell: TableCell) -> JSONValue {
        switch cell {
        case .text(let s): return .string(s)
        case .number(let x): return .finite(x)
        case .integer(let i): return .int(i)
        case .empty: return .null
        case .noted(let inner, _): return jsonCell(inner)
        }
    }

    /// The distinct notes of the cells, in order of first use (row by row, left to right): note `k` is
    /// `footnotes[k - 1]`.
    public var footnotes: [String] {
        rows.flatMap { $0.compactMap(\.note) }.uniqueInOrder()
    }

    /// A cell for human output; `numbers` maps each note to its number.
    func display(_ cell: TableCell, _ column: TableColumn, _ numbers: [String: Int] = [:]) -> String {
        switch cell {
        case .text(let s): return s
        case .number(let x): return ReportNumber.format(x, decimals: column.decimals)
        case .integer(let i): return String(i)
        case .empty: return "—"
        case .noted(let inner, let note):
            let text = display(inner, column, numbers)
            return numbers[note].map { "\(text) [\($0)]" } ?? text
        }
    }

    /// Note → number (1-based), for ``display(_:_:_:)``.
    var footnoteNumbers: [String: Int] {
        Dictionary(uniqueKeysWithValues: footnotes.enumerated().map { ($1, $0 + 1) })
    }

    /// The footnotes as `[k] note` lines.
    var footnoteLines: [String] {
        footnotes.enumerated().map { "[\($0 + 1)] \($1)" }
    }

    static func isNumeric(_ cell: TableCell) -> Bool {
        switch cell {
        case .number, .integer: return true
        case .text, .empty: return false
        case .noted(let inner, _): return isNumeric(inner)
        }
    }

    /// A column is right-aligned when it says so, else when it holds numbers.
    func rightAligned(_ c: Int) -> Bool {
        columns[c].alignRight ?? rows.contains { Self.isNumeric($0[c]) }
    }

    // MARK: Formats

    /// Text lines wider than this are wrapped (titles, notes and footnotes; rows are not wrapped).
    public static let textWidth = 160

    private func renderText() -> String {
        let headers = columns.map(\.header)
        let numbers = footnoteNumbers
        let body = rows.map { row in zip(row, columns).map { display($0, $1, numbers) } }
        let widths = columns.indices.map { c in
            ([headers[c]] + body.map { $0[c] }).map(ReportNumber.displayWidth).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.indices.map { c in
                ReportNumber.pad(cells[c], widths[c], right: rightAligned(c))
            }.joined(separator: "  ").trailingBlanksRemoved()
        }
        var out = ""
        if let title { out += title + "\n" }
        out += line(headers) + "\n"
        if headerRule { out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n" }
        for row in body { out += line(row) + "\n" }
        for note in footnoteLines { out += ReportNumber.wrap(note, width: Self.textWidth, indent: 4) }
        for note in notes { out += ReportNumber.wrap(note, width: Self.textWidth, indent: 2) }
        return out
    }

    private func renderMarkdown() -> String {
        func escape(_ s: String) -> String { s.replacingAll("|", with: "\\|") }
        var out = ""
        if let title { out += "**\(escape(title))**\n\n" }
        out += "| " + columns.map { escape($0.header) }.joined(separator: " | ") + " |\n"
        out += "|" + columns.indices.map { rightAligned($0) ? "---:|" : "---|" }.joined() + "\n"
        let numbers = footnoteNumbers
        for row in rows {
            out += "| " + zip(row, columns).map { escape(display($0, $1, numbers)) }.joined(separator: " | ") + " |\n"
        }
        let below = footnoteLines + notes
        if !below.isEmpty {
            out += "\n" + below.map { "- " + escape($0) + "\n" }.joined()
        }
        return out
    }

    private func renderCSV() -> String {
        func quote(_ s: String) -> String {
            guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
            return "\"" + s.replacingAll("\"", with: "\"\"") + "\""
        }
        func cell(_ c: TableCell) -> String {
            switch c {
            case .text(let s): return quote(s)
            case .number(let x): return x.isFinite ? ReportNumber.shortest(x) : (x.isNaN ? "nan" : (x < 0 ? "-inf" : "inf"))
            case .integer(let i): return String(i)
            case .empty: return ""
            case .noted(let inner, _): return cell(inner)
            }
        }
        // The notes of a row in a last column, so that a CSV file alone keeps every reason.
        let noted = rows.contains { $0.contains { $0.note != nil } }
        var out = (columns.map { quote($0.key) } + (noted ? ["notes"] : [])).joined(separator: ",") + "\n"
        for row in rows {
            let notes = row.compactMap(\.note).uniqueInOrder().joined(separator: "; ")
            out += (row.map(cell) + (noted ? [quote(notes)] : [])).joined(separator: ",") + "\n"
        }
        return out
    }

    private func renderTeX() -> String {
        let spec = columns.indices.map { rightAligned($0) ? "r" : "l" }.joined()
        var out = ""
        if let title { out += "% " + title.replacingAll("\n", with: " ") + "\n" }
        out += "\\begin{tabular}{\(spec)}\n\\toprule\n"
        out += columns.map { ReportNumber.texEscape($0.header) }.joined(separator: " & ") + " \\\\\n\\midrule\n"
        let numbers = footnoteNumbers
        for row in rows {
            out +=
                zip(row, columns).map { c, column -> String in
                    if case .empty = c { return "--" }
                    return ReportNumber.texEscape(display(c, column, numbers))
                }.joined(separator: " & ") + " \\\\\n"
        }
        out += "\\bottomrule\n\\end{tabular}\n"
        for note in footnoteLines + notes { out += "% " + note.replacingAll("\n", with: " ") + "\n" }
        return out
    }
}

// MARK: - Number and text helpers shared by the Report writers

/// The one number formatter of Cascade's output (tables, plots, VTST files, command summaries):
/// locale-independent, C `printf` rules.
public enum ReportNumber {
    /// `x` with `decimals` decimals (`%.{d}f`), or the shortest exact form when `decimals` is `nil`;
    /// NaN and infinities as `nan`, `inf`, `-inf`; `-0.000` printed as `0.000`.
    public static func format(_ x: Double, decimals: Int?) -> String {
        guard x.isFinite else { return x.isNaN ? "nan" : (x < 0 ? "-inf" : "inf") }
        guard let decimals else { return shortest(x) }
        let s = fixed(x, decimals: decimals)
        if s.hasPrefix("-"), s.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) { return String(s.dropFirst()) }
        return s
    }

    /// `x` rounded to `decimals` decimals, in its shortest form (`92`, `92.5`, `0.125`): counts and
    /// settings that are usually whole (NELECT, a k-point length).
    public static func rounded(_ x: Double, decimals: Int) -> String {
        guard x.isFinite else { return format(x, decimals: nil) }
        var scale = 1.0
        for _ in 0..<max(0, min(decimals, 15)) { scale *= 10 }
        return shortest((x * scale).rounded() / scale)
    }

    /// `%.{decimals}f`.
    public static func fixed(_ x: Double, decimals: Int) -> String {
        printf("%.\(max(0, min(decimals, 40)))f", x) ?? shortest(x)
    }

    /// `%.{significant}g` (`1.5e-05`, `0.25`), for axis ticks of very small or large values.
    public static func general(_ x: Double, significant: Int) -> String {
        printf("%.\(max(1, min(significant, 17)))g", x) ?? shortest(x)
    }

    /// `x` through one C format with one double conversion, or `nil` when it does not fit 512 bytes.
    private static func printf(_ pattern: String, _ x: Double) -> String? {
        var buffer = [CChar](repeating: 0, count: 512)
        let n = withVaList([x]) { vsnprintf(&buffer, buffer.count, pattern, $0) }
        guard n >= 0, n < buffer.count else { return nil }
        return String(decoding: buffer.prefix(Int(n)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The shortest text that reads back as exactly `x` (`0.5`, `1e-06`, `12.0` → `12`).
    public static func shortest(_ x: Double) -> String {
        if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
        return String(x)
    }

    /// Number of characters as a terminal shows them (Unicode scalars; combining marks count 0).
    public static func displayWidth(_ s: String) -> Int {
        s.unicodeScalars.filter { !(0x0300...0x036F).contains($0.value) }.count
    }

    /// `s` padded with blanks to `width` display characters.
    public static func pad(_ s: String, _ width: Int, right: Bool) -> String {
        let fill = String(repeating: " ", count: max(0, width - displayWidth(s)))
        return right ? fill + s : s + fill
    }

    /// `text` as lines of at most `width` display characters, broken at blanks, continuation lines
    /// indented by `indent` blanks; a word longer than a line stays whole. Each line ends with a newline.
    static func wrap(_ text: String, width: Int, indent: Int) -> String {
        guard displayWidth(text) > width else { return text + "\n" }
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            let candidate = line.isEmpty ? String(word) : line + " " + word
            if displayWidth(candidate) <= width || line.trimmingBlanks().isEmpty {
                line = candidate
            } else {
                lines.append(line)
                line = String(repeating: " ", count: indent) + word
            }
        }
        lines.append(line)
        return lines.map { $0 + "\n" }.joined()
    }

    /// LaTeX special characters escaped (`& % $ # _ { } ~ ^ \`).
    static func texEscape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "\\": out += "\\textbackslash{}"
            case "&", "%", "$", "#", "_", "{", "}": out += "\\" + String(c)
            case "~": out += "\\textasciitilde{}"
            case "^": out += "\\textasciicircum{}"
            default: out.append(c)
            }
        }
        return out
    }
}

extension String {
    /// Every occurrence of `target` replaced by `replacement` (no Foundation).
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }

    /// Without blanks at either end.
    func trimmingBlanks() -> String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }

    /// Without blanks at the end.
    func trailingBlanksRemoved() -> String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
