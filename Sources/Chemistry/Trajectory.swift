/// A sequence of frames of the same atoms: an MD run (XDATCAR), the ionic steps of a relaxation
/// (vasprun.xml) or a multi-frame POSCAR.
///
/// **Storage.** Fractional positions of every frame live in one flat contiguous array of shape
/// `[frameCount, atomCount, 3]` (row-major: frame, atom, then x y z), never one `Structure` per frame.
/// The cell is stored once when it is constant (NVT/NVE MD, ISIF < 3 relaxations) and once per frame
/// when it varies (NPT MD, ISIF = 3 relaxations). Positions are stored as read (not wrapped into
/// [0, 1)); lengths in Å.
public struct Trajectory: Sendable, Hashable {
    /// The cell of the frames.
    public enum Cell: Sendable, Hashable {
        /// One cell for every frame.
        case constant(Lattice)
        /// One cell per frame (`count == frameCount`).
        case variable([Lattice])
    }

    /// Chemical symbol of each atom (same in every frame), in file order.
    public let species: [String]
    /// The cell: constant or one per frame.
    public private(set) var cell: Cell
    /// Fractional coordinates, flat, shape `[frameCount, atomCount, 3]`.
    public private(set) var fractionalPositions: ContiguousArray<Double>
    /// Number of frames.
    public private(set) var frameCount: Int
    /// The frames' numbers as the file gives them (XDATCAR's `Direct configuration= N`, 1-based) or,
    /// when the source has none, their 1-based position in the source. One per frame.
    public private(set) var frameNumbers: [Int]

    /// An empty trajectory of `species` in a constant `lattice`; add frames with ``append(_:lattice:number:)``.
    public init(species: [String], lattice: Lattice) {
        self.species = species
        self.cell = .constant(lattice)
        self.fractionalPositions = []
        self.frameCount = 0
        self.frameNumbers = []
    }

    /// A trajectory from whole structures (e.g. the ionic steps of a vasprun.xml, or the frames of a
    /// multi-frame POSCAR), concatenated in order. The cell is constant when every frame has the same
    /// lattice (exactly), variable otherwise. Selective dynamics and charge are not kept.
    /// - Throws: ``TrajectoryError`` when there is no structure, or a frame has other atoms (count or
    ///   species order) than the first.
    public init(structures: [Structure]) throws(TrajectoryError) {
        guard let first = structures.first else { throw .noFrames }
        self.init(species: first.species, lattice: first.lattice)
        fractionalPositions.reserveCapacity(structures.count * first.count * 3)
        for (n, s) in structures.enumerated() {
            guard s.count == first.count else {
                throw .atomCountMismatch(frame: n, expected: first.count, found: s.count)
            }
            if let atom = s.species.indices.first(where: { s.species[$0] != first.species[$0] }) {
                throw .speciesMismatch(frame: n, atom: atom, expected: first.species[atom], found: s.species[atom])
            }
            try append(s.fractionalPositions, lattice: s.lattice, number: n + 1)
        }
    }

    /// Number of atoms per frame.
    public var atomCount: Int { species.count }

    /// `true` when the cell changes between frames.
    public var hasVariableCell: Bool {
        if case .variable = cell { return true }
        return false
    }

    /// The cell of frame `frame` (0-based).
    public func lattice(at frame: Int) -> Lattice {
        switch cell {
        case .constant(let lattice): return lattice
        case .variable(let lattices): return lattices[frame]
        }
    }

    /// Fractional coordinates of atom `atom` in frame `frame` (both 0-based).
    @inline(__always)
    public func fractionalPosition(frame: Int, atom: Int) -> SIMD3<Double> {
        let o = (frame * species.count + atom) * 3
        return SIMD3(fractionalPositions[o], fractionalPositions[o + 1], fractionalPositions[o + 2])
    }

    /// Frame `frame` (0-based) as a ``Structure``.
    public func structure(at frame: Int) -> Structure {
        let positions = (0..<atomCount).map { fractionalPosition(frame: frame, atom: $0) }
        return Structure(lattice: lattice(at: frame), species: species, fractionalPositions: positions)
    }

    /// Appends one frame. A lattice different from the constant one turns the cell into a
    /// per-frame cell.
    /// - Throws: ``TrajectoryError/atomCountMismatch(frame:expected:found:)`` when `positions` does not
    ///   hold one position per atom.
    public mutating func append(_ positions: [SIMD3<Double>], lattice: Lattice, number: Int? = nil) throws(TrajectoryError) {
        guard positions.count == atomCount else {
            throw .atomCountMismatch(frame: frameCount, expected: atomCount, found: positions.count)
        }
        for p in positions {
            fractionalPositions.append(p.x)
            fractionalPositions.append(p.y)
            fractionalPositions.append(p.z)
        }
        appendCell(lattice, number: number)
    }

