import Files

/// A VASP INCAR: tags and typed values in file order.
///
/// Reading (see `docs/formats-inputs.md`):
/// - `TAG = value` statements, one per line or several on a line separated by `;`;
/// - comments start at `#` or `!` (whole line or inline); a line ending in `\` continues on the next;
///   a value in double quotes may contain `#`, `!`, `;` and line breaks (VASP 6);
/// - tag names are case-insensitive and stored upper-case; a tag given twice keeps its first value
///   (as VASP does) with a warning; text without `=` is ignored with a warning (VASP ignores it too);
/// - values are typed from their text: `.TRUE.`/`T`/`True`/`.FALSE.`/`F`/`False` → ``Value/bool(_:)``,
///   `42` → ``Value/int(_:)``, `1E-06`, `0.5`, `1.0D-5` → ``Value/double(_:)``, several numbers or
///   `n*value` repeats (`MAGMOM = 2*5.0 3*0.6`) → ``Value/ints(_:)``, ``Value/doubles(_:)`` (ints mixed with
///   reals widen) or ``Value/bools(_:)``; anything else (`Normal`, `300 eV`, `Rh surface`) → the verbatim
///   text as ``Value/string(_:)``. `SYSTEM`, `ALGO`, `PREC`, `GGA` and `METAGGA` are always strings.
///   Unknown tags are kept like known ones.
///
/// Writing emits one `TAG = value` line per tag in insertion order (the order read, or the order set),
/// with repeats compressed (`17*0.6`) and strings quoted only when they would otherwise read back as
/// something else. `read(write(incar)) == incar` for every value except a string containing `"`, and
/// non-finite doubles.
public struct Incar: Sendable, Hashable {
    /// A typed INCAR value. Numbers have no unit: VASP's own (eV, Å, …) per tag.
    public enum Value: Sendable, Hashable, CustomStringConvertible {
        /// An integer, e.g. `ISPIN = 2`.
        case int(Int)
        /// A real number, e.g. `EDIFF = 1E-06`.
        case double(Double)
        /// A Fortran logical, e.g. `LWAVE = .FALSE.`.
        case bool(Bool)
        /// Anything else, verbatim (quotes removed), e.g. `ALGO = Normal`.
        case string(String)
        /// Several integers, e.g. `KPOINT_BSE = -1 0 0 0`.
        case ints([Int])
        /// Several numbers, at least one real, e.g. `MAGMOM = 2*5.0 3*0.6`.
        case doubles([Double])
        /// Several logicals.
        case bools([Bool])

        /// The value as INCAR text (repeats compressed as `n*value`; strings unquoted).
        public var description: String { IncarWriter.text(of: self) }
    }

    /// One tag and its value.
    public struct Entry: Sendable, Hashable {
        /// Upper-case tag name, e.g. `ENCUT`.
        public var tag: String
        /// Its value.
        public var value: Value

        /// An entry; `tag` is upper-cased.
        public init(tag: String, value: Value) {
            self.tag = tag.uppercased()
            self.value = value
        }
    }

    /// Tags and values in file (or insertion) order, each tag once.
    public private(set) var entries: [Entry]
    /// Non-fatal findings of the reader (repeated tags, ignored text). Not part of the value: `==` and
    /// `hash(into:)` ignore it.
    public var warnings: [ReadWarning]

    /// An INCAR from entries in order; a repeated tag replaces the earlier value in place.
    public init(entries: [Entry] = [], warnings: [ReadWarning] = []) {
        self.entries = []
        self.warnings = warnings
        for entry in entries { self[entry.tag] = entry.value }
    }

    /// An INCAR from literal pairs, e.g. `Incar(["ENCUT": 520, "ISMEAR": 0, "SIGMA": 0.05])`.
    public init(_ pairs: KeyValuePairs<String, Value>) {
        self.init(entries: pairs.map { Entry(tag: $0.key, value: $0.value) })
    }

    /// Equal when the entries are equal and in the same order (warnings are ignored).
    public static func == (lhs: Incar, rhs: Incar) -> Bool { lhs.entries == rhs.entries }

    /// Hashes the entries in order (not the warnings).
    public func hash(into hasher: inout Hasher) { hasher.combine(entries) }

    /// Upper-case tag names in order.
    public var tags: [String] { entries.map(\.tag) }

