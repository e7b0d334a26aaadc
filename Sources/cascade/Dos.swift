import Analysis
import ArgumentParser
import Report
import Study
import VASP

/// `cascade dos`: DOS gap and d-band descriptors of a run.
struct Dos: CascadeCommand {
    static let configuration = CommandConfiguration(
        commandName: "dos",
        abstract: "DOS gap and band centre, width and filling (d-band by default) of a vasprun.xml.",
        discussion: """
            The gap follows pymatgen's Dos.get_gap: states with a DOS above tol × (mean DOS) (or \
            above tol states/eV with --absolute-tolerance) are occupied below E_F and empty above \
            it; the edges are interpolated to where the DOS crosses the threshold. Band centre, width \
            and filling follow pymatgen's get_band_center / get_band_width / get_band_filling \
            (trapezoidal rule on the DOS grid, energies relative to E_F): per spin channel and \
            summed, for the atoms chosen with --site (1-based numbers, e.g. 12 or 1-4,9) or \
            --element, or for every element when neither is given. --window LOW:HIGH (eV around \
            E_F) limits the integrals; default: the whole DOS grid. The input is a vasprun.xml(.gz) \
            or a run folder.

            Examples:
              cascade dos run/vasprun.xml.gz --element Ir
              cascade dos static/ --site 33 --window -10:5 --plot dos.svg
              cascade dos static/ --element Co --format json

            Worked example (corpus adsorption/atomate_Ir_H/3/outputs, H on Ir(100)):
              cascade dos 3/outputs/vasprun.xml.gz --element Ir
            gives the summed Ir d-band centre −2.2317 eV, width 2.4488 eV and filling 0.7818, \
            equal to pymatgen's CompleteDos.get_band_center/width/filling.
            """)

    @Argument(help: "vasprun.xml(.gz) or a run folder.")
    var file: String

    @Option(name: .long, help: "Atoms to project on: 1-based numbers and ranges, e.g. 12 or 1-4,9.")
    var site: String?

    @Option(name: .long, help: "Element to project on, e.g. Co.")
    var element: String?

    @Option(name: .long, help: "Orbital shell: s, p, d or f.")
    var orbital: String = "d"

    @Option(name: .long, parsing: .unconditional, help: "Energy window LOW:HIGH in eV relative to E_F, e.g. -10:5. Default: the whole grid.")
    var window: String?

    @Option(name: .long, help: "Gap threshold (pymatgen tol): relative to the mean DOS, or absolute with --absolute-tolerance.")
    var tolerance: Double = 1e-4

    @Flag(name: .long, help: "Read --tolerance in states/eV instead of relative to the mean DOS.")
    var absoluteTolerance = false

    @OptionGroup var output: OutputFormat

    @Option(name: .long, help: "Write a DOS plot (SVG, Fig. 2a style: spin down mirrored) to this file.")
    var plot: String?

    @Flag(name: .long, help: "Replace an existing plot file.")
    var force = false

    func validate() throws {
        if site != nil && element != nil { throw ValidationError("give --site or --element, not both") }
        if let site, AtomSelection(parsing: site).map({ if case .indices = $0 { return true } else { return false } }) != true {
            throw ValidationError("--site: expected 1-based atom numbers such as 12 or 1-4,9, found '\(site)'")
        }
        guard OrbitalShell(rawValue: orbital) != nil else { throw ValidationError("--orbital: expected s, p, d or f, found '\(orbital)'") }
        if let window { _ = try AnalysisCLI.window(window) }
        guard tolerance > 0, tolerance.isFinite else { throw ValidationError("--tolerance must be positive, found \(tolerance)") }
        try VolumetricCLI.checkWritable(plot, force: force, option: "--plot")
    }

    var typedInputs: [String] { [file] }

