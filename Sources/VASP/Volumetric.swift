import Chemistry
import Files

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A VASP volumetric-data file: CHGCAR, CHG, AECCAR0/1/2, ELFCAR, LOCPOT or PARCHG.
///
/// **Layout read** (VASP 4, 5 and 6 headers; see `docs/formats-volumetric.md`):
/// 1. a POSCAR-style header — comment, scale, lattice, (VASP 5/6) species line, counts, `Direct`,
///    positions — ended by a blank line (read by ``Poscar``; VASP 6's `Fe_pv/hash` symbols are trimmed);
/// 2. per *block*: the grid line `NGX NGY NGZ`, then NGX·NGY·NGZ values, x fastest (5 per line in
///    `E18.11` for CHGCAR/AECCAR/LOCPOT/PARCHG, 10 per line in `E12.5` for CHG/ELFCAR), then optional
///    `augmentation occupancies i n` sections (PAW one-centre occupancies, n values per atom, also the
///    `(imaginary part)` variant). Anything between one block's augmentation and the next grid line
///    (the per-atom moments VASP writes before the magnetisation block) is kept verbatim.
/// 3. Blocks by count: 1 = total; 2 = total and magnetisation ρ↑ − ρ↓ (charge files) or spin up and
///    spin down (LOCPOT, ELFCAR); 4 = total and the x, y, z components (noncollinear). See ``roles``.
///
/// **Units.** Charge-like files store ρ·V_cell (electrons; the grid mean is the electron count), LOCPOT
/// eV, ELFCAR is dimensionless (see ``VolumetricGrid``).
///
/// **Reading is fast and safe**: the file streams through ``ByteSource`` (gzip transparently) in large
/// chunks; numbers are parsed from the bytes by a fixed-format fast path that falls back to
/// ``NumberScanner`` for anything else (so `****`, `1.0-100` and glued numbers behave as everywhere else);
/// the declared grid size is checked against the bytes that can still come before anything is allocated;
/// a short data block is an error naming the expected and found counts.
///
/// **Writing** reproduces VASP's layout: the VASP 5 header (6-decimal lattice and positions when that
/// loses nothing, 16 decimals otherwise), each block's grid line, values in the layout read (or
/// 5 × `E18.11` for new data) with Fortran's mantissa in [0.1, 1) and a short last line padded as VASP
/// pads it, and the augmentation and moment lines verbatim, so a file read and written again is
/// identical for VASP 5 files and opens in VESTA.
public struct Volumetric: Sendable {
    /// Which file this is; decides the units and the meaning of the blocks, not how it is parsed.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case chgcar = "CHGCAR"
        case chg = "CHG"
        case aeccar0 = "AECCAR0"
        case aeccar1 = "AECCAR1"
        case aeccar2 = "AECCAR2"
        case elfcar = "ELFCAR"
        case locpot = "LOCPOT"
        case parchg = "PARCHG"
        /// A file whose name says nothing; treated like a charge file.
        case unknown

        /// The kind a file name suggests (`CHGCAR.gz`, `run/AECCAR2`, `PARCHG.0012.ALLK`, `chgcar_sum` …);
        /// `.unknown` when none matches.
        public static func guess(fromPath path: String) -> Kind {
            let name = String(path.split(separator: "/").last ?? Substring(path)).uppercased()
            let ordered: [Kind] = [.chgcar, .aeccar0, .aeccar1, .aeccar2, .elfcar, .locpot, .parchg, .chg]
            return ordered.first { name.hasPrefix($0.rawValue) || name.contains($0.rawValue) } ?? .unknown
        }

        /// `true` for files holding ρ·V_cell (CHGCAR, CHG, AECCAR0/1/2, PARCHG, unknown).
        public var isChargeLike: Bool { self != .elfcar && self != .locpot }

