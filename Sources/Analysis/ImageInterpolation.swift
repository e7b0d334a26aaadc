import Chemistry

/// Why two end points cannot be joined by a band of NEB images.
public enum ImageInterpolationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The end points hold different numbers of atoms.
    case atomCountMismatch(initial: Int, final: Int)
    /// Atom `index` (0-based) is a different element in the two end points: the atoms are not in
    /// the same order (VTST's nebmake and VASP pair atoms by position in the file).
    case speciesMismatch(index: Int, initial: String, final: String)
    /// The cells differ by more than the tolerance (largest difference of a lattice-vector
    /// component, Å): NEB images share one cell.
    case latticeMismatch(largestDifference: Double)
    /// Fewer than one intermediate image was asked for.
    case noImages(requested: Int)

    /// One line saying what is wrong and what NEB needs, e.g. `the end points have 24 and 25 atoms: NEB needs the same atoms in the same order`.
    public var description: String {
        switch self {
        case .atomCountMismatch(let a, let b):
            return "the end points have \(a) and \(b) atoms: NEB needs the same atoms in the same order"
        case .speciesMismatch(let i, let a, let b):
            return "atom \(i) is \(a) in the initial state but \(b) in the final state: NEB needs the same atoms in the same order"
        case .latticeMismatch(let d):
            return "the end points have different cells (a lattice component differs by \(imageNumberText(d)) Å): NEB images share one cell"
        case .noImages(let n):
            return "expected at least one intermediate image, got \(n)"
        }
    }
}

/// A band of NEB images between two end points, end points included (`images.count` =
/// intermediate images + 2), with what the interpolation noticed.
public struct ImagePath: Sendable, Hashable {
    /// Images 00 … NN: `images.first` is the initial state and `images.last` the final state, both
    /// exactly as given; the intermediate images live in the initial state's cell and frame.
    public var images: [Structure]
    /// Per atom, the length (Å) of its minimum-image displacement from the initial to the final state.
    public var displacements: [Double]
    /// Human-readable findings: atoms moving more than the threshold (a sign of a wrong atom
    /// correspondence, atst-tools #1), fixed atoms that move, selective-dynamics flags that differ
    /// between the end points.
    public var warnings: [String]
    /// Steps the IDPP optimisation took (0 for linear interpolation).
    public var iterations: Int
    /// Whether the IDPP optimisation reached its force tolerance (`true` for linear interpolation).
    public var converged: Bool

    /// A path.
    public init(images: [Structure], displacements: [Double], warnings: [String], iterations: Int = 0, converged: Bool = true) {
        self.images = images
        self.displacements = displacements
        self.warnings = warnings
        self.iterations = iterations
        self.converged = converged
    }
}

/// Settings of the image interpolation.
public struct ImageInterpolationOptions: Sendable, Hashable {
    /// Atoms whose end-point displacement exceeds this (Å) are named in a warning. Default 3.5 Å.
    public var displacementWarning: Double
    /// Largest difference (Å) of a lattice-vector component accepted between the end points. Default 1e-4 Å.
    public var latticeTolerance: Double
    /// IDPP: spring constant of the band (objective units per Å², the objective being in Å⁻²). Default 5.
    public var springConstant: Double
    /// IDPP: stop when the largest per-atom force (Å⁻³) is below this. Default 1e-3.
    public var forceTolerance: Double
    /// IDPP: at most this many optimisation steps. Default 3000.
    public var maxIterations: Int
    /// IDPP: largest move of an atom in one step (Å). Default 0.1 Å.
    public var maxStep: Double

    /// Options with the defaults above, any of them overridden.
    public init(
        displacementWarning: Double = 3.5, latticeTolerance: Double = 1e-4, springConstant: Double = 5,
        forceTolerance: Double = 1e-3, maxIterations: Int = 3000, maxStep: Double = 0.1
    ) {
        self.displacementWarning = displacementWarning
        self.latticeTolerance = latticeTolerance
        self.springConstant = springConstant
        self.forceTolerance = forceTolerance
        self.maxIterations = maxIterations
        self.maxStep = maxStep
    }
}

