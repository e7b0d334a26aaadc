import Chemistry
import Files

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A VASP POSCAR or CONTCAR: a comment line and a structure.
///
/// Reading accepts VASP 4 and VASP 5 files (see `docs/formats-inputs.md`):
/// - a one-line comment (trimmed);
/// - the scaling factor: one number `s` (lattice and Cartesian positions are multiplied by `s`), one
///   negative number (the target cell volume in Å³; `s` is chosen to reach it), or three positive numbers
///   (per-Cartesian-component factors for x, y, z);
/// - three lattice vectors (rows **a**, **b**, **c**);
/// - VASP 5: one or more lines of species symbols (`Fe_pv` and VASP 6's `Fe_pv/hash` are trimmed to `Fe`),
///   then one or more lines of atom counts, until there is one count per symbol;
///   VASP 4: the counts only, with the species taken from the `species:` argument or, failing that, from
///   the comment line (as pymatgen does; a warning says so);
/// - an optional `Selective dynamics` line (first letter `S`/`s`);
/// - the coordinate mode: first letter `C`, `c`, `K` or `k` means Cartesian (Å, scaled like the
///   lattice), any other letter means Direct (fractional);
/// - one line per atom: three numbers, then three `T`/`F` flags when selective dynamics is on; anything
///   after that (pymatgen writes the symbol) is ignored;
/// - whatever follows the positions (a CONTCAR's velocity block, the MD predictor-corrector block) is
///   ignored.
///
/// Writing always produces VASP 5 with a symbols line, scale `1.0`, Direct coordinates printed with 16
/// decimals (`read(write(p))` reproduces every Cartesian position to better than 1e-12 Å), atoms grouped
/// contiguously by species, and the selective-dynamics block when the structure has one.
public struct Poscar: Sendable, Hashable {
    /// The first line (VASP truncates it to 40 characters when it writes a CONTCAR; Cascade does not).
    public var comment: String
    /// The structure: lattice (Å), species per atom, fractional positions, optional selective dynamics.
    /// `charge` is always 0 when read: a POSCAR does not carry it.
    public var structure: Structure
    /// Non-fatal findings of the reader (e.g. species taken from the comment line). Not part of the value:
    /// `==` and `hash(into:)` ignore it.
    public var warnings: [ReadWarning]

    /// A POSCAR holding `structure`, with `comment` as its first line.
    public init(comment: String = "", structure: Structure, warnings: [ReadWarning] = []) {
        self.comment = comment
        self.structure = structure
        self.warnings = warnings
    }

    /// Equal when the comment and structure are equal (warnings are ignored).
    public static func == (lhs: Poscar, rhs: Poscar) -> Bool {
        lhs.comment == rhs.comment && lhs.structure == rhs.structure
    }

    /// Hashes the comment and structure (not the warnings).
    public func hash(into hasher: inout Hasher) {
        hasher.combine(comment)
        hasher.combine(structure)
    }
}

// MARK: - Reading

extension Poscar {
    /// Reads a POSCAR/CONTCAR (plain or gzip-compressed).
    ///
    /// - Parameter species: the symbols per species (one per count, e.g. from the POTCAR) for a VASP 4
    ///   file that has no symbols line. Ignored (with a warning if it differs) when the file has one.
    /// - Throws: ``VASPError/cannotRead(file:reason:)`` or ``VASPError/malformed(_:_:)`` naming the
    ///   1-based line and what was expected.
    /// - Parameter observer: sees the whole file as stored, in the same read (a hash of what was parsed).
    public static func read(path: String, species: [String]? = nil, observer: StoredBytesObserver? = nil) throws -> Poscar {
        try parse(text: ByteSource.text(of: path, observer: observer), file: path, species: species)
    }

    /// Parses POSCAR text; `file` is only used in messages. See ``read(path:species:observer:)``.
    public static func parse(text: String, file: String = "POSCAR", species: [String]? = nil) throws -> Poscar {
        var parser = PoscarParser(lines: InputLines(text: text, file: file), givenSpecies: species)
        return try parser.parse()
    }
}

