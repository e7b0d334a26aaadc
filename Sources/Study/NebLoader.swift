import Analysis
import Chemistry
import VASP

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One image of a band as loaded from its folder, with where each number came from.
public struct LoadedNebImage: Sendable {
    /// The image for the analysis (label, energy, tangent force, max force, structure).
    public var image: NebImage
    /// The image's folder.
    public var folder: String
    /// The file the energy came from (`…/vasprun.xml` or `…/OUTCAR`), or `nil`.
    public var energyFile: String?
    /// The file the tangent and max forces came from (an OUTCAR with VTST lines), or `nil`.
    public var forceFile: String?
    /// The file the structure came from (vasprun, OUTCAR, CONTCAR or POSCAR), or `nil`.
    public var structureFile: String?
}

/// A band loaded from disk.
public struct LoadedNebBand: Sendable {
    /// The folder (or JSON file) the user named.
    public var source: String
    /// The images, end points first and last.
    public var images: [LoadedNebImage]
    /// Path coordinates given by the source (a pymatgen `NEBAnalysis` JSON has `r`); `nil` = compute from
    /// the structures.
    public var coordinates: [Double]?
    /// EDIFFG of the images (the first one found).
    public var ediffg: Double?
    /// VTST LCLIMB, when an OUTCAR says.
    public var climbing: Bool?
    /// What the loader decided or could not do.
    public var warnings: [String]

    /// The images for ``Analysis/analyzeNeb(_:coordinates:ediffg:climbing:)``.
    public var nebImages: [NebImage] { images.map(\.image) }

    /// Runs the analysis.
    public func analysis() -> NebBandAnalysis {
        analyzeNeb(nebImages, coordinates: coordinates, ediffg: ediffg, climbing: climbing)
    }
}

/// Reads a VTST NEB folder: image folders `00`, `01`, … `NN` (two or more digits), each with
/// `vasprun.xml(.gz)` and/or `OUTCAR(.gz)`; the end points may have no output at all (their energy is then
/// missing and the analysis says so), or may have it in `start/` `end/` or `initial/` `final/` next to the
/// images (used when `00`/`NN` lack it, or as the end points when there is no `00`/`NN`).
///
/// Per image: the energy from vasprun.xml (``RunLoader``) or, failing that, the OUTCAR; the VTST tangent
/// force (`NEB: projections on to tangent (spring, REAL)`) and `FORCES: max atom` from the OUTCAR; the
/// structure from the output (vasprun final structure, else the OUTCAR's last positions), else CONTCAR,
/// else POSCAR. A pymatgen `NEBAnalysis` JSON file (`r`, `energies`, `forces`, `structures`) is also read.
public enum NebLoader {
    /// Loads the band at `path` (a folder, or a pymatgen NEBAnalysis `.json`).
    /// - Throws: ``StudyError/cannotRead(file:reason:)`` when the folder holds no image folder.
    public static func load(_ path: String) throws -> LoadedNebBand {
        if !FileSystem.isDirectory(path), path.lowercased().hasSuffix(".json") {
            return try PymatgenNebJSON.load(path)
        }
        guard FileSystem.isDirectory(path) else {
            throw StudyError.cannotRead(file: path, reason: "expected an NEB folder with image folders 00, 01, …")
        }
        let base = path.hasSuffix("/") ? String(path.dropLast()) : path
        let names = Directory.entries(base).filter { FileSystem.isDirectory("\(base)/\($0)") }
        let numbered = names.filter { $0.count >= 2 && $0.allSatisfy(\.isNumber) }.sorted { (Int($0) ?? 0) < (Int($1) ?? 0) }
        let start = ["start", "initial"].first { names.contains($0) }
        let end = ["end", "final"].first { names.contains($0) }
        var warnings: [String] = []
        var labels = numbered
        if numbered.first.flatMap({ Int($0) }) != 0 {
            // Images only (01…): the end points are start/ and end/ when present.
            if let start { labels.insert(start, at: 0) } else if !numbered.isEmpty {
                warnings.append("no end-point folder 00 (nor start/ or initial/): the band begins at image \(numbered[0])")
            }
            if let end { labels.append(end) }
        }
        guard labels.count >= 2 else {
            throw StudyError.cannotRead(file: base, reason: "expected image folders 00, 01, … (or start/, end/), found \(names.isEmpty ? "none" : names.sorted().joined(separator: ", "))")
        }
        var images = labels.map { loadImage(folder: "\(base)/\($0)", label: $0) }
        substituteEndPoint(&images, index: 0, alternative: start.map { "\(base)/\($0)" }, warnings: &warnings)
        substituteEndPoint(&images, index: images.count - 1, alternative: end.map { "\(base)/\($0)" }, warnings: &warnings)
        warnings += rootVasprunWarning(base)
        let ediffg = images.lazy.compactMap(\.ediffg).first
        let climbing = images.lazy.compactMap(\.climbing).first
        let missing = images.filter { $0.image.energy == nil }.map(\.image.label)
        if !missing.isEmpty { warnings.append("no energy for image(s) \(missing.joined(separator: ", ")) (no vasprun.xml or OUTCAR with an ionic step)") }
        return LoadedNebBand(
            source: path, images: images.map(\.loaded), coordinates: nil, ediffg: ediffg, climbing: climbing,
            warnings: warnings + images.flatMap(\.warnings))
    }