    /// The value of `tag` (any case). Setting a new tag appends it; setting an existing one replaces it
    /// in place; setting `nil` removes it.
    public subscript(tag: String) -> Value? {
        get {
            let key = tag.uppercased()
            return entries.first(where: { $0.tag == key })?.value
        }
        set {
            let key = tag.uppercased()
            let index = entries.firstIndex(where: { $0.tag == key })
            switch (index, newValue) {
            case (let i?, let v?): entries[i].value = v
            case (let i?, nil): entries.remove(at: i)
            case (nil, let v?): entries.append(Entry(tag: key, value: v))
            case (nil, nil): break
            }
        }
    }
}

// MARK: - Typed access

extension Incar {
    /// `tag` as an integer: an int, a whole real, or a string starting with one (`"400 eV"` → 400).
    public func int(_ tag: String) -> Int? {
        if case .int(let i)? = self[tag] { return i }
        guard let d = double(tag), d.rounded() == d, abs(d) < 9e15 else { return nil }
        return Int(d)
    }

    /// `tag` as a real: an int or a double, or a string starting with a number (`"300.00 eV"` → 300,
    /// as VASP reads it).
    public func double(_ tag: String) -> Double? {
        switch self[tag] {
        case .int(let i)?: return Double(i)
        case .double(let d)?: return d
        case .string(let s)?: return s.split(separator: " ").first.flatMap { NumberScanner.double($0) }
        default: return nil
        }
    }

    /// `tag` as a logical (a string starting with a logical word counts, e.g. `"T # on"`).
    public func bool(_ tag: String) -> Bool? {
        switch self[tag] {
        case .bool(let b)?: return b
        case .string(let s)?: return s.split(separator: " ").first.flatMap { PoscarSymbols.logical($0) }
        default: return nil
        }
    }

    /// `tag` as text: a string as stored, any other value as INCAR text.
    public func string(_ tag: String) -> String? { self[tag]?.description }

    /// `tag` as reals: an array of ints or doubles, or a single number as a one-element array.
    public func doubles(_ tag: String) -> [Double]? {
        switch self[tag] {
        case .ints(let v)?: return v.map(Double.init)
        case .doubles(let v)?: return v
        case .int, .double, .string: return double(tag).map { [$0] }
        default: return nil
        }
    }
}

extension Incar.Value: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByStringLiteral
{
    /// `42` as ``int(_:)``.
    public init(integerLiteral value: Int) { self = .int(value) }
    /// `0.05` as ``double(_:)``.
    public init(floatLiteral value: Double) { self = .double(value) }
    /// `true` as ``bool(_:)``.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// `"Normal"` as ``string(_:)``.
    public init(stringLiteral value: String) { self = .string(value) }
}

// MARK: - Reading

extension Incar {
    /// Reads an INCAR (plain or gzip-compressed).
    /// - Throws: ``VASPError/cannotRead(file:reason:)``, or ``VASPError/malformed(_:_:)`` naming the
    ///   file, the 1-based line, the tag and what was expected.
    public static func read(path: String) throws -> Incar {
        try parse(text: ByteSource.text(of: path), file: path)
    }

    /// Parses INCAR text; `file` is only used in messages. See ``read(path:)``.
    public static func parse(text: String, file: String = "INCAR") throws -> Incar {
        var incar = Incar()
        var firstLine: [String: Int] = [:]
        for statement in IncarStatement.split(text) {
            guard let (tag, value) = try statement.parse(file: file, warnings: &incar.warnings) else { continue }
            if let earlier = firstLine[tag] {
                incar.warnings.append(
                    ReadWarning(
                        SourceLocation(file: file, line: statement.line, context: tag),
                        "\(tag) is set again; VASP reads the first value (line \(earlier)), which was kept"))
                continue
            }
            firstLine[tag] = statement.line
            incar.entries.append(Entry(tag: tag, value: value))
        }
        return incar
    }
}

/// One `TAG = value` statement cut from the text, with the 1-based line it starts on.
struct IncarStatement {
    var text: String
    var line: Int
    /// A double quote was opened and never closed.
    var unterminatedQuote = false

    /// Tags that are text whatever they look like (`ALGO = F`, `SYSTEM = 1 2`).
    static let stringTags: Set<String> = ["SYSTEM", "ALGO", "PREC", "GGA", "METAGGA"]

    /// Cuts `text` into statements at newlines and `;`, dropping comments and joining `\` continuations
    /// and quoted line breaks.
    static func split(_ text: String) -> [IncarStatement] {
        var cutter = IncarCutter()
        for ch in text { cutter.take(ch) }
        return cutter.finish()
    }

