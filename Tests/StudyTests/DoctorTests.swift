import Foundation
import Report
import Testing

@testable import Study

/// `StudyDoctor`: one test per failure it can report, on small studies and fake POTCAR libraries
/// (files with a TITEL and a ZVAL line, never real POTCAR content) in temporary folders.
@Suite struct DoctorTests {
    /// The labels of the small study (TFSI⁻, Li⁺, LiTFSI) as the input sets choose them.
    static let studyLabels = ["C", "N", "O", "F", "S", "Li_sv"]

    /// A fake POTCAR: a TITEL and a ZVAL line, nothing else.
    static func fakePotcar(_ label: String, zval: Double = 4, titel: String? = nil) -> String {
        "  fake \(label)\n   TITEL  = \(titel ?? "PAW_PBE \(label) 01Jan2000")\n   POMASS =    1.000; ZVAL   =    \(zval)    mass and valenz\n End of Dataset\n"
    }

    /// A fake library in `root`: the ASE layout (`family/<label>/POTCAR`) or pymatgen's (`family/POTCAR.<label>`).
    static func fakeLibrary(in root: String, family: String = "potpaw_PBE", labels: [String] = studyLabels, pymatgen: Bool = false) throws {
        for label in labels {
            let name = pymatgen ? "\(family)/POTCAR.\(label)" : "\(family)/\(label)/POTCAR"
            try StudyFixture.write(fakePotcar(label), to: name, in: root)
        }
    }

    /// The small study with the manifest's template line replaced by `template`, or `nil` to keep it.
    static func study(template: String? = nil, replacing: [(String, String)] = []) throws -> (folder: String, manifest: String) {
        let (folder, manifest) = try StudyFixture.smallStudy()
        var text = try StudyFixture.read(manifest)
        if let template {
            try StudyFixture.write(template, to: "job.sh", in: folder)
            text = text.replacingOccurrences(of: "template: \(StudyFixture.templates)/slurm.sh", with: "template: job.sh")
        }
        for (old, new) in replacing { text = text.replacingOccurrences(of: old, with: new) }
        try text.write(toFile: manifest, atomically: true, encoding: .utf8)
        return (folder, manifest)
    }

    static func messages(_ report: DoctorReport, _ topic: DoctorSection.Topic, _ severity: DoctorFinding.Severity) -> [String] {
        (report.section(topic)?.findings ?? []).filter { $0.severity == severity }.map(\.message)
    }

    static func fixes(_ report: DoctorReport, _ topic: DoctorSection.Topic) -> [String] {
        (report.section(topic)?.findings ?? []).compactMap(\.fix)
    }

    // MARK: All well

    @Test func aHealthyStudyHasNoProblem() throws {
        let (folder, manifest) = try Self.study()
        defer { StudyFixture.remove(folder) }
        try Self.fakeLibrary(in: folder + "/pp")
        let report = StudyDoctor.examine(manifest: manifest, potcars: nil, environment: ["VASP_PP_PATH": folder + "/pp"])
        #expect(report.isHealthy, "\(DoctorText.render(report))")
        #expect(report.sections.map(\.topic) == DoctorSection.Topic.allCases)
        let potcar = Self.messages(report, .potcarLibrary, .ok)
        #expect(potcar.first?.contains("ASE layout") == true)
        #expect(potcar.contains { $0.hasPrefix("6 of 6 labels of the study resolve") && $0.contains("Li_sv") })
        #expect(Self.messages(report, .structures, .ok) == ["4 of 4 structure files read (in \(folder)/structures)"])
        #expect(Self.messages(report, .plan, .ok).first?.contains("no error") == true)
        #expect(DoctorText.render(report).contains("All is well"))
    }

    @Test func neverPrintsPotcarContent() throws {
        let (folder, manifest) = try Self.study()
        defer { StudyFixture.remove(folder) }
        try Self.fakeLibrary(in: folder + "/pp", labels: ["C", "N", "O", "F", "S"])
        let report = StudyDoctor.examine(manifest: manifest, potcars: folder + "/pp", environment: [:])
        let text = DoctorText.render(report)
        #expect(!text.contains("POMASS") && !text.contains("mass and valenz") && !text.contains("fake "))
        #expect(!report.isHealthy)
    }

    // MARK: POTCAR library

