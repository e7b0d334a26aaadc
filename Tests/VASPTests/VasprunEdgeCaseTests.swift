import Chemistry
import Foundation
import Testing

@testable import Files
@testable import VASP

// Edge cases of the streaming vasprun.xml reader on small hand-written fixtures
// (Tests/VASPTests/Fixtures/vasprun, written by tools/make_vasprun_fixtures.py).

// MARK: - Fixture support

/// The hand-made vasprun fixtures, temporary folders and gzip through `/bin/gzip`.
enum EdgeFixture {
    /// `Tests/VASPTests/Fixtures/vasprun`.
    static let folder: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/vasprun").path

    /// The package root.
    static let packageRoot: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    static func path(_ name: String) -> String { folder + "/" + name }

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(name))))
    }

    static func text(_ name: String) throws -> String {
        String(decoding: try bytes(name), as: UTF8.self)
    }

    static func read(_ name: String, options: VasprunOptions = VasprunOptions()) throws -> Vasprun {
        try Vasprun.read(path: path(name), options: options)
    }

    /// A fresh temporary folder; remove it with `removeTemporaryFolder`.
    static func temporaryFolder() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cascade-edge-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    static func removeTemporaryFolder(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    static func write(_ bytes: some Collection<UInt8>, to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// `bytes` compressed by `/bin/gzip -c -n` (one gzip member).
    static func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        let folder = try temporaryFolder()
        defer { removeTemporaryFolder(folder) }
        let input = folder + "/data"
        try write(bytes, to: input)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-c", "-n", "-9", input]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, data.count > 18 else {
            throw VASPError.cannotWrite(file: input, reason: "gzip failed with status \(process.terminationStatus)")
        }
        return [UInt8](data)
    }
}

/// A number in units of 1e-4 as the double nearest to its 4-decimal text (what a correct reader gives).
func e4(_ n: Int) -> Double { Double(n) / 10_000 }

/// The formulas of `lih_spin_relax.xml` (see tools/make_vasprun_fixtures.py), in units of 1e-4.
enum LiH {
    static let bands = [-387654, -41234, 29876, 61234]
    static let efermi = -37000
    static let grid = (0..<5).map { -450000 + 137500 * $0 }
    static let lm = ["s", "py", "pz", "px", "dxy", "dyz", "dz2", "dxz", "x2-y2"]
    static func eigen(_ s: Int, _ k: Int, _ b: Int) -> Int { bands[b] + 1500 * k + 12 * s }
    static func occupation(_ e: Int) -> Int {
        let margin = efermi + 2000 - e
        if margin > 4000 { return 10000 }
        if margin < 0 { return 0 }
        return margin * 5 / 2
    }
    static func total(_ s: Int, _ i: Int) -> Int { 1000 * ((3 * i + 2 * s) % 7) + 37 * i + 11 * s }
    static func integrated(_ s: Int, _ i: Int) -> Int { (0...i).map { total(s, $0) }.reduce(0, +) * 15 / 10 }
    static func partial(_ ion: Int, _ s: Int, _ i: Int, _ orb: Int) -> Int { ((ion * 5 + s * 3 + i * 2 + orb) % 9) * 111 + orb }
    static func projected(_ s: Int, _ k: Int, _ b: Int, _ ion: Int, _ orb: Int) -> Int {
        ((s * 7 + k * 5 + b * 3 + ion * 2 + orb) % 10) * 123
    }
    /// SCF energies (e_fr, e_wo, e_0) of the two ionic steps.
    static let scf: [[(Double, Double, Double)]] = [
        [(-4.98765432, -4.97654321, -4.98209876), (-5.87012345, -5.86543210, -5.86777777), (-5.87512345, -5.87034567, -5.87273456)],
        [(-5.88001234, -5.87512121, -5.87756677), (-5.88123456, -5.87643210, -5.87883333), (-5.88134567, -5.87650123, -5.87892345)]
    ]
    /// Calc-level (e_fr, e_wo): the last SCF values plus the vdW energy −0.21345678 eV; e_0 written as 0.
    static let calc: [(Double, Double)] = [(-6.08858023, -6.08380245), (-6.09480245, -6.08995801)]
}

/// The open elements, ionic steps and finished blocks of a prefix of a fixture, worked out from its
/// complete tags alone (no self-closing tags, comments or `>` inside attributes in the fixtures).
struct PrefixState {
    var path: [String] = []
    var closedCalculations = 0
    var calcEnergyClosed = false
    var eigenvaluesDone = false
    var dosDone = false
    var projectedDone = false
    var finalposDone = false
    var sawModeling = false
    var closedModeling = false

    init(_ bytes: ArraySlice<UInt8>) {
        var i = bytes.startIndex
        while let open = bytes[i...].firstIndex(of: 0x3C) {  // <
            guard let close = bytes[open...].firstIndex(of: 0x3E) else { break }  // >
            let tag = String(decoding: bytes[(open + 1)..<close], as: UTF8.self)
            i = close + 1
            if tag.hasPrefix("?") || tag.hasPrefix("!") { continue }
            if tag.hasPrefix("/") {
                let name = String(tag.dropFirst())
                let parent = path.count >= 2 ? path[path.count - 2] : ""
                if name == "calculation" { closedCalculations += 1 }
                if name == "energy" && parent == "calculation" { calcEnergyClosed = true }
                if name == "array" && parent == "eigenvalues" && path.count >= 3 && path[path.count - 3] == "calculation" {
                    eigenvaluesDone = true
                }
                if name == "dos" { dosDone = true }
                if name == "array" && parent == "projected" { projectedDone = true }
                if name == "structure" && parent == "modeling" && finalposOpen { finalposDone = true }
                if name == "modeling" { closedModeling = true }
                path.removeLast()
            } else {
                let name = String(tag.prefix { $0 != " " && $0 != "\n" })
                if name == "calculation" { calcEnergyClosed = false }
                if name == "modeling" { sawModeling = true }
                if name == "structure" { finalposOpen = tag.contains("finalpos") }
                path.append(name)
            }
        }
    }

    private var finalposOpen = false

    /// Ionic steps the reader must return: closed calculations, plus the open one when its
    /// calc-level `<energy>` is complete (VasprunParser.salvagePartialStep).
    var expectedIonicSteps: Int {
        closedCalculations + (path.contains("calculation") && calcEnergyClosed ? 1 : 0)
    }
}

// MARK: - The complete fixture

@Suite struct VasprunEdgeCaseTests {
    static let complete = "lih_spin_relax.xml"

