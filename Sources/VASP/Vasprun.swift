import Chemistry
import Files

/// A typed value of `<incar>`, `<parameters>` or `<generator>` (`<i>`/`<v>` with `type="int"`,
/// `"logical"`, `"string"`, or none = float), typed as pymatgen's `_parse_parameters` does.
public enum ParameterValue: Sendable, Hashable, CustomStringConvertible {
    case int(Int)
    case double(Double)
    case bool(Bool)
    case string(String)
    case ints([Int])
    case doubles([Double])
    case bools([Bool])
    case strings([String])
    /// The field could not be read (e.g. `RANDOM_SEED` printed as `*****`); pymatgen gives `None`.
    case unreadable(String)

    /// The value as a number, when it is one (an `int` widens to `Double`).
    public var double: Double? {
        switch self {
        case .double(let d): return d
        case .int(let i): return Double(i)
        default: return nil
        }
    }

    /// The value as an integer, when it is one (a whole `Double` narrows).
    public var int: Int? {
        switch self {
        case .int(let i): return i
        case .double(let d) where d.rounded() == d && abs(d) < 1e15: return Int(d)
        default: return nil
        }
    }

    /// The value as a logical, when it is one.
    public var bool: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// The value as a string, when it is one.
    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The value as VASP wrote it: an integer, a real, `T`/`F`, a string, or numbers separated by spaces.
    public var description: String {
        switch self {
        case .int(let v): return String(v)
        case .double(let v): return String(v)
        case .bool(let v): return v ? "T" : "F"
        case .string(let v): return v
        case .ints(let v): return v.map(String.init).joined(separator: " ")
        case .doubles(let v): return v.map { String($0) }.joined(separator: " ")
        case .bools(let v): return v.map { $0 ? "T" : "F" }.joined(separator: " ")
        case .strings(let v): return v.joined(separator: " ")
        case .unreadable(let raw): return raw
        }
    }
}

/// Named values in file order; a later value of the same name replaces the earlier one in place.
public struct ParameterList: Sendable, Hashable {
    /// Names in first-appearance order.
    public private(set) var names: [String] = []
    private var values: [String: ParameterValue] = [:]

    /// An empty list.
    public init() {}

    /// The value of `name` (exact, upper-case as VASP writes it), or `nil`.
    public subscript(_ name: String) -> ParameterValue? { values[name] }

    /// Sets `name`; `replace: false` keeps an existing value (pymatgen's rule for the
    /// "response functions" separator, which repeats tags).
    public mutating func set(_ name: String, _ value: ParameterValue, replace: Bool = true) {
        if values[name] == nil { names.append(name) } else if !replace { return }
        values[name] = value
    }

    /// Number of entries.
    public var count: Int { names.count }

    /// Entries in order.
    public var entries: [(name: String, value: ParameterValue)] {
        names.compactMap { n in values[n].map { (n, $0) } }
    }
}

/// One `<atomtypes>` row: an element, its count, mass and POTCAR.
public struct AtomType: Sendable, Hashable {
    /// Chemical symbol (trimmed).
    public var element: String
    /// Number of atoms of this type.
    public var count: Int
    /// Mass in u, as in POTCAR's POMASS (or the INCAR's POMASS).
    public var mass: Double
    /// Valence electrons, POTCAR's ZVAL.
    public var valence: Double
    /// POTCAR title, e.g. `PAW_PBE Fe 06Sep2000`.
    public var pseudopotential: String
}

/// The calc-level or SCF-level energies VASP writes in an `<energy>` block (eV).
public struct EnergyTerms: Sendable, Hashable {
    /// Free energy F = TOTEN (`e_fr_energy`), eV.
    public var freeEnergy: Double
    /// Energy without entropy (`e_wo_entrp`), eV.
    public var energyWithoutEntropy: Double
    /// Energy extrapolated to σ → 0 (`e_0_energy`), eV, as written (VASP 5 may write 0.0 here).
    public var energySigma0: Double

    /// The three terms, in eV.
    public init(freeEnergy: Double, energyWithoutEntropy: Double, energySigma0: Double) {
        self.freeEnergy = freeEnergy
        self.energyWithoutEntropy = energyWithoutEntropy
        self.energySigma0 = energySigma0
    }
}

