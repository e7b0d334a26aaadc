import Files

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The vasprun.xml fast path: a scan of the few XML constructs VASP writes, straight from the bytes
/// ``ByteSource`` gives, driving the same ``VasprunParser`` callbacks libxml2's SAX2 pass drives.
///
/// It knows: an optional XML declaration (version 1.0, encoding ISO-8859-1 or UTF-8, standalone) at
/// byte 0; start tags `<name a="v" b='w'>` and `<name/>` with ASCII names (no `:`), single spaces or
/// runs of spaces between attributes, no space around `=`; end tags `</name>`; character data of
/// printable ASCII, tab and line feed, with the five predefined entities. At the first thing it does
/// not know (a DOCTYPE, CDATA, a comment or processing instruction, a character reference, another
/// entity, a carriage return, a byte ≥ 0x80, a tab or line feed inside a tag, a mismatched end tag,
/// `]]>`, anything after the root element but blanks, a tag over 64 KiB, depth over 256) it stops
/// and reports ``Outcome/handedOver(_:)``; ``Vasprun/read(path:options:progress:)`` then reads the
/// file again from its first byte with libxml2 and a fresh handler, so a handed-over read is exactly
/// the libxml2 read (it costs the bytes already scanned once more).
///
/// A file that ends inside an element (a killed job) while the scanner is in character data is
/// finished as libxml2 finishes it (same warnings, same line); one that ends inside a tag, an entity
/// or before the root element is handed over.
final class VasprunFastScanner {
    /// What a fast read came to.
    enum Outcome {
        /// The value libxml2's path gives.
        case read(Vasprun)
        /// The scanner met something it does not know; the reason names it and its byte offset.
        case handedOver(String)
    }

    /// Largest start tag (bytes) the scanner keeps whole; a longer one is handed over.
    static let tagLimit = 1 << 16
    /// Deepest element nesting the scanner follows (libxml2's default limit).
    static let depthLimit = 256
    /// Most distinct element names kept (interned for the handler's life).
    static let nameLimit = 1024
    /// Longest element or attribute name.
    static let nameLengthLimit = 256
    /// Most attributes on one element.
    static let attributeLimit = 32

    /// Reads `path` with the fast scanner. `observer` sees the whole file as stored, also when the scan
    /// hands over (the rest of the file is read for it alone).
    static func read(
        path: String, options: VasprunOptions, progress: ((Int, Int) -> Void)?, observer: StoredBytesObserver? = nil
    ) throws -> Outcome {
        let source = try ByteSource(path: path, chunkSize: options.chunkSize, observer: observer)
        defer { source.observeRest() }
        let parser = VasprunParser(file: path, options: options)
        let scanner = VasprunFastScanner(parser: parser, source: source, chunkSize: options.chunkSize, progress: progress)
        return try scanner.run()
    }

    private let parser: VasprunParser
    private let source: ByteSource
    private let progress: ((Int, Int) -> Void)?

    // The scanner is confined to one thread and never hands out overlapping accesses; dynamic
    // exclusivity checks cost ≈ 15 % of a read (perf), so they are off for its state, as in VasprunParser.
    // The window: `buffer[0..<end]` holds bytes read and not yet consumed before `buffer[pos]`.
    @exclusivity(unchecked) private var buffer: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var capacity: Int
    private let chunkSize: Int
    @exclusivity(unchecked) private var end = 0
    @exclusivity(unchecked) private var pos = 0
    @exclusivity(unchecked) private var atEOF = false
    @exclusivity(unchecked) private var bytesFed = 0
    /// Bytes consumed before `buffer[0]` (for offsets in hand-over reasons).
    @exclusivity(unchecked) private var consumedBefore = 0

