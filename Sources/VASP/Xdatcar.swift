import Chemistry
import Files

/// A VASP XDATCAR (the positions of every ionic step of an MD run or relaxation), or a multi-frame
/// POSCAR, read into a ``Trajectory``.
///
/// **Layouts read** (see `docs/formats-volumetric.md`):
/// - VASP 5: comment, scale, lattice (3 lines), species, counts, then per frame a
///   `Direct configuration=     N` line and one line of fractional coordinates per atom;
/// - VASP 6 and VASP 5 with a variable cell (NPT MD, ISIF = 3): the header (comment to counts) is
///   repeated before every frame — a repeated header with another lattice makes the cell variable;
/// - VASP 4 style: no species line (species from `species:`, else from the comment line as for POSCAR),
///   frames separated by blank lines instead of `Direct configuration=` lines;
/// - the original VASP 4 header (`NIONS NIONS …`, a line of volume and lengths, `CAR`, the system name),
///   which has no cell: the cell and species come from `reference:` (the run's POSCAR);
/// - `Cartesian configuration=` frames (Å, scaled) are converted to fractional coordinates; text after
///   the three numbers of a position (pymatgen writes the symbol) is ignored; glued numbers
///   (`-0.63265286-0.11227753`) are split by ``NumberScanner``.
///
/// A last frame cut short (a killed run) is dropped with a warning; a frame cut short by the next
/// frame's line is an error naming the line. Frames outside `frames:` are skipped without parsing
/// their numbers and reading stops after the last selected frame, so a slice of a long run costs
/// memory for that slice only.
///
/// **Writing** gives VASP 5's layout (header once for a constant cell, repeated before every frame for a
/// variable cell, as VASP 6 does), positions with 8 decimals as VASP prints them.
public struct Xdatcar: Sendable {
    /// The first line of the (first) header, trimmed.
    public var comment: String
    /// The frames read.
    public var trajectory: Trajectory
    /// Non-fatal findings (a dropped partial frame, species taken from the comment line).
    public var warnings: [ReadWarning]

    /// An XDATCAR of `trajectory`.
    public init(comment: String = "", trajectory: Trajectory, warnings: [ReadWarning] = []) {
        self.comment = comment
        self.trajectory = trajectory
        self.warnings = warnings
    }
}

// MARK: - Reading

extension Xdatcar {
    /// Reads an XDATCAR (plain or gzip).
    ///
    /// - Parameters:
    ///   - frames: which frames to keep (0-based, Python-style `start:end:stride`); default all.
    ///   - species: symbols per species for a file without a species line (e.g. from the POTCAR).
    ///   - reference: the run's POSCAR structure, needed only for the original VASP 4 header (no cell);
    ///     its lattice and species are used.
    /// - Throws: ``VASPError/cannotRead(file:reason:)``, or ``VASPError/malformed(_:_:)`` naming the line
    ///   and what was expected.
    public static func read(
        path: String, frames: FrameSelection = .all, species: [String]? = nil, reference: Structure? = nil
    ) throws -> Xdatcar {
        let source = try ByteSource(path: path)
        var reader = XdatcarReader(bytes: ChunkedBytes(source: source, capacity: 1 << 20), file: path)
        return try reader.read(selection: frames, givenSpecies: species, reference: reference)
    }
}

/// The streaming reader behind ``Xdatcar/read(path:frames:species:reference:)``.
struct XdatcarReader {
    let bytes: ChunkedBytes
    let file: String
    var warnings: [ReadWarning] = []
    /// ``positionShape(_:)`` of the last complete position line.
    var lastPositionShape: SIMD4<Int>?

    /// The cell and atoms of one header.
    struct Header {
        var comment: String
        var lattice: Lattice
        var species: [String]
    }

    init(bytes: ChunkedBytes, file: String) {
        self.bytes = bytes
        self.file = file
    }

