import Analysis
import Files
import VASP

/// A study manifest: the systems of a study, the calculations to run on them and the quantities to
/// tabulate from them. Decoded from YAML with Yams; the reference of every key is
/// `docs/study-manifest.md`, the founding example `templates/studies/tfsi-mof-copc.yaml`.
///
/// Paths in the manifest (`structures`, `index`, `input_sets`, `job.template`) are relative to the
/// manifest's folder; structure files are relative to `structures`. Calculation entries with
/// `systems: [a, b, …]` are expanded here, one calculation per system, `{system}` in `name` and
/// `from` replaced by the system's name.
public struct StudyManifest: Sendable {
    /// The manifest file as the user named it.
    public var file: String
    /// The study's short name (`study:`), used in job names and INCAR `SYSTEM`.
    public var study: String
    /// A one-line title.
    public var title: String?
    /// The folder holding the structure files (resolved).
    public var structuresFolder: String
    /// The structure index (`index:`, resolved against `structuresFolder`), or `nil`.
    public var indexFile: String?
    /// The folder holding the input sets `<name>.yaml` (resolved).
    public var inputSetsFolder: String
    /// POTCAR labels per element for every calculation (over the input sets' choice).
    public var potcars: [String: String]
    /// Job-script settings for every calculation.
    var job: JobSettings
    /// The systems, in file order.
    public var systems: [SystemEntry]
    /// The calculations, expanded, in file order.
    public var calculations: [CalculationEntry]
    /// What to tabulate once the calculations have run.
    public var quantities: Quantities

    /// The job-script template path (resolved), `nil` for Cascade's default template.
    public var jobTemplate: String? { job.template }

    /// Reads a manifest.
    /// - Throws: ``StudyError/cannotRead(file:reason:)`` or ``StudyError/invalid(_:_:)`` with file, line and column.
    public static func load(path: String) throws -> StudyManifest {
        var manifest = try YAMLFile.load(StudyManifest.self, path: path)
        manifest.resolvePaths(manifestFile: path)
        return manifest
    }

    /// Parses manifest text; `file` names it in messages and anchors its relative paths.
    public static func parse(text: String, file: String) throws -> StudyManifest {
        var manifest = try YAMLFile.decode(StudyManifest.self, text: text, file: file)
        manifest.resolvePaths(manifestFile: file)
        return manifest
    }

    /// The system named `name`.
    public func system(named name: String) -> SystemEntry? { systems.first { $0.name == name } }

    /// The calculation named `name`.
    public func calculation(named name: String) -> CalculationEntry? { calculations.first { $0.name == name } }

    mutating func resolvePaths(manifestFile: String) {
        file = manifestFile
        let folder = PathText.folder(of: manifestFile)
        structuresFolder = PathText.resolve(structuresFolder, against: folder)
        indexFile = indexFile.map { PathText.resolve($0, against: structuresFolder) }
        inputSetsFolder = PathText.resolve(inputSetsFolder, against: folder)
        job.template = job.template.map { PathText.resolve($0, against: folder) }
    }
}

extension StudyManifest: Decodable {
    static let keys = ["study", "title", "description", "structures", "index", "input_sets", "potcars", "job", "systems", "calculations", "quantities"]

    /// Reads the manifest's keys (an unknown key is an error); names must be unique and every system or calculation referred to must exist.
    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(Self.keys, in: "the study manifest")
        let c = try decoder.container(keyedBy: AnyKey.self)
        file = decoder.location.file
        study = try c.decode(String.self, forKey: AnyKey("study"))
        guard Self.isName(study) else { throw decoder.invalid("expected a short name (letters, digits, '-', '_', '.')", key: "study") }
        title = try c.decodeIfPresent(String.self, forKey: AnyKey("title"))
        structuresFolder = try c.decodeIfPresent(String.self, forKey: AnyKey("structures")) ?? "structures"
        indexFile = try c.decodeIfPresent(String.self, forKey: AnyKey("index"))
        inputSetsFolder = try c.decodeIfPresent(String.self, forKey: AnyKey("input_sets")) ?? "."
        potcars = try c.decodeIfPresent([String: String].self, forKey: AnyKey("potcars")) ?? [:]
        job = try c.decodeIfPresent(JobSettings.self, forKey: AnyKey("job")) ?? JobSettings()
        systems = try c.decode([SystemEntry].self, forKey: AnyKey("systems"))
        let templates = try c.decodeIfPresent([CalculationTemplate].self, forKey: AnyKey("calculations")) ?? []
        calculations = templates.flatMap { $0.expanded() }
        quantities = try c.decodeIfPresent(Quantities.self, forKey: AnyKey("quantities")) ?? Quantities()
        try checkUnique(decoder: decoder, templates: templates)
    }

    /// Names are unique; every system and calculation named by another entry exists.
    private func checkUnique(decoder: Decoder, templates: [CalculationTemplate]) throws {
        var seen: [String: ManifestLocation] = [:]
        for s in systems {
            if let first = seen[s.name] {
                throw StudyError.invalid(s.location, "system '\(s.name)' is defined twice (first at \(first))")
            }
            seen[s.name] = s.location
        }
        var names: [String: ManifestLocation] = [:]
        for calc in calculations {
            if let first = names[calc.name] {
                throw StudyError.invalid(calc.location, "calculation '\(calc.name)' is defined twice (first at \(first))")
            }
            names[calc.name] = calc.location
        }
        for calc in calculations {
            if let system = calc.system, seen[system] == nil {
                throw StudyError.invalid(
                    calc.location,
                    "calculation '\(calc.name)' names system '\(system)', which is not among the systems: \(systems.map(\.name).joined(separator: ", "))")
            }
            let referenced = calc.dependencies
            for other in referenced where names[other] == nil {
                throw StudyError.invalid(calc.location, "calculation '\(calc.name)' refers to calculation '\(other)', which is not defined")
            }
        }
        for (what, location, refs) in quantities.references {
            for ref in refs where names[ref] == nil {
                throw StudyError.invalid(location, "\(what) refers to calculation '\(ref)', which is not defined")
            }
        }
    }

    /// Letters, digits, `-`, `_`, `.`, `@`, `+`: safe in folder and job names.
    static func isName(_ name: String) -> Bool {
        !name.isEmpty && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.@+".contains($0)) }
    }
}

