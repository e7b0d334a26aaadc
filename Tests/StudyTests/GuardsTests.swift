import Chemistry
import Foundation
import Study
import Testing
import VASP

@testable import Files

@Suite struct GuardsTests {
    @Test func outputsInAFolderOrItsImagesAreFound() throws {
        let folder = try StudyFixture.temporaryFolder("guards")
        defer { StudyFixture.remove(folder) }
        #expect(Guards.outputsPresent(in: folder + "/missing").isEmpty)
        try StudyFixture.write("INCAR\n", to: "INCAR", in: folder)
        try StudyFixture.write("", to: "POSCAR", in: folder)
        #expect(Guards.outputsPresent(in: folder).isEmpty)
        try StudyFixture.write("x", to: "03/CONTCAR", in: folder)
        try StudyFixture.write("x", to: "vasprun.xml", in: folder)
        #expect(Guards.outputsPresent(in: folder) == ["vasprun.xml", "03/CONTCAR"])
    }

    @Test func folderNamesEscapingTheOutputFolderAreRefused() {
        #expect(Guards.folderNameProblem("relax/tfsi@mof") == nil)
        #expect(Guards.folderNameProblem("../relax")?.contains("'..'") == true)
        #expect(Guards.folderNameProblem("a/../../b")?.contains("'..'") == true)
        #expect(Guards.folderNameProblem("/etc/relax")?.contains("absolute") == true)
        #expect(Guards.folderNameProblem("a//b") != nil)
        #expect(Guards.folderNameProblem("a/./b") != nil)
        #expect(Guards.folderNameProblem("a b") != nil)
        #expect(Guards.folderNameProblem("") != nil)
    }

    @Test func atomsCloserThanHalfAnAngstromAreRejected() {
        let fine = Structure(lattice: .cubic(10), species: ["H", "H"], cartesianPositions: [SIMD3(5, 5, 5), SIMD3(5.74, 5, 5)])
        #expect(Guards.closeAtoms(fine).isEmpty)
        let close = Structure(lattice: .cubic(10), species: ["O", "H"], cartesianPositions: [SIMD3(5, 5, 5), SIMD3(5.3, 5, 5)])
        #expect(Guards.closeAtoms(close) == ["atoms O0 and H1 are 0.3 Å apart (closer than 0.5 Å)"])
        // Through the periodic boundary too.
        let wrapped = Structure(lattice: .cubic(10), species: ["O", "H"], cartesianPositions: [SIMD3(0.1, 5, 5), SIMD3(9.8, 5, 5)])
        #expect(Guards.closeAtoms(wrapped).count == 1)
    }

    @Test func oddElectronCountNeedsSpinPolarisation() {
        #expect(Guards.electronParity(nelect: 91, incar: Incar(["ISPIN": 1])).count == 1)
        #expect(Guards.electronParity(nelect: 91, incar: Incar()).count == 1)  // ISPIN defaults to 1
        #expect(Guards.electronParity(nelect: 91, incar: Incar(["ISPIN": 2])).isEmpty)
        #expect(Guards.electronParity(nelect: 92, incar: Incar(["ISPIN": 1])).isEmpty)
        #expect(Guards.multiplicityParity(nelect: 91, multiplicity: 1).count == 1)
        #expect(Guards.multiplicityParity(nelect: 91, multiplicity: 2).isEmpty)
        #expect(Guards.multiplicityParity(nelect: 92, multiplicity: 3).isEmpty)
    }

    @Test func vtstOptimizersNeedIbrion3AndPotim0() {
        #expect(Guards.vtstOptimizer(Incar(["IOPT": 3, "IBRION": 3, "POTIM": 0])).isEmpty)
        #expect(Guards.vtstOptimizer(Incar(["IOPT": 3, "IBRION": 2, "POTIM": 0])).count == 1)
        #expect(Guards.vtstOptimizer(Incar(["IOPT": 1, "IBRION": 3])).count == 1)  // POTIM unset (VASP default 0.5)
        #expect(Guards.vtstOptimizer(Incar(["IOPT": 0, "IBRION": 2])).isEmpty)
    }

    @Test func tetrahedronMethodNeedsFourKpoints() {
        let cell = Lattice.cubic(5)
        #expect(Guards.tetrahedron(Incar(["ISMEAR": -5]), kpoints: .gamma(1, 1, 1), lattice: cell).count == 1)
        #expect(Guards.tetrahedron(Incar(["ISMEAR": -5]), kpoints: .gamma(2, 2, 1), lattice: cell).isEmpty)
        #expect(Guards.tetrahedron(Incar(["ISMEAR": 0]), kpoints: .gamma(1, 1, 1), lattice: cell).isEmpty)
        // Fully automatic: Rk = 10 Å on a 5 Å cube gives 2×2×2.
        #expect(Guards.kpointCount(Kpoints(mode: .automatic(length: 10)), lattice: cell) == 8)
    }

    @Test func magmomMustMatchTheAtoms() {
        #expect(Guards.magmomLength(Incar(["MAGMOM": .doubles([5, 0, 0])]), atoms: 3).isEmpty)
        #expect(
            Guards.magmomLength(Incar(["MAGMOM": .doubles([5, 0])]), atoms: 3)
                == ["MAGMOM has 2 values; expected 3 (one per atom for 3 atoms)"])
        #expect(Guards.magmomLength(Incar(["MAGMOM": .doubles(Array(repeating: 0, count: 9)), "LNONCOLLINEAR": true]), atoms: 3).isEmpty)
    }

    @Test func thinVacuumIsReported() {
        let molecule = Structure(lattice: .orthorhombic(20, 20, 12), species: ["C", "O"], cartesianPositions: [SIMD3(10, 10, 5), SIMD3(10, 10, 6.2)])
        #expect(Guards.vacuum(molecule).isEmpty)
        let thin = Guards.vacuum(molecule, minimum: 11)
        #expect(thin == ["vacuum below 11 Å (c 10.8 Å): periodic images interact; pass --vacuum to re-box"])
        #expect(Guards.vacuum(Structure(lattice: .cubic(20), species: ["C"], cartesianPositions: [SIMD3(1, 1, 1)])).isEmpty)
    }

    @Test func nebRanksMustBeAMultipleOfImages() {
        #expect(Guards.nebCores(images: 5, nodes: "5", tasksPerNode: "32").isEmpty)
        #expect(Guards.nebCores(images: 3, nodes: "1", tasksPerNode: "32").count == 1)
        #expect(Guards.nebCores(images: 3, nodes: "1", tasksPerNode: nil).isEmpty)
    }

    /// The writer leaves no temporary file behind, replaces only when asked, and sets the mode.
    @Test func atomicWrites() throws {
        let folder = try StudyFixture.temporaryFolder("atomic")
        defer { StudyFixture.remove(folder) }
        try AtomicFile.makeFolders(folder + "/a/b/c")
        let path = folder + "/a/b/c/job.sh"
        try AtomicFile.write("#!/bin/bash\n", to: path, force: false, mode: 0o755)
        #expect(try StudyFixture.read(path) == "#!/bin/bash\n")
        #expect { try AtomicFile.write("other", to: path, force: false) } throws: { "\($0)".contains("the file exists") }
        #expect(try StudyFixture.read(path) == "#!/bin/bash\n")
        try AtomicFile.write("new\n", to: path, force: true, mode: 0o755)
        #expect(try StudyFixture.read(path) == "new\n")
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o755)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/a/b/c") == ["job.sh"])
        #expect(throws: FileError.self) { try AtomicFile.write("x", to: folder + "/missing/dir/file", force: true) }
    }
}
