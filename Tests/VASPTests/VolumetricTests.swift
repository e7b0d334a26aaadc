import Chemistry
import Foundation
import TestSupport
import Testing

@testable import Files
@testable import VASP

/// A fresh temporary folder for one test (removed by the system's tmp cleaning; tests never write
/// elsewhere).
func volumetricTemporaryFolder() throws -> String {
    let path = NSTemporaryDirectory() + "cascade-volumetric-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Writes `text` to a new file in a temporary folder and returns its path.
func volumetricFixture(_ text: String, name: String = "CHGCAR") throws -> String {
    let path = try volumetricTemporaryFolder() + "/" + name
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return path
}

/// A small CHGCAR written by hand in VASP 5's layout: 2×2×3 grid, one Si atom (lines 1–16; line 10 is
/// the blank line, 11 the grid line, 12–14 the data, 15–16 the augmentation section).
let smallChgcar = [
    "Si test" + String(repeating: " ", count: 33),
    "   1.00000000000000     ",
    "     4.000000    0.000000    0.000000",
    "     0.000000    4.000000    0.000000",
    "     0.000000    0.000000    6.000000",
    "   Si",
    "     1",
    "Direct",
    "  0.000000  0.000000  0.000000",
    " ",
    "    2    2    3",
    " 0.10000000000E+01 0.20000000000E+01 0.30000000000E+01 0.40000000000E+01 0.50000000000E+01",
    " 0.60000000000E+01 0.70000000000E+01 0.80000000000E+01 0.90000000000E+01 0.10000000000E+02",
    " 0.11000000000E+02 -.12000000000E+02  ",
    "augmentation occupancies   1   3",
    "  0.1000000E+00 -0.2000000E-01  0.3000000E-02"
].joined(separator: "\n")

@Suite struct VolumetricCorpusTests {
    static let files: [String] = [
        "volumetric/atomate_Si_static/AECCAR0.gz", "volumetric/atomate_Si_static/AECCAR2.gz",
        "volumetric/atomate_Si_static/CHGCAR.gz", "volumetric/pymatgen/CHGCAR.nospin.gz",
        "volumetric/pymatgen/CHGCAR.spin.gz", "volumetric/pymatgen/ELFCAR.gz", "volumetric/pymatgen/LOCPOT.gz",
        "volumetric/pymatgen/LOCPOT.vasp642.gz"
    ]

    @Test func corpusPresentOnCI() {
        Corpus.checkPresentOnCI()
    }

    /// Grid, lattice, species, block sums and the values at the reference grid points, as pymatgen read them.
    @Test(arguments: files)
    func agreesWithPymatgen(_ relative: String) throws {
        guard Corpus.available else { return }
        let ref = try Corpus.reference(relative + ".json")
        let v = try Volumetric.read(path: Corpus.path(relative))
        #expect(v.warnings.isEmpty)
        let grid = try #require(ref["grid"] as? [Int])
        #expect([v.dimensions.x, v.dimensions.y, v.dimensions.z] == grid)
        #expect(v.total.count == ref["ngrid"] as? Int)
        #expect(v.structure.lattice.rows == ref["lattice"] as? [[Double]])
        #expect(v.structure.species == ref["species"] as? [String])
        let volume = try #require(ref["volume_A3"] as? Double)
        #expect(abs(v.structure.lattice.volume - volume) <= 1e-9 * volume)
        let keys = try #require(ref["data_keys"] as? [String])
        #expect(v.blocks.count == keys.count)
        let totalSum = try #require(ref["total_sum"] as? Double)
        #expect(abs(v.total.sum - totalSum) <= 1e-9 * abs(totalSum))
        let perGrid = try #require(ref["total_sum_over_ngrid"] as? Double)
        #expect(abs(v.total.mean - perGrid) <= 1e-9 * abs(perGrid))
        if let diffSum = ref["diff_sum"] as? Double {
            // The Si magnetisation sums to ~2e-7: relative to the block's scale, not to its near-zero sum.
            #expect(abs(v.blocks[1].grid.sum - diffSum) <= 1e-9 * max(abs(diffSum), 1))
        }
        for point in try #require(ref["values_at_grid_points"] as? [[String: Any]]) {
            let ijk = try #require(point["ijk"] as? [Int])
            #expect(v.total[ijk[0], ijk[1], ijk[2]] == point["total"] as? Double, "total at \(ijk)")
            if let second = point["diff"] as? Double {
                #expect(v.blocks[1].grid[ijk[0], ijk[1], ijk[2]] == second, "second block at \(ijk)")
            }
        }
    }

    @Test func spinPolarisedChgcarHasMagnetisationAndMoments() throws {
        guard Corpus.available else { return }
        let v = try Volumetric.read(path: Corpus.path("volumetric/pymatgen/CHGCAR.spin.gz"))
        #expect(v.kind == .chgcar)
        #expect(v.roles == [.total, .magnetization])
        #expect(v.isSpinPolarized)
        #expect(v.blocks[1].leadingText == "  0.600000000000E+00\n")
        #expect(v.blocks[0].augmentation.hasPrefix("augmentation occupancies   1  15\n"))
        #expect(v.blocks[1].augmentation.split(separator: "\n").count == 4)
        let spins = try #require(v.spinDensities)
        // ρ↑ + ρ↓ = total and ρ↑ − ρ↓ = magnetisation at a reference point (0, 0, 0).
        #expect(abs(spins.up[0, 0, 0] - 0.5 * (0.44143837606 - 0.0027330404989)) < 1e-15)
        #expect(abs(spins.down[0, 0, 0] - 0.5 * (0.44143837606 + 0.0027330404989)) < 1e-15)
    }

    @Test func elfcarAndLocpotRoles() throws {
        guard Corpus.available else { return }
        let elf = try Volumetric.read(path: Corpus.path("volumetric/pymatgen/ELFCAR.gz"))
        #expect(elf.kind == .elfcar)
        #expect(elf.roles == [.spinUp, .spinDown])
        #expect(elf.layout == .elfcar)
        #expect(elf.spinDensities == nil)
        let locpot = try Volumetric.read(path: Corpus.path("volumetric/pymatgen/LOCPOT.vasp642.gz"))
        #expect(locpot.kind == .locpot)
        #expect(locpot.structure.species == ["Mg", "Mg", "Si", "Si", "Si", "Si"])
    }

    @Test func maxBlocksReadsTheTotalOnly() throws {
        guard Corpus.available else { return }
        let v = try Volumetric.read(path: Corpus.path("volumetric/pymatgen/CHGCAR.spin.gz"), maxBlocks: 1)
        #expect(v.blocks.count == 1)
        #expect(v.trailingText.isEmpty)
        #expect(v.blocks[0].augmentation.hasPrefix("augmentation occupancies"))
    }

    /// The block count comes from the file, whatever was read of it: the spin CHGCAR has 2 blocks, the
    /// non-spin one 1, and reading only the total (with counting) still says so.
    @Test func blockCountFromTheFile() throws {
        guard Corpus.available else { return }
        let spin = Corpus.path("volumetric/pymatgen/CHGCAR.spin.gz")
        let counted = try Volumetric.read(path: spin, maxBlocks: 1, countBlocks: true)
        #expect(counted.blocks.count == 1 && counted.blockCountInFile == 2)
        #expect(counted.isSpinPolarized && !counted.isNoncollinear)
        #expect(counted.rolesInFile == [.total, .magnetization])
        #expect(counted.warnings.isEmpty && counted.trailingText.isEmpty)
        let uncounted = try Volumetric.read(path: spin, maxBlocks: 1)
        #expect(uncounted.blockCountInFile == nil && uncounted.roles == [.total])
        let nospin = try Volumetric.read(path: Corpus.path("volumetric/pymatgen/CHGCAR.nospin.gz"), maxBlocks: 1, countBlocks: true)
        #expect(nospin.blockCountInFile == 1 && !nospin.isSpinPolarized && !nospin.isNoncollinear)
    }

    /// The real spin CHGCAR cut right after the moment line that precedes its magnetisation block: one
    /// block is read and the reader warns that numbers follow it (the cut would otherwise pass for a
    /// complete non-spin file).
    @Test func spinChgcarCutAfterTheMomentsWarns() throws {
        guard Corpus.available else { return }
        let source = try ByteSource(path: Corpus.path("volumetric/pymatgen/CHGCAR.spin.gz")).readAll()
        let text = String(decoding: source, as: UTF8.self)
        let moments = try #require(text.range(of: "\n  0.600000000000E+00\n"))
        let cut = String(text[..<moments.upperBound])
        let path = try volumetricFixture(cut)
        let v = try Volumetric.read(path: path)
        #expect(v.blocks.count == 1 && v.roles == [.total])
        #expect(v.trailingText == "  0.600000000000E+00\n")
        let warning = try #require(v.warnings.first)
        #expect(
            warning.message.contains(
                "1 number(s) follow the last block (block 1) but no grid line does (the per-atom moments VASP writes before a magnetisation block)"),
            "\(warning)")
        #expect(warning.location.line == cut.split(separator: "\n", omittingEmptySubsequences: false).count - 1)
        // The complete file has no such warning.
        #expect(try Volumetric.read(path: Corpus.path("volumetric/pymatgen/CHGCAR.spin.gz")).warnings.isEmpty)
    }

    /// Every corpus file written and read again: the same values (the writer prints at least the digits
    /// read), the same augmentation and moment lines.
    @Test(arguments: files)
    func roundTrip(_ relative: String) throws {
        guard Corpus.available else { return }
        let v = try Volumetric.read(path: Corpus.path(relative))
        let out = try volumetricTemporaryFolder() + "/" + (relative.split(separator: "/").last.map(String.init) ?? "X")
        try v.write(to: out)
        let back = try Volumetric.read(path: out, kind: v.kind)
        #expect(back.structure == v.structure)
        #expect(back.comment == v.comment)
        #expect(back.layout == v.layout)
        #expect(back.blocks.count == v.blocks.count)
        for (a, b) in zip(v.blocks, back.blocks) {
            #expect(a.grid.values == b.grid.values)
            #expect(a.augmentation == b.augmentation)
            #expect(a.leadingText == b.leadingText)
        }
    }

    /// VASP 5 files come back byte for byte (ELFCAR's G-format fields and VASP 6.4's header do not).
    @Test(arguments: [
        "volumetric/atomate_Si_static/AECCAR0.gz", "volumetric/atomate_Si_static/CHGCAR.gz",
        "volumetric/pymatgen/CHGCAR.spin.gz", "volumetric/pymatgen/CHGCAR.nospin.gz", "volumetric/pymatgen/LOCPOT.gz"
    ])
    func byteIdenticalRoundTrip(_ relative: String) throws {
        guard Corpus.available else { return }
        let original = try ByteSource(path: Corpus.path(relative)).readAll()
        let v = try Volumetric.read(path: Corpus.path(relative))
        #expect(v.bytes() == original)
    }
}