    /// Line feeds in the data before `pos` (tags hold none).
    @exclusivity(unchecked) private var newlines = 0
    /// Character data since the last tag or entity: its length and last byte (see `endLine`).
    @exclusivity(unchecked) private var trailingText = 0
    @exclusivity(unchecked) private var trailingLast: UInt8 = 0
    /// The data ended inside a tag or an entity reference (see `endInsideMarkup`).
    @exclusivity(unchecked) private var endedInPartial = false
    /// Set while the start tag cut by the end of the data is read again (see `scanStartTag`).
    @exclusivity(unchecked) private var cutTag = false

    // Elements.
    @exclusivity(unchecked) private var stack: ContiguousArray<Int32> = []
    @exclusivity(unchecked) private var names: ContiguousArray<(pointer: UnsafeMutablePointer<UInt8>, count: Int)> = []
    @exclusivity(unchecked) private var singleByteNames = [Int32](repeating: -1, count: 128)
    @exclusivity(unchecked) private var rootOpened = false
    @exclusivity(unchecked) private var rootClosed = false

    // Scratch for one start tag: names and decoded values, and libxml2's attribute array.
    private let arena: UnsafeMutablePointer<UInt8>
    private let arenaCapacity = VasprunFastScanner.tagLimit + 2 * VasprunFastScanner.attributeLimit + 16
    private let attributes: UnsafeMutablePointer<UnsafePointer<UInt8>?>
    private let entityBytes: UnsafeMutablePointer<UInt8>

    init(parser: VasprunParser, source: ByteSource, chunkSize: Int, progress: ((Int, Int) -> Void)?) {
        self.parser = parser
        self.source = source
        self.progress = progress
        self.chunkSize = max(chunkSize, 1)
        capacity = self.chunkSize
        buffer = .allocate(capacity: capacity)
        arena = .allocate(capacity: arenaCapacity)
        attributes = .allocate(capacity: 5 * Self.attributeLimit)
        attributes.initialize(repeating: nil, count: 5 * Self.attributeLimit)
        entityBytes = .allocate(capacity: 5)
        entityBytes.initialize(from: [0x3C, 0x3E, 0x26, 0x22, 0x27], count: 5)  // < > & " '
    }

    deinit {
        buffer.deallocate()
        arena.deallocate()
        attributes.deallocate()
        entityBytes.deallocate()
        for name in names { name.pointer.deallocate() }
    }

    /// A reason to hand over, and where.
    private struct HandOver: Error {
        let reason: String
    }

    private func handOver(_ what: String, at index: Int) -> HandOver {
        HandOver(reason: "\(what) at byte \(consumedBefore + index)")
    }

    // MARK: - Driving

    func run() throws -> Outcome {
        parser.prepare(source: source)
        do {
            try scanDocument()
        } catch let stop as HandOver {
            return .handedOver(stop.reason)
        }
        // A gzip file that does not end cleanly — a cut or damaged stream, or XML that stops inside an
        // element — is libxml2's to finish: the differential fuzzer found the two paths' last warning
        // differ on such streams. It costs a second read of a cut .gz only (a killed run's vasprun.xml is
        // plain; a .gz is usually written after the run, though the corpus holds two cut ones).
        if source.truncatedCompression || (source.isCompressed && !rootClosed) {
            return .handedOver("the gzip stream is cut or damaged, or its XML ends inside an element")
        }
        return .read(try finish())
    }

    private func finish() throws -> Vasprun {
        let truncated = source.truncatedCompression
        if bytesFed == 0 || rootClosed {
            return try parser.fastFinish(bytesFed: bytesFed, compressedTruncated: truncated, endedInsideAtLine: nil)
        }
        return try parser.fastFinish(bytesFed: bytesFed, compressedTruncated: truncated, endedInsideAtLine: endLine)
    }

    /// The line libxml2 reports at the end of the data inside an element: its push parser leaves a
    /// last single byte of character data unparsed (it waits for two), so a lone trailing line feed
    /// is not counted.
    private var endLine: Int {
        let lone = !endedInPartial && trailingText == 1 && trailingLast == 0x0A
        return 1 + newlines - (lone ? 1 : 0)
    }

