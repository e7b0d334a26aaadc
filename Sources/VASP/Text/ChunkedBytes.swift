import Files

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

    deinit {
        helperThread?.stop()
        storage.deallocate()
    }

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
            if n == 0 {
                atEnd = true
                break
            }
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
                throw VASPError.malformed(
                    SourceLocation(file: file, line: line), "expected a line of text, found more than \(Self.maximumLineLength) bytes without a line end")
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
            if c == 0x0A {
                start += 1
                line += 1
                return
            }
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

    /// How the data-block loop uses the cores: ``DataScan/serial``, or each window's lines split in two
    /// halves scanned on two threads (``DataScan/parallel(minimumHalf:)``, the second on a ``HelperThread``). The values, counts, line
    /// numbers and stopping points are the same either way (see ``scanSplit``).
    var scanMode: DataScan = .serial
    /// The thread that scans second halves, started at the first split.
    private var helperThread: HelperThread?

    private func helper() -> HelperThread {
        if let helperThread { return helperThread }
        let started = HelperThread()
        helperThread = started
        return started
    }

    /// Windows whose split was confirmed (halves joined) and those whose second half was scanned again.
    private(set) var splits = (confirmed: 0, rescanned: 0)

    /// Parses up to `count` numbers into `out`, counting lines; stops early at anything that is not a
    /// number (the caller reports it) or at the end of the data.
    func parseValues(into out: UnsafeMutablePointer<Double>, count: Int, layout: Volumetric.DataLayout?) -> (parsed: Int, overflows: Int) {
        var parsed = 0
        var overflows = 0
        while parsed < count {
            let available = fill(minimum: Self.margin * 2)
            if available == 0 { break }
            let limit = atEnd ? end : end - Self.margin
            let result: FixedFormatScanner.Result
            if case .parallel(let minimumHalf) = scanMode, let layout, limit - start >= 2 * max(minimumHalf, 1) {
                result = scanSplit(from: start, limit: limit, into: out + parsed, maximum: count - parsed, layout: layout)
            } else {
                result = FixedFormatScanner.scan(
                    storage, from: start, limit: limit, end: end, into: out + parsed, maximum: count - parsed, layout: layout)
            }
            parsed += result.parsed
            overflows += result.overflows
            line += result.newlines
            start = result.next
            if result.stopped { break }
            if atEnd && start >= end { break }
        }
        return (parsed, overflows)
    }

    /// One window's scan (`FixedFormatScanner.scan` from `from` to `limit`) done as three scans whose
    /// results are joined: the rest of the current line (`head`), then the window's whole lines cut in
    /// two at a line start `s`, the halves on two threads.
    ///
    /// Why it equals the one scan, value for value: the scan keeps no state but its position and its
    /// count, and no number, `****` run or word crosses a line end; so a scan stopped at a line start and
    /// resumed there does exactly what the one scan does. The first half is scanned with `limit` = `end`
    /// = `s` (it cannot look past its last line end). The second half must know how many values come
    /// before it: it is written at the count VASP's layout predicts (`perLine` per line, each line
    /// `perLine × (digits + 7)` bytes and a line end), and the first half may store at most that many.
    /// After both finish the prediction is checked: the first half stored exactly that many values and
    /// stopped with only blanks and one line end before `s` (where the one scan would be, with one more
    /// line counted). If not — another layout, a damaged line, a short block, a non-number — the
    /// first half's result stands and the rest of the window is scanned again, serially, from where it
    /// ended, over whatever the second half wrote (the values the caller keeps are all written by that
    /// serial order; a failed prediction costs time, never a value).
    func scanSplit(
        from: Int, limit: Int, into out: UnsafeMutablePointer<Double>, maximum: Int, layout: Volumetric.DataLayout
    ) -> FixedFormatScanner.Result {
        let p = storage
        let end = self.end
        let perLine = layout.valuesPerLine
        let lineBytes = perLine * (layout.significantDigits + 7) + 1
        func serial(_ from: Int, _ out: UnsafeMutablePointer<Double>, _ maximum: Int) -> FixedFormatScanner.Result {
            FixedFormatScanner.scan(p, from: from, limit: limit, end: end, into: out, maximum: maximum, layout: layout)
        }
        // The head: up to the first line start.
        guard perLine > 0, let newline = memchr(p + from, 0x0A, limit - from) else { return serial(from, out, maximum) }
        let f = p.distance(to: newline.assumingMemoryBound(to: UInt8.self)) + 1
        var head = FixedFormatScanner.Result(parsed: 0, overflows: 0, newlines: 0, next: from, stopped: false)
        if f > from {
            head = FixedFormatScanner.scan(p, from: from, limit: f, end: f, into: out, maximum: maximum, layout: layout)
            if head.stopped || head.parsed == maximum || head.next != f { return head }
        }
        let remaining = maximum - head.parsed
        let lines = (limit - f) / lineBytes / 2
        let s = f + lines * lineBytes
        let predicted = lines * perLine
        guard lines > 0, predicted < remaining, p[s - 1] == 0x0A else {
            return head.joined(with: serial(f, out + head.parsed, remaining))
        }
        let base = out + head.parsed
        var first = FixedFormatScanner.Result(parsed: 0, overflows: 0, newlines: 0, next: f, stopped: false)
        var second = first
        withUnsafeMutablePointer(to: &first) { a in
            withUnsafeMutablePointer(to: &second) { b in
                let pa = SendablePointer(a)
                let pb = SendablePointer(b)
                let pp = SendablePointer(p)
                let po = SendablePointer(base)
                helper().run(
                    {
                        pa.pointer.pointee = FixedFormatScanner.scan(
                            pp.pointer, from: f, limit: s, end: s, into: po.pointer, maximum: predicted, layout: layout)
                    },
                    {
                        pb.pointer.pointee = FixedFormatScanner.scan(
                            pp.pointer, from: s, limit: limit, end: end, into: po.pointer + predicted, maximum: remaining - predicted, layout: layout)
                    })
            }
        }
        let joined = head.joined(with: first)
        guard !first.stopped else { return joined }
        if first.parsed == predicted {
            // Where the one scan would be: only blanks and the line end before s.
            var i = first.next
            while i < s - 1, p[i] == 0x20 || p[i] == 0x09 || p[i] == 0x0D { i += 1 }
            if i == s - 1 {
                var lineEnd = joined
                lineEnd.newlines += 1
                lineEnd.next = s
                splits.confirmed += 1
                return lineEnd.joined(with: second)
            }
            // More values in the first half than predicted: resume where it stopped.
            splits.rescanned += 1
            return joined.joined(with: serial(first.next, base + first.parsed, remaining - first.parsed))
        }
        // Fewer: the first half reached s (nothing else stops it); the second half is scanned again.
        guard first.next == s else { return joined }
        splits.rescanned += 1
        return joined.joined(with: serial(s, base + first.parsed, remaining - first.parsed))
    }
}

/// How a data block's lines are scanned (``ChunkedBytes/scanMode``).
enum DataScan: Equatable {
    case serial
    /// Windows with at least `2 × minimumHalf` bytes to scan are split in two halves.
    case parallel(minimumHalf: Int)

    /// Two threads for plain files when the machine has two processors; one for gzip files (their
    /// inflate thread has the second core) and on one processor.
    static func automatic(compressed: Bool) -> DataScan {
        !compressed && HelperThread.available ? .parallel(minimumHalf: 1 << 18) : .serial
    }
}

extension FixedFormatScanner.Result {
    /// This scan followed by `next`, which started where this one ended.
    func joined(with next: FixedFormatScanner.Result) -> FixedFormatScanner.Result {
        FixedFormatScanner.Result(
            parsed: parsed + next.parsed, overflows: overflows + next.overflows, newlines: newlines + next.newlines,
            next: next.next, stopped: next.stopped)
    }
}