    @Test func noLibraryIsAProblemThatListsTheLabels() throws {
        let (folder, manifest) = try Self.study()
        defer { StudyFixture.remove(folder) }
        let report = StudyDoctor.examine(manifest: manifest, potcars: nil, environment: [:])
        #expect(!report.isHealthy)
        #expect(
            Self.messages(report, .potcarLibrary, .problem) == [
                "no POTCAR library: neither VASP_PP_PATH nor PMG_VASP_PSP_DIR is set (cascade generate would write POTCAR.spec label lists, not POTCARs)"
            ])
        #expect(Self.fixes(report, .potcarLibrary).first?.contains("export VASP_PP_PATH=") == true)
        #expect(Self.messages(report, .potcarLibrary, .note) == ["the study uses 6 POTCAR labels: C N O F S Li_sv"])
        // Everything else is fine: the one problem is the library.
        #expect(report.problems.count == 1)
    }

    @Test func anEmptyVariableCountsAsUnset() throws {
        let (folder, manifest) = try Self.study()
        defer { StudyFixture.remove(folder) }
        let report = StudyDoctor.examine(manifest: manifest, potcars: nil, environment: ["VASP_PP_PATH": "", "PMG_VASP_PSP_DIR": " "])
        #expect(Self.messages(report, .potcarLibrary, .problem).first?.hasPrefix("no POTCAR library") == true)
    }

    @Test func aRootThatIsNoFolder() throws {
        let (folder, manifest) = try Self.study()
        defer { StudyFixture.remove(folder) }
        let report = StudyDoctor.examine(manifest: manifest, potcars: nil, environment: ["VASP_PP_PATH": folder + "/nowhere"])
        #expect(Self.messages(report, .potcarLibrary, .problem) == ["VASP_PP_PATH=\(folder)/nowhere: \(folder)/nowhere is not a folder"])
    }

    @Test func aRootWithoutAPBEFolderNamesWhatWasLookedFor() throws {
        let (folder, manifest) = try Self.study()
        defer { StudyFixture.remove(folder) }
        try StudyFixture.write("x", to: "pp/README", in: folder)
        let report = StudyDoctor.examine(manifest: manifest, potcars: nil, environment: ["VASP_PP_PATH": folder + "/pp"])
        let problem = try #require(Self.messages(report, .potcarLibrary, .problem).first)
        #expect(problem.contains("no PBE POTCAR folder") && problem.contains("potpaw_PBE, potpaw_PBE.64"))
        #expect(Self.fixes(report, .potcarLibrary).first == PotcarCheck.setupFix)
        #expect(Self.messages(report, .potcarLibrary, .ok).isEmpty)
    }

    @Test func aRootThatIsThePBEFolderItself() throws {
        let (folder, manifest) = try Self.study()
        defer { StudyFixture.remove(folder) }
        try Self.fakeLibrary(in: folder + "/pp", family: "potpaw_PBE.54")
        let report = StudyDoctor.examine(manifest: manifest, potcars: nil, environment: ["VASP_PP_PATH": folder + "/pp/potpaw_PBE.54"])
        #expect(
            Self.fixes(report, .potcarLibrary).first
                == "\(folder)/pp/potpaw_PBE.54 is a PBE folder itself: set VASP_PP_PATH=\(folder)/pp (the folder that holds it), or pass --potcars \(folder)/pp/potpaw_PBE.54"
        )
    }

    @Test func theOtherLayoutsVariable() throws {
        let (folder, manifest) = try Self.study()
        defer { StudyFixture.remove(folder) }
        try Self.fakeLibrary(in: folder + "/pp")  // ASE layout
        let report = StudyDoctor.examine(manifest: manifest, potcars: nil, environment: ["PMG_VASP_PSP_DIR": folder + "/pp"])
        #expect(!report.isHealthy)
        #expect(
            Self.fixes(report, .potcarLibrary).first
                == "\(folder)/pp has ASE's layout: set VASP_PP_PATH=\(folder)/pp instead of PMG_VASP_PSP_DIR, or pass --potcars \(folder)/pp")
    }

    @Test func aVersionThatIsNotThere() throws {
        let (folder, manifest) = try Self.study()
        defer { StudyFixture.remove(folder) }
        try Self.fakeLibrary(in: folder + "/pp", family: "potpaw_PBE.64")
        let report = StudyDoctor.examine(manifest: manifest, potcars: nil, environment: ["VASP_PP_PATH": folder + "/pp", "VASP_PP_VERSION": "54"])
        #expect(Self.messages(report, .potcarLibrary, .problem).first?.contains("potpaw_PBE.54") == true)
        #expect(Self.fixes(report, .potcarLibrary).first == "\(folder)/pp has no PBE 54 folder: unset VASP_PP_VERSION or set it to a version present")
    }

    @Test func labelFoldersStraightInTheRoot() throws {
        let (folder, manifest) = try Self.study()
        defer { StudyFixture.remove(folder) }
        for label in Self.studyLabels { try StudyFixture.write(Self.fakePotcar(label), to: "pp/\(label)/POTCAR", in: folder) }
        let report = StudyDoctor.examine(manifest: manifest, potcars: nil, environment: ["VASP_PP_PATH": folder + "/pp"])
        #expect(
            Self.fixes(report, .potcarLibrary).first
                == "\(folder)/pp holds the label folders themselves: move them into \(folder)/pp/potpaw_PBE/ (ASE layout) and keep VASP_PP_PATH=\(folder)/pp")
    }

    @Test func aFallbackVersionIsAWarning() throws {
        let (folder, manifest) = try Self.study()
        defer { StudyFixture.remove(folder) }
        try Self.fakeLibrary(in: folder + "/pp", family: "potpaw_PBE.54")
        let report = StudyDoctor.examine(manifest: manifest, potcars: nil, environment: ["VASP_PP_PATH": folder + "/pp"])
        #expect(report.isHealthy)
        #expect(Self.messages(report, .potcarLibrary, .warning) == ["potpaw_PBE not found in \(folder)/pp; using potpaw_PBE.54"])
    }

    @Test func missingLabelsAreListedWithWhatTheLibraryHas() throws {
        let (folder, manifest) = try Self.study()
        defer { StudyFixture.remove(folder) }
        try Self.fakeLibrary(in: folder + "/pp", family: "POT_GGA_PAW_PBE", labels: ["C", "N", "O", "F", "S", "Li"], pymatgen: true)
        let report = StudyDoctor.examine(manifest: manifest, potcars: nil, environment: ["PMG_VASP_PSP_DIR": folder + "/pp"])
        #expect(Self.messages(report, .potcarLibrary, .ok).first?.contains("pymatgen layout") == true)
        #expect(Self.messages(report, .potcarLibrary, .note) == ["5 of 6 labels of the study resolve: C N O F S"])
        let problem = try #require(Self.messages(report, .potcarLibrary, .problem).first)
        #expect(problem.hasPrefix("Li_sv does not resolve: no POTCAR for Li_sv"))
        #expect(problem.contains("\(folder)/pp/POT_GGA_PAW_PBE/POTCAR.Li_sv"))
        #expect(
            Self.fixes(report, .potcarLibrary).first
                == "add Li_sv to the library, or choose one the library has (Li) with 'potcars: {Li: Li}' in the manifest")
        #expect(report.problems.count == 1)
    }

    @Test func aPotcarWithoutZVAL() throws {
        let (folder, manifest) = try Self.study()
        defer { StudyFixture.remove(folder) }
        try Self.fakeLibrary(in: folder + "/pp")
        try StudyFixture.write("  fake\n   TITEL  = PAW_PBE O 01Jan2000\n End of Dataset\n", to: "pp/potpaw_PBE/O/POTCAR", in: folder)
        let report = StudyDoctor.examine(manifest: manifest, potcars: folder + "/pp", environment: [:])
        let problem = try #require(Self.messages(report, .potcarLibrary, .problem).first)
        #expect(problem.hasPrefix("O: \(folder)/pp/potpaw_PBE/O/POTCAR:1"))
        #expect(problem.contains("expected ZVAL"))
        #expect(Self.fixes(report, .potcarLibrary).first?.contains("intact copy") == true)
    }

    @Test func aPotcarLabelledOtherwiseIsAWarning() throws {
        let (folder, manifest) = try Self.study()
        defer { StudyFixture.remove(folder) }
        try Self.fakeLibrary(in: folder + "/pp")
        try StudyFixture.write(Self.fakePotcar("F", titel: "PAW_PBE F_s 01Jan2000"), to: "pp/potpaw_PBE/F/POTCAR", in: folder)
        let report = StudyDoctor.examine(manifest: manifest, potcars: folder + "/pp", environment: [:])
        #expect(report.isHealthy)
        #expect(
            Self.messages(report, .potcarLibrary, .warning)
                == ["F: the POTCAR found for F is labelled F_s in its TITEL (\(folder)/pp/potpaw_PBE/F/POTCAR)"])
    }

    @Test func potcarsOptionThatIsNoLibrary() throws {
        let (folder, manifest) = try Self.study()
        defer { StudyFixture.remove(folder) }
        try StudyFixture.write("x", to: "pp/README", in: folder)
        let report = StudyDoctor.examine(manifest: manifest, potcars: folder + "/pp", environment: ["VASP_PP_PATH": "/ignored"])
        let problem = try #require(Self.messages(report, .potcarLibrary, .problem).first)
        #expect(problem.hasPrefix("\(folder)/pp: cannot read: no PBE POTCAR family here"))
    }

    @Test func bothVariablesSetIsANote() throws {
        let (folder, manifest) = try Self.study()
        defer { StudyFixture.remove(folder) }
        try Self.fakeLibrary(in: folder + "/pp")
        let report = StudyDoctor.examine(manifest: manifest, potcars: nil, environment: ["VASP_PP_PATH": folder + "/pp", "PMG_VASP_PSP_DIR": "/elsewhere"])
        #expect(report.isHealthy)
        #expect(Self.messages(report, .potcarLibrary, .note).first?.contains("VASP_PP_PATH is used") == true)
    }

    // MARK: Manifest

    @Test func aMissingManifest() throws {
        let folder = try StudyFixture.temporaryFolder("doctor")
        defer { StudyFixture.remove(folder) }
        let report = StudyDoctor.examine(manifest: folder + "/none.yaml", potcars: nil, environment: [:])
        let problem = try #require(Self.messages(report, .manifest, .problem).first)
        #expect(problem.hasPrefix("\(folder)/none.yaml: cannot read"))
        #expect(Self.messages(report, .structures, .note) == ["not checked: the manifest could not be read (see Manifest)"])
        #expect(Self.messages(report, .potcarLibrary, .note).isEmpty)
    }

    @Test func aYAMLSyntaxErrorHasLineAndColumn() throws {
        let (folder, manifest) = try Self.study(replacing: [("  - {name: li, file: molecules/li.vasp}", "  - {name: li, file: molecules/li.vasp")])
        defer { StudyFixture.remove(folder) }
        let report = StudyDoctor.examine(manifest: manifest, potcars: nil, environment: [:])
        let problem = try #require(Self.messages(report, .manifest, .problem).first)
        #expect(problem.range(of: #"^.*/study\.yaml:\d+:\d+: not valid YAML"#, options: .regularExpression) != nil, "\(problem)")
    }

    @Test func aSchemaErrorHasLineAndColumn() throws {
        let (folder, manifest) = try Self.study(replacing: [("  - {name: li, file: molecules/li.vasp}", "  - {name: li, file: molecules/li.vasp, charg: 1}")])
        defer { StudyFixture.remove(folder) }
        let lines = try StudyFixture.read(manifest).split(separator: "\n", omittingEmptySubsequences: false)
        let line = try #require(lines.firstIndex { $0.contains("charg: 1") }) + 1
        let report = StudyDoctor.examine(manifest: manifest, potcars: nil, environment: [:])
        let problem = try #require(Self.messages(report, .manifest, .problem).first)
        #expect(problem.hasPrefix("\(manifest):\(line):"), "\(problem)")
        #expect(problem.contains("charg"))
        #expect(Self.fixes(report, .manifest).first?.contains("docs/study-manifest.md") == true)
    }

    @Test func aMissingInputSet() throws {
        let (folder, manifest) = try Self.study(replacing: [("set: static", "set: statik")])
        defer { StudyFixture.remove(folder) }
        let report = StudyDoctor.examine(manifest: manifest, potcars: nil, environment: [:])
        let problem = try #require(Self.messages(report, .manifest, .problem).first)
        #expect(problem.contains("no input set 'statik'") && problem.contains("statik.yaml"))
    }

    @Test func aBrokenStructureIndex() throws {
        let (folder, manifest) = try Self.study()
        defer { StudyFixture.remove(folder) }
        try StudyFixture.write("- {name: tfsi, file: molecules/tfsi.vasp, charge: minus one}\n", to: "structures/structures.yaml", in: folder)
        let report = StudyDoctor.examine(manifest: manifest, potcars: nil, environment: [:])
        let problem = try #require(Self.messages(report, .manifest, .problem).first)
        #expect(problem.hasPrefix("\(folder)/structures/structures.yaml:1:"), "\(problem)")
    }

    // MARK: Structures

    @Test func missingAndUnreadableStructures() throws {
        let (folder, manifest) = try Self.study()
        defer { StudyFixture.remove(folder) }
        StudyFixture.remove(folder + "/structures/molecules/li.vasp")
        try StudyFixture.write("not a POSCAR\n", to: "structures/molecules/litfsi.vasp", in: folder)
        let report = StudyDoctor.examine(manifest: manifest, potcars: nil, environment: [:])
        let problems = Self.messages(report, .structures, .problem)
        #expect(problems.count == 2)
        #expect(problems.first?.hasPrefix("system li (\(manifest):") == true)
        #expect(problems.first?.contains("\(folder)/structures/molecules/li.vasp: cannot read") == true)
        #expect(problems.last?.hasPrefix("system litfsi") == true)
        #expect(Self.messages(report, .structures, .ok) == ["2 of 4 structure files read (in \(folder)/structures)"])
        #expect(Self.fixes(report, .structures).first?.contains("'file: molecules/li.vasp'") == true)
        #expect(Self.messages(report, .plan, .note) == ["not checked: fix the problems with structures and job templates first"])
    }

    // MARK: Job template

    static let goodTemplate = "#!/bin/bash\n#SBATCH --nodes={{nodes}}\nset -e\n{{stage_in}}\n{{vasp_command}}\n{{post_process}}\n"

    @Test func aGoodTemplate() throws {
        let (folder, manifest) = try Self.study(template: Self.goodTemplate)
        defer { StudyFixture.remove(folder) }
        let report = StudyDoctor.examine(manifest: manifest, potcars: nil, environment: [:])
        #expect(Self.messages(report, .jobTemplate, .ok) == ["\(folder)/job.sh: 4 placeholders, each with a value, for 7 calculations"])
        #expect(report.section(.jobTemplate)?.worst == .ok)
    }

    @Test func aMissingTemplate() throws {
        let (folder, manifest) = try Self.study(replacing: [("template: \(StudyFixture.templates)/slurm.sh", "template: nowhere.sh")])
        defer { StudyFixture.remove(folder) }
        let report = StudyDoctor.examine(manifest: manifest, potcars: nil, environment: [:])
        let problem = try #require(Self.messages(report, .jobTemplate, .problem).first)
        #expect(problem.hasPrefix("\(folder)/nowhere.sh: cannot read"))
    }

    @Test func anUnknownPlaceholderNamesItsLine() throws {
        let (folder, manifest) = try Self.study(template: "#!/bin/bash\n#SBATCH --qos={{qos}}\n{{stage_in}}\n{{vasp_command}}\n")
        defer { StudyFixture.remove(folder) }
        let report = StudyDoctor.examine(manifest: manifest, potcars: nil, environment: [:])
        #expect(Self.messages(report, .jobTemplate, .problem) == ["\(folder)/job.sh:2: {{qos}} has no value (for every calculation)"])
        #expect(Self.fixes(report, .jobTemplate).first == "set 'qos: …' under job: in the manifest, or remove {{qos}} from \(folder)/job.sh")
        #expect(Self.messages(report, .jobTemplate, .ok).isEmpty)
    }

    @Test func noShebangNoVaspNoStageIn() throws {
        let (folder, manifest) = try Self.study(template: "#SBATCH --nodes={{nodes}}\nsrun vasp_std\n")
        defer { StudyFixture.remove(folder) }
        let report = StudyDoctor.examine(manifest: manifest, potcars: nil, environment: [:])
        let problems = Self.messages(report, .jobTemplate, .problem)
        #expect(problems.count == 3)
        #expect(problems.contains("\(folder)/job.sh:1: the first line is not '#!/bin/bash' (or another #! interpreter)"))
        #expect(problems.contains("\(folder)/job.sh: no {{vasp_command}}: the job would never start VASP"))
        // static/tfsi, bader/litfsi (from:) and neb/turn (end points) start from other calculations' CONTCARs.
        #expect(problems.contains { $0.hasPrefix("\(folder)/job.sh: no {{stage_in}}, but 3 calculations") })
    }

    @Test func anSbatchLineAfterTheFirstCommand() throws {
        let (folder, manifest) = try Self.study(
            template: "#!/bin/bash\n#SBATCH --nodes={{nodes}}\nmodule load vasp\n#SBATCH --time={{time}}\n{{stage_in}}\n{{vasp_command}}\n")
        defer { StudyFixture.remove(folder) }
        let report = StudyDoctor.examine(manifest: manifest, potcars: nil, environment: [:])
        #expect(
            Self.messages(report, .jobTemplate, .problem)
                == ["\(folder)/job.sh:4: this #SBATCH line comes after the first command, and sbatch ignores it"])
    }

    @Test func placeholdersThatRenderEmptyOrAsDirectivesAreNoCommands() throws {
        // The bundled template: {{sbatch_extra}} renders #SBATCH lines, {{modules}} may be empty.
        let lines = JobTemplate.standardText.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(TemplateCheck.lateDirective(lines, values: ["sbatch_extra": "#SBATCH --mem=0", "modules": ""]) == nil)
        let moved = ["#!/bin/bash", "{{modules}}", "{{sbatch_extra}}"].map { Substring($0) }
        #expect(TemplateCheck.lateDirective(moved, values: ["sbatch_extra": "#SBATCH --mem=0", "modules": "module load vasp"]) == 3)
        #expect(TemplateCheck.lateDirective(moved, values: ["sbatch_extra": "#SBATCH --mem=0", "modules": ""]) == nil)
    }

    @Test func aMalformedPlaceholderIsAWarning() throws {
        let (folder, manifest) = try Self.study(template: Self.goodTemplate.replacingOccurrences(of: "set -e", with: "#SBATCH --time={{ time }}\nset -e"))
        defer { StudyFixture.remove(folder) }
        let report = StudyDoctor.examine(manifest: manifest, potcars: nil, environment: [:])
        #expect(Self.messages(report, .jobTemplate, .warning) == ["\(folder)/job.sh:3: '{{ time }}' is not a placeholder and is written as is"])
        #expect(Self.messages(report, .jobTemplate, .problem).isEmpty)
    }

    // MARK: Plan

    @Test func planErrorsAreProblems() throws {
        // Two atoms of Li⁺'s file on top of each other: the close-atoms guard stops generation.
        let (folder, manifest) = try Self.study()
        defer { StudyFixture.remove(folder) }
        try StudyFixture.write("Li2\n1.0\n20 0 0\n0 20 0\n0 0 20\nLi\n2\nCartesian\n10 10 10\n10 10 10.1\n", to: "structures/molecules/li.vasp", in: folder)
        let report = StudyDoctor.examine(manifest: manifest, potcars: nil, environment: [:])
        let problems = Self.messages(report, .plan, .problem)
        #expect(!problems.isEmpty)
        #expect(problems.contains { $0.hasPrefix("relax/li: ") })
        #expect(Self.fixes(report, .plan).first?.contains("--dry-run") == true)
    }
}

/// A template without {{post_process}} leaves the Bader runs without ACF.dat: a warning with the fix.
@Suite struct DoctorPostProcessTests {
    @Test func baderWithoutPostProcessIsAWarning() throws {
        let (folder, manifest) = try DoctorTests.study(template: "#!/bin/bash\n#SBATCH --nodes={{nodes}}\nset -e\n{{stage_in}}\n{{vasp_command}}\n")
        defer { StudyFixture.remove(folder) }
        let report = StudyDoctor.examine(manifest: manifest, potcars: nil, environment: [:])
        let warnings = DoctorTests.messages(report, .jobTemplate, .warning)
        #expect(
            warnings == [
                "\(folder)/job.sh: no {{post_process}}: 1 Bader calculation (bader/litfsi) would stop after VASP, without chgsum and bader (no ACF.dat for tabulate)"
            ])
        #expect(DoctorTests.fixes(report, .jobTemplate).contains("add a line {{post_process}} after {{vasp_command}}"))
    }
}
