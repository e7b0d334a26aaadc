import ArgumentParser
import Files
import Report
import Study
import Synchronization
import VASP

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `cascade tabulate`: status of every calculation of a study, then every quantity its manifest names.
struct Tabulate: CascadeCommand {
    static let configuration = CommandConfiguration(
        commandName: "tabulate",
        abstract: "Status of every calculation of a study, then every quantity its manifest names, with provenance.",
        discussion: """
            Reads the run tree that `cascade generate` wrote and VASP filled: calculation relax/tfsi \
            lives in RUNS/relax/tfsi/, an NEB in RUNS/<name>/00 … NN. Files are parsed concurrently \
            (a progress bar on standard error when it is a terminal).

            First the status of every calculation: missing (no folder or no vasprun.xml/OUTCAR), \
            running (incomplete and written in the last hour), truncated (incomplete and older: a \
            killed job), unconverged (NELM reached, NSW used up, or an NEB image with max force ≥ \
            |EDIFFG|) or converged — each with its reason; NEB folders image by image.

            Then the quantities of the manifest's `quantities:` section: energies E = E(complex) − \
            ΣE(parts) with the consistency guard; NEB barriers (VTST force-based fit beside the \
            energy-only spline) and ΔE, each pathway with its rate-determining step and the \
            catalysts side by side (seed Table S2); bond sets (Table S1 shape); Bader fragment \
            charges and their transfer between states. A quantity whose inputs are missing or \
            unfinished is n/a with the reason. --format json gives every number with its \
            provenance: source files with SHA-256, VASP version and the rule applied.

            Electronic sets (static runs): E_F, the eigenvalue and DOS gaps, and the d-band (or s/p/f) \
            centre, width and filling of named elements and sites over a stated window (seed Fig. 2b).

            --plots DIR writes reaction-profile.svg (levels, transition-state bumps, one series per \
            pathway; seed Fig. 2f), neb-<name>.svg per band and dos-<name>.svg (total DOS, Fig. 2a) \
            per calculation of an electronic set; existing files are kept unless --force.

            Density differences (seed Fig. 2c): Δρ = ρ(complex) − Σ ρ(parts) from the CHGCARs \
            (or CHGCAR.gz) of converged static runs on the same cell and FFT grid: ΔN = ∫Δρ (≈ \
            N(AB) − N(A) − N(B)), the Δρ extrema in e/Å³ and the charge displacement ΔQ(z) extrema \
            along the axis; n/a naming the calculation without CHGCAR or the grids that differ. \
            --plots also writes chgdiff-<complex>.svg (plane-integrated Δρ and ΔQ(z)) and, for \
            entries with `write: true`, CHGCAR_diff-<complex>.vasp (VESTA reads it).

            Without STUDY, the bundled templates/studies/tfsi-mof-copc.yaml; without --runs, the \
            folder `cascade generate` writes (./<study name>/, ./tfsi-mof-copc/ for the bundled study), \
            or, when that does not exist, runs/ beside the manifest (where `cascade init` suggests generating). \
            Exit status 0 even when calculations are missing (it is a report); 1 when the manifest \
            cannot be read.

            Examples:
              cascade tabulate
              cascade tabulate study.yaml --runs runs --format md
              cascade tabulate --format json > tabulation.json
              cascade tabulate --plots figures --force

            Worked example (a run tree assembled from the corpus set adsorption/atomate_Ir_H: its run 2 \
            as relax/ir-slab, run 3 as relax/h-site0, and the manifest energy \
            {name: E, complex: relax/h-site0, parts: [relax/ir-slab, relax/ir-slab, relax/ir-slab, relax/ir-slab]}):
              cascade tabulate study.yaml --runs runs
            lists both calculations as converged (VASP 5.4.1) and gives E = −3.7804 eV \
            (= −130.36848031 − 4 × −31.64703257; corpus-ref −3.78035003 eV).
            """)

    @OptionGroup var manifestFile: ManifestArgument

    @Option(name: .long, help: "The run tree. Default: ./<study name>/ (what `cascade generate` writes).")
    var runs: String?

    @OptionGroup var output: OutputFormat

    @Option(name: .long, help: "Write reaction-profile.svg, the NEB, DOS and Δρ plots (and CHGCAR_diff files) into this folder.")
    var plots: String?

    @Flag(name: .long, help: "Replace existing plot files.")
    var force = false

    func execute() throws {
        let manifest = try manifestFile.load()
        if let plots, !force, let existing = TabulationReport.plotNames(manifest).map({ "\(plots)/\($0)" }).first(where: FileSystem.occupied) {
            throw ValidationError("\(existing) exists (--plots); pass --force to replace it")
        }
        let bar = ProgressBar(label: "calculations", unit: .count)
        let options = TabulationOptions(outputFolder: plots, replaceOutputs: force)
        let result = StudyTabulation.make(manifest: manifest, runs: runs ?? Self.defaultRuns(manifest), options: options, progress: { bar.update($0, $1, $2) })
        bar.clear()
        print(TabulationReport.render(result, format: output.format.tableFormat), terminator: "")
        AnalysisCLI.printLines(result.warnings, prefix: "warning: ")
        guard let plots else { return }
        let files = TabulationReport.plotFiles(result)
        try StudyTabulation.writeFiles(files, folder: plots, force: force)
        if files.isEmpty { printError("note: no plot written: no pathway has a level and no NEB band has a fit") }
    }
}

extension Tabulate {
    /// `./<study>/` (generate's default), else `runs/` beside the manifest (init's suggestion) when only that exists.
    static func defaultRuns(_ manifest: StudyManifest) -> String {
        let beside = PathText.resolve("runs", against: PathText.folder(of: manifest.file))
        return !FileSystem.occupied(manifest.study) && FileSystem.occupied(beside) ? beside : manifest.study
    }
}
