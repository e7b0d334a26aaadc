import Analysis
import ArgumentParser
import Chemistry
import Report
import Study
import VASP

/// `cascade bonds`: bond lengths between states or along NEB images.
struct Bonds: CascadeCommand {
    static let configuration = CommandConfiguration(
        commandName: "bonds",
        abstract: "Bond lengths between two (or more) states, or along NEB images; broken and formed bonds flagged.",
        discussion: """
            Each STATE is a run folder (vasprun.xml final structure, else OUTCAR, CONTCAR, POSCAR), \
            a vasprun.xml, an OUTCAR or a POSCAR/CONTCAR; a single NEB folder (images 00 … NN) \
            gives one column per image. The states must hold the same atoms in the same order.

            Without --pairs every pair bonded in at least one state is listed: bonded when \
            d ≤ scale × (r_cov,i + r_cov,j) with Cordero covalent radii, scale 1.2 by default. \
            Distances are minimum-image. A bond is "broken" when bonded in the first state and not \
            in the last, "formed" in the opposite case. --pairs takes 1-based atom pairs I-J \
            separated by commas, e.g. 3-7,3-8,3-9.

            Examples:
              cascade bonds relax/tfsi-copc/ neb/ns/04/ --pairs 3-7,3-8,3-9
              cascade bonds POSCAR CONTCAR --format md
              cascade bonds neb/ns-cleavage --changed

            Worked example (corpus neb/aiida-vasp_NH3_inversion, end points):
              cascade bonds 00/POSCAR 04/POSCAR
            lists the three N–H bonds (H1–N4, H2–N4, H3–N4) of the two NH3 mirror images.
            """)

    @Argument(help: "Two or more states (run folders or structure files), or one NEB folder.")
    var states: [String]

    @Option(name: .long, help: "Atom pairs to follow, 1-based I-J separated by commas, e.g. 3-7,3-8.")
    var pairs: String?

    @Option(name: .long, help: "Bond criterion: d ≤ scale × (sum of covalent radii).")
    var scale: Double = 1.2

    @Flag(name: .long, help: "Only bonds that break or form.")
    var changed = false

    @OptionGroup var output: OutputFormat

    func parsedPairs() throws -> [(Int, Int)]? {
        guard let pairs else { return nil }
        return try pairs.split(separator: ",").map { part in
            let ends = part.split(separator: "-")
            guard ends.count == 2, let i = Int(ends[0].trimmingCharacters()), let j = Int(ends[1].trimmingCharacters()), i >= 1, j >= 1, i != j else {
                throw ValidationError("--pairs: expected 1-based pairs I-J such as 3-7,3-8, found '\(part)'")
            }
            return (i - 1, j - 1)
        }
    }

    func validate() throws {
        guard !states.isEmpty else { throw ValidationError("give two or more states, or one NEB folder") }
        _ = try parsedPairs()
        guard scale > 0, scale.isFinite else { throw ValidationError("--scale must be positive, found \(scale)") }
    }

    var typedInputs: [String] { states }

    func execute() throws {
        var structures: [Structure] = []
        var names: [String] = []
        if states.count == 1 {
            let band = try NebLoader.load(states[0])
            for image in band.images {
                guard let s = image.image.structure else { throw ValidationError("image \(image.image.label) has no structure") }
                structures.append(s)
                names.append(image.image.label)
            }
        } else {
            for state in states {
                let loaded = try CalculationLoader.structure(state)
                structures.append(loaded.structure)
                names.append(state)
            }
        }
        var traces = try bondTable(structures, pairs: try parsedPairs(), scale: scale)
        if changed { traces = changedBonds(traces) }
        let table = BondReport.table(traces, states: names, scale: scale, title: "Bond lengths")
        AnalysisCLI.emit([table], json: BondReport.json(traces, states: names, scale: scale), format: output.format)
    }
}
