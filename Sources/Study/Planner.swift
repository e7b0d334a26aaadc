import Analysis
import Chemistry
import Files
import VASP

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension GenerationPlan {
    /// Computes the plan of `manifest`: reads the structure index, the input sets, the structures and
    /// the job template, applies the sets, makes the NEB images and runs every guard. Problems with a
    /// calculation are collected in the plan (``allErrors``), not thrown, so that a dry run shows them all.
    /// - Throws: ``StudyError`` when the index, an input set or the job template cannot be read.
    public static func make(manifest: StudyManifest, options: GenerationOptions) throws -> GenerationPlan {
        var planner = try Planner(manifest: manifest, options: options)
        return planner.plan()
    }
}

/// A system with its structure read and its charge, multiplicity and moments settled.
struct ResolvedSystem {
    var entry: SystemEntry
    var path: String
    /// As written: species grouped, fixed atoms flagged, re-boxed when asked.
    var structure: Structure
    var charge: Int
    var multiplicity: Int
    var magmom: [String: Double]
    /// The system's spin rule over the input set's, `nil` = the set's.
    var spin: InputSet.SpinRule? = nil
    /// A slab's normal (0 = a, 1 = b, 2 = c) from its bond network; `nil` for the other kinds.
    var slabNormal: Int? = nil
}

/// Builds a ``GenerationPlan``.
struct Planner {
    let manifest: StudyManifest
    let options: GenerationOptions
    let index: StructureIndex?
    let sets: InputSetLibrary
    var systems: [String: ResolvedSystem] = [:]
    var potcars: [[String]: Result<Potcar, StudyError>] = [:]
    var templates: [String: Result<JobTemplate, StudyError>] = [:]
    var notes: [String] = []
    var warnings: [String] = []
    var errors: [String] = []
    var labelWarnings: [String] = []

    init(manifest: StudyManifest, options: GenerationOptions) throws {
        self.manifest = manifest
        self.options = options
        if let file = manifest.indexFile {
            index = try StructureIndex.load(path: file)
        } else {
            index = nil
        }
        var names: [String] = []
        for calc in manifest.calculations where !names.contains(calc.set) {
            let path = manifest.inputSetsFolder == "." ? "\(calc.set).yaml" : "\(manifest.inputSetsFolder)/\(calc.set).yaml"
            guard StudyManifest.isName(calc.set), FileSystem.exists(path) else {
                throw StudyError.invalid(calc.location, "calculation '\(calc.name)' uses input set '\(calc.set)': expected the file \(path)")
            }
            names.append(calc.set)
        }
        sets = try InputSetLibrary.load(folder: manifest.inputSetsFolder, names: names)
    }

    mutating func plan() -> GenerationPlan {
        let ordered = dependencyOrder()
        let selected = select(ordered)
        var needed: [String] = []
        for calc in selected {
            for name in systemsOf(calc) where !needed.contains(name) { needed.append(name) }
        }
        resolveSystems(needed, selectedNEB: selected.filter { $0.neb != nil })
        var planned: [PlannedCalculation] = []
        for calc in selected {
            if let p = plan(calc) { planned.append(p) }
        }
        if options.only.isEmpty { checkQuantities(planned) }
        if !labelWarnings.isEmpty { warnings += labelWarnings }
        return GenerationPlan(
            study: manifest.study, manifestFile: manifest.file, outputFolder: options.outputFolder,
            potcarSource: options.potcarLibrary.map { "assembled from \($0)" }
                ?? "POTCAR.spec (no library: ZVAL from Cascade's built-in table of standard PBE values)",
            calculations: planned, notes: notes, warnings: warnings, errors: errors, isSubset: !options.only.isEmpty)
    }

    // MARK: Order and selection

    /// Calculations with every dependency before its dependents (manifest order otherwise); a cycle is an error.
    mutating func dependencyOrder() -> [CalculationEntry] {
        var state: [String: Int] = [:]  // 1 visiting, 2 done
        var out: [CalculationEntry] = []
        func visit(_ calc: CalculationEntry, _ path: [String]) {
            if state[calc.name] == 2 { return }
            if state[calc.name] == 1 {
                errors.append("calculations depend on each other in a cycle: \((path + [calc.name]).joined(separator: " → "))")
                return
            }
            state[calc.name] = 1
            for d in calc.dependencies {
                if let dep = manifest.calculation(named: d) { visit(dep, path + [calc.name]) }
            }
            state[calc.name] = 2
            out.append(calc)
        }
        for calc in manifest.calculations { visit(calc, []) }
        return out
    }

    mutating func select(_ ordered: [CalculationEntry]) -> [CalculationEntry] {
        guard !options.only.isEmpty else { return ordered }
        let chosen = ordered.filter { c in options.only.contains { fnmatch($0, c.name, 0) == 0 } }
        if chosen.isEmpty {
            errors.append(
                "--only \(options.only.joined(separator: " ")) matches no calculation (names: \(manifest.calculations.prefix(6).map(\.name).joined(separator: ", "))…)"
            )
        }
        return chosen
    }

    func systemsOf(_ calc: CalculationEntry) -> [String] {
        if let neb = calc.neb {
            return [neb.initial, neb.final].compactMap { manifest.calculation(named: $0)?.system }
        }
        let source = calc.fragmentOf.flatMap { manifest.calculation(named: $0.source)?.system }
        return [calc.system, source].compactMap { $0 }
    }

    // MARK: Systems

