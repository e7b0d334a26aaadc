import Analysis
import ArgumentParser
import Files
import Report
import Study
import VASP

/// `cascade adsorption`: E_ads = E(AB) − m·E(A) − k·E(B) with the consistency guard.
struct Adsorption: CascadeCommand {
    static let configuration = CommandConfiguration(
        commandName: "adsorption",
        abstract: "Adsorption energy E_ads = E(AB) − m·E(A) − k·E(B) from run folders, with a consistency guard.",
        discussion: """
            Energies are E(σ→0) of the last ionic step (vasprun.xml, else OUTCAR). The adsorbate may \
            be a run or a number in eV (e.g. ½E(H₂) from elsewhere); the output says which. The host \
            enters m times when the complex is an m-fold supercell of the host cell: --host-multiplicity, \
            or, when not given, the ratio of host atoms in the two structures (a 2×2 slab: 4).

            The guard warns when the runs differ in ENCUT, POTCAR for the same element, IVDW, VASP \
            major version or functional, or when the charges do not balance \
            (charge(AB) ≠ m·charge(A) + k·charge(B), from ΣZVAL − NELECT). A negative E_ads is binding.

            Examples:
              cascade adsorption --complex ads/tfsi-mof/ --host relax/mof/ --adsorbate relax/tfsi/
              cascade adsorption --complex H_on_Ir/ --host Ir_slab/ --adsorbate -3.3833 --host-multiplicity 4

            Worked example (corpus adsorption/atomate_Ir_H: 3 = H on a 2×2 Ir(100), 2 = the 1×1 slab):
              cascade adsorption --complex 3/outputs --host 2/outputs --adsorbate 0
            gives E(AB) − 4·E(A) = −3.780350 eV (m = 4 found from the Ir counts 16/4), the reference value.
            """)

    @Option(name: .long, help: "The complex AB (run folder, vasprun.xml or OUTCAR).")
    var complex: String

    @Option(name: .long, help: "The host A (run folder, vasprun.xml or OUTCAR).")
    var host: String

    @Option(name: .long, parsing: .unconditional, help: "The adsorbate B: a run (folder, vasprun.xml or OUTCAR) or its energy in eV.")
    var adsorbate: String

    @Option(name: .long, help: "m: host cells in the complex. Default: from the atom counts, else 1.")
    var hostMultiplicity: Double?

    @Option(name: .long, help: "k: adsorbate units in the complex.")
    var adsorbateMultiplicity: Double = 1

    @OptionGroup var output: OutputFormat

    func validate() throws {
        if let m = hostMultiplicity, !(m > 0 && m.isFinite) { throw ValidationError("--host-multiplicity must be positive, found \(m)") }
        guard adsorbateMultiplicity > 0, adsorbateMultiplicity.isFinite else {
            throw ValidationError("--adsorbate-multiplicity must be positive, found \(adsorbateMultiplicity)")
        }
    }

    var typedInputs: [String] { [complex, host, adsorbate] }

    func execute() throws {
        var warnings: [String] = []
        let ab = try CalculationLoader.load(complex)
        let a = try CalculationLoader.load(host)
        warnings += ab.warnings + a.warnings
        let abTerm = try term(ab, label: "AB")
        let aTerm = try term(a, label: "A")
        let bTerm: EnergyTerm
        if !FileSystem.occupied(adsorbate), let number = Double(adsorbate) {
            bTerm = .number(number, label: "B")
        } else {
            let b = try CalculationLoader.load(adsorbate)
            warnings += b.warnings
            bTerm = try term(b, label: "B")
        }
        var m = hostMultiplicity ?? 1
        if hostMultiplicity == nil {
            if let c = ab.composition, let h = a.composition, let inferred = Analysis.hostMultiplicity(complex: c, host: h) {
                m = Double(inferred)
                if inferred != 1 { warnings.append("host multiplicity m = \(inferred) from the atom counts (give --host-multiplicity to override)") }
            } else {
                warnings.append("host multiplicity m = 1 (the atom counts give no whole ratio; give --host-multiplicity)")
            }
        }
        let result = adsorptionEnergy(complex: abTerm, host: aTerm, adsorbate: bTerm, hostMultiplicity: m, adsorbateMultiplicity: adsorbateMultiplicity)
        AnalysisCLI.emit([EnergeticsReport.adsorptionTable(result)], json: EnergeticsReport.adsorptionJSON(result, warnings: warnings), format: output.format)
        AnalysisCLI.printLines(warnings, prefix: "note: ")
        AnalysisCLI.printLines(result.issues.map(\.description), prefix: "warning: ")
    }

    func term(_ c: LoadedCalculation, label: String) throws -> EnergyTerm {
        guard let t = c.energyTerm(label: label) else {
            throw ValidationError("\(c.file) has no complete ionic step: no energy")
        }
        return t
    }
}
