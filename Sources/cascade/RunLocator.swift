#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns what a user typed into the file to read: a folder means its `vasprun.xml`, or
/// `vasprun.xml.gz` when only that exists.
enum RunLocator {
    static func vasprunPath(for input: String) -> String {
        guard isDirectory(input) else { return input }
        let base = input.hasSuffix("/") ? String(input.dropLast()) : input
        for name in ["vasprun.xml", "vasprun.xml.gz"] where exists("\(base)/\(name)") {
            return "\(base)/\(name)"
        }
        return "\(base)/vasprun.xml"
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }
}

/// The small vasprun.xml shipped with Cascade (written by `tools/make_example_vasprun.py`), used when
/// `cascade parse` gets no file.
enum BundledExample {
    static var vasprunPath: String {
        let here = String(#filePath)
        // Sources/cascade/RunLocator.swift → package root
        var parts = here.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/") + "/examples/vasprun.xml"
    }
}

/// A one-line progress bar on standard error, drawn only when stderr is a terminal and the file is
/// larger than 50 MB; cleared when done.
final class ProgressBar {
    private let label: String
    private let enabled: Bool
    private var lastPercent = -1
    private var drawn = false

    init(label: String) {
        self.label = label
        enabled = isatty(2) != 0
    }

    func update(_ done: Int, _ total: Int) {
        guard enabled, total > 50_000_000 else { return }
        let percent = min(100, done * 100 / max(total, 1))
        guard percent != lastPercent else { return }
        lastPercent = percent
        let width = 30
        let filled = percent * width / 100
        let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
        writeStandardError("\r[\(bar)] \(percent)% \(label)")
        drawn = true
    }

    func clear() {
        guard drawn else { return }
        writeStandardError("\r\u{1B}[2K")
        drawn = false
    }
}