/// What a system is: an isolated molecule or cluster in a vacuum box, a slab (periodic in a plane,
/// vacuum along its normal) or a bulk solid. The kind decides the vacuum check, what `--vacuum` may
/// re-box, the dipole correction and the k-points (docs/input-sets.md, "Kinds"); it is checked against
/// the geometry (``Periodicity``), and a mismatch is an error that names the fix.
public enum SystemKind: String, Sendable, Hashable, Decodable, CaseIterable {
    /// A molecule or cluster in a box (the default): vacuum ≥ 10 Å checked along a, b and c, `--vacuum`
    /// re-boxes it, Γ-only k-points (`vasp_gam`), a net charge gets the set's `charged_molecule` tags.
    case molecule
    /// Periodic in a plane, vacuum along the normal: IDIPOL/LDIPOL along the normal with DIPOL at the
    /// centre of mass, one k-point division along the normal, `--vacuum` changes the normal only.
    case slab
    /// Periodic in three directions: nothing derived, never re-boxed.
    case bulk
}

/// One system: a structure file and its charge, spin multiplicity and fixed atoms.
///
/// `charge`, `multiplicity`, `fixed` and `magmom` may be stated here or taken from the structure
/// index (`index:` of the manifest): from the entry named by `index`, else the entry whose `file`
/// equals this system's `file`, else the entry with this system's name. A value stated here wins.
public struct SystemEntry: Sendable, Hashable, Decodable {
    /// The system's name, used by calculations.
    public var name: String
    /// The structure file (POSCAR), relative to the manifest's `structures` folder.
    public var file: String
    /// The index entry to read; `nil` = found by file, then by name.
    public var indexEntry: String?
    /// Net charge in |e| (positive = electrons removed), e.g. −1 for TFSI⁻.
    public var charge: Int?
    /// Spin multiplicity 2S + 1.
    public var multiplicity: Int?
    /// 0-based indices (file order) of atoms fixed in all three directions.
    public var fixed: [Int]?
    /// Initial magnetic moments (μB) per element, over the input set's.
    public var magmom: [String: Double]?
    /// Molecule in a box (the default when `kind` is absent), slab or bulk.
    public var kind: SystemKind
    /// Whether `kind:` was written (messages say "the default" otherwise).
    public var kindDeclared: Bool
    /// `fixed` (NUPDOWN = 2S) or `free` (no NUPDOWN; MAGMOM is the start and the final moment is
    /// reported) over the input set's rule; `nil` = the set's.
    public var spin: InputSet.SpinRule?
    /// INCAR tags of this system over the input set's (e.g. a molecule's ISMEAR), below a calculation's `incar`.
    var incar: IncarSettings?
    /// KPOINTS of this system over the input set's (e.g. Γ for a molecule), below a calculation's `kpoints`.
    var kpoints: KpointsSpec?
    /// Bond changes this state claims relative to the pathway's initial state, as 0-based atom pairs in
    /// the file's order (`broken: [[3, 7]]`, `formed: [[0, 12]]`). `cascade tabulate` marks a relaxed
    /// state that contradicts them `collapsed`.
    public var bondChanges: BondChanges?
    /// Free text.
    public var description: String?
    /// Where the entry starts in the manifest.
    public var location: ManifestLocation

    static let keys = [
        "name", "file", "index", "charge", "multiplicity", "fixed", "magmom", "kind", "spin", "broken", "formed", "incar", "kpoints", "description"
    ]

