import Analysis
import Chemistry
import Files
import VASP

/// What one finished (or half-finished) calculation provides to the analyses: its E(σ→0), settings,
/// structure, ZVAL and NELECT — from `vasprun.xml` (through ``RunLoader``) or, when that is missing, cut
/// before its first ionic step or unreadable, from `OUTCAR` / `OUTCAR.gz`.
public struct LoadedCalculation: Sendable {
    /// What the user named (a folder or a file).
    public var input: String
    /// The file the numbers were read from.
    public var file: String
    /// `vasprun.xml` or `OUTCAR`.
    public var format: String
    /// E(σ→0) of the last complete ionic step (eV), or `nil` when the run has none.
    public var energy: Double?
    /// How `energy` was obtained (for provenance).
    public var rule: String
    /// ENCUT, POTCARs, IVDW, VASP version, functional, net charge.
    public var settings: CalculationSettings
    /// The final structure, when known.
    public var structure: Structure?
    /// ZVAL of every atom, when known.
    public var valencePerAtom: [Double]?
    /// NELECT.
    public var nelect: Double?
    /// `true` when the file read was complete (not cut by a killed job).
    public var complete: Bool
    /// What the loader decided or could not do (fallbacks, truncation), for stderr.
    public var warnings: [String]

    /// Atom counts per element of `structure`.
    public var composition: [String: Int]? {
        structure.map { s in s.species.reduce(into: [:]) { $0[$1, default: 0] += 1 } }
    }

    /// The calculation as an energy term named `label`; `nil` without an energy.
    public func energyTerm(label: String) -> EnergyTerm? {
        energy.map {
            EnergyTerm(
                label: label, energy: $0, source: .calculation(file: file, rule: rule), settings: settings, composition: composition)
        }
    }
}

/// Loads calculations for the single-purpose commands (`adsorption`, `bader --vasprun`) and the NEB loader.
public enum CalculationLoader {
    /// The rule stated for a vasprun.xml energy.
    public static let vasprunRule =
        "E(σ→0) of the last ionic step (vasprun.xml, pymatgen final_energy rule: e_fr_energy + last-SCF (e_0 − e_fr) correction)"
    /// The rule stated for an OUTCAR energy.
    public static let outcarRule = "E(σ→0) of the last ionic step (OUTCAR `energy(sigma->0)` line)"

    /// The `OUTCAR` or `OUTCAR.gz` of a folder, when one exists.
    public static func outcarPath(in folder: String) -> String? {
        let base = PathText.trimmingTrailingSlash(folder)
        return ["OUTCAR", "OUTCAR.gz"].map { "\(base)/\($0)" }.first(where: FileSystem.exists)
    }

    /// Whether a file name means an OUTCAR (`OUTCAR`, `OUTCAR.gz`, `OUTCAR.relax`, `xyz.OUTCAR`).
    public static func isOutcarName(_ path: String) -> Bool {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return name.uppercased().contains("OUTCAR")
    }

    /// Loads `input`: a vasprun.xml(.gz), an OUTCAR(.gz), or a run folder (vasprun first, OUTCAR as the
    /// fallback when the vasprun is missing, unreadable, or has no complete ionic step).
    /// - Throws: ``StudyError/cannotRead(file:reason:)`` when neither file can be read.
    public static func load(_ input: String) throws -> LoadedCalculation {
        if !FileSystem.isDirectory(input) {
            return isOutcarName(input) ? try fromOutcar(input, input: input, warnings: []) : try fromVasprun(input, input: input, warnings: [])
        }
        var hashes = FileHashes(enabled: false)
        return try load(folder: input, parsed: ParsedOutputs(), hashes: &hashes)
    }

    /// ``load(_:)`` of a run folder, taking the outputs `parsed` already holds (or the failures it records)
    /// instead of reading them again, and hashing into `hashes` the files it reads.
    static func load(folder input: String, parsed: ParsedOutputs, hashes: inout FileHashes) throws -> LoadedCalculation {
        let vasprunPath = RunLoader.vasprunPath(for: input)
        let outcar = outcarPath(in: input)
        var warnings: [String] = []
        var outcarFailure = parsed.outcarFailure
        // Read at most once, even when the vasprun.xml's fallback fails and the last resort asks again.
        func readOutcar(_ path: String, warnings: [String]) throws -> LoadedCalculation {
            if let o = parsed.outcar { return fromOutcar(o, path: path, input: input, warnings: warnings) }
            if let outcarFailure { throw EarlierReadFailure(description: outcarFailure) }
            do {
                let o = try hashes.reading(path) { try Outcar.read(path: path, observer: $0) }
                return fromOutcar(o, path: path, input: input, warnings: warnings)
            } catch {
                outcarFailure = "\(error)"
                throw error
            }
        }
        if FileSystem.exists(vasprunPath) {
            do {
                if let failure = parsed.vasprunFailure { throw EarlierReadFailure(description: failure) }
                let options = VasprunOptions(readDOS: false, readEigenvalues: false, readProjections: false)
                let v = try parsed.vasprun ?? hashes.reading(vasprunPath) { try Vasprun.read(path: vasprunPath, options: options, observer: $0) }
                let loaded = fromVasprun(v, path: vasprunPath, input: input, warnings: [])
                if loaded.energy != nil && (loaded.complete || outcar == nil) { return loaded }
                warnings += loaded.warnings
                warnings.append("\(vasprunPath) is cut short\(loaded.energy == nil ? " before its first ionic step" : ""): using the OUTCAR instead")
                guard let outcar else { return loaded }
                let other = try readOutcar(outcar, warnings: warnings)
                return other.energy != nil ? other : loaded
            } catch {
                warnings.append("\(vasprunPath) could not be read (\(error)); using the OUTCAR instead")
            }
        } else if outcar != nil {
            warnings.append("no vasprun.xml in \(input): using the OUTCAR")
        }
        guard let outcar else {
            throw StudyError.cannotRead(file: vasprunPath, reason: "no vasprun.xml(.gz) and no OUTCAR(.gz) in \(input)")
        }
        return try readOutcar(outcar, warnings: warnings)
    }

