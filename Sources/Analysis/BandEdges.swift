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
/// Returns `nil` when there are no eigenvalues, or no occupied or no empty state.
public func bandEdges(_ eigenvalues: BandEigenvalues, occupationTolerance: Double = 1e-8) -> BandEdges? {
    var vbm = -Double.infinity
    var cbm = Double.infinity
    var vbmK: Int?
    var cbmK: Int?
    let e = eigenvalues.energies.values
    let o = eigenvalues.occupations.values
    let nk = eigenvalues.kpointCount
    let nb = eigenvalues.bandCount
    for s in 0..<eigenvalues.spinCount {
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