    /// The tag and value, `nil` for text that is not a statement (a warning is added).
    func parse(file: String, warnings: inout [ReadWarning]) throws -> (String, Incar.Value)? {
        let trimmed = InputLines.trim(text)
        if trimmed.isEmpty { return nil }
        guard let equals = trimmed.firstIndex(of: "=") else {
            warnings.append(
                ReadWarning(
                    SourceLocation(file: file, line: line),
                    "ignored text without '=' (not a TAG = value statement): \(InputLines.quote(Substring(trimmed)))"))
            return nil
        }
        let rawTag = InputLines.trim(trimmed[..<equals])
        let tag = rawTag.uppercased()
        let location = SourceLocation(file: file, line: line, context: tag.isEmpty ? nil : tag)
        guard !tag.isEmpty else { throw VASPError.malformed(location, "expected a tag name before '='") }
        guard Self.isTagName(tag) else {
            throw VASPError.malformed(location, "expected a tag name (letters, digits and '_'), found '\(rawTag)'")
        }
        let value = InputLines.trim(trimmed[trimmed.index(after: equals)...])
        if unterminatedQuote { throw VASPError.malformed(location, "expected a closing '\"' for the value of \(tag)") }
        guard !value.isEmpty else { throw VASPError.malformed(location, "expected a value after '\(tag) ='") }
        return (tag, try IncarValueParser(tag: tag, location: location).parse(value))
    }

    static func isTagName(_ tag: String) -> Bool {
        guard let first = tag.first, first.isASCII, first.isLetter || first == "_" else { return false }
        return tag.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }
}

/// The character-level state machine behind ``IncarStatement/split(_:)``.
struct IncarCutter {
    private var statements: [IncarStatement] = []
    private var current = ""
    private var startLine = 1
    private var line = 1
    private var inQuote = false
    private var inComment = false

    mutating func take(_ ch: Character) {
        if ch == "\n" || ch == "\r\n" { return newline() }
        if inComment || ch == "\r" { return }
        if inQuote {
            current.append(ch)
            if ch == "\"" { inQuote = false }
            return
        }
        switch ch {
        case "#", "!": inComment = true
        case ";": flush()
        default:
            if ch != " " && ch != "\t" && InputLines.trim(current).isEmpty { startLine = line }
            if ch == "\"" { inQuote = true }
            current.append(ch)
        }
    }

    private mutating func newline() {
        defer { line += 1 }
        if inQuote {
            current.append("\n")
            return
        }
        inComment = false
        let trimmed = InputLines.trim(current)
        if trimmed.hasSuffix("\\") {
            current = String(trimmed.dropLast()) + " "
            return
        }
        flush()
    }

    private mutating func flush() {
        statements.append(IncarStatement(text: current, line: startLine))
        current = ""
        startLine = line
    }

    mutating func finish() -> [IncarStatement] {
        let open = inQuote
        flush()
        if open, !statements.isEmpty { statements[statements.count - 1].unterminatedQuote = true }
        return statements.filter { !InputLines.trim($0.text).isEmpty }
    }
}

/// Types one value's text.
struct IncarValueParser {
    let tag: String
    let location: SourceLocation

    /// Repeat counts and array lengths above this are refused (a typo such as `1000000000*0.6` would
    /// exhaust memory).
    static let maximumRepeat = 1_000_000

    /// One typed word.
    enum Word: Equatable {
        case int(Int)
        case double(Double)
        case bool(Bool)
        case other
    }

