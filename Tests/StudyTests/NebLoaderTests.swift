import Analysis
import Foundation
import TestSupport
import Testing

@testable import Study

/// The NEB loader on the corpus bands and on trees assembled from them.
@Suite struct NebLoaderTests {
    @Test func corpusPresentOnCI() { Corpus.checkPresentOnCI() }

    /// aiida-vasp NH3 inversion: images 01–03 have OUTCARs with VTST lines, 00/04 only POSCARs, the root
    /// vasprun.xml is malformed.
    @Test func vtstBandWithoutEndPointEnergies() throws {
        guard Corpus.available else { return }
        let band = try NebLoader.load(Corpus.path("neb/aiida-vasp_NH3_inversion"))
        #expect(band.images.map(\.image.label) == ["00", "01", "02", "03", "04"])
        let ref = try #require(try Corpus.reference("neb/aiida-vasp_NH3_inversion.json")["images"] as? [String: [String: Any]])
        for k in 1...3 {
            let label = "0\(k)"
            let mine = band.images[k]
            #expect(mine.image.energy == ref[label]?["final_energy"] as? Double)
            #expect(mine.image.tangentForce == (ref[label]?["outcar_read_neb"] as? [String: Any])?["tangent_force"] as? Double)
            #expect(mine.image.maxForce == (ref[label]?["last_FORCES_max_atom_RMS"] as? [Double])?.first)
            #expect(mine.energyFile?.hasSuffix("\(label)/OUTCAR") == true)
            #expect(mine.structureFile?.hasSuffix("\(label)/OUTCAR") == true)
        }
        #expect(band.images[0].image.energy == nil && band.images[4].image.energy == nil)
        #expect(band.images[0].structureFile?.hasSuffix("00/POSCAR") == true)
        #expect(band.ediffg == -0.03 && band.climbing == true)
        #expect(band.warnings.contains { $0.contains("no energy for image(s) 00, 04") })
        #expect(band.warnings.contains { $0.contains("vasprun.xml") && $0.contains("ignored") })

        let analysis = band.analysis()
        #expect(analysis.referenceImage == 1)
        #expect(abs((analysis.relativeEnergies[2] ?? .nan) - 0.21572132) < 1e-10)
        #expect(abs((analysis.relativeEnergies[3] ?? .nan) - -0.00000137) < 1e-10)
        // Path between 01 and 03 from the OUTCAR positions = ASE's path (forcecurve.fit_raw).
        let ase = try #require(try Corpus.reference("neb/aiida-vasp_NH3_inversion.json")["ase_force_fit_images_01_03"] as? [String: Any])
        let path = try #require(ase["path"] as? [Double])
        let r = try #require(analysis.coordinates)
        #expect(abs((r[2] - r[1]) - path[1]) < 1e-9)
        #expect(abs((r[3] - r[1]) - path[2]) < 1e-9)
        #expect(abs((analysis.forceFit?.barrierForward ?? .nan) - (ase["barrier_fit_forward"] as? Double ?? .nan)) < 1e-9)
        #expect(analysis.climbing.passed && analysis.climbing.climbingImage == 2)
        #expect(analysis.notes.contains { $0.contains("relative to image 01") })
    }

    /// pymatgen neb1: end points have OUTCARs (no NEB lines), images only CONTCARs.
    @Test func bandWithoutImageEnergies() throws {
        guard Corpus.available else { return }
        let band = try NebLoader.load(Corpus.path("neb/pymatgen_neb1"))
        #expect(band.images.map(\.image.energy) == [-255.97992669, nil, nil, nil, -255.98097765])
        #expect(band.images[1].structureFile?.hasSuffix("01/CONTCAR") == true)
        let analysis = band.analysis()
        #expect(analysis.missingEnergies == ["01", "02", "03"])
        #expect(analysis.forceFit == nil && analysis.energyFit == nil)
        #expect(analysis.notes.contains { $0.contains("not contiguous") })
    }

    /// pymatgen neb2 as its NEBAnalysis JSON: both fits side by side.
    @Test func pymatgenJSON() throws {
        guard Corpus.available else { return }
        let band = try NebLoader.load(Corpus.path("neb/pymatgen_neb2/neb_analysis2.json"))
        #expect(band.images.count == 5 && band.images.allSatisfy { $0.image.structure?.count == 53 })
        let analysis = band.analysis()
        #expect(abs((analysis.forceFit?.barrierForward ?? .nan) - 0.52877484) < 5e-9)
        #expect(abs((analysis.energyFit?.barrierForward ?? .nan) - 0.56240834) < 5e-9)
        #expect(abs((analysis.pymatgenMaxima.first?.x ?? .nan) - 0.37255257) < 5e-9)
    }

