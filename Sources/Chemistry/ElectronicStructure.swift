/// Kohn–Sham eigenvalues and occupations on a k-point set.
///
/// `energies` and `occupations` have shape `[spin][kpoint][band]`; energies in eV, occupations
/// between 0 and 1 (VASP's `occ`, per spin channel; for a non-spin-polarised run also 0…1, the
/// factor 2 is implied). A noncollinear run has one channel.
public struct BandEigenvalues: Sendable, Hashable {
    /// Eigenvalues in eV, shape `[spin][kpoint][band]`.
    public var energies: ShapedArray<Double>
    /// Occupations, shape `[spin][kpoint][band]`.
    public var occupations: ShapedArray<Double>

    /// Eigenvalues (eV) and occupations (0…1), both of shape `[spin][kpoint][band]`.
    public init(energies: ShapedArray<Double>, occupations: ShapedArray<Double>) {
        self.energies = energies
        self.occupations = occupations
    }

    /// Number of spin channels (1 or 2).
    public var spinCount: Int { energies.shape[0] }
    /// Number of k-points.
    public var kpointCount: Int { energies.shape[1] }
    /// Number of bands.
    public var bandCount: Int { energies.shape[2] }
}

/// A density of states on an energy grid: total, integrated and (optionally) projected on ions and
/// orbitals, as VASP writes it in `DOSCAR`/`vasprun.xml`.
///
/// A *component* is a spin channel (ISPIN = 2: up, down) or, for a noncollinear run, one of the four
/// density components (total, mx, my, mz).
public struct DensityOfStates: Sendable, Hashable {
    /// Fermi level in eV (VASP's `efermi`).
    public var efermi: Double
    /// Energy grid in eV, `n` points.
    public var energies: [Double]
    /// Total DOS in states/eV per cell, shape `[component][n]`.
    public var total: ShapedArray<Double>
    /// Integrated DOS in states per cell, shape `[component][n]`.
    public var integrated: ShapedArray<Double>
    /// Projected DOS in states/eV, shape `[ion][component][n][orbital]`, or `nil` without LORBIT.
    public var partial: ShapedArray<Double>?
    /// Orbital labels of the last axis of `partial` as VASP writes them (`s`, `py`, …, `x2-y2`,
    /// or `s`, `p`, `d`, `f`).
    public var orbitalLabels: [String]
    /// `true` for a noncollinear run (four components: total, mx, my, mz).
    public var isNoncollinear: Bool

    /// A DOS with energies and `efermi` in eV; shapes as documented on each property.
    public init(
        efermi: Double, energies: [Double], total: ShapedArray<Double>, integrated: ShapedArray<Double>,
        partial: ShapedArray<Double>?, orbitalLabels: [String], isNoncollinear: Bool
    ) {
        self.efermi = efermi
        self.energies = energies
        self.total = total
        self.integrated = integrated
        self.partial = partial
        self.orbitalLabels = orbitalLabels
        self.isNoncollinear = isNoncollinear
    }

    /// Number of components (1, 2 or 4).
    public var componentCount: Int { total.shape[0] }

    /// Number of spin channels in the collinear sense: 2 for ISPIN = 2, otherwise 1 (the
    /// noncollinear magnetisation components are not spin channels).
    public var spinCount: Int { isNoncollinear ? 1 : componentCount }
}

/// Band- and site-projected weights ⟨ψ|Y_lm⟩ (VASP's `PROCAR` / `<projected>`), stored as `Float`:
/// VASP prints them with 4 decimals, so single precision loses nothing and halves the memory.
public struct ProjectedEigenvalues: Sendable, Hashable {
    /// Weights, shape `[component][kpoint][band][ion][orbital]`; a noncollinear run has four
    /// components (total, mx, my, mz).
    public var weights: ShapedArray<Float>
    /// Orbital labels of the last axis.
    public var orbitalLabels: [String]

    /// Weights of shape `[component][kpoint][band][ion][orbital]` and the labels of the last axis.
    public init(weights: ShapedArray<Float>, orbitalLabels: [String]) {
        self.weights = weights
        self.orbitalLabels = orbitalLabels
    }
}
