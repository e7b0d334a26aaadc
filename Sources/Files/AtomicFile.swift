#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Atomic file writes: the bytes go to a temporary file in the destination's folder
/// (`.NAME.tmp-<random>`), which then replaces (with `force`) or is linked to (without it: an existing
/// file is never touched) the destination. On any failure the temporary file is removed and the
/// destination is left as it was: a reader never sees a half-written file.
public enum AtomicFile {
    /// How bytes reach the open temporary file: POSIX `write(2)` semantics — the count written, or −1
    /// with `errno` set. The default is the system call; a test passes one that fails part-way (a full
    /// disk) to check the cleanup.
    public typealias SystemWrite = (_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Int

    /// POSIX `write(2)`.
    public static func posixWrite(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Int {
        systemWrite(descriptor, bytes.baseAddress, bytes.count)
    }

    /// Writes `bytes` to `path`.
    /// - Parameters:
    ///   - force: replace an existing file; without it an existing file is an error.
    ///   - mode: permission bits of the file (e.g. `0o755` for a script); `nil` = `0o666` less the umask.
    ///   - systemWrite: how bytes reach the file (see ``SystemWrite``).
    /// - Throws: ``FileError/cannotWrite(file:reason:)`` when the file exists and `force` is false, or on
    ///   any system error.
    public static func write(
        _ bytes: [UInt8], to path: String, force: Bool, mode: mode_t? = nil, systemWrite: SystemWrite = posixWrite
    ) throws {
        if !force && exists(path) { throw exists(error: path) }
        let temporary = temporaryName(for: path)
        try writeFile(bytes, to: temporary, finalPath: path, mode: mode, systemWrite: systemWrite)
        if force {
            guard rename(temporary, path) == 0 else { throw failure(path, removing: temporary) }
            return
        }
        if link(temporary, path) == 0 {
            unlink(temporary)
            return
        }
        let code = errno
        if code == EEXIST {
            unlink(temporary)
            throw exists(error: path)
        }
        // File systems without hard links: check, then rename (not atomic against a racing writer).
        if exists(path) {
            unlink(temporary)
            throw exists(error: path)
        }
        guard rename(temporary, path) == 0 else { throw failure(path, removing: temporary) }
    }

    /// Writes `text` (UTF-8) to `path`; see ``write(_:to:force:mode:systemWrite:)``.
    public static func write(_ text: String, to path: String, force: Bool = false, mode: mode_t? = nil) throws {
        try write(Array(text.utf8), to: path, force: force, mode: mode)
    }

    /// Creates `path` and its missing parents (like `mkdir -p`).
    /// - Throws: ``FileError/cannotWrite(file:reason:)`` naming the folder that could not be made.
    public static func makeFolders(_ path: String) throws {
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            current += "/" + part
            if FileSystem.isDirectory(current) { continue }
            if mkdir(current, 0o755) != 0 && errno != EEXIST { throw FileError.writeFailure(current) }
        }
    }

    private static func exists(error path: String) -> FileError {
        .cannotWrite(file: path, reason: "the file exists; pass force: true to replace it")
    }

    private static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    private static func temporaryName(for path: String) -> String {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        return folder + "." + name + ".tmp-" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
    }

    private static func writeFile(_ bytes: [UInt8], to temporary: String, finalPath: String, mode: mode_t?, systemWrite: SystemWrite) throws {
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, mode ?? 0o666)
        guard fd >= 0 else { throw failure(finalPath, removing: nil) }
        if let mode, fchmod(fd, mode) != 0 {
            let error = failure(finalPath, removing: nil)
            close(fd)
            unlink(temporary)
            throw error
        }
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { systemWrite(fd, $0) }
            if n <= 0 {
                if n < 0 && errno == EINTR { continue }
                if n == 0 { errno = EIO }  // no progress: never loop on a device that takes nothing
                let error = failure(finalPath, removing: nil)
                close(fd)
                unlink(temporary)
                throw error
            }
            offset += n
        }
        let synced = fsync(fd) == 0
        let closed = close(fd) == 0
        guard synced, closed else { throw failure(finalPath, removing: temporary) }
    }

    private static func failure(_ path: String, removing temporary: String?) -> FileError {
        let reason = String(cString: strerror(errno))
        if let temporary { unlink(temporary) }
        return .cannotWrite(file: path, reason: reason)
    }
}

/// POSIX `write(2)` (named apart from the writers' own `write` methods).
private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(fd, bytes, count)
    #else
    return Darwin.write(fd, bytes, count)
    #endif
}
