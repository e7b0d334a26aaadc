import Files

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the user keeps the (licensed) VASP PBE POTCAR files. Cascade never ships, prints or embeds
/// POTCAR content: it reads only the labels, `TITEL` and `ZVAL`, and copies the files into run folders.
///
/// Two layouts are understood (PBE only):
/// - ``Layout/ase`` (`VASP_PP_PATH`, as ASE): `ROOT/potpaw_PBE/<label>/POTCAR`, or with a version
///   `ROOT/potpaw_PBE.<version>/<label>/POTCAR` (`potpaw_PBE_<version>` is accepted too);
/// - ``Layout/pymatgen`` (`PMG_VASP_PSP_DIR`, as pymatgen): `ROOT/POT_GGA_PAW_PBE/POTCAR.<label>`, or with
///   a version `ROOT/POT_GGA_PAW_PBE_<version>/…` (`POT_PAW_PBE_64` for version 64);
///   `…/<label>/POTCAR` inside the same folder is accepted too.
///
/// Each file may be gzip-compressed (`POTCAR.gz`, `POTCAR.<label>.gz`).
/// Without a version the unversioned folder is used; when it is absent the newest versioned folder
/// present (64, then 54, then 52) is used, with a warning naming it.
public struct PotcarLibrary: Sendable, Hashable, CustomStringConvertible {
    /// The folder layout.
    public enum Layout: String, Sendable, Hashable {
        /// ASE's `VASP_PP_PATH` layout.
        case ase
        /// pymatgen's `PMG_VASP_PSP_DIR` layout.
        case pymatgen
    }

    /// The folder layout.
    public var layout: Layout
    /// The library's root folder (the value of `VASP_PP_PATH` or `PMG_VASP_PSP_DIR`).
    public var root: String
    /// The PBE set's version, e.g. `"54"` or `"64"`; `nil` for the unversioned folder.
    public var version: String?

    /// A library at `root`.
    public init(layout: Layout, root: String, version: String? = nil) {
        self.layout = layout
        self.root = root
        self.version = version
    }

    /// The library named by an environment: `VASP_PP_PATH` (with `VASP_PP_VERSION`, as ASE) first, then
    /// `PMG_VASP_PSP_DIR` (with `PMG_DEFAULT_FUNCTIONAL` such as `PBE_54`, as pymatgen); `nil` when
    /// neither is set to a non-empty value.
    public static func fromEnvironment(_ environment: [String: String]) -> PotcarLibrary? {
        func value(_ name: String) -> String? {
            guard let v = environment[name].map(InputLines.trim), !v.isEmpty else { return nil }
            return v
        }
        if let root = value("VASP_PP_PATH") {
            return PotcarLibrary(layout: .ase, root: root, version: value("VASP_PP_VERSION"))
        }
        if let root = value("PMG_VASP_PSP_DIR") {
            let functional = value("PMG_DEFAULT_FUNCTIONAL")
            let version = functional.flatMap { $0.hasPrefix("PBE_") ? String($0.dropFirst(4)) : nil }
            return PotcarLibrary(layout: .pymatgen, root: root, version: version)
        }
        return nil
    }

    /// ``fromEnvironment(_:)`` applied to this process's environment variables.
    public static func fromProcessEnvironment() -> PotcarLibrary? {
        let names = ["VASP_PP_PATH", "VASP_PP_VERSION", "PMG_VASP_PSP_DIR", "PMG_DEFAULT_FUNCTIONAL"]
        var environment: [String: String] = [:]
        for name in names {
            if let v = getenv(name) { environment[name] = String(cString: v) }
        }
        return fromEnvironment(environment)
    }

    /// A one-line description for messages, e.g. `VASP_PP_PATH=/opt/pp (ASE layout, potpaw_PBE)`.
    public var description: String {
        let variable = layout == .ase ? "VASP_PP_PATH" : "PMG_VASP_PSP_DIR"
        return "\(variable)=\(root) (\(layout == .ase ? "ASE" : "pymatgen") layout, PBE \(version ?? "unversioned"))"
    }

