extension Table {
    /// The version of the table JSON document (``jsonDocument()``): bumped when a key changes
    /// meaning or is removed. Listed in docs/json.md.
    public static let schemaVersion = 1

    /// The JSON a command prints for `--format json`: `schema_version` first, then the keys of
    /// ``json()`` (`title`, `columns` with `key`/`title`/`unit`, `rows`, `notes`).
    public func jsonDocument() -> JSONValue {
        guard case .object(let members) = json() else { return json() }
        return .object([("schema_version", .int(Self.schemaVersion))] + members)
    }
}
