import Analysis
import ArgumentParser
import Chemistry
import Files
import Report
import Study
import VASP

/// `cascade images`: NEB images between two structures, written as 00 … NN/POSCAR.
struct Images: CascadeCommand {
    static let configuration = CommandConfiguration(
        commandName: "images",
        abstract: "Interpolate NEB images between two structures into 00 … NN/POSCAR (IDPP or linear).",
        discussion: """
            The job script of every NEB that `cascade generate` writes runs this command on the node, before \
            VASP starts, with the relaxed CONTCARs of both end points: the band then never starts from \
            unrelaxed end points (a kink at each end). Images use the initial state's cell; fixed atoms \
            (Selective dynamics) stay fixed; IDPP is the image-dependent pair potential of Smidstrup et \
            al. (J. Chem. Phys. 140, 214106, 2014), linear is VTST nebmake.pl's straight line with \
            minimum-image displacements. Both end points must hold the same atoms in the same order.

            Examples:
              cascade images ../../relax/s0/CONTCAR ../../relax/s1/CONTCAR --images 5 --out .
              cascade images IS/CONTCAR FS/CONTCAR --images 3 --method linear --out band --force
            """)

    @Argument(help: "The initial state (POSCAR/CONTCAR).")
    var initial: String

    @Argument(help: "The final state (POSCAR/CONTCAR).")
    var final: String

    @Option(name: .long, help: "Number of intermediate images (VASP's IMAGES).")
    var images: Int

    @Option(name: .long, help: "Interpolation: idpp or linear.")
    var method: String = "idpp"

    @Option(name: .long, help: "Folder that receives 00 … NN/POSCAR.")
    var out: String = "."

    @Flag(name: .long, help: "Replace existing POSCARs in the image folders.")
    var force = false

    func validate() throws {
        guard images >= 1 else { throw ValidationError("--images must be at least 1, found \(images)") }
        guard ["idpp", "linear"].contains(method) else { throw ValidationError("--method must be idpp or linear, found '\(method)'") }
    }

    var typedInputs: [String] { [initial, final] }

    func execute() throws {
        let a = try Poscar.read(path: initial)
        let b = try Poscar.read(path: final)
        for w in a.warnings + b.warnings { printError("warning: \(w)") }
        let path =
            method == "idpp"
            ? try idppImages(from: a.structure, to: b.structure, intermediate: images)
            : try linearImages(from: a.structure, to: b.structure, intermediate: images)
        for w in path.warnings { printError("warning: \(w)") }
        let folder = PathText.trimmingTrailingSlash(out)
        var written: [String] = []
        for (k, image) in path.images.enumerated() {
            let name = Generator.imageName(k)
            try AtomicFile.makeFolders("\(folder)/\(name)")
            let target = "\(folder)/\(name)/POSCAR"
            try Poscar(comment: "image \(name) of \(images + 2) (\(method), cascade images)", structure: image).write(to: target, force: force)
            written.append(target)
        }
        let largest = path.displacements.max() ?? 0
        print(
            "wrote \(written.count) images (\(method)) to \(folder)/00 … \(Generator.imageName(images + 1)); largest atom displacement \(ReportNumber.format(largest, decimals: 3)) Å"
        )
    }
}

/// `cascade fragment`: some atoms of a structure, in its cell and at its positions.
struct Fragment: CascadeCommand {
    static let configuration = CommandConfiguration(
        commandName: "fragment",
        abstract: "Cut atoms out of a structure, keeping the cell and the positions (a frozen fragment).",
        discussion: """
            The parts of a density difference Δρ = ρ(AB) − ρ(A) − ρ(B) must be single points at their \
            positions in AB. The job script of a calculation with `fragment_of:` in the manifest runs this \
            command on the node, before VASP starts, on the relaxed CONTCAR of the composite. Atom indices are \
            0-based, as in the manifest (`0-104,110`); the atoms are written in the source's order, so each \
            species stays one block.

            Examples:
              cascade fragment ../../relax/mof-copc/CONTCAR --atoms 0-2,6-110 --out POSCAR
              cascade fragment CONTCAR --atoms 3,7-9 --out frag.vasp --force
            """)

    @Argument(help: "The source structure (POSCAR/CONTCAR).")
    var source: String

    @Option(name: .long, help: "0-based atom indices and ranges, as in the manifest, e.g. 0-104,110.")
    var atoms: String

    @Option(name: .long, help: "Output POSCAR.")
    var out: String

    @Flag(name: .long, help: "Replace an existing output file.")
    var force = false

    func validate() throws {
        guard AtomRanges.parse(atoms) != nil else {
            throw ValidationError("--atoms expects 0-based indices and ranges such as 0-104,110, found '\(atoms)'")
        }
    }

    var typedInputs: [String] { [source] }

    func execute() throws {
        let poscar = try Poscar.read(path: source)
        for w in poscar.warnings { printError("warning: \(w)") }
        let s = poscar.structure
        let chosen = Array(Set(AtomRanges.parse(atoms) ?? [])).sorted()
        guard let beyond = chosen.last, beyond < s.count else {
            throw ValidationError("--atoms names atom \(chosen.last ?? 0), but \(source) has \(s.count) atoms (0-based: 0…\(s.count - 1))")
        }
        let cut = Structure(
            lattice: s.lattice, species: chosen.map { s.species[$0] }, fractionalPositions: chosen.map { s.fractionalPositions[$0] },
            selectiveDynamics: s.selectiveDynamics.map { flags in chosen.map { flags[$0] } })
        try Poscar(comment: "atoms \(AtomRanges.text(chosen)) of \(source) (cascade fragment)", structure: cut).write(to: out, force: force)
        print("wrote \(cut.formula) (\(cut.count) of \(s.count) atoms) to \(out)")
    }
}
