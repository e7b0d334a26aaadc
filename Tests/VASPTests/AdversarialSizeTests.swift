import Foundation
import Testing
import VASP

#if canImport(Glibc)
import Glibc
#endif

// Bounded memory on adversarial input (issue 7, section 2): files of about a kilobyte that declare
// absurd sizes (a CHGCAR grid of 10¹⁵ points, 10⁹ atoms in a counts line or `ions per type`, a
// vasprun.xml with 10⁹ atoms). Each reader rejects them with a message naming the declared size and
// what the file holds, or reads them without expanding the declared size.
//
// The files are Tests/VASPTests/Fixtures/fuzz/TARGET/size-*: `tools/fuzz.sh regress` (run by CI)
// also feeds them to the sanitised fuzz binaries with a 256 MB limit on any single allocation, which
// checks the bound exactly; here the process's peak resident size must not grow by a gigabyte.

enum SizeFixture {
    static let folder: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/fuzz").path

    static func path(_ target: String, _ name: String) -> String { folder + "/" + target + "/" + name }

    /// Peak resident set size of this process in bytes.
    static func peakResidentBytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024
    }

    /// Runs `body`; its peak memory must stay below a gigabyte more than before.
    static func bounded<T>(_ what: String, sourceLocation: Testing.SourceLocation = #_sourceLocation, _ body: () throws -> T) rethrows -> T {
        let before = peakResidentBytes()
        let result = try body()
        let growth = peakResidentBytes() - before
        #expect(growth < 1 << 30, "\(what): peak memory grew by \(growth) bytes", sourceLocation: sourceLocation)
        return result
    }

    /// The message of the VASPError `body` throws, with the fixture folder removed; `nil` if it returns.
    static func message<T>(_ what: String, _ body: () throws -> T) -> String? {
        do {
            _ = try bounded(what, body)
            return nil
        } catch {
            return "\(error)".replacingOccurrences(of: folder + "/", with: "")
        }
    }

    static func fileSize(_ target: String, _ name: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path(target, name)))?[.size] as? Int) ?? -1
    }
}

@Suite struct AdversarialSizeTests {
    @Test func fixturesAreSmall() throws {
        let targets = try FileManager.default.contentsOfDirectory(atPath: SizeFixture.folder)
        var count = 0
        for target in targets {
            for name in try FileManager.default.contentsOfDirectory(atPath: SizeFixture.folder + "/" + target) where name.hasPrefix("size-") {
                count += 1
                #expect(SizeFixture.fileSize(target, name) <= 2048, "\(target)/\(name)")
            }
        }
        #expect(count >= 15)
    }

    // MARK: CHGCAR family

