import Analysis
import Chemistry
import Files
import VASP
import Yams

/// Decoding of Cascade's YAML files (manifest, input sets, structure index) with Yams, with every
/// error turned into a ``StudyError/invalid(_:_:)`` that names the file, line and column (from
/// Yams' marks) and the key path.
enum YAMLFile {
    /// The file name handed to `init(from:)` implementations through `userInfo`.
    static let fileKey: CodingUserInfoKey = {
        guard let key = CodingUserInfoKey(rawValue: "cascade.file") else {
            preconditionFailure("CodingUserInfoKey(rawValue:) accepts every string")
        }
        return key
    }()

    /// Decodes `T` from `text`; `file` is used in messages and in the locations stored by the types.
    static func decode<T: Decodable>(_ type: T.Type, text: String, file: String) throws -> T {
        do {
            return try YAMLDecoder().decode(type, from: text, userInfo: [fileKey: file])
        } catch let error as YamlError {
            throw StudyError.invalid(location(of: error, file: file), message(of: error))
        } catch let error as DecodingError {
            throw translate(error, text: text, file: file)
        } catch let error as StudyError {
            throw error
        }
    }

    /// Reads and decodes a file.
    static func load<T: Decodable>(_ type: T.Type, path: String) throws -> T {
        let text: String
        do {
            text = try ByteSource.text(of: path)
        } catch {
            throw StudyError.cannotRead(file: path, reason: readReason(error))
        }
        return try decode(type, text: text, file: path)
    }

    /// The reason part of a VASP read error (or its description).
    static func readReason(_ error: Error) -> String {
        if case VASPError.cannotRead(_, let reason) = error { return reason }
        if case FileError.cannotRead(_, let reason) = error { return reason }
        return "\(error)"
    }

    // MARK: Yams errors

    static func location(of error: YamlError, file: String) -> ManifestLocation {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return ManifestLocation(file: file, line: mark.line, column: mark.column)
        case .duplicatedKeysInMapping(_, let context):
            return ManifestLocation(file: file, line: context.mark.line, column: context.mark.column)
        default:
            return ManifestLocation(file: file)
        }
    }

    static func message(of error: YamlError) -> String {
        switch error {
        case .scanner(let context, let problem, _, _), .parser(let context, let problem, _, _),
            .composer(let context, let problem, _, _):
            let whereText = context.map { " (\($0.text))" } ?? ""
            return "not valid YAML: \(problem)\(whereText)"
        case .duplicatedKeysInMapping(let duplicates, _):
            return "key \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) given twice in one mapping"
        case .reader(let problem, _, _, _):
            return "not readable as YAML text: \(problem)"
        default:
            return "not valid YAML: \(error)"
        }
    }

    // MARK: Decoding errors

    static func translate(_ error: DecodingError, text: String, file: String) -> StudyError {
        let context: DecodingError.Context
        var message: String
        switch error {
        case .typeMismatch(let type, let c):
            context = c
            message = "expected \(friendly(type))"
        case .valueNotFound(let type, let c):
            context = c
            message = "expected \(friendly(type)), found nothing"
        case .keyNotFound(let key, let c):
            context = c
            message = "missing key '\(key.stringValue)'"
        case .dataCorrupted(let c):
            // Yams wraps every other error (its own YamlError, ours thrown from init(from:)) this way.
            if let inner = c.underlyingError as? StudyError { return inner }
            if let inner = c.underlyingError as? YamlError { return .invalid(YAMLFile.location(of: inner, file: file), YAMLFile.message(of: inner)) }
            context = c
            message = c.debugDescription
        @unknown default:
            return .invalid(ManifestLocation(file: file), "\(error)")
        }
        let path = pathText(context.codingPath)
        if !path.isEmpty { message = "\(path): \(message)" }
        let mark = (try? Yams.compose(yaml: text)).flatMap { $0.flatMap { node(at: context.codingPath, in: $0)?.mark } }
        return .invalid(ManifestLocation(file: file, line: mark?.line, column: mark?.column), message)
    }

    /// The deepest node reached along `path`.
    static func node(at path: [CodingKey], in root: Node) -> Node? {
        var current = root
        for key in path {
            switch current {
            case .sequence(let sequence):
                guard let i = key.intValue, i >= 0, i < sequence.count else { return current }
                current = sequence[sequence.index(sequence.startIndex, offsetBy: i)]
            case .mapping(let mapping):
                guard let pair = mapping.first(where: { $0.key.string == key.stringValue }) else { return current }
                current = pair.value
            default:
                return current
            }
        }
        return current
    }

    /// `calculations[3].incar.ENCUT`.
    static func pathText(_ path: [CodingKey]) -> String {
        var out = ""
        for key in path {
            if let i = key.intValue {
                out += "[\(i)]"
            } else {
                out += (out.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return out
    }

    static func friendly(_ type: Any.Type) -> String {
        let name = String(describing: type)
        if name.contains("Mapping") || name.contains("Dictionary") { return "a mapping (key: value)" }
        if name.contains("Sequence") || name.contains("Array") { return "a list" }
        if name == "Int" { return "an integer" }
        if name == "Double" { return "a number" }
        if name == "Bool" { return "true or false" }
        if name == "String" || name.contains("Scalar") { return "a single value" }
        return name
    }
}

/// Any mapping key, for reading keys in file order and rejecting unknown ones.
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(_ string: String) {
        stringValue = string
        intValue = nil
    }
    init?(stringValue: String) { self.init(stringValue) }
    init?(intValue: Int) {
        stringValue = String(intValue)
        self.intValue = intValue
    }
}

extension Decoder {
    /// Where the value being decoded starts (file from `userInfo`, line and column from Yams' mark).
    var location: ManifestLocation {
        let file = userInfo[YAMLFile.fileKey] as? String ?? "YAML"
        return ManifestLocation(file: file, line: mark?.line, column: mark?.column)
    }

    /// Throws at the first key of this mapping not in `known`, naming the keys allowed.
    func rejectUnknownKeys(_ known: [String], in what: String) throws {
        let container: KeyedDecodingContainer<AnyKey>
        do {
            container = try self.container(keyedBy: AnyKey.self)
        } catch DecodingError.typeMismatch {
            throw invalid("expected a mapping for \(what) (key: value) with the keys: \(known.joined(separator: ", "))")
        }
        for key in container.allKeys where !known.contains(key.stringValue) {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: codingPath + [key],
                    debugDescription: "unknown key '\(key.stringValue)' in \(what); expected one of: \(known.joined(separator: ", "))"))
        }
    }

    /// A `DecodingError.dataCorrupted` at this value (or at `key` below it).
    func invalid(_ message: String, key: String? = nil) -> DecodingError {
        .dataCorrupted(DecodingError.Context(codingPath: codingPath + (key.map { [AnyKey($0)] } ?? []), debugDescription: message))
    }
}

