import Chemistry

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One image of a nudged-elastic-band calculation, as the analysis needs it. Built by Study's NEB
/// loader from a folder `00…NN` (or from a pymatgen `NEBAnalysis` JSON); no file format here.
public struct NebImage: Sendable, Hashable {
    /// The image's name, e.g. `00`, `01`, … (or `start`, `end`).
    public var label: String
    /// E(σ→0) in eV, or `nil` when the image has no energy (an end point without output).
    public var energy: Double?
    /// The force along the band tangent (eV/Å), VTST sign: F = −dE/dr (the `REAL` value of
    /// `NEB: projections on to tangent (spring, REAL)`); `nil` when not written (end points).
    public var tangentForce: Double?
    /// The largest atomic force after the NEB projection (VTST `FORCES: max atom`), eV/Å.
    public var maxForce: Double?
    /// The image's structure (for the path coordinate and bonds), when known.
    public var structure: Structure?

    /// An image `label` with E(σ→0) (eV), tangent and max force (eV/Å, VTST) and structure, each when known.
    public init(label: String, energy: Double? = nil, tangentForce: Double? = nil, maxForce: Double? = nil, structure: Structure? = nil) {
        self.label = label
        self.energy = energy
        self.tangentForce = tangentForce
        self.maxForce = maxForce
        self.structure = structure
    }
}

/// The 3N-dimensional distance (Å) between two images: √(Σᵢ |Δrᵢ|²) with each atomic displacement
/// taken to its minimum periodic image in the cell of `b` — pymatgen `NEBAnalysis.from_outcars`
/// (`s2.distance(s1)` per site) and ASE `forcecurve.fit_raw` (`find_mic`) use the same definition.
/// Returns `nil` unless both images have the same number of atoms.
public func imageDistance(_ a: Structure, _ b: Structure) -> Double? {
    guard a.count == b.count else { return nil }
    var sum = 0.0
    for i in 0..<a.count {
        let d = b.lattice.distance(a.fractionalPositions[i], b.fractionalPositions[i])
        sum += d * d
    }
    return sum.squareRoot()
}

/// The atom that moves most between two images and its minimum-image displacement (Å); `nil` unless
/// both have the same number (≥ 1) of atoms. A large value (more than ~2 Å between neighbouring images)
/// usually means the images list the atoms in different orders (atst-tools #1).
public func largestDisplacement(_ a: Structure, _ b: Structure) -> (atom: Int, distance: Double)? {
    guard a.count == b.count, a.count > 0 else { return nil }
    var best = (atom: 0, distance: -1.0)
    for i in 0..<a.count {
        let d = b.lattice.distance(a.fractionalPositions[i], b.fractionalPositions[i])
        if d > best.distance { best = (i, d) }
    }
    return best
}

/// The reaction coordinate r (Å) of each image: the cumulative ``imageDistance(_:_:)`` from the first
/// image (r₀ = 0). `nil` when fewer than one structure or the atom counts differ.
public func nebPathCoordinates(_ structures: [Structure]) -> [Double]? {
    guard let first = structures.first else { return nil }
    var r = [0.0]
    var previous = first
    for s in structures.dropFirst() {
        guard let d = imageDistance(previous, s) else { return nil }
        r.append(r[r.count - 1] + d)
        previous = s
    }
    return r
}

/// One interval of a piecewise cubic along the band, in Hermite form: energies and slopes dE/dr at
/// both ends. With t = (r − r₀)/(r₁ − r₀) ∈ [0, 1],
/// E(t) = a + b t + c t² + d t³, a = E₀, b = s₀Δr, c = 3(E₁ − E₀) − (2s₀ + s₁)Δr, d = 2(E₀ − E₁) + (s₀ + s₁)Δr.
public struct CubicSegment: Sendable, Hashable {
    /// Start and end of the interval on the path (Å).
    public var r0: Double, r1: Double
    /// Energies at the ends (eV).
    public var e0: Double, e1: Double
    /// Slopes dE/dr at the ends (eV/Å).
    public var slope0: Double, slope1: Double

    /// The cubic from (r0, e0) to (r1, e1) with slopes slope0 and slope1 (Å, eV, eV/Å).
    public init(r0: Double, r1: Double, e0: Double, e1: Double, slope0: Double, slope1: Double) {
        self.r0 = r0
        self.r1 = r1
        self.e0 = e0
        self.e1 = e1
        self.slope0 = slope0
        self.slope1 = slope1
    }

