import Foundation
import TestSupport
import Testing

@testable import Files
@testable import VASP

@Suite struct ByteSourceTests {
    static let chunkSizes = [0, 1, 2, 3, 7, 64, 1 << 16]

    /// The complete vasprun fixture, and a folder holding it plain (`plain.xml`) and gzipped
    /// (`packed.gz`, and `packed.xml`: gzip under a plain name).
    static func prepare() throws -> (bytes: [UInt8], folder: String) {
        let bytes = try EdgeFixture.bytes(VasprunEdgeCaseTests.complete)
        let folder = try EdgeFixture.temporaryFolder()
        try EdgeFixture.write(bytes, to: folder + "/plain.xml")
        let compressed = try EdgeFixture.gzip(bytes)
        try EdgeFixture.write(compressed, to: folder + "/packed.gz")
        try EdgeFixture.write(compressed, to: folder + "/packed.xml")
        return (bytes, folder)
    }

    /// Everything `read(into:)` gives with an output buffer of `capacity` bytes.
    static func drain(_ source: ByteSource, capacity: Int) -> [UInt8] {
        var all: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: capacity)
        while true {
            let n = buffer.withUnsafeMutableBufferPointer { source.read(into: $0) }
            if n == 0 { break }
            all += buffer[0..<n]
        }
        return all
    }

    @Test(arguments: chunkSizes)
    func plainFile(_ chunkSize: Int) throws {
        let (bytes, folder) = try Self.prepare()
        defer { EdgeFixture.removeTemporaryFolder(folder) }
        let source = try ByteSource(path: folder + "/plain.xml", chunkSize: chunkSize)
        #expect(source.isCompressed == false)
        #expect(source.fileSize == bytes.count)
        #expect(source.readAll() == bytes)
        #expect(source.fileBytesRead == bytes.count)
        #expect(source.truncatedCompression == false)
        // At the end it keeps returning 0.
        #expect(Self.drain(source, capacity: 16).isEmpty)
    }

    @Test(arguments: chunkSizes)
    func gzipFileIsDetectedByItsMagicBytes(_ chunkSize: Int) throws {
        let (bytes, folder) = try Self.prepare()
        defer { EdgeFixture.removeTemporaryFolder(folder) }
        for name in ["packed.gz", "packed.xml"] {
            let source = try ByteSource(path: folder + "/" + name, chunkSize: chunkSize)
            #expect(source.isCompressed, "\(name), chunk \(chunkSize)")
            #expect(source.readAll() == bytes, "\(name), chunk \(chunkSize)")
            #expect(source.truncatedCompression == false)
            #expect(source.fileBytesRead == source.fileSize)
            #expect(source.fileSize < bytes.count)
        }
    }

    @Test(arguments: [1, 3, 4096])
    func smallOutputBuffers(_ capacity: Int) throws {
        let (bytes, folder) = try Self.prepare()
        defer { EdgeFixture.removeTemporaryFolder(folder) }
        #expect(Self.drain(try ByteSource(path: folder + "/plain.xml", chunkSize: 100), capacity: capacity) == bytes)
        #expect(Self.drain(try ByteSource(path: folder + "/packed.gz", chunkSize: 100), capacity: capacity) == bytes)
    }

    /// `cat a.gz b.gz` is a valid gzip file whose content is a + b.
    @Test(arguments: chunkSizes)
    func concatenatedMembersAreAllRead(_ chunkSize: Int) throws {
        let bytes = try EdgeFixture.bytes(VasprunEdgeCaseTests.complete)
        let half = bytes.count / 2
        let first = Array(bytes[0..<half])
        let second = Array(bytes[half...])
        let folder = try EdgeFixture.temporaryFolder()
        defer { EdgeFixture.removeTemporaryFolder(folder) }
        let path = folder + "/two-members.xml.gz"
        try EdgeFixture.write(try EdgeFixture.gzip(first) + EdgeFixture.gzip(second), to: path)
        let source = try ByteSource(path: path, chunkSize: chunkSize)
        #expect(source.readAll() == bytes)
        #expect(source.truncatedCompression == false)

        // And the vasprun reader reads the two-member file completely.
        let run = try Vasprun.read(path: path, options: VasprunOptions(chunkSize: chunkSize))
        #expect(run.complete)
        #expect(run.warnings.isEmpty)
        #expect(run.ionicSteps.count == 2)
        #expect(run.projected?.weights.shape == [2, 2, 4, 2, 9])
    }

    @Test func emptyMemberBetweenMembers() throws {
        let folder = try EdgeFixture.temporaryFolder()
        defer { EdgeFixture.removeTemporaryFolder(folder) }
        let path = folder + "/three.gz"
        try EdgeFixture.write(try EdgeFixture.gzip(Array("abc".utf8)) + EdgeFixture.gzip([]) + EdgeFixture.gzip(Array("def\n".utf8)), to: path)
        let source = try ByteSource(path: path, chunkSize: 5)
        #expect(source.readAll() == Array("abcdef\n".utf8))
        #expect(source.truncatedCompression == false)
    }

    /// A gzip file cut anywhere gives a prefix of the content and sets `truncatedCompression`; it never throws.
    @Test func truncatedGzipKeepsWhatCanBeRecovered() throws {
        let bytes = try EdgeFixture.bytes(VasprunEdgeCaseTests.complete)
        let compressed = try EdgeFixture.gzip(bytes)
        let folder = try EdgeFixture.temporaryFolder()
        defer { EdgeFixture.removeTemporaryFolder(folder) }
        var recoveredLengths: [Int] = []
        for cut in stride(from: 2, to: compressed.count, by: max(1, compressed.count / 40)) + [compressed.count - 1] {
            let path = folder + "/cut-\(cut).gz"
            try EdgeFixture.write(compressed[0..<cut], to: path)
            let source = try ByteSource(path: path, chunkSize: 1000)
            let recovered = source.readAll()
            #expect(source.isCompressed)
            #expect(source.truncatedCompression, "cut at \(cut) of \(compressed.count)")
            #expect(recovered.count <= bytes.count)
            #expect(recovered == Array(bytes[0..<recovered.count]), "cut at \(cut)")
            recoveredLengths.append(recovered.count)
        }
        #expect(recoveredLengths == recoveredLengths.sorted())
        #expect((recoveredLengths.last ?? 0) > bytes.count / 2)
        // Only the 8-byte trailer (CRC, size) missing: all the data is there, still flagged.
        #expect(recoveredLengths.last == bytes.count)
    }

    @Test func corruptGzipIsFlaggedNotThrown() throws {
        let bytes = try EdgeFixture.bytes(VasprunEdgeCaseTests.complete)
        var compressed = try EdgeFixture.gzip(bytes)
        let folder = try EdgeFixture.temporaryFolder()
        defer { EdgeFixture.removeTemporaryFolder(folder) }
        for k in 0..<16 { compressed[compressed.count / 2 + k] ^= 0x5A }
        let path = folder + "/corrupt.gz"
        try EdgeFixture.write(compressed, to: path)
        let source = try ByteSource(path: path)
        let out = source.readAll()
        #expect(source.truncatedCompression)
        #expect(out.count < bytes.count + 1_000_000)
        #expect(Self.drain(source, capacity: 64).isEmpty)  // finished after the error
    }

    @Test func trailingGarbageAfterAMemberKeepsTheData() throws {
        let folder = try EdgeFixture.temporaryFolder()
        defer { EdgeFixture.removeTemporaryFolder(folder) }
        let path = folder + "/garbage.gz"
        try EdgeFixture.write(try EdgeFixture.gzip(Array("complete member\n".utf8)) + Array("not gzip".utf8), to: path)
        let source = try ByteSource(path: path, chunkSize: 7)
        #expect(source.readAll() == Array("complete member\n".utf8))
    }

    @Test func emptyAndOneByteFiles() throws {
        let folder = try EdgeFixture.temporaryFolder()
        defer { EdgeFixture.removeTemporaryFolder(folder) }
        try EdgeFixture.write([], to: folder + "/empty")
        try EdgeFixture.write([0x1F], to: folder + "/one")
        try EdgeFixture.write([0x1F, 0x8B], to: folder + "/magic-only")
        let empty = try ByteSource(path: folder + "/empty")
        #expect(empty.fileSize == 0)
        #expect(empty.readAll().isEmpty)
        #expect(empty.isCompressed == false)
        let one = try ByteSource(path: folder + "/one")
        #expect(one.readAll() == [0x1F])
        #expect(one.isCompressed == false)
        let magic = try ByteSource(path: folder + "/magic-only")
        #expect(magic.isCompressed)
        #expect(magic.readAll().isEmpty)
        #expect(magic.truncatedCompression)
    }

    @Test func textOfAGzipFile() throws {
        let (bytes, folder) = try Self.prepare()
        defer { EdgeFixture.removeTemporaryFolder(folder) }
        #expect(try ByteSource.text(of: folder + "/packed.gz") == String(decoding: bytes, as: UTF8.self))
        #expect(try ByteSource.text(of: folder + "/plain.xml").hasPrefix("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<modeling>\n"))
    }

    @Test func openErrorsNameTheFile() throws {
        let folder = try EdgeFixture.temporaryFolder()
        defer { EdgeFixture.removeTemporaryFolder(folder) }
        #expect(throws: FileError.cannotRead(file: folder + "/missing", reason: "No such file or directory")) {
            try ByteSource(path: folder + "/missing")
        }
        #expect(throws: FileError.cannotRead(file: folder, reason: "not a regular file")) {
            try ByteSource(path: folder)
        }
        #expect(FileError.cannotRead(file: folder, reason: "not a regular file").description == "\(folder): cannot read: not a regular file")
    }
}

