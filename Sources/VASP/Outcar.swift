import Chemistry
import Files

/// One ionic step of an OUTCAR: the energies of its `FREE ENERGIE OF THE ION-ELECTRON SYSTEM` block,
/// its `POSITION … TOTAL-FORCE` table and, for a VTST NEB image, its `NEB:` and `FORCES:` lines.
public struct OutcarIonicStep: Sendable, Hashable {
    /// Free energy F = `free  energy   TOTEN` (eV).
    public var freeEnergy: Double?
    /// `energy  without entropy` (eV).
    public var energyWithoutEntropy: Double?
    /// `energy(sigma->0)` (eV), the energy Cascade uses (E(σ→0)).
    public var energySigma0: Double?
    /// Cartesian positions (Å) of the `POSITION` table, in file order; empty when not written.
    public var positions: [SIMD3<Double>]
    /// Total forces (eV/Å) of the `TOTAL-FORCE` table; empty when not written.
    public var forces: [SIMD3<Double>]
    /// The cell in which `positions` were written (the last `direct lattice vectors` block before them).
    public var lattice: Lattice?
    /// VTST `NEB: projections on to tangent (spring, REAL)`: the spring-force projection (eV/Å).
    public var nebSpringForce: Double?
    /// VTST `NEB: projections on to tangent (spring, REAL)`: the REAL (potential) force along the
    /// tangent (eV/Å), VTST sign: F = −dE/dr. pymatgen's `tangent_force`.
    public var nebTangentForce: Double?
    /// VTST `FORCES: max atom, RMS`: the largest atomic force (eV/Å) after the NEB projection.
    public var nebMaxForce: Double?
    /// VTST `FORCES: max atom, RMS`: the RMS force (eV/Å) after the NEB projection.
    public var nebRMSForce: Double?

    /// A step from its values; what the OUTCAR did not write stays `nil` or empty.
    public init(
        freeEnergy: Double? = nil, energyWithoutEntropy: Double? = nil, energySigma0: Double? = nil,
        positions: [SIMD3<Double>] = [], forces: [SIMD3<Double>] = [], lattice: Lattice? = nil,
        nebSpringForce: Double? = nil, nebTangentForce: Double? = nil, nebMaxForce: Double? = nil,
        nebRMSForce: Double? = nil
    ) {
        self.freeEnergy = freeEnergy
        self.energyWithoutEntropy = energyWithoutEntropy
        self.energySigma0 = energySigma0
        self.positions = positions
        self.forces = forces
        self.lattice = lattice
        self.nebSpringForce = nebSpringForce
        self.nebTangentForce = nebTangentForce
        self.nebMaxForce = nebMaxForce
        self.nebRMSForce = nebRMSForce
    }

    /// Largest force magnitude |F| on any atom (eV/Å) from the `TOTAL-FORCE` table, or `nil`.
    public var maxForce: Double? { forces.map(\.length).max() }
}

/// A per-ion orbital table of an OUTCAR (`total charge`, `magnetization (x)`, …): the column labels
/// (`s`, `p`, `d`, [`f`,] `tot`) and one row per ion. The `tot` line is not a row.
public struct OutcarOrbitalTable: Sendable, Hashable {
    /// Column labels as VASP writes them, e.g. `["s", "p", "d", "tot"]`.
    public var labels: [String]
    /// Values, one row per ion (in |e| for charge, μ_B for magnetisation).
    public var rows: [[Double]]

    /// A table from its column labels and one row per ion.
    public init(labels: [String], rows: [[Double]]) {
        self.labels = labels
        self.rows = rows
    }

    /// The column `label` of every row (e.g. `"tot"`), or `nil` when the table has no such column.
    public func column(_ label: String) -> [Double]? {
        guard let k = labels.firstIndex(of: label) else { return nil }
        return rows.map { k < $0.count ? $0[k] : .nan }
    }
}

/// The essentials of a VASP `OUTCAR`, Cascade's fallback when `vasprun.xml` is missing or cut short
/// (see `docs/formats-outputs.md`).
///
/// The file is read once, streaming, line by line (pymatgen re-reads it about twenty times, FIELD.md
/// item 12); memory is one chunk plus the kept tables. Every number goes through ``NumberScanner``,
/// so Fortran's glued fields (`1.6427-28.9219`) and `****` overflows are handled.
///
/// Kept: the VASP version, POTCAR titles, elements (`VRHFIN`), ZVAL per POTCAR, ions per type,
/// NELECT, ENCUT, EDIFFG, IBRION, ISPIN, IVDW, GGA, LSORBIT/LNONCOLLINEAR, VTST `LCLIMB`; per ionic step
/// the three energies, positions and forces and the VTST NEB lines; the last `E-fermi`, the last
/// `number of electron … magnetization …` line, the last `total charge` and `magnetization (x/y/z)`
/// tables; whether the run reached the required accuracy and whether the file is complete.
public struct Outcar: Sendable {
    /// The file as the user named it.
    public var file: String
    /// `true` when the file has VASP's closing `General timing and accounting` section.
    public var complete: Bool
    /// Problems met while reading (overflowed fields, short tables, an incomplete last step).
    public var warnings: [ReadWarning]

