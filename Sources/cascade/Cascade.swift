import ArgumentParser

/// `cascade`: generate, parse and tabulate VASP reaction-pathway studies.
@main
struct Cascade: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cascade",
        abstract: "Generate, parse and tabulate VASP reaction-pathway studies.",
        discussion: """
            Jobs:
              parse      read vasprun.xml(.gz) files of finished or killed runs

            Examples:
              cascade parse run/vasprun.xml
              cascade parse --json relax/vasprun.xml.gz static/vasprun.xml > runs.jsonl
            """,
        subcommands: [Parse.self])
}
