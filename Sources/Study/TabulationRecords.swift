import Analysis
import Chemistry

/// The records of a study tabulation (`cascade tabulate`): the status of every calculation and every
/// quantity the manifest names, each number with its provenance or, when it cannot be given, the reason.
/// Bookkeeping, not physics: filled by Study (`StudyTabulation.make`), formatted by Report
/// (`TabulationReport`, which imports Study); no I/O here.

/// Where a calculation stands, from worst to best (the order used to summarise an NEB band).
public enum CalculationState: String, Sendable, Hashable, CaseIterable, Comparable {
    /// No folder, or a folder without vasprun.xml(.gz) or OUTCAR(.gz): not run (or not copied) yet.
    case missing
    /// Outputs present but incomplete (no closing tag / no timing section) and modified recently.
    case running
    /// Outputs incomplete and not modified recently: the job was killed or ran out of time.
    case truncated
    /// A complete run that did not converge: the last ionic step needed NELM SCF steps (electronic),
    /// the relaxation used all NSW steps (ionic), or an NEB image's max force ≥ |EDIFFG|.
    case unconverged
    /// Complete and converged, but the output does not belong to the calculation: other elements, or
    /// another atom count or order, than the folder's POSCAR and the manifest's system (a file copied
    /// into the wrong folder). Feeds no number.
    case mismatch
    /// Converged, but the relaxed state contradicts the bond changes its system declares (a broken bond
    /// re-formed, a formed one broke): the state is not what its label claims. Feeds no number.
    case collapsed
    /// Complete and converged.
    case converged

    /// Order of ``allCases``: `missing` first (worst).
    public static func < (a: CalculationState, b: CalculationState) -> Bool {
        let order = CalculationState.allCases
        return (order.firstIndex(of: a) ?? 0) < (order.firstIndex(of: b) ?? 0)
    }
}

/// One file a number came from, with its SHA-256 (FIPS 180-4) as lowercase hex.
public struct SourceFile: Sendable, Hashable {
    /// The path as found under the runs folder.
    public var path: String
    /// SHA-256 of the file's bytes as stored (a `.gz` file is hashed compressed), or `nil` when unreadable.
    public var sha256: String?
    /// The VASP version that wrote it (`5.4.4`), when it is a VASP output.
    public var vaspVersion: String?

    /// A file with its hash and, for a VASP output, the version that wrote it.
    public init(path: String, sha256: String?, vaspVersion: String? = nil) {
        self.path = path
        self.sha256 = sha256
        self.vaspVersion = vaspVersion
    }
}

/// Where a tabulated number comes from: the files (with hashes), the VASP versions and the rule applied.
public struct Provenance: Sendable, Hashable {
    /// The files read, in the order they enter the rule.
    public var files: [SourceFile]
    /// The rule, e.g. `E = E(complex) − ΣE(parts); E(σ→0) of the last ionic step (vasprun.xml, …)`.
    public var rule: String

    /// The files read and the rule applied to them.
    public init(files: [SourceFile], rule: String) {
        self.files = files
        self.rule = rule
    }

    /// The distinct VASP versions of ``files``, in order of appearance.
    public var vaspVersions: [String] { files.compactMap(\.vaspVersion).uniqueInOrder() }
}

/// The status of one image of an NEB folder.
public struct ImageStatus: Sendable, Hashable {
    /// `00`, `01`, …
    public var label: String
    /// The image's state from its own outputs; an end point without output is `missing` (its energy comes from the relaxation named as the end point).
    public var state: CalculationState
    /// Why (what is missing, cut or unconverged; or what was checked).
    public var reason: String
    /// E(σ→0) of the image (eV), when read.
    public var energy: Double?
    /// VTST `FORCES: max atom` (or the largest atomic force) of the last ionic step (eV/Å).
    public var maxForce: Double?

    /// An image's status; energy (eV) and max force (eV/Å) when read.
    public init(label: String, state: CalculationState, reason: String, energy: Double? = nil, maxForce: Double? = nil) {
        self.label = label
        self.state = state
        self.reason = reason
        self.energy = energy
        self.maxForce = maxForce
    }
}

