/// Per-axis selective-dynamics flags of one atom (`T`/`F` in POSCAR): `true` = free to move.
public struct MovableAxes: Sendable, Hashable, Codable {
    public var x: Bool
    public var y: Bool
    public var z: Bool
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
    public var formula: String {
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
