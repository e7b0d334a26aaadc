import Analysis
import Chemistry
import Foundation
import Report
import Study
import Testing
import VASP

@testable import Files

@Suite struct GeneratorTests {
    static func plan(_ manifest: String, out: String, library: PotcarLibrary? = nil, vacuum: Double? = nil, only: [String] = []) throws -> GenerationPlan {
        let m = try StudyManifest.load(path: manifest)
        return try GenerationPlan.make(manifest: m, options: GenerationOptions(outputFolder: out, potcarLibrary: library, vacuum: vacuum, only: only))
    }

    /// Generates the small study and reads every file back with the VASP readers.
    @Test func endToEndIntoATemporaryFolder() throws {
        let (folder, manifest) = try StudyFixture.smallStudy()
        defer { StudyFixture.remove(folder) }
        let out = folder + "/runs"
        let plan = try Self.plan(manifest, out: out)
        #expect(plan.allErrors.isEmpty, "\(plan.allErrors)")
        #expect(plan.calculations.map(\.name) == ["relax/tfsi", "relax/li", "relax/litfsi", "relax/turned", "static/tfsi", "bader/litfsi", "neb/turn"])
        let report = try Generator.write(plan)
        #expect(report.folders.count == 7)
        #expect(report.potcarSpecs == 7 && report.potcars == 0)
        #expect(report.files == 6 * 5 + 4 + 6 + 1)

        // INCAR, golden snapshot.
        let incarText = try StudyFixture.read(out + "/relax/tfsi/INCAR")
        #expect(
            incarText == """
                SYSTEM = small: relax/tfsi
                PREC = Normal
                GGA = PE
                ENCUT = 400
                IVDW = 11
                ALGO = Normal
                NELM = 200
                EDIFF = 1e-05
                EDIFFG = -0.05
                IBRION = 2
                ISIF = 2
                NSW = 300
                ISMEAR = 0
                SIGMA = 0.05
                ISPIN = 2
                LORBIT = 11
                LWAVE = .FALSE.
                LCHARG = .FALSE.
                MAGMOM = 15*0.0
                NUPDOWN = 0
                NELECT = 92
                LREAL = Auto
                IDIPOL = 4
                LDIPOL = .TRUE.
                DIPOL = 0.5 0.50055 0.5

                """)
        let incar = try Incar.read(path: out + "/relax/tfsi/INCAR")
        #expect(incar.int("NELECT") == 92)
        #expect(incar.warnings.isEmpty)
        let staticIncar = try Incar.read(path: out + "/static/tfsi/INCAR")
        #expect(staticIncar.int("NSW") == 0 && staticIncar.int("NEDOS") == 3001)
        let bader = try Incar.read(path: out + "/bader/litfsi/INCAR")
        #expect(bader.bool("LAECHG") == true && bader["NELECT"] == nil)

        // KPOINTS, POSCAR, POTCAR.spec read back.
        let kpoints = try Kpoints.read(path: out + "/relax/tfsi/KPOINTS")
        #expect(kpoints.mode == .mesh(Kpoints.Mesh(centering: .gamma, divisions: SIMD3(1, 1, 1))))
        let poscar = try Poscar.read(path: out + "/relax/litfsi/POSCAR")
        #expect(poscar.structure.species.count == 16)
        #expect(poscar.structure.formula == "LiC2NO4F6S2")
        let source = try Poscar.parse(text: StudyFixture.litfsi).structure
        for (a, b) in zip(poscar.structure.cartesianPositions, source.cartesianPositions) { #expect((a - b).length < 1e-9) }
        let spec = Potcar.parseSpec(text: try StudyFixture.read(out + "/relax/litfsi/POTCAR.spec"))
        #expect(spec == ["Li_sv", "C", "N", "O", "F", "S"])
        #expect(!StudyFixture.exists(out + "/relax/litfsi/POTCAR"))

        // NEB: parent inputs, images 00…05, no POSCAR in the parent.
        let neb = out + "/neb/turn"
        #expect(try Incar.read(path: neb + "/INCAR").int("IMAGES") == 4)
        #expect(!StudyFixture.exists(neb + "/POSCAR"))
        let images = try (0...5).map { try Poscar.read(path: neb + "/0\($0)/POSCAR").structure }
        let start = try Poscar.parse(text: StudyFixture.tfsi).structure
        let end = try Poscar.parse(text: StudyFixture.turnedTFSI()).structure
        #expect(
            images[0].cartesianPositions == start.cartesianPositions
                || zip(images[0].cartesianPositions, start.cartesianPositions).allSatisfy { ($0 - $1).length < 1e-9 })
        #expect(zip(images[5].cartesianPositions, end.cartesianPositions).allSatisfy { ($0 - $1).length < 1e-9 })
        // Linear: image 2 is 2/5 of the way for the turned F atom.
        let expected = start.cartesianPositions[7] + 0.4 * (end.cartesianPositions[7] - start.cartesianPositions[7])
        #expect((images[2].cartesianPositions[7] - expected).length < 1e-9)

