import Analysis
import Chemistry
import Dispatch
import Files
import Synchronization
import VASP

/// `cascade tabulate`: the status of every calculation of a manifest in a runs folder, then every
/// quantity the manifest names (energies, pathways, bonds, fragments, electronic, density differences), each number with its provenance
/// (files with SHA-256, VASP version, rule) or `n/a` with the reason. Nothing here throws on an
/// unfinished study: a missing input makes its quantity `n/a`.
///
/// A calculation `relax/tfsi` lives in `<runs>/relax/tfsi/` (what `cascade generate` writes); an NEB
/// calculation holds its images in `<runs>/<name>/00 … NN`. Only *converged* calculations feed numbers;
/// running, truncated or unconverged ones make the quantities that need them `n/a`.
public enum StudyTabulation {
    /// Called after each calculation is loaded: (done, total, calculation name). Called from worker
    /// threads, one call at a time.
    public typealias Progress = @Sendable (Int, Int, String) -> Void

    /// Loads every calculation concurrently (results in manifest order), then evaluates the quantities.
    public static func make(manifest: StudyManifest, runs: String, options: TabulationOptions = TabulationOptions(), progress: Progress? = nil)
        -> StudyTabulationResult
    {
        let root = PathText.trimmingTrailingSlash(runs)
        let facts = SystemFacts.resolve(manifest)
        let withDOS = Set(manifest.quantities.electronic.flatMap(\.calculations))
        let loaded = loadAll(manifest.calculations, root: root, facts: facts, withDOS: withDOS, options: options, progress: progress)
        let context = QuantityContext(
            manifest: manifest, runs: Dictionary(uniqueKeysWithValues: loaded.map { ($0.entry.name, $0) }), root: root, options: options)
        let energies = manifest.quantities.energies.map { context.energy($0) }
        var nebNames: [String] = []
        for p in manifest.quantities.pathways { for s in p.steps where !nebNames.contains(s) { nebNames.append(s) } }
        let nebs = nebNames.map { context.neb($0) }
        let byName = Dictionary(uniqueKeysWithValues: nebs.map { ($0.calculation, $0) })
        let pathways = manifest.quantities.pathways.map { context.pathway($0, nebs: byName) }
        let bonds = manifest.quantities.bonds.map { context.bondSet($0) }
        let fragments = manifest.quantities.fragments.map { context.fragmentSet($0) }
        let electronic = manifest.quantities.electronic.map { context.electronicSet($0) }
        let names = StudyTabulation.densityFileNames(manifest.quantities.densityDifferences)
        // One at a time: each holds three grids while it is evaluated, none is kept.
        let densities = zip(manifest.quantities.densityDifferences, names).map { context.densityDifference($0, files: $1) }
        let noFolder = FileSystem.isDirectory(root) ? [] : ["the runs folder \(root) does not exist: every calculation is missing (is --runs right?)"]
        let warnings = noFolder + loaded.flatMap { run in run.warnings.map { "\(run.entry.name): \($0)" } } + context.warnings
        return StudyTabulationResult(
            study: manifest.study, manifest: manifest.file, runs: root, statuses: loaded.map(\.status), energies: energies, nebs: nebs,
            pathways: pathways, bonds: bonds, fragments: fragments, warnings: warnings, electronic: electronic, densityDifferences: densities)
    }

    /// Writes `files` (name → text) into `folder` (created when needed), atomically. Refuses before
    /// writing anything when one of them exists and `force` is false.
    /// - Throws: ``StudyError/cannotWrite(file:reason:)``.
    public static func writeFiles(_ files: [(name: String, text: String)], folder: String, force: Bool) throws {
        let base = PathText.trimmingTrailingSlash(folder)
        if !force {
            let existing = files.map { "\(base)/\($0.name)" }.filter(FileSystem.exists)
            if let first = existing.first {
                throw StudyError.cannotWrite(file: first, reason: "\(existing.count) output file(s) exist; pass --force to replace them")
            }
        }
        try AtomicFile.makeFolders(base)
        for f in files { try AtomicFile.write(f.text, to: "\(base)/\(f.name)", force: force) }
    }

    // MARK: Loading

    /// One calculation as loaded.
    struct LoadedRun: Sendable {
        var entry: CalculationEntry
        var status: CalculationStatus
        var calculation: LoadedCalculation?
        /// The complete vasprun.xml, with its DOS for a calculation of an electronic set (read once).
        var vasprun: Vasprun?
        var band: LoadedNebBand?
        /// SHA-256 of each file read.
        var hashes: [String: String]
        var warnings: [String]
        /// The folder's POSCAR, read once for every use (the state guard, frozen atoms, a fragment reference) when
        /// the calculation converged; `nil` when not read (then a use reads it), `.failure` when unreadable or absent.
        var poscar: Result<Poscar, EarlierReadFailure>? = nil

