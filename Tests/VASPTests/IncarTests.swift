import Foundation
import TestSupport
import Testing

@testable import Files
@testable import VASP

@Suite struct IncarTests {
    @Test func typedValues() throws {
        let incar = try Incar.parse(
            text: """
                ENCUT = 520
                EDIFF = 1E-06
                SIGMA = .05
                POTIM = 1.0D-1
                LWAVE = .FALSE.
                LCHARG = T
                LORBIT = 11
                LREAL = Auto
                ALGO = Fast
                GGA = PE
                SYSTEM = Fe on Ir(100)
                LASPH = True
                ISYM = -1
                """)
        #expect(incar["ENCUT"] == .int(520))
        #expect(incar["EDIFF"] == .double(1e-6))
        #expect(incar["SIGMA"] == .double(0.05))
        #expect(incar["POTIM"] == .double(0.1))
        #expect(incar["LWAVE"] == .bool(false))
        #expect(incar["LCHARG"] == .bool(true))
        #expect(incar["LREAL"] == .string("Auto"))
        #expect(incar["ALGO"] == .string("Fast"))
        #expect(incar["SYSTEM"] == .string("Fe on Ir(100)"))
        #expect(incar["LASPH"] == .bool(true))
        #expect(incar["ISYM"] == .int(-1))
        #expect(incar.double("ENCUT") == 520)
        #expect(incar.int("LORBIT") == 11)
        #expect(incar.tags == ["ENCUT", "EDIFF", "SIGMA", "POTIM", "LWAVE", "LCHARG", "LORBIT", "LREAL", "ALGO", "GGA", "SYSTEM", "LASPH", "ISYM"])
        #expect(incar.warnings.isEmpty)
    }

    @Test func repeatsAndArrays() throws {
        let incar = try Incar.parse(
            text: """
                MAGMOM = 2*5.0 3*0.6
                KPOINT_BSE = -1 0 0 0
                LDAUL = 2 -1
                LDAUU = 5 0.0
                LATTICE_CONSTRAINTS = 2*.FALSE. .TRUE.
                NUPDOWN = 1*2
                """)
        #expect(incar["MAGMOM"] == .doubles([5, 5, 0.6, 0.6, 0.6]))
        #expect(incar["KPOINT_BSE"] == .ints([-1, 0, 0, 0]))
        #expect(incar["LDAUL"] == .ints([2, -1]))
        #expect(incar["LDAUU"] == .doubles([5, 0]))
        #expect(incar["LATTICE_CONSTRAINTS"] == .bools([false, false, true]))
        #expect(incar["NUPDOWN"] == .ints([2]))
        #expect(incar.doubles("MAGMOM")?.count == 5)
        #expect(incar.text().contains("MAGMOM = 2*5.0 3*0.6\n"))
    }

    @Test func commentsSemicolonsContinuationsAndCase() throws {
        let incar = try Incar.parse(
            text: """
                # a comment line
                ! another
                ISMEAR = 0; sigma = 0.05   # Gaussian
                encut = 400 ! inline comment
                  Nsw=10;IBRION=2;
                MAGMOM = 1 2 \\
                         3 4
                SYSTEM = "a; b # not a comment"
                LSORBIT = F   ; LNONCOLLINEAR = .TRUE.
                """)
        #expect(incar.tags == ["ISMEAR", "SIGMA", "ENCUT", "NSW", "IBRION", "MAGMOM", "SYSTEM", "LSORBIT", "LNONCOLLINEAR"])
        #expect(incar["sigma"] == .double(0.05))
        #expect(incar["Encut"] == .int(400))
        #expect(incar["MAGMOM"] == .ints([1, 2, 3, 4]))
        #expect(incar["SYSTEM"] == .string("a; b # not a comment"))
        #expect(incar["LSORBIT"] == .bool(false))
        #expect(incar["LNONCOLLINEAR"] == .bool(true))
    }

    @Test func quotedValuesMaySpanLines() throws {
        let incar = try Incar.parse(text: "SYSTEM = \"first line\nsecond line\"\nENCUT = 400\n")
        #expect(incar["SYSTEM"] == .string("first line\nsecond line"))
        #expect(incar["ENCUT"] == .int(400))
    }

    @Test func numbersFollowedByWordsStayVerbatimAndReadAsNumbers() throws {
        let incar = try Incar.parse(text: "ENCUT = 300.00 eV\nMYTAG = whatever 1 2\n")
        #expect(incar["ENCUT"] == .string("300.00 eV"))
        #expect(incar.double("ENCUT") == 300)
        #expect(incar["MYTAG"] == .string("whatever 1 2"))
        #expect(incar.text() == "ENCUT = 300.00 eV\nMYTAG = whatever 1 2\n")
    }