/// ISA-L (inline and on its inflate thread) against zlib, the inflater ByteSource used before. An intact
/// stream gives the same bytes, flags and byte counts. A damaged one gives the same flag and agrees
/// with zlib on every byte both recovered; where each decoder stops differs by a few bytes: cut inside
/// its last symbol, ISA-L, which decodes a symbol only when the longest code fits in the bits left, gives
/// up to one symbol less; at corrupt data it may hand over a few bytes more before it reports the damage
/// (the limits are measured here; docs/reliability.md).
@Suite struct ByteSourceInflateReferee {
    struct Outcome: Equatable {
        var bytes: [UInt8]
        var truncated: Bool
        var fileBytesRead: Int
    }

    static func drain(_ path: String, _ inflate: ByteSource.Inflate, threaded: Bool, chunkSize: Int, capacity: Int) throws -> Outcome {
        let source = try ByteSource(path: path, chunkSize: chunkSize, inflate: inflate, threaded: threaded)
        let bytes = ByteSourceTests.drain(source, capacity: capacity)
        return Outcome(bytes: bytes, truncated: source.truncatedCompression, fileBytesRead: source.fileBytesRead)
    }

    /// zlib's outcome against ISA-L's inline and threaded with several read sizes; `slack`: how many bytes
    /// the two may differ in length (0: identical).
    static func compare(
        _ path: String, _ what: String, slack: Int, small: Bool = false, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws {
        let referee = try drain(path, .zlib, threaded: false, chunkSize: 1 << 20, capacity: 1 << 16)
        var ways = [(false, 1 << 20, 1 << 16), (true, 1 << 20, 1 << 16), (true, 4096, 5000)]
        if small { ways.append((false, 7, 333)) }
        for (threaded, chunkSize, capacity) in ways {
            let isal = try drain(path, .isal, threaded: threaded, chunkSize: chunkSize, capacity: capacity)
            let label = "\(what), threaded \(threaded), chunk \(chunkSize): ISA-L \(isal.bytes.count) bytes, zlib \(referee.bytes.count)"
            #expect(isal.truncated == referee.truncated, "\(label)", sourceLocation: sourceLocation)
            if slack == 0 {
                #expect(isal == referee, "\(label)", sourceLocation: sourceLocation)
            } else {
                let common = min(isal.bytes.count, referee.bytes.count)
                #expect(isal.bytes[0..<common] == referee.bytes[0..<common], "\(label)", sourceLocation: sourceLocation)
                #expect(abs(isal.bytes.count - referee.bytes.count) <= slack, "\(label)", sourceLocation: sourceLocation)
            }
        }
    }

    static let files = [
        "volumetric/pymatgen/CHGCAR.nospin.gz", "volumetric/pymatgen/LOCPOT.vasp642.gz",
        "outcar/pymatgen/OUTCAR.gz", "adsorption/atomate_Ir_H/3/outputs/vasprun.xml.gz"
    ]

    @Test(arguments: files)
    func corpusFileWholeCutAndDamaged(_ relative: String) throws {
        guard Corpus.available else { return }
        let whole = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Corpus.path(relative))))
        let small = whole.count < 10_000
        try Self.compare(Corpus.path(relative), relative, slack: 0, small: small)
        let folder = try EdgeFixture.temporaryFolder()
        defer { EdgeFixture.removeTemporaryFolder(folder) }
        let path = folder + "/file.gz"
        // Two members, then an empty one: intact.
        try EdgeFixture.write(whole + whole + (try EdgeFixture.gzip([])), to: path)
        try Self.compare(path, "\(relative) twice", slack: 0, small: small)
        // Cut: everything ISA-L gives is what zlib gives, up to one deflate symbol (≤ 258 bytes) less.
        let cuts = Set(stride(from: 1, to: whole.count, by: max(1, whole.count / 12)) + [2, 3, 10, 11, whole.count - 8, whole.count - 4, whole.count - 1])
        for cut in cuts.sorted() where cut > 0 && cut < whole.count {
            try EdgeFixture.write(Array(whole[0..<cut]), to: path)
            try Self.compare(path, "\(relative) cut at \(cut)", slack: 258, small: small)
        }
        // Damaged: the same flag and the same bytes as far as both go.
        var g = SplitRandom(seed: UInt64(whole.count))
        for trial in 0..<8 {
            var damaged = whole
            let at = g.next(damaged.count)
            for k in 0..<(1 + trial % 4) where at + k < damaged.count { damaged[at + k] ^= UInt8(1 + g.next(255)) }
            if trial % 3 == 2 { damaged += Array("trailing".utf8) }
            try EdgeFixture.write(damaged, to: path)
            try Self.compare(path, "\(relative) damaged at \(at)", slack: 1 << 16, small: small)
        }
    }
}
