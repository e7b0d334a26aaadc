import ArgumentParser
import Report
import Study
import VASP

/// `cascade generate`: turn a study manifest into calculation folders.
struct Generate: CascadeCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write every VASP input of a study (one folder per calculation) from its manifest.",
        discussion: """
            Each calculation gets a folder with INCAR, KPOINTS, POSCAR, POTCAR (assembled from your \
            library) or POTCAR.spec (labels only, when no library is given) and a SLURM job.sh; an \
            NEB folder holds INCAR/KPOINTS/POTCAR/job.sh with the images in 00 … NN. submit.sh in \
            the output folder submits everything in order with --dependency=afterok (relaxations \
            before static/Bader runs and before the NEBs that use them as end points).

            Without STUDY, the bundled founding study templates/studies/tfsi-mof-copc.yaml is \
            written into ./tfsi-mof-copc/ (the bundled files are compiled into cascade and unpacked \
            on first use into ~/.cache/cascade/bundled-<hash>/, or $XDG_CACHE_HOME/cascade/). The plan (folders, atoms, charge, multiplicity, NELECT, \
            ISPIN, k-points, NEB images, dependencies) goes to standard output; warnings and \
            errors to standard error. Nothing is written when the plan has an error, or when a \
            folder already holds VASP outputs (OUTCAR, vasprun.xml, CONTCAR) unless --force \
            (which rewrites inputs only, never outputs).

            POTCARs: --potcars DIR, else $VASP_PP_PATH (ASE layout), else $PMG_VASP_PSP_DIR \
            (pymatgen layout); without any, POTCAR.spec is written and NELECT uses Cascade's table \
            of standard PBE valences. POTCAR content is never printed.

            Examples:
              cascade generate --dry-run
              cascade generate
              cascade generate study.yaml --out runs --potcars ~/potcars --vacuum 15
              cascade generate --only 'neb/*'    # after the relaxations finished

            Worked example: `cascade generate --dry-run` prints 51 rows (25 relax, \
            6 static, 8 bader, 12 neb) of folder, set, system, atoms, charge, 2S+1, \
            NELECT, ISPIN, k-points, NEB images and dependencies; the first is
              relax/tfsi  relax  tfsi  15  -1  1  92  2  Γ 1×1×1  -  -
            TFSI⁻ with the standard PBE POTCARs: ΣZVAL = 2·4 (C) + 5 (N) + 4·6 (O) \
            + 6·7 (F) + 2·6 (S) = 91, and NELECT = 91 + 1 = 92 for the charge −1.

            Manifest reference: docs/study-manifest.md; input sets: docs/input-sets.md.
            """)

    @OptionGroup var manifestFile: ManifestArgument

    @Option(name: .long, help: "Output folder. Default: ./<study name>/ (tfsi-mof-copc/ for the bundled study).")
    var out: String?

    @Option(name: .long, help: "POTCAR library folder (ASE or pymatgen layout). Default: $VASP_PP_PATH or $PMG_VASP_PSP_DIR.")
    var potcars: String?

    @Option(name: .long, help: "Re-box every molecule/cluster to this vacuum (Å) between the atoms and their images.")
    var vacuum: Double?

    @Option(name: .long, help: "Only calculations whose folder matches this shell pattern (repeatable), e.g. 'neb/*'.")
    var only: [String] = []

    @Flag(name: .long, help: "Print the plan and write nothing.")
    var dryRun = false

    @Flag(name: .long, help: "Rewrite the inputs of folders that already hold VASP outputs (outputs are kept).")
    var force = false

    func validate() throws {
        if let vacuum, !(vacuum > 0 && vacuum < 1000) {
            throw ValidationError("--vacuum must be a positive length in Å, got \(vacuum)")
        }
    }

    func execute() throws {
        let manifest = try manifestFile.load()
        let library = try potcars.map(Generator.potcarLibrary(at:)) ?? PotcarLibrary.fromProcessEnvironment()
        let options = GenerationOptions(
            outputFolder: out ?? manifest.study, potcarLibrary: library, vacuum: vacuum, only: only)
        let plan = try GenerationPlan.make(manifest: manifest, options: options)
        print(PlanReport.table(plan), terminator: "")
        for note in plan.allNotes { printError("note: \(note)") }
        for warning in plan.allWarnings { printError("warning: \(warning)") }
        let problems = plan.allErrors
        if !problems.isEmpty {
            for problem in problems { printError("error: \(problem)") }
            printError("nothing written: \(problems.count) error\(problems.count == 1 ? "" : "s") in the plan")
            throw ExitCode(1)
        }
        if dryRun {
            let occupied = plan.foldersWithOutputs
            if !occupied.isEmpty && !force {
                printError("note: \(occupied.count) folder(s) already hold VASP outputs; a real run would refuse them without --force")
            }
            printError("dry run: nothing written (\(plan.calculations.count) folders planned in \(options.outputFolder)/)")
            return
        }
        let report = try Generator.write(plan, force: force)
        printError(PlanReport.written(report))
    }

    /// Everything but a part-way write failure (whose message lists what was written) left nothing written.
    func afterError(_ error: Error) -> String? {
        error is GenerationFailure ? nil : "nothing written"
    }
}