/// One `<calculation>`: an ionic step.
public struct IonicStep: Sendable, Hashable {
    /// The structure of this step (positions at which energy and forces were computed).
    public var structure: Structure?
    /// Forces on each atom (eV/Å), or empty when not written.
    public var forces: [SIMD3<Double>]
    /// Stress tensor rows (kBar), or empty when not written.
    public var stress: [SIMD3<Double>]
    /// Calc-level energies as written in the file (`nil` when the step has no `<energy>` block).
    public var energies: EnergyTerms?
    /// Energies of each SCF step, in order.
    public var scfEnergies: [EnergyTerms]
    /// Number of named terms in each SCF `<energy>` block (3 = only e_fr/e_wo/e_0; VASP writes
    /// the full breakdown in the first step of a block and in DFPT steps).
    public var scfTermCounts: [Int]

    /// Number of SCF steps.
    public var scfStepCount: Int { scfEnergies.count }

    /// Largest force magnitude on any atom (eV/Å), or `nil` without forces.
    public var maxForce: Double? {
        forces.map(\.length).max()
    }
}

/// `<kpoints>`: how the mesh was generated and the irreducible k-points VASP used.
public struct KpointSet: Sendable, Hashable {
    /// Generation scheme (`Gamma`, `Monkhorst-Pack`, `Auto`, `listgenerated`, …), or `nil` for an
    /// explicit list.
    public var scheme: String?
    /// Subdivisions along b₁, b₂, b₃, when generated.
    public var divisions: [Int]?
    /// User shift of the mesh, when generated.
    public var shift: [Double]?
    /// Irreducible k-points in fractional reciprocal coordinates.
    public var points: [SIMD3<Double>]
    /// Weight of each k-point (sum ≈ 1).
    public var weights: [Double]
}

/// What VASP wrote for the optional KPOINTS_OPT k-point set (VASP 6.3+): its own k-points,
/// eigenvalues, DOS and projections.
public struct KpointsOptData: Sendable, Hashable {
    /// The KPOINTS_OPT k-points and weights (`<kpoints>` of `<eigenvalues_kpoints_opt>`).
    public var kpoints: KpointSet?
    /// Band energies (eV) and occupations on those k-points.
    public var eigenvalues: BandEigenvalues?
    /// The DOS computed on those k-points (`<dos_kpoints_opt>`), energies in eV.
    public var dos: DensityOfStates?
    /// The projections on those k-points (`<projected_kpoints_opt>`).
    public var projected: ProjectedEigenvalues?
}

/// What to read from a vasprun.xml; skipping the large blocks makes the read faster.
/// The flags mirror pymatgen's `parse_dos`, `parse_eigen`, `parse_projected_eigen`.
public struct VasprunOptions: Sendable, Hashable {
    /// Read `<dos>` (total, integrated, partial).
    public var readDOS: Bool
    /// Read `<eigenvalues>` and occupations.
    public var readEigenvalues: Bool
    /// Read `<projected>` (the largest block of a LORBIT run).
    public var readProjections: Bool
    /// Bytes read from the file (and handed to the XML scanner) per call.
    public var chunkSize: Int
    /// Which XML reader runs (``VasprunXMLPath``); the default scans VASP's layout directly and
    /// hands anything else to libxml2.
    public var xmlPath: VasprunXMLPath

    /// What to read; by default everything, through the fast path.
    public init(
        readDOS: Bool = true, readEigenvalues: Bool = true, readProjections: Bool = true, chunkSize: Int = 1 << 20,
        xmlPath: VasprunXMLPath = .auto
    ) {
        self.readDOS = readDOS
        self.readEigenvalues = readEigenvalues
        self.readProjections = readProjections
        self.chunkSize = chunkSize
        self.xmlPath = xmlPath
    }
}

/// The XML reader behind ``Vasprun/read(path:options:progress:)``. Both build the same value through
/// the same handler; see docs/architecture.md, "The vasprun fast path".
public enum VasprunXMLPath: Sendable, Hashable {
    /// The fast scan of VASP's constructs; at the first thing it does not know, the file is read
    /// again from its first byte by libxml2.
    case auto
    /// libxml2's SAX2 parser only (the referee).
    case libxml2
    /// The fast scan only: where `.auto` would hand over to libxml2, throws
    /// ``VASPError/cannotRead(file:reason:)`` with a reason starting "fast path handed over". For
    /// tests and the differential fuzzer.
    case fast
}

