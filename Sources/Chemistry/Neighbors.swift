/// One neighbour relation under periodic boundary conditions: atom ``j`` shifted by the lattice
/// translation ``image`` lies ``distance`` Å from atom ``i``.
///
/// The Cartesian vector from atom i to that image of j is
/// `lattice.cartesian(f[j] + image − f[i])`, with `f` the structure's stored fractional positions
/// (not rewrapped), and is available as ``vector``.
public struct Neighbor: Sendable, Hashable {
    /// Index of the central atom (0-based).
    public var i: Int
    /// Index of the neighbouring atom (0-based); equal to `i` for a periodic self-image.
    public var j: Int
    /// Distance (Å) from atom i to the image of atom j.
    public var distance: Double
    /// Lattice translation (in cells along a, b, c) applied to atom j.
    public var image: SIMD3<Int32>
    /// Cartesian vector (Å) from atom i to the image of atom j; its length is ``distance``.
    public var vector: SIMD3<Double>

    /// A neighbour relation (see the type's documentation).
    public init(i: Int, j: Int, distance: Double, image: SIMD3<Int32>, vector: SIMD3<Double>) {
        self.i = i
        self.j = j
        self.distance = distance
        self.image = image
        self.vector = vector
    }
}

extension Structure {
    /// Every atom image within `cutoff` Å of atom `i` (distance ≤ `cutoff`), periodic images and
    /// the atom's own images included, sorted by distance (ties by `j`, then image).
    ///
    /// The images searched are computed from the cutoff and the plane spacings of the cell,
    /// so a cell smaller than the cutoff is handled exactly (a 2 Å simple-cubic cell with a
    /// 4.5 Å cutoff gives 32 self-images). Only atom i itself at zero translation is left out;
    /// another atom at the same position is reported with distance 0.
    /// Returns `[]` for a negative or non-finite cutoff or a cell of zero volume.
    /// - Precondition: `0 <= i < count`.
    public func neighbors(of i: Int, cutoff: Double) -> [Neighbor] {
        precondition(i >= 0 && i < count, "atom index \(i) out of range 0..<\(count)")
        guard let search = NeighborSearch(lattice: lattice, cutoff: cutoff) else { return [] }
        var result: [Neighbor] = []
        for j in 0..<count {
            search.pairs(i: i, fi: fractionalPositions[i], j: j, fj: fractionalPositions[j]) { n in
                if n.i == n.j && n.image == .zero { return }
                result.append(n)
            }
        }
        result.sort(by: Neighbor.ordered)
        return result
    }

    /// Every pair of atom images within `cutoff` Å (distance ≤ `cutoff`), each pair **once**.
    ///
    /// A pair of different atoms appears once with `i < j`; the relation from j to i is the
    /// same pair with the opposite image. A periodic self-image of atom i (`i == j`) appears
    /// once, with the first non-zero component of `image` positive. So the number of
    /// neighbours of each atom, as ``neighbors(of:cutoff:)`` counts them, adds up to twice
    /// the length of this list. Sorted by `i`, then `j`, then distance.
    /// Returns `[]` for a negative or non-finite cutoff or a cell of zero volume.
    public func neighborList(cutoff: Double) -> [Neighbor] {
        guard let search = NeighborSearch(lattice: lattice, cutoff: cutoff) else { return [] }
        var result: [Neighbor] = []
        for i in 0..<count {
            let fi = fractionalPositions[i]
            for j in i..<count {
                search.pairs(i: i, fi: fi, j: j, fj: fractionalPositions[j]) { n in
                    if n.i == n.j && !Neighbor.isPositiveHalf(n.image) { return }
                    result.append(n)
                }
            }
        }
        result.sort(by: Neighbor.pairOrdered)
        return result
    }