        /// The folder's POSCAR: as read with the run, else read now.
        var folderPoscar: Poscar? {
            if let poscar { return try? poscar.get() }
            return try? Poscar.read(path: "\(status.folder)/POSCAR")
        }
    }

    static func loadAll(
        _ entries: [CalculationEntry], root: String, facts: [String: SystemFacts] = [:], withDOS: Set<String> = [], options: TabulationOptions,
        progress: Progress?
    )
        -> [LoadedRun]
    {
        let slots = Mutex<[LoadedRun?]>(Array(repeating: nil, count: entries.count))
        let done = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: entries.count) { i in
            let run = load(entries[i], root: root, facts: entries[i].system.flatMap { facts[$0] }, readDOS: withDOS.contains(entries[i].name), options: options)
            slots.withLock { $0[i] = run }
            done.withLock { count in
                count += 1
                progress?(count, entries.count, entries[i].name)
            }
        }
        return slots.withLock { $0.compactMap { $0 } }
    }

    /// `readDOS`: the calculation belongs to an electronic set, so its vasprun.xml is read with the DOS
    /// (once, for the status and the descriptors).
    static func load(_ entry: CalculationEntry, root: String, facts: SystemFacts? = nil, readDOS: Bool = false, options: TabulationOptions) -> LoadedRun {
        let folder = "\(root)/\(entry.name)"
        if entry.neb != nil { return loadBand(entry, folder: folder, options: options) }
        // Every file is hashed in the read that parses it (each file read once).
        var hashes = FileHashes(enabled: options.hashFiles)
        let probe = RunStatus.probe(folder: folder, readDOS: readDOS, options: options, hashes: &hashes)
        var run = LoadedRun(
            entry: entry,
            status: CalculationStatus(
                name: entry.name, folder: folder, isNeb: false, state: probe.state, reason: probe.reason,
                finalEnergy: probe.energy, vaspVersion: probe.vaspVersion),
            calculation: nil, vasprun: nil, band: nil, hashes: [:], warnings: [])
        run.status.magnetization = probe.magnetization
        run.vasprun = probe.vasprun
        guard !probe.outputs.isEmpty else { return run }
        do {
            // A complete vasprun.xml is what CalculationLoader.load would pick: reuse the status read; else
            // the loader's choice, from what the status look parsed (or failed to).
            let calc =
                try probe.vasprun.map {
                    CalculationLoader.fromVasprun($0, path: RunLoader.vasprunPath(for: folder), input: folder, warnings: [])
                } ?? CalculationLoader.load(folder: folder, parsed: probe.parsed, hashes: &hashes)
            run.calculation = calc
            // A run that is not converged feeds no number, and the status table already says why.
            if probe.state == .converged { run.warnings += calc.warnings }
            let hash = hashes.hash(of: calc.file)
            if let hash { run.hashes[calc.file] = hash }
            run.status.files = [SourceFile(path: calc.file, sha256: hash, vaspVersion: calc.settings.vaspVersion)]
            run.status.finalEnergy = calc.energy
            if probe.state == .converged {
                let path = "\(folder)/POSCAR"
                run.poscar = Result { try Poscar.read(path: path) }.mapError { EarlierReadFailure(description: "\($0)") }
            }
            if probe.state == .converged, let guarded = StateGuards.check(calc, folder: folder, facts: facts, poscar: try? run.poscar?.get()) {
                run.status.state = guarded.state
                run.status.reason = guarded.reason
            }
        } catch {
            run.warnings.append("\(error)")
        }
        return run
    }

    static func loadBand(_ entry: CalculationEntry, folder: String, options: TabulationOptions) -> LoadedRun {
        var hashes = FileHashes(enabled: options.hashFiles)
        let probe = RunStatus.probeBand(folder: folder, options: options, hashes: &hashes)
        let version = probe.version
        var run = LoadedRun(
            entry: entry,
            status: CalculationStatus(
                name: entry.name, folder: folder, isNeb: true, state: probe.state, reason: probe.reason, vaspVersion: version, images: probe.images),
            calculation: nil, vasprun: nil, band: nil, hashes: [:], warnings: [])
        guard !probe.images.isEmpty else { return run }
        do {
            // The images' outputs as the status look parsed them: each file is read once.
            let band = try NebLoader.load(folder, parsed: probe.parsed, hashes: &hashes)
            run.band = band
            // End points without an energy are filled from the manifest's initial:/final: (or say why not) in the NEB quantity.
            run.warnings += band.warnings.filter { !$0.hasPrefix(LoadedNebBand.missingEnergyPrefix) }
            var files: [SourceFile] = []
            for image in band.images {
                for path in [image.energyFile, image.forceFile, image.structureFile].compactMap({ $0 }) where run.hashes[path] == nil {
                    let hash = hashes.hash(of: path)
                    run.hashes[path] = hash ?? ""
                    files.append(SourceFile(path: path, sha256: hash, vaspVersion: image.energyFile == path ? version : nil))
                }
            }
            run.status.files = files
        } catch {
            run.warnings.append("\(error)")
        }
        return run
    }
}