    /// NGX·NGY·NGZ = 10¹⁵ with 41 bytes after the grid line: refused before anything is allocated.
    @Test func chgcarGridOfTenToTheFifteen() {
        let path = SizeFixture.path("volumetric", "size-grid-1e15")
        #expect(
            SizeFixture.message("grid 1e15") { try Volumetric.read(path: path) }
                == "volumetric/size-grid-1e15:11: the grid 100000×100000×100000 declares 1000000000000000 values, which need at least 1999999999999999 bytes, but at most 41 bytes remain in the file"
        )
    }

    @Test func chgcarGridThatOverflowsACount() {
        let path = SizeFixture.path("volumetric", "size-grid-overflow")
        #expect(
            SizeFixture.message("grid overflow") { try Volumetric.read(path: path) }
                == "volumetric/size-grid-overflow:11: the grid 3037000500×3037000500×3037000500 has more points than can be counted")
    }

    /// A gzip file may expand 1032-fold at most: 8·10⁹ points in 182 compressed bytes are refused.
    @Test func gzipChgcarGridLargerThanTheStreamCanHold() throws {
        let path = SizeFixture.path("volumetric", "size-grid-gzip.gz")
        let message = try #require(SizeFixture.message("gzip grid") { try Volumetric.read(path: path) })
        #expect(
            message.hasPrefix(
                "volumetric/size-grid-gzip.gz:11: the grid 2000×2000×2000 declares 8000000000 values, which need at least 15999999999 bytes, but at most "))
        #expect(message.hasSuffix(" bytes remain in the file"))
    }

    /// 10⁹ atoms in the header's counts line: the positions are read line by line, so the missing
    /// second one is reported without reserving room for 10⁹.
    @Test func chgcarHeaderWithTenToTheNineAtoms() {
        let path = SizeFixture.path("volumetric", "size-atoms-1e9")
        #expect(
            SizeFixture.message("chgcar atoms") { try Volumetric.read(path: path) }
                == "volumetric/size-atoms-1e9:10: expected the position of atom 2 (three numbers), found the end of the file after 1 of 1000000000 atoms")
    }

    // MARK: POSCAR

    @Test func poscarWithTenToTheNineAtoms() {
        let path = SizeFixture.path("poscar", "size-atoms-1e9")
        #expect(
            SizeFixture.message("poscar 1e9") { try Poscar.read(path: path) }
                == "poscar/size-atoms-1e9:11: expected the position of atom 3 (three numbers), found the end of the file after 2 of 1000000000 atoms")
        let two = SizeFixture.path("poscar", "size-atoms-2e9")
        #expect(
            SizeFixture.message("poscar 2e9") { try Poscar.read(path: two) }
                == "poscar/size-atoms-2e9:10: expected the position of atom 2 (three numbers), found the end of the file after 1 of 2000000000 atoms")
    }

    // MARK: XDATCAR

    /// 10⁸ atoms (3·10⁸ in three species) declared, two position lines present: the positions of one
    /// frame would need far more bytes than remain, so the header is refused before the frame buffer
    /// (24 bytes per atom) is allocated.
    @Test func xdatcarWithTenToTheEightAtoms() {
        let path = SizeFixture.path("xdatcar", "size-atoms-1e8")
        #expect(
            SizeFixture.message("xdatcar 1e8") { try Xdatcar.read(path: path) }
                == "xdatcar/size-atoms-1e8:7: the counts declare 100000000 atoms, whose positions need at least 600000000 bytes per frame, but at most 104 bytes remain in the file"
        )
        let three = SizeFixture.path("xdatcar", "size-atoms-3e8")
        #expect(
            SizeFixture.message("xdatcar 3e8") { try Xdatcar.read(path: three) }
                == "xdatcar/size-atoms-3e8:7: the counts declare 300000000 atoms, whose positions need at least 1800000000 bytes per frame, but at most 66 bytes remain in the file"
        )
    }

    // MARK: OUTCAR

    /// `ions per type = 1000000000` in a 796-byte OUTCAR: dropped with a warning, so that nothing
    /// expands it per atom (`species`, `structure()`); the energy is still read.
    @Test func outcarWithTenToTheNineIons() throws {
        let path = SizeFixture.path("outcar", "size-ions-1e9")
        let outcar = try SizeFixture.bounded("outcar 1e9") { try Outcar.read(path: path) }
        #expect(outcar.ionsPerType.isEmpty)
        #expect(outcar.species == nil)
        #expect(outcar.valencePerAtom == nil)
        #expect(outcar.structure() == nil)
        #expect(outcar.finalEnergy == -8.1)
        let size = SizeFixture.fileSize("outcar", "size-ions-1e9")
        #expect(
            outcar.warnings.map(\.description).contains(
                "\(path):6 <ions per type>: `ions per type` declares 1000000000 atoms, more than the \(size) bytes of the file can describe; ignored"))
    }

    /// `1e30`, `-5`, `NaN` as counts, `NIONS = 1e300`: never a trap converting them to integers.
    @Test func outcarWithCountsThatAreNotCounts() throws {
        let path = SizeFixture.path("outcar", "size-ions-huge-numbers")
        let outcar = try SizeFixture.bounded("outcar huge") { try Outcar.read(path: path) }
        #expect(outcar.ionsPerType.isEmpty)
        #expect(outcar.species == nil)
        #expect(outcar.finalEnergy == -8.1)
    }

    // MARK: vasprun.xml

    /// `<atoms>1000000000</atoms>`, a type of 10⁹ atoms, NBANDS and NEDOS of 10⁹ and divisions of 1e300:
    /// the reader keeps the numbers as numbers and allocates only for what the file holds (one atom).
    @Test func vasprunWithTenToTheNineAtoms() throws {
        let path = SizeFixture.path("vasprun", "size-atoms-1e9.xml")
        let run = try SizeFixture.bounded("vasprun 1e9") { try Vasprun.read(path: path) }
        #expect(run.complete)
        #expect(run.atoms == ["Si"])
        #expect(run.atomTypes.map(\.count) == [1_000_000_000])
        #expect(run.initialStructure?.count == 1)
        #expect(run.incar["NBANDS"] == .int(1_000_000_000))
        #expect(run.kpoints?.divisions == [])
        #expect(run.netCharge == 3_000_000_000)
    }

    // MARK: Input files and Bader tables

    @Test func incarRepeatCounts() {
        let path = SizeFixture.path("incar", "size-repeat-1e9")
        #expect(
            SizeFixture.message("incar 1e9") { try Incar.read(path: path) }
                == "incar/size-repeat-1e9:2 <MAGMOM>: expected a repeat count from 1 to 1000000 in '1000000000*0.6'")
        let total = SizeFixture.path("incar", "size-repeat-total")
        #expect(
            SizeFixture.message("incar total") { try Incar.read(path: total) }
                == "incar/size-repeat-total:1 <MAGMOM>: expected at most 1000000 values for MAGMOM")
    }

    @Test func kpointsCounts() throws {
        let path = SizeFixture.path("kpoints", "size-points-1e9")
        #expect(
            SizeFixture.message("kpoints 1e9") { try Kpoints.read(path: path) }
                == "kpoints/size-points-1e9:5: expected k-point 2 (three coordinates and a weight), found the end of the file after 1 of 1000000000 k-points")
        // Line mode: 10⁹ divisions per segment is a number the reader keeps, not a size it allocates.
        let line = try SizeFixture.bounded("kpoints line") { try Kpoints.read(path: SizeFixture.path("kpoints", "size-line-1e9")) }
        guard case .line(let divisions, let segments, _) = line.mode else {
            Issue.record("not line mode: \(line.mode)")
            return
        }
        #expect(divisions == 1_000_000_000)
        #expect(segments.count == 1)
    }

    /// A BCF volume assigned to atom 10⁹: the per-atom sums stay the size of the table, and the absurd
    /// atom number is left out. An atom number of 1e30 is not an atom number (and never a trap).
    @Test func bcfAtomNumbers() throws {
        let path = SizeFixture.path("bader", "size-atom-1e9-bcf")
        let bcf = try SizeFixture.bounded("bcf") { try BaderBCF.read(path: path) }
        let perAtom = SizeFixture.bounded("bcf per atom") { bcf.electronsPerAtom(atomCount: 0) }
        #expect(perAtom.count == 2)
        #expect(perAtom == [0, 0.8765])
        #expect(SizeFixture.bounded("bcf per atom, 2 atoms") { bcf.electronsPerAtom(atomCount: 2) } == [0, 0.8765])
        let huge = SizeFixture.path("bader", "size-atom-1e30-bcf")
        #expect(
            SizeFixture.message("bcf 1e30") { try BaderBCF.read(path: huge) }
                == "bader/size-atom-1e30-bcf:3: expected the ATOM column (or an `Atom: N` separator before the row)")
    }
}
