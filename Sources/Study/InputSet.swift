import Analysis
import Chemistry
import Files
import VASP

/// A named set of VASP inputs, `templates/<name>.yaml` (reference: `docs/input-sets.md`).
///
/// A set gives INCAR tags and the rules that turn a system into the tags that depend on it:
/// MAGMOM from per-element moments, NUPDOWN from the multiplicity, NELECT = ΣZVAL − charge from the
/// POTCARs, LREAL = Auto above a number of atoms, the dipole tags of a charged molecule in a box,
/// IMAGES of an NEB, and DFT+U only when the set says so (`hubbard_u`). `extends: parent` starts
/// from another set; the child's INCAR tags replace the parent's in place, `null` removes one.
public struct InputSet: Sendable, Hashable {
    /// How NUPDOWN is chosen.
    public enum SpinRule: String, Sendable, Hashable, Decodable {
        /// NUPDOWN = multiplicity − 1 (the spin state is fixed), when ISPIN = 2.
        case multiplicity
        /// NUPDOWN is not written: VASP finds the moment.
        case free
    }

    /// A Hubbard U on one element (Dudarev, LDAUTYPE = 2).
    public struct HubbardU: Sendable, Hashable, Decodable {
        /// Angular momentum of the corrected shell (2 = d, 3 = f).
        public var l: Int
        /// U (eV).
        public var u: Double
        /// J (eV).
        public var j: Double

        /// Reads a bare number (U in eV on the d shell, J = 0) or a mapping `l`, `u`, `j` (`l` 2 and `j` 0 by default).
        public init(from decoder: Decoder) throws {
            if let u = try? decoder.singleValueContainer().decode(Double.self) {
                self.l = 2
                self.u = u
                self.j = 0
                return
            }
            try decoder.rejectUnknownKeys(["l", "u", "j"], in: "a Hubbard U")
            let c = try decoder.container(keyedBy: AnyKey.self)
            l = try c.decodeIfPresent(Int.self, forKey: AnyKey("l")) ?? 2
            u = try c.decode(Double.self, forKey: AnyKey("u"))
            j = try c.decodeIfPresent(Double.self, forKey: AnyKey("j")) ?? 0
        }
    }

    /// The set's name (its file name without `.yaml`).
    public var name: String
    /// What the set is for.
    public var description: String?
    /// The file it was read from.
    public var file: String
    /// The parent set, if any.
    public var extends: String?
    /// INCAR tags, parent's included, in order; `nil` values are removed tags.
    var incarSettings: IncarSettings
    /// Initial moments (μB) per element.
    public var magmom: [String: Double]
    /// Moment of elements not in ``magmom`` (`magmom: {default: …}`; VASP's 1 μB when the set says nothing).
    public var defaultMoment: Double
    /// VASP's MAGMOM default, NIONS × 1.0 μB.
    public static let vaspDefaultMoment = 1.0
    /// How NUPDOWN is chosen.
    public var spin: SpinRule
    /// The k-point rule (a mesh, or a length, density or spacing turned into a mesh per structure).
    var kpoints: KpointsSpec
    /// LREAL = Auto when the cell has more atoms than this, `.FALSE.` otherwise; `nil` = not written.
    public var lrealAutoAbove: Int?
    /// Tags added for a molecule in a box with a net charge.
    var chargedMolecule: IncarSettings
    /// POTCAR label per element.
    public var potcars: [String: String]
    /// DFT+U per element; `nil` = no DFT+U.
    public var hubbardU: [String: HubbardU]?
    /// NEB: intermediate images.
    public var images: Int?
    /// NEB: interpolation method.
    public var interpolation: InterpolationMethod?
    /// Job-script settings of the set.
    var job: JobSettings

    /// The set's KPOINTS for `structure` before the kind's rule (a density, spacing or length turned
    /// into a Γ-centred mesh on its cell).
    public func kpoints(for structure: Structure) -> Kpoints { kpoints.kpoints(for: structure) }

    /// The INCAR tags of the set itself (before any system is applied).
    public var incar: Incar { incarSettings.incar }
}

