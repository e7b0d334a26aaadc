import Foundation
import TestSupport
import Testing

@testable import Files
@testable import Study
@testable import VASP

#if canImport(Glibc)
import Glibc
#endif

/// Issue 13 §1, "each file read once per tabulate": the SHA-256 of a source file is computed from the
/// bytes its reader reads (``StoredBytesObserver`` on ``ByteSource``), and a `tabulate` opens each file once.
@Suite struct SingleReadTests {
    /// The streamed hash of `path` read by `read` (given the observer), or `nil` when the reader threw
    /// before the hasher finished.
    func streamed(_ path: String, _ read: (StoredBytesObserver) throws -> Void) -> String? {
        let hasher = StreamingSHA256()
        try? read(hasher)
        return hasher.hex
    }

    /// A copy of the first `fraction` of a corpus file in a temporary folder (a file cut by a killed job).
    func cut(_ relative: String, fraction: Double, name: String, in folder: String) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: Corpus.path(relative)))
        let path = folder + "/" + name
        try data.prefix(Int(Double(data.count) * fraction)).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Every reader's streamed hash equals the one-shot hash of the file and coreutils' `sha256sum`: gzip
    /// files (inflated on the inflate thread and on the caller's), plain files, files cut short, a reader that
    /// stops early (CHGCAR first block), bytes after a gzip stream, and tiny read chunks.
    @Test func streamedHashEqualsOneShot() throws {
        guard Corpus.available else { return }
        let folder = try StudyFixture.temporaryFolder("single-read")
        defer { StudyFixture.remove(folder) }
        let gz = Corpus.path("adsorption/atomate_Ir_H/3/outputs/vasprun.xml.gz")
        let outcarGz = Corpus.path("adsorption/atomate_Ir_H/3/outputs/OUTCAR.gz")
        let plainOutcar = Corpus.path("neb/aiida-vasp_NH3_inversion/01/OUTCAR")
        let contcar = Corpus.path("adsorption/atomate_Ir_H/3/outputs/CONTCAR")
        let chgcar = Corpus.path("volumetric/atomate_Si_static/CHGCAR.gz")
        let plainVasprun = Corpus.path("vasprun/custodian/postprocess/vasprun.xml")
        let cutGz = try cut("adsorption/atomate_Ir_H/3/outputs/vasprun.xml.gz", fraction: 0.6, name: "cut.xml.gz", in: folder)
        let cutPlain = try cut("vasprun/custodian/postprocess/vasprun.xml", fraction: 0.6, name: "cut.xml", in: folder)
        let trailing = folder + "/trailing.xml.gz"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: gz))
        bytes.append(contentsOf: Array("not gzip at all\n".utf8))
        try bytes.write(to: URL(fileURLWithPath: trailing))
        let options = VasprunOptions(readDOS: false, readEigenvalues: false, readProjections: false)

        var cases: [(String, String, String?)] = []
        func check(_ label: String, _ path: String, _ read: (StoredBytesObserver) throws -> Void) {
            cases.append((label, path, streamed(path, read)))
        }
        check("vasprun.xml.gz", gz) { _ = try Vasprun.read(path: gz, options: options, observer: $0) }
        check("vasprun.xml.gz, caller's thread", gz) { observer in
            let source = try ByteSource(path: gz, inflate: .isal, threaded: false, observer: observer)
            _ = source.readAll()
            source.observeRest()
        }
        check("vasprun.xml.gz, inflate thread, stopped after 1 KiB", gz) { observer in
            let source = try ByteSource(path: gz, inflate: .isal, threaded: true, observer: observer)
            var chunk = [UInt8](repeating: 0, count: 1024)
            _ = chunk.withUnsafeMutableBufferPointer { source.read(into: $0) }
            source.observeRest()
        }
        check("vasprun.xml.gz, zlib, 7-byte chunks", gz) { observer in
            let source = try ByteSource(path: gz, chunkSize: 7, inflate: .zlib, threaded: false, observer: observer)
            _ = source.readAll()
            source.observeRest()
        }
        check("OUTCAR.gz", outcarGz) { _ = try Outcar.read(path: outcarGz, observer: $0) }
        check("plain OUTCAR", plainOutcar) { _ = try Outcar.read(path: plainOutcar, observer: $0) }
        check("CONTCAR", contcar) { _ = try Poscar.read(path: contcar, observer: $0) }
        check("plain vasprun.xml", plainVasprun) { _ = try Vasprun.read(path: plainVasprun, options: options, observer: $0) }
        check("CHGCAR.gz, first block only", chgcar) { _ = try Volumetric.read(path: chgcar, maxBlocks: 1, observer: $0) }
        check("vasprun.xml.gz cut at 60 %", cutGz) { _ = try Vasprun.read(path: cutGz, options: options, observer: $0) }
        check("vasprun.xml cut at 60 %", cutPlain) { _ = try Vasprun.read(path: cutPlain, options: options, observer: $0) }
        check("gzip with trailing bytes", trailing) { observer in
            let source = try ByteSource(path: trailing, observer: observer)
            _ = source.readAll()
            #expect(source.truncatedCompression)
            source.observeRest()
        }
        for (label, path, hash) in cases {
            let oneShot = try #require(SHA256.hex(ofFile: path))
            #expect(hash == oneShot, "\(label)")
            #expect(oneShot == (try TabulationFixture.sha256sum(path)), "\(label)")
        }
        // Distinct files give distinct hashes (the comparison above could not pass by hashing nothing).
        #expect(Set(cases.compactMap(\.2)).count == Set(cases.map(\.1)).count)
    }

    /// A file that cannot be opened has no hash, and FileHashes keeps none for it.
    @Test func unreadableFileHasNoHash() {
        var hashes = FileHashes(enabled: true)
        let result = try? hashes.reading("/nonexistent/vasprun.xml") { try Vasprun.read(path: "/nonexistent/vasprun.xml", observer: $0) }
        #expect(result == nil)
        #expect(hashes.byPath.isEmpty)
        #expect(hashes.hash(of: "/nonexistent/vasprun.xml") == nil)
    }

    /// The proof the issue asks: during one `tabulate` of a run tree (corpus files copied, so that the tree's
    /// folders see every open), Linux inotify counts the opens of each file. Every file is opened at most once,
    /// and every source file of the tabulation's provenance exactly once. Without hashing in the parsing read,
    /// each hashed file is opened twice and this fails.
    @Test func tabulateOpensEachFileOnce() throws {
        #if os(Linux)
        guard Corpus.available else { return }
        let tree = try TabulationFixture.make(corpus: Corpus.root)
        defer { StudyFixture.remove(tree.root) }
        let folders = try Self.materialize(tree.runs)
        let manifest = try StudyManifest.load(path: tree.manifest)
        let watch = try #require(OpenWatch(folders: folders))
        let t = StudyTabulation.make(manifest: manifest, runs: tree.runs, options: TabulationTests.later)
        let opens = watch.drain()
        #expect(!watch.overflowed)
        let sources = Set(t.statuses.flatMap(\.files).map(\.path))
        #expect(sources.count >= 10, "\(sources.sorted())")
        for path in sources {
            #expect(opens[path] == 1, "\(path) opened \(opens[path] ?? 0) times")
        }
        for (path, count) in opens.sorted(by: { $0.key < $1.key }) {
            #expect(count == 1, "\(path) opened \(count) times")
        }
        #expect(t.statuses.flatMap(\.files).allSatisfy { $0.sha256?.count == 64 })
        #endif
    }

    /// Replaces every symlink under `root` by a copy of its target; returns every folder (root included).
    static func materialize(_ root: String) throws -> [String] {
        let fm = FileManager.default
        var folders = [root]
        guard let walk = fm.enumerator(atPath: root) else { return folders }
        for case let relative as String in walk {
            let path = root + "/" + relative
            let attributes = try fm.attributesOfItem(atPath: path)
            if attributes[.type] as? FileAttributeType == .typeSymbolicLink {
                let target = try fm.destinationOfSymbolicLink(atPath: path)
                try fm.removeItem(atPath: path)
                try fm.copyItem(atPath: target, toPath: path)
            } else if attributes[.type] as? FileAttributeType == .typeDirectory {
                folders.append(path)
            }
        }
        return folders
    }
}