    /// The VASP version, e.g. `5.4.4` or `6.3.0`, from the first line (`vasp.5.4.4.18Apr17-…`).
    public var vaspVersion: String?
    /// POTCAR titles in type order (`TITEL  = PAW_PBE Fe 06Sep2000` → `PAW_PBE Fe 06Sep2000`).
    public var potcarTitles: [String]
    /// Element of each type, from `VRHFIN =Fe: …` (pymatgen's `read_pseudo_zval` rule).
    public var typeElements: [String]
    /// ZVAL of each type (valence electrons), from the `ZVAL   =` line of the parameter summary.
    public var typeValences: [Double]
    /// Number of ions of each type (`ions per type =`).
    public var ionsPerType: [Int]
    /// NELECT, the number of valence electrons of the calculation (`NELECT =`).
    public var nelect: Double?
    /// ENCUT in eV.
    public var encut: Double?
    /// EDIFFG (eV/Å when negative: a force criterion; eV when positive).
    public var ediffg: Double?
    /// IBRION.
    public var ibrion: Int?
    /// ISPIN (1 or 2).
    public var ispin: Int?
    /// IVDW (0 or absent = no dispersion correction; 11, 12 = DFT-D3).
    public var ivdw: Int?
    /// The GGA tag as written (`--` = taken from the POTCAR, `PE`, `RP`, …).
    public var gga: String?
    /// LSORBIT or LNONCOLLINEAR was `T`.
    public var isNoncollinear: Bool
    /// VTST `NEB: LCLIMB T/F` (climbing image), when the run is a VTST NEB image.
    public var climbingImage: Bool?

    /// Every ionic step that has its energy block, in order.
    public var ionicSteps: [OutcarIonicStep]
    /// The last `E-fermi :` value (eV).
    public var efermi: Double?
    /// The last `number of electron N magnetization M` line: N, the integrated valence charge.
    public var integratedElectrons: Double?
    /// The same line: M, the total magnetisation (μ_B); for a noncollinear run the x, y, z components.
    public var totalMagnetizationVector: [Double]
    /// The last `total charge` table.
    public var charge: OutcarOrbitalTable?
    /// The last `magnetization (x)` table (the only one for a collinear spin-polarised run).
    public var magnetizationX: OutcarOrbitalTable?
    /// The last `magnetization (y)` table (noncollinear runs).
    public var magnetizationY: OutcarOrbitalTable?
    /// The last `magnetization (z)` table (noncollinear runs).
    public var magnetizationZ: OutcarOrbitalTable?
    /// `reached required accuracy - stopping structural energy minimisation` was written.
    public var reachedRequiredAccuracy: Bool

    /// Number of `NEB: projections on to tangent` lines (one per ionic step of a VTST image).
    public var nebProjectionLineCount: Int
    /// Number of `FORCES: max atom, RMS` lines.
    public var nebForceLineCount: Int

    init(file: String) {
        self.file = file
        complete = false
        warnings = []
        potcarTitles = []
        typeElements = []
        typeValences = []
        ionsPerType = []
        isNoncollinear = false
        ionicSteps = []
        totalMagnetizationVector = []
        reachedRequiredAccuracy = false
        nebProjectionLineCount = 0
        nebForceLineCount = 0
    }

    /// E(σ→0) of the last ionic step (eV), pymatgen's `Outcar.final_energy`.
    public var finalEnergy: Double? { ionicSteps.last?.energySigma0 }

    /// The total magnetisation (μ_B) of the last `number of electron` line; the x component for a
    /// noncollinear run (pymatgen's `total_mag`).
    public var totalMagnetization: Double? { totalMagnetizationVector.first }

    /// Element of every atom, in file order (types expanded by `ionsPerType`), or `nil` when the counts
    /// and the elements do not match.
    public var species: [String]? {
        guard !ionsPerType.isEmpty, ionsPerType.count == typeElements.count else { return nil }
        return zip(typeElements, ionsPerType).flatMap { Array(repeating: $0, count: $1) }
    }

    /// ZVAL of every atom, in file order, or `nil` when unknown.
    public var valencePerAtom: [Double]? {
        guard !ionsPerType.isEmpty, ionsPerType.count == typeValences.count else { return nil }
        return zip(typeValences, ionsPerType).flatMap { Array(repeating: $0, count: $1) }
    }

    /// ZVAL per element (pymatgen's `zval_dict`), in type order; a repeated element keeps its last value.
    public var valenceByElement: [(element: String, zval: Double)] {
        var out: [(element: String, zval: Double)] = []
        for (element, zval) in zip(typeElements, typeValences) {
            if let k = out.firstIndex(where: { $0.element == element }) { out[k].zval = zval } else { out.append((element, zval)) }
        }
        return out
    }

