import Chemistry

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Operations on volumetric data (CHGCAR, AECCAR, ELFCAR, LOCPOT grids). Pure functions on
// ``VolumetricGrid``; units follow the stored convention (ρ·V_cell in electrons for charge files,
// eV for LOCPOT, dimensionless for ELF — see `docs/analysis-volumetric.md`).

/// Why a volumetric operation could not be done.
public enum VolumetricError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No grid was given.
    case noGrids
    /// The grid of `label` is `found` where the first operand (`reference`) has `expected`.
    case gridMismatch(label: String, found: SIMD3<Int>, reference: String, expected: SIMD3<Int>)
    /// The cell of `label` differs from the first operand's by `difference` Å (largest component).
    case cellMismatch(label: String, reference: String, difference: Double, tolerance: Double)
    /// An axis other than 0, 1, 2.
    case invalidAxis(Int)
    /// A parameter out of range, with what was expected.
    case invalidArgument(String)

    /// One line saying what is wrong and what the operation needs, e.g. `expected an axis 0, 1 or 2 (a, b or c), found 3`.
    public var description: String {
        switch self {
        case .noGrids:
            return "expected at least one grid, found none"
        case .gridMismatch(let label, let found, let reference, let expected):
            return "the grid of \(label) is \(Self.text(found)), the grid of \(reference) is \(Self.text(expected)): "
                + "the operation needs identical grids (run every calculation with the same cell, ENCUT/PREC and NGXF/NGYF/NGZF)"
        case .cellMismatch(let label, let reference, let difference, let tolerance):
            return "the cell of \(label) differs from the cell of \(reference) by up to \(difference) Å "
                + "(tolerance \(tolerance) Å): the operation needs the same cell (the fragments must be computed in the cell of the whole)"
        case .invalidAxis(let axis):
            return "expected an axis 0, 1 or 2 (a, b or c), found \(axis)"
        case .invalidArgument(let message):
            return message
        }
    }

    static func text(_ d: SIMD3<Int>) -> String { "\(d.x)×\(d.y)×\(d.z)" }
}

/// One operand of ``linearCombination(_:cellTolerance:)``: `coefficient × grid`, named in errors by `label`
/// (e.g. the file name).
public struct VolumetricTerm: Sendable {
    /// The factor the grid is multiplied by.
    public var coefficient: Double
    /// The grid.
    public var grid: VolumetricGrid
    /// How errors name this operand.
    public var label: String

    /// `coefficient × grid`.
    public init(_ coefficient: Double, _ grid: VolumetricGrid, label: String) {
        self.coefficient = coefficient
        self.grid = grid
        self.label = label
    }
}

/// The largest difference (Å) between corresponding lattice-vector components of two cells.
public func cellDifference(_ a: Lattice, _ b: Lattice) -> Double {
    let d = [a.a - b.a, a.b - b.b, a.c - b.c]
    return d.map { max(abs($0.x), abs($0.y), abs($0.z)) }.max() ?? 0
}

/// Checks that every grid has the dimensions and (within `cellTolerance` Å per component) the cell of
/// the first.
public func checkCompatible(_ grids: [(grid: VolumetricGrid, label: String)], cellTolerance: Double = 1e-4) throws(VolumetricError) {
    guard let first = grids.first else { throw .noGrids }
    for (grid, label) in grids.dropFirst() {
        guard grid.dimensions == first.grid.dimensions else {
            throw .gridMismatch(label: label, found: grid.dimensions, reference: first.label, expected: first.grid.dimensions)
        }
        let difference = cellDifference(grid.lattice, first.grid.lattice)
        guard difference <= cellTolerance else {
            throw .cellMismatch(label: label, reference: first.label, difference: difference, tolerance: cellTolerance)
        }
    }
}

