import ArgumentParser

/// `cascade`: generate, parse and tabulate VASP reaction-pathway studies.
@main
struct Cascade: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cascade",
        abstract: "Generate, parse and tabulate VASP reaction-pathway studies.",
        discussion: """
            The three jobs, in the order of a study:
              generate   write every VASP input of a study from its manifest
              submit     submit it to SLURM with afterok chains; status and resume follow it through
              parse      read vasprun.xml(.gz) files of finished or killed runs
              tabulate   status of every calculation and every quantity of a study, with provenance

            Then single-purpose analyses of finished runs, charge densities and trajectories, \
            and two setup commands: doctor checks what a first real run needs (POTCAR library, \
            manifest, structures, job script); init starts your own study from the bundled one.
            Every command's --help has a worked example. Tables go to standard output (--format \
            text|md|csv|json|tex where offered); progress, notes and warnings to standard error.

            Examples:
              cascade init my-study && cascade doctor my-study/tfsi-mof-copc.yaml
              cascade generate --dry-run
              cascade parse examples/vasprun.xml
              cascade parse --json relax/tfsi/vasprun.xml.gz static/copc/ > runs.jsonl
              cascade dos static/copc/ --element Co --format json
              cascade neb neb/copc/1-ns-cleavage --plot barrier.svg
              cascade chgdiff static/tfsi-on-copc/ static/copc/ relax/tfsi/ --out CHGCAR_diff --planar z
              cascade --version
            """,
        version: CascadeVersion.text,
        subcommands: [Generate.self, Submit.self, Status.self, Resume.self, Parse.self, Tabulate.self],
        groupedSubcommands: [
            CommandGroup(name: "Single-purpose analyses", subcommands: [Dos.self, Bader.self, Neb.self, Bonds.self, Adsorption.self]),
            CommandGroup(name: "Charge densities and trajectories", subcommands: [Chgdiff.self, Chgsum.self, Planar.self, Rdf.self, Profile.self]),
            CommandGroup(name: "Setup", subcommands: [Doctor.self, Init.self]),
            CommandGroup(name: "On the compute node (job scripts call these)", subcommands: [Images.self, Fragment.self])
        ])
}