    mutating func resolveSystems(_ names: [String], selectedNEB: [CalculationEntry]) {
        var raw: [String: ResolvedSystem] = [:]
        for name in names {
            guard let entry = manifest.system(named: name) else { continue }
            if let system = readSystem(entry) { raw[name] = system }
        }
        // Systems joined by an NEB share one box (and one frame), so their images line up.
        var groups = SystemGroups(names: names)
        for calc in selectedNEB {
            let pair = systemsOf(calc)
            if pair.count == 2 { groups.join(pair[0], pair[1]) }
        }
        for group in groups.groups() {
            let members = group.filter { raw[$0] != nil }
            guard let first = members.first, let kind = raw[first]?.entry.kind else { continue }
            switch kind {
            case .molecule: reboxMolecules(members, raw: &raw)
            case .slab: reboxSlabs(members, raw: &raw)
            case .bulk:
                for m in members { systems[m] = raw[m] }
                if options.vacuum != nil {
                    notes.append(
                        "--vacuum leaves \(members.joined(separator: ", ")) as they are: kind bulk is periodic along a, b and c, and no periodic direction is re-boxed"
                    )
                }
            }
        }
    }

    /// Molecules (an NEB's end points together) re-boxed to `--vacuum`, or to the thinnest vacuum of
    /// theirs when they come in different boxes.
    mutating func reboxMolecules(_ members: [String], raw: inout [String: ResolvedSystem]) {
        let structures = members.compactMap { raw[$0]?.structure }
        let sameCell = structures.allSatisfy { Planner.sameLattice($0.lattice, structures[0].lattice) }
        var vacuum = options.vacuum
        if vacuum == nil && !sameCell {
            let thinnest =
                structures.map { s -> Double in
                    let v = MoleculeBox.vacuumWidths(of: s)
                    return min(v.x, v.y, v.z)
                }.min() ?? 0
            vacuum = (thinnest * 10).rounded(.down) / 10
            warnings.append(
                "the NEB-linked systems \(members.joined(separator: ", ")) come in different boxes: re-boxed together with \(PlanText.number(vacuum ?? 0)) Å vacuum (the thinnest of theirs); pass --vacuum to choose"
            )
        }
        guard let v = vacuum else {
            for m in members { systems[m] = raw[m] }
            return
        }
        let boxed = MoleculeBox.reboxed(structures, vacuum: v)
        for (m, s) in zip(members, boxed) {
            raw[m]?.structure = s
            systems[m] = raw[m]
        }
        if options.vacuum != nil {
            let edges = boxed.first.map { $0.lattice.lengths } ?? .zero
            notes.append(
                "re-boxed \(members.joined(separator: ", ")) to \(PlanText.number(v)) Å vacuum: box \(PlanText.number((edges.x * 100).rounded() / 100)) × \(PlanText.number((edges.y * 100).rounded() / 100)) × \(PlanText.number((edges.z * 100).rounded() / 100)) Å"
            )
        }
    }

    /// Slabs (an NEB's end points together) given `--vacuum` along their normal only; the in-plane
    /// cell and positions are kept.
    mutating func reboxSlabs(_ members: [String], raw: inout [String: ResolvedSystem]) {
        let normals = Set(members.compactMap { raw[$0]?.slabNormal })
        guard let v = options.vacuum, normals.count == 1, let normal = normals.first else {
            for m in members { systems[m] = raw[m] }
            return
        }
        let boxed = MoleculeBox.reboxedSlabs(members.compactMap { raw[$0]?.structure }, normal: normal, vacuum: v)
        for (m, s) in zip(members, boxed) {
            raw[m]?.structure = s
            systems[m] = raw[m]
        }
        let axis = ["a", "b", "c"][normal]
        let edge = boxed.first.map { $0.lattice.lengths[normal] } ?? 0
        notes.append(
            "re-boxed the slab\(members.count == 1 ? "" : "s") \(members.joined(separator: ", ")) to \(PlanText.number(v)) Å vacuum along the normal \(axis) only (|\(axis)| = \(PlanText.number((edge * 100).rounded() / 100)) Å; the in-plane cell is kept)"
        )
    }