/// The status of one calculation of the manifest.
public struct CalculationStatus: Sendable, Hashable {
    /// The manifest's name, e.g. `relax/tfsi`; also the folder under the runs folder.
    public var name: String
    /// The folder looked at.
    public var folder: String
    /// `true` for an NEB calculation (images `00…NN`).
    public var isNeb: Bool
    /// Where it stands; for an NEB, the worst state of its intermediate images (and of end points that have outputs).
    public var state: CalculationState
    /// Why, in one sentence.
    public var reason: String
    /// E(σ→0) of the last complete ionic step (eV), single calculations only.
    public var finalEnergy: Double?
    /// The VASP version, when an output was read.
    public var vaspVersion: String?
    /// The output files read (energy source first), with hashes.
    public var files: [SourceFile]
    /// Per image, NEB calculations only.
    public var images: [ImageStatus]
    /// N↑ − N↓ (μ_B) of the last step of a spin-polarised run (``totalMagnetization(_:weights:)``): the
    /// moment a free-spin state settled on.
    public var magnetization: Double? = nil

    /// A calculation's status; energies in eV. ``magnetization`` starts `nil`.
    public init(
        name: String, folder: String, isNeb: Bool, state: CalculationState, reason: String, finalEnergy: Double? = nil,
        vaspVersion: String? = nil, files: [SourceFile] = [], images: [ImageStatus] = []
    ) {
        self.name = name
        self.folder = folder
        self.isNeb = isNeb
        self.state = state
        self.reason = reason
        self.finalEnergy = finalEnergy
        self.vaspVersion = vaspVersion
        self.files = files
        self.images = images
    }
}

/// One term of a tabulated energy: a calculation entering with a coefficient.
public struct TabulatedTerm: Sendable, Hashable {
    /// The calculation's name.
    public var calculation: String
    /// +1 for the complex, −n for a part subtracted n times.
    public var coefficient: Double
    /// E(σ→0) (eV), when available.
    public var energy: Double?

    /// A term: the calculation, its coefficient and its E(σ→0) (eV) when available.
    public init(calculation: String, coefficient: Double, energy: Double?) {
        self.calculation = calculation
        self.coefficient = coefficient
        self.energy = energy
    }
}

/// `E = E(complex) − Σ E(parts)` of the manifest (eV), or why it is `n/a`.
public struct TabulatedEnergy: Sendable, Hashable {
    /// The quantity's name in the manifest's `energies`, e.g. `E_ads(MOF–TFSI⁻)`.
    public var name: String
    /// Where the quantity comes from in the paper (`eq. 5`), when stated.
    public var source: String?
    /// The complex (+1) first, then each distinct part with its coefficient, in manifest order.
    public var terms: [TabulatedTerm]
    /// The value (eV); `nil` when an input is missing or unfinished.
    public var value: Double?
    /// Why ``value`` is `nil`.
    public var reason: String?
    /// The consistency guard's findings (ENCUT, POTCAR, IVDW, VASP version, functional, charge balance).
    public var issues: [String]
    /// The terms' files (complex first) and the rule: E(complex) − Σ E(parts), each E(σ→0) of the last ionic step, as
    /// pymatgen's final_energy (vasprun.xml) or OUTCAR's `energy(sigma->0)`.
    public var provenance: Provenance

    /// A tabulated energy (eV); ``value`` is `nil`, with a ``reason``, when an input is unusable.
    public init(name: String, source: String?, terms: [TabulatedTerm], value: Double?, reason: String?, issues: [String], provenance: Provenance) {
        self.name = name
        self.source = source
        self.terms = terms
        self.value = value
        self.reason = reason
        self.issues = issues
        self.provenance = provenance
    }
}

/// One NEB calculation analysed: its band and the barriers of both fits, relative to its initial state.
public struct TabulatedNeb: Sendable {
    /// The calculation's name.
    public var calculation: String
    /// The band analysis, when images could be read (also shown when end-point energies are missing:
    /// its numbers are then relative to the first image that has an energy, and ``reason`` says so).
    public var analysis: NebBandAnalysis?
    /// Per image, the file its energy came from (empty when none).
    public var energyFiles: [String]
    /// Forward barrier of VTST's force-based cubic Hermite fit, E_max − E(initial state) (eV).
    public var barrierForceFit: Double?
    /// Forward barrier of pymatgen's energy-only clamped spline (exact maximum) (eV).
    public var barrierEnergyFit: Double?
    /// ΔE = E(final) − E(initial) of the band's end points (eV).
    public var reactionEnergy: Double?
    /// Why the barriers (or ΔE) are `nil`.
    public var reason: String?
    /// What the loader and the analysis noticed (end-point energies taken from other calculations…).
    public var notes: [String]
    /// The files read (images, end points) and the rule: barriers E_max − E(00) by both fits, ΔE = E(NN) − E(00).
    public var provenance: Provenance

