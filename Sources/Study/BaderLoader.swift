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
        var path = input
        if FileSystem.isDirectory(input) {
            let base = input.hasSuffix("/") ? String(input.dropLast()) : input
            guard let found = ["ACF.dat", "ACF.dat.gz"].map({ "\(base)/\($0)" }).first(where: FileSystem.exists) else {
                throw StudyError.cannotRead(file: "\(base)/ACF.dat", reason: "no ACF.dat in \(input)")
            }
            path = found
        }
        let acf = try BaderACF.read(path: path)
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
                    warnings.append("\(bcfPath): the Bader volumes of atom(s) \(off.prefix(5).map { String($0 + 1) }.joined(separator: ", ")) do not add up to their ACF.dat charge (not the same run?)")
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
