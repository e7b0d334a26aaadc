import Foundation
import TestSupport
import Testing

// docs/tutorial.md is its own golden file: this test runs every command of the tutorial, in order, in a
// new temporary working folder, and compares what each prints with the output shown under it.
//
// Markup (only ```console blocks are run; ```sh and other blocks are shown to the reader, never run):
//   $ COMMAND          a command, run by bash in the working folder; the lines up to the next `$ ` line
//                      or the end of the block are its expected output: standard output, then standard error
//   …                  a line holding only `…` matches any run of lines, none included
//   TEXT…              a line ending in `…` matches any line that starts with TEXT (for very wide lines)
//   # exit status N    a trailing comment on a command line: it must exit with N (every other command with 0)
// A command whose output is not compared has `…` as its whole output.
//
// What the test changes in a command before running it: `cascade` is the binary just built (a `cascade`
// link on PATH), and `tools/` at the start of a word is the repository's tools/ folder. The environment
// has no POTCAR library (VASP_PP_PATH, PMG_VASP_PSP_DIR unset, as on a new machine), NO_COLOR=1, and
// LC_ALL=C.UTF-8 (ls sorts as the tutorial shows it; python prints UTF-8).
//
// What is normalised in the outputs, and why: the temporary working folder and the repository root are
// both written as /home/you/cascade, because the reader works in their clone of the repository (the
// tutorial's working folder). The bundled study's files print as absolute paths in the folder they are
// unpacked into (XDG_CACHE_HOME is a temporary folder here); it is written as
// /home/you/.cache/cascade/bundled-<hash>, since its name carries a hash of the bundled files that changes
// with every edit of a template or structure. Nothing else.
//
// To regenerate the expected outputs after a deliberate change of a command's output:
//   CASCADE_UPDATE_TUTORIAL=1 swift test --filter TutorialTests
// rewrites docs/tutorial.md in place (the only write outside a temporary folder, and only when asked):
// each output is replaced by what the command printed, keeping the shape of its elisions — the lines
// before the first `…` and after the last are taken from the new output (a `TEXT…` line stays as it is
// while it still matches), the lines between two `…` are kept. Review the change with git diff.
//
// The README's tour (its ```console blocks) is checked against the same run: each of its commands must be
// a tutorial command, and its lines (with the same elisions) must match that command's output.
//
// The tutorial needs the shared corpus (tools/demo-runs.sh reads it): without it the test is skipped
// with that reason, and on CI (CI=true) it fails.

@Suite struct TutorialTests {
    static let readerFolder = "/home/you/cascade"
    /// The reader's unpacked bundle, with the content hash that names it written as `<hash>`.
    static let bundledFolder = "/home/you/.cache/cascade/bundled-<hash>"
    static var document: URL { CascadeProcess.packageRoot.appendingPathComponent("docs/tutorial.md") }

    @Test(.enabled(if: Corpus.available || Corpus.isCI, "needs the shared corpus (../shared/corpus or CASCADE_CORPUS)"))
    func everyCommandPrintsWhatTheTutorialShows() throws {
        #expect(Corpus.available, "CI=true but the corpus is missing: \(Corpus.root)")
        guard Corpus.available else { return }
        let text = try String(contentsOf: Self.document, encoding: .utf8)
        let commands = TutorialMarkup.commands(in: text)
        #expect(commands.count >= 15, "docs/tutorial.md: \(commands.count) commands found")

        let root = try Corpus.temporaryURL("tutorial")
        defer { try? FileManager.default.removeItem(at: root) }
        let work = root.appendingPathComponent("cascade")
        let bin = root.appendingPathComponent("bin")
        for folder in [work, bin] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        try FileManager.default.createSymbolicLink(
            atPath: bin.appendingPathComponent("cascade").path, withDestinationPath: CascadeProcess.executable.path)

        let update = ProcessInfo.processInfo.environment["CASCADE_UPDATE_TUTORIAL"] == "1"
        var documentLines = text.components(separatedBy: "\n")
        var replacements: [(command: TutorialCommand, lines: [String], actual: [String])] = []
        var outputs: [String: [String]] = [:]
        for command in commands {
            let result = try Self.run(command.text, in: work, bin: bin)
            let actual = TutorialMarkup.lines(Self.normalised(result.stdout + result.stderr, work: work))
            #expect(result.status == command.status, "`\(command.text)` exited \(result.status)")
            outputs[command.text] = actual
            if update {
                replacements.append((command, TutorialMarkup.updated(command.expected, actual), actual))
            } else if !TutorialMarkup.matches(command.expected, actual) {
                Issue.record(
                    """
                    docs/tutorial.md line \(command.outputStart): `\(command.text)` printed
                    \(actual.joined(separator: "\n"))
                    ---- expected ----
                    \(command.expected.joined(separator: "\n"))
                    (CASCADE_UPDATE_TUTORIAL=1 rewrites the expected outputs)
                    """)
            }
        }
        try Self.checkReadmeTour(outputs)
        guard update else { return }
        for (command, lines, _) in replacements.reversed() {
            documentLines.replaceSubrange(command.outputStart..<(command.outputStart + command.outputCount), with: lines)
        }
        try documentLines.joined(separator: "\n").write(to: Self.document, atomically: true, encoding: .utf8)
        for (command, lines, actual) in replacements where !TutorialMarkup.matches(lines, actual) {
            Issue.record("`\(command.text)`: the kept lines between two … no longer match; edit them by hand")
        }
    }