    // MARK: Locating files

    /// Family folder names to try, in order.
    func familyCandidates() -> [String] {
        switch (layout, version) {
        case (.ase, let v?): return ["potpaw_PBE.\(v)", "potpaw_PBE_\(v)"]
        case (.ase, nil): return ["potpaw_PBE"] + ["64", "54", "52"].flatMap { ["potpaw_PBE.\($0)", "potpaw_PBE_\($0)"] }
        case (.pymatgen, let v?): return ["POT_GGA_PAW_PBE_\(v)", "POT_PAW_PBE_\(v)"]
        case (.pymatgen, nil): return ["POT_GGA_PAW_PBE", "POT_PAW_PBE_64", "POT_GGA_PAW_PBE_64", "POT_GGA_PAW_PBE_54", "POT_GGA_PAW_PBE_52"]
        }
    }

    /// The family folder that exists, and a warning when it is a fallback.
    func resolveFamily() throws -> (folder: String, warning: String?) {
        let candidates = familyCandidates()
        guard let found = candidates.first(where: { FileProbe.isDirectory(root + "/" + $0) }) else {
            throw VASPError.cannotRead(
                file: root,
                reason: "no PBE POTCAR folder in \(description): looked for \(candidates.joined(separator: ", "))")
        }
        let warning =
            version == nil && found != candidates[0]
            ? "\(candidates[0]) not found in \(root); using \(found)" : nil
        return (root + "/" + found, warning)
    }

    /// Paths to try for `label` inside the family folder.
    func fileCandidates(label: String, family: String) -> [String] {
        let bases =
            layout == .ase
            ? ["\(family)/\(label)/POTCAR"]
            : ["\(family)/POTCAR.\(label)", "\(family)/\(label)/POTCAR"]
        return bases.flatMap { [$0, $0 + ".gz"] }
    }
}

/// The header of one pseudopotential: its label, `TITEL` and valence (`ZVAL`).
public struct PotcarSingle: Sendable, Hashable {
    /// The POTCAR label, e.g. `Fe_pv`.
    public var label: String
    /// The `TITEL` line's value, e.g. `PAW_PBE Fe_pv 02Aug2007`; `nil` when taken from the built-in table.
    public var titel: String?
    /// Valence electrons `ZVAL` (|e|); `nil` when unknown (no library and not in the built-in table).
    public var zval: Double?
    /// The library file it came from; `nil` without a library.
    public var path: String?
    /// The recommended cut-off `ENMAX` (eV) of the header; `nil` without a library or when the header has none.
    public var enmax: Double?

    /// A header.
    public init(label: String, titel: String? = nil, zval: Double? = nil, path: String? = nil, enmax: Double? = nil) {
        self.label = label
        self.titel = titel
        self.zval = zval
        self.path = path
        self.enmax = enmax
    }

    /// The element symbol of the label: `Fe_pv` → `Fe`, `H.75` → `H`.
    public var element: String {
        String(label.prefix(while: { $0 != "_" && $0 != "." && $0 != "/" }))
    }
}

/// The pseudopotentials of a calculation, one per species in POSCAR order.
///
/// With a ``PotcarLibrary`` every label is found in it and its `TITEL` and `ZVAL` are read;
/// ``writePotcar(to:force:)`` then concatenates the files. Without one, ``specText`` gives a
/// `POTCAR.spec` (one label per line) for the user to assemble on the cluster, and `ZVAL` comes from
/// Cascade's built-in table of standard PBE values (``builtinZval(label:)``) with a warning saying so.
public struct Potcar: Sendable, Hashable {
    /// One header per species, in POSCAR order.
    public var singles: [PotcarSingle]
    /// Non-fatal findings (built-in ZVALs, fallback folders, label mismatches). Not part of the value:
    /// `==` and `hash(into:)` ignore it.
    public var warnings: [ReadWarning]