/// Σₖ cₖ·gridₖ point by point, on the cell of the first term.
///
/// Every grid must have the same dimensions and the same cell (each lattice-vector component within
/// `cellTolerance` Å; VASP prints 6 decimals, so the default 1e-4 Å accepts only rounding). Values keep
/// their convention (ρ·V_cell stays ρ·V_cell because the cells are equal).
/// - Throws: ``VolumetricError/gridMismatch(label:found:reference:expected:)`` or
///   ``VolumetricError/cellMismatch(label:reference:difference:tolerance:)`` naming the operands.
public func linearCombination(_ terms: [VolumetricTerm], cellTolerance: Double = 1e-4) throws(VolumetricError) -> VolumetricGrid {
    try checkCompatible(terms.map { ($0.grid, $0.label) }, cellTolerance: cellTolerance)
    guard let first = terms.first else { throw .noGrids }
    var result = first.grid
    let c0 = first.coefficient
    result.withUnsafeMutableValues { out in
        if c0 != 1 { for n in out.indices { out[n] *= c0 } }
        for term in terms.dropFirst() {
            let c = term.coefficient
            term.grid.values.withUnsafeBufferPointer { v in
                for n in out.indices { out[n] += c * v[n] }
            }
        }
    }
    return result
}

/// The differential (deformation) charge density Δρ = ρ(whole) − Σᵢ ρ(partᵢ), e.g. the seed's Fig. 2c
/// Δρ = ρ(MOF@CoPc) − ρ(MOF) − ρ(CoPc).
///
/// **Sign**: positive where electrons accumulate when the parts form the whole, negative where they are
/// depleted. (VTST's `chgdiff.pl ref B` writes B − ref, the opposite order of its arguments — FIELD.md
/// item 13; Cascade always states the sign in its output.) Units: ρ·V_cell (electrons per grid point ×
/// N), as in CHGCAR; the parts must be computed in the same cell and on the same grid as the whole.
/// - Throws: ``VolumetricError`` when the grids or cells differ.
public func differentialDensity(
    whole: VolumetricGrid, parts: [VolumetricGrid], wholeLabel: String = "the whole", partLabels: [String]? = nil,
    cellTolerance: Double = 1e-4
) throws(VolumetricError) -> VolumetricGrid {
    let labels = partLabels ?? parts.indices.map { "part \($0 + 1)" }
    var terms = [VolumetricTerm(1, whole, label: wholeLabel)]
    for (k, part) in parts.enumerated() {
        terms.append(VolumetricTerm(-1, part, label: k < labels.count ? labels[k] : "part \(k + 1)"))
    }
    return try linearCombination(terms, cellTolerance: cellTolerance)
}

/// The all-electron reference density for Bader analysis, AECCAR0 + AECCAR2 (core plus valence; VASP
/// wiki "Bader analysis", Henkelman group `chgsum.pl`). Units ρ·V_cell.
/// - Throws: ``VolumetricError`` when the grids or cells differ.
public func chargeSum(aeccar0: VolumetricGrid, aeccar2: VolumetricGrid, cellTolerance: Double = 1e-4) throws(VolumetricError) -> VolumetricGrid {
    try linearCombination(
        [VolumetricTerm(1, aeccar0, label: "AECCAR0"), VolumetricTerm(1, aeccar2, label: "AECCAR2")],
        cellTolerance: cellTolerance)
}

// MARK: - Planar averages

/// The lattice axis a name means: `x`/`a` → 0, `y`/`b` → 1, `z`/`c` → 2 (any case); `nil` otherwise.
public func latticeAxis(named name: String) -> Int? {
    switch name.lowercased() {
    case "x", "a": return 0
    case "y", "b": return 1
    case "z", "c": return 2
    default: return nil
    }
}