    /// Coefficients (a, b, c, d) of E(t) = a + b t + c t² + d t³.
    public var coefficients: (a: Double, b: Double, c: Double, d: Double) {
        let dr = r1 - r0
        let s0 = slope0 * dr
        let s1 = slope1 * dr
        return (e0, s0, 3 * (e1 - e0) - 2 * s0 - s1, 2 * (e0 - e1) + s0 + s1)
    }

    /// E at fractional position t ∈ [0, 1] of the interval (eV).
    public func energy(t: Double) -> Double {
        let (a, b, c, d) = coefficients
        return a + t * (b + t * (c + t * d))
    }

    /// dE/dr at fractional position t (eV/Å).
    public func slope(t: Double) -> Double {
        let (_, b, c, d) = coefficients
        return (b + t * (2 * c + 3 * t * d)) / (r1 - r0)
    }
}

/// A stationary point of a spline inside one interval.
public struct SplineExtremum: Sendable, Hashable {
    /// A local maximum or a local minimum of the spline.
    public enum Kind: String, Sendable, Hashable { case maximum, minimum }
    /// Interval index (0 = between the first two fitted images).
    public var interval: Int
    /// Fractional position in the interval, strictly inside (0, 1).
    public var t: Double
    /// Position on the path (Å).
    public var r: Double
    /// Energy relative to the reference image (eV).
    public var energy: Double
    /// Whether the stationary point is a maximum or a minimum.
    public var kind: Kind
}

/// VTST's force-based cubic Hermite spline (Henkelman group, `vtstscripts/nebspline.pl`; ASE
/// `ase.utils.forcecurve.fit_raw` fits the same cubic): in each interval [rᵢ, rᵢ₊₁] the cubic that
/// passes through both energies with slopes dE/dr = −Fᵢ, Fᵢ the force along the tangent.
/// `r`, `energies` and `tangentForces` must have the same length ≥ 2; otherwise `[]`.
public func forceHermiteSpline(r: [Double], energies: [Double], tangentForces: [Double]) -> [CubicSegment] {
    guard r.count >= 2, r.count == energies.count, r.count == tangentForces.count else { return [] }
    return (0..<(r.count - 1)).map { i in
        CubicSegment(r0: r[i], r1: r[i + 1], e0: energies[i], e1: energies[i + 1], slope0: -tangentForces[i], slope1: -tangentForces[i + 1])
    }
}

/// pymatgen's energy-only spline (`NEBAnalysis.setup_spline`): scipy's `CubicSpline` through (r, E)
/// with the first derivative clamped to 0 at both ends (`bc_type=((1, 0.0), (1, 0.0))`); the tangent
/// forces are not used. With `zeroSlopeSaddle` the band is split at the highest image and each half
/// gets its own clamped spline (pymatgen's `zero_slope_saddle=True`).
/// Returns `[]` unless `r` and `energies` have the same length ≥ 2 and r increases.
public func energyOnlySpline(r: [Double], energies: [Double], zeroSlopeSaddle: Bool = false) -> [CubicSegment] {
    guard r.count >= 2, r.count == energies.count else { return [] }
    guard zeroSlopeSaddle, let top = energies.indices.max(by: { energies[$0] < energies[$1] }) else {
        return clampedSpline(r, energies)
    }
    let left = top >= 1 ? clampedSpline(Array(r[...top]), Array(energies[...top])) : []
    let right = top + 1 < r.count ? clampedSpline(Array(r[top...]), Array(energies[top...])) : []
    return left + right
}