@Suite struct VolumetricFormatTests {
    @Test func readsAHandWrittenFile() throws {
        let path = try volumetricFixture(smallChgcar)
        let v = try Volumetric.read(path: path)
        #expect(v.kind == .chgcar)
        #expect(v.comment == "Si test")
        #expect(v.dimensions == SIMD3(2, 2, 3))
        #expect(Array(v.total.values) == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, -12])
        // x fastest: (i, j, k) = (1, 0, 1) is the 6th value.
        #expect(v.total[1, 0, 1] == 6)
        #expect(v.blocks[0].augmentation == "augmentation occupancies   1   3\n  0.1000000E+00 -0.2000000E-01  0.3000000E-02\n")
        #expect(v.bytes() == Array((smallChgcar + "\n").utf8))
    }

    @Test func kindFromTheFileName() {
        #expect(Volumetric.Kind.guess(fromPath: "run/CHGCAR.gz") == .chgcar)
        #expect(Volumetric.Kind.guess(fromPath: "AECCAR2") == .aeccar2)
        #expect(Volumetric.Kind.guess(fromPath: "x/PARCHG.0012.ALLK") == .parchg)
        #expect(Volumetric.Kind.guess(fromPath: "CHG") == .chg)
        #expect(Volumetric.Kind.guess(fromPath: "elfcar.vasp") == .elfcar)
        #expect(Volumetric.Kind.guess(fromPath: "density.vasp") == .unknown)
        #expect(Volumetric.Kind.locpot.unit == "eV")
        #expect(!Volumetric.Kind.elfcar.isChargeLike)
    }