    /// The README's tour (its ```console blocks) shows commands of the tutorial: each must be one, and its
    /// lines must match what that command printed in this run (the README is not rewritten by the update).
    static func checkReadmeTour(_ outputs: [String: [String]]) throws {
        let readme = try String(contentsOf: CascadeProcess.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let tour = TutorialMarkup.commands(in: readme)
        #expect(tour.count >= 3, "README.md: \(tour.count) tour commands")
        for command in tour {
            guard let actual = outputs[command.text] else {
                Issue.record("README.md line \(command.outputStart): `\(command.text)` is not a command of docs/tutorial.md")
                continue
            }
            #expect(
                TutorialMarkup.matches(command.expected, actual),
                "README.md line \(command.outputStart): `\(command.text)` printed\n\(actual.joined(separator: "\n"))")
        }
    }

    /// Runs one tutorial command with bash in the working folder, `cascade` and `tools/` substituted.
    static func run(_ command: String, in work: URL, bin: URL) throws -> CascadeProcess.Result {
        let tools = CascadeProcess.packageRoot.appendingPathComponent("tools").path + "/"
        let substituted = command.replacingOccurrences(of: #"(^|\s)tools/"#, with: "$1" + tools, options: .regularExpression)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-o", "pipefail", "-c", substituted]
        process.currentDirectoryURL = work
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = bin.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        environment["VASP_PP_PATH"] = nil
        environment["PMG_VASP_PSP_DIR"] = nil
        environment["NO_COLOR"] = "1"
        environment["LC_ALL"] = "C.UTF-8"
        environment["CASCADE_CORPUS"] = Corpus.root
        environment["XDG_CACHE_HOME"] = cacheFolder(work: work).path
        process.environment = environment
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("cascade-tutorial-out-\(UUID().uuidString)")
        let error = FileManager.default.temporaryDirectory.appendingPathComponent("cascade-tutorial-err-\(UUID().uuidString)")
        try Data().write(to: output)
        try Data().write(to: error)
        defer {
            try? FileManager.default.removeItem(at: output)
            try? FileManager.default.removeItem(at: error)
        }
        // Files, not pipes: a long output on one stream cannot block the process while the other is read.
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: error)
        try process.run()
        process.waitUntilExit()
        return CascadeProcess.Result(
            status: process.terminationStatus,
            stdout: String(decoding: try Data(contentsOf: output), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: error), as: UTF8.self))
    }

    /// Where the commands unpack the bundled files (their `XDG_CACHE_HOME`): next to the working folder.
    static func cacheFolder(work: URL) -> URL {
        work.deletingLastPathComponent().appendingPathComponent("cache")
    }

    /// The working folder and the repository root as the reader's clone, the bundled files' folder as
    /// the reader's (see the file header).
    static func normalised(_ text: String, work: URL) -> String {
        var out = text
        let cache = NSRegularExpression.escapedPattern(for: cacheFolder(work: work).path)
        out = out.replacingOccurrences(
            of: cache + "/cascade/bundled-[0-9a-f]{12}", with: bundledFolder, options: .regularExpression)
        let repository = CascadeProcess.packageRoot.standardizedFileURL.path
        for path in Set([work.path, work.resolvingSymlinksInPath().path, repository]).sorted(by: { $0.count > $1.count }) {
            out = out.replacingOccurrences(of: path, with: readerFolder)
        }
        return out
    }

    @Test func markupParsesCommandsOutputsAndStatus() {
        let doc = """
            text
            ```sh
            $ not run
            ```
            ```console
            $ cascade doctor   # exit status 1
            problem
            …
            $ ls -1 x
            a
            ```
            """
        let commands = TutorialMarkup.commands(in: doc)
        #expect(commands.map(\.text) == ["cascade doctor   # exit status 1", "ls -1 x"])
        #expect(commands.map(\.status) == [1, 0])
        #expect(commands[0].expected == ["problem", "…"] && commands[0].outputStart == 6 && commands[0].outputCount == 2)
        #expect(commands[1].expected == ["a"] && commands[1].outputStart == 9 && commands[1].outputCount == 1)
    }

    @Test func elisionsMatchRunsOfLinesAndLinePrefixes() {
        #expect(TutorialMarkup.matches(["a", "…", "z"], ["a", "b", "c", "z"]))
        #expect(TutorialMarkup.matches(["a", "…", "z"], ["a", "z"]))
        #expect(!TutorialMarkup.matches(["a", "…", "z"], ["a", "b"]))
        #expect(!TutorialMarkup.matches(["a", "b"], ["a", "b", "c"]))
        #expect(TutorialMarkup.matches(["…"], []))
        #expect(TutorialMarkup.matches(["wide line…"], ["wide line with more"]))
        #expect(!TutorialMarkup.matches(["wide line…"], ["narrow line"]))
        #expect(TutorialMarkup.matches(["…", "m", "…"], ["x", "m", "y"]) && !TutorialMarkup.matches(["…", "m", "…"], ["x", "y"]))
    }

    @Test func updateKeepsTheShapeOfTheElisions() {
        #expect(TutorialMarkup.updated(["old"], ["new", "lines"]) == ["new", "lines"])
        #expect(TutorialMarkup.updated(["wide…", "b"], ["wide and new", "c"]) == ["wide…", "c"])
        #expect(TutorialMarkup.updated(["h", "…", "m", "…", "t"], ["H", "x", "m", "y", "T"]) == ["H", "…", "m", "…", "T"])
        #expect(TutorialMarkup.updated(["wide…", "…"], ["wide and new", "b"]) == ["wide…", "…"])
        #expect(TutorialMarkup.updated(["wide…", "…"], ["changed", "b"]) == ["changed", "…"])
        #expect(TutorialMarkup.lines("a\nb\n") == ["a", "b"] && TutorialMarkup.lines("") == [])
    }
}