    /// Net charge of the cell in |e|: Σ ZVAL·n − NELECT (positive = electrons removed).
    public var netCharge: Double? {
        guard let nelect, let valences = valencePerAtom else { return nil }
        return valences.reduce(0, +) - nelect
    }

    /// The structure of ionic step `step` (default: the last one with positions), from its positions,
    /// its cell and the species; `nil` when any of these is unknown.
    public func structure(at step: Int? = nil) -> Structure? {
        guard let species else { return nil }
        let index = step ?? ionicSteps.lastIndex(where: { !$0.positions.isEmpty })
        guard let index, index >= 0, index < ionicSteps.count else { return nil }
        let s = ionicSteps[index]
        guard let lattice = s.lattice, s.positions.count == species.count else { return nil }
        return Structure(lattice: lattice, species: species, cartesianPositions: s.positions)
    }
}

// MARK: - Reading

extension Outcar {
    /// Reads an OUTCAR (plain or gzip), streaming.
    ///
    /// - Throws: ``VASPError/cannotRead(file:reason:)`` when the file cannot be opened, and
    ///   ``VASPError/malformed(_:_:)`` when nothing in it looks like an OUTCAR (no version line, no
    ///   POTCAR, no energy). A file cut short returns the complete ionic steps with `complete == false`.
    /// `observer` sees the whole file as stored, in the same read (a hash of what was parsed).
    public static func read(path: String, observer: StoredBytesObserver? = nil) throws -> Outcar {
        let source = try ByteSource(path: path, observer: observer)
        defer { source.observeRest() }
        var parser = OutcarParser(file: path)
        let cutLine = TextLineReader.forEachLine(of: source) { line, number in parser.consume(line, number: number) }
        if let cutLine { parser.noteCutLine(cutLine) }
        return try parser.finish(truncatedCompression: source.truncatedCompression)
    }

    /// Parses OUTCAR text; `file` is only used in messages.
    public static func parse(text: String, file: String = "OUTCAR") throws -> Outcar {
        var parser = OutcarParser(file: file)
        var copy = text
        copy.withUTF8 { bytes in
            TextLineReader.forEachLine(in: bytes, firstLine: 1) { line, number in parser.consume(line, number: number) }
        }
        return try parser.finish(truncatedCompression: false)
    }
}

/// Splits a byte stream into lines (without `\n` or `\r\n`) and hands each to a closure as raw bytes,
/// so that uninteresting lines never become `String`s.
enum TextLineReader {
    /// Every line of `source` that ends with a line end, with its 1-based number. Returns the number of
    /// a last line without a line end (VASP ends every line: the file was cut inside that line), which
    /// is not handed to `body`, or `nil`.
    @discardableResult
    static func forEachLine(of source: ByteSource, _ body: (UnsafeBufferPointer<UInt8>, Int) -> Void) -> Int? {
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var lineNumber = 1
        while true {
            let n = chunk.withUnsafeMutableBufferPointer { source.read(into: $0) }
            if n == 0 { break }
            pending.append(contentsOf: chunk[0..<n])
            let consumed = pending.withUnsafeBufferPointer { buffer -> Int in
                forEachLine(in: buffer, keepLast: true, body, count: &lineNumber)
            }
            pending.removeFirst(consumed)
        }
        return pending.isEmpty ? nil : lineNumber
    }

    /// Every line of `bytes` (the last one even without a final newline).
    static func forEachLine(in bytes: UnsafeBufferPointer<UInt8>, firstLine: Int, _ body: (UnsafeBufferPointer<UInt8>, Int) -> Void) {
        var number = firstLine
        _ = forEachLine(in: bytes, keepLast: false, body, count: &number)
    }

    /// Calls `body` for each complete line; with `keepLast` an unterminated last line is left for the
    /// next chunk. Returns the number of bytes consumed.
    private static func forEachLine(
        in bytes: UnsafeBufferPointer<UInt8>, keepLast: Bool,
        _ body: (UnsafeBufferPointer<UInt8>, Int) -> Void, count number: inout Int
    ) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        var start = 0
        var i = 0
        while i < bytes.count {
            if base[i] == 0x0A {
                var end = i
                if end > start, base[end - 1] == 0x0D { end -= 1 }
                body(UnsafeBufferPointer(start: base + start, count: end - start), number)
                number += 1
                start = i + 1
            }
            i += 1
        }
        if !keepLast && start < bytes.count {
            var end = bytes.count
            if base[end - 1] == 0x0D { end -= 1 }
            body(UnsafeBufferPointer(start: base + start, count: end - start), number)
            number += 1
            return bytes.count
        }
        return start
    }
}

/// Small byte-level helpers for line-oriented text formats (OUTCAR, Bader tables).
enum LineBytes {
    /// Index of the first byte that is not a space or tab (or `line.count`).
    @inline(__always)
    static func firstNonBlank(_ line: UnsafeBufferPointer<UInt8>) -> Int {
        var i = 0
        while i < line.count, line[i] == 0x20 || line[i] == 0x09 { i += 1 }
        return i
    }

