/// What `cascade --version` prints.
///
/// The commit is not embedded: a binary copied to a cluster cannot read it at run time, and reading it at
/// build time would take a SwiftPM build-tool plugin (plus an executable it runs) that follows `.git` —
/// a file in a worktree, a folder in a clone, absent in a source archive — through `HEAD`, loose refs and
/// `packed-refs`, and that SwiftPM re-runs only when its declared inputs change, so a commit made after
/// the last build would print the old hash. That is neither simple nor robust, so the version is this
/// constant and the commit is said to be unknown rather than guessed. Bump `number` with a release.
enum CascadeVersion {
    /// The release number (semantic versioning).
    static let number = "0.1.0"
    /// The commit the binary was built from, when a build embeds it; `nil` today (see above).
    static let commit: String? = nil

    /// `cascade 0.1.0 (commit unknown)`.
    static var text: String { "cascade \(number) (commit \(commit ?? "unknown"))" }
}
