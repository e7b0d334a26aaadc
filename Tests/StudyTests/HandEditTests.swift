import Foundation
import Study
import Testing

/// Issue 16.1: `generate` never loses a hand edit; `--only` never shrinks the study's submit.sh.
@Suite struct HandEditTests {
    @Test func editedInputIsKeptUntilForceAndThenBackedUp() throws {
        let (folder, manifest) = try StudyFixture.smallStudy()
        defer { StudyFixture.remove(folder) }
        let out = folder + "/runs"
        try Generator.write(try GeneratorTests.plan(manifest, out: out))
        // Regenerating an untouched tree replaces nothing the user wrote: no error.
        try Generator.write(try GeneratorTests.plan(manifest, out: out))
        let incar = out + "/relax/tfsi/INCAR"
        let original = try StudyFixture.read(incar)
        try (original + "NCORE = 8\n").write(toFile: incar, atomically: true, encoding: .utf8)
        do {
            try Generator.write(try GeneratorTests.plan(manifest, out: out))
            Issue.record("a hand-edited INCAR was replaced without --force")
        } catch let error as StudyError {
            let text = "\(error)"
            #expect(text.contains("relax/tfsi/INCAR") && text.contains("- yours: NCORE = 8") && text.contains("--force"), "\(text)")
        }
        #expect(try StudyFixture.read(incar).contains("NCORE = 8"))
        let report = try Generator.write(try GeneratorTests.plan(manifest, out: out), force: true)
        #expect(report.backups == [incar + ".~1~"])
        #expect(try StudyFixture.read(incar) == original)
        #expect(try StudyFixture.read(incar + ".~1~").contains("NCORE = 8"))
    }

    @Test func fileNotWrittenByCascadeIsNotReplacedSilently() throws {
        let (folder, manifest) = try StudyFixture.smallStudy()
        defer { StudyFixture.remove(folder) }
        let out = folder + "/runs"
        try StudyFixture.write("my own job script\n", to: "runs/relax/li/job.sh", in: folder)
        #expect(throws: StudyError.self) { try Generator.write(try GeneratorTests.plan(manifest, out: out)) }
        #expect(try StudyFixture.read(out + "/relax/li/job.sh") == "my own job script\n")
    }

    @Test func onlyWritesItsOwnSubmitScript() throws {
        let (folder, manifest) = try StudyFixture.smallStudy()
        defer { StudyFixture.remove(folder) }
        let out = folder + "/runs"
        try Generator.write(try GeneratorTests.plan(manifest, out: out))
        let whole = try StudyFixture.read(out + "/submit.sh")
        let report = try Generator.write(try GeneratorTests.plan(manifest, out: out, only: ["neb/*"]))
        #expect(report.submitScript == out + "/submit-only.sh")
        #expect(try StudyFixture.read(out + "/submit.sh") == whole)
        #expect(try StudyFixture.read(out + "/submit-only.sh").contains("neb/turn"))
    }
}
