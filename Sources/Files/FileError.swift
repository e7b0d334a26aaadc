#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file that could not be read or written, with the system's reason. Every module's file access goes
/// through ``ByteSource``, ``AtomicFile`` and ``FileSystem``, so this is the one error for it.
public enum FileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `file` could not be opened or read.
    case cannotRead(file: String, reason: String)
    /// `file` could not be written (or exists, when it may not be replaced).
    case cannotWrite(file: String, reason: String)

    /// `file: cannot read: reason` / `file: cannot write: reason`.
    public var description: String {
        switch self {
        case .cannotRead(let file, let reason): return "\(file): cannot read: \(reason)"
        case .cannotWrite(let file, let reason): return "\(file): cannot write: \(reason)"
        }
    }

    /// ``cannotWrite(file:reason:)`` with the reason `errno` holds now.
    public static func writeFailure(_ file: String) -> FileError {
        .cannotWrite(file: file, reason: String(cString: strerror(errno)))
    }

    /// ``cannotRead(file:reason:)`` with the reason `errno` holds now.
    public static func readFailure(_ file: String) -> FileError {
        .cannotRead(file: file, reason: String(cString: strerror(errno)))
    }
}
