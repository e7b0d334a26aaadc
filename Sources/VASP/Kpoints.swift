import Files

/// A VASP KPOINTS file: how the Brillouin zone is sampled.
///
/// Reading (see `docs/formats-inputs.md`): line 1 is a comment, line 2 the number of k-points, line 3
/// the style, decided by its first letter as VASP does:
/// - count `0` and `G`/`g` (Gamma) or `M`/`m` (Monkhorst-Pack): three subdivisions on line 4 and an
///   optional shift on line 5 → ``Mode/mesh(_:)``;
/// - count `0` and `A`/`a` (Auto, fully automatic): the length Rk (Å) on line 4 → ``Mode/automatic(length:)``;
/// - count > 0 and `L`/`l` (Line-mode): line 4 is the coordinate mode, then pairs of end points, each
///   optionally labelled after `!` (blank lines between pairs are allowed) → ``Mode/line(divisions:segments:cartesian:)``
///   with the count as the number of points per segment;
/// - count > 0 otherwise: line 3 is the coordinate mode (`C`/`c`/`K`/`k` = Cartesian, other letters =
///   reciprocal) and `count` lines of three coordinates and a weight follow, optionally labelled
///   → ``Mode/explicit(points:cartesian:)``; a tetrahedron section after them is ignored with a warning.
///
/// Generating-basis meshes (count 0 with a `Cartesian`/`Reciprocal` style) are not supported and give
/// a clear error. Coordinates are fractions of the reciprocal vectors, or Cartesian in units of 2π/a
/// (VASP's convention, not converted here).
public struct Kpoints: Sendable, Hashable {
    /// Centring of an automatic mesh.
    public enum Centering: String, Sendable, Hashable {
        /// Γ-centred (`Gamma`).
        case gamma = "Gamma"
        /// Monkhorst-Pack (`Monkhorst-Pack`): shifted off Γ along even subdivisions.
        case monkhorstPack = "Monkhorst-Pack"
    }

    /// An automatic Γ-centred or Monkhorst-Pack mesh.
    public struct Mesh: Sendable, Hashable {
        /// Γ or Monkhorst-Pack.
        public var centering: Centering
        /// Subdivisions N₁ N₂ N₃ along the reciprocal vectors (each ≥ 1).
        public var divisions: SIMD3<Int>
        /// Additional shift in units of the subdivisions (usually zero; the line is written only when it is not).
        public var shift: SIMD3<Double>

        /// A mesh; `shift` defaults to zero.
        public init(centering: Centering, divisions: SIMD3<Int>, shift: SIMD3<Double> = .zero) {
            self.centering = centering
            self.divisions = divisions
            self.shift = shift
        }
    }

    /// One k-point of an explicit list.
    public struct Point: Sendable, Hashable {
        /// Coordinates (reciprocal fractions, or Cartesian in 2π/a).
        public var coordinates: SIMD3<Double>
        /// Weight (VASP normalises the weights itself).
        public var weight: Double
        /// Optional label (text after the weight, `!` removed).
        public var label: String?

        /// A k-point.
        public init(_ coordinates: SIMD3<Double>, weight: Double, label: String? = nil) {
            self.coordinates = coordinates
            self.weight = weight
            self.label = label
        }
    }

    /// An end point of a line-mode segment.
    public struct LinePoint: Sendable, Hashable {
        /// Coordinates (reciprocal fractions, or Cartesian in 2π/a).
        public var coordinates: SIMD3<Double>
        /// Label written after `!`, e.g. `\Gamma` or `X`.
        public var label: String?

        /// An end point.
        public init(_ coordinates: SIMD3<Double>, label: String? = nil) {
            self.coordinates = coordinates
            self.label = label
        }
    }

    /// One straight segment of a band-structure path.
    public struct Segment: Sendable, Hashable {
        /// Start point.
        public var start: LinePoint
        /// End point.
        public var end: LinePoint

        /// A segment from `start` to `end`.
        public init(_ start: LinePoint, _ end: LinePoint) {
            self.start = start
            self.end = end
        }
    }