    /// Headers in POSCAR order.
    public init(singles: [PotcarSingle], warnings: [ReadWarning] = []) {
        self.singles = singles
        self.warnings = warnings
    }

    /// Equal when the headers are equal and in the same order (warnings are ignored).
    public static func == (lhs: Potcar, rhs: Potcar) -> Bool { lhs.singles == rhs.singles }

    /// Hashes the headers in order (not the warnings).
    public func hash(into hasher: inout Hasher) { hasher.combine(singles) }

    /// The labels in order, e.g. `["Fe_pv", "O"]`.
    public var labels: [String] { singles.map(\.label) }

    /// `true` when every header came from a library file, so ``writePotcar(to:force:)`` can work.
    public var isFromLibrary: Bool { !singles.isEmpty && singles.allSatisfy { $0.path != nil } }

    /// Total valence electrons for `counts` atoms per species (the NELECT of a neutral cell), or `nil`
    /// when a ZVAL is unknown or the counts do not match the species.
    public func electrons(counts: [Int]) -> Double? {
        guard counts.count == singles.count else { return nil }
        var total = 0.0
        for (single, n) in zip(singles, counts) {
            guard let z = single.zval else { return nil }
            total += z * Double(n)
        }
        return total
    }
}

// MARK: - Assembling

extension Potcar {
    /// The headers for `labels` (one per species, POSCAR order), from `library` when given, otherwise
    /// from the built-in table with a warning.
    /// - Throws: ``VASPError/cannotRead(file:reason:)`` when the library lacks a label (naming the paths
    ///   tried), or ``VASPError/malformed(_:_:)`` when a library file has no `TITEL`/`ZVAL`.
    public static func assemble(labels: [String], library: PotcarLibrary?) throws -> Potcar {
        guard let library else { return fromBuiltinTable(labels: labels) }
        let (family, fallback) = try library.resolveFamily()
        var warnings = fallback.map { [ReadWarning(SourceLocation(file: library.root), $0)] } ?? []
        var singles: [PotcarSingle] = []
        for label in labels {
            let single = try loadSingle(label: label, family: family, library: library)
            if let titel = single.titel, titelLabel(titel) != label {
                warnings.append(
                    ReadWarning(
                        SourceLocation(file: single.path ?? family, context: label),
                        "the POTCAR found for \(label) is labelled \(titelLabel(titel)) in its TITEL"))
            }
            singles.append(single)
        }
        return Potcar(singles: singles, warnings: warnings)
    }

    /// Headers from the built-in table; a warning says the ZVALs are not from POTCAR files.
    public static func fromBuiltinTable(labels: [String]) -> Potcar {
        let singles = labels.map { PotcarSingle(label: $0, zval: builtinZval(label: $0)) }
        let location = SourceLocation(file: "POTCAR.spec")
        var warnings = [
            ReadWarning(
                location,
                "no POTCAR library (set VASP_PP_PATH or PMG_VASP_PSP_DIR): ZVAL of \(labels.joined(separator: " ")) taken from Cascade's built-in table of standard PBE values, not from POTCAR files"
            )
        ]
        let unknown = singles.filter { $0.zval == nil }.map(\.label)
        if !unknown.isEmpty {
            warnings.append(
                ReadWarning(
                    location,
                    "no ZVAL known for \(unknown.joined(separator: " ")): the electron count cannot be computed without a POTCAR library"))
        }
        return Potcar(singles: singles, warnings: warnings)
    }

    private static func loadSingle(label: String, family: String, library: PotcarLibrary) throws -> PotcarSingle {
        let candidates = library.fileCandidates(label: label, family: family)
        guard let path = candidates.first(where: FileProbe.isFile) else {
            throw VASPError.cannotRead(
                file: candidates[0],
                reason: "no POTCAR for \(label) in \(library.description); looked for \(candidates.joined(separator: ", "))")
        }
        let parsed = try parse(text: ByteSource.text(of: path), file: path)
        guard parsed.singles.count == 1, var single = parsed.singles.first else {
            throw VASPError.malformed(
                SourceLocation(file: path, context: label),
                "expected one pseudopotential in the file, found \(parsed.singles.count)")
        }
        single.label = label
        single.path = path
        return single
    }