    /// Reads one system's structure and settles its charge, multiplicity, fixed atoms and moments.
    mutating func readSystem(_ entry: SystemEntry) -> ResolvedSystem? {
        let path = PathText.resolve(entry.file, against: manifest.structuresFolder)
        let indexed = indexEntry(for: entry)
        if let message = indexed.error {
            errors.append("system \(entry.name) (\(entry.location)): \(message)")
            return nil
        }
        let poscar: Poscar
        do {
            poscar = try Poscar.read(path: path)
        } catch {
            errors.append("system \(entry.name) (\(entry.location)): \(error)")
            return nil
        }
        for w in poscar.warnings { warnings.append("system \(entry.name): \(w)") }
        guard let charge = entry.charge ?? indexed.entry?.charge else {
            errors.append(
                "system \(entry.name) (\(entry.location)): no charge: state 'charge:' in the manifest or give the structure an entry in \(index?.file ?? "a structure index (index:)")"
            )
            return nil
        }
        guard let multiplicity = entry.multiplicity ?? indexed.entry?.multiplicity else {
            errors.append(
                "system \(entry.name) (\(entry.location)): no multiplicity: state 'multiplicity:' in the manifest or give the structure an entry in \(index?.file ?? "a structure index (index:)")"
            )
            return nil
        }
        var structure = poscar.structure
        structure.charge = Double(charge)
        // The index's kind and settings for what the manifest's system leaves open (its incar below the system's).
        var entry = entry
        if !entry.kindDeclared, let kind = indexed.entry?.kind {
            entry.kind = kind
            entry.kindDeclared = true
        }
        if let tags = indexed.entry?.incar { entry.incar = entry.incar.map { $0.applied(to: tags) } ?? tags }
        if entry.kpoints == nil { entry.kpoints = indexed.entry?.kpoints }
        let periodicity = Periodicity.of(structure)
        if let problem = Planner.kindProblem(entry, periodicity) {
            errors.append("system \(entry.name) (\(entry.location)): \(problem)")
            return nil
        }
        var slabNormal: Int? = nil
        if entry.kind == .slab, case .slab(let normal) = periodicity {
            slabNormal = normal
            let axis = ["a", "b", "c"][normal]
            notes.append(
                "system \(entry.name): slab, normal \(axis): IDIPOL = \(normal + 1), LDIPOL = .TRUE., DIPOL at its centre of mass; one k-point division along \(axis); --vacuum changes \(axis) only"
            )
        }
        let fixed = entry.fixed ?? indexed.entry?.fixed ?? []
        let outside = fixed.filter { $0 >= structure.count }
        if !outside.isEmpty {
            errors.append(
                "system \(entry.name): fixed atom indices \(outside.prefix(5).map(String.init).joined(separator: ", ")) beyond its \(structure.count) atoms (indices are 0-based)"
            )
            return nil
        }
        if !fixed.isEmpty {
            // Two sources that name the same atoms say nothing new; two that differ are merged, and said so.
            if let flags = structure.selectiveDynamics, case let fromFile = flags.indices.filter({ flags[$0] != .free }),
                !fromFile.isEmpty, Set(fromFile) != Set(fixed)
            {
                notes.append(
                    "system \(entry.name): fixed atoms from two sources merged: \(entry.file)'s Selective dynamics (\(AtomRanges.text(fromFile))) and the \(entry.fixed != nil ? "manifest" : "index") (\(AtomRanges.text(fixed)))"
                )
            }
            var flags = structure.selectiveDynamics ?? Array(repeating: .free, count: structure.count)
            for i in fixed { flags[i] = .fixed }
            structure.selectiveDynamics = flags
        }
        // Species grouped as they will be written (the POTCAR order); the identity for a POSCAR.
        let permutation = Planner.grouping(structure.species)
        if permutation != Array(0..<structure.count) {
            structure = Planner.permuted(structure, permutation)
            warnings.append(
                "system \(entry.name): atoms regrouped by species when written (\(entry.file) repeats a species block); atom indices in its CONTCAR differ from the file's"
            )
        }
        var magmom = indexed.entry?.magmom ?? [:]
        magmom.merge(entry.magmom ?? [:]) { _, new in new }
        return ResolvedSystem(
            entry: entry, path: path, structure: structure, charge: charge, multiplicity: multiplicity, magmom: magmom,
            spin: entry.spin ?? indexed.entry?.spin, slabNormal: slabNormal)
    }

    /// The error when the declared kind contradicts the geometry, with the fix; `nil` when they agree.
    /// A molecule declared (or left at the default) whose atoms bond into a periodic network is the
    /// dangerous case: re-boxing it (`--vacuum`) would cut the slab or solid into a cluster.
    static func kindProblem(_ entry: SystemEntry, _ found: Periodicity) -> String? {
        let declared = "declared kind \(entry.kind.rawValue)\(entry.kindDeclared ? "" : " (the default)")"
        let fix: SystemKind?
        switch (entry.kind, found) {
        case (.molecule, .molecule), (.slab, .slab), (.bulk, .bulk), (.bulk, .wire), (.bulk, .obliqueSlab): return nil
        case (_, .molecule): fix = .molecule
        case (_, .slab): fix = .slab
        case (_, .bulk), (.molecule, .wire), (.molecule, .obliqueSlab): fix = .bulk
        case (.slab, .wire), (.slab, .obliqueSlab): fix = .bulk
        }
        var text = "\(declared), but the structure is \(found.description): set `kind: \(fix?.rawValue ?? "bulk")` on the system"
        switch (entry.kind, found) {
        case (.molecule, _):
            text += " (re-boxing it as a molecule, --vacuum, would cut the periodic structure into a cluster)"
        case (.slab, .obliqueSlab):
            text =
                "\(declared), but the structure is \(found.description): rebuild the cell with the slab in the plane of two lattice vectors, or set `kind: bulk`"
        default: break
        }
        return text
    }

    /// The index entry of a system: named by `index`, else same file, else same name.
    func indexEntry(for entry: SystemEntry) -> (entry: StructureIndex.Entry?, error: String?) {
        guard let index else {
            if let name = entry.indexEntry { return (nil, "names index entry '\(name)' but the manifest has no 'index:'") }
            return (nil, nil)
        }
        return index.entry(for: entry, structuresFolder: manifest.structuresFolder)
    }

    /// Atom indices species by species in order of first appearance (POSCAR's grouping).
    static func grouping(_ species: [String]) -> [Int] {
        var buckets: [String: [Int]] = [:]
        for (i, s) in species.enumerated() { buckets[s, default: []].append(i) }
        return firstAppearance(species).flatMap { buckets[$0] ?? [] }
    }

    /// Two cells equal to 1e-4 Å in every lattice-vector component.
    static func sameLattice(_ a: Lattice, _ b: Lattice) -> Bool {
        let d = [a.a - b.a, a.b - b.b, a.c - b.c]
        return d.allSatisfy { abs($0.x) <= 1e-4 && abs($0.y) <= 1e-4 && abs($0.z) <= 1e-4 }
    }

    static func firstAppearance(_ species: [String]) -> [String] {
        var seen: Set<String> = []
        return species.filter { seen.insert($0).inserted }
    }

