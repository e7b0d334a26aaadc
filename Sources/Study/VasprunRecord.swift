import Chemistry
import VASP

/// What `cascade parse` reports about one vasprun.xml, as plain values and Chemistry types: made here
/// from a ``Vasprun`` (``init(_:)``), formatted by Report (`VasprunReport`: the summary and the JSON
/// object), so Report never sees a VASP type. Bookkeeping only: no number is computed here.
public struct VasprunRecord: Sendable {
    /// One typed INCAR or `<parameters>` value, as the file gives it.
    public enum Parameter: Sendable, Hashable {
        case int(Int)
        case double(Double)
        case bool(Bool)
        case string(String)
        case ints([Int])
        case doubles([Double])
        case bools([Bool])
        case strings([String])
        /// A value that could not be read as its declared type (kept as text in ``Vasprun``).
        case unreadable
    }

    /// One complete ionic step.
    public struct Step: Sendable, Hashable {
        /// `e_fr_energy` (eV).
        public var freeEnergy: Double?
        /// `e_wo_entrp` (eV).
        public var energyWithoutEntropy: Double?
        /// `e_0_energy` as written (eV).
        public var energySigma0: Double?
        /// SCF steps of the ionic step.
        public var scfSteps: Int
        /// The largest atomic force (eV/Å).
        public var maxForce: Double?
    }

    /// The file as the user named it.
    public var file: String
    /// `true` when the file ended with `</modeling>` and no XML error was met.
    public var complete: Bool
    /// The reader's warnings, each as `file:line: message`.
    public var warnings: [String]
    /// The VASP version (`6.4.1`).
    public var vaspVersion: String?
    /// Element of each atom, in order.
    public var atoms: [String]
    /// POTCAR titles in type order.
    public var potcarTitles: [String]
    /// Element and ZVAL (|e|) of each `<atomtypes>` row, in order (an element may repeat).
    public var valences: [(element: String, valence: Double)]
    /// NELECT.
    public var nelect: Double?
    /// Σ ZVAL·n − NELECT (|e|).
    public var netCharge: Double?
    /// `<parameters>`, flattened, in file order.
    public var parameters: [(name: String, value: Parameter)]
    /// `<incar>`, in file order.
    public var incar: [(name: String, value: Parameter)]
    /// NUPDOWN from `<parameters>` (a value ≥ 0 fixes the moment).
    public var nupdown: Double?
    /// Every complete ionic step.
    public var ionicSteps: [Step]
    /// E(σ→0) of the last ionic step (eV), pymatgen's `final_energy`.
    public var finalEnergy: Double?
    /// pymatgen's `converged_electronic`.
    public var convergedElectronic: Bool?
    /// pymatgen's `converged_ionic`.
    public var convergedIonic: Bool?
    /// `<structure name="initialpos">`.
    public var initialStructure: Structure?
    /// `<structure name="finalpos">` (or the last complete step's).
    public var finalStructure: Structure?
    /// Number of k-points, when `<kpoints>` was read.
    public var kpointCount: Int?
    /// Σ of the k-point weights, when `<kpoints>` was read.
    public var kpointWeightSum: Double?
    /// Fermi level (eV) of the DOS block.
    public var efermi: Double?
    /// Eigenvalues and occupations.
    public var eigenvalues: BandEigenvalues?
    /// The DOS.
    public var dos: DensityOfStates?
    /// Projected eigenvalues.
    public var projected: ProjectedEigenvalues?

    /// The record of `run`.
    public init(_ run: Vasprun) {
        file = run.file
        complete = run.complete
        warnings = run.warnings.map(\.description)
        vaspVersion = run.vaspVersion
        atoms = run.atoms
        potcarTitles = run.potcarTitles
        valences = run.atomTypes.map { ($0.element, $0.valence) }
        nelect = run.nelect
        netCharge = run.netCharge
        parameters = run.parameters.entries.map { ($0.name, Self.parameter($0.value)) }
        incar = run.incar.entries.map { ($0.name, Self.parameter($0.value)) }
        nupdown = run.parameters["NUPDOWN"]?.double
        ionicSteps = run.ionicSteps.map {
            Step(
                freeEnergy: $0.energies?.freeEnergy, energyWithoutEntropy: $0.energies?.energyWithoutEntropy,
                energySigma0: $0.energies?.energySigma0, scfSteps: $0.scfStepCount, maxForce: $0.maxForce)
        }
        finalEnergy = run.finalEnergy
        convergedElectronic = run.convergedElectronic
        convergedIonic = run.convergedIonic
        initialStructure = run.initialStructure
        finalStructure = run.finalStructure
        kpointCount = run.kpoints?.points.count
        kpointWeightSum = run.kpoints.map { $0.weights.reduce(0, +) }
        efermi = run.efermi
        eigenvalues = run.eigenvalues
        dos = run.dos
        projected = run.projected
    }

    /// Reads the vasprun.xml(.gz) of `input` (a file, or a run folder: ``RunLoader/vasprunPath(for:)``).
    ///
    /// - Parameter progress: called after each chunk with (compressed bytes read, file size).
    public static func read(
        _ input: String, options: VasprunOptions, progress: ((Int, Int) -> Void)? = nil
    ) throws -> VasprunRecord {
        VasprunRecord(try Vasprun.read(path: RunLoader.vasprunPath(for: input), options: options, progress: progress))
    }

    private static func parameter(_ value: ParameterValue) -> Parameter {
        switch value {
        case .int(let v): return .int(v)
        case .double(let v): return .double(v)
        case .bool(let v): return .bool(v)
        case .string(let v): return .string(v)
        case .ints(let v): return .ints(v)
        case .doubles(let v): return .doubles(v)
        case .bools(let v): return .bools(v)
        case .strings(let v): return .strings(v)
        case .unreadable: return .unreadable
        }
    }
}