    /// The label in a `TITEL` value: `PAW_PBE Fe_pv 02Aug2007` → `Fe_pv`.
    static func titelLabel(_ titel: String) -> String {
        let words = titel.split(separator: " ")
        return String(words.count >= 2 ? words[1] : words.first ?? "")
    }
}

// MARK: - Reading headers

extension Potcar {
    /// The headers (label, `TITEL`, `ZVAL`) of every dataset in a POTCAR file (plain or gzip). Nothing
    /// else of the file is kept.
    /// - Throws: ``VASPError/malformed(_:_:)`` (naming the dataset's first line) when a dataset lacks `TITEL` or `ZVAL`.
    public static func read(path: String) throws -> Potcar {
        try parse(text: ByteSource.text(of: path), file: path)
    }

    /// Parses POTCAR text; see ``read(path:)``. Messages never quote the file's content.
    public static func parse(text: String, file: String = "POTCAR") throws -> Potcar {
        let lines = InputLines(text: text, file: file)
        var singles: [PotcarSingle] = []
        var header = PotcarHeader(start: 0)
        for index in 0..<lines.count {
            let line = lines[index]
            if line.contains("End of Dataset") {
                singles.append(try header.finish(lines, number: singles.count + 1))
                header = PotcarHeader(start: index + 1)
            } else {
                header.take(line, at: index)
            }
        }
        if header.hasContent { singles.append(try header.finish(lines, number: singles.count + 1)) }
        guard !singles.isEmpty else {
            throw lines.malformed(0, "expected a POTCAR (datasets with TITEL and ZVAL), found none")
        }
        return Potcar(singles: singles)
    }
}

/// The header lines of one dataset being read.
private struct PotcarHeader {
    var start: Int
    var titel: String?
    var zval: Double?
    var enmax: Double?
    var hasContent = false

    init(start: Int) { self.start = start }

    mutating func take(_ line: Substring, at index: Int) {
        if !hasContent, !InputLines.trim(line).isEmpty {
            hasContent = true
            start = index
        }
        if titel == nil, let value = Self.value(of: "TITEL", in: line) {
            titel = InputLines.trim(value)
        }
        if zval == nil, let value = Self.value(of: "ZVAL", in: line),
            let first = value.split(whereSeparator: { $0 == " " || $0 == ";" || $0 == "\t" }).first,
            let z = NumberScanner.double(first)
        {
            zval = z
        }
        if enmax == nil, let value = Self.value(of: "ENMAX", in: line),
            let first = value.split(whereSeparator: { $0 == " " || $0 == ";" || $0 == "\t" }).first,
            let e = NumberScanner.double(first)
        {
            enmax = e
        }
    }

    /// The text after `KEY =` on `line`, when the line sets `KEY`.
    static func value(of key: String, in line: Substring) -> Substring? {
        guard let range = line.firstRange(of: key) else { return nil }
        let after = line[range.upperBound...].drop(while: { $0 == " " || $0 == "\t" })
        guard after.first == "=" else { return nil }
        return after.dropFirst()
    }

    func finish(_ lines: InputLines, number: Int) throws -> PotcarSingle {
        guard let titel, let zval else {
            let missing = [titel == nil ? "TITEL" : nil, zval == nil ? "ZVAL" : nil].compactMap { $0 }
            throw lines.malformed(
                start,
                "expected \(missing.joined(separator: " and ")) in the header of pseudopotential \(number) (which starts here)")
        }
        return PotcarSingle(label: Potcar.titelLabel(titel), titel: titel, zval: zval, enmax: enmax)
    }
}

// MARK: - Writing

extension Potcar {
    /// `POTCAR.spec` text: one label per line, in species order.
    public var specText: String { labels.map { $0 + "\n" }.joined() }