    static func permuted(_ s: Structure, _ p: [Int]) -> Structure {
        Structure(
            lattice: s.lattice, species: p.map { s.species[$0] }, fractionalPositions: p.map { s.fractionalPositions[$0] },
            selectiveDynamics: s.selectiveDynamics.map { flags in p.map { flags[$0] } }, charge: s.charge)
    }

    // MARK: One calculation

    /// What a calculation is made of before the input set is applied.
    struct Setup {
        var geometry: PlannedCalculation.Geometry
        var system: ResolvedSystem
        var label: String
        var stageIn: [String]
        var nebImages: Int?
        var structure: Structure {
            switch geometry {
            case .single(let s): return s
            case .neb(let path, _): return path.images[0]
            }
        }
    }

    /// Messages collected for one calculation.
    struct Messages {
        var errors: [String] = []
        var warnings: [String] = []
        var notes: [String] = []
    }

    mutating func plan(_ calc: CalculationEntry) -> PlannedCalculation? {
        guard let set = sets.set(named: calc.set) else { return nil }
        var messages = Messages()
        guard let setup = self.setup(calc, set: set, messages: &messages) else {
            errors += messages.errors.map { "\(calc.name): \($0)" }
            return nil
        }
        let structure = setup.structure
        let speciesOrder = Planner.firstAppearance(structure.species)
        let potcar = self.potcar(for: speciesOrder, calc: calc, set: set)
        let context = InputContext(
            structure: structure, charge: setup.system.charge, multiplicity: setup.system.multiplicity, spin: setup.system.spin,
            kind: setup.system.entry.kind, slabNormal: setup.system.slabNormal, systemMagmom: setup.system.magmom, calculationMagmom: calc.magmom ?? [:],
            overrides: calc.incar.applied(to: setup.system.entry.incar ?? IncarSettings()),
            kpoints: calc.kpoints ?? setup.system.entry.kpoints, potcar: potcar, speciesOrder: speciesOrder,
            nebImages: setup.nebImages, title: "\(manifest.study): \(calc.name)")
        let inputs = set.apply(context)
        messages.errors += inputs.errors + runGuards(geometry: setup.geometry, inputs: inputs, system: setup.system, structure: structure)
        messages.warnings += inputs.warnings + Planner.cutoffBelowEnmax(inputs.incar, potcar: potcar)
        messages.notes += inputs.notes
        switch setup.system.entry.kind {
        case .molecule: messages.warnings += Guards.vacuum(structure)
        case .slab: messages.warnings += setup.system.slabNormal.map { Guards.vacuum(structure, along: [$0]) } ?? []
        case .bulk: break
        }
        if let problem = Guards.folderNameProblem(calc.name) { messages.errors.append(problem) }
        let jobScript = self.jobScript(calc, set: set, setup: setup, inputs: inputs, errors: &messages.errors)
        let system = setup.system
        return PlannedCalculation(
            name: calc.name, set: calc.set, system: setup.label, geometry: setup.geometry,
            poscarComment: "\(setup.label): \(system.entry.file) (charge \(system.charge), 2S+1 = \(system.multiplicity))",
            incar: inputs.incar, kpoints: inputs.kpoints, potcar: potcar, atoms: structure.count, charge: system.charge,
            multiplicity: system.multiplicity, nelect: inputs.nelect, dependencies: calc.dependencies, jobScript: jobScript,
            existingOutputs: Guards.outputsPresent(in: PathText.resolve(calc.name, against: options.outputFolder)),
            notes: messages.notes, warnings: messages.warnings, errors: messages.errors)
    }

    /// The geometry, system and stage-in lines of a calculation; `nil` (with errors) when its
    /// system could not be read or its NEB images not made.
    mutating func setup(_ calc: CalculationEntry, set: InputSet, messages: inout Messages) -> Setup? {
        if let neb = calc.neb {
            guard
                let (geometry, system, label) = nebGeometry(
                    calc, neb, set: set, errors: &messages.errors, warnings: &messages.warnings, notes: &messages.notes)
            else { return nil }
            guard case .neb(let path, _) = geometry else { return nil }
            let last = path.images.count - 1
            let settings = calc.job.applied(to: set.job.applied(to: manifest.job))
            let stageIn = JobScript.nebStageIn(
                initial: PathText.relative(neb.initial, from: calc.name), final: PathText.relative(neb.final, from: calc.name),
                names: (neb.initial, neb.final), intermediate: last - 1, method: neb.interpolation ?? set.interpolation ?? .idpp,
                cascade: settings["cascade"] ?? "cascade")
            return Setup(geometry: geometry, system: system, label: label, stageIn: stageIn, nebImages: last - 1)
        }
        guard let name = calc.system, let system = systems[name] else {
            messages.errors.append("its system \(calc.system ?? "?") could not be used (see its error above)")
            return nil
        }
        if let cut = calc.fragmentOf {
            return fragmentSetup(calc, cut: cut, system: system, settings: calc.job.applied(to: set.job.applied(to: manifest.job)), messages: &messages)
        }
        var stageIn: [String] = []
        if let from = calc.from {
            stageIn = JobScript.stageIn(from: PathText.relative(from, from: calc.name), sourceName: from, to: "POSCAR", outcar: false)
            if let other = manifest.calculation(named: from)?.system, other != name {
                messages.warnings.append("starts from \(from), a calculation of another system (\(other))")
            }
        }
        return Setup(geometry: .single(system.structure), system: system, label: name, stageIn: stageIn, nebImages: nil)
    }

