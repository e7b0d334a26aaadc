import Chemistry
import Foundation
import TestSupport
import Testing

@testable import VASP

@Suite struct XdatcarCorpusTests {
    static let files = [
        "xdatcar/atomate_Si_relax/XDATCAR", "xdatcar/pymatgen/XDATCAR.MD", "xdatcar/pymatgen/XDATCAR.bad_fmt.gz",
        "xdatcar/pymatgen/XDATCAR_4", "xdatcar/pymatgen/XDATCAR_5", "xdatcar/pymatgen/XDATCAR_6",
        "xdatcar/pymatgen/XDATCAR_monatomic.gz", "xdatcar/pymatgen/XDATCAR_traj"
    ]

    @Test func corpusPresentOnCI() {
        Corpus.checkPresentOnCI()
    }

    /// Frames, species, first and last fractional coordinates and every lattice, as pymatgen read them
    /// (numbers read must be equal exactly).
    @Test(arguments: files)
    func agreesWithPymatgen(_ relative: String) throws {
        guard Corpus.available else { return }
        let ref = try Corpus.reference(relative + ".json")
        let x = try Xdatcar.read(path: Corpus.path(relative))
        let t = x.trajectory
        #expect(x.warnings.isEmpty)
        #expect(t.frameCount == ref["n_frames"] as? Int)
        #expect(t.atomCount == ref["n_sites"] as? Int)
        #expect(t.species == ref["species"] as? [String])
        #expect(t.hasVariableCell == ref["variable_cell"] as? Bool)
        let first = try #require(ref["first_frame_frac_coords"] as? [[Double]])
        let last = try #require(ref["last_frame_frac_coords"] as? [[Double]])
        for atom in 0..<t.atomCount {
            let f = t.fractionalPosition(frame: 0, atom: atom)
            #expect([f.x, f.y, f.z] == first[atom], "frame 1 atom \(atom + 1)")
            let l = t.fractionalPosition(frame: t.frameCount - 1, atom: atom)
            #expect([l.x, l.y, l.z] == last[atom], "last frame atom \(atom + 1)")
        }
        // Lattices: pymatgen rebuilds the matrix and can differ from the printed numbers in the last bit
        // (XDATCAR_monatomic: -2.816687638038912e-16 in the file, -2.8166876380389125e-16 in pymatgen).
        func same(_ a: Lattice, _ b: [[Double]]?) -> Bool {
            guard let b else { return false }
            return zip(a.rows.joined(), b.joined()).allSatisfy { abs($0 - $1) <= 1e-15 * max(1, abs($1)) }
        }
        #expect(same(t.lattice(at: 0), ref["first_lattice"] as? [[Double]]))
        #expect(same(t.lattice(at: t.frameCount - 1), ref["last_lattice"] as? [[Double]]))
        if let all = ref["all_lattices"] as? [[[Double]]] {
            #expect(all.count == t.frameCount)
            for (k, rows) in all.enumerated() { #expect(same(t.lattice(at: k), rows), "frame \(k + 1)") }
        }
    }

    @Test func frameNumbersAndConfigurationLines() throws {
        guard Corpus.available else { return }
        let x = try Xdatcar.read(path: Corpus.path("xdatcar/pymatgen/XDATCAR_5"))
        #expect(x.trajectory.frameNumbers == [1, 2, 3, 4])
        #expect(x.comment == "unknown system")
        let old = try Xdatcar.read(path: Corpus.path("xdatcar/pymatgen/XDATCAR_4"))
        #expect(old.trajectory.frameNumbers == [1, 2, 3, 4])
        #expect(old.trajectory.fractionalPositions == x.trajectory.fractionalPositions)
    }

    @Test func frameSelectionStreamsOnlyTheSlice() throws {
        guard Corpus.available else { return }
        let path = Corpus.path("xdatcar/pymatgen/XDATCAR_traj")
        let all = try Xdatcar.read(path: path).trajectory
        let slice = try Xdatcar.read(path: path, frames: FrameSelection(start: 10, end: 50, stride: 7)).trajectory
        #expect(slice.frameNumbers == [11, 18, 25, 32, 39, 46])
        for (k, frame) in [10, 17, 24, 31, 38, 45].enumerated() {
            #expect(slice.fractionalPosition(frame: k, atom: 75) == all.fractionalPosition(frame: frame, atom: 75))
        }
        let tail = try Xdatcar.read(path: path, frames: FrameSelection(start: -3)).trajectory
        #expect(tail.frameNumbers == [98, 99, 100])
    }

    @Test func roundTripOfVariableAndConstantCells() throws {
        guard Corpus.available else { return }
        for relative in ["xdatcar/pymatgen/XDATCAR_6", "xdatcar/pymatgen/XDATCAR.MD"] {
            let x = try Xdatcar.read(path: Corpus.path(relative))
            let out = try volumetricTemporaryFolder() + "/XDATCAR"
            try x.write(to: out)
            let back = try Xdatcar.read(path: out)
            #expect(back.trajectory == x.trajectory, "\(relative)")
        }
    }
}

@Suite struct XdatcarFormatTests {
    static let header = """
        Li2 O
                   1
             4.000000    0.000000    0.000000
             0.000000    4.000000    0.000000
             0.000000    0.000000    4.000000
           Li   O
             2   1

        """