    /// The JSON reader (Foundation's JSONDecoder) gives every number of the corpus file exactly: r and
    /// the energies equal Python's `repr` of pymatgen's values (which round-trips), and every position
    /// and lattice number equals the shortest decimal written in the file (`Double(String)` of the token).
    /// (Linux Foundation's JSONSerialization is off by one unit in the last place on some of them.)
    @Test func pymatgenJSONNumbersAreExact() throws {
        guard Corpus.available else { return }
        let path = Corpus.path("neb/pymatgen_neb2/neb_analysis2.json")
        let band = try NebLoader.load(path)
        #expect(band.coordinates == [0.0, 0.7520911216733217, 1.3175040819353467, 1.8911929701995307, 2.469450125993166])
        #expect(band.images.map(\.image.energy) == [0.0, 0.5284745299999827, 0.4844461200000296, 0.33948880999997755, -0.06825986000001194])
        #expect(band.images.map(\.image.tangentForce) == [nil, -0.02638, -0.050629, 0.740298, nil])
        // Every "abc": [x, y, z] of the file, in order, parsed from its own text.
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var tokens: [[Double]] = []
        var rest = Substring(text)
        while let start = rest.range(of: "\"abc\": [") {
            let end = try #require(rest[start.upperBound...].firstIndex(of: "]"))
            tokens.append(rest[start.upperBound..<end].split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) })
            rest = rest[end...]
        }
        let mine = band.images.flatMap { ($0.image.structure?.fractionalPositions ?? []).map { [$0.x, $0.y, $0.z] } }
        #expect(tokens.count == 5 * 53)
        #expect(mine == tokens)
    }

    /// String escapes decoded as JSON defines them (the old hand-made reader turned `\u00e9` into `?` and
    /// `\r`, `\b` into the letters r and b): `\u0046e` is the element Fe, so the structure is read.
    @Test func jsonStringEscapes() throws {
        let site = #"{"abc": [0.0, 0.0, 0.0], "species": [{"element": "\u0046e", "occu": 1}], "label": "caf\u00e9"}"#
        let structure = #"{"lattice": {"matrix": [[3.0, 0, 0], [0, 3.0, 0], [0, 0, 3.0]]}, "sites": [\#(site)]}"#
        let text =
            #"{"@module": "caf\u00e9\r\b\t\"\\\/\ud83d\ude00", "@class": "NEBAnalysis", "r": [0, 1.5e0], "energies": [0.0, -0.25], "forces": [0, 0], "structures": [\#(structure), \#(structure)]}"#
        let document = try PymatgenNebJSON.decode(Array(text.utf8))
        #expect(document.module == "café\r\u{8}\t\"\\/😀")
        #expect(document.className == "NEBAnalysis")
        let folder = try StudyFixture.temporaryFolder("neb-json")
        let path = folder + "/band.json"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let band = try NebLoader.load(path)
        #expect(band.images.map { $0.image.structure?.species } == [["Fe"], ["Fe"]])
        #expect(band.coordinates == [0, 1.5] && band.images[1].image.energy == -0.25)
        // Not JSON: a clear error naming the file.
        try Data("{\"r\": [0, 1], \"energies\": [0,".utf8).write(to: URL(fileURLWithPath: folder + "/bad.json"))
        #expect(throws: StudyError.self) { try NebLoader.load(folder + "/bad.json") }
    }

    /// Images 01–03 with end points in start/ and end/.
    @Test func startAndEndFolders() throws {
        guard Corpus.available else { return }
        let source = "neb/aiida-vasp_NH3_inversion"
        let root = try Corpus.tree(
            [
                "start/POSCAR": "\(source)/00/POSCAR", "end/POSCAR": "\(source)/04/POSCAR",
                "01/OUTCAR": "\(source)/01/OUTCAR", "02/OUTCAR": "\(source)/02/OUTCAR", "03/OUTCAR": "\(source)/03/OUTCAR"
            ], label: "neb-start-end")
        defer { StudyFixture.remove(root) }
        let band = try NebLoader.load(root)
        #expect(band.images.map(\.image.label) == ["start", "01", "02", "03", "end"])
        #expect(band.images.map { $0.image.energy != nil } == [false, true, true, true, false])
        #expect(band.analysis().referenceImage == 1)
    }

    /// 00 with a POSCAR only and its relaxed end point in initial/: the energy is taken from there.
    @Test func endPointEnergyFromInitialFolder() throws {
        guard Corpus.available else { return }
        let source = "neb/aiida-vasp_NH3_inversion"
        let root = try Corpus.tree(
            [
                "00/POSCAR": "\(source)/00/POSCAR", "initial/OUTCAR": "\(source)/01/OUTCAR",
                "01/OUTCAR": "\(source)/02/OUTCAR", "02/POSCAR": "\(source)/04/POSCAR"
            ], label: "neb-initial")
        defer { StudyFixture.remove(root) }
        let band = try NebLoader.load(root)
        #expect(band.images.map(\.image.label) == ["00", "01", "02"])
        #expect(band.images[0].image.energy == -19.49550593)
        #expect(band.images[0].energyFile?.hasSuffix("initial/OUTCAR") == true)
        #expect(band.warnings.contains { $0.contains("image 00 has no output") })
    }

    @Test func emptyFolderIsAnError() throws {
        let root = try StudyFixture.temporaryFolder("neb-empty")
        defer { StudyFixture.remove(root) }
        #expect(throws: StudyError.self) { try NebLoader.load(root) }
    }
}
