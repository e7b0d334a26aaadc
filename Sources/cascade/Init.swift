import ArgumentParser
import Study

/// `cascade init`: a new study folder copied from a bundled study.
struct Init: CascadeCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start a study folder (manifest, structures, input sets, job template) from a bundled study.",
        discussion: """
            Copies the bundled study --from (default tfsi-mof-copc) into DIR, self-contained: \
            DIR/<study>.yaml with its paths rewritten, DIR/structures/ (every system's POSCAR, \
            structures.yaml with charges and multiplicities, README.md) and DIR/templates/ (the \
            input sets and slurm.sh). Edit them for your own system, then run the three commands \
            printed at the end. DIR must be new or empty; the copy is written into a temporary \
            folder next to it and renamed into place, so DIR is never left half-written.

            Examples:
              cascade init my-study
              cascade init ~/projects/litfsi-on-copc --from tfsi-mof-copc
              cascade init my-surface --from co-cu111     # CO on Cu(111): slabs, a molecule, a surface NEB

            Worked example: `cascade init my-study` writes 33 files (my-study/tfsi-mof-copc.yaml, \
            25 POSCARs and structures.yaml and README.md under my-study/structures/, relax.yaml, \
            static.yaml, bader.yaml, neb.yaml and slurm.sh under my-study/templates/) and prints
              cascade doctor my-study/tfsi-mof-copc.yaml
              cascade generate my-study/tfsi-mof-copc.yaml --dry-run
              cascade generate my-study/tfsi-mof-copc.yaml --out my-study/runs
            """)

    @Argument(help: "The new study folder (must not exist or be empty).")
    var dir: String

    @Option(name: .long, help: "The bundled study to copy: tfsi-mof-copc (molecular clusters, the founding study) or co-cu111 (CO on a Cu(111) slab).")
    var from: String = "tfsi-mof-copc"

    func execute() throws {
        let studies = try Bundled.studiesFolder()
        let available = StudyScaffold.available(in: studies)
        guard available.contains(from) else {
            throw ValidationError("no bundled study '\(from)'; available: \(available.joined(separator: ", "))")
        }
        let report = try StudyScaffold.create(from: studies + "/\(from).yaml", into: dir)
        print("wrote \(report.files.count) files into \(report.folder)/: \(report.manifest), structures/, templates/")
        print("next:")
        for command in report.nextCommands { print("  " + command) }
    }

    func afterError(_ error: Error) -> String? { error is ValidationError ? nil : "nothing written" }
}