    /// The sampling scheme.
    public enum Mode: Sendable, Hashable {
        /// Fully automatic: VASP picks subdivisions from the length Rk (Å), `Nᵢ = max(1, Rk·|bᵢ| + 0.5)`.
        case automatic(length: Double)
        /// A Γ-centred or Monkhorst-Pack mesh.
        case mesh(Mesh)
        /// An explicit list of k-points with weights.
        case explicit(points: [Point], cartesian: Bool)
        /// Band-structure lines: `divisions` points per segment.
        case line(divisions: Int, segments: [Segment], cartesian: Bool)
    }

    /// The first line.
    public var comment: String
    /// The scheme.
    public var mode: Mode
    /// Non-fatal findings of the reader. Not part of the value: `==` and `hash(into:)` ignore it.
    public var warnings: [ReadWarning]

    /// A KPOINTS file.
    public init(comment: String = "", mode: Mode, warnings: [ReadWarning] = []) {
        self.comment = comment
        self.mode = mode
        self.warnings = warnings
    }

    /// A Γ-centred mesh.
    public static func gamma(_ n1: Int, _ n2: Int, _ n3: Int, comment: String = "Gamma-centred mesh") -> Kpoints {
        Kpoints(comment: comment, mode: .mesh(Mesh(centering: .gamma, divisions: SIMD3(n1, n2, n3))))
    }

    /// A Monkhorst-Pack mesh.
    public static func monkhorstPack(_ n1: Int, _ n2: Int, _ n3: Int, comment: String = "Monkhorst-Pack mesh") -> Kpoints {
        Kpoints(comment: comment, mode: .mesh(Mesh(centering: .monkhorstPack, divisions: SIMD3(n1, n2, n3))))
    }

    /// Equal when the comment and mode are equal (warnings are ignored).
    public static func == (lhs: Kpoints, rhs: Kpoints) -> Bool {
        lhs.comment == rhs.comment && lhs.mode == rhs.mode
    }

    /// Hashes the comment and mode (not the warnings).
    public func hash(into hasher: inout Hasher) {
        hasher.combine(comment)
        hasher.combine(mode)
    }
}

// MARK: - Reading

extension Kpoints {
    /// Reads a KPOINTS file (plain or gzip-compressed).
    /// - Throws: ``VASPError/cannotRead(file:reason:)`` or ``VASPError/malformed(_:_:)`` naming the
    ///   1-based line and what was expected.
    public static func read(path: String) throws -> Kpoints {
        try parse(text: ByteSource.text(of: path), file: path)
    }

    /// Parses KPOINTS text; `file` is only used in messages. See ``read(path:)``.
    public static func parse(text: String, file: String = "KPOINTS") throws -> Kpoints {
        var parser = KpointsParser(lines: InputLines(text: text, file: file))
        return try parser.parse()
    }
}

/// The reading steps of a KPOINTS file.
private struct KpointsParser {
    let lines: InputLines
    var warnings: [ReadWarning] = []

    init(lines: InputLines) { self.lines = lines }

    mutating func parse() throws -> Kpoints {
        guard lines.count > 0 else {
            throw lines.malformed(0, "expected a KPOINTS file (comment, count, style), found an empty file")
        }
        let comment = InputLines.trim(lines[0])
        let count = try readCount()
        let style = try styleLetter(2)
        let mode: Kpoints.Mode
        if count == 0 {
            mode = try automatic(style)
        } else if style == "l" {
            let cartesian = try coordinateMode(3)
            mode = .line(divisions: count, segments: try segments(from: 4), cartesian: cartesian)
        } else {
            mode = .explicit(points: try points(count, from: 3), cartesian: "ck".contains(style))
        }
        return Kpoints(comment: comment, mode: mode, warnings: warnings)
    }

    func readCount() throws -> Int {
        let words = lines.words(1)
        guard words.count >= 1, let n = Int(words[0]), n >= 0 else {
            throw lines.malformed(1, "expected the number of k-points (0 for an automatic mesh), found \(lines.quoted(1))")
        }
        return n
    }