    mutating func read(selection: FrameSelection, givenSpecies: [String]?, reference: Structure?) throws -> Xdatcar {
        guard let (firstLine, _) = try bytes.readLine(file: file) else {
            throw malformed(1, "expected an XDATCAR (comment, scale, lattice, species, counts, frames), found an empty file")
        }
        let header: Header
        if Self.isVASP4Count(firstLine) {
            header = try readVASP4Header(firstLine, reference: reference)
        } else {
            header = try readHeader(comment: firstLine, line: 1, givenSpecies: givenSpecies)
        }
        var trajectory = Trajectory(species: header.species, lattice: header.lattice)
        // Negative indices need the frame count: read everything, select afterwards.
        let streaming = selection.start >= 0 && (selection.end ?? 0) >= 0
        try readFrames(header: header, givenSpecies: givenSpecies, selection: streaming ? selection : .all, into: &trajectory)
        if !streaming { trajectory = try Self.selecting(trajectory, selection) }
        if trajectory.frameCount == 0 {
            warnings.append(ReadWarning(SourceLocation(file: file), "no complete frame was found"))
        }
        return Xdatcar(comment: InputLines.trim(header.comment), trajectory: trajectory, warnings: warnings)
    }

    static func selecting(_ t: Trajectory, _ selection: FrameSelection) throws -> Trajectory {
        let frames = t.frameIndices(selection)
        var out = Trajectory(species: t.species, lattice: t.lattice(at: frames.first ?? 0))
        let n = t.atomCount * 3
        for f in frames {
            try out.append(flat: t.fractionalPositions[(f * n)..<(f * n + n)], lattice: t.lattice(at: f), number: t.frameNumbers[f])
        }
        return out
    }

    // MARK: Headers

    /// `true` for the first line of the original VASP 4 header: integers only (`NIONS NIONS NBLOCK`).
    static func isVASP4Count(_ line: String) -> Bool {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
        return words.count >= 3 && words.allSatisfy { Int($0) != nil }
    }

    /// Comment (already read), scale, lattice, optional species line, counts.
    mutating func readHeader(comment: String, line commentLine: Int, givenSpecies: [String]?) throws -> Header {
        let (scaleText, scaleLine) = try requireLine("the scaling factor")
        let scale = try Self.scale(scaleText, line: scaleLine, file: file)
        var rows: [SIMD3<Double>] = []
        for name in ["a", "b", "c"] {
            let (text, number) = try requireLine("lattice vector \(name)")
            let values = NumberScanner.doubles(in: text).values
            guard values.count >= 3, values.prefix(3).allSatisfy({ $0.isFinite }) else {
                throw malformed(number, "expected lattice vector \(name) (three numbers), found \(InputLines.quote(Substring(text)))")
            }
            rows.append(SIMD3(values[0], values[1], values[2]))
        }
        let lattice = try Self.scaledLattice(rows, scale, line: scaleLine + 1, file: file)
        var (text, number) = try requireLine("the species or the atom counts")
        var symbols: [String] = []
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
        if let first = words.first, Int(first) == nil {
            symbols = words.map(PoscarSymbols.clean)
            (text, number) = try requireLine("the atom counts (one per species: \(symbols.joined(separator: " ")))")
        }
        let countWords = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
        let counts = countWords.compactMap { Int($0) }
        guard !counts.isEmpty, counts.count == countWords.count, counts.allSatisfy({ $0 >= 0 && $0 <= 100_000_000 }),
            symbols.isEmpty || counts.count == symbols.count
        else {
            let expected =
                symbols.isEmpty ? "atom counts (non-negative integers)" : "\(symbols.count) atom counts (one per species: \(symbols.joined(separator: " ")))"
            throw malformed(number, "expected \(expected), found \(InputLines.quote(Substring(text)))")
        }
        guard counts.reduce(0, +) > 0 else { throw malformed(number, "expected at least one atom, found counts \(InputLines.quote(Substring(text)))") }
        try checkAtomCount(counts.reduce(0, +), line: number)
        if symbols.isEmpty {
            symbols = try resolveSpecies(comment: comment, counts: counts, givenSpecies: givenSpecies, countsLine: number)
        }
        let perAtom = zip(symbols, counts).flatMap { Array(repeating: $0, count: $1) }
        return Header(comment: comment, lattice: lattice, species: perAtom)
    }

    /// Above this many atoms a header must leave room for one frame in the rest of the file.
    static let atomsNeedingRoom = 10_000

    /// A header declaring more atoms than the rest of the file can hold one frame of (a position line
    /// has at least 6 bytes) is refused before its per-atom arrays are allocated; small headers keep the
    /// "no complete frame" warning of a file cut after its header.
    func checkAtomCount(_ atoms: Int, line: Int) throws {
        guard atoms > Self.atomsNeedingRoom else { return }
        let available = bytes.maximumRemainingBytes(ratio: VolumetricReader.maximumCompressionRatio)
        let (needed, overflow) = atoms.multipliedReportingOverflow(by: 6)
        guard overflow || needed > available else { return }
        throw malformed(
            line,
            "the counts declare \(atoms) atoms, whose positions need at least \(overflow ? Int.max : needed) bytes per frame, but at most \(available) bytes remain in the file"
        )
    }