/// The sets a manifest uses, read from one folder (`<folder>/<name>.yaml`), `extends` resolved.
public struct InputSetLibrary: Sendable {
    /// The folder.
    public var folder: String
    /// The sets by name.
    public private(set) var sets: [String: InputSet]

    /// Reads the sets `names` and every set they extend.
    /// - Throws: ``StudyError`` naming the file (and line/column) of a missing or invalid set, or an
    ///   `extends` cycle.
    public static func load(folder: String, names: [String]) throws -> InputSetLibrary {
        var library = InputSetLibrary(folder: folder, sets: [:])
        for name in names { _ = try library.resolve(name, chain: [], referencedFrom: nil) }
        return library
    }

    /// The set named `name`, if loaded.
    public func set(named name: String) -> InputSet? { sets[name] }

    /// The path of the set named `name`.
    public func path(of name: String) -> String { folder == "." ? "\(name).yaml" : "\(folder)/\(name).yaml" }

    private mutating func resolve(_ name: String, chain: [String], referencedFrom: ManifestLocation?) throws -> InputSet {
        if let done = sets[name] { return done }
        let path = self.path(of: name)
        if chain.contains(name) {
            throw StudyError.invalid(ManifestLocation(file: path), "input sets extend each other in a cycle: \((chain + [name]).joined(separator: " → "))")
        }
        guard StudyManifest.isName(name), FileSystem.exists(path) else {
            let place = referencedFrom ?? ManifestLocation(file: path)
            throw StudyError.invalid(place, "no input set '\(name)': expected the file \(path)")
        }
        let raw = try YAMLFile.load(InputSetFile.self, path: path)
        if let declared = raw.name, declared != name {
            throw StudyError.invalid(raw.location, "the set in \(path) is named '\(declared)'; expected '\(name)' (the file name)")
        }
        var set: InputSet
        if let parentName = raw.extends {
            let parent = try resolve(parentName, chain: chain + [name], referencedFrom: raw.location)
            set = raw.applied(to: parent, name: name, file: path)
        } else {
            set = raw.standalone(name: name, file: path)
        }
        if let template = raw.job?.template {
            set.job.template = PathText.resolve(template, against: PathText.folder(of: path))
        }
        sets[name] = set
        return set
    }
}

/// A set file as written (every key optional).
private struct InputSetFile: Decodable {
    var name: String?
    var description: String?
    var extends: String?
    var incar: IncarSettings?
    var magmom: [String: Double]?
    var spin: InputSet.SpinRule?
    var kpoints: KpointsSpec?
    var lrealAutoAbove: Int?
    var chargedMolecule: IncarSettings?
    var potcars: [String: String]?
    var hubbardU: [String: InputSet.HubbardU]?
    var images: Int?
    var interpolation: InterpolationMethod?
    var job: JobSettings?
    var location: ManifestLocation

    static let keys = [
        "name", "description", "extends", "incar", "magmom", "nupdown", "kpoints", "lreal_auto_above",
        "charged_molecule", "potcars", "hubbard_u", "images", "interpolation", "job"
    ]