/// Evaluates the manifest's quantities on the loaded runs.
struct QuantityContext {
    let manifest: StudyManifest
    let runs: [String: StudyTabulation.LoadedRun]
    let options: TabulationOptions
    /// The runs folder.
    let root: String
    var warnings: [String] = []

    init(manifest: StudyManifest, runs: [String: StudyTabulation.LoadedRun], root: String, options: TabulationOptions) {
        self.manifest = manifest
        self.root = root
        self.runs = runs
        self.options = options
    }

    /// The converged calculation named `name`, or why it cannot be used.
    func usable(_ name: String) -> Result<LoadedCalculation, Unavailable> {
        guard let run = runs[name] else { return .failure(Unavailable("\(name) is not a calculation of the manifest")) }
        guard run.status.state == .converged else {
            return .failure(Unavailable("\(name) is \(run.status.state.rawValue): \(run.status.reason)"))
        }
        guard let calc = run.calculation, calc.energy != nil else {
            return .failure(Unavailable("\(name): no energy could be read"))
        }
        return .success(calc)
    }

    /// The provenance entry of a loaded calculation's energy file.
    func sourceFile(_ name: String) -> SourceFile? {
        runs[name]?.status.files.first
    }

    // MARK: Energies

    func energy(_ d: EnergyDefinition) -> TabulatedEnergy {
        var order: [String] = []
        var coefficient: [String: Double] = [:]
        for part in d.parts {
            if coefficient[part] == nil { order.append(part) }
            coefficient[part, default: 0] -= 1
        }
        let names = [d.complex] + order
        var reasons: [String] = []
        var terms: [TabulatedTerm] = []
        var calcs: [String: LoadedCalculation] = [:]
        for name in names {
            let c = name == d.complex ? 1.0 : coefficient[name] ?? -1
            switch usable(name) {
            case .success(let calc):
                calcs[name] = calc
                terms.append(TabulatedTerm(calculation: name, coefficient: c, energy: calc.energy))
            case .failure(let why):
                reasons.append(why.reason)
                terms.append(TabulatedTerm(calculation: name, coefficient: c, energy: nil))
            }
        }
        let files = names.compactMap(sourceFile)
        let rules = names.compactMap { calcs[$0]?.rule }.uniqueInOrder()
        let provenance = Provenance(
            files: files, rule: "E = E(\(d.complex)) − Σ E(parts); each E: " + (rules.isEmpty ? CalculationLoader.vasprunRule : rules.joined(separator: " / ")))
        if reasons.isEmpty { reasons += frozenAtomMismatches(complex: d.complex, parts: order, calcs: calcs) }
        guard reasons.isEmpty, let complex = calcs[d.complex]?.energyTerm(label: d.complex) else {
            return TabulatedEnergy(
                name: d.name, source: d.source, terms: terms, value: nil, reason: reasons.joined(separator: "; "), issues: [], provenance: provenance)
        }
        let reactants = order.compactMap { name in calcs[name]?.energyTerm(label: name).map { (coefficient: -(coefficient[name] ?? -1), term: $0) } }
        let result = reactionEnergy(reactants: reactants, products: [(1, complex)])
        return TabulatedEnergy(
            name: d.name, source: d.source, terms: terms, value: result.value, reason: nil, issues: result.issues.map(\.description), provenance: provenance)
    }

    /// Largest deviation (Å) allowed between the frozen atoms of a part and of the complex after superposition.
    static let frozenAtomTolerance = 0.01