        /// The unit of the stored values: `"e"` (ρ·V_cell), `"eV"` or `""` (ELF).
        public var unit: String {
            switch self {
            case .locpot: return "eV"
            case .elfcar: return ""
            default: return "e"
            }
        }
    }

    /// What a block holds.
    public enum BlockRole: String, Sendable, Hashable {
        /// The total (charge, potential or ELF).
        case total
        /// ρ↑ − ρ↓ of a spin-polarised charge file (ISPIN = 2), in μ_B·V_cell.
        case magnetization
        /// Spin-up data (LOCPOT, ELFCAR with ISPIN = 2).
        case spinUp
        /// Spin-down data (LOCPOT, ELFCAR with ISPIN = 2).
        case spinDown
        /// x component of a noncollinear run (magnetisation m_x, or LOCPOT's B₁).
        case x
        /// y component of a noncollinear run.
        case y
        /// z component of a noncollinear run.
        case z
        /// A block beyond the ones VASP's layout explains.
        case other

        /// The name users see: `total`, `magnetization`, `spin up`, `spin down`, and for a noncollinear
        /// charge file `m_x`, `m_y`, `m_z` (`x`, `y`, `z` components for LOCPOT/ELFCAR).
        public func label(for kind: Kind) -> String {
            switch self {
            case .total: return "total"
            case .magnetization: return "magnetization"
            case .spinUp: return "spin up"
            case .spinDown: return "spin down"
            case .x, .y, .z: return kind.isChargeLike ? "m_\(rawValue)" : "\(rawValue) component"
            case .other: return "other"
            }
        }
    }

    /// One data block with everything VASP wrote around it.
    public struct Block: Sendable, Hashable {
        /// The values and the grid (the structure's lattice).
        public var grid: VolumetricGrid
        /// Lines between the previous block's augmentation and this block's grid line, verbatim
        /// (each ending in `\n`): the per-atom moments before a magnetisation block. Empty for the first block.
        public var leadingText: String
        /// The `augmentation occupancies` sections after the values, verbatim (each line ending in
        /// `\n`), or empty. Written back unchanged.
        public var augmentation: String

        /// A block; the texts default to empty.
        public init(grid: VolumetricGrid, leadingText: String = "", augmentation: String = "") {
            self.grid = grid
            self.leadingText = leadingText
            self.augmentation = augmentation
        }
    }

    /// How values are printed: `valuesPerLine` fields of Fortran `E(w).(d)` with `significantDigits` d
    /// (the field width is d + 7 with its leading blank).
    public struct DataLayout: Sendable, Hashable {
        /// Values per line (5 for CHGCAR, 10 for CHG and ELFCAR).
        public var valuesPerLine: Int
        /// Digits of the mantissa (11 for CHGCAR, 5 for CHG and ELFCAR).
        public var significantDigits: Int

        /// A layout; both numbers are clamped to 1…30 and 1…17.
        public init(valuesPerLine: Int, significantDigits: Int) {
            self.valuesPerLine = min(max(valuesPerLine, 1), 30)
            self.significantDigits = min(max(significantDigits, 1), 17)
        }

        /// CHGCAR, AECCAR, LOCPOT, PARCHG: 5 values per line, `E18.11`.
        public static let chgcar = DataLayout(valuesPerLine: 5, significantDigits: 11)
        /// CHG, ELFCAR: 10 values per line, `E12.5`.
        public static let elfcar = DataLayout(valuesPerLine: 10, significantDigits: 5)
    }

    /// What the file is (from its name unless given when reading).
    public var kind: Kind
    /// The first line of the header (trimmed).
    public var comment: String
    /// The structure of the header (lattice in Å; `charge` 0).
    public var structure: Structure
    /// The data blocks in file order (at least one).
    public var blocks: [Block]
    /// How the values were printed (used again when writing).
    public var layout: DataLayout
    /// Text after the last block (rare), verbatim.
    public var trailingText: String
    /// The number of data blocks in the file, counted even when fewer were read (``read(path:kind:species:maxBlocks:countBlocks:observer:)``
    /// with `maxBlocks`); `nil` when the reader stopped early without counting. Decides the ``roles``:
    /// a file's second block is m_x when the file has four blocks, whatever was read of it.
    public var blockCountInFile: Int?
    /// Non-fatal findings of the reader. Not part of the value for `==`.
    public var warnings: [ReadWarning]

    /// A volumetric file from grids on one structure (e.g. a computed difference density).
    /// - Precondition: at least one grid.
    public init(
        kind: Kind, comment: String, structure: Structure, grids: [VolumetricGrid],
        layout: DataLayout = .chgcar
    ) {
        precondition(!grids.isEmpty, "a volumetric file needs at least one block")
        self.init(kind: kind, comment: comment, structure: structure, blocks: grids.map { Block(grid: $0) }, layout: layout)
    }

    /// A volumetric file from blocks (texts kept as given).
    public init(
        kind: Kind, comment: String, structure: Structure, blocks: [Block], layout: DataLayout = .chgcar,
        trailingText: String = "", warnings: [ReadWarning] = [], blockCountInFile: Int? = nil
    ) {
        self.kind = kind
        self.comment = comment
        self.structure = structure
        self.blocks = blocks
        self.layout = layout
        self.trailingText = trailingText
        self.warnings = warnings
        self.blockCountInFile = blockCountInFile ?? blocks.count
    }

    /// The first block: total charge (ρ·V_cell), potential (eV) or ELF.
    public var total: VolumetricGrid { blocks[0].grid }

    /// Grid dimensions NGX, NGY, NGZ (the same for every block).
    public var dimensions: SIMD3<Int> { blocks[0].grid.dimensions }

    /// The number of blocks that decides the roles: the file's (``blockCountInFile``), else those read.
    var layoutBlockCount: Int { max(blockCountInFile ?? blocks.count, blocks.count) }

    /// The role of each block read, from ``kind`` and the number of blocks **in the file** (see
    /// ``BlockRole``): 4 blocks are total, m_x, m_y, m_z even when only the first two were read.
    public var roles: [BlockRole] {
        let n = layoutBlockCount
        let spinPair = kind == .locpot || kind == .elfcar
        var roles: [BlockRole]
        switch n {
        case 1: roles = [.total]
        case 2: roles = spinPair ? [.spinUp, .spinDown] : [.total, .magnetization]
        case 4: roles = [.total, .x, .y, .z]
        default: roles = [.total] + Array(repeating: .other, count: max(0, n - 1))
        }
        return Array(roles.prefix(blocks.count))
    }

    /// The roles of every block in the file (those not read included), for summaries.
    public var rolesInFile: [BlockRole] {
        var copy = self
        copy.blocks = Array(repeating: blocks[0], count: layoutBlockCount)
        return copy.roles
    }

    /// The grid of the block playing `role`, or `nil`.
    public func grid(_ role: BlockRole) -> VolumetricGrid? {
        zip(roles, blocks).first { $0.0 == role }?.1.grid
    }

    /// `true` when the file has a magnetisation block (ISPIN = 2 charge file) or spin-up/down blocks.
    public var isSpinPolarized: Bool { layoutBlockCount == 2 }

    /// `true` when the file has four blocks: total and the x, y, z components of a noncollinear run
    /// (LNONCOLLINEAR/LSORBIT). Decided from the file itself, not from an INCAR.
    public var isNoncollinear: Bool { layoutBlockCount == 4 }

    /// For a spin-polarised charge file, ρ↑·V = (total + magnetisation)/2 and ρ↓·V = (total − magnetisation)/2;
    /// `nil` otherwise.
    public var spinDensities: (up: VolumetricGrid, down: VolumetricGrid)? {
        guard kind.isChargeLike, blocks.count == 2 else { return nil }
        var up = blocks[0].grid
        var down = blocks[0].grid
        let m = blocks[1].grid.values
        up.withUnsafeMutableValues { u in
            m.withUnsafeBufferPointer { mb in for n in u.indices { u[n] = 0.5 * (u[n] + mb[n]) } }
        }
        down.withUnsafeMutableValues { d in
            m.withUnsafeBufferPointer { mb in for n in d.indices { d[n] = 0.5 * (d[n] - mb[n]) } }
        }
        return (up, down)
    }
}

