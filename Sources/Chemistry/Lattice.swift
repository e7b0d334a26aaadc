/// A periodic cell: three lattice vectors (rows **a**, **b**, **c**) in Å.
///
/// Conventions follow VASP and pymatgen: a Cartesian position is `r = f₁·a + f₂·b + f₃·c`
/// for fractional coordinates `f`, and the reciprocal vectors carry no 2π
/// (`aᵢ · bⱼ* = δᵢⱼ`, VASP's `rec_basis`).
public struct Lattice: Sendable, Hashable, Codable {
    /// Lattice vector **a** (Å).
    public var a: SIMD3<Double>
    /// Lattice vector **b** (Å).
    public var b: SIMD3<Double>
    /// Lattice vector **c** (Å).
    public var c: SIMD3<Double>

    /// A lattice from its three vectors (Å).
    public init(a: SIMD3<Double>, b: SIMD3<Double>, c: SIMD3<Double>) {
        self.a = a
        self.b = b
        self.c = c
    }

    /// A lattice from a 3×3 row-major matrix whose rows are **a**, **b**, **c** (Å).
    /// Returns `nil` unless the input is exactly three rows of three numbers.
    public init?(rows: [[Double]]) {
        guard rows.count == 3, rows.allSatisfy({ $0.count == 3 }) else { return nil }
        self.init(
            a: SIMD3(rows[0][0], rows[0][1], rows[0][2]),
            b: SIMD3(rows[1][0], rows[1][1], rows[1][2]),
            c: SIMD3(rows[2][0], rows[2][1], rows[2][2]))
    }

    /// A cubic cell of edge `length` (Å), e.g. a vacuum box around a molecule.
    public static func cubic(_ length: Double) -> Lattice {
        Lattice(a: SIMD3(length, 0, 0), b: SIMD3(0, length, 0), c: SIMD3(0, 0, length))
    }

    /// An orthorhombic cell with edges `x`, `y`, `z` (Å) along the Cartesian axes.
    public static func orthorhombic(_ x: Double, _ y: Double, _ z: Double) -> Lattice {
        Lattice(a: SIMD3(x, 0, 0), b: SIMD3(0, y, 0), c: SIMD3(0, 0, z))
    }

    /// A cell from its lengths |a|, |b|, |c| (Å) and angles α (b,c), β (a,c), γ (a,b) in degrees,
    /// in the standard orientation: **a** along x, **b** in the xy plane, **c** completing a
    /// right-handed cell. Returns `nil` unless the lengths are positive and the angles form a
    /// cell of positive volume.
    public init?(lengths: SIMD3<Double>, angles: SIMD3<Double>) {
        guard lengths.x > 0, lengths.y > 0, lengths.z > 0,
            lengths.x.isFinite, lengths.y.isFinite, lengths.z.isFinite
        else { return nil }
        let radians = angles * (Double.pi / 180)
        let cosA = cos(radians.x)
        let cosB = cos(radians.y)
        let cosG = cos(radians.z)
        let sinG = sin(radians.z)
        guard sinG > 1e-12 else { return nil }
        let cx = cosB
        let cy = (cosA - cosB * cosG) / sinG
        let cz2 = 1 - cx * cx - cy * cy
        guard cz2 > 1e-12, cz2.isFinite else { return nil }
        self.init(
            a: SIMD3(lengths.x, 0, 0),
            b: lengths.y * SIMD3(cosG, sinG, 0),
            c: lengths.z * SIMD3(cx, cy, cz2.squareRoot()))
    }

    /// The rows **a**, **b**, **c** as a nested array (Å), pymatgen's `lattice.matrix`.
    public var rows: [[Double]] {
        [[a.x, a.y, a.z], [b.x, b.y, b.z], [c.x, c.y, c.z]]
    }

    /// Vector lengths |a|, |b|, |c| (Å).
    public var lengths: SIMD3<Double> {
        SIMD3(a.length, b.length, c.length)
    }

    /// Angles α (b,c), β (a,c), γ (a,b) in degrees.
    public var angles: SIMD3<Double> {
        SIMD3(angleDegrees(b, c), angleDegrees(a, c), angleDegrees(a, b))
    }

    /// Signed cell volume a · (b × c) (Å³); negative for a left-handed cell.
    public var signedVolume: Double { a.dot(b.cross(c)) }

    /// Cell volume |a · (b × c)| (Å³).
    public var volume: Double { abs(signedVolume) }

    /// Reciprocal vectors without the 2π factor (Å⁻¹): `aᵢ · bⱼ* = δᵢⱼ`.
    public var reciprocal: Lattice {
        let v = signedVolume
        return Lattice(a: b.cross(c) / v, b: c.cross(a) / v, c: a.cross(b) / v)
    }