/// The plane average of the stored values along lattice axis `axis` (0 = a, 1 = b, 2 = c): entry k is
/// the mean over the grid plane k of the other two axes. Same numbers as pymatgen's
/// `VolumetricData.get_average_along_axis` (units of the stored values: ρ·V_cell for charge files, eV for
/// LOCPOT).
/// - Throws: ``VolumetricError/invalidAxis(_:)``.
public func planarAverage(_ grid: VolumetricGrid, axis: Int) throws(VolumetricError) -> [Double] {
    guard (0...2).contains(axis) else { throw .invalidAxis(axis) }
    let d = grid.dimensions
    let n = [d.x, d.y, d.z]
    var sums = [Double](repeating: 0, count: n[axis])
    grid.values.withUnsafeBufferPointer { v in
        for k in 0..<d.z {
            for j in 0..<d.y {
                let row = (k * d.y + j) * d.x
                switch axis {
                case 0:
                    for i in 0..<d.x { sums[i] += v[row + i] }
                case 1:
                    var s = 0.0
                    for i in 0..<d.x { s += v[row + i] }
                    sums[j] += s
                default:
                    var s = 0.0
                    for i in 0..<d.x { s += v[row + i] }
                    sums[k] += s
                }
            }
        }
    }
    let perPlane = Double(grid.count / n[axis])
    return sums.map { $0 / perPlane }
}

/// A planar average along one axis with the derived charge profiles (see ``planarProfile(_:axis:)``).
public struct PlanarProfile: Sendable, Hashable {
    /// Lattice axis (0 = a, 1 = b, 2 = c).
    public var axis: Int
    /// Fractional coordinate k/n of each grid plane.
    public var fractional: [Double]
    /// Height of each plane along the normal to the other two lattice vectors, k/n × d (Å), with d the
    /// spacing of the lattice planes (= |c| for an orthogonal cell).
    public var position: [Double]
    /// Plane average of the stored values (``planarAverage(_:axis:)``): ρ·V_cell, eV, or ELF.
    public var average: [Double]
    /// For charge data: the plane-averaged density ρ̄(z) = average / V_cell (e/Å³).
    public var density: [Double]
    /// For charge data: the linear density λ(z) = ∬ρ dx dy = average / d (e/Å), the charge per unit height.
    public var linearDensity: [Double]
    /// For charge data: the cumulative charge Q(z_k) = Σ_{k' ≤ k} average_{k'} / n (e), the charge in the
    /// planes 0…k; for a difference density Δρ this is the charge displacement ΔQ(z) (Belpassi et al.,
    /// J. Am. Chem. Soc. 130, 1048 (2008)): positive ΔQ(z) means electrons moved from above z to below it.
    public var cumulativeCharge: [Double]
    /// The cell height d along the axis (Å): the spacing of the lattice planes normal to it (= |c| for an
    /// orthogonal cell). Not the distance between grid planes; that is ``gridSpacing``.
    public var cellHeight: Double
    /// The distance between neighbouring grid planes, d / n (Å), n the number of planes along the axis.
    public var gridSpacing: Double { fractional.isEmpty ? 0 : cellHeight / Double(fractional.count) }
}

/// The planar average along `axis` and, for charge data, ρ̄(z), λ(z) and the cumulative charge ΔQ(z).
/// Heights are measured from plane 0 along the normal; for a charge-displacement curve put plane 0 in
/// the vacuum (the integration starts there). The last entry of `cumulativeCharge` is the grid mean (the
/// electron count of the cell, or the net charge of Δρ, ≈ 0).
/// - Throws: ``VolumetricError/invalidAxis(_:)``.
public func planarProfile(_ grid: VolumetricGrid, axis: Int) throws(VolumetricError) -> PlanarProfile {
    let average = try planarAverage(grid, axis: axis)
    let n = average.count
    let spacing = grid.lattice.planeSpacings[axis]
    let volume = grid.lattice.volume
    var cumulative: [Double] = []
    cumulative.reserveCapacity(n)
    var running = 0.0
    for a in average {
        running += a / Double(n)
        cumulative.append(running)
    }
    return PlanarProfile(
        axis: axis,
        fractional: (0..<n).map { Double($0) / Double(n) },
        position: (0..<n).map { Double($0) / Double(n) * spacing },
        average: average,
        density: average.map { $0 / volume },
        linearDensity: average.map { $0 / spacing },
        cumulativeCharge: cumulative,
        cellHeight: spacing)
}

// MARK: - Regions