    init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(Self.keys, in: "an input set")
        let c = try decoder.container(keyedBy: AnyKey.self)
        location = decoder.location
        name = try c.decodeIfPresent(String.self, forKey: AnyKey("name"))
        description = try c.decodeIfPresent(String.self, forKey: AnyKey("description"))
        extends = try c.decodeIfPresent(String.self, forKey: AnyKey("extends"))
        incar = try c.decodeIfPresent(IncarSettings.self, forKey: AnyKey("incar"))
        magmom = try c.decodeIfPresent([String: Double].self, forKey: AnyKey("magmom"))
        spin = try c.decodeIfPresent(InputSet.SpinRule.self, forKey: AnyKey("nupdown"))
        kpoints = try c.decodeIfPresent(KpointsSpec.self, forKey: AnyKey("kpoints"))
        lrealAutoAbove = try c.decodeIfPresent(Int.self, forKey: AnyKey("lreal_auto_above"))
        chargedMolecule = try c.decodeIfPresent(IncarSettings.self, forKey: AnyKey("charged_molecule"))
        potcars = try c.decodeIfPresent([String: String].self, forKey: AnyKey("potcars"))
        hubbardU = try c.decodeIfPresent([String: InputSet.HubbardU].self, forKey: AnyKey("hubbard_u"))
        images = try c.decodeIfPresent(Int.self, forKey: AnyKey("images"))
        interpolation = try c.decodeIfPresent(InterpolationMethod.self, forKey: AnyKey("interpolation"))
        job = try c.decodeIfPresent(JobSettings.self, forKey: AnyKey("job"))
        if let images, images < 1 { throw decoder.invalid("expected at least 1 intermediate image", key: "images") }
        if let ldau = incar?.entries.first(where: { $0.tag.hasPrefix("LDAU") }) {
            throw decoder.invalid("\(ldau.tag) in an input set's INCAR: DFT+U is switched on only by 'hubbard_u' (no silent DFT+U)", key: "incar")
        }
        for element in (magmom ?? [:]).keys where element != "default" && Element(symbol: element) == nil {
            throw decoder.invalid("'\(element)' is not an element symbol (or 'default')", key: "magmom")
        }
    }

    func standalone(name: String, file: String) -> InputSet {
        var moments = magmom ?? [:]
        // VASP's own default: 1 μB per atom (an Fe, Co or Ni surface left at 0 would never polarise).
        let fallback = moments.removeValue(forKey: "default") ?? InputSet.vaspDefaultMoment
        return InputSet(
            name: name, description: description, file: file, extends: nil, incarSettings: incar ?? IncarSettings(),
            magmom: moments, defaultMoment: fallback, spin: spin ?? .free, kpoints: kpoints ?? KpointsSpec(kpoints: Kpoints.gamma(1, 1, 1)),
            lrealAutoAbove: lrealAutoAbove, chargedMolecule: chargedMolecule ?? IncarSettings(), potcars: potcars ?? [:],
            hubbardU: hubbardU, images: images, interpolation: interpolation, job: job ?? JobSettings())
    }

    func applied(to parent: InputSet, name: String, file: String) -> InputSet {
        var set = parent
        set.name = name
        set.file = file
        set.extends = parent.name
        set.description = description ?? parent.description
        if let incar { set.incarSettings = incar.applied(to: parent.incarSettings) }
        if var moments = magmom {
            if let d = moments.removeValue(forKey: "default") { set.defaultMoment = d }
            set.magmom.merge(moments) { _, new in new }
        }
        if let spin { set.spin = spin }
        if let kpoints { set.kpoints = kpoints }
        if let lrealAutoAbove { set.lrealAutoAbove = lrealAutoAbove }
        if let chargedMolecule { set.chargedMolecule = chargedMolecule.applied(to: parent.chargedMolecule) }
        if let potcars { set.potcars.merge(potcars) { _, new in new } }
        if let hubbardU { set.hubbardU = hubbardU }
        if let images { set.images = images }
        if let interpolation { set.interpolation = interpolation }
        if let job { set.job = job.applied(to: parent.job) }
        return set
    }
}

// MARK: - Applying a set to a system

/// Everything the input set needs to know about one calculation.
struct InputContext {
    /// The structure as it will be written (species grouped in POTCAR order).
    var structure: Structure
    /// Net charge (|e|).
    var charge: Int
    /// Spin multiplicity 2S + 1.
    var multiplicity: Int
    /// The system's spin rule, over the set's; `nil` = the set's.
    var spin: InputSet.SpinRule? = nil
    /// Molecule in a box, slab or bulk.
    var kind: SystemKind
    /// A slab's normal (0 = a, 1 = b, 2 = c), from its geometry; `nil` for the other kinds.
    var slabNormal: Int? = nil
    /// Element moments of the system (from the manifest or the index).
    var systemMagmom: [String: Double]
    /// Element moments of the calculation.
    var calculationMagmom: [String: Double]
    /// INCAR overrides of the calculation.
    var overrides: IncarSettings
    /// k-points of the calculation (or else of the system), over the set's.
    var kpoints: KpointsSpec?
    /// The pseudopotentials, one per species in order.
    var potcar: Potcar
    /// Species in POSCAR (= POTCAR) order.
    var speciesOrder: [String]
    /// NEB intermediate images, or `nil`.
    var nebImages: Int?
    /// `SYSTEM` text.
    var title: String
}