// MARK: - Reading

extension Volumetric {
    /// Reads a volumetric file (plain or gzip).
    ///
    /// - Parameters:
    ///   - kind: what the file is; guessed from the name when `nil`.
    ///   - species: symbols per species for a VASP 4 header without a species line (e.g. from the POTCAR).
    ///   - maxBlocks: read at most this many blocks (e.g. 1 for the total only, which skips the rest of
    ///     the file); `nil` reads all.
    ///   - countBlocks: when reading stops at `maxBlocks`, count the blocks in the rest of the file (a line
    ///     scan, no numbers parsed) so that ``blockCountInFile`` and the ``roles`` are known. Always done
    ///     when `maxBlocks` ≥ 2 (the role of block 2 depends on it); with `maxBlocks` 1 only on request.
    /// - Throws: ``VASPError/cannotRead(file:reason:)``, or ``VASPError/malformed(_:_:)`` naming the line
    ///   and what was expected (a bad header, a grid line that is not three positive integers, a grid
    ///   larger than the rest of the file can hold, a data block with fewer values than its grid, an
    ///   augmentation section with fewer values than it declares, a later block with another grid).
    ///   - observer: sees the whole file as stored, in the same read (a hash of what was parsed; the part after
    ///     `maxBlocks` is read for it, not parsed).
    public static func read(
        path: String, kind: Kind? = nil, species: [String]? = nil, maxBlocks: Int? = nil, countBlocks: Bool = false,
        observer: StoredBytesObserver? = nil
    ) throws -> Volumetric {
        try read(path: path, kind: kind, species: species, maxBlocks: maxBlocks, countBlocks: countBlocks, scan: nil, observer: observer)
    }

    /// ``read(path:kind:species:maxBlocks:countBlocks:observer:)`` with the data scan chosen (`nil`: two threads
    /// for plain files, one for gzip files) and the read window's size: for the tests that compare the
    /// two scans.
    static func read(
        path: String, kind: Kind? = nil, species: [String]? = nil, maxBlocks: Int? = nil, countBlocks: Bool = false,
        scan: DataScan?, window: Int = 1 << 21, observer: StoredBytesObserver? = nil
    ) throws -> Volumetric {
        let source = try ByteSource(path: path, chunkSize: 1 << 20, observer: observer)
        defer { source.observeRest() }
        var reader = VolumetricReader(source: source, file: path, window: window)
        reader.bytes.scanMode = scan ?? .automatic(compressed: source.isCompressed)
        return try reader.read(kind: kind ?? Kind.guess(fromPath: path), species: species, maxBlocks: maxBlocks, countBlocks: countBlocks)
    }
}