    func execute() throws {
        let run = try RunLoader.vasprun(file, options: VasprunOptions(readDOS: true, readEigenvalues: true, readProjections: false))
        VolumetricCLI.printWarnings(run.warnings)
        guard let dos = run.dos else {
            throw ValidationError("\(RunLoader.vasprunPath(for: file)) has no <dos> block (the run wrote no DOS)")
        }
        let shell = OrbitalShell(rawValue: orbital) ?? .d
        let range = try window.map(AnalysisCLI.window)
        let groups = try selections(run.atoms, shell: shell).map { s in (selection: s, bands: bandDescriptors(dos, atoms: s.atoms, shell: shell, window: range))
        }
        var notes: [String] = []
        if dos.partial == nil { notes.append("no projected DOS in this file (LORBIT not set): band descriptors need it") }
        let empty = groups.filter { $0.bands.isEmpty }.map(\.selection.label)
        if !empty.isEmpty, dos.partial != nil { notes.append("no \(shell.rawValue) states (∫ρ = 0) for: \(empty.joined(separator: ", "))") }
        let channels: [SpinChannel] = dos.spinCount == 2 ? [.summed, .up, .down] : [.summed]
        // A channel's gap is searched around its own mid-gap: with NUPDOWN fixed, VASP's E_F is one channel's.
        let separators: [SpinChannel: Double] =
            run.eigenvalues.map { e in
                e.spinCount == 2 ? [.up: spinReference(e, spin: 0), .down: spinReference(e, spin: 1)].compactMapValues { $0 } : [:]
            } ?? [:]
        let gaps = channels.compactMap { c in
            dosGap(dos, tolerance: tolerance, absoluteTolerance: absoluteTolerance, spin: c, separator: separators[c]).map { (c, $0) }
        }
        if !separators.isEmpty {
            notes.append("the gap of each spin channel is searched around that channel's mid-gap (HOMO_σ + LUMO_σ)/2, the summed one around E_F")
        }
        let path = RunLoader.vasprunPath(for: file)
        let tables = [
            DosReport.bandTable(groups.filter { !$0.bands.isEmpty }, efermi: dos.efermi, window: range, notes: ["file: \(path)"] + notes),
            DosReport.gapTable(gaps, tolerance: tolerance, absolute: absoluteTolerance)
        ]
        let json = DosReport.json(
            file: path, efermi: dos.efermi, gaps: gaps, tolerance: tolerance, absolute: absoluteTolerance,
            groups: groups.filter { !$0.bands.isEmpty }, window: range, warnings: notes)
        AnalysisCLI.emit(tables, json: json, format: output.format)
        if let plot {
            let selection = (site != nil || element != nil) ? groups.first?.selection : nil
            let svg = DosReport.plot(dos, selection: selection, window: range, footnote: path).svg()
            try VolumetricCLI.write(svg, to: plot, force: force)
        }
    }

    /// The atom sets to describe: --site, --element, or each element of the run.
    func selections(_ species: [String], shell: OrbitalShell) throws -> [DosReport.Selection] {
        if let site, case .indices(let atoms)? = AtomSelection(parsing: site) {
            let bad = atoms.filter { $0 >= species.count }
            guard bad.isEmpty else { throw ValidationError("--site: atom \(bad[0] + 1) is beyond the \(species.count) atoms of the run") }
            let elements = Array(Set(atoms.map { species[$0] })).sorted().joined(separator: ",")
            return [DosReport.Selection(label: "site \(site) (\(elements))", atoms: atoms, shell: shell)]
        }
        if let element {
            let atoms = Analysis.atoms(ofElement: element, species: species)
            guard !atoms.isEmpty else {
                throw ValidationError("--element: no \(element) atom in the run (elements: \(species.uniqueInOrder().joined(separator: ", ")))")
            }
            return [DosReport.Selection(label: "\(element) (\(atoms.count) atom\(atoms.count == 1 ? "" : "s"))", atoms: atoms, shell: shell)]
        }
        return species.uniqueInOrder().map { e in
            let atoms = Analysis.atoms(ofElement: e, species: species)
            return DosReport.Selection(label: "\(e) (\(atoms.count) atom\(atoms.count == 1 ? "" : "s"))", atoms: atoms, shell: shell)
        }
    }
}
