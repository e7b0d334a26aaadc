import Analysis
import ArgumentParser
import Report
import Study
import VASP

/// `cascade bader`: Bader charges per atom and per fragment from ACF.dat.
struct Bader: CascadeCommand {
    static let configuration = CommandConfiguration(
        commandName: "bader",
        abstract: "Bader charges per atom and per fragment from ACF.dat (Henkelman bader or bader-rs).",
        discussion: """
            Reads ACF.dat in every dialect of the Henkelman program (with or without ATOMIC VOL, \
            with or without the VACUUM / NUMBER OF ELECTRONS footer, fused columns) and bader-rs's \
            table; BCF.dat next to it is checked against it. Without --vasprun it prints the \
            electrons N per atom, volumes, the footer and ΣN. With --vasprun RUN (a run folder, \
            vasprun.xml or OUTCAR of the same calculation) it adds ZVAL, the net charge \
            q = ZVAL − N (positive = electrons lost), the elements, and checks ΣN against NELECT.

            Fragments: --fragment NAME=ATOMS[@CHARGE], ATOMS 1-based (e.g. TFSI=1-15@-1, CoPc=16-72); \
            CHARGE is the fragment's reference charge, and q − q_ref is the charge it gave away. \
            --connectivity makes one fragment per covalently bonded molecule instead (needs --vasprun).

            A warning says when no AECCAR0/AECCAR2 (or CHGCAR_sum) sits next to ACF.dat: Bader \
            basins from the valence density alone can be severely inaccurate (pymatgen #3448).

            Examples:
              cascade bader ACF.dat
              cascade bader bader/ACF.dat --vasprun static/ --fragment TFSI=1-15@-1 --fragment CoPc=16-72
              cascade bader ACF.dat --vasprun static/vasprun.xml --connectivity --format json

            Worked example (corpus bader/nuistcz_BaderMerge/ACF.dat, 12 atoms):
              cascade bader nuistcz_BaderMerge/ACF.dat
            gives ΣN = 47.999999 e against NUMBER OF ELECTRONS 48.0000 (pymatgen reads the same charges).
            """)

    @Argument(help: "ACF.dat (plain or .gz), or the folder holding it.")
    var acf: String

    @Option(name: .long, help: "The calculation the density came from (run folder, vasprun.xml or OUTCAR), for ZVAL, NELECT and elements.")
    var vasprun: String?

    @Option(name: .long, help: "A fragment NAME=ATOMS[@CHARGE], atoms 1-based, e.g. TFSI=1-15@-1 (repeatable).")
    var fragment: [String] = []

    @Flag(name: .long, help: "One fragment per covalently bonded molecule (needs --vasprun for the structure).")
    var connectivity = false

    @OptionGroup var output: OutputFormat

    func validate() throws {
        _ = try parsedFragments()
        if connectivity && vasprun == nil { throw ValidationError("--connectivity needs --vasprun (the structure)") }
        if connectivity && !fragment.isEmpty { throw ValidationError("give --fragment or --connectivity, not both") }
    }

    /// `NAME=1-15,20@-1` → a fragment with 0-based atoms and reference charge −1.
    func parsedFragments() throws -> [ChargeFragment] {
        try fragment.map { text in
            let parts = text.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw ValidationError("--fragment: expected NAME=ATOMS[@CHARGE] such as TFSI=1-15@-1, found '\(text)'")
            }
            let rest = parts[1].split(separator: "@", maxSplits: 1)
            var charge = 0.0
            if rest.count == 2 {
                guard let q = Double(rest[1]) else { throw ValidationError("--fragment \(parts[0]): expected a charge after @, found '\(rest[1])'") }
                charge = q
            }
            guard let selection = AtomSelection(parsing: String(rest.first ?? "")), case .indices(let atoms) = selection else {
                throw ValidationError("--fragment \(parts[0]): expected 1-based atom numbers such as 1-15,20, found '\(rest.first ?? "")'")
            }
            return ChargeFragment(name: String(parts[0]), atoms: atoms.sorted(), referenceCharge: charge)
        }
    }

    var typedInputs: [String] { [acf] + [vasprun].compactMap { $0 } }

    func execute() throws {
        let calc = try vasprun.map(CalculationLoader.load)
        var fragments = try parsedFragments()
        if connectivity, let s = calc?.structure { fragments = connectedFragments(s) }
        let bader = try BaderAnalysis.make(bader: BaderLoader.load(acf), calculation: calc, fragments: fragments)
        let table = bader.bader.acf
        let species = calc?.structure?.species
        let valence = calc?.valencePerAtom
        let warnings = (calc?.warnings ?? []) + bader.notes
        let check = bader.check
        let fragmentResults = bader.fragments
        let rows = table.atoms.enumerated().map { k, a in
            BaderReport.AtomRow(
                index: a.index, element: species?[k], electrons: a.electrons, valence: valence?[k], volume: a.volume,
                minimumDistance: a.minimumDistance)
        }
        let footer = footerRows(table.footer)
        let notes = BaderReport.summaryNotes(
            file: table.file, program: table.program.rawValue, columns: table.columns, atomCount: table.atoms.count,
            sum: check.sumOfAtoms, footer: footer, nelect: calc?.nelect, hasValence: valence != nil)
        var tables = [BaderReport.atomTable(rows, title: "Bader charges (\(table.file))", notes: notes)]
        if !fragmentResults.isEmpty { tables.append(BaderReport.fragmentTable(fragmentResults)) }
        let json = BaderReport.json(
            file: table.file, program: table.program.rawValue, rows: rows, footer: footer, check: check, fragments: fragmentResults,
            warnings: warnings)
        AnalysisCLI.emit(tables, json: json, format: output.format)
        AnalysisCLI.printLines(warnings, prefix: "warning: ")
    }

    func footerRows(_ f: BaderFooter) -> [(String, Double)] {
        var out: [(String, Double)] = []
        if let v = f.vacuumCharge { out.append(("VACUUM CHARGE", v)) }
        if let v = f.vacuumVolume { out.append(("VACUUM VOLUME", v)) }
        if let v = f.numberOfElectrons { out.append(("NUMBER OF ELECTRONS", v)) }
        if let v = f.partitionedCharge { out.append(("PARTITIONED CHARGE", v)) }
        if let v = f.partitionedVolume { out.append(("PARTITIONED VOLUME", v)) }
        return out
    }
}
