import Chemistry

/// Which spin channel a DOS quantity is taken from (pymatgen's `spin` argument: `Spin.up`, `Spin.down`
/// or `None` = both channels summed).
public enum SpinChannel: String, Sendable, Hashable, CaseIterable {
    case up, down
    /// Both channels added (the only channel of a non-spin-polarised run).
    case summed
}

/// Angular-momentum shell of a projected-DOS column.
public enum OrbitalShell: String, Sendable, Hashable, CaseIterable {
    case s, p, d, f

    /// The shell of a VASP orbital label: `s`; `p`, `py`, `pz`, `px`; `d`, `dxy`, `dyz`, `dz2`, `dxz`,
    /// `dx2`, `x2-y2`; `f`, `fy3x2`, …; `nil` for anything else.
    public init?(label: String) {
        let l = label.lowercased()
        if l == "x2-y2" || l == "dx2-y2" {
            self = .d
            return
        }
        guard let first = l.first, let shell = OrbitalShell(rawValue: String(first)) else { return nil }
        self = shell
    }
}

/// The electronic gap read from a total DOS, and the band edges it implies.
public struct DOSGap: Sendable, Hashable {
    /// max(CBM − VBM, 0) in eV.
    public var gap: Double
    /// Conduction-band minimum (eV, absolute scale of the DOS).
    public var cbm: Double
    /// Valence-band maximum (eV).
    public var vbm: Double
    /// The density threshold actually applied (states/eV): `tolerance` itself when absolute, else
    /// `tolerance × mean DOS`.
    public var threshold: Double
}

/// The DOS gap with pymatgen's `Dos.get_gap` / `get_interpolated_gap` semantics: the threshold is
/// `tolerance` (absolute) or `tolerance × Σρ / n` (relative, the default, `tol = 1e-4`); the VBM is the
/// highest grid energy below E_F with ρ > threshold and the CBM the lowest above E_F; each edge is then
/// moved to where ρ crosses the threshold by linear interpolation with the next grid point outward.
/// Adjacent or equal edge points, or no state on one side, give a gap of 0 with both edges at E_F.
///
/// This is a DOS gap, not an eigenvalue gap (pymatgen #449: 0.61 vs 0.88 eV for Si): it depends on the
/// grid, the smearing and `tolerance`; report which one is used.
///
/// `separator` is the energy that splits occupied from empty states, E_F by default. With NUPDOWN fixed
/// VASP prints the Fermi level of one spin channel, and a channel's DOS gap must be searched around that
/// channel's own gap (e.g. the mid-gap of its HOMO and LUMO, ``spinReference(_:spin:)``), never around
/// the printed E_F, which may lie among the channel's occupied states.
/// Returns `nil` when the DOS has no points or the channel does not exist.
public func dosGap(_ dos: DensityOfStates, tolerance: Double = 1e-4, absoluteTolerance: Bool = false, spin: SpinChannel = .summed, separator: Double? = nil)
    -> DOSGap?
{
    guard let density = totalDensity(dos, spin: spin), !density.isEmpty else { return nil }
    let energies = dos.energies
    let split = separator ?? dos.efermi
    let threshold = absoluteTolerance ? tolerance : tolerance * density.reduce(0, +) / Double(density.count)
    let below = energies.indices.filter { energies[$0] < split && density[$0] > threshold }
    let above = energies.indices.filter { energies[$0] > split && density[$0] > threshold }
    let none = DOSGap(gap: 0, cbm: split, vbm: split, threshold: threshold)
    guard let vbmStart = below.max(), let cbmStart = above.min() else { return none }
    if vbmStart == cbmStart || vbmStart == cbmStart - 1 { return none }
    guard let vbm = crossing(density, energies, vbmStart, vbmStart + 1, threshold),
        let cbm = crossing(density, energies, cbmStart - 1, cbmStart, threshold)
    else { return none }
    return DOSGap(gap: max(cbm - vbm, 0), cbm: cbm, vbm: vbm, threshold: threshold)
}

