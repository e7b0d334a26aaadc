import Files

/// Which Bader program wrote a table, detected from its header line.
public enum BaderProgram: String, Sendable, Hashable {
    /// The Henkelman group's `bader` (Tang, Sanville, Henkelman, J. Phys.: Condens. Matter 21, 084204
    /// (2009); Yu–Trinkle weights from 1.0): whitespace-separated Fortran columns.
    case henkelman
    /// bader-rs (`bca`, A. Kerrigan): a `|`-separated table whose header names the columns.
    case baderRS = "bader-rs"
}

/// One row of `ACF.dat`: an atom, its Bader charge and volume.
public struct BaderAtom: Sendable, Hashable {
    /// Atom number as written (1-based, POSCAR order).
    public var index: Int
    /// Position as written (Å for a CHGCAR input; the unit of the input grid, e.g. Bohr for a cube file).
    public var position: SIMD3<Double>
    /// Electrons N assigned to the atom (`CHARGE` / `Charge`), in |e|. Not a net charge: q = ZVAL − N.
    public var electrons: Double
    /// Spin density in the atom's basin (bader-rs `Spin`, or `Spin X/Y/Z`); empty otherwise.
    public var spin: [Double]
    /// `MIN DIST` (Henkelman) or `Distance` (bader-rs): the shortest distance from the atom to its basin surface.
    public var minimumDistance: Double?
    /// `ATOMIC VOL` (Henkelman 0.95+) or `Volume` (bader-rs), in the cube of the position unit.
    public var volume: Double?
    /// bader-rs `Error` column.
    public var error: Double?

    /// A row, each value as written (units as on each property).
    public init(
        index: Int, position: SIMD3<Double>, electrons: Double, spin: [Double] = [], minimumDistance: Double? = nil,
        volume: Double? = nil, error: Double? = nil
    ) {
        self.index = index
        self.position = position
        self.electrons = electrons
        self.spin = spin
        self.minimumDistance = minimumDistance
        self.volume = volume
        self.error = error
    }
}

/// The footer of a Bader table. Henkelman: `VACUUM CHARGE`, `VACUUM VOLUME`, `NUMBER OF ELECTRONS`
/// (the 2005 dialect writes only the last); bader-rs: `Vacuum Charge/Spin/Volume`, `Partitioned Charge/Spin/Volume`.
public struct BaderFooter: Sendable, Hashable {
    /// Electrons in the vacuum region (|e|): Henkelman `VACUUM CHARGE`, bader-rs `Vacuum Charge`.
    public var vacuumCharge: Double?
    /// Volume of the vacuum region, in the cube of the position unit: Henkelman `VACUUM VOLUME`, bader-rs `Vacuum Volume`.
    public var vacuumVolume: Double?
    /// Henkelman's `NUMBER OF ELECTRONS`: the integral of the density over the whole grid.
    public var numberOfElectrons: Double?
    /// bader-rs `Partitioned Charge`: electrons assigned to atoms (vacuum excluded).
    public var partitionedCharge: Double?
    /// bader-rs `Partitioned Volume`.
    public var partitionedVolume: Double?
    /// bader-rs `Vacuum Spin` (or X, Y, Z).
    public var vacuumSpin: [Double]
    /// bader-rs `Partitioned Spin` (or X, Y, Z).
    public var partitionedSpin: [Double]

    /// An empty footer (no value known).
    public init() {
        vacuumSpin = []
        partitionedSpin = []
    }

    /// Whether the footer has any value.
    public var isEmpty: Bool {
        vacuumCharge == nil && vacuumVolume == nil && numberOfElectrons == nil && partitionedCharge == nil
            && partitionedVolume == nil && vacuumSpin.isEmpty && partitionedSpin.isEmpty
    }

    /// The electron count the program reports: `NUMBER OF ELECTRONS`, else bader-rs's partitioned
    /// charge plus its vacuum charge.
    public var totalElectrons: Double? {
        if let numberOfElectrons { return numberOfElectrons }
        guard let partitionedCharge else { return nil }
        return partitionedCharge + (vacuumCharge ?? 0)
    }
}

