import Files
import VASP

/// SHA-256 of a file computed from the bytes its reader reads (a ``StoredBytesObserver`` given to
/// ``ByteSource``): the file as stored, compressed bytes for gzip, hashed in the read that parses it.
/// Used by one reader at a time; the inflate thread's calls are ordered with the caller's by ByteSource.
final class StreamingSHA256: StoredBytesObserver {
    private var hash = SHA256()
    /// The digest as 64 lowercase hex digits once the whole file was seen; `nil` before that or after a read error.
    private(set) var hex: String?

    func observe(storedBytes: UnsafeRawBufferPointer) {
        hash.update(bufferPointer: storedBytes)
    }

    func finish(readError: Bool) {
        hex = readError ? nil : hash.finalize()
    }
}

/// The SHA-256 of every file one calculation's load read (`cascade tabulate`'s provenance), each computed
/// while the file is parsed, so that a parsed file is read once; a file that is only hashed is read once for
/// the hash. Owned by one load (one thread), never shared.
struct FileHashes: Sendable {
    /// `false`: nothing is hashed (``TabulationOptions/hashFiles`` off, or a look that needs no provenance).
    let enabled: Bool
    /// Path → 64 hex digits, for every file hashed so far.
    private(set) var byPath: [String: String] = [:]

    /// Hashes when `enabled`.
    init(enabled: Bool) { self.enabled = enabled }

    /// Runs `read` (a reader given the observer to pass to ``ByteSource``), hashing `path` on the way when
    /// enabled and not hashed yet.
    mutating func reading<T>(_ path: String, _ read: (StoredBytesObserver?) throws -> T) rethrows -> T {
        guard enabled, byPath[path] == nil else { return try read(nil) }
        let hasher = StreamingSHA256()
        defer { if let hex = hasher.hex { byPath[path] = hex } }
        return try read(hasher)
    }

    /// The hash of `path`: the one computed while it was read, else from a read for the hash alone;
    /// `nil` when hashing is off or the file cannot be read.
    mutating func hash(of path: String) -> String? {
        guard enabled else { return nil }
        if let known = byPath[path] { return known }
        let hex = SHA256.hex(ofFile: path)
        if let hex { byPath[path] = hex }
        return hex
    }

    /// Takes the hashes `other` computed (of other files, or the same ones: equal).
    mutating func merge(_ other: FileHashes) {
        byPath.merge(other.byPath) { first, _ in first }
    }
}