    /// A frozen fragment: the atoms chosen on the source calculation's structure, in its cell, with the
    /// fragment's own system for charge, spin and moments (its composition must match). At run time the
    /// job cuts the same atoms out of the source's relaxed CONTCAR (`cascade fragment`).
    func fragmentSetup(_ calc: CalculationEntry, cut: FragmentCut, system: ResolvedSystem, settings: JobSettings, messages: inout Messages) -> Setup? {
        guard let sourceName = manifest.calculation(named: cut.source)?.system, let source = systems[sourceName] else {
            messages.errors.append("fragment_of \(cut.source): its system could not be used (see its error above)")
            return nil
        }
        let whole = source.structure
        let atoms: [Int]
        switch cut.selection {
        case .atoms(let list):
            guard list.allSatisfy({ $0 < whole.count }) else {
                messages.errors.append("fragment of \(cut.source): atom indices beyond its \(whole.count) atoms (0-based)")
                return nil
            }
            atoms = list
        case .contains(let elements), .excluding(let elements):
            let chosen = FragmentResolver.resolve([FragmentGroup(name: "fragment", contains: elements)], on: whole).atoms.first ?? []
            if case .contains = cut.selection { atoms = chosen } else { atoms = (0..<whole.count).filter { !chosen.contains($0) } }
        }
        guard !atoms.isEmpty else {
            messages.errors.append("fragment of \(cut.source) (\(cut.selection.description)) selects no atom")
            return nil
        }
        let fragment = Structure(
            lattice: whole.lattice, species: atoms.map { whole.species[$0] }, fractionalPositions: atoms.map { whole.fractionalPositions[$0] },
            charge: Double(system.charge))
        if fragment.species.sorted() != system.structure.species.sorted() {
            messages.errors.append(
                "fragment of \(cut.source) (\(cut.selection.description)) is \(fragment.formula) (\(fragment.count) atoms) but its system \(system.entry.name) is \(system.structure.formula) (\(system.structure.count) atoms): choose the atoms of that system"
            )
            return nil
        }
        if Planner.grouping(fragment.species) != Array(0..<fragment.count) {
            messages.errors.append("fragment of \(cut.source): the chosen atoms are not grouped by species in its order; list them so that they are")
            return nil
        }
        var resolved = system
        resolved.structure = fragment
        messages.notes.append(
            "frozen fragment: \(fragment.count) atoms (\(cut.selection.description)) cut from \(cut.source) in its cell; job.sh cuts them from its relaxed CONTCAR at run time"
        )
        let stageIn = JobScript.fragmentStageIn(
            from: PathText.relative(cut.source, from: calc.name), sourceName: cut.source, atoms: atoms, cascade: settings["cascade"] ?? "cascade")
        return Setup(geometry: .single(fragment), system: resolved, label: system.entry.name, stageIn: stageIn, nebImages: nil)
    }

    /// The pseudopotentials for the species in order (labels chosen by calculation > manifest > set).
    mutating func potcar(for speciesOrder: [String], calc: CalculationEntry, set: InputSet) -> Potcar {
        let labels = speciesOrder.map { element -> String in
            let (label, warning) = InputSet.potcarLabel(
                for: element, calculation: calc.potcars, manifest: manifest.potcars, set: set.potcars)
            if let warning, !labelWarnings.contains(warning) { labelWarnings.append(warning) }
            return label
        }
        switch potcarFor(labels) {
        case .success(let p): return p
        case .failure(let e):
            if !errors.contains("\(e)") { errors.append("\(e)") }
            return Potcar.fromBuiltinTable(labels: labels)
        }
    }

    /// The rendered job script (empty, with an error, when the template cannot be read or rendered).
    mutating func jobScript(_ calc: CalculationEntry, set: InputSet, setup: Setup, inputs: AppliedInputs, errors: inout [String]) -> String {
        let settings = calc.job.applied(to: set.job.applied(to: manifest.job))
        if let images = setup.nebImages {
            errors += Guards.nebCores(images: images, nodes: settings["nodes"], tasksPerNode: settings["ntasks_per_node"])
        }
        switch templateFor(settings.template) {
        case .failure(let e):
            errors.append("\(e)")
            return ""
        case .success(let template):
            let values = JobScript.values(
                settings: settings, study: manifest.study, calculation: calc.name, set: set.name, system: setup.label,
                stageIn: setup.stageIn, gammaOnly: Planner.isGammaOnly(inputs.kpoints),
                postProcess: inputs.incar.bool("LAECHG") == true
                    ? JobScript.baderPostProcess(cascade: settings["cascade"] ?? "cascade", bader: settings["bader"] ?? "bader") : [])
            do {
                return try template.render(values)
            } catch {
                errors.append("\(error)")
                return ""
            }
        }
    }

    func runGuards(geometry: PlannedCalculation.Geometry, inputs: AppliedInputs, system: ResolvedSystem, structure: Structure) -> [String] {
        var out: [String] = []
        switch geometry {
        case .single(let s): out += Guards.closeAtoms(s)
        case .neb(let path, _):
            for (k, image) in path.images.enumerated() {
                out += Guards.closeAtoms(image).map { "image \(k < 10 ? "0\(k)" : "\(k)"): \($0)" }
            }
        }
        out += Guards.electronParity(nelect: inputs.nelect, incar: inputs.incar)
        out += Guards.multiplicityParity(nelect: inputs.nelect, multiplicity: system.multiplicity)
        out += Guards.vtstOptimizer(inputs.incar)
        out += Guards.tetrahedron(inputs.incar, kpoints: inputs.kpoints, lattice: structure.lattice)
        out += Guards.magmomLength(inputs.incar, atoms: structure.count)
        return out
    }