/// `ACF.dat`: Bader charges per atom, read in every dialect (see `docs/formats-outputs.md`):
/// - Henkelman `bader` 2005–1.05: `#  X  Y  Z  CHARGE  MIN DIST [ATOMIC VOL]`, 4 or 6 decimals, with or
///   without the `VACUUM CHARGE` / `VACUUM VOLUME` / `NUMBER OF ELECTRONS` footer; Fortran fields that
///   filled their width and fused with the next (`1.3036981234567.123456`, `-2.788755-1000.000000`) are split;
/// - bader-rs: `| # | X | Y | Z | Charge | [Spin…] | Volume | Distance | [Error]` with its own footer.
public struct BaderACF: Sendable, Hashable {
    /// The file as the user named it.
    public var file: String
    /// The program that wrote it.
    public var program: BaderProgram
    /// Column names after `#`, as written (`X`, `Y`, `Z`, `CHARGE`, `MIN DIST`, `ATOMIC VOL`, or bader-rs's).
    public var columns: [String]
    /// One entry per atom, in file order.
    public var atoms: [BaderAtom]
    /// The footer (may be empty).
    public var footer: BaderFooter
    /// Non-fatal findings (e.g. a missing footer).
    public var warnings: [ReadWarning]

    /// Whether the table has a volume column (`ATOMIC VOL` or `Volume`).
    public var hasVolumes: Bool { atoms.allSatisfy { $0.volume != nil } && !atoms.isEmpty }

    /// Σ N over the atoms (|e|).
    public var totalElectrons: Double { atoms.reduce(0) { $0 + $1.electrons } }

    /// Σ volume over the atoms, or `nil` without a volume column.
    public var totalVolume: Double? {
        hasVolumes ? atoms.reduce(0) { $0 + ($1.volume ?? 0) } : nil
    }

    /// Electrons per atom in file order.
    public var electrons: [Double] { atoms.map(\.electrons) }
}

/// One row of `BCF.dat`: a Bader volume (a density maximum), its charge and the atom it belongs to.
public struct BaderVolume: Sendable, Hashable {
    /// Volume number as written (1-based).
    public var index: Int
    /// Position of the maximum.
    public var position: SIMD3<Double>
    /// Electrons in the volume (|e|).
    public var electrons: Double
    /// The atom (1-based) the volume is assigned to.
    public var atom: Int
    /// Distance from the maximum to that atom.
    public var distance: Double?
    /// Volume of the basin (bader-rs only).
    public var volume: Double?
    /// Spin in the basin (bader-rs only).
    public var spin: [Double]

    /// A row, each value as written.
    public init(
        index: Int, position: SIMD3<Double>, electrons: Double, atom: Int, distance: Double? = nil,
        volume: Double? = nil, spin: [Double] = []
    ) {
        self.index = index
        self.position = position
        self.electrons = electrons
        self.atom = atom
        self.distance = distance
        self.volume = volume
        self.spin = spin
    }
}

/// `BCF.dat`: the Bader volumes (Henkelman: `#  X  Y  Z  CHARGE  ATOM  DISTANCE`; bader-rs: volumes
/// grouped under `Atom: N` separators).
public struct BaderBCF: Sendable, Hashable {
    /// The file as the user named it.
    public var file: String
    /// The program that wrote it.
    public var program: BaderProgram
    /// Column names after `#`, as written (Henkelman `X`, `Y`, `Z`, `CHARGE`, `ATOM`, `DISTANCE`, or bader-rs's).
    public var columns: [String]
    /// One entry per Bader volume, in file order.
    public var volumes: [BaderVolume]
    /// Non-fatal findings while reading.
    public var warnings: [ReadWarning]

    /// Electrons summed per atom: index `k` is atom `k + 1`; `atomCount` entries, more when a volume
    /// names a later atom (atoms without a volume get 0). Atom numbers above `atomCount` + the number of
    /// volumes cannot be real (the array would grow without bound on a damaged file): those volumes are
    /// left out.
    public func electronsPerAtom(atomCount: Int) -> [Double] {
        let limit = max(atomCount, 0) + volumes.count
        let largest = volumes.lazy.map(\.atom).filter { $0 <= limit }.max() ?? 0
        var out = [Double](repeating: 0, count: max(atomCount, largest, 0))
        for v in volumes where v.atom >= 1 && v.atom <= out.count { out[v.atom - 1] += v.electrons }
        return out
    }