    /// Whether `line` holds `text` at byte `offset`.
    @inline(__always)
    static func has(_ line: UnsafeBufferPointer<UInt8>, _ text: StaticString, at offset: Int) -> Bool {
        let n = text.utf8CodeUnitCount
        guard offset >= 0, offset + n <= line.count else { return false }
        let t = text.utf8Start
        for k in 0..<n where line[offset + k] != t[k] { return false }
        return true
    }

    /// The offset of the first occurrence of `text` in `line` at or after `from`.
    static func find(_ line: UnsafeBufferPointer<UInt8>, _ text: StaticString, from: Int = 0) -> Int? {
        let n = text.utf8CodeUnitCount
        guard n > 0, line.count >= n else { return nil }
        var i = max(from, 0)
        while i + n <= line.count {
            if has(line, text, at: i) { return i }
            i += 1
        }
        return nil
    }

    /// Every number in `line` from byte `from` on (through ``NumberScanner``).
    static func numbers(_ line: UnsafeBufferPointer<UInt8>, from: Int = 0) -> (values: [Double], tally: NumberScanner.Tally) {
        var values: [Double] = []
        guard from < line.count else { return (values, NumberScanner.Tally()) }
        let tally = NumberScanner.scan(UnsafeBufferPointer(rebasing: line[from...]), into: &values)
        return (values, tally)
    }

    /// The line from byte `from` on as a trimmed `String`.
    static func text(_ line: UnsafeBufferPointer<UInt8>, from: Int = 0) -> String {
        guard from < line.count else { return "" }
        return InputLines.trim(String(decoding: UnsafeBufferPointer(rebasing: line[from...]), as: UTF8.self))
    }

    /// Whether the line holds only blanks.
    static func isBlank(_ line: UnsafeBufferPointer<UInt8>) -> Bool { firstNonBlank(line) == line.count }

    /// Whether the line (ignoring blanks) is made only of `-` (and at least three of them).
    static func isDashes(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        var dashes = 0
        for c in line {
            if c == 0x2D { dashes += 1 } else if c != 0x20 && c != 0x09 && c != 0x2B { return false }
        }
        return dashes >= 3
    }
}

/// The line-by-line state machine behind ``Outcar/read(path:observer:)``.
private struct OutcarParser {
    /// Which multi-line block is being read.
    enum Block {
        case none
        /// `POSITION … TOTAL-FORCE`: waiting for the opening dashes, then rows until the closing dashes.
        case forces(seenDashes: Bool)
        /// `direct lattice vectors`: rows still to read.
        case lattice(remaining: Int)
        /// `total charge` / `magnetization (x|y|z)` table.
        case orbitalTable(kind: Int, labels: [String], rows: [[Double]])
    }

    var outcar: Outcar
    var block = Block.none
    var blockStart = 0

    // Per-step data, appended in file order and assembled in `finish`.
    var energyBlocks: [(free: Double?, withoutEntropy: Double?, sigma0: Double?)] = []
    var forceBlocks: [(positions: [SIMD3<Double>], forces: [SIMD3<Double>], lattice: Lattice?)] = []
    var nebLines: [(spring: Double, real: Double)] = []
    var forceLines: [(max: Double, rms: Double)] = []
    var currentPositions: [SIMD3<Double>] = []
    var currentForces: [SIMD3<Double>] = []
    var latticeRows: [SIMD3<Double>] = []
    var currentLattice: Lattice?
    var nions: Int?
    var sawVersion = false
    var sawZval = false
    var overflowLines: [Int] = []
    /// Bytes of the lines read (line ends included).
    var bytesSeen = 0
    /// The line of `ions per type`.
    var ionsPerTypeLine = 1

    init(file: String) {
        outcar = Outcar(file: file)
    }

    /// The file ends inside line `number` (no line end): that line was not read.
    mutating func noteCutLine(_ number: Int) {
        warn(number, "", "the file ends inside this line (no line end): it was cut there; the line was not read")
    }

    /// `ions per type` declaring more atoms than the file has bytes cannot be right (an OUTCAR prints
    /// several lines per atom), and expanding it per atom would allocate without bound: it is dropped.
    mutating func checkDeclaredAtoms() {
        let (total, overflow) = outcar.ionsPerType.reduce((0, false)) { acc, n in
            let (sum, o) = acc.0.addingReportingOverflow(n)
            return (sum, acc.1 || o)
        }
        guard overflow || total > bytesSeen else { return }
        outcar.warnings.append(
            ReadWarning(
                location(ionsPerTypeLine, "ions per type"),
                "`ions per type` declares \(overflow ? "more than \(Int.max)" : String(total)) atoms, more than the \(bytesSeen) bytes of the file can describe; ignored"
            ))
        outcar.ionsPerType = []
    }

    func location(_ line: Int, _ context: String? = nil) -> SourceLocation {
        SourceLocation(file: outcar.file, line: line, context: context)
    }