    /// An analysed NEB; barriers and ΔE in eV.
    public init(
        calculation: String, analysis: NebBandAnalysis?, energyFiles: [String], barrierForceFit: Double?, barrierEnergyFit: Double?,
        reactionEnergy: Double?, reason: String?, notes: [String], provenance: Provenance
    ) {
        self.calculation = calculation
        self.analysis = analysis
        self.energyFiles = energyFiles
        self.barrierForceFit = barrierForceFit
        self.barrierEnergyFit = barrierEnergyFit
        self.reactionEnergy = reactionEnergy
        self.reason = reason
        self.notes = notes
        self.provenance = provenance
    }
}

/// One step of a tabulated pathway.
public struct TabulatedStep: Sendable, Hashable {
    /// The NEB calculation.
    public var calculation: String
    /// The step's name: the last component of the calculation's name (`1-ns-cleavage`), so that the same
    /// step on several catalysts lines up.
    public var name: String
    /// ΔE = E(final) − E(initial) (eV).
    public var reactionEnergy: Double?
    /// Force-based barrier (eV).
    public var barrierForceFit: Double?
    /// Energy-only barrier (eV).
    public var barrierEnergyFit: Double?
    /// Why a number is missing.
    public var reasons: [String]
    /// The NEB calculation's provenance (``TabulatedNeb/provenance``); no files when it was not analysed.
    public var provenance: Provenance

    /// A pathway step; energies in eV.
    public init(
        calculation: String, name: String, reactionEnergy: Double?, barrierForceFit: Double?, barrierEnergyFit: Double?, reasons: [String],
        provenance: Provenance
    ) {
        self.calculation = calculation
        self.name = name
        self.reactionEnergy = reactionEnergy
        self.barrierForceFit = barrierForceFit
        self.barrierEnergyFit = barrierEnergyFit
        self.reasons = reasons
        self.provenance = provenance
    }

    /// The barrier used for the profile and the rate-determining step: the force-based one, else the
    /// energy-only one.
    public var barrier: Double? { barrierForceFit ?? barrierEnergyFit }
}

/// A tabulated pathway (one catalyst): its steps, the profile and the rate-determining step.
public struct TabulatedPathway: Sendable, Hashable {
    /// The pathway's name in the manifest, e.g. `TFSI⁻ → LiF on CoPc`; the catalyst in ``pathway``.
    public var name: String
    /// Where it comes from in the paper (`Fig. 2f, Table S2`), when stated.
    public var source: String?
    /// The NEB steps in manifest order, each step's final state the next one's initial state.
    public var steps: [TabulatedStep]

    /// A pathway of the given steps, in order.
    public init(name: String, source: String?, steps: [TabulatedStep]) {
        self.name = name
        self.source = source
        self.steps = steps
    }

    /// The pathway for ``Analysis/rateDeterminingStep(_:)`` and ``Analysis/comparePathways(_:)``.
    public var pathway: Pathway {
        Pathway(catalyst: name, steps: steps.map { PathwayStep(name: $0.name, reactionEnergy: $0.reactionEnergy, barrier: $0.barrier) })
    }
}

/// One tracked bond (a row of the seed's Table S1).
public struct TabulatedBond: Sendable, Hashable {
    /// `C3–F7` (same atoms in every calculation) or `C–F #1` (matched by rank of length).
    public var label: String
    /// Length in each calculation (Å); `nil` where the calculation is unavailable or lacks the bond.
    public var lengths: [Double?]
    /// Bonded in the first calculation and not in the last; `nil` when the atoms differ between calculations.
    public var broken: Bool?
    /// Not bonded in the first calculation and bonded in the last; `nil` as for ``broken``.
    public var formed: Bool?
    /// Bonded (d ≤ 1.2 × the sum of covalent radii) in each calculation; `nil` where unavailable or when
    /// the atoms differ between calculations.
    public var bonded: [Bool?]