    /// Σ electrons over all volumes.
    public var totalElectrons: Double { volumes.reduce(0) { $0 + $1.electrons } }
}

/// `AVF.dat` (Henkelman `bader -print atom_index`-style map): for each atom, the Bader volumes assigned
/// to it (`Atom … Volume(s)` table).
public struct BaderAVF: Sendable, Hashable {
    /// The file as the user named it.
    public var file: String
    /// Atom number (1-based) → its volume numbers (1-based), in file order.
    public var volumesByAtom: [(atom: Int, volumes: [Int])]
    /// Non-fatal findings while reading (the parser reports none yet: always empty).
    public var warnings: [ReadWarning]

    /// The volume numbers of atom `atom` (1-based), or `[]`.
    public func volumes(ofAtom atom: Int) -> [Int] {
        volumesByAtom.first { $0.atom == atom }?.volumes ?? []
    }

    /// Equal when the file and the atom → volumes map agree (warnings are not compared).
    public static func == (lhs: BaderAVF, rhs: BaderAVF) -> Bool {
        lhs.file == rhs.file && lhs.volumesByAtom.map(\.atom) == rhs.volumesByAtom.map(\.atom)
            && lhs.volumesByAtom.map(\.volumes) == rhs.volumesByAtom.map(\.volumes)
    }

    /// Hashes the file and the volume lists (consistent with `==`).
    public func hash(into hasher: inout Hasher) {
        hasher.combine(file)
        hasher.combine(volumesByAtom.map(\.volumes))
    }
}

// MARK: - Reading

extension BaderACF {
    /// Reads `ACF.dat` (plain or gzip).
    /// - Throws: ``VASPError/malformed(_:_:)`` naming the line when the header or a row is not an ACF table.
    /// `observer` sees the whole file as stored, in the same read (a hash of what was parsed).
    public static func read(path: String, observer: StoredBytesObserver? = nil) throws -> BaderACF {
        try parse(text: ByteSource.text(of: path, observer: observer), file: path)
    }

    /// Parses `ACF.dat` text; `file` is only used in messages.
    public static func parse(text: String, file: String = "ACF.dat") throws -> BaderACF {
        let table = try BaderTableParser(lines: InputLines(text: text, file: file), kind: .atoms).parse()
        var atoms: [BaderAtom] = []
        for row in table.rows {
            guard let x = row.value("X"), let y = row.value("Y"), let z = row.value("Z"),
                let n = row.value("CHARGE")
            else {
                throw table.lines.malformed(row.line, "expected X, Y, Z and CHARGE in this row, found \(table.lines.quoted(row.line))")
            }
            atoms.append(
                BaderAtom(
                    index: row.index, position: SIMD3(x, y, z), electrons: n, spin: row.spin,
                    minimumDistance: row.value("MIN DIST") ?? row.value("DISTANCE"),
                    volume: row.value("ATOMIC VOL") ?? row.value("VOLUME"), error: row.value("ERROR")))
        }
        var warnings = table.warnings
        if table.footer.isEmpty {
            warnings.append(
                ReadWarning(
                    table.lines.location(max(table.lines.count - 1, 0)),
                    "no footer (VACUUM CHARGE / NUMBER OF ELECTRONS): the file may be cut short; the electron count cannot be checked"))
        }
        return BaderACF(
            file: file, program: table.program, columns: table.columns, atoms: atoms, footer: table.footer,
            warnings: warnings)
    }
}

extension BaderBCF {
    /// Reads `BCF.dat` (plain or gzip).
    public static func read(path: String) throws -> BaderBCF {
        try parse(text: ByteSource.text(of: path), file: path)
    }