    mutating func warn(_ line: Int, _ context: String, _ message: String) {
        outcar.warnings.append(ReadWarning(location(line, context), message))
    }

    /// Numbers of a line, noting `****` overflows.
    mutating func numbers(_ line: UnsafeBufferPointer<UInt8>, from: Int, number: Int) -> [Double] {
        let (values, tally) = LineBytes.numbers(line, from: from)
        if tally.overflows > 0 { overflowLines.append(number) }
        return values
    }

    mutating func consume(_ line: UnsafeBufferPointer<UInt8>, number: Int) {
        bytesSeen += line.count + 1
        if case .none = block {
        } else {
            if continueBlock(line, number: number) { return }
        }
        let i = LineBytes.firstNonBlank(line)
        guard i < line.count else { return }
        switch line[i] {
        case UInt8(ascii: "v"): readVersionLine(line, i, number)
        case UInt8(ascii: "V"): readVRHFIN(line, i)
        case UInt8(ascii: "T"): readTitel(line, i)
        case UInt8(ascii: "Z"): readZval(line, i, number)
        case UInt8(ascii: "i"): readIonsPerType(line, i, number)
        case UInt8(ascii: "n"): readNumberLines(line, i, number)
        case UInt8(ascii: "N"): readNLines(line, i, number)
        case UInt8(ascii: "E"): readELines(line, i, number)
        case UInt8(ascii: "I"): readILines(line, i, number)
        case UInt8(ascii: "L"): readLLines(line, i)
        case UInt8(ascii: "G"): readGLines(line, i)
        case UInt8(ascii: "f"): readFreeEnergy(line, i, number)
        case UInt8(ascii: "e"): readEnergyLine(line, i, number)
        case UInt8(ascii: "F"): readForcesLine(line, i, number)
        case UInt8(ascii: "P"): startForces(line, i, number)
        case UInt8(ascii: "d"): startLattice(line, i, number)
        case UInt8(ascii: "m"): startOrbitalTable(line, i, number)
        case UInt8(ascii: "t"): startChargeTable(line, i, number)
        case UInt8(ascii: "r"):
            if LineBytes.has(line, "reached required accuracy", at: i) { outcar.reachedRequiredAccuracy = true }
        default: break
        }
    }

    // MARK: Header lines

    mutating func readVersionLine(_ line: UnsafeBufferPointer<UInt8>, _ i: Int, _ number: Int) {
        guard !sawVersion, number <= 5, LineBytes.has(line, "vasp.", at: i) else { return }
        sawVersion = true
        let word = LineBytes.text(line, from: i + 5).split(separator: " ").first ?? ""
        var parts: [Substring] = []
        for part in word.split(separator: ".", omittingEmptySubsequences: false) {
            guard !part.isEmpty, part.allSatisfy({ $0.isASCII && $0.isNumber }), parts.count < 3 else { break }
            parts.append(part)
        }
        if !parts.isEmpty { outcar.vaspVersion = parts.joined(separator: ".") }
    }

    mutating func readVRHFIN(_ line: UnsafeBufferPointer<UInt8>, _ i: Int) {
        guard LineBytes.has(line, "VRHFIN", at: i), let eq = LineBytes.find(line, "=", from: i) else { return }
        let rest = LineBytes.text(line, from: eq + 1)
        let symbol = rest.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        outcar.typeElements.append(InputLines.trim(symbol))
    }

    mutating func readTitel(_ line: UnsafeBufferPointer<UInt8>, _ i: Int) {
        guard LineBytes.has(line, "TITEL", at: i), let eq = LineBytes.find(line, "=", from: i) else { return }
        outcar.potcarTitles.append(LineBytes.text(line, from: eq + 1))
    }

    mutating func readZval(_ line: UnsafeBufferPointer<UInt8>, _ i: Int, _ number: Int) {
        guard !sawZval, LineBytes.has(line, "ZVAL", at: i), let eq = LineBytes.find(line, "=", from: i) else { return }
        sawZval = true
        outcar.typeValences = numbers(line, from: eq + 1, number: number)
    }

    mutating func readIonsPerType(_ line: UnsafeBufferPointer<UInt8>, _ i: Int, _ number: Int) {
        guard outcar.ionsPerType.isEmpty, LineBytes.has(line, "ions per type", at: i),
            let eq = LineBytes.find(line, "=", from: i)
        else { return }
        // Int(exactly:): never traps on 1e30 or NaN; negative counts are not counts.
        outcar.ionsPerType = numbers(line, from: eq + 1, number: number).compactMap { Int(exactly: $0) }.filter { $0 >= 0 }
        ionsPerTypeLine = number
    }