    /// A bond row; lengths in Å. An empty `bonded` means unknown (`nil`) in every calculation.
    public init(label: String, lengths: [Double?], broken: Bool?, formed: Bool?, bonded: [Bool?] = []) {
        self.label = label
        self.lengths = lengths
        self.broken = broken
        self.formed = formed
        self.bonded = bonded.isEmpty ? lengths.map { _ in nil } : bonded
    }
}

/// A tabulated bond set.
public struct TabulatedBondSet: Sendable, Hashable {
    /// The set's name in the manifest's `bonds`, e.g. `C–F (Table S1)`.
    public var name: String
    /// Where it comes from in the paper, when stated.
    public var source: String?
    /// The calculations compared, in manifest order: the columns of ``TabulatedBond/lengths``.
    public var calculations: [String]
    /// One row per tracked bond; empty when no calculation of the set is available.
    public var rows: [TabulatedBond]
    /// How rows are matched across calculations: `atom pairs` or `rank of length`.
    public var matching: String
    /// Per calculation, why it has no lengths (`nil` when it has them).
    public var unavailable: [String?]
    /// Notes (bond counts that differ, the criterion).
    public var notes: [String]
    /// The calculations' files and the rule: minimum-image distances (Å) in the final structures, and which pairs.
    public var provenance: Provenance

    /// A tabulated bond set; lengths in Å.
    public init(
        name: String, source: String?, calculations: [String], rows: [TabulatedBond], matching: String, unavailable: [String?], notes: [String],
        provenance: Provenance
    ) {
        self.name = name
        self.source = source
        self.calculations = calculations
        self.rows = rows
        self.matching = matching
        self.unavailable = unavailable
        self.notes = notes
        self.provenance = provenance
    }
}

/// A tabulated fragment set: Bader charges per fragment per calculation and their change between states.
public struct TabulatedFragmentSet: Sendable, Hashable {
    /// The set's name in the manifest's `fragments`.
    public var name: String
    /// Where it comes from in the paper, when stated.
    public var source: String?
    /// The calculations compared, in manifest order: the rows of ``charges``, ``unavailable`` and ``transfer``.
    public var calculations: [String]
    /// The fragments' names, in order.
    public var groups: [String]
    /// Atoms per fragment (0-based), as resolved.
    public var atoms: [[Int]]
    /// `charges[calculation][group]`; a `nil` row where the calculation is unavailable.
    public var charges: [[FragmentCharge]?]
    /// Per calculation, why it has no charges.
    public var unavailable: [String?]
    /// `transfer[calculation][group]` = q(calculation) − q(first available calculation) (|e|).
    public var transfer: [[Double?]]
    /// Bader checks and resolution warnings.
    public var warnings: [String]
    /// The ACF.dat and ZVAL files read, and the rule: q = Σ (ZVAL − N) per fragment (Bader, Henkelman), Δq against the first available calculation.
    public var provenance: Provenance

    /// A tabulated fragment set; charges in |e|.
    public init(
        name: String, source: String?, calculations: [String], groups: [String], atoms: [[Int]], charges: [[FragmentCharge]?],
        unavailable: [String?], transfer: [[Double?]], warnings: [String], provenance: Provenance
    ) {
        self.name = name
        self.source = source
        self.calculations = calculations
        self.groups = groups
        self.atoms = atoms
        self.charges = charges
        self.unavailable = unavailable
        self.transfer = transfer
        self.warnings = warnings
        self.provenance = provenance
    }
}

/// The band descriptors of one atom selection in one calculation.
public struct TabulatedBand: Sendable, Hashable {
    /// `Fe (3 atoms)`, `sites 1,4`.
    public var label: String
    /// Both spins summed (pymatgen `spin=None`); `nil` when the selection has no such states.
    public var summed: BandDescriptors?
    /// Spin up, for a spin-polarised run.
    public var up: BandDescriptors?
    /// Spin down, for a spin-polarised run.
    public var down: BandDescriptors?

    /// A selection's band descriptors; ``up`` and ``down`` `nil` unless the run is spin-polarised.
    public init(label: String, summed: BandDescriptors?, up: BandDescriptors? = nil, down: BandDescriptors? = nil) {
        self.label = label
        self.summed = summed
        self.up = up
        self.down = down
    }
}

