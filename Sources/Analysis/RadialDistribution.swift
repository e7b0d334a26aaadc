import Chemistry

/// A set of atoms of a structure or trajectory: by species or by index.
public enum AtomSelection: Sendable, Hashable, CustomStringConvertible {
    /// Every atom of these species (chemical symbols, e.g. `["Li"]` or `["O", "F"]`).
    case species(Set<String>)
    /// These atoms (0-based indices).
    case indices([Int])

    /// The 0-based indices of the selected atoms among atoms of `species` (one symbol per atom), sorted.
    public func indices(in species: [String]) -> [Int] {
        switch self {
        case .species(let symbols):
            return species.indices.filter { symbols.contains(species[$0]) }
        case .indices(let list):
            return Array(Set(list)).sorted()
        }
    }

    /// Parses what a user types: symbols separated by commas (`Li`, `O,F`), or 1-based atom numbers and
    /// ranges (`1-24,30`), as VESTA and the Bader tools count atoms. Returns `nil` for an empty or mixed text.
    public init?(parsing text: String) {
        let parts = text.split(separator: ",").map { $0.trimmingBlanks() }.filter { !$0.isEmpty }
        guard !parts.isEmpty else { return nil }
        if parts.allSatisfy({ $0.first?.isLetter == true }) {
            self = .species(Set(parts.map(String.init)))
            return
        }
        var indices: [Int] = []
        for part in parts {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(bounds.count), let low = Int(bounds[0]), low >= 1 else { return nil }
            let high = bounds.count == 2 ? Int(bounds[1]) : low
            guard let high, high >= low else { return nil }
            indices += (low...high).map { $0 - 1 }
        }
        self = .indices(indices)
    }

    /// `Li` / `O,F` / `atoms 1-3,7` (1-based).
    public var description: String {
        switch self {
        case .species(let symbols): return symbols.sorted().joined(separator: ",")
        case .indices(let list): return "atoms " + AtomSelection.ranges(list.map { $0 + 1 })
        }
    }

    static func ranges(_ numbers: [Int]) -> String { AtomRanges.text(numbers) }
}

extension Substring {
    func trimmingBlanks() -> Substring {
        var s = self
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return s
    }
}

/// Why a trajectory analysis could not be done.
public enum TrajectoryAnalysisError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A selection (`role`: "centre", "neighbour", "group", "reference") matches no atom.
    case emptySelection(role: String, selection: String, available: [String])
    /// An atom index beyond the trajectory's atoms.
    case atomOutOfRange(index: Int, atomCount: Int)
    /// The frame selection matches no frame.
    case noFrames(selection: String, frameCount: Int)
    /// A parameter out of range, with what was expected.
    case invalidArgument(String)

    /// One line with 1-based atom numbers, e.g. `the centre selection 'Li' matches no atom (species present: C, F, N, O, S)`.
    public var description: String {
        switch self {
        case .emptySelection(let role, let selection, let available):
            return "the \(role) selection '\(selection)' matches no atom (species present: \(available.joined(separator: ", ")))"
        case .atomOutOfRange(let index, let atomCount):
            return "atom \(index + 1) does not exist: the trajectory has atoms 1…\(atomCount)"
        case .noFrames(let selection, let frameCount):
            return "the frames '\(selection)' select none of the \(frameCount) frames"
        case .invalidArgument(let message):
            return message
        }
    }
}

/// The radial distribution function of one pair of atom sets, averaged over frames.
///
/// Definition (the solid-state convention of ASE's `ase.geometry.rdf.get_rdf` and LAMMPS `compute rdf`):
/// for frame f with cell volume V_f, N_A centre atoms and N_B neighbour atoms,
/// g_f(r_k) = n_f(k) / (N_A · (N_B / V_f) · ΔV_k), where n_f(k) counts the (centre, neighbour-image)
/// pairs with distance in the bin ((k−1)Δr, kΔr] (periodic images included, an atom never pairs with
/// itself at zero distance) and ΔV_k = 4π/3 (r_k,hi³ − r_k,lo³). g(r) is the mean of g_f over the frames.
public struct RadialDistribution: Sendable, Hashable {
    /// Centre of each bin (Å).
    public var r: [Double]
    /// Upper edge of each bin (Å).
    public var upperEdge: [Double]
    /// g(r), dimensionless, → 1 at large r in a homogeneous system.
    public var g: [Double]
    /// Running coordination number n(r) at each bin's upper edge: the mean number of neighbour atoms within
    /// that distance of a centre atom (averaged over centres and frames). Independent of the cell volume,
    /// so it stays meaningful for slabs with vacuum, where g(r)'s normalisation does not.
    public var coordination: [Double]
    /// Bin width Δr (Å).
    public var binWidth: Double
    /// Number of centre and neighbour atoms.
    public var centerCount: Int
    /// Number of neighbour atoms.
    public var neighborCount: Int
    /// The 0-based frames used.
    public var frames: [Int]
    /// Mean neighbour number density N_B / V over the frames (Å⁻³).
    public var meanNeighborDensity: Double
}