    /// Parses `BCF.dat` text; `file` is only used in messages.
    public static func parse(text: String, file: String = "BCF.dat") throws -> BaderBCF {
        let table = try BaderTableParser(lines: InputLines(text: text, file: file), kind: .volumes).parse()
        var volumes: [BaderVolume] = []
        for row in table.rows {
            guard let x = row.value("X"), let y = row.value("Y"), let z = row.value("Z"), let n = row.value("CHARGE") else {
                throw table.lines.malformed(row.line, "expected X, Y, Z and CHARGE in this row, found \(table.lines.quoted(row.line))")
            }
            let atom = row.value("ATOM").flatMap { Int(exactly: $0) } ?? row.atom
            guard let atom else {
                throw table.lines.malformed(row.line, "expected the ATOM column (or an `Atom: N` separator before the row)")
            }
            volumes.append(
                BaderVolume(
                    index: row.index, position: SIMD3(x, y, z), electrons: n, atom: atom,
                    distance: row.value("DISTANCE"), volume: row.value("VOLUME"), spin: row.spin))
        }
        return BaderBCF(file: file, program: table.program, columns: table.columns, volumes: volumes, warnings: table.warnings)
    }
}

extension BaderAVF {
    /// Reads `AVF.dat` (plain or gzip).
    public static func read(path: String) throws -> BaderAVF {
        try parse(text: ByteSource.text(of: path), file: path)
    }

    /// Parses `AVF.dat` text: a header naming `Atom` and `Volume(s)`, dashes, rows `atom ... v1 v2 …`
    /// (a row without `...` continues the previous atom's list), dashes.
    public static func parse(text: String, file: String = "AVF.dat") throws -> BaderAVF {
        let lines = InputLines(text: text, file: file)
        guard let header = (0..<lines.count).first(where: { lines[$0].contains("Atom") && lines[$0].contains("Volume") }) else {
            throw lines.malformed(0, "expected an AVF.dat header naming `Atom` and `Volume(s)`, found \(lines.quoted(0))")
        }
        var map: [(atom: Int, volumes: [Int])] = []
        for index in (header + 1)..<max(lines.count, header + 1) {
            let words = lines.words(index)
            if words.isEmpty || InputLines.trim(lines[index]).allSatisfy({ $0 == "-" }) { continue }
            let hasEllipsis = words.count > 1 && words[1] == "..."
            let numbers = words.filter { $0 != "..." }.map { Int($0) }
            guard numbers.allSatisfy({ $0 != nil }) else {
                throw lines.malformed(index, "expected `atom ... volume(s)` (whole numbers), found \(lines.quoted(index))")
            }
            let ints = numbers.compactMap { $0 }
            if hasEllipsis, let atom = ints.first {
                map.append((atom, Array(ints.dropFirst())))
            } else if !map.isEmpty {
                map[map.count - 1].volumes += ints
            } else {
                throw lines.malformed(index, "expected `atom ... volume(s)`, found \(lines.quoted(index))")
            }
        }
        return BaderAVF(file: file, volumesByAtom: map, warnings: [])
    }
}

/// The table reader shared by `ACF.dat` and `BCF.dat` in both programs' dialects.
private struct BaderTableParser {
    enum Kind { case atoms, volumes }

    struct Row {
        var line: Int
        var index: Int
        /// Column name (upper-cased, bader-rs names mapped to Henkelman's) → value.
        var values: [String: Double]
        var spin: [Double]
        /// The atom of an `Atom: N` separator (bader-rs BCF).
        var atom: Int?
        func value(_ name: String) -> Double? { values[name] }
    }

    struct Table {
        var lines: InputLines
        var program: BaderProgram
        var columns: [String]
        var rows: [Row]
        var footer: BaderFooter
        var warnings: [ReadWarning]
    }

    let lines: InputLines
    let kind: Kind

    func parse() throws -> Table {
        guard let header = (0..<min(lines.count, 20)).first(where: { isHeader(lines[$0]) }) else {
            let what = kind == .atoms ? "an ACF.dat" : "a BCF.dat"
            throw lines.malformed(0, "expected \(what) header (`#  X  Y  Z  CHARGE …`), found \(lines.quoted(0))")
        }
        if lines[header].contains("|") { return try parseBaderRS(header: header) }
        return try parseHenkelman(header: header)
    }

    func isHeader(_ line: Substring) -> Bool {
        let upper = line.uppercased()
        return line.contains("#") && upper.contains("X") && upper.contains("CHARGE")
    }

    // MARK: Henkelman

