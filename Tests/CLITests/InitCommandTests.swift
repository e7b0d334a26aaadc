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
        #expect(result.stdout.contains("  cascade doctor \(manifest)\n  cascade generate \(manifest) --dry-run\n  cascade generate \(manifest) --out \(dir)/runs\n"))
        #expect(result.stderr.isEmpty)
        let plan = try CascadeProcess.run(["generate", manifest, "--dry-run", "--out", dir + "/runs"],
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
        #expect(result.stderr == "error: no bundled study 'nope'; available: tfsi-mof-copc\n")
        #expect(!FileManager.default.fileExists(atPath: parent.appendingPathComponent("x").path))
    }
}