    /// An image being loaded, with the loader's notes.
    struct Partial {
        var loaded: LoadedNebImage
        var warnings: [String]
        /// EDIFFG and LCLIMB from the image's OUTCAR (or vasprun), read once with the image.
        var ediffg: Double?
        var climbing: Bool?
        var folder: String { loaded.folder }
        var image: NebImage { loaded.image }
    }

    static func loadImage(folder: String, label: String) -> Partial {
        var warnings: [String] = []
        var loaded = LoadedNebImage(image: NebImage(label: label), folder: folder)
        var ediffg: Double?
        var climbing: Bool?
        let outcarPath = CalculationLoader.outcarPath(in: folder)
        var outcar: Outcar?
        if let outcarPath {
            do { outcar = try Outcar.read(path: outcarPath) } catch { warnings.append("\(outcarPath): \(error)") }
        }
        let vasprunPath = RunLoader.vasprunPath(for: folder)
        if FileSystem.exists(vasprunPath) {
            do {
                let v = try Vasprun.read(path: vasprunPath, options: VasprunOptions(readDOS: false, readEigenvalues: false, readProjections: false))
                if let e = v.finalEnergy {
                    loaded.image.energy = e
                    loaded.energyFile = vasprunPath
                }
                if let s = v.finalStructure {
                    loaded.image.structure = s
                    loaded.structureFile = vasprunPath
                }
                ediffg = v.parameters["EDIFFG"]?.double
                climbing = v.incar["LCLIMB"]?.bool
            } catch {
                warnings.append("\(vasprunPath) could not be read (\(error)); image \(label) uses its OUTCAR")
            }
        }
        if let outcar, let outcarPath {
            ediffg = outcar.ediffg ?? ediffg
            climbing = outcar.climbingImage ?? climbing
            if loaded.image.energy == nil, let e = outcar.finalEnergy {
                loaded.image.energy = e
                loaded.energyFile = outcarPath
            }
            if let last = outcar.ionicSteps.last, last.nebTangentForce != nil || last.nebMaxForce != nil {
                loaded.image.tangentForce = last.nebTangentForce
                loaded.image.maxForce = last.nebMaxForce
                loaded.forceFile = outcarPath
            } else if let f = outcar.ionicSteps.last?.maxForce {
                loaded.image.maxForce = f
            }
            if loaded.image.structure == nil, let s = outcar.structure() {
                loaded.image.structure = s
                loaded.structureFile = outcarPath
            }
        }
        if loaded.image.structure == nil {
            for name in ["CONTCAR", "POSCAR"] where FileSystem.exists("\(folder)/\(name)") {
                guard let p = try? Poscar.read(path: "\(folder)/\(name)", species: outcar?.species.map(uniqueInOrder)) else {
                    warnings.append("\(folder)/\(name) could not be read")
                    continue
                }
                loaded.image.structure = p.structure
                loaded.structureFile = "\(folder)/\(name)"
                break
            }
        }
        return Partial(loaded: loaded, warnings: warnings, ediffg: ediffg, climbing: climbing)
    }