    /// The angle i–j–k in degrees (0…180) at the central atom `j`, from the minimum-image
    /// vectors j→i and j→k; 0 when either vector has zero length.
    /// - Precondition: all three indices in `0..<count`.
    public func angle(_ i: Int, _ j: Int, _ k: Int) -> Double {
        precondition(
            [i, j, k].allSatisfy { $0 >= 0 && $0 < count },
            "atom index out of range 0..<\(count) in angle(\(i), \(j), \(k))")
        let fj = fractionalPositions[j]
        let u = lattice.minimumImage(lattice.cartesian(fractionalPositions[i] - fj))
        let v = lattice.minimumImage(lattice.cartesian(fractionalPositions[k] - fj))
        return angleDegrees(u, v)
    }
}

extension Neighbor {
    /// Whether a non-zero translation is the representative of the pair {n, −n}: its first
    /// non-zero component is positive.
    static func isPositiveHalf(_ n: SIMD3<Int32>) -> Bool {
        if n.x != 0 { return n.x > 0 }
        if n.y != 0 { return n.y > 0 }
        return n.z > 0
    }

    /// Order of ``Structure/neighbors(of:cutoff:)``: by i, distance, j, then image.
    static func ordered(_ l: Neighbor, _ r: Neighbor) -> Bool {
        if l.i != r.i { return l.i < r.i }
        if l.distance != r.distance { return l.distance < r.distance }
        if l.j != r.j { return l.j < r.j }
        return imageOrdered(l.image, r.image)
    }

    /// Order of ``Structure/neighborList(cutoff:)``: by i, j, distance, then image.
    static func pairOrdered(_ l: Neighbor, _ r: Neighbor) -> Bool {
        if l.i != r.i { return l.i < r.i }
        if l.j != r.j { return l.j < r.j }
        if l.distance != r.distance { return l.distance < r.distance }
        return imageOrdered(l.image, r.image)
    }

    /// Lexicographic order of translations.
    static func imageOrdered(_ l: SIMD3<Int32>, _ r: SIMD3<Int32>) -> Bool {
        if l.x != r.x { return l.x < r.x }
        if l.y != r.y { return l.y < r.y }
        return l.z < r.z
    }
}

/// The exact image search behind ``Structure/neighbors(of:cutoff:)`` and
/// ``Structure/neighborList(cutoff:)``.
///
/// For a displacement with fractional components `Δf + n` to be within `cutoff`, each component
/// satisfies `|Δfₖ + nₖ| ≤ cutoff·|bₖ*| = cutoff / spacingₖ`; the integers `nₖ` in that window are
/// the only candidates, so the search is exact for any cell and cutoff.
struct NeighborSearch {
    let lattice: Lattice
    let cutoff: Double
    let cutoffSquared: Double
    let reach: SIMD3<Double>

    init?(lattice: Lattice, cutoff: Double) {
        guard cutoff >= 0, cutoff.isFinite else { return nil }
        let rec = lattice.reciprocal
        let reach = cutoff * SIMD3(rec.a.length, rec.b.length, rec.c.length)
        guard reach.x.isFinite, reach.y.isFinite, reach.z.isFinite else { return nil }
        self.lattice = lattice
        self.cutoff = cutoff
        self.cutoffSquared = cutoff * cutoff
        self.reach = reach
    }

    /// Calls `body` for every image of atom j (fractional `fj`) within the cutoff of atom i.
    func pairs(i: Int, fi: SIMD3<Double>, j: Int, fj: SIMD3<Double>, _ body: (Neighbor) -> Void) {
        let df = fj - fi
        guard let range = Lattice.imageRange(fractional: df, reach: reach) else { return }
        let base = lattice.cartesian(df)
        let a = lattice.a
        let b = lattice.b
        let c = lattice.c
        for n1 in range.lower.x...range.upper.x {
            let v1 = base + Double(n1) * a
            for n2 in range.lower.y...range.upper.y {
                let v2 = v1 + Double(n2) * b
                for n3 in range.lower.z...range.upper.z {
                    let v = v2 + Double(n3) * c
                    let d2 = v.lengthSquared
                    guard d2 <= cutoffSquared else { continue }
                    body(
                        Neighbor(
                            i: i, j: j, distance: d2.squareRoot(),
                            image: SIMD3(Int32(n1), Int32(n2), Int32(n3)), vector: v))
                }
            }
        }
    }
}
