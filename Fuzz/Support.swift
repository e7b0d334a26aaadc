// Shared by every fuzz target (compiled into each binary by tools/fuzz.sh; not part of the package).
import VASP

#if canImport(Glibc)
import Glibc
#endif

/// The input of one fuzz iteration as a file: the readers take paths (that is how `cascade` calls
/// them), so the bytes go to one temporary file per process, rewritten for every input.
enum FuzzInput {
    /// Writes the bytes to `$TMPDIR/cascade-fuzz-<pid>/<name>` and returns the path (`name` matters to
    /// readers that guess the file kind from it, e.g. `CHGCAR`). `tools/fuzz.sh` gives each run its own
    /// TMPDIR and removes it afterwards.
    static func file(_ data: UnsafePointer<UInt8>, _ size: Int, name: String) -> String {
        let tmp = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        let base = tmp + "/cascade-fuzz-\(getpid())"
        mkdir(base, 0o700)  // EEXIST after the first input
        let path = base + "/" + name
        guard let f = fopen(path, "wb") else { fatalError("fuzz harness: cannot write \(path)") }
        if size > 0 { _ = fwrite(data, 1, size, f) }
        fclose(f)
        return path
    }

    /// The contract every reader keeps on hostile input: it throws a ``VASPError`` (never anything
    /// else), and the message names the file it was given. Anything else stops the fuzzer.
    static func check(_ error: Error, path: String) {
        guard let error = error as? VASPError else {
            fatalError("fuzz contract: a reader threw \(type(of: error)), not VASPError: \(error)")
        }
        let message = error.description
        guard message.hasPrefix(path) else {
            fatalError("fuzz contract: the message does not start with the file name: \(message)")
        }
    }

    /// Touches a reader's warnings the way `cascade` prints them.
    static func render(_ warnings: [ReadWarning]) -> Int {
        warnings.reduce(0) { $0 + $1.description.utf8.count }
    }
}