/// The inputs a set gives for one calculation, and what the plan should say about them.
struct AppliedInputs {
    var incar: Incar
    var kpoints: Kpoints
    /// ΣZVAL over the atoms (|e|), `nil` when a ZVAL is unknown.
    var valenceElectrons: Double?
    /// ΣZVAL − charge, `nil` when a ZVAL is unknown.
    var nelect: Double?
    var notes: [String] = []
    var warnings: [String] = []
    var errors: [String] = []
}

extension InputSet {
    /// The INCAR and KPOINTS of this set for one calculation.
    ///
    /// Precedence: the set's INCAR < the tags the set derives from the system (MAGMOM, NUPDOWN,
    /// NELECT, LREAL, dipole tags, IMAGES, DFT+U) < the calculation's `incar` overrides. `SYSTEM` comes first.
    func apply(_ context: InputContext) -> AppliedInputs {
        let structure = context.structure
        var incar = Incar()
        incar["SYSTEM"] = .string(context.title)
        for entry in incarSettings.entries { if let v = entry.value { incar[entry.tag] = v } }
        let overridden = Set(context.overrides.entries.map(\.tag))
        var derived: [(String, Incar.Value)] = []
        var result = AppliedInputs(incar: incar, kpoints: Kpoints.gamma(1, 1, 1))
        result.kpoints = kpointsFor(context, notes: &result.notes, warnings: &result.warnings)

        let counts = context.speciesOrder.map { s in structure.species.filter { $0 == s }.count }
        result.valenceElectrons = context.potcar.electrons(counts: counts)
        result.nelect = result.valenceElectrons.map { $0 - Double(context.charge) }

        let ispin = effectiveInt("ISPIN", incar: incar, overrides: context.overrides) ?? 1
        if ispin == 2 {
            if !overridden.contains("MAGMOM") {
                let moments = structure.species.map { moment(of: $0, context: context) }
                derived.append(("MAGMOM", .doubles(moments)))
                let unnamed = context.speciesOrder.filter { s in
                    context.calculationMagmom[s] == nil && context.systemMagmom[s] == nil && magmom[s] == nil
                }
                // A set that chose its default (`magmom: {default: 0}`) said so; VASP's 1 μB is worth a note.
                if !unnamed.isEmpty && defaultMoment == InputSet.vaspDefaultMoment {
                    result.notes.append(
                        "MAGMOM: \(unnamed.joined(separator: ", ")) named by neither the set, the system nor the calculation: 1 μB each (VASP's default; set magmom: {default: …} to choose)"
                    )
                }
            }
            switch context.spin ?? spin {
            case .multiplicity: derived.append(("NUPDOWN", .int(context.multiplicity - 1)))
            case .free:
                if context.spin == .free && spin == .multiplicity {
                    result.notes.append(
                        "spin free for this system: no NUPDOWN (the set fixes it); 2S+1 = \(context.multiplicity) is the intended state, used only in the parity check (MAGMOM comes from the element moments)"
                    )
                }
            }
        } else if context.multiplicity != 1 {
            result.errors.append("multiplicity \(context.multiplicity) needs a spin-polarised calculation (ISPIN = 2), but ISPIN = \(ispin)")
        } else if !context.systemMagmom.isEmpty || !context.calculationMagmom.isEmpty {
            result.notes.append("magnetic moments given, but ISPIN = \(ispin): no MAGMOM is written (a spin-polarised set needs ISPIN = 2)")
        }
        if context.charge != 0 {
            if let nelect = result.nelect {
                derived.append(("NELECT", nelect.rounded() == nelect ? .int(Int(nelect)) : .double(nelect)))
            } else {
                result.errors.append("NELECT cannot be computed for charge \(context.charge): a ZVAL is unknown (give a POTCAR library with --potcars)")
            }
        }
        if let limit = lrealAutoAbove {
            derived.append(("LREAL", structure.count > limit ? .string("Auto") : .bool(false)))
        }
        if context.charge != 0 && context.kind == .molecule {
            derived += chargedMoleculeTags(structure)
            if !chargedMolecule.entries.isEmpty {
                result.notes.append(
                    "charged molecule in a box: \(chargedMolecule.entries.compactMap { $0.value == nil ? nil : $0.tag }.joined(separator: ", ")) set")
            }
        }
        if let normal = context.slabNormal, context.kind == .slab {
            derived += slabDipoleTags(structure, normal: normal)
        }
        if let images = context.nebImages { derived.append(("IMAGES", .int(images))) }
        if let u = hubbardU, !u.isEmpty {
            derived += hubbardTags(u, speciesOrder: context.speciesOrder)
            let list = context.speciesOrder.compactMap { s in u[s].map { "\(s) U = \($0.u) eV" } }
            result.notes.append("DFT+U on (input set \(name)): \(list.isEmpty ? "no element of this system has a U" : list.joined(separator: ", "))")
        }
        for (tag, value) in derived where !overridden.contains(tag) { incar[tag] = value }
        for entry in context.overrides.entries { incar[entry.tag] = entry.value }
        // A dipole correction switched off by the overrides takes its derived DIPOL with it.
        if incar["IDIPOL"] == nil && context.overrides.entries.contains(where: { $0.tag == "IDIPOL" }) && !overridden.contains("DIPOL") {
            incar["DIPOL"] = nil
        }
        if hubbardU == nil, incar.bool("LDAU") == true {
            result.warnings.append("DFT+U switched on by this calculation's INCAR overrides (LDAU = .TRUE.), not by its input set")
        }
        result.incar = incar
        return result
    }

