import Files

/// The index of a study's structures (`structures/structures.yaml`): per structure file, its
/// charge, spin multiplicity, fixed atoms and initial moments, so that manifests need not repeat them.
///
/// The file is a YAML list of entries (or a mapping holding that list under `structures:`), each with
/// `name`, `file` (relative to the index's folder), `charge` (|e|), `multiplicity` (2S + 1), optional
/// `fixed` (0-based atom indices), `magmom` (element → μB), `spin` (`fixed`/`free`), `broken` and
/// `formed` (declared bond changes, 0-based atom pairs), `kind` (`molecule`/`slab`/`bulk`), `incar` and
/// `kpoints` (the system's settings, below the manifest's system entry) and `description`. Other keys are ignored
/// (the index belongs to whoever builds the structures and may record more, e.g. how each was made).
public struct StructureIndex: Sendable, Hashable {
    /// One structure of the index.
    public struct Entry: Sendable, Hashable, Decodable {
        /// The structure's name.
        public var name: String
        /// The file, relative to the index's folder.
        public var file: String
        /// Net charge (|e|).
        public var charge: Int?
        /// Spin multiplicity 2S + 1.
        public var multiplicity: Int?
        /// 0-based indices of fixed atoms.
        public var fixed: [Int]?
        /// Initial moments (μB) per element.
        public var magmom: [String: Double]?
        /// `spin: fixed | free`, over the input set's rule.
        public var spin: InputSet.SpinRule?
        /// The bond changes the state declares (`broken:`, `formed:`).
        public var bondChanges: BondChanges?
        /// `molecule`, `slab` or `bulk`; the manifest's system may state its own.
        public var kind: SystemKind?
        /// INCAR tags of the structure (below the manifest system's `incar`).
        var incar: IncarSettings?
        /// k-points of the structure (used when the manifest's system gives none).
        var kpoints: KpointsSpec?
        /// Free text.
        public var description: String?
        /// Where the entry starts in the index file.
        public var location: ManifestLocation

        /// Reads one index entry; keys Cascade does not use are ignored, an unknown `kind` is an error.
        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: AnyKey.self)
            location = decoder.location
            name = try c.decode(String.self, forKey: AnyKey("name"))
            file = try c.decode(String.self, forKey: AnyKey("file"))
            charge = try c.decodeIfPresent(Int.self, forKey: AnyKey("charge"))
            multiplicity = try c.decodeIfPresent(Int.self, forKey: AnyKey("multiplicity"))
            fixed = try c.decodeIfPresent(AtomList.self, forKey: AnyKey("fixed"))?.indices
            magmom = try c.decodeIfPresent([String: Double].self, forKey: AnyKey("magmom"))
            spin = try InputSet.SpinRule.decode(c, decoder: decoder)
            bondChanges = try BondChanges.decode(c, decoder: decoder)
            if let text = try c.decodeIfPresent(String.self, forKey: AnyKey("kind")) {
                guard let k = SystemKind(rawValue: text) else {
                    throw decoder.invalid("expected kind: \(SystemKind.allCases.map(\.rawValue).joined(separator: ", ")), found '\(text)'", key: "kind")
                }
                kind = k
            }
            incar = try c.decodeIfPresent(IncarSettings.self, forKey: AnyKey("incar"))
            kpoints = try c.decodeIfPresent(KpointsSpec.self, forKey: AnyKey("kpoints"))
            description = try c.decodeIfPresent(String.self, forKey: AnyKey("description"))
        }
    }

    /// The index file.
    public var file: String
    /// The entries in file order.
    public var entries: [Entry]

    /// Reads an index.
    /// - Throws: ``StudyError`` naming the file, line and column.
    public static func load(path: String) throws -> StructureIndex {
        let document = try YAMLFile.load(IndexDocument.self, path: path)
        return StructureIndex(file: path, entries: document.entries)
    }

    /// Parses index text; `file` is used in messages.
    public static func parse(text: String, file: String) throws -> StructureIndex {
        let document = try YAMLFile.decode(IndexDocument.self, text: text, file: file)
        return StructureIndex(file: file, entries: document.entries)
    }

    /// The entry named `name`.
    public func entry(named name: String) -> Entry? { entries.first { $0.name == name } }

    /// The entry of a manifest's system: the one it names by `index`, else the one with the same file
    /// (resolved against `structuresFolder`), else the one with its name; an error when a named entry is missing.
    public func entry(for system: SystemEntry, structuresFolder: String) -> (entry: Entry?, error: String?) {
        if let name = system.indexEntry {
            guard let found = entry(named: name) else { return (nil, "no entry '\(name)' in \(file)") }
            return (found, nil)
        }
        let indexFolder = PathText.folder(of: file)
        let wanted = PathText.resolve(system.file, against: structuresFolder)
        if let found = entries.first(where: { PathText.resolve($0.file, against: indexFolder) == wanted }) {
            return (found, nil)
        }
        return (entry(named: system.name), nil)
    }

    /// The entry whose file is `file` (compared after normalising `./` and `a/../`).
    public func entry(file: String) -> Entry? {
        let wanted = PathText.normalize(file)
        return entries.first { PathText.normalize($0.file) == wanted }
    }
}

/// The index file's top level: a list, or a mapping with the list under `structures` (or `entries`).
private struct IndexDocument: Decodable {
    var entries: [StructureIndex.Entry]

    init(from decoder: Decoder) throws {
        if (try? decoder.unkeyedContainer()) != nil {
            entries = try decoder.singleValueContainer().decode([StructureIndex.Entry].self)
            return
        }
        let c = try decoder.container(keyedBy: AnyKey.self)
        for key in ["structures", "entries"] where c.contains(AnyKey(key)) {
            entries = try c.decode([StructureIndex.Entry].self, forKey: AnyKey(key))
            return
        }
        throw decoder.invalid("expected a list of structure entries, or a mapping with the list under 'structures'")
    }
}
