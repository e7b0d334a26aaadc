import Chemistry

/// Collects one `<array>` (`<field>`s, nested `<set>`s, `<r>` rows) into a flat buffer and works out
/// its shape from the set nesting, checking that it is regular.
///
/// A row's text is scanned where libxml2 delivers it (``feed(_:)``, possibly in several pieces)
/// and its numbers are written straight into the array's storage; a row only counts when it has
/// exactly one number per `<field>`.
final class ArrayCollector {
    /// Which `<array>` is being collected.
    enum Role { case eigenvalues, dosTotal, dosPartial, projected }

    let role: Role
    @exclusivity(unchecked) var fields: [String] = []
    /// Numbers of the rows, in file order (all roles but projections). During the read the array
    /// may hold zeros past the last complete row; ``seal()`` trims them.
    @exclusivity(unchecked) var doubles = ContiguousArray<Double>()
    /// Projection weights, in file order (trimmed by ``seal()`` as `doubles`).
    @exclusivity(unchecked) var floats = ContiguousArray<Float>()
    /// Number of `<set>`s opened at each depth (depth 0 = the outer unnamed set).
    var setsAtDepth: [Int] = []
    var depth = 0
    var rows = 0
    var problem: String?
    /// Rows the file's header announces (bounded by the file size); capacity is reserved at the first row.
    var announcedRows = 0

    /// Values of complete rows stored so far (`doubles` or `floats` may be longer during the read).
    @exclusivity(unchecked) private var filled = 0
    /// The row being read: numbers seen (stored or not), overflows, skipped bytes.
    @exclusivity(unchecked) private var rowTally = NumberScanner.Tally()
    /// Index in the row of the next number; the partial DOS drops the first column (index −1).
    @exclusivity(unchecked) private var rowIndex = 0
    /// A field cut by the end of a piece of text, completed by the next piece or the row's end.
    @exclusivity(unchecked) private var carry = ContiguousArray<UInt8>()
    /// Zeros appended at a time ahead of the rows (bounded by the reserved capacity).
    private static let batch = 1 << 14

    init(role: Role) {
        self.role = role
    }

    func openSet() {
        if setsAtDepth.count <= depth { setsAtDepth.append(0) }
        setsAtDepth[depth] += 1
        depth += 1
    }

    func closeSet() {
        depth -= 1
    }

    /// A `<field>`; one after the first row would change the row length the rows were checked against.
    func addField(_ name: String) {
        if rows > 0 && problem == nil { problem = "a <field> after the first row" }
        fields.append(name)
    }

    /// Columns of a row that are kept: the partial DOS drops its energy column (it repeats the
    /// total DOS grid).
    private var keptColumns: Int { role == .dosPartial ? max(fields.count - 1, 0) : fields.count }

    /// Starts an `<r>` row.
    func beginRow() {
        rowTally = NumberScanner.Tally()
        rowIndex = role == .dosPartial ? -1 : 0
        if !carry.isEmpty { carry.removeAll(keepingCapacity: true) }
        guard problem == nil else { return }
        if rows == 0 && announcedRows > 0 { reserve(rowLength: keptColumns) }
        switch role {
        case .projected: Self.makeRoom(&floats, filled + keptColumns)
        default: Self.makeRoom(&doubles, filled + keptColumns)
        }
    }

    /// Scans one piece of a row's text. Numbers never contain a separator, so the text up to the
    /// last separator of the piece scans as it would in the whole row; the rest (a field the next
    /// piece may continue) waits in `carry`.
    func feed(_ piece: UnsafeBufferPointer<UInt8>) {
        guard problem == nil, let base = piece.baseAddress else { return }
        let n = piece.count
        var from = 0
        if !carry.isEmpty {
            while from < n, !Self.isSeparator(base[from]) { from += 1 }
            carry.append(contentsOf: UnsafeBufferPointer(start: base, count: from))
            if from == n { return }
            scanCarry()
        }
        var cut = n
        while cut > from, !Self.isSeparator(base[cut - 1]) { cut -= 1 }
        if cut > from { scan(UnsafeBufferPointer(start: base + from, count: cut - from)) }
        if cut < n { carry.append(contentsOf: UnsafeBufferPointer(start: base + cut, count: n - cut)) }
    }

