import Chemistry

/// One atom pair followed through several states (two end points, or the images of a band).
public struct BondTrace: Sendable, Hashable {
    /// First atom (0-based); `i < j`.
    public var i: Int
    /// Second atom (0-based).
    public var j: Int
    /// Species of the two atoms (from the first state).
    public var species: (String, String)
    /// Minimum-image distance in each state (Å).
    public var lengths: [Double]
    /// Whether the pair is bonded in each state: d ≤ scale × (r_cov(i) + r_cov(j)).
    public var bonded: [Bool]

    /// `C3–F7` with 1-based atom numbers (POSCAR order), the way papers and VESTA number atoms.
    public var label: String { "\(species.0)\(i + 1)–\(species.1)\(j + 1)" }
    /// Bonded in the first state, not in the last.
    public var broken: Bool { bonded.first == true && bonded.last == false }
    /// Not bonded in the first state, bonded in the last.
    public var formed: Bool { bonded.first == false && bonded.last == true }
    /// Last length minus first length (Å).
    public var change: Double { (lengths.last ?? 0) - (lengths.first ?? 0) }

    /// Equal when atoms, species, lengths and bonded flags all agree (written out: a tuple is not Equatable).
    public static func == (l: BondTrace, r: BondTrace) -> Bool {
        l.i == r.i && l.j == r.j && l.species == r.species && l.lengths == r.lengths && l.bonded == r.bonded
    }

    /// Hashes the atom pair and the lengths (consistent with `==`).
    public func hash(into hasher: inout Hasher) {
        hasher.combine(i)
        hasher.combine(j)
        hasher.combine(lengths)
    }
}

/// Why a bond table could not be made.
public enum BondTableError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The states have different numbers of atoms (counts listed).
    case atomCountsDiffer([Int])
    /// A pair names an atom outside 0..<count (0-based) or the same atom twice.
    case badPair(Int, Int, atomCount: Int)
    /// No state was given.
    case noStates

    /// One line with 1-based atom numbers, e.g. `pair 3-3 is not two different atoms among 1…24`.
    public var description: String {
        switch self {
        case .atomCountsDiffer(let counts): return "the states have different numbers of atoms (\(counts.map(String.init).joined(separator: ", ")))"
        case .badPair(let i, let j, let n): return "pair \(i + 1)-\(j + 1) is not two different atoms among 1…\(n)"
        case .noStates: return "no structure given"
        }
    }
}

/// The bond table between states (Table S1 of the seed study: three C–F bonds, 1.343/1.344/1.346 Å before,
/// 1.363/1.351/1.350 Å after electron transfer).
///
/// - Parameters:
///   - states: two end points, or every image of a band, with the same atoms in the same order.
///   - pairs: the atom pairs to follow (0-based); `nil` = every pair bonded in at least one state.
///   - scale: the bond criterion d ≤ scale × (r_cov(i) + r_cov(j)) with Cordero covalent radii
///     (Dalton Trans. 2008, 2832), 1.2 by default (``Chemistry/Structure/bonds(scale:)``).
/// Distances are minimum-image distances (``Chemistry/Structure/distance(_:_:)``). A pair is *broken*
/// when bonded in the first state and not in the last, *formed* in the opposite case. Rows are sorted by
/// `i`, then `j`.
public func bondTable(_ states: [Structure], pairs: [(Int, Int)]? = nil, scale: Double = 1.2) throws(BondTableError) -> [BondTrace] {
    guard let first = states.first else { throw .noStates }
    let counts = states.map(\.count)
    guard counts.allSatisfy({ $0 == first.count }) else { throw .atomCountsDiffer(counts) }
    var chosen: [(Int, Int)] = []
    if let pairs {
        for (a, b) in pairs {
            guard a != b, a >= 0, b >= 0, a < first.count, b < first.count else { throw .badPair(a, b, atomCount: first.count) }
            chosen.append((min(a, b), max(a, b)))
        }
    } else {
        var seen = Set<[Int]>()
        for s in states {
            for bond in s.bonds(scale: scale) where bond.i != bond.j && seen.insert([bond.i, bond.j]).inserted {
                chosen.append((bond.i, bond.j))
            }
        }
        chosen.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
    }
    let radii = first.elements.map { $0?.covalentRadius }
    return chosen.map { i, j in
        let lengths = states.map { $0.distance(i, j) }
        let limit = radii[i].flatMap { ri in radii[j].map { scale * (ri + $0) } }
        let bonded = lengths.map { d in limit.map { d <= $0 } ?? false }
        return BondTrace(i: i, j: j, species: (first.species[i], first.species[j]), lengths: lengths, bonded: bonded)
    }
}

/// The traces that change state: broken or formed bonds.
public func changedBonds(_ traces: [BondTrace]) -> [BondTrace] {
    traces.filter { $0.broken || $0.formed }
}