    /// Reads one `systems:` entry; an unknown key, a bad name, a multiplicity below 1 or an unknown `kind` is an error naming the key.
    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(Self.keys, in: "a system")
        let c = try decoder.container(keyedBy: AnyKey.self)
        location = decoder.location
        name = try c.decode(String.self, forKey: AnyKey("name"))
        guard StudyManifest.isName(name) else {
            throw decoder.invalid("expected a system name of letters, digits, '-', '_', '.', '@', '+'", key: "name")
        }
        file = try c.decode(String.self, forKey: AnyKey("file"))
        indexEntry = try c.decodeIfPresent(String.self, forKey: AnyKey("index"))
        charge = try c.decodeIfPresent(Int.self, forKey: AnyKey("charge"))
        multiplicity = try c.decodeIfPresent(Int.self, forKey: AnyKey("multiplicity"))
        if let m = multiplicity, m < 1 { throw decoder.invalid("expected a multiplicity 2S + 1 ≥ 1", key: "multiplicity") }
        fixed = try c.decodeIfPresent(AtomList.self, forKey: AnyKey("fixed"))?.indices
        magmom = try c.decodeIfPresent([String: Double].self, forKey: AnyKey("magmom"))
        let kindText = try c.decodeIfPresent(String.self, forKey: AnyKey("kind"))
        kindDeclared = kindText != nil
        guard let kind = SystemKind(rawValue: kindText ?? SystemKind.molecule.rawValue) else {
            throw decoder.invalid("expected kind: \(SystemKind.allCases.map(\.rawValue).joined(separator: ", ")), found '\(kindText ?? "")'", key: "kind")
        }
        self.kind = kind
        incar = try c.decodeIfPresent(IncarSettings.self, forKey: AnyKey("incar"))
        kpoints = try c.decodeIfPresent(KpointsSpec.self, forKey: AnyKey("kpoints"))
        spin = try InputSet.SpinRule.decode(c, decoder: decoder)
        bondChanges = try BondChanges.decode(c, decoder: decoder)
        description = try c.decodeIfPresent(String.self, forKey: AnyKey("description"))
    }
}

/// The bond changes a state declares relative to the initial state of its pathway (cumulative: the
/// third state lists the bonds broken in the first two as well).
public struct BondChanges: Sendable, Hashable {
    /// Atom pairs (0-based, file order) bonded in the initial state and broken here.
    public var broken: [[Int]]
    /// Atom pairs not bonded in the initial state and bonded here.
    public var formed: [[Int]]

    /// Bond changes from 0-based atom pairs (file order).
    public init(broken: [[Int]], formed: [[Int]]) {
        self.broken = broken
        self.formed = formed
    }

    /// `broken:` and `formed:` of a system or index entry; `nil` when neither is given.
    static func decode(_ c: KeyedDecodingContainer<AnyKey>, decoder: Decoder) throws -> BondChanges? {
        let broken = try c.decodeIfPresent([[Int]].self, forKey: AnyKey("broken"))
        let formed = try c.decodeIfPresent([[Int]].self, forKey: AnyKey("formed"))
        guard broken != nil || formed != nil else { return nil }
        for (key, pairs) in [("broken", broken ?? []), ("formed", formed ?? [])] {
            guard pairs.allSatisfy({ $0.count == 2 && $0[0] >= 0 && $0[1] >= 0 && $0[0] != $0[1] }) else {
                throw decoder.invalid("expected pairs of two different 0-based atom indices, e.g. [[3, 7]]", key: key)
            }
        }
        return BondChanges(broken: broken ?? [], formed: formed ?? [])
    }
}

extension InputSet.SpinRule {
    /// `spin: fixed | free` (`multiplicity` is accepted for `fixed`); `nil` when absent.
    static func decode(_ c: KeyedDecodingContainer<AnyKey>, decoder: Decoder) throws -> InputSet.SpinRule? {
        guard let text = try c.decodeIfPresent(String.self, forKey: AnyKey("spin")) else { return nil }
        switch text {
        case "fixed", "multiplicity": return .multiplicity
        case "free": return .free
        default: throw decoder.invalid("expected spin: fixed (NUPDOWN = 2S from the multiplicity) or free (no NUPDOWN), found '\(text)'", key: "spin")
        }
    }
}

/// How NEB images are made between two end points.
public enum InterpolationMethod: String, Sendable, Hashable, Decodable {
    /// Straight lines, displacements wrapped to the minimum image (VTST nebmake).
    case linear
    /// Image-dependent pair potential (Smidstrup et al. 2014), fixed atoms obeyed.
    case idpp
}

/// The end points and images of an NEB calculation.
public struct NEBEntry: Sendable, Hashable {
    /// The calculation whose system (and, at run time, relaxed CONTCAR) is the initial state.
    public var initial: String
    /// The calculation whose system is the final state.
    public var final: String
    /// Intermediate images (`nil` = the input set's).
    public var images: Int?
    /// Interpolation (`nil` = the input set's).
    public var interpolation: InterpolationMethod?
}

/// One calculation: a system (or two NEB end points) × an input set × overrides.
public struct CalculationEntry: Sendable, Hashable {
    /// The folder, relative to the output folder (e.g. `relax/tfsi`).
    public var name: String
    /// The input set's name (a `<set>.yaml` in the input-set folder).
    public var set: String
    /// The system; `nil` for NEB (the system of the `initial` calculation is used).
    public var system: String?
    /// A calculation whose relaxed CONTCAR this one starts from at run time (and which it waits for).
    public var from: String?
    /// Further calculations that must finish first.
    public var after: [String]
    /// INCAR overrides over the input set.
    var incar: IncarSettings
    /// Initial moments per element, over the system's and the set's.
    public var magmom: [String: Double]?
    /// KPOINTS over the input set's.
    var kpoints: KpointsSpec?
    /// POTCAR labels per element, over the manifest's and the set's.
    public var potcars: [String: String]
    /// Job-script settings over the set's and the manifest's.
    var job: JobSettings
    /// NEB end points and images, for NEB calculations.
    public var neb: NEBEntry?
    /// For a frozen fragment: the calculation whose relaxed structure it is cut from, and which atoms.
    public var fragmentOf: FragmentCut?
    /// Where the entry starts in the manifest.
    public var location: ManifestLocation