    mutating func resolveSpecies(comment: String, counts: [Int], givenSpecies: [String]?, countsLine: Int) throws -> [String] {
        if let givenSpecies, givenSpecies.count == counts.count { return givenSpecies }
        if let fromComment = PoscarSymbols.fromComment(InputLines.trim(comment), count: counts.count) {
            warnings.append(
                ReadWarning(
                    SourceLocation(file: file, line: 1),
                    "no species line: species \(fromComment.joined(separator: " ")) taken from the comment line; pass species: to override"))
            return fromComment
        }
        throw malformed(
            countsLine,
            "expected a species line before the atom counts: pass species: (e.g. from the POTCAR) or name the \(counts.count) species in the comment line")
    }

    /// The original VASP 4 header: 5 lines, no cell (taken from `reference`).
    mutating func readVASP4Header(_ first: String, reference: Structure?) throws -> Header {
        let atoms = Int(first.split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "") ?? 0
        guard let reference else {
            throw malformed(1, "this is a VASP 4 XDATCAR ('\(InputLines.trim(first))' …), which does not contain the cell: pass reference: (the run's POSCAR)")
        }
        guard reference.count == atoms else {
            throw malformed(1, "expected \(atoms) atoms in the reference structure (the header says \(atoms)), found \(reference.count)")
        }
        var comment = ""
        for k in 0..<4 {
            let (text, _) = try requireLine("the VASP 4 header (5 lines)")
            if k == 3 { comment = text }
        }
        return Header(comment: comment, lattice: reference.lattice, species: reference.species)
    }

    static func scale(_ text: String, line: Int, file: String) throws -> PoscarScale {
        let (values, tally) = NumberScanner.doubles(in: text)
        guard tally.invalid == 0, values.allSatisfy({ $0.isFinite }) else {
            throw VASPError.malformed(
                SourceLocation(file: file, line: line),
                "expected the scaling factor (one number, or three positive numbers), found \(InputLines.quote(Substring(text)))")
        }
        if values.count == 1, values[0] != 0 { return values[0] > 0 ? .uniform(values[0]) : .volume(-values[0]) }
        if values.count == 3, values.allSatisfy({ $0 > 0 }) { return .perAxis(SIMD3(values[0], values[1], values[2])) }
        throw VASPError.malformed(
            SourceLocation(file: file, line: line),
            "expected the scaling factor (one number, or three positive numbers), found \(InputLines.quote(Substring(text)))")
    }

    static func scaledLattice(_ rows: [SIMD3<Double>], _ scale: PoscarScale, line: Int, file: String) throws -> Lattice {
        let unscaled = Lattice(a: rows[0], b: rows[1], c: rows[2])
        guard unscaled.volume > 0, unscaled.volume.isFinite else {
            throw VASPError.malformed(SourceLocation(file: file, line: line), "expected three linearly independent lattice vectors, found a cell of volume 0")
        }
        let s = scale.resolved(unscaledVolume: unscaled.volume)
        return Lattice(a: s.apply(rows[0]), b: s.apply(rows[1]), c: s.apply(rows[2]))
    }

    // MARK: Frames

    /// What starts a frame.
    enum FrameStart {
        /// `Direct configuration= N` (or `Konfig= N`), with the number when given.
        case direct(Int?)
        /// `Cartesian configuration= N`.
        case cartesian(Int?)
        /// A blank line (VASP 4 style).
        case blank
        /// Anything else: a repeated header begins.
        case header
    }

    static func frameStart(_ line: UnsafeBufferPointer<UInt8>) -> FrameStart {
        var i = 0
        while i < line.count, line[i] == 0x20 || line[i] == 0x09 { i += 1 }
        if i == line.count { return .blank }
        let word = line[i] | 0x20
        let rest = String(decoding: UnsafeBufferPointer(rebasing: line[i...]), as: UTF8.self)
        let lower = rest.lowercased()
        let number: Int? = rest.split(separator: "=").dropFirst().first.flatMap { Int($0.split(separator: " ").first ?? "") }
        if word == 0x64, lower.hasPrefix("direct") { return .direct(number) }
        if word == 0x6B, lower.hasPrefix("konfig") { return .direct(number) }
        if word == 0x63, lower.hasPrefix("cartesian") { return .cartesian(number) }
        return .header
    }

