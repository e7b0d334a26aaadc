/// Per-axis selective-dynamics flags of one atom (`T`/`F` in POSCAR): `true` = free to move.
public struct MovableAxes: Sendable, Hashable, Codable {
    /// First flag (`T` = free): the first coordinate may move (VASP applies the flags to fractional coordinates: along a).
    public var x: Bool
    /// Second flag: the second coordinate may move (along b).
    public var y: Bool
    /// Third flag: the third coordinate may move (along c).
    public var z: Bool
    /// The three flags in POSCAR order; `true` = `T`.
    public init(_ x: Bool, _ y: Bool, _ z: Bool) {
        self.x = x
        self.y = y
        self.z = z
    }
    /// All three axes free.
    public static let free = MovableAxes(true, true, true)
    /// All three axes fixed.
    public static let fixed = MovableAxes(false, false, false)
}

/// A periodic atomic structure: lattice, species and fractional positions.
///
/// Positions are stored once, as fractional coordinates in one contiguous array
/// (shape `[count]` of `SIMD3<Double>`); Cartesian positions (Å) are derived.
public struct Structure: Sendable, Hashable, Codable {
    /// The periodic cell.
    public var lattice: Lattice
    /// Chemical symbol of each atom, in file order (e.g. `"Fe"`; VASP's padding trimmed).
    public var species: [String]
    /// Fractional coordinates of each atom.
    public var fractionalPositions: [SIMD3<Double>]
    /// Selective-dynamics flags per atom, or `nil` when the structure has none.
    public var selectiveDynamics: [MovableAxes]?
    /// Net charge of the cell in |e| (positive = electrons removed); 0 for a neutral cell.
    public var charge: Double

    /// A structure; `species` and `fractionalPositions` must have the same length.
    public init(
        lattice: Lattice, species: [String], fractionalPositions: [SIMD3<Double>],
        selectiveDynamics: [MovableAxes]? = nil, charge: Double = 0
    ) {
        precondition(species.count == fractionalPositions.count, "one species per position")
        self.lattice = lattice
        self.species = species
        self.fractionalPositions = fractionalPositions
        self.selectiveDynamics = selectiveDynamics
        self.charge = charge
    }

    /// A structure from Cartesian positions (Å).
    public init(
        lattice: Lattice, species: [String], cartesianPositions: [SIMD3<Double>],
        selectiveDynamics: [MovableAxes]? = nil, charge: Double = 0
    ) {
        self.init(
            lattice: lattice, species: species,
            fractionalPositions: cartesianPositions.map(lattice.fractional),
            selectiveDynamics: selectiveDynamics, charge: charge)
    }

    /// Number of atoms.
    public var count: Int { species.count }

    /// Cartesian positions (Å).
    public var cartesianPositions: [SIMD3<Double>] {
        fractionalPositions.map(lattice.cartesian)
    }

    /// Minimum-image distance (Å) between atoms `i` and `j` (0-based).
    public func distance(_ i: Int, _ j: Int) -> Double {
        lattice.distance(fractionalPositions[i], fractionalPositions[j])
    }

    /// Reduced formula-like label in order of first appearance, e.g. `"Si2"` or `"Li25Mn25O50"`.
    public var formula: String { Structure.formula(species) }

    /// The formula label of a species list, in order of first appearance (``formula``).
    public static func formula(_ species: [String]) -> String {
        var order: [String] = []
        var counts: [String: Int] = [:]
        for s in species {
            if counts[s] == nil { order.append(s) }
            counts[s, default: 0] += 1
        }
        return order.map { s in
            let n = counts[s] ?? 0
            return n == 1 ? s : "\(s)\(n)"
        }.joined()
    }
}

/// Atom index lists as compact ranges: `[0, 1, 2, 5]` → `0-2,5` (or `1-3,6` with `base: 1`), the form
/// the manifest's atom lists and the CLI's `--atoms` read back.
public enum AtomRanges {
    /// The sorted, de-duplicated indices as ranges, each shifted by `base`.
    public static func text(_ atoms: [Int], base: Int = 0) -> String {
        let sorted = Array(Set(atoms)).sorted()
        var parts: [String] = []
        var k = 0
        while k < sorted.count {
            var j = k
            while j + 1 < sorted.count, sorted[j + 1] == sorted[j] + 1 { j += 1 }
            parts.append(j == k ? "\(sorted[k] + base)" : "\(sorted[k] + base)-\(sorted[j] + base)")
            k = j + 1
        }
        return parts.joined(separator: ",")
    }

    /// Reads `0-2,5` back (indices shifted by −`base`); `nil` for empty, negative or malformed text.
    public static func parse(_ text: String, base: Int = 0) -> [Int]? {
        var out: [Int] = []
        for part in text.split(separator: ",") {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false).map { $0.filter { $0 != " " } }
            guard (1...2).contains(bounds.count), let low = Int(bounds[0]), low >= base else { return nil }
            let high = bounds.count == 2 ? Int(bounds[1]) : low
            guard let high, high >= low, high - low < 10_000_000 else { return nil }
            out += (low...high).map { $0 - base }
        }
        return out.isEmpty ? nil : out
    }
}
