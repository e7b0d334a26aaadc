import Foundation
import Testing

/// Report formats values it is handed and reads no file (docs/architecture.md, "Report formats
/// everything"): every line of code under Sources/Report is scanned for a Files, VASP, Lifecycle or
/// Foundation import, the C and Foundation file APIs, and calls into Study's readers and writers.
/// Report may import Study for its records; it may not use Study to read.
@Suite struct ReportPurityTests {
    /// One forbidden use: the pattern (a regular expression over a line of code) and why.
    static let forbidden: [(pattern: String, why: String)] = [
        (
            #"^\s*(@testable\s+)?import\s+(Files|VASP|Lifecycle|Foundation|FoundationEssentials|FoundationXML|CLibXML2|CZlib|CIsal)\b"#,
            "Report sees no file I/O module, file format, lifecycle or Foundation file API"
        ),
        (
            #"\b(f?open|openat|opendir|read|pread|fread|fgets|getline|mmap|stat|lstat|fstat|fwrite|fputs|mkdir|unlink|rename|link|symlink|realpath|access)\s*\("#,
            "a C file call"
        ),
        (
            #"\b(FileManager|FileHandle|URL\s*\(\s*fileURLWithPath|contentsOf(File)?|ByteSource|DispatchIO|InputStream|OutputStream)\b"#,
            "a Foundation or Files file API"
        ),
        (
            #"\b(RunLoader|CalculationLoader|NebLoader|BaderLoader|RunStatus|RunFolderProbe|BandProbe|StructureIndex|BundledResources|FileSystem|AtomicFile|Generator|StudyDoctor|Scaffold)\b"#,
            "Study's readers and writers"
        ),
        (
            #"\b(StudyTabulation|StudyManifest|GenerationPlan|VasprunRecord)\s*\.\s*(make|load|read|write\w*)\b"#,
            "a Study entry point that reads the disk"
        )
    ]

    /// The forbidden uses in `text` (a Swift source), as `file:line: why: code`. Comment lines are skipped.
    static func violations(in text: String, file: String) -> [String] {
        var found: [String] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let code = line.drop { $0 == " " }
            if code.hasPrefix("//") || code.hasPrefix("*") || code.hasPrefix("/*") { continue }
            for rule in forbidden where String(code).range(of: rule.pattern, options: .regularExpression) != nil {
                found.append("\(file):\(number + 1): \(rule.why): \(code)")
            }
        }
        return found
    }

    /// Sources/Report, found from this file (Tests/ReportTests/…).
    static var reportFolder: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/Report")
    }

    /// Every .swift file under Sources/Report, subfolders included.
    static func reportSources() throws -> [URL] {
        let enumerator = try #require(FileManager.default.enumerator(at: reportFolder, includingPropertiesForKeys: nil))
        return enumerator.compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }.sorted { $0.path < $1.path }
    }

    @Test func reportReadsNoFile() throws {
        let files = try Self.reportSources()
        // The module is there and was scanned (a wrong folder would pass vacuously).
        #expect(files.count >= 10, "\(files.map(\.lastPathComponent))")
        #expect(files.contains { $0.lastPathComponent == "Table.swift" })
        var all: [String] = []
        for file in files {
            all += Self.violations(in: try String(contentsOf: file, encoding: .utf8), file: "Sources/Report/" + file.lastPathComponent)
        }
        #expect(all.isEmpty, "\(all.joined(separator: "\n"))")
    }

    /// The negative control: each kind of line the scan must catch is caught, and clean code passes.
    @Test func theScanCatchesWhatItMust() {
        let caught = [
            "import VASP", "import Files", "@testable import Lifecycle", "import Foundation",
            "let fd = open(path, O_RDONLY)", "let f = fopen(path, \"r\")", "let n = read(fd, &buffer, 4096)",
            "let data = FileManager.default.contents(atPath: p)", "let text = try String(contentsOfFile: p)",
            "let source = try ByteSource(path: p)", "let run = try Vasprun.read(path: p)",
            "let record = try VasprunRecord.read(input, options: o)", "let path = RunLoader.vasprunPath(for: input)",
            "let result = StudyTabulation.make(manifest: m, runs: r)", "let m = try StudyManifest.load(path: p)",
            "try AtomicFile.write(text, to: p, force: false)", "let plan = try GenerationPlan.make(manifest: m, options: o)"
        ]
        for line in caught {
            let code = "import Study\n\nfunc f() throws {\n    \(line)\n}\n"
            #expect(!Self.violations(in: code, file: "X.swift").isEmpty, "not caught: \(line)")
        }
        let clean = """
            import Analysis
            import Study
            /// Reads nothing: open(, read( and FileManager in a comment are fine.
            public func summary(_ r: StudyTabulationResult) -> String {
                var out = ""
                value.write(to: &out)  // JSONValue's own writer, into a String
                return r.statuses.map(\\.reason).joined(separator: "\\n") + ReportNumber.format(1.5, decimals: 2)
            }
            """
        #expect(Self.violations(in: clean, file: "X.swift").isEmpty, "\(Self.violations(in: clean, file: "X.swift"))")
    }
}
