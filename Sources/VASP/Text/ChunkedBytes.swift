#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Shared by the volumetric (CHGCAR …) and XDATCAR readers.

/// A growing window over a ``ByteSource``: large chunks, the unread tail carried over, 1-based line
/// numbers counted as bytes are consumed.
final class ChunkedBytes {
    let source: ByteSource
    private var storage: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var start = 0
    private(set) var end = 0
    private(set) var atEnd = false
    /// Decompressed bytes consumed before `storage[0]`.
    private var consumedBefore = 0
    /// 1-based line number of the byte at `start`.
    private(set) var line = 1
    /// `true` once a last line without a line end was handed out: the data ends inside that line
    /// (VASP ends every line, so the file was cut there).
    private(set) var endedInsideLine = false

    /// Longest line accepted outside the data blocks.
    static let maximumLineLength = 1 << 24
    /// Bytes of look-ahead kept so that no number is cut at a chunk end.
    static let margin = 256

    init(source: ByteSource, capacity: Int = 1 << 21) {
        self.source = source
        self.capacity = capacity
        storage = .allocate(capacity: capacity)
    }

    deinit { storage.deallocate() }

    /// Moves the unread bytes to the front and reads until at least `minimum` bytes are buffered or the
    /// data ends. Returns the number of buffered bytes.
    @discardableResult
    func fill(minimum: Int) -> Int {
        if end - start >= minimum || atEnd { return end - start }
        if start > 0 {
            let n = end - start
            if n > 0 { storage.update(from: storage + start, count: n) }
            consumedBefore += start
            start = 0
            end = n
        }
        if minimum > capacity { grow(to: minimum) }
        while end < capacity {
            let n = source.read(into: UnsafeMutableBufferPointer(start: storage + end, count: capacity - end))
            if n == 0 { atEnd = true; break }
            end += n
            if end - start >= minimum && end - start >= capacity / 2 { break }
        }
        return end - start
    }

    private func grow(to size: Int) {
        let newCapacity = max(size, capacity * 2)
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        bigger.update(from: storage, count: end)
        storage.deallocate()
        storage = bigger
        capacity = newCapacity
    }

    /// An upper bound of the bytes still to come: exact for plain files, `ratio` × the compressed size
    /// for gzip.
    func maximumRemainingBytes(ratio: Int) -> Int {
        let buffered = end - start
        if source.isCompressed {
            let (bound, overflow) = source.fileSize.multipliedReportingOverflow(by: ratio)
            return overflow ? Int.max : bound + buffered
        }
        return max(0, source.fileSize - (consumedBefore + start))
    }

    /// The next line without its line end (`\n` or `\r\n`), or `nil` at the end of the data.
    func readLine(file: String) throws -> (String, Int)? {
        try withNextLine(file: file) { bytes, number in (String(decoding: bytes, as: UTF8.self), number) }
    }

    /// Calls `body` with the next line's bytes (without `\n` or `\r\n`) and its 1-based number, and
    /// consumes the line; `nil` at the end of the data. The bytes are valid only inside `body`.
    func withNextLine<R>(file: String, _ body: (UnsafeBufferPointer<UInt8>, Int) throws -> R) throws -> R? {
        var scanned = 0
        while true {
            if let newline = findNewline(from: start + scanned) {
                let number = line
                let from = start
                start = newline + 1
                line += 1
                return try body(lineBytes(from, newline), number)
            }
            scanned = end - start
            if atEnd {
                guard end > start else { return nil }
                let number = line
                let from = start
                start = end
                endedInsideLine = true
                return try body(lineBytes(from, end), number)
            }
            guard scanned < Self.maximumLineLength else {
                throw VASPError.malformed(SourceLocation(file: file, line: line), "expected a line of text, found more than \(Self.maximumLineLength) bytes without a line end")
            }
            fill(minimum: scanned + 4096)
        }
    }

    private func lineBytes(_ from: Int, _ to: Int) -> UnsafeBufferPointer<UInt8> {
        var stop = to
        if stop > from && storage[stop - 1] == 0x0D { stop -= 1 }
        return UnsafeBufferPointer(start: storage + from, count: stop - from)
    }

    private func findNewline(from index: Int) -> Int? {
        guard index < end else { return nil }
        guard let found = memchr(storage + index, 0x0A, end - index) else { return nil }
        return storage.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }

    /// Skips blanks up to and including the next line end (the padding after a block's last value).
    func skipRestOfLine() {
        fill(minimum: Self.margin)
        while start < end {
            let c = storage[start]
            if c == 0x0A { start += 1; line += 1; return }
            guard c == 0x20 || c == 0x09 || c == 0x0D else { return }
            start += 1
            if start == end { fill(minimum: Self.margin) }
        }
    }

    /// The next word (up to 40 characters) without consuming it, for messages.
    func peekWord() -> String? {
        fill(minimum: Self.margin)
        var i = start
        while i < end, storage[i] == 0x20 || storage[i] == 0x0A || storage[i] == 0x0D || storage[i] == 0x09 { i += 1 }
        guard i < end else { return nil }
        var j = i
        while j < end, j - i < 40, storage[j] != 0x20, storage[j] != 0x0A, storage[j] != 0x0D, storage[j] != 0x09 { j += 1 }
        return String(decoding: UnsafeBufferPointer(start: storage + i, count: j - i), as: UTF8.self)
    }

    /// Values per line and mantissa digits of the first data line, when it looks like VASP's format.
    func detectLayout() -> Volumetric.DataLayout? {
        fill(minimum: 4096)
        var i = start
        while i < end, storage[i] == 0x20 || storage[i] == 0x0A || storage[i] == 0x0D { i += 1 }
        var lineEnd = i
        while lineEnd < end, storage[lineEnd] != 0x0A { lineEnd += 1 }
        guard lineEnd > i else { return nil }
        let text = String(decoding: UnsafeBufferPointer(start: storage + i, count: lineEnd - i), as: UTF8.self)
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\r" || $0 == "\t" })
        guard let first = words.first, let dot = first.firstIndex(of: "."),
            let e = first.firstIndex(where: { $0 == "E" || $0 == "e" }), dot < e
        else { return nil }
        let digits = first.distance(from: first.index(after: dot), to: e)
        guard digits > 0 else { return nil }
        return Volumetric.DataLayout(valuesPerLine: words.count, significantDigits: digits)
    }

    // MARK: The data-block loop

    /// Parses up to `count` numbers into `out`, counting lines; stops early at anything that is not a
    /// number (the caller reports it) or at the end of the data.
    func parseValues(into out: UnsafeMutablePointer<Double>, count: Int, layout: Volumetric.DataLayout?) -> (parsed: Int, overflows: Int) {
        var parsed = 0
        var overflows = 0
        while parsed < count {
            let available = fill(minimum: Self.margin * 2)
            if available == 0 { break }
            let limit = atEnd ? end : end - Self.margin
            let result = FixedFormatScanner.scan(
                storage, from: start, limit: limit, end: end, into: out + parsed, maximum: count - parsed, layout: layout)
            parsed += result.parsed
            overflows += result.overflows
            line += result.newlines
            start = result.next
            if result.stopped { break }
            if atEnd && start >= end { break }
        }
        return (parsed, overflows)
    }
}
