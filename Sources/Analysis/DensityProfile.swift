import Chemistry

/// Where the zero of a ``DensityProfile`` is.
public enum ProfileOrigin: Sendable, Hashable {
    /// Plane 0 of the cell (heights 0…d).
    case cell
    /// The mean height of the reference atoms in each frame (heights −d/2…d/2 around it).
    case mean(AtomSelection)
    /// The highest reference atom in each frame (e.g. the top layer of a slab; heights −d/2…d/2).
    case top(AtomSelection)
}

/// The number density of a group of atoms along a lattice axis (the surface normal of a slab), averaged
/// over frames: e.g. how far TFSI⁻'s S or F atoms sit from a Li surface (the seed's Fig. 4a).
///
/// The height of an atom is its distance from the lattice plane spanned by the other two vectors,
/// h = f·d (f the fractional coordinate along the axis, d the spacing of the lattice planes, = |c| for an
/// orthogonal cell). Bins are equal in f, so a variable cell is handled frame by frame.
public struct DensityProfile: Sendable, Hashable {
    /// Lattice axis (0 = a, 1 = b, 2 = c).
    public var axis: Int
    /// Centre of each bin (Å; relative to the origin), using the mean plane spacing of the frames.
    public var position: [Double]
    /// Number density of the group in each bin (atoms/Å³): count / (V_f / bins), averaged over frames.
    public var numberDensity: [Double]
    /// Mean number of group atoms in each bin per frame.
    public var count: [Double]
    /// Running sum of `count` from the first bin: the mean number of group atoms below each bin's upper edge.
    public var cumulativeCount: [Double]
    /// Bin width (Å, at the mean plane spacing).
    public var binWidth: Double
    /// Mean plane spacing d along the axis (Å).
    public var planeSpacing: Double
    /// Number of atoms in the group.
    public var groupCount: Int
    /// The 0-based frames used.
    public var frames: [Int]
    /// The origin used.
    public var origin: ProfileOrigin
}

/// The density profile of `group` along `axis` with `bins` bins over one cell height (see
/// ``DensityProfile``). With a reference origin the heights are wrapped to [−d/2, d/2) around it, so an
/// adsorbate above a slab gets positive heights.
/// - Throws: ``TrajectoryAnalysisError`` for an empty selection, an index out of range, no frame, an axis
///   other than 0…2, or bins < 1.
public func densityProfile(
    _ trajectory: Trajectory, group: AtomSelection, axis: Int, bins: Int, origin: ProfileOrigin = .cell,
    frames: FrameSelection = .all
) throws(TrajectoryAnalysisError) -> DensityProfile {
    guard (0...2).contains(axis) else { throw .invalidArgument("expected an axis 0, 1 or 2 (a, b or c), found \(axis)") }
    guard bins >= 1, bins <= 10_000_000 else { throw .invalidArgument("expected 1 to 10000000 bins, found \(bins)") }
    let atoms = try resolve(group, in: trajectory, role: "group")
    let reference: (atoms: [Int], top: Bool)?
    switch origin {
    case .cell: reference = nil
    case .mean(let selection): reference = (try resolve(selection, in: trajectory, role: "reference"), false)
    case .top(let selection): reference = (try resolve(selection, in: trajectory, role: "reference"), true)
    }
    let selected = trajectory.frameIndices(frames)
    guard !selected.isEmpty else { throw .noFrames(selection: frames.description, frameCount: trajectory.frameCount) }
    var counts = [Double](repeating: 0, count: bins)
    var densities = [Double](repeating: 0, count: bins)
    var spacingSum = 0.0
    let lowest = reference == nil ? 0.0 : -0.5
    for frame in selected {
        let lattice = trajectory.lattice(at: frame)
        spacingSum += lattice.planeSpacings[axis]
        let zero = reference.map { referenceHeight(trajectory, frame: frame, axis: axis, atoms: $0.atoms, top: $0.top) } ?? 0
        let slabVolume = lattice.volume / Double(bins)
        for atom in atoms {
            var f = trajectory.fractionalPosition(frame: frame, atom: atom)[axis] - zero
            f -= (f - lowest).rounded(.down)  // into [lowest, lowest + 1)
            var k = Int(((f - lowest) * Double(bins)).rounded(.down))
            if k >= bins { k = bins - 1 }
            if k < 0 { k = 0 }
            counts[k] += 1
            densities[k] += 1 / slabVolume
        }
    }
    let frameCount = Double(selected.count)
    let spacing = spacingSum / frameCount
    let width = spacing / Double(bins)
    var running = 0.0
    let meanCounts = counts.map { $0 / frameCount }
    let cumulative = meanCounts.map { c -> Double in
        running += c
        return running
    }
    return DensityProfile(
        axis: axis,
        position: (0..<bins).map { (lowest + (Double($0) + 0.5) / Double(bins)) * spacing },
        numberDensity: densities.map { $0 / frameCount },
        count: meanCounts,
        cumulativeCount: cumulative,
        binWidth: width, planeSpacing: spacing, groupCount: atoms.count, frames: selected, origin: origin)
}

/// The fractional height (along `axis`) of the reference atoms in one frame: their mean, or the highest,
/// after unwrapping them around the first so that a layer split by the cell boundary stays together.
func referenceHeight(_ t: Trajectory, frame: Int, axis: Int, atoms: [Int], top: Bool) -> Double {
    let anchor = t.fractionalPosition(frame: frame, atom: atoms[0])[axis]
    var sum = 0.0
    var highest = -Double.infinity
    for atom in atoms {
        var d = t.fractionalPosition(frame: frame, atom: atom)[axis] - anchor
        d -= d.rounded(.toNearestOrEven)
        sum += d
        highest = max(highest, d)
    }
    return anchor + (top ? highest : sum / Double(atoms.count))
}