    static func isGammaOnly(_ k: Kpoints) -> Bool {
        if case .mesh(let m) = k.mode { return m.divisions == SIMD3(1, 1, 1) && m.centering == .gamma && m.shift == .zero }
        return false
    }

    mutating func potcarFor(_ labels: [String]) -> Result<Potcar, StudyError> {
        if let cached = potcars[labels] { return cached }
        let result: Result<Potcar, StudyError>
        if let library = options.potcarLibrary {
            do {
                let p = try Potcar.assemble(labels: labels, library: library)
                for w in p.warnings { if !warnings.contains("\(w)") { warnings.append("\(w)") } }
                result = .success(p)
            } catch {
                result = .failure(.cannotRead(file: library.root, reason: "\(error)"))
            }
        } else {
            let p = Potcar.fromBuiltinTable(labels: labels)
            for w in p.warnings.dropFirst() where !warnings.contains(w.message) { warnings.append(w.message) }
            result = .success(p)
        }
        potcars[labels] = result
        return result
    }

    mutating func templateFor(_ path: String?) -> Result<JobTemplate, StudyError> {
        guard let path else { return .success(.standard) }
        if let cached = templates[path] { return cached }
        let result: Result<JobTemplate, StudyError>
        do {
            result = .success(try JobTemplate.load(path: path))
        } catch let e as StudyError {
            result = .failure(e)
        } catch {
            result = .failure(.cannotRead(file: path, reason: "\(error)"))
        }
        templates[path] = result
        return result
    }

    // MARK: NEB

    /// The images of an NEB calculation, its system (the initial state's) and label.
    mutating func nebGeometry(
        _ calc: CalculationEntry, _ neb: NEBEntry, set: InputSet,
        errors: inout [String], warnings: inout [String], notes: inout [String]
    ) -> (PlannedCalculation.Geometry, ResolvedSystem, String)? {
        guard let initialCalc = manifest.calculation(named: neb.initial), let finalCalc = manifest.calculation(named: neb.final) else {
            errors.append("end point calculations \(neb.initial), \(neb.final) not found")
            return nil
        }
        guard let a = initialCalc.system, let b = finalCalc.system else {
            errors.append("the end points \(neb.initial) and \(neb.final) must be single-structure calculations")
            return nil
        }
        guard let initial = systems[a], let final = systems[b] else {
            errors.append("an end-point system (\(a), \(b)) could not be used (see its error above)")
            return nil
        }
        let freeSpin = (initial.spin ?? set.spin) == .free && (final.spin ?? set.spin) == .free
        if initial.charge != final.charge || (initial.multiplicity != final.multiplicity && !freeSpin) {
            errors.append(
                "the end points differ in charge or multiplicity (\(a): \(initial.charge), \(initial.multiplicity); \(b): \(final.charge), \(final.multiplicity)): NEB images share one electron count and spin state"
            )
        } else if initial.multiplicity != final.multiplicity {
            notes.append(
                "the end points start from different spin states (2S+1 = \(initial.multiplicity), \(final.multiplicity)); the band runs with the spin free (no NUPDOWN), MAGMOM from \(a)"
            )
        }
        var start = initial.structure
        var end = final.structure
        var relaxed: [String] = []
        if let s = relaxedEndPoint(neb.initial, like: start, warnings: &warnings) {
            start = s
            relaxed.append(neb.initial)
        }
        if let s = relaxedEndPoint(neb.final, like: end, warnings: &warnings) {
            end = s
            relaxed.append(neb.final)
        }
        if relaxed.count == 2 {
            notes.append(
                "images interpolated between the relaxed end points (CONTCAR of \(neb.initial) and \(neb.final)); job.sh interpolates them again from those CONTCARs at run time"
            )
        } else {
            notes.append(
                "the images written now are a preview between the starting structures of \(a) and \(b): job.sh replaces them at run time by images interpolated between the relaxed CONTCARs (cascade images), so the band never starts from unrelaxed end points"
            )
        }
        let images = neb.images ?? set.images ?? 5
        let method = neb.interpolation ?? set.interpolation ?? .idpp
        do {
            let path =
                method == .idpp
                ? try idppImages(from: start, to: end, intermediate: images)
                : try linearImages(from: start, to: end, intermediate: images)
            warnings += path.warnings
            return (.neb(path, method: method), initial, "\(a) → \(b)")
        } catch {
            errors.append("NEB images between \(a) and \(b): \(error)")
            return nil
        }
    }

    /// The relaxed structure of an end-point calculation already run in the output folder, when
    /// its CONTCAR exists and lists the same atoms.
    func relaxedEndPoint(_ calc: String, like reference: Structure, warnings: inout [String]) -> Structure? {
        let path = PathText.resolve(calc, against: options.outputFolder) + "/CONTCAR"
        guard FileSystem.exists(path) else { return nil }
        do {
            var s = try Poscar.read(path: path, species: Planner.firstAppearance(reference.species)).structure
            guard s.species == reference.species else {
                warnings.append("\(path) lists other atoms than \(calc)'s structure: not used for the images")
                return nil
            }
            s.charge = reference.charge
            if s.selectiveDynamics == nil { s.selectiveDynamics = reference.selectiveDynamics }
            return s
        } catch {
            warnings.append("\(path) could not be read (\(error)): the starting structure is used for the images")
            return nil
        }
    }

    // MARK: Quantities