/// The energy at which ρ crosses `threshold` between grid points i and j (pymatgen's
/// `get_linear_interpolated_value` on the two points ordered by density).
private func crossing(_ density: [Double], _ energies: [Double], _ i: Int, _ j: Int, _ threshold: Double) -> Double? {
    guard i >= 0, j < density.count else { return nil }
    let points = [(density[i], energies[i]), (density[j], energies[j])].sorted { $0.0 < $1.0 }
    guard points[0].0 <= threshold, points[1].0 > threshold else { return nil }
    let (x1, y1) = points[0]
    let (x2, y2) = points[1]
    return y1 + (y2 - y1) / (x2 - x1) * (threshold - x1)
}

/// The total DOS of one channel (or both summed), states/eV.
public func totalDensity(_ dos: DensityOfStates, spin: SpinChannel) -> [Double]? {
    let n = dos.energies.count
    guard dos.total.shape.count == 2, dos.total.shape[1] == n else { return nil }
    return channelSum(spin: spin, spinCount: dos.spinCount) { component in
        Array(dos.total.values[(component * n)..<((component + 1) * n)])
    }
}

/// The projected DOS of `shell` summed over the atoms `atoms` (0-based) and over the shell's orbitals,
/// for one channel or both summed (states/eV) — pymatgen's `get_site_spd_dos` / `get_element_spd_dos`
/// added over the sites. `nil` without a projected DOS, for an atom out of range, or when the shell has
/// no column.
public func projectedDensity(_ dos: DensityOfStates, atoms: [Int], shell: OrbitalShell, spin: SpinChannel) -> [Double]? {
    guard let partial = dos.partial, partial.rank == 4, !atoms.isEmpty else { return nil }
    let (ions, components, n, orbitals) = (partial.shape[0], partial.shape[1], partial.shape[2], partial.shape[3])
    guard n == dos.energies.count, atoms.allSatisfy({ $0 >= 0 && $0 < ions }) else { return nil }
    let columns = dos.orbitalLabels.indices.filter { OrbitalShell(label: dos.orbitalLabels[$0]) == shell && $0 < orbitals }
    guard !columns.isEmpty else { return nil }
    let values = partial.values
    return channelSum(spin: spin, spinCount: min(dos.spinCount, components)) { component in
        var out = [Double](repeating: 0, count: n)
        for atom in atoms {
            let base = (atom * components + component) * n * orbitals
            for e in 0..<n {
                var sum = 0.0
                for c in columns { sum += values[base + e * orbitals + c] }
                out[e] += sum
            }
        }
        return out
    }
}

/// Component 0 (up), 1 (down), or their sum, built by `channel`.
private func channelSum(spin: SpinChannel, spinCount: Int, _ channel: (Int) -> [Double]) -> [Double]? {
    switch spin {
    case .up: return channel(0)
    case .down: return spinCount == 2 ? channel(1) : nil
    case .summed:
        let up = channel(0)
        guard spinCount == 2 else { return up }
        return zip(up, channel(1)).map { $0 + $1 }
    }
}

/// The atoms (0-based) whose species is `element`.
public func atoms(ofElement element: String, species: [String]) -> [Int] {
    species.indices.filter { species[$0] == element }
}

/// The band descriptors of one projected DOS over one window.
public struct BandDescriptors: Sendable, Hashable {
    /// Band centre ε = ∫ρE dE / ∫ρ dE, E relative to E_F (eV); Hammer–Nørskov's d-band centre for `.d`.
    public var center: Double
    /// Band width √(∫ρ(E − ε)² dE / ∫ρ dE) (eV).
    public var width: Double
    /// Band filling ∫_{E<E_F} ρ dE / ∫ρ dE (dimensionless, 0…1).
    public var filling: Double
    /// The window applied, relative to E_F (eV); `nil` = the whole grid.
    public var window: ClosedRange<Double>?
    /// Which spin channel.
    public var spin: SpinChannel
}