    /// The parts whose frozen atoms (fixed in all three directions) do not coincide with the complex's after
    /// the best rigid superposition: E = E(complex) − Σ E(parts) then carries the strain of atoms that could
    /// not relax. Compared when part and complex freeze the same number of atoms with the same species in
    /// the same order (a cluster model cut from one framework); otherwise nothing is said.
    func frozenAtomMismatches(complex: String, parts: [String], calcs: [String: LoadedCalculation]) -> [String] {
        guard let whole = calcs[complex].flatMap({ frozenAtoms($0, name: complex) }) else { return [] }
        return parts.compactMap { part -> String? in
            guard let frozen = calcs[part].flatMap({ frozenAtoms($0, name: part) }), frozen.species == whole.species,
                let deviation = superpositionDeviation(whole.positions, frozen.positions), deviation.maximum > Self.frozenAtomTolerance
            else { return nil }
            let k = deviation.index
            return "the frozen atoms of \(part) and \(complex) differ by up to \(GuardNumber.text(deviation.maximum)) Å after superposition "
                + "(\(frozen.species[k])\(frozen.indices[k]) of \(part) vs \(whole.species[k])\(whole.indices[k]) of \(complex); RMSD \(GuardNumber.text(deviation.rmsd)) Å, "
                + "tolerance \(GuardNumber.text(Self.frozenAtomTolerance)) Å): the energy would carry the strain of atoms that cannot relax"
        }
    }

    /// The atoms fixed in all three directions (the output's flags, else the folder's POSCAR), with their
    /// species and final Cartesian positions; `nil` when fewer than three atoms are frozen.
    func frozenAtoms(_ calc: LoadedCalculation, name: String) -> (indices: [Int], species: [String], positions: [SIMD3<Double>])? {
        guard let structure = calc.structure, let run = runs[name] else { return nil }
        let flags = structure.selectiveDynamics ?? run.folderPoscar?.structure.selectiveDynamics
        guard let flags, flags.count == structure.count else { return nil }
        let indices = flags.indices.filter { flags[$0] == .fixed }
        guard indices.count >= 3 else { return nil }
        let cartesian = structure.cartesianPositions
        return (indices, indices.map { structure.species[$0] }, indices.map { cartesian[$0] })
    }

    // MARK: NEB and pathways

    static let nebRule =
        "barriers E_max − E(00) over the band 00…NN: VTST force-based cubic Hermite per interval from energies and tangential forces (nebspline.pl) and pymatgen's energy-only clamped spline (exact maximum); ΔE = E(NN) − E(00); energies E(σ→0) of the last ionic step (vasprun.xml, else OUTCAR `energy(sigma->0)`)"