    static func frame(_ n: Int, _ shift: Double) -> String {
        "Direct configuration=     \(n)\n"
            + (0..<3).map { a in
                "   \(0.1 * Double(a) + shift)  0.25000000  0.50000000\n"
            }.joined()
    }

    @Test func partialLastFrameIsDroppedWithAWarning() throws {
        let text = Self.header + Self.frame(1, 0) + Self.frame(2, 0.01) + "Direct configuration=     3\n   0.5 0.5 0.5\n"
        let path = try volumetricFixture(text, name: "XDATCAR")
        let x = try Xdatcar.read(path: path)
        #expect(x.trajectory.frameCount == 2)
        #expect(x.warnings.map(\.message) == ["the last frame (3) has 1 of 3 positions: the file ends there, the partial frame was dropped"])
    }

    @Test func frameCutShortInsideTheFileIsAnError() throws {
        let text = Self.header + "Direct configuration=     1\n   0.5 0.5 0.5\n" + Self.frame(2, 0)
        let path = try volumetricFixture(text, name: "XDATCAR")
        #expect(
            throws: VASPError.malformed(
                SourceLocation(file: path, line: 10),
                "expected the position of atom 2 of 3 in frame 1 (three numbers), found 'Direct configuration=     2'")
        ) {
            try Xdatcar.read(path: path)
        }
    }

    @Test func cartesianConfiguration() throws {
        let text = Self.header + "Cartesian configuration=     1\n 2.0 1.0 0.0\n 0 0 0\n 4 2 1\n"
        let x = try Xdatcar.read(path: try volumetricFixture(text, name: "XDATCAR"))
        #expect(x.trajectory.fractionalPosition(frame: 0, atom: 0) == SIMD3(0.5, 0.25, 0))
        #expect(x.trajectory.fractionalPosition(frame: 0, atom: 2) == SIMD3(1, 0.5, 0.25))
    }

