import Foundation
import Testing

/// End-to-end tests of `cascade parse`: exit status, stdout/stderr split, JSON keys, folder inputs.
@Suite struct ParseCommandTests {
    @Test func bundledExampleGivesASummary() throws {
        let result = try CascadeProcess.run(["parse"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("final energy E(σ→0)"))
        #expect(result.stdout.contains("examples/vasprun.xml"))
    }

    @Test func jsonHasTheDocumentedKeys() throws {
        let result = try CascadeProcess.run(["parse", "--json", CascadeProcess.example])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        let object = try #require(JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        let keys = [
            "schema_version", "file", "complete", "warnings", "vasp_version", "atoms", "potcars", "zval", "nelect",
            "charge", "parameters", "incar", "ionic_steps", "final_energy", "converged_electronic",
            "converged_ionic", "initial_structure", "final_structure", "n_kpoints", "kpoint_weights_sum",
            "efermi", "band_gap", "dos", "eigenvalues", "projected"
        ]
        for key in keys { #expect(object[key] != nil, "missing key \(key)") }
        #expect(object["schema_version"] as? Int == 1)
        let step = try #require((object["ionic_steps"] as? [[String: Any]])?.first)
        for key in ["e_fr_energy", "e_wo_entrp", "e_0_energy", "scf_steps", "max_force"] {
            #expect(step[key] != nil, "missing ionic_steps key \(key)")
        }
    }

    @Test func severalFilesGiveOneObjectPerLine() throws {
        let result = try CascadeProcess.run(["parse", "--json", CascadeProcess.example, CascadeProcess.example])
        #expect(result.status == 0)
        #expect(result.stdout.split(separator: "\n").count == 2)
    }

    @Test func aFolderMeansItsVasprun() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cascade-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(atPath: CascadeProcess.example, toPath: folder.appendingPathComponent("vasprun.xml").path)
        let result = try CascadeProcess.run(["parse", folder.path])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains(folder.path + "/vasprun.xml"))
    }

    @Test func aMissingFileFailsWithItsName() throws {
        let result = try CascadeProcess.run(["parse", "/nonexistent/run/vasprun.xml"])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("/nonexistent/run/vasprun.xml: cannot read: No such file or directory"))
    }

    @Test func aMissingFolderNamesTheResolvedFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cascade-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CascadeProcess.run(["parse", folder.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("resolved to \(folder.path)/vasprun.xml"))
    }

    @Test func warningsGoToStandardErrorAndDataToStandardOutput() throws {
        // A truncated copy of the bundled example: data on stdout, the truncation warning on stderr.
        let text = try String(contentsOfFile: CascadeProcess.example, encoding: .utf8)
        let cut = String(text.prefix(text.count * 2 / 3))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("cascade-cut-\(UUID().uuidString).xml")
        try cut.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try CascadeProcess.run(["parse", "--json", file.path])
        #expect(result.status == 0)
        let object = try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["complete"] as? Bool == false)
        #expect(result.stderr.contains("warning:") && result.stderr.contains("incomplete file"))
        #expect(!result.stdout.contains("warning:"))
    }

    @Test func notAVasprunIsAOneLineError() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("cascade-notxml-\(UUID().uuidString)")
        try "this is an OUTCAR, not XML\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try CascadeProcess.run(["parse", file.path])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("error: \(file.path):1: not a vasprun.xml"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func unknownOptionSuggestsTheNearestOne() throws {
        let result = try CascadeProcess.run(["parse", "--jsn"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--json"))
    }
}

/// Runs the built `cascade` executable (next to the test bundle in the build folder).
enum CascadeProcess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static var example: String { packageRoot.appendingPathComponent("examples/vasprun.xml").path }

    static var executable: URL {
        // The test runner lives in the build products folder (…/debug/CascadePackageTests.xctest).
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        if folder.lastPathComponent.hasSuffix(".xctest") { folder.deleteLastPathComponent() }
        let candidate = folder.appendingPathComponent("cascade")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        return packageRoot.appendingPathComponent(".build/debug/cascade")
    }

    /// Where the commands run by the tests unpack the bundled files (`XDG_CACHE_HOME`): one temporary
    /// folder, shared by every run (the bundle's folder inside it is named by the content's hash).
    static let cacheFolder = FileManager.default.temporaryDirectory.appendingPathComponent("cascade-test-cache").path

    static func run(_ arguments: [String], environment: [String: String] = [:], directory: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        var env = ProcessInfo.processInfo.environment
        // The bundled files are unpacked into a cache folder: a temporary one, never the user's ~/.cache.
        env["XDG_CACHE_HOME"] = cacheFolder
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }
}
