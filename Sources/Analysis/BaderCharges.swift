import Chemistry

/// Net Bader charges q = ZVAL − N per atom (|e|; positive = the atom lost electrons), N the electrons
/// Bader assigns to the atom (ACF.dat `CHARGE`) and ZVAL its POTCAR valence (Henkelman group's
/// convention, Tang et al., J. Phys.: Condens. Matter 21, 084204 (2009)). `nil` unless the lengths match.
public func baderNetCharges(electrons: [Double], valence: [Double]) -> [Double]? {
    guard electrons.count == valence.count else { return nil }
    return zip(valence, electrons).map { $0 - $1 }
}

/// A named group of atoms (e.g. the TFSI⁻ anion, the MOF, CoPc).
public struct ChargeFragment: Sendable, Hashable {
    /// The fragment's name in tables (e.g. `TFSI`, or a formula such as `C2F6NO4S2` from ``connectedFragments(_:scale:)``).
    public var name: String
    /// Atom indices (0-based).
    public var atoms: [Int]
    /// The fragment's formal charge in the picture the user compares with (|e|), e.g. −1 for TFSI⁻;
    /// the transfer is the net charge minus this. 0 by default.
    public var referenceCharge: Double

    /// A fragment of `atoms` (0-based) with formal charge `referenceCharge` (|e|, 0 by default).
    public init(name: String, atoms: [Int], referenceCharge: Double = 0) {
        self.name = name
        self.atoms = atoms
        self.referenceCharge = referenceCharge
    }
}

/// A fragment's Bader totals in one state.
public struct FragmentCharge: Sendable, Hashable {
    /// The fragment these totals belong to.
    public var fragment: ChargeFragment
    /// Σ N over the fragment's atoms (|e|).
    public var electrons: Double
    /// Σ ZVAL over the fragment's atoms, when ZVAL is known.
    public var valence: Double?
    /// Σ q = Σ (ZVAL − N) (|e|), when ZVAL is known.
    public var netCharge: Double?

    /// Electrons the fragment gave away relative to its reference charge: q − q_ref (|e|; negative =
    /// it gained electrons). `nil` without ZVAL.
    public var transferred: Double? { netCharge.map { $0 - fragment.referenceCharge } }
}

/// Why fragment sums could not be made.
public enum FragmentError: Error, Sendable, Equatable, CustomStringConvertible {
    case atomOutOfRange(fragment: String, atom: Int, atomCount: Int)
    case overlapping(atom: Int, fragments: [String])
    case valenceCountMismatch(valences: Int, atoms: Int)

    /// One line with 1-based atom numbers, e.g. `atom 7 is in more than one fragment (TFSI, CoPc)`.
    public var description: String {
        switch self {
        case .atomOutOfRange(let f, let a, let n): return "fragment \(f): atom \(a + 1) is not among the \(n) atoms"
        case .overlapping(let a, let f): return "atom \(a + 1) is in more than one fragment (\(f.joined(separator: ", ")))"
        case .valenceCountMismatch(let v, let n): return "\(v) ZVAL values for \(n) atoms"
        }
    }
}

/// Bader totals per fragment: Σ N, Σ ZVAL and Σ q over each fragment's atoms. Fragments must not share atoms.
/// - Parameters:
///   - electrons: N per atom (ACF.dat order).
///   - valence: ZVAL per atom (from vasprun `<atominfo>`, OUTCAR or POTCAR), or `nil`.
public func fragmentCharges(electrons: [Double], valence: [Double]?, fragments: [ChargeFragment]) throws(FragmentError) -> [FragmentCharge] {
    if let valence, valence.count != electrons.count {
        throw .valenceCountMismatch(valences: valence.count, atoms: electrons.count)
    }
    var owner: [Int: String] = [:]
    for f in fragments {
        for a in f.atoms {
            guard a >= 0, a < electrons.count else { throw .atomOutOfRange(fragment: f.name, atom: a, atomCount: electrons.count) }
            if let other = owner[a] { throw .overlapping(atom: a, fragments: [other, f.name]) }
            owner[a] = f.name
        }
    }
    return fragments.map { f in
        let n = f.atoms.reduce(0) { $0 + electrons[$1] }
        let z = valence.map { v in f.atoms.reduce(0) { $0 + v[$1] } }
        return FragmentCharge(fragment: f, electrons: n, valence: z, netCharge: z.map { $0 - n })
    }
}

