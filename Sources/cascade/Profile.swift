import Analysis
import ArgumentParser
import Report
import Study
import VASP

/// `cascade profile`: density of a group of atoms along the surface normal.
struct Profile: CascadeCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Number density of a group of atoms along a lattice axis (the surface normal), averaged over frames.",
        discussion: """
            The height of an atom is its distance from the lattice plane of the other two vectors \
            (f × d, d the plane spacing; |c| for an orthogonal cell). Heights are binned over one \
            cell height; the density is atoms per Å³ of the bin's slab. With --origin mean:SEL or \
            top:SEL the heights are measured from the mean (or the highest) reference atom in each \
            frame and wrapped to [−d/2, d/2): e.g. the distance of TFSI⁻ sulfur atoms from the top \
            Li layer with --group S --origin top:1-16.

            The input is an XDATCAR, a vasprun.xml (its ionic steps), POSCAR frames or a run folder; \
            --group takes species (S, O,F) or 1-based atom numbers (1-24,30).

            Examples:
              cascade profile XDATCAR --group S --axis z
              cascade profile md/ --group F --origin top:Li --bins 120 --plot profile.svg

            Worked example (corpus XDATCAR.MD, 5 frames):
              cascade profile XDATCAR.MD --group Fe --axis z --bins 10
            prints 10 rows with a mean of 3.2 Fe atoms per bin per frame (32 Fe in total).
            """)

    @Argument(help: "XDATCAR, vasprun.xml, POSCAR frames, or a run folder.")
    var trajectory: String

    @Option(name: .long, help: "The atoms counted: species (S, O,F) or 1-based atom numbers.")
    var group: String

    @Option(name: .long, help: "Axis: x, y or z (a, b or c).")
    var axis: String = "z"

    @Option(name: .long, help: "Number of bins over one cell height.")
    var bins: Int = 100

    @Option(name: .long, help: "Zero of the heights: cell (default), mean:SELECTION or top:SELECTION.")
    var origin: String = "cell"

    @Option(name: .long, help: "Frames START:END:STRIDE (0-based, END exclusive). Default: all.")
    var frames: String?

    @OptionGroup var output: OutputFormat

    @Option(name: .long, help: "Write an SVG plot to this file.")
    var plot: String?

    @Flag(name: .long, help: "Replace an existing plot file.")
    var force = false

    func profileOrigin() throws -> ProfileOrigin {
        if origin == "cell" { return .cell }
        let parts = origin.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, parts[0] == "mean" || parts[0] == "top" else {
            throw ValidationError("--origin: expected cell, mean:SELECTION or top:SELECTION, found '\(origin)'")
        }
        let selection = try VolumetricCLI.selection(parts[1], option: "--origin")
        return parts[0] == "mean" ? .mean(selection) : .top(selection)
    }

    func validate() throws {
        _ = try VolumetricCLI.axis(axis)
        _ = try VolumetricCLI.selection(group, option: "--group")
        _ = try profileOrigin()
        _ = try VolumetricCLI.frames(frames)
        guard bins >= 1 else { throw ValidationError("--bins must be at least 1, found \(bins)") }
        try VolumetricCLI.checkWritable(plot, force: force, option: "--plot")
    }

    var typedInputs: [String] { [trajectory] }

    func execute() throws {
        let selection = try VolumetricCLI.frames(frames)
        let loaded = try RunLoader.trajectory(trajectory, frames: selection)
        VolumetricCLI.printWarnings(loaded.warnings)
        let atoms = try VolumetricCLI.selection(group, option: "--group")
        let p = try densityProfile(
            loaded.trajectory, group: atoms, axis: VolumetricCLI.axis(axis), bins: bins, origin: profileOrigin())
        let notes = [
            "\(loaded.source) \(loaded.path): \(p.frames.count) frame(s), \(p.groupCount) atoms of \(atoms)",
            "heights along the normal to the other two lattice vectors, from \(origin); plane spacing \(p.planeSpacing) Å, bin \(p.binWidth) Å"
        ]
        print(VolumetricCLI.render(VolumetricReport.profileTable(p, group: atoms.description, notes: notes), format: output.format), terminator: "")
        if let plot {
            let footnote = "\(loaded.source) \(VolumetricCLI.baseName(loaded.path)), \(p.frames.count) frame(s), \(p.groupCount) atoms; origin \(origin)"
            try VolumetricCLI.write(VolumetricReport.profilePlot(p, group: atoms.description, footnote: footnote).svg(), to: plot, force: force)
        }
    }
}
