import Chemistry

// Checks a referee runs on the structures behind a number: does a relaxed state still have the bonds
// its label claims, do the parts of a density difference sit where the whole has them, do the frozen
// atoms of an adsorption energy's terms coincide. Pure functions on Chemistry types.

/// A declared bond change that the structure does not show.
public struct BondDeclarationViolation: Sendable, Hashable {
    /// `broken` (declared broken, found bonded) or `formed` (declared formed, found not bonded).
    public var declared: String
    /// The atoms, 0-based in the structure's order, and their species.
    public var i: Int, j: Int
    public var speciesI: String, speciesJ: String
    /// The distance found (Å, minimum image).
    public var distance: Double
    /// The bond limit scale × (r_cov,i + r_cov,j) (Å).
    public var limit: Double
}

/// The declared bond changes of a state that `structure` contradicts: a pair in `broken` that is bonded,
/// a pair in `formed` that is not. Bonded means d ≤ `scale` × (r_cov,i + r_cov,j) (Cordero radii, the
/// rule of ``bondTable(_:pairs:scale:)``). Pairs naming atoms outside the structure, or elements without
/// a covalent radius, are returned in `unknown` instead.
public func bondDeclarationViolations(_ structure: Structure, broken: [[Int]], formed: [[Int]], scale: Double = 1.2)
    -> (violations: [BondDeclarationViolation], unknown: [[Int]])
{
    var violations: [BondDeclarationViolation] = []
    var unknown: [[Int]] = []
    let radii = structure.elements.map { $0?.covalentRadius }
    for (label, pairs, wantBonded) in [("broken", broken, false), ("formed", formed, true)] {
        for pair in pairs {
            guard pair.count == 2, pair[0] != pair[1], pair.allSatisfy({ $0 >= 0 && $0 < structure.count }),
                let ri = radii[pair[0]], let rj = radii[pair[1]]
            else {
                unknown.append(pair)
                continue
            }
            let (i, j) = (pair[0], pair[1])
            let d = structure.distance(i, j)
            let limit = scale * (ri + rj)
            if (d <= limit) != wantBonded {
                violations.append(
                    BondDeclarationViolation(
                        declared: label, i: i, j: j, speciesI: structure.species[i], speciesJ: structure.species[j], distance: d, limit: limit))
            }
        }
    }
    return (violations, unknown)
}

/// The atom of a part that is farthest from where the whole has it.
public struct PositionMismatch: Sendable, Hashable {
    /// The part's atom (0-based, part order).
    public var atom: Int
    /// The atom's element symbol.
    public var species: String
    /// Distance (Å, minimum image in the part's cell) to the nearest atom of the same species in the whole.
    public var distance: Double
}

/// Whether the atoms of `part` sit where `whole` has atoms of the same species, in absolute (not aligned)
/// coordinates: a density difference Δρ = ρ(whole) − Σρ(parts) on one grid needs exactly that (the parts
/// are single points frozen at their positions in the composite). Each atom of the part is matched to the
/// nearest atom of the same species in the whole (minimum image in the part's cell; both share the cell).
/// Returns the worst atom, `nil` for an empty part; `distance` is infinite when the whole has no atom of
/// that species.
public func worstPositionMismatch(part: Structure, whole: Structure) -> PositionMismatch? {
    let wholeCartesian = whole.cartesianPositions
    var worst: PositionMismatch?
    for (i, f) in part.fractionalPositions.enumerated() {
        let species = part.species[i]
        var best = Double.infinity
        for (j, s) in whole.species.enumerated() where s == species {
            let fj = part.lattice.fractional(wholeCartesian[j])
            best = min(best, part.lattice.distance(f, fj))
        }
        if worst.map({ best > $0.distance }) ?? true { worst = PositionMismatch(atom: i, species: species, distance: best) }
    }
    return worst
}

/// The largest deviation between two sets of corresponding atoms after the best rigid superposition
/// (rotation + translation, Kabsch/Horn quaternion method, minimising the RMSD).
public struct FrozenAtomDeviation: Sendable, Hashable {
    /// RMSD after superposition (Å).
    public var rmsd: Double
    /// The largest single deviation (Å).
    public var maximum: Double
    /// Where the largest deviation occurs: the 0-based position in the lists.
    public var index: Int
}

