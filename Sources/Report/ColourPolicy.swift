/// The rule for colour in Cascade's terminal output, in one place: colour only on a terminal, never
/// when `NO_COLOR` is set to a non-empty value (the convention of https://no-color.org), never for
/// `TERM=dumb`. No command colours its output today; one that starts to must ask this rule first,
/// so that piped output (`cascade dos … > table.txt`) never holds escape codes.
public enum ColourPolicy {
    /// `true` when colour may be written to a stream.
    /// - Parameters:
    ///   - isTerminal: the stream is a terminal (`isatty`).
    ///   - noColor: the value of `NO_COLOR`, `nil` when unset.
    ///   - term: the value of `TERM`, `nil` when unset.
    public static func isAllowed(isTerminal: Bool, noColor: String?, term: String?) -> Bool {
        guard isTerminal else { return false }
        if let noColor, !noColor.isEmpty { return false }
        return term != "dumb"
    }
}
