import Foundation
import Testing

@testable import Study

/// `StudyScaffold` (`cascade init`): a self-contained copy of the bundled study.
@Suite struct ScaffoldTests {
    static var bundled: String { StudyFixture.templates + "/studies/tfsi-mof-copc.yaml" }

    @Test func theCopyIsSelfContainedAndPlansLikeTheOriginal() throws {
        let parent = try StudyFixture.temporaryFolder("init")
        defer { StudyFixture.remove(parent) }
        let report = try StudyScaffold.create(from: Self.bundled, into: parent + "/my-study")
        #expect(report.manifest == parent + "/my-study/tfsi-mof-copc.yaml")
        #expect(report.files.count == 33)
        #expect(report.files.contains("structures/pathway/copc/s3.vasp"))
        #expect(report.files.contains("structures/structures.yaml"))
        #expect(report.files.contains("templates/neb.yaml") && report.files.contains("templates/slurm.sh"))
        let copy = try StudyManifest.load(path: report.manifest)
        #expect(copy.structuresFolder == parent + "/my-study/structures")
        #expect(copy.inputSetsFolder == parent + "/my-study/templates")
        #expect(copy.indexFile == parent + "/my-study/structures/structures.yaml")
        #expect(copy.jobTemplate == parent + "/my-study/templates/slurm.sh")
        let options = GenerationOptions(outputFolder: parent + "/runs")
        let plan = try GenerationPlan.make(manifest: copy, options: options)
        let original = try GenerationPlan.make(manifest: StudyManifest.load(path: Self.bundled), options: options)
        #expect(plan.allErrors.isEmpty, "\(plan.allErrors)")
        #expect(plan.calculations.map(\.name) == original.calculations.map(\.name))
        #expect(plan.calculations.map(\.nelect) == original.calculations.map(\.nelect))
        #expect(plan.calculations.map(\.jobScript) == original.calculations.map(\.jobScript))
        // Byte-identical copies of the structures; the job template keeps its execute bit.
        #expect(
            try StudyFixture.read(parent + "/my-study/structures/molecules/tfsi.vasp")
                == StudyFixture.read(StudyFixture.packageRoot + "/structures/molecules/tfsi.vasp"))
        #expect(FileManager.default.isExecutableFile(atPath: parent + "/my-study/templates/slurm.sh"))
        #expect(
            report.nextCommands == [
                "cascade doctor \(report.manifest)",
                "cascade generate \(report.manifest) --dry-run",
                "cascade generate \(report.manifest) --out \(parent)/my-study/runs"
            ])
        // No staging folder left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent) == ["my-study"])
    }

    @Test func commentsAndOtherLinesAreKept() throws {
        let parent = try StudyFixture.temporaryFolder("init")
        defer { StudyFixture.remove(parent) }
        let report = try StudyScaffold.create(from: Self.bundled, into: parent + "/s")
        let original = try StudyFixture.read(Self.bundled).split(separator: "\n", omittingEmptySubsequences: false)
        let copied = try StudyFixture.read(report.manifest).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(original.count == copied.count)
        let changed = zip(original, copied).filter { $0 != $1 }.map { String($1) }
        #expect(
            changed == [
                "structures: structures           # structure files are relative to this folder",
                "input_sets: templates            # templates/relax.yaml, static.yaml, bader.yaml, neb.yaml",
                "  template: templates/slurm.sh   # #SBATCH header with {{placeholders}}; copy and edit for your cluster"
            ])
    }

    @Test func anEmptyFolderIsFilled() throws {
        let folder = try StudyFixture.temporaryFolder("init-empty")
        defer { StudyFixture.remove(folder) }
        let report = try StudyScaffold.create(from: Self.bundled, into: folder + "/")
        #expect(report.folder == folder)
        #expect(StudyFixture.exists(folder + "/tfsi-mof-copc.yaml"))
    }

    @Test func aNonEmptyFolderIsRefusedAndLeftAlone() throws {
        let folder = try StudyFixture.temporaryFolder("init-full")
        defer { StudyFixture.remove(folder) }
        try StudyFixture.write("mine", to: "notes.txt", in: folder)
        #expect(
            throws: StudyError.cannotWrite(
                file: folder,
                reason: "the folder is not empty (1 entry: notes.txt); cascade init writes only into a new or empty folder")
        ) {
            try StudyScaffold.create(from: Self.bundled, into: folder)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["notes.txt"])
        #expect(try StudyFixture.read(folder + "/notes.txt") == "mine")
    }

    @Test func aFileIsRefused() throws {
        let folder = try StudyFixture.temporaryFolder("init-file")
        defer { StudyFixture.remove(folder) }
        try StudyFixture.write("x", to: "taken", in: folder)
        #expect(throws: StudyError.self) { try StudyScaffold.create(from: Self.bundled, into: folder + "/taken") }
    }

    @Test func aBrokenStudyLeavesNothingBehind() throws {
        let (folder, manifest) = try StudyFixture.smallStudy()
        defer { StudyFixture.remove(folder) }
        StudyFixture.remove(folder + "/structures/molecules/li.vasp")
        #expect(throws: StudyError.self) { try StudyScaffold.create(from: manifest, into: folder + "/copy") }
        #expect(!StudyFixture.exists(folder + "/copy"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).allSatisfy { !$0.hasPrefix(".cascade-init") })
    }

    @Test func aManifestWithoutPathKeysGetsThem() throws {
        let text = "# mine\nstudy: x\nsystems: []\n"
        let rewritten = try ManifestRewriter.rewrite(text, file: "x.yaml", templateName: nil)
        #expect(rewritten == "# mine\nstudy: x\nstructures: structures\ninput_sets: templates\nsystems: []\n")
    }

    @Test func aFlowValueCannotBeRewritten() throws {
        #expect(throws: StudyError.self) {
            try ManifestRewriter.rewrite("study: x\nstructures: \"a b\"\n", file: "x.yaml", templateName: nil)
        }
    }

    @Test func theBundledStudiesAreListed() {
        #expect(StudyScaffold.available(in: StudyFixture.templates + "/studies") == ["co-cu111", "tfsi-mof-copc"])
    }
}
