import Foundation
import TestSupport
import Testing

@testable import Files
@testable import VASP

/// A FAKE POTCAR library built at test time: a few invented header lines per label, never real
/// POTCAR content.
struct FakePotcarLibrary {
    let root: String

    /// Invented minimal text with the two header lines Cascade reads.
    static func fakeText(label: String, zval: Double, date: String = "01Jan2000") -> String {
        """
          PAW_PBE \(label) \(date)
         \(zval)
         FAKE dataset written by Cascade's tests (not a pseudopotential)
           TITEL  = PAW_PBE \(label) \(date)
           POMASS =   1.000; ZVAL   =    \(String(format: "%.3f", zval))    mass and valenz
         End of Dataset

        """
    }

    /// Writes `label → zval` files in the given layout (and family folder); gzip when `gzip` is set.
    static func make(
        layout: PotcarLibrary.Layout, family: String, entries: [(String, Double)], gzip: Bool = false
    ) throws -> FakePotcarLibrary {
        let root = try makeInputsTemporaryFolder()
        for (label, zval) in entries {
            let relative = layout == .ase ? "\(family)/\(label)/POTCAR" : "\(family)/POTCAR.\(label)"
            let path = root + "/" + relative + (gzip ? ".gz" : "")
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let bytes = Array(fakeText(label: label, zval: zval).utf8)
            try Data(gzip ? InputsGzip.stored(bytes) : bytes).write(to: URL(fileURLWithPath: path))
        }
        return FakePotcarLibrary(root: root)
    }
}

/// A minimal gzip writer (stored deflate blocks) so tests can make `.gz` files without a tool.
enum InputsGzip {
    static func stored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF]
        var offset = 0
        repeat {
            let n = min(65_535, data.count - offset)
            let final: UInt8 = offset + n == data.count ? 1 : 0
            out += [final, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
            out += data[offset..<offset + n]
            offset += n
        } while offset < data.count
        out += littleEndian(crc32(data)) + littleEndian(UInt32(truncatingIfNeeded: data.count))
        return out
    }

    static func crc32(_ data: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    static func littleEndian(_ x: UInt32) -> [UInt8] { (0..<4).map { UInt8((x >> (8 * $0)) & 0xFF) } }
}

@Suite struct PotcarTests {
    @Test func readsTitelAndZvalOfConcatenatedDatasets() throws {
        let text = FakePotcarLibrary.fakeText(label: "Fe_pv", zval: 14) + FakePotcarLibrary.fakeText(label: "O", zval: 6)
        let potcar = try Potcar.parse(text: text)
        #expect(potcar.labels == ["Fe_pv", "O"])
        #expect(potcar.singles.map(\.titel) == ["PAW_PBE Fe_pv 01Jan2000", "PAW_PBE O 01Jan2000"])
        #expect(potcar.singles.map(\.zval) == [14, 6])
        #expect(potcar.singles.map(\.element) == ["Fe", "O"])
        #expect(potcar.electrons(counts: [2, 3]) == 46)
        #expect(potcar.electrons(counts: [2]) == nil)
    }

    @Test func briefsExampleHeaderLines() throws {
        let potcar = try Potcar.parse(text: "  TITEL = PAW_PBE Fe 06Sep2000\n  POMASS = 55.847; ZVAL = 8.000\n")
        #expect(potcar.singles == [PotcarSingle(label: "Fe", titel: "PAW_PBE Fe 06Sep2000", zval: 8)])
    }