/// Linear interpolation of NEB images, the convention of VTST's `nebmake.pl`: each atom moves
/// along its displacement from the initial to the final state, wrapped to the minimum image, so an
/// atom crossing a cell face goes through the face instead of across the cell (atst-tools #1).
/// Image k of `intermediate` N (k = 1…N) holds `f₀ + k/(N+1)·Δf`, Δf the fractional minimum-image
/// displacement (nebmake rounds each fractional component; Cascade takes the exact shortest
/// Cartesian image, which is the same for orthogonal cells). The end points are returned unchanged;
/// images carry the initial state's selective-dynamics flags and charge.
///
/// The atom correspondence is checked: same count, same element at every index, same cell;
/// atoms moving more than `options.displacementWarning` are reported.
/// - Throws: ``ImageInterpolationError``.
public func linearImages(
    from initial: Structure, to final: Structure, intermediate: Int,
    options: ImageInterpolationOptions = ImageInterpolationOptions()
) throws -> ImagePath {
    let band = try LinearBand(initial: initial, final: final, intermediate: intermediate, options: options)
    return ImagePath(images: band.structures(band.linearPositions()), displacements: band.displacementLengths, warnings: band.warnings)
}

/// Image-dependent pair potential (IDPP) interpolation: S. Smidstrup, A. Pedersen, K. Stokbro,
/// H. Jónsson, *J. Chem. Phys.* **140**, 214106 (2014).
///
/// Every pair of atoms (a, b) gets, in image k of N, the target distance
/// `dᵏ_ab = d⁰_ab + k/(N+1)·(d^{N+1}_ab − d⁰_ab)` interpolated between its end-point distances;
/// image k minimises `Sᵏ = ½ Σ_{a<b} w(d_ab)·(dᵏ_ab − d_ab)²` with `w(d) = d⁻⁴`. As in the paper,
/// the images are relaxed together as a nudged elastic band on these surfaces (perpendicular part
/// of −∇Sᵏ plus springs along the tangent), starting from ``linearImages(from:to:intermediate:options:)``,
/// with the FIRE optimiser (Bitzek et al., *Phys. Rev. Lett.* **97**, 170201, 2006).
///
/// Fixed atoms are obeyed (eOn #410): a coordinate whose selective-dynamics flag is false in the
/// initial state (flags refer to the fractional components, as in VASP) never moves from its linear
/// position. Pair distances use, for each pair, the lattice translation of its minimum image in the
/// initial state, kept for the whole band.
/// - Throws: ``ImageInterpolationError``.
public func idppImages(
    from initial: Structure, to final: Structure, intermediate: Int,
    options: ImageInterpolationOptions = ImageInterpolationOptions()
) throws -> ImagePath {
    let band = try LinearBand(initial: initial, final: final, intermediate: intermediate, options: options)
    var solver = IDPPBand(band: band, options: options)
    let (iterations, converged) = solver.relax()
    var warnings = band.warnings
    if !converged {
        warnings.append(
            "IDPP did not reach its force tolerance \(imageNumberText(options.forceTolerance)) in \(iterations) steps; the images are usable but less even")
    }
    return ImagePath(
        images: band.structures(solver.positions), displacements: band.displacementLengths, warnings: warnings,
        iterations: iterations, converged: converged)
}

// MARK: - The linear band

/// End points checked and paired, with the unwrapped Cartesian displacement of every atom.
struct LinearBand {
    let initial: Structure
    let final: Structure
    let intermediate: Int
    /// Cartesian positions (Å) of the initial state.
    let start: [SIMD3<Double>]
    /// Minimum-image Cartesian displacement (Å) of each atom, initial → final.
    let displacement: [SIMD3<Double>]
    /// Per atom and fractional axis: may the coordinate move? (initial state's flags)
    let movable: [MovableAxes]
    var warnings: [String] = []

    init(initial: Structure, final: Structure, intermediate: Int, options: ImageInterpolationOptions) throws {
        guard intermediate >= 1 else { throw ImageInterpolationError.noImages(requested: intermediate) }
        guard initial.count == final.count else {
            throw ImageInterpolationError.atomCountMismatch(initial: initial.count, final: final.count)
        }
        for i in 0..<initial.count where initial.species[i] != final.species[i] {
            throw ImageInterpolationError.speciesMismatch(index: i, initial: initial.species[i], final: final.species[i])
        }
        let difference = LinearBand.latticeDifference(initial.lattice, final.lattice)
        guard difference <= options.latticeTolerance else {
            throw ImageInterpolationError.latticeMismatch(largestDifference: difference)
        }
        self.initial = initial
        self.final = final
        self.intermediate = intermediate
        let lattice = initial.lattice
        start = initial.cartesianPositions
        displacement = (0..<initial.count).map { i in
            lattice.minimumImage(lattice.cartesian(final.fractionalPositions[i] - initial.fractionalPositions[i]))
        }
        movable = initial.selectiveDynamics ?? Array(repeating: .free, count: initial.count)
        warnings = checks(options: options)
    }