    @Test func generatorAndIncarAreTyped() throws {
        let run = try EdgeFixture.read(Self.complete)
        #expect(run.complete)
        #expect(run.warnings.isEmpty)
        #expect(run.generator["program"] == .string("vasp"))
        #expect(run.generator["version"] == .string("6.0.8"))
        #expect(run.vaspVersion == "6.0.8")
        #expect(run.generator["subversion"]?.string?.hasPrefix("15Jan21 (build Feb 03 2021 10:11:12) complex") == true)
        #expect(run.generator["platform"] == .string("LinuxIFC"))
        #expect(run.generator["date"] == .string("2021 03 14"))
        #expect(run.generator["time"] == .string("09:26:53"))
        #expect(run.generator.names == ["program", "version", "subversion", "platform", "date", "time"])

        let incar = run.incar
        #expect(incar["SYSTEM"] == .string("LiH rock salt relax"))
        #expect(incar["PREC"] == .string("accurate"))
        #expect(incar["ISPIN"] == .int(2))
        #expect(incar["MAGMOM"] == .doubles([0.6, 0.4]))
        #expect(incar["ENCUT"] == .double(500))
        #expect(incar["EDIFF"] == .double(1e-6))
        #expect(incar["IBRION"] == .int(2))
        #expect(incar["ISIF"] == .int(3))
        #expect(incar["NSW"] == .int(10))
        #expect(incar["EDIFFG"] == .double(-0.01))
        #expect(incar["ISMEAR"] == .int(0))
        #expect(incar["SIGMA"] == .double(0.05))
        #expect(incar["NEDOS"] == .int(5))
        #expect(incar["LORBIT"] == .int(11))
        #expect(incar["IVDW"] == .int(12))
        #expect(incar["LWAVE"] == .bool(false))
        #expect(incar["LCHARG"] == .bool(true))
        // `name="GGA    "`: the padded name is trimmed.
        #expect(incar["GGA"] == .string("PE"))
        #expect(incar["GGA    "] == nil)
        #expect(incar["LDAUL"] == .ints([2, -1]))
        #expect(incar["LATTICE_CONSTRAINTS"] == .bools([true, true, false]))
        #expect(
            incar.names == [
                "SYSTEM", "PREC", "ISPIN", "MAGMOM", "ENCUT", "EDIFF", "IBRION", "ISIF", "NSW", "EDIFFG", "ISMEAR",
                "SIGMA", "NEDOS", "LORBIT", "IVDW", "LWAVE", "LCHARG", "GGA", "LDAUL", "LATTICE_CONSTRAINTS"
            ])
        #expect(incar["ENCUT"]?.int == 500)
        #expect(incar["EDIFF"]?.int == nil)
    }

    @Test func kpointsGenerationListAndWeights() throws {
        let run = try EdgeFixture.read(Self.complete)
        let k = try #require(run.kpoints)
        #expect(k.scheme == "Gamma")
        #expect(k.divisions == [1, 1, 2])
        #expect(k.shift == [0, 0, 0])
        #expect(k.points == [SIMD3(0, 0, 0), SIMD3(0, 0, 0.5)])
        #expect(k.weights == [0.5, 0.5])
        #expect(run.kpointsOpt == nil)
    }

    @Test func parametersFlattenNestedSeparatorsAndResponseFunctionsNeverOverride() throws {
        let p = try EdgeFixture.read(Self.complete).parameters
        #expect(p["SYSTEM"] == .string("LiH rock salt relax"))
        #expect(p["LCOMPAT"] == .bool(false))
        #expect(p["ENMAX"] == .double(500))
        #expect(p["NELECT"] == .double(4))
        // Nested separators (two levels deep) are flattened.
        #expect(p["ISMEAR"] == .int(0))
        #expect(p["MAGMOM"] == .doubles([0.6, 0.4]))
        #expect(p["SAXIS"] == .doubles([0, 0, 1]))
        #expect(p["LDIAG"] == .bool(true))
        #expect(p["WEIMIN"] == .double(0.001))
        #expect(p["RWIGS"] == .doubles([-1, -1]))
        #expect(p["LATTICE_CONSTRAINTS"] == .bools([true, true, false]))
        // "response functions" repeats NBANDS = 64 and (in a nested separator) NELM = 1: ignored.
        #expect(p["NBANDS"] == .int(4))
        #expect(p["NELM"] == .int(60))
        // …but adds the tags it alone has.
        #expect(p["ENCUTGW"] == .double(300))
        #expect(p["KPOINT"] == .ints([-1, 0, 0, 0]))
        #expect(p["OMEGAMAX"] == .double(-30))
        // A separator after it still counts.
        #expect(p["NPAR"] == .int(4))
        #expect(p.names.prefix(4) == ["SYSTEM", "LCOMPAT", "PREC", "ENMAX"])
        #expect(p.names.filter { $0 == "NBANDS" }.count == 1)
        #expect(p.count == 37)
    }

    @Test func atominfoAtomTypesAndNetCharge() throws {
        let run = try EdgeFixture.read(Self.complete)
        #expect(run.atoms == ["Li", "H"])
        #expect(
            run.atomTypes == [
                AtomType(element: "Li", count: 1, mass: 6.941, valence: 3, pseudopotential: "PAW_PBE Li_sv 10Sep2004"),
                AtomType(element: "H", count: 1, mass: 1, valence: 1, pseudopotential: "PAW_PBE H 15Jun2001")
            ])
        #expect(run.potcarTitles == ["PAW_PBE Li_sv 10Sep2004", "PAW_PBE H 15Jun2001"])
        #expect(run.nelect == 4)
        #expect(run.netCharge == 0)
        #expect(run.isNoncollinear == false)
    }

    @Test func initialStepAndFinalStructures() throws {
        let run = try EdgeFixture.read(Self.complete)
        let initial = try #require(run.initialStructure)
        #expect(initial.lattice.rows == [[0, 2.01, 2.01], [2.01, 0, 2.01], [2.01, 2.01, 0]])
        #expect(initial.species == ["Li", "H"])
        #expect(initial.fractionalPositions == [SIMD3(0, 0, 0), SIMD3(0.5, 0.5, 0.51)])
        #expect(initial.selectiveDynamics == nil)
        #expect(initial.charge == 0)
        #expect(
            run.ionicSteps.map { $0.structure?.lattice.rows } == [
                [[0, 2.01, 2.01], [2.01, 0, 2.01], [2.01, 2.01, 0]], [[0, 2, 2], [2, 0, 2], [2, 2, 0]]
            ])
        #expect(run.ionicSteps[1].structure?.fractionalPositions == [SIMD3(0, 0, 0), SIMD3(0.5, 0.5, 0.502)])
        let final = try #require(run.finalStructure)
        #expect(final.lattice.rows == [[0, 1.998, 1.998], [1.998, 0, 1.998], [1.998, 1.998, 0]])
        #expect(final.fractionalPositions == [SIMD3(0, 0, 0), SIMD3(0.5, 0.5, 0.5001)])
        #expect(final.species == ["Li", "H"])
    }

    @Test func ionicStepsEnergiesForcesAndStress() throws {
        let run = try EdgeFixture.read(Self.complete)
        #expect(run.ionicSteps.count == 2)
        #expect(run.mlffSteps.isEmpty)
        #expect(run.mdStepCount == 2)
        for (n, step) in run.ionicSteps.enumerated() {
            #expect(step.scfStepCount == 3)
            #expect(step.scfEnergies == LiH.scf[n].map { EnergyTerms(freeEnergy: $0.0, energyWithoutEntropy: $0.1, energySigma0: $0.2) })
            #expect(step.scfTermCounts == [12, 3, 3])
            #expect(step.energies == EnergyTerms(freeEnergy: LiH.calc[n].0, energyWithoutEntropy: LiH.calc[n].1, energySigma0: 0))
        }
        #expect(run.ionicSteps[0].forces == [SIMD3(0, 0, 0.08621473), SIMD3(0, 0, -0.08621473)])
        #expect(run.ionicSteps[1].forces == [SIMD3(0, 0, 0.01234567), SIMD3(0, 0, -0.01234567)])
        #expect(run.ionicSteps[0].stress == [SIMD3(-15.23456789, 0, 0), SIMD3(0, -15.23456789, 0), SIMD3(0, 0, -9.87654321)])
        #expect(run.ionicSteps[1].stress == [SIMD3(-3.45678901, 0, 0), SIMD3(0, -3.45678901, 0), SIMD3(0, 0, -1.23456789)])
        #expect(run.ionicSteps[0].maxForce == 0.08621473)
        #expect(run.ionicSteps[1].maxForce == 0.01234567)
    }

    /// The calc-level e_0_energy is 0.0 (VASP 5's bug): pymatgen's final_energy is the calc-level
    /// e_fr_energy + (e_0 − e_fr) of the last SCF step, rounded to 8 decimals.
    @Test func finalEnergyRepairsTheZeroSigma0Energy() throws {
        let run = try EdgeFixture.read(Self.complete)
        let lastSCF = LiH.scf[1][2]
        let expected = ((LiH.calc[1].0 + (lastSCF.2 - lastSCF.0)) * 1e8).rounded() / 1e8
        #expect(expected == -6.09238023)
        #expect(run.finalEnergy == -6.09238023)
        #expect(run.finalEnergy != run.ionicSteps.last?.energies?.energySigma0)
        #expect(run.finalEnergy != lastSCF.2)
        // A correct e_0_energy is used as written.
        let h2o = try EdgeFixture.read("h2o_gamma.xml")
        #expect(h2o.finalEnergy == -14.2204321)
        #expect(h2o.ionicSteps.last?.energies?.energySigma0 == -14.2204321)
    }

    @Test func convergenceFlags() throws {
        let run = try EdgeFixture.read(Self.complete)
        #expect(run.convergedElectronic == true)  // 3 SCF steps < NELM = 60
        #expect(run.convergedIonic == true)  // 2 steps < NSW = 10

        // The same run with NELM = 3 and NSW = 2: neither converged.
        let folder = try EdgeFixture.temporaryFolder()
        defer { EdgeFixture.removeTemporaryFolder(folder) }
        var text = try EdgeFixture.text(Self.complete)
        let nelm = #"<i type="int" name="NELM">    60</i>"#
        let nsw = #"<i type="int" name="NSW">    10</i>"#
        #expect(text.components(separatedBy: nelm).count == 2)
        #expect(text.components(separatedBy: nsw).count == 3)  // incar and parameters
        text = text.replacingOccurrences(of: nelm, with: #"<i type="int" name="NELM">     3</i>"#)
        text = text.replacingOccurrences(of: nsw, with: #"<i type="int" name="NSW">     2</i>"#)
        try EdgeFixture.write(Array(text.utf8), to: folder + "/vasprun.xml")
        let changed = try Vasprun.read(path: folder + "/vasprun.xml")
        #expect(changed.parameters["NELM"] == .int(3))
        #expect(changed.convergedElectronic == false)
        #expect(changed.convergedIonic == false)
    }

    @Test func eigenvaluesEveryValue() throws {
        let run = try EdgeFixture.read(Self.complete)
        let eig = try #require(run.eigenvalues)
        #expect(eig.energies.shape == [2, 2, 4])
        #expect(eig.occupations.shape == [2, 2, 4])
        #expect((eig.spinCount, eig.kpointCount, eig.bandCount) == (2, 2, 4))
        for s in 0..<2 {
            for k in 0..<2 {
                for b in 0..<4 {
                    let e = LiH.eigen(s, k, b)
                    #expect(eig.energies[s, k, b] == e4(e), "energy s\(s) k\(k) b\(b)")
                    #expect(eig.occupations[s, k, b] == e4(LiH.occupation(e)), "occupation s\(s) k\(k) b\(b)")
                }
            }
        }
        #expect(eig.energies[0, 0, 0] == -38.7654)
        #expect(eig.energies[1, 1, 3] == 6.2746)
        #expect(eig.energies[1, 1, 1] == -3.9722)
        #expect(Array(eig.occupations.values) == [1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0])
    }

    @Test func dosTotalIntegratedAndLmDecomposedPartial() throws {
        let run = try EdgeFixture.read(Self.complete)
        let dos = try #require(run.dos)
        #expect(dos.efermi == -3.7)
        #expect(run.efermi == -3.7)
        #expect(dos.energies == [-45, -31.25, -17.5, -3.75, 10])
        #expect(dos.energies == LiH.grid.map(e4))
        #expect(dos.total.shape == [2, 5])
        #expect(dos.integrated.shape == [2, 5])
        #expect(dos.componentCount == 2)
        #expect(dos.spinCount == 2)
        #expect(dos.isNoncollinear == false)
        for s in 0..<2 {
            for i in 0..<5 {
                #expect(dos.total[s, i] == e4(LiH.total(s, i)))
                #expect(dos.integrated[s, i] == e4(LiH.integrated(s, i)))
            }
        }
        #expect(dos.total[1, 4] == 0.0159)
        #expect(dos.integrated[0, 4] == 2.4555)
        #expect(dos.orbitalLabels == LiH.lm)
        let partial = try #require(dos.partial)
        #expect(partial.shape == [2, 2, 5, 9])
        for ion in 0..<2 {
            for s in 0..<2 {
                for i in 0..<5 {
                    for o in 0..<9 {
                        #expect(partial[ion, s, i, o] == e4(LiH.partial(ion, s, i, o)), "pdos ion\(ion) s\(s) e\(i) \(LiH.lm[o])")
                    }
                }
            }
        }
        #expect(partial[1, 1, 4, 8] == 0.0674)
        #expect(Array(partial.row(0, 0, 0)) == [0, 0.0112, 0.0224, 0.0336, 0.0448, 0.056, 0.0672, 0.0784, 0.0896])
    }

    @Test func projectedEigenvaluesShapeAndEveryWeight() throws {
        let run = try EdgeFixture.read(Self.complete)
        let projected = try #require(run.projected)
        #expect(projected.weights.shape == [2, 2, 4, 2, 9])
        #expect(projected.orbitalLabels == LiH.lm)
        var expected = ContiguousArray<Float>()
        for s in 0..<2 {
            for k in 0..<2 {
                for b in 0..<4 {
                    for ion in 0..<2 {
                        for o in 0..<9 { expected.append(Float(e4(LiH.projected(s, k, b, ion, o)))) }
                    }
                }
            }
        }
        #expect(projected.weights.values == expected)
        #expect(projected.weights[1, 1, 3, 1, 8] == Float(0.0123))
        #expect(projected.weights[1, 1, 3, 1, 7] == Float(0.0))
        #expect(projected.weights[0, 1, 2, 1, 3] == Float(0.0738))
        #expect(projected.weights[0, 0, 0, 0, 1] == Float(0.0123))
    }

    @Test func readOptionsSkipBlocksButNothingElse() throws {
        let full = try EdgeFixture.read(Self.complete)
        let noDOS = try EdgeFixture.read(Self.complete, options: VasprunOptions(readDOS: false))
        #expect(noDOS.dos == nil)
        #expect(noDOS.eigenvalues == full.eigenvalues)
        #expect(noDOS.projected == full.projected)
        let noEigen = try EdgeFixture.read(Self.complete, options: VasprunOptions(readEigenvalues: false))
        #expect(noEigen.eigenvalues == nil)
        #expect(noEigen.dos == full.dos)
        let noProjections = try EdgeFixture.read(Self.complete, options: VasprunOptions(readProjections: false))
        #expect(noProjections.projected == nil)
        #expect(noProjections.eigenvalues == full.eigenvalues)
        for run in [noDOS, noEigen, noProjections] {
            #expect(run.complete)
            #expect(run.warnings.isEmpty)
            #expect(run.ionicSteps == full.ionicSteps)
            #expect(run.finalStructure == full.finalStructure)
        }
    }

    /// Tiny chunks split tags, attribute values, `<r>` rows and numbers across libxml2 calls.
    @Test(arguments: [0, 1, 2, 3, 7, 17, 64, 4096])
    func chunkSizeDoesNotChangeTheResult(_ chunkSize: Int) throws {
        let reference = try EdgeFixture.read(Self.complete)
        let run = try EdgeFixture.read(Self.complete, options: VasprunOptions(chunkSize: chunkSize))
        expectSameContent(run, reference)
    }

    @Test func gzipCopyReadsIdentically() throws {
        let folder = try EdgeFixture.temporaryFolder()
        defer { EdgeFixture.removeTemporaryFolder(folder) }
        let plain = try EdgeFixture.bytes(Self.complete)
        let compressed = try EdgeFixture.gzip(plain)
        #expect(compressed.count < plain.count)
        try EdgeFixture.write(compressed, to: folder + "/vasprun.xml.gz")
        // Detection is by the magic bytes, not by the name.
        try EdgeFixture.write(compressed, to: folder + "/vasprun.xml")
        let reference = try EdgeFixture.read(Self.complete)
        for name in ["vasprun.xml.gz", "vasprun.xml"] {
            let run = try Vasprun.read(path: folder + "/" + name)
            expectSameContent(run, reference)
            #expect(run.file == folder + "/" + name)
            #expect(run.warnings.isEmpty)
        }
        let small = try Vasprun.read(path: folder + "/vasprun.xml.gz", options: VasprunOptions(chunkSize: 5))
        expectSameContent(small, reference)
    }

    @Test func progressReportsCompressedBytes() throws {
        var calls: [(Int, Int)] = []
        let size = try EdgeFixture.bytes(Self.complete).count
        _ = try Vasprun.read(path: EdgeFixture.path(Self.complete), options: VasprunOptions(chunkSize: 4096)) { calls.append(($0, $1)) }
        #expect(calls.count == (size + 4095) / 4096)
        #expect(calls.last.map { $0.0 == size && $0.1 == size } == true)
        #expect(zip(calls, calls.dropFirst()).allSatisfy { $0.0 <= $1.0 })
    }

    /// `examples/vasprun.xml` (what `cascade parse` reads with no argument) is this fixture.
    @Test func bundledExampleIsTheCompleteFixture() throws {
        let example = try [UInt8](Data(contentsOf: URL(fileURLWithPath: EdgeFixture.packageRoot + "/examples/vasprun.xml")))
        #expect(example == (try EdgeFixture.bytes(Self.complete)))
        #expect(example.count < 24_000)
    }

    func expectSameContent(_ run: Vasprun, _ reference: Vasprun, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(run.complete == reference.complete, sourceLocation: sourceLocation)
        #expect(run.warnings.count == reference.warnings.count, sourceLocation: sourceLocation)
        #expect(run.generator == reference.generator, sourceLocation: sourceLocation)
        #expect(run.incar == reference.incar, sourceLocation: sourceLocation)
        #expect(run.parameters == reference.parameters, sourceLocation: sourceLocation)
        #expect(run.kpoints == reference.kpoints, sourceLocation: sourceLocation)
        #expect(run.atoms == reference.atoms, sourceLocation: sourceLocation)
        #expect(run.atomTypes == reference.atomTypes, sourceLocation: sourceLocation)
        #expect(run.initialStructure == reference.initialStructure, sourceLocation: sourceLocation)
        #expect(run.finalStructure == reference.finalStructure, sourceLocation: sourceLocation)
        #expect(run.ionicSteps == reference.ionicSteps, sourceLocation: sourceLocation)
        #expect(run.eigenvalues == reference.eigenvalues, sourceLocation: sourceLocation)
        #expect(run.dos == reference.dos, sourceLocation: sourceLocation)
        #expect(run.projected == reference.projected, sourceLocation: sourceLocation)
        #expect(run.kpointsOpt == reference.kpointsOpt, sourceLocation: sourceLocation)
        #expect(run.dielectricBlockCount == reference.dielectricBlockCount, sourceLocation: sourceLocation)
    }
}

// MARK: - Molecule, quirks, noncollinear, KPOINTS_OPT, dielectric, MLFF

extension VasprunEdgeCaseTests {
    @Suite struct Quirks {
        @Test func gammaOnlyMolecule() throws {
            let run = try EdgeFixture.read("h2o_gamma.xml")
            #expect(run.complete)
            #expect(run.atoms == ["O", "H", "H"])
            #expect(run.kpoints?.points == [SIMD3(0, 0, 0)])
            #expect(run.kpoints?.weights == [1])
            let eig = try #require(run.eigenvalues)
            #expect(eig.energies.shape == [1, 1, 6])
            #expect(Array(eig.energies.values) == [-25.4321, -13.2109, -9.3456, -7.2345, -0.9876, 1.2345])
            #expect(Array(eig.occupations.values) == [1, 1, 1, 1, 0, 0])
            #expect(run.ionicSteps.first?.scfTermCounts == [12, 12])
            #expect(run.netCharge == 0)
            #expect(run.dos == nil)
            #expect(run.projected == nil)
        }

        /// `****` in `<v>` and `<r>`: NaN, and one warning per element path with the count and line.
        @Test func overflowFieldsBecomeNaNWithOneWarningPerPath() throws {
            let name = "quirks_numbers.xml"
            let run = try EdgeFixture.read(name)
            #expect(run.complete)
            let forces = try #require(run.ionicSteps.first?.forces)
            #expect(forces.count == 2)
            #expect(forces[0].x == 0 && forces[0].y.isNaN && forces[0].z == 0.12345678)
            #expect(forces[1].x.isNaN && forces[1].y.isNaN && forces[1].z == -0.12345678)

            let lines = try EdgeFixture.text(name).split(separator: "\n", omittingEmptySubsequences: false)
            let forceLine = try #require(lines.firstIndex { $0.contains("<v>") && $0.contains("****") }) + 1
            let dosLine = try #require(lines.firstIndex { $0.contains("<r>") && $0.contains("****") }) + 1
            let overflow = run.warnings.filter { $0.message.contains("`****`") }
            #expect(overflow.count == 2)
            #expect(
                overflow.contains {
                    $0.location.context == "modeling/calculation/varray/v" && $0.location.line == forceLine
                        && $0.message == "2 overflowed field(s) `****` read as NaN"
                })
            #expect(
                overflow.contains {
                    $0.location.context == "modeling/calculation/dos/total/array/set/set/r" && $0.location.line == dosLine
                        && $0.message == "2 overflowed field(s) `****` read as NaN"
                })
            #expect(overflow.allSatisfy { $0.location.file == EdgeFixture.path(name) })
            #expect(run.warnings.count == 2)

            let dos = try #require(run.dos)
            #expect(dos.total.shape == [2, 3])
            #expect(dos.total[0, 1].isNaN && dos.total[1, 1].isNaN)
            #expect(dos.integrated[0, 1] == 12345.6789)
            #expect(dos.integrated[1, 1] == 23456.7891)
            // Unreadable parameters (RANDOM_SEED = ****** as VASP prints it) are kept as text.
            #expect(run.incar["RANDOM_SEED"] == .unreadable("******       0       0"))
            #expect(run.incar["TEBEG"] == .unreadable("************"))
        }

        /// Bytes that are not numbers are reported as such, not as `****` overflows.
        @Test func strayBytesAreNotCalledOverflows() throws {
            let folder = try EdgeFixture.temporaryFolder()
            defer { EdgeFixture.removeTemporaryFolder(folder) }
            let row = "<v>     -1.50000000      0.00000000      0.00000000 </v>"
            let text = try EdgeFixture.text("quirks_numbers.xml")
            #expect(text.contains(row))
            let stray = text.replacingOccurrences(of: row, with: "<v>     -1.50000000 ?    0.00000000      0.00000000 </v>")
            try EdgeFixture.write(Array(stray.utf8), to: folder + "/vasprun.xml")
            let run = try Vasprun.read(path: folder + "/vasprun.xml")
            #expect(run.ionicSteps.first?.stress.first == SIMD3(-1.5, 0, 0))
            let messages = run.warnings.filter { $0.location.context == "modeling/calculation/varray/v" }.map(\.message)
            #expect(messages == ["2 overflowed field(s) `****` read as NaN", "1 byte(s) that are not numbers skipped"])
        }

        @Test func gluedNumbersAndNaNLiteralsInsideRows() throws {
            let run = try EdgeFixture.read("quirks_numbers.xml")
            let eig = try #require(run.eigenvalues)
            #expect(eig.energies.shape == [2, 1, 3])
            // `-12.3456-0.0123`: eigenvalue and a negative (Methfessel–Paxton) occupation glued.
            #expect(eig.energies[0, 0, 0] == -12.3456)
            #expect(eig.occupations[0, 0, 0] == -0.0123)
            #expect(eig.energies[0, 0, 2].isNaN)
            #expect(eig.occupations[0, 0, 2] == 0)
            #expect(Array(eig.energies.values.suffix(3)) == [-11.0001, 2.5, 4])
            #expect(Array(eig.occupations.values.suffix(3)) == [1, 0.5, 0])
            let dos = try #require(run.dos)
            // `999.999912345.6789`: two fixed-decimal fields glued; `0.1250-0.0001`.
            #expect(dos.total[0, 2] == 999.9999)
            #expect(dos.integrated[0, 2] == 12345.6789)
            #expect(dos.total[1, 2] == 0.125)
            #expect(dos.integrated[1, 2] == -0.0001)
            #expect(dos.energies == [-1, 0, 1])
            #expect(dos.efermi == 3.14159265)
            #expect(run.ionicSteps.first?.stress == [SIMD3(-1.5, 0, 0), SIMD3(0, -1.5, 0), SIMD3(0, 0, -1.5)])
        }

        /// `spin1` (projections) and `spin 1` (DOS) set comments; three fields glued in one row.
        @Test func spinCommentStylesAndThreeGluedProjections() throws {
            let run = try EdgeFixture.read("quirks_numbers.xml")
            let projected = try #require(run.projected)
            #expect(projected.weights.shape == [2, 1, 3, 2, 3])
            #expect(projected.orbitalLabels == ["s", "p", "d"])
            var expected = ContiguousArray<Float>()
            for s in 0..<2 {
                for b in 0..<3 {
                    for ion in 0..<2 {
                        for o in 0..<3 { expected.append(Float(e4(1000 * s + 100 * b + 10 * ion + o))) }
                    }
                }
            }
            #expect(projected.weights.values == expected)
            #expect(Array(projected.weights.row(1, 0, 2, 1)) == [Float(0.121), Float(0.1211), Float(0.1212)])
            #expect(run.dos?.componentCount == 2)
        }

        @Test func noncollinearDOSAndProjectionsHaveFourComponents() throws {
            let run = try EdgeFixture.read("noncollinear.xml")
            #expect(run.complete)
            #expect(run.warnings.isEmpty)
            #expect(run.isNoncollinear)
            #expect(run.netCharge == -1)  // 2 × 4 − 9
            let eig = try #require(run.eigenvalues)
            #expect(eig.energies.shape == [1, 1, 4])
            #expect(Array(eig.occupations.values) == [1, 1, 0.5, 0])
            let dos = try #require(run.dos)
            #expect(dos.isNoncollinear)
            #expect(dos.componentCount == 4)
            #expect(dos.spinCount == 1)
            #expect(dos.total.shape == [4, 3])
            let factors = [1234, -56, 78, -910]
            for c in 0..<4 {
                for i in 0..<3 {
                    #expect(dos.total[c, i] == e4(factors[c] * (i + 1)))
                    #expect(dos.integrated[c, i] == e4(abs(factors[c] * (i + 1)) * 2))
                }
            }
            let partial = try #require(dos.partial)
            #expect(partial.shape == [2, 4, 3, 3])
            #expect(partial[1, 3, 2, 2] == e4(300 + 10 + 2 + 2))
            #expect(dos.orbitalLabels == ["s", "p", "d"])
            let projected = try #require(run.projected)
            #expect(projected.weights.shape == [4, 1, 4, 2, 3])
            var expected = ContiguousArray<Float>()
            for c in 0..<4 {
                for b in 0..<4 {
                    for ion in 0..<2 {
                        for o in 0..<3 {
                            let sign = c > 0 && (b + ion + o) % 2 == 1 ? -1 : 1
                            expected.append(Float(e4(sign * (c * 1000 + b * 100 + ion * 10 + o))))
                        }
                    }
                }
            }
            #expect(projected.weights.values == expected)
            #expect(projected.weights[3, 0, 3, 1, 1] == Float(-0.3311))
        }

        @Test func kpointsOptBlocksGoToTheirOwnSet() throws {
            let run = try EdgeFixture.read("kpoints_opt.xml")
            #expect(run.complete)
            #expect(run.warnings.isEmpty)
            #expect(run.kpoints?.points == [SIMD3(0, 0, 0)])
            #expect(run.kpoints?.scheme == "Gamma")
            let opt = try #require(run.kpointsOpt)
            #expect(opt.kpoints?.scheme == nil)
            #expect(opt.kpoints?.points == [SIMD3(0, 0, 0), SIMD3(0.5, 0, 0)])
            #expect(opt.kpoints?.weights == [0.25, 0.75])
            // eigenvalues_kpoints_opt has energies only; projected_kpoints_opt repeats them with occupations.
            let optEig = try #require(opt.eigenvalues)
            #expect(optEig.energies.shape == [1, 2, 2])
            #expect(Array(optEig.energies.values) == [-5.7, 5.5, -3, 2])
            #expect(Array(optEig.occupations.values) == [1, 0, 1, 0])
            #expect(opt.dos?.efermi == 5.5)
            #expect(opt.dos.map { Array($0.total.values) } == [0.01, 0.02, 0.03])
            let optProjected = try #require(opt.projected)
            #expect(optProjected.weights.shape == [1, 2, 2, 2, 3])
            #expect(optProjected.weights[0, 1, 1, 1, 2] == Float(0.1112))
            // The main set is not overwritten.
            #expect(run.eigenvalues.map { Array($0.energies.values) } == [-5.6, 5.4])
            #expect(run.eigenvalues?.energies.shape == [1, 1, 2])
            #expect(run.efermi == 5.4)
            #expect(run.dos.map { Array($0.integrated.values) } == [0.04, 0.09, 0.15])
            #expect(run.projected?.weights.shape == [1, 1, 2, 2, 3])
            #expect(run.projected?.weights[0, 0, 1, 1, 2] == Float(0.5112))

            let noEigen = try EdgeFixture.read("kpoints_opt.xml", options: VasprunOptions(readEigenvalues: false))
            #expect(noEigen.eigenvalues == nil)
            #expect(noEigen.kpointsOpt?.eigenvalues == nil)
            #expect(noEigen.kpointsOpt?.projected == optProjected)
        }

        @Test func dielectricBlocksAreSkippedAndCounted() throws {
            let run = try EdgeFixture.read("dielectric.xml")
            #expect(run.complete)
            #expect(run.warnings.isEmpty)
            #expect(run.dielectricBlockCount == 2)
            #expect(run.efermi == 5.4)  // the DOS after the blocks is read
            #expect(run.dos?.energies == [-1, 0, 1])
            #expect(run.eigenvalues.map { Array($0.energies.values) } == [-5.6, 5.4])
            #expect(run.ionicSteps.count == 1)
            #expect(run.finalStructure?.fractionalPositions.last == SIMD3(0.25, 0.25, 0.25))
            #expect(try EdgeFixture.read(VasprunEdgeCaseTests.complete).dielectricBlockCount == 0)
        }

        @Test func mlffStepsOutsideCalculations() throws {
            let run = try EdgeFixture.read("mlff.xml")
            #expect(run.complete)
            #expect(run.warnings.isEmpty)
            #expect(run.incar["ML_LMLFF"] == .bool(true))
            #expect(run.ionicSteps.count == 1)
            #expect(run.ionicSteps[0].scfStepCount == 6)
            #expect(run.mlffSteps.count == 2)
            #expect(run.mdStepCount == 3)
            #expect(run.mlffSteps.map { $0.energies?.energySigma0 } == [-6.5, -6.6])
            #expect(run.mlffSteps.map { $0.scfStepCount } == [0, 0])
            #expect(run.mlffSteps.map { $0.forces } == [[SIMD3(0.4, 0, 0), SIMD3(-0.4, 0, 0)], [SIMD3(0.3, 0, 0), SIMD3(-0.3, 0, 0)]])
            #expect(run.mlffSteps.map { $0.structure?.fractionalPositions.first } == [SIMD3(0.41, 0.5, 0.5), SIMD3(0.42, 0.5, 0.5)])
            #expect(run.finalStructure?.fractionalPositions == [SIMD3(0.42, 0.5, 0.5), SIMD3(0.58, 0.5, 0.5)])
            #expect(run.finalEnergy == -6.45)  // the last <calculation>
            // 6 SCF steps ≥ NELM = 5, but an MLFF run counts as converged (pymatgen); MD ran all NSW = 3 steps.
            #expect(run.convergedElectronic == true)
            #expect(run.convergedIonic == true)

            // Without ML_LMLFF the steps outside <calculation> are not MD steps.
            let folder = try EdgeFixture.temporaryFolder()
            defer { EdgeFixture.removeTemporaryFolder(folder) }
            let text = try EdgeFixture.text("mlff.xml")
            let tag = #"<i type="logical" name="ML_LMLFF"> T  </i>"#
            #expect(text.contains(tag))
            let off = text.replacingOccurrences(of: tag, with: #"<i type="logical" name="ML_LMLFF"> F  </i>"#)
            try EdgeFixture.write(Array(off.utf8), to: folder + "/vasprun.xml")
            let plain = try Vasprun.read(path: folder + "/vasprun.xml")
            #expect(plain.complete)
            #expect(plain.mlffSteps.isEmpty)
            #expect(plain.ionicSteps.count == 1)
            #expect(plain.convergedElectronic == false)
        }
    }
}