        // job.sh of a static run copies the relaxed structure first.
        let job = try StudyFixture.read(out + "/static/tfsi/job.sh")
        #expect(job.contains("#SBATCH --partition=short"))
        #expect(job.contains("cp ../../relax/tfsi/CONTCAR POSCAR"))
        #expect(job.hasSuffix("srun vasp_gam\n"))
        #expect(!job.contains("{{"))
        let nebJob = try StudyFixture.read(neb + "/job.sh")
        // The band is interpolated on the node between the relaxed end points, never the unrelaxed starts.
        #expect(nebJob.contains("test -s ../../relax/turned/CONTCAR ||"))
        #expect(nebJob.contains("\"$CASCADE\" images ../../relax/tfsi/CONTCAR ../../relax/turned/CONTCAR --images 4 --method linear --out . --force"))
        #expect(nebJob.contains("cp ../../relax/turned/OUTCAR 05/OUTCAR"))
        #expect(nebJob.contains("command -v \"$CASCADE\""))
        #expect(nebJob.contains("#SBATCH --nodes=5"))

        // submit.sh: relax before static/Bader, end points before NEB.
        let submit = try StudyFixture.read(out + "/submit.sh")
        #expect(submit.contains("job5=$(submit 'static/tfsi' \"$job1\")"))
        #expect(submit.contains("job6=$(submit 'bader/litfsi' \"$job3\")"))
        #expect(submit.contains("job7=$(submit 'neb/turn' \"$job1\" \"$job4\")"))
        let attributes = try FileManager.default.attributesOfItem(atPath: out + "/submit.sh")
        #expect((attributes[.posixPermissions] as? Int) == 0o755)
    }

    @Test func planTableAndQuantities() throws {
        let (folder, manifest) = try StudyFixture.smallStudy()
        defer { StudyFixture.remove(folder) }
        let plan = try Self.plan(manifest, out: folder + "/runs")
        let table = PlanReport.table(plan)
        let rows = table.split(separator: "\n").map(String.init)
        #expect(rows[0].hasPrefix("folder"))
        #expect(rows[0].contains("NELECT"))
        let tfsiRow = rows[1].split(separator: " ").map(String.init)
        #expect(tfsiRow == ["relax/tfsi", "relax", "tfsi", "15", "-1", "1", "92", "2", "Γ", "1×1×1", "-", "-"])
        let liRow = rows[2].split(separator: " ").map(String.init)
        #expect(liRow[3...6] == ["1", "+1", "1", "2"])
        #expect(rows.contains { $0.hasPrefix("neb/turn") && $0.contains("4 linear") && $0.contains("relax/tfsi, relax/turned") })
        #expect(table.contains("7 calculation folders (4 relax, 1 static, 1 bader, 1 neb, 4 NEB images)"))
        #expect(plan.notes.contains("bond set C–F: relax/tfsi 6, relax/litfsi 6 bonds in the starting structures"))
        #expect(plan.notes.contains("fragment set LiTFSI (atoms): bader/litfsi: Li 1, TFSI 15"))
        #expect(plan.allWarnings.isEmpty, "\(plan.allWarnings)")
    }

    @Test func foldersWithOutputsAreRefusedUnlessForced() throws {
        let (folder, manifest) = try StudyFixture.smallStudy()
        defer { StudyFixture.remove(folder) }
        let out = folder + "/runs"
        try Generator.write(try Self.plan(manifest, out: out))
        // Regenerating a tree without outputs replaces the inputs, but never an edited one without --force.
        try StudyFixture.write("ENCUT = 1\n", to: "relax/li/INCAR", in: out)
        #expect(throws: StudyError.self) { try Generator.write(try Self.plan(manifest, out: out)) }
        try Generator.write(try Self.plan(manifest, out: out), force: true)
        #expect(try Incar.read(path: out + "/relax/li/INCAR").int("ENCUT") == 400)
        // Outputs present: nothing written.
        try StudyFixture.write("OUTCAR of a finished run\n", to: "relax/li/OUTCAR", in: out)
        try StudyFixture.write("ENCUT = 1\n", to: "relax/tfsi/INCAR", in: out)
        let plan = try Self.plan(manifest, out: out)
        #expect(plan.foldersWithOutputs == ["relax/li (OUTCAR)"])
        #expect(throws: StudyError.outputsPresent(["relax/li (OUTCAR)"])) { try Generator.write(plan) }
        #expect(try Incar.read(path: out + "/relax/tfsi/INCAR").int("ENCUT") == 1)
        // --force rewrites the inputs and keeps the outputs.
        try Generator.write(plan, force: true)
        #expect(try Incar.read(path: out + "/relax/tfsi/INCAR").int("ENCUT") == 400)
        #expect(try StudyFixture.read(out + "/relax/li/OUTCAR") == "OUTCAR of a finished run\n")
        // An NEB image's outputs count too.
        try StudyFixture.write("x", to: "neb/turn/02/OUTCAR", in: out)
        #expect(try Self.plan(manifest, out: out).foldersWithOutputs.contains("neb/turn (02/OUTCAR)"))
    }

    @Test func onlyRegeneratesSelectedFoldersFromRelaxedEndPoints() throws {
        let (folder, manifest) = try StudyFixture.smallStudy()
        defer { StudyFixture.remove(folder) }
        let out = folder + "/runs"
        try Generator.write(try Self.plan(manifest, out: out))
        // The end points "relaxed": CONTCARs with the turned CF3 moved a little.
        let relaxedFinal = try Poscar.read(path: out + "/relax/turned/POSCAR")
        var moved = relaxedFinal.structure
        moved.fractionalPositions[7] += SIMD3(0.001, 0, 0)
        try Poscar(comment: "CONTCAR", structure: moved).write(to: out + "/relax/turned/CONTCAR")
        try StudyFixture.write("done\n", to: "relax/turned/OUTCAR", in: out)
        try FileManager.default.copyItem(atPath: out + "/relax/tfsi/POSCAR", toPath: out + "/relax/tfsi/CONTCAR")
        let plan = try Self.plan(manifest, out: out, only: ["neb/*"])
        #expect(plan.calculations.map(\.name) == ["neb/turn"])
        #expect(plan.allNotes.contains { $0.contains("between the relaxed end points") })
        let report = try Generator.write(plan)
        #expect(report.folders == ["neb/turn"])
        let last = try Poscar.read(path: out + "/neb/turn/05/POSCAR").structure
        #expect((last.cartesianPositions[7] - moved.cartesianPositions[7]).length < 1e-9)
        #expect(report.submitScript == out + "/submit-only.sh")
        let submit = try StudyFixture.read(out + "/submit-only.sh")
        #expect(try StudyFixture.read(out + "/submit.sh").contains("submit 'relax/tfsi'"))
        #expect(submit.contains("# neb/turn needs relax/tfsi, relax/turned, not submitted by this script: it must have finished."))
        #expect(submit.contains("job1=$(submit 'neb/turn')"))
        #expect(try Self.plan(manifest, out: out, only: ["nothing/*"]).allErrors.first?.contains("matches no calculation") == true)
    }

    @Test func vacuumReboxesNEBEndPointsTogether() throws {
        let (folder, manifest) = try StudyFixture.smallStudy()
        defer { StudyFixture.remove(folder) }
        let plan = try Self.plan(manifest, out: folder + "/runs", vacuum: 12)
        #expect(plan.allErrors.isEmpty)
        let relaxTFSI = try #require(plan.calculations.first { $0.name == "relax/tfsi" }).structure
        let relaxTurned = try #require(plan.calculations.first { $0.name == "relax/turned" }).structure
        #expect(relaxTFSI.lattice == relaxTurned.lattice)
        let widths = relaxTFSI.lattice.lengths
        #expect(widths.x < 20 && widths.x > 12)
        // The joint box leaves at least 12 Å around each (a little more where the other one reaches further).
        let v1 = MoleculeVacuum.widths(relaxTFSI)
        let v2 = MoleculeVacuum.widths(relaxTurned)
        for axis in 0..<3 {
            #expect(min(v1[axis], v2[axis]) > 12 - 1e-9 && max(v1[axis], v2[axis]) < 13.5)
        }
        // Unchanged atoms stay at the same place in both (one common frame).
        #expect((relaxTFSI.cartesianPositions[2] - relaxTurned.cartesianPositions[2]).length < 1e-9)
        // Li⁺ alone: a 12 Å cube.
        let li = try #require(plan.calculations.first { $0.name == "relax/li" }).structure
        #expect(abs(li.lattice.lengths.x - 12) < 1e-9)
        #expect(plan.notes.contains { $0.hasPrefix("re-boxed tfsi, turned to 12 Å vacuum") })
    }

    @Test func planErrorsStopGeneration() throws {
        let (folder, manifest) = try StudyFixture.smallStudy()
        defer { StudyFixture.remove(folder) }
        // Atoms on top of each other, an odd electron count with ISPIN = 1, a VTST optimiser without IBRION = 3,
        // ISMEAR = -5 at Γ only, MAGMOM of the wrong length.
        try StudyFixture.write(
            StudyFixture.li.replacingOccurrences(of: "Li\n1\n", with: "Li H\n1 1\n") + "10.2 10 10\n",
            to: "structures/molecules/li.vasp", in: folder)
        var text = try StudyFixture.read(manifest)
        text = text.replacingOccurrences(
            of: "systems: [tfsi]\n", with: "systems: [tfsi]\n    incar: {ISPIN: 1, IOPT: 3, ISMEAR: -5, MAGMOM: [1, 2]}\n    magmom: {F: 1}\n")
        try StudyFixture.write(text, to: "study.yaml", in: folder)
        let plan = try Self.plan(manifest, out: folder + "/runs")
        let errors = plan.allErrors
        #expect(errors.contains("relax/li: atoms Li0 and H1 are 0.2 Å apart (closer than 0.5 Å)"))
        #expect(errors.contains { $0.hasPrefix("relax/li: 3 electrons cannot have multiplicity 1") })
        #expect(errors.contains { $0.hasPrefix("static/tfsi: IOPT = 3 (a VTST optimiser) needs IBRION = 3 and POTIM = 0") })
        #expect(errors.contains { $0.hasPrefix("static/tfsi: ISMEAR = -5 (tetrahedron method) needs at least 4 k-points") })
        #expect(errors.contains("static/tfsi: MAGMOM has 2 values; expected 15 (one per atom for 15 atoms)"))
        #expect(errors.contains { $0.hasPrefix("energy E_ads(Li+–TFSI-)") && $0.contains("the atoms do not balance") && $0.contains("H -1") })
        #expect(throws: StudyError.self) { try Generator.write(plan) }
        #expect(!StudyFixture.exists(folder + "/runs"))
    }

    @Test func oddElectronsWithISPIN1() throws {
        let (folder, manifest) = try StudyFixture.smallStudy()
        defer { StudyFixture.remove(folder) }
        var text = try StudyFixture.read(manifest)
        text = text.replacingOccurrences(of: "- {name: li, file: molecules/li.vasp}", with: "- {name: li, file: molecules/li.vasp, charge: 0, multiplicity: 2}")
        text = text.replacingOccurrences(
            of: "  - {name: bader/litfsi", with: "  - {name: closed/li, set: relax, system: li, incar: {ISPIN: 1}}\n  - {name: bader/litfsi")
        try StudyFixture.write(text, to: "study.yaml", in: folder)
        let plan = try Self.plan(manifest, out: folder + "/runs", only: ["closed/*"])
        #expect(plan.allErrors.contains("closed/li: 3 electrons (odd) with ISPIN = 1: an odd electron count needs ISPIN = 2"))
        #expect(plan.allErrors.contains("closed/li: multiplicity 2 needs a spin-polarised calculation (ISPIN = 2), but ISPIN = 1"))
    }

    /// With a POTCAR library the POTCAR is assembled (never printed) and NELECT uses its ZVALs.
    @Test func potcarLibraryIsAssembled() throws {
        let (folder, manifest) = try StudyFixture.smallStudy()
        defer { StudyFixture.remove(folder) }
        let library = folder + "/pp"
        for (label, zval) in [("Li_sv", 3.0), ("C", 4.0), ("N", 5.0), ("O", 6.0), ("F", 7.0), ("S", 6.0)] {
            try StudyFixture.write(
                """
                  fake header for \(label)
                   TITEL  = PAW_PBE \(label) 01Jan2000
                   POMASS =    1.000; ZVAL   =    \(zval)    mass and valenz
                 End of Dataset

                """, to: "potpaw_PBE/\(label)/POTCAR", in: library)
        }
        let found = try Generator.potcarLibrary(at: library)
        #expect(found.layout == .ase && found.root == library)
        #expect(try Generator.potcarLibrary(at: library + "/potpaw_PBE").root == library)
        #expect(throws: StudyError.self) { try Generator.potcarLibrary(at: folder) }
        let out = folder + "/runs"
        let plan = try Self.plan(manifest, out: out, library: found, only: ["relax/tfsi"])
        #expect(plan.potcarSource.hasPrefix("assembled from VASP_PP_PATH=\(library)"))
        #expect(plan.calculations.first?.nelect == 92)
        let report = try Generator.write(plan)
        #expect(report.potcars == 1 && report.potcarSpecs == 0)
        let potcar = try Potcar.read(path: out + "/relax/tfsi/POTCAR")
        #expect(potcar.labels == ["C", "N", "O", "F", "S"])
        #expect(!StudyFixture.exists(out + "/relax/tfsi/POTCAR.spec"))
    }

    @Test func missingChargeOrStructureIsAnError() throws {
        let (folder, manifest) = try StudyFixture.smallStudy()
        defer { StudyFixture.remove(folder) }
        try StudyFixture.write("- {name: tfsi, file: molecules/tfsi.vasp, multiplicity: 1}\n", to: "structures/structures.yaml", in: folder)
        StudyFixture.remove(folder + "/structures/molecules/li.vasp")
        let plan = try Self.plan(manifest, out: folder + "/runs")
        #expect(plan.allErrors.contains { $0.hasPrefix("system tfsi (") && $0.contains("no charge: state 'charge:'") })
        #expect(plan.allErrors.contains { $0.hasPrefix("system li (") && $0.contains("li.vasp") })
        #expect(plan.allErrors.contains { $0.hasPrefix("neb/turn: an end-point system (tfsi, turned) could not be used") })
    }
}