/// A cubic spline with zero end slopes: the second derivatives M solve the tridiagonal system of the
/// clamped spline (Thomas algorithm); the node slopes are then S'(xᵢ) = Δyᵢ/hᵢ − hᵢ(2Mᵢ + Mᵢ₊₁)/6.
func clampedSpline(_ x: [Double], _ y: [Double]) -> [CubicSegment] {
    let n = x.count
    guard n >= 2 else { return [] }
    let h = (0..<(n - 1)).map { x[$0 + 1] - x[$0] }
    guard h.allSatisfy({ $0 > 0 }) else { return [] }
    let slope = (0..<(n - 1)).map { (y[$0 + 1] - y[$0]) / h[$0] }
    var lower = [Double](repeating: 0, count: n)
    var diagonal = [Double](repeating: 0, count: n)
    var upper = [Double](repeating: 0, count: n)
    var rhs = [Double](repeating: 0, count: n)
    diagonal[0] = 2 * h[0]
    upper[0] = h[0]
    rhs[0] = 6 * slope[0]
    for i in 1..<(n - 1) {
        lower[i] = h[i - 1]
        diagonal[i] = 2 * (h[i - 1] + h[i])
        upper[i] = h[i]
        rhs[i] = 6 * (slope[i] - slope[i - 1])
    }
    lower[n - 1] = h[n - 2]
    diagonal[n - 1] = 2 * h[n - 2]
    rhs[n - 1] = -6 * slope[n - 2]
    let m = solveTridiagonal(lower: lower, diagonal: diagonal, upper: upper, rhs: rhs)
    return (0..<(n - 1)).map { i in
        let s0 = slope[i] - h[i] * (2 * m[i] + m[i + 1]) / 6
        let s1 = slope[i] + h[i] * (m[i] + 2 * m[i + 1]) / 6
        return CubicSegment(r0: x[i], r1: x[i + 1], e0: y[i], e1: y[i + 1], slope0: s0, slope1: s1)
    }
}

/// Thomas algorithm for a tridiagonal system (`lower[0]` and `upper[n−1]` unused).
func solveTridiagonal(lower: [Double], diagonal: [Double], upper: [Double], rhs: [Double]) -> [Double] {
    let n = diagonal.count
    var c = [Double](repeating: 0, count: n)
    var d = [Double](repeating: 0, count: n)
    c[0] = upper[0] / diagonal[0]
    d[0] = rhs[0] / diagonal[0]
    for i in 1..<n {
        let denominator = diagonal[i] - lower[i] * c[i - 1]
        c[i] = i < n - 1 ? upper[i] / denominator : 0
        d[i] = (rhs[i] - lower[i] * d[i - 1]) / denominator
    }
    var x = [Double](repeating: 0, count: n)
    x[n - 1] = d[n - 1]
    for i in stride(from: n - 2, through: 0, by: -1) { x[i] = d[i] - c[i] * x[i + 1] }
    return x
}

/// The value of a piecewise cubic at path position `r` (the interval holding r; clamped to the ends).
public func splineEnergy(_ segments: [CubicSegment], at r: Double) -> Double? {
    guard let first = segments.first, let last = segments.last else { return nil }
    if r <= first.r0 { return first.e0 }
    if r >= last.r1 { return last.e1 }
    guard let s = segments.first(where: { r >= $0.r0 && r <= $0.r1 }) else { return nil }
    return s.energy(t: (r - s.r0) / (s.r1 - s.r0))
}

/// The stationary points of each interval's cubic **strictly inside** its interval (t ∈ (0, 1)), never
/// extrapolated beyond it (a root outside [0, 1] belongs to no image pair; emmet PR #1255 reported
/// spurious barriers from exactly that). Energies are relative to `reference` (eV).
public func splineExtrema(_ segments: [CubicSegment], reference: Double = 0) -> [SplineExtremum] {
    var out: [SplineExtremum] = []
    for (i, s) in segments.enumerated() {
        let (_, b, c, d) = s.coefficients
        for t in quadraticRoots(3 * d, 2 * c, b) where t > 0 && t < 1 {
            let curvature = 6 * d * t + 2 * c
            guard curvature != 0 else { continue }
            out.append(
                SplineExtremum(
                    interval: i, t: t, r: s.r0 + t * (s.r1 - s.r0), energy: s.energy(t: t) - reference,
                    kind: curvature < 0 ? .maximum : .minimum))
        }
    }
    return out
}

/// Real roots of A t² + B t + C (the linear case when A is negligible), numerically stable.
func quadraticRoots(_ a: Double, _ b: Double, _ c: Double) -> [Double] {
    let scale = max(abs(a), abs(b), abs(c))
    guard scale > 0 else { return [] }
    if abs(a) <= 1e-14 * scale {
        return abs(b) > 1e-14 * scale ? [-c / b] : []
    }
    let discriminant = b * b - 4 * a * c
    guard discriminant >= 0 else { return [] }
    let q = -0.5 * (b + (b >= 0 ? 1 : -1) * discriminant.squareRoot())
    var roots = [q / a]
    if q != 0 { roots.append(c / q) }
    return roots.sorted()
}