    /// Column names of a Henkelman header: `#  X  Y  Z  CHARGE  MIN DIST  ATOMIC VOL` → the two-word
    /// names are joined back.
    func henkelmanColumns(_ header: Int) -> [String] {
        var words = lines.words(header).map { $0.uppercased() }
        if words.first == "#" { words.removeFirst() }
        var columns: [String] = []
        var k = 0
        while k < words.count {
            if k + 1 < words.count, (words[k] == "MIN" && words[k + 1] == "DIST") || (words[k] == "ATOMIC" && words[k + 1] == "VOL") {
                columns.append(words[k] + " " + words[k + 1])
                k += 2
            } else {
                columns.append(words[k])
                k += 1
            }
        }
        return columns
    }

    func parseHenkelman(header: Int) throws -> Table {
        let columns = henkelmanColumns(header)
        if let repeated = columns.enumerated().first(where: { columns[..<$0.offset].contains($0.element) })?.element {
            throw lines.malformed(header, "expected each column once in the header, found \(repeated) twice in \(lines.quoted(header))")
        }
        try checkKind(columns, header: header)
        var rows: [Row] = []
        var footer = BaderFooter()
        var decimals: Int?
        var inBody = false
        var bodyEnded = false
        for index in (header + 1)..<max(lines.count, header + 1) {
            let text = InputLines.trim(lines[index])
            if text.isEmpty { continue }
            if text.allSatisfy({ $0 == "-" }) {
                if inBody { bodyEnded = true }
                inBody = true
                continue
            }
            if let colon = text.firstIndex(of: ":") {
                readFooter(key: text[..<colon], value: text[text.index(after: colon)...], into: &footer)
                continue
            }
            guard inBody, !bodyEnded else {
                throw lines.malformed(index, "expected a dashed line or a `KEY: value` footer line, found \(lines.quoted(index))")
            }
            rows.append(try henkelmanRow(index, columns: columns, decimals: &decimals))
        }
        return Table(lines: lines, program: .henkelman, columns: columns, rows: rows, footer: footer, warnings: [])
    }

    func checkKind(_ columns: [String], header: Int) throws {
        let isVolumes = columns.contains("ATOM") && !columns.contains("MIN DIST")
        if kind == .atoms && isVolumes {
            throw lines.malformed(header, "this is a BCF.dat table (it has an ATOM column), not ACF.dat")
        }
        if kind == .volumes && !isVolumes {
            throw lines.malformed(header, "this is an ACF.dat table (no ATOM column), not BCF.dat")
        }
    }

    /// One data row: the atom number, then one value per column. Fused fields are split at the file's
    /// decimal count (each value is a fixed-decimal Fortran `F` field).
    func henkelmanRow(_ index: Int, columns: [String], decimals: inout Int?) throws -> Row {
        let words = lines.words(index)
        guard let first = words.first, let number = Int(first) else {
            throw lines.malformed(index, "expected a row starting with the atom number, found \(lines.quoted(index))")
        }
        if decimals == nil {
            decimals = words.dropFirst().first { $0.contains(".") }.map { word in
                word.split(separator: ".", omittingEmptySubsequences: false).last.map { $0.prefix(while: \.isNumber).count } ?? 6
            }
        }
        var values: [Double] = []
        for word in words.dropFirst() {
            for piece in BaderFields.split(word, decimals: decimals ?? 6) {
                guard let v = NumberScanner.double(piece) else {
                    throw lines.malformed(index, "expected a number, found '\(piece)' in \(lines.quoted(index))")
                }
                values.append(v)
            }
        }
        guard values.count == columns.count else {
            throw lines.malformed(
                index,
                "expected \(columns.count) values (\(columns.joined(separator: ", "))) after the atom number, found \(values.count) in \(lines.quoted(index))")
        }
        return Row(line: index, index: number, values: Dictionary(uniqueKeysWithValues: zip(columns, values)), spin: [], atom: nil)
    }

    func readFooter(key: Substring, value: Substring, into footer: inout BaderFooter) {
        let name = InputLines.trim(key).uppercased()
        let number = NumberScanner.doubles(in: value).values
        switch name {
        case "VACUUM CHARGE": footer.vacuumCharge = number.first
        case "VACUUM VOLUME": footer.vacuumVolume = number.first
        case "NUMBER OF ELECTRONS": footer.numberOfElectrons = number.first
        case "PARTITIONED CHARGE": footer.partitionedCharge = number.first
        case "PARTITIONED VOLUME": footer.partitionedVolume = number.first
        case "VACUUM SPIN", "VACUUM SPIN X", "VACUUM SPIN Y", "VACUUM SPIN Z": footer.vacuumSpin += number.prefix(1)
        case "PARTITIONED SPIN", "PARTITIONED SPIN X", "PARTITIONED SPIN Y", "PARTITIONED SPIN Z":
            footer.partitionedSpin += number.prefix(1)
        default: break
        }
    }