/// Vacuum widths through Analysis (for comparisons in these tests).
enum MoleculeVacuum {
    static func widths(_ s: Structure) -> SIMD3<Double> { MoleculeBox.vacuumWidths(of: s) }
}

/// Issue 7 §6: write faults during generation. An injected ``FileWriter`` makes the N-th file write
/// fail part-way (half the bytes reach the temporary file, then the "disk is full": ENOSPC), for every N
/// of the small study; a file standing where a folder must go makes folder creation fail for real (this
/// works as root, where a read-only folder would not). Each time: the error says what was and was not
/// written, nothing half-written is left, no temporary file remains, and a rerun without `force`
/// completes the study with the same bytes as an undisturbed generation.
@Suite struct GeneratorFaultTests {
    /// Counts the files a writer was asked for, and what the failing one had written before it failed.
    final class Tally: @unchecked Sendable {
        private let lock = NSLock()
        private var files = 0
        private var partial = 0

        /// The 1-based number of this file.
        func nextFile() -> Int {
            lock.withLock {
                files += 1
                return files
            }
        }
        func recordPartial(_ bytes: Int) { lock.withLock { partial += bytes } }
        var partialBytes: Int { lock.withLock { partial } }
    }

    /// The atomic writer, except that file number `failing` gets half its bytes written, then ENOSPC.
    static func writer(failingAt failing: Int, tally: Tally) -> FileWriter {
        FileWriter { bytes, path, mode in
            guard tally.nextFile() == failing else {
                return try AtomicFile.write(bytes, to: path, force: true, mode: mode)
            }
            var calls = 0
            try AtomicFile.write(bytes, to: path, force: true, mode: mode) { descriptor, buffer in
                calls += 1
                if calls == 1 && buffer.count > 1 {
                    let n = AtomicFile.posixWrite(descriptor, UnsafeRawBufferPointer(rebasing: buffer.prefix(buffer.count / 2)))
                    tally.recordPartial(n)
                    return n
                }
                errno = ENOSPC
                return -1
            }
        }
    }