/// pymatgen's `NEBAnalysis.get_extrema(normalize_rxn_coordinate=True)`: the spline sampled at
/// r = 0, 0.01, 0.02, … Å (below the last r), local maxima and minima of the samples, positions divided
/// by the last r. Reproduced because pymatgen's reported barrier is this grid value, not the exact
/// maximum (e.g. 562.40825 meV at x/r_max = 0.37255 on the corpus band, the exact maximum being 562.40834
/// meV at 0.37244). Energies in eV, relative to the first node.
public func pymatgenGridExtrema(_ segments: [CubicSegment], step: Double = 0.01) -> (
    minima: [(x: Double, energy: Double)], maxima: [(x: Double, energy: Double)]
) {
    guard let first = segments.first, let last = segments.last, last.r1 > 0, step > 0 else { return ([], []) }
    var x: [Double] = []
    var k = 0
    while Double(k) * step < last.r1 {
        x.append(Double(k) * step)
        k += 1
    }
    let y = x.map { (splineEnergy(segments, at: $0) ?? .nan) - first.e0 }
    var minima: [(x: Double, energy: Double)] = []
    var maxima: [(x: Double, energy: Double)] = []
    guard x.count >= 3 else { return ([], []) }
    for i in 1..<(x.count - 1) {
        if y[i] < y[i - 1] && y[i] < y[i + 1] {
            minima.append((x[i] / last.r1, y[i]))
        } else if y[i] > y[i - 1] && y[i] > y[i + 1] {
            maxima.append((x[i] / last.r1, y[i]))
        }
    }
    return (minima, maxima)
}

/// One fit of the band: its segments, extrema and barriers.
public struct NebSplineFit: Sendable, Hashable {
    /// How the fit was made (`force-hermite` or `energy-only`), for tables and provenance.
    public var method: String
    /// The interval cubics (energies relative to the reference image).
    public var segments: [CubicSegment]
    /// Stationary points strictly inside intervals.
    public var extrema: [SplineExtremum]
    /// The highest point of the fitted curve (an interior maximum or, if higher, an image), r (Å) and E (eV).
    public var maximum: (r: Double, energy: Double)
    /// Forward barrier E_max − E(first fitted image) (eV).
    public var barrierForward: Double
    /// Reverse barrier E_max − E(last fitted image) (eV).
    public var barrierReverse: Double

    /// Equal when method, segments, extrema and the maximum agree; the barriers are not compared (the fit computes them from those).
    public static func == (l: NebSplineFit, r: NebSplineFit) -> Bool {
        l.method == r.method && l.segments == r.segments && l.extrema == r.extrema && l.maximum.r == r.maximum.r
            && l.maximum.energy == r.maximum.energy
    }

    /// Hashes the method and the segments (consistent with `==`).
    public func hash(into hasher: inout Hasher) {
        hasher.combine(method)
        hasher.combine(segments)
    }

    /// A fit from segments whose first node is the reference (energy 0): barriers from the highest of
    /// the interior maxima and the nodes (the rule of VTST `nebspline.pl` and of the corpus reference
    /// `neb_hermite_ref.py`).
    public init?(method: String, segments: [CubicSegment]) {
        guard let first = segments.first, let last = segments.last else { return nil }
        self.method = method
        self.segments = segments
        extrema = splineExtrema(segments, reference: first.e0)
        var top = (r: first.r0, energy: 0.0)
        for s in segments where s.e1 - first.e0 > top.energy { top = (s.r1, s.e1 - first.e0) }
        for e in extrema where e.kind == .maximum && e.energy > top.energy { top = (e.r, e.energy) }
        maximum = top
        barrierForward = top.energy
        barrierReverse = top.energy - (last.e1 - first.e0)
    }
}