    /// Labels from `POTCAR.spec` text: one per non-blank line; `#` starts a comment.
    public static func parseSpec(text: String) -> [String] {
        let lines = InputLines(text: text, file: "POTCAR.spec")
        return (0..<lines.count).compactMap { index in
            let content = lines[index].split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            return content.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init)
        }
    }

    /// Writes `POTCAR.spec` atomically. See ``specText``.
    public func writeSpec(to path: String, force: Bool = false) throws {
        try AtomicFile.write(Array(specText.utf8), to: path, force: force)
    }

    /// Writes the POTCAR: the library files of every species, decompressed and concatenated in order,
    /// atomically. The content is copied, never shown.
    /// - Throws: ``VASPError/cannotWrite(file:reason:)`` when a header did not come from a library
    ///   (write `POTCAR.spec` instead), or the errors of reading the library files.
    public func writePotcar(to path: String, force: Bool = false) throws {
        try AtomicFile.write(try potcarBytes(for: path), to: path, force: force)
    }

    /// The POTCAR's bytes, as ``writePotcar(to:force:)`` writes them; `path` names the file in errors.
    /// - Throws: as ``writePotcar(to:force:)``, before anything is written.
    public func potcarBytes(for path: String) throws -> [UInt8] {
        guard isFromLibrary else {
            throw VASPError.cannotWrite(
                file: path,
                reason: "no POTCAR library for \(labels.joined(separator: " ")) (set VASP_PP_PATH or PMG_VASP_PSP_DIR); write POTCAR.spec instead")
        }
        var bytes: [UInt8] = []
        for single in singles {
            guard let source = single.path else { continue }
            let reader = try ByteSource(path: source)
            var content = reader.readAll()
            if reader.truncatedCompression {
                throw VASPError.cannotRead(file: source, reason: "the compressed POTCAR is truncated or corrupt")
            }
            if content.last != 0x0A { content.append(0x0A) }
            bytes += content
        }
        return bytes
    }

    /// Writes `POTCAR` into `folder` when every header came from a library, otherwise `POTCAR.spec`;
    /// returns the path written.
    @discardableResult
    public func writeInputs(inFolder folder: String, force: Bool = false) throws -> String {
        if isFromLibrary {
            let path = folder + "/POTCAR"
            try writePotcar(to: path, force: force)
            return path
        }
        let path = folder + "/POTCAR.spec"
        try writeSpec(to: path, force: force)
        return path
    }
}

// MARK: - Built-in table

extension Potcar {
    /// `ZVAL` (valence electrons, |e|) of the standard PBE PAW potentials (`potpaw_PBE.54`/`.64` labels
    /// recommended by VASP and used by the Materials Project), or `nil` for a label not in the table.
    /// Used only without a POTCAR library, always with a warning.
    public static func builtinZval(label: String) -> Double? {
        builtinZvals[label].map(Double.init)
    }

    /// The label the Materials Project's relax set (pymatgen `MPRelaxSet`) uses for an element, e.g.
    /// `Fe` → `Fe_pv`, `Li` → `Li_sv`, `O` → `O`; `nil` when not in Cascade's table.
    public static func recommendedLabel(for element: String) -> String? {
        recommendedLabels[element]
    }

