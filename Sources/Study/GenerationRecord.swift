import Files

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `cascade generate` wrote last time in an output folder: one `SHA-256<TAB>path` line per file in
/// `<out>/.cascade/generated.tsv`. Before replacing a file, generation compares it with this record: a
/// file whose bytes are neither what Cascade wrote last time nor what it would write now was edited by
/// hand (or written by someone else) and is never replaced silently.
struct GenerationRecord {
    /// Path (relative to the output folder) → SHA-256 hex of the bytes written.
    var hashes: [String: String]

    static func file(root: String) -> String { Generator.folder(".cascade/generated.tsv", in: root) }

    /// The record of `root`; empty when there is none (an older Cascade, or a first generation).
    static func read(root: String) -> GenerationRecord {
        guard let bytes = FileSystem.bytes(file(root: root)) else { return GenerationRecord(hashes: [:]) }
        let text = String(decoding: bytes, as: UTF8.self)
        var hashes: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "\t", maxSplits: 1)
            guard parts.count == 2, parts[0].count == 64 else { continue }
            hashes[String(parts[1])] = String(parts[0])
        }
        return GenerationRecord(hashes: hashes)
    }

    /// A planned file that exists on disk with bytes that are neither the planned ones nor the recorded
    /// ones, and what changed (never the content of a POTCAR).
    struct Edited {
        var path: String
        var diff: String
    }

    /// The planned files that were changed since Cascade wrote them.
    func editedFiles(_ files: [Generator.PlannedFile], root: String) -> [Edited] {
        files.compactMap { file -> Edited? in
            let path = Generator.folder(file.path, in: root)
            guard let onDisk = FileSystem.bytes(path) else { return nil }
            if onDisk == file.bytes { return nil }
            let hash = SHA256.hex(of: onDisk)
            if hashes[file.path] == hash { return nil }
            let diff = file.isLicensed ? "    (POTCAR content is not shown)" : GenerationRecord.lineDiff(old: onDisk, new: file.bytes)
            return Edited(path: file.path, diff: hashes[file.path] == nil ? "    (not written by Cascade, or before it kept a record)\n" + diff : diff)
        }
    }

    /// Lines only in the file on disk (`- yours`) and only in the new one (`+ new`), at most 8 of each.
    static func lineDiff(old: [UInt8], new: [UInt8]) -> String {
        let a = String(decoding: old, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let b = String(decoding: new, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let inB = Set(b)
        let inA = Set(a)
        let removed = a.filter { !inB.contains($0) }
        let added = b.filter { !inA.contains($0) }
        var lines = removed.prefix(8).map { "    - yours: \($0)" } + added.prefix(8).map { "    + new:   \($0)" }
        if removed.count > 8 || added.count > 8 { lines.append("    … (\(removed.count) line(s) only in yours, \(added.count) only in the new file)") }
        if lines.isEmpty { lines.append("    (same lines, in another order or with other line ends)") }
        return lines.joined(separator: "\n")
    }

    /// This record with the files just written.
    func updated(with files: [Generator.PlannedFile]) -> GenerationRecord {
        var out = self
        for f in files { out.hashes[f.path] = SHA256.hex(of: f.bytes) }
        return out
    }

    /// Writes the record atomically.
    func write(root: String) throws {
        let text = hashes.keys.sorted().map { "\(hashes[$0] ?? "")\t\($0)" }.joined(separator: "\n") + "\n"
        try AtomicFile.makeFolders(Generator.folder(".cascade", in: root))
        try AtomicFile.write(text, to: GenerationRecord.file(root: root), force: true)
    }

    /// Copies `path` to the first free `path.~N~` and returns that name.
    static func backUp(_ path: String) throws -> String {
        var n = 1
        while FileSystem.exists("\(path).~\(n)~") { n += 1 }
        let target = "\(path).~\(n)~"
        guard let bytes = FileSystem.bytes(path) else {
            throw StudyError.cannotRead(file: path, reason: "could not be read to keep a backup before replacing it")
        }
        try AtomicFile.write(String(decoding: bytes, as: UTF8.self), to: target, force: false)
        return target
    }
}