    /// Appends one frame from `3·atomCount` flat fractional coordinates (x y z per atom).
    /// - Throws: ``TrajectoryError/atomCountMismatch(frame:expected:found:)`` when the count is wrong.
    public mutating func append(flat coordinates: some Collection<Double>, lattice: Lattice, number: Int? = nil) throws(TrajectoryError) {
        guard coordinates.count == 3 * atomCount else {
            throw .atomCountMismatch(frame: frameCount, expected: atomCount, found: coordinates.count / 3)
        }
        fractionalPositions.append(contentsOf: coordinates)
        appendCell(lattice, number: number)
    }

    private mutating func appendCell(_ lattice: Lattice, number: Int?) {
        switch cell {
        case .constant(let existing):
            if frameCount > 0 && existing != lattice {
                cell = .variable(Array(repeating: existing, count: frameCount) + [lattice])
            } else if frameCount == 0 {
                cell = .constant(lattice)
            }
        case .variable(var lattices):
            lattices.append(lattice)
            cell = .variable(lattices)
        }
        frameCount += 1
        frameNumbers.append(number ?? frameCount)
    }

    /// The 0-based frame indices of `selection` that exist in this trajectory.
    public func frameIndices(_ selection: FrameSelection) -> [Int] {
        selection.indices(frameCount: frameCount)
    }
}

/// Which frames of a trajectory to use: a half-open range of 0-based indices and a stride, like
/// Python's `frames[start:end:stride]` (negative `start`/`end` count from the end).
public struct FrameSelection: Sendable, Hashable, CustomStringConvertible {
    /// First frame (0-based; negative counts from the end, `-1` = last). Default 0.
    public var start: Int
    /// One past the last frame (0-based, exclusive; negative counts from the end), or `nil` for all.
    public var end: Int?
    /// Use every `stride`-th frame (≥ 1). Default 1.
    public var stride: Int

    /// Frames `start..<end` every `stride`.
    public init(start: Int = 0, end: Int? = nil, stride: Int = 1) {
        self.start = start
        self.end = end
        self.stride = max(1, stride)
    }

    /// Every frame.
    public static let all = FrameSelection()

    /// Parses `start:end:stride` (each part optional, e.g. `100:`, `::10`, `-50:`, `0:500:5`) or a
    /// single index `7`. Returns `nil` for anything else (including a stride below 1).
    public init?(parsing text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard (1...3).contains(parts.count) else { return nil }
        func number(_ s: String) -> Int?? {
            s.isEmpty ? .some(nil) : Int(s).map { .some($0) }
        }
        guard let start = number(parts[0]) else { return nil }
        if parts.count == 1 {
            guard let index = start else { return nil }
            self.init(start: index, end: index == -1 ? nil : index + 1)
            return
        }
        guard let end = number(parts[1]) else { return nil }
        var stride = 1
        if parts.count == 3 {
            guard let s = number(parts[2]) else { return nil }
            if let s {
                guard s >= 1 else { return nil }
                stride = s
            }
        }
        self.init(start: start ?? 0, end: end, stride: stride)
    }

    /// The selected 0-based indices among `frameCount` frames (empty when none is selected).
    public func indices(frameCount: Int) -> [Int] {
        func resolve(_ i: Int) -> Int { i < 0 ? max(0, frameCount + i) : min(i, frameCount) }
        let lower = resolve(start)
        let upper = end.map(resolve) ?? frameCount
        guard lower < upper else { return [] }
        return Array(Swift.stride(from: lower, to: upper, by: stride))
    }

    /// `start:end:stride` as it would be typed.
    public var description: String {
        "\(start):\(end.map(String.init) ?? ""):\(stride)"
    }
}

/// Why frames could not form a ``Trajectory``.
public enum TrajectoryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No frame was given.
    case noFrames
    /// Frame `frame` (0-based) has `found` atoms where the first frame has `expected`.
    case atomCountMismatch(frame: Int, expected: Int, found: Int)
    /// Atom `atom` of frame `frame` (both 0-based) is `found` where the first frame has `expected`.
    case speciesMismatch(frame: Int, atom: Int, expected: String, found: String)

    /// One line with 1-based frame and atom numbers, e.g. `frame 3 has 23 atoms, expected 24 as in frame 1`.
    public var description: String {
        switch self {
        case .noFrames:
            return "a trajectory needs at least one frame, found none"
        case .atomCountMismatch(let frame, let expected, let found):
            return "frame \(frame + 1) has \(found) atoms, expected \(expected) as in frame 1"
        case .speciesMismatch(let frame, let atom, let expected, let found):
            return "atom \(atom + 1) of frame \(frame + 1) is \(found), expected \(expected) as in frame 1"
        }
    }
}
