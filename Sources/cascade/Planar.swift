import Analysis
import ArgumentParser
import Report
import Study
import VASP

/// `cascade planar`: the plane average of a CHGCAR, LOCPOT or ELFCAR along one axis.
struct Planar: CascadeCommand {
    static let configuration = CommandConfiguration(
        commandName: "planar",
        abstract: "Plane-averaged charge density, potential or ELF along one lattice axis.",
        discussion: """
            For each grid plane along the axis: its height (Å, along the normal to the other two \
            lattice vectors), the plane average of the stored values (pymatgen's \
            get_average_along_axis), and for charge files ρ̄ in e/Å³, the plane integral λ in e/Å \
            and the cumulative charge Q(z) in e (the charge displacement ΔQ(z) for a Δρ file). The \
            kind (LOCPOT in eV, ELFCAR) is taken from the file name. --block picks the block: \
            total (the default), magnetization (ISPIN = 2 charge file), up/down (ISPIN = 2 LOCPOT or \
            ELFCAR), m_x, m_y, m_z (a noncollinear file: four blocks total, m_x, m_y, m_z), or its \
            number 1-4 (second = 2). The notes say which kind of file it is (non-spin-polarised, \
            spin-polarised or noncollinear, decided from the number of blocks in the file), the \
            cell height along the axis and the grid spacing (height / number of planes).

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

    @Option(name: .long, help: "Block: total, magnetization, up, down, m_x, m_y, m_z, or its number 1-4 (second = 2).")
    var block: String = "total"

    @OptionGroup var output: OutputFormat

    @Option(name: .long, help: "Write an SVG plot to this file.")
    var plot: String?

    @Flag(name: .long, help: "Replace an existing plot file.")
    var force = false

    func validate() throws {
        _ = try VolumetricCLI.axis(axis)
        _ = try VolumetricCLI.block(block)
        try VolumetricCLI.checkWritable(plot, force: force, option: "--plot")
    }

    var typedInputs: [String] { [file] }

    func execute() throws {
        let choice = try VolumetricCLI.block(block)
        let data = try RunLoader.volumetric(file, maxBlocks: choice.index + 1, countBlocks: true)
        VolumetricCLI.printWarnings(data.warnings)
        let index = choice.index
        guard index < data.blocks.count, choice.accepts(data.roles[index]) else {
            throw ValidationError("--block \(block): \(file) has no such block; it is \(VolumetricCLI.spinDescription(data))")
        }
        let grid = data.blocks[index].grid
        let role = data.roles[index]
        let profile = try planarProfile(grid, axis: VolumetricCLI.axis(axis))
        let symbol = [.magnetization, .x, .y, .z].contains(role) && data.kind.isChargeLike ? "m" : "ρ"
        let quantity = VolumetricCLI.quantity(data.kind, symbol: symbol)
        let n = grid.dimensions[profile.axis]
        let notes = [
            "\(data.kind.rawValue) \(file): \(VolumetricCLI.spinDescription(data)); block \(index + 1) (\(role.label(for: data.kind))), grid \(grid.dimensions.x)×\(grid.dimensions.y)×\(grid.dimensions.z)",
            "cell height along \(axis) \(profile.cellHeight) Å; grid spacing \(profile.gridSpacing) Å (height / \(n) planes)"
        ]
        let title = "Planar average along \(axis) of \(VolumetricCLI.baseName(file))" + (index == 0 ? "" : " (\(role.label(for: data.kind)))")
        print(
            VolumetricCLI.render(VolumetricReport.planarTable(profile, quantity: quantity, title: title, notes: notes), format: output.format), terminator: "")
        if let plot {
            try VolumetricCLI.write(VolumetricReport.planarPlot(profile, quantity: quantity, title: title).svg(), to: plot, force: force)
        }
    }
}
