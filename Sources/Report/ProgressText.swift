/// The text of Cascade's one progress bar (drawn by the CLI's `ProgressBar` on standard error, on a
/// terminal only): `[#########                     ] 30% FILE` while reading a file's bytes (`parse`),
/// `[######                        ] 10/51 calculations (relax/tfsi)` while counting items (`tabulate`).
public enum ProgressText {
    /// What the bar counts.
    public enum Unit: Sendable { case bytes, count }

    /// Width of the bar between the brackets, in characters.
    public static let width = 30
    /// Files smaller than this (bytes) read too fast for a bar.
    public static let minimumBytes = 50_000_000

    /// The line for `done` of `total` (bytes or items), with its percentage; `name` is the item just
    /// finished (`.count`). `nil` when no bar is drawn (a file under ``minimumBytes``, nothing to count).
    /// A `.count` line starts by erasing the terminal line (`ESC [2K`); both start with a carriage return.
    public static func line(_ done: Int, of total: Int, label: String, name: String = "", unit: Unit) -> (percent: Int, text: String)? {
        guard total > (unit == .bytes ? minimumBytes : 0) else { return nil }
        let percent = min(100, done * 100 / max(total, 1))
        let filled = min(width, done * width / max(total, 1))
        let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
        switch unit {
        case .bytes: return (percent, "\r[\(bar)] \(percent)% \(label)")
        case .count: return (percent, "\r\u{1B}[2K[\(bar)] \(done)/\(total) \(label) (\(name))")
        }
    }

    /// The text that erases a drawn bar.
    public static let clear = "\r\u{1B}[2K"
}
