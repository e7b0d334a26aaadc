import Chemistry

/// Vacuum around a molecule or cluster in a periodic box, and re-boxing to a requested vacuum.
///
/// Convention: the vacuum along lattice axis k is the width (Å) of the empty slab between the atoms
/// and their periodic images, measured perpendicular to the planes spanned by the two other lattice
/// vectors: the largest gap between consecutive fractional coordinates along k (taken cyclically)
/// times the plane spacing `1/|bₖ*|`. For an orthorhombic box it is the box edge minus the extent of
/// the atom centres along that edge. Atomic radii are not subtracted.
public enum MoleculeBox {
    /// Vacuum widths (Å) along a, b, c; zero for an empty structure.
    public static func vacuumWidths(of structure: Structure) -> SIMD3<Double> {
        guard structure.count > 0 else { return .zero }
        let spacing = structure.lattice.planeSpacings
        var out = SIMD3<Double>.zero
        for axis in 0..<3 {
            out[axis] = largestGap(structure.fractionalPositions.map { $0[axis] }).width * spacing[axis]
        }
        return out
    }

    /// Cartesian positions (Å) with the molecule made whole: along each lattice axis the atoms are
    /// shifted by whole cells so that the largest empty gap lies at the cell boundary, then the whole
    /// molecule by one lattice translation so that its mean fractional position lies in [0, 1).
    /// Periodic images are unchanged; only the representative of each atom is chosen.
    public static func unwrappedCartesian(_ structure: Structure) -> [SIMD3<Double>] {
        guard structure.count > 0 else { return [] }
        var fractional = structure.fractionalPositions
        for axis in 0..<3 {
            let centre = largestGap(fractional.map { $0[axis] }).middle
            for i in fractional.indices {
                // Put the coordinate in (centre, centre + 1): the gap's middle becomes the boundary.
                let u = fractional[i][axis]
                fractional[i][axis] = u - ((u - centre).rounded(.down))
            }
            let mean = fractional.reduce(0) { $0 + $1[axis] } / Double(fractional.count)
            let cell = mean.rounded(.down)
            if cell != 0 { for i in fractional.indices { fractional[i][axis] -= cell } }
        }
        return fractional.map(structure.lattice.cartesian)
    }

    /// Centre of mass (Cartesian, Å) of the whole molecule (``unwrappedCartesian(_:)``), atomic masses
    /// from ``Element``; atoms whose species names no element count with mass 1 u.
    public static func centreOfMass(_ structure: Structure) -> SIMD3<Double> {
        let r = unwrappedCartesian(structure)
        let masses = structure.elements.map { $0?.atomicMass ?? 1 }
        let total = masses.reduce(0, +)
        guard total > 0 else { return .zero }
        return zip(r, masses).reduce(SIMD3<Double>.zero) { $0 + $1.1 * $1.0 } / total
    }

    /// The structures — the same atoms in the same order, e.g. the states of one reaction pathway —
    /// moved together into one orthorhombic box with `vacuum` Å between the atoms and their images
    /// along x, y and z, centred in it.
    ///
    /// The first structure is made whole (``unwrappedCartesian(_:)``); every other structure's atom i
    /// is placed at the first structure's atom i plus its minimum-image displacement, so the
    /// structures keep one common frame (no spurious rigid shift between NEB end points). The box
    /// edges are the extent of all atom centres of all structures plus `vacuum`. Selective dynamics
    /// and charge are kept. Structures with a different atom count are boxed on their own.
    public static func reboxed(_ structures: [Structure], vacuum: Double) -> [Structure] {
        guard let first = structures.first, first.count > 0 else { return structures }
        let reference = unwrappedCartesian(first)
        let placed: [[SIMD3<Double>]] = structures.map { s in
            guard s.count == first.count else { return unwrappedCartesian(s) }
            let raw = s.cartesianPositions
            let origin = first.cartesianPositions
            return (0..<s.count).map { i in reference[i] + s.lattice.minimumImage(raw[i] - origin[i]) }
        }
        var low = SIMD3<Double>(repeating: .infinity)
        var high = SIMD3<Double>(repeating: -.infinity)
        for r in placed.joined() {
            low = pointwiseMin(low, r)
            high = pointwiseMax(high, r)
        }
        let extent = high - low
        let edges = extent + SIMD3(repeating: max(vacuum, 0))
        let lattice = Lattice.orthorhombic(edges.x, edges.y, edges.z)
        let shift = edges / 2 - (low + high) / 2
        return zip(structures, placed).map { s, r in
            Structure(
                lattice: lattice, species: s.species, cartesianPositions: r.map { $0 + shift },
                selectiveDynamics: s.selectiveDynamics, charge: s.charge)
        }
    }

    /// Slabs — the same atoms in the same cell, e.g. the states of one surface NEB — with the lattice
    /// vector along the slab's `normal` axis (0 = a, 1 = b, 2 = c) rescaled so that `vacuum` Å of empty
    /// space (perpendicular to the slab's plane) separate the atoms from their images along it, the
    /// atoms centred along it. The two in-plane lattice vectors and every in-plane fractional coordinate
    /// are kept: a periodic direction is never re-boxed. The first structure's largest gap along the
    /// normal places the cell boundary for all of them, so they keep one common frame.
    public static func reboxedSlabs(_ structures: [Structure], normal k: Int, vacuum: Double) -> [Structure] {
        guard let first = structures.first, first.count > 0, (0..<3).contains(k) else { return structures }
        let boundary = largestGap(first.fractionalPositions.map { $0[k] }).middle
        let unwrapped: [[Double]] = structures.map { s in
            s.fractionalPositions.map { f in f[k] - (f[k] - boundary).rounded(.down) }
        }
        let all = unwrapped.joined()
        guard let low = all.min(), let high = all.max() else { return structures }
        return zip(structures, unwrapped).map { s, u in
            let spacing = s.lattice.planeSpacings[k]
            let target = (high - low) * spacing + max(vacuum, 0)
            let scale = target / spacing
            var vectors = [s.lattice.a, s.lattice.b, s.lattice.c]
            vectors[k] *= scale
            let lattice = Lattice(a: vectors[0], b: vectors[1], c: vectors[2])
            let positions: [SIMD3<Double>] = zip(s.fractionalPositions, u).map { f, uk in
                var g = f
                g[k] = ((uk - low) * spacing + max(vacuum, 0) / 2) / target
                return g
            }
            return Structure(
                lattice: lattice, species: s.species, fractionalPositions: positions,
                selectiveDynamics: s.selectiveDynamics, charge: s.charge)
        }
    }

    /// The largest cyclic gap between sorted coordinates in [0, 1): its width (fraction of the axis)
    /// and the coordinate of its middle.
    static func largestGap(_ values: [Double]) -> (width: Double, middle: Double) {
        let sorted = values.map { $0 - $0.rounded(.down) }.sorted()
        guard let first = sorted.first, let last = sorted.last else { return (1, 0) }
        var width = first + 1 - last
        var middle = last + width / 2
        for (a, b) in zip(sorted, sorted.dropFirst()) where b - a > width {
            width = b - a
            middle = (a + b) / 2
        }
        return (width, middle - middle.rounded(.down))
    }
}