/// The reading steps of a POSCAR, one small function per section.
private struct PoscarParser {
    let lines: InputLines
    let givenSpecies: [String]?
    var warnings: [ReadWarning] = []

    init(lines: InputLines, givenSpecies: [String]?) {
        self.lines = lines
        self.givenSpecies = givenSpecies
    }

    mutating func parse() throws -> Poscar {
        guard lines.count > 0 else {
            throw lines.malformed(0, "expected a POSCAR (comment, scale, lattice, counts, positions), found an empty file")
        }
        let comment = InputLines.trim(lines[0])
        let scale = try readScale()
        let raw = try (0..<3).map { try readVector(at: 2 + $0) }
        let (lattice, resolvedScale) = try scaledLattice(raw, scale)
        var index = 5
        let symbols = readSymbols(&index)
        let countsLine = index
        let counts = try readCounts(&index, expected: symbols.isEmpty ? givenSpecies?.count : symbols.count, symbols: symbols)
        let species = try resolveSpecies(symbols, counts: counts, comment: comment, countsLine: countsLine)
        let total = counts.reduce(0, +)
        guard total > 0 else { throw lines.malformed(countsLine, "expected at least one atom, found counts \(lines.quoted(countsLine))") }
        let selective = hasSelectiveLine(&index)
        let cartesian = try readMode(&index)
        let (positions, flags) = try readPositions(from: index, total: total, selective: selective)
        let fractional = cartesian ? positions.map { lattice.fractional(resolvedScale.apply($0)) } : positions
        let perAtom = zip(species, counts).flatMap { Array(repeating: $0, count: $1) }
        let structure = Structure(
            lattice: lattice, species: perAtom, fractionalPositions: fractional,
            selectiveDynamics: selective ? flags : nil)
        return Poscar(comment: comment, structure: structure, warnings: warnings)
    }

    // MARK: Scale and lattice

    func readScale() throws -> PoscarScale {
        let found = lines.quoted(1)
        guard let values = lines.numbers(1), values.allSatisfy({ $0.isFinite }) else {
            throw lines.malformed(1, "expected the scaling factor (one number, or three positive numbers), found \(found)")
        }
        switch values.count {
        case 1:
            guard values[0] != 0 else { throw lines.malformed(1, "expected a non-zero scaling factor, found \(found)") }
            return values[0] > 0 ? .uniform(values[0]) : .volume(-values[0])
        case 3:
            guard values.allSatisfy({ $0 > 0 }) else {
                throw lines.malformed(1, "expected three positive scaling factors, found \(found)")
            }
            return .perAxis(SIMD3(values[0], values[1], values[2]))
        default:
            throw lines.malformed(1, "expected the scaling factor (one number, or three positive numbers), found \(found)")
        }
    }

    func readVector(at index: Int) throws -> SIMD3<Double> {
        let name = ["a", "b", "c"][index - 2]
        let (values, _) = lines.leadingNumbers(index, count: 3)
        guard values.count == 3, values.allSatisfy({ $0.isFinite }) else {
            throw lines.malformed(index, "expected lattice vector \(name) (three numbers), found \(lines.quoted(index))")
        }
        return SIMD3(values[0], values[1], values[2])
    }

    /// The scaled lattice and the scale with a volume target turned into a factor.
    func scaledLattice(_ raw: [SIMD3<Double>], _ scale: PoscarScale) throws -> (Lattice, PoscarScale) {
        let unscaled = Lattice(a: raw[0], b: raw[1], c: raw[2])
        guard unscaled.volume > 0, unscaled.volume.isFinite else {
            throw lines.malformed(2, "expected three linearly independent lattice vectors, found a cell of volume 0")
        }
        let resolved = scale.resolved(unscaledVolume: unscaled.volume)
        return (Lattice(a: resolved.apply(raw[0]), b: resolved.apply(raw[1]), c: resolved.apply(raw[2])), resolved)
    }

    // MARK: Species and counts

