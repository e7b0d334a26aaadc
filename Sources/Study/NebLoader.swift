import Analysis
import Chemistry
import Files
import VASP

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

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

    /// Gives an end point without an energy (image 00 and NN that only hold a POSCAR, as `cascade generate`
    /// writes them) the E(σ→0) and final structure of the relaxation that produced it. `cascade neb
    /// --initial/--final` and `cascade tabulate` (the manifest's `initial:`/`final:`) both call this, so
    /// they give the same band. Returns one note per end point (what was used, or why nothing was) and
    /// the names of the relaxations used.
    public mutating func fillEndPoints(initial: EndPointSource?, final: EndPointSource?) -> (notes: [String], used: [String]) {
        var notes: [String] = []
        var used: [String] = []
        for (index, source) in [(0, initial), (images.count - 1, final)] {
            guard let source, images.indices.contains(index), images[index].image.energy == nil else { continue }
            let label = images[index].image.label
            guard let calc = source.calculation, let energy = calc.energy else {
                notes.append("image \(label) has no energy and \(source.problem ?? "\(source.name) has none")")
                continue
            }
            images[index].image.energy = energy
            images[index].energyFile = calc.file
            if images[index].image.structure == nil || images[index].structureFile?.hasSuffix("POSCAR") == true,
                let s = calc.structure, s.count == images[index].image.structure?.count ?? s.count
            {
                images[index].image.structure = s
                images[index].structureFile = calc.file
            }
            used.append(source.name)
            notes.append("image \(label) has no output: its energy is E(σ→0) of \(source.name)")
        }
        warnings.removeAll { $0.hasPrefix(Self.missingEnergyPrefix) }
        warnings += Self.missingEnergyWarning(images)
        return (notes, used)
    }

    static let missingEnergyPrefix = "no energy for image(s) "

    /// The warning naming the images without an energy, or none.
    static func missingEnergyWarning(_ images: [LoadedNebImage]) -> [String] {
        let missing = images.filter { $0.image.energy == nil }.map(\.image.label)
        guard !missing.isEmpty else { return [] }
        return [missingEnergyPrefix + missing.joined(separator: ", ") + " (no vasprun.xml or OUTCAR with an ionic step)"]
    }
}

/// The relaxation an NEB end point comes from: its name (a manifest calculation or a folder) and the
/// loaded run, or why it cannot be used.
public struct EndPointSource: Sendable {
    /// The calculation name or folder, as the notes show it.
    public var name: String
    /// The converged run, or `nil`.
    public var calculation: LoadedCalculation?
    /// Why the run cannot be used (not converged, missing …) when ``calculation`` is `nil`.
    public var problem: String?

    /// An end point's source.
    public init(name: String, calculation: LoadedCalculation?, problem: String? = nil) {
        self.name = name
        self.calculation = calculation
        self.problem = problem
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
        var hashes = FileHashes(enabled: false)
        return try load(path, parsed: [:], hashes: &hashes)
    }