    /// Reads more bytes, keeping `buffer[from..<end]` (moved to the front). Returns `false` at the
    /// end of the data. Positions into the buffer are invalid afterwards (`pos` is set to 0 when
    /// `from == pos`).
    private func refill(keeping from: Int) throws -> Bool {
        if atEOF { return false }
        let keep = end - from
        if keep > Self.tagLimit { throw handOver("a construct longer than \(Self.tagLimit) bytes", at: from) }
        if from > 0 {
            if keep > 0 { memmove(buffer, buffer + from, keep) }
            consumedBefore += from
            pos -= from
        }
        end = keep
        if capacity - end < chunkSize / 2 + 1 {
            let grown = max(capacity * 2, end + chunkSize)
            let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
            larger.update(from: buffer, count: end)
            buffer.deallocate()
            buffer = larger
            capacity = grown
        }
        let n = source.read(into: UnsafeMutableBufferPointer(start: buffer + end, count: capacity - end))
        if n == 0 {
            atEOF = true
            return false
        }
        end += n
        bytesFed += n
        progress?(source.fileBytesRead, source.fileSize)
        return true
    }

    private func scanDocument() throws {
        _ = try refill(keeping: 0)
        if bytesFed == 0 { return }
        try scanDeclaration()
        while true {
            try scanText()
            if pos >= end {
                if try refill(keeping: pos) { continue }
                try endOfData()
                return
            }
            switch buffer[pos] {
            case 0x3C:  // <
                try scanMarkup()
            case 0x26:  // &
                try scanEntity()
            case 0x5D:  // ]
                try scanBracket()
            default:
                throw handOver("byte 0x\(String(buffer[pos], radix: 16)) in character data", at: pos)
            }
        }
    }

    private func endOfData() throws {
        if rootClosed { return }
        if !rootOpened { throw handOver("no root element", at: pos) }
        // Cut inside another root, libxml2's error message becomes the reader's ("not a vasprun.xml").
        guard let root = stack.first, names[Int(root)].count == 8, memcmp(names[Int(root)].pointer, "modeling", 8) == 0 else {
            throw handOver("the data ends inside a root element other than <modeling>", at: pos)
        }
    }

    // MARK: - Character data

    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let high: UInt64 = 0x8080_8080_8080_8080
    private static let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F

    /// High bit set in each byte of `v` that is zero (exact: no carries between bytes).
    @inline(__always)
    private static func zeroBytes(_ v: UInt64) -> UInt64 {
        ~(((v & low7) &+ low7) | v | low7)
    }

    @inline(__always)
    private static func equalBytes(_ v: UInt64, _ c: UInt8) -> UInt64 {
        zeroBytes(v ^ (ones &* UInt64(c)))
    }

    /// Scans character data from `pos` to the next byte that needs a look (`<`, `&`, `]`, a control
    /// byte other than tab and line feed, a byte ≥ 0x80) or the end of the window, and hands it to
    /// the handler.
    private func scanText() throws {
        let start = pos
        var i = pos
        let limit = end
        var lines = 0
        var stop = limit
        let base = UnsafeRawPointer(buffer)
        while i + 8 <= limit {
            let x = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let newline = Self.equalBytes(x, 0x0A)
            let control = ~(((x & Self.low7) &+ (Self.ones &* 0x60)) | x) & Self.high
            let special =
                (control & ~newline & ~Self.equalBytes(x, 0x09)) | (x & Self.high)
                | Self.equalBytes(x, 0x3C) | Self.equalBytes(x, 0x26) | Self.equalBytes(x, 0x5D)
            if special == 0 {
                lines &+= newline.nonzeroBitCount
                i += 8
                continue
            }
            let k = special.trailingZeroBitCount >> 3
            let before: UInt64 = k == 0 ? 0 : (1 << (8 * UInt64(k))) &- 1
            lines &+= (newline & before).nonzeroBitCount
            stop = i + k
            i = limit + 1
        }
        if i <= limit {
            stop = limit
            while i < limit {
                let c = buffer[i]
                if c == 0x0A {
                    lines &+= 1
                } else if c < 0x20 ? c != 0x09 : (c >= 0x80 || c == 0x3C || c == 0x26 || c == 0x5D) {
                    stop = i
                    break
                }
                i += 1
            }
        }
        pos = stop
        guard stop > start else { return }
        newlines &+= lines
        trailingText &+= stop - start
        trailingLast = buffer[stop - 1]
        try deliver(UnsafeBufferPointer(start: buffer + start, count: stop - start), at: start)
    }