    /// Larger atom counts are refused (they would overflow or exhaust memory before any position is read).
    static let maximumCount = 1_000_000_000

    /// First words of the lines after the counts, never species symbols.
    static let sectionWords: Set<String> = ["selective", "direct", "cartesian"]

    /// VASP 5 symbol lines: every line from `index` whose first word is not a number (nor a
    /// `Selective`/`Direct`/`Cartesian` line, so that a missing counts line is reported as such).
    func readSymbols(_ index: inout Int) -> [String] {
        var symbols: [String] = []
        while index < lines.count, let first = lines.words(index).first, NumberScanner.double(first) == nil,
            !Self.sectionWords.contains(first.lowercased())
        {
            symbols += lines.words(index).map(PoscarSymbols.clean)
            index += 1
        }
        return symbols
    }

    func readCounts(_ index: inout Int, expected: Int?, symbols: [String]) throws -> [Int] {
        let perSpecies = symbols.isEmpty ? "" : "one per species: \(symbols.joined(separator: " "))"
        let names = perSpecies.isEmpty ? "" : " (\(perSpecies))"
        var counts: [Int] = []
        repeat {
            let words = lines.words(index)
            let values = words.compactMap { Int($0) }
            guard index < lines.count, !words.isEmpty, values.count == words.count,
                values.allSatisfy({ $0 >= 0 && $0 <= Self.maximumCount })
            else {
                let more = (expected ?? 0) - counts.count
                let what =
                    counts.isEmpty
                    ? "atom counts (non-negative integers\(perSpecies.isEmpty ? "" : ", " + perSpecies))"
                    : "\(more) more atom count\(more == 1 ? "" : "s")\(names)"
                throw lines.malformed(index, "expected \(what), found \(lines.quoted(index))")
            }
            counts += values
            index += 1
        } while counts.count < (expected ?? 0)
        if let expected, counts.count != expected {
            throw lines.malformed(index - 1, "expected \(expected) atom counts\(names), found \(counts.count)")
        }
        return counts
    }

    mutating func resolveSpecies(_ symbols: [String], counts: [Int], comment: String, countsLine: Int) throws -> [String] {
        if !symbols.isEmpty {
            if let givenSpecies, givenSpecies != symbols {
                warnings.append(
                    ReadWarning(
                        lines.location(5),
                        "the file names species \(symbols.joined(separator: " ")); the given species \(givenSpecies.joined(separator: " ")) were not used"))
            }
            return symbols
        }
        if let givenSpecies {
            return givenSpecies
        }
        if let fromComment = PoscarSymbols.fromComment(comment, count: counts.count) {
            warnings.append(
                ReadWarning(
                    lines.location(0),
                    "VASP 4 file without a species line: species \(fromComment.joined(separator: " ")) taken from the comment line; pass species: to override"))
            return fromComment
        }
        throw lines.malformed(
            countsLine,
            "expected a species line before the atom counts (VASP 4 file): pass species: (e.g. from the POTCAR) or name the \(counts.count) species in the comment line"
        )
    }

    // MARK: Mode and positions

    func hasSelectiveLine(_ index: inout Int) -> Bool {
        guard let first = lines.firstCharacter(index), first == "S" || first == "s" else { return false }
        index += 1
        return true
    }

    func readMode(_ index: inout Int) throws -> Bool {
        guard let first = lines.firstCharacter(index), first.isLetter else {
            throw lines.malformed(index, "expected the coordinate mode 'Direct' or 'Cartesian', found \(lines.quoted(index))")
        }
        index += 1
        return "CcKk".contains(first)
    }

    func readPositions(from start: Int, total: Int, selective: Bool) throws -> ([SIMD3<Double>], [MovableAxes]) {
        var positions: [SIMD3<Double>] = []
        var flags: [MovableAxes] = []
        positions.reserveCapacity(min(total, lines.count))
        for atom in 0..<total {
            let index = start + atom
            let (values, next) = lines.leadingNumbers(index, count: 3)
            guard values.count == 3, values.allSatisfy({ $0.isFinite }) else {
                let found = index < lines.count ? lines.quoted(index) : "the end of the file after \(atom) of \(total) atoms"
                throw lines.malformed(index, "expected the position of atom \(atom + 1) (three numbers), found \(found)")
            }
            positions.append(SIMD3(values[0], values[1], values[2]))
            if selective { flags.append(try readFlags(index, from: next, atom: atom)) }
        }
        return (positions, flags)
    }