    /// Every regular file under `root`, relative, sorted; the generation record (`.cascade/`) left out.
    static func files(under root: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var out: [String] = []
        while let relative = walker.nextObject() as? String {
            if relative.hasPrefix(".cascade") { continue }
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + relative, isDirectory: &isFolder), !isFolder.boolValue { out.append(relative) }
        }
        return out.sorted()
    }

    static func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    /// Every file of the small study (41) fails in turn; then a rerun completes it.
    @Test func aWriteFailingPartWayLeavesNoPartialFileAndARerunCompletes() throws {
        let (folder, manifest) = try StudyFixture.smallStudy()
        defer { StudyFixture.remove(folder) }
        let reference = folder + "/reference"
        let full = try Generator.write(try GeneratorTests.plan(manifest, out: reference))
        let allFiles = Self.files(under: reference)
        #expect(full.files == 41 && allFiles.count == 41)
        #expect(Set(full.writtenFiles) == Set(allFiles))
        #expect(full.writtenFiles.last == "submit.sh")
        // The record of what was written (the hand-edit guard) is written after everything else.
        #expect(try StudyFixture.read(reference + "/.cascade/generated.tsv").split(separator: "\n").count == 41)

        for failing in 1...full.files {
            let out = folder + "/runs-\(failing)"
            let plan = try GeneratorTests.plan(manifest, out: out)
            let tally = Tally()
            let label = "file \(failing) (\(full.writtenFiles[failing - 1]))"
            let failure = try #require(throws: GenerationFailure.self, "\(label)") {
                try Generator.write(plan, writer: Self.writer(failingAt: failing, tally: tally))
            }
            // The failing file really was half-written into its temporary file before the fault.
            #expect(tally.partialBytes > 0, "\(label)")
            // On disk: exactly the files reported, each complete; not the failing one; no temporary file.
            let onDisk = Self.files(under: out)
            #expect(onDisk == failure.written.writtenFiles.sorted(), "\(label)")
            #expect(failure.written.writtenFiles == Array(full.writtenFiles.prefix(failing - 1)), "\(label)")
            #expect(!onDisk.contains { $0.contains(".tmp-") }, "\(label)")
            #expect(!StudyFixture.exists(out + "/" + full.writtenFiles[failing - 1]), "\(label)")
            for file in onDisk { #expect(Self.bytes(out + "/" + file) == Self.bytes(reference + "/" + file), "\(label): \(file)") }
            // The error names the file and says what was and was not written.
            #expect(failure.path == out + "/" + full.writtenFiles[failing - 1], "\(label)")
            #expect(failure.reason == "\(failure.path): cannot write: \(String(cString: strerror(ENOSPC)))")
            let text = failure.description
            #expect(text.hasPrefix(failure.reason + "\n"), "\(label)")
            #expect(text.contains("not written: ") && text.contains("submit.sh"), "\(label)")
            #expect(failure.written.folders.allSatisfy { !failure.notWritten.contains($0) }, "\(label)")
            #expect(failure.written.folders + failure.notWritten == plan.calculations.map(\.name) || failing == full.files, "\(label)")
            // A rerun, without force, completes the study: the same bytes as the undisturbed generation.
            let rerun = try Generator.write(plan)
            #expect(rerun.files == 41, "\(label)")
            #expect(Self.files(under: out) == allFiles, "\(label)")
            for file in allFiles { #expect(Self.bytes(out + "/" + file) == Self.bytes(reference + "/" + file), "\(label): \(file)") }
            StudyFixture.remove(out)
        }
    }

    /// The message, exactly, for a failure in the second folder.
    @Test func theMessageSaysWhatWasAndWasNotWritten() throws {
        let (folder, manifest) = try StudyFixture.smallStudy()
        defer { StudyFixture.remove(folder) }
        let out = folder + "/runs"
        let plan = try GeneratorTests.plan(manifest, out: out)
        let failure = try #require(throws: GenerationFailure.self) {
            try Generator.write(plan, writer: Self.writer(failingAt: 8, tally: Tally()))
        }
        #expect(failure.incomplete == "relax/li")
        #expect(
            failure.description == """
                \(out)/relax/li/POTCAR.spec: cannot write: \(String(cString: strerror(ENOSPC)))
                generation stopped part-way; no file was left half-written (each file is written to a temporary file and renamed):
                  written: 1 complete calculation folder (relax/tfsi) and 2 files of relax/li (INCAR, KPOINTS)
                  not written: relax/li (incomplete), relax/litfsi, relax/turned, static/tfsi, bader/litfsi, neb/turn, submit.sh
                  run the same command again to complete the study (inputs are replaced; no --force is needed while the folders hold no VASP outputs)
                """)
    }

    /// Regenerating over an earlier generation: the file whose write fails keeps its earlier content
    /// (never a mix), the files before it are replaced.
    @Test func aFailedReplacementKeepsTheEarlierFile() throws {
        let (folder, manifest) = try StudyFixture.smallStudy()
        defer { StudyFixture.remove(folder) }
        let out = folder + "/runs"
        let plan = try GeneratorTests.plan(manifest, out: out)
        let first = try Generator.write(plan)
        for file in first.writtenFiles { try "earlier generation\n".write(toFile: out + "/" + file, atomically: true, encoding: .utf8) }
        // Not what Cascade wrote: refused without --force (nothing touched), replaced with it.
        #expect(throws: StudyError.self) { try Generator.write(plan) }
        let failing = 13  // relax/litfsi/POTCAR.spec
        #expect(throws: GenerationFailure.self) { try Generator.write(plan, force: true, writer: Self.writer(failingAt: failing, tally: Tally())) }
        for (k, file) in first.writtenFiles.enumerated() {
            let text = try StudyFixture.read(out + "/" + file)
            #expect((text == "earlier generation\n") == (k + 1 >= failing), "\(file)")
        }
        #expect(!Self.files(under: out).contains { $0.contains(".tmp-") })
        #expect(try Generator.write(plan, force: true).files == 41)
        #expect(try StudyFixture.read(out + "/submit.sh") != "earlier generation\n")
    }

    /// Through the writer seam the permissions stay as before: scripts 0755, data files 0666 less the umask.
    @Test func scriptsAreExecutableAndDataFilesAreNot() throws {
        let (folder, manifest) = try StudyFixture.smallStudy()
        defer { StudyFixture.remove(folder) }
        let out = folder + "/runs"
        try Generator.write(try GeneratorTests.plan(manifest, out: out))
        func mode(_ relative: String) throws -> Int {
            try #require(FileManager.default.attributesOfItem(atPath: out + "/" + relative)[.posixPermissions] as? Int)
        }
        #expect(try mode("submit.sh") == 0o755 && mode("relax/tfsi/job.sh") == 0o755)
        #expect(try mode("relax/tfsi/INCAR") & 0o111 == 0 && mode("neb/turn/03/POSCAR") & 0o111 == 0)
    }

    /// A real file-system failure: a file named `static` stands where the `static/` folder must go.
    @Test func aFolderThatCannotBeCreatedStopsGenerationThere() throws {
        let (folder, manifest) = try StudyFixture.smallStudy()
        defer { StudyFixture.remove(folder) }
        let out = folder + "/runs"
        try StudyFixture.write("not a folder\n", to: "static", in: out)
        let plan = try GeneratorTests.plan(manifest, out: out)
        let failure = try #require(throws: GenerationFailure.self) { try Generator.write(plan) }
        #expect(failure.written.folders == ["relax/tfsi", "relax/li", "relax/litfsi", "relax/turned"])
        #expect(failure.incomplete == "static/tfsi")
        #expect(failure.notWritten == ["static/tfsi", "bader/litfsi", "neb/turn"])
        #expect(failure.path == out + "/static/tfsi")
        #expect(failure.description.contains("not written: static/tfsi (incomplete), bader/litfsi, neb/turn, submit.sh"))
        #expect(!StudyFixture.exists(out + "/submit.sh"))
        StudyFixture.remove(out + "/static")
        let rerun = try Generator.write(plan)
        #expect(rerun.folders.count == 7 && rerun.files == 41)
        #expect(!Self.files(under: out).contains { $0.contains(".tmp-") })
    }
}