/// A YAML value kept as text: null, a scalar, or a list of scalars (Yams gives any scalar as text).
enum RawYAMLValue: Decodable, Sendable, Hashable {
    case null
    case scalar(String)
    case list([String])

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let list = try? container.decode([String].self) {
            self = .list(list)
        } else {
            do {
                self = .scalar(try container.decode(String.self))
            } catch {
                throw decoder.invalid("expected a value, a list of values or null")
            }
        }
    }
}

/// INCAR tags in file order; a `nil` value removes the tag (YAML `null` or `~`).
///
/// Values are typed exactly as VASP reads INCAR text (see ``Incar``): `400` is an integer, `1e-5` a
/// real, `true`/`.TRUE.`/`T` logicals, `[5, 5, 0]` or `"2*5.0 3*0"` arrays, anything else text.
struct IncarSettings: Decodable, Sendable, Hashable {
    var entries: [(tag: String, value: Incar.Value?)]

    init(entries: [(tag: String, value: Incar.Value?)] = []) { self.entries = entries }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        entries = []
        for key in container.allKeys {
            let tag = key.stringValue.uppercased()
            guard IncarSettings.isTag(tag) else {
                throw decoder.invalid("'\(key.stringValue)' is not an INCAR tag name (letters, digits and '_')", key: key.stringValue)
            }
            let raw = try container.decode(RawYAMLValue.self, forKey: key)
            do {
                entries.append((tag, try IncarSettings.value(tag: tag, raw: raw)))
            } catch {
                throw decoder.invalid("cannot read the value of \(tag): \(error)", key: key.stringValue)
            }
        }
    }

    static func isTag(_ tag: String) -> Bool {
        guard let first = tag.first, first.isASCII, first.isLetter else { return false }
        return tag.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }

    /// The INCAR value of a YAML value (`nil` for null), typed by VASP's rules.
    static func value(tag: String, raw: RawYAMLValue) throws -> Incar.Value? {
        let text: String
        switch raw {
        case .null: return nil
        case .scalar(let s): text = s
        case .list(let items): text = items.joined(separator: " ")
        }
        if text.contains(where: { "#!;\"\n".contains($0) }) { return .string(text) }
        let parsed = try Incar.parse(text: "\(tag) = \(text)", file: "YAML")
        return parsed[tag] ?? .string(text)
    }

    /// These settings applied over `base`: existing tags keep their place, new ones are appended,
    /// `nil` removes.
    func applied(to base: IncarSettings) -> IncarSettings {
        var out = base.entries
        for (tag, value) in entries {
            if let i = out.firstIndex(where: { $0.tag == tag }) {
                out[i].value = value
            } else {
                out.append((tag, value))
            }
        }
        return IncarSettings(entries: out)
    }

    /// The INCAR of the non-nil entries, in order.
    var incar: Incar {
        Incar(entries: entries.compactMap { e in e.value.map { Incar.Entry(tag: e.tag, value: $0) } })
    }

    static func == (lhs: IncarSettings, rhs: IncarSettings) -> Bool {
        lhs.entries.count == rhs.entries.count && zip(lhs.entries, rhs.entries).allSatisfy { $0.tag == $1.tag && $0.value == $1.value }
    }

    func hash(into hasher: inout Hasher) {
        for e in entries {
            hasher.combine(e.tag)
            hasher.combine(e.value)
        }
    }
}