/// The streaming reader behind ``Volumetric/read(path:kind:species:maxBlocks:countBlocks:observer:)``.
struct VolumetricReader {
    let file: String
    let bytes: ChunkedBytes
    var warnings: [ReadWarning] = []
    var overflowFields = 0
    /// Blocks in the file when reading stopped at the limit and counted the rest.
    var blockCountInFile: Int?
    /// 1-based line number of the first line kept after the last block's augmentation.
    var trailingStartLine: Int?

    init(source: ByteSource, file: String, window: Int = 1 << 21) {
        self.file = file
        self.bytes = ChunkedBytes(source: source, capacity: window)
    }

    /// Deflate cannot expand data by more than this factor (zlib's documented bound is 1032:1).
    static let maximumCompressionRatio = 1032

    mutating func read(kind: Volumetric.Kind, species: [String]?, maxBlocks: Int?, countBlocks: Bool = false) throws -> Volumetric {
        let poscar = try readHeader(species: species)
        warnings += poscar.warnings
        var blocks: [Volumetric.Block] = []
        var layout = Volumetric.DataLayout.chgcar
        var pending = ""
        var expected: SIMD3<Int>?
        let limit = max(1, maxBlocks ?? Int.max)
        var nextGrid = try readFirstGridLine()
        var stoppedAtLimit = false
        while let (dimensions, gridLine) = nextGrid {
            if let expected, expected != dimensions {
                throw malformed(gridLine, "expected the grid \(Self.text(expected)) of block 1 for block \(blocks.count + 1), found \(Self.text(dimensions))")
            }
            expected = dimensions
            let (values, detected) = try readValues(dimensions: dimensions, block: blocks.count + 1, gridLine: gridLine)
            if blocks.isEmpty, let detected { layout = detected }
            guard let grid = VolumetricGrid(dimensions: dimensions, lattice: poscar.structure.lattice, values: values) else {
                throw malformed(gridLine, "expected \(Self.text(dimensions)) values, found \(values.count)")
            }
            stoppedAtLimit = blocks.count + 1 >= limit
            let counting = stoppedAtLimit && (limit >= 2 || countBlocks)
            let (augmentation, following, next) = try readAfterBlock(
                blockLimitReached: stoppedAtLimit && !counting, atoms: poscar.structure.count)
            blocks.append(Volumetric.Block(grid: grid, leadingText: pending, augmentation: augmentation))
            pending = following
            nextGrid = next
            if counting {
                blockCountInFile = blocks.count + (next == nil ? 0 : try countRemainingBlocks())
                nextGrid = nil
            }
        }
        if stoppedAtLimit {
            pending = ""
        } else {
            warnAboutTrailingNumbers(pending, atoms: poscar.structure.count, blocks: blocks.count)
        }
        if overflowFields > 0 {
            warnings.append(ReadWarning(SourceLocation(file: file), "\(overflowFields) value(s) printed as '****' (Fortran overflow) were read as NaN"))
        }
        if bytes.source.truncatedCompression {
            warnings.append(ReadWarning(SourceLocation(file: file), "the gzip stream ends early or is corrupt; every complete block was read"))
        }
        var result = Volumetric(
            kind: kind, comment: poscar.comment, structure: poscar.structure, blocks: blocks, layout: layout,
            trailingText: pending, warnings: warnings)
        // Stopped at the limit without counting: the file's block count is unknown.
        if stoppedAtLimit { result.blockCountInFile = blockCountInFile }
        return result
    }

    /// The blocks after the current one, counted by their grid lines (the grid line of the first was
    /// just read): a line scan that parses no value. A grid line is three positive integers alone on a
    /// line, which no data, augmentation or moment line is.
    mutating func countRemainingBlocks() throws -> Int {
        var count = 1
        while let isGrid = try bytes.withNextLine(file: file, { line, _ in Self.isGridLine(line) }) {
            if isGrid { count += 1 }
        }
        return count
    }

    /// Three unsigned integers > 0 separated by blanks, nothing else.
    static func isGridLine(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        var words = 0
        var i = 0
        let n = line.count
        while i < n {
            while i < n, line[i] == 0x20 || line[i] == 0x09 || line[i] == 0x0D { i += 1 }
            guard i < n else { break }
            var value = 0
            var digits = 0
            while i < n, line[i] >= 0x30, line[i] <= 0x39 {
                value = value &* 10 &+ Int(line[i] - 0x30)
                digits += 1
                i += 1
            }
            guard digits > 0, digits < 10, value > 0, i == n || line[i] == 0x20 || line[i] == 0x09 || line[i] == 0x0D else { return false }
            words += 1
            if words > 3 { return false }
        }
        return words == 3
    }