    /// Character data to the handler; outside the root element only blanks are allowed (and dropped,
    /// as libxml2 does).
    @inline(__always)
    private func deliver(_ piece: UnsafeBufferPointer<UInt8>, at index: Int) throws {
        if !stack.isEmpty {
            parser.fastCharacters(piece)
            return
        }
        for c in piece where c != 0x20 && c != 0x0A && c != 0x09 {
            throw handOver("character data outside the root element", at: index)
        }
    }

    /// `&`: one of the five predefined entities, delivered as its character.
    private func scanEntity() throws {
        while true {
            let available = end - pos
            let names: [(String, Int)] = [("&lt;", 0), ("&gt;", 1), ("&amp;", 2), ("&quot;", 3), ("&apos;", 4)]
            var partial = false
            for (name, index) in names {
                switch match(name, at: pos) {
                case .yes:
                    pos += name.utf8.count
                    trailingText = 0
                    try deliver(UnsafeBufferPointer(start: entityBytes + index, count: 1), at: pos)
                    return
                case .prefix:
                    partial = true
                case .no:
                    continue
                }
            }
            if partial, available < 6 {
                if try refill(keeping: pos) { continue }
                try endInsideMarkup()
                return
            }
            throw handOver("an entity or character reference other than the five predefined", at: pos)
        }
    }

    /// `]`: character data unless it starts `]]>`.
    private func scanBracket() throws {
        while true {
            switch match("]]>", at: pos) {
            case .yes:
                throw handOver("`]]>` in character data", at: pos)
            case .prefix where !atEOF:
                if try refill(keeping: pos) { continue }
            default:
                break
            }
            let at = pos
            pos += 1
            countTextByte(0x5D)
            try deliver(UnsafeBufferPointer(start: buffer + at, count: 1), at: at)
            return
        }
    }

    @inline(__always)
    private func countTextByte(_ c: UInt8) {
        trailingText &+= 1
        trailingLast = c
    }

    private enum Match { case yes, prefix, no }

    /// Whether the window at `at` holds `literal` (ASCII), a prefix of it cut by the window's end, or
    /// neither.
    private func match(_ literal: String, at: Int) -> Match {
        var k = 0
        for byte in literal.utf8 {
            if at + k >= end { return .prefix }
            if buffer[at + k] != byte { return .no }
            k += 1
        }
        return .yes
    }

    // MARK: - Markup

    private enum TagResult {
        case done
        case needMore
    }

    /// `<` at `pos`: a start or end tag. A tag cut by the window's end is read again after a refill.
    private func scanMarkup() throws {
        while true {
            let result: TagResult
            if pos + 1 < end, buffer[pos + 1] == 0x2F {
                result = try scanEndTag()
            } else {
                result = try scanStartTag()
            }
            switch result {
            case .done:
                trailingText = 0
                return
            case .needMore:
                if try refill(keeping: pos) { continue }
                try endInsideMarkup()
                return
            }
        }
    }