    /// The lower-cased first letter of line `index`.
    func styleLetter(_ index: Int) throws -> Character {
        guard let first = lines.firstCharacter(index), first.isLetter else {
            throw lines.malformed(
                index,
                "expected the style ('Gamma', 'Monkhorst-Pack', 'Auto', 'Line-mode', 'Reciprocal' or 'Cartesian'), found \(lines.quoted(index))")
        }
        return Character(first.lowercased())
    }

    func coordinateMode(_ index: Int) throws -> Bool {
        guard let first = lines.firstCharacter(index), first.isLetter else {
            throw lines.malformed(index, "expected the coordinate mode 'Reciprocal' or 'Cartesian', found \(lines.quoted(index))")
        }
        return "CcKk".contains(first)
    }

    // MARK: Automatic

    func automatic(_ style: Character) throws -> Kpoints.Mode {
        switch style {
        case "g", "m":
            let divisions = try readDivisions(3)
            let shift = try readShift(4)
            return .mesh(Kpoints.Mesh(centering: style == "g" ? .gamma : .monkhorstPack, divisions: divisions, shift: shift))
        case "a":
            guard let values = lines.numbers(3), values.count == 1, values[0] > 0, values[0].isFinite else {
                throw lines.malformed(3, "expected the length Rk in Å (one positive number), found \(lines.quoted(3))")
            }
            return .automatic(length: values[0])
        case "c", "k", "r":
            throw lines.malformed(
                2,
                "expected 'Gamma', 'Monkhorst-Pack' or 'Auto' for an automatic mesh; meshes from generating basis vectors (\(lines.quoted(2))) are not supported"
            )
        default:
            throw lines.malformed(2, "expected 'Gamma', 'Monkhorst-Pack' or 'Auto' for an automatic mesh, found \(lines.quoted(2))")
        }
    }

    func readDivisions(_ index: Int) throws -> SIMD3<Int> {
        let words = lines.words(index)
        let values = words.prefix(3).compactMap { Int($0) }
        guard values.count == 3, values.allSatisfy({ $0 >= 1 }) else {
            throw lines.malformed(index, "expected three positive integer subdivisions, found \(lines.quoted(index))")
        }
        return SIMD3(values[0], values[1], values[2])
    }

    func readShift(_ index: Int) throws -> SIMD3<Double> {
        guard index < lines.count, !lines.words(index).isEmpty else { return .zero }
        let (values, _) = lines.leadingNumbers(index, count: 3)
        guard values.count == 3, values.allSatisfy({ $0.isFinite }) else {
            throw lines.malformed(index, "expected the mesh shift (three numbers) or nothing, found \(lines.quoted(index))")
        }
        return SIMD3(values[0], values[1], values[2])
    }

    // MARK: Explicit list

    mutating func points(_ count: Int, from start: Int) throws -> [Kpoints.Point] {
        var result: [Kpoints.Point] = []
        for k in 0..<count {
            let index = start + k
            let (values, next) = lines.leadingNumbers(index, count: 4)
            guard values.count == 4, values.allSatisfy({ $0.isFinite }) else {
                let found = index < lines.count ? lines.quoted(index) : "the end of the file after \(k) of \(count) k-points"
                throw lines.malformed(index, "expected k-point \(k + 1) (three coordinates and a weight), found \(found)")
            }
            result.append(Kpoints.Point(SIMD3(values[0], values[1], values[2]), weight: values[3], label: label(index, after: next)))
        }
        let rest = start + count
        if (rest..<lines.count).contains(where: { !lines.words($0).isEmpty }) {
            warnings.append(ReadWarning(lines.location(rest), "lines after the \(count) k-points ignored (a tetrahedron section is not read)"))
        }
        return result
    }

    /// Text after the numbers of line `index` (from word `next`), without a leading `!`; `nil` when empty.
    func label(_ index: Int, after next: Int) -> String? {
        let words = lines.words(index).dropFirst(next)
        var text = InputLines.trim(words.joined(separator: " "))
        if text.hasPrefix("!") { text = InputLines.trim(text.dropFirst()) }
        return text.isEmpty ? nil : text
    }