    /// `number of electron … magnetization …` and `number of dos … NIONS =`.
    mutating func readNumberLines(_ line: UnsafeBufferPointer<UInt8>, _ i: Int, _ number: Int) {
        if LineBytes.has(line, "number of electron ", at: i) {
            let mag = LineBytes.find(line, "magnetization", from: i)
            let electrons = numbers(line, from: i + 19, number: number)
            if let first = electrons.first { outcar.integratedElectrons = first }
            if let mag { outcar.totalMagnetizationVector = numbers(line, from: mag + 13, number: number) }
            return
        }
        if nions == nil, LineBytes.has(line, "number of dos", at: i), let k = LineBytes.find(line, "NIONS =", from: i) {
            if let n = numbers(line, from: k + 7, number: number).first { nions = Int(exactly: n) }
        }
    }

    mutating func readNLines(_ line: UnsafeBufferPointer<UInt8>, _ i: Int, _ number: Int) {
        if LineBytes.has(line, "NELECT", at: i), outcar.nelect == nil, let eq = LineBytes.find(line, "=", from: i) {
            outcar.nelect = numbers(line, from: eq + 1, number: number).first
            return
        }
        guard LineBytes.has(line, "NEB:", at: i) else { return }
        if let k = LineBytes.find(line, "(spring, REAL)", from: i) {
            outcar.nebProjectionLineCount += 1
            let v = numbers(line, from: k + 14, number: number)
            if v.count >= 2 { nebLines.append((v[0], v[1])) } else { warn(number, "NEB: projections", "expected two numbers (spring, REAL)") }
            return
        }
        if let k = LineBytes.find(line, "LCLIMB", from: i) {
            let word = LineBytes.text(line, from: k + 6)
            outcar.climbingImage = word.hasPrefix("T") || word.hasPrefix(".T")
        }
    }

    mutating func readELines(_ line: UnsafeBufferPointer<UInt8>, _ i: Int, _ number: Int) {
        if LineBytes.has(line, "E-fermi", at: i), let colon = LineBytes.find(line, ":", from: i) {
            // `E-fermi :  -5.7149     XC(G=0): …`: only the first number is the Fermi level.
            let values = numbers(line, from: colon + 1, number: number)
            if let first = values.first { outcar.efermi = first.isFinite ? first : nil }
            return
        }
        if outcar.encut == nil, LineBytes.has(line, "ENCUT ", at: i) || LineBytes.has(line, "ENCUT=", at: i),
            let eq = LineBytes.find(line, "=", from: i)
        {
            outcar.encut = numbers(line, from: eq + 1, number: number).first
            return
        }
        if outcar.ediffg == nil, LineBytes.has(line, "EDIFFG", at: i), let eq = LineBytes.find(line, "=", from: i) {
            outcar.ediffg = numbers(line, from: eq + 1, number: number).first
        }
    }

    mutating func readILines(_ line: UnsafeBufferPointer<UInt8>, _ i: Int, _ number: Int) {
        func firstInt(_ tag: StaticString) -> Int?? {
            guard LineBytes.has(line, tag, at: i), let eq = LineBytes.find(line, "=", from: i) else { return nil }
            let words = LineBytes.text(line, from: eq + 1).split(separator: " ")
            return .some(words.first.flatMap { Int($0) })
        }
        if outcar.ibrion == nil, let v = firstInt("IBRION") {
            outcar.ibrion = v
            return
        }
        if outcar.ispin == nil, let v = firstInt("ISPIN") {
            outcar.ispin = v
            return
        }
        if outcar.ivdw == nil, let v = firstInt("IVDW") { outcar.ivdw = v }
    }

    mutating func readLLines(_ line: UnsafeBufferPointer<UInt8>, _ i: Int) {
        guard LineBytes.has(line, "LSORBIT", at: i) || LineBytes.has(line, "LNONCOLLINEAR", at: i),
            let eq = LineBytes.find(line, "=", from: i)
        else { return }
        let word = LineBytes.text(line, from: eq + 1)
        if word.hasPrefix("T") || word.hasPrefix(".T") { outcar.isNoncollinear = true }
    }

    mutating func readGLines(_ line: UnsafeBufferPointer<UInt8>, _ i: Int) {
        if LineBytes.has(line, "General timing and accounting", at: i) {
            outcar.complete = true
            return
        }
        guard outcar.gga == nil, LineBytes.has(line, "GGA ", at: i) || LineBytes.has(line, "GGA=", at: i),
            let eq = LineBytes.find(line, "=", from: i)
        else { return }
        outcar.gga = LineBytes.text(line, from: eq + 1).split(separator: " ").first.map(String.init)
    }

    // MARK: Energies and NEB lines

    /// `free  energy   TOTEN  =  … eV` (two blanks: the ionic-step block, not an SCF line).
    mutating func readFreeEnergy(_ line: UnsafeBufferPointer<UInt8>, _ i: Int, _ number: Int) {
        guard LineBytes.has(line, "free  energy   TOTEN", at: i), let eq = LineBytes.find(line, "=", from: i) else { return }
        energyBlocks.append((numbers(line, from: eq + 1, number: number).first, nil, nil))
    }