    /// Numbers after the last block with no grid line after them: VASP writes per-atom moments only
    /// before a further (magnetisation) block, so the file was cut before that block.
    mutating func warnAboutTrailingNumbers(_ trailing: String, atoms: Int, blocks: Int) {
        var count = 0
        var firstLine: Int?
        for (offset, line) in trailing.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let (values, tally) = NumberScanner.doubles(in: line)
            guard tally.invalid == 0, !values.isEmpty else { continue }
            count += values.count
            if firstLine == nil { firstLine = offset }
        }
        // More than 3 per atom has its own warning (``warnAboutExtraNumbers``): a wrong grid line.
        guard count > 0, count <= 3 * atoms else { return }
        let what =
            count == atoms || count == 3 * atoms
            ? "the per-atom moments VASP writes before a magnetisation block"
            : "VASP writes numbers there only before a further block"
        warnings.append(
            ReadWarning(
                SourceLocation(file: file, line: trailingStartLine.map { $0 + (firstLine ?? 0) }),
                "\(count) number(s) follow the last block (block \(blocks)) but no grid line does (\(what)): the file looks cut before its next block; only \(blocks) block(s) were read"
            ))
    }

    // MARK: Header

    /// Lines up to the blank line after the positions (or, without one, up to the last position line).
    mutating func readHeader(species: [String]?) throws -> Poscar {
        var lines: [String] = []
        var expectedLines: Int?
        while true {
            guard let (line, _) = try bytes.readLine(file: file) else {
                if lines.isEmpty {
                    throw VASPError.malformed(
                        SourceLocation(file: file, line: 1), "expected a volumetric file (POSCAR-style header, grid line, data), found an empty file")
                }
                throw VASPError.malformed(
                    SourceLocation(file: file, line: lines.count + 1),
                    "expected the atom positions, a blank line and the grid line 'NGX NGY NGZ', found the end of the file")
            }
            if !lines.isEmpty && InputLines.trim(line).isEmpty { break }
            lines.append(line)
            if expectedLines == nil, lines.count >= 8 { expectedLines = Self.headerLength(lines) }
            if let expectedLines, lines.count >= expectedLines { break }
        }
        return try Poscar.parse(text: lines.joined(separator: "\n") + "\n", file: file, species: species)
    }

    /// The number of header lines implied by the counts line (used only when no blank line ends the header).
    static func headerLength(_ lines: [String]) -> Int? {
        for index in 5..<min(lines.count, 8) {
            let words = lines[index].split(whereSeparator: { $0 == " " || $0 == "\t" })
            let counts = words.compactMap { Int($0) }
            guard !words.isEmpty, counts.count == words.count else { continue }
            let atoms = counts.reduce(0) { $0 &+ max(0, $1) }
            var length = index + 2 + atoms  // counts line, mode line, positions
            let next = index + 1 < lines.count ? InputLines.trim(lines[index + 1]) : ""
            if next.first == "S" || next.first == "s" { length += 1 }
            return length
        }
        return nil
    }

    // MARK: Grid lines

    mutating func readFirstGridLine() throws -> (SIMD3<Int>, Int)? {
        while let (line, number) = try bytes.readLine(file: file) {
            if InputLines.trim(line).isEmpty { continue }
            guard let dimensions = Self.gridDimensions(line) else {
                throw malformed(number, "expected the grid line 'NGX NGY NGZ' (three positive integers), found \(InputLines.quote(Substring(line)))")
            }
            return (dimensions, number)
        }
        throw VASPError.malformed(
            SourceLocation(file: file, line: bytes.line),
            "expected the grid line 'NGX NGY NGZ' after the header, found the end of the file")
    }

    /// Three positive integers and nothing else.
    static func gridDimensions(_ line: String) -> SIMD3<Int>? {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
        guard words.count == 3 else { return nil }
        let values = words.compactMap { Int($0) }
        guard values.count == 3, values.allSatisfy({ $0 > 0 }) else { return nil }
        return SIMD3(values[0], values[1], values[2])
    }

    static func text(_ d: SIMD3<Int>) -> String { "\(d.x)×\(d.y)×\(d.z)" }

    // MARK: Data

    /// The values of one block, and the layout of its first line.
    mutating func readValues(dimensions: SIMD3<Int>, block: Int, gridLine: Int) throws -> (ContiguousArray<Double>, Volumetric.DataLayout?) {
        guard let count = VolumetricGrid.pointCount(dimensions) else {
            throw malformed(gridLine, "the grid \(Self.text(dimensions)) has more points than can be counted")
        }
        let (needed, o1) = count.multipliedReportingOverflow(by: 2)
        let available = bytes.maximumRemainingBytes(ratio: Self.maximumCompressionRatio)
        if o1 || needed - 1 > available {
            throw malformed(
                gridLine,
                "the grid \(Self.text(dimensions)) declares \(count) values, which need at least \(o1 ? Int.max : needed - 1) bytes, but at most \(available) bytes remain in the file"
            )
        }
        let layout = bytes.detectLayout()
        let startLine = bytes.line
        var failure: VASPError?
        var overflows = 0
        let values = ContiguousArray<Double>(unsafeUninitializedCapacity: count) { buffer, initialized in
            guard let base = buffer.baseAddress else { return }
            let result = bytes.parseValues(into: base, count: count, layout: layout)
            initialized = result.parsed
            overflows = result.overflows
            if result.parsed < count {
                failure = shortBlock(block: block, dimensions: dimensions, expected: count, found: result.parsed, startLine: startLine)
            }
        }
        overflowFields += overflows
        if let failure { throw failure }
        return (values, layout)
    }

    /// The error for a data block that ends early: where, and what was found instead of a number.
    func shortBlock(block: Int, dimensions: SIMD3<Int>, expected: Int, found: Int, startLine: Int) -> VASPError {
        let what: String
        if let next = bytes.peekWord() {
            what = "'\(next)'"
        } else {
            what = "the end of the file"
        }
        return .malformed(
            SourceLocation(file: file, line: bytes.line),
            "data block \(block) (grid \(Self.text(dimensions)), from line \(startLine)) is short: expected \(expected) values, found \(found) before \(what)")
    }

    // MARK: After the data

    /// Augmentation sections and other lines up to the next grid line (or the end of the file).
    mutating func readAfterBlock(blockLimitReached: Bool, atoms: Int) throws -> (augmentation: String, following: String, next: (SIMD3<Int>, Int)?) {
        bytes.skipRestOfLine()
        var augmentation = ""
        var following = ""
        var extraNumbers = 0
        var firstExtraLine: Int?
        while let (line, number) = try bytes.readLine(file: file) {
            let trimmed = InputLines.trim(line)
            if trimmed.hasPrefix("augmentation occupancies") && following.isEmpty {
                augmentation += line + "\n"
                augmentation += try readAugmentation(header: trimmed, line: number)
                continue
            }
            if let dimensions = Self.gridDimensions(line) {
                if blockLimitReached { return (augmentation, following, nil) }
                warnAboutExtraNumbers(extraNumbers, firstExtraLine, atoms: atoms)
                return (augmentation, following, (dimensions, number))
            }
            let (values, tally) = NumberScanner.doubles(in: line)
            if tally.invalid > 0 && !trimmed.isEmpty {
                warnings.append(
                    ReadWarning(
                        SourceLocation(file: file, line: number),
                        "unexpected line \(InputLines.quote(Substring(line))) after a data block; kept verbatim"))
            }
            if tally.invalid == 0 {
                if firstExtraLine == nil && !values.isEmpty { firstExtraLine = number }
                extraNumbers += values.count
            }
            if following.isEmpty { trailingStartLine = number }
            following += line + "\n"
            if blockLimitReached { return (augmentation, following, nil) }
        }
        warnAboutExtraNumbers(extraNumbers, firstExtraLine, atoms: atoms)
        return (augmentation, following, nil)
    }

    /// More numbers between blocks than the moments VASP writes there (one per atom, three per atom for a
    /// noncollinear run) suggest a wrong grid line.
    mutating func warnAboutExtraNumbers(_ count: Int, _ line: Int?, atoms: Int) {
        guard let line, count > 3 * atoms else { return }
        warnings.append(
            ReadWarning(
                SourceLocation(file: file, line: line),
                "\(count) numbers between data blocks were kept verbatim (VASP writes at most 3 per atom there, \(3 * atoms) for \(atoms) atoms); check the grid lines"
            ))
    }

    /// The value lines of one `augmentation occupancies i n` section, verbatim.
    mutating func readAugmentation(header: String, line: Int) throws -> String {
        let words = header.split(separator: " ")
        guard words.count >= 4, let atom = Int(words[words.count - 2]), let n = Int(words[words.count - 1]), n >= 0 else {
            throw malformed(line, "expected 'augmentation occupancies ATOM COUNT', found \(InputLines.quote(Substring(header)))")
        }
        var text = ""
        var found = 0
        while found < n {
            guard let (valueLine, number) = try bytes.readLine(file: file) else {
                throw VASPError.malformed(
                    SourceLocation(file: file, line: bytes.line),
                    "augmentation occupancies of atom \(atom) (line \(line)): expected \(n) values, found \(found) before the end of the file")
            }
            let (values, tally) = NumberScanner.doubles(in: valueLine)
            guard tally.invalid == 0, !values.isEmpty else {
                throw malformed(
                    number,
                    "augmentation occupancies of atom \(atom) (line \(line)): expected \(n) values, found \(found) before \(InputLines.quote(Substring(valueLine)))"
                )
            }
            found += values.count
            text += valueLine + "\n"
        }
        return text
    }

    func malformed(_ line: Int, _ message: String) -> VASPError {
        .malformed(SourceLocation(file: file, line: line), message)
    }
}