    static func fromVasprun(_ path: String, input: String, warnings: [String]) throws -> LoadedCalculation {
        let options = VasprunOptions(readDOS: false, readEigenvalues: false, readProjections: false)
        return fromVasprun(try Vasprun.read(path: path, options: options), path: path, input: input, warnings: warnings)
    }

    /// The U values of a DFT+U run (LDAUU), `[]` when LDAU is off, `nil` when the file does not say.
    static func hubbardU(_ v: Vasprun) -> [Double]? {
        guard let on = (v.parameters["LDAU"] ?? v.incar["LDAU"])?.bool else { return nil }
        guard on else { return [] }
        switch v.parameters["LDAUU"] ?? v.incar["LDAUU"] {
        case .doubles(let u): return u
        case .double(let u): return [u]
        case .ints(let u): return u.map(Double.init)
        case .int(let u): return [Double(u)]
        default: return nil
        }
    }

    /// The calculation of a vasprun.xml already read from `path`.
    static func fromVasprun(_ v: Vasprun, path: String, input: String, warnings: [String]) -> LoadedCalculation {
        let settings = CalculationSettings(
            encut: v.parameters["ENMAX"]?.double ?? v.incar["ENCUT"]?.double, potcarTitles: v.potcarTitles,
            ivdw: v.incar["IVDW"]?.int ?? v.parameters["IVDW"]?.int, vaspVersion: v.vaspVersion,
            functional: v.incar["METAGGA"]?.string ?? v.incar["GGA"]?.string ?? v.parameters["GGA"]?.string, netCharge: v.netCharge,
            prec: (v.parameters["PREC"] ?? v.incar["PREC"])?.string, lasph: (v.parameters["LASPH"] ?? v.incar["LASPH"])?.bool,
            hubbardU: Self.hubbardU(v), ispin: (v.parameters["ISPIN"] ?? v.incar["ISPIN"])?.int)
        let valence = v.atoms.map { atom in v.atomTypes.first { $0.element == atom }?.valence ?? .nan }
        var notes = warnings
        if !v.complete { notes.append("\(path) is incomplete (killed job?): energies from its last complete ionic step") }
        return LoadedCalculation(
            input: input, file: path, format: "vasprun.xml", energy: v.finalEnergy, rule: vasprunRule, settings: settings,
            structure: v.finalStructure, valencePerAtom: valence.allSatisfy(\.isFinite) && !valence.isEmpty ? valence : nil,
            nelect: v.nelect, complete: v.complete, warnings: notes)
    }

    static func fromOutcar(_ path: String, input: String, warnings: [String]) throws -> LoadedCalculation {
        fromOutcar(try Outcar.read(path: path), path: path, input: input, warnings: warnings)
    }

    /// The calculation of an OUTCAR already read from `path`.
    static func fromOutcar(_ o: Outcar, path: String, input: String, warnings: [String]) -> LoadedCalculation {
        let settings = CalculationSettings(
            encut: o.encut, potcarTitles: o.potcarTitles, ivdw: o.ivdw, vaspVersion: o.vaspVersion, functional: o.gga,
            netCharge: o.netCharge)
        var notes = warnings
        if !o.complete { notes.append("\(path) is incomplete (killed job?): energies from its last complete ionic step") }
        return LoadedCalculation(
            input: input, file: path, format: "OUTCAR", energy: o.finalEnergy, rule: outcarRule, settings: settings,
            structure: o.structure(), valencePerAtom: o.valencePerAtom, nelect: o.nelect, complete: o.complete, warnings: notes)
    }
}

extension CalculationLoader {
    /// The structure a user names: a run folder (vasprun.xml final structure, else the OUTCAR's last
    /// positions, else CONTCAR, else POSCAR) or a file (vasprun.xml, OUTCAR, or POSCAR/CONTCAR by default).
    /// Returns the structure and the file it came from.
    /// - Throws: ``StudyError/cannotRead(file:reason:)`` when nothing holds a structure.
    public static func structure(_ input: String) throws -> (structure: Structure, file: String) {
        if !FileSystem.isDirectory(input) {
            let name = (input.split(separator: "/").last.map(String.init) ?? input).lowercased()
            if name.contains("outcar") {
                guard let s = try Outcar.read(path: input).structure() else {
                    throw StudyError.cannotRead(file: input, reason: "the OUTCAR has no complete POSITION table with a cell and species")
                }
                return (s, input)
            }
            if name.contains(".xml") {
                guard
                    let s = try Vasprun.read(path: input, options: VasprunOptions(readDOS: false, readEigenvalues: false, readProjections: false))
                        .finalStructure
                else {
                    throw StudyError.cannotRead(file: input, reason: "the vasprun.xml has no structure")
                }
                return (s, input)
            }
            return (try Poscar.read(path: input).structure, input)
        }
        let base = PathText.trimmingTrailingSlash(input)
        if let loaded = try? load(base), let s = loaded.structure { return (s, loaded.file) }
        for name in ["CONTCAR", "POSCAR"] where FileSystem.exists("\(base)/\(name)") {
            return (try Poscar.read(path: "\(base)/\(name)").structure, "\(base)/\(name)")
        }
        throw StudyError.cannotRead(file: base, reason: "no vasprun.xml, OUTCAR, CONTCAR or POSCAR with a structure")
    }
}