    @Test func vasp4HeaderWithoutSpeciesLine() throws {
        let text = smallChgcar.replacingOccurrences(of: "   Si\n", with: "")
        let path = try volumetricFixture(text)
        let v = try Volumetric.read(path: path)
        #expect(v.structure.species == ["Si"])  // from the comment line, with a warning
        #expect(v.warnings.contains { $0.message.contains("comment line") })
        #expect(v.total.count == 12)
    }

    @Test func headerWithoutBlankLine() throws {
        let text = smallChgcar.replacingOccurrences(of: "0.000000\n \n", with: "0.000000\n")
        let v = try Volumetric.read(path: try volumetricFixture(text))
        #expect(v.total.count == 12)
    }

    @Test func fortranOverflowFieldsBecomeNaNWithAWarning() throws {
        let text = smallChgcar.replacingOccurrences(of: "0.30000000000E+01", with: "*****************")
        let v = try Volumetric.read(path: try volumetricFixture(text))
        #expect(v.total.values[2].isNaN)
        #expect(v.warnings.map(\.message) == ["1 value(s) printed as '****' (Fortran overflow) were read as NaN"])
    }

    @Test func shortDataBlockNamesExpectedAndFound() throws {
        let text = smallChgcar.replacingOccurrences(of: " 0.11000000000E+02 -.12000000000E+02  \n", with: "")
        let path = try volumetricFixture(text)
        #expect(
            throws: VASPError.malformed(
                SourceLocation(file: path, line: 14),
                "data block 1 (grid 2×2×3, from line 12) is short: expected 12 values, found 10 before 'augmentation'")
        ) {
            try Volumetric.read(path: path)
        }
    }

    @Test func truncatedFileNamesTheEnd() throws {
        let lines = smallChgcar.split(separator: "\n", omittingEmptySubsequences: false)
        let path = try volumetricFixture(lines.prefix(12).joined(separator: "\n") + "\n")
        #expect(
            throws: VASPError.malformed(
                SourceLocation(file: path, line: 13),
                "data block 1 (grid 2×2×3, from line 12) is short: expected 12 values, found 5 before the end of the file")
        ) {
            try Volumetric.read(path: path)
        }
    }

    @Test func badGridLine() throws {
        let path = try volumetricFixture(smallChgcar.replacingOccurrences(of: "    2    2    3", with: "    2    2"))
        #expect(
            throws: VASPError.malformed(
                SourceLocation(file: path, line: 11),
                "expected the grid line 'NGX NGY NGZ' (three positive integers), found '2    2'")
        ) {
            try Volumetric.read(path: path)
        }
    }

    /// A 1 KB file declaring 100000³ points is refused before anything is allocated.
    @Test func absurdGridIsRejectedWithoutAllocating() throws {
        let text = smallChgcar.replacingOccurrences(of: "    2    2    3", with: "100000 100000 100000")
        let path = try volumetricFixture(text)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(size < 1024)
        do {
            _ = try Volumetric.read(path: path)
            Issue.record("expected an error")
        } catch let VASPError.malformed(location, message) {
            #expect(location.line == 11)
            #expect(
                message.hasPrefix("the grid 100000×100000×100000 declares 1000000000000000 values, which need at least 1999999999999999 bytes, but at most"))
            #expect(message.hasSuffix("bytes remain in the file"))
        }
        // Large enough to overflow the product.
        let huge = try volumetricFixture(smallChgcar.replacingOccurrences(of: "    2    2    3", with: "9000000000 9000000000 9000000000"))
        #expect(
            throws: VASPError.malformed(SourceLocation(file: huge, line: 11), "the grid 9000000000×9000000000×9000000000 has more points than can be counted")
        ) {
            try Volumetric.read(path: huge)
        }
    }

    @Test func aGzipFileCannotDeclareMoreThanDeflateCanHold() throws {
        guard Corpus.available else { return }
        // The corpus LOCPOT.vasp642.gz is 409 bytes; 100000³ values cannot fit in 409 × 1032 bytes.
        let original = try ByteSource.text(of: Corpus.path("volumetric/pymatgen/LOCPOT.vasp642.gz"))
        let text = original.replacingOccurrences(of: "   2 2 5", with: "   100000 100000 100000")
        let path = try volumetricFixture(text, name: "LOCPOT")
        let gz = path + ".gz"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "gzip -c '\(path)' > '\(gz)'"]
        try process.run()
        process.waitUntilExit()
        #expect(throws: VASPError.self) { try Volumetric.read(path: gz) }
    }

    @Test func laterBlockWithAnotherGrid() throws {
        let text = smallChgcar + "\n" + "    1    1    1\n 0.10000000000E+01\n"
        let path = try volumetricFixture(text)
        #expect(throws: VASPError.malformed(SourceLocation(file: path, line: 17), "expected the grid 2×2×3 of block 1 for block 2, found 1×1×1")) {
            try Volumetric.read(path: path)
        }
    }

    /// A grid line declaring fewer points than the data holds: the surplus is kept verbatim with warnings.
    @Test func moreValuesThanTheGridDeclares() throws {
        let path = try volumetricFixture(smallChgcar.replacingOccurrences(of: "    2    2    3", with: "    2    2    2"))
        let v = try Volumetric.read(path: path)
        #expect(v.total.count == 8)
        #expect(
            v.warnings.map(\.message) == [
                "unexpected line 'augmentation occupancies   1   3' after a data block; kept verbatim",
                "7 numbers between data blocks were kept verbatim (VASP writes at most 3 per atom there, 3 for 1 atoms); check the grid lines"
            ])
        #expect(v.warnings.last?.location.line == 13)
    }

    @Test func shortAugmentationSection() throws {
        let text = smallChgcar.replacingOccurrences(of: "   1   3\n", with: "   1   8\n")
        let path = try volumetricFixture(text)
        #expect(
            throws: VASPError.malformed(
                SourceLocation(file: path, line: 16),
                "augmentation occupancies of atom 1 (line 15): expected 8 values, found 3 before the end of the file")
        ) {
            try Volumetric.read(path: path)
        }
    }

    @Test func emptyFileAndMissingFile() throws {
        let empty = try volumetricFixture("")
        #expect(
            throws: VASPError.malformed(
                SourceLocation(file: empty, line: 1),
                "expected a volumetric file (POSCAR-style header, grid line, data), found an empty file")
        ) {
            try Volumetric.read(path: empty)
        }
        #expect(throws: FileError.self) { try Volumetric.read(path: "/nonexistent/CHGCAR") }
    }

    @Test func writerNeverOverwritesWithoutForce() throws {
        let v = try Volumetric.read(path: try volumetricFixture(smallChgcar))
        let out = try volumetricTemporaryFolder() + "/CHGCAR_out"
        try v.write(to: out)
        #expect(throws: FileError.cannotWrite(file: out, reason: "the file exists; pass force: true to replace it")) {
            try v.write(to: out)
        }
        try v.write(to: out, force: true)
        #expect(try Volumetric.read(path: out).total == v.total)
    }

    /// A noncollinear CHGCAR: total and m_x, m_y, m_z, each with its own augmentation, moments before
    /// the magnetisation blocks kept where they were.
    @Test func noncollinearBlocksRoundTrip() throws {
        let lattice = Lattice.cubic(3)
        let structure = Structure(lattice: lattice, species: ["Fe"], fractionalPositions: [.zero])
        let blocks = (0..<4).map { b in
            Volumetric.Block(
                grid: VolumetricGrid(dimensions: SIMD3(1, 2, 3), lattice: lattice, repeating: Double(b) - 0.5),
                leadingText: b == 0 ? "" : "  0.100000000000E+01  0.000000000000E+00  0.200000000000E+01\n",
                augmentation: "augmentation occupancies   1   2\n  0.1000000E+00 -0.\(b)000000E-01\n")
        }
        let v = Volumetric(kind: .chgcar, comment: "ncl", structure: structure, blocks: blocks)
        let path = try volumetricFixture(String(decoding: v.bytes(), as: UTF8.self))
        let back = try Volumetric.read(path: path)
        #expect(back.roles == [.total, .x, .y, .z])
        #expect(back.blocks == v.blocks)
        #expect(back.bytes() == v.bytes())
        #expect(back.grid(.z)?.mean == 2.5)
        let parchg = try Volumetric.read(path: try volumetricFixture(String(decoding: v.bytes(), as: UTF8.self), name: "PARCHG.0012.ALLK"))
        #expect(parchg.kind == .parchg)
        #expect(back.isNoncollinear && !back.isSpinPolarized)
        #expect(back.roles.map { $0.label(for: .chgcar) } == ["total", "m_x", "m_y", "m_z"])
        // Reading part of the file still knows it has four blocks: block 2 is m_x, not "magnetization".
        let two = try Volumetric.read(path: path, maxBlocks: 2)
        #expect(two.blocks.count == 2 && two.blockCountInFile == 4)
        #expect(two.roles == [.total, .x] && two.isNoncollinear)
        #expect(two.blocks[1].grid.mean == 0.5)
        let one = try Volumetric.read(path: path, maxBlocks: 1, countBlocks: true)
        #expect(one.blockCountInFile == 4 && one.isNoncollinear && one.rolesInFile == [.total, .x, .y, .z])
        #expect(one.warnings.isEmpty)
        // Collinear spin data read the same way stays "magnetization".
        let spin = Volumetric(kind: .chgcar, comment: "spin", structure: structure, blocks: Array(blocks.prefix(2)))
        let spinBack = try Volumetric.read(path: try volumetricFixture(String(decoding: spin.bytes(), as: UTF8.self)), maxBlocks: 2)
        #expect(spinBack.roles == [.total, .magnetization] && spinBack.blockCountInFile == 2)
    }

    @Test func gridLinesAreRecognisedWithoutParsingValues() {
        func isGrid(_ text: String) -> Bool { Array(text.utf8).withUnsafeBufferPointer { VolumetricReader.isGridLine($0) } }
        #expect(isGrid("   48   48   48"))
        #expect(isGrid("1 2 3\r"))
        #expect(!isGrid(" 0.10000000000E+01 0.20000000000E+01 0.30000000000E+01"))
        #expect(!isGrid("    1    2"))
        #expect(!isGrid("    1    2    3    4"))
        #expect(!isGrid("    0    2    3"))
        #expect(!isGrid("augmentation occupancies   1   3"))
        #expect(!isGrid("  0.600000000000E+00"))
    }

    @Test func newDataIsWrittenInChgcarLayout() throws {
        let lattice = Lattice.orthorhombic(3, 3, 3)
        let structure = Structure(lattice: lattice, species: ["H"], fractionalPositions: [SIMD3(0.1, 0.2, 0.3)])
        let values: ContiguousArray<Double> = [0, -0.5, 1.25e-7, 123456.789, 1e-120, -3e150, .nan, 9.999999999995e-1]
        let grid = try #require(VolumetricGrid(dimensions: SIMD3(2, 2, 2), lattice: lattice, values: values))
        let v = Volumetric(kind: .chgcar, comment: "new", structure: structure, grids: [grid])
        let text = String(decoding: v.bytes(), as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[10] == "    2    2    2")
        #expect(lines[11] == " 0.00000000000E+00 -.50000000000E+00 0.12500000000E-06 0.12345678900E+06 0.10000000000-119")
        #expect(lines[12] == " -.30000000000+151               NaN 0.10000000000E+01  ")
        // Read back: every finite value to 11 significant digits.
        let back = try Volumetric.read(path: try volumetricFixture(text))
        for (a, b) in zip(values, back.total.values) where a.isFinite {
            #expect(abs(a - b) <= 1e-11 * abs(a))
        }
        #expect(back.total.values[6].isNaN)
    }

    @Test func headerKeepsFullPrecisionWhenSixDecimalsWouldLoseIt() throws {
        let lattice = Lattice.orthorhombic(3.123456789, 3, 3)
        let structure = Structure(lattice: lattice, species: ["H"], fractionalPositions: [SIMD3(1.0 / 3, 0.2, 0.3)])
        let grid = VolumetricGrid(dimensions: SIMD3(1, 1, 1), lattice: lattice, repeating: 1)
        let v = Volumetric(kind: .chgcar, comment: "precise", structure: structure, grids: [grid])
        let back = try Volumetric.read(path: try volumetricFixture(String(decoding: v.bytes(), as: UTF8.self)))
        #expect(back.structure.lattice == lattice)
        #expect(back.structure.fractionalPositions == structure.fractionalPositions)
    }

    /// The fixed-format fast path agrees with the shared scanner (and so with Python's float()) on random
    /// fields of every digit count, and never reads past a line it does not recognise.
    @Test func fastPathAgreesWithNumberScanner() throws {
        var rng = InputsRandom(seed: 7)
        for digits in [5, 8, 11, 14] {
            var text = ""
            var expected: [Double] = []
            for _ in 0..<2000 {
                let mantissa = (0..<digits).map { _ in String(Int.random(in: 0...9, using: &rng)) }.joined()
                let exponent = Int.random(in: -30...30, using: &rng)
                let negative = Bool.random(using: &rng)
                let field = (negative ? " -." : " 0.") + mantissa + "E" + (exponent < 0 ? "-" : "+") + (abs(exponent) < 10 ? "0" : "") + String(abs(exponent))
                text += field
                if expected.count % 5 == 4 { text += "\n" }
                expected.append(try #require(NumberScanner.double(field)))
            }
            var bytes = Array(text.utf8)
            var out = [Double](repeating: 0, count: expected.count)
            let result = bytes.withUnsafeMutableBufferPointer { b in
                out.withUnsafeMutableBufferPointer { o in
                    FixedFormatScanner.scan(
                        b.baseAddress!, from: 0, limit: b.count, end: b.count, into: o.baseAddress!, maximum: expected.count,
                        layout: Volumetric.DataLayout(valuesPerLine: 5, significantDigits: digits))
                }
            }
            #expect(result.parsed == expected.count)
            #expect(out.map(\.bitPattern) == expected.map(\.bitPattern), "digits \(digits)")
        }
    }

    /// The writer's integer digits equal C's printf on random values, on short decimals (ties), across
    /// carries (9.99…95) and at the extremes.
    @Test func writerDigitsEqualPrintf() throws {
        var rng = InputsRandom(seed: 11)
        var values: [Double] = [
            0.5, 1, 9.9999999999949, 9.99999999999951, 0.123456789015, 1.234567890125, .leastNonzeroMagnitude,
            1.7976931348623157e308, 123456.789, 1e-120, 2.5e-7
        ]
        for _ in 0..<20000 {
            let mantissa = Double(UInt64.random(in: 1...(1 << 53), using: &rng)) / Double(1 << 53)
            values.append(mantissa * Double(sign: .plus, exponent: Int.random(in: -80...80, using: &rng), significand: 1))
        }
        for _ in 0..<2000 {  // short decimals, where ties at 11 or 5 digits occur
            values.append(Double(Int.random(in: 1...999_999_999_999, using: &rng)) / 1e6)
        }
        for digits in [5, 11] {
            for x in values {
                var fast = [UInt8](repeating: 0, count: digits)
                var exact = [UInt8](repeating: 0, count: digits)
                let e1 = fast.withUnsafeMutableBufferPointer { VolumetricWriter.roundedDigits(x, digits: digits, into: $0.baseAddress!) }
                let e2 = exact.withUnsafeMutableBufferPointer { VolumetricWriter.printfDigits(x, digits: digits, into: $0.baseAddress!) }
                #expect(fast == exact && e1 == e2, "\(x) with \(digits) digits")
            }
        }
    }

    @Test func scanStopsAtTheRequestedCount() throws {
        // The block ends with a full line; the next line (a grid line of integers) must not be read.
        var bytes = Array(" 0.10000E+01 0.20000E+01\n   18   18   70\n".utf8)
        var out = [Double](repeating: 0, count: 8)
        let result = bytes.withUnsafeMutableBufferPointer { b in
            out.withUnsafeMutableBufferPointer { o in
                FixedFormatScanner.scan(
                    b.baseAddress!, from: 0, limit: b.count, end: b.count, into: o.baseAddress!, maximum: 2,
                    layout: Volumetric.DataLayout(valuesPerLine: 2, significantDigits: 5))
            }
        }
        #expect(result.parsed == 2)
        #expect(Array(out.prefix(2)) == [1, 2])
        #expect(!result.stopped)
    }
}

