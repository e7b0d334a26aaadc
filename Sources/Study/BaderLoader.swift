import Analysis
import Files
import VASP

/// A Bader result found on disk: ACF.dat, and BCF.dat when it sits next to it.
public struct LoadedBader: Sendable {
    /// The ACF.dat read.
    public var acf: BaderACF
    /// BCF.dat of the same run, when present.
    public var bcf: BaderBCF?
    /// Whether AECCAR0 and AECCAR2 (or CHGCAR_sum) sit next to ACF.dat — the sign that the reference
    /// density was made; `nil` when neither is there (unknown).
    public var referenceDensityFound: Bool?
    /// What the loader noticed.
    public var warnings: [String]
}

/// Finds and reads Bader output: `ACF.dat` given directly or in a folder.
public enum BaderLoader {
    /// Loads `input` (an ACF.dat, plain or gzip, or a folder holding one).
    /// - Throws: ``StudyError/cannotRead(file:reason:)`` for a folder without ACF.dat; reader errors otherwise.
    public static func load(_ input: String) throws -> LoadedBader {
        var hashes = FileHashes(enabled: false)
        return try load(input, hashes: &hashes)
    }

    /// ``load(_:)``, hashing the ACF.dat into `hashes` in the read that parses it.
    static func load(_ input: String, hashes: inout FileHashes) throws -> LoadedBader {
        var path = input
        if FileSystem.isDirectory(input) {
            let base = PathText.trimmingTrailingSlash(input)
            guard let found = ["ACF.dat", "ACF.dat.gz"].map({ "\(base)/\($0)" }).first(where: FileSystem.exists) else {
                throw StudyError.cannotRead(file: "\(base)/ACF.dat", reason: "no ACF.dat in \(input)")
            }
            path = found
        }
        let acfPath = path
        let acf = try hashes.reading(acfPath) { try BaderACF.read(path: acfPath, observer: $0) }
        let folder = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let prefix = folder.isEmpty ? "" : folder + "/"
        var warnings = acf.warnings.map(\.description)
        var bcf: BaderBCF?
        if let bcfPath = ["BCF.dat", "BCF.dat.gz"].map({ prefix + $0 }).first(where: FileSystem.exists) {
            do {
                let table = try BaderBCF.read(path: bcfPath)
                bcf = table
                let perAtom = table.electronsPerAtom(atomCount: acf.atoms.count)
                let off = acf.atoms.indices.filter { abs(perAtom[$0] - acf.atoms[$0].electrons) > 1e-3 }
                if !off.isEmpty {
                    warnings.append(
                        "\(bcfPath): the Bader volumes of atom(s) \(off.prefix(5).map { String($0 + 1) }.joined(separator: ", ")) do not add up to their ACF.dat charge (not the same run?)"
                    )
                }
            } catch {
                warnings.append("\(bcfPath) could not be read: \(error)")
            }
        }
        let hasAECCAR = FileSystem.exists(prefix + "AECCAR0") || FileSystem.exists(prefix + "AECCAR0.gz")
        let hasAECCAR2 = FileSystem.exists(prefix + "AECCAR2") || FileSystem.exists(prefix + "AECCAR2.gz")
        let hasSum = FileSystem.exists(prefix + "CHGCAR_sum") || FileSystem.exists(prefix + "CHGCAR_sum.gz")
        let reference: Bool? = (hasAECCAR && hasAECCAR2) || hasSum ? true : nil
        return LoadedBader(acf: acf, bcf: bcf, referenceDensityFound: reference, warnings: warnings)
    }
}

/// Bader charges of one run, computed one way for `cascade bader` and `cascade tabulate`: ACF.dat with
/// the calculation that wrote the density (ZVAL per atom, NELECT), the electron-count check and the
/// net charge q = Σ (ZVAL − N) of each fragment.
public struct BaderAnalysis: Sendable {
    /// The Bader output.
    public var bader: LoadedBader
    /// The calculation the density came from, when known.
    public var calculation: LoadedCalculation?
    /// Σ N against the program's count and NELECT.
    public var check: BaderCheck
    /// Each fragment's electrons and, with ZVAL, its net charge (e).
    public var fragments: [FragmentCharge]
    /// What a reader of the numbers must know (missing ZVAL, loader notes, check warnings).
    public var notes: [String]

    /// Combines `bader` with `calculation` and resolves `fragments` (0-based atoms).
    /// - Throws: ``StudyError/cannotRead(file:reason:)`` when the two have different atom counts, or the
    ///   fragments overlap or name atoms beyond the table.
    public static func make(bader: LoadedBader, calculation: LoadedCalculation?, fragments: [ChargeFragment]) throws -> BaderAnalysis {
        let acf = bader.acf
        var notes = bader.warnings
        if let calc = calculation {
            let n = calc.structure?.count ?? calc.valencePerAtom?.count ?? 0
            guard n == acf.atoms.count else {
                throw StudyError.cannotRead(file: acf.file, reason: "\(acf.atoms.count) atoms, but \(calc.file) has \(n) atoms: not the same calculation")
            }
            if calc.valencePerAtom == nil { notes.append("\(calc.file) gives no ZVAL: net charges q need it") }
        }
        let result: [FragmentCharge]
        do {
            result = try fragmentCharges(electrons: acf.electrons, valence: calculation?.valencePerAtom, fragments: fragments)
        } catch {
            throw StudyError.cannotRead(file: acf.file, reason: "fragments: \(error)")
        }
        let check = baderCheck(
            electrons: acf.electrons, reported: acf.footer.totalElectrons, nelect: calculation?.nelect, referenceUsed: bader.referenceDensityFound)
        return BaderAnalysis(bader: bader, calculation: calculation, check: check, fragments: result, notes: notes + check.warnings)
    }
}