#if os(Linux)
/// Counts the files opened in a set of folders with inotify (`IN_OPEN`, unprivileged), folders themselves excluded.
final class OpenWatch {
    private let fd: Int32
    private var folderOf: [Int32: String] = [:]
    /// The kernel's queue overflowed: some opens were not counted.
    private(set) var overflowed = false

    init?(folders: [String]) {
        fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { return nil }
        for folder in folders {
            let wd = inotify_add_watch(fd, folder, UInt32(IN_OPEN))
            guard wd >= 0 else {
                close(fd)
                return nil
            }
            folderOf[wd] = folder
        }
    }

    deinit { close(fd) }

    /// Path → number of opens since the watch began.
    func drain() -> [String: Int] {
        var counts: [String: Int] = [:]
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            var offset = 0
            buffer.withUnsafeBytes { raw in
                while offset + 16 <= n {
                    let wd = raw.loadUnaligned(fromByteOffset: offset, as: Int32.self)
                    let mask = raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
                    let length = Int(raw.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
                    let nameBytes = raw[(offset + 16)..<(offset + 16 + length)].prefix { $0 != 0 }
                    offset += 16 + length
                    if mask & UInt32(IN_Q_OVERFLOW) != 0 { overflowed = true }
                    guard mask & UInt32(IN_OPEN) != 0, mask & UInt32(IN_ISDIR) == 0, let folder = folderOf[wd], !nameBytes.isEmpty else { continue }
                    counts[folder + "/" + String(decoding: nameBytes, as: UTF8.self), default: 0] += 1
                }
            }
        }
        return counts
    }
}
#endif