// MARK: - Truncation

extension VasprunEdgeCaseTests {
    @Suite struct Truncation {
        /// Reads `prefix` from a temporary file and checks everything the salvage rules promise.
        static func checkCut(
            _ data: [UInt8], at cut: Int, in folder: String, sourceLocation: Testing.SourceLocation = #_sourceLocation
        ) throws -> Int? {
            let prefix = data[0..<cut]
            let path = folder + "/cut-\(cut).xml"
            try EdgeFixture.write(prefix, to: path)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let state = PrefixState(prefix)
            guard state.sawModeling else {
                #expect(throws: VASPError.self, "cut at \(cut) before <modeling>", sourceLocation: sourceLocation) {
                    try Vasprun.read(path: path)
                }
                return nil
            }
            let run = try Vasprun.read(path: path)
            let full = cut == data.count
            #expect(run.complete == full, "cut at \(cut)", sourceLocation: sourceLocation)
            #expect(run.complete == state.closedModeling, "cut at \(cut)", sourceLocation: sourceLocation)
            #expect(
                run.ionicSteps.count == state.expectedIonicSteps, "cut at \(cut) in <\(state.path.joined(separator: "/"))>",
                sourceLocation: sourceLocation)
            #expect((run.eigenvalues != nil) == state.eigenvaluesDone, "cut at \(cut)", sourceLocation: sourceLocation)
            #expect((run.dos != nil) == state.dosDone, "cut at \(cut)", sourceLocation: sourceLocation)
            #expect((run.projected != nil) == state.projectedDone, "cut at \(cut)", sourceLocation: sourceLocation)
            if !state.finalposDone {
                #expect(
                    run.finalStructure == (run.ionicSteps.last?.structure ?? run.initialStructure), "cut at \(cut)",
                    sourceLocation: sourceLocation)
            }
            if full {
                #expect(run.warnings.isEmpty, sourceLocation: sourceLocation)
            } else {
                let expectedPath = state.path.joined(separator: "/")
                let ending = run.warnings.filter { $0.message.hasPrefix("incomplete file") }
                #expect(ending.count == 1, "cut at \(cut)", sourceLocation: sourceLocation)
                if let warning = ending.first {
                    #expect(warning.location.byteOffset == cut, sourceLocation: sourceLocation)
                    #expect(warning.location.context == expectedPath, "cut at \(cut)", sourceLocation: sourceLocation)
                    #expect(
                        warning.message
                            == "incomplete file (file ends inside <\(expectedPath)>) after \(cut) bytes; "
                            + "kept the header and \(run.ionicSteps.count) complete ionic step(s)",
                        "cut at \(cut)", sourceLocation: sourceLocation)
                }
                let salvaged = state.expectedIonicSteps > state.closedCalculations
                let kept = run.warnings.contains { $0.message.hasPrefix("kept the last ionic step") }
                #expect(kept == salvaged, "cut at \(cut)", sourceLocation: sourceLocation)
            }
            return run.ionicSteps.count
        }

        @Test func cutAtEveryLineBoundaryAndFiftyOffsets() throws {
            let data = try EdgeFixture.bytes(VasprunEdgeCaseTests.complete)
            let folder = try EdgeFixture.temporaryFolder()
            defer { EdgeFixture.removeTemporaryFolder(folder) }
            var cuts = Set(data.indices.filter { data[$0] == 0x0A }.map { $0 + 1 })
            let lineCuts = cuts.count
            for k in 1...50 { cuts.insert(k * data.count / 51) }
            #expect(lineCuts > 400)
            #expect(cuts.count >= lineCuts + 45)
            var previous = 0
            var counts: [Int: Int] = [:]
            for cut in cuts.sorted() {
                guard let count = try Self.checkCut(data, at: cut, in: folder) else { continue }
                #expect(count >= previous, "ionic steps decreased at cut \(cut)")
                previous = count
                counts[count, default: 0] += 1
            }
            // Every stage is reached: no step, the first, the salvaged/closed second.
            #expect(counts.keys.sorted() == [0, 1, 2])
            #expect(previous == 2)
        }

        /// Cuts right after and right before the calc-level `</energy>`: the salvage rule exactly.
        @Test func salvageNeedsTheCalcLevelEnergy() throws {
            let data = try EdgeFixture.bytes(VasprunEdgeCaseTests.complete)
            let text = String(decoding: data, as: UTF8.self)
            let folder = try EdgeFixture.temporaryFolder()
            defer { EdgeFixture.removeTemporaryFolder(folder) }
            // The calc-level </energy> is indented by two spaces; SCF ones by three.
            let marker = "\n  </energy>\n"
            var offsets: [Int] = []
            var search = text.startIndex
            while let r = text.range(of: marker, range: search..<text.endIndex) {
                offsets.append(text.utf8.distance(from: text.startIndex, to: r.lowerBound) + marker.utf8.count - 1)
                search = r.upperBound
            }
            #expect(offsets.count == 2)
            for (n, end) in offsets.enumerated() {
                #expect(try Self.checkCut(data, at: end, in: folder) == n + 1)  // just after </energy>
                #expect(try Self.checkCut(data, at: end - 2, in: folder) == n)  // inside the closing tag
            }
        }

        @Test func gzipCutInTheMiddleOfTheCompressedStream() throws {
            let data = try EdgeFixture.bytes(VasprunEdgeCaseTests.complete)
            let compressed = try EdgeFixture.gzip(data)
            let folder = try EdgeFixture.temporaryFolder()
            defer { EdgeFixture.removeTemporaryFolder(folder) }
            for fraction in [0.3, 0.5, 0.8] {
                let cut = Int(Double(compressed.count) * fraction)
                let path = folder + "/vasprun-\(cut).xml.gz"
                try EdgeFixture.write(compressed[0..<cut], to: path)
                let run = try Vasprun.read(path: path)
                #expect(run.complete == false)
                let gzipWarnings = run.warnings.filter { $0.message.hasPrefix("gzip stream ends early after ") }
                #expect(gzipWarnings.count == 1)
                let recovered = try #require(gzipWarnings.first.flatMap { Int($0.message.split(separator: " ")[5]) })
                #expect(recovered > 0 && recovered < data.count)
                let ending = try #require(run.warnings.first { $0.message.hasPrefix("incomplete file") })
                #expect(ending.location.byteOffset == recovered)
                // What was recovered is a prefix of the file, and the reader kept exactly its steps.
                let state = PrefixState(data[0..<recovered])
                #expect(run.ionicSteps.count == state.expectedIonicSteps)
                #expect(ending.location.context == state.path.joined(separator: "/"))
            }
        }
    }
}