    // MARK: Line mode

    func segments(from start: Int) throws -> [Kpoints.Segment] {
        var ends: [(Kpoints.LinePoint, Int)] = []
        for index in start..<max(start, lines.count) where !lines.words(index).isEmpty {
            let (values, next) = lines.leadingNumbers(index, count: 3)
            guard values.count == 3, values.allSatisfy({ $0.isFinite }) else {
                throw lines.malformed(index, "expected a line-mode end point (three coordinates, optional '! label'), found \(lines.quoted(index))")
            }
            ends.append((Kpoints.LinePoint(SIMD3(values[0], values[1], values[2]), label: lineLabel(index, after: next)), index))
        }
        guard !ends.isEmpty else {
            throw lines.malformed(start, "expected line-mode end points, found the end of the file")
        }
        guard ends.count % 2 == 0 else {
            throw lines.malformed(
                ends[ends.count - 1].1,
                "expected line-mode end points in pairs (start and end of each segment), found \(ends.count) points")
        }
        return stride(from: 0, to: ends.count, by: 2).map { Kpoints.Segment(ends[$0].0, ends[$0 + 1].0) }
    }

    /// A line-mode label: text after `!`, or words after the numbers that are not a weight.
    func lineLabel(_ index: Int, after next: Int) -> String? {
        let line = lines[index]
        if let bang = line.firstIndex(of: "!") {
            let text = InputLines.trim(line[line.index(after: bang)...])
            return text.isEmpty ? nil : text
        }
        let words = lines.words(index).dropFirst(next).drop(while: { NumberScanner.double($0) != nil })
        let text = words.joined(separator: " ")
        return text.isEmpty ? nil : text
    }
}

// MARK: - Writing

extension Kpoints {
    /// The file's text. Numbers are written in their shortest exact form, so reading it back gives
    /// this value exactly.
    public func text() -> String {
        var out = InputLines.oneLine(comment) + "\n"
        switch mode {
        case .automatic(let length):
            out += "0\nAuto\n  \(TextNumber.shortest(length))\n"
        case .mesh(let mesh):
            out += "0\n\(mesh.centering.rawValue)\n"
            out += "  \(mesh.divisions.x) \(mesh.divisions.y) \(mesh.divisions.z)\n"
            if mesh.shift != .zero { out += "  " + Self.numbers(mesh.shift) + "\n" }
        case .explicit(let points, let cartesian):
            out += "\(points.count)\n\(cartesian ? "Cartesian" : "Reciprocal")\n"
            for p in points {
                out += "  " + Self.numbers(p.coordinates) + "  " + TextNumber.shortest(p.weight) + Self.labelSuffix(p.label) + "\n"
            }
        case .line(let divisions, let segments, let cartesian):
            out += "\(divisions)\nLine-mode\n\(cartesian ? "Cartesian" : "Reciprocal")\n"
            out += segments.map { s in
                "  " + Self.numbers(s.start.coordinates) + Self.labelSuffix(s.start.label) + "\n"
                    + "  " + Self.numbers(s.end.coordinates) + Self.labelSuffix(s.end.label) + "\n"
            }.joined(separator: "\n")
        }
        return out
    }

    /// Writes the file atomically (temporary file in the same folder, then rename).
    /// - Parameter force: replace an existing file; without it an existing file is an error.
    public func write(to path: String, force: Bool = false) throws {
        try AtomicFile.write(Array(text().utf8), to: path, force: force)
    }

    private static func numbers(_ v: SIMD3<Double>) -> String {
        [v.x, v.y, v.z].map { TextNumber.padLeft(TextNumber.shortest($0), 12) }.joined(separator: " ")
    }

    private static func labelSuffix(_ label: String?) -> String {
        guard let label, !label.isEmpty else { return "" }
        return " ! " + InputLines.oneLine(label)
    }
}