/// Band centre, width and filling of a projected DOS, exactly as pymatgen's `CompleteDos.get_band_center`,
/// `get_band_width` and `get_band_filling` compute them (Hammer & Nørskov, Surf. Sci. 343, 211 (1995) for
/// the d-band centre):
/// - energies are taken relative to E_F (the DOS's `efermi`);
/// - with a window [a, b] (relative to E_F) only grid points with a ≤ E ≤ b are kept (pymatgen's `erange`);
/// - integrals use the trapezoidal rule on the grid points kept (`np.trapezoid`);
/// - centre = ∫ρE/∫ρ, width = √(∫ρ(E − centre)²/∫ρ);
/// - filling = ∫ρ over the kept points with E < 0 divided by ∫ρ over all kept points. pymatgen's
///   `get_band_filling` takes no window; with `window == nil` the two agree, with a window this is
///   Cascade's extension (the same ratio inside the window).
/// `density` is on the DOS energy grid. Returns `nil` when fewer than two points are kept or ∫ρ = 0.
public func bandDescriptors(density: [Double], energies: [Double], efermi: Double, window: ClosedRange<Double>? = nil, spin: SpinChannel = .summed)
    -> BandDescriptors?
{
    guard density.count == energies.count else { return nil }
    var e: [Double] = []
    var rho: [Double] = []
    for (k, energy) in energies.enumerated() {
        let relative = energy - efermi
        if let window, !window.contains(relative) { continue }
        e.append(relative)
        rho.append(density[k])
    }
    guard e.count >= 2 else { return nil }
    let norm = trapezoid(rho, e)
    guard norm != 0, norm.isFinite else { return nil }
    let center = trapezoid(zip(rho, e).map { $0 * $1 }, e) / norm
    let second = trapezoid(zip(rho, e).map { $0 * ($1 - center) * ($1 - center) }, e) / norm
    let occupiedIndices = e.indices.filter { e[$0] < 0 }
    let occupied = trapezoid(occupiedIndices.map { rho[$0] }, occupiedIndices.map { e[$0] })
    return BandDescriptors(center: center, width: second.squareRoot(), filling: occupied / norm, window: window, spin: spin)
}

/// The band descriptors of `shell` on `atoms` for every spin channel the DOS has (up, down, summed for a
/// spin-polarised run; summed only otherwise). See ``bandDescriptors(density:energies:efermi:window:spin:)``.
///
/// `references` replaces E_F per channel (`.up`, `.down`): with NUPDOWN fixed each channel is measured
/// from its own reference (``spinReference(_:spin:)``); the summed channel always uses E_F.
public func bandDescriptors(
    _ dos: DensityOfStates, atoms: [Int], shell: OrbitalShell = .d, window: ClosedRange<Double>? = nil, references: [SpinChannel: Double] = [:]
) -> [BandDescriptors] {
    let channels: [SpinChannel] = dos.spinCount == 2 ? [.up, .down, .summed] : [.summed]
    return channels.compactMap { spin in
        projectedDensity(dos, atoms: atoms, shell: shell, spin: spin).flatMap {
            bandDescriptors(density: $0, energies: dos.energies, efermi: references[spin] ?? dos.efermi, window: window, spin: spin)
        }
    }
}

/// The energy (eV) a spin channel is referenced to when NUPDOWN is fixed: the mid-gap
/// (HOMO_σ + LUMO_σ)/2 of the channel's own eigenvalues, by the occupation rule of ``bandEdges``. Each
/// channel then has its own Fermi level, as VASP's two Fermi levels for a fixed moment. `nil` when the
/// channel has no occupied or no empty state.
public func spinReference(_ eigenvalues: BandEigenvalues, spin: Int) -> Double? {
    bandEdges(eigenvalues, spin: spin).map { ($0.vbm + $0.cbm) / 2 }
}

/// ∫ y dx by the trapezoidal rule (numpy's `trapezoid`); 0 for fewer than two points.
public func trapezoid(_ y: [Double], _ x: [Double]) -> Double {
    guard y.count == x.count, y.count >= 2 else { return 0 }
    var sum = 0.0
    for i in 1..<y.count { sum += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2 }
    return sum
}
