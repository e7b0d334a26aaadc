import Files
import VASP

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

    /// Temporary file in the destination's folder, then rename (``AtomicFile``).
    /// - Throws: `VASPError.cannotWrite(file:reason:)` naming `path` and the system's reason.
    public static let atomic = FileWriter { bytes, path, mode in
        try AtomicFile.write(bytes, to: path, force: true, mode: mode)
    }
}
