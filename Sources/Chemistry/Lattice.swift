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
    /// Correct for skewed cells: after wrapping the fractional displacement into [−½, ½)
    /// the 27 neighbouring images are searched, so the result is the true minimum image
    /// whenever the cell is not pathologically reduced (all Niggli-reduced cells and every
    /// cell whose angles lie within 60°–120°).
    public func minimumImage(_ d: SIMD3<Double>) -> SIMD3<Double> {
        var f = fractional(d)
        f -= f.rounded(.toNearestOrEven)
        let base = cartesian(f)
        var best = base
        var bestLength = base.lengthSquared
        for i in -1...1 {
            for j in -1...1 {
                for k in -1...1 where i != 0 || j != 0 || k != 0 {
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