/// The climbing-image checks of a VTST band: the climbing image must be the highest image, and (for a
/// force criterion, EDIFFG < 0) every intermediate image's max force must be below |EDIFFG|.
public struct ClimbingImageCheck: Sendable, Hashable {
    /// Index (in the band) of the highest-energy intermediate image, the one a climbing-image run climbs.
    public var climbingImage: Int?
    /// Whether the highest image of the whole band is an intermediate one (a barrier exists along it).
    public var highestIsIntermediate: Bool
    /// The force criterion |EDIFFG| (eV/Å), when EDIFFG < 0.
    public var forceThreshold: Double?
    /// Labels of intermediate images whose max force is not below the threshold.
    public var unconvergedImages: [String]
    /// Labels of intermediate images without a max force (the check could not be made).
    public var imagesWithoutForces: [String]
    /// The climbing image's tangential force (eV/Å): close to 0 at a converged saddle point.
    public var climbingTangentForce: Double?
    /// Indices k of the images that coincide with image k − 1 (see ``coincidenceTolerance``): the band
    /// is degenerate there and the check cannot pass.
    public var coincidingImages: [Int] = []
    /// Human-readable findings, in the order checked.
    public var notes: [String]

    /// `true` when the check could be made and every image passed; never on a degenerate band.
    public var passed: Bool {
        highestIsIntermediate && forceThreshold != nil && unconvergedImages.isEmpty && imagesWithoutForces.isEmpty
            && coincidingImages.isEmpty
    }
}

/// Two neighbouring images closer than this (Å, 3N distance) coincide: the interval between them has
/// no length, so no cubic (and no slope dE/dr) can be fitted across it.
public let coincidenceTolerance = 1e-4

/// Indices k of the images that coincide with image k − 1 (Δr = r_k − r_{k−1} ≤ ``coincidenceTolerance``,
/// or not a number).
public func coincidingImagePairs(_ coordinates: [Double]) -> [Int] {
    guard coordinates.count >= 2 else { return [] }
    return (1..<coordinates.count).filter { k in
        let dr = coordinates[k] - coordinates[k - 1]
        return !(dr > coincidenceTolerance)
    }
}

/// Checks a band's climbing image (Henkelman, Uberuaga, Jónsson, J. Chem. Phys. 113, 9901 (2000):
/// the climbing image converges to the saddle point, so it must be the highest image and its force —
/// like every image's — must meet the force criterion |EDIFFG|).
/// - Parameters:
///   - images: the band, end points first and last.
///   - ediffg: VASP's EDIFFG; a force criterion only when negative.
///   - climbing: VTST's LCLIMB, when known.
///   - coinciding: indices k of images that coincide with image k − 1 (``coincidingImagePairs(_:)``).
public func climbingImageCheck(_ images: [NebImage], ediffg: Double?, climbing: Bool?, coinciding: [Int] = []) -> ClimbingImageCheck {
    var notes: [String] = []
    let pairs = coinciding.filter { $0 >= 1 && $0 < images.count }
    if !pairs.isEmpty {
        let list = pairs.map { "\(images[$0 - 1].label) = \(images[$0].label)" }.joined(separator: ", ")
        notes.append("degenerate band: images \(list) coincide, so the climbing image cannot be checked (not passed)")
    }
    let intermediate = images.count > 2 ? Array(1..<(images.count - 1)) : []
    let withEnergy = images.indices.filter { images[$0].energy != nil }
    let top = withEnergy.max { (images[$0].energy ?? 0) < (images[$1].energy ?? 0) }
    let climber = intermediate.filter { images[$0].energy != nil }.max { (images[$0].energy ?? 0) < (images[$1].energy ?? 0) }
    let highestIsIntermediate = top.map { intermediate.contains($0) } ?? false
    if climbing == false { notes.append("LCLIMB = F: no climbing image; the highest image only brackets the saddle point") }
    if climber == nil && !intermediate.isEmpty {
        notes.append("no intermediate image has an energy: the climbing image cannot be checked")
    } else if let top, !highestIsIntermediate {
        notes.append("the highest-energy image is the end point \(images[top].label): the band has no barrier above its ends")
    }
    if let climber { notes.append("climbing image: \(images[climber].label) (the highest intermediate image)") }
    var threshold: Double?
    var unconverged: [String] = []
    var missing: [String] = []
    if let ediffg, ediffg < 0 {
        threshold = -ediffg
        for i in intermediate {
            guard let f = images[i].maxForce else {
                missing.append(images[i].label)
                continue
            }
            if f >= -ediffg { unconverged.append(images[i].label) }
        }
        if !unconverged.isEmpty {
            notes.append("max force ≥ |EDIFFG| = \(-ediffg) eV/Å on image(s) \(unconverged.joined(separator: ", ")): not converged")
        }
        if !missing.isEmpty { notes.append("no force for image(s) \(missing.joined(separator: ", ")): convergence not checked") }
        if unconverged.isEmpty && missing.isEmpty && !intermediate.isEmpty {
            notes.append("every intermediate image has max force < |EDIFFG| = \(-ediffg) eV/Å")
        }
    } else {
        notes.append(ediffg == nil ? "EDIFFG unknown: force convergence not checked" : "EDIFFG ≥ 0 is an energy criterion: force convergence not checked")
    }
    return ClimbingImageCheck(
        climbingImage: climber, highestIsIntermediate: highestIsIntermediate, forceThreshold: threshold,
        unconvergedImages: unconverged, imagesWithoutForces: missing,
        climbingTangentForce: climber.flatMap { images[$0].tangentForce }, coincidingImages: pairs, notes: notes)
}