    /// `energy  without entropy=  …  energy(sigma->0) =  …` (two blanks: the ionic-step block).
    mutating func readEnergyLine(_ line: UnsafeBufferPointer<UInt8>, _ i: Int, _ number: Int) {
        guard LineBytes.has(line, "energy  without entropy", at: i), !energyBlocks.isEmpty else { return }
        guard let eq = LineBytes.find(line, "=", from: i) else { return }
        let sigma = LineBytes.find(line, "energy(sigma->0)", from: eq)
        let woEnd = sigma ?? line.count
        let wo = numbers(UnsafeBufferPointer(rebasing: line[..<woEnd]), from: eq + 1, number: number).first
        var e0: Double?
        if let sigma, let eq2 = LineBytes.find(line, "=", from: sigma) { e0 = numbers(line, from: eq2 + 1, number: number).first }
        let k = energyBlocks.count - 1
        energyBlocks[k].withoutEntropy = wo
        energyBlocks[k].sigma0 = e0
    }

    /// VTST `FORCES: max atom, RMS   0.010712  0.009037`.
    mutating func readForcesLine(_ line: UnsafeBufferPointer<UInt8>, _ i: Int, _ number: Int) {
        guard LineBytes.has(line, "FORCES: max atom, RMS", at: i) else { return }
        outcar.nebForceLineCount += 1
        let v = numbers(line, from: i + 21, number: number)
        if v.count >= 2 { forceLines.append((v[0], v[1])) } else { warn(number, "FORCES: max atom, RMS", "expected two numbers") }
    }

    // MARK: Blocks

    mutating func startForces(_ line: UnsafeBufferPointer<UInt8>, _ i: Int, _ number: Int) {
        guard LineBytes.has(line, "POSITION", at: i), LineBytes.find(line, "TOTAL-FORCE", from: i) != nil else { return }
        currentPositions = []
        currentForces = []
        block = .forces(seenDashes: false)
        blockStart = number
    }

    mutating func startLattice(_ line: UnsafeBufferPointer<UInt8>, _ i: Int, _ number: Int) {
        guard LineBytes.has(line, "direct lattice vectors", at: i) else { return }
        latticeRows = []
        block = .lattice(remaining: 3)
        blockStart = number
    }

    mutating func startOrbitalTable(_ line: UnsafeBufferPointer<UInt8>, _ i: Int, _ number: Int) {
        let kinds: [(StaticString, Int)] = [("magnetization (x)", 1), ("magnetization (y)", 2), ("magnetization (z)", 3)]
        for (text, kind) in kinds where LineBytes.has(line, text, at: i) {
            guard
                LineBytes.firstNonBlank(UnsafeBufferPointer(rebasing: line[(i + text.utf8CodeUnitCount)...]))
                    == line.count - i - text.utf8CodeUnitCount
            else { return }
            block = .orbitalTable(kind: kind, labels: [], rows: [])
            blockStart = number
            return
        }
    }

    mutating func startChargeTable(_ line: UnsafeBufferPointer<UInt8>, _ i: Int, _ number: Int) {
        guard LineBytes.has(line, "total charge", at: i),
            LineBytes.firstNonBlank(UnsafeBufferPointer(rebasing: line[(i + 12)...])) == line.count - i - 12
        else { return }
        block = .orbitalTable(kind: 0, labels: [], rows: [])
        blockStart = number
    }

    /// Feeds a line to the open block; returns `false` when the line ended the block and should be
    /// looked at as an ordinary line.
    mutating func continueBlock(_ line: UnsafeBufferPointer<UInt8>, number: Int) -> Bool {
        switch block {
        case .none:
            return false
        case .forces(let seenDashes):
            return continueForces(line, seenDashes: seenDashes, number: number)
        case .lattice(let remaining):
            let v = numbers(line, from: 0, number: number)
            guard v.count >= 3 else {
                warn(number, "direct lattice vectors", "expected three numbers per lattice vector, found \(v.count)")
                block = .none
                return false
            }
            latticeRows.append(SIMD3(v[0], v[1], v[2]))
            if remaining == 1 {
                currentLattice = Lattice(a: latticeRows[0], b: latticeRows[1], c: latticeRows[2])
                block = .none
            } else {
                block = .lattice(remaining: remaining - 1)
            }
            return true
        case .orbitalTable(let kind, let labels, let rows):
            return continueOrbitalTable(line, kind: kind, labels: labels, rows: rows, number: number)
        }
    }

    mutating func continueForces(_ line: UnsafeBufferPointer<UInt8>, seenDashes: Bool, number: Int) -> Bool {
        if LineBytes.isDashes(line) {
            if !seenDashes {
                block = .forces(seenDashes: true)
                return true
            }
            forceBlocks.append((currentPositions, currentForces, currentLattice))
            if let nions, nions != currentPositions.count {
                warn(blockStart, "POSITION TOTAL-FORCE", "expected \(nions) rows (NIONS), found \(currentPositions.count)")
            }
            block = .none
            return true
        }
        let v = numbers(line, from: 0, number: number)
        guard seenDashes, v.count == 6 else {
            warn(number, "POSITION TOTAL-FORCE", "expected six numbers (x y z Fx Fy Fz), found \(v.count); table ignored from here")
            block = .none
            return false
        }
        currentPositions.append(SIMD3(v[0], v[1], v[2]))
        currentForces.append(SIMD3(v[3], v[4], v[5]))
        return true
    }