    /// Every calculation this one waits for: `from`, `fragment_of`, `after`, and the NEB end points.
    public var dependencies: [String] {
        var out: [String] = []
        let direct = [from, fragmentOf?.source].compactMap { $0 }
        for d in direct + after + [neb?.initial, neb?.final].compactMap({ $0 }) where !out.contains(d) {
            out.append(d)
        }
        return out
    }
}

/// A frozen fragment: a single point on atoms cut from another calculation's relaxed structure, in that
/// calculation's cell and at its positions (`fragment_of:` + `fragment:`). The parts of a density
/// difference Δρ = ρ(AB) − ρ(A) − ρ(B) are such fragments of AB; relaxed on their own, they would sit
/// elsewhere and Δρ would show whole atoms.
public struct FragmentCut: Sendable, Hashable {
    /// The calculation whose CONTCAR the atoms are cut from (at run time; its starting structure at generation).
    public var source: String
    /// Which atoms: explicit indices, the molecules containing some elements, or every other atom.
    public var selection: FragmentSelection
}

/// The atoms of a frozen fragment, chosen on the source structure.
public enum FragmentSelection: Sendable, Hashable {
    /// 0-based indices in the source's atom order.
    case atoms([Int])
    /// Every molecule (``Chemistry/Structure/molecules(scale:)``) holding one of the elements.
    case contains([String])
    /// Every atom not in such a molecule.
    case excluding([String])

    /// `atoms 0-4`, `molecules with Co`, `all but the molecules with Co`.
    public var description: String {
        switch self {
        case .atoms(let a): return "atoms \(a.map(String.init).joined(separator: ","))"
        case .contains(let e): return "the molecules with \(e.joined(separator: ", "))"
        case .excluding(let e): return "all but the molecules with \(e.joined(separator: ", "))"
        }
    }
}

extension FragmentSelection: Decodable {
    /// Reads exactly one non-empty `atoms:`, `contains:` or `excluding:`.
    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(["atoms", "contains", "excluding"], in: "a fragment (atoms, contains or excluding)")
        let c = try decoder.container(keyedBy: AnyKey.self)
        let atoms = try c.decodeIfPresent(AtomList.self, forKey: AnyKey("atoms"))?.indices
        let contains = try c.decodeIfPresent([String].self, forKey: AnyKey("contains"))
        let excluding = try c.decodeIfPresent([String].self, forKey: AnyKey("excluding"))
        switch (atoms, contains, excluding) {
        case (let a?, nil, nil) where !a.isEmpty: self = .atoms(a)
        case (nil, let e?, nil) where !e.isEmpty: self = .contains(e)
        case (nil, nil, let e?) where !e.isEmpty: self = .excluding(e)
        default: throw decoder.invalid("expected exactly one of 'atoms: [0-104]', 'contains: [Co]' or 'excluding: [Co]'")
        }
    }
}

/// A calculation entry as written: possibly for several systems at once.
struct CalculationTemplate: Decodable {
    var name: String
    var set: String
    var systems: [String]
    var from: String?
    var after: [String]
    var incar: IncarSettings
    var magmom: [String: Double]?
    var kpoints: KpointsSpec?
    var potcars: [String: String]
    var job: JobSettings
    var neb: NEBEntry?
    var fragmentOf: FragmentCut?
    var location: ManifestLocation

    static let keys = [
        "name", "set", "system", "systems", "from", "after", "incar", "magmom", "kpoints", "potcars", "job",
        "initial", "final", "images", "interpolation", "fragment_of", "fragment"
    ]

