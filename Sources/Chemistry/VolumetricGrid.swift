/// A scalar field sampled on a regular periodic grid spanning one cell, stored as VASP stores it.
///
/// **Layout.** `values` is one flat contiguous array in VASP's order, x fastest: the value at grid
/// point (i, j, k) (0-based, `0 ≤ i < nx` along **a**, `j` along **b**, `k` along **c**) is
/// `values[i + nx·(j + ny·k)]`, and that point sits at fractional coordinates `(i/nx, j/ny, k/nz)`.
/// This is Fortran order of an `(nx, ny, nz)` array, i.e. C (row-major) order of shape `[nz, ny, nx]`
/// (see ``shapedArray``); pymatgen's `data[key][i, j, k]` is the same point.
///
/// **Units — the ρ·V_cell convention.** For charge-like files (CHGCAR, CHG, AECCAR0/1/2, PARCHG)
/// VASP stores ρ(r)·V_cell, with ρ in e/Å³ and V_cell in Å³: the stored numbers are in electrons,
/// their *mean* over the grid is the number of electrons in the cell (``mean``), each grid point
/// stands for `value / count` electrons, and ρ(r) in e/Å³ is `value / V_cell` (``density(at:)``).
/// A magnetisation block (ISPIN = 2, or the x/y/z blocks of a noncollinear run) follows the same
/// convention in μ_B. LOCPOT holds the local potential in eV and ELFCAR the dimensionless electron
/// localisation function (0…1); neither is scaled by the volume. Reference: VASP wiki, "CHGCAR".
public struct VolumetricGrid: Sendable, Hashable {
    /// Grid points along **a**, **b**, **c**: VASP's NGXF, NGYF, NGZF (the `nx ny nz` line of the file).
    public let dimensions: SIMD3<Int>
    /// The cell the grid spans (Å).
    public var lattice: Lattice
    /// The values, x fastest (see the type's documentation); `values.count == nx·ny·nz`.
    public private(set) var values: ContiguousArray<Double>

    /// A grid over `lattice` holding `values` in VASP order (x fastest); `nil` unless every dimension
    /// is positive and `values.count == nx·ny·nz`.
    public init?(dimensions: SIMD3<Int>, lattice: Lattice, values: ContiguousArray<Double>) {
        guard dimensions.x > 0, dimensions.y > 0, dimensions.z > 0,
            let count = VolumetricGrid.pointCount(dimensions), count == values.count
        else { return nil }
        self.dimensions = dimensions
        self.lattice = lattice
        self.values = values
    }

    /// A grid of `dimensions` over `lattice` with every value equal to `value`.
    /// - Precondition: every dimension is positive and the product fits in `Int`.
    public init(dimensions: SIMD3<Int>, lattice: Lattice, repeating value: Double) {
        guard dimensions.x > 0, dimensions.y > 0, dimensions.z > 0, let count = VolumetricGrid.pointCount(dimensions)
        else { preconditionFailure("grid dimensions must be positive: \(dimensions)") }
        self.dimensions = dimensions
        self.lattice = lattice
        self.values = ContiguousArray(repeating: value, count: count)
    }

    /// `nx·ny·nz`, or `nil` when a dimension is negative or the product overflows `Int`.
    public static func pointCount(_ dimensions: SIMD3<Int>) -> Int? {
        guard dimensions.x >= 0, dimensions.y >= 0, dimensions.z >= 0 else { return nil }
        let (xy, o1) = dimensions.x.multipliedReportingOverflow(by: dimensions.y)
        let (xyz, o2) = xy.multipliedReportingOverflow(by: dimensions.z)
        return o1 || o2 ? nil : xyz
    }

    /// Number of grid points `nx·ny·nz`.
    public var count: Int { values.count }

    /// Flat index of grid point (i, j, k): `i + nx·(j + ny·k)`. Indices must be in range.
    @inline(__always)
    public func index(_ i: Int, _ j: Int, _ k: Int) -> Int {
        i + dimensions.x * (j + dimensions.y * k)
    }

    /// The value at grid point (i, j, k) (0-based; indices are wrapped periodically, so `-1` is the
    /// last plane).
    public subscript(_ i: Int, _ j: Int, _ k: Int) -> Double {
        get { values[index(wrap(i, dimensions.x), wrap(j, dimensions.y), wrap(k, dimensions.z))] }
        set { values[index(wrap(i, dimensions.x), wrap(j, dimensions.y), wrap(k, dimensions.z))] = newValue }
    }

    /// Fractional coordinates of grid point (i, j, k): `(i/nx, j/ny, k/nz)`.
    public func fractional(_ i: Int, _ j: Int, _ k: Int) -> SIMD3<Double> {
        SIMD3(Double(i) / Double(dimensions.x), Double(j) / Double(dimensions.y), Double(k) / Double(dimensions.z))
    }

    /// Volume of one grid cell (voxel), `V_cell / count` (Å³).
    public var voxelVolume: Double { lattice.volume / Double(count) }

    /// Sum of all values (compensated summation, so that 10⁸ values keep ~15 significant digits).
    public var sum: Double { VolumetricGrid.compensatedSum(values) }

    /// Mean of all values, `sum / count`. For charge-like data (ρ·V_cell) this is the number of
    /// electrons in the cell (or the total moment in μ_B for a magnetisation block).
    public var mean: Double { sum / Double(count) }

    /// ρ in e/Å³ (value / V_cell) at grid point (i, j, k), for charge-like data.
    public func density(at i: Int, _ j: Int, _ k: Int) -> Double {
        self[i, j, k] / lattice.volume
    }

    /// The values as a row-major ``ShapedArray`` of shape `[nz, ny, nx]` (the same buffer order).
    public var shapedArray: ShapedArray<Double> {
        // The counts agree by construction.
        ShapedArray(shape: [dimensions.z, dimensions.y, dimensions.x], values: values)
            ?? ShapedArray(shape: [0], repeating: 0)
    }

    /// Replaces every value by `transform(value)` (in place, no reallocation).
    public mutating func transformValues(_ transform: (Double) -> Double) {
        values.withUnsafeMutableBufferPointer { buffer in
            for n in buffer.indices { buffer[n] = transform(buffer[n]) }
        }
    }

    /// Calls `body` with the values' contiguous storage for fast in-place updates.
    public mutating func withUnsafeMutableValues<R>(_ body: (inout UnsafeMutableBufferPointer<Double>) throws -> R) rethrows -> R {
        try values.withUnsafeMutableBufferPointer { try body(&$0) }
    }

    /// Neumaier's compensated sum of `values`.
    public static func compensatedSum(_ values: ContiguousArray<Double>) -> Double {
        values.withUnsafeBufferPointer { compensatedSum($0) }
    }

    /// Neumaier's compensated sum of a buffer.
    public static func compensatedSum(_ values: UnsafeBufferPointer<Double>) -> Double {
        var sum = 0.0
        var compensation = 0.0
        for v in values {
            let t = sum + v
            if abs(sum) >= abs(v) {
                compensation += (sum - t) + v
            } else {
                compensation += (v - t) + sum
            }
            sum = t
        }
        return sum + compensation
    }

    @inline(__always)
    private func wrap(_ i: Int, _ n: Int) -> Int {
        let r = i % n
        return r < 0 ? r + n : r
    }
}
