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

extension Element {
    /// Whether the element is a metal in the sense used by ``Structure/molecules(scale:)``: alkali and
    /// alkaline-earth metals, Al, Ga, In, Sn, Tl, Pb, Bi, Po, the transition metals, lanthanides and actinides.
    public var isMetal: Bool {
        let z = atomicNumber
        let mainGroup: Set<Int> = [3, 4, 11, 12, 13, 19, 20, 31, 37, 38, 49, 50, 55, 56, 81, 82, 83, 84, 87, 88]
        return mainGroup.contains(z) || (21...30).contains(z) || (39...48).contains(z) || (57...80).contains(z) || (89...103).contains(z)
    }
}

extension Structure {
    /// Molecules: the connected components of the covalent-bond graph between non-metal atoms
    /// (``bonds(scale:)``); each metal atom then joins the molecule holding more than half of its bonds
    /// (Co the four N of its phthalocyanine, Li the two O of its TFSI⁻), or stays alone (an Fe of a MOF
    /// node bound to several linkers and an adsorbed anion). Metal–ligand contacts are not followed, so an
    /// anion bound O→Fe to a MOF node stays its own molecule.
    ///
    /// Returns the atom indices of each molecule, ascending, molecules ordered by their first atom.
    public func molecules(scale: Double = 1.2) -> [[Int]] {
        let metal = elements.map { $0?.isMetal ?? false }
        var parent = Array(0..<count)
        func root(_ i: Int) -> Int {
            var i = i
            while parent[i] != i {
                parent[i] = parent[parent[i]]
                i = parent[i]
            }
            return i
        }
        let bonds = bonds(scale: scale)
        for b in bonds where b.i != b.j && !metal[b.i] && !metal[b.j] {
            let (a, c) = (root(b.i), root(b.j))
            if a != c { parent[max(a, c)] = min(a, c) }
        }
        var links: [Int: [Int: Int]] = [:]
        for b in bonds where b.i != b.j && metal[b.i] != metal[b.j] {
            let (m, other) = metal[b.i] ? (b.i, b.j) : (b.j, b.i)
            links[m, default: [:]][root(other), default: 0] += 1
        }
        var owner = (0..<count).map { root($0) }
        for m in 0..<count where metal[m] {
            guard let counts = links[m], let best = counts.max(by: { $0.value < $1.value }) else { continue }
            let total = counts.values.reduce(0, +)
            if 2 * best.value > total { owner[m] = best.key }
        }
        var groups: [Int: [Int]] = [:]
        var order: [Int] = []
        for i in 0..<count {
            if groups[owner[i]] == nil { order.append(owner[i]) }
            groups[owner[i], default: []].append(i)
        }
        return order.compactMap { groups[$0] }
    }
}
