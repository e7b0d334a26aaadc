/// The one "unique in order" of Cascade: the tabulation records, Report (footnotes, VASP versions) and
/// the CLI's element lists use it.
extension Sequence where Element: Hashable {
    /// The elements without repeats, each where it first appears.
    public func uniqueInOrder() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
