import Foundation
import TestSupport
import Testing

@testable import Files
@testable import VASP

@Suite struct KpointsTests {
    @Test func gammaMeshWithoutShift() throws {
        let k = try Kpoints.parse(text: "Automatic mesh\n0\nGamma\n18 18 13\n")
        #expect(k.comment == "Automatic mesh")
        #expect(k.mode == .mesh(.init(centering: .gamma, divisions: SIMD3(18, 18, 13))))
        #expect(k == .gamma(18, 18, 13, comment: "Automatic mesh"))
    }

    @Test func monkhorstPackWithShift() throws {
        let k = try Kpoints.parse(text: "mp\n 0\nMonkhorst-Pack\n  4 4 4\n  0.5 0.5 0.5\n")
        #expect(k.mode == .mesh(.init(centering: .monkhorstPack, divisions: SIMD3(4, 4, 4), shift: SIMD3(0.5, 0.5, 0.5))))
        #expect(k.text() == "mp\n0\nMonkhorst-Pack\n  4 4 4\n           0.5          0.5          0.5\n")
    }

    @Test(arguments: ["Gamma", "gamma", "G", "Gamma-centered"])
    func gammaByFirstLetter(_ style: String) throws {
        let k = try Kpoints.parse(text: "x\n0\n\(style)\n2 2 2\n")
        #expect(k.mode == .mesh(.init(centering: .gamma, divisions: SIMD3(2, 2, 2))))
    }

    @Test(arguments: ["Monkhorst", "monkhorst-pack", "M"])
    func monkhorstByFirstLetter(_ style: String) throws {
        let k = try Kpoints.parse(text: "x\n0\n\(style)\n3 3 1\n")
        #expect(k.mode == .mesh(.init(centering: .monkhorstPack, divisions: SIMD3(3, 3, 1))))
    }

    @Test func fullyAutomatic() throws {
        let k = try Kpoints.parse(text: "Fully automatic\n0\nAuto\n  25\n")
        #expect(k.mode == .automatic(length: 25))
        #expect(k.text() == "Fully automatic\n0\nAuto\n  25.0\n")
    }