/// One spin channel of a spin-polarised calculation, referenced to its own mid-gap
/// (``spinReference(_:spin:)``): what is reported when NUPDOWN is fixed.
public struct TabulatedSpinChannel: Sendable, Hashable {
    /// `.up` or `.down`.
    public var spin: SpinChannel
    /// The channel's reference energy (HOMO_σ + LUMO_σ)/2, eV; `nil` without an occupied and an empty state.
    public var reference: Double?
    /// The channel's eigenvalue gap (pymatgen `separate_spins=True`).
    public var bandEdges: BandEdges?
    /// The channel's DOS gap, searched around ``reference``.
    public var dosGap: DOSGap?
    /// Band descriptors per selection, energies relative to ``reference`` (E_F when it is `nil`).
    public var bands: [BandDescriptors?]

    /// One channel's numbers; ``reference`` in eV.
    public init(spin: SpinChannel, reference: Double?, bandEdges: BandEdges?, dosGap: DOSGap?, bands: [BandDescriptors?]) {
        self.spin = spin
        self.reference = reference
        self.bandEdges = bandEdges
        self.dosGap = dosGap
        self.bands = bands
    }
}

/// The electronic structure of one static calculation.
public struct TabulatedElectronicState: Sendable {
    /// The calculation's name in the manifest.
    public var calculation: String
    /// E_F of the DOS (eV).
    public var efermi: Double?
    /// The eigenvalue gap, band edges and directness (pymatgen `eigenvalue_band_properties`).
    public var bandEdges: BandEdges?
    /// The DOS gap (pymatgen `Dos.get_gap`, relative tolerance 1e-4), both spins summed.
    public var dosGap: DOSGap?
    /// One entry per selection of the definition.
    public var bands: [TabulatedBand]
    /// The DOS, for the Fig. 2a plot.
    public var dos: DensityOfStates?
    /// Why the calculation gives nothing.
    public var reason: String?
    /// What could not be computed (no pDOS, no atoms of an element).
    public var notes: [String]
    /// The calculation's output file and the rule: pymatgen eigenvalue_band_properties, Dos.get_gap, band centre/width/filling relative to E_F.
    public var provenance: Provenance
    /// Per spin channel (up, down) of a spin-polarised run; empty otherwise.
    public var channels: [TabulatedSpinChannel] = []
    /// NUPDOWN was fixed (≥ 0) in a spin-polarised run: VASP's E_F is then one channel's, and only the
    /// per-channel numbers in ``channels`` are referenced consistently.
    public var fixedMoment: Bool = false
    /// E_F lies inside a band (``isMetal(_:efermi:tolerance:)``):
    /// the gap is 0, as pymatgen's `get_band_gap()`.
    public var metal: Bool = false

    /// A calculation's electronic state (energies in eV); ``channels``, ``fixedMoment`` and ``metal`` are set afterwards.
    public init(
        calculation: String, efermi: Double?, bandEdges: BandEdges?, dosGap: DOSGap?, bands: [TabulatedBand], dos: DensityOfStates?, reason: String?,
        notes: [String], provenance: Provenance
    ) {
        self.calculation = calculation
        self.efermi = efermi
        self.bandEdges = bandEdges
        self.dosGap = dosGap
        self.bands = bands
        self.dos = dos
        self.reason = reason
        self.notes = notes
        self.provenance = provenance
    }
}

/// A tabulated `electronic` set of the manifest.
public struct TabulatedElectronic: Sendable {
    /// The set's name in the manifest's `electronic`, e.g. `d-band centres (Fig. 2b)`.
    public var name: String
    /// Where it comes from in the paper, when stated.
    public var source: String?
    /// The shell (`d`).
    public var orbital: String
    /// The window relative to E_F (eV), `nil` = whole grid.
    public var window: ClosedRange<Double>?
    /// The selections' labels, in order (elements, then sites).
    public var selections: [String]
    /// One per calculation of the set, in manifest order.
    public var states: [TabulatedElectronicState]

    /// A tabulated electronic set; ``window`` in eV relative to E_F.
    public init(name: String, source: String?, orbital: String, window: ClosedRange<Double>?, selections: [String], states: [TabulatedElectronicState]) {
        self.name = name
        self.source = source
        self.orbital = orbital
        self.window = window
        self.selections = selections
        self.states = states
    }
}

