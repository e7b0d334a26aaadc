#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The small vasprun.xml shipped with Cascade (written by `tools/make_example_vasprun.py`), used when
/// `cascade parse` gets no file.
enum BundledExample {
    static var vasprunPath: String {
        let here = String(#filePath)
        // Sources/cascade/Support.swift → package root
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