    func readFlags(_ index: Int, from word: Int, atom: Int) throws -> MovableAxes {
        let words = lines.words(index)
        let values = words.dropFirst(word).prefix(3).compactMap(PoscarSymbols.logical)
        guard values.count == 3 else {
            throw lines.malformed(
                index,
                "expected three selective-dynamics flags (T or F) after the position of atom \(atom + 1), found \(lines.quoted(index))")
        }
        return MovableAxes(values[0], values[1], values[2])
    }
}

/// The scaling-factor line of a POSCAR.
enum PoscarScale {
    /// One positive factor for everything.
    case uniform(Double)
    /// A negative factor: the target cell volume (Å³).
    case volume(Double)
    /// Three factors for the x, y, z Cartesian components.
    case perAxis(SIMD3<Double>)

    /// A volume target turned into a uniform factor for a cell of `unscaledVolume`.
    func resolved(unscaledVolume: Double) -> PoscarScale {
        if case .volume(let target) = self { return .uniform(cbrt(target / unscaledVolume)) }
        return self
    }

    /// The scaled vector (a lattice row or a Cartesian position).
    func apply(_ v: SIMD3<Double>) -> SIMD3<Double> {
        switch self {
        case .uniform(let s): return s * v
        case .volume: return v  // resolved before use
        case .perAxis(let s): return s * v
        }
    }
}

/// Species symbols found in POSCAR lines.
enum PoscarSymbols {
    /// `Fe_pv` → `Fe`, VASP 6's `Fe_pv/2f9c…` → `Fe`.
    static func clean(_ word: Substring) -> String {
        let head = word.split(separator: "/", omittingEmptySubsequences: false).first ?? word
        return String(head.split(separator: "_", omittingEmptySubsequences: false).first ?? head)
    }

    /// Symbols from a VASP 4 comment line, pymatgen-style: the first `count` words, each an element-like
    /// symbol (`Fe`, or `Fe31` with its count), or `nil` when they are not.
    static func fromComment(_ comment: String, count: Int) -> [String]? {
        let words = comment.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard words.count >= count else { return nil }
        let symbols = words.prefix(count).compactMap(symbolPrefix)
        return symbols.count == count ? symbols : nil
    }

    /// `Fe` or `Fe31` → `Fe`; anything else → `nil`.
    static func symbolPrefix(_ word: Substring) -> String? {
        let chars = Array(word)
        guard let first = chars.first, first.isASCII, first.isUppercase else { return nil }
        var end = 1
        if end < chars.count, chars[end].isASCII, chars[end].isLowercase { end += 1 }
        guard chars[end...].allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return String(chars[..<end])
    }

    /// A Fortran logical written as a whole word: `T`, `F`, `.TRUE.`, `.false.`, `.T.`, `True` …
    /// (case-insensitive); anything else (e.g. `Fe`) is `nil`.
    static func logical(_ word: some StringProtocol) -> Bool? {
        switch word.uppercased() {
        case "T", ".T.", ".TRUE.", "TRUE", ".TRUE": return true
        case "F", ".F.", ".FALSE.", "FALSE", ".FALSE": return false
        default: return nil
        }
    }
}

// MARK: - Writing

extension Poscar {
    /// POSCAR text with its atoms reordered so each species is contiguous, and the order applied.
    public struct Rendered: Sendable, Hashable {
        /// The file's text (VASP 5 format, Direct coordinates).
        public var text: String
        /// `permutation[k]` is the index in ``Poscar/structure`` of the atom written k-th; the identity
        /// when the species were already contiguous in the requested order.
        public var permutation: [Int]
    }