    init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(Self.keys, in: "a calculation")
        let c = try decoder.container(keyedBy: AnyKey.self)
        location = decoder.location
        name = try c.decode(String.self, forKey: AnyKey("name"))
        set = try c.decode(String.self, forKey: AnyKey("set"))
        let one = try c.decodeIfPresent(String.self, forKey: AnyKey("system"))
        let many = try c.decodeIfPresent([String].self, forKey: AnyKey("systems"))
        from = try c.decodeIfPresent(String.self, forKey: AnyKey("from"))
        after = try c.decodeIfPresent([String].self, forKey: AnyKey("after")) ?? []
        incar = try c.decodeIfPresent(IncarSettings.self, forKey: AnyKey("incar")) ?? IncarSettings()
        magmom = try c.decodeIfPresent([String: Double].self, forKey: AnyKey("magmom"))
        kpoints = try c.decodeIfPresent(KpointsSpec.self, forKey: AnyKey("kpoints"))
        potcars = try c.decodeIfPresent([String: String].self, forKey: AnyKey("potcars")) ?? [:]
        job = try c.decodeIfPresent(JobSettings.self, forKey: AnyKey("job")) ?? JobSettings()
        let initial = try c.decodeIfPresent(String.self, forKey: AnyKey("initial"))
        let final = try c.decodeIfPresent(String.self, forKey: AnyKey("final"))
        let images = try c.decodeIfPresent(Int.self, forKey: AnyKey("images"))
        let method = try c.decodeIfPresent(InterpolationMethod.self, forKey: AnyKey("interpolation"))
        if let images, images < 1 { throw decoder.invalid("expected at least 1 intermediate image", key: "images") }
        let fragmentSource = try c.decodeIfPresent(String.self, forKey: AnyKey("fragment_of"))
        let selection = try c.decodeIfPresent(FragmentSelection.self, forKey: AnyKey("fragment"))
        switch (fragmentSource, selection) {
        case (let source?, let chosen?):
            guard from == nil else { throw decoder.invalid("a frozen fragment takes its geometry from 'fragment_of'; remove 'from'") }
            fragmentOf = FragmentCut(source: source, selection: chosen)
        case (nil, nil): fragmentOf = nil
        default: throw decoder.invalid("a frozen fragment needs both 'fragment_of: CALCULATION' and 'fragment: {contains: [..]}' (or atoms/excluding)")
        }
        switch (initial, final) {
        case (let i?, let f?):
            guard one == nil, many == nil else {
                throw decoder.invalid("an NEB calculation takes its system from 'initial'; remove 'system'/'systems'")
            }
            guard fragmentOf == nil else { throw decoder.invalid("an NEB calculation cannot be a frozen fragment") }
            neb = NEBEntry(initial: i, final: f, images: images, interpolation: method)
            systems = []
        case (nil, nil):
            guard images == nil, method == nil else {
                throw decoder.invalid("'images' and 'interpolation' need 'initial' and 'final' (an NEB calculation)")
            }
            switch (one, many) {
            case (let s?, nil): systems = [s]
            case (nil, let list?) where !list.isEmpty: systems = list
            default: throw decoder.invalid("expected exactly one of 'system: NAME' or 'systems: [NAME, …]' (or 'initial'/'final' for NEB)")
            }
            neb = nil
        default:
            throw decoder.invalid("an NEB calculation needs both 'initial' and 'final'")
        }
        if systems.count > 1, !name.contains("{system}") {
            throw decoder.invalid("with several systems the name must contain {system}, e.g. 'relax/{system}'", key: "name")
        }
        for expanded in expandedNames() where !CalculationTemplate.isFolderName(expanded) {
            throw decoder.invalid(
                "'\(expanded)' is not a usable folder name: use letters, digits, '-', '_', '.', '@', '+' separated by '/', never '..' or a leading '/'",
                key: "name")
        }
    }

    func expandedNames() -> [String] {
        systems.isEmpty ? [name] : systems.map { name.replacingSystem(with: $0) }
    }

    /// Names that stay inside the output folder: relative, no `.`/`..`/empty components, safe characters.
    static func isFolderName(_ name: String) -> Bool {
        guard !name.hasPrefix("/") else { return false }
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        return !parts.isEmpty
            && parts.allSatisfy { part in
                part != "." && part != ".." && StudyManifest.isName(String(part))
            }
    }

    func expanded() -> [CalculationEntry] {
        let entry = { (name: String, system: String?, from: String?, fragment: FragmentCut?) in
            CalculationEntry(
                name: name, set: set, system: system, from: from, after: after, incar: incar, magmom: magmom,
                kpoints: kpoints, potcars: potcars, job: job, neb: neb, fragmentOf: fragment, location: location)
        }
        if systems.isEmpty { return [entry(name, nil, from, fragmentOf)] }
        return systems.map { s in
            let fragment = fragmentOf.map { FragmentCut(source: $0.source.replacingSystem(with: s), selection: $0.selection) }
            return entry(name.replacingSystem(with: s), s, from?.replacingSystem(with: s), fragment)
        }
    }
}

extension String {
    /// `{system}` replaced by `system`.
    func replacingSystem(with system: String) -> String {
        var out = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: "{system}") {
            out += rest[..<range.lowerBound] + system
            rest = rest[range.upperBound...]
        }
        return out + rest
    }
}

/// 0-based atom indices written as a list of integers and/or ranges, or one text of ranges:
/// `[0, 1, 5-9]` or `"0-4, 7"`.
struct AtomList: Decodable, Sendable, Hashable {
    var indices: [Int]

    init(indices: [Int]) { self.indices = indices }

    init(from decoder: Decoder) throws {
        let raw = try RawYAMLValue(from: decoder)
        let items: [String]
        switch raw {
        case .null: items = []
        case .scalar(let s): items = s.split(separator: ",").map(String.init)
        case .list(let l): items = l
        }
        var out: [Int] = []
        for item in items {
            let text = item.filter { $0 != " " }
            if text.isEmpty { continue }
            guard let range = AtomList.range(text) else {
                throw decoder.invalid("expected atom indices (0-based integers or ranges such as 3-7), found '\(item)'")
            }
            out += range
        }
        indices = out
    }

    /// `7` → [7]; `3-5` → [3, 4, 5].
    static func range(_ text: String) -> [Int]? {
        if let i = Int(text), i >= 0 { return [i] }
        let ends = text.split(separator: "-", omittingEmptySubsequences: false)
        guard ends.count == 2, let a = Int(ends[0]), let b = Int(ends[1]), a >= 0, b >= a, b - a < 1_000_000 else { return nil }
        return Array(a...b)
    }
}