    /// Cartesian position (Å) of fractional coordinates `f`.
    public func cartesian(_ f: SIMD3<Double>) -> SIMD3<Double> {
        f.x * a + f.y * b + f.z * c
    }

    /// Fractional coordinates of a Cartesian position `r` (Å).
    public func fractional(_ r: SIMD3<Double>) -> SIMD3<Double> {
        let rec = reciprocal
        return SIMD3(r.dot(rec.a), r.dot(rec.b), r.dot(rec.c))
    }

    /// The shortest periodic image of the Cartesian displacement `d` (Å).
    ///
    /// Exact for every cell, however skewed: the fractional displacement is first wrapped into
    /// [−½, ½], giving a candidate of length `L`; any shorter image `v = d + n₁a + n₂b + n₃c`
    /// has fractional components `|fₖ + nₖ| = |v · bₖ*| ≤ L·|bₖ*|`, so only the integers `nₖ`
    /// in that window are searched (a handful for a reasonable cell). A cell with zero or
    /// non-finite volume returns `d` unchanged.
    public func minimumImage(_ d: SIMD3<Double>) -> SIMD3<Double> {
        let rec = reciprocal
        var f = SIMD3(d.dot(rec.a), d.dot(rec.b), d.dot(rec.c))
        guard f.x.isFinite, f.y.isFinite, f.z.isFinite else { return d }
        f -= f.rounded(.toNearestOrEven)
        let base = cartesian(f)
        let reach = base.length * SIMD3(rec.a.length, rec.b.length, rec.c.length)
        guard let range = Lattice.imageRange(fractional: f, reach: reach) else { return base }
        var best = base
        var bestLength = base.lengthSquared
        for i in range.lower.x...range.upper.x {
            for j in range.lower.y...range.upper.y {
                for k in range.lower.z...range.upper.z where i != 0 || j != 0 || k != 0 {
                    let candidate = base + Double(i) * a + Double(j) * b + Double(k) * c
                    let l = candidate.lengthSquared
                    if l < bestLength {
                        best = candidate
                        bestLength = l
                    }
                }
            }
        }
        return best
    }

    /// Integer translations `n` with `|fₖ + nₖ| ≤ reachₖ` for each axis k (a small tolerance
    /// added), or `nil` if the bounds are not finite or absurdly large (> 10⁶ cells).
    static func imageRange(
        fractional f: SIMD3<Double>, reach: SIMD3<Double>
    ) -> (lower: SIMD3<Int>, upper: SIMD3<Int>)? {
        let slack = reach * (1 + 1e-12) + 1e-9
        let low = (-slack - f).rounded(.up)
        let high = (slack - f).rounded(.down)
        for v in [low.x, low.y, low.z, high.x, high.y, high.z] {
            guard v.isFinite, abs(v) <= 1e6 else { return nil }
        }
        let lower = SIMD3(Int(low.x), Int(low.y), Int(low.z))
        let upper = SIMD3(Int(high.x), Int(high.y), Int(high.z))
        guard lower.x <= upper.x, lower.y <= upper.y, lower.z <= upper.z else { return nil }
        return (lower, upper)
    }

    /// Spacings between adjacent lattice planes (Å): `1/|a*|`, `1/|b*|`, `1/|c*|`, the
    /// perpendicular heights of the cell over its (b,c), (a,c) and (a,b) faces.
    /// A sphere of radius r fits in the cell without touching its periodic images only when
    /// `2r` is below the smallest of these.
    public var planeSpacings: SIMD3<Double> {
        let rec = reciprocal
        return SIMD3(1 / rec.a.length, 1 / rec.b.length, 1 / rec.c.length)
    }

    /// Minimum-image distance (Å) between two fractional positions.
    public func distance(_ f1: SIMD3<Double>, _ f2: SIMD3<Double>) -> Double {
        minimumImage(cartesian(f2 - f1)).length
    }
}

extension SIMD3 where Scalar == Double {
    /// Dot product.
    public func dot(_ o: SIMD3<Double>) -> Double { (self * o).sum() }
    /// Cross product.
    public func cross(_ o: SIMD3<Double>) -> SIMD3<Double> {
        SIMD3(y * o.z - z * o.y, z * o.x - x * o.z, x * o.y - y * o.x)
    }
    /// Squared Euclidean norm.
    public var lengthSquared: Double { dot(self) }
    /// Euclidean norm.
    public var length: Double { lengthSquared.squareRoot() }
}

/// Angle between two vectors in degrees (0 when either is zero).
func angleDegrees(_ u: SIMD3<Double>, _ v: SIMD3<Double>) -> Double {
    let denominator = u.length * v.length
    guard denominator > 0 else { return 0 }
    let cosine = max(-1, min(1, u.dot(v) / denominator))
    return acosDegrees(cosine)
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func acosDegrees(_ x: Double) -> Double { acos(x) * 180 / Double.pi }
