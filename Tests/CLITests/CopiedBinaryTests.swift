import Foundation
import Testing

/// The built `cascade` copied alone into an empty folder — no checkout around it, as on a cluster node —
/// still has its bundled study and example: `init`, `generate --dry-run` and `parse` with no file work
/// there, and nothing they print or write points into the source checkout.
@Suite struct CopiedBinaryTests {
    @Test func theBinaryWorksWhereverItIsCopied() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cascade-copied-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let binary = folder.appendingPathComponent("cascade")
        try FileManager.default.copyItem(at: CascadeProcess.executable, to: binary)
        let checkout = CascadeProcess.packageRoot.standardizedFileURL.path
        #expect(!folder.path.hasPrefix(checkout + "/"))

        // No cache yet, no home with one: the bundle is unpacked on first use into this folder.
        let environment = [
            "HOME": folder.path, "XDG_CACHE_HOME": folder.path + "/cache", "TMPDIR": folder.path,
            "VASP_PP_PATH": "", "PMG_VASP_PSP_DIR": ""
        ]
        func run(_ arguments: [String]) throws -> CascadeProcess.Result {
            let process = Process()
            process.executableURL = binary
            process.arguments = arguments
            process.currentDirectoryURL = folder
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            let out = folder.appendingPathComponent(".stdout")
            let err = folder.appendingPathComponent(".stderr")
            _ = FileManager.default.createFile(atPath: out.path, contents: nil)
            _ = FileManager.default.createFile(atPath: err.path, contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: out)
            process.standardError = try FileHandle(forWritingTo: err)
            try process.run()
            process.waitUntilExit()
            let result = CascadeProcess.Result(
                status: process.terminationStatus,
                stdout: String(decoding: try Data(contentsOf: out), as: UTF8.self),
                stderr: String(decoding: try Data(contentsOf: err), as: UTF8.self))
            try FileManager.default.removeItem(at: out)
            try FileManager.default.removeItem(at: err)
            #expect(!(result.stdout + result.stderr).contains(checkout), "`cascade \(arguments.joined(separator: " "))` names the checkout")
            return result
        }

        let initialised = try run(["init", "my-study"])
        #expect(initialised.status == 0, "init: \(initialised.stderr)")
        #expect(initialised.stdout.contains("wrote ") && initialised.stdout.contains("into my-study/"))
        #expect(FileManager.default.fileExists(atPath: folder.path + "/my-study/tfsi-mof-copc.yaml"))
        #expect(FileManager.default.fileExists(atPath: folder.path + "/my-study/structures/structures.yaml"))
        #expect(FileManager.default.fileExists(atPath: folder.path + "/my-study/templates/slurm.sh"))

        let plan = try run(["generate", "--dry-run"])
        #expect(plan.status == 0, "generate --dry-run: \(plan.stderr)")
        #expect(plan.stdout.contains("relax/tfsi "))
        #expect(plan.stdout.contains("calculation folders") && plan.stdout.contains("for tfsi-mof-copc/"))
        #expect(plan.stderr.contains("dry run: nothing written"))
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/tfsi-mof-copc"))

        let parsed = try run(["parse"])
        #expect(parsed.status == 0, "parse: \(parsed.stderr)")
        #expect(parsed.stdout.contains("final energy E(σ→0)"))
        #expect(parsed.stdout.contains("/cache/cascade/bundled-") && parsed.stdout.contains("/examples/vasprun.xml"))

        // The three commands shared one unpacked copy, in the cache folder given.
        let cached = try FileManager.default.contentsOfDirectory(atPath: folder.path + "/cache/cascade")
        #expect(cached.count == 1 && cached.first?.hasPrefix("bundled-") == true, "\(cached)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["cache", "cascade", "my-study"])
    }
}