    @Test func missingSpeciesLineUsesTheGivenSpecies() throws {
        let text = Self.header.replacingOccurrences(of: "   Li   O\n", with: "").replacingOccurrences(of: "Li2 O", with: "test") + Self.frame(1, 0)
        let path = try volumetricFixture(text, name: "XDATCAR")
        #expect(
            throws: VASPError.malformed(
                SourceLocation(file: path, line: 6),
                "expected a species line before the atom counts: pass species: (e.g. from the POTCAR) or name the 2 species in the comment line")
        ) {
            try Xdatcar.read(path: path)
        }
        let x = try Xdatcar.read(path: path, species: ["Li", "O"])
        #expect(x.trajectory.species == ["Li", "Li", "O"])
    }

    /// The original VASP 4 header has no cell: it comes from the reference POSCAR.
    @Test func originalVASP4Header() throws {
        let text = """
               3   3   1
              0.6400000E+02  0.4000000E-09  0.4000000E-09  0.4000000E-09  0.5000000E-15
              0.3000000000000E+03
              CAR
             unknown system

              0.1000000  0.2000000  0.3000000
              0.4000000  0.5000000  0.6000000
              0.7000000  0.8000000  0.9000000

              0.1100000  0.2000000  0.3000000
              0.4000000  0.5000000  0.6000000
              0.7000000  0.8000000  0.9000000

            """
        let path = try volumetricFixture(text, name: "XDATCAR")
        #expect(
            throws: VASPError.malformed(
                SourceLocation(file: path, line: 1),
                "this is a VASP 4 XDATCAR ('3   3   1' …), which does not contain the cell: pass reference: (the run's POSCAR)")
        ) {
            try Xdatcar.read(path: path)
        }
        let reference = Structure(lattice: .cubic(4), species: ["Li", "Li", "O"], fractionalPositions: [.zero, .zero, .zero])
        let x = try Xdatcar.read(path: path, reference: reference)
        #expect(x.trajectory.frameCount == 2)
        #expect(x.trajectory.fractionalPosition(frame: 1, atom: 0) == SIMD3(0.11, 0.2, 0.3))
        #expect(x.trajectory.lattice(at: 0) == .cubic(4))
    }

    @Test func repeatedHeaderWithOtherAtomsIsAnError() throws {
        let other = Self.header.replacingOccurrences(of: "  2   1", with: "  1   2")
        let text = Self.header + Self.frame(1, 0) + other + Self.frame(2, 0)
        let path = try volumetricFixture(text, name: "XDATCAR")
        #expect(
            throws: VASPError.malformed(
                SourceLocation(file: path, line: 12),
                "expected the atoms of the first header (Li2 O1) in the header that starts here, found Li1 O2")
        ) {
            try Xdatcar.read(path: path)
        }
    }

    @Test func emptyFile() throws {
        let path = try volumetricFixture("", name: "XDATCAR")
        #expect(
            throws: VASPError.malformed(
                SourceLocation(file: path, line: 1),
                "expected an XDATCAR (comment, scale, lattice, species, counts, frames), found an empty file")
        ) {
            try Xdatcar.read(path: path)
        }
    }

    @Test func multiFramePoscar() throws {
        let poscar = """
            H2
            1.0
            5 0 0
            0 5 0
            0 0 5
            H
            2
            Direct
            0 0 0
            0 0 0.15

            """
        let second = poscar.replacingOccurrences(of: "0 0 0.15", with: "0 0 0.16")
        let path = try volumetricFixture(poscar + "\n" + second + second.prefix(20), name: "POSCAR_frames")
        let x = try Xdatcar.readPoscarFrames(path: path)
        #expect(x.trajectory.frameCount == 2)
        #expect(x.trajectory.fractionalPosition(frame: 1, atom: 1) == SIMD3(0, 0, 0.16))
        #expect(x.warnings.count == 1)
        #expect(x.comment == "H2")
    }

    @Test func writerLayout() throws {
        var t = Trajectory(species: ["Li", "Li", "O"], lattice: .cubic(4))
        try t.append([SIMD3(0.1, 0.2, 0.3), SIMD3(0.4, 0.5, 0.6), SIMD3(0.7, 0.8, 0.9)], lattice: .cubic(4))
        let text = Xdatcar(comment: "Li2 O", trajectory: t).text()
        #expect(
            text == """
                Li2 O
                           1
                     4.000000    0.000000    0.000000
                     0.000000    4.000000    0.000000
                     0.000000    0.000000    4.000000
                   Li   O 
                   2   1
                Direct configuration=     1
                   0.10000000  0.20000000  0.30000000
                   0.40000000  0.50000000  0.60000000
                   0.70000000  0.80000000  0.90000000

                """)
    }
}