    mutating func checkQuantities(_ planned: [PlannedCalculation] = []) {
        let q = manifest.quantities
        for energy in q.energies { checkEnergy(energy, planned: planned) }
        for pathway in q.pathways { checkPathway(pathway) }
        for bondSet in q.bonds { checkBonds(bondSet) }
        for fragments in q.fragments { checkFragments(fragments) }
        for density in q.densityDifferences { checkDensity(density, planned: planned) }
    }

    /// Δρ needs single-structure runs that write a CHGCAR (LCHARG) on one cell and one FFT grid. VASP
    /// sets the grid from the cell, ENCUT and PREC (NGXF = 2 × NGX for PREC = Normal/Accurate), so
    /// equal cells, ENCUT, PREC and NG*F tags give equal grids; with PREC = Low/Medium/High the fine grid
    /// follows ENAUG, which defaults to the largest EAUG of each system's POTCARs, so NGXF/NGYF/NGZF must
    /// then be pinned. Errors: an NEB calculation, cells that differ; warnings: the rest.
    mutating func checkDensity(_ d: DensityDifferenceDefinition, planned: [PlannedCalculation]) {
        let label = "density difference \(d.name) (\(d.location))"
        let names = [d.complex] + d.parts
        for name in names where manifest.calculation(named: name)?.neb != nil {
            errors.append("\(label): \(name) is an NEB calculation; Δρ takes the CHGCARs of single-structure runs")
            return
        }
        if let (whole, _) = structure(of: d.complex) {
            for part in d.parts {
                guard let (s, _) = structure(of: part) else { continue }
                let rows = [whole.lattice.a - s.lattice.a, whole.lattice.b - s.lattice.b, whole.lattice.c - s.lattice.c]
                let difference = rows.map { max(abs($0.x), abs($0.y), abs($0.z)) }.max() ?? 0
                if difference > 1e-4 {
                    errors.append(
                        "\(label): the cell of \(part) differs from the cell of \(d.complex) by up to \(GuardNumber.text(difference)) Å; Δρ needs one cell for all (build the structures in a common box)"
                    )
                }
            }
        }
        let incars = names.compactMap { name in planned.first { $0.name == name }.map { (name, $0.incar) } }
        for (name, incar) in incars where incar.bool("LCHARG") == false {
            warnings.append("\(label): \(name) has LCHARG = .FALSE.: it writes no CHGCAR")
        }
        for tag in ["ENCUT", "PREC", "NGX", "NGY", "NGZ", "NGXF", "NGYF", "NGZF", "ENAUG"] {
            let values = incars.map { "\($0.0) \($0.1.string(tag) ?? "default")" }
            if Set(incars.map { $0.1.string(tag)?.lowercased() ?? "" }).count > 1 {
                warnings.append("\(label): \(tag) differs (\(values.joined(separator: ", "))): the FFT grids will differ; use one value")
            }
        }
        let coarse = incars.filter { ["l", "m", "h"].contains($0.1.string("PREC")?.lowercased().first.map(String.init) ?? "n") && $0.1["NGXF"] == nil }
        if !coarse.isEmpty {
            warnings.append(
                "\(label): PREC = \(coarse[0].1.string("PREC") ?? "") sets the fine grid from ENAUG (the largest EAUG of each system's POTCARs): pin NGXF/NGYF/NGZF so that \(names.joined(separator: ", ")) share one grid"
            )
        }
    }

    /// The starting structure of a single-structure calculation.
    func structure(of calcName: String) -> (Structure, ResolvedSystem)? {
        guard let calc = manifest.calculation(named: calcName), let name = calc.system, let s = systems[name] else { return nil }
        return (s.structure, s)
    }

    mutating func checkEnergy(_ e: EnergyDefinition, planned: [PlannedCalculation] = []) {
        let label = "energy \(e.name) (\(e.location))"
        for name in [e.complex] + e.parts where manifest.calculation(named: name)?.neb != nil {
            errors.append("\(label): \(name) is an NEB calculation; energies take single-structure calculations")
            return
        }
        guard let (whole, wholeSystem) = structure(of: e.complex) else { return }
        var counts: [String: Int] = [:]
        for s in whole.species { counts[s, default: 0] += 1 }
        var charge = wholeSystem.charge
        for part in e.parts {
            guard let (s, system) = structure(of: part) else { return }
            for x in s.species { counts[x, default: 0] -= 1 }
            charge -= system.charge
        }
        let unbalanced = counts.filter { $0.value != 0 }.sorted { $0.key < $1.key }
        if !unbalanced.isEmpty {
            let list = unbalanced.map { "\($0.key) \($0.value > 0 ? "+" : "")\($0.value)" }.joined(separator: ", ")
            errors.append("\(label): the atoms do not balance between \(e.complex) and \(e.parts.joined(separator: " + ")) (\(list))")
        }
        if charge != 0 {
            warnings.append("\(label): the charges do not balance (complex − parts = \(charge) |e|)")
        }
        let terms = Array(Set([e.complex] + e.parts)).sorted().compactMap { name in planned.first { $0.name == name } }
        warnings += Planner.protocolMismatches(terms).map { "\(label): \($0)" }
    }

    /// ENCUT below the largest ENMAX of the POTCARs (read from the library; nothing is said without
    /// one): the basis is too small for that potential, and energies are not converged. No ENCUT at all
    /// means VASP takes that largest ENMAX itself.
    static func cutoffBelowEnmax(_ incar: Incar, potcar: Potcar) -> [String] {
        guard let encut = incar.double("ENCUT") else { return [] }
        let largest = potcar.singles.compactMap { s in s.enmax.map { (s.label, $0) } }.max { $0.1 < $1.1 }
        guard let (label, enmax) = largest, encut < enmax else { return [] }
        return [
            "ENCUT = \(PlanText.number(encut)) eV is below the largest ENMAX of its POTCARs (\(label) \(PlanText.number(enmax)) eV): raise ENCUT to at least \(PlanText.number(enmax)) eV (and use the same value in every term of an energy)"
        ]
    }

