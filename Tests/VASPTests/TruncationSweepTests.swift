import Foundation
import TestSupport
import Testing
import VASP

@testable import Files

// Truncation sweeps (issue 7, section 3): every real file of the corpus cut at 50 evenly spaced
// offsets and read again. Never a crash; a cut file is never reported complete; what is returned is
// a prefix of what the whole file gives; a short CHGCAR data block is an error naming the expected and
// found counts; a partial last XDATCAR frame is dropped with a warning.
//
// By default files above `Sweep.defaultSizeLimit` decompressed bytes are left out (50 cuts of a 40 MB
// vasprun.xml re-read about a gigabyte); `CASCADE_FULL_SWEEP=1` sweeps every file.

/// Shared pieces of the sweeps.
enum Sweep {
    /// Cuts per file.
    static let cutCount = 50

    /// Files larger than this (decompressed bytes) are swept only with `CASCADE_FULL_SWEEP=1`.
    static let defaultSizeLimit = 2_000_000

    /// `true` when every file is swept whatever its size.
    static var isFull: Bool { ProcessInfo.processInfo.environment["CASCADE_FULL_SWEEP"] == "1" }

    /// Whether a file of `size` bytes is swept in this run.
    static func includes(size: Int) -> Bool { isFull || size <= defaultSizeLimit }

    /// 50 evenly spaced offsets strictly inside the file: k·size/51 for k = 1…50 (distinct, ascending).
    static func offsets(_ size: Int) -> [Int] {
        Array(Set((1...cutCount).map { $0 * size / (cutCount + 1) }).filter { $0 > 0 && $0 < size }).sorted()
    }

    /// Corpus files (relative paths, sorted) under `folders` whose path satisfies `match`; empty without
    /// the corpus.
    static func corpusFiles(under folders: [String], _ match: (String) -> Bool) -> [String] {
        guard Corpus.available else { return [] }
        var found: [String] = []
        for folder in folders {
            let root = Corpus.path(folder)
            guard let walker = FileManager.default.enumerator(atPath: root) else { continue }
            while let item = walker.nextObject() as? String {
                let relative = folder + "/" + item
                var isFolder: ObjCBool = false
                guard FileManager.default.fileExists(atPath: Corpus.path(relative), isDirectory: &isFolder), !isFolder.boolValue else { continue }
                if match(relative) { found.append(relative) }
            }
        }
        return found.sorted()
    }

    /// The decompressed bytes of a corpus file.
    static func bytes(_ relative: String) throws -> [UInt8] {
        try ByteSource(path: Corpus.path(relative)).readAll()
    }

    /// A fresh temporary folder.
    static func temporaryFolder() throws -> String {
        let path = NSTemporaryDirectory() + "cascade-sweep-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func write(_ bytes: ArraySlice<UInt8>, to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// Equal numbers, NaN equal to NaN (a `****` field read twice).
    static func same(_ a: Double?, _ b: Double?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case (let x?, let y?): return x == y || (x.isNaN && y.isNaN)
        default: return false
        }
    }

    static func same(_ a: [SIMD3<Double>], _ b: [SIMD3<Double>]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { same($0.x, $1.x) && same($0.y, $1.y) && same($0.z, $1.z) }
    }
}

// MARK: - vasprun.xml

@Suite struct VasprunTruncationSweep {
    /// Every real vasprun.xml of the corpus (single runs and the adsorption set).
    static let files = Sweep.corpusFiles(under: ["vasprun", "adsorption"]) {
        ($0 as NSString).lastPathComponent.contains("vasprun")
    }