/// Everything Cascade reports for a band.
public struct NebBandAnalysis: Sendable {
    /// The images as given.
    public var images: [NebImage]
    /// Path coordinate r of every image (Å), or `nil` when the structures (or given r) are missing.
    public var coordinates: [Double]?
    /// Index of the reference image: the first image that has an energy (normally 00).
    public var referenceImage: Int?
    /// E − E(reference) per image (eV); `nil` where an image has no energy.
    public var relativeEnergies: [Double?]
    /// Labels of images without an energy.
    public var missingEnergies: [String]
    /// The range of images fitted: the images with energies, which must be contiguous.
    public var fittedImages: ClosedRange<Int>?
    /// VTST force-based Hermite fit over `fittedImages` (needs tangent forces of the intermediate images).
    public var forceFit: NebSplineFit?
    /// pymatgen's energy-only clamped spline over `fittedImages`.
    public var energyFit: NebSplineFit?
    /// pymatgen's reported maxima (grid of 0.01 Å, x/r_max, eV) of `energyFit`.
    public var pymatgenMaxima: [(x: Double, energy: Double)]
    /// Image-only forward barrier: max E − E(first fitted image) over the fitted images (eV).
    public var imageBarrierForward: Double?
    /// Image-only reverse barrier: max E − E(last fitted image) over the fitted images (eV).
    public var imageBarrierReverse: Double?
    /// Reaction energy E(last fitted) − E(first fitted) (eV).
    public var reactionEnergy: Double?
    /// Force-fit barrier minus energy-only barrier (eV): how much the two fits disagree.
    public var barrierSpread: Double?
    /// Climbing-image and convergence checks.
    public var climbing: ClimbingImageCheck
    /// Indices k of images that coincide with image k − 1 (``coincidingImagePairs(_:)``); when any lies in
    /// the fitted range the band is degenerate and neither spline is fitted.
    public var coincidingImages: [Int] = []
    /// `true` when neighbouring images coincide somewhere along the band.
    public var isDegenerate: Bool { !coincidingImages.isEmpty }
    /// Statements about what could not be done and why, for the report.
    public var notes: [String]
}

