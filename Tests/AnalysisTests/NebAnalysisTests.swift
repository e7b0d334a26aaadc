import Analysis
import Chemistry
import Foundation
import TestSupport
import Testing

/// NEB analysis against the corpus references: pymatgen's energy-only spline and the VTST force-based
/// Hermite (`../shared/tools/neb_hermite_ref.py`) on `neb/pymatgen_neb2`, pymatgen and ASE on the
/// aiida-vasp NH3 images.
@Suite struct NebAnalysisTests {
    /// The complete 5-image band of `neb/pymatgen_neb2/neb_analysis2.json` (pymatgen NEBAnalysis.as_dict).
    struct Band {
        var r: [Double]
        var energies: [Double]
        var forces: [Double]
        var structures: [Structure]
    }

    static func band() throws -> Band? {
        guard Corpus.available else { return nil }
        let data = try Data(contentsOf: URL(fileURLWithPath: Corpus.path("neb/pymatgen_neb2/neb_analysis2.json")))
        let object = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let structures = try #require(object["structures"] as? [[String: Any]]).map(structure)
        return Band(
            r: try #require(object["r"] as? [Double]), energies: try #require(object["energies"] as? [Double]),
            forces: try #require(object["forces"] as? [Double]), structures: structures)
    }

    /// A pymatgen `Structure.as_dict()`.
    static func structure(_ dict: [String: Any]) throws -> Structure {
        let lattice = try #require((dict["lattice"] as? [String: Any])?["matrix"] as? [[Double]])
        let sites = try #require(dict["sites"] as? [[String: Any]])
        let species = try sites.map { site in
            try #require(((site["species"] as? [[String: Any]])?.first?["element"]) as? String)
        }
        let abc = try sites.map { site -> SIMD3<Double> in
            let f = try #require(site["abc"] as? [Double])
            return SIMD3(f[0], f[1], f[2])
        }
        return Structure(lattice: try #require(Lattice(rows: lattice)), species: species, fractionalPositions: abc)
    }

    static func reference() throws -> [String: Any] { try Corpus.reference("neb/pymatgen_neb2.json") }

    @Test func pathCoordinatesEqualPymatgen() throws {
        guard let band = try Self.band() else { return }
        let r = try #require(nebPathCoordinates(band.structures))
        for (mine, theirs) in zip(r, band.r) { #expect(abs(mine - theirs) < 1e-9) }
    }

    /// The VTST force-based Hermite: every extremum and the barrier of `spline_force_hermite`.
    @Test func forceHermiteMatchesReference() throws {
        guard let band = try Self.band() else { return }
        let ref = try #require(try Self.reference()["spline_force_hermite"] as? [String: Any])
        let segments = forceHermiteSpline(r: band.r, energies: band.energies, tangentForces: band.forces)
        let extrema = splineExtrema(segments)
        let expected = try #require(ref["extrema"] as? [[String: Any]])
        #expect(extrema.count == expected.count)
        for e in expected {
            let interval = try #require(e["interval"] as? Int)
            let t = try #require(e["t"] as? Double)
            let mine = try #require(extrema.first { $0.interval == interval && abs($0.t - t) < 1e-9 })
            #expect(abs(mine.r - (e["r"] as? Double ?? .nan)) < 1e-9)
            #expect(abs(mine.energy - (e["energy_rel_eV"] as? Double ?? .nan)) < 1e-10)
            #expect(mine.kind.rawValue == (e["kind"] as? String == "max" ? "maximum" : "minimum"))
        }
        let fit = try #require(NebSplineFit(method: "force-hermite", segments: segments))
        #expect(abs(fit.barrierForward - 0.5287748399039681) < 1e-10)
        #expect(abs(fit.barrierReverse - (ref["barrier_reverse_eV"] as? Double ?? .nan)) < 1e-10)
        #expect(abs(fit.maximum.r - 0.77520) < 5e-6)
    }

    /// pymatgen's energy-only spline: the exact maximum 0.56240834 eV, and `get_extrema`'s grid values
    /// 562.40825334519991 meV at x/r_max = 0.37255257367467326 (default) and 528.46229631648691 meV at
    /// 0.30371133723478794 (zero_slope_saddle).
    @Test func energyOnlySplineMatchesPymatgen() throws {
        guard let band = try Self.band() else { return }
        let ref = try Self.reference()
        let segments = energyOnlySpline(r: band.r, energies: band.energies)
        let fit = try #require(NebSplineFit(method: "energy-only", segments: segments))
        #expect(abs(fit.barrierForward - 0.562408335358) < 1e-11)
        #expect(abs(fit.maximum.r / band.r[band.r.count - 1] - 0.372436336685) < 1e-9)
        let sampled = try #require((ref["spline_default"] as? [String: Any])?["barrier_forward_eV"] as? Double)
        #expect(abs(fit.barrierForward - sampled) < 1e-10)
        let grid = pymatgenGridExtrema(segments)
        #expect(grid.minima.isEmpty)
        let maximum = try #require(grid.maxima.first)
        #expect(abs(maximum.x - 0.37255257367467326) < 1e-12)
        #expect(abs(maximum.energy * 1000 - 562.4082533451999) < 1e-8)
        let saddle = pymatgenGridExtrema(energyOnlySpline(r: band.r, energies: band.energies, zeroSlopeSaddle: true))
        #expect(abs((saddle.maxima.first?.x ?? .nan) - 0.30371133723478794) < 1e-12)
        #expect(abs((saddle.maxima.first?.energy ?? .nan) * 1000 - 528.4622963164869) < 1e-8)
    }

    /// The whole band: both fits side by side, image barriers and reaction energy (corpus headline numbers).
    @Test func bandAnalysisGivesBothFits() throws {
        guard let band = try Self.band() else { return }
        let images = (0..<5).map { k in
            NebImage(
                label: String(format: "%02d", k), energy: band.energies[k] - 100, tangentForce: k == 0 || k == 4 ? nil : band.forces[k],
                structure: band.structures[k])
        }
        let result = analyzeNeb(images)
        #expect(result.referenceImage == 0)
        #expect(result.missingEnergies.isEmpty)
        #expect(abs((result.forceFit?.barrierForward ?? .nan) - 0.52877484) < 5e-9)
        #expect(abs((result.energyFit?.barrierForward ?? .nan) - 0.56240834) < 5e-9)
        #expect(abs((result.barrierSpread ?? .nan) - (0.5287748399039681 - 0.562408335358)) < 1e-9)
        #expect(abs((result.pymatgenMaxima.first?.x ?? .nan) - 0.37255257367467326) < 1e-9)
        #expect(abs((result.imageBarrierForward ?? .nan) - 0.52847453) < 1e-8)
        #expect(abs((result.imageBarrierReverse ?? .nan) - 0.59673439) < 1e-8)
        #expect(abs((result.reactionEnergy ?? .nan) - -0.06825986) < 1e-8)
        #expect(result.relativeEnergies.compactMap { $0 }.count == 5)
    }

    /// aiida-vasp NH3 inversion, images 01–03 (end points have no energy): pymatgen's `NEBAnalysis.from_outcars`
    /// over 01..03 (215.69990550 meV at x/r_max 0.49713462) and ASE's force fit maximum (0.21572132 eV).
    @Test func nh3ImagesMatchPymatgenAndASE() throws {
        guard Corpus.available else { return }
        let ref = try #require(try Corpus.reference("neb/aiida-vasp_NH3_inversion.json")["pymatgen_NEBAnalysis_images_01_03"] as? [String: Any])
        let r = try #require(ref["r"] as? [Double])
        let energies = try #require(ref["energies"] as? [Double]).map { $0 - -19.49550593 }
        let grid = pymatgenGridExtrema(energyOnlySpline(r: r, energies: energies))
        #expect(abs((grid.maxima.first?.x ?? .nan) - 0.49713462202232855) < 1e-12)
        #expect(abs((grid.maxima.first?.energy ?? .nan) * 1000 - 215.69990550418117) < 1e-8)
        let saddle = pymatgenGridExtrema(energyOnlySpline(r: r, energies: energies, zeroSlopeSaddle: true))
        #expect(abs((saddle.maxima.first?.energy ?? .nan) * 1000 - 215.69964898404126) < 1e-8)
        // VTST Hermite with the OUTCARs' `NEB: … REAL` forces on ASE's path (OUTCAR positions).
        let ase = try #require(try Corpus.reference("neb/aiida-vasp_NH3_inversion.json")["ase_force_fit_images_01_03"] as? [String: Any])
        let path = try #require(ase["path"] as? [Double])
        let fit = try #require(
            NebSplineFit(method: "force-hermite", segments: forceHermiteSpline(r: path, energies: energies, tangentForces: [0.00532, -0.000001, -0.007243])))
        #expect(abs(fit.barrierForward - (ase["barrier_fit_forward"] as? Double ?? .nan)) < 1e-9)
    }

    @Test func missingEndPointsAreStated() {
        let images = [
            NebImage(label: "00"), NebImage(label: "01", energy: -19.49550593, tangentForce: 0.00532),
            NebImage(label: "02", energy: -19.27978461, tangentForce: -0.000001),
            NebImage(label: "03", energy: -19.4955073, tangentForce: -0.007243), NebImage(label: "04")
        ]
        let result = analyzeNeb(images, coordinates: [0, 0.4, 0.8, 1.2, 1.6], ediffg: -0.03, climbing: true)
        #expect(result.referenceImage == 1)
        #expect(result.missingEnergies == ["00", "04"])
        #expect(result.fittedImages == 1...3)
        #expect(result.relativeEnergies[0] == nil)
        #expect(abs((result.relativeEnergies[2] ?? .nan) - 0.21572132) < 1e-10)
        #expect(result.notes.contains { $0.contains("no energy for image(s) 00, 04") })
        #expect(result.notes.contains { $0.contains("relative to image 01") })
        #expect(result.forceFit != nil && result.energyFit != nil)
        #expect(result.climbing.climbingImage == 2)
        #expect(result.climbing.imagesWithoutForces == ["01", "02", "03"])
    }

    /// Atoms listed in a different order in one image: the path jumps and the notes say which atom.
    @Test func atomOrderMismatchIsNoted() {
        let a = Structure(lattice: .cubic(10), species: ["H", "H"], cartesianPositions: [SIMD3(1, 1, 1), SIMD3(5, 5, 5)])
        let b = Structure(lattice: .cubic(10), species: ["H", "H"], cartesianPositions: [SIMD3(5, 5, 5.2), SIMD3(1, 1, 1.2)])
        let result = analyzeNeb([NebImage(label: "00", energy: 0, structure: a), NebImage(label: "01", energy: 0.1, structure: b)])
        #expect(result.notes.contains { $0.contains("moves") && $0.contains("images 00 and 01") })
        #expect(largestDisplacement(a, a)?.distance == 0)
    }

    @Test func climbingImageChecks() {
        let images = [
            NebImage(label: "00", energy: 0), NebImage(label: "01", energy: 0.3, maxForce: 0.02),
            NebImage(label: "02", energy: 0.5, tangentForce: 0.001, maxForce: 0.04), NebImage(label: "03", energy: -0.1)
        ]
        let ok = climbingImageCheck(images, ediffg: -0.05, climbing: true)
        #expect(ok.passed)
        #expect(ok.climbingImage == 2 && ok.climbingTangentForce == 0.001)
        let strict = climbingImageCheck(images, ediffg: -0.03, climbing: true)
        #expect(!strict.passed && strict.unconvergedImages == ["02"])
        let energyCriterion = climbingImageCheck(images, ediffg: 1e-4, climbing: true)
        #expect(energyCriterion.forceThreshold == nil && !energyCriterion.passed)
        var downhill = images
        downhill[0].energy = 1
        let noBarrier = climbingImageCheck(downhill, ediffg: -0.05, climbing: true)
        #expect(!noBarrier.highestIsIntermediate)
        #expect(noBarrier.notes.contains { $0.contains("end point 00") })
    }

    /// Images 01 and 02 at the same place (the corpus band with 02 replaced by a copy of 01): the band is
    /// degenerate, neither spline is fitted (a zero-length interval has no slope; before, the Hermite
    /// slope was 0/0 = NaN), the barriers come from the images, and the climbing-image check, whose
    /// forces and energies would pass, says so and does not pass.
    @Test func coincidingImagesMakeADegenerateBand() throws {
        guard let band = try Self.band() else { return }
        var structures = band.structures
        structures[2] = structures[1]
        let energies = [band.energies[0], band.energies[1], band.energies[1], band.energies[3], band.energies[4]]
        let images = (0..<5).map { k in
            NebImage(
                label: String(format: "%02d", k), energy: energies[k], tangentForce: k == 0 || k == 4 ? nil : band.forces[k],
                maxForce: k == 0 || k == 4 ? nil : 0.01, structure: structures[k])
        }
        let result = analyzeNeb(images, ediffg: -0.05, climbing: true)
        #expect(result.coincidingImages == [2])
        #expect(result.isDegenerate)
        #expect(result.forceFit == nil && result.energyFit == nil && result.pymatgenMaxima.isEmpty)
        #expect(result.notes.contains { $0.contains("degenerate band: images 01 and 02") && $0.contains("no spline") })
        #expect(abs((result.imageBarrierForward ?? .nan) - 0.52847453) < 1e-8)
        #expect(!result.climbing.passed)
        #expect(result.climbing.coincidingImages == [2])
        #expect(result.climbing.notes.first?.contains("degenerate band: images 01 = 02 coincide") == true)
        // The same band without the coincidence passes the check: the coincidence alone fails it.
        var distinct = images
        distinct[2].structure = band.structures[2]
        #expect(analyzeNeb(distinct, ediffg: -0.05, climbing: true).climbing.passed)
        // Coordinates given (pymatgen JSON r) are checked the same way; all images at r = 0 too.
        #expect(analyzeNeb(images, coordinates: [0, 0.75, 0.75, 1.9, 2.5]).coincidingImages == [2])
        let collapsed = analyzeNeb(images, coordinates: [0, 0, 0, 0, 0], ediffg: -0.05)
        #expect(collapsed.coincidingImages == [1, 2, 3, 4] && collapsed.forceFit == nil && !collapsed.climbing.passed)
        #expect(coincidingImagePairs([0, 1e-5, 1, .nan]) == [1, 3])
    }

    /// A cubic whose stationary point lies outside its interval reports no extremum there (emmet #1255).
    @Test func extremaAreNeverExtrapolated() {
        // dE/dt = t² − t − 0.75 has its roots at t = −0.5 and t = 1.5, both outside [0, 1].
        let segments = forceHermiteSpline(r: [0, 1], energies: [0, -11.0 / 12], tangentForces: [0.75, 0.75])
        let (_, b, c, d) = segments[0].coefficients
        #expect(abs(b - -0.75) < 1e-12 && abs(c - -0.5) < 1e-12 && abs(d - 1.0 / 3) < 1e-12)
        #expect(splineExtrema(segments).isEmpty)
        let fit = NebSplineFit(method: "force-hermite", segments: segments)
        #expect(fit?.barrierForward == 0)
        #expect(abs((fit?.barrierReverse ?? .nan) - 11.0 / 12) < 1e-12)
    }

    @Test func clampedSplineHasZeroEndSlopes() {
        let segments = energyOnlySpline(r: [0, 1, 2.5, 3], energies: [0, 0.4, 0.1, -0.2])
        #expect(abs(segments[0].slope(t: 0)) < 1e-12)
        #expect(abs(segments[2].slope(t: 1)) < 1e-12)
        // C¹ and C² continuity at the inner nodes.
        #expect(abs(segments[0].slope(t: 1) - segments[1].slope(t: 0)) < 1e-12)
    }
}