/// The content of a VASP `vasprun.xml` (plain or gzip), read by a streaming SAX2 parser.
///
/// Everything pymatgen's `Vasprun(parse_projected_eigen=True)` reads is here. A file cut short
/// (a killed job) gives the header and every complete ionic step with `complete == false` and a
/// warning saying where the file ends; see `docs/formats.md`.
public struct Vasprun: Sendable {
    /// The file as the user named it.
    public var file: String
    /// `true` when the file ended with `</modeling>` and no XML error was met.
    public var complete: Bool
    /// Problems met while reading (overflowed numbers, truncation, skipped blocks), in order.
    public var warnings: [ReadWarning]

    /// `<generator>`: `program`, `version`, `subversion`, `platform`, `date`, `time`.
    public var generator: ParameterList
    /// `<incar>`: the INCAR tags VASP read, typed.
    public var incar: ParameterList
    /// `<kpoints>`.
    public var kpoints: KpointSet?
    /// `<parameters>`: every tag of every separator, flattened (later separators win, except
    /// "response functions", which never overrides — pymatgen's rule).
    public var parameters: ParameterList
    /// Element of each atom, in order (VASP's `X` is Xe and `r` is Zr, as in pymatgen).
    public var atoms: [String]
    /// `<atomtypes>` rows.
    public var atomTypes: [AtomType]

    /// `<structure name="initialpos">`.
    public var initialStructure: Structure?
    /// `<structure name="finalpos">`, or the last complete ionic step's structure when the file
    /// was cut before it.
    public var finalStructure: Structure?
    /// Every complete ionic step (`<calculation>`).
    public var ionicSteps: [IonicStep]
    /// Machine-learned force-field MD steps that VASP 6.3+ writes outside `<calculation>`
    /// (structure, forces, energy only; pymatgen's `md_data` minus the calculations).
    public var mlffSteps: [IonicStep]

    /// Number of MD steps: the calculations plus the MLFF steps (pymatgen's `md_n_steps`).
    public var mdStepCount: Int { ionicSteps.count + mlffSteps.count }

    /// Eigenvalues and occupations of the last calculation that wrote them.
    public var eigenvalues: BandEigenvalues?
    /// The DOS of the last calculation that wrote one.
    public var dos: DensityOfStates?
    /// Projected eigenvalues of the last calculation that wrote them.
    public var projected: ProjectedEigenvalues?
    /// KPOINTS_OPT data, when the run had a KPOINTS_OPT file.
    public var kpointsOpt: KpointsOptData?
    /// Number of `<dielectricfunction>` blocks met (their data is skipped).
    public var dielectricBlockCount: Int

    /// The VASP version string, e.g. `6.4.1` (trimmed), from `<generator>`.
    public var vaspVersion: String? { generator["version"]?.string }

    /// Fermi level (eV) from the DOS block, as pymatgen's `efermi`.
    public var efermi: Double? { dos?.efermi }

    /// POTCAR titles in type order (pymatgen's `potcar_symbols`).
    public var potcarTitles: [String] { atomTypes.map(\.pseudopotential) }

    /// NELECT from `<parameters>`.
    public var nelect: Double? { parameters["NELECT"]?.double }

    /// True for a noncollinear run (LNONCOLLINEAR or LSORBIT in `<parameters>`).
    public var isNoncollinear: Bool {
        parameters["LNONCOLLINEAR"]?.bool == true || parameters["LSORBIT"]?.bool == true
    }

    /// Net charge of the cell in |e|: Σ ZVAL·n − NELECT, from `<atominfo>` and `<parameters>` alone
    /// (no POTCAR needed). Negative when electrons were added.
    public var netCharge: Double? {
        guard let nelect, !atomTypes.isEmpty else { return nil }
        let valence = atomTypes.reduce(0.0) { $0 + $1.valence * Double($1.count) }
        return valence - nelect
    }