// MARK: - Writing

extension Volumetric {
    /// The file's bytes in VASP's layout (see the type's documentation).
    public func bytes() -> [UInt8] {
        var out: [UInt8] = []
        let valueCount = blocks.reduce(0) { $0 + $1.grid.count }
        out.reserveCapacity(valueCount * (layout.significantDigits + 7) + 4096)
        out += Array(headerText().utf8)
        for block in blocks {
            out += Array(block.leadingText.utf8)
            let d = block.grid.dimensions
            out += Array(Self.gridLine(d).utf8)
            VolumetricWriter.appendValues(block.grid.values, layout: layout, to: &out)
            out += Array(block.augmentation.utf8)
        }
        out += Array(trailingText.utf8)
        return out
    }

    /// Writes the file atomically (temporary file in the same folder, then rename).
    /// - Parameter force: replace an existing file; without it an existing file is an error.
    public func write(to path: String, force: Bool = false) throws {
        try AtomicFile.write(bytes(), to: path, force: force)
    }

    /// `%5d%5d%5d` (wider numbers widen the field).
    static func gridLine(_ d: SIMD3<Int>) -> String {
        [d.x, d.y, d.z].map { TextNumber.padLeft(String($0), 5) }.joined() + "\n"
    }

    /// The POSCAR-style header ending with the blank line, as VASP 5 writes it.
    func headerText() -> String {
        let s = structure
        var out = comment.count < 40 ? comment + String(repeating: " ", count: 40 - comment.count) : InputLines.oneLine(comment)
        out += "\n   1.00000000000000     \n"
        let rows = [s.lattice.a, s.lattice.b, s.lattice.c].flatMap { [$0.x, $0.y, $0.z] }
        let latticeDecimals = VolumetricWriter.exactIn6Decimals(rows) ? (6, 12) : (16, 22)
        for r in 0..<3 {
            out += " " + (0..<3).map { TextNumber.fixed(rows[3 * r + $0], decimals: latticeDecimals.0, width: latticeDecimals.1) }.joined() + "\n"
        }
        var groups: [(String, Int)] = []
        for symbol in s.species {
            if let last = groups.last, last.0 == symbol { groups[groups.count - 1].1 += 1 } else { groups.append((symbol, 1)) }
        }
        out += groups.map { "   " + $0.0 + String(repeating: " ", count: max(0, 2 - $0.0.count)) }.joined() + "\n"
        out += groups.map { TextNumber.padLeft(String($0.1), 6) }.joined() + "\n"
        out += "Direct\n"
        let positions = s.fractionalPositions.flatMap { [$0.x, $0.y, $0.z] }
        let positionDecimals = VolumetricWriter.exactIn6Decimals(positions) ? (6, 10) : (16, 20)
        for p in s.fractionalPositions {
            out += [p.x, p.y, p.z].map { TextNumber.fixed($0, decimals: positionDecimals.0, width: positionDecimals.1) }.joined() + "\n"
        }
        out += " \n"
        return out
    }
}