/// A region of the cell for ``integratedCharge(_:in:)``.
public enum GridRegion: Sendable, Hashable {
    /// The whole cell.
    case cell
    /// Grid planes with fractional coordinate along `axis` in [from, to) (wrapping past 1 when from > to).
    case slab(axis: Int, from: Double, to: Double)
    /// Grid points within `radius` Å of `center` (Cartesian, Å), periodic images included.
    case sphere(center: SIMD3<Double>, radius: Double)
}

/// The charge (e) in a region: Σ value / N over the grid points inside (each point stands for V_cell/N
/// of the cell). For charge data (ρ·V_cell); for a difference density the net charge gained (positive)
/// or lost in the region. Grid points are taken at fractional coordinates (i/nx, j/ny, k/nz).
/// - Throws: ``VolumetricError/invalidAxis(_:)`` or ``VolumetricError/invalidArgument(_:)`` for a negative
///   or non-finite radius.
public func integratedCharge(_ grid: VolumetricGrid, in region: GridRegion) throws(VolumetricError) -> Double {
    switch region {
    case .cell:
        return grid.mean
    case .slab(let axis, let from, let to):
        guard (0...2).contains(axis) else { throw .invalidAxis(axis) }
        let average = try planarAverage(grid, axis: axis)
        let n = average.count
        var total = 0.0
        for k in 0..<n {
            let f = Double(k) / Double(n)
            let inside = from <= to ? (f >= from && f < to) : (f >= from || f < to)
            if inside { total += average[k] / Double(n) }
        }
        return total
    case .sphere(let center, let radius):
        guard radius >= 0, radius.isFinite else {
            throw .invalidArgument("expected a sphere radius ≥ 0 Å, found \(radius)")
        }
        return sphereSum(grid, center: center, radius: radius) / Double(grid.count)
    }
}

/// Σ of the values at grid points (any periodic image) within `radius` of `center`.
func sphereSum(_ grid: VolumetricGrid, center: SIMD3<Double>, radius: Double) -> Double {
    let lattice = grid.lattice
    let d = grid.dimensions
    let fc = lattice.fractional(center)
    let rec = lattice.reciprocal
    let reach = radius * SIMD3(rec.a.length, rec.b.length, rec.c.length)
    let n = SIMD3(Double(d.x), Double(d.y), Double(d.z))
    let low = ((fc - reach) * n).rounded(.down)
    let high = ((fc + reach) * n).rounded(.up)
    guard low.x.isFinite, high.x.isFinite, low.y.isFinite, high.y.isFinite, low.z.isFinite, high.z.isFinite else { return 0 }
    let r2 = radius * radius
    var total = 0.0
    grid.values.withUnsafeBufferPointer { v in
        for k in Int(low.z)...Int(high.z) {
            let kk = ((k % d.z) + d.z) % d.z
            for j in Int(low.y)...Int(high.y) {
                let jj = ((j % d.y) + d.y) % d.y
                for i in Int(low.x)...Int(high.x) {
                    let f = SIMD3(Double(i) / n.x, Double(j) / n.y, Double(k) / n.z) - fc
                    guard lattice.cartesian(f).lengthSquared <= r2 else { continue }
                    let ii = ((i % d.x) + d.x) % d.x
                    total += v[ii + d.x * (jj + d.y * kk)]
                }
            }
        }
    }
    return total
}

// MARK: - Interpolation and lines