    @Test func explicitListWithWeightsAndLabels() throws {
        let k = try Kpoints.parse(
            text: """
                Explicit k-points
                3
                Reciprocal
                  0.0 0.0 0.0 1 ! \\Gamma
                  0.5 0.0 0.0 2 X
                  0.5 0.5 0.0 1
                Tetrahedra
                1 0.1666
                6 1 2 3 4
                """, file: "K")
        guard case .explicit(let points, let cartesian) = k.mode else {
            Issue.record("expected an explicit list")
            return
        }
        #expect(!cartesian)
        #expect(
            points == [
                .init(SIMD3(0, 0, 0), weight: 1, label: "\\Gamma"),
                .init(SIMD3(0.5, 0, 0), weight: 2, label: "X"),
                .init(SIMD3(0.5, 0.5, 0), weight: 1)
            ])
        #expect(
            k.warnings == [
                ReadWarning(
                    SourceLocation(file: "K", line: 7),
                    "lines after the 3 k-points ignored (a tetrahedron section is not read)")
            ])
    }

    @Test(arguments: ["Cartesian", "cart", "K", "k"])
    func explicitCartesian(_ style: String) throws {
        let k = try Kpoints.parse(text: "x\n1\n\(style)\n0.1 0.2 0.3 1\n")
        #expect(k.mode == .explicit(points: [.init(SIMD3(0.1, 0.2, 0.3), weight: 1)], cartesian: true))
    }

    @Test func lineModeWithLabels() throws {
        let k = try Kpoints.parse(
            text: """
                k-path for fcc
                40
                Line-mode
                Reciprocal
                  0.0 0.0 0.0 ! \\Gamma
                  0.5 0.0 0.5 ! X

                  0.5 0.0 0.5 ! X
                  0.5 0.25 0.75 !W
                  0.5 0.25 0.75 W
                  0.375 0.375 0.75 1 K
                """)
        #expect(
            k.mode
                == .line(
                    divisions: 40,
                    segments: [
                        .init(.init(SIMD3(0, 0, 0), label: "\\Gamma"), .init(SIMD3(0.5, 0, 0.5), label: "X")),
                        .init(.init(SIMD3(0.5, 0, 0.5), label: "X"), .init(SIMD3(0.5, 0.25, 0.75), label: "W")),
                        .init(.init(SIMD3(0.5, 0.25, 0.75), label: "W"), .init(SIMD3(0.375, 0.375, 0.75), label: "K"))
                    ], cartesian: false))
        #expect(try Kpoints.parse(text: k.text()) == k)
    }

    @Test func writeAndReadAFile() throws {
        let folder = try makeInputsTemporaryFolder()
        defer { removeInputsTemporaryFolder(folder) }
        let k = Kpoints.gamma(3, 3, 1)
        try k.write(to: folder + "/KPOINTS")
        #expect(try Kpoints.read(path: folder + "/KPOINTS") == k)
        #expect(throws: FileError.cannotWrite(file: folder + "/KPOINTS", reason: "the file exists; pass force: true to replace it")) {
            try Kpoints.monkhorstPack(2, 2, 2).write(to: folder + "/KPOINTS")
        }
        try Kpoints.monkhorstPack(2, 2, 2).write(to: folder + "/KPOINTS", force: true)
        #expect(try Kpoints.read(path: folder + "/KPOINTS") == .monkhorstPack(2, 2, 2))
    }

    // MARK: Round trip

    @Test func roundTripOfRandomKpoints() throws {
        var g = InputsRandom(seed: 0x5EED_0003)
        for _ in 0..<1_000 {
            let original = Self.randomKpoints(&g)
            let text = original.text()
            let read = try Kpoints.parse(text: text)
            #expect(read == original, "\(text)")
            #expect(read.warnings.isEmpty)
        }
    }

    static func randomKpoints(_ g: inout InputsRandom) -> Kpoints {
        func r() -> Double { Double.random(in: -1...1, using: &g) }
        func v() -> SIMD3<Double> { SIMD3(r(), r(), r()) }
        func label() -> String? {
            Bool.random(using: &g) ? nil : ["\\Gamma", "X", "M", "K", "L", "W", "S_0", "Y|C"].randomElement(using: &g)
        }
        let comment = (0..<Int.random(in: 0...3, using: &g)).map { _ in g.word("abcKPT0123-_", maxLength: 7) }.joined(separator: " ")
        let mode: Kpoints.Mode
        switch Int.random(in: 0..<4, using: &g) {
        case 0:
            mode = .automatic(length: Double.random(in: 1...100, using: &g))
        case 1:
            let n = SIMD3(Int.random(in: 1...24, using: &g), Int.random(in: 1...24, using: &g), Int.random(in: 1...24, using: &g))
            let shift = Bool.random(using: &g) ? SIMD3<Double>.zero : [SIMD3(0.5, 0.5, 0.5), v()].randomElement(using: &g) ?? .zero
            mode = .mesh(.init(centering: Bool.random(using: &g) ? .gamma : .monkhorstPack, divisions: n, shift: shift))
        case 2:
            let points = (0..<Int.random(in: 1...30, using: &g)).map { _ in
                Kpoints.Point(v(), weight: Double(Int.random(in: 1...48, using: &g)) * (Bool.random(using: &g) ? 1 : 0.125), label: label())
            }
            mode = .explicit(points: points, cartesian: Bool.random(using: &g))
        default:
            let segments = (0..<Int.random(in: 1...8, using: &g)).map { _ in Kpoints.Segment(.init(v(), label: label()), .init(v(), label: label())) }
            mode = .line(divisions: Int.random(in: 1...100, using: &g), segments: segments, cartesian: Bool.random(using: &g))
        }
        return Kpoints(comment: comment, mode: mode)
    }

    @Test func mutatedInputNeverCrashes() {
        var g = InputsRandom(seed: 0x5EED_0005)
        let seeds = [Self.randomKpoints(&g).text(), Self.randomKpoints(&g).text(), Self.randomKpoints(&g).text(), Self.randomKpoints(&g).text()]
        for _ in 0..<2_000 {
            let text = g.mutate(seeds[Int.random(in: 0..<seeds.count, using: &g)])
            do {
                _ = try Kpoints.parse(text: text)
            } catch {
                #expect(error is VASPError)
            }
        }
    }

    // MARK: Malformed input

    static func malformed(_ line: Int, _ message: String) -> VASPError {
        .malformed(SourceLocation(file: "bad/KPOINTS", line: line), message)
    }

    static let malformedCases: [(String, VASPError)] = [
        ("", malformed(1, "expected a KPOINTS file (comment, count, style), found an empty file")),
        ("x\nauto\n", malformed(2, "expected the number of k-points (0 for an automatic mesh), found 'auto'")),
        (
            "x\n0\n",
            malformed(
                3,
                "expected the style ('Gamma', 'Monkhorst-Pack', 'Auto', 'Line-mode', 'Reciprocal' or 'Cartesian'), found the end of the file")
        ),
        ("x\n0\nHexagonal\n4 4 4\n", malformed(3, "expected 'Gamma', 'Monkhorst-Pack' or 'Auto' for an automatic mesh, found 'Hexagonal'")),
        (
            "x\n0\nCartesian\n0.25 0 0\n",
            malformed(
                3,
                "expected 'Gamma', 'Monkhorst-Pack' or 'Auto' for an automatic mesh; meshes from generating basis vectors ('Cartesian') are not supported")
        ),
        ("x\n0\nGamma\n4 4\n", malformed(4, "expected three positive integer subdivisions, found '4 4'")),
        ("x\n0\nGamma\n4 0 4\n", malformed(4, "expected three positive integer subdivisions, found '4 0 4'")),
        ("x\n0\nGamma\n4 4 4\n0.5 0.5\n", malformed(5, "expected the mesh shift (three numbers) or nothing, found '0.5 0.5'")),
        ("x\n0\nAuto\n-5\n", malformed(4, "expected the length Rk in Å (one positive number), found '-5'")),
        (
            "x\n2\nReciprocal\n0 0 0 1\n",
            malformed(
                5,
                "expected k-point 2 (three coordinates and a weight), found the end of the file after 1 of 2 k-points")
        ),
        ("x\n1\nReciprocal\n0 0 0\n", malformed(4, "expected k-point 1 (three coordinates and a weight), found '0 0 0'")),
        ("x\n10\nLine\n0 0 0\n", malformed(4, "expected the coordinate mode 'Reciprocal' or 'Cartesian', found '0 0 0'")),
        (
            "x\n10\nLine\nReciprocal\n0 0 0 ! G\n0.5 0 0 ! X\n0.5 0.5 0 ! M\n",
            malformed(
                7,
                "expected line-mode end points in pairs (start and end of each segment), found 3 points")
        ),
        (
            "x\n10\nLine\nReciprocal\n0 0 ! G\n",
            malformed(
                5,
                "expected a line-mode end point (three coordinates, optional '! label'), found '0 0 ! G'")
        ),
        ("x\n10\nLine\nReciprocal\n\n", malformed(5, "expected line-mode end points, found the end of the file"))
    ]

    @Test(arguments: malformedCases)
    func malformedInputNamesFileLineAndExpectation(_ text: String, _ expected: VASPError) {
        #expect(throws: expected) { try Kpoints.parse(text: text, file: "bad/KPOINTS") }
    }

    // MARK: Corpus

    @Test func corpusPresentOnCI() { Corpus.checkPresentOnCI() }

    @Test(.enabled(if: Corpus.available, Corpus.skipMessage), arguments: 1...5)
    func atomateIrH(_ run: Int) throws {
        let k = try Kpoints.read(path: Corpus.path("adsorption/atomate_Ir_H/\(run)/outputs/KPOINTS"))
        let expected: SIMD3<Int> = run == 1 ? SIMD3(18, 18, 13) : run == 2 ? SIMD3(18, 18, 1) : SIMD3(9, 9, 1)
        #expect(k == .gamma(expected.x, expected.y, expected.z, comment: "Automatic mesh"))
        #expect(k.warnings.isEmpty)
        #expect(try Kpoints.parse(text: k.text()) == k)
    }

    @Test(.enabled(if: Corpus.available, Corpus.skipMessage))
    func aiidaGammaOnlyWithExplicitZeroShift() throws {
        let k = try Kpoints.read(path: Corpus.path("neb/aiida-vasp_NH3_inversion/KPOINTS"))
        #expect(k.comment == "# No comment")
        #expect(k.mode == .mesh(.init(centering: .gamma, divisions: SIMD3(1, 1, 1), shift: .zero)))
        #expect(k.warnings.isEmpty)
    }
}
