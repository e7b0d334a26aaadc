import Chemistry

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Monkhorst–Pack/Γ mesh divisions from a k-point density, three conventions.
public enum KpointDensity {
    /// pymatgen's `Kpoints.automatic_density(structure, kppa)`: about `kppa` k-points per reciprocal
    /// atom (k-points × atoms). With n = kppa / atoms and m = (n · a · b · c)^(1/3), Nᵢ = ⌊max(m / |aᵢ|, 1)⌋,
    /// |aᵢ| the lattice-vector lengths (Å). As in pymatgen, a `kppa` within 1 of a perfect cube is raised by 1 %.
    public static func perReciprocalAtom(_ kppa: Double, lattice: Lattice, atoms: Int) -> SIMD3<Int> {
        guard kppa > 0, atoms > 0 else { return SIMD3(1, 1, 1) }
        var k = kppa
        let cube = (pow(k, 1.0 / 3.0) + 0.5).rounded(.down)
        if abs(cube * cube * cube - k) < 1 { k += k * 0.01 }
        let lengths = lattice.lengths
        let perAtom = k / Double(atoms)
        let m = pow(perAtom * lengths.x * lengths.y * lengths.z, 1.0 / 3.0)
        return SIMD3((m / lengths.x).divisions, (m / lengths.y).divisions, (m / lengths.z).divisions)
    }

    /// VASP's `KSPACING` rule: Nᵢ = max(1, ⌈|bᵢ| · 2π / spacing⌉), |bᵢ| the reciprocal-vector lengths
    /// without 2π (Å⁻¹), `spacing` in Å⁻¹ (2π included, as KSPACING).
    public static func spacing(_ spacing: Double, lattice: Lattice) -> SIMD3<Int> {
        guard spacing > 0 else { return SIMD3(1, 1, 1) }
        let r = lattice.reciprocal
        let n = [r.a, r.b, r.c].map { max(1, Int((($0.length * 2 * Double.pi / spacing) - 1e-9).rounded(.up))) }
        return SIMD3(n[0], n[1], n[2])
    }

    /// VASP's fully automatic mode (`Auto`, length Rk in Å): Nᵢ = max(1, ⌊Rk · |bᵢ| + 0.5⌋), Γ-centred.
    public static func length(_ rk: Double, lattice: Lattice) -> SIMD3<Int> {
        let r = lattice.reciprocal
        let n = [r.a, r.b, r.c].map { max(1, Int((rk * $0.length + 0.5).rounded(.down))) }
        return SIMD3(n[0], n[1], n[2])
    }
}

extension Double {
    /// ⌊max(self, 1)⌋ as an Int.
    fileprivate var divisions: Int { Int(Swift.max(self, 1).rounded(.down)) }
}