    /// The INCAR tags that change a total energy: a difference of energies is meaningful only when its
    /// terms agree on them. Smearing, k-points, the dipole correction, NUPDOWN/MAGMOM are not among them.
    /// LREAL is: real-space projection shifts the total energy by up to ~1 meV per atom, which cancels
    /// only when every term uses the same projection.
    static let energyTags = [
        "ENCUT", "PREC", "GGA", "METAGGA", "IVDW", "LASPH", "LREAL", "LDAU", "LDAUTYPE", "LDAUU", "LDAUJ", "LHFCALC", "HFSCREEN", "AEXX", "ISPIN"
    ]

    /// VASP's value of an energy tag that is not written (where "default" would hide an equality).
    static let energyTagDefaults = ["LREAL": ".FALSE."]

    /// What the terms of one energy (as written) disagree on: each tag of ``energyTags`` with its values,
    /// and the POTCAR of an element that differs between terms.
    static func protocolMismatches(_ terms: [PlannedCalculation]) -> [String] {
        guard terms.count > 1 else { return [] }
        var out: [String] = []
        for tag in energyTags {
            let values = terms.map { ($0.name, $0.incar.string(tag) ?? energyTagDefaults[tag] ?? "default") }
            if Set(values.map { $0.1.lowercased() }).count > 1 {
                out.append("\(tag) differs between its terms (\(values.map { "\($0.0) \($0.1)" }.joined(separator: ", "))): the energies are not comparable")
            }
        }
        var labels: [String: Set<String>] = [:]
        for t in terms {
            for label in t.potcar.labels { labels[PotcarSingle(label: label).element, default: []].insert(label) }
        }
        for (element, used) in labels.sorted(by: { $0.key < $1.key }) where used.count > 1 {
            out.append("\(element) uses different POTCARs between its terms (\(used.sorted().joined(separator: ", "))): the energies are not comparable")
        }
        return out
    }

    mutating func checkPathway(_ p: PathwayDefinition) {
        let label = "pathway \(p.name) (\(p.location))"
        let steps = p.steps.compactMap { manifest.calculation(named: $0) }
        for s in steps where s.neb == nil {
            errors.append("\(label): \(s.name) is not an NEB calculation")
            return
        }
        for (a, b) in zip(steps, steps.dropFirst()) where a.neb?.final != b.neb?.initial {
            warnings.append("\(label): \(a.name) ends at \(a.neb?.final ?? "?") but \(b.name) starts at \(b.neb?.initial ?? "?")")
        }
    }

    mutating func checkBonds(_ b: BondDefinition) {
        let label = "bond set \(b.name) (\(b.location))"
        var found: [String] = []
        for calc in b.calculations {
            guard let (s, _) = structure(of: calc) else { continue }
            let (pairs, problems) = FragmentResolver.bonds(b, on: s)
            errors += problems.map { "\(label), \(calc): \($0)" }
            if pairs.isEmpty {
                errors.append("\(label): no bond found in \(calc)'s starting structure")
            } else {
                found.append("\(calc) \(pairs.count)")
            }
        }
        if !found.isEmpty { notes.append("bond set \(b.name): \(found.joined(separator: ", ")) bonds in the starting structures") }
    }

    mutating func checkFragments(_ f: FragmentDefinition) {
        let label = "fragment set \(f.name) (\(f.location))"
        let targets = f.reference.map { [$0] } ?? f.calculations
        var summary: [String] = []
        for calc in targets {
            guard let (s, _) = structure(of: calc) else { continue }
            let (atoms, problems, loose) = FragmentResolver.resolve(f.groups, on: s)
            errors += problems.map { "\(label), \(calc): \($0)" }
            warnings += loose.map { "\(label), \(calc): \($0)" }
            summary.append("\(calc): " + zip(f.groups, atoms).map { "\($0.name) \($1.count)" }.joined(separator: ", "))
        }
        if let reference = f.reference, let (s, _) = structure(of: reference) {
            for calc in f.calculations {
                guard let (other, _) = structure(of: calc) else { continue }
                if other.species != s.species {
                    errors.append(
                        "\(label): \(calc) lists other atoms than the reference \(reference): fragments by reference need the same atoms in the same order")
                }
            }
        }
        if !summary.isEmpty { notes.append("fragment set \(f.name) (atoms): \(summary.joined(separator: "; "))") }
    }
}

/// Systems joined into groups (union–find on names).
struct SystemGroups {
    var names: [String]
    var parent: [String: String] = [:]

    init(names: [String]) {
        self.names = names
        for n in names { parent[n] = n }
    }

    func root(_ n: String) -> String {
        var n = n
        while let p = parent[n], p != n { n = p }
        return n
    }

    mutating func join(_ a: String, _ b: String) {
        guard parent[a] != nil, parent[b] != nil else { return }
        let (ra, rb) = (root(a), root(b))
        if ra != rb { parent[rb] = ra }
    }

    /// Groups in order of first appearance, members in name order of appearance.
    func groups() -> [[String]] {
        var order: [String] = []
        var members: [String: [String]] = [:]
        for n in names {
            let r = root(n)
            if members[r] == nil { order.append(r) }
            members[r, default: []].append(n)
        }
        return order.compactMap { members[$0] }
    }
}
