import Foundation
import Testing
import VASP

// Errors people can act on (issue 7, section 5): malformed inputs across the formats, each read through
// the reader's file entry point, each with its exact message (golden). Every message names the file,
// the line (or byte offset), the tag or element path where there is one, and what was expected.
// Messages are compared with the temporary folder removed, so they start with the file name.

/// One malformed input and what the reader must say about it.
struct MalformedCase: CustomTestStringConvertible, Sendable {
    enum Reader: Sendable { case vasprun, outcar, poscar, incar, kpoints, acf, bcf, avf, volumetric, xdatcar }
    /// What is checked: the error thrown, or (for readers that salvage what they can) one warning.
    enum Expected: Sendable {
        case error(String)
        case warning(String)
    }

    var name: String
    var reader: Reader
    var file: String
    var text: String
    var expected: Expected

    var testDescription: String { name }

    init(_ name: String, _ reader: Reader, _ file: String, _ text: String, error: String) {
        self.name = name
        self.reader = reader
        self.file = file
        self.text = text
        self.expected = .error(error)
    }

    init(_ name: String, _ reader: Reader, _ file: String, _ text: String, warning: String) {
        self.name = name
        self.reader = reader
        self.file = file
        self.text = text
        self.expected = .warning(warning)
    }

    /// Reads `path` with this case's reader; returns the warnings.
    func read(_ path: String) throws -> [ReadWarning] {
        switch reader {
        case .vasprun: return try Vasprun.read(path: path).warnings
        case .outcar: return try Outcar.read(path: path).warnings
        case .poscar: return try Poscar.read(path: path).warnings
        case .incar: return try Incar.read(path: path).warnings
        case .kpoints: return try Kpoints.read(path: path).warnings
        case .acf: return try BaderACF.read(path: path).warnings
        case .bcf: return try BaderBCF.read(path: path).warnings
        case .avf: return try BaderAVF.read(path: path).warnings
        case .volumetric: return try Volumetric.read(path: path).warnings
        case .xdatcar: return try Xdatcar.read(path: path).warnings
        }
    }
}

/// Small valid pieces the malformed inputs are made from.
enum Malformed {
    static let lattice = "1.0\n 4.0 0.0 0.0\n 0.0 4.0 0.0\n 0.0 0.0 4.0\n"
    static let poscar = "Si2\n" + lattice + "Si\n2\nDirect\n 0 0 0\n 0.25 0.25 0.25\n"
    static let chgcarHeader = "Si\n" + lattice + "Si\n1\nDirect\n 0 0 0\n \n"
    static let xdatcarHeader = "Li2 O\n1\n 4.0 0.0 0.0\n 0.0 4.0 0.0\n 0.0 0.0 4.0\n Li O\n 2 1\n"
    static let acfHeader =
        "    #         X           Y           Z       CHARGE      MIN DIST   ATOMIC VOL\n -------------------------------------------------------------------------------\n"
    static let vasprunHead = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<modeling>\n <generator>\n  <i name=\"program\" type=\"string\">vasp </i>\n"

