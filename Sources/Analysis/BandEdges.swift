import Chemistry

/// Band gap and band edges from eigenvalues and occupations.
public struct BandEdges: Sendable, Hashable {
    /// Band gap max(CBM − VBM, 0) in eV.
    public var gap: Double
    /// Conduction-band minimum (lowest unoccupied eigenvalue), eV.
    public var cbm: Double
    /// Valence-band maximum (highest occupied eigenvalue), eV.
    public var vbm: Double
    /// `true` when VBM and CBM lie at the same k-point.
    public var isDirect: Bool
    /// k-point index (0-based) of the VBM.
    public var vbmKpoint: Int?
    /// k-point index (0-based) of the CBM.
    public var cbmKpoint: Int?
}

/// Band edges exactly as pymatgen's `Vasprun.eigenvalue_band_properties` computes them:
/// an eigenvalue with occupation > `occupationTolerance` (default 1e-8) is occupied; the VBM is the
/// highest occupied, the CBM the lowest unoccupied eigenvalue over all spins and k-points; the gap
/// is max(CBM − VBM, 0); direct when both edges are at the same k-point index.
///
/// For a Γ-only molecule calculation this is the HOMO–LUMO gap (see ``homoLumo(_:occupationTolerance:)``).
/// With `spin` (0 = up, 1 = down) only that channel is searched: pymatgen's
/// `Vasprun(…, separate_spins=True).eigenvalue_band_properties`, the channel's own HOMO and LUMO. That is
/// the gap to report when NUPDOWN is fixed: VASP then prints the Fermi level of one channel only, and
/// occupied states of the other may lie above it.
/// Returns `nil` when there are no eigenvalues, the channel does not exist, or no occupied or no empty state.
public func bandEdges(_ eigenvalues: BandEigenvalues, occupationTolerance: Double = 1e-8, spin: Int? = nil) -> BandEdges? {
    var vbm = -Double.infinity
    var cbm = Double.infinity
    var vbmK: Int?
    var cbmK: Int?
    let e = eigenvalues.energies.values
    let o = eigenvalues.occupations.values
    let nk = eigenvalues.kpointCount
    let nb = eigenvalues.bandCount
    if let spin, !(0..<eigenvalues.spinCount).contains(spin) { return nil }
    let channels = spin.map { $0...$0 } ?? 0...(eigenvalues.spinCount - 1)
    guard eigenvalues.spinCount > 0 else { return nil }
    for s in channels {
        for k in 0..<nk {
            for b in 0..<nb {
                let i = (s * nk + k) * nb + b
                if o[i] > occupationTolerance && e[i] > vbm {
                    vbm = e[i]
                    vbmK = k
                } else if o[i] <= occupationTolerance && e[i] < cbm {
                    cbm = e[i]
                    cbmK = k
                }
            }
        }
    }
    guard vbm.isFinite, cbm.isFinite else { return nil }
    return BandEdges(gap: max(cbm - vbm, 0), cbm: cbm, vbm: vbm, isDirect: vbmK == cbmK, vbmKpoint: vbmK, cbmKpoint: cbmK)
}

/// HOMO and LUMO (eV) of a molecule computed at Γ only: the highest occupied and lowest
/// unoccupied eigenvalue of the single k-point, per the same occupation rule as ``bandEdges``.
/// Returns `nil` unless there is exactly one k-point.
public func homoLumo(_ eigenvalues: BandEigenvalues, occupationTolerance: Double = 1e-8) -> (homo: Double, lumo: Double, gap: Double)? {
    guard eigenvalues.kpointCount == 1, let edges = bandEdges(eigenvalues, occupationTolerance: occupationTolerance) else { return nil }
    return (edges.vbm, edges.cbm, edges.gap)
}

/// Whether the eigenvalues describe a metal in the sense of pymatgen's `BandStructure.is_metal`: some band
/// has eigenvalues both below and above E_F (each by more than `tolerance`, eV) across the k-points, i.e.
/// E_F lies inside a band. pymatgen's `get_band_gap()` reports 0 for such a band structure; so does
/// Cascade, where the occupation rule of ``bandEdges(_:occupationTolerance:spin:)`` alone would report the
/// distance between two k-points of the same band as a gap. A single k-point never shows a crossing.
public func isMetal(_ eigenvalues: BandEigenvalues, efermi: Double, tolerance: Double = 1e-4) -> Bool {
    let e = eigenvalues.energies.values
    let nk = eigenvalues.kpointCount
    let nb = eigenvalues.bandCount
    guard nk > 0, nb > 0, e.count == eigenvalues.spinCount * nk * nb else { return false }
    for s in 0..<eigenvalues.spinCount {
        for b in 0..<nb {
            var below = false
            var above = false
            for k in 0..<nk {
                let x = e[(s * nk + k) * nb + b] - efermi
                if x < -tolerance { below = true }
                if x > tolerance { above = true }
            }
            if below && above { return true }
        }
    }
    return false
}

/// The total magnetisation N↑ − N↓ (μ_B) from the occupations of a spin-polarised run, each k-point
/// weighted by `weights` (vasprun.xml's, summing to 1): what a free-spin calculation (no NUPDOWN) settled
/// on, and NUPDOWN itself when it was fixed. `nil` for one spin channel or weights that do not match.
public func totalMagnetization(_ eigenvalues: BandEigenvalues, weights: [Double]) -> Double? {
    guard eigenvalues.spinCount == 2, weights.count == eigenvalues.kpointCount else { return nil }
    let o = eigenvalues.occupations.values
    let nk = eigenvalues.kpointCount
    let nb = eigenvalues.bandCount
    guard o.count == 2 * nk * nb else { return nil }
    let total = weights.reduce(0, +)
    guard total > 0 else { return nil }
    var m = 0.0
    for k in 0..<nk {
        var up = 0.0
        var down = 0.0
        for b in 0..<nb {
            up += o[k * nb + b]
            down += o[(nk + k) * nb + b]
        }
        m += weights[k] * (up - down)
    }
    return m / total
}
