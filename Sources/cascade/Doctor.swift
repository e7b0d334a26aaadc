import ArgumentParser
import Report
import Study

/// `cascade doctor`: check what a study's first real run needs and say what to fix.
struct Doctor: CascadeCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a study's setup (POTCAR library, manifest, structures, job script) and say what to fix.",
        discussion: """
            Checks, in order:
              POTCAR library   --potcars DIR, else $VASP_PP_PATH (ASE layout: potpaw_PBE[.54|.64]/<label>/POTCAR), \
            else $PMG_VASP_PSP_DIR (pymatgen layout: POT_GGA_PAW_PBE[_54]/POTCAR.<label>) — as \
            cascade generate chooses it; which layout and PBE folder were found, which of the \
            study's labels resolve and which do not. Only file names, TITEL and ZVAL are read; \
            POTCAR content is never printed.
              Manifest         schema errors with file:line:column; the input sets and the structure index.
              Structures       every system's structure file is read.
              Job script       each template exists, starts with #!, has a value for every \
            {{placeholder}}, runs {{vasp_command}} and stages in {{stage_in}} where calculations need it.
              Generation plan  the errors cascade generate --dry-run would stop at.

            The report goes to standard output. Exit status 0 when all is well (warnings allowed), \
            1 with the numbered list of what to fix.

            Examples:
              cascade doctor
              cascade doctor tfsi-mof-copc/tfsi-mof-copc.yaml --potcars ~/vasp/potpaw
              VASP_PP_PATH=/opt/vasp/pp cascade doctor study.yaml

            Worked example: with no POTCAR library set, `cascade doctor` on the bundled study prints
              POTCAR library
                problem  no POTCAR library: neither VASP_PP_PATH nor PMG_VASP_PSP_DIR is set …
              Manifest
                ok       …/templates/studies/tfsi-mof-copc.yaml: study tfsi-mof-copc, 25 systems, 51 calculations
              …
              Generation plan
                ok       cascade generate --dry-run: 51 calculation folders (25 relax, 6 static, 8 bader, 12 neb, 60 NEB images) …
            and exits 1 with "1 problem to fix", the fix being the export line to add.
            """)

    @OptionGroup var manifestFile: ManifestArgument

    @Option(name: .long, help: "POTCAR library folder (ASE or pymatgen layout). Default: $VASP_PP_PATH or $PMG_VASP_PSP_DIR.")
    var potcars: String?

    func execute() throws {
        let manifest = try manifestFile.path()
        let report = StudyDoctor.examine(
            manifest: manifest, potcars: potcars, environment: StudyDoctor.processEnvironment())
        print(DoctorText.render(report), terminator: "")
        if !report.isHealthy { throw ExitCode(1) }
    }
}
