import Analysis
import Foundation
import Study

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `cascade status` remembers of finished calculations, so that a second `status` reads only the
/// outputs that changed: the folder's report (``RunFolderReport``) stored in the journal under a key
/// made of every output file the probe reads (vasprun.xml(.gz), OUTCAR(.gz), OSZICAR; per image for an
/// NEB), each with its size, modification time (ns) and a SHA-256 of its first and last 4 KiB.
///
/// Only final reports are stored (converged, unconverged): a running or cut-short output is read again
/// every time, since its state also depends on the clock (running turns into truncated). A file
/// appended to, rewritten, replaced, moved away (`resume`) or added changes the key, and the folder is
/// read again. Deleting the journal only makes the next `status` read everything.
enum StatusCache {
    /// The output files the folder probe reads, per folder.
    static let outputNames = ["vasprun.xml", "vasprun.xml.gz", "OUTCAR", "OUTCAR.gz", "OSZICAR"]
    /// Bytes hashed at each end of a file.
    static let edge = 4096

    /// Reports in these states are stored.
    static func isFinal(_ state: CalculationState) -> Bool {
        [.converged, .unconverged, .mismatch, .collapsed].contains(state)
    }

    /// The key of `folder`'s outputs now, or nil when it has none (nothing worth caching).
    static func key(folder: String, isNeb: Bool) -> String? {
        var lines = [isNeb ? "neb" : "single"]
        var files = 0
        var folders = [""]
        if isNeb { folders += Attempts.imageFolders(folder).map { $0 + "/" } }
        for sub in folders {
            for name in outputNames {
                guard let line = fileKey("\(folder)/\(sub)\(name)") else { continue }
                lines.append("\(sub)\(name) \(line)")
                files += 1
            }
        }
        return files == 0 ? nil : lines.joined(separator: "\n")
    }

    /// `size mtime-ns hash` of one file, nil when it is absent or not a regular file.
    static func fileKey(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        #if canImport(Darwin)
        let mtime = Int64(info.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(info.st_mtimespec.tv_nsec)
        #else
        let mtime = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        #endif
        let size = Int64(info.st_size)
        return "\(size) \(mtime) \(edgeHash(path, size: size) ?? "unreadable")"
    }

    /// SHA-256 of the first and last ``edge`` bytes (the whole file when it is smaller than two edges).
    static func edgeHash(_ path: String, size: Int64) -> String? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var hash = SHA256()
        var buffer = [UInt8](repeating: 0, count: edge)
        let starts: [Int64] = size <= Int64(2 * edge) ? [0] : [0, size - Int64(edge)]
        for start in starts {
            let want = size <= Int64(2 * edge) ? Int(size) : edge
            var got = 0
            if want > buffer.count { buffer = [UInt8](repeating: 0, count: want) }
            while got < want {
                let n = buffer.withUnsafeMutableBytes { raw -> Int in
                    guard let base = raw.baseAddress else { return 0 }  // empty buffer: nothing read
                    return pread(fd, base + got, want - got, off_t(start) + off_t(got))
                }
                if n <= 0 { break }
                got += n
            }
            hash.update(Array(buffer[0..<got]))
        }
        return hash.finalize()
    }

    // MARK: The stored form

    /// ``RunFolderReport`` as stored (JSON in the journal).
    struct Stored: Codable {
        struct Image: Codable {
            var label: String
            var state: String
            var reason: String
            var energy: Double?
            var maxForce: Double?
        }
        var state: String
        var reason: String
        var energy: Double?
        var maxForce: Double?
        var ionicSteps: Int?
        var hasOutputs: Bool
        var images: [Image]
        var vaspVersion: String?
    }

    static func encode(_ r: RunFolderReport) -> String? {
        let stored = Stored(
            state: r.state.rawValue, reason: r.reason, energy: r.energy, maxForce: r.maxForce, ionicSteps: r.ionicSteps,
            hasOutputs: r.hasOutputs,
            images: r.images.map { Stored.Image(label: $0.label, state: $0.state.rawValue, reason: $0.reason, energy: $0.energy, maxForce: $0.maxForce) },
            vaspVersion: r.vaspVersion)
        guard let data = try? JSONEncoder().encode(stored) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// The report stored as `text`; nil when it cannot be read back (then the folder is read again).
    static func decode(_ text: String) -> RunFolderReport? {
        guard let s = try? JSONDecoder().decode(Stored.self, from: Data(text.utf8)), let state = CalculationState(rawValue: s.state) else { return nil }
        var images: [ImageStatus] = []
        for i in s.images {
            guard let st = CalculationState(rawValue: i.state) else { return nil }
            images.append(ImageStatus(label: i.label, state: st, reason: i.reason, energy: i.energy, maxForce: i.maxForce))
        }
        return RunFolderReport(
            state: state, reason: s.reason, energy: s.energy, maxForce: s.maxForce, ionicSteps: s.ionicSteps,
            hasOutputs: s.hasOutputs, images: images, vaspVersion: s.vaspVersion)
    }
}