    mutating func readFrames(header first: Header, givenSpecies: [String]?, selection: FrameSelection, into trajectory: inout Trajectory) throws {
        var lattice = first.lattice
        var index = 0
        let atoms = first.species.count
        var coordinates = [Double](repeating: 0, count: 3 * atoms)
        while true {
            if let end = selection.end, index >= end { return }
            guard
                let (start, startLine, startText) = try bytes.withNextLine(
                    file: file,
                    { bytes, number in
                        let kind = Self.frameStart(bytes)
                        if case .header = kind { return (kind, number, String(decoding: bytes, as: UTF8.self)) }
                        return (kind, number, "")
                    })
            else { return }
            var cartesian = false
            var number: Int?
            switch start {
            case .direct(let n): number = n
            case .cartesian(let n):
                number = n
                cartesian = true
            case .blank:
                break  // a VASP 4 separator (or blank lines at the end of the file)
            case .header:
                guard let h = try readRepeatedHeader(comment: startText, line: startLine, givenSpecies: givenSpecies, expected: first.species)
                else { return }
                lattice = h.lattice
                guard let (next, nextLine) = try bytes.withNextLine(file: file, { (Self.frameStart($0), $1) }) else {
                    warnings.append(ReadWarning(SourceLocation(file: file, line: startLine), "the header at the end of the file has no positions; ignored"))
                    return
                }
                switch next {
                case .direct(let n): number = n
                case .cartesian(let n):
                    number = n
                    cartesian = true
                case .blank: break
                case .header:
                    if bytes.endedInsideLine {
                        warnings.append(
                            ReadWarning(
                                SourceLocation(file: file, line: nextLine),
                                "the file ends inside line \(nextLine), after the header that starts on line \(startLine); the partial frame was dropped"))
                        return
                    }
                    throw malformed(nextLine, "expected 'Direct configuration=' after the header that starts on line \(startLine), found another line")
                }
            }
            let keep = index >= selection.start && (index - selection.start) % selection.stride == 0
            let complete = try readPositions(atoms: atoms, frame: index, keep: keep, into: &coordinates)
            guard complete else { return }
            if keep {
                if cartesian {
                    for a in 0..<atoms {
                        let f = lattice.fractional(SIMD3(coordinates[3 * a], coordinates[3 * a + 1], coordinates[3 * a + 2]))
                        coordinates[3 * a] = f.x
                        coordinates[3 * a + 1] = f.y
                        coordinates[3 * a + 2] = f.z
                    }
                }
                try trajectory.append(flat: coordinates, lattice: lattice, number: number ?? (index + 1))
            }
            index += 1
        }
    }

    /// A header repeated before a frame (VASP 6, variable cell): returns `nil` (with a warning) when the
    /// file ends inside it; its atoms must be those of the first header.
    mutating func readRepeatedHeader(comment: String, line: Int, givenSpecies: [String]?, expected: [String]) throws -> Header? {
        let header: Header
        do {
            header = try readHeader(comment: comment, line: line, givenSpecies: givenSpecies ?? Self.speciesOrder(expected))
        } catch let VASPError.malformed(location, message) where message.hasSuffix("found the end of the file") || bytes.endedInsideLine {
            warnings.append(ReadWarning(location, "the file ends inside the header that starts on line \(line); the partial frame was dropped"))
            return nil
        }
        guard header.species == expected else {
            throw malformed(
                line, "expected the atoms of the first header (\(Self.formula(expected))) in the header that starts here, found \(Self.formula(header.species))"
            )
        }
        return header
    }

    static func speciesOrder(_ perAtom: [String]) -> [String] {
        var order: [String] = []
        for s in perAtom where order.last != s { order.append(s) }
        return order
    }

    static func formula(_ perAtom: [String]) -> String {
        var groups: [(String, Int)] = []
        for s in perAtom {
            if let last = groups.last, last.0 == s { groups[groups.count - 1].1 += 1 } else { groups.append((s, 1)) }
        }
        return groups.map { "\($0.0)\($0.1)" }.joined(separator: " ")
    }

