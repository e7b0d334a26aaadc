import Chemistry
import Foundation
import TestSupport
import Testing

@testable import Files
@testable import VASP

// MARK: - Helpers shared by the input-format tests (Poscar, Incar, Kpoints, Potcar)

/// SplitMix64: a small seeded generator so the property tests are reproducible.
struct InputsRandom: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `text` with 1–4 random edits: a line deleted or duplicated, a character replaced or inserted.
    mutating func mutate(_ text: String) -> String {
        var chars = Array(text)
        let alphabet = Array("0123456789-+.eEDTF*!#;=\"\\ \t\nabcSCK")
        for _ in 0..<Int.random(in: 1...4, using: &self) where !chars.isEmpty {
            let i = Int.random(in: 0..<chars.count, using: &self)
            switch Int.random(in: 0..<4, using: &self) {
            case 0: chars[i] = alphabet[Int.random(in: 0..<alphabet.count, using: &self)]
            case 1: chars.insert(alphabet[Int.random(in: 0..<alphabet.count, using: &self)], at: i)
            case 2:
                var lines = String(chars).split(separator: "\n", omittingEmptySubsequences: false)
                lines.remove(at: Int.random(in: 0..<lines.count, using: &self))
                chars = Array(lines.joined(separator: "\n"))
            default:
                var lines = String(chars).split(separator: "\n", omittingEmptySubsequences: false)
                let k = Int.random(in: 0..<lines.count, using: &self)
                lines.insert(lines[k], at: k)
                chars = Array(lines.joined(separator: "\n"))
            }
        }
        return String(chars)
    }

    /// A random word of `letters`, `1...maxLength` characters long.
    mutating func word(_ letters: String, maxLength: Int) -> String {
        let chars = Array(letters)
        return String((0..<Int.random(in: 1...maxLength, using: &self)).map { _ in chars[Int.random(in: 0..<chars.count, using: &self)] })
    }
}

/// A fresh temporary folder for one test.
func makeInputsTemporaryFolder() throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("cascade-inputs-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.path
}

func removeInputsTemporaryFolder(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
}

/// Largest component-wise difference of two lattices (Å).
func latticeDifference(_ x: Lattice, _ y: Lattice) -> Double {
    zip(x.rows.joined(), y.rows.joined()).map { abs($0 - $1) }.max() ?? .infinity
}

/// Largest difference of fractional coordinates, modulo lattice translations.
func wrappedDifference(_ x: [SIMD3<Double>], _ y: [SIMD3<Double>]) -> Double {
    guard x.count == y.count else { return .infinity }
    return zip(x, y).map { a, b in
        let d = a - b
        let w = d - d.rounded(.toNearestOrEven)
        return max(abs(w.x), abs(w.y), abs(w.z))
    }.max() ?? 0
}

// MARK: - POSCAR

@Suite struct PoscarTests {
    static let nacl = """
        NaCl rock salt
        5.64
        1.0 0.0 0.0
        0.0 1.0 0.0
        0.0 0.0 1.0
        Na Cl
        1 1
        Direct
        0.0 0.0 0.0
        0.5 0.5 0.5
        """

    @Test func readsVasp5Direct() throws {
        let p = try Poscar.parse(text: Self.nacl)
        #expect(p.comment == "NaCl rock salt")
        #expect(p.structure.species == ["Na", "Cl"])
        #expect(p.structure.lattice == .cubic(5.64))
        #expect(p.structure.fractionalPositions == [SIMD3(0, 0, 0), SIMD3(0.5, 0.5, 0.5)])
        #expect(p.structure.selectiveDynamics == nil)
        #expect(p.warnings.isEmpty)
    }

    @Test func readsCartesianScaledByTheFactor() throws {
        let text = """
            cart
            2.0
            2 0 0
            0 2 0
            0 0 2
            O
            1
            cartesian
            1.0 0.5 0.25
            """
        let p = try Poscar.parse(text: text)
        #expect(p.structure.lattice == .cubic(4))
        // Cartesian (1, 0.5, 0.25) × 2 = (2, 1, 0.5) Å in a 4 Å cube.
        #expect(p.structure.fractionalPositions[0] == SIMD3(0.5, 0.25, 0.125))
    }