/// How the Brillouin zone is sampled, as written in YAML: exactly one of `gamma: [n1, n2, n3]`,
/// `monkhorst_pack: [n1, n2, n3]`, `length: Rk` (VASP's fully automatic rule, Å), `density: N`
/// (k-points per reciprocal atom, pymatgen's `Kpoints.automatic_density`) or `spacing: Δk` (Å⁻¹, 2π
/// included, VASP's KSPACING rule), and an optional `shift: [s1, s2, s3]` for the two explicit meshes.
/// `length`, `density` and `spacing` become a Γ-centred mesh once the structure is known
/// (``kpoints(for:)``), so the plan shows and KPOINTS holds the divisions.
struct KpointsSpec: Decodable, Sendable, Hashable {
    /// The rule.
    enum Rule: Sendable, Hashable {
        /// A mesh or list given as such.
        case fixed(Kpoints)
        /// VASP's `Auto` length Rk (Å).
        case length(Double)
        /// k-points per reciprocal atom.
        case density(Double)
        /// Largest spacing between k-points (Å⁻¹, 2π included).
        case spacing(Double)
    }

    var rule: Rule

    init(kpoints: Kpoints) { self.rule = .fixed(kpoints) }

    static let keys = ["gamma", "monkhorst_pack", "length", "density", "spacing", "shift"]

    init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(Self.keys, in: "kpoints")
        let c = try decoder.container(keyedBy: AnyKey.self)
        let gamma = try c.decodeIfPresent([Int].self, forKey: AnyKey("gamma"))
        let mp = try c.decodeIfPresent([Int].self, forKey: AnyKey("monkhorst_pack"))
        let length = try c.decodeIfPresent(Double.self, forKey: AnyKey("length"))
        let density = try c.decodeIfPresent(Double.self, forKey: AnyKey("density"))
        let spacing = try c.decodeIfPresent(Double.self, forKey: AnyKey("spacing"))
        let shiftGiven = try c.decodeIfPresent([Double].self, forKey: AnyKey("shift"))
        let shift = shiftGiven ?? [0, 0, 0]
        let given = [gamma != nil, mp != nil, length != nil, density != nil, spacing != nil].filter { $0 }.count
        guard given == 1 else {
            throw decoder.invalid(
                "expected exactly one of gamma: [n1, n2, n3], monkhorst_pack: [n1, n2, n3], length: Rk (Å), density: k-points per reciprocal atom, spacing: Δk (Å⁻¹); with shift: [s1, s2, s3] for gamma and monkhorst_pack"
            )
        }
        guard shift.count == 3 else { throw decoder.invalid("expected three numbers", key: "shift") }
        for (key, value) in [("length", length), ("density", density), ("spacing", spacing)] {
            guard let value else { continue }
            guard value > 0, value.isFinite else {
                throw decoder.invalid(
                    "expected a positive number (\(key == "length" ? "Å" : key == "density" ? "k-points per reciprocal atom" : "Å⁻¹"))", key: key)
            }
            guard shiftGiven == nil else { throw decoder.invalid("shift applies to gamma and monkhorst_pack meshes only", key: "shift") }
        }
        if let length {
            rule = .length(length)
            return
        }
        if let density {
            rule = .density(density)
            return
        }
        if let spacing {
            rule = .spacing(spacing)
            return
        }
        let divisions = gamma ?? mp ?? []
        let key = gamma != nil ? "gamma" : "monkhorst_pack"
        guard divisions.count == 3, divisions.allSatisfy({ $0 >= 1 }) else {
            throw decoder.invalid("expected three positive integers", key: key)
        }
        let centering: Kpoints.Centering = gamma != nil ? .gamma : .monkhorstPack
        let mesh = Kpoints.Mesh(
            centering: centering, divisions: SIMD3(divisions[0], divisions[1], divisions[2]),
            shift: SIMD3(shift[0], shift[1], shift[2]))
        let label = gamma != nil ? "Gamma-centred" : "Monkhorst-Pack"
        rule = .fixed(Kpoints(comment: "\(label) \(divisions.map(String.init).joined(separator: "x")) mesh", mode: .mesh(mesh)))
    }

    /// The KPOINTS for `structure`: the fixed mesh, or the Γ-centred mesh of the rule on its cell.
    func kpoints(for structure: Structure) -> Kpoints {
        let divisions: SIMD3<Int>
        let origin: String
        switch rule {
        case .fixed(let k): return k
        case .length(let rk):
            divisions = KpointDensity.length(rk, lattice: structure.lattice)
            origin = "length Rk = \(PlanText.number(rk)) A (VASP's Auto rule)"
        case .density(let n):
            divisions = KpointDensity.perReciprocalAtom(n, lattice: structure.lattice, atoms: structure.count)
            origin = "density \(PlanText.number(n)) k-points per reciprocal atom (pymatgen automatic_density)"
        case .spacing(let dk):
            divisions = KpointDensity.spacing(dk, lattice: structure.lattice)
            origin = "spacing \(PlanText.number(dk)) 1/A (VASP's KSPACING rule)"
        }
        return Kpoints(comment: Self.comment(divisions, origin), mode: .mesh(Kpoints.Mesh(centering: .gamma, divisions: divisions)))
    }

    /// `Gamma-centred 4x4x1 mesh from spacing 0.25 1/A (VASP's KSPACING rule)`: KPOINTS' first line, ASCII.
    static func comment(_ divisions: SIMD3<Int>, _ origin: String) -> String {
        let text = [divisions.x, divisions.y, divisions.z].map(String.init).joined(separator: "x")
        return "Gamma-centred \(text) mesh from \(origin)"
    }
}