    @Test func repeatedTagKeepsTheFirstWithAWarning() throws {
        let incar = try Incar.parse(text: "ENCUT = 400\nISMEAR = 0\nencut = 520\n", file: "run/INCAR")
        #expect(incar["ENCUT"] == .int(400))
        #expect(
            incar.warnings == [
                ReadWarning(
                    SourceLocation(file: "run/INCAR", line: 3, context: "ENCUT"),
                    "ENCUT is set again; VASP reads the first value (line 1), which was kept")
            ])
    }

    @Test func textWithoutEqualsIsIgnoredWithAWarning() throws {
        let incar = try Incar.parse(text: "Rhodium surface\nENCUT = 400\n", file: "INCAR")
        #expect(incar.tags == ["ENCUT"])
        #expect(
            incar.warnings == [
                ReadWarning(
                    SourceLocation(file: "INCAR", line: 1),
                    "ignored text without '=' (not a TAG = value statement): 'Rhodium surface'")
            ])
    }

    @Test func editingKeepsOrder() {
        var incar = Incar(["ENCUT": 520, "ISMEAR": 0, "SIGMA": 0.05, "LWAVE": false, "ALGO": "Normal"])
        incar["ismear"] = -5
        incar["NSW"] = 0
        incar["SIGMA"] = nil
        #expect(incar.tags == ["ENCUT", "ISMEAR", "LWAVE", "ALGO", "NSW"])
        #expect(incar.text() == "ENCUT = 520\nISMEAR = -5\nLWAVE = .FALSE.\nALGO = Normal\nNSW = 0\n")
    }

    @Test func stringsThatWouldReadAsSomethingElseAreQuoted() throws {
        var incar = Incar()
        incar["LABEL"] = .string("T")
        incar["NOTE"] = .string("5")
        incar["TEXT"] = .string("a # b")
        incar["EMPTY"] = .string("")
        incar["ALGO"] = .string("F")
        #expect(incar.text() == "LABEL = \"T\"\nNOTE = \"5\"\nTEXT = \"a # b\"\nEMPTY = \"\"\nALGO = F\n")
        #expect(try Incar.parse(text: incar.text()) == incar)
    }

    @Test func writeAndReadAFile() throws {
        let folder = try makeInputsTemporaryFolder()
        defer { removeInputsTemporaryFolder(folder) }
        let incar = Incar(["ENCUT": 520, "MAGMOM": .doubles([5, 5, 0.6])])
        try incar.write(to: folder + "/INCAR")
        #expect(try Incar.read(path: folder + "/INCAR") == incar)
        #expect(throws: FileError.self) { try incar.write(to: folder + "/INCAR") }
        try incar.write(to: folder + "/INCAR", force: true)
    }

    // MARK: Round trip

    @Test func roundTripOfRandomIncars() throws {
        var g = InputsRandom(seed: 0x5EED_0002)
        for _ in 0..<1_000 {
            let original = Self.randomIncar(&g)
            let text = original.text()
            let read = try Incar.parse(text: text)
            #expect(read == original, "\(text)")
            #expect(read.warnings.isEmpty)
        }
    }

    static func randomIncar(_ g: inout InputsRandom) -> Incar {
        var incar = Incar()
        for _ in 0..<Int.random(in: 0...25, using: &g) {
            let tag = g.word("ABCDEFGHIJKLMNOPQRSTUVWXYZ", maxLength: 1) + g.word("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_", maxLength: 10)
            incar[tag] = randomValue(&g)
        }
        return incar
    }

    static func randomValue(_ g: inout InputsRandom) -> Incar.Value {
        func double() -> Double {
            let mantissa = Double.random(in: -10...10, using: &g)
            return Bool.random(using: &g) ? mantissa : mantissa * pow(10, Double(Int.random(in: -12...12, using: &g)))
        }
        func count() -> Int { Int.random(in: 1...12, using: &g) }
        func runs<T>(_ make: () -> T) -> [T] {
            (0..<Int.random(in: 1...4, using: &g)).flatMap { _ in Array(repeating: make(), count: Int.random(in: 1...5, using: &g)) }
        }
        switch Int.random(in: 0..<7, using: &g) {
        case 0: return .int(Int.random(in: -100_000...100_000, using: &g))
        case 1: return .double(double())
        case 2: return .bool(Bool.random(using: &g))
        case 3:
            let words = (0..<count()).map { _ in g.word("abcdefxyzTF0123456789.+-_*()#!;=", maxLength: 6) }
            return .string(words.prefix(Int.random(in: 1...3, using: &g)).joined(separator: " "))
        case 4: return .ints(runs { Int.random(in: -50...50, using: &g) })
        case 5: return .doubles(runs { double() })
        default: return .bools(runs { Bool.random(using: &g) })
        }
    }

    @Test func mutatedInputNeverCrashes() {
        var g = InputsRandom(seed: 0x5EED_0005)
        let seeds = [Self.randomIncar(&g).text(), Self.randomIncar(&g).text(), "MAGMOM = 2*5.0 3*0.6; SYSTEM = \"a b\"\nENCUT = 400 \\\n 500\n"]
        for _ in 0..<2_000 {
            let text = g.mutate(seeds[Int.random(in: 0..<seeds.count, using: &g)])
            do {
                _ = try Incar.parse(text: text)
            } catch {
                #expect(error is VASPError)
            }
        }
    }

    // MARK: Malformed input

    static func malformed(_ line: Int, _ tag: String?, _ message: String) -> VASPError {
        .malformed(SourceLocation(file: "bad/INCAR", line: line, context: tag), message)
    }

    static let malformedCases: [(String, VASPError)] = [
        ("ENCUT = 400\nISMEAR =\n", malformed(2, "ISMEAR", "expected a value after 'ISMEAR ='")),
        ("ENCUT = 400; = 5\n", malformed(1, nil, "expected a tag name before '='")),
        ("\n\nEN CUT = 400\n", malformed(3, "EN CUT", "expected a tag name (letters, digits and '_'), found 'EN CUT'")),
        ("MAGMOM = 0*5.0\n", malformed(1, "MAGMOM", "expected a repeat count from 1 to 1000000 in '0*5.0'")),
        ("MAGMOM = 3* 5.0\n", malformed(1, "MAGMOM", "expected a value after '3*'")),
        ("ENCUT = 400\nSYSTEM = \"open\nNSW = 5\n", malformed(2, "SYSTEM", "expected a closing '\"' for the value of SYSTEM")),
        ("SYSTEM = \"a\" b\n", malformed(1, "SYSTEM", "expected nothing after the closing '\"' of SYSTEM, found 'b'"))
    ]

    @Test(arguments: malformedCases)
    func malformedInputNamesFileLineTagAndExpectation(_ text: String, _ expected: VASPError) {
        #expect(throws: expected) { try Incar.parse(text: text, file: "bad/INCAR") }
    }

    // MARK: Corpus

    @Test func corpusPresentOnCI() { Corpus.checkPresentOnCI() }

    @Test(.enabled(if: Corpus.available, Corpus.skipMessage), arguments: 1...5)
    func atomateIrHMatchesTheVasprunReference(_ run: Int) throws {
        let folder = "adsorption/atomate_Ir_H/\(run)/outputs"
        let incar = try Incar.read(path: Corpus.path(folder + "/INCAR"))
        #expect(incar.warnings.isEmpty)
        let reference = try #require(try Corpus.reference(folder + "/vasprun.xml.gz.json")["incar"] as? [String: Any])
        // The stored INCAR is the workflow's input; custodian/VASP changed a few tags before the run.
        let differing: Set<String> = run == 1 ? ["LORBIT", "NCORE"] : ["ISIF", "LORBIT", "NCORE"]
        for entry in incar.entries where !differing.contains(entry.tag) {
            let expected = try #require(reference[entry.tag], "\(entry.tag) missing from the reference")
            #expect(Self.matches(entry.value, expected), "\(entry.tag): \(entry.value) vs \(expected)")
        }
        let poscar = try Poscar.read(path: Corpus.path(folder + "/POSCAR"))
        if run > 1 { #expect(incar.doubles("MAGMOM")?.count == poscar.structure.count) }
        #expect(incar["MAGMOM"] == .doubles(Array(repeating: 0.6, count: run >= 3 ? 17 : 4)))
        #expect(incar["LWAVE"] == .bool(false))
        #expect(incar["EDIFF"] == .double(1e-6))
        #expect(incar["LORBIT"] == .int(11))
        #expect(incar["NCORE"] == .int(8))
        #expect(incar["ISIF"] == .int(run == 1 ? 3 : 2))
        #expect(try Incar.parse(text: incar.text()) == incar)
    }

    @Test(.enabled(if: Corpus.available, Corpus.skipMessage))
    func aiidaNebIncar() throws {
        let incar = try Incar.read(path: Corpus.path("neb/aiida-vasp_NH3_inversion/INCAR"))
        #expect(incar.tags == ["ALGO", "EDIFF", "IBRION", "IMAGES", "NSW", "POTIM", "SPRING", "IOPT", "EDIFFG"])
        #expect(incar["ALGO"] == .string("normal"))
        #expect(incar["IMAGES"] == .int(3))
        #expect(incar["POTIM"] == .double(0))
        #expect(incar["SPRING"] == .int(-5))
        #expect(incar["EDIFFG"] == .double(-0.03))
        #expect(incar.warnings.isEmpty)
    }

    /// An INCAR value against pymatgen's typed value from vasprun.xml.
    static func matches(_ value: Incar.Value, _ reference: Any) -> Bool {
        switch value {
        case .int(let i): return number(reference) == Double(i)
        case .double(let d): return number(reference) == d
        case .bool(let b): return (reference as? Bool) == b
        case .string(let s): return (reference as? String)?.lowercased() == s.lowercased()
        case .ints(let v): return (reference as? [Any])?.map(number) == v.map(Double.init)
        case .doubles(let v): return (reference as? [Any])?.map(number) == v
        case .bools(let v): return (reference as? [Bool]) == v
        }
    }

    /// A JSON number as a Double, whatever type Foundation chose for it.
    static func number(_ x: Any) -> Double? {
        if let i = x as? Int { return Double(i) }
        if let d = x as? Double { return d }
        return (x as? NSNumber)?.doubleValue
    }
}
