#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Atomic writing of any text output (tables, SVG plots, JSON) for the commands, so that the CLI never
/// opens a file itself and every output is written the same way as the VASP formats: to a temporary
/// file in the destination's folder, then renamed (with `force`) or hard-linked (without: an existing
/// file is never touched).
public enum TextOutput {
    /// Writes `text` (UTF-8) to `path`.
    /// - Throws: ``VASPError/cannotWrite(file:reason:)`` when the file exists and `force` is false
    ///   ("the file exists; pass force: true to replace it"), or on any system error.
    public static func write(_ text: String, to path: String, force: Bool = false) throws {
        try AtomicTextWriter.write(Array(text.utf8), to: path, force: force)
    }

    /// `true` when something (file, folder or link) exists at `path`.
    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// `true` when `path` is a folder (or a link to one).
    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }
}
