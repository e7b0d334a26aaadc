import Chemistry

/// How a structure extends in space, judged from its bond network: a structure is periodic along a
/// direction when a chain of bonds leads from an atom to one of its own periodic images along it.
///
/// Bonds are every pair closer than 1.2 × the sum of covalent radii (``Structure/bonds(scale:)``,
/// metal–metal bonds included, so a Cu slab is one network). The lattice translations reached by
/// closed bond paths span a sub-lattice of rank 0 (a molecule or cluster in a box), 1 (a wire),
/// 2 (a slab, periodic in a plane) or 3 (a bulk solid). A slab's normal is the lattice axis that no
/// such translation has a component along (vacuum along c for a slab in the a–b plane).
public enum Periodicity: Sendable, Hashable {
    /// No atom is bonded to its own image: a molecule or cluster in a vacuum box.
    case molecule
    /// Periodic along one lattice axis only (0 = a, 1 = b, 2 = c).
    case wire(axis: Int)
    /// Periodic in a plane of two lattice axes, vacuum along the third, `normal` (0 = a, 1 = b, 2 = c).
    case slab(normal: Int)
    /// Periodic in a plane that is not spanned by two lattice axes (the slab is cut obliquely to the cell).
    case obliqueSlab
    /// Periodic in all three directions.
    case bulk

    /// The periodicity of `structure` (see the type's documentation).
    public static func of(_ structure: Structure, scale: Double = 1.2) -> Periodicity {
        let cycles = cycleTranslations(structure, scale: scale)
        switch rank(cycles) {
        case 0: return .molecule
        case 3: return .bulk
        case 1:
            let axes = (0..<3).filter { k in cycles.contains { $0[k] != 0 } }
            return axes.count == 1 ? .wire(axis: axes[0]) : .wire(axis: axes.first ?? 0)
        default:
            let flat = (0..<3).filter { k in cycles.allSatisfy { $0[k] == 0 } }
            return flat.count == 1 ? .slab(normal: flat[0]) : .obliqueSlab
        }
    }

    /// The lattice translations (cells along a, b, c) closed by bond paths: for every bond that joins
    /// two atoms already placed by a breadth-first walk of the bond graph, the mismatch of their images.
    static func cycleTranslations(_ structure: Structure, scale: Double) -> [SIMD3<Int32>] {
        var adjacency: [[(Int, SIMD3<Int32>)]] = Array(repeating: [], count: structure.count)
        for bond in structure.bonds(scale: scale) {
            adjacency[bond.i].append((bond.j, bond.image))
            if bond.i != bond.j { adjacency[bond.j].append((bond.i, SIMD3<Int32>(repeating: 0) &- bond.image)) }
        }
        var offset: [SIMD3<Int32>?] = Array(repeating: nil, count: structure.count)
        var cycles: Set<SIMD3<Int32>> = []
        for start in 0..<structure.count where offset[start] == nil {
            offset[start] = .zero
            var queue = [start]
            var head = 0
            while head < queue.count {
                let i = queue[head]
                head += 1
                guard let oi = offset[i] else { continue }
                for (j, image) in adjacency[i] {
                    let reached = oi &+ image
                    if let oj = offset[j] {
                        let loop = reached &- oj
                        if loop != .zero { cycles.insert(loop) }
                    } else {
                        offset[j] = reached
                        queue.append(j)
                    }
                }
            }
        }
        return cycles.sorted { ($0.x, $0.y, $0.z) < ($1.x, $1.y, $1.z) }
    }

    /// The rank of a set of integer vectors (Gaussian elimination in doubles; the entries are small).
    static func rank(_ vectors: [SIMD3<Int32>]) -> Int {
        var rows = vectors.map { SIMD3<Double>(Double($0.x), Double($0.y), Double($0.z)) }
        var rank = 0
        for column in 0..<3 {
            guard let pivot = rows.indices.dropFirst(rank).max(by: { abs(rows[$0][column]) < abs(rows[$1][column]) }),
                abs(rows[pivot][column]) > 1e-9
            else { continue }
            rows.swapAt(rank, pivot)
            for r in rows.indices where r != rank {
                rows[r] -= rows[r][column] / rows[rank][column] * rows[rank]
            }
            rank += 1
            if rank == 3 { break }
        }
        return rank
    }

    /// Words for messages: `a molecule or cluster (no atom bonded to its own image)`, `a slab (periodic along a and b, vacuum along c)`, ….
    public var description: String {
        let axes = ["a", "b", "c"]
        switch self {
        case .molecule: return "a molecule or cluster (no atom is bonded to its own periodic image)"
        case .wire(let k): return "a wire (its bonds run periodically along \(axes[k]) only)"
        case .slab(let n):
            let plane = (0..<3).filter { $0 != n }.map { axes[$0] }
            return "a slab (its bonds run periodically along \(plane[0]) and \(plane[1]), vacuum along \(axes[n]))"
        case .obliqueSlab: return "a slab cut obliquely to the cell (periodic in a plane that holds no two lattice vectors)"
        case .bulk: return "a bulk solid (its bonds run periodically along a, b and c)"
        }
    }
}