    /// Reads `atoms` position lines (blank lines before the first are skipped); `false` when the file
    /// ends first (with a warning unless no position was read yet).
    mutating func readPositions(atoms: Int, frame: Int, keep: Bool, into coordinates: inout [Double]) throws -> Bool {
        var atom = 0
        while atom < atoms {
            let line = try coordinates.withUnsafeMutableBufferPointer { out in
                try bytes.withNextLine(file: file) { text, number -> (Int, Bool, Bool, String, SIMD4<Int>) in
                    if atom == 0 && Self.isBlank(text) { return (number, true, true, "", .zero) }
                    let ok = keep ? out.baseAddress.map { Self.parsePosition(text, into: $0 + 3 * atom) } ?? false : !Self.isBlank(text)
                    return (number, ok, false, ok ? "" : InputLines.quote(Substring(String(decoding: text, as: UTF8.self))), Self.positionShape(text))
                }
            }
            guard let (number, ok, skipped, found, shape) = line else {
                if atom > 0 {
                    warnings.append(
                        ReadWarning(
                            SourceLocation(file: file, line: bytes.line),
                            "the last frame (\(frame + 1)) has \(atom) of \(atoms) positions: the file ends there, the partial frame was dropped"))
                }
                return false
            }
            // A last line without a line end that is blank, not a position, or shorter than the
            // position lines before it (a number or the symbol after it cut short): the file was cut there.
            if bytes.endedInsideLine && (skipped || !ok || lastPositionShape.map { $0 != shape } ?? false) {
                warnings.append(
                    ReadWarning(
                        SourceLocation(file: file, line: number),
                        "the last frame (\(frame + 1)) has \(atom) of \(atoms) positions: the file ends inside line \(number), the partial frame was dropped"))
                return false
            }
            if skipped { continue }
            if !ok {
                throw malformed(number, "expected the position of atom \(atom + 1) of \(atoms) in frame \(frame + 1) (three numbers), found \(found)")
            }
            lastPositionShape = shape
            atom += 1
        }
        return true
    }

    /// The words of a position line and the digits after the point of its first three words (−1 without
    /// a point): lines written by one program share it, and a line cut inside has another.
    static func positionShape(_ text: UnsafeBufferPointer<UInt8>) -> SIMD4<Int> {
        var shape = SIMD4<Int>(0, -1, -1, -1)
        var words = 0
        var i = 0
        while i < text.count {
            while i < text.count, text[i] == 0x20 || text[i] == 0x09 || text[i] == 0x0D { i += 1 }
            guard i < text.count else { break }
            var decimals = -1
            var counting = false
            while i < text.count, text[i] != 0x20, text[i] != 0x09, text[i] != 0x0D {
                if text[i] == 0x2E, decimals < 0 {
                    decimals = 0
                    counting = true
                } else if counting, text[i] &- 0x30 < 10 {
                    decimals += 1
                } else {
                    counting = false
                }
                i += 1
            }
            if words < 3 { shape[words + 1] = decimals }
            words += 1
        }
        shape[0] = words
        return shape
    }

    static func isBlank(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        text.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
    }

    /// The first three numbers of a position line (anything after them is ignored).
    static func parsePosition(_ text: UnsafeBufferPointer<UInt8>, into out: UnsafeMutablePointer<Double>) -> Bool {
        guard let p = text.baseAddress else { return false }
        var i = 0
        var n = 0
        while n < 3 {
            while i < text.count, p[i] == 0x20 || p[i] == 0x09 { i += 1 }
            guard i < text.count, let (value, next) = NumberScanner.parseOne(p, i, text.count), value.isFinite else { return false }
            out[n] = value
            n += 1
            i = next
        }
        return true
    }

    // MARK: Lines

    mutating func requireLine(_ what: String) throws -> (String, Int) {
        guard let line = try bytes.readLine(file: file) else {
            throw VASPError.malformed(SourceLocation(file: file, line: bytes.line), "expected \(what), found the end of the file")
        }
        return line
    }

    func malformed(_ line: Int, _ message: String) -> VASPError {
        .malformed(SourceLocation(file: file, line: line), message)
    }
}

// MARK: - Multi-frame POSCAR