    /// The types of a per-atom species list (`[H, H, H, N]` → `[H, N]`).
    static func uniqueInOrder(_ species: [String]) -> [String] {
        var out: [String] = []
        for s in species where out.last != s { out.append(s) }
        return out
    }

    /// Uses `start/` (or `end/`) for the end point at `index` when that image has no energy and the
    /// alternative folder has one.
    static func substituteEndPoint(_ images: inout [Partial], index: Int, alternative: String?, warnings: inout [String]) {
        guard let alternative, images.indices.contains(index), images[index].folder != alternative,
            images[index].image.energy == nil
        else { return }
        let other = loadImage(folder: alternative, label: images[index].image.label)
        guard let energy = other.image.energy else { return }
        images[index].loaded.image.energy = energy
        images[index].loaded.energyFile = other.loaded.energyFile
        if images[index].image.structure == nil || other.loaded.structureFile?.hasSuffix("POSCAR") == false {
            images[index].loaded.image.structure = other.image.structure
            images[index].loaded.structureFile = other.loaded.structureFile
        }
        warnings.append("image \(images[index].image.label) has no output: its energy comes from \(alternative)")
    }

    /// A VTST NEB root normally has no vasprun.xml of its own; when images wrote into a shared one it is
    /// interleaved and malformed. It is never used; say so when it is there.
    static func rootVasprunWarning(_ base: String) -> [String] {
        let path = RunLoader.vasprunPath(for: base)
        guard FileSystem.exists(path) else { return [] }
        let options = VasprunOptions(readDOS: false, readEigenvalues: false, readProjections: false)
        guard let v = try? Vasprun.read(path: path, options: options) else {
            return ["\(path) is not readable XML and is ignored: the images' own outputs are used"]
        }
        if !v.complete {
            return ["\(path) is malformed or cut (several images may have written into it at once) and is ignored: the images' own outputs are used"]
        }
        return ["\(path) (in the NEB root) is ignored: the images' own outputs are used"]
    }
}

/// Directory listing without Foundation.
enum Directory {
    /// Names in `path` (no `.`/`..`), unsorted; `[]` when it cannot be read.
    static func entries(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}

/// pymatgen's `NEBAnalysis.as_dict()` JSON (`r`, `energies`, `forces`, `structures`), read with a small
/// JSON reader (no Foundation).
enum PymatgenNebJSON {
    static func load(_ path: String) throws -> LoadedNebBand {
        let text: String
        do { text = try ByteSource.text(of: path) } catch { throw StudyError.cannotRead(file: path, reason: "\(error)") }
        var reader = MiniJSON(text: text)
        guard case .object(let root)? = try? reader.parse() else {
            throw StudyError.cannotRead(file: path, reason: "not a JSON object")
        }
        func numbers(_ key: String) -> [Double]? {
            guard case .array(let items)? = root[key] else { return nil }
            let values = items.compactMap { item -> Double? in if case .number(let x) = item { return x } else { return nil } }
            return values.count == items.count ? values : nil
        }
        guard let r = numbers("r"), let energies = numbers("energies"), r.count == energies.count, r.count >= 2 else {
            throw StudyError.cannotRead(file: path, reason: "expected a pymatgen NEBAnalysis JSON with `r` and `energies` of equal length")
        }
        let forces = numbers("forces") ?? []
        var structures: [Structure?] = Array(repeating: nil, count: r.count)
        if case .array(let items)? = root["structures"], items.count == r.count {
            structures = items.map(structure)
        }
        let images = r.indices.map { k in
            LoadedNebImage(
                image: NebImage(
                    label: k < 10 ? "0\(k)" : String(k), energy: energies[k],
                    tangentForce: (k == 0 || k == r.count - 1 || k >= forces.count) ? nil : forces[k], structure: structures[k]),
                folder: path, energyFile: path, forceFile: forces.isEmpty ? nil : path, structureFile: structures[k] == nil ? nil : path)
        }
        return LoadedNebBand(
            source: path, images: images, coordinates: r, ediffg: nil, climbing: nil,
            warnings: ["\(path): a pymatgen NEBAnalysis JSON: r, energies and tangent forces as stored (no EDIFFG, no max forces)"])
    }