    func neb(_ name: String) -> TabulatedNeb {
        guard let run = runs[name], let entry = run.entry.neb else {
            return TabulatedNeb(
                calculation: name, analysis: nil, energyFiles: [], barrierForceFit: nil, barrierEnergyFit: nil, reactionEnergy: nil,
                reason: "\(name) is not an NEB calculation", notes: [], provenance: Provenance(files: [], rule: Self.nebRule))
        }
        var notes: [String] = []
        var files = run.status.files
        let initial = usable(entry.initial)
        let final = usable(entry.final)
        guard var band = run.band else {
            // No band: ΔE from the end-point calculations alone.
            var dE: Double?
            var reasons = ["\(name) is \(run.status.state.rawValue): \(run.status.reason)"]
            if case .success(let a) = initial, case .success(let b) = final, let ea = a.energy, let eb = b.energy {
                dE = eb - ea
                files += [sourceFile(entry.initial), sourceFile(entry.final)].compactMap { $0 }
                notes.append("ΔE from the end-point calculations \(entry.initial) and \(entry.final)")
            } else {
                for case .failure(let why) in [initial, final] { reasons.append(why.reason) }
            }
            return TabulatedNeb(
                calculation: name, analysis: nil, energyFiles: [], barrierForceFit: nil, barrierEnergyFit: nil, reactionEnergy: dE,
                reason: reasons.joined(separator: "; "), notes: notes, provenance: Provenance(files: files, rule: Self.nebRule))
        }
        // End points without output take the energy (and structure) of the relaxation named as the end point.
        func source(_ name: String, _ result: Result<LoadedCalculation, Unavailable>) -> EndPointSource {
            switch result {
            case .success(let calc): return EndPointSource(name: name, calculation: calc)
            case .failure(let why): return EndPointSource(name: name, calculation: nil, problem: why.reason)
            }
        }
        let filled = band.fillEndPoints(initial: source(entry.initial, initial), final: source(entry.final, final))
        notes += filled.notes
        files += filled.used.compactMap(sourceFile)
        let analysis = band.analysis()
        notes += analysis.notes
        let last = band.images.count - 1
        let whole = analysis.fittedImages == 0...last
        let ends = (band.images.first?.image.energy, band.images.last?.image.energy)
        let reactionEnergy: Double? = ends.0.flatMap { a in ends.1.map { $0 - a } }
        var reasons: [String] = []
        var barrierForce: Double?
        var barrierEnergy: Double?
        if run.status.state != .converged {
            reasons.append("\(name) is \(run.status.state.rawValue): \(run.status.reason)")
        } else if !whole {
            reasons.append(
                "the band \(name) has no energy for image(s) \(analysis.missingEnergies.joined(separator: ", ")): no barrier from the initial state"
                    + (analysis.fittedImages.map {
                        " (the table shows the fit over images \(band.images[$0.lowerBound].image.label)…\(band.images[$0.upperBound].image.label), relative to \(band.images[$0.lowerBound].image.label))"
                    } ?? ""))
        } else {
            barrierForce = analysis.forceFit?.barrierForward
            barrierEnergy = analysis.energyFit?.barrierForward
            if barrierForce == nil { reasons.append("no force-based fit: \(analysis.notes.last ?? "tangential forces missing")") }
            if barrierEnergy == nil {
                reasons.append(
                    analysis.coordinates == nil
                        ? "no energy-only fit: no path coordinate (structures missing)"
                        : "no energy-only fit: the path coordinate does not increase between every pair of images (two images coincide)")
            }
        }
        // An end-point relaxation that is not the state it claims (collapsed) or not the calculation's
        // output (mismatch) makes the step meaningless, whatever the band's own images say.
        let invalidEnds = [entry.initial, entry.final].compactMap { runs[$0] }.filter { $0.status.state == .collapsed || $0.status.state == .mismatch }
        for end in invalidEnds {
            reasons.append("end point \(end.entry.name) is \(end.status.state.rawValue): \(end.status.reason)")
            barrierForce = nil
            barrierEnergy = nil
        }
        let endStates = [run.status.images.first, run.status.images.last].compactMap { $0 }.filter { $0.state != .missing && $0.state != .converged }
        var dE = reactionEnergy
        if dE != nil, let bad = endStates.first {
            reasons.append("end point \(bad.label) is \(bad.state.rawValue): \(bad.reason)")
            dE = nil
        }
        if !invalidEnds.isEmpty { dE = nil }
        if dE == nil && reactionEnergy == nil { reasons.append("an end point of \(name) has no energy: no ΔE") }
        return TabulatedNeb(
            calculation: name, analysis: analysis, energyFiles: band.images.map { $0.energyFile ?? "" }, barrierForceFit: barrierForce,
            barrierEnergyFit: barrierEnergy, reactionEnergy: dE, reason: reasons.isEmpty ? nil : reasons.joined(separator: "; "), notes: notes,
            provenance: Provenance(files: uniqueFiles(files), rule: Self.nebRule))
    }

    func pathway(_ d: PathwayDefinition, nebs: [String: TabulatedNeb]) -> TabulatedPathway {
        let steps = d.steps.map { name -> TabulatedStep in
            let n = nebs[name]
            let label = name.split(separator: "/").last.map(String.init) ?? name
            return TabulatedStep(
                calculation: name, name: label, reactionEnergy: n?.reactionEnergy, barrierForceFit: n?.barrierForceFit,
                barrierEnergyFit: n?.barrierEnergyFit, reasons: n?.reason.map { [$0] } ?? [],
                provenance: n?.provenance ?? Provenance(files: [], rule: Self.nebRule))
        }
        return TabulatedPathway(name: d.name, source: d.source, steps: steps)
    }

    // MARK: Bonds

    func bondSet(_ d: BondDefinition) -> TabulatedBondSet {
        var structures: [Structure?] = []
        var unavailable: [String?] = []
        for name in d.calculations {
            switch usable(name) {
            case .success(let calc) where calc.structure != nil:
                structures.append(calc.structure)
                unavailable.append(nil)
            case .success:
                structures.append(nil)
                unavailable.append("\(name): no structure in its output")
            case .failure(let why):
                structures.append(nil)
                unavailable.append(why.reason)
            }
        }
        let provenance = Provenance(
            files: d.calculations.compactMap(sourceFile),
            rule: "minimum-image distances in the final structures; pairs: "
                + (d.pairs != nil ? "the listed atom pairs" : "") + (d.pairs != nil && d.elements != nil ? " and " : "")
                + (d.elements.map {
                    "every \($0.joined(separator: "–")) pair "
                        + (d.within.map { "within \(GuardNumber.text($0)) Å" } ?? "within 1.2 × (r_cov,i + r_cov,j) (Cordero et al. 2008)")
                } ?? ""))
        let available = structures.compactMap { $0 }
        guard let first = available.first else {
            return TabulatedBondSet(
                name: d.name, source: d.source, calculations: d.calculations, rows: [], matching: "atom pairs",
                unavailable: unavailable, notes: ["no calculation of the set is available"], provenance: provenance)
        }
        if available.allSatisfy({ $0.species == first.species }) {
            return bondsByPairs(d, structures: structures, unavailable: unavailable, provenance: provenance)
        }
        return bondsByRank(d, structures: structures, unavailable: unavailable, provenance: provenance)
    }