    /// The final energy E(σ→0) in eV, pymatgen's `final_energy`.
    ///
    /// VASP 5 writes a wrong calc-level `e_0_energy` (often 0.0). Following pymatgen, the value is
    /// the last step's calc-level `e_fr_energy` plus (`e_0_energy` − `e_fr_energy`) of its last SCF
    /// step, rounded to 8 decimals, used whenever it differs from the written `e_0_energy` by more
    /// than 1e-7 eV. The SCF energies exclude a vdW correction, so only their difference is used.
    /// `nil` when no complete ionic step has an energy.
    public var finalEnergy: Double? {
        guard let last = ionicSteps.last, let written = last.energies else { return nil }
        guard let lastSCF = last.scfEnergies.last else { return written.energySigma0 }
        let difference = lastSCF.energySigma0 - lastSCF.freeEnergy
        let repaired = ((difference + written.freeEnergy) * 1e8).rounded(.toNearestOrEven) / 1e8
        return abs(written.energySigma0 - repaired) > 1e-7 ? repaired : written.energySigma0
    }

    /// pymatgen's `converged_electronic`: the last ionic step needed fewer SCF steps than NELM.
    ///
    /// Special cases as pymatgen: an MLFF run (ML_LMLFF) is converged; ALGO = Exact with NELM = 1
    /// is converged; for LEPSILON the DFPT steps (those with only the three energies) are not
    /// counted; ALGO = CHI has no SCF steps.
    public var convergedElectronic: Bool? {
        if incar["ML_LMLFF"]?.bool == true { return true }
        guard let last = ionicSteps.last, let nelm = parameters["NELM"]?.int else { return nil }
        let algo = incar["ALGO"]?.string?.lowercased() ?? ""
        let steps = algo == "chi" ? [] : last.scfEnergies
        if incar["LEPSILON"]?.bool == true {
            return lepsilonConverged(last, nelm: nelm)
        }
        if algo == "exact" && incar["NELM"]?.int == 1 { return true }
        return steps.count < nelm
    }

    /// pymatgen's `converged_ionic`: NSW ≤ 1, or fewer steps than NSW; MD (IBRION = 0) and
    /// EDIFFG = 0 relaxations are converged when they ran all NSW steps.
    public var convergedIonic: Bool? {
        // A killed job with no finished step has no convergence to report.
        guard complete || !ionicSteps.isEmpty else { return nil }
        let nsw = parameters["NSW"]?.int ?? 0
        let ibrion = parameters["IBRION"]?.int ?? ((nsw == -1 || nsw == 0) ? -1 : 0)
        let steps = ionicSteps.count
        if ibrion == 0 { return nsw <= 1 || mdStepCount == nsw }
        let ediffg = parameters["EDIFFG"]?.double ?? 1
        if (ibrion == 1 || ibrion == 2) && ediffg == 0 { return nsw <= 1 || nsw == steps }
        return nsw <= 1 || steps < nsw
    }

    private func lepsilonConverged(_ step: IonicStep, nelm: Int) -> Bool {
        // pymatgen counts from the second SCF step while steps carry only the three energies;
        // SCF steps with more terms mark the start of the DFPT part.
        var index = 1
        while index < step.scfEnergies.count, step.scfTermCounts[index] == 3 { index += 1 }
        return index + 1 != nelm
    }
}

/// Reading entry points.
extension Vasprun {
    /// Reads `path` (plain or gzip). Throws only when nothing usable could be read (missing file,
    /// not XML, not a vasprun.xml); a truncated or malformed file returns what it holds with
    /// `complete == false` and warnings.
    ///
    /// - Parameters:
    ///   - progress: called after each chunk with (compressed bytes read, file size).
    ///   - observer: sees the whole file as stored, in the same read (a hash of what was parsed).
    public static func read(
        path: String, options: VasprunOptions = VasprunOptions(),
        progress: ((Int, Int) -> Void)? = nil, observer: StoredBytesObserver? = nil
    ) throws -> Vasprun {
        if options.xmlPath != .libxml2 {
            // The observer sees the whole file in the fast path's read, also when it hands over: the
            // re-read below is for libxml2 alone.
            switch try VasprunFastScanner.read(path: path, options: options, progress: progress, observer: observer) {
            case .read(let run):
                return run
            case .handedOver(let reason):
                if options.xmlPath == .fast {
                    throw VASPError.cannotRead(file: path, reason: "fast path handed over: \(reason)")
                }
            }
            let parser = VasprunParser(file: path, options: options)
            return try parser.run(source: try ByteSource(path: path, chunkSize: options.chunkSize), progress: progress)
        }
        let source = try ByteSource(path: path, chunkSize: options.chunkSize, observer: observer)
        defer { source.observeRest() }
        let parser = VasprunParser(file: path, options: options)
        return try parser.run(source: source, progress: progress)
    }
}