/// The value at fractional coordinates `f` by periodic trilinear interpolation between the 8 grid points
/// around it (coordinates outside [0, 1) are wrapped); equals pymatgen's `VolumetricData.value_at`.
/// At a grid point it returns the stored value exactly.
public func interpolate(_ grid: VolumetricGrid, at f: SIMD3<Double>) -> Double {
    let d = grid.dimensions
    let n = SIMD3(Double(d.x), Double(d.y), Double(d.z))
    var wrapped = f - f.rounded(.down)
    // f − floor(f) can round up to 1 for tiny negative f.
    wrapped.replace(with: 0, where: wrapped .>= 1)
    let g = wrapped * n
    let lower = g.rounded(.down)
    let t = g - lower
    let i0 = Int(lower.x) % d.x
    let j0 = Int(lower.y) % d.y
    let k0 = Int(lower.z) % d.z
    let i1 = (i0 + 1) % d.x
    let j1 = (j0 + 1) % d.y
    let k1 = (k0 + 1) % d.z
    return grid.values.withUnsafeBufferPointer { v -> Double in
        func at(_ i: Int, _ j: Int, _ k: Int) -> Double { v[i + d.x * (j + d.y * k)] }
        let c00 = at(i0, j0, k0) * (1 - t.x) + at(i1, j0, k0) * t.x
        let c10 = at(i0, j1, k0) * (1 - t.x) + at(i1, j1, k0) * t.x
        let c01 = at(i0, j0, k1) * (1 - t.x) + at(i1, j0, k1) * t.x
        let c11 = at(i0, j1, k1) * (1 - t.x) + at(i1, j1, k1) * t.x
        let c0 = c00 * (1 - t.y) + c10 * t.y
        let c1 = c01 * (1 - t.y) + c11 * t.y
        return c0 * (1 - t.z) + c1 * t.z
    }
}

/// Values sampled along a straight segment.
public struct LineProfile: Sendable, Hashable {
    /// Distance from the start of each sample (Å).
    public var distance: [Double]
    /// Fractional coordinates of each sample (not wrapped).
    public var fractional: [SIMD3<Double>]
    /// Interpolated values (units of the grid).
    public var values: [Double]
    /// Length of the segment (Å).
    public var length: Double
}

/// `points` equally spaced samples (both ends included) from fractional `from` to fractional `to`, by
/// trilinear interpolation (``interpolate(_:at:)``); pymatgen's `linear_slice`.
/// - Throws: ``VolumetricError/invalidArgument(_:)`` when `points` < 2.
public func lineProfile(_ grid: VolumetricGrid, from: SIMD3<Double>, to: SIMD3<Double>, points: Int = 101) throws(VolumetricError) -> LineProfile {
    guard points >= 2 else { throw .invalidArgument("expected at least 2 points along the line, found \(points)") }
    let length = grid.lattice.cartesian(to - from).length
    var distance: [Double] = []
    var fractional: [SIMD3<Double>] = []
    var values: [Double] = []
    for s in 0..<points {
        let t = Double(s) / Double(points - 1)
        let f = from + t * (to - from)
        distance.append(t * length)
        fractional.append(f)
        values.append(interpolate(grid, at: f))
    }
    return LineProfile(distance: distance, fractional: fractional, values: values, length: length)
}

/// The profile along the bond from atom `i` to the nearest periodic image of atom `j` (0-based), e.g. the
/// ELF along a C–F bond (seed Fig. 2g): `points` samples from the centre of i (distance 0) to the centre
/// of j. A maximum near 1 between the atoms marks a localised (covalent) pair; see Savin et al., Angew.
/// Chem. Int. Ed. 36, 1808 (1997).
/// - Throws: ``VolumetricError/invalidArgument(_:)`` for an atom index out of range, the same atom twice,
///   or fewer than 2 points.
public func bondProfile(_ grid: VolumetricGrid, structure: Structure, from i: Int, to j: Int, points: Int = 101) throws(VolumetricError) -> LineProfile {
    guard structure.fractionalPositions.indices.contains(i), structure.fractionalPositions.indices.contains(j) else {
        throw .invalidArgument("expected atom indices 1…\(structure.count), found \(i + 1) and \(j + 1)")
    }
    guard i != j else { throw .invalidArgument("expected two different atoms, found atom \(i + 1) twice") }
    let fi = structure.fractionalPositions[i]
    let shortest = structure.lattice.minimumImage(structure.lattice.cartesian(structure.fractionalPositions[j] - fi))
    let fj = fi + structure.lattice.fractional(shortest)
    return try lineProfile(grid, from: fi, to: fj, points: points)
}