    /// Same atoms in every calculation: the union of the pairs found in each, followed through all.
    func bondsByPairs(_ d: BondDefinition, structures: [Structure?], unavailable: [String?], provenance: Provenance) -> TabulatedBondSet {
        var seen = Set<[Int]>()
        var pairs: [(Int, Int)] = []
        for s in structures.compactMap({ $0 }) {
            for p in FragmentResolver.bonds(d, on: s).pairs where seen.insert([min(p.0, p.1), max(p.0, p.1)]).inserted {
                pairs.append((min(p.0, p.1), max(p.0, p.1)))
            }
        }
        pairs.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        let present = structures.indices.filter { structures[$0] != nil }
        let states = present.compactMap { structures[$0] }
        let traces = (try? bondTable(states, pairs: pairs)) ?? []
        let endsPresent = present.first == 0 && present.last == structures.count - 1
        let rows = traces.map { t -> TabulatedBond in
            var lengths = [Double?](repeating: nil, count: structures.count)
            var bonded = [Bool?](repeating: nil, count: structures.count)
            for (k, index) in present.enumerated() {
                lengths[index] = t.lengths[k]
                bonded[index] = t.bonded[k]
            }
            return TabulatedBond(
                label: t.label, lengths: lengths, broken: endsPresent ? t.broken : nil, formed: endsPresent ? t.formed : nil, bonded: bonded)
        }
        var notes = [
            "the calculations hold the same atoms in the same order: each bond is the same atom pair in every column; broken/formed compare the first and last calculation (bonded: d ≤ 1.2 × (r_cov,i + r_cov,j))"
        ]
        if !endsPresent { notes.append("the first or last calculation is unavailable: broken/formed not given") }
        return TabulatedBondSet(
            name: d.name, source: d.source, calculations: d.calculations, rows: rows, matching: "atom pairs",
            unavailable: unavailable, notes: notes, provenance: provenance)
    }

    /// Different atoms (a free molecule and the same molecule adsorbed): the bonds of each calculation
    /// sorted by length and matched by rank.
    func bondsByRank(_ d: BondDefinition, structures: [Structure?], unavailable: [String?], provenance: Provenance) -> TabulatedBondSet {
        let lists = structures.map { s in s.map { FragmentResolver.bonds(d, on: $0).pairs.map(\.2).sorted() } }
        let count = lists.compactMap { $0?.count }.max() ?? 0
        let name = d.elements?.joined(separator: "–") ?? "bond"
        let rows = (0..<count).map { k in
            TabulatedBond(label: "\(name) #\(k + 1)", lengths: lists.map { l in l.flatMap { k < $0.count ? $0[k] : nil } }, broken: nil, formed: nil)
        }
        var notes = ["the calculations hold different atoms: in each column the bonds are sorted by length and matched by rank (broken/formed cannot be told)"]
        let counts = zip(d.calculations, lists).compactMap { name, l in l.map { "\(name) \($0.count)" } }
        if Set(lists.compactMap { $0?.count }).count > 1 {
            notes.append("the number of bonds differs: \(counts.joined(separator: ", ")) — a bond broke or formed")
        }
        return TabulatedBondSet(
            name: d.name, source: d.source, calculations: d.calculations, rows: rows, matching: "rank of length",
            unavailable: unavailable, notes: notes, provenance: provenance)
    }

    // MARK: Fragments

