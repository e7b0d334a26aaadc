/// A place in a YAML file (manifest, input set, structure index): file, 1-based line and column.
public struct ManifestLocation: Sendable, Hashable, CustomStringConvertible {
    /// The file as the user named it.
    public var file: String
    /// 1-based line, when known.
    public var line: Int?
    /// 1-based column (Unicode scalars), when known.
    public var column: Int?

    /// A location.
    public init(file: String, line: Int? = nil, column: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column` (the parts that are known).
    public var description: String {
        var s = file
        if let line {
            s += ":\(line)"
            if let column { s += ":\(column)" }
        }
        return s
    }
}

/// Errors of the Study module. Messages name the file (and line and column for YAML), and say what
/// was expected.
public enum StudyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A YAML file is not what its schema requires at `location`.
    case invalid(ManifestLocation, String)
    /// A file could not be read.
    case cannotRead(file: String, reason: String)
    /// A file or folder could not be written.
    case cannotWrite(file: String, reason: String)
    /// The generation plan has errors (each names its calculation); nothing was written.
    case planHasErrors([String])
    /// Calculation folders already hold VASP outputs and `force` was not given; nothing was written.
    case outputsPresent([String])
    /// Files differ from what Cascade wrote there last time (edited by hand) and `force` was not given;
    /// each entry is the path and what changed. Nothing was written.
    case editedByHand([String])

    /// `file:line:column: message` or `file: cannot read: reason` for file errors; the list errors give a summary line, then one indented line per entry.
    public var description: String {
        switch self {
        case .invalid(let location, let message): return "\(location): \(message)"
        case .cannotRead(let file, let reason): return "\(file): cannot read: \(reason)"
        case .cannotWrite(let file, let reason): return "\(file): cannot write: \(reason)"
        case .planHasErrors(let errors):
            return "the plan has \(errors.count) error\(errors.count == 1 ? "" : "s"); nothing was written:\n"
                + errors.map { "  " + $0 }.joined(separator: "\n")
        case .editedByHand(let files):
            return
                "\(files.count) file\(files.count == 1 ? " was" : "s were") changed since Cascade wrote \(files.count == 1 ? "it" : "them") (or not written by Cascade); nothing was written (pass --force to replace them: each is kept as FILE.~N~):\n"
                + files.map { "  " + $0.replacingOccurrences(of: "\n", with: "\n    ") }.joined(separator: "\n")
        case .outputsPresent(let folders):
            return
                "\(folders.count) folder\(folders.count == 1 ? " holds" : "s hold") VASP outputs; nothing was written (pass --force to rewrite their inputs; outputs are never deleted):\n"
                + folders.map { "  " + $0 }.joined(separator: "\n")
        }
    }
}