    @Test(arguments: ["K", "k", "C", "c", "Cartesian"])
    func modeLettersCAndKAreCartesian(_ mode: String) throws {
        let text = "x\n1\n4 0 0\n0 4 0\n0 0 4\nH\n1\n\(mode)\n1 2 3\n"
        let p = try Poscar.parse(text: text)
        #expect(p.structure.cartesianPositions[0] == SIMD3(1, 2, 3))
    }

    @Test(arguments: ["Direct", "direct", "D", "Fractional"])
    func otherModeLettersAreDirect(_ mode: String) throws {
        let text = "x\n1\n4 0 0\n0 4 0\n0 0 4\nH\n1\n\(mode)\n0.25 0.5 0.75\n"
        #expect(try Poscar.parse(text: text).structure.fractionalPositions[0] == SIMD3(0.25, 0.5, 0.75))
    }

    @Test func negativeScaleIsTheTargetVolume() throws {
        let text = "v\n-64.0\n1 0 0\n0 1 0\n0 0 1\nSi\n1\nCartesian\n0.5 0.5 0.5\n"
        let p = try Poscar.parse(text: text)
        #expect(abs(p.structure.lattice.volume - 64) < 1e-12)
        #expect(abs(p.structure.lattice.a.x - 4) < 1e-14)
        // Cartesian positions are scaled by the same factor (4): (2, 2, 2) Å → (½, ½, ½).
        #expect(wrappedDifference(p.structure.fractionalPositions, [SIMD3(0.5, 0.5, 0.5)]) < 1e-14)
    }

    @Test func threeScaleFactorsScaleCartesianComponents() throws {
        let text = "s\n2.0 3.0 4.0\n1 1 0\n0 1 0\n0 0 1\nC\n1\nCartesian\n1 1 1\n"
        let p = try Poscar.parse(text: text)
        #expect(p.structure.lattice.a == SIMD3(2, 3, 0))
        #expect(p.structure.lattice.b == SIMD3(0, 3, 0))
        #expect(p.structure.lattice.c == SIMD3(0, 0, 4))
        #expect(p.structure.cartesianPositions[0] == SIMD3(2, 3, 4))
    }

    @Test func vasp4TakesSpeciesFromTheArgument() throws {
        let text = "no symbols\n1\n3 0 0\n0 3 0\n0 0 3\n2 1\nDirect\n0 0 0\n0.5 0 0\n0 0.5 0\n"
        let p = try Poscar.parse(text: text, species: ["Fe", "O"])
        #expect(p.structure.species == ["Fe", "Fe", "O"])
        #expect(p.warnings.isEmpty)
    }

