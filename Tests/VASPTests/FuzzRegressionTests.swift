import Foundation
import Testing
import VASP

// Every input that crashed a reader (found by the libFuzzer targets in Fuzz/ or by the adversarial
// size files) is kept in Tests/VASPTests/Fixtures/fuzz/TARGET/ and replayed here through the same
// calls as the fuzz target (Fuzz/TARGET.swift), with the outcome each fix promises. `tools/fuzz.sh`
// also uses these files as seeds and replays them in the sanitised binaries.

enum FuzzReplay {
    static let folder: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/fuzz").path

    static func path(_ relative: String) -> String { folder + "/" + relative }

    /// Every regression input of the VASP readers (`target/name`); the manifest's are replayed by StudyTests.
    static let inputs: [String] = {
        let manager = FileManager.default
        guard let targets = try? manager.contentsOfDirectory(atPath: folder) else { return [] }
        return targets.filter { $0 != "manifest" }.flatMap { target in
            ((try? manager.contentsOfDirectory(atPath: folder + "/" + target)) ?? []).map { target + "/" + $0 }
        }.sorted()
    }()

    /// What the fuzz target does with one input: read it, touch what `cascade` derives from it; an error
    /// must be a VASPError whose message starts with the file name. Returns the error message, if any.
    @discardableResult
    static func replay(_ relative: String) -> String? {
        let target = String(relative.split(separator: "/")[0])
        let path = path(relative)
        do {
            switch target {
            case "vasprun", "vasprun-diff":
                let run = try Vasprun.read(path: path)
                _ = (run.finalEnergy, run.convergedElectronic, run.convergedIonic, run.netCharge, run.finalStructure?.formula)
            case "outcar":
                let outcar = try Outcar.read(path: path)
                _ = (outcar.species, outcar.valencePerAtom, outcar.valenceByElement, outcar.netCharge, outcar.structure()?.formula)
            case "poscar":
                _ = try Poscar.read(path: path).text()
            case "incar":
                _ = try Incar.read(path: path).text()
            case "kpoints":
                _ = try Kpoints.read(path: path).text()
            case "bader":
                var atoms = 0
                if let acf = try? BaderACF.read(path: path) { atoms = acf.atoms.count }
                if let bcf = try? BaderBCF.read(path: path) { _ = bcf.electronsPerAtom(atomCount: atoms) }
                _ = try? BaderAVF.read(path: path)
                _ = try BaderACF.read(path: path)
            case "volumetric":
                let v = try Volumetric.read(path: path)
                _ = (v.roles, v.spinDensities, v.bytes())
            case "xdatcar":
                _ = try Xdatcar.read(path: path).text()
            default:
                Issue.record("no reader for \(relative)")
            }
            return nil
        } catch let error as VASPError {
            #expect(error.description.hasPrefix(path), "\(relative): \(error)")
            return error.description.replacingOccurrences(of: folder + "/", with: "")
        } catch {
            Issue.record("\(relative): not a VASPError: \(error)")
            return "\(error)"
        }
    }
}

@Suite struct FuzzRegressionTests {
    @Test func inputsAreThere() {
        #expect(FuzzReplay.inputs.count >= 20)
        #expect(FuzzReplay.inputs.contains { $0.hasPrefix("vasprun/crash-") })
    }

    /// No regression input crashes, and every error names its file.
    @Test(arguments: FuzzReplay.inputs)
    func replayNeverCrashes(_ relative: String) {
        FuzzReplay.replay(relative)
    }

    /// `<v name="divisions">1e300 4 4</v>`: Int(1e300) trapped; a number that is not an integer is now
    /// left out.
    @Test func kpointDivisionsThatAreNotIntegers() throws {
        let run = try Vasprun.read(path: FuzzReplay.path("vasprun/crash-divisions-1e300.xml"))
        #expect(run.kpoints?.divisions == [4, 4])
    }

    /// `<field>`s after the `<r>` rows of the DOS and eigenvalue arrays: the rows were checked against
    /// no field, then indexed with three (index out of range). The blocks are now skipped with a warning.
    @Test func fieldsAfterTheRowsSkipTheBlock() throws {
        let run = try Vasprun.read(path: FuzzReplay.path("vasprun/crash-field-after-rows.xml"))
        #expect(run.dos == nil)
        #expect(run.eigenvalues == nil)
        let skipped = run.warnings.filter { $0.message == "a <field> after the first row; block skipped" }
        #expect(skipped.count == 2)
        #expect(skipped.map { $0.location.context ?? "" }.sorted() == ["modeling/calculation/dos/total/array", "modeling/calculation/eigenvalues/array"])
    }

    /// `ions per type = -3 2`: a negative count made `Array(repeating:count:)` trap in `species`.
    @Test func negativeIonsPerTypeAreNotCounts() throws {
        let outcar = try Outcar.read(path: FuzzReplay.path("outcar/crash-negative-ions-per-type"))
        #expect(outcar.ionsPerType == [2])
        #expect(outcar.species == nil)
        #expect(outcar.valencePerAtom == nil)
        #expect(outcar.finalEnergy == -8.1)
    }

    /// Found by the OUTCAR fuzz target (minimised): `ions per type=-3` after a `VRHFIN` line.
    @Test func fuzzFoundNegativeCount() throws {
        let outcar = try Outcar.read(path: FuzzReplay.path("outcar/crash-fuzz-71e6020f-negative-count"))
        #expect(outcar.ionsPerType.isEmpty)
        #expect(outcar.species == nil)
        #expect(outcar.vaspVersion == "5")
    }

    /// An ACF.dat header naming CHARGE twice: `Dictionary(uniqueKeysWithValues:)` trapped.
    @Test func repeatedColumnInABaderHeader() {
        #expect(
            FuzzReplay.replay("bader/crash-repeated-column-acf")
                == "bader/crash-repeated-column-acf:1: expected each column once in the header, found CHARGE twice in '#         X           Y           Z       CHARGE      MIN...'"
        )
    }
}
