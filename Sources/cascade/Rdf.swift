import Analysis
import ArgumentParser
import Report
import Study
import VASP

/// `cascade rdf`: radial distribution function and running coordination number from a trajectory.
struct Rdf: CascadeCommand {
    static let configuration = CommandConfiguration(
        commandName: "rdf",
        abstract: "Radial distribution function g(r) and coordination number n(r) between two atom sets.",
        discussion: """
            g(r) follows ASE's get_rdf (and LAMMPS compute rdf): pairs of a centre atom and a \
            neighbour atom (every periodic image) are counted in bins of width rmax/bins over \
            (0, rmax], normalised by N_centres × N_neighbours/V × the shell volume, per frame, then \
            averaged over the frames. n(r) is the mean number of neighbour atoms within r of a \
            centre atom — the coordination number, meaningful also for slabs with vacuum, where \
            g(r)'s volume normalisation is not. Cells thinner than 2·rmax are handled exactly.

            The input is an XDATCAR (VASP 4, 5 or 6; constant or variable cell), a vasprun.xml \
            (its ionic steps), a file of POSCARs, or a run folder (XDATCAR, else vasprun.xml). \
            --pair CENTRES:NEIGHBOURS takes species (Li, O,F) or 1-based atom numbers (1-24,30).

            Examples:
              cascade rdf XDATCAR --pair Li:O --rmax 8 --bins 400
              cascade rdf md/ --pair Fe:O --frames 1000::10 --plot rdf.svg --format csv > rdf.csv

            Worked example (corpus XDATCAR.MD, molten Fe2O3, 5 frames):
              cascade rdf XDATCAR.MD --pair Fe:O --rmax 4.5 --bins 90
            gives the first Fe–O peak g = 4.584509 at r = 1.8250 Å, equal to ASE's get_rdf.
            """)

    @Argument(help: "XDATCAR, vasprun.xml, POSCAR frames, or a run folder.")
    var trajectory: String

    @Option(name: .long, help: "CENTRES:NEIGHBOURS, e.g. Li:O, S:Li or 1-4:O.")
    var pair: String

    @Option(name: .long, help: "Largest distance (Å).")
    var rmax: Double = 6

    @Option(name: .long, help: "Number of bins over (0, rmax].")
    var bins: Int = 200

    @Option(name: .long, help: "Frames START:END:STRIDE (0-based, END exclusive), e.g. 1000: or ::10. Default: all.")
    var frames: String?

    @OptionGroup var output: OutputFormat

    @Option(name: .long, help: "Write an SVG plot of g(r) and n(r) to this file.")
    var plot: String?

    @Flag(name: .long, help: "Replace an existing plot file.")
    var force = false

    func sides() throws -> (AtomSelection, AtomSelection) {
        let parts = pair.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw ValidationError("--pair: expected CENTRES:NEIGHBOURS such as Li:O, found '\(pair)'") }
        return (try VolumetricCLI.selection(String(parts[0]), option: "--pair"), try VolumetricCLI.selection(String(parts[1]), option: "--pair"))
    }

    func validate() throws {
        _ = try sides()
        _ = try VolumetricCLI.frames(frames)
        guard rmax > 0, rmax.isFinite else { throw ValidationError("--rmax must be a positive distance in Å, found \(rmax)") }
        guard bins >= 1 else { throw ValidationError("--bins must be at least 1, found \(bins)") }
        try VolumetricCLI.checkWritable(plot, force: force, option: "--plot")
    }

    var typedInputs: [String] { [trajectory] }

    func execute() throws {
        let (centers, neighbors) = try sides()
        let selection = try VolumetricCLI.frames(frames)
        let loaded = try RunLoader.trajectory(trajectory, frames: selection)
        VolumetricCLI.printWarnings(loaded.warnings)
        let rdf = try radialDistribution(loaded.trajectory, centers: centers, neighbors: neighbors, rMax: rmax, bins: bins)
        let label = "\(centers)–\(neighbors)"
        let notes = [
            "\(loaded.source) \(loaded.path): \(rdf.frames.count) frame(s), \(rdf.centerCount) centre and \(rdf.neighborCount) neighbour atoms",
            "g(r): ASE get_rdf normalisation (N_B/V = \(rdf.meanNeighborDensity) Å⁻³); n(r): mean number of \(neighbors) atoms within r of a \(centers) atom"
        ]
        print(VolumetricCLI.render(VolumetricReport.rdfTable(rdf, pair: label, notes: notes), format: output.format), terminator: "")
        if let plot {
            let footnote = "\(loaded.source) \(VolumetricCLI.baseName(loaded.path)), \(rdf.frames.count) frame(s); dashed: n(r), right axis"
            try VolumetricCLI.write(VolumetricReport.rdfPlot(rdf, pair: label, footnote: footnote).svg(), to: plot, force: force)
        }
    }
}