/// Job-script settings: values for the template's `{{placeholders}}` (`nodes`, `time`, …), module
/// lines, extra `#SBATCH` options, the template path.
struct JobSettings: Decodable, Sendable, Hashable {
    /// Placeholder values in file order (later entries replace earlier ones with the same key).
    var values: [(key: String, value: String)]
    /// Lines run before VASP, e.g. `module load vasp/6.4.2`; `nil` = inherited.
    var modules: [String]?
    /// Extra `#SBATCH` options, e.g. `--mem=0`; `nil` = inherited.
    var sbatch: [String]?
    /// The template file (resolved against the file that names it); `nil` = inherited.
    var template: String?

    init(values: [(key: String, value: String)] = [], modules: [String]? = nil, sbatch: [String]? = nil, template: String? = nil) {
        self.values = values
        self.modules = modules
        self.sbatch = sbatch
        self.template = template
    }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        values = []
        for key in c.allKeys {
            switch key.stringValue {
            case "modules": modules = try c.decode([String].self, forKey: key)
            case "sbatch": sbatch = try c.decode([String].self, forKey: key)
            case "template": template = try c.decode(String.self, forKey: key)
            default:
                guard JobSettings.isPlaceholderName(key.stringValue) else {
                    throw decoder.invalid("'\(key.stringValue)' is not a placeholder name (letters, digits and '_')", key: key.stringValue)
                }
                let raw = try c.decode(RawYAMLValue.self, forKey: key)
                switch raw {
                case .scalar(let s): values.append((key.stringValue, s))
                case .null: values.append((key.stringValue, ""))
                case .list: throw decoder.invalid("expected a single value", key: key.stringValue)
                }
            }
        }
    }

    static func isPlaceholderName(_ name: String) -> Bool {
        guard let first = name.first, first.isASCII, first.isLetter else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }

    /// The value of `key`, the last one given.
    subscript(key: String) -> String? { values.last(where: { $0.key == key })?.value }

    /// These settings over `base`.
    func applied(to base: JobSettings) -> JobSettings {
        var merged = base.values
        for (key, value) in values {
            if let i = merged.firstIndex(where: { $0.key == key }) {
                merged[i].value = value
            } else {
                merged.append((key, value))
            }
        }
        return JobSettings(values: merged, modules: modules ?? base.modules, sbatch: sbatch ?? base.sbatch, template: template ?? base.template)
    }

    static func == (lhs: JobSettings, rhs: JobSettings) -> Bool {
        lhs.values.count == rhs.values.count && zip(lhs.values, rhs.values).allSatisfy { $0.key == $1.key && $0.value == $1.value }
            && lhs.modules == rhs.modules && lhs.sbatch == rhs.sbatch && lhs.template == rhs.template
    }

    func hash(into hasher: inout Hasher) {
        for v in values {
            hasher.combine(v.key)
            hasher.combine(v.value)
        }
        hasher.combine(modules)
        hasher.combine(sbatch)
        hasher.combine(template)
    }
}