    func parse(_ value: String) throws -> Incar.Value {
        if value.first == "\"" { return try quoted(value) }
        if IncarStatement.stringTags.contains(tag) { return .string(value) }
        var words: [Word] = []
        var repeated = false
        for token in value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }) {
            if let (count, rest) = try repeatCount(token) {
                let word = Self.classify(rest)
                if word == .other { return .string(value) }
                guard words.count + count <= Self.maximumRepeat else {
                    throw VASPError.malformed(location, "expected at most \(Self.maximumRepeat) values for \(tag)")
                }
                words += Array(repeating: word, count: count)
                repeated = true
            } else {
                let word = Self.classify(token)
                if word == .other { return .string(value) }
                words.append(word)
            }
        }
        return Self.combine(words, single: !repeated && words.count == 1) ?? .string(value)
    }

    /// `"text"` → the text; anything after the closing quote is an error.
    private func quoted(_ value: String) throws -> Incar.Value {
        let body = value.dropFirst()
        guard let close = body.firstIndex(of: "\"") else {
            throw VASPError.malformed(location, "expected a closing '\"' for the value of \(tag)")
        }
        let rest = InputLines.trim(body[body.index(after: close)...])
        guard rest.isEmpty else {
            throw VASPError.malformed(location, "expected nothing after the closing '\"' of \(tag), found '\(rest)'")
        }
        return .string(String(body[..<close]))
    }

    /// `3*0.6` → (3, `0.6`); `nil` when the word is not a repeat.
    private func repeatCount(_ token: Substring) throws -> (Int, Substring)? {
        guard let star = token.firstIndex(of: "*") else { return nil }
        let digits = token[..<star]
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let rest = token[token.index(after: star)...]
        guard let count = Int(digits), count >= 1, count <= Self.maximumRepeat else {
            throw VASPError.malformed(
                location,
                "expected a repeat count from 1 to \(Self.maximumRepeat) in '\(token)'")
        }
        guard !rest.isEmpty else { throw VASPError.malformed(location, "expected a value after '\(digits)*'") }
        return (count, rest)
    }

    /// The type a single word reads as.
    static func classify(_ word: Substring) -> Word {
        if let b = PoscarSymbols.logical(word) { return .bool(b) }
        guard let first = word.first, first.isNumber || first == "-" || first == "+" || first == "." else { return .other }
        let body = first == "-" || first == "+" ? word.dropFirst() : word
        if !body.isEmpty, body.allSatisfy({ $0.isASCII && $0.isNumber }), let i = Int(word) { return .int(i) }
        guard let d = NumberScanner.double(word), d.isFinite else { return .other }
        return .double(d)
    }

    /// The value of typed words; `nil` when logicals and numbers are mixed.
    static func combine(_ words: [Word], single: Bool) -> Incar.Value? {
        if single, let word = words.first {
            switch word {
            case .int(let i): return .int(i)
            case .double(let d): return .double(d)
            case .bool(let b): return .bool(b)
            case .other: return nil
            }
        }
        let bools = words.compactMap { if case .bool(let b) = $0 { return b } else { return nil } }
        if bools.count == words.count { return .bools(bools) }
        let ints = words.compactMap { if case .int(let i) = $0 { return i } else { return nil } }
        if ints.count == words.count { return .ints(ints) }
        let doubles = words.compactMap { word -> Double? in
            switch word {
            case .int(let i): return Double(i)
            case .double(let d): return d
            default: return nil
            }
        }
        return doubles.count == words.count ? .doubles(doubles) : nil
    }
}

// MARK: - Writing

extension Incar {
    /// The file's text: one `TAG = value` line per tag, in order.
    public func text() -> String {
        entries.map { "\($0.tag) = \(IncarWriter.text(of: $0.value, tag: $0.tag))\n" }.joined()
    }

    /// Writes the file atomically (temporary file in the same folder, then rename).
    /// - Parameter force: replace an existing file; without it an existing file is an error.
    public func write(to path: String, force: Bool = false) throws {
        try AtomicFile.write(Array(text().utf8), to: path, force: force)
    }
}

/// Value → INCAR text.
enum IncarWriter {
    /// The text of `value` for `tag` (strings quoted when they would read back as something else).
    static func text(of value: Incar.Value, tag: String? = nil) -> String {
        switch value {
        case .int(let i): return String(i)
        case .double(let d): return TextNumber.shortest(d)
        case .bool(let b): return b ? ".TRUE." : ".FALSE."
        case .string(let s): return tag.map { needsQuotes(s, tag: $0) } == true ? "\"\(s)\"" : s
        case .ints(let v): return runs(v.map(String.init))
        case .doubles(let v): return runs(v.map(TextNumber.shortest))
        case .bools(let v): return runs(v.map { $0 ? "T" : "F" })
        }
    }

    /// `a a a b` → `3*a b`; a single element is written `1*a` so that it reads back as an array.
    static func runs(_ words: [String]) -> String {
        if words.count == 1 { return "1*\(words[0])" }
        var parts: [String] = []
        var i = 0
        while i < words.count {
            var j = i + 1
            while j < words.count && words[j] == words[i] { j += 1 }
            parts.append(j - i == 1 ? words[i] : "\(j - i)*\(words[i])")
            i = j
        }
        return parts.joined(separator: " ")
    }

    /// `true` when `s` written bare would not read back as `.string(s)`. A string holding `"` cannot be
    /// quoted and is written bare.
    static func needsQuotes(_ s: String, tag: String) -> Bool {
        if s.contains("\"") { return false }
        if s.isEmpty || InputLines.trim(s) != s { return true }
        if s.contains(where: { "#!;\\\n\r".contains($0) }) { return true }
        let location = SourceLocation(file: "", context: tag)
        return (try? IncarValueParser(tag: tag, location: location).parse(s)) != .string(s)
    }
}
