import Chemistry
import Foundation
import TestSupport
import Testing

@testable import Files
@testable import VASP

/// The data-block scan split in two halves on two threads (`ChunkedBytes.scanSplit`) against the serial
/// scan: the same values bit for bit, the same warnings, the same errors, on the corpus's volumetric
/// files, on every kind of cut of them and on damaged data lines. The halves are forced even on these
/// small files (`minimumHalf` 1) and the read window is made small, so that most windows are split at
/// places the large files would put a split.
@Suite struct ChunkedBytesSplitScanTests {
    static let files = VolumetricCorpusTests.files

    /// Everything a read gives, with the values as bit patterns (NaN and −0 compared exactly).
    struct Outcome: Equatable, CustomStringConvertible {
        var values: [[UInt64]] = []
        var texts: [String] = []
        var error: String?

        init(_ body: () throws -> Volumetric) {
            do {
                let v = try body()
                values = v.blocks.map { $0.grid.values.map(\.bitPattern) }
                texts = v.blocks.flatMap { [$0.leadingText, $0.augmentation, "\($0.grid.dimensions)"] }
                texts += [v.trailingText, "\(v.layout)", "\(String(describing: v.blockCountInFile))", v.comment]
                texts += v.warnings.map(\.description)
            } catch {
                self.error = "\(error)"
            }
        }

        var description: String {
            error ?? "\(values.map(\.count)) values, \(texts.count) texts: \(texts.suffix(3))"
        }
    }

    /// The serial read (default window) and split reads (each window size) of `path`; records a difference.
    static func compare(
        _ path: String, _ what: String, maxBlocks: Int? = nil, windows: [Int] = [8192],
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        let serial = Outcome { try Volumetric.read(path: path, maxBlocks: maxBlocks, scan: .serial) }
        for window in windows {
            let split = Outcome { try Volumetric.read(path: path, maxBlocks: maxBlocks, scan: .parallel(minimumHalf: 1), window: window) }
            #expect(split == serial, "\(what), window \(window): \(split) vs \(serial)", sourceLocation: sourceLocation)
        }
    }

    /// The decompressed text of a corpus file, written plain into `folder`.
    static func plainCopy(_ relative: String, in folder: String) throws -> (path: String, bytes: [UInt8]) {
        let bytes = try ByteSource(path: Corpus.path(relative)).readAll()
        let name = (relative as NSString).lastPathComponent.replacingOccurrences(of: ".gz", with: "")
        let path = folder + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return (path, bytes)
    }

    @Test(arguments: files)
    func corpusFilesGiveTheSameValues(_ relative: String) throws {
        guard Corpus.available else { return }
        let folder = try volumetricTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (path, _) = try Self.plainCopy(relative, in: folder)
        Self.compare(path, relative, windows: [4096, 50_000, 1 << 21])
        Self.compare(path, relative + " (1 block)", maxBlocks: 1)
        // The gzip file itself, split on the consumer's thread.
        Self.compare(Corpus.path(relative), relative + " (gzip)")
    }

    /// Cut at 30 offsets spread over the first 400 kB (header and data) and at both sides of 12 line ends
    /// in the data.
    @Test(arguments: files)
    func cutFilesGiveTheSameOutcome(_ relative: String) throws {
        guard Corpus.available else { return }
        let folder = try volumetricTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (_, bytes) = try Self.plainCopy(relative, in: folder)
        let span = min(bytes.count, 400_000)
        var cuts = Set(stride(from: 1, to: span, by: max(1, span / 30)))
        // Around the line ends of a stretch in the data.
        let middle = span / 3
        var newlines = 0
        for i in middle..<bytes.count where bytes[i] == 0x0A {
            cuts.formUnion([i - 1, i, i + 1])
            newlines += 1
            if newlines == 12 { break }
        }
        let path = folder + "/cut"
        for cut in cuts.sorted() where cut < bytes.count {
            try Data(bytes[0..<cut]).write(to: URL(fileURLWithPath: path))
            Self.compare(path, "\(relative) cut at \(cut)")
        }
    }