    static let cases: [MalformedCase] = [
        // POSCAR / CONTCAR
        .init(
            "POSCAR empty", .poscar, "POSCAR", "",
            error: "POSCAR:1: expected a POSCAR (comment, scale, lattice, counts, positions), found an empty file"),
        .init(
            "POSCAR scale not a number", .poscar, "POSCAR", poscar.replacingOccurrences(of: "Si2\n1.0", with: "Si2\nabc"),
            error: "POSCAR:2: expected the scaling factor (one number, or three positive numbers), found 'abc'"),
        .init(
            "POSCAR zero scale", .poscar, "POSCAR", poscar.replacingOccurrences(of: "Si2\n1.0", with: "Si2\n0.0"),
            error: "POSCAR:2: expected a non-zero scaling factor, found '0.0'"),
        .init(
            "POSCAR short lattice vector", .poscar, "CONTCAR", poscar.replacingOccurrences(of: " 0.0 4.0 0.0\n", with: " 0.0 4.0\n"),
            error: "CONTCAR:4: expected lattice vector b (three numbers), found '0.0 4.0'"),
        .init(
            "POSCAR flat cell", .poscar, "POSCAR", poscar.replacingOccurrences(of: " 0.0 0.0 4.0\n", with: " 4.0 0.0 0.0\n"),
            error: "POSCAR:3: expected three linearly independent lattice vectors, found a cell of volume 0"),
        .init(
            "POSCAR counts not integers", .poscar, "POSCAR", poscar.replacingOccurrences(of: "Si\n2\n", with: "Si\n2.5\n"),
            error: "POSCAR:7: expected atom counts (non-negative integers, one per species: Si), found '2.5'"),
        .init(
            "POSCAR fewer counts than species", .poscar, "POSCAR", poscar.replacingOccurrences(of: "Si\n2\n", with: "Si O\n2\nDirect\n"),
            error: "POSCAR:8: expected 1 more atom count (one per species: Si O), found 'Direct'"),
        .init(
            "POSCAR missing mode line", .poscar, "POSCAR", poscar.replacingOccurrences(of: "Direct\n", with: ""),
            error: "POSCAR:8: expected the coordinate mode 'Direct' or 'Cartesian', found '0 0 0'"),
        .init(
            "POSCAR cut after one of two atoms", .poscar, "CONTCAR", poscar.replacingOccurrences(of: " 0.25 0.25 0.25\n", with: ""),
            error: "CONTCAR:10: expected the position of atom 2 (three numbers), found the end of the file after 1 of 2 atoms"),
        .init(
            "POSCAR position with two numbers", .poscar, "POSCAR", poscar.replacingOccurrences(of: " 0.25 0.25 0.25\n", with: " 0.25 0.25\n"),
            error: "POSCAR:10: expected the position of atom 2 (three numbers), found '0.25 0.25'"),
        .init(
            "POSCAR bad selective flag", .poscar, "POSCAR",
            poscar.replacingOccurrences(of: "Direct\n 0 0 0\n", with: "Selective dynamics\nDirect\n 0 0 0 T X T\n"),
            error: "POSCAR:10: expected three selective-dynamics flags (T or F) after the position of atom 1, found '0 0 0 T X T'"),
        .init(
            "POSCAR VASP 4 without species", .poscar, "POSCAR",
            poscar.replacingOccurrences(of: "Si2\n", with: "my cell\n").replacingOccurrences(of: "Si\n2\n", with: "2\n"),
            error:
                "POSCAR:6: expected a species line before the atom counts (VASP 4 file): pass species: (e.g. from the POTCAR) or name the 1 species in the comment line"
        ),

        // INCAR
        .init(
            "INCAR value without a tag", .incar, "INCAR", "ENCUT = 520\n= 5\n",
            error: "INCAR:2: expected a tag name before '='"),
        .init(
            "INCAR tag with a blank", .incar, "INCAR", "EN CUT = 520\n",
            error: "INCAR:1 <EN CUT>: expected a tag name (letters, digits and '_'), found 'EN CUT'"),
        .init(
            "INCAR tag without a value", .incar, "INCAR", "ISPIN = 2\nENCUT =\n",
            error: "INCAR:2 <ENCUT>: expected a value after 'ENCUT ='"),
        .init(
            "INCAR unterminated quote", .incar, "INCAR", "SYSTEM = \"TFSI on CoPc\nENCUT = 520\n",
            error: "INCAR:1 <SYSTEM>: expected a closing '\"' for the value of SYSTEM"),
        .init(
            "INCAR repeat count zero", .incar, "INCAR", "MAGMOM = 0*1.0 2*0.6\n",
            error: "INCAR:1 <MAGMOM>: expected a repeat count from 1 to 1000000 in '0*1.0'"),
        .init(
            "INCAR repeat count absurd", .incar, "INCAR", "ISPIN = 2\nMAGMOM = 1000000000*0.6\n",
            error: "INCAR:2 <MAGMOM>: expected a repeat count from 1 to 1000000 in '1000000000*0.6'"),
        .init(
            "INCAR repeat without value", .incar, "INCAR", "MAGMOM = 3*\n",
            error: "INCAR:1 <MAGMOM>: expected a value after '3*'"),

        // KPOINTS
        .init(
            "KPOINTS empty", .kpoints, "KPOINTS", "",
            error: "KPOINTS:1: expected a KPOINTS file (comment, count, style), found an empty file"),
        .init(
            "KPOINTS count not a number", .kpoints, "KPOINTS", "mesh\nauto\nGamma\n4 4 4\n",
            error: "KPOINTS:2: expected the number of k-points (0 for an automatic mesh), found 'auto'"),
        .init(
            "KPOINTS style missing", .kpoints, "KPOINTS", "mesh\n0\n4 4 4\n",
            error: "KPOINTS:3: expected the style ('Gamma', 'Monkhorst-Pack', 'Auto', 'Line-mode', 'Reciprocal' or 'Cartesian'), found '4 4 4'"),
        .init(
            "KPOINTS two subdivisions", .kpoints, "KPOINTS", "mesh\n0\nGamma\n4 4\n",
            error: "KPOINTS:4: expected three positive integer subdivisions, found '4 4'"),
        .init(
            "KPOINTS explicit list cut short", .kpoints, "KPOINTS", "list\n3\nReciprocal\n0 0 0 1\n0.5 0 0 2\n",
            error: "KPOINTS:6: expected k-point 3 (three coordinates and a weight), found the end of the file after 2 of 3 k-points"),
        .init(
            "KPOINTS line mode odd end points", .kpoints, "KPOINTS", "bands\n20\nLine-mode\nReciprocal\n0 0 0 ! G\n0.5 0 0.5 ! X\n\n0.5 0 0.5 ! X\n",
            error: "KPOINTS:8: expected line-mode end points in pairs (start and end of each segment), found 3 points"),
        .init(
            "KPOINTS auto length zero", .kpoints, "KPOINTS", "auto\n0\nAuto\n0\n",
            error: "KPOINTS:4: expected the length Rk in Å (one positive number), found '0'"),

        // OUTCAR
        .init(
            "OUTCAR that is not one", .outcar, "OUTCAR", "This is a log file.\nNothing here.\n",
            error: "OUTCAR:1: not an OUTCAR: no `vasp.` version line, no POTCAR titles and no energy block found"),

        // Bader
        .init(
            "ACF without a header", .acf, "ACF.dat", "1 0.0 0.0 0.0 7.0 1.0 10.0\n",
            error: "ACF.dat:1: expected an ACF.dat header (`#  X  Y  Z  CHARGE …`), found '1 0.0 0.0 0.0 7.0 1.0 10.0'"),
        .init(
            "ACF row with a missing value", .acf, "ACF.dat", acfHeader + "    1    0.0000    0.0000    0.0000    7.1235    1.0000\n",
            error:
                "ACF.dat:3: expected 6 values (X, Y, Z, CHARGE, MIN DIST, ATOMIC VOL) after the atom number, found 5 in '1    0.0000    0.0000    0.0000    7.1235    1.0000'"
        ),
        .init(
            "ACF row with a word", .acf, "ACF.dat", acfHeader + "    1    0.0000    0.0000    0.0000    7.1235    1.0000  n/a\n",
            error: "ACF.dat:3: expected a number, found 'n/a' in '1    0.0000    0.0000    0.0000    7.1235    1.0000  n/a'"),
        .init(
            "BCF given an ACF table", .bcf, "BCF.dat", acfHeader,
            error: "BCF.dat:1: this is an ACF.dat table (no ATOM column), not BCF.dat"),
        .init(
            "AVF without a header", .avf, "AVF.dat", "1 ... 1 2\n",
            error: "AVF.dat:1: expected an AVF.dat header naming `Atom` and `Volume(s)`, found '1 ... 1 2'"),
        .init(
            "AVF volume not an integer", .avf, "AVF.dat", "  Atom   Volume(s)\n ----\n  1  ...  1  2.5\n",
            error: "AVF.dat:3: expected `atom ... volume(s)` (whole numbers), found '1  ...  1  2.5'"),

        // CHGCAR family
        .init(
            "CHGCAR empty", .volumetric, "CHGCAR", "",
            error: "CHGCAR:1: expected a volumetric file (POSCAR-style header, grid line, data), found an empty file"),
        .init(
            "CHGCAR grid line of two numbers", .volumetric, "CHGCAR", chgcarHeader + "    2    2\n 1 2 3 4\n",
            error: "CHGCAR:11: expected the grid line 'NGX NGY NGZ' (three positive integers), found '2    2'"),
        .init(
            "CHGCAR grid larger than the file", .volumetric, "CHGCAR", chgcarHeader + " 1000 1000 1000\n 1 2 3 4\n",
            error: "CHGCAR:11: the grid 1000×1000×1000 declares 1000000000 values, which need at least 1999999999 bytes, but at most 9 bytes remain in the file"
        ),
        .init(
            "CHGCAR short data block", .volumetric, "CHGCAR", chgcarHeader + "    2    2    2\n 0.1E+01 0.2E+01 0.3E+01 0.4E+01 0.5E+01\n 0.6E+01\n",
            error: "CHGCAR:14: data block 1 (grid 2×2×2, from line 12) is short: expected 8 values, found 6 before the end of the file"),
        .init(
            "CHGCAR text inside the data", .volumetric, "LOCPOT", chgcarHeader + "    2    2    2\n 1 2 3 4 5\n 6 seven 8\n",
            error: "LOCPOT:13: data block 1 (grid 2×2×2, from line 12) is short: expected 8 values, found 6 before 'seven'"),
        .init(
            "CHGCAR augmentation cut short", .volumetric, "CHGCAR",
            chgcarHeader + "    1    1    2\n 1 2\naugmentation occupancies   1   4\n 0.1 0.2\n",
            error: "CHGCAR:15: augmentation occupancies of atom 1 (line 13): expected 4 values, found 2 before the end of the file"),
        .init(
            "CHGCAR second grid differs", .volumetric, "CHGCAR", chgcarHeader + "    1    1    2\n 1 2\n    1    2    2\n 1 2 3 4\n",
            error: "CHGCAR:13: expected the grid 1×1×2 of block 1 for block 2, found 1×2×2"),

        // XDATCAR
        .init(
            "XDATCAR empty", .xdatcar, "XDATCAR", "",
            error: "XDATCAR:1: expected an XDATCAR (comment, scale, lattice, species, counts, frames), found an empty file"),
        .init(
            "XDATCAR counts do not match species", .xdatcar, "XDATCAR", xdatcarHeader.replacingOccurrences(of: " 2 1\n", with: " 3\n"),
            error: "XDATCAR:7: expected 2 atom counts (one per species: Li O), found '3'"),
        .init(
            "XDATCAR position with text", .xdatcar, "XDATCAR",
            xdatcarHeader + "Direct configuration=     1\n 0 0 0\n 0.5 0.5 0.5\n 0.5 zero 0\n",
            error: "XDATCAR:11: expected the position of atom 3 of 3 in frame 1 (three numbers), found '0.5 zero 0'"),
        .init(
            "XDATCAR VASP 4 header without a cell", .xdatcar, "XDATCAR", "   3   3   1\n 0.1E+02 0.4E-09 0.4E-09 0.4E-09 0.1E-14\n 0.1E-15\n CAR\n test\n",
            error: "XDATCAR:1: this is a VASP 4 XDATCAR ('3   3   1' …), which does not contain the cell: pass reference: (the run's POSCAR)"),

        // vasprun.xml: only files that hold nothing are errors; the rest is salvaged with warnings.
        .init(
            "vasprun empty", .vasprun, "vasprun.xml", "",
            error: "vasprun.xml: not a vasprun.xml: the file is empty"),
        .init(
            "vasprun not XML", .vasprun, "vasprun.xml", "killed by signal 9\n",
            error: "vasprun.xml:1: not a vasprun.xml (XML error: Document is empty)"),
        .init(
            "vasprun HTML page", .vasprun, "vasprun.xml", "<html>\n<body>Not Found</body>\n</html>\n",
            error: "vasprun.xml: not a vasprun.xml: no <modeling> element"),
        .init(
            "vasprun mismatched tags", .vasprun, "vasprun.xml", vasprunHead + " </incar>\n</modeling>\n",
            warning:
                "vasprun.xml:5 <modeling/generator>: incomplete file (XML error: Opening and ending tag mismatch: generator line 3 and incar) after 134 bytes; kept the header and 0 complete ionic step(s)"
        ),
        .init(
            "vasprun cut inside the generator", .vasprun, "vasprun.xml", vasprunHead,
            warning:
                "vasprun.xml:4 <modeling/generator>: incomplete file (file ends inside <modeling/generator>) after 112 bytes; kept the header and 0 complete ionic step(s)"
        )
    ]
}