    @Test func corpusIsThere() {
        Corpus.checkPresentOnCI()
        if Corpus.available { #expect(Self.files.count >= 54) }
    }

    /// Cut at 50 offsets: the reader returns (never throws: `<modeling>` is in the first bytes),
    /// `complete == false`, an `incomplete file` warning, ionic steps non-decreasing with the cut, and
    /// every step returned has the energies of the same step of the whole file.
    @Test(arguments: files)
    func fiftyCuts(_ relative: String) throws {
        let data = try Sweep.bytes(relative)
        guard Sweep.includes(size: data.count) else { return }
        let folder = try Sweep.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let wholePath = folder + "/vasprun.xml"
        try Sweep.write(data[...], to: wholePath)
        let whole = try Vasprun.read(path: wholePath)
        var previous = 0
        for cut in Sweep.offsets(data.count) {
            let path = folder + "/cut-\(cut).xml"
            try Sweep.write(data[0..<cut], to: path)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let run: Vasprun
            do {
                run = try Vasprun.read(path: path)
            } catch {
                Issue.record("\(relative) cut at \(cut): \(error)")
                continue
            }
            #expect(run.complete == false, "\(relative) cut at \(cut)")
            #expect(run.warnings.contains { $0.message.hasPrefix("incomplete file") }, "\(relative) cut at \(cut)")
            #expect(run.ionicSteps.count >= previous, "\(relative): ionic steps decreased at cut \(cut)")
            #expect(run.ionicSteps.count <= whole.ionicSteps.count, "\(relative) cut at \(cut)")
            for (k, (step, reference)) in zip(run.ionicSteps, whole.ionicSteps).enumerated() {
                let same =
                    Sweep.same(step.energies?.energySigma0, reference.energies?.energySigma0)
                    && Sweep.same(step.energies?.freeEnergy, reference.energies?.freeEnergy)
                #expect(same, "\(relative) cut at \(cut): step \(k + 1) differs from the whole file's")
            }
            previous = run.ionicSteps.count
        }
    }
}

// MARK: - OUTCAR

@Suite struct OutcarTruncationSweep {
    static let files = Sweep.corpusFiles(under: ["outcar", "neb", "adsorption"]) {
        ($0 as NSString).lastPathComponent.hasPrefix("OUTCAR")
    }

