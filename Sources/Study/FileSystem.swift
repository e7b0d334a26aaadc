#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import VASP

/// Small file-system queries without Foundation.
enum FileSystem {
    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    /// The bytes of a file exactly as stored (no decompression), or `nil` when it cannot be read.
    static func bytes(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if n > 0 { out.append(contentsOf: chunk[0..<n]) }
            if n < chunk.count { return ferror(file) == 0 ? out : nil }
        }
    }
}

/// How ``Generator`` puts each generated file on disk: `write(bytes, path, mode)` must write the whole
/// file or throw, and must never leave a partial file at `path`. `mode` is the permission bits of a
/// script (`0o755`), `nil` for a data file (`0o666` less the umask). The default, ``atomic``, writes a
/// temporary file in the same folder and renames it over `path` (replacing an earlier generation's
/// input). A test passes its own writer to make the N-th write fail (see `GeneratorFaultTests`).
public struct FileWriter: Sendable {
    /// Writes `bytes` to `path` with permission bits `mode`, or throws.
    public var write: @Sendable (_ bytes: [UInt8], _ path: String, _ mode: mode_t?) throws -> Void

    /// A writer.
    public init(write: @escaping @Sendable (_ bytes: [UInt8], _ path: String, _ mode: mode_t?) throws -> Void) {
        self.write = write
    }

    /// Temporary file in the destination's folder, then rename (VASP's `AtomicTextWriter`).
    /// - Throws: `VASPError.cannotWrite(file:reason:)` naming `path` and the system's reason.
    public static let atomic = FileWriter { bytes, path, mode in
        try AtomicTextWriter.write(bytes, to: path, force: true, mode: mode)
    }
}
