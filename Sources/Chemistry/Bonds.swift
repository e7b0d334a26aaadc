/// A covalent bond between atom ``i`` and the image ``image`` of atom ``j``.
///
/// The Cartesian bond vector is `lattice.cartesian(f[j] + image − f[i])` for the structure's
/// stored fractional positions `f`; a bond across the cell boundary has a non-zero image.
public struct Bond: Sendable, Hashable {
    /// Index of the first atom (0-based); `i ≤ j`.
    public var i: Int
    /// Index of the second atom (0-based); equal to `i` for a bond to the atom's own image.
    public var j: Int
    /// Bond length (Å).
    public var length: Double
    /// Lattice translation (cells along a, b, c) applied to atom j.
    public var image: SIMD3<Int32>

    /// A bond (see the type's documentation).
    public init(i: Int, j: Int, length: Double, image: SIMD3<Int32>) {
        self.i = i
        self.j = j
        self.length = length
        self.image = image
    }
}

extension Structure {
    /// Covalent bonds: every pair of atom images with
    /// `d ≤ scale × (r_cov(i) + r_cov(j))`, the radii from ``Element/covalentRadius``
    /// (Cordero et al. 2008).
    ///
    /// Distances are periodic. In a cell whose plane spacings exceed twice the longest bond
    /// criterion this is exactly the minimum-image bond set, one bond per bonded pair; in a
    /// smaller cell every bonded image is listed (e.g. a 1-atom metal cell bonds to its own
    /// images), as ``neighborList(cutoff:)`` lists each pair once. Atoms whose species names no
    /// element (``Element/init(symbol:)`` gives `nil`) are skipped, as are coincident atoms
    /// (d = 0). Sorted by `i`, `j`, then length.
    /// - Parameter scale: tolerance factor on the sum of covalent radii; 1.2 by default.
    ///   Returns `[]` unless `scale` is positive and finite.
    public func bonds(scale: Double = 1.2) -> [Bond] {
        guard scale > 0, scale.isFinite else { return [] }
        let radii = elements.map { $0?.covalentRadius }
        let largest = radii.compactMap { $0 }.max() ?? 0
        guard largest > 0,
            let search = NeighborSearch(lattice: lattice, cutoff: scale * 2 * largest)
        else { return [] }
        var result: [Bond] = []
        for i in 0..<count {
            guard let ri = radii[i] else { continue }
            let fi = fractionalPositions[i]
            for j in i..<count {
                guard let rj = radii[j] else { continue }
                let limit = scale * (ri + rj)
                search.pairs(i: i, fi: fi, j: j, fj: fractionalPositions[j]) { n in
                    guard n.distance > 0, n.distance <= limit else { return }
                    if i == j && !Neighbor.isPositiveHalf(n.image) { return }
                    result.append(Bond(i: i, j: j, length: n.distance, image: n.image))
                }
            }
        }
        result.sort { l, r in
            if l.i != r.i { return l.i < r.i }
            if l.j != r.j { return l.j < r.j }
            return l.length < r.length
        }
        return result
    }
}