    /// The file's text with species grouped in order of first appearance. When the atoms were already
    /// grouped, reading it back gives this value (positions to 1e-12 Å); otherwise see
    /// ``rendered(speciesOrder:)`` for the permutation.
    public func text() -> String {
        render(permutation: Self.grouping(structure.species, order: firstAppearance(structure.species))).text
    }

    /// The file's text with species grouped in `speciesOrder` (element symbols as in
    /// `structure.species`, e.g. the POTCAR order), or in order of first appearance when `nil`.
    /// Symbols in `speciesOrder` that the structure lacks are skipped.
    /// - Throws: ``VASPError/cannotWrite(file:reason:)`` when a species of the structure is not in `speciesOrder`.
    public func rendered(speciesOrder: [String]? = nil) throws -> Rendered {
        let order = speciesOrder ?? firstAppearance(structure.species)
        let missing = firstAppearance(structure.species).filter { !order.contains($0) }
        guard missing.isEmpty else {
            throw VASPError.cannotWrite(
                file: "POSCAR",
                reason: "species \(missing.joined(separator: " ")) missing from the species order \(order.joined(separator: " "))")
        }
        return render(permutation: Self.grouping(structure.species, order: order))
    }

    /// Writes the file atomically (temporary file in the same folder, then rename) and returns the
    /// permutation applied (see ``Rendered/permutation``).
    /// - Parameter force: replace an existing file; without it an existing file is an error.
    @discardableResult
    public func write(to path: String, speciesOrder: [String]? = nil, force: Bool = false) throws -> [Int] {
        let rendered: Rendered
        do {
            rendered = try self.rendered(speciesOrder: speciesOrder)
        } catch VASPError.cannotWrite(_, let reason) {
            throw VASPError.cannotWrite(file: path, reason: reason)
        }
        try AtomicFile.write(Array(rendered.text.utf8), to: path, force: force)
        return rendered.permutation
    }

    private func firstAppearance(_ species: [String]) -> [String] {
        var seen: Set<String> = []
        return species.filter { seen.insert($0).inserted }
    }

    /// Indices of atoms, species by species in `order`, stable within a species.
    static func grouping(_ species: [String], order: [String]) -> [Int] {
        var buckets: [String: [Int]] = [:]
        for (i, s) in species.enumerated() { buckets[s, default: []].append(i) }
        return order.flatMap { buckets[$0] ?? [] }
    }

    private func render(permutation: [Int]) -> Rendered {
        let s = structure
        var groups: [(String, Int)] = []
        for i in permutation {
            if let last = groups.last, last.0 == s.species[i] {
                groups[groups.count - 1].1 += 1
            } else {
                groups.append((s.species[i], 1))
            }
        }
        var out = InputLines.oneLine(comment) + "\n"
        out += "   1.00000000000000\n"
        for v in [s.lattice.a, s.lattice.b, s.lattice.c] {
            out += " " + [v.x, v.y, v.z].map { TextNumber.fixed($0, decimals: 16, width: 22) }.joined() + "\n"
        }
        let widths = groups.map { max($0.0.count, String($0.1).count) + 1 }
        out += "  " + zip(groups, widths).map { TextNumber.padLeft($0.0.0, $0.1) }.joined(separator: " ") + "\n"
        out += "  " + zip(groups, widths).map { TextNumber.padLeft(String($0.0.1), $0.1) }.joined(separator: " ") + "\n"
        if s.selectiveDynamics != nil { out += "Selective dynamics\n" }
        out += "Direct\n"
        for i in permutation { out += positionLine(i) }
        return Rendered(text: out, permutation: permutation)
    }

    private func positionLine(_ i: Int) -> String {
        let f = structure.fractionalPositions[i]
        var line = [f.x, f.y, f.z].map { TextNumber.fixed($0, decimals: 16, width: 20) }.joined()
        if let flags = structure.selectiveDynamics {
            let m = flags.indices.contains(i) ? flags[i] : .free
            line += [m.x, m.y, m.z].map { $0 ? "   T" : "   F" }.joined()
        }
        return line + "\n"
    }
}