/// Analyses a band: 3N path coordinates (``nebPathCoordinates(_:)``, or `coordinates` when given),
/// energies relative to the first image that has one, VTST's force-based Hermite fit
/// (``forceHermiteSpline(r:energies:tangentForces:)``) beside pymatgen's energy-only spline
/// (``energyOnlySpline(r:energies:zeroSlopeSaddle:)``), barriers, reaction energy and climbing-image checks.
///
/// End points without a tangent force get F = 0 (they are minima; VTST and pymatgen do the same). When
/// end-point energies are missing the fit runs over the contiguous images that have energies and the
/// notes say so; a gap inside the band stops the fit.
public func analyzeNeb(_ images: [NebImage], coordinates given: [Double]? = nil, ediffg: Double? = nil, climbing: Bool? = nil) -> NebBandAnalysis {
    var notes: [String] = []
    let coordinates = given ?? pathCoordinates(images, notes: &notes)
    let withEnergy = images.indices.filter { images[$0].energy != nil }
    let missing = images.indices.filter { images[$0].energy == nil }.map { images[$0].label }
    let reference = withEnergy.first
    let e0 = reference.flatMap { images[$0].energy } ?? 0
    let relative = images.map { $0.energy.map { $0 - e0 } }
    if !missing.isEmpty {
        notes.append("no energy for image(s) \(missing.joined(separator: ", "))")
        if let reference, reference > 0 {
            notes.append(
                "energies are relative to image \(images[reference].label), the first image that has one; the end point \(images[0].label) has no energy, so no barrier from the true initial state can be given"
            )
        }
        if let last = withEnergy.last, last < images.count - 1 {
            notes.append(
                "the end point \(images[images.count - 1].label) has no energy: the reverse barrier and reaction energy are relative to image \(images[last].label)"
            )
        }
    }
    let coinciding = coordinates.map(coincidingImagePairs) ?? []
    var result = NebBandAnalysis(
        images: images, coordinates: coordinates, referenceImage: reference, relativeEnergies: relative, missingEnergies: missing,
        fittedImages: nil, forceFit: nil, energyFit: nil, pymatgenMaxima: [], imageBarrierForward: nil, imageBarrierReverse: nil,
        reactionEnergy: nil, barrierSpread: nil,
        climbing: climbingImageCheck(images, ediffg: ediffg, climbing: climbing, coinciding: coinciding),
        coincidingImages: coinciding, notes: [])
    guard let first = withEnergy.first, let last = withEnergy.last, withEnergy.count >= 2 else {
        notes.append("fewer than two images have an energy: no barrier")
        result.notes = notes
        return result
    }
    guard withEnergy.count == last - first + 1 else {
        notes.append("the images with energies are not contiguous: no fit across the gap")
        result.notes = notes
        return result
    }
    result.fittedImages = first...last
    let energies = (first...last).map { relative[$0] ?? 0 }
    let top = energies.max() ?? 0
    result.imageBarrierForward = top - energies[0]
    result.imageBarrierReverse = top - energies[energies.count - 1]
    result.reactionEnergy = energies[energies.count - 1] - energies[0]
    guard let coordinates else {
        notes.append("no path coordinate (structures missing): barriers from the images only, no spline")
        result.notes = notes
        return result
    }
    let degenerate = coinciding.filter { $0 > first && $0 <= last }
    guard degenerate.isEmpty else {
        let list = degenerate.map { "\(images[$0 - 1].label) and \(images[$0].label) (Δr = \(coordinates[$0] - coordinates[$0 - 1]) Å)" }
        notes.append(
            "degenerate band: images \(list.joined(separator: ", ")) coincide; no spline is fitted (an interval of zero length has no slope dE/dr): barriers from the images only"
        )
        result.notes = notes
        return result
    }
    let r = (first...last).map { coordinates[$0] }
    result.energyFit = NebSplineFit(method: "energy-only", segments: energyOnlySpline(r: r, energies: energies))
    // pymatgen samples from r = 0 at the first fitted image.
    result.pymatgenMaxima = pymatgenGridExtrema(energyOnlySpline(r: r.map { $0 - r[0] }, energies: energies)).maxima
    let forces: [Double?] = (first...last).map { i in
        images[i].tangentForce ?? ((i == 0 || i == images.count - 1) ? 0 : nil)
    }
    if forces.allSatisfy({ $0 != nil }) {
        let segments = forceHermiteSpline(r: r, energies: energies, tangentForces: forces.map { $0 ?? 0 })
        result.forceFit = NebSplineFit(method: "force-hermite", segments: segments)
    } else {
        let lacking = (first...last).filter { forces[$0 - first] == nil }.map { images[$0].label }
        notes.append("no tangent force for image(s) \(lacking.joined(separator: ", ")): no force-based fit")
    }
    if let f = result.forceFit, let e = result.energyFit { result.barrierSpread = f.barrierForward - e.barrierForward }
    result.notes = notes
    return result
}

/// Path coordinates from the images' structures, or `nil` with a note.
private func pathCoordinates(_ images: [NebImage], notes: inout [String]) -> [Double]? {
    let structures = images.compactMap(\.structure)
    guard structures.count == images.count else {
        let lacking = images.filter { $0.structure == nil }.map(\.label)
        notes.append("no structure for image(s) \(lacking.joined(separator: ", ")): no path coordinate")
        return nil
    }
    guard let r = nebPathCoordinates(structures) else {
        notes.append("the images have different numbers of atoms: no path coordinate")
        return nil
    }
    for k in 1..<structures.count {
        guard let (atom, d) = largestDisplacement(structures[k - 1], structures[k]), d > 2 else { continue }
        notes.append(
            "atom \(atom + 1) moves \((d * 100).rounded() / 100) Å between images \(images[k - 1].label) and \(images[k].label): check that both list the atoms in the same order"
        )
    }
    return r
}