    @Test func malformedHeadersNameTheDatasetNotTheContent() {
        let text = FakePotcarLibrary.fakeText(label: "Fe", zval: 8) + "  PAW_PBE O 08Apr2002\n TITEL = PAW_PBE O 08Apr2002\n End of Dataset\n"
        #expect(
            throws: VASPError.malformed(
                SourceLocation(file: "bad/POTCAR", line: 7),
                "expected ZVAL in the header of pseudopotential 2 (which starts here)")
        ) {
            try Potcar.parse(text: text, file: "bad/POTCAR")
        }
        #expect(
            throws: VASPError.malformed(
                SourceLocation(file: "bad/POTCAR", line: 1),
                "expected a POTCAR (datasets with TITEL and ZVAL), found none")
        ) {
            try Potcar.parse(text: "\n\n", file: "bad/POTCAR")
        }
        #expect(
            throws: VASPError.malformed(
                SourceLocation(file: "bad/POTCAR", line: 1),
                "expected TITEL and ZVAL in the header of pseudopotential 1 (which starts here)")
        ) {
            try Potcar.parse(text: "not a potcar\n", file: "bad/POTCAR")
        }
    }

    @Test func mutatedInputNeverCrashes() {
        var g = InputsRandom(seed: 0x5EED_0006)
        let seed = FakePotcarLibrary.fakeText(label: "Fe_pv", zval: 14) + FakePotcarLibrary.fakeText(label: "O", zval: 6)
        for _ in 0..<2_000 {
            do {
                _ = try Potcar.parse(text: g.mutate(seed))
            } catch {
                #expect(error is VASPError)
            }
        }
    }

    @Test func aseLayoutLibrary() throws {
        let library = try FakePotcarLibrary.make(layout: .ase, family: "potpaw_PBE", entries: [("Fe_pv", 14), ("O", 6), ("H", 1)])
        defer { removeInputsTemporaryFolder(library.root) }
        let potcar = try Potcar.assemble(labels: ["Fe_pv", "O", "H"], library: PotcarLibrary(layout: .ase, root: library.root))
        #expect(potcar.labels == ["Fe_pv", "O", "H"])
        #expect(potcar.singles.map(\.zval) == [14, 6, 1])
        #expect(potcar.singles[0].path == library.root + "/potpaw_PBE/Fe_pv/POTCAR")
        #expect(potcar.isFromLibrary)
        #expect(potcar.warnings.isEmpty)

        let folder = try makeInputsTemporaryFolder()
        defer { removeInputsTemporaryFolder(folder) }
        let written = try potcar.writeInputs(inFolder: folder)
        #expect(written == folder + "/POTCAR")
        let reread = try Potcar.read(path: written)
        #expect(reread.labels == ["Fe_pv", "O", "H"])
        #expect(reread.singles.map(\.zval) == [14, 6, 1])
        #expect(throws: FileError.cannotWrite(file: written, reason: "the file exists; pass force: true to replace it")) {
            try potcar.writePotcar(to: written)
        }
    }

    @Test func aseLayoutWithVersionAndGzip() throws {
        let library = try FakePotcarLibrary.make(layout: .ase, family: "potpaw_PBE.54", entries: [("Co", 9), ("N", 5)], gzip: true)
        defer { removeInputsTemporaryFolder(library.root) }
        let potcar = try Potcar.assemble(labels: ["Co", "N"], library: PotcarLibrary(layout: .ase, root: library.root, version: "54"))
        #expect(potcar.singles.map(\.zval) == [9, 5])
        #expect(potcar.singles[1].path == library.root + "/potpaw_PBE.54/N/POTCAR.gz")
        // Without a version the unversioned folder is missing: the versioned one is used, with a warning.
        let fallback = try Potcar.assemble(labels: ["Co"], library: PotcarLibrary(layout: .ase, root: library.root))
        #expect(fallback.singles.map(\.zval) == [9])
        #expect(
            fallback.warnings == [
                ReadWarning(
                    SourceLocation(file: library.root),
                    "potpaw_PBE not found in \(library.root); using potpaw_PBE.54")
            ])
        // The written POTCAR is decompressed.
        let folder = try makeInputsTemporaryFolder()
        defer { removeInputsTemporaryFolder(folder) }
        try potcar.writePotcar(to: folder + "/POTCAR")
        let text = try String(contentsOfFile: folder + "/POTCAR", encoding: .utf8)
        #expect(text == FakePotcarLibrary.fakeText(label: "Co", zval: 9) + FakePotcarLibrary.fakeText(label: "N", zval: 5))
    }

    @Test func pymatgenLayoutLibrary() throws {
        let library = try FakePotcarLibrary.make(layout: .pymatgen, family: "POT_GGA_PAW_PBE_54", entries: [("Li_sv", 3), ("S", 6), ("F", 7)], gzip: true)
        defer { removeInputsTemporaryFolder(library.root) }
        let env = ["PMG_VASP_PSP_DIR": library.root, "PMG_DEFAULT_FUNCTIONAL": "PBE_54"]
        let located = try #require(PotcarLibrary.fromEnvironment(env))
        #expect(located == PotcarLibrary(layout: .pymatgen, root: library.root, version: "54"))
        let potcar = try Potcar.assemble(labels: ["Li_sv", "F", "S"], library: located)
        #expect(potcar.singles.map(\.zval) == [3, 7, 6])
        #expect(potcar.singles[0].path == library.root + "/POT_GGA_PAW_PBE_54/POTCAR.Li_sv.gz")
    }

    @Test func environmentPrecedence() {
        #expect(PotcarLibrary.fromEnvironment([:]) == nil)
        #expect(PotcarLibrary.fromEnvironment(["VASP_PP_PATH": "  "]) == nil)
        #expect(
            PotcarLibrary.fromEnvironment(["VASP_PP_PATH": "/a", "VASP_PP_VERSION": "64", "PMG_VASP_PSP_DIR": "/b"])
                == PotcarLibrary(layout: .ase, root: "/a", version: "64"))
        #expect(PotcarLibrary.fromEnvironment(["PMG_VASP_PSP_DIR": "/b"]) == PotcarLibrary(layout: .pymatgen, root: "/b"))
    }

    @Test func missingLabelNamesThePathsTried() throws {
        let library = try FakePotcarLibrary.make(layout: .ase, family: "potpaw_PBE", entries: [("Fe", 8)])
        defer { removeInputsTemporaryFolder(library.root) }
        let lib = PotcarLibrary(layout: .ase, root: library.root)
        let family = library.root + "/potpaw_PBE"
        #expect(
            throws: VASPError.cannotRead(
                file: family + "/Zz/POTCAR",
                reason: "no POTCAR for Zz in \(lib.description); looked for \(family)/Zz/POTCAR, \(family)/Zz/POTCAR.gz")
        ) {
            try Potcar.assemble(labels: ["Fe", "Zz"], library: lib)
        }
        let empty = try makeInputsTemporaryFolder()
        defer { removeInputsTemporaryFolder(empty) }
        #expect(throws: VASPError.self) { try Potcar.assemble(labels: ["Fe"], library: PotcarLibrary(layout: .pymatgen, root: empty)) }
    }

    @Test func titelLabelMismatchWarns() throws {
        let library = try FakePotcarLibrary.make(layout: .ase, family: "potpaw_PBE", entries: [("Fe", 8)])
        defer { removeInputsTemporaryFolder(library.root) }
        // A folder named Fe_pv that holds the Fe dataset.
        try FileManager.default.moveItem(atPath: library.root + "/potpaw_PBE/Fe", toPath: library.root + "/potpaw_PBE/Fe_pv")
        let potcar = try Potcar.assemble(labels: ["Fe_pv"], library: PotcarLibrary(layout: .ase, root: library.root))
        #expect(potcar.labels == ["Fe_pv"])
        #expect(potcar.warnings.map(\.message) == ["the POTCAR found for Fe_pv is labelled Fe in its TITEL"])
    }

    @Test func withoutALibraryWritesPotcarSpecAndUsesTheBuiltinTable() throws {
        let potcar = try Potcar.assemble(labels: ["Fe_pv", "Co", "C", "N", "H", "Li_sv", "S", "O", "F"], library: nil)
        #expect(potcar.singles.map(\.zval) == [14, 9, 4, 5, 1, 3, 6, 6, 7])
        #expect(potcar.singles.allSatisfy { $0.titel == nil && $0.path == nil })
        #expect(!potcar.isFromLibrary)
        #expect(potcar.warnings.count == 1)
        #expect(potcar.warnings[0].message.contains("built-in table"))
        #expect(potcar.specText == "Fe_pv\nCo\nC\nN\nH\nLi_sv\nS\nO\nF\n")
        #expect(Potcar.parseSpec(text: "# labels\nFe_pv\n\n  O  # oxygen\n") == ["Fe_pv", "O"])

        let folder = try makeInputsTemporaryFolder()
        defer { removeInputsTemporaryFolder(folder) }
        let written = try potcar.writeInputs(inFolder: folder)
        #expect(written == folder + "/POTCAR.spec")
        #expect(Potcar.parseSpec(text: try String(contentsOfFile: written, encoding: .utf8)) == potcar.labels)
        #expect(throws: VASPError.self) { try potcar.writePotcar(to: folder + "/POTCAR") }
        #expect(!FileManager.default.fileExists(atPath: folder + "/POTCAR"))
    }

    @Test func unknownLabelWithoutALibraryHasNoZval() {
        let potcar = Potcar.fromBuiltinTable(labels: ["Fe", "Xx_weird"])
        #expect(potcar.singles.map(\.zval) == [8, nil])
        #expect(potcar.warnings.count == 2)
        #expect(potcar.electrons(counts: [1, 1]) == nil)
    }

    @Test(arguments: [
        ("H", 1.0), ("Li", 1), ("Li_sv", 3), ("C", 4), ("N", 5), ("O", 6), ("F", 7), ("S", 6), ("P", 5), ("Cl", 7),
        ("Fe", 8), ("Fe_pv", 14), ("Co", 9), ("Ni", 10), ("Cu", 11), ("Zn", 12), ("Mn", 7), ("Mn_pv", 13),
        ("Na_pv", 7), ("K_sv", 9), ("Ti_pv", 10), ("Ir", 9), ("Au", 11), ("Pt", 10), ("Si", 4)
    ])
    func builtinTableHasTheStandardValues(_ label: String, _ zval: Double) {
        #expect(Potcar.builtinZval(label: label) == zval)
    }

    @Test func recommendedLabels() {
        #expect(Potcar.recommendedLabel(for: "Fe") == "Fe_pv")
        #expect(Potcar.recommendedLabel(for: "Li") == "Li_sv")
        #expect(Potcar.recommendedLabel(for: "O") == "O")
        #expect(Potcar.recommendedLabel(for: "Co") == "Co")
        // Every recommended label has a built-in ZVAL.
        for symbol in ["H", "Li", "C", "N", "O", "F", "S", "Fe", "Co", "Ir", "Au", "Pt", "Na", "K", "Ti", "Mn"] {
            let label = Potcar.recommendedLabel(for: symbol)
            #expect(label.flatMap { Potcar.builtinZval(label: $0) } != nil, "\(symbol)")
        }
    }

    // MARK: Corpus (electron counts agree with the runs' NELECT)

    @Test func corpusPresentOnCI() { Corpus.checkPresentOnCI() }

    @Test(.enabled(if: Corpus.available, Corpus.skipMessage))
    func builtinZvalsReproduceTheCorpusElectronCounts() throws {
        // H on Ir(100): NELECT 145 = 1·ZVAL(H) + 16·ZVAL(Ir).
        let reference = try Corpus.reference("adsorption/atomate_Ir_H/3/outputs/vasprun.xml.gz.json")
        let nelect = try #require(((reference["parameters"] as? [String: Any])?["NELECT"]).flatMap(IncarTests.number))
        let poscar = try Poscar.read(path: Corpus.path("adsorption/atomate_Ir_H/3/outputs/POSCAR"))
        let counts = ["H", "Ir"].map { s in poscar.structure.species.filter { $0 == s }.count }
        #expect(Potcar.fromBuiltinTable(labels: ["H", "Ir"]).electrons(counts: counts) == nelect)
        // 31 Fe with Fe_pv: NELECT 434 in the NEB end point's OUTCAR.
        let outcar = try Corpus.reference("neb/pymatgen_neb1/00/OUTCAR.gz.json")
        let zvals = try #require(outcar["zval_dict"] as? [String: Any])
        #expect(zvals["Fe"].flatMap(IncarTests.number) == Potcar.builtinZval(label: "Fe_pv"))
    }
}