/// Fragments by connectivity: the molecules of ``Chemistry/Structure/molecules(scale:)`` (covalent bonds
/// between non-metal atoms, d ≤ scale × (r_cov,i + r_cov,j), periodic; a metal joins the molecule holding
/// more than half of its bonds), largest first, each named by its formula in order of first appearance
/// (`C2F6NO4S2`), with a `#2`, `#3` suffix for repeats.
public func connectedFragments(_ structure: Structure, scale: Double = 1.2) -> [ChargeFragment] {
    let ordered = structure.molecules(scale: scale).sorted { $0.count != $1.count ? $0.count > $1.count : $0[0] < $1[0] }
    var seen: [String: Int] = [:]
    return ordered.map { atoms in
        let formula = Structure(
            lattice: structure.lattice, species: atoms.map { structure.species[$0] },
            fractionalPositions: atoms.map { structure.fractionalPositions[$0] }
        ).formula
        seen[formula, default: 0] += 1
        let name = seen[formula] == 1 ? formula : "\(formula)#\(seen[formula] ?? 0)"
        return ChargeFragment(name: name, atoms: atoms)
    }
}

/// Electrons moved between two fragments of the same state: (t_A − t_B)/2 with t = q − q_ref (|e|;
/// positive = from A to B). When A and B together make up a system whose reference charges balance its
/// total charge, t_A = −t_B and this is simply t_A (e.g. 0.83 e from CoPc to TFSI⁻ in the seed study).
public func chargeTransfer(from a: FragmentCharge, to b: FragmentCharge) -> Double? {
    guard let ta = a.transferred, let tb = b.transferred else { return nil }
    return (ta - tb) / 2
}

/// A fragment's change between two states (e.g. before and after a decomposition step).
public struct FragmentChange: Sendable, Hashable {
    /// The fragment's name (``ChargeFragment/name``), by which the two states were matched.
    public var name: String
    /// N(after) − N(before): electrons gained (|e|).
    public var electronsGained: Double
    /// q(after) − q(before) (|e|), when ZVAL is known.
    public var netChargeChange: Double?
}

/// Per fragment (matched by name), the change from `before` to `after`.
public func fragmentChanges(before: [FragmentCharge], after: [FragmentCharge]) -> [FragmentChange] {
    before.compactMap { b in
        guard let a = after.first(where: { $0.fragment.name == b.fragment.name }) else { return nil }
        let dq = a.netCharge.flatMap { qa in b.netCharge.map { qa - $0 } }
        return FragmentChange(name: b.fragment.name, electronsGained: a.electrons - b.electrons, netChargeChange: dq)
    }
}

/// The checks of a Bader result against its calculation.
public struct BaderCheck: Sendable, Hashable {
    /// Σ N over the atoms.
    public var sumOfAtoms: Double
    /// The program's own count (`NUMBER OF ELECTRONS`, or bader-rs partitioned + vacuum charge).
    public var reported: Double?
    /// NELECT of the calculation, when known.
    public var nelect: Double?
    /// Findings, each a sentence; empty when everything agrees.
    public var warnings: [String]
}

/// Checks a Bader result: Σ N against the program's `NUMBER OF ELECTRONS` and against NELECT (both to
/// `tolerance`, 0.01 e by default: more means the grid was too coarse, or the charge density or the
/// calculation was not the one analysed), and warns when no AECCAR reference was used
/// (`referenceUsed == false`) or it is unknown (`nil`): without the core-corrected reference
/// (`bader CHGCAR -ref CHGCAR_sum`, AECCAR0 + AECCAR2) the basins are "severely inaccurate" (pymatgen #3448).
public func baderCheck(electrons: [Double], reported: Double?, nelect: Double?, referenceUsed: Bool?, tolerance: Double = 0.01) -> BaderCheck {
    let sum = electrons.reduce(0, +)
    var warnings: [String] = []
    if let reported, abs(reported - sum) > tolerance {
        warnings.append("Σ CHARGE = \(rounded(sum)) e differs from the program's NUMBER OF ELECTRONS = \(rounded(reported)) e")
    }
    if let nelect, abs(nelect - (reported ?? sum)) > tolerance {
        warnings.append("the Bader electron count \(rounded(reported ?? sum)) e differs from NELECT = \(rounded(nelect)) e: wrong CHGCAR, or a grid too coarse")
    }
    switch referenceUsed {
    case .some(true): break
    case .some(false):
        warnings.append(
            "no AECCAR0 + AECCAR2 reference was used: Bader basins from the valence density alone can be severely inaccurate (run `bader CHGCAR -ref CHGCAR_sum`)"
        )
    case .none:
        warnings.append(
            "whether an AECCAR0 + AECCAR2 reference was used is unknown (no AECCAR files next to ACF.dat): without it Bader basins can be severely inaccurate")
    }
    return BaderCheck(sumOfAtoms: sum, reported: reported, nelect: nelect, warnings: warnings)
}

private func rounded(_ x: Double) -> String {
    let r = (x * 10000).rounded() / 10000
    return String(r)
}