    func fragmentSet(_ d: FragmentDefinition) -> TabulatedFragmentSet {
        var reference: Structure?
        var referenceProblem: String?
        if let ref = d.reference {
            let folder = "\(root)/\(ref)"
            let poscar = runs[ref].map(\.folderPoscar) ?? (try? Poscar.read(path: "\(folder)/POSCAR"))
            if let p = poscar {
                reference = p.structure
            } else if case .success(let calc) = usable(ref), let s = calc.structure {
                reference = s
            } else {
                referenceProblem = "the reference \(ref) has no POSCAR and no usable structure"
            }
        }
        var charges: [[FragmentCharge]?] = []
        var unavailable: [String?] = []
        var warnings: [String] = []
        var atomsOut: [[Int]] = Array(repeating: [], count: d.groups.count)
        var files: [SourceFile] = []
        var hashes = FileHashes(enabled: options.hashFiles)
        for name in d.calculations {
            let result = fragmentOutcome(d, calculation: name, reference: reference, referenceProblem: referenceProblem, hashes: &hashes)
            switch result {
            case .success(let (c, atoms, notes, sources)):
                charges.append(c)
                unavailable.append(nil)
                warnings += notes.map { "\(name): \($0)" }
                files += sources
                if atomsOut.allSatisfy(\.isEmpty) { atomsOut = atoms }
            case .failure(let why):
                charges.append(nil)
                unavailable.append(why.reason)
            }
        }
        let base = charges.first { $0 != nil } ?? nil
        let transfer: [[Double?]] = charges.map { row in
            d.groups.indices.map { g in
                guard let row, let base, let q = row[g].netCharge, let q0 = base[g].netCharge else { return nil }
                return q - q0
            }
        }
        let firstName = zip(d.calculations, charges).first { $0.1 != nil }?.0 ?? "the first calculation"
        return TabulatedFragmentSet(
            name: d.name, source: d.source, calculations: d.calculations, groups: d.groups.map(\.name), atoms: atomsOut, charges: charges,
            unavailable: unavailable, transfer: transfer, warnings: warnings,
            provenance: Provenance(
                files: uniqueFiles(files),
                rule:
                    "q = Σ (ZVAL − N) over the fragment's atoms (N: Bader ACF.dat CHARGE, Henkelman; ZVAL: vasprun.xml <atominfo> or OUTCAR); Δq = q − q(\(firstName)); fragments resolved on \(d.reference.map { "the starting structure (POSCAR) of \($0)" } ?? "each calculation's final structure")"
            ))
    }

    typealias FragmentOutcome = (charges: [FragmentCharge], atoms: [[Int]], notes: [String], files: [SourceFile])

    func fragmentOutcome(_ d: FragmentDefinition, calculation name: String, reference: Structure?, referenceProblem: String?, hashes: inout FileHashes)
        -> Result<FragmentOutcome, Unavailable>
    {
        if let referenceProblem { return .failure(Unavailable(referenceProblem)) }
        let calc: LoadedCalculation
        switch usable(name) {
        case .success(let c): calc = c
        case .failure(let why): return .failure(why)
        }
        guard let run = runs[name] else { return .failure(Unavailable("\(name) is not a calculation of the manifest")) }
        let bader: LoadedBader
        do { bader = try BaderLoader.load(run.status.folder, hashes: &hashes) } catch { return .failure(Unavailable("\(name): \(error)")) }
        guard let structure = reference ?? calc.structure else { return .failure(Unavailable("\(name): no structure to resolve the fragments on")) }
        guard structure.count == bader.acf.atoms.count else {
            return .failure(Unavailable("\(name): \(bader.acf.file) has \(bader.acf.atoms.count) atoms, the structure \(structure.count)"))
        }
        let (atoms, errors, looseWarnings) = FragmentResolver.resolve(d.groups, on: structure)
        guard errors.isEmpty else { return .failure(Unavailable("\(name): " + errors.joined(separator: "; "))) }
        let fragments = zip(d.groups, atoms).map { ChargeFragment(name: $0.name, atoms: $1) }
        let analysis: BaderAnalysis
        do {
            analysis = try BaderAnalysis.make(bader: bader, calculation: calc, fragments: fragments)
        } catch {
            return .failure(Unavailable("\(name): \(error)"))
        }
        let result = analysis.fragments
        let notes = looseWarnings + analysis.notes
        let acfHash = hashes.hash(of: bader.acf.file)
        let files = [SourceFile(path: bader.acf.file, sha256: acfHash)] + [sourceFile(name)].compactMap { $0 }
        return .success((result, atoms, notes, files))
    }

    // MARK: Electronic structure

    func electronicSet(_ d: ElectronicDefinition) -> TabulatedElectronic {
        let window = d.window.map { $0[0]...$0[1] }
        let shell = OrbitalShell(rawValue: d.orbital) ?? .d
        var labels = d.elements
        if let sites = d.sites { labels.append("sites " + sites.map { String($0) }.joined(separator: ",")) }
        let states = d.calculations.map { electronicState($0, definition: d, shell: shell, window: window) }
        return TabulatedElectronic(name: d.name, source: d.source, orbital: d.orbital, window: window, selections: labels, states: states)
    }

    static let electronicRule =
        "eigenvalue gap: pymatgen eigenvalue_band_properties (occupation > 1e-8); DOS gap: pymatgen Dos.get_gap (tolerance 1e-4 × mean DOS); band centre ∫ρE/∫ρ, width √(∫ρ(E−ε)²/∫ρ), filling ∫_{E<E_F}ρ/∫ρ, E relative to E_F, trapezoidal rule (pymatgen get_band_center/width/filling; Hammer–Nørskov)"

