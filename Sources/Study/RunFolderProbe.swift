import Analysis

/// What the files in one calculation's folder say, read the way `cascade tabulate` reads them
/// (``RunStatus``): for `cascade status`, which joins it with the scheduler's view.
public struct RunFolderReport: Sendable, Hashable {
    /// missing, running/truncated (the outputs are incomplete: recent or not), unconverged, converged.
    public var state: CalculationState
    /// Why, in one sentence.
    public var reason: String
    /// E(σ→0) of the last complete ionic step (eV).
    public var energy: Double?
    /// The largest force of the last complete ionic step (eV/Å).
    public var maxForce: Double?
    /// Complete ionic steps in the output read.
    public var ionicSteps: Int?
    /// `true` when vasprun.xml(.gz) or OUTCAR(.gz) exists (in an NEB: in an intermediate image).
    public var hasOutputs: Bool
    /// Per image, NEB calculations only.
    public var images: [ImageStatus]
    /// The VASP version, when an output was read.
    public var vaspVersion: String?

    /// A report (the status cache rebuilds stored reports with it).
    public init(
        state: CalculationState, reason: String, energy: Double? = nil, maxForce: Double? = nil, ionicSteps: Int? = nil,
        hasOutputs: Bool, images: [ImageStatus], vaspVersion: String? = nil
    ) {
        self.state = state
        self.reason = reason
        self.energy = energy
        self.maxForce = maxForce
        self.ionicSteps = ionicSteps
        self.hasOutputs = hasOutputs
        self.images = images
        self.vaspVersion = vaspVersion
    }

    /// `true` when an output exists but is cut short (`running` or `truncated`).
    public var isIncomplete: Bool { state == .running || state == .truncated }
}

/// The one look at a calculation's folder that `cascade status`, `submit` and `resume` take; the same
/// rules as ``StudyTabulation`` (``RunStatus``), without loading structures or hashing files.
public enum RunFolderProbe {
    /// The folder `runs/<entry.name>` of a single calculation, or an NEB band (images 00 … NN).
    public static func look(at entry: CalculationEntry, runs: String, options: TabulationOptions = TabulationOptions(hashFiles: false)) -> RunFolderReport {
        let folder = "\(runs)/\(entry.name)"
        if entry.neb != nil {
            let band = RunStatus.probeBand(folder: folder, options: options)
            let inner = band.images.dropFirst().dropLast()
            let forces = inner.compactMap(\.maxForce)
            return RunFolderReport(
                state: band.state, reason: band.reason, energy: nil, maxForce: forces.max(), ionicSteps: nil,
                hasOutputs: inner.contains { $0.state != .missing }, images: band.images, vaspVersion: band.version)
        }
        let p = RunStatus.probe(folder: folder, options: options)
        return RunFolderReport(
            state: p.state, reason: p.reason, energy: p.energy, maxForce: p.maxForce, ionicSteps: p.ionicSteps,
            hasOutputs: !p.outputs.isEmpty, images: [], vaspVersion: p.vaspVersion)
    }
}