/// Superposes `b` onto `a` (Cartesian positions in corresponding order, at least 3 points) and returns
/// the RMSD and the largest deviation. `nil` for fewer than 3 points or unequal counts.
public func superpositionDeviation(_ a: [SIMD3<Double>], _ b: [SIMD3<Double>]) -> FrozenAtomDeviation? {
    guard a.count == b.count, a.count >= 3 else { return nil }
    let n = Double(a.count)
    let ca = a.reduce(SIMD3<Double>(repeating: 0), +) / n
    let cb = b.reduce(SIMD3<Double>(repeating: 0), +) / n
    let x = a.map { $0 - ca }
    let y = b.map { $0 - cb }
    // Correlation matrix S = Σ y xᵀ, then Horn's symmetric 4×4 matrix whose top eigenvector is the rotation.
    var s = [[Double]](repeating: [0, 0, 0], count: 3)
    for (p, q) in zip(y, x) {
        for r in 0..<3 { for c in 0..<3 { s[r][c] += p[r] * q[c] } }
    }
    let (xx, xy, xz, yx, yy, yz, zx, zy, zz) = (s[0][0], s[0][1], s[0][2], s[1][0], s[1][1], s[1][2], s[2][0], s[2][1], s[2][2])
    let k: [[Double]] = [
        [xx + yy + zz, yz - zy, zx - xz, xy - yx],
        [yz - zy, xx - yy - zz, xy + yx, zx + xz],
        [zx - xz, xy + yx, -xx + yy - zz, yz + zy],
        [xy - yx, zx + xz, yz + zy, -xx - yy + zz]
    ]
    let q = largestEigenvector(k)
    let rotated = y.map { rotate($0, by: q) }
    var sum = 0.0
    var maximum = 0.0
    var index = 0
    for (i, (p, r)) in zip(x, rotated).enumerated() {
        let d2 = ((p - r) * (p - r)).sum()
        sum += d2
        if d2.squareRoot() > maximum {
            maximum = d2.squareRoot()
            index = i
        }
    }
    return FrozenAtomDeviation(rmsd: (sum / n).squareRoot(), maximum: maximum, index: index)
}

/// Rotates `v` by the unit quaternion `q` = (w, x, y, z).
private func rotate(_ v: SIMD3<Double>, by q: [Double]) -> SIMD3<Double> {
    let (w, x, y, z) = (q[0], q[1], q[2], q[3])
    let r0 = SIMD3(w * w + x * x - y * y - z * z, 2 * (x * y - w * z), 2 * (x * z + w * y))
    let r1 = SIMD3(2 * (x * y + w * z), w * w - x * x + y * y - z * z, 2 * (y * z - w * x))
    let r2 = SIMD3(2 * (x * z - w * y), 2 * (y * z + w * x), w * w - x * x - y * y + z * z)
    return SIMD3((r0 * v).sum(), (r1 * v).sum(), (r2 * v).sum())
}

/// The eigenvector of the largest eigenvalue of a symmetric 4×4 matrix (cyclic Jacobi rotations).
private func largestEigenvector(_ matrix: [[Double]]) -> [Double] {
    var a = matrix
    var v: [[Double]] = (0..<4).map { r in (0..<4).map { $0 == r ? 1.0 : 0.0 } }
    for _ in 0..<100 {
        var off = 0.0
        for p in 0..<4 { for q in (p + 1)..<4 { off += a[p][q] * a[p][q] } }
        if off < 1e-30 { break }
        for p in 0..<3 {
            for q in (p + 1)..<4 where abs(a[p][q]) > 1e-300 {
                let theta = (a[q][q] - a[p][p]) / (2 * a[p][q])
                let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                let c = 1 / (t * t + 1).squareRoot()
                let s = t * c
                for k in 0..<4 {
                    let akp = a[k][p]
                    let akq = a[k][q]
                    a[k][p] = c * akp - s * akq
                    a[k][q] = s * akp + c * akq
                }
                for k in 0..<4 {
                    let apk = a[p][k]
                    let aqk = a[q][k]
                    a[p][k] = c * apk - s * aqk
                    a[q][k] = s * apk + c * aqk
                }
                for k in 0..<4 {
                    let vkp = v[k][p]
                    let vkq = v[k][q]
                    v[k][p] = c * vkp - s * vkq
                    v[k][q] = s * vkp + c * vkq
                }
            }
        }
    }
    let best = (0..<4).max { a[$0][$0] < a[$1][$1] } ?? 0
    let vector = (0..<4).map { v[$0][best] }
    let norm = vector.map { $0 * $0 }.reduce(0, +).squareRoot()
    return norm > 0 ? vector.map { $0 / norm } : [1, 0, 0, 0]
}
