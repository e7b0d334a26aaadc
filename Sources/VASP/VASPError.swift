/// Where in an input file something was found: file, line (1-based) or byte offset, and the
/// element path (XML) or tag (INCAR, OUTCAR block) being read.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    /// The file as the user named it.
    public var file: String
    /// 1-based line number, when known.
    public var line: Int?
    /// 0-based byte offset into the (decompressed) data, when known.
    public var byteOffset: Int?
    /// XML element path (`modeling/calculation/dos`) or a tag name, when known.
    public var context: String?

    /// A place in `file`, with the line (1-based), byte offset (0-based) and context that are known.
    public init(file: String, line: Int? = nil, byteOffset: Int? = nil, context: String? = nil) {
        self.file = file
        self.line = line
        self.byteOffset = byteOffset
        self.context = context
    }

    /// `file:line` (or `file at byte N`) followed by the context, e.g. `vasprun.xml:812 <modeling/calculation>`.
    public var description: String {
        var s = file
        if let line { s += ":\(line)" } else if let byteOffset { s += " at byte \(byteOffset)" }
        if let context, !context.isEmpty { s += " <\(context)>" }
        return s
    }
}

/// Errors of the VASP file-format readers and writers. Every message names the file, the place
/// in it, and what was expected, so a user can act on it.
public enum VASPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be opened or read at all (missing, permission, not a file).
    case cannotRead(file: String, reason: String)
    /// The content is not what the format requires at `location`.
    case malformed(SourceLocation, String)
    /// A file could not be written.
    case cannotWrite(file: String, reason: String)

    /// `file: cannot read: reason`, `file:line <context>: message` or `file: cannot write: reason`.
    public var description: String {
        switch self {
        case .cannotRead(let file, let reason): return "\(file): cannot read: \(reason)"
        case .malformed(let location, let message): return "\(location): \(message)"
        case .cannotWrite(let file, let reason): return "\(file): cannot write: \(reason)"
        }
    }
}

/// A non-fatal problem found while reading: the data was returned, but the user should know.
public struct ReadWarning: Sendable, Hashable, CustomStringConvertible {
    /// Where it was found.
    public var location: SourceLocation
    /// What was found and what was done about it.
    public var message: String

    /// A warning `message` about what was found at `location`.
    public init(_ location: SourceLocation, _ message: String) {
        self.location = location
        self.message = message
    }

    /// `file:line <context>: message`, the location as ``SourceLocation/description`` writes it.
    public var description: String { "\(location): \(message)" }
}
