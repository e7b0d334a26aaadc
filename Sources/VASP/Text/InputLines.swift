// Shared helpers of the input-format readers and writers (POSCAR, INCAR, KPOINTS, POTCAR): lines with
// 1-based locations, and the numbers as those formats write them.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The lines of a small text file with 1-based error locations. `\r\n` line ends are accepted; a final
/// newline does not make an extra line.
struct InputLines {
    /// The file as the user named it.
    let file: String
    private let lines: [Substring]

    init(text: String, file: String) {
        self.file = file
        // "\r\n" is one Character in Swift: split on both forms.
        var split = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        if split.last?.isEmpty == true { split.removeLast() }
        lines = split.map { $0.last == "\r" ? $0.dropLast() : $0 }
    }

    var count: Int { lines.count }

    /// Line `index` (0-based); an empty line past the end.
    subscript(index: Int) -> Substring { index < lines.count ? lines[index] : "" }

    /// Whitespace-separated words of line `index`.
    func words(_ index: Int) -> [Substring] {
        self[index].split(whereSeparator: { $0 == " " || $0 == "\t" })
    }

    /// First non-blank character of line `index`.
    func firstCharacter(_ index: Int) -> Character? {
        self[index].first(where: { $0 != " " && $0 != "\t" })
    }

    /// Every word of line `index` as a number, or `nil` if any word is not one.
    func numbers(_ index: Int) -> [Double]? {
        let words = self.words(index)
        let values = words.compactMap { NumberScanner.double($0) }
        return values.count == words.count && !values.isEmpty ? values : nil
    }

    /// Up to `count` numbers from the leading words of line `index` (glued numbers are split by the
    /// number scanner), and the index of the first word after them.
    func leadingNumbers(_ index: Int, count: Int) -> ([Double], Int) {
        var values: [Double] = []
        var next = 0
        for word in words(index) {
            guard values.count < count else { break }
            let (found, tally) = NumberScanner.doubles(in: word)
            guard tally.invalid == 0, !found.isEmpty else { break }
            values += found
            next += 1
        }
        return (Array(values.prefix(count)), next)
    }

    /// The location of line `index` (0-based) as a 1-based line.
    func location(_ index: Int, context: String? = nil) -> SourceLocation {
        SourceLocation(file: file, line: index + 1, context: context)
    }

    /// A ``VASPError/malformed(_:_:)`` at line `index` (0-based).
    func malformed(_ index: Int, _ message: String, context: String? = nil) -> VASPError {
        .malformed(location(index, context: context), message)
    }

    /// Line `index` quoted for a message: `'text'` (trimmed, shortened), `an empty line`, or
    /// `the end of the file`.
    func quoted(_ index: Int) -> String {
        guard index < lines.count else { return "the end of the file" }
        return InputLines.quote(lines[index])
    }

    /// `text` quoted for a message (trimmed and shortened to 60 characters).
    static func quote(_ text: Substring) -> String {
        let trimmed = trim(text)
        if trimmed.isEmpty { return "an empty line" }
        return trimmed.count > 60 ? "'\(trimmed.prefix(57))...'" : "'\(trimmed)'"
    }
}

extension InputLines {
    /// `text` without leading and trailing blanks (spaces, tabs, CR, LF).
    static func trim(_ text: some StringProtocol) -> String {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }
        guard let start = text.firstIndex(where: { !isBlank($0) }), let end = text.lastIndex(where: { !isBlank($0) }) else {
            return ""
        }
        return String(text[start...end])
    }

    /// `text` on one line: line breaks replaced by spaces.
    static func oneLine(_ text: some StringProtocol) -> String {
        String(text.map { $0 == "\n" || $0 == "\r" || $0 == "\r\n" ? " " : $0 })
    }
}

/// Number formatting for the writers (C `printf` rules, locale-independent: the C locale is never changed).
enum TextNumber {
    /// `x` in `%width.decimalsf` format.
    static func fixed(_ x: Double, decimals: Int, width: Int) -> String {
        format("%\(width).\(decimals)f", x)
    }

    /// The shortest text that reads back as exactly `x` (Swift's `description`, e.g. `0.5`, `1e-06`).
    static func shortest(_ x: Double) -> String {
        x.description
    }

    /// `text` right-aligned in `width` columns.
    static func padLeft(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }

    private static func format(_ pattern: String, _ x: Double) -> String {
        var size = 64
        var buffer = [CChar](repeating: 0, count: size)
        let needed = Int(withVaList([x]) { vsnprintf(&buffer, size, pattern, $0) })
        if needed >= size {
            size = needed + 1
            buffer = [CChar](repeating: 0, count: size)
            _ = withVaList([x]) { vsnprintf(&buffer, size, pattern, $0) }
        }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
