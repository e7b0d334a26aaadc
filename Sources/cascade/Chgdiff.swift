import Analysis
import ArgumentParser
import Report
import Study
import VASP

/// `cascade chgdiff`: the differential charge density of a composite and its parts.
struct Chgdiff: CascadeCommand {
    static let configuration = CommandConfiguration(
        commandName: "chgdiff",
        abstract: "Differential charge density Δρ = ρ(AB) − ρ(A) − ρ(B), written as a CHGCAR (VESTA reads it).",
        discussion: """
            The first file is the whole system (AB), the others its parts computed in the same cell \
            on the same FFT grid (same cell, ENCUT/PREC or NGXF/NGYF/NGZF); each may be a run folder \
            holding a CHGCAR. Only the total density (first block) is used.

            Sign: Δρ = ρ(AB) − Σ ρ(part) is positive where electrons accumulate when the parts \
            bind, negative where they are depleted (VTST's chgdiff.pl writes the reverse order of \
            its arguments). The output holds Δρ·V_cell, like a CHGCAR; the PAW augmentation \
            occupancies are not carried over (they do not subtract). Standard output gets a \
            summary (electrons in each input, net Δρ), or with --planar the plane-averaged Δρ, its \
            plane integral λ(z) in e/Å and the charge displacement ΔQ(z) in e.

            Examples:
              cascade chgdiff MOF@CoPc/ MOF/ CoPc/ --out CHGCAR_diff
              cascade chgdiff AB/CHGCAR A/CHGCAR B/CHGCAR --out diff.vasp --planar z --plot dq.svg --format csv

            Worked example (Si AECCAR2 minus AECCAR0 of the corpus, as a stand-in for AB − A):
              cascade chgdiff AECCAR2.gz AECCAR0.gz --out d.vasp
            prints "electrons in AECCAR2.gz  8.01314481", "electrons in AECCAR0.gz  23.25358829" and
            "net Δρ (AB − parts)  -15.24044349 e".
            """)

    @Argument(help: "The whole system's CHGCAR, then those of its parts (files or run folders).")
    var files: [String] = []

    @Option(name: .long, help: "Output file for Δρ (CHGCAR layout).")
    var out: String

    @Option(name: .long, help: "Print the planar average of Δρ along this axis (x, y or z; a, b or c).")
    var planar: String?

    @OptionGroup var output: OutputFormat

    @Option(name: .long, help: "Write an SVG plot of λ(z) and ΔQ(z) to this file (needs --planar).")
    var plot: String?

    @Option(name: .customLong("cell-tolerance"), help: "Largest accepted difference between the cells (Å per lattice-vector component).")
    var cellTolerance: Double = 1e-4

    @Flag(name: .long, help: "Replace existing output files.")
    var force = false

    func validate() throws {
        guard files.count >= 2 else {
            throw ValidationError("expected the whole system and at least one part (AB A [B …]), found \(files.count) file(s)")
        }
        if plot != nil && planar == nil { throw ValidationError("--plot needs --planar AXIS") }
        if let planar { _ = try VolumetricCLI.axis(planar) }
        guard cellTolerance >= 0, cellTolerance.isFinite else { throw ValidationError("--cell-tolerance must be ≥ 0 Å") }
        try VolumetricCLI.checkWritable(out, force: force, option: "--out")
        try VolumetricCLI.checkWritable(plot, force: force, option: "--plot")
    }

    var typedInputs: [String] { files }

    func execute() throws {
        let inputs = try files.map { try RunLoader.volumetric($0, maxBlocks: 1) }
        for input in inputs { VolumetricCLI.printWarnings(input.warnings) }
        let whole = inputs[0]
        // The same function `cascade tabulate` evaluates its density differences with.
        let (diff, summary) = try differentialDensityAnalysis(
            whole: whole.total, parts: inputs.dropFirst().map(\.total), wholeLabel: files[0],
            partLabels: Array(files.dropFirst()), axis: try planar.map(VolumetricCLI.axis) ?? 2, cellTolerance: cellTolerance)
        let comment = "Delta rho = " + ([files[0]] + files.dropFirst()).joined(separator: " - ") + " (cascade chgdiff)"
        let result = Volumetric(kind: .chgcar, comment: comment, structure: whole.structure, grids: [diff])
        try result.write(to: out, force: force)
        let sign =
            "Δρ = ρ(\(files[0])) − " + files.dropFirst().map { "ρ(\($0))" }.joined(separator: " − ")
            + ": positive where electrons accumulate; written to \(out) as Δρ·V_cell (CHGCAR convention, no augmentation)"
        var rows: [(String, Double, String)] = zip(files, [summary.electronsWhole] + summary.electronsParts).map { ("electrons in \($0)", $1, "e") }
        rows.append(("net Δρ (AB − parts)", summary.netCharge, "e"))
        rows.append(("largest Δρ", summary.maximum.value, "e/Å³"))
        rows.append(("smallest Δρ", summary.minimum.value, "e/Å³"))
        guard let planar else {
            print(
                VolumetricCLI.render(VolumetricReport.summaryTable(title: "Differential charge density", rows: rows, notes: [sign]), format: output.format),
                terminator: "")
            return
        }
        let profile = summary.profile
        let notes = [sign] + rows.map { "\($0.0): \($0.1) \($0.2)" }
        print(
            VolumetricCLI.render(
                VolumetricReport.planarTable(profile, quantity: .charge(symbol: "Δρ"), title: "Planar Δρ along \(planar)", notes: notes), format: output.format),
            terminator: "")
        if let plot {
            let svg = VolumetricReport.planarPlot(
                profile, quantity: .charge(symbol: "Δρ"), title: "Differential charge density", footnote: "Δρ = ρ(AB) − Σρ(parts) > 0: electron accumulation")
            try VolumetricCLI.write(svg.svg(), to: plot, force: force)
        }
    }
}