    /// The k-points of one calculation: the calculation's or system's rule, else the set's, turned into
    /// a mesh on the structure; then the kind's rule — a molecule samples Γ only (the set's mesh is
    /// replaced, with a note when it was an explicit mesh; a mesh chosen for the system or calculation
    /// is kept, with a warning), a slab one division along its normal (a note when an explicit mesh
    /// had more).
    func kpointsFor(_ context: InputContext, notes: inout [String], warnings: inout [String]) -> Kpoints {
        let chosen = context.kpoints != nil
        let spec = context.kpoints ?? kpoints
        let explicit: Bool
        if case .fixed = spec.rule { explicit = true } else { explicit = false }
        var k = spec.kpoints(for: context.structure)
        guard case .mesh(var mesh) = k.mode else { return k }
        let text = { (m: Kpoints.Mesh) in "\(m.centering == .gamma ? "Γ" : "MP") \(m.divisions.x)×\(m.divisions.y)×\(m.divisions.z)" }
        switch context.kind {
        case .molecule:
            guard mesh.divisions != SIMD3(1, 1, 1) || mesh.centering != .gamma || mesh.shift != .zero else { return k }
            if chosen {
                warnings.append(
                    "kind molecule with the k-point mesh \(text(mesh)): a molecule in a box needs Γ only (then vasp_gam); the mesh is kept because the system or calculation chose it"
                )
                return k
            }
            if explicit { notes.append("molecule: Γ only (the set's \(text(mesh)) replaced), run with the Γ-only executable") }
            return Kpoints.gamma(1, 1, 1, comment: "Gamma only (molecule in a box)")
        case .slab:
            guard let normal = context.slabNormal, mesh.divisions[normal] != 1 else { return k }
            let before = text(mesh)
            mesh.divisions[normal] = 1
            mesh.shift[normal] = 0
            // A density, spacing or length rule gives the normal its one division silently (the system's note says so).
            if explicit { notes.append("slab: one k-point division along its normal \(["a", "b", "c"][normal]) (\(before) → \(text(mesh)))") }
            k.mode = .mesh(mesh)
            let divisions = [mesh.divisions.x, mesh.divisions.y, mesh.divisions.z].map(String.init).joined(separator: "x")
            k.comment =
                "\(mesh.centering == .gamma ? "Gamma-centred" : "Monkhorst-Pack") \(divisions) mesh, 1 along the slab normal \(["a", "b", "c"][normal]) (\(k.comment))"
            return k
        case .bulk:
            return k
        }
    }