// MARK: - Security and errors

extension VasprunEdgeCaseTests {
    @Suite struct SecurityAndErrors {
        @Test func externalEntityIsNeverRead() throws {
            let passwd = (try? String(contentsOfFile: "/etc/passwd", encoding: .utf8)) ?? ""
            let run = try EdgeFixture.read("xxe.xml")
            #expect(run.generator["program"] == .string("vasp"))  // the header before the reference is kept
            let dump = String(reflecting: run) + run.warnings.map(\.description).joined() + run.incar.entries.map { "\($0.value)" }.joined()
            #expect(!dump.contains("root:"))
            if let firstLine = passwd.split(separator: "\n").first {
                #expect(!dump.contains(firstLine))
            }
            #expect(run.incar["SYSTEM"]?.string.map { $0.contains("root") } != true)
        }

        @Test func billionLaughsIsNotExpanded() throws {
            let run = try EdgeFixture.read("billion_laughs.xml")
            #expect(run.generator["program"] == .string("vasp"))
            for list in [run.generator, run.incar, run.parameters] {
                for (name, value) in list.entries {
                    #expect(value.description.utf8.count < 1024, "\(name) is \(value.description.utf8.count) bytes")
                }
            }
            #expect(run.warnings.allSatisfy { $0.description.utf8.count < 1024 })
            #expect(run.incar["SYSTEM"]?.string?.contains("lollol") != true)
        }

