import Foundation
import TestSupport
import Testing

/// docs/tutorial.md, chapter 9 ("Run it on SLURM"): its ```slurm-console blocks run against the local
/// SLURM, in order, in a new working folder, each command's standard output then standard error compared
/// with the lines under it. The markup is the tutorial's (Tests/CLITests/TutorialTests.swift): `$ COMMAND`,
/// then its expected lines; a line holding only `…` matches any run of lines; a line ending in `…` matches
/// a line that starts with the text before it. `cascade` is the binary just built, `tools/` at the start
/// of a word the repository's tools/ folder, and the working folder and repository root print as
/// /home/you/cascade. TutorialTests does not run these blocks (they need the cluster); this test does.
@Suite("the tutorial's SLURM chapter on a real SLURM")
struct TutorialRunTests {
    static let fence = "slurm-console"

    @Test func markup() {
        let doc = "```console\n$ not this\n```\n```slurm-console\n$ a\nx…\n…\n$ b\n```\n"
        let found = TutorialMarkup.commands(in: doc, fence: Self.fence)
        #expect(found.map(\.text) == ["a", "b"] && found[0].expected == ["x…", "…"] && found[1].expected.isEmpty)
        #expect(TutorialMarkup.matches(["x…", "…"], ["xyz", "1", "2"]) && !TutorialMarkup.matches(["x…"], ["y"]) && TutorialMarkup.matches([], []))
    }

    @Test("chapter 9: generate, submit, status, resume, tabulate")
    func chapterRuns() throws {
        guard LocalCluster.ready() else { return }
        let document = try String(contentsOf: Paths.packageRoot.appendingPathComponent("docs/tutorial.md"), encoding: .utf8)
        let commands = TutorialMarkup.commands(in: document, fence: Self.fence)
        #expect(commands.count >= 9, "docs/tutorial.md: \(commands.count) slurm-console commands")
        let root = NSTemporaryDirectory() + "cascade-tutorial-slurm-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let work = root + "/cascade"
        let bin = root + "/bin"
        for folder in [work, bin] { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        try FileManager.default.createSymbolicLink(atPath: bin + "/cascade", withDestinationPath: Paths.cascade.path)
        for command in commands {
            let (status, output) = try Self.run(command.text, work: work, bin: bin)
            var lines = output.components(separatedBy: "\n")
            if lines.last == "" { lines.removeLast() }
            #expect(status == 0, "docs/tutorial.md line \(command.line): `\(command.text)` exited \(status)\n\(output)")
            #expect(
                TutorialMarkup.matches(command.expected, lines),
                """
                docs/tutorial.md line \(command.line): `\(command.text)` printed
                \(output)---- expected ----
                \(command.expected.joined(separator: "\n"))
                """)
            if status != 0 { break }
        }
    }

    /// Runs one command with bash in `work`; its standard output then standard error, paths normalised.
    static func run(_ command: String, work: String, bin: String) throws -> (Int32, String) {
        let repository = Paths.packageRoot.path
        let substituted = command.replacingOccurrences(of: #"(^|\s)tools/"#, with: "$1" + repository + "/tools/", options: .regularExpression)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-o", "pipefail", "-c", substituted]
        process.currentDirectoryURL = URL(fileURLWithPath: work)
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = bin + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        environment["NO_COLOR"] = "1"
        environment["LC_ALL"] = "C.UTF-8"
        environment["CASCADE_CORPUS"] = Corpus.root
        environment["XDG_CACHE_HOME"] = (work as NSString).deletingLastPathComponent + "/cache"
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both while the process runs: a long output on one stream cannot block it.
        let errData = LockedData()
        let reader = Thread { errData.set(err.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errData.done { Thread.sleep(forTimeInterval: 0.01) }
        var text = String(decoding: outData, as: UTF8.self) + String(decoding: errData.value, as: UTF8.self)
        let resolved = URL(fileURLWithPath: work).resolvingSymlinksInPath().path
        for path in Set([work, resolved, repository]).sorted(by: { $0.count > $1.count }) {
            text = text.replacingOccurrences(of: path, with: "/home/you/cascade")
        }
        return (process.terminationStatus, text)
    }
}

/// Data handed from a reader thread.
final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private var finished = false
    var value: Data { lock.withLock { data } }
    var done: Bool { lock.withLock { finished } }
    func set(_ d: Data) {
        lock.withLock {
            data = d
            finished = true
        }
    }
}