    /// A pymatgen `Structure.as_dict()`.
    static func structure(_ value: MiniJSON.Value) -> Structure? {
        guard case .object(let s) = value, case .object(let lattice)? = s["lattice"], case .array(let rows)? = lattice["matrix"],
            case .array(let sites)? = s["sites"]
        else { return nil }
        let matrix = rows.compactMap { row -> [Double]? in
            guard case .array(let xs) = row else { return nil }
            return xs.compactMap { if case .number(let x) = $0 { return x } else { return nil } }
        }
        guard let cell = Lattice(rows: matrix) else { return nil }
        var species: [String] = []
        var frac: [SIMD3<Double>] = []
        for site in sites {
            guard case .object(let o) = site, case .array(let abc)? = o["abc"], abc.count == 3,
                case .array(let sp)? = o["species"], case .object(let first)? = sp.first, case .string(let element)? = first["element"]
            else { return nil }
            let f = abc.compactMap { if case .number(let x) = $0 { return x } else { return nil } }
            guard f.count == 3 else { return nil }
            species.append(element)
            frac.append(SIMD3(f[0], f[1], f[2]))
        }
        return Structure(lattice: cell, species: species, fractionalPositions: frac)
    }
}

/// A minimal JSON reader for the NEB JSON (objects, arrays, strings, numbers, literals).
struct MiniJSON {
    indirect enum Value {
        case object([String: Value]), array([Value]), string(String), number(Double), bool(Bool), null
    }

    enum Failure: Error { case unexpected(Int) }

    let bytes: [UInt8]
    var i = 0

    init(text: String) { bytes = Array(text.utf8) }

    mutating func parse() throws -> Value {
        let v = try value()
        skip()
        return v
    }

    mutating func skip() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    mutating func value() throws -> Value {
        skip()
        guard i < bytes.count else { throw Failure.unexpected(i) }
        switch bytes[i] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): i += 4; return .bool(true)
        case UInt8(ascii: "f"): i += 5; return .bool(false)
        case UInt8(ascii: "n"): i += 4; return .null
        default: return .number(try number())
        }
    }

    mutating func object() throws -> Value {
        i += 1
        var out: [String: Value] = [:]
        skip()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(out) }
        while true {
            skip()
            let key = try string()
            skip()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw Failure.unexpected(i) }
            i += 1
            out[key] = try value()
            skip()
            guard i < bytes.count else { throw Failure.unexpected(i) }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(out) }
            throw Failure.unexpected(i)
        }
    }

    mutating func array() throws -> Value {
        i += 1
        var out: [Value] = []
        skip()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .array(out) }
        while true {
            out.append(try value())
            skip()
            guard i < bytes.count else { throw Failure.unexpected(i) }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(out) }
            throw Failure.unexpected(i)
        }
    }

    mutating func string() throws -> String {
        guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw Failure.unexpected(i) }
        i += 1
        var out: [UInt8] = []
        while i < bytes.count, bytes[i] != UInt8(ascii: "\"") {
            if bytes[i] == UInt8(ascii: "\\"), i + 1 < bytes.count {
                i += 1
                switch bytes[i] {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"): i += 4; out.append(UInt8(ascii: "?"))
                default: out.append(bytes[i])
                }
            } else {
                out.append(bytes[i])
            }
            i += 1
        }
        i += 1
        return String(decoding: out, as: UTF8.self)
    }

    mutating func number() throws -> Double {
        let start = i
        while i < bytes.count, !(bytes[i] == UInt8(ascii: ",") || bytes[i] == UInt8(ascii: "]") || bytes[i] == UInt8(ascii: "}")
            || bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09)
        {
            i += 1
        }
        let text = String(decoding: bytes[start..<i], as: UTF8.self)
        guard let x = NumberScanner.double(text) else { throw Failure.unexpected(start) }
        return x
    }
}