    @Test func corpusIsThere() {
        Corpus.checkPresentOnCI()
        if Corpus.available { #expect(Self.files.count >= 17) }
    }

    /// Cut at 50 offsets: read, complete only when cut after the first line of the timing section,
    /// steps non-decreasing, every step returned equal (energies, positions, forces) to the same step of
    /// the whole file.
    @Test(arguments: files)
    func fiftyCuts(_ relative: String) throws {
        let data = try Sweep.bytes(relative)
        guard Sweep.includes(size: data.count) else { return }
        let folder = try Sweep.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let wholePath = folder + "/OUTCAR"
        try Sweep.write(data[...], to: wholePath)
        let whole = try Outcar.read(path: wholePath)
        // VASP writes the timing section last: a cut after its first line leaves a complete file.
        let timing = Array("General timing and accounting".utf8)
        let timingLineEnd = (0..<max(0, data.count - timing.count)).first { data[$0..<($0 + timing.count)].elementsEqual(timing) }
            .flatMap { start in data[start...].firstIndex(of: 0x0A) }
        var previous = 0
        for cut in Sweep.offsets(data.count) {
            let path = folder + "/OUTCAR-\(cut)"
            try Sweep.write(data[0..<cut], to: path)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let outcar: Outcar
            do {
                outcar = try Outcar.read(path: path)
            } catch {
                Issue.record("\(relative) cut at \(cut): \(error)")
                continue
            }
            let complete = timingLineEnd.map { cut > $0 } ?? false
            #expect(outcar.complete == complete, "\(relative) cut at \(cut)")
            #expect(outcar.warnings.contains { $0.message.hasPrefix("incomplete file") } == !complete, "\(relative) cut at \(cut)")
            #expect(outcar.ionicSteps.count >= previous, "\(relative): ionic steps decreased at cut \(cut)")
            #expect(outcar.ionicSteps.count <= whole.ionicSteps.count, "\(relative) cut at \(cut)")
            for (k, (step, reference)) in zip(outcar.ionicSteps, whole.ionicSteps).enumerated() {
                let same =
                    Sweep.same(step.energySigma0, reference.energySigma0) && Sweep.same(step.freeEnergy, reference.freeEnergy)
                    && Sweep.same(step.positions, reference.positions) && Sweep.same(step.forces, reference.forces)
                #expect(same, "\(relative) cut at \(cut): step \(k + 1) differs from the whole file's")
            }
            previous = outcar.ionicSteps.count
        }
    }

    /// A cut inside the number of the last `energy(sigma->0)` line must not keep a shortened number.
    @Test func cutInsideTheLastEnergyNumber() throws {
        let text = """
                 vasp.6.3.0 18Jan22 (build Feb 08 2022 15:05:01) complex
                 POSCAR = H2
              free  energy   TOTEN  =       -6.77059860 eV

              energy  without entropy=       -6.77059860  energy(sigma->0) =       -6.77059860

              free  energy   TOTEN  =       -6.80000000 eV

              energy  without entropy=       -6.80000000  energy(sigma->0) =       -6.81234567

            """
        let folder = try Sweep.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let whole = Array(text.utf8)
        let marker = Array("-6.81234567".utf8)
        let start = try #require((0...(whole.count - marker.count)).first { Array(whole[$0..<($0 + marker.count)]) == marker })
        for cut in (start + 1)..<(start + marker.count) {
            let path = folder + "/OUTCAR-\(cut)"
            try Sweep.write(whole[0..<cut], to: path)
            let outcar = try Outcar.read(path: path)
            #expect(outcar.ionicSteps.count == 1, "cut at \(cut): '\(String(decoding: whole[start..<cut], as: UTF8.self))'")
            #expect(outcar.finalEnergy == -6.77059860, "cut at \(cut)")
            #expect(outcar.warnings.contains { $0.message.hasPrefix("the file ends inside this line") && $0.location.line == 9 }, "cut at \(cut)")
        }
    }
}

// MARK: - CHGCAR family

@Suite struct VolumetricTruncationSweep {
    static let files = Sweep.corpusFiles(under: ["volumetric"]) { _ in true }