    /// Damaged data lines: a field replaced by `****`, a word, a glued pair or nothing; an extra field;
    /// a lost line end; CRLF line ends; a short line — each at random places of the first block.
    @Test(arguments: files)
    func damagedDataLinesGiveTheSameOutcome(_ relative: String) throws {
        guard Corpus.available else { return }
        let folder = try volumetricTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (_, bytes) = try Self.plainCopy(relative, in: folder)
        // The small files whole (the large ones are read whole above and cut below).
        guard bytes.count <= 1_000_000 else { return }
        var g = SplitRandom(seed: UInt64(bytes.count))
        let path = folder + "/damaged"
        // Line starts of the file (the damage goes into lines that hold a fixed-width field).
        var lineStarts = [0]
        for (i, b) in bytes.enumerated() where b == 0x0A && i + 1 < bytes.count { lineStarts.append(i + 1) }
        let dataLines = lineStarts.filter { start in
            let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
            return end - start >= 18 && bytes[start] == 0x20 && bytes[start + 2] == 0x2E
        }
        guard !dataLines.isEmpty else { return }
        for trial in 0..<18 {
            var damaged = bytes
            for _ in 0..<(1 + trial % 3) {
                let start = dataLines[g.next(dataLines.count)]
                let field = start + 18 * g.next(2)
                let replacement: [UInt8]
                switch (trial + Int(g.next(7))) % 7 {
                case 0: replacement = Array(" ****************".utf8)
                case 1: replacement = Array(" garbage-field-xx".utf8)
                case 2: replacement = Array(" 0.1234E+01-.5E+0".utf8)
                case 3: replacement = []
                case 4: replacement = Array(" 0.10000000000E+01 0.20000000000E+01".utf8)
                case 5: replacement = Array(" 0.10000000000E+01 ".utf8) + [0x0D]
                default: replacement = Array(" 0.1E+01".utf8)
                }
                guard field + 18 <= damaged.count else { continue }
                damaged.replaceSubrange(field..<(field + 18), with: replacement)
            }
            if trial % 5 == 4 {
                // CRLF line ends from a random line on.
                let from = dataLines[g.next(dataLines.count)]
                var crlf = Array(damaged[0..<from])
                for b in damaged[from...] {
                    if b == 0x0A { crlf.append(0x0D) }
                    crlf.append(b)
                }
                damaged = crlf
            }
            if trial % 6 == 5, let lost = damaged[(dataLines[g.next(dataLines.count)])...].firstIndex(of: 0x0A) {
                damaged.remove(at: lost)
            }
            try Data(damaged).write(to: URL(fileURLWithPath: path))
            Self.compare(path, "\(relative) damage \(trial)")
        }
    }

    /// A generated block large enough for real windows: the split and the serial scan agree, and the
    /// split actually ran (the read gives the generator's values).
    @Test func generatedBlockWithOddLinesAgrees() throws {
        let folder = try volumetricTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let dims = (24, 30, 37)
        let count = dims.0 * dims.1 * dims.2
        var text = smallChgcar.components(separatedBy: "\n").prefix(10).joined(separator: "\n") + "\n"
        text += "   \(dims.0)   \(dims.1)   \(dims.2)\n"
        var g = SplitRandom(seed: 7)
        var expected: [Double] = []
        var line = ""
        for k in 0..<count {
            let mantissa = 10_000_000_000 + Int(g.next(89_999_999_999))
            let exponent = Int(g.next(9)) - 4
            let negative = g.next(5) == 0
            let field = " " + (negative ? "-." : "0.") + String(mantissa) + "E" + (exponent < 0 ? "-" : "+") + String(format: "%02d", abs(exponent))
            line += field
            expected.append(Double(field.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "-.", with: "-0."))!)
            if k % 5 == 4 || k == count - 1 {
                text += line + "\n"
                line = ""
            }
        }
        let path = folder + "/CHGCAR"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        var reader = VolumetricReader(source: try ByteSource(path: path), file: path, window: 8192)
        reader.bytes.scanMode = .parallel(minimumHalf: 1)
        let split = try reader.read(kind: .chgcar, species: nil, maxBlocks: nil)
        #expect(split.total.values.map(\.bitPattern) == expected.map(\.bitPattern))
        // The predictions held: the halves were joined, not scanned again.
        #expect(reader.bytes.splits.confirmed > 10)
        #expect(reader.bytes.splits.rescanned == 0)
        Self.compare(path, "generated")
    }
}

/// A small deterministic generator (SplitMix64).
struct SplitRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Int(z % UInt64(max(bound, 1)))
    }
}