/// Fortran-style number output for ``Volumetric``.
enum VolumetricWriter {
    /// `true` when printing every value with 6 decimals and reading it back gives the value exactly.
    static func exactIn6Decimals(_ values: [Double]) -> Bool {
        values.allSatisfy { v in
            guard v.isFinite, abs(v) < 1e6 else { return false }
            return NumberScanner.double(TextNumber.fixed(v, decimals: 6, width: 1)) == v
        }
    }

    /// Appends the values, `layout.valuesPerLine` per line; a short last line ends with two blanks as
    /// VASP's does. Every field has the same width (digits + 7), so the bytes are written in place.
    static func appendValues(_ values: ContiguousArray<Double>, layout: Volumetric.DataLayout, to out: inout [UInt8]) {
        let perLine = layout.valuesPerLine
        let digits = layout.significantDigits
        let width = digits + 7
        let n = values.count
        let partial = n % perLine != 0
        let size = n * width + n / perLine + (partial ? 3 : 0)
        let start = out.count
        out.append(contentsOf: repeatElement(0x20, count: size))
        out.withUnsafeMutableBufferPointer { buffer in
            values.withUnsafeBufferPointer { v in
                guard var p = buffer.baseAddress.map({ $0 + start }) else { return }
                for k in 0..<n {
                    fortranField(v[k], digits: digits, into: p)
                    p += width
                    if (k + 1) % perLine == 0 {
                        p[0] = 0x0A
                        p += 1
                    }
                }
                if partial { p[2] = 0x0A }  // the two blanks are already there
            }
        }
    }

