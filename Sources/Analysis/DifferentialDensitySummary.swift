import Chemistry

// The summary numbers of a differential charge density (seed Fig. 2c), computed once here and
// formatted by Report: electron counts of the inputs, the net Δρ, its extrema and the extrema of the
// charge displacement ΔQ(z). The grid operations themselves are those of VolumetricOperations.swift.

/// One extremum of a differential density or of its charge displacement.
public struct VolumetricExtremum: Sendable, Hashable {
    /// The value: Δρ in e/Å³, or ΔQ in e.
    public var value: Double
    /// Where: fractional coordinates of the grid point (Δρ), or (0, 0, f) style with only the axis
    /// component meaningful for ΔQ (see ``DifferentialDensitySummary``).
    public var fractional: SIMD3<Double>
    /// For ΔQ: the height along the axis normal (Å, ``PlanarProfile/position``); for Δρ: the Cartesian
    /// position's component along the axis normal (Å).
    public var height: Double

    /// An extremum of `value` (Δρ in e/Å³ or ΔQ in e) at `fractional`, `height` Å along the axis normal.
    public init(value: Double, fractional: SIMD3<Double>, height: Double) {
        self.value = value
        self.fractional = fractional
        self.height = height
    }
}

/// What `cascade tabulate` reports of Δρ = ρ(whole) − Σ ρ(parts).
///
/// Conventions: Δρ > 0 where electrons accumulate when the parts form the whole; ``minimum`` and
/// ``maximum`` are Δρ in e/Å³ (stored value / V_cell, pymatgen's ρ); ``netCharge`` = ∫Δρ dV = mean of the
/// stored Δρ·V_cell (e), which equals N(whole) − Σ N(parts) up to rounding (``expectedNetCharge``, from the
/// inputs' own means); ΔQ(z) is the charge displacement of ``PlanarProfile/cumulativeCharge`` (Belpassi et
/// al., J. Am. Chem. Soc. 130, 1048 (2008)): ΔQ(z) > 0 means electrons moved from above z to below it.
public struct DifferentialDensitySummary: Sendable, Hashable {
    /// Lattice axis of the planar average (0 = a, 1 = b, 2 = c).
    public var axis: Int
    /// NGXF × NGYF × NGZF shared by every input.
    public var dimensions: SIMD3<Int>
    /// Cell volume (Å³).
    public var volume: Double
    /// Electrons in the whole (mean of its ρ·V_cell).
    public var electronsWhole: Double
    /// Electrons in each part, in order.
    public var electronsParts: [Double]
    /// ∫Δρ dV (e): the mean of Δρ·V_cell over the grid.
    public var netCharge: Double
    /// N(whole) − Σ N(parts) (e), from the inputs' means; equals ``netCharge`` to rounding.
    public var expectedNetCharge: Double
    /// Smallest Δρ (e/Å³, most depleted point) and where.
    public var minimum: VolumetricExtremum
    /// Largest Δρ (e/Å³, most accumulated point) and where.
    public var maximum: VolumetricExtremum
    /// Largest ΔQ(z) (e) and at which plane.
    public var displacementMaximum: VolumetricExtremum
    /// Smallest ΔQ(z) (e) and at which plane.
    public var displacementMinimum: VolumetricExtremum
    /// The planar average of Δρ along ``axis`` with λ(z) and ΔQ(z).
    public var profile: PlanarProfile
}

/// Δρ = ρ(whole) − Σ ρ(parts) (``differentialDensity(whole:parts:wholeLabel:partLabels:cellTolerance:)``)
/// with its summary (``DifferentialDensitySummary``) and planar profile along `axis`
/// (``planarProfile(_:axis:)``).
/// - Throws: ``VolumetricError`` when the grids or cells differ (naming the operands by their labels) or
///   the axis is not 0, 1, 2.
public func differentialDensityAnalysis(
    whole: VolumetricGrid, parts: [VolumetricGrid], wholeLabel: String, partLabels: [String], axis: Int, cellTolerance: Double = 1e-4
) throws(VolumetricError) -> (difference: VolumetricGrid, summary: DifferentialDensitySummary) {
    guard (0...2).contains(axis) else { throw .invalidAxis(axis) }
    let diff = try differentialDensity(whole: whole, parts: parts, wholeLabel: wholeLabel, partLabels: partLabels, cellTolerance: cellTolerance)
    let profile = try planarProfile(diff, axis: axis)
    let electronsParts = parts.map(\.mean)
    let summary = DifferentialDensitySummary(
        axis: axis, dimensions: diff.dimensions, volume: diff.lattice.volume, electronsWhole: whole.mean, electronsParts: electronsParts,
        netCharge: diff.mean, expectedNetCharge: whole.mean - electronsParts.reduce(0, +),
        minimum: gridExtremum(diff, axis: axis, largest: false), maximum: gridExtremum(diff, axis: axis, largest: true),
        displacementMaximum: profileExtremum(profile, largest: true), displacementMinimum: profileExtremum(profile, largest: false),
        profile: profile)
    return (diff, summary)
}

/// The smallest or largest stored value as a density (value / V_cell, e/Å³) and its grid point (the first
/// one in VASP order on ties; NaN values are skipped).
func gridExtremum(_ grid: VolumetricGrid, axis: Int, largest: Bool) -> VolumetricExtremum {
    var best = Double.nan
    var at = 0
    grid.values.withUnsafeBufferPointer { v in
        for n in v.indices where !v[n].isNaN {
            if best.isNaN || (largest ? v[n] > best : v[n] < best) {
                best = v[n]
                at = n
            }
        }
    }
    let d = grid.dimensions
    let f = grid.fractional(at % d.x, (at / d.x) % d.y, at / (d.x * d.y))
    let spacing = grid.lattice.planeSpacings[axis]
    return VolumetricExtremum(value: best / grid.lattice.volume, fractional: f, height: f[axis] * spacing)
}

/// The smallest or largest ΔQ(z) of a profile and its plane (first on ties).
func profileExtremum(_ p: PlanarProfile, largest: Bool) -> VolumetricExtremum {
    var k = 0
    for n in p.cumulativeCharge.indices where largest ? p.cumulativeCharge[n] > p.cumulativeCharge[k] : p.cumulativeCharge[n] < p.cumulativeCharge[k] {
        k = n
    }
    guard p.cumulativeCharge.indices.contains(k) else { return VolumetricExtremum(value: .nan, fractional: .zero, height: .nan) }
    var f = SIMD3<Double>.zero
    f[p.axis] = p.fractional[k]
    return VolumetricExtremum(value: p.cumulativeCharge[k], fractional: f, height: p.position[k])
}