    func electronicState(_ name: String, definition d: ElectronicDefinition, shell: OrbitalShell, window: ClosedRange<Double>?) -> TabulatedElectronicState {
        let provenance = Provenance(files: [sourceFile(name)].compactMap { $0 }, rule: Self.electronicRule)
        func unavailable(_ reason: String) -> TabulatedElectronicState {
            TabulatedElectronicState(
                calculation: name, efermi: nil, bandEdges: nil, dosGap: nil, bands: [], dos: nil, reason: reason, notes: [], provenance: provenance)
        }
        if case .failure(let why) = usable(name) { return unavailable(why.reason) }
        guard let folder = runs[name]?.status.folder else { return unavailable("\(name) is not a calculation of the manifest") }
        let run: Vasprun
        if let read = runs[name]?.vasprun, read.dos != nil {
            run = read  // read once, with its DOS, by the status look
        } else {
            do {
                run = try RunLoader.vasprun(folder, options: VasprunOptions(readDOS: true, readEigenvalues: true, readProjections: false))
            } catch {
                return unavailable("\(name): \(error)")
            }
        }
        guard let dos = run.dos else { return unavailable("\(name): \(run.file) has no <dos> block") }
        var notes: [String] = []
        if dos.partial == nil { notes.append("no projected DOS (LORBIT not set): no band centres") }
        var bands: [TabulatedBand] = []
        var selections: [(String, [Int])] = d.elements.map { e in (e, Analysis.atoms(ofElement: e, species: run.atoms)) }
        if let sites = d.sites { selections.append(("sites " + sites.map { String($0) }.joined(separator: ","), sites.filter { $0 < run.atoms.count })) }
        for (label, atoms) in selections {
            guard !atoms.isEmpty else {
                notes.append("\(label): no such atom in \(name)")
                bands.append(TabulatedBand(label: label, summed: nil))
                continue
            }
            let found = bandDescriptors(dos, atoms: atoms, shell: shell, window: window)
            bands.append(
                TabulatedBand(
                    label: label, summed: found.first { $0.spin == .summed }, up: found.first { $0.spin == .up }, down: found.first { $0.spin == .down }))
        }
        var state = TabulatedElectronicState(
            calculation: name, efermi: dos.efermi, bandEdges: run.eigenvalues.flatMap { bandEdges($0) }, dosGap: dosGap(dos), bands: bands, dos: dos,
            reason: nil, notes: notes, provenance: provenance)
        state.metal = run.eigenvalues.map { isMetal($0, efermi: dos.efermi) } ?? false
        if state.metal { state.notes.append("E_F lies inside a band: metal, gap 0 (pymatgen get_band_gap)") }
        guard dos.spinCount == 2, let eigen = run.eigenvalues, eigen.spinCount == 2 else { return state }
        state.fixedMoment = (run.parameters["NUPDOWN"]?.double ?? -1) >= 0
        state.channels = Self.spinChannels(dos, eigenvalues: eigen, selections: selections.map(\.1), shell: shell, window: window)
        if state.fixedMoment {
            state.notes.append(
                "NUPDOWN is fixed: VASP's E_F is one channel's; the gap, DOS gap and band centres per spin channel (each from its own mid-gap) are the ones to quote; the summed numbers are relative to VASP's E_F"
            )
        }
        return state
    }

    /// Gap, DOS gap and band descriptors of each spin channel, each referenced to the channel's own mid-gap.
    static func spinChannels(_ dos: DensityOfStates, eigenvalues: BandEigenvalues, selections: [[Int]], shell: OrbitalShell, window: ClosedRange<Double>?)
        -> [TabulatedSpinChannel]
    {
        [(SpinChannel.up, 0), (SpinChannel.down, 1)].map { channel, index in
            let reference = spinReference(eigenvalues, spin: index)
            let bands = selections.map { atoms -> BandDescriptors? in
                guard !atoms.isEmpty else { return nil }
                return bandDescriptors(dos, atoms: atoms, shell: shell, window: window, references: reference.map { [channel: $0] } ?? [:])
                    .first { $0.spin == channel }
            }
            return TabulatedSpinChannel(
                spin: channel, reference: reference, bandEdges: bandEdges(eigenvalues, spin: index),
                dosGap: dosGap(dos, spin: channel, separator: reference), bands: bands)
        }
    }

    // MARK: Helpers

    func uniqueFiles(_ files: [SourceFile]) -> [SourceFile] {
        var seen = Set<String>()
        return files.filter { seen.insert($0.path).inserted }
    }
}

/// Why a quantity's input cannot be used.
struct Unavailable: Error, Sendable {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}