        /// XML_PARSE_NONET and no DTD loading: the external DTD (an unreachable URL) is not fetched.
        @Test func externalDTDIsNotLoaded() throws {
            let run = try EdgeFixture.read("external_dtd.xml")
            #expect(run.complete)
            #expect(run.warnings.isEmpty)
            #expect(run.incar["SYSTEM"] == .string("external DTD"))
            #expect(run.atoms == ["H"])
        }

        static func message(_ body: () throws -> Vasprun) -> String? {
            do {
                _ = try body()
                return nil
            } catch let error as VASPError {
                return error.description
            } catch let error as FileError {
                return error.description
            } catch {
                return "not a VASPError or FileError: \(error)"
            }
        }

        /// libxml2's push parser says "Document is empty" when no `<` is found at all.
        @Test func notXML() {
            let path = EdgeFixture.path("not_xml.txt")
            #expect(Self.message { try Vasprun.read(path: path) } == "\(path):1: not a vasprun.xml (XML error: Document is empty)")
        }

        /// A job killed before VASP wrote anything leaves an empty vasprun.xml.
        @Test func emptyFile() {
            let path = EdgeFixture.path("empty.xml")
            #expect(Self.message { try Vasprun.read(path: path) } == "\(path): not a vasprun.xml: the file is empty")
        }