extension Xdatcar {
    /// Reads a file of several POSCARs one after the other (blank lines between them allowed), e.g. the
    /// images of a path written into one file, as a trajectory. Every frame must have the atoms of the
    /// first; a last frame cut short is dropped with a warning.
    /// - Throws: ``VASPError/malformed(_:_:)`` naming the line (in the whole file) and what was expected.
    public static func readPoscarFrames(path: String, species: [String]? = nil) throws -> Xdatcar {
        let lines = InputLines(text: try ByteSource.text(of: path), file: path)
        var structures: [Structure] = []
        var warnings: [ReadWarning] = []
        var comment = ""
        var index = 0
        while true {
            while index < lines.count, InputLines.trim(lines[index]).isEmpty { index += 1 }
            guard index < lines.count else { break }
            let length = poscarLength(lines, from: index)
            guard let length, index + length <= lines.count else {
                if structures.isEmpty { _ = try parseFrame(lines, index, lines.count - index, species) }
                warnings.append(ReadWarning(lines.location(index), "the last POSCAR (from line \(index + 1)) is incomplete and was dropped"))
                break
            }
            let poscar = try parseFrame(lines, index, length, species)
            if structures.isEmpty { comment = poscar.comment }
            warnings += poscar.warnings
            structures.append(poscar.structure)
            index += length
        }
        do {
            return Xdatcar(comment: comment, trajectory: try Trajectory(structures: structures), warnings: warnings)
        } catch {
            throw VASPError.malformed(SourceLocation(file: path), "expected POSCAR frames with the same atoms: \(error)")
        }
    }

    /// Lines of the POSCAR starting at `from`: 5 header lines, species (VASP 5), counts, optional
    /// selective dynamics, mode, one line per atom.
    static func poscarLength(_ lines: InputLines, from: Int) -> Int? {
        for offset in 5...6 {
            let words = lines.words(from + offset)
            let counts = words.compactMap { Int($0) }
            guard !words.isEmpty, counts.count == words.count, counts.allSatisfy({ $0 >= 0 }) else { continue }
            var length = offset + 2 + counts.reduce(0, +)
            if let c = lines.firstCharacter(from + offset + 1), c == "S" || c == "s" { length += 1 }
            return length
        }
        return nil
    }

    /// One POSCAR of the file, with error lines counted in the whole file.
    static func parseFrame(_ lines: InputLines, _ from: Int, _ length: Int, _ species: [String]?) throws -> Poscar {
        let text = (from..<(from + length)).map { String(lines[$0]) }.joined(separator: "\n") + "\n"
        do {
            return try Poscar.parse(text: text, file: lines.file, species: species)
        } catch VASPError.malformed(var location, let message) {
            location.line = (location.line ?? 1) + from
            throw VASPError.malformed(location, message)
        }
    }
}

// MARK: - Writing

extension Xdatcar {
    /// The file's text: VASP 5 layout for a constant cell; the header repeated before every frame for a
    /// variable cell (VASP 6). Positions with 8 decimals (VASP's precision).
    public func text() -> String {
        let t = trajectory
        var out = ""
        out.reserveCapacity(t.frameCount * (t.atomCount * 40 + 30) + 400)
        for frame in 0..<t.frameCount {
            if frame == 0 || t.hasVariableCell { out += headerText(t.lattice(at: frame)) }
            out += "Direct configuration=" + TextNumber.padLeft(String(t.frameNumbers[frame]), 6) + "\n"
            for atom in 0..<t.atomCount {
                let f = t.fractionalPosition(frame: frame, atom: atom)
                out += " " + [f.x, f.y, f.z].map { TextNumber.fixed($0, decimals: 8, width: 12) }.joined() + "\n"
            }
        }
        return out
    }

    /// Writes the file atomically; an existing file is replaced only with `force`.
    public func write(to path: String, force: Bool = false) throws {
        try AtomicFile.write(Array(text().utf8), to: path, force: force)
    }

    private func headerText(_ lattice: Lattice) -> String {
        var out = InputLines.oneLine(comment.isEmpty ? "unknown system" : comment) + "\n"
        out += "           1\n"
        for v in [lattice.a, lattice.b, lattice.c] {
            out += " " + [v.x, v.y, v.z].map { TextNumber.fixed($0, decimals: 6, width: 12) }.joined() + "\n"
        }
        var groups: [(String, Int)] = []
        for s in trajectory.species {
            if let last = groups.last, last.0 == s { groups[groups.count - 1].1 += 1 } else { groups.append((s, 1)) }
        }
        out += groups.map { "   " + $0.0 + String(repeating: " ", count: max(0, 2 - $0.0.count)) }.joined() + "\n"
        out += groups.map { TextNumber.padLeft(String($0.1), 4) }.joined() + "\n"
        return out
    }
}
