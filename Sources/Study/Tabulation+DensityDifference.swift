import Analysis
import Chemistry
import Files
import VASP

// `cascade tabulate`'s density differences (manifest `density_differences`, seed Fig. 2c): Δρ from the
// CHGCARs of three (or more) converged calculations, evaluated one definition at a time so that only
// its grids are in memory, and dropped once its numbers (and, with `write: true`, its CHGCAR_diff) exist.

extension StudyTabulation {
    /// The files each definition produces in the `--plots` folder, in order: the plot
    /// `chgdiff-<stem>.svg` and, with `write: true`, `CHGCAR_diff-<stem>.vasp`, where the stem is the
    /// complex's name with `/` as `_` (a later definition with the same complex gets `-2`, `-3`, …).
    /// Depends on the manifest alone, so the CLI can refuse existing files before reading anything.
    public static func densityFileNames(_ definitions: [DensityDifferenceDefinition]) -> [(plot: String, chgcar: String?)] {
        var used: [String: Int] = [:]
        return definitions.map { d in
            let base = String(d.complex.map { $0 == "/" ? "_" : $0 })
            used[base, default: 0] += 1
            let stem = used[base] == 1 ? base : "\(base)-\(used[base] ?? 1)"
            return ("chgdiff-\(stem).svg", d.write ? "CHGCAR_diff-\(stem).vasp" : nil)
        }
    }

    /// The rule of every density difference's provenance.
    static func densityRule(axis: Int) -> String {
        let name = ["a (x)", "b (y)", "c (z)"][axis]
        return "Δρ = ρ(complex) − Σ ρ(parts) point by point on the common grid (the total density, first block, of each CHGCAR; "
            + "stored as Δρ·V_cell; PAW augmentation occupancies not carried over; cells equal within 1e-4 Å per lattice-vector component); "
            + "ΔN = ∫Δρ dV = mean of Δρ·V_cell; min/max Δρ = stored extremum / V_cell (e/Å³); "
            + "ΔQ(z) = Σ_{k' ≤ k} plane average of Δρ·V_cell / n along \(name), from plane 0 (charge displacement, Belpassi et al. 2008)"
    }
}

extension QuantityContext {
    /// One `density_differences` entry: `n/a` with every reason found (calculation not converged, no
    /// CHGCAR, unreadable CHGCAR, grids or cells that differ), else the summary and, when asked, the
    /// CHGCAR_diff written atomically into ``TabulationOptions/outputFolder``.
    func densityDifference(_ d: DensityDifferenceDefinition, files: (plot: String, chgcar: String?)) -> TabulatedDensityDifference {
        let names = [d.complex] + d.parts
        var reasons: [String] = []
        var paths: [String] = []
        for name in names {
            if case .failure(let why) = usable(name) {
                reasons.append(why.reason)
                continue
            }
            guard let folder = runs[name]?.status.folder else { continue }
            let path = RunLoader.volumetricPath(for: folder)
            if FileSystem.exists(path) {
                paths.append(path)
            } else {
                reasons.append("\(name) has no CHGCAR or CHGCAR.gz in \(folder) (a static run with LCHARG = .TRUE. writes it)")
            }
        }
        reasons += displacedParts(d)
        var result = TabulatedDensityDifference(
            name: d.name, source: d.source, complex: d.complex, parts: d.parts, axis: d.axis, summary: nil, reason: nil, notes: [],
            plotFile: files.plot, chgcarFile: files.chgcar, written: nil,
            provenance: Provenance(files: [], rule: StudyTabulation.densityRule(axis: d.axis)))
        guard reasons.isEmpty, paths.count == names.count else {
            result.reason = reasons.joined(separator: "; ")
            return result
        }
        // Each CHGCAR hashed in the read that parses it (the blocks after the first are read for the hash only).
        var hashes = FileHashes(enabled: options.hashFiles)
        func provenanceFiles() -> [SourceFile] {
            zip(names, paths).map { name, path in SourceFile(path: path, sha256: hashes.hash(of: path), vaspVersion: runs[name]?.status.vaspVersion) }
        }
        var inputs: [Volumetric] = []
        for (name, path) in zip(names, paths) {
            do {
                let v = try hashes.reading(path) { try Volumetric.read(path: path, maxBlocks: 1, observer: $0) }
                result.notes += v.warnings.map { "\(name): \($0.message)" }
                inputs.append(v)
            } catch {
                result.reason = "\(name): \(error)"
                result.provenance.files = provenanceFiles()
                return result
            }
        }
        result.provenance.files = provenanceFiles()
        let labels = zip(names, paths).map { "\($0) (\($1))" }
        do {
            let (difference, summary) = try differentialDensityAnalysis(
                whole: inputs[0].total, parts: inputs.dropFirst().map(\.total), wholeLabel: labels[0], partLabels: Array(labels.dropFirst()),
                axis: d.axis)
            result.summary = summary
            if let chgcar = files.chgcar {
                let comment = "Delta rho = " + names.joined(separator: " - ") + " (cascade tabulate)"
                let file = Volumetric(kind: .chgcar, comment: comment, structure: inputs[0].structure, grids: [difference])
                writeDensity(file, name: chgcar, into: &result)
            }
        } catch {
            result.reason = error.description
        }
        return result
    }

    /// Largest distance (Å) an atom of a Δρ part may sit from the same atom of the complex.
    static let frozenPositionTolerance = 0.01

    /// The parts whose atoms are not where the complex has them (after matching each atom to the nearest
    /// of its species, no alignment: the grids are fixed in the cell), as reasons naming the worst atom.
    /// Δρ of parts relaxed on their own is whole-atom ± artefacts, not a charge rearrangement.
    func displacedParts(_ d: DensityDifferenceDefinition) -> [String] {
        guard case .success(let whole) = usable(d.complex), let wholeStructure = whole.structure else { return [] }
        return d.parts.compactMap { part -> String? in
            guard case .success(let calc) = usable(part), let structure = calc.structure,
                let worst = worstPositionMismatch(part: structure, whole: wholeStructure),
                worst.distance > Self.frozenPositionTolerance
            else { return nil }
            let distance = worst.distance.isFinite ? "\(GuardNumber.text(worst.distance)) Å from the nearest \(worst.species) of" : "an element absent from"
            return "\(part): atom \(worst.species)\(worst.atom) is \(distance) \(d.complex) (tolerance \(GuardNumber.text(Self.frozenPositionTolerance)) Å): "
                + "the parts of Δρ must be single points frozen at their positions in the complex (fragment_of: in the manifest)"
        }
    }

    /// Writes a CHGCAR_diff into the output folder (atomically; an existing file is kept without
    /// ``TabulationOptions/replaceOutputs``), noting what happened.
    func writeDensity(_ file: Volumetric, name: String, into result: inout TabulatedDensityDifference) {
        guard let folder = options.outputFolder else {
            result.notes.append("write: true — \(name) is written with --plots DIR")
            return
        }
        let base = PathText.trimmingTrailingSlash(folder)
        let path = "\(base)/\(name)"
        if FileSystem.exists(path) && !options.replaceOutputs {
            result.notes.append("\(path) exists and was kept (pass --force to replace it)")
            return
        }
        do {
            try AtomicFile.makeFolders(base)
            try file.write(to: path, force: options.replaceOutputs)
            result.written = path
            result.notes.append("Δρ written to \(path) (CHGCAR layout, Δρ·V_cell; VESTA reads it)")
        } catch {
            result.notes.append("\(path) could not be written: \(error)")
        }
    }
}