    /// Ends the row: it is kept when it has one number per field; otherwise the block gets a problem
    /// (and is skipped). Returns what the scan found, for the overflow warnings.
    func endRow() -> NumberScanner.Tally {
        guard problem == nil else { return NumberScanner.Tally() }
        if !carry.isEmpty { scanCarry() }
        let expected = fields.count
        if rowTally.count == expected {
            filled += keptColumns
        } else {
            problem = "row \(rows + 1) has \(rowTally.count) values, expected \(expected) (\(fields.joined(separator: " ")))"
        }
        rows += 1
        return rowTally
    }

    /// Drops the zeros past the last complete row; called once the array is closed.
    func seal() {
        if floats.count > filled { floats.removeLast(floats.count - filled) }
        if doubles.count > filled { doubles.removeLast(doubles.count - filled) }
    }

    @inline(__always)
    private static func isSeparator(_ c: UInt8) -> Bool {
        c == 0x20 || c == 0x0A || c == 0x09 || c == 0x0D
    }

    private func scanCarry() {
        carry.withUnsafeBufferPointer { scan($0) }
        carry.removeAll(keepingCapacity: true)
    }

    /// Scans complete fields into the storage after the last complete row.
    @inline(__always)
    private func scan(_ bytes: UnsafeBufferPointer<UInt8>) {
        let tally: NumberScanner.Tally
        switch role {
        case .projected: tally = Self.scanPiece(bytes, into: &floats, at: filled, columns: keptColumns, index: &rowIndex)
        default: tally = Self.scanPiece(bytes, into: &doubles, at: filled, columns: keptColumns, index: &rowIndex)
        }
        rowTally.count += tally.count
        rowTally.overflows += tally.overflows
        rowTally.invalid += tally.invalid
    }

    /// Writes the numbers of `bytes` to `array[offset + index]` for `index` in `0..<columns` (the
    /// caller made room, ``makeRoom(_:_:)``), counting but not storing any others.
    @inline(__always)
    private static func scanPiece<T: BinaryFloatingPoint>(
        _ bytes: UnsafeBufferPointer<UInt8>, into array: inout ContiguousArray<T>, at offset: Int, columns: Int,
        index: inout Int
    ) -> NumberScanner.Tally {
        array.withUnsafeMutableBufferPointer { storage in
            let room = min(columns, max(storage.count - offset, 0))
            var sink = RowSink(base: storage.baseAddress.map { $0 + offset }, room: room, index: index)
            let tally = NumberScanner.scanFixedDecimals(bytes, into: &sink)
            index = sink.index
            return tally
        }
    }

    /// Makes `array.count` at least `needed`, appending zeros in batches that stay within the
    /// reserved capacity (so a reserved array is never reallocated).
    @inline(__always)
    private static func makeRoom<T: BinaryFloatingPoint>(_ array: inout ContiguousArray<T>, _ needed: Int) {
        let count = array.count
        guard count < needed else { return }
        let target = max(needed, min(count + batch, array.capacity))
        array.append(contentsOf: repeatElement(0, count: target - count))
    }

    /// Reserves the announced size once, so a large array is not copied while it grows (that copy
    /// would double the peak memory at the end of the read).
    private func reserve(rowLength: Int) {
        let (values, overflow) = announcedRows.multipliedReportingOverflow(by: max(rowLength, 1))
        guard !overflow else { return }
        switch role {
        case .projected: floats.reserveCapacity(values)
        case .dosPartial: doubles.reserveCapacity(values)
        default: return
        }
    }

    /// The shape `[sets at depth 1, sets per depth-1 set at depth 2, …, rows per innermost set]`
    /// for `levels` nested named sets, or `nil` when the block is not regular.
    func regularShape(levels: Int) -> [Int]? {
        guard setsAtDepth.count == levels + 1, setsAtDepth[0] == 1 else { return nil }
        var shape: [Int] = []
        var previous = 1
        for d in 1...levels {
            let total = setsAtDepth[d]
            guard total % previous == 0, total > 0 else { return nil }
            shape.append(total / previous)
            previous = total
        }
        guard rows % previous == 0 else { return nil }
        shape.append(rows / previous)
        return shape
    }
}

/// Where a row's numbers go: `base[index]` for `index` in `0..<room`; numbers before (negative
/// index: a dropped column) or after are counted by the scan but not stored.
struct RowSink<T: BinaryFloatingPoint>: NumberSink {
    let base: UnsafeMutablePointer<T>?
    let room: Int
    var index: Int

    @inline(__always)
    mutating func appendScanned(_ value: Double) {
        if UInt(bitPattern: index) < UInt(bitPattern: room), let base { base[index] = T(value) }
        index += 1
    }
}