    /// The data ends inside a tag or entity reference at `pos`, inside the root element. libxml2's
    /// push parser, given the end, stops at its first error there without ending any element; a
    /// start tag cut after its name or after blanks following a complete attribute is first reported
    /// as started (then forgotten by the handler, `VasprunParser.abandonStart`), one cut anywhere
    /// else is not. The line is the one the cut is on (the scanner lets no line feed into a tag).
    private func endInsideMarkup() throws {
        guard !stack.isEmpty else { throw handOver("the data ends inside markup outside the root element", at: pos) }
        for k in pos..<end where buffer[k] == 0x0A || buffer[k] == 0x0D {
            throw handOver("the data ends inside a tag holding a line end", at: k)
        }
        if pos + 1 < end, buffer[pos] == 0x3C, buffer[pos + 1] != 0x2F {
            cutTag = true
            defer { cutTag = false }
            if case .done = try scanStartTag() { parser.abandonStart() }
        }
        endedInPartial = true
        pos = end
    }

    @inline(__always)
    private static func isNameStart(_ c: UInt8) -> Bool {
        (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A || c == 0x5F
    }

    @inline(__always)
    private static func isNameByte(_ c: UInt8) -> Bool {
        isNameStart(c) || (c >= 0x30 && c <= 0x39) || c == 0x2D || c == 0x2E
    }

    /// The end of a name starting at `from` (a name byte), or nil when the window ends first.
    @inline(__always)
    private func nameEnd(from: Int) -> Int? {
        var i = from
        while i < end, Self.isNameByte(buffer[i]) { i += 1 }
        return i < end ? i : nil
    }

    private func scanStartTag() throws -> TagResult {
        let open = pos
        guard open + 1 < end else { return .needMore }
        let first = buffer[open + 1]
        guard Self.isNameStart(first) else {
            throw handOver("markup the fast path does not read (`<\(Character(Unicode.Scalar(first)))`)", at: open)
        }
        guard let nameStop = nameEnd(from: open + 1) ?? (cutTag ? end : nil) else { return try tooLongOrMore(open) }
        let nameCount = nameStop - open - 1
        if nameCount > Self.nameLengthLimit { throw handOver("an element name over \(Self.nameLengthLimit) bytes", at: open) }
        var i = nameStop
        var count = 0
        var used = 0
        var empty = false
        while true {
            guard i < end else {
                if cutTag { break }
                return try tooLongOrMore(open)
            }
            let c = buffer[i]
            if c == 0x3E {  // >
                i += 1
                break
            }
            if c == 0x2F {  // />
                guard i + 1 < end else { return try tooLongOrMore(open) }
                guard buffer[i + 1] == 0x3E else { throw handOver("`/` not followed by `>` in a tag", at: i) }
                empty = true
                i += 2
                break
            }
            guard c == 0x20 else { throw handOver("byte 0x\(String(c, radix: 16)) in a tag", at: i) }
            while i < end, buffer[i] == 0x20 { i += 1 }
            guard i < end else {
                if cutTag { break }
                return try tooLongOrMore(open)
            }
            let a = buffer[i]
            if a == 0x3E || a == 0x2F { continue }
            guard Self.isNameStart(a) else { throw handOver("byte 0x\(String(a, radix: 16)) where an attribute name starts", at: i) }
            guard count < Self.attributeLimit else { throw handOver("more than \(Self.attributeLimit) attributes", at: i) }
            guard let attributeStop = nameEnd(from: i) else { return try tooLongOrMore(open) }
            let attributeCount = attributeStop - i
            if attributeCount > Self.nameLengthLimit { throw handOver("an attribute name over \(Self.nameLengthLimit) bytes", at: i) }
            if attributeCount == 5, memcmp(buffer + i, "xmlns", 5) == 0 { throw handOver("a namespace declaration", at: i) }
            guard attributeStop + 1 < end else { return try tooLongOrMore(open) }
            guard buffer[attributeStop] == 0x3D else { throw handOver("an attribute without `=` right after its name", at: attributeStop) }
            let quote = buffer[attributeStop + 1]
            guard quote == 0x22 || quote == 0x27 else { throw handOver("an attribute value without quotes", at: attributeStop + 1) }
            // The name, NUL-terminated, then the decoded value.
            guard used + attributeCount + 1 <= arenaCapacity else { throw handOver("a tag too large", at: open) }
            let namePointer = arena + used
            namePointer.update(from: buffer + i, count: attributeCount)
            namePointer[attributeCount] = 0
            used += attributeCount + 1
            for k in 0..<count {
                if let other = attributes[5 * k], strcmp(other, namePointer) == 0 {
                    throw handOver("an attribute given twice", at: i)
                }
            }
            let valueStart = used
            var j = attributeStop + 2
            while true {
                guard j < end else { return try tooLongOrMore(open) }
                let v = buffer[j]
                if v == quote { break }
                guard used < arenaCapacity else { throw handOver("a tag too large", at: open) }
                if v >= 0x20 && v < 0x7F && v != 0x3C && v != 0x26 {
                    arena[used] = v
                    used += 1
                    j += 1
                    continue
                }
                guard v == 0x26 else { throw handOver("byte 0x\(String(v, radix: 16)) in an attribute value", at: j) }
                var decoded: UInt8?
                var length = 0
                for (name, byte) in [("&lt;", UInt8(0x3C)), ("&gt;", 0x3E), ("&amp;", 0x26), ("&quot;", 0x22), ("&apos;", 0x27)] {
                    switch match(name, at: j) {
                    case .yes:
                        decoded = byte
                        length = name.utf8.count
                    case .prefix where end - j < 6:
                        return try tooLongOrMore(open)
                    default:
                        continue
                    }
                    break
                }
                guard let decoded else { throw handOver("a reference in an attribute value", at: j) }
                arena[used] = decoded
                used += 1
                j += length
            }
            attributes[5 * count] = UnsafePointer(namePointer)
            attributes[5 * count + 1] = nil
            attributes[5 * count + 2] = nil
            attributes[5 * count + 3] = UnsafePointer(arena + valueStart)
            attributes[5 * count + 4] = UnsafePointer(arena + used)
            count += 1
            i = j + 1
            // XML wants blanks between attributes.
            guard i < end else { return try tooLongOrMore(open) }
            let after = buffer[i]
            guard after == 0x20 || after == 0x3E || after == 0x2F else {
                throw handOver("no blank between attributes", at: i)
            }
        }
        if i - open > Self.tagLimit { throw handOver("a tag longer than \(Self.tagLimit) bytes", at: open) }
        try openElement(nameAt: open + 1, count: nameCount, attributes: count, at: open)
        if cutTag {
            _ = stack.popLast()
            return .done
        }
        pos = i
        if empty { closeElement() }
        return .done
    }

    /// A tag cut by the window's end: read more, unless the tag is already too long.
    private func tooLongOrMore(_ open: Int) throws -> TagResult {
        if end - open > Self.tagLimit { throw handOver("a tag longer than \(Self.tagLimit) bytes", at: open) }
        return .needMore
    }

    private func openElement(nameAt start: Int, count: Int, attributes n: Int, at index: Int) throws {
        if stack.isEmpty {
            if rootClosed { throw handOver("a second root element", at: index) }
            rootOpened = true
        }
        guard stack.count < Self.depthLimit else { throw handOver("elements nested deeper than \(Self.depthLimit)", at: index) }
        let id = try intern(start, count, at: index)
        stack.append(id)
        parser.fastStart(UnsafePointer(names[Int(id)].pointer), n, n > 0 ? attributes : nil)
    }

    private func closeElement() {
        _ = stack.popLast()
        if stack.isEmpty { rootClosed = true }
        parser.fastEnd(line: 1 + newlines)
    }

    private func scanEndTag() throws -> TagResult {
        let open = pos
        guard let top = stack.last else { throw handOver("an end tag outside the root element", at: open) }
        let name = names[Int(top)]
        let after = open + 2 + name.count
        guard after <= end else { return try tooLongOrMore(open) }
        guard memcmp(buffer + open + 2, name.pointer, name.count) == 0 else {
            throw handOver("an end tag that does not match <\(String(cString: name.pointer))>", at: open)
        }
        var i = after
        while i < end, buffer[i] == 0x20 { i += 1 }
        guard i < end else { return try tooLongOrMore(open) }
        guard buffer[i] == 0x3E else { throw handOver("an end tag that does not match <\(String(cString: name.pointer))>", at: open) }
        pos = i + 1
        closeElement()
        return .done
    }

    /// The handler's copy of an element name (NUL-terminated, alive as long as the scanner), by id.
    private func intern(_ start: Int, _ count: Int, at index: Int) throws -> Int32 {
        if count == 1 {
            let c = Int(buffer[start])
            let known = singleByteNames[c]
            if known >= 0 { return known }
            let id = try addName(start, count, at: index)
            singleByteNames[c] = id
            return id
        }
        for (k, name) in names.enumerated() where name.count == count && memcmp(name.pointer, buffer + start, count) == 0 {
            return Int32(k)
        }
        return try addName(start, count, at: index)
    }

    private func addName(_ start: Int, _ count: Int, at index: Int) throws -> Int32 {
        guard names.count < Self.nameLimit else { throw handOver("more than \(Self.nameLimit) distinct element names", at: index) }
        let copy = UnsafeMutablePointer<UInt8>.allocate(capacity: count + 1)
        copy.update(from: buffer + start, count: count)
        copy[count] = 0
        names.append((copy, count))
        return Int32(names.count - 1)
    }

    // MARK: - XML declaration

    /// `<?xml version="1.0" encoding="…" standalone="…"?>` at byte 0, with the encodings whose ASCII
    /// bytes mean ASCII; anything else at the start is handed over.
    private func scanDeclaration() throws {
        while true {
            switch match("<?", at: 0) {
            case .no:
                return
            case .prefix:
                if try refill(keeping: 0) { continue }
                throw handOver("the data ends inside the XML declaration", at: 0)
            case .yes:
                break
            }
            var close = 2
            while close + 1 < end, !(buffer[close] == 0x3F && buffer[close + 1] == 0x3E) { close += 1 }
            if close + 1 >= end {
                if end > 512 { throw handOver("an XML declaration over 512 bytes", at: 0) }
                if try refill(keeping: 0) { continue }
                throw handOver("the data ends inside the XML declaration", at: 0)
            }
            let inside = String(decoding: UnsafeBufferPointer(start: buffer + 2, count: close - 2), as: UTF8.self)
            guard Self.isPlainDeclaration(inside) else { throw handOver("an XML declaration or processing instruction", at: 0) }
            pos = close + 2
            return
        }
    }

    /// `xml version="1.0"` with optional `encoding` (ISO-8859-1 or UTF-8) and `standalone`, single
    /// spaces, either quotes.
    static func isPlainDeclaration(_ inside: String) -> Bool {
        var words = inside.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        if words.last == "" { words.removeLast() }
        guard words.first == "xml", words.count >= 2, words.count <= 4 else { return false }
        var expected = ["version", "encoding", "standalone"]
        for word in words.dropFirst() {
            guard let eq = word.firstIndex(of: "=") else { return false }
            let key = String(word[..<eq])
            var value = String(word[word.index(after: eq)...])
            guard value.count >= 2, let q = value.first, q == "\"" || q == "'", value.last == q else { return false }
            value = String(value.dropFirst().dropLast())
            guard let k = expected.firstIndex(of: key) else { return false }
            if key == "version" && k != 0 { return false }
            if key != "version" && expected.first == "version" { return false }
            expected.removeFirst(k + 1)
            switch key {
            case "version": if value != "1.0" { return false }
            case "encoding": if !["iso-8859-1", "utf-8"].contains(value.lowercased()) { return false }
            default: if value != "yes" && value != "no" { return false }
            }
        }
        return true
    }
}
