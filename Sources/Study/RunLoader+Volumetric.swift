import Chemistry
import Files
import VASP

/// What a user names for the volumetric and trajectory commands (`chgdiff`, `chgsum`, `planar`, `rdf`,
/// `profile`): a file, or a run folder holding it. Part of ``RunLoader``, the one place where a folder
/// gets its meaning.
extension RunLoader {
    /// The volumetric file of `input`: the input itself when it is not a folder, else the folder's
    /// `name` (e.g. `CHGCAR`), else `name.gz`. A folder with neither gives `<folder>/<name>` so that the
    /// error names the expected file.
    public static func volumetricPath(for input: String, name: String = "CHGCAR") -> String {
        guard FileSystem.isDirectory(input) else { return input }
        let base = PathText.trimmingTrailingSlash(input)
        for candidate in [name, name + ".gz"] where FileSystem.exists("\(base)/\(candidate)") {
            return "\(base)/\(candidate)"
        }
        return "\(base)/\(name)"
    }

    /// Reads the volumetric file `input` names (see ``volumetricPath(for:name:)``).
    /// `countBlocks` counts the blocks the file holds when fewer are read (see ``Volumetric/read(path:kind:species:maxBlocks:countBlocks:observer:)``).
    public static func volumetric(_ input: String, name: String = "CHGCAR", maxBlocks: Int? = nil, countBlocks: Bool = false) throws -> Volumetric {
        try Volumetric.read(path: volumetricPath(for: input, name: name), maxBlocks: maxBlocks, countBlocks: countBlocks)
    }

    /// A trajectory and where it came from.
    public struct LoadedTrajectory: Sendable {
        /// The frames selected.
        public var trajectory: Trajectory
        /// The file read.
        public var path: String
        /// What the file was: `"XDATCAR"`, `"vasprun.xml ionic steps"` or `"POSCAR frames"`.
        public var source: String
        /// Non-fatal findings of the reader.
        public var warnings: [ReadWarning]
    }

    /// The trajectory `input` names, with the frames of `frames`:
    /// - a folder: its `XDATCAR` (or `.gz`), else its vasprun.xml's ionic steps;
    /// - a file whose name contains `vasprun` (`.xml` or `.gz`): the structures of its ionic steps;
    /// - a file whose name contains `POSCAR` or `CONTCAR`: one or more POSCARs one after the other;
    /// - any other file: an XDATCAR.
    /// - Throws: the reader's ``VASPError``, or ``VASPError/malformed(_:_:)`` when a vasprun.xml has no
    ///   ionic step with a structure.
    public static func trajectory(_ input: String, frames: FrameSelection = .all) throws -> LoadedTrajectory {
        var path = input
        if FileSystem.isDirectory(input) {
            let xdatcar = volumetricPath(for: input, name: "XDATCAR")
            path = FileSystem.exists(xdatcar) ? xdatcar : vasprunPath(for: input)
        }
        let name = String(path.split(separator: "/").last ?? Substring(path))
        if name.lowercased().contains("vasprun") {
            return try ionicSteps(path, frames: frames)
        }
        if name.uppercased().contains("POSCAR") || name.uppercased().contains("CONTCAR") {
            let x = try Xdatcar.readPoscarFrames(path: path)
            return LoadedTrajectory(trajectory: try select(x.trajectory, frames), path: path, source: "POSCAR frames", warnings: x.warnings)
        }
        let x = try Xdatcar.read(path: path, frames: frames)
        return LoadedTrajectory(trajectory: x.trajectory, path: path, source: "XDATCAR", warnings: x.warnings)
    }

    static func ionicSteps(_ path: String, frames: FrameSelection) throws -> LoadedTrajectory {
        let run = try Vasprun.read(path: path, options: VasprunOptions(readDOS: false, readEigenvalues: false, readProjections: false))
        let structures = run.ionicSteps.compactMap(\.structure)
        guard !structures.isEmpty else {
            throw VASPError.malformed(SourceLocation(file: path), "expected ionic steps with structures, found none")
        }
        do {
            let t = try Trajectory(structures: structures)
            return LoadedTrajectory(trajectory: try select(t, frames), path: path, source: "vasprun.xml ionic steps", warnings: run.warnings)
        } catch {
            throw VASPError.malformed(SourceLocation(file: path), "the ionic steps do not form one trajectory: \(error)")
        }
    }

    static func select(_ t: Trajectory, _ frames: FrameSelection) throws -> Trajectory {
        let indices = t.frameIndices(frames)
        guard indices.count != t.frameCount else { return t }
        var out = Trajectory(species: t.species, lattice: t.lattice(at: indices.first ?? 0))
        let n = 3 * t.atomCount
        for f in indices {
            try out.append(flat: t.fractionalPositions[(f * n)..<(f * n + n)], lattice: t.lattice(at: f), number: t.frameNumbers[f])
        }
        return out
    }
}