        @Test func emptyAndHeaderOnlyGzip() throws {
            let folder = try EdgeFixture.temporaryFolder()
            defer { EdgeFixture.removeTemporaryFolder(folder) }
            let empty = folder + "/empty.xml.gz"
            try EdgeFixture.write(try EdgeFixture.gzip([]), to: empty)
            #expect(Self.message { try Vasprun.read(path: empty) } == "\(empty): not a vasprun.xml: the file is empty")
            let header = folder + "/header.xml.gz"
            try EdgeFixture.write(try EdgeFixture.gzip(EdgeFixture.bytes(VasprunEdgeCaseTests.complete)).prefix(10), to: header)
            #expect(Self.message { try Vasprun.read(path: header) } == "\(header): not a vasprun.xml: the gzip stream ends before any data")
        }

        @Test func htmlPageIsNotAVasprun() throws {
            let folder = try EdgeFixture.temporaryFolder()
            defer { EdgeFixture.removeTemporaryFolder(folder) }
            let path = folder + "/vasprun.xml"
            try EdgeFixture.write(Array("<html>\n<body>\n<p>Not Found</p>\n</body>\n</html>\n".utf8), to: path)
            #expect(Self.message { try Vasprun.read(path: path) } == "\(path): not a vasprun.xml: no <modeling> element")
            let mismatchedText = Array("<?xml version=\"1.0\"?>\n<modeling>\n <generator>\n</modeling>\n".utf8)
            try EdgeFixture.write(mismatchedText, to: path)
            let mismatched = try Vasprun.read(path: path)
            #expect(mismatched.complete == false)
            #expect(
                mismatched.warnings.map(\.message) == [
                    "incomplete file (XML error: Opening and ending tag mismatch: generator line 3 and modeling) "
                        + "after \(mismatchedText.count) bytes; kept the header and 0 complete ionic step(s)"
                ])
            #expect(mismatched.warnings.first?.location.line == 4)
        }

        @Test func directory() {
            let path = EdgeFixture.folder
            #expect(Self.message { try Vasprun.read(path: path) } == "\(path): cannot read: not a regular file")
        }

        @Test func missingFile() {
            let path = EdgeFixture.path("no-such-vasprun.xml")
            #expect(Self.message { try Vasprun.read(path: path) } == "\(path): cannot read: No such file or directory")
        }

        @Test func xmlWithoutModeling() {
            let path = EdgeFixture.path("no_modeling.xml")
            #expect(Self.message { try Vasprun.read(path: path) } == "\(path): not a vasprun.xml: no <modeling> element")
        }

        @Test func errorsAreTheDocumentedCases() throws {
            let path = EdgeFixture.path("no_modeling.xml")
            #expect(throws: VASPError.malformed(VASP.SourceLocation(file: path), "not a vasprun.xml: no <modeling> element")) {
                try Vasprun.read(path: path)
            }
            let missing = EdgeFixture.path("missing.xml")
            #expect(throws: FileError.cannotRead(file: missing, reason: "No such file or directory")) {
                try Vasprun.read(path: missing)
            }
        }
    }
}