/// Issue 7 §4: the CHGCAR-family writer round-trips. 1,000 seeded random files (small grids, random
/// lattices, species, layouts, every kind, with or without a magnetisation block, the per-atom moments
/// before it and augmentation sections) are written, read back and compared: every value equals the
/// decimal the writer printed (`%.{d−1}E` read back), the header within the 16 printed decimals, the
/// texts verbatim, no warnings.
@Suite struct VolumetricWriterPropertyTests {
    @Test func roundTripOfRandomVolumetricFiles() throws {
        var g = InputsRandom(seed: 0x5EED_0004)
        let folder = try volumetricTemporaryFolder()
        var spinFiles = 0
        var augmentedFiles = 0
        var values = 0
        for trial in 0..<1_000 {
            let original = Self.randomVolumetric(&g)
            let path = folder + "/" + original.kind.rawValue
            try original.write(to: path, force: true)
            let back = try Volumetric.read(path: path)
            let label = "trial \(trial): \(original.kind.rawValue), grid \(original.dimensions), layout \(original.layout)"
            #expect(back.kind == original.kind, "\(label)")
            #expect(back.comment == original.comment, "\(label)")
            #expect(back.structure.species == original.structure.species, "\(label)")
            #expect(latticeDifference(back.structure.lattice, original.structure.lattice) < 1e-12, "\(label)")
            let positionError =
                zip(back.structure.fractionalPositions, original.structure.fractionalPositions)
                .map { Swift.max(abs($0.x - $1.x), abs($0.y - $1.y), abs($0.z - $1.z)) }.max() ?? .infinity
            #expect(positionError < 1e-14, "\(label)")
            let count = original.total.count
            #expect(
                back.layout
                    == Volumetric.DataLayout(
                        valuesPerLine: Swift.min(original.layout.valuesPerLine, count), significantDigits: original.layout.significantDigits), "\(label)")
            #expect(back.warnings.isEmpty, "\(label): \(back.warnings)")
            #expect(back.trailingText == original.trailingText, "\(label)")
            try #require(back.blocks.count == original.blocks.count, "\(label)")
            for (a, b) in zip(original.blocks, back.blocks) {
                #expect(b.grid.dimensions == a.grid.dimensions, "\(label)")
                #expect(b.leadingText == a.leadingText, "\(label), augmented \(!a.augmentation.isEmpty), last line \(count % original.layout.valuesPerLine)")
                #expect(b.augmentation == a.augmentation, "\(label)")
                let printed = a.grid.values.map { Self.printed($0, digits: original.layout.significantDigits) }
                #expect(Array(b.grid.values) == printed, "\(label)")
                values += count
            }
            if original.blocks.count == 2 { spinFiles += 1 }
            if !original.blocks[0].augmentation.isEmpty { augmentedFiles += 1 }
        }
        // The generator covers both branches often enough to mean something.
        #expect(spinFiles > 200 && augmentedFiles > 200 && values > 50_000)
    }

    /// The value the writer's `digits` significant digits stand for (C's correctly rounded `%E`, read back).
    static func printed(_ x: Double, digits: Int) -> Double {
        Double(String(format: "%.\(digits - 1)E", x)) ?? .nan
    }

    static func randomVolumetric(_ g: inout InputsRandom) -> Volumetric {
        func r(_ range: ClosedRange<Double>) -> Double { Double.random(in: range, using: &g) }
        let lattice = Lattice(
            a: SIMD3(r(2...20), r(-2...2), r(-2...2)),
            b: SIMD3(r(-2...2), r(2...20), r(-2...2)),
            c: SIMD3(r(-2...2), r(-2...2), r(2...25)))
        let pool = ["Si", "O", "H", "C", "Li", "Co", "F", "S", "N", "Fe"].shuffled(using: &g)
        let species = pool.prefix(Int.random(in: 1...3, using: &g)).flatMap {
            Array(repeating: $0, count: Int.random(in: 1...4, using: &g))
        }
        let positions = species.map { _ in SIMD3(r(0...0.999), r(0...0.999), r(0...0.999)) }
        let structure = Structure(lattice: lattice, species: species, fractionalPositions: positions)
        let dimensions = SIMD3(Int.random(in: 1...6, using: &g), Int.random(in: 1...6, using: &g), Int.random(in: 1...6, using: &g))
        let kinds: [Volumetric.Kind] = [.chgcar, .chg, .aeccar0, .aeccar1, .aeccar2, .elfcar, .locpot, .parchg]
        let kind = kinds[Int.random(in: 0..<kinds.count, using: &g)]
        let layout: Volumetric.DataLayout
        switch Int.random(in: 0..<3, using: &g) {
        case 0: layout = .chgcar
        case 1: layout = .elfcar
        default: layout = Volumetric.DataLayout(valuesPerLine: Int.random(in: 1...12, using: &g), significantDigits: Int.random(in: 3...16, using: &g))
        }
        let spin = Bool.random(using: &g)
        let augmented = Bool.random(using: &g)
        var blocks: [Volumetric.Block] = []
        for b in 0..<(spin ? 2 : 1) {
            let count = dimensions.x * dimensions.y * dimensions.z
            let values = ContiguousArray((0..<count).map { _ in randomValue(&g, signed: b > 0 || kind == .locpot) })
            guard let grid = VolumetricGrid(dimensions: dimensions, lattice: lattice, values: values) else { continue }
            let leading = b == 0 ? "" : moments(species.count, &g)
            blocks.append(Volumetric.Block(grid: grid, leadingText: leading, augmentation: augmented ? augmentation(species.count, &g) : ""))
        }
        let comment = (0..<Int.random(in: 1...6, using: &g)).map { _ in g.word("abcdefXYZ0123456789_-()=.:", maxLength: 9) }
            .joined(separator: " ")
        return Volumetric(kind: kind, comment: comment, structure: structure, blocks: blocks, layout: layout)
    }

    /// A charge-like value: zeros, small and large magnitudes (exponents within ±40, two-digit in print).
    static func randomValue(_ g: inout InputsRandom, signed: Bool) -> Double {
        switch Int.random(in: 0..<10, using: &g) {
        case 0: return 0
        case 1: return Double(Int.random(in: -999...999, using: &g)) / 8
        default:
            let mantissa = Double.random(in: signed ? -10...10 : 0...10, using: &g)
            return mantissa * pow(10, Double(Int.random(in: -40...40, using: &g)))
        }
    }

    /// The per-atom moments VASP writes between the total and the magnetisation block (`E20.12`, 5 a line).
    static func moments(_ atoms: Int, _ g: inout InputsRandom) -> String {
        let fields = (0..<atoms).map { _ in String(format: "%20.12E", Double.random(in: -3...3, using: &g)) }
        return stride(from: 0, to: fields.count, by: 5).map { fields[$0..<Swift.min($0 + 5, fields.count)].joined() + "\n" }.joined()
    }

    /// `augmentation occupancies i n` sections, one per atom, `E15.7` values 5 a line.
    static func augmentation(_ atoms: Int, _ g: inout InputsRandom) -> String {
        (1...atoms).map { atom in
            let n = Int.random(in: 1...18, using: &g)
            let fields = (0..<n).map { _ in String(format: "%15.7E", Double.random(in: -1...1, using: &g)) }
            return String(format: "augmentation occupancies %3d %3d\n", atom, n)
                + stride(from: 0, to: n, by: 5).map { fields[$0..<Swift.min($0 + 5, n)].joined() + "\n" }.joined()
        }.joined()
    }
}