    /// One field of `digits + 7` bytes at `p`: ` 0.ddddE±xx` or ` -.ddddE±xx` (a three-digit exponent
    /// drops the E, as Fortran does: ` 0.1000-119`); NaN and infinities as `NaN`, `Infinity`,
    /// `-Infinity`, right-aligned.
    static func fortranField(_ x: Double, digits: Int, into p: UnsafeMutablePointer<UInt8>) {
        let width = digits + 7
        guard x.isFinite else {
            let word = Array((x.isNaN ? "NaN" : (x < 0 ? "-Infinity" : "Infinity")).utf8)
            for k in 0..<width { p[k] = 0x20 }
            for (k, b) in word.enumerated() { p[width - word.count + k] = b }
            return
        }
        p[0] = 0x20
        p[1] = x < 0 ? 0x2D : 0x30
        p[2] = 0x2E
        let exponent: Int
        if x == 0 {
            for k in 0..<digits { p[3 + k] = 0x30 }
            exponent = 0
        } else {
            exponent = roundedDigits(abs(x), digits: digits, into: p + 3)
        }
        var n = 3 + digits
        let magnitude = abs(exponent)
        if magnitude < 100 {
            p[n] = 0x45
            n += 1
        }
        p[n] = exponent < 0 ? 0x2D : 0x2B
        n += 1
        if magnitude >= 100 {
            p[n] = UInt8(0x30 + magnitude / 100 % 10)
            n += 1
        }
        p[n] = UInt8(0x30 + (magnitude / 10) % 10)
        n += 1
        p[n] = UInt8(0x30 + magnitude % 10)
    }

    private static let powersOfTen: [UInt128] = (0...38).map { k in (0..<k).reduce(UInt128(1)) { r, _ in r * 10 } }

    /// The first `digits` significant digits of `x` > 0, correctly rounded (ties to even, as C's printf
    /// in the default rounding mode), written as ASCII at `out`; returns Fortran's exponent F with
    /// x ≈ 0.d₁d₂… × 10^F.
    ///
    /// Exact integer arithmetic: with x = M·2^E, the digits are round(M·10^s / 2^−E) for s = digits − F,
    /// computed in 128 bits when s is 0…22 and E < 0 (every value a CHGCAR holds); anything else takes
    /// `printf`.
    static func roundedDigits(_ x: Double, digits: Int, into out: UnsafeMutablePointer<UInt8>) -> Int {
        guard digits <= 19 else { return printfDigits(x, digits: digits, into: out) }
        let mantissa = UInt128(x.significandBitPattern | (x.isNormal ? 1 << 52 : 0))
        let shift = -(Int(x.exponent) - 52)
        var exponent = Int(log10(x).rounded(.down)) + 1
        let low = powersOfTen[digits - 1]
        let high = powersOfTen[digits]
        for _ in 0..<3 {
            let s = digits - exponent
            guard x.isNormal, s >= 0, s <= 22, shift > 0, shift < 127 else { break }
            let product = mantissa * powersOfTen[s]
            var q = product >> shift
            let remainder = product - (q << shift)
            let half = UInt128(1) << (shift - 1)
            if remainder > half || (remainder == half && q & 1 == 1) { q += 1 }
            if q >= high {
                if q == high && product >> shift == high - 1 {
                    // Rounded up to 10^digits: 0.99…95 → 0.10…0 × 10^(F+1).
                    writeDigits(low, digits: digits, into: out)
                    return exponent + 1
                }
                exponent += 1
                continue
            }
            if q < low {
                exponent -= 1
                continue
            }
            writeDigits(q, digits: digits, into: out)
            return exponent
        }
        return printfDigits(x, digits: digits, into: out)
    }

    private static func writeDigits(_ value: UInt128, digits: Int, into out: UnsafeMutablePointer<UInt8>) {
        var v = UInt64(truncatingIfNeeded: value)
        for k in stride(from: digits - 1, through: 0, by: -1) {
            out[k] = UInt8(0x30 + v % 10)
            v /= 10
        }
    }

    /// The exact path: C's `%.{digits-1}E`, rearranged to Fortran's 0.ddd form.
    static func printfDigits(_ x: Double, digits: Int, into out: UnsafeMutablePointer<UInt8>) -> Int {
        var buffer = [CChar](repeating: 0, count: 64)
        let length = Int(withVaList([x]) { vsnprintf(&buffer, buffer.count, "%.\(digits - 1)E", $0) })
        var exponent = 0
        var k = length - 1
        var scale = 1
        while k > 0, buffer[k] >= 0x30, buffer[k] <= 0x39 {
            exponent += Int(buffer[k] - 0x30) * scale
            scale *= 10
            k -= 1
        }
        if buffer[k] == 0x2D { exponent = -exponent }
        out[0] = UInt8(buffer[0])
        for m in 1..<max(digits, 1) { out[m] = UInt8(buffer[1 + m]) }
        return exponent + 1
    }
}