    @Test func corpusIsThere() {
        Corpus.checkPresentOnCI()
        if Corpus.available { #expect(Self.files.count >= 8) }
    }

    /// The pieces of a short-block message, or `nil` when the message is another one.
    static func shortBlock(_ message: String) -> (block: Int, startLine: Int, expected: Int, found: Int, before: String)? {
        // data block B (grid X×Y×Z, from line L) is short: expected E values, found F before WHAT
        let pattern = #"^data block (\d+) \(grid \d+×\d+×\d+, from line (\d+)\) is short: expected (\d+) values, found (\d+) before (.+)$"#
        guard let regex = try? NSRegularExpression(pattern: pattern),
            let match = regex.firstMatch(in: message, range: NSRange(message.startIndex..., in: message))
        else { return nil }
        func group(_ k: Int) -> String { String(message[Range(match.range(at: k), in: message)!]) }
        guard let b = Int(group(1)), let l = Int(group(2)), let e = Int(group(3)), let f = Int(group(4)) else { return nil }
        return (b, l, e, f, group(5))
    }

    /// The pieces of the size check made before a block is read, or `nil`.
    static func tooLarge(_ message: String) -> (expected: Int, remaining: Int)? {
        // the grid X×Y×Z declares E values, which need at least B bytes, but at most R bytes remain in the file
        let pattern = #"^the grid \d+×\d+×\d+ declares (\d+) values, which need at least \d+ bytes, but at most (\d+) bytes remain in the file$"#
        guard let regex = try? NSRegularExpression(pattern: pattern),
            let match = regex.firstMatch(in: message, range: NSRange(message.startIndex..., in: message))
        else { return nil }
        func group(_ k: Int) -> String { String(message[Range(match.range(at: k), in: message)!]) }
        guard let e = Int(group(1)), let r = Int(group(2)) else { return nil }
        return (e, r)
    }

    /// The byte offset just after 1-based line `line`.
    static func offset(afterLine line: Int, in bytes: ArraySlice<UInt8>) -> Int {
        var count = 0
        for index in bytes.indices where bytes[index] == 0x0A {
            count += 1
            if count == line { return index + 1 }
        }
        return bytes.endIndex
    }

    /// Whitespace-separated words of `bytes` from the start of 1-based line `line` to the end.
    static func words(_ bytes: ArraySlice<UInt8>, fromLine line: Int) -> [Substring] {
        var index = bytes.startIndex
        var current = 1
        while current < line, index < bytes.endIndex {
            if bytes[index] == 0x0A { current += 1 }
            index += 1
        }
        return String(decoding: bytes[index...], as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\r" })
    }

    /// Cut at 50 offsets. A cut inside a data block is an error naming the block, its grid, the
    /// expected count (NGX·NGY·NGZ) and the values found (counted here independently from the cut
    /// bytes); when fewer bytes remain than the grid needs, the error is raised before reading and
    /// names the expected count and the bytes that remain. A cut elsewhere is another error naming the end of the file, or (between blocks) the
    /// complete blocks, each equal to the whole file's.
    @Test(arguments: files)
    func fiftyCuts(_ relative: String) throws {
        let data = try Sweep.bytes(relative)
        guard Sweep.includes(size: data.count) else { return }
        let folder = try Sweep.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let name = ((relative as NSString).lastPathComponent as NSString).deletingPathExtension
        let wholePath = folder + "/" + name
        try Sweep.write(data[...], to: wholePath)
        let whole = try Volumetric.read(path: wholePath)
        let gridCount = whole.total.count
        var shortBlocks = 0
        for cut in Sweep.offsets(data.count) {
            let path = folder + "/\(name)-\(cut)"
            try Sweep.write(data[0..<cut], to: path)
            defer { try? FileManager.default.removeItem(atPath: path) }
            do {
                let cutFile = try Volumetric.read(path: path)
                #expect(cutFile.blocks.count < whole.blocks.count, "\(relative) cut at \(cut) read every block")
                for (k, block) in cutFile.blocks.enumerated() {
                    #expect(block.grid.values.elementsEqual(whole.blocks[k].grid.values) { Sweep.same($0, $1) }, "\(relative) cut at \(cut): block \(k + 1)")
                }
            } catch VASPError.malformed(let location, let message) {
                #expect(location.file == path)
                #expect(location.line != nil, "\(relative) cut at \(cut): \(message)")
                if let short = Self.shortBlock(message) {
                    shortBlocks += 1
                    #expect(short.expected == gridCount, "\(relative) cut at \(cut): \(message)")
                    #expect(short.found < short.expected, "\(relative) cut at \(cut): \(message)")
                    // The values before the cut, counted from the bytes: the last word may be a cut number
                    // that still reads as one (`0.123`) or not (`0.12E`).
                    let words = Self.words(data[0..<cut], fromLine: short.startLine)
                    #expect(short.found == words.count || short.found == words.count - 1, "\(relative) cut at \(cut): \(message), \(words.count) words")
                    if short.found == words.count {
                        #expect(short.before == "the end of the file", "\(relative) cut at \(cut): \(message)")
                    } else {
                        #expect(short.before == "'\(words.last ?? "")'", "\(relative) cut at \(cut): \(message)")
                    }
                } else if let large = Self.tooLarge(message) {
                    // Fewer bytes than the grid needs remain after the grid line: refused before reading
                    // (the message names the expected count and the bytes there are, not the values).
                    shortBlocks += 1
                    #expect(large.expected == gridCount, "\(relative) cut at \(cut): \(message)")
                    let line = try #require(location.line)
                    #expect(large.remaining == cut - Self.offset(afterLine: line, in: data[0..<cut]), "\(relative) cut at \(cut): \(message)")
                } else {
                    #expect(message.contains("the end of the file") || message.contains("found '"), "\(relative) cut at \(cut): \(message)")
                }
            } catch {
                Issue.record("\(relative) cut at \(cut): not a VASPError.malformed: \(error)")
            }
        }
        // The data blocks are most of every file: most cuts land in one.
        #expect(shortBlocks >= 20, "\(relative): \(shortBlocks) of 50 cuts were short-block errors")
    }
}

// MARK: - XDATCAR

@Suite struct XdatcarTruncationSweep {
    static let files = Sweep.corpusFiles(under: ["xdatcar"]) { _ in true }

    @Test func corpusIsThere() {
        Corpus.checkPresentOnCI()
        if Corpus.available { #expect(Self.files.count >= 8) }
    }

    /// Byte ranges of each frame's position lines: from just after the line that starts it (a
    /// `configuration=` line, or a blank line in the VASP 4 layout) to just after its last position line.
    static func frameRanges(_ data: [UInt8], atoms: Int) -> [Range<Int>] {
        var lineStarts = [0]
        for (i, b) in data.enumerated() where b == 0x0A && i + 1 < data.count { lineStarts.append(i + 1) }
        func line(_ k: Int) -> String {
            let end = k + 1 < lineStarts.count ? lineStarts[k + 1] - 1 : data.count
            return String(decoding: data[lineStarts[k]..<max(lineStarts[k], end)], as: UTF8.self)
        }
        func isBlank(_ text: String) -> Bool { text.allSatisfy { $0 == " " || $0 == "\t" || $0 == "\r" } }
        var ranges: [Range<Int>] = []
        for k in lineStarts.indices where k + atoms < lineStarts.count {
            let text = line(k)
            guard text.contains("configuration=") || (k >= 6 && isBlank(text)) else { continue }
            guard ((k + 1)...(k + atoms)).allSatisfy({ !isBlank(line($0)) }) else { continue }
            let end = k + atoms + 1 < lineStarts.count ? lineStarts[k + atoms + 1] : data.count
            ranges.append(lineStarts[k + 1]..<end)
        }
        return ranges
    }

    /// Cut at 50 offsets (and inside the first position line of the last frame): the frames that end
    /// before the cut are returned unchanged, a frame cut inside its positions is dropped with a
    /// warning, nothing else is reported.
    @Test(arguments: files)
    func fiftyCuts(_ relative: String) throws {
        let data = try Sweep.bytes(relative)
        let folder = try Sweep.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let wholePath = folder + "/XDATCAR"
        try Sweep.write(data[...], to: wholePath)
        let whole = try Xdatcar.read(path: wholePath)
        let atoms = whole.trajectory.atomCount
        let frames = Self.frameRanges(data, atoms: atoms)
        #expect(frames.count == whole.trajectory.frameCount, "\(relative): frame lines found by the test")
        let headerEnd = frames.first?.lowerBound ?? data.count
        var cuts = Sweep.offsets(data.count)
        if let last = frames.last { cuts.append(last.lowerBound + 5) }
        for cut in cuts where cut >= headerEnd {
            let path = folder + "/XDATCAR-\(cut)"
            try Sweep.write(data[0..<cut], to: path)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let read: Xdatcar
            do {
                read = try Xdatcar.read(path: path)
            } catch {
                Issue.record("\(relative) cut at \(cut): \(error)")
                continue
            }
            let complete = frames.filter { $0.upperBound <= cut }.count
            let insideFrame = frames.contains { $0.lowerBound < cut && cut < $0.upperBound }
            let t = read.trajectory
            #expect(t.frameCount == complete, "\(relative) cut at \(cut)")
            let n = 3 * atoms * min(t.frameCount, whole.trajectory.frameCount)
            #expect(t.fractionalPositions.prefix(n).elementsEqual(whole.trajectory.fractionalPositions.prefix(n)), "\(relative) cut at \(cut)")
            let dropped = read.warnings.filter { $0.message.hasPrefix("the last frame (") }
            #expect(dropped.count == (insideFrame ? 1 : 0), "\(relative) cut at \(cut): \(read.warnings)")
            if insideFrame, let warning = dropped.first {
                #expect(warning.message.contains("the partial frame was dropped"), "\(relative) cut at \(cut): \(warning)")
                #expect(warning.message.hasPrefix("the last frame (\(complete + 1)) has "), "\(relative) cut at \(cut): \(warning)")
            }
            // A cut inside a repeated header (VASP 6, variable cell) drops that frame with its own warning.
            let others = read.warnings.filter { !$0.message.hasPrefix("the last frame (") && !$0.message.hasPrefix("no species line") }
            let expectedKinds = ["the file ends inside", "the header at the end of the file", "no complete frame was found"]
            #expect(others.allSatisfy { w in expectedKinds.contains { w.message.hasPrefix($0) } }, "\(relative) cut at \(cut): \(others)")
        }
    }
}

// MARK: - Cuts at block boundaries of a spin-polarised CHGCAR

@Suite struct VolumetricBlockBoundaryCuts {
    /// A spin-polarised CHGCAR (2 blocks, augmentation after each), written by hand.
    static let spinChgcar = """
        Si O
           1.00000000000000
             4.000000    0.000000    0.000000
             0.000000    4.000000    0.000000
             0.000000    0.000000    6.000000
           Si   O
             1     1
        Direct
          0.000000  0.000000  0.000000
          0.500000  0.500000  0.500000

            1    1    2
         0.10000000000E+01 0.20000000000E+01
        augmentation occupancies   1   2
          0.1000000E+00 -0.2000000E-01
        augmentation occupancies   2   1
          0.3000000E+00
          0.00000000E+00  0.10000000E+01
            1    1    2
         0.50000000000E+00 -.50000000000E+00
        augmentation occupancies   1   2
          0.1000000E+00 -0.2000000E-01
        augmentation occupancies   2   1
          0.3000000E+00

        """

    /// Cut at every line end: a cut before the second grid line keeps only the first block. A cut
    /// before the per-atom moments line leaves a valid non-spin CHGCAR (nothing tells them apart); a cut
    /// after it leaves numbers that announce a magnetisation block: the reader warns that numbers follow
    /// the last block.
    @Test func cutBetweenTheBlocks() throws {
        let data = Array(Self.spinChgcar.utf8)
        let folder = try Sweep.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let lineEnds = data.indices.filter { data[$0] == 0x0A }.map { $0 + 1 }
        let secondGrid = try #require(lineEnds.firstIndex { String(decoding: data[..<$0], as: UTF8.self).hasSuffix("    1    1    2\n") && $0 > 300 })
        var oneBlock = 0
        var warned = 0
        for cut in lineEnds[..<secondGrid] {
            let path = folder + "/CHGCAR-\(cut)"
            try Sweep.write(data[0..<cut], to: path)
            guard let read = try? Volumetric.read(path: path) else { continue }
            oneBlock += 1
            #expect(read.blocks.count == 1, "cut at \(cut)")
            if read.trailingText.isEmpty {
                #expect(read.warnings.isEmpty, "cut at \(cut): \(read.warnings)")
                continue
            }
            warned += 1
            let warning = read.warnings.map(\.description).joined(separator: "\n")
            #expect(warning.contains("2 number(s) follow the last block"), "cut at \(cut): \(warning)")
            #expect(warning.contains("per-atom moments"), "cut at \(cut): \(warning)")
            // The moments line of the fixture is line 18.
            #expect(read.warnings.contains { $0.location.line == 18 }, "cut at \(cut): \(warning)")
        }
        // After the first data line, its augmentation sections and the moments line.
        #expect(oneBlock == 4)
        // Only the cut after the moments line leaves numbers behind.
        #expect(warned == 1)
    }
}
