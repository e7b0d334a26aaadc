import Analysis
import ArgumentParser
import Report
import Study
import VASP

/// `cascade neb`: energies, barriers and fits of an NEB band.
struct Neb: CascadeCommand {
    static let configuration = CommandConfiguration(
        commandName: "neb",
        abstract: "NEB barriers: VTST force-based fit beside pymatgen's energy-only spline, climbing-image checks.",
        discussion: """
            DIR holds the images 00 … NN (each with vasprun.xml or OUTCAR; the end points may have \
            only a POSCAR, or their outputs in start/ end/ or initial/ final/). A pymatgen \
            NEBAnalysis JSON file is read as well. For each image: E(σ→0), the VTST tangential force \
            (`NEB: projections on to tangent (spring, REAL)`) and `FORCES: max atom`; the reaction \
            coordinate r is the cumulative 3N distance between images with periodic wrapping.

            Energies are relative to image 00, or to the first image that has an energy (the table \
            says which are missing). Two fits, side by side: VTST's cubic Hermite per interval \
            from energies and tangential forces (nebspline.pl; ASE forcecurve), and pymatgen's \
            energy-only spline with zero end slopes (its exact maximum, and the value its \
            get_extrema reports on a 0.01 Å grid). Extrema are only taken inside each interval, \
            never extrapolated. The climbing image must be the highest image and every image's \
            max force below |EDIFFG|.

            The end points 00 and NN that `cascade generate` writes hold only a POSCAR: --initial and \
            --final name the relaxations they come from, whose E(σ→0) and final structure then stand \
            in (only when converged), exactly as `cascade tabulate` does with the manifest's initial: \
            and final:.

            --vtst DIR writes VTST-compatible neb.dat, spline.dat and exts.dat there; never a \
            number that is not finite. A band whose neighbouring images coincide (Δr ≤ 1e-4 Å) is \
            degenerate: no spline is fitted (spline.dat and exts.dat are not written, with a \
            warning), the barriers come from the images only, and the climbing-image check says \
            so and does not pass.

            Examples:
              cascade neb neb/ns-cleavage
              cascade neb neb/ns-cleavage --plot barrier.svg --vtst neb/ns-cleavage
              cascade neb neb/copc/1-ns-cleavage --initial relax/copc-s0 --final relax/copc-s1
              cascade neb neb_analysis2.json --format json

            Worked example (corpus neb/pymatgen_neb2/neb_analysis2.json, 5 images):
              cascade neb neb_analysis2.json
            gives the force-based barrier 0.528775 eV (maximum at r = 0.7752 Å) beside the \
            energy-only 0.562408 eV (pymatgen: 562.40825 meV at x/r_max = 0.37255257).
            """)

    @Argument(help: "The NEB folder (images 00 … NN) or a pymatgen NEBAnalysis .json.")
    var dir: String

    @Option(
        name: .long,
        help:
            "The relaxation that image 00 comes from (run folder, vasprun.xml or OUTCAR): its energy and structure stand in when 00 has no output, as `tabulate` does with the manifest's initial:."
    )
    var initial: String?

    @Option(name: .long, help: "The relaxation that the last image comes from, likewise (the manifest's final:).")
    var final: String?

    @OptionGroup var output: OutputFormat

    @Option(name: .long, help: "Write an SVG plot of the band (fits, images, barrier) to this file.")
    var plot: String?

    @Option(name: .long, help: "Write VTST-compatible neb.dat, spline.dat and exts.dat into this folder.")
    var vtst: String?

    @Flag(name: .long, help: "Replace existing output files.")
    var force = false

    func validate() throws {
        try VolumetricCLI.checkWritable(plot, force: force, option: "--plot")
        if let vtst {
            for name in ["neb.dat", "spline.dat", "exts.dat"] {
                try VolumetricCLI.checkWritable("\(vtst)/\(name)", force: force, option: "--vtst")
            }
        }
    }

    var typedInputs: [String] { [dir] }

    func execute() throws {
        var band = try NebLoader.load(dir)
        band.warnings += band.fillEndPoints(initial: initial.map(EndPointSource.load), final: final.map(EndPointSource.load)).notes
        let analysis = band.analysis()
        let files = band.images.map { $0.energyFile ?? "" }
        let tables = [
            NebReport.imageTable(analysis, energyFiles: files, title: "NEB band \(dir)"),
            NebReport.barrierTable(analysis)
        ]
        AnalysisCLI.emit(tables, json: NebReport.json(analysis, source: dir, energyFiles: files, warnings: band.warnings), format: output.format)
        AnalysisCLI.printLines(band.warnings, prefix: "warning: ")
        if let plot {
            guard let svg = NebReport.plot(analysis, footnote: dir)?.svg() else {
                throw ValidationError("no plot: the band has no path coordinate or fewer than two energies")
            }
            try VolumetricCLI.write(svg, to: plot, force: force)
        }
        if let vtst {
            for (name, text, reason) in NebReport.vtstFiles(analysis) {
                guard let text else {
                    printError("warning: \(name) not written: \(reason ?? "no data")")
                    continue
                }
                try VolumetricCLI.write(text, to: "\(vtst)/\(name)", force: force)
            }
        }
    }
}
