import Foundation
import Testing

/// End-to-end tests of `cascade init`: the copy generates, a non-empty folder is refused.
@Suite struct InitCommandTests {
    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cascade-init-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test func initThenGenerateDryRunWorksFromTheCopy() throws {
        let parent = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: parent) }
        let dir = parent.appendingPathComponent("my-study").path
        let result = try CascadeProcess.run(["init", dir])
        #expect(result.status == 0, "\(result.stderr)")
        let manifest = dir + "/tfsi-mof-copc.yaml"
        #expect(result.stdout.contains("wrote 33 files into \(dir)/"))
        #expect(
            result.stdout.contains("  cascade doctor \(manifest)\n  cascade generate \(manifest) --dry-run\n  cascade generate \(manifest) --out \(dir)/runs\n")
        )
        #expect(result.stderr.isEmpty)
        let plan = try CascadeProcess.run(
            ["generate", manifest, "--dry-run", "--out", dir + "/runs"],
            environment: ["VASP_PP_PATH": "", "PMG_VASP_PSP_DIR": ""])
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains("53 calculation folders (25 relax, 8 static, 8 bader, 12 neb, 60 NEB images)"))
        #expect(!plan.stderr.contains("error"))
    }

    /// A folder named relative to the working directory (`my-study`, `./my-study`) works as an absolute one.
    @Test(arguments: ["my-study", "./my-study"]) func aRelativeFolderWorks(_ name: String) throws {
        let parent = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: parent) }
        let result = try CascadeProcess.run(["init", name], directory: parent.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: parent.path + "/my-study/tfsi-mof-copc.yaml"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path) == ["my-study"])
    }

    @Test func aNonEmptyFolderIsRefused() throws {
        let dir = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "keep".write(to: dir.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        let result = try CascadeProcess.run(["init", dir.path])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("\(dir.path): cannot write: the folder is not empty (1 entry: notes.txt)"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["notes.txt"])
    }

    @Test func anUnknownStudyListsTheAvailableOnes() throws {
        let parent = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: parent) }
        let result = try CascadeProcess.run(["init", parent.appendingPathComponent("x").path, "--from", "nope"])
        #expect(result.status == 1)
        #expect(result.stderr == "error: no bundled study 'nope'; available: co-cu111, tfsi-mof-copc\n")
        #expect(!FileManager.default.fileExists(atPath: parent.appendingPathComponent("x").path))
    }

    /// The second bundled study end to end, as a user starts it: init --from, doctor (with a POTCAR
    /// library of its three labels), generate; the slab and molecule settings reach the files.
    @Test func theSurfaceStudyInitsChecksAndGenerates() throws {
        let parent = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: parent) }
        let dir = parent.appendingPathComponent("my-surface").path
        let result = try CascadeProcess.run(["init", dir, "--from", "co-cu111"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("wrote 12 files into \(dir)/"))
        let manifest = dir + "/co-cu111.yaml"
        for file in [
            "structures/cu111.vasp", "structures/co.vasp", "structures/co-top.vasp", "structures/co-fcc.vasp",
            "structures/structures.yaml", "structures/README.md", "templates/surface-relax.yaml",
            "templates/surface-static.yaml", "templates/surface-bader.yaml", "templates/surface-neb.yaml", "templates/slurm.sh"
        ] {
            #expect(FileManager.default.fileExists(atPath: dir + "/" + file), "\(file)")
        }
        let library = try DoctorCommandTests.fakeLibrary(labels: ["Cu", "C", "O"])
        defer { try? FileManager.default.removeItem(at: library) }
        let doctor = try CascadeProcess.run(["doctor", manifest, "--potcars", library.path], environment: DoctorCommandTests.noLibrary)
        #expect(doctor.status == 0, "\(doctor.stdout)")
        #expect(doctor.stdout.contains("3 of 3 labels of the study resolve"))
        #expect(doctor.stdout.contains("All is well"))
        let out = dir + "/runs"
        let generate = try CascadeProcess.run(["generate", manifest, "--out", out], environment: DoctorCommandTests.noLibrary)
        #expect(generate.status == 0, "\(generate.stderr)")
        #expect(generate.stdout.contains("8 calculation folders (4 surface-relax, 2 surface-static, 1 surface-bader, 1 surface-neb, 5 NEB images)"))
        #expect(!generate.stderr.contains("error") && !generate.stderr.contains("warning"), "\(generate.stderr)")
        let slab = try String(contentsOfFile: out + "/relax/co-top/INCAR", encoding: .utf8)
        #expect(slab.contains("IDIPOL = 3\nLDIPOL = .TRUE.\nDIPOL = "))
        #expect(slab.contains("ISPIN = 1") && slab.contains("ISMEAR = 1") && slab.contains("SIGMA = 0.2"))
        #expect(try String(contentsOfFile: out + "/relax/co-top/KPOINTS", encoding: .utf8).contains("Gamma\n  4 4 1"))
        let molecule = try String(contentsOfFile: out + "/relax/co/INCAR", encoding: .utf8)
        #expect(molecule.contains("ISMEAR = 0") && !molecule.contains("IDIPOL"))
        #expect(try String(contentsOfFile: out + "/relax/co/KPOINTS", encoding: .utf8).contains("Gamma\n  1 1 1"))
        #expect(try String(contentsOfFile: out + "/relax/co/job.sh", encoding: .utf8).contains("srun vasp_gam"))
        #expect(try String(contentsOfFile: out + "/relax/co-top/job.sh", encoding: .utf8).contains("srun vasp_std"))
        #expect(try String(contentsOfFile: out + "/bader/co-top/job.sh", encoding: .utf8).contains("chgsum AECCAR0 AECCAR2"))
        #expect(try String(contentsOfFile: out + "/neb/top-fcc/INCAR", encoding: .utf8).contains("IMAGES = 5"))
        for image in ["00", "01", "02", "03", "04", "05", "06"] {
            let poscar = try String(contentsOfFile: out + "/neb/top-fcc/\(image)/POSCAR", encoding: .utf8)
            let fixed = poscar.split(separator: "\n").filter { $0.split(separator: " ").suffix(3) == ["F", "F", "F"] }
            #expect(fixed.count == 18, "image \(image)")
        }
    }
}
