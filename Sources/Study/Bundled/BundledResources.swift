import Files
import VASP

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One file compiled into the binary: its path relative to the repository root and its exact bytes.
public struct BundledFile: Sendable {
    /// The path relative to the repository root, e.g. `templates/studies/tfsi-mof-copc.yaml`.
    public let path: String
    private let text: String?
    private let base64: String?

    /// A text file, stored as a string literal (its UTF-8 is the file's bytes).
    init(path: String, text: String) {
        self.path = path
        self.text = text
        base64 = nil
    }

    /// Any other file, stored as base64.
    init(path: String, base64: String) {
        self.path = path
        text = nil
        self.base64 = base64
    }

    /// The file's bytes.
    public var bytes: [UInt8] {
        if let text { return Array(text.utf8) }
        return Base64.decode(base64 ?? "")
    }
}

/// The files `cascade` carries with it — the bundled studies (`templates/studies/`), their input sets
/// and job template (`templates/`), their structures (`structures/`) and the example run
/// (`examples/vasprun.xml`) — compiled into the binary by `tools/bundle-resources.py`
/// (`BundledFiles.swift`), so a binary copied to another machine works without the source checkout.
///
/// Studies are read from files (a manifest names its structures and templates by relative path), so the
/// files are unpacked on first use into a folder named by the content's hash in the user's cache —
/// `$XDG_CACHE_HOME/cascade/bundled-<hash>`, else `~/.cache/cascade/bundled-<hash>`, else
/// `$TMPDIR/cascade-<uid>/bundled-<hash>` — and reused while every file in it still has the bytes
/// compiled in. The folder is written under a temporary name and renamed into place, so a reader never
/// sees half of it, and two processes unpacking at once both end up with the same complete folder.
public enum BundledResources {
    /// Where the bundled studies' manifests are, relative to the bundle's root.
    public static let studiesFolder = "templates/studies"
    /// The study `cascade generate` writes with no manifest.
    public static let defaultStudy = "tfsi-mof-copc"
    /// The small vasprun.xml `cascade parse` reads with no file.
    public static let example = "examples/vasprun.xml"

    /// Every bundled file, sorted by path.
    public static var all: [BundledFile] { files }

    /// The SHA-256 (hex) of the bundled files, as `tools/bundle-resources.py` computed it.
    public static var contentDigest: String { digest }

    /// The name of the folder the files are unpacked into: `bundled-` and 12 hex digits of the digest.
    public static var folderName: String { "bundled-" + String(digest.prefix(12)) }

    /// SHA-256 over, for each file in path order (UTF-8 bytes): the path, NUL, the decimal byte count,
    /// NUL, the bytes. `tools/bundle-resources.py` computes the same.
    public static func digest(of files: [(path: String, bytes: [UInt8])]) -> String {
        var hasher = SHA256()
        for file in files.sorted(by: { Array($0.path.utf8).lexicographicallyPrecedes(Array($1.path.utf8)) }) {
            hasher.update(Array(file.path.utf8) + [0] + Array(String(file.bytes.count).utf8) + [0])
            hasher.update(file.bytes)
        }
        return hasher.finalize()
    }

    /// The folders tried in order for the unpacked bundle (see the type's description).
    public static func cacheFolders(environment: [String: String]) -> [String] {
        var folders: [String] = []
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") { folders.append(PathText.trimmingTrailingSlash(xdg) + "/cascade") }
        if let home = environment["HOME"], home.hasPrefix("/") { folders.append(PathText.trimmingTrailingSlash(home) + "/.cache/cascade") }
        let temporary = environment["TMPDIR"].flatMap { $0.hasPrefix("/") ? PathText.trimmingTrailingSlash($0) : nil } ?? "/tmp"
        folders.append(temporary + "/cascade-\(getuid())")
        return folders
    }

    /// This process's `XDG_CACHE_HOME`, `HOME` and `TMPDIR`.
    public static func processEnvironment() -> [String: String] {
        var environment: [String: String] = [:]
        for name in ["XDG_CACHE_HOME", "HOME", "TMPDIR"] {
            if let value = getenv(name) { environment[name] = String(cString: value) }
        }
        return environment
    }

    /// The folder holding the bundled files (unpacked now if needed): the first of ``cacheFolders(environment:)``
    /// that can be written.
    /// - Throws: ``StudyError/cannotWrite(file:reason:)`` naming every folder tried, when none can be.
    public static func root(environment: [String: String] = processEnvironment()) throws -> String {
        var failures: [String] = []
        for parent in cacheFolders(environment: environment) {
            do {
                return try unpack(into: parent)
            } catch {
                failures.append("\(error)")
            }
        }
        throw StudyError.cannotWrite(
            file: "the files bundled with cascade", reason: "no cache folder can be written (" + failures.joined(separator: "; ") + ")")
    }

    /// Unpacks the bundle into `parent/bundled-<hash>` unless it is there with the right bytes.
    /// - Returns: the bundle's folder.
    public static func unpack(into parent: String) throws -> String {
        let target = parent + "/" + folderName
        if FileSystem.isDirectory(target) {
            if holdsBundle(target) { return target }
            // Changed since it was unpacked (a hand edit, a cleaner that removed files): set it aside
            // and unpack again. Another process may do the same at once; either copy is complete.
            let aside = parent + "/." + folderName + ".changed-" + randomSuffix()
            if rename(target, aside) == 0 { removeTree(aside) }
        }
        try AtomicFile.makeFolders(parent)
        // The shared temporary folder's copy is this user's alone.
        if PathText.baseName(parent) == "cascade-\(getuid())" { _ = chmod(parent, 0o700) }
        let staging = parent + "/." + folderName + ".tmp-\(getpid())-" + randomSuffix()
        guard mkdir(staging, 0o755) == 0 else { throw FileError.writeFailure(staging) }
        do {
            for file in files {
                let destination = staging + "/" + file.path
                try AtomicFile.makeFolders(PathText.folder(of: destination))
                try AtomicFile.write(file.bytes, to: destination, force: false)
            }
        } catch {
            removeTree(staging)
            throw error
        }
        if rename(staging, target) == 0 { return target }
        let reason = errno
        removeTree(staging)
        // Another process renamed its copy into place first: use it.
        if (reason == EEXIST || reason == ENOTEMPTY) && holdsBundle(target) { return target }
        throw StudyError.cannotWrite(file: target, reason: String(cString: strerror(reason)))
    }

    /// Whether every bundled file is in `folder` with the bytes compiled in.
    public static func holdsBundle(_ folder: String) -> Bool {
        files.allSatisfy { FileSystem.bytes(folder + "/" + $0.path) == $0.bytes }
    }

    private static func randomSuffix() -> String {
        String(UInt64.random(in: 0...UInt64.max), radix: 16)
    }

    /// Removes `path` and everything under it (symbolic links are removed, never followed).
    static func removeTree(_ path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            for name in FileSystem.names(in: path) { removeTree(path + "/" + name) }
            rmdir(path)
        } else {
            unlink(path)
        }
    }
}

/// Standard base64 (RFC 4648, with padding), decoding only: how ``BundledFile`` stores a file that is
/// not plain text.
enum Base64 {
    static func decode(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        for c in text.utf8 {
            let value: UInt32
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt32(c - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt32(c - UInt8(ascii: "a")) + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt32(c - UInt8(ascii: "0")) + 52
            case UInt8(ascii: "+"): value = 62
            case UInt8(ascii: "/"): value = 63
            default: continue  // padding
            }
            buffer = (buffer << 6) | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((buffer >> UInt32(bits)) & 0xFF))
            }
        }
        return out
    }
}