    private static let builtinZvals: [String: Int] = [
        "H": 1, "H_h": 1, "H_s": 1, "He": 2,
        "Li": 1, "Li_sv": 3, "Be": 2, "Be_sv": 4, "B": 3, "B_h": 3, "B_s": 3,
        "C": 4, "C_h": 4, "C_s": 4, "N": 5, "N_h": 5, "N_s": 5, "O": 6, "O_h": 6, "O_s": 6,
        "F": 7, "F_h": 7, "F_s": 7, "Ne": 8,
        "Na": 1, "Na_pv": 7, "Na_sv": 9, "Mg": 2, "Mg_pv": 8, "Al": 3, "Si": 4, "P": 5, "S": 6, "Cl": 7, "Ar": 8,
        "K_pv": 7, "K_sv": 9, "Ca_pv": 8, "Ca_sv": 10, "Sc_sv": 11,
        "Ti": 4, "Ti_pv": 10, "Ti_sv": 12, "V": 5, "V_pv": 11, "V_sv": 13, "Cr": 6, "Cr_pv": 12,
        "Mn": 7, "Mn_pv": 13, "Fe": 8, "Fe_pv": 14, "Co": 9, "Ni": 10, "Ni_pv": 16, "Cu": 11, "Cu_pv": 17,
        "Zn": 12, "Ga": 3, "Ga_d": 13, "Ge": 4, "Ge_d": 14, "As": 5, "Se": 6, "Br": 7, "Kr": 8,
        "Rb_pv": 7, "Rb_sv": 9, "Sr_sv": 10, "Y_sv": 11, "Zr_sv": 12, "Nb_pv": 11, "Nb_sv": 13,
        "Mo": 6, "Mo_pv": 12, "Mo_sv": 14, "Tc_pv": 13, "Ru": 8, "Ru_pv": 14, "Rh": 9, "Rh_pv": 15,
        "Pd": 10, "Ag": 11, "Cd": 12, "In": 3, "In_d": 13, "Sn": 4, "Sn_d": 14, "Sb": 5, "Te": 6, "I": 7, "Xe": 8,
        "Cs_sv": 9, "Ba_sv": 10, "La": 11, "Ce": 12, "Hf": 4, "Hf_pv": 10, "Ta": 5, "Ta_pv": 11,
        "W": 6, "W_pv": 12, "Re": 7, "Re_pv": 13, "Os": 8, "Os_pv": 14, "Ir": 9, "Pt": 10, "Au": 11, "Hg": 12,
        "Tl": 3, "Tl_d": 13, "Pb": 4, "Pb_d": 14, "Bi": 5, "Bi_d": 15
    ]

    private static let recommendedLabels: [String: String] = [
        "H": "H", "Li": "Li_sv", "Be": "Be_sv", "B": "B", "C": "C", "N": "N", "O": "O", "F": "F",
        "Na": "Na_pv", "Mg": "Mg_pv", "Al": "Al", "Si": "Si", "P": "P", "S": "S", "Cl": "Cl",
        "K": "K_sv", "Ca": "Ca_sv", "Sc": "Sc_sv", "Ti": "Ti_pv", "V": "V_pv", "Cr": "Cr_pv", "Mn": "Mn_pv",
        "Fe": "Fe_pv", "Co": "Co", "Ni": "Ni_pv", "Cu": "Cu_pv", "Zn": "Zn", "Ga": "Ga_d", "Ge": "Ge_d",
        "As": "As", "Se": "Se", "Br": "Br", "Rb": "Rb_sv", "Sr": "Sr_sv", "Y": "Y_sv", "Zr": "Zr_sv",
        "Nb": "Nb_pv", "Mo": "Mo_pv", "Tc": "Tc_pv", "Ru": "Ru_pv", "Rh": "Rh_pv", "Pd": "Pd", "Ag": "Ag",
        "Cd": "Cd", "In": "In_d", "Sn": "Sn_d", "Sb": "Sb", "Te": "Te", "I": "I", "Cs": "Cs_sv", "Ba": "Ba_sv",
        "La": "La", "Ce": "Ce", "Hf": "Hf_pv", "Ta": "Ta_pv", "W": "W_pv", "Re": "Re_pv", "Os": "Os_pv",
        "Ir": "Ir", "Pt": "Pt", "Au": "Au", "Hg": "Hg", "Tl": "Tl_d", "Pb": "Pb_d"
    ]
}

/// File-system checks (`stat`), following symbolic links.
enum FileProbe {
    /// `true` when `path` is a regular file.
    static func isFile(_ path: String) -> Bool { mode(path) == S_IFREG }

    /// `true` when `path` is a folder.
    static func isDirectory(_ path: String) -> Bool { mode(path) == S_IFDIR }

    private static func mode(_ path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & S_IFMT
    }
}