    static func latticeDifference(_ a: Lattice, _ b: Lattice) -> Double {
        let d = [a.a - b.a, a.b - b.b, a.c - b.c].flatMap { [abs($0.x), abs($0.y), abs($0.z)] }
        return d.max() ?? 0
    }

    var displacementLengths: [Double] { displacement.map(\.length) }

    func checks(options: ImageInterpolationOptions) -> [String] {
        var out: [String] = []
        let lengths = displacementLengths
        let far = lengths.indices.filter { lengths[$0] > options.displacementWarning }
        if !far.isEmpty {
            let list = far.prefix(8).map { "\(initial.species[$0])\($0) \(imageNumberText(lengths[$0])) Å" }.joined(separator: ", ")
            out.append(
                "\(far.count) atom(s) move more than \(imageNumberText(options.displacementWarning)) Å between the end points (\(list)\(far.count > 8 ? ", …" : "")): check that both end points list the same atoms in the same order"
            )
        }
        let stuck = lengths.indices.filter { i in
            let m = movable[i]
            return !(m.x && m.y && m.z) && lengths[i] > 1e-3
        }
        if !stuck.isEmpty {
            let list = stuck.prefix(8).map { "\(initial.species[$0])\($0)" }.joined(separator: ", ")
            out.append("\(stuck.count) fixed atom(s) differ between the end points (\(list)): they are interpolated linearly and then held")
        }
        if let a = initial.selectiveDynamics, let b = final.selectiveDynamics, a != b {
            out.append("the end points have different selective-dynamics flags; the images use the initial state's")
        } else if (initial.selectiveDynamics == nil) != (final.selectiveDynamics == nil) {
            out.append("only one end point has selective-dynamics flags; the images use the initial state's")
        }
        return out
    }

    /// Cartesian positions of every image (end points included) on the straight line.
    func linearPositions() -> [[SIMD3<Double>]] {
        let n = intermediate + 1
        return (0...n).map { k in
            let t = Double(k) / Double(n)
            return zip(start, displacement).map { $0 + t * $1 }
        }
    }

    /// Structures from Cartesian positions; the end points are the inputs themselves.
    func structures(_ positions: [[SIMD3<Double>]]) -> [Structure] {
        let last = positions.count - 1
        return positions.enumerated().map { k, r in
            if k == 0 { return initial }
            if k == last { return final }
            return Structure(
                lattice: initial.lattice, species: initial.species, cartesianPositions: r,
                selectiveDynamics: initial.selectiveDynamics, charge: initial.charge)
        }
    }
}

// MARK: - IDPP

/// The IDPP band being relaxed. Storage is flat for speed: coordinates of image k, atom i, axis c
/// at `(k·atoms + i)·3 + c` (Å); images 0 and N+1 never move.
struct IDPPBand {
    let band: LinearBand
    let options: ImageInterpolationOptions
    let atoms: Int
    let imageCount: Int
    /// Cartesian coordinates of every image, flat.
    var x: [Double]
    /// Pair atoms (a < b).
    let pairA: [Int]
    let pairB: [Int]
    /// Per pair, the lattice translation (Å, flat ×3) of its minimum image in the initial state.
    let pairShift: [Double]
    /// Per image, per pair, the target distance (Å), flat.
    let target: [Double]
    /// Per atom and axis, 1 when free; atoms fixed along a fractional axis are handled by `constrain`.
    let freeAtom: [Bool]
    let partlyFixed: [Bool]
    let reciprocal: Lattice
    let lattice: Lattice