// MARK: - Quantities

/// What to tabulate once the calculations have run (read by `cascade tabulate`).
public struct Quantities: Sendable, Hashable, Decodable {
    /// Reaction, adsorption and binding energies.
    public var energies: [EnergyDefinition]
    /// Reaction pathways made of NEB steps.
    public var pathways: [PathwayDefinition]
    /// Bonds whose lengths are tracked.
    public var bonds: [BondDefinition]
    /// Bader charge fragments.
    public var fragments: [FragmentDefinition]
    /// Band edges and band centres of static runs (seed Fig. 2a/2b).
    public var electronic: [ElectronicDefinition]
    /// Differential charge densities Δρ = ρ(complex) − Σ ρ(parts) from CHGCARs (seed Fig. 2c).
    public var densityDifferences: [DensityDifferenceDefinition]

    /// No quantities.
    public init() {
        energies = []
        pathways = []
        bonds = []
        fragments = []
        electronic = []
        densityDifferences = []
    }

    /// Reads `quantities:`; every list is optional (absent = empty).
    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(["energies", "pathways", "bonds", "fragments", "electronic", "density_differences"], in: "quantities")
        let c = try decoder.container(keyedBy: AnyKey.self)
        energies = try c.decodeIfPresent([EnergyDefinition].self, forKey: AnyKey("energies")) ?? []
        pathways = try c.decodeIfPresent([PathwayDefinition].self, forKey: AnyKey("pathways")) ?? []
        bonds = try c.decodeIfPresent([BondDefinition].self, forKey: AnyKey("bonds")) ?? []
        fragments = try c.decodeIfPresent([FragmentDefinition].self, forKey: AnyKey("fragments")) ?? []
        electronic = try c.decodeIfPresent([ElectronicDefinition].self, forKey: AnyKey("electronic")) ?? []
        densityDifferences = try c.decodeIfPresent([DensityDifferenceDefinition].self, forKey: AnyKey("density_differences")) ?? []
    }

    /// Every calculation name a quantity refers to, with what refers to it and where.
    var references: [(String, ManifestLocation, [String])] {
        energies.map { ("energy '\($0.name)'", $0.location, [$0.complex] + $0.parts) }
            + pathways.map { ("pathway '\($0.name)'", $0.location, $0.steps) }
            + bonds.map { ("bond set '\($0.name)'", $0.location, $0.calculations) }
            + fragments.map { ("fragment set '\($0.name)'", $0.location, $0.calculations + [$0.reference].compactMap { $0 }) }
            + electronic.map { ("electronic set '\($0.name)'", $0.location, $0.calculations) }
            + densityDifferences.map { ("density difference '\($0.name)'", $0.location, [$0.complex] + $0.parts) }
    }
}

/// A differential (deformation) charge density Δρ = ρ(complex) − Σ ρ(parts) from the CHGCARs of static
/// runs (seed Fig. 2c: ρ(MOF@CoPc) − ρ(MOF) − ρ(CoPc)), with its planar average and charge displacement
/// ΔQ(z) along `axis` (Analysis `differentialDensity`, `planarProfile`). The calculations must share the
/// cell and the FFT grid (NGXF × NGYF × NGZF); positive Δρ = electron accumulation.
public struct DensityDifferenceDefinition: Sendable, Hashable, Decodable {
    /// The quantity's name, e.g. `Δρ MOF@CoPc − MOF − CoPc`.
    public var name: String
    /// Where it comes from, e.g. `Fig. 2c`.
    public var source: String?
    /// The calculation of the whole system (AB).
    public var complex: String
    /// The calculations subtracted (A, B, …), each once.
    public var parts: [String]
    /// Lattice axis of the planar average: 0 = a (`x`), 1 = b (`y`), 2 = c (`z`, the default).
    public var axis: Int
    /// Write Δρ as a CHGCAR (`CHGCAR_diff-<complex>.vasp`) into the `--plots` folder.
    public var write: Bool
    /// Where the entry starts.
    public var location: ManifestLocation

    /// Reads one `density_differences:` entry: `parts` non-empty, distinct and not the complex; `axis` x, y or z (a, b, c), z by default.
    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(["name", "source", "complex", "parts", "axis", "write"], in: "a density difference")
        let c = try decoder.container(keyedBy: AnyKey.self)
        location = decoder.location
        name = try c.decode(String.self, forKey: AnyKey("name"))
        source = try c.decodeIfPresent(String.self, forKey: AnyKey("source"))
        complex = try c.decode(String.self, forKey: AnyKey("complex"))
        parts = try c.decode([String].self, forKey: AnyKey("parts"))
        guard !parts.isEmpty else { throw decoder.invalid("expected at least one calculation", key: "parts") }
        guard !parts.contains(complex), Set(parts).count == parts.count else {
            throw decoder.invalid("expected distinct calculations, none of them the complex", key: "parts")
        }
        let axisText = try c.decodeIfPresent(String.self, forKey: AnyKey("axis")) ?? "z"
        guard let a = latticeAxis(named: axisText) else { throw decoder.invalid("expected an axis x, y or z (a, b, c), found '\(axisText)'", key: "axis") }
        axis = a
        write = try c.decodeIfPresent(Bool.self, forKey: AnyKey("write")) ?? false
    }
}