    // MARK: bader-rs

    /// bader-rs column names mapped to Henkelman's (`Charge` → `CHARGE`, `Distance` → `MIN DIST` for
    /// atoms, `DISTANCE` for volumes, `Volume` → `VOLUME`).
    func baderRSName(_ name: String) -> String {
        let upper = name.uppercased()
        if upper == "DISTANCE" && kind == .atoms { return "MIN DIST" }
        return upper
    }

    func parseBaderRS(header: Int) throws -> Table {
        var names = lines[header].split(separator: "|").map { InputLines.trim($0) }
        if names.first == "#" { names.removeFirst() }
        let columns = names
        let mapped = names.map(baderRSName)
        var rows: [Row] = []
        var footer = BaderFooter()
        var atom: Int?
        for index in (header + 1)..<max(lines.count, header + 1) {
            let text = InputLines.trim(lines[index])
            if text.isEmpty { continue }
            if text.hasPrefix("-") {
                if text.contains("Atom:"), let colon = text.firstIndex(of: ":") {
                    let rest = text[text.index(after: colon)...].drop(while: { $0 == " " })
                    atom = Int(String(rest.prefix(while: { $0.isNumber })))
                }
                continue
            }
            if !text.contains("|"), let colon = text.firstIndex(of: ":") {
                readFooter(key: text[..<colon], value: text[text.index(after: colon)...], into: &footer)
                continue
            }
            let fields = text.split(separator: "|", omittingEmptySubsequences: false).map { InputLines.trim($0) }
            guard let number = fields.first.flatMap({ Int($0) }), fields.count == columns.count + 1 else {
                throw lines.malformed(
                    index, "expected \(columns.count + 1) `|`-separated fields (#, \(columns.joined(separator: ", "))), found \(lines.quoted(index))")
            }
            var values: [String: Double] = [:]
            var spin: [Double] = []
            for (name, field) in zip(mapped, fields.dropFirst()) {
                guard let v = NumberScanner.double(field) else {
                    throw lines.malformed(index, "expected a number in column \(name), found '\(field)'")
                }
                if name.hasPrefix("SPIN") { spin.append(v) } else { values[name] = v }
            }
            rows.append(Row(line: index, index: number, values: values, spin: spin, atom: atom))
        }
        return Table(lines: lines, program: .baderRS, columns: columns, rows: rows, footer: footer, warnings: [])
    }
}

/// Splitting of Fortran fields that filled their width and touch the next one.
enum BaderFields {
    /// Splits `word` into numbers that each have exactly `decimals` digits after their point:
    /// `1.3036981234567.123456` (6 decimals) → `1.303698`, `1234567.123456`; `-2.788755-1000.000000`
    /// → `-2.788755`, `-1000.000000`. A word with a single number is returned unchanged.
    static func split(_ word: Substring, decimals: Int) -> [Substring] {
        guard decimals > 0 else { return [word] }
        var pieces: [Substring] = []
        var start = word.startIndex
        var i = word.startIndex
        while i < word.endIndex {
            if word[i] == "." {
                var end = word.index(after: i)
                var count = 0
                while end < word.endIndex, count < decimals, word[end].isNumber {
                    end = word.index(after: end)
                    count += 1
                }
                // Keep an exponent attached (not written by bader, but harmless).
                if end < word.endIndex, word[end] == "E" || word[end] == "e" {
                    end = word.index(after: end)
                    while end < word.endIndex, word[end] == "+" || word[end] == "-" || word[end].isNumber { end = word.index(after: end) }
                }
                pieces.append(word[start..<end])
                start = end
                i = end
                continue
            }
            i = word.index(after: i)
        }
        if start < word.endIndex { pieces.append(word[start...]) }
        return pieces.isEmpty ? [word] : pieces
    }
}