/// g(r) and n(r) between `centers` and `neighbors` (see ``RadialDistribution``) for the frames selected,
/// with `bins` bins over (0, rMax]. Any cell size works: every periodic image within rMax is counted
/// (ASE refuses cells thinner than 2·rMax; for those cells the two agree exactly).
/// - Throws: ``TrajectoryAnalysisError`` for an empty selection, an index out of range, no frame, rMax ≤ 0
///   or bins < 1.
public func radialDistribution(
    _ trajectory: Trajectory, centers: AtomSelection, neighbors: AtomSelection, rMax: Double, bins: Int,
    frames: FrameSelection = .all
) throws(TrajectoryAnalysisError) -> RadialDistribution {
    guard rMax > 0, rMax.isFinite else { throw .invalidArgument("expected rmax > 0 Å, found \(rMax)") }
    guard bins >= 1, bins <= 10_000_000 else { throw .invalidArgument("expected 1 to 10000000 bins, found \(bins)") }
    let a = try resolve(centers, in: trajectory, role: "centre")
    let b = try resolve(neighbors, in: trajectory, role: "neighbour")
    let selected = trajectory.frameIndices(frames)
    guard !selected.isEmpty else { throw .noFrames(selection: frames.description, frameCount: trajectory.frameCount) }
    let dr = rMax / Double(bins)
    var gSum = [Double](repeating: 0, count: bins)
    var countSum = [Double](repeating: 0, count: bins)
    var densitySum = 0.0
    var counts = [Int](repeating: 0, count: bins + 1)
    for frame in selected {
        for k in counts.indices { counts[k] = 0 }
        let lattice = trajectory.lattice(at: frame)
        pairHistogram(trajectory, frame: frame, lattice: lattice, centers: a, neighbors: b, rMax: rMax, binWidth: dr, into: &counts)
        let density = Double(b.count) / lattice.volume
        densitySum += density
        for k in 1...bins {
            let lo = Double(k - 1) * dr
            let hi = Double(k) * dr
            let shell = 4.0 / 3.0 * Double.pi * (hi * hi * hi - lo * lo * lo)
            gSum[k - 1] += Double(counts[k]) / (Double(a.count) * density * shell)
            countSum[k - 1] += Double(counts[k])
        }
    }
    let frameCount = Double(selected.count)
    var running = 0.0
    var coordination: [Double] = []
    for k in 0..<bins {
        running += countSum[k] / (Double(a.count) * frameCount)
        coordination.append(running)
    }
    return RadialDistribution(
        r: (0..<bins).map { (Double($0) + 0.5) * dr },
        upperEdge: (1...bins).map { Double($0) * dr },
        g: gSum.map { $0 / frameCount },
        coordination: coordination,
        binWidth: dr, centerCount: a.count, neighborCount: b.count, frames: selected,
        meanNeighborDensity: densitySum / frameCount)
}

/// The selected atoms, checked.
func resolve(_ selection: AtomSelection, in trajectory: Trajectory, role: String) throws(TrajectoryAnalysisError) -> [Int] {
    if case .indices(let list) = selection, let bad = list.first(where: { $0 < 0 || $0 >= trajectory.atomCount }) {
        throw .atomOutOfRange(index: bad, atomCount: trajectory.atomCount)
    }
    let indices = selection.indices(in: trajectory.species)
    guard !indices.isEmpty else {
        var seen: [String] = []
        for s in trajectory.species where !seen.contains(s) { seen.append(s) }
        throw .emptySelection(role: role, selection: selection.description, available: seen)
    }
    return indices
}

/// Adds to `counts[k]` (k = ⌈d/Δr⌉, 1…bins) every centre–neighbour-image distance d ≤ rMax of one frame.
func pairHistogram(
    _ t: Trajectory, frame: Int, lattice: Lattice, centers: [Int], neighbors: [Int], rMax: Double, binWidth: Double,
    into counts: inout [Int]
) {
    let rec = lattice.reciprocal
    let reach = rMax * SIMD3(rec.a.length, rec.b.length, rec.c.length)
    let r2 = rMax * rMax
    let bins = counts.count - 1
    let la = lattice.a
    let lb = lattice.b
    let lc = lattice.c
    let positions = t.fractionalPositions
    let base = frame * t.atomCount * 3
    func position(_ atom: Int) -> SIMD3<Double> {
        let o = base + 3 * atom
        return SIMD3(positions[o], positions[o + 1], positions[o + 2])
    }
    let neighborPositions = neighbors.map(position)
    for i in centers {
        let fi = position(i)
        for (m, j) in neighbors.enumerated() {
            var df = neighborPositions[m] - fi
            df -= df.rounded(.toNearestOrEven)
            let low = (-reach - df).rounded(.up)
            let high = (reach - df).rounded(.down)
            guard low.x <= high.x, low.y <= high.y, low.z <= high.z else { continue }
            let v0 = lattice.cartesian(df)
            for n1 in Int(low.x)...Int(high.x) {
                let v1 = v0 + Double(n1) * la
                for n2 in Int(low.y)...Int(high.y) {
                    let v2 = v1 + Double(n2) * lb
                    for n3 in Int(low.z)...Int(high.z) {
                        let v = v2 + Double(n3) * lc
                        let d2 = v.lengthSquared
                        guard d2 <= r2 else { continue }
                        if i == j && n1 == 0 && n2 == 0 && n3 == 0 { continue }
                        let k = Int((d2.squareRoot() / binWidth).rounded(.up))
                        if k >= 1 && k <= bins { counts[k] += 1 }
                    }
                }
            }
        }
    }
}
