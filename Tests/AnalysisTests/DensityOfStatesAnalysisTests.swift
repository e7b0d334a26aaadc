import Analysis
import Chemistry
import Foundation
import TestSupport
import Testing
import VASP

/// DOS gap and d-band descriptors against pymatgen on the corpus: every `d_band` entry of the vasprun
/// references (full range and [−10, 5] eV around E_F), plus per-spin, per-site and DOS-gap values computed
/// with pymatgen 2026.10.24 (`CompleteDos.get_band_center(sites=[structure[1]], spin=…)`,
/// `Dos.get_gap(spin=…)`) on four corpus files.
@Suite struct DensityOfStatesAnalysisTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var file: String
        var element: String
        var center: Double
        var width: Double?
        var filling: Double?
        var windowCenter: Double
        var windowWidth: Double?
        var testDescription: String { "\(file) \(element)" }
    }

    /// Every (file, element) with a numeric `d_band` reference.
    static let cases: [Case] = {
        guard Corpus.available,
            let walker = FileManager.default.enumerator(atPath: Corpus.referenceRoot)
        else { return [] }
        var out: [Case] = []
        for case let relative as String in walker where relative.hasSuffix(".json") && relative.contains("vasprun") {
            guard let ref = try? Corpus.reference(relative), let dband = ref["d_band"] as? [String: Any] else { continue }
            for (element, value) in dband {
                guard let entry = value as? [String: Any], let full = entry["erange_none"] as? [String: Any],
                    let window = entry["erange_m10_p5"] as? [String: Any], let center = full["band_center"] as? Double,
                    let windowCenter = window["band_center"] as? Double
                else { continue }
                out.append(
                    Case(
                        file: String(relative.dropLast(5)), element: element, center: center, width: full["band_width"] as? Double,
                        filling: full["band_filling"] as? Double, windowCenter: windowCenter, windowWidth: window["band_width"] as? Double))
            }
        }
        return out.sorted { ($0.file, $0.element) < ($1.file, $1.element) }
    }()

    @Test func corpusPresentOnCI() {
        if Corpus.isCI { #expect(Self.cases.count >= 20, "only \(Self.cases.count) d-band references") }
    }

    static func dos(_ relative: String) throws -> (DensityOfStates, [String]) {
        let run = try Vasprun.read(path: Corpus.path(relative), options: VasprunOptions(readEigenvalues: false, readProjections: false))
        return (try #require(run.dos), run.atoms)
    }

    @Test(arguments: cases)
    func dBandMatchesPymatgen(_ c: Case) throws {
        let (dos, species) = try Self.dos(c.file)
        let atoms = Analysis.atoms(ofElement: c.element, species: species)
        let full = try #require(bandDescriptors(dos, atoms: atoms).first { $0.spin == .summed })
        let tolerance = 1e-9 * max(1, abs(c.center))
        #expect(abs(full.center - c.center) <= tolerance)
        if let width = c.width { #expect(abs(full.width - width) <= 1e-9 * max(1, width)) }
        if let filling = c.filling { #expect(abs(full.filling - filling) <= 1e-9) }
        let window = try #require(bandDescriptors(dos, atoms: atoms, window: -10...5).first { $0.spin == .summed })
        #expect(abs(window.center - c.windowCenter) <= 1e-9 * max(1, abs(c.windowCenter)))
        if let width = c.windowWidth { #expect(abs(window.width - width) <= 1e-9 * max(1, width)) }
    }

    /// Site 1 (0-based) of the LiFePO4 spin-polarised run, per spin channel (pymatgen values).
    @Test func perSpinAndSiteMatchPymatgen() throws {
        guard Corpus.available else { return }
        let (dos, _) = try Self.dos("vasprun/pymatgen/vasprun.xml.gz")
        let all = bandDescriptors(dos, atoms: [1])
        let expected: [(SpinChannel, Double, Double, Double)] = [
            (.summed, -0.8531120230562371, 5.049590268355818, 0.5961122632284291),
            (.up, -4.89361867531779, 2.451398323547853, 0.993765014460619),
            (.down, 3.2996536868902204, 3.39176954175125, 0.18741136210292103)
        ]
        for (spin, center, width, filling) in expected {
            let d = try #require(all.first { $0.spin == spin })
            #expect(abs(d.center - center) < 1e-9)
            #expect(abs(d.width - width) < 1e-9)
            #expect(abs(d.filling - filling) < 1e-9)
        }
        let windowed = try #require(bandDescriptors(dos, atoms: [1], window: -10...5).first { $0.spin == .up })
        #expect(abs(windowed.center - -4.902987278267247) < 1e-9)
        let down = try #require(bandDescriptors(dos, atoms: [1], window: -10...5).first { $0.spin == .down })
        #expect(abs(down.center - 2.3554760331341233) < 1e-9)
    }

    /// pymatgen `Dos.get_gap` (tol = 1e-4 relative by default; 0.01 absolute) and `get_cbm_vbm`.
    @Test func dosGapMatchesPymatgen() throws {
        guard Corpus.available else { return }
        let (lifepo4, _) = try Self.dos("vasprun/pymatgen/vasprun.xml.gz")
        let summed = try #require(dosGap(lifepo4))
        #expect(abs(summed.gap - 2.069805026965058) < 1e-9)
        #expect(abs(summed.cbm - 3.8837130675955853) < 1e-9)
        #expect(abs(summed.vbm - 1.8139080406305275) < 1e-9)
        #expect(abs((dosGap(lifepo4, spin: .up)?.gap ?? .nan) - 2.579216115779026) < 1e-9)
        #expect(abs((dosGap(lifepo4, spin: .down)?.gap ?? .nan) - 2.831075824368779) < 1e-9)
        #expect(abs((dosGap(lifepo4, tolerance: 0.01, absoluteTolerance: true)?.gap ?? .nan) - 2.1901231339349168) < 1e-9)
        let (gaas, _) = try Self.dos("vasprun/amset/GaAs/vasprun.xml.gz")
        #expect(abs((dosGap(gaas)?.gap ?? .nan) - 1.642007180578331) < 1e-9)
        #expect(abs((dosGap(gaas, tolerance: 0.01, absoluteTolerance: true)?.gap ?? .nan) - 2.075814900763595) < 1e-9)
        #expect(dosGap(gaas, spin: .down) == nil)
        let (metal, _) = try Self.dos("adsorption/atomate_Ir_H/3/outputs/vasprun.xml.gz")
        let zero = try #require(dosGap(metal))
        #expect(zero.gap == 0 && zero.cbm == -1.6301341 && zero.vbm == -1.6301341)
    }

    @Test func orbitalLabels() {
        #expect(OrbitalShell(label: "x2-y2") == .d)
        #expect(OrbitalShell(label: "dxy") == .d)
        #expect(OrbitalShell(label: "py") == .p)
        #expect(OrbitalShell(label: "fy3x2") == .f)
        #expect(OrbitalShell(label: "tot") == nil)
    }

    /// Three points: ∫ρ = 3, ∫ρE = 0, ∫ρE² = 1 by the trapezoidal rule; filling counts only grid points below E_F.
    @Test func trapezoidRuleByHand() throws {
        let d = try #require(bandDescriptors(density: [1, 2, 1], energies: [9, 10, 11], efermi: 10))
        #expect(abs(d.center) < 1e-15)
        #expect(abs(d.width - (1.0 / 3).squareRoot()) < 1e-15)
        #expect(d.filling == 0)  // only E = −1 lies below 0: one point, no area
        #expect(bandDescriptors(density: [0, 0], energies: [0, 1], efermi: 0) == nil)
    }
}