/// Electronic structure of static runs (seed Fig. 2a/2b): the eigenvalue gap (pymatgen
/// `eigenvalue_band_properties`), the DOS gap (`Dos.get_gap`, tolerance 1e-4 relative), and the band centre,
/// width and filling of an orbital shell (default d; Hammer–Nørskov) on named elements and/or sites, over
/// an energy window relative to E_F (default: the whole DOS grid). `cascade tabulate --plots` also draws
/// each calculation's total DOS (Fig. 2a style).
public struct ElectronicDefinition: Sendable, Hashable, Decodable {
    /// The set's name, e.g. `d-band centres (Fig. 2b)`.
    public var name: String
    /// Where it comes from.
    public var source: String?
    /// The static calculations (with a DOS: LORBIT set for band centres).
    public var calculations: [String]
    /// Elements whose atoms are one selection each, e.g. `[Fe, Co]`.
    public var elements: [String]
    /// 0-based atoms (file order) forming one more selection (e.g. the active site).
    public var sites: [Int]?
    /// The orbital shell of the band descriptors: `s`, `p`, `d` (default) or `f`.
    public var orbital: String
    /// The window [a, b] in eV relative to E_F; `nil` = the whole grid (pymatgen's default).
    public var window: [Double]?
    /// Where the entry starts.
    public var location: ManifestLocation

    /// Reads one `electronic:` entry: at least one calculation; `orbital` s, p, d (default) or f; `window` [low, high] in eV with low < high.
    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(["name", "source", "calculations", "elements", "sites", "orbital", "window"], in: "an electronic set")
        let c = try decoder.container(keyedBy: AnyKey.self)
        location = decoder.location
        name = try c.decode(String.self, forKey: AnyKey("name"))
        source = try c.decodeIfPresent(String.self, forKey: AnyKey("source"))
        calculations = try c.decode([String].self, forKey: AnyKey("calculations"))
        guard !calculations.isEmpty else { throw decoder.invalid("expected at least one calculation", key: "calculations") }
        elements = try c.decodeIfPresent([String].self, forKey: AnyKey("elements")) ?? []
        sites = try c.decodeIfPresent(AtomList.self, forKey: AnyKey("sites"))?.indices
        orbital = try c.decodeIfPresent(String.self, forKey: AnyKey("orbital")) ?? "d"
        guard ["s", "p", "d", "f"].contains(orbital) else { throw decoder.invalid("expected an orbital shell s, p, d or f", key: "orbital") }
        window = try c.decodeIfPresent([Double].self, forKey: AnyKey("window"))
        if let w = window, w.count != 2 || !(w[0] < w[1]) || !w.allSatisfy(\.isFinite) {
            throw decoder.invalid("expected a window [low, high] in eV relative to E_F with low < high", key: "window")
        }
    }
}

/// `E = E(complex) − Σ E(parts)` (eV), e.g. an adsorption energy (eq. 4–6 of the seed study) or the
/// binding energy of a dimer (`parts` may repeat a calculation).
public struct EnergyDefinition: Sendable, Hashable, Decodable {
    /// The quantity's name, e.g. `E_ads(MOF–TFSI⁻)`.
    public var name: String
    /// Where it comes from, e.g. `eq. 5` or `Fig. S4`.
    public var source: String?
    /// The calculation of the combined system.
    public var complex: String
    /// The calculations subtracted.
    public var parts: [String]
    /// Where the entry starts.
    public var location: ManifestLocation

    /// Reads one `energies:` entry: `parts` must not be empty.
    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(["name", "source", "complex", "parts"], in: "an energy")
        let c = try decoder.container(keyedBy: AnyKey.self)
        location = decoder.location
        name = try c.decode(String.self, forKey: AnyKey("name"))
        source = try c.decodeIfPresent(String.self, forKey: AnyKey("source"))
        complex = try c.decode(String.self, forKey: AnyKey("complex"))
        parts = try c.decode([String].self, forKey: AnyKey("parts"))
        guard !parts.isEmpty else { throw decoder.invalid("expected at least one calculation", key: "parts") }
    }
}

/// A reaction pathway: NEB calculations in order, each step's final state the next step's initial state.
public struct PathwayDefinition: Sendable, Hashable, Decodable {
    /// The pathway's name, e.g. `TFSI⁻ → LiF on CoPc`.
    public var name: String
    /// Where it comes from, e.g. `Fig. 2f, Table S2`.
    public var source: String?
    /// The NEB calculations, in order.
    public var steps: [String]
    /// Where the entry starts.
    public var location: ManifestLocation

    /// Reads one `pathways:` entry: `steps` must not be empty.
    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(["name", "source", "steps"], in: "a pathway")
        let c = try decoder.container(keyedBy: AnyKey.self)
        location = decoder.location
        name = try c.decode(String.self, forKey: AnyKey("name"))
        source = try c.decodeIfPresent(String.self, forKey: AnyKey("source"))
        steps = try c.decode([String].self, forKey: AnyKey("steps"))
        guard !steps.isEmpty else { throw decoder.invalid("expected at least one NEB calculation", key: "steps") }
    }
}