@Suite struct ErrorMessageTests {
    @Test func enoughCasesAcrossTheFormats() {
        #expect(Malformed.cases.count >= 30)
        let readers = Set(Malformed.cases.map { "\($0.reader)" })
        #expect(readers.count == 10)
        #expect(Set(Malformed.cases.map(\.name)).count == Malformed.cases.count)
    }

    @Test(arguments: Malformed.cases)
    func exactMessage(_ c: MalformedCase) throws {
        let folder = NSTemporaryDirectory() + "cascade-errors-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/" + c.file
        try Data(c.text.utf8).write(to: URL(fileURLWithPath: path))
        let strip = { (message: String) in message.replacingOccurrences(of: folder + "/", with: "") }
        switch c.expected {
        case .error(let expected):
            do {
                let warnings = try c.read(path)
                Issue.record("\(c.name): no error; warnings \(warnings.map(\.description))")
            } catch let error as VASPError {
                #expect(strip(error.description) == expected, "\(c.name)")
                // The message is one line, names the file first and never shows a Swift type or trace.
                #expect(!error.description.contains("\n"))
                #expect(error.description.hasPrefix(path))
                #expect(!error.description.contains("Swift."))
            }
        case .warning(let expected):
            let warnings = try c.read(path)
            #expect(warnings.map { strip($0.description) }.contains(expected), "\(c.name): \(warnings.map { strip($0.description) })")
        }
    }
}