    /// A slab's dipole correction along its normal: IDIPOL = normal + 1, LDIPOL = .TRUE., DIPOL at the
    /// centre of mass (fractional; VASP wiki, DIPOL: "use the center of mass").
    func slabDipoleTags(_ structure: Structure, normal: Int) -> [(String, Incar.Value)] {
        [("IDIPOL", .int(normal + 1)), ("LDIPOL", .bool(true)), ("DIPOL", .doubles(Self.fractionalCentreOfMass(structure)))]
    }

    /// The centre of mass in fractional coordinates, each wrapped into [0, 1) and rounded to 1e-6.
    static func fractionalCentreOfMass(_ structure: Structure) -> [Double] {
        let f = structure.lattice.fractional(MoleculeBox.centreOfMass(structure))
        return [f.x, f.y, f.z].map { x -> Double in
            let w = x - x.rounded(.down)
            return (w * 1e6).rounded() / 1e6
        }
    }

    /// The initial moment (μB) of an atom of `species`: calculation > system > set > the set's default.
    func moment(of species: String, context: InputContext) -> Double {
        context.calculationMagmom[species] ?? context.systemMagmom[species] ?? magmom[species] ?? defaultMoment
    }

    /// The set's charged-molecule tags; DIPOL is the centre of mass (fractional) when IDIPOL is set
    /// and DIPOL is not given (VASP wiki, DIPOL: "use the center of mass" for isolated molecules).
    func chargedMoleculeTags(_ structure: Structure) -> [(String, Incar.Value)] {
        var out: [(String, Incar.Value)] = chargedMolecule.entries.compactMap { e in e.value.map { (e.tag, $0) } }
        if out.contains(where: { $0.0 == "IDIPOL" }) && !out.contains(where: { $0.0 == "DIPOL" }) {
            out.append(("DIPOL", .doubles(Self.fractionalCentreOfMass(structure))))
        }
        return out
    }

    /// LDAU tags for the species in order (Dudarev scheme, LDAUTYPE = 2).
    func hubbardTags(_ u: [String: HubbardU], speciesOrder: [String]) -> [(String, Incar.Value)] {
        let ls = speciesOrder.map { u[$0]?.l ?? -1 }
        let maxL = ls.max() ?? 2
        return [
            ("LDAU", .bool(true)), ("LDAUTYPE", .int(2)),
            ("LDAUL", .ints(ls)),
            ("LDAUU", .doubles(speciesOrder.map { u[$0]?.u ?? 0 })),
            ("LDAUJ", .doubles(speciesOrder.map { u[$0]?.j ?? 0 })),
            ("LMAXMIX", .int(maxL >= 3 ? 6 : 4))
        ]
    }

    /// An integer tag as the calculation will have it: its override, else the set's value.
    func effectiveInt(_ tag: String, incar: Incar, overrides: IncarSettings) -> Int? {
        if let o = overrides.entries.last(where: { $0.tag == tag }) {
            return o.value.flatMap { Incar(entries: [Incar.Entry(tag: tag, value: $0)]).int(tag) }
        }
        return incar.int(tag)
    }

    /// The POTCAR label of `element`: calculation > manifest > set; otherwise the element symbol when
    /// it is a standard label in Cascade's table, else the Materials Project's choice — with a warning.
    static func potcarLabel(
        for element: String, calculation: [String: String], manifest: [String: String], set: [String: String]
    ) -> (label: String, warning: String?) {
        if let label = calculation[element] ?? manifest[element] ?? set[element] { return (label, nil) }
        if Potcar.builtinZval(label: element) != nil {
            return (element, "no POTCAR label chosen for \(element): using \(element)")
        }
        if let label = Potcar.recommendedLabel(for: element) {
            return (label, "no POTCAR label chosen for \(element): using \(label) (the Materials Project's choice)")
        }
        return (element, "no POTCAR label chosen for \(element) and none known: using \(element)")
    }
}