    init(band: LinearBand, options: ImageInterpolationOptions) {
        self.band = band
        self.options = options
        atoms = band.start.count
        imageCount = band.intermediate + 2
        x = band.linearPositions().flatMap { $0.flatMap { [$0.x, $0.y, $0.z] } }
        lattice = band.initial.lattice
        reciprocal = lattice.reciprocal
        let start = band.start
        let end = zip(band.start, band.displacement).map { $0 + $1 }
        var a: [Int] = []
        var b: [Int] = []
        var shift: [Double] = []
        var d0: [Double] = []
        var d1: [Double] = []
        let pairCount = atoms * (atoms - 1) / 2
        a.reserveCapacity(pairCount)
        b.reserveCapacity(pairCount)
        shift.reserveCapacity(3 * pairCount)
        for i in 0..<atoms {
            for j in (i + 1)..<atoms {
                let raw = start[j] - start[i]
                let t = lattice.minimumImage(raw) - raw
                a.append(i)
                b.append(j)
                shift += [t.x, t.y, t.z]
                d0.append((raw + t).length)
                d1.append((end[j] - end[i] + t).length)
            }
        }
        pairA = a
        pairB = b
        pairShift = shift
        let n = Double(band.intermediate + 1)
        var targets: [Double] = []
        targets.reserveCapacity(imageCount * d0.count)
        for k in 0..<imageCount {
            let f = Double(k) / n
            for p in 0..<d0.count { targets.append(d0[p] + f * (d1[p] - d0[p])) }
        }
        target = targets
        freeAtom = band.movable.map { $0.x && $0.y && $0.z }
        partlyFixed = band.movable.map { !($0.x && $0.y && $0.z) && ($0.x || $0.y || $0.z) }
    }