    /// Loads the band at `path`, taking each image's outputs from `parsed` (by image label) where the
    /// status look already read them, and hashing into `hashes` the files it reads.
    static func load(_ path: String, parsed: [String: ParsedOutputs], hashes: inout FileHashes) throws -> LoadedNebBand {
        if !FileSystem.isDirectory(path), path.lowercased().hasSuffix(".json") {
            return try PymatgenNebJSON.load(path)
        }
        guard FileSystem.isDirectory(path) else {
            throw StudyError.cannotRead(file: path, reason: "expected an NEB folder with image folders 00, 01, …")
        }
        let base = PathText.trimmingTrailingSlash(path)
        let names = FileSystem.names(in: base).filter { FileSystem.isDirectory("\(base)/\($0)") }
        let numbered = names.filter { $0.count >= 2 && $0.allSatisfy(\.isNumber) }.sorted { (Int($0) ?? 0) < (Int($1) ?? 0) }
        let start = ["start", "initial"].first { names.contains($0) }
        let end = ["end", "final"].first { names.contains($0) }
        var warnings: [String] = []
        var labels = numbered
        if numbered.first.flatMap({ Int($0) }) != 0 {
            // Images only (01…): the end points are start/ and end/ when present.
            if let start {
                labels.insert(start, at: 0)
            } else if !numbered.isEmpty {
                warnings.append("no end-point folder 00 (nor start/ or initial/): the band begins at image \(numbered[0])")
            }
            if let end { labels.append(end) }
        }
        guard labels.count >= 2 else {
            throw StudyError.cannotRead(
                file: base,
                reason: "expected image folders 00, 01, … (or start/, end/), found \(names.isEmpty ? "none" : names.sorted().joined(separator: ", "))")
        }
        var images = labels.map { loadImage(folder: "\(base)/\($0)", label: $0, parsed: parsed[$0] ?? ParsedOutputs(), hashes: &hashes) }
        substituteEndPoint(&images, index: 0, alternative: start.map { "\(base)/\($0)" }, warnings: &warnings, hashes: &hashes)
        substituteEndPoint(&images, index: images.count - 1, alternative: end.map { "\(base)/\($0)" }, warnings: &warnings, hashes: &hashes)
        warnings += rootVasprunWarning(base)
        let ediffg = images.lazy.compactMap(\.ediffg).first
        let climbing = images.lazy.compactMap(\.climbing).first
        warnings += LoadedNebBand.missingEnergyWarning(images.map(\.loaded))
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

    static func loadImage(folder: String, label: String, parsed: ParsedOutputs = ParsedOutputs()) -> Partial {
        var hashes = FileHashes(enabled: false)
        return loadImage(folder: folder, label: label, parsed: parsed, hashes: &hashes)
    }

    /// ``loadImage(folder:label:parsed:)``, hashing into `hashes` the files it reads.
    static func loadImage(folder: String, label: String, parsed: ParsedOutputs, hashes: inout FileHashes) -> Partial {
        var warnings: [String] = []
        var loaded = LoadedNebImage(image: NebImage(label: label), folder: folder)
        var ediffg: Double?
        var climbing: Bool?
        let outcarPath = CalculationLoader.outcarPath(in: folder)
        var outcar = parsed.outcar
        if outcar == nil, let outcarPath {
            if let failure = parsed.outcarFailure {
                warnings.append("\(outcarPath): \(failure)")
            } else {
                do { outcar = try hashes.reading(outcarPath) { try Outcar.read(path: outcarPath, observer: $0) } } catch {
                    warnings.append("\(outcarPath): \(error)")
                }
            }
        }
        let vasprunPath = RunLoader.vasprunPath(for: folder)
        if FileSystem.exists(vasprunPath) {
            do {
                if let failure = parsed.vasprunFailure { throw EarlierReadFailure(description: failure) }
                let options = VasprunOptions(readDOS: false, readEigenvalues: false, readProjections: false)
                let v = try parsed.vasprun ?? hashes.reading(vasprunPath) { try Vasprun.read(path: vasprunPath, options: options, observer: $0) }
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
                let path = "\(folder)/\(name)"
                let species = outcar?.species.map(uniqueInOrder)
                guard let p = try? hashes.reading(path, { try Poscar.read(path: path, species: species, observer: $0) }) else {
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
    static func substituteEndPoint(_ images: inout [Partial], index: Int, alternative: String?, warnings: inout [String], hashes: inout FileHashes) {
        guard let alternative, images.indices.contains(index), images[index].folder != alternative,
            images[index].image.energy == nil
        else { return }
        let other = loadImage(folder: alternative, label: images[index].image.label, parsed: ParsedOutputs(), hashes: &hashes)
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

/// pymatgen's `NEBAnalysis.as_dict()` JSON (`r`, `energies`, `forces`, `structures`), decoded with
/// Foundation's `JSONDecoder` (FoundationEssentials: full JSON string escapes, `\u` surrogate pairs,
/// exact numbers).
enum PymatgenNebJSON {
    /// The part of the document Cascade uses.
    struct Document: Decodable {
        var module: String?
        var className: String?
        var r: [Double]?
        var energies: [Double]?
        var forces: [Double]?
        var structures: [StructureDocument?]?

        enum CodingKeys: String, CodingKey {
            case module = "@module"
            case className = "@class"
            case r, energies, forces, structures
        }

        init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            module = try? c.decodeIfPresent(String.self, forKey: .module)
            className = try? c.decodeIfPresent(String.self, forKey: .className)
            r = try? c.decodeIfPresent([Double].self, forKey: .r)
            energies = try? c.decodeIfPresent([Double].self, forKey: .energies)
            forces = try? c.decodeIfPresent([Double].self, forKey: .forces)
            // A structure that does not decode is `nil`, not a failure of the whole band.
            structures = try? c.decodeIfPresent([Lenient<StructureDocument>].self, forKey: .structures)?.map(\.value)
        }
    }

    /// A value that decodes to `nil` instead of failing.
    struct Lenient<T: Decodable>: Decodable {
        var value: T?
        init(from decoder: Decoder) throws { value = try? T(from: decoder) }
    }

    /// A pymatgen `Structure.as_dict()`: `lattice.matrix` and `sites[].abc`, `sites[].species[0].element`.
    struct StructureDocument: Decodable {
        struct LatticeDocument: Decodable { var matrix: [[Double]] }
        struct Species: Decodable { var element: String }
        struct Site: Decodable {
            var abc: [Double]
            var species: [Species]
        }
        var lattice: LatticeDocument
        var sites: [Site]

        var structure: Structure? {
            guard let cell = Lattice(rows: lattice.matrix) else { return nil }
            var species: [String] = []
            var frac: [SIMD3<Double>] = []
            for site in sites {
                guard site.abc.count == 3, let element = site.species.first?.element else { return nil }
                species.append(element)
                frac.append(SIMD3(site.abc[0], site.abc[1], site.abc[2]))
            }
            return Structure(lattice: cell, species: species, fractionalPositions: frac)
        }
    }

    /// Decodes the document from JSON bytes. JSON5 is allowed so that the `NaN` and `Infinity` Python's
    /// `json.dump` writes are read as numbers (the analysis then says what it cannot do with them).
    static func decode(_ bytes: [UInt8]) throws -> Document {
        let decoder = JSONDecoder()
        decoder.allowsJSON5 = true
        return try decoder.decode(Document.self, from: Data(bytes))
    }

    static func load(_ path: String) throws -> LoadedNebBand {
        let bytes: [UInt8]
        do { bytes = try ByteSource(path: path).readAll() } catch { throw StudyError.cannotRead(file: path, reason: "\(error)") }
        let root: Document
        do { root = try decode(bytes) } catch {
            throw StudyError.cannotRead(file: path, reason: "not a JSON object (\(error))")
        }
        guard let r = root.r, let energies = root.energies, r.count == energies.count, r.count >= 2 else {
            throw StudyError.cannotRead(file: path, reason: "expected a pymatgen NEBAnalysis JSON with `r` and `energies` of equal length")
        }
        let forces = root.forces ?? []
        var structures: [Structure?] = Array(repeating: nil, count: r.count)
        if let items = root.structures, items.count == r.count {
            structures = items.map { $0?.structure }
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
}

extension EndPointSource {
    /// The relaxation in `input` (a run folder, or its vasprun.xml or OUTCAR), judged as `cascade tabulate`
    /// judges a calculation: usable only when converged.
    public static func load(_ input: String) -> EndPointSource {
        let folder = FileSystem.isDirectory(input) ? input : PathText.folder(of: input)
        let probe = RunStatus.probe(folder: folder, options: TabulationOptions(hashFiles: false))
        guard probe.state == .converged else {
            return EndPointSource(name: input, calculation: nil, problem: "\(input) is \(probe.state.rawValue): \(probe.reason)")
        }
        do {
            let calc =
                try probe.vasprun.map {
                    CalculationLoader.fromVasprun($0, path: RunLoader.vasprunPath(for: folder), input: folder, warnings: [])
                } ?? CalculationLoader.load(input)
            return EndPointSource(name: input, calculation: calc)
        } catch {
            return EndPointSource(name: input, calculation: nil, problem: "\(error)")
        }
    }
}