    mutating func continueOrbitalTable(
        _ line: UnsafeBufferPointer<UInt8>, kind: Int, labels: [String], rows: [[Double]], number: Int
    ) -> Bool {
        let i = LineBytes.firstNonBlank(line)
        if i == line.count || LineBytes.isDashes(line) { return true }
        if LineBytes.has(line, "# of ion", at: i) {
            let words = LineBytes.text(line, from: i + 8).split(separator: " ").map(String.init)
            block = .orbitalTable(kind: kind, labels: words, rows: rows)
            return true
        }
        if LineBytes.has(line, "tot", at: i) {
            storeTable(kind: kind, labels: labels, rows: rows)
            block = .none
            return true
        }
        let v = numbers(line, from: i, number: number)
        guard !labels.isEmpty, v.count == labels.count + 1 else {
            storeTable(kind: kind, labels: labels, rows: rows)
            block = .none
            return false
        }
        var newRows = rows
        newRows.append(Array(v.dropFirst()))
        block = .orbitalTable(kind: kind, labels: labels, rows: newRows)
        return true
    }

    mutating func storeTable(kind: Int, labels: [String], rows: [[Double]]) {
        guard !labels.isEmpty, !rows.isEmpty else { return }
        let table = OutcarOrbitalTable(labels: labels, rows: rows)
        switch kind {
        case 0: outcar.charge = table
        case 1: outcar.magnetizationX = table
        case 2: outcar.magnetizationY = table
        default: outcar.magnetizationZ = table
        }
    }

    // MARK: Assembly

    mutating func finish(truncatedCompression: Bool) throws -> Outcar {
        if case .orbitalTable(let kind, let labels, let rows) = block { storeTable(kind: kind, labels: labels, rows: rows) }
        if case .forces = block {
            warn(blockStart, "POSITION TOTAL-FORCE", "the file ends inside the force table; that step's forces are not kept")
        }
        guard outcar.vaspVersion != nil || !outcar.potcarTitles.isEmpty || !energyBlocks.isEmpty else {
            throw VASPError.malformed(location(1), "not an OUTCAR: no `vasp.` version line, no POTCAR titles and no energy block found")
        }
        checkDeclaredAtoms()
        assembleSteps()
        if truncatedCompression {
            outcar.warnings.append(ReadWarning(location(0), "the gzip stream ends early; the data read before that point is kept"))
        }
        if !outcar.complete {
            outcar.warnings.append(
                ReadWarning(
                    SourceLocation(file: outcar.file),
                    "incomplete file: no `General timing and accounting` section (job killed or still running); \(outcar.ionicSteps.count) complete ionic step(s) kept"
                ))
        }
        if !overflowLines.isEmpty {
            let shown = overflowLines.prefix(5).map(String.init).joined(separator: ", ")
            outcar.warnings.append(
                ReadWarning(
                    location(overflowLines[0]), "\(overflowLines.count) line(s) with `****` overflowed fields (read as NaN): lines \(shown)"))
        }
        return outcar
    }

    /// Pairs the i-th energy block with the i-th force table and the i-th NEB lines. VASP writes the
    /// force table before the energy block and the VTST lines after it, so index order is step order.
    mutating func assembleSteps() {
        var steps: [OutcarIonicStep] = []
        for (k, e) in energyBlocks.enumerated() where e.sigma0 != nil {
            var step = OutcarIonicStep(freeEnergy: e.free, energyWithoutEntropy: e.withoutEntropy, energySigma0: e.sigma0)
            if k < forceBlocks.count {
                step.positions = forceBlocks[k].positions
                step.forces = forceBlocks[k].forces
                step.lattice = forceBlocks[k].lattice
            }
            if k < nebLines.count {
                step.nebSpringForce = nebLines[k].spring
                step.nebTangentForce = nebLines[k].real
            }
            if k < forceLines.count {
                step.nebMaxForce = forceLines[k].max
                step.nebRMSForce = forceLines[k].rms
            }
            steps.append(step)
        }
        if let last = energyBlocks.last, last.sigma0 == nil {
            outcar.warnings.append(
                ReadWarning(
                    SourceLocation(file: outcar.file),
                    "the last energy block has no `energy(sigma->0)` line (cut short); that step is not kept"))
        } else if forceBlocks.count > steps.count {
            outcar.warnings.append(
                ReadWarning(
                    SourceLocation(file: outcar.file),
                    "a force table without its energy block (the last ionic step is incomplete); it is not kept"))
        }
        outcar.ionicSteps = steps
    }
}
