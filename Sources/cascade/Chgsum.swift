import Analysis
import ArgumentParser
import Report
import Study
import VASP

/// `cascade chgsum`: the Bader reference density AECCAR0 + AECCAR2.
struct Chgsum: CascadeCommand {
    static let configuration = CommandConfiguration(
        commandName: "chgsum",
        abstract: "Sum AECCAR0 + AECCAR2 into the all-electron reference density for Bader analysis.",
        discussion: """
            VASP writes the core density to AECCAR0 and the valence density to AECCAR2 when LAECHG = \
            .TRUE.; their sum is the reference for `bader CHGCAR -ref CHGCAR_sum` (Henkelman group, \
            chgsum.pl). Both must be on the same grid and cell. The output (CHGCAR layout, header of \
            AECCAR0) holds ρ·V_cell; standard output gets the electron count of each input and of \
            the sum (the sum counts core electrons too, so it is larger than NELECT).

            Examples:
              cascade chgsum AECCAR0 AECCAR2 --out CHGCAR_sum
              cascade chgsum run/AECCAR0.gz run/AECCAR2.gz --out run/CHGCAR_sum --format json

            Worked example (Si, corpus atomate_Si_static): the sum holds 31.26673310 e
            (AECCAR0 23.25358829 e + AECCAR2 8.01314481 e), as pymatgen's linear_add gives.
            """)

    @Argument(help: "AECCAR0 (core density).")
    var aeccar0: String

    @Argument(help: "AECCAR2 (valence density).")
    var aeccar2: String

    @Option(name: .long, help: "Output file (CHGCAR layout).")
    var out: String

    @OptionGroup var output: OutputFormat

    @Option(name: .customLong("cell-tolerance"), help: "Largest accepted difference between the cells (Å per lattice-vector component).")
    var cellTolerance: Double = 1e-4

    @Flag(name: .long, help: "Replace an existing output file.")
    var force = false

    func validate() throws {
        try VolumetricCLI.checkWritable(out, force: force, option: "--out")
    }

    var typedInputs: [String] { [aeccar0, aeccar2] }

    func execute() throws {
        let core = try RunLoader.volumetric(aeccar0, name: "AECCAR0", maxBlocks: 1)
        let valence = try RunLoader.volumetric(aeccar2, name: "AECCAR2", maxBlocks: 1)
        VolumetricCLI.printWarnings(core.warnings + valence.warnings)
        let sum = try chargeSum(aeccar0: core.total, aeccar2: valence.total, cellTolerance: cellTolerance)
        let result = Volumetric(kind: .chgcar, comment: core.comment, structure: core.structure, grids: [sum])
        try result.write(to: out, force: force)
        let table = VolumetricReport.summaryTable(
            title: "AECCAR0 + AECCAR2",
            rows: [
                ("electrons in \(aeccar0)", core.total.mean, "e"), ("electrons in \(aeccar2)", valence.total.mean, "e"),
                ("electrons in the sum", sum.mean, "e")
            ],
            notes: ["written to \(out) as ρ·V_cell (CHGCAR convention): the reference density for bader -ref"])
        print(VolumetricCLI.render(table, format: output.format), terminator: "")
    }
}
