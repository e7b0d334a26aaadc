import Chemistry
import Foundation
import TestSupport
import Testing
import VASP

@testable import Study

@Suite struct RunLoaderVolumetricTests {
    static func folder() throws -> String {
        let path = NSTemporaryDirectory() + "cascade-runloader-vol-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func aFolderMeansItsChgcar() throws {
        let dir = try Self.folder()
        #expect(RunLoader.volumetricPath(for: dir) == dir + "/CHGCAR")
        #expect(FileManager.default.createFile(atPath: dir + "/CHGCAR.gz", contents: Data()))
        #expect(RunLoader.volumetricPath(for: dir + "/") == dir + "/CHGCAR.gz")
        #expect(RunLoader.volumetricPath(for: dir, name: "AECCAR0") == dir + "/AECCAR0")
        #expect(RunLoader.volumetricPath(for: "some/file") == "some/file")
    }

    @Test func trajectoriesFromXdatcarFoldersAndFrames() throws {
        guard Corpus.available else { return }
        let dir = try Self.folder()
        try FileManager.default.createSymbolicLink(atPath: dir + "/XDATCAR", withDestinationPath: Corpus.path("xdatcar/pymatgen/XDATCAR_5"))
        let loaded = try RunLoader.trajectory(dir, frames: FrameSelection(start: 1))
        #expect(loaded.source == "XDATCAR")
        #expect(loaded.path == dir + "/XDATCAR")
        #expect(loaded.trajectory.frameNumbers == [2, 3, 4])
    }

    /// The ionic steps of a vasprun.xml as a trajectory: 5 steps of the pymatgen PBEsol+vdW relaxation,
    /// the last equal to pymatgen's final structure.
    @Test func trajectoryFromVasprunIonicSteps() throws {
        guard Corpus.available else { return }
        let relative = "vasprun/pymatgen/vasprun.pbesol_vdw.xml.gz"
        let loaded = try RunLoader.trajectory(Corpus.path(relative))
        let ref = try Corpus.reference(relative + ".json")
        #expect(loaded.source == "vasprun.xml ionic steps")
        #expect(loaded.trajectory.frameCount == ref["n_ionic_steps"] as? Int)
        let final = try #require(ref["final_structure"] as? [String: Any])
        let coordinates = try #require(final["frac_coords"] as? [[Double]])
        let last = loaded.trajectory.frameCount - 1
        for (atom, expected) in coordinates.enumerated() {
            let f = loaded.trajectory.fractionalPosition(frame: last, atom: atom)
            #expect(zip([f.x, f.y, f.z], expected).allSatisfy { abs($0 - $1) < 1e-12 })
        }
        #expect(loaded.trajectory.species == final["species"] as? [String])
    }

    @Test func poscarFrames() throws {
        let dir = try Self.folder()
        let poscar = "H2\n1.0\n5 0 0\n0 5 0\n0 0 5\nH\n2\nDirect\n0 0 0\n0 0 0.15\n"
        try Data((poscar + poscar).utf8).write(to: URL(fileURLWithPath: dir + "/POSCAR_path"))
        let loaded = try RunLoader.trajectory(dir + "/POSCAR_path")
        #expect(loaded.source == "POSCAR frames")
        #expect(loaded.trajectory.frameCount == 2)
    }
}