/// A tabulated `density_differences` entry of the manifest (seed Fig. 2c): Δρ = ρ(complex) − Σ ρ(parts)
/// from the calculations' CHGCARs, or why it is `n/a`.
public struct TabulatedDensityDifference: Sendable {
    /// The quantity's name in the manifest's `density_differences`, e.g. `Δρ MOF@CoPc − MOF − CoPc`.
    public var name: String
    /// Where it comes from in the paper (`Fig. 2c`), when stated.
    public var source: String?
    /// The whole system's calculation.
    public var complex: String
    /// The calculations subtracted.
    public var parts: [String]
    /// Lattice axis of the planar average (0 = a, 1 = b, 2 = c).
    public var axis: Int
    /// The numbers; `nil` when an input is missing or the grids/cells differ.
    public var summary: DifferentialDensitySummary?
    /// Why ``summary`` is `nil`.
    public var reason: String?
    /// Reader warnings and what was (not) written.
    public var notes: [String]
    /// The plot's file name in the `--plots` folder (`chgdiff-<complex with / as _>.svg`).
    public var plotFile: String
    /// The CHGCAR_diff file name (`write: true`), else `nil`.
    public var chgcarFile: String?
    /// The CHGCAR_diff written (full path), when it was.
    public var written: String?
    /// The CHGCARs read (complex first) and the rule: Δρ point by point on the common grid, ΔN, min/max Δρ (e/Å³), ΔQ(z) (Belpassi et al. 2008).
    public var provenance: Provenance

    /// A density difference; ``summary`` is `nil`, with a ``reason``, when it cannot be computed.
    public init(
        name: String, source: String?, complex: String, parts: [String], axis: Int, summary: DifferentialDensitySummary?, reason: String?,
        notes: [String], plotFile: String, chgcarFile: String?, written: String?, provenance: Provenance
    ) {
        self.name = name
        self.source = source
        self.complex = complex
        self.parts = parts
        self.axis = axis
        self.summary = summary
        self.reason = reason
        self.notes = notes
        self.plotFile = plotFile
        self.chgcarFile = chgcarFile
        self.written = written
        self.provenance = provenance
    }
}

/// Everything `cascade tabulate` reports for a study.
public struct StudyTabulationResult: Sendable {
    /// The study's name.
    public var study: String
    /// The manifest file.
    public var manifest: String
    /// The runs folder.
    public var runs: String
    /// Every calculation, in manifest order.
    public var statuses: [CalculationStatus]
    /// One per entry of the manifest's `energies`, in order (eV).
    public var energies: [TabulatedEnergy]
    /// Every NEB calculation named by a pathway, in order of first use.
    public var nebs: [TabulatedNeb]
    /// One per pathway of the manifest, in order.
    public var pathways: [TabulatedPathway]
    /// One per bond set of the manifest, in order.
    public var bonds: [TabulatedBondSet]
    /// One per Bader fragment set of the manifest, in order.
    public var fragments: [TabulatedFragmentSet]
    /// Band edges and band centres of static runs.
    public var electronic: [TabulatedElectronic]
    /// Differential charge densities (seed Fig. 2c).
    public var densityDifferences: [TabulatedDensityDifference]
    /// Study-level warnings (readers, loaders), each naming its calculation.
    public var warnings: [String]

    /// The tabulation of a study; ``electronic`` and ``densityDifferences`` default to none.
    public init(
        study: String, manifest: String, runs: String, statuses: [CalculationStatus], energies: [TabulatedEnergy], nebs: [TabulatedNeb],
        pathways: [TabulatedPathway], bonds: [TabulatedBondSet], fragments: [TabulatedFragmentSet], warnings: [String],
        electronic: [TabulatedElectronic] = [], densityDifferences: [TabulatedDensityDifference] = []
    ) {
        self.electronic = electronic
        self.densityDifferences = densityDifferences
        self.study = study
        self.manifest = manifest
        self.runs = runs
        self.statuses = statuses
        self.energies = energies
        self.nebs = nebs
        self.pathways = pathways
        self.bonds = bonds
        self.fragments = fragments
        self.warnings = warnings
    }

    /// Several catalysts side by side (seed Table S2).
    public var comparison: PathwayComparison { comparePathways(pathways.map(\.pathway)) }

    /// Number of calculations in each state.
    public func count(_ state: CalculationState) -> Int { statuses.filter { $0.state == state }.count }
}
