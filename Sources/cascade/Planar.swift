import Analysis
import ArgumentParser
import Report
import Study
import VASP

/// `cascade planar`: the plane average of a CHGCAR, LOCPOT or ELFCAR along one axis.
struct Planar: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "planar",
        abstract: "Plane-averaged charge density, potential or ELF along one lattice axis.",
        discussion: """
            For each grid plane along the axis: its height (Å, along the normal to the other two \
            lattice vectors), the plane average of the stored values (pymatgen's \
            get_average_along_axis), and for charge files ρ̄ in e/Å³, the plane integral λ in e/Å \
            and the cumulative charge Q(z) in e (the charge displacement ΔQ(z) for a Δρ file). The \
            kind (LOCPOT in eV, ELFCAR) is taken from the file name. --block picks the magnetisation \
            block (ISPIN = 2) or, for LOCPOT/ELFCAR, the spin-down block.

            Examples:
              cascade planar LOCPOT --axis z
              cascade planar CHGCAR_diff --axis z --plot planar.svg --format csv > planar.csv

            Worked example (corpus LOCPOT.vasp642.gz, a 2×2×5 grid): `cascade planar \
            LOCPOT.vasp642.gz --axis z` prints 5 rows; the first is z = 0, V̄ = -3.934119 eV.
            """)

    @Argument(help: "A CHGCAR, CHG, AECCAR, PARCHG, LOCPOT or ELFCAR (or a run folder with a CHGCAR).")
    var file: String

    @Option(name: .long, help: "Axis: x, y or z (a, b or c).")
    var axis: String = "z"

    @Option(name: .long, help: "Block: total, or second (magnetisation for ISPIN = 2; spin down for LOCPOT/ELFCAR).")
    var block: String = "total"

    @Option(name: .long, help: "Table format on standard output: text, md, csv, json or tex.")
    var format: VolumetricCLI.Format = .text

    @Option(name: .long, help: "Write an SVG plot to this file.")
    var plot: String?

    @Flag(name: .long, help: "Replace an existing plot file.")
    var force = false

    func validate() throws {
        _ = try VolumetricCLI.axis(axis)
        guard ["total", "second"].contains(block) else { throw ValidationError("--block must be total or second, found '\(block)'") }
        try VolumetricCLI.checkWritable(plot, force: force, option: "--plot")
    }

    func run() throws {
        do {
            let data = try RunLoader.volumetric(file, maxBlocks: block == "total" ? 1 : 2)
            VolumetricCLI.printWarnings(data.warnings)
            let index = block == "total" ? 0 : 1
            guard index < data.blocks.count else {
                printError("error: \(file) has no second block (not spin-polarised)")
                throw ExitCode(1)
            }
            let grid = data.blocks[index].grid
            let role = data.roles[index]
            let profile = try planarProfile(grid, axis: VolumetricCLI.axis(axis))
            let symbol = role == .magnetization ? "m" : "ρ"
            let quantity = VolumetricCLI.quantity(data.kind, symbol: symbol)
            let notes = ["\(data.kind.rawValue) \(file), block \(index + 1) (\(role.rawValue)), grid \(grid.dimensions.x)×\(grid.dimensions.y)×\(grid.dimensions.z), plane spacing \(profile.planeSpacing) Å"]
            let title = "Planar average along \(axis) of \(VolumetricCLI.baseName(file))"
            print(VolumetricCLI.render(VolumetricReport.planarTable(profile, quantity: quantity, title: title, notes: notes), format: format), terminator: "")
            if let plot {
                try VolumetricCLI.write(VolumetricReport.planarPlot(profile, quantity: quantity, title: title).svg(), to: plot, force: force)
            }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            printError("error: " + RunInputs.describe(error, inputs: [file]))
            throw ExitCode(1)
        }
    }
}