    /// Adds −∇Sᵏ of image k (Å⁻³) into `force` (flat, one image).
    func addIDPPForce(image k: Int, into force: inout [Double]) {
        let pairs = pairA.count
        x.withUnsafeBufferPointer { xs in
            pairA.withUnsafeBufferPointer { pa in
                pairB.withUnsafeBufferPointer { pb in
                    pairShift.withUnsafeBufferPointer { sh in
                        target.withUnsafeBufferPointer { tg in
                            force.withUnsafeMutableBufferPointer { f in
                                let base = k * atoms * 3
                                let tBase = k * pairs
                                for p in 0..<pairs {
                                    let ia = base + 3 * pa[p]
                                    let ib = base + 3 * pb[p]
                                    let vx = xs[ib] - xs[ia] + sh[3 * p]
                                    let vy = xs[ib + 1] - xs[ia + 1] + sh[3 * p + 1]
                                    let vz = xs[ib + 2] - xs[ia + 2] + sh[3 * p + 2]
                                    let d2 = vx * vx + vy * vy + vz * vz
                                    guard d2 > 1e-16 else { continue }
                                    let d = d2.squareRoot()
                                    let e = d - tg[tBase + p]
                                    let d4 = d2 * d2
                                    // dS/dd for ½ d⁻⁴ (d − t)², divided by d for the gradient along v.
                                    let g = (e / d4 - 2 * e * e / (d4 * d)) / d
                                    let fa = 3 * pa[p]
                                    let fb = 3 * pb[p]
                                    f[fb] -= g * vx
                                    f[fb + 1] -= g * vy
                                    f[fb + 2] -= g * vz
                                    f[fa] += g * vx
                                    f[fa + 1] += g * vy
                                    f[fa + 2] += g * vz
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The NEB force on intermediate image k (flat, one image): perpendicular IDPP force plus the
    /// spring force along the tangent (the normalised central difference), fixed coordinates zeroed.
    func nebForce(image k: Int) -> [Double] {
        let n = atoms * 3
        var f = [Double](repeating: 0, count: n)
        addIDPPForce(image: k, into: &f)
        var tangent = [Double](repeating: 0, count: n)
        var norm = 0.0
        var forward = 0.0
        var backward = 0.0
        x.withUnsafeBufferPointer { xs in
            let here = k * n
            let prev = (k - 1) * n
            let next = (k + 1) * n
            for c in 0..<n {
                let t = xs[next + c] - xs[prev + c]
                tangent[c] = t
                norm += t * t
                let fw = xs[next + c] - xs[here + c]
                let bw = xs[here + c] - xs[prev + c]
                forward += fw * fw
                backward += bw * bw
            }
        }
        norm = norm.squareRoot()
        if norm > 0 { for c in 0..<n { tangent[c] /= norm } }
        let spring = options.springConstant * (forward.squareRoot() - backward.squareRoot())
        var parallel = 0.0
        for c in 0..<n { parallel += f[c] * tangent[c] }
        for c in 0..<n { f[c] += (spring - parallel) * tangent[c] }
        constrain(&f)
        return f
    }

    /// Removes the components along fixed fractional axes (VASP's selective dynamics) from a flat
    /// per-image vector.
    func constrain(_ v: inout [Double]) {
        for i in 0..<atoms where !freeAtom[i] {
            let j = 3 * i
            if !partlyFixed[i] {
                v[j] = 0
                v[j + 1] = 0
                v[j + 2] = 0
                continue
            }
            let m = band.movable[i]
            let r = SIMD3(v[j], v[j + 1], v[j + 2])
            // Components along a, b, c: r = Σ cₖ·aₖ with cₖ = r·bₖ* (reciprocal without 2π).
            var c = SIMD3(r.dot(reciprocal.a), r.dot(reciprocal.b), r.dot(reciprocal.c))
            if !m.x { c.x = 0 }
            if !m.y { c.y = 0 }
            if !m.z { c.z = 0 }
            let out = lattice.cartesian(c)
            v[j] = out.x
            v[j + 1] = out.y
            v[j + 2] = out.z
        }
    }

    /// The largest per-atom force norm in a flat per-image force.
    func largestAtomForce(_ f: [Double]) -> Double {
        var largest = 0.0
        for i in 0..<atoms {
            let j = 3 * i
            largest = max(largest, f[j] * f[j] + f[j + 1] * f[j + 1] + f[j + 2] * f[j + 2])
        }
        return largest.squareRoot()
    }

    /// FIRE relaxation of the intermediate images; returns the steps taken and whether the largest
    /// per-atom force fell below the tolerance.
    mutating func relax() -> (Int, Bool) {
        let n = atoms * 3
        let images = Array(1...band.intermediate)
        var velocity = [Double](repeating: 0, count: images.count * n)
        var dt = 0.1
        let dtMax = 1.0
        var alpha = 0.1
        var sinceNegative = 0
        let tolerance = options.forceTolerance
        for step in 0..<options.maxIterations {
            let forces = images.map { nebForce(image: $0) }
            if forces.allSatisfy({ largestAtomForce($0) < tolerance }) { return (step, true) }
            var power = 0.0
            var vNorm = 0.0
            var fNorm = 0.0
            for (slot, f) in forces.enumerated() {
                for c in 0..<n {
                    let v = velocity[slot * n + c]
                    power += f[c] * v
                    vNorm += v * v
                    fNorm += f[c] * f[c]
                }
            }
            vNorm = vNorm.squareRoot()
            fNorm = fNorm.squareRoot()
            if power > 0 {
                let mix = fNorm > 0 ? alpha * vNorm / fNorm : 0
                for (slot, f) in forces.enumerated() {
                    for c in 0..<n { velocity[slot * n + c] = (1 - alpha) * velocity[slot * n + c] + mix * f[c] }
                }
                sinceNegative += 1
                if sinceNegative > 5 {
                    dt = min(dt * 1.1, dtMax)
                    alpha *= 0.99
                }
            } else {
                for c in velocity.indices { velocity[c] = 0 }
                dt *= 0.5
                alpha = 0.1
                sinceNegative = 0
            }
            for (slot, k) in images.enumerated() {
                var move = [Double](repeating: 0, count: n)
                for c in 0..<n {
                    velocity[slot * n + c] += dt * forces[slot][c]
                    move[c] = dt * velocity[slot * n + c]
                }
                for i in 0..<atoms {
                    let j = 3 * i
                    let length = (move[j] * move[j] + move[j + 1] * move[j + 1] + move[j + 2] * move[j + 2]).squareRoot()
                    if length > options.maxStep {
                        let scale = options.maxStep / length
                        move[j] *= scale
                        move[j + 1] *= scale
                        move[j + 2] *= scale
                    }
                }
                constrain(&move)
                let base = k * n
                for c in 0..<n { x[base + c] += move[c] }
            }
        }
        let converged = images.allSatisfy { largestAtomForce(nebForce(image: $0)) < tolerance }
        return (options.maxIterations, converged)
    }

    /// Cartesian positions per image.
    var positions: [[SIMD3<Double>]] {
        (0..<imageCount).map { k in
            (0..<atoms).map { i in
                let j = (k * atoms + i) * 3
                return SIMD3(x[j], x[j + 1], x[j + 2])
            }
        }
    }
}

/// A number for messages: at most 3 decimals, trailing zeros removed.
private func imageNumberText(_ x: Double) -> String {
    guard x.isFinite else { return x.description }
    let scaled = (x * 1000).rounded() / 1000
    var text = scaled.description
    if text.hasSuffix(".0") { text.removeLast(2) }
    return text
}
