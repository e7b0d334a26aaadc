import Foundation

// The tutorial's markup (docs/tutorial.md; the rules are in Tests/CLITests/TutorialTests.swift's header),
// shared by TutorialTests (```console blocks) and IntegrationTests' TutorialRunTests (```slurm-console).

/// One `$ command` of a console block with its expected output.
public struct TutorialCommand: Sendable {
    /// The command as the reader types it.
    public var text: String
    /// Expected output lines (patterns).
    public var expected: [String]
    /// The exit status it must end with (`# exit status N`, else 0).
    public var status: Int32
    /// Line index (0-based) in the document of the first expected line, and how many lines it spans.
    public var outputStart: Int
    public var outputCount: Int
    /// The 1-based line number of the `$` line.
    public var line: Int { outputStart }
}

/// The tutorial's markup: parsing, matching and rewriting (pure, tested below without running anything).
public enum TutorialMarkup {
    public static let elision = "…"

    /// The commands of the document's ```FENCE blocks, in order (`console`: the ones TutorialTests runs).
    public static func commands(in document: String, fence: String = "console") -> [TutorialCommand] {
        let lines = document.components(separatedBy: "\n")
        var result: [TutorialCommand] = []
        var inConsole = false
        var inOther = false
        var current: TutorialCommand?
        func close(at index: Int) {
            guard var command = current else { return }
            command.outputCount = index - command.outputStart
            result.append(command)
            current = nil
        }
        for (index, line) in lines.enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if inConsole {
                if trimmed == "```" {
                    close(at: index)
                    inConsole = false
                } else if line.hasPrefix("$ ") {
                    close(at: index)
                    let text = String(line.dropFirst(2))
                    current = TutorialCommand(text: text, expected: [], status: exitStatus(text), outputStart: index + 1, outputCount: 0)
                } else {
                    current?.expected.append(line)
                }
            } else if inOther {
                if trimmed == "```" { inOther = false }
            } else if trimmed.hasPrefix("```") {
                if trimmed == "```" + fence { inConsole = true } else { inOther = true }
            }
        }
        return result
    }

    /// The status a trailing `# exit status N` asks for, else 0.
    public static func exitStatus(_ command: String) -> Int32 {
        guard let range = command.range(of: "# exit status ", options: .backwards) else { return 0 }
        return Int32(command[range.upperBound...].trimmingCharacters(in: .whitespaces)) ?? 0
    }

    /// Whether one pattern line matches one output line.
    public static func lineMatches(_ pattern: String, _ line: String) -> Bool {
        if pattern == line { return true }
        guard pattern.hasSuffix(elision), pattern != elision else { return false }
        return line.hasPrefix(String(pattern.dropLast()))
    }

    /// Whether the output lines match the patterns (`…` lines match any run of lines).
    public static func matches(_ patterns: [String], _ lines: [String]) -> Bool {
        var failed = Set<Int>()
        func match(_ p: Int, _ l: Int) -> Bool {
            if p == patterns.count { return l == lines.count }
            let key = p * (lines.count + 1) + l
            if failed.contains(key) { return false }
            let ok: Bool
            if patterns[p] == elision {
                ok = (l...lines.count).contains { match(p + 1, $0) }
            } else {
                ok = l < lines.count && lineMatches(patterns[p], lines[l]) && match(p + 1, l + 1)
            }
            if !ok { failed.insert(key) }
            return ok
        }
        return match(0, 0)
    }

    /// New expected lines from the actual output, keeping the old patterns' elisions (see the file header).
    public static func updated(_ patterns: [String], _ lines: [String]) -> [String] {
        func keep(_ pattern: String, _ line: String) -> String { lineMatches(pattern, line) ? pattern : line }
        guard let first = patterns.firstIndex(of: elision), let last = patterns.lastIndex(of: elision) else {
            return patterns.count == lines.count ? zip(patterns, lines).map(keep) : lines
        }
        let head = min(first, lines.count)
        let tail = min(patterns.count - last - 1, lines.count - head)
        let newHead = (0..<head).map { keep(patterns[$0], lines[$0]) }
        let newTail = (0..<tail).map { k in keep(patterns[last + 1 + k], lines[lines.count - tail + k]) }
        return newHead + Array(patterns[first...last]) + newTail
    }

    /// Output text as lines (a final newline does not make an empty last line).
    public static func lines(_ text: String) -> [String] {
        var parts = text.components(separatedBy: "\n")
        if parts.last == "" { parts.removeLast() }
        return parts
    }
}