/// Bonds whose lengths are tracked in some calculations: every pair of the two `elements` closer
/// than `within` Å in the starting structure, and/or explicit `pairs` of 0-based atom indices.
public struct BondDefinition: Sendable, Hashable, Decodable {
    /// The set's name, e.g. `C–F (Table S1)`.
    public var name: String
    /// Where it comes from.
    public var source: String?
    /// The calculations whose structures are measured.
    public var calculations: [String]
    /// Two element symbols, e.g. `[C, F]`.
    public var elements: [String]?
    /// Largest distance (Å) for an element pair to count as a bond; default 1.2 × the sum of covalent radii.
    public var within: Double?
    /// Explicit atom pairs (0-based, file order).
    public var pairs: [[Int]]?
    /// Where the entry starts.
    public var location: ManifestLocation

    /// Reads one `bonds:` entry: `elements` (two symbols) and/or `pairs` (two 0-based indices each), at least one of them.
    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(["name", "source", "calculations", "elements", "within", "pairs"], in: "a bond set")
        let c = try decoder.container(keyedBy: AnyKey.self)
        location = decoder.location
        name = try c.decode(String.self, forKey: AnyKey("name"))
        source = try c.decodeIfPresent(String.self, forKey: AnyKey("source"))
        calculations = try c.decode([String].self, forKey: AnyKey("calculations"))
        elements = try c.decodeIfPresent([String].self, forKey: AnyKey("elements"))
        within = try c.decodeIfPresent(Double.self, forKey: AnyKey("within"))
        pairs = try c.decodeIfPresent([[Int]].self, forKey: AnyKey("pairs"))
        if let e = elements, e.count != 2 { throw decoder.invalid("expected two element symbols", key: "elements") }
        if let p = pairs, !p.allSatisfy({ $0.count == 2 && $0.allSatisfy { $0 >= 0 } }) {
            throw decoder.invalid("expected pairs of two 0-based atom indices", key: "pairs")
        }
        guard elements != nil || pairs != nil else { throw decoder.invalid("expected 'elements' or 'pairs'") }
    }
}

/// Bader fragments: the atoms of each calculation split into named groups whose charges are summed.
public struct FragmentDefinition: Sendable, Hashable, Decodable {
    /// The set's name.
    public var name: String
    /// Where it comes from, e.g. `Fig. 2d, 2g`.
    public var source: String?
    /// The calculations (usually Bader runs) the fragments apply to.
    public var calculations: [String]
    /// A calculation whose starting structure defines the fragments for all of `calculations`
    /// (the states of one pathway share their atoms); `nil` = each calculation's own structure.
    public var reference: String?
    /// The groups, in order.
    public var groups: [FragmentGroup]
    /// Where the entry starts.
    public var location: ManifestLocation

    /// Reads one `fragments:` entry: at least one group, at most one of them `rest: true`.
    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(["name", "source", "calculations", "reference", "groups"], in: "a fragment set")
        let c = try decoder.container(keyedBy: AnyKey.self)
        location = decoder.location
        name = try c.decode(String.self, forKey: AnyKey("name"))
        source = try c.decodeIfPresent(String.self, forKey: AnyKey("source"))
        calculations = try c.decode([String].self, forKey: AnyKey("calculations"))
        reference = try c.decodeIfPresent(String.self, forKey: AnyKey("reference"))
        groups = try c.decode([FragmentGroup].self, forKey: AnyKey("groups"))
        guard !groups.isEmpty else { throw decoder.invalid("expected at least one group", key: "groups") }
        if groups.filter(\.rest).count > 1 { throw decoder.invalid("at most one group may be 'rest: true'", key: "groups") }
    }
}

/// One fragment: explicit atoms, the molecules containing given elements, or everything else.
public struct FragmentGroup: Sendable, Hashable, Decodable {
    /// The fragment's name, e.g. `TFSI`.
    public var name: String
    /// 0-based atom indices (file order).
    public var atoms: [Int]?
    /// Element symbols: the fragment is every connected molecule (covalent bonds between non-metal
    /// atoms; each metal joins the molecule holding more than half of its bonds) that contains one of them.
    public var contains: [String]?
    /// The atoms no other group takes.
    public var rest: Bool

    /// A group of the molecules holding `contains`.
    init(name: String, contains: [String]) {
        self.name = name
        self.atoms = nil
        self.contains = contains
        self.rest = false
    }

    /// Reads one group: exactly one of `atoms`, `contains` or `rest: true`.
    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(["name", "atoms", "contains", "rest"], in: "a fragment group")
        let c = try decoder.container(keyedBy: AnyKey.self)
        name = try c.decode(String.self, forKey: AnyKey("name"))
        atoms = try c.decodeIfPresent(AtomList.self, forKey: AnyKey("atoms"))?.indices
        contains = try c.decodeIfPresent([String].self, forKey: AnyKey("contains"))
        rest = try c.decodeIfPresent(Bool.self, forKey: AnyKey("rest")) ?? false
        let given = [atoms != nil, contains != nil, rest].filter { $0 }.count
        guard given == 1 else { throw decoder.invalid("expected exactly one of 'atoms', 'contains' or 'rest: true'") }
    }
}