    @Test func vasp4TakesSpeciesFromTheCommentWithAWarning() throws {
        let text = "Fe2 O1 slab\n1\n3 0 0\n0 3 0\n0 0 3\n2 1\nDirect\n0 0 0\n0.5 0 0\n0 0.5 0\n"
        let p = try Poscar.parse(text: text, file: "POSCAR4")
        #expect(p.structure.species == ["Fe", "Fe", "O"])
        #expect(
            p.warnings == [
                ReadWarning(
                    SourceLocation(file: "POSCAR4", line: 1),
                    "VASP 4 file without a species line: species Fe O taken from the comment line; pass species: to override")
            ])
    }

    @Test func speciesArgumentDisagreeingWithTheFileWarns() throws {
        let p = try Poscar.parse(text: Self.nacl, species: ["K", "Br"])
        #expect(p.structure.species == ["Na", "Cl"])
        #expect(p.warnings.count == 1)
    }

    @Test func multiLineSpeciesAndCounts() throws {
        let text = """
            TFSI fragment
            1.0
            10 0 0
            0 10 0
            0 0 10
            C N O
            S F Li
            2 1 4
            2 6
            1
            Direct
            """ + "\n" + (0..<16).map { "0.\($0 + 10) 0.1 0.1" }.joined(separator: "\n")
        let p = try Poscar.parse(text: text)
        #expect(p.structure.count == 16)
        #expect(p.structure.formula == "C2NO4S2F6Li")
    }

    @Test func vasp6SymbolsWithHashesAndSuffixesAreTrimmed() throws {
        let text = "x\n1\n3 0 0\n0 3 0\n0 0 3\nFe_pv/2f9c8e O\n1 1\nDirect\n0 0 0\n0.5 0.5 0.5\n"
        #expect(try Poscar.parse(text: text).structure.species == ["Fe", "O"])
    }

    @Test func selectiveDynamicsFlags() throws {
        let text = """
            sd
            1
            3 0 0
            0 3 0
            0 0 3
            H Ir
            1 1
            Selective dynamics
            Direct
            0 0 0.3 T T T H
            0 0 0 F F .TRUE. Ir
            """
        let p = try Poscar.parse(text: text)
        #expect(p.structure.selectiveDynamics == [.free, MovableAxes(false, false, true)])
    }

    @Test func velocityAndPredictorCorrectorBlocksAreIgnored() throws {
        let text =
            Self.nacl + """

                Cartesian
                 0.1 0.2 0.3
                 NaN NaN NaN

                  1
                  0.5
                garbage that is not read
                """
        let p = try Poscar.parse(text: text)
        #expect(p.structure.count == 2)
        #expect(p.warnings.isEmpty)
    }

    @Test func crlfLineEndsAndTabs() throws {
        let text = Self.nacl.replacingOccurrences(of: "\n", with: "\r\n").replacingOccurrences(of: " ", with: "\t")
        let p = try Poscar.parse(text: text)
        #expect(p.comment == "NaCl\trock\tsalt")
        #expect(p.structure.species == ["Na", "Cl"])
    }

    // MARK: Writing

    @Test func writesVasp5WithSymbolsAndSelectiveDynamics() throws {
        let s = Structure(
            lattice: .cubic(3), species: ["H", "Ir"], fractionalPositions: [SIMD3(0, 0, 0.3), SIMD3(0.5, 0.5, 0)],
            selectiveDynamics: [.free, .fixed])
        let text = Poscar(comment: "H on Ir", structure: s).text()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "H on Ir")
        #expect(lines[5].split(separator: " ") == ["H", "Ir"])
        #expect(lines[6].split(separator: " ") == ["1", "1"])
        #expect(lines[7] == "Selective dynamics")
        #expect(lines[8] == "Direct")
        #expect(lines[9] == "  0.0000000000000000  0.0000000000000000  0.3000000000000000   T   T   T")
        #expect(lines[10] == "  0.5000000000000000  0.5000000000000000  0.0000000000000000   F   F   F")
        #expect(try Poscar.parse(text: text) == Poscar(comment: "H on Ir", structure: s))
    }

    @Test func groupsSpeciesAndReturnsThePermutation() throws {
        let s = Structure(
            lattice: .cubic(5), species: ["O", "Fe", "O", "H", "Fe"],
            fractionalPositions: (0..<5).map { SIMD3(Double($0) / 10, 0, 0) })
        let poscar = Poscar(comment: "mixed", structure: s)
        let first = try poscar.rendered()
        #expect(first.permutation == [0, 2, 1, 4, 3])
        let read = try Poscar.parse(text: first.text)
        #expect(read.structure.species == ["O", "O", "Fe", "Fe", "H"])
        #expect(read.structure.fractionalPositions == first.permutation.map { s.fractionalPositions[$0] })

        let potcarOrder = try poscar.rendered(speciesOrder: ["H", "Fe", "Co", "O"])
        #expect(potcarOrder.permutation == [3, 1, 4, 0, 2])
        #expect(try Poscar.parse(text: potcarOrder.text).structure.species == ["H", "Fe", "Fe", "O", "O"])

        #expect(throws: VASPError.cannotWrite(file: "POSCAR", reason: "species H missing from the species order Fe O")) {
            try poscar.rendered(speciesOrder: ["Fe", "O"])
        }
    }

    @Test func writeIsAtomicAndRefusesToOverwrite() throws {
        let folder = try makeInputsTemporaryFolder()
        defer { removeInputsTemporaryFolder(folder) }
        let path = folder + "/POSCAR"
        let poscar = try Poscar.parse(text: Self.nacl)
        let permutation = try poscar.write(to: path)
        #expect(permutation == [0, 1])
        #expect(try Poscar.read(path: path) == poscar)
        #expect(throws: FileError.cannotWrite(file: path, reason: "the file exists; pass force: true to replace it")) {
            try poscar.write(to: path)
        }
        var changed = poscar
        changed.comment = "changed"
        try changed.write(to: path, force: true)
        #expect(try Poscar.read(path: path).comment == "changed")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder)
        #expect(leftovers == ["POSCAR"])
    }

    @Test func readsGzipCompressedFiles() throws {
        let folder = try makeInputsTemporaryFolder()
        defer { removeInputsTemporaryFolder(folder) }
        let path = folder + "/CONTCAR.gz"
        try Data(InputsGzip.stored(Array(Self.nacl.utf8))).write(to: URL(fileURLWithPath: path))
        #expect(try Poscar.read(path: path) == Poscar.parse(text: Self.nacl))
    }

    @Test func writeToAMissingFolderFails() throws {
        let poscar = try Poscar.parse(text: Self.nacl)
        #expect(throws: FileError.self) { try poscar.write(to: "/nonexistent-cascade-folder/POSCAR") }
    }

    // MARK: Round trip

    @Test func roundTripOfRandomStructures() throws {
        var g = InputsRandom(seed: 0x5EED_0001)
        for _ in 0..<1_000 {
            let original = Self.randomPoscar(&g)
            let read = try Poscar.parse(text: original.text())
            let s = read.structure
            #expect(read.comment == original.comment)
            #expect(s.species == original.structure.species)
            #expect(s.selectiveDynamics == original.structure.selectiveDynamics)
            #expect(latticeDifference(s.lattice, original.structure.lattice) < 1e-12)
            let error = zip(s.cartesianPositions, original.structure.cartesianPositions).map { ($0 - $1).length }.max() ?? 0
            #expect(error < 1e-12)
        }
    }

    static func randomPoscar(_ g: inout InputsRandom) -> Poscar {
        func r(_ range: ClosedRange<Double>) -> Double { Double.random(in: range, using: &g) }
        let lattice = Lattice(
            a: SIMD3(r(2...30), r(-3...3), r(-3...3)),
            b: SIMD3(r(-3...3), r(2...30), r(-3...3)),
            c: SIMD3(r(-3...3), r(-3...3), r(2...40)))
        let pool = ["Fe", "O", "H", "C", "N", "Li", "Co", "S", "F", "Ir", "Na"].shuffled(using: &g)
        let speciesCount = Int.random(in: 1...4, using: &g)
        let species = pool.prefix(speciesCount).flatMap { Array(repeating: $0, count: Int.random(in: 1...8, using: &g)) }
        let positions = species.map { _ in SIMD3(r(-0.2...1.2), r(-0.2...1.2), r(-0.2...1.2)) }
        let selective =
            Bool.random(using: &g)
            ? species.map { _ in MovableAxes(Bool.random(using: &g), Bool.random(using: &g), Bool.random(using: &g)) } : nil
        let words = (0..<Int.random(in: 0...4, using: &g)).map { _ in g.word("abcXYZ0123_-()=", maxLength: 8) }
        return Poscar(
            comment: words.joined(separator: " "),
            structure: Structure(lattice: lattice, species: species, fractionalPositions: positions, selectiveDynamics: selective))
    }

    // MARK: Malformed input

    static func malformed(_ line: Int, _ message: String) -> VASPError {
        .malformed(SourceLocation(file: "bad/POSCAR", line: line), message)
    }

    static let header = "x\n1\n3 0 0\n0 3 0\n0 0 3\n"

    static let malformedCases: [(String, VASPError)] = [
        ("", malformed(1, "expected a POSCAR (comment, scale, lattice, counts, positions), found an empty file")),
        ("x\nabc\n", malformed(2, "expected the scaling factor (one number, or three positive numbers), found 'abc'")),
        ("x\n0.0\n", malformed(2, "expected a non-zero scaling factor, found '0.0'")),
        ("x\n1 2\n", malformed(2, "expected the scaling factor (one number, or three positive numbers), found '1 2'")),
        ("x\n1 -1 1\n", malformed(2, "expected three positive scaling factors, found '1 -1 1'")),
        ("x\n1\n3 0 0\n0.0 1.0\n", malformed(4, "expected lattice vector b (three numbers), found '0.0 1.0'")),
        ("x\n1\n3 0 0\n0 3 0\n", malformed(5, "expected lattice vector c (three numbers), found the end of the file")),
        (
            "x\n1\n1 0 0\n2 0 0\n0 0 1\nH\n1\nDirect\n0 0 0\n",
            malformed(3, "expected three linearly independent lattice vectors, found a cell of volume 0")
        ),
        (header + "Fe O\n2\nDirect\n", malformed(8, "expected 1 more atom count (one per species: Fe O), found 'Direct'")),
        (header + "Fe O\n2 1 1\nDirect\n", malformed(7, "expected 2 atom counts (one per species: Fe O), found 3")),
        (header + "Fe\nDirect\n0 0 0\n", malformed(7, "expected atom counts (non-negative integers, one per species: Fe), found 'Direct'")),
        (header + "Fe\n1.5\n", malformed(7, "expected atom counts (non-negative integers, one per species: Fe), found '1.5'")),
        (header + "Fe\n0\nDirect\n", malformed(7, "expected at least one atom, found counts '0'")),
        (
            header + "2 1\nDirect\n",
            malformed(
                6,
                "expected a species line before the atom counts (VASP 4 file): pass species: (e.g. from the POTCAR) or name the 2 species in the comment line")
        ),
        (header + "Fe\n1\n0.0 0.0 0.0\n", malformed(8, "expected the coordinate mode 'Direct' or 'Cartesian', found '0.0 0.0 0.0'")),
        (
            header + "Fe\n3\nDirect\n0 0 0\n0.5 0.5 0.5\n",
            malformed(11, "expected the position of atom 3 (three numbers), found the end of the file after 2 of 3 atoms")
        ),
        (header + "Fe\n2\nDirect\n0 0 0\n0.5 0.5\n", malformed(10, "expected the position of atom 2 (three numbers), found '0.5 0.5'")),
        (header + "Fe\n1\nDirect\n0 0 ****\n", malformed(9, "expected the position of atom 1 (three numbers), found '0 0 ****'")),
        (
            header + "Fe\n1\nSelective dynamics\nDirect\n0 0 0 T T Fe\n",
            malformed(
                10,
                "expected three selective-dynamics flags (T or F) after the position of atom 1, found '0 0 0 T T Fe'")
        )
    ]

    @Test(arguments: malformedCases)
    func malformedInputNamesFileLineAndExpectation(_ text: String, _ expected: VASPError) {
        #expect(throws: expected) { try Poscar.parse(text: text, file: "bad/POSCAR") }
    }

    @Test func mutatedInputNeverCrashes() {
        var g = InputsRandom(seed: 0x5EED_0004)
        let seeds = [Self.nacl, Self.randomPoscar(&g).text(), Self.randomPoscar(&g).text()]
        for _ in 0..<2_000 {
            let text = g.mutate(seeds[Int.random(in: 0..<seeds.count, using: &g)])
            do {
                let p = try Poscar.parse(text: text)
                #expect(p.structure.species.count == p.structure.fractionalPositions.count)
            } catch {
                #expect(error is VASPError)
            }
        }
    }

    @Test func missingFileIsCannotRead() {
        #expect(throws: FileError.cannotRead(file: "/nonexistent/POSCAR", reason: "No such file or directory")) {
            try Poscar.read(path: "/nonexistent/POSCAR")
        }
    }

    // MARK: Corpus

    @Test func corpusPresentOnCI() { Corpus.checkPresentOnCI() }

    @Test(.enabled(if: Corpus.available, Corpus.skipMessage), arguments: 1...5)
    func atomateIrHMatchesTheVasprunReference(_ run: Int) throws {
        let folder = "adsorption/atomate_Ir_H/\(run)/outputs"
        let reference = try Corpus.reference(folder + "/vasprun.xml.gz.json")
        let initial = try Self.referenceStructure(reference["initial_structure"])
        let final = try Self.referenceStructure(reference["final_structure"])

        let contcar = try Poscar.read(path: Corpus.path(folder + "/CONTCAR"))
        #expect(contcar.warnings.isEmpty)
        #expect(contcar.structure.species == final.species)
        #expect(latticeDifference(contcar.structure.lattice, final.lattice) < 1e-6)
        #expect(wrappedDifference(contcar.structure.fractionalPositions, final.fractionalPositions) < 1e-6)

        let poscar = try Poscar.read(path: Corpus.path(folder + "/POSCAR"))
        #expect(poscar.warnings.isEmpty)
        if run == 1 {
            // The stored POSCAR of the bulk run is a 2-atom cell; the run itself (vasprun) used the
            // 4-atom cubic cell of its CONTCAR. Check the file's own values.
            #expect(poscar.structure.species == ["Ir", "Ir"])
            #expect(poscar.structure.lattice.a == SIMD3(1.937864, -0.0, 1.937864))
            #expect(poscar.structure.lattice.c == SIMD3(-0.0, 3.875728, -0.0))
            #expect(poscar.structure.fractionalPositions[1] == SIMD3(0.5, 0.5, 0.5))
        } else {
            #expect(poscar.structure.species == initial.species)
            #expect(latticeDifference(poscar.structure.lattice, initial.lattice) < 1e-6)
            #expect(wrappedDifference(poscar.structure.fractionalPositions, initial.fractionalPositions) < 1e-6)
        }
        if run >= 3 {
            // H on the Ir(100) 2×2 slab: H and the four Ir of the layer at z = 0.40625 move, 12 Ir are fixed.
            #expect(poscar.structure.count == 17)
            let flags = try #require(poscar.structure.selectiveDynamics)
            #expect(flags.allSatisfy { $0 == .free || $0 == .fixed })
            #expect(flags.indices.filter { flags[$0] == .free } == [0, 9, 10, 11, 12])
            #expect((9...12).allSatisfy { poscar.structure.fractionalPositions[$0].z == 0.40625 })
            #expect(contcar.structure.selectiveDynamics == poscar.structure.selectiveDynamics)
        }
    }

    @Test(.enabled(if: Corpus.available, Corpus.skipMessage))
    func pymatgenNebImagesWithVelocityBlocks() throws {
        // 31 Fe atoms: the end-point OUTCAR reference lists 31 magnetic moments.
        let outcar = try Corpus.reference("neb/pymatgen_neb1/00/OUTCAR.gz.json")
        let moments = try #require(outcar["magnetization"] as? [Any])
        for image in ["00/POSCAR", "01/CONTCAR", "02/CONTCAR", "03/CONTCAR", "04/POSCAR"] {
            let p = try Poscar.read(path: Corpus.path("neb/pymatgen_neb1/" + image))
            #expect(p.structure.count == moments.count, "\(image)")
            #expect(Set(p.structure.species) == ["Fe"])
            #expect(latticeDifference(p.structure.lattice, .cubic(7.267193)) < 1e-12, "\(image)")
            #expect(p.warnings.isEmpty)
        }
        let image1 = try Poscar.read(path: Corpus.path("neb/pymatgen_neb1/01/CONTCAR"))
        #expect(image1.structure.fractionalPositions[0] == SIMD3(0.0000169798276309, 0.0064789122199354, 0.4935561480910645))
        #expect(image1.structure.fractionalPositions[8] == SIMD3(-0.0000831220898289, 0.2386274346342180, 0.7684279359590449))
        #expect(image1.structure.fractionalPositions[30] == SIMD3(0.7662887401356639, 0.7484096911778264, 0.4986141778853179))
    }

    @Test(.enabled(if: Corpus.available, Corpus.skipMessage))
    func aiidaNH3ImagesIncludingNaNVelocities() throws {
        let files = ["00/POSCAR", "01/POSCAR", "01/CONTCAR", "02/POSCAR", "02/CONTCAR", "03/POSCAR", "03/CONTCAR", "04/POSCAR"]
        for file in files {
            let p = try Poscar.read(path: Corpus.path("neb/aiida-vasp_NH3_inversion/" + file))
            #expect(p.structure.species == ["H", "H", "H", "N"], "\(file)")
            #expect(p.structure.lattice == .orthorhombic(6, 7, 8), "\(file)")
            #expect(p.comment.hasPrefix("# Compound: H3N."))
            #expect(p.warnings.isEmpty)
        }
        let contcar = try Poscar.read(path: Corpus.path("neb/aiida-vasp_NH3_inversion/01/CONTCAR"))
        #expect(contcar.structure.fractionalPositions[3] == SIMD3(0.5, 0.5000437992745496, 0.4749858016264043))
        // The N atom crosses the H3 plane: z(N) goes from above to below the hydrogens' mean z.
        let start = try Poscar.read(path: Corpus.path("neb/aiida-vasp_NH3_inversion/00/POSCAR")).structure
        let end = try Poscar.read(path: Corpus.path("neb/aiida-vasp_NH3_inversion/04/POSCAR")).structure
        let meanH = { (s: Structure) in s.fractionalPositions.prefix(3).map(\.z).reduce(0, +) / 3 }
        #expect((start.fractionalPositions[3].z - meanH(start)) * (end.fractionalPositions[3].z - meanH(end)) < 0)
    }

    @Test(.enabled(if: Corpus.available, Corpus.skipMessage))
    func corpusFilesSurviveARoundTrip() throws {
        let files =
            (1...5).flatMap { ["adsorption/atomate_Ir_H/\($0)/outputs/POSCAR", "adsorption/atomate_Ir_H/\($0)/outputs/CONTCAR"] }
            + ["neb/pymatgen_neb1/01/CONTCAR", "neb/aiida-vasp_NH3_inversion/02/CONTCAR"]
        for file in files {
            let p = try Poscar.read(path: Corpus.path(file))
            let again = try Poscar.parse(text: p.text())
            #expect(again.structure.species == p.structure.species)
            #expect(latticeDifference(again.structure.lattice, p.structure.lattice) < 1e-12)
            #expect(wrappedDifference(again.structure.fractionalPositions, p.structure.fractionalPositions) < 1e-15)
        }
    }

    @Test(.enabled(if: Corpus.available, Corpus.skipMessage))
    func vasp4VersionOfACorpusFileUsesTheComment() throws {
        // Drop the symbols line of a real POSCAR ("H1 Ir16" comment): species come from the comment.
        let text = try String(contentsOfFile: Corpus.path("adsorption/atomate_Ir_H/3/outputs/POSCAR"), encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        lines.remove(at: 5)
        let p = try Poscar.parse(text: lines.joined(separator: "\n"))
        #expect(p.structure.species == ["H"] + Array(repeating: "Ir", count: 16))
        #expect(p.warnings.count == 1)
    }

    static func referenceStructure(_ value: Any?) throws -> Structure {
        let object = try #require(value as? [String: Any])
        let rows = try #require(object["lattice"] as? [[Double]])
        let species = try #require(object["species"] as? [String])
        let fractional = try #require(object["frac_coords"] as? [[Double]])
        return Structure(
            lattice: try #require(Lattice(rows: rows)), species: species,
            fractionalPositions: fractional.map { SIMD3($0[0], $0[1], $0[2]) })
    }
}
