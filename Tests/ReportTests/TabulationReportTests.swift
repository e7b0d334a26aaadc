import Analysis
import Chemistry
import Foundation
import FoundationXML
import Study
import Testing

@testable import Report

/// The tabulate report on a small tabulation built by hand: two catalysts with two steps each.
@Suite struct TabulationReportTests {
    static let file = SourceFile(path: "runs/relax/a/vasprun.xml", sha256: String(repeating: "ab", count: 32), vaspVersion: "6.4.2")

    static func step(_ calc: String, _ dE: Double?, _ force: Double?, _ energy: Double?, reason: String? = nil) -> TabulatedStep {
        TabulatedStep(
            calculation: calc, name: String(calc.split(separator: "/").last ?? ""), reactionEnergy: dE, barrierForceFit: force,
            barrierEnergyFit: energy, reasons: reason.map { [$0] } ?? [], provenance: Provenance(files: [file], rule: "NEB rule"))
    }

    static func tabulation() -> StudyTabulationResult {
        let statuses = [
            CalculationStatus(
                name: "relax/a", folder: "runs/relax/a", isNeb: false, state: .converged, reason: "complete", finalEnergy: -10.5,
                vaspVersion: "6.4.2", files: [file]),
            CalculationStatus(name: "relax/b", folder: "runs/relax/b", isNeb: false, state: .missing, reason: "no folder runs/relax/b"),
            CalculationStatus(
                name: "neb/mof/1-x", folder: "runs/neb/mof/1-x", isNeb: true, state: .unconverged, reason: "image 02: max force",
                images: [
                    ImageStatus(label: "00", state: .converged, reason: "ok", energy: -1),
                    ImageStatus(label: "01", state: .unconverged, reason: "f", maxForce: 0.2),
                    ImageStatus(label: "02", state: .converged, reason: "ok")
                ])
        ]
        let energies = [
            TabulatedEnergy(
                name: "E_ads", source: "eq. 5", terms: [TabulatedTerm(calculation: "relax/a", coefficient: 1, energy: -10.5)],
                value: -0.75, reason: nil, issues: [], provenance: Provenance(files: [file], rule: "E rule")),
            TabulatedEnergy(
                name: "E_bind", source: nil, terms: [TabulatedTerm(calculation: "relax/b", coefficient: -2, energy: nil)],
                value: nil, reason: "relax/b is missing: no folder runs/relax/b", issues: [], provenance: Provenance(files: [], rule: "E rule"))
        ]
        let pathways = [
            TabulatedPathway(name: "MOF", source: "Fig. 2f", steps: [step("neb/mof/1-x", -0.4, 0.9, 0.95), step("neb/mof/2-y", 0.2, 1.2, nil)]),
            TabulatedPathway(
                name: "CoPc", source: "Fig. 2f",
                steps: [step("neb/copc/1-x", -0.6, 0.5, 0.55), step("neb/copc/2-y", 0.1, nil, nil, reason: "neb/copc/2-y is missing")])
        ]
        let bonds = [
            TabulatedBondSet(
                name: "C–F", source: "Table S1", calculations: ["relax/a", "relax/b"],
                rows: [TabulatedBond(label: "C–F #1", lengths: [1.343, nil], broken: nil, formed: nil)], matching: "rank of length",
                unavailable: [nil, "relax/b is missing"], notes: [], provenance: Provenance(files: [file], rule: "bond rule"))
        ]
        let fragment = (try? fragmentCharges(electrons: [5.5, 5.33], valence: [5, 5], fragments: [ChargeFragment(name: "TFSI", atoms: [0, 1])]))?.first
        let fragments = [
            TabulatedFragmentSet(
                name: "TFSI on CoPc", source: "Fig. 2g", calculations: ["bader/a", "bader/b"], groups: ["TFSI"], atoms: [[0, 1]],
                charges: [fragment.map { [$0] }, nil], unavailable: [nil, "bader/b is missing"], transfer: [[0], [nil]], warnings: ["AECCAR unknown"],
                provenance: Provenance(files: [file], rule: "q rule"))
        ]
        return StudyTabulationResult(
            study: "s", manifest: "s.yaml", runs: "runs", statuses: statuses, energies: energies, nebs: [], pathways: pathways, bonds: bonds,
            fragments: fragments, warnings: ["relax/a: a warning"])
    }

    @Test func statusFirstThenEveryQuantity() {
        let tables = TabulationReport.tables(Self.tabulation())
        #expect(
            tables.map { $0.title?.split(separator: " ").first.map(String.init) ?? "" }
                == ["Calculations", "Energies", "Pathway", "Pathway", "Pathways", "Bonds", "Bader"])
        let text = TabulationReport.render(Self.tabulation(), format: .text)
        #expect(text.hasPrefix("Calculations in runs (s)"))
        #expect(text.contains("3 calculations: 1 missing, 0 running, 0 truncated, 1 unconverged, 1 converged"))
        // The status table says why relax/b is missing (its folder left out: the title names the runs
        // folder); the energy table gives the cause and refers to the calculation's state, once.
        let lines = text.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("relax/b ") && $0.contains(" missing [2] ") } && text.contains("\n[2] no folder\n"))
        // A converged run's reason other than the usual "<file> complete; electronic and ionic convergence reached" is a note too.
        #expect(lines.contains { $0.hasPrefix("relax/a ") && $0.contains(" converged [1] ") } && text.contains("\n[1] complete\n"))
        #expect(text.contains("n/a (missing) [1]") && text.contains("\n[1] relax/b is missing\n"))
        #expect(!text.contains("relax/b is missing: no folder"))
        #expect(lines.contains { $0.hasPrefix("neb/mof/1-x ") && $0.contains(" unconverged [3] ") } && text.contains("\n[3] image 02: max force\n"))
        #expect(text.contains("rate-determining step: 2-y (highest barrier, 1.2000 eV)"))
        #expect(text.contains("rate-determining step: 1-x (highest barrier, missing barriers bounded by max(ΔE, 0), 0.5000 eV)"))
    }

    @Test func everyFormat() throws {
        let t = Self.tabulation()
        let csv = TabulationReport.render(t, format: .csv)
        #expect(csv.hasPrefix("# Calculations in runs (s)\ncalculation,kind,status,final_energy,vasp_version,output,notes\n"))
        #expect(csv.contains("\nrelax/a,single,converged,-10.5,6.4.2,vasprun.xml,complete\n"))
        #expect(csv.contains("\nrelax/b,single,missing,,,,no folder\n"))
        // CSV keeps the reason in the row: the cell and the notes column.
        #expect(csv.contains("\nE_bind,,n/a (missing),− 2·E(relax/b),relax/b is missing\n"))
        let md = TabulationReport.render(t, format: .markdown)
        #expect(md.contains("| calculation | kind | status |"))
        let tex = TabulationReport.render(t, format: .tex)
        #expect(tex.components(separatedBy: "\\toprule").count == 8)
        let json = try #require(JSONSerialization.jsonObject(with: Data(TabulationReport.render(t, format: .json).utf8)) as? [String: Any])
        #expect(json["schema_version"] as? Int == 1)
        let calcs = try #require(json["calculations"] as? [[String: Any]])
        #expect(calcs[0]["final_energy"] as? Double == -10.5 && calcs[0]["status"] as? String == "converged")
        #expect(calcs[1]["final_energy"] is NSNull)
        #expect((calcs[2]["images"] as? [[String: Any]])?.count == 3)
        let energies = try #require(json["energies"] as? [[String: Any]])
        #expect(energies[0]["energy"] as? Double == -0.75 && energies[1]["energy"] is NSNull)
        #expect(energies[1]["reason"] as? String == "relax/b is missing: no folder runs/relax/b")
        let provenance = try #require(energies[0]["provenance"] as? [String: Any])
        let files = try #require(provenance["files"] as? [[String: Any]])
        #expect(files[0]["sha256"] as? String == Self.file.sha256 && provenance["vasp_versions"] as? [String] == ["6.4.2"])
        let pathways = try #require(json["pathways"] as? [[String: Any]])
        #expect(pathways[0]["levels"] as? [Double] == [0, -0.4, -0.2])
        let ts = try #require(pathways[1]["transition_states"] as? [Any])
        #expect(ts[0] as? Double == 0.5 && ts[1] is NSNull)
        let fragments = try #require(json["fragments"] as? [[String: Any]])
        let state = try #require((fragments[0]["states"] as? [[String: Any]])?.first)
        #expect(abs(((state["charges"] as? [[String: Any]])?.first?["net_charge"] as? Double ?? 0) - -0.83) < 1e-12)
    }

    /// The reaction profile (Fig. 2f style): one series per catalyst with a legend entry and its own
    /// colour, levels, a transition-state bump per known barrier, axis labels with units.
    @Test func profilePlotHasOneSeriesPerCatalyst() throws {
        let plot = try #require(TabulationReport.profilePlot(Self.tabulation().pathways))
        #expect(plot.series.map(\.name) == ["MOF", "CoPc"])
        #expect(plot.series[0].y == [0, -0.4, -0.2] && plot.series[1].y == [0, -0.6, -0.5])
        #expect(plot.y.title == "E − E(initial) (eV)")
        #expect(plot.x.namedTicks?.map(\.label) == ["initial", "1-x", "2-y"])
        let svg = plot.svg()
        let document = try XMLDocument(xmlString: svg)
        let root = try #require(document.rootElement())
        #expect(root.name == "svg" && Self.attribute(root, "width") == "720")
        let paths = try root.nodes(forXPath: "//*[local-name()='path'][@class='transition-state']").compactMap { $0 as? XMLElement }
        #expect(paths.count == 3)  // MOF: two barriers, CoPc: one (the second is unknown)
        let colors = Set(paths.compactMap { Self.attribute($0, "stroke") })
        #expect(colors == [SVGPlot.palette[0], SVGPlot.palette[1]])
        let texts = try root.nodes(forXPath: "//*[local-name()='text']").compactMap(\.stringValue)
        #expect(texts.contains("MOF") && texts.contains("CoPc"))  // legend
        #expect(texts.contains("E‡ 0.90") && texts.contains("E‡ 1.20") && texts.contains("E‡ 0.50"))
        #expect(texts.contains("E − E(initial) (eV)"))
        // The unknown barrier of CoPc step 2 is a dashed connector in CoPc's colour.
        let dashed = try root.nodes(forXPath: "//*[local-name()='line'][@stroke-dasharray='4 3']").compactMap { $0 as? XMLElement }
        #expect(dashed.contains { Self.attribute($0, "stroke") == SVGPlot.palette[1] })
    }

    /// An attribute's value (looked up in the attribute list: namespaced SVG elements).
    static func attribute(_ element: XMLElement, _ name: String) -> String? {
        element.attributes?.first { $0.name == name || $0.localName == name }?.stringValue
    }

    @Test func noProfileWithoutLevels() {
        let empty = TabulatedPathway(name: "X", source: nil, steps: [Self.step("neb/x/1", nil, nil, nil)])
        #expect(TabulationReport.profilePlot([empty]) == nil)
        #expect(TabulationReport.plotFiles(Self.tabulation()).map(\.name) == ["reaction-profile.svg"])
    }
}

/// The electronic table and JSON on a hand-made DOS-free state.
@Suite struct TabulationElectronicReportTests {
    @Test func tableAndJSON() throws {
        let d = try #require(bandDescriptors(density: [0, 1, 2, 1, 0], energies: [-2, -1, 0, 1, 2], efermi: 0))
        let state = TabulatedElectronicState(
            calculation: "static/copc", efermi: -4.2, bandEdges: nil, dosGap: nil,
            bands: [TabulatedBand(label: "Co", summed: d), TabulatedBand(label: "Fe", summed: nil)],
            dos: nil, reason: nil, notes: ["Fe: no such atom in static/copc"], provenance: Provenance(files: [], rule: "r"))
        let missing = TabulatedElectronicState(
            calculation: "static/mof", efermi: nil, bandEdges: nil, dosGap: nil, bands: [], dos: nil, reason: "static/mof is missing", notes: [],
            provenance: Provenance(files: [], rule: "r"))
        let e = TabulatedElectronic(name: "d", source: "Fig. 2b", orbital: "d", window: -10...5, selections: ["Co", "Fe"], states: [state, missing])
        let table = TabulationReport.electronicTable(e)
        #expect(table.columns.map(\.key).contains("band_center_Co"))
        let text = table.render(.text)
        #expect(text.contains("ε_d Co (eV)") && text.contains("static/mof is missing") && text.contains("[-10, 5] eV around E_F"))
        #expect(table.rows[0][4] == .number(d.center) && table.rows[0][7] == .text("n/a"))
        let json = TabulationReport.electronicJSON(e).serialized()
        #expect(json.contains("\"band_center\":0.0") && json.contains("\"window\":[-10.0,5.0]"))
    }
}

/// The density-difference part of the tabulate report (seed Fig. 2c), on Δρ of hand-made grids.
@Suite struct TabulationDensityReportTests {
    /// Whole = parts + a dipole along c: +0.5 e in plane 1, −0.5 e in plane 3 of 4 (a cube of 4 Å).
    static func tabulation() throws -> StudyTabulationResult {
        let d = SIMD3(2, 2, 4)
        let lattice = Chemistry.Lattice.cubic(4)
        func grid(_ f: (Int) -> Double) -> VolumetricGrid? {
            VolumetricGrid(dimensions: d, lattice: lattice, values: ContiguousArray((0..<16).map { f($0 / 4) }))
        }
        let a = try #require(grid { _ in 3 })
        let b = try #require(grid { _ in 1 })
        let whole = try #require(grid { k in 4 + (k == 1 ? 2 : k == 3 ? -2 : 0) })
        let (_, summary) = try differentialDensityAnalysis(whole: whole, parts: [a, b], wholeLabel: "ab", partLabels: ["a", "b"], axis: 2)
        let file = SourceFile(path: "runs/static/ab/CHGCAR", sha256: String(repeating: "cd", count: 32), vaspVersion: "6.4.2")
        let ok = TabulatedDensityDifference(
            name: "Δρ AB", source: "Fig. 2c", complex: "static/ab", parts: ["static/a", "static/b"], axis: 2, summary: summary, reason: nil,
            notes: ["Δρ written to figs/CHGCAR_diff-static_ab.vasp"], plotFile: "chgdiff-static_ab.svg", chgcarFile: "CHGCAR_diff-static_ab.vasp",
            written: "figs/CHGCAR_diff-static_ab.vasp", provenance: Provenance(files: [file, file, file], rule: "Δρ rule"))
        let na = TabulatedDensityDifference(
            name: "grids", source: nil, complex: "static/ab", parts: ["static/c"], axis: 0, summary: nil,
            reason: "the grid of static/c is 32×32×32, the grid of static/ab is 48×48×48", notes: [], plotFile: "chgdiff-static_ab-2.svg",
            chgcarFile: nil, written: nil, provenance: Provenance(files: [], rule: "Δρ rule"))
        return StudyTabulationResult(
            study: "s", manifest: "s.yaml", runs: "runs", statuses: [], energies: [], nebs: [], pathways: [], bonds: [], fragments: [], warnings: [],
            densityDifferences: [ok, na])
    }

    @Test func summaryNumbers() throws {
        let s = try #require(try Self.tabulation().densityDifferences[0].summary)
        #expect(abs(s.netCharge) < 1e-15 && s.expectedNetCharge == 0 && s.electronsWhole == 4 && s.electronsParts == [3, 1])
        #expect(s.maximum.value == 2.0 / 64 && s.maximum.fractional == SIMD3(0, 0, 0.25))
        #expect(s.minimum.value == -2.0 / 64 && s.minimum.fractional == SIMD3(0, 0, 0.75))
        #expect(s.displacementMaximum.value == 0.5 && s.displacementMaximum.height == 1)
        #expect(s.displacementMinimum.value == 0 && s.displacementMinimum.height == 0)
    }

    @Test func tableAndJSON() throws {
        let t = try Self.tabulation()
        let table = try #require(TabulationReport.tables(t).last)
        #expect(table.title == "Differential charge densities Δρ = ρ(complex) − Σ ρ(parts)")
        let text = table.render(.text)
        #expect(text.contains("2×2×4, z") && text.contains("0.5") && text.contains("the grid of static/c is 32×32×32"))
        #expect(text.contains("Δρ AB: Δρ = ρ(static/ab) − ρ(static/a) − ρ(static/b)") && text.contains("Δρ > 0: electrons accumulate"))
        let csv = table.render(.csv)
        #expect(
            csv.hasPrefix(
                "name,source,delta_electrons,delta_electrons_expected,delta_rho_min,delta_rho_max,delta_q_min,delta_q_min_at,delta_q_max,delta_q_max_at,grid,notes\n"
            ))
        let json = try #require(JSONSerialization.jsonObject(with: Data(TabulationReport.json(t).serialized().utf8)) as? [String: Any])
        let list = try #require(json["density_differences"] as? [[String: Any]])
        #expect(list.count == 2)
        let d = list[0]
        #expect(
            Set(d.keys) == [
                "name", "source", "complex", "parts", "axis", "available", "reason", "grid", "volume", "electrons", "delta_electrons",
                "delta_electrons_expected", "delta_rho_min", "delta_rho_max", "delta_q_min", "delta_q_max", "plot", "chgcar_diff", "notes", "provenance"
            ])
        #expect(d["axis"] as? String == "z" && d["available"] as? Bool == true && d["grid"] as? [Int] == [2, 2, 4])
        #expect((d["delta_q_max"] as? [String: Any])?["value"] as? Double == 0.5 && (d["delta_q_max"] as? [String: Any])?["height"] as? Double == 1)
        #expect((d["delta_rho_max"] as? [String: Any])?["fractional"] as? [Double] == [0, 0, 0.25])
        #expect((d["electrons"] as? [[String: Any]])?.map { $0["calculation"] as? String ?? "" } == ["static/ab", "static/a", "static/b"])
        #expect(d["plot"] as? String == "chgdiff-static_ab.svg" && d["chgcar_diff"] as? String == "figs/CHGCAR_diff-static_ab.vasp")
        #expect(((d["provenance"] as? [String: Any])?["files"] as? [[String: Any]])?.count == 3)
        let na = list[1]
        #expect(na["available"] as? Bool == false && na["delta_electrons"] is NSNull && na["plot"] is NSNull && na["axis"] as? String == "x")
        #expect((na["reason"] as? String)?.contains("32×32×32") == true)
    }

    /// One SVG per available definition: λ(z) filled and ΔQ(z) dashed on the right axis, 4 planes each.
    @Test func plotSeries() throws {
        let files = TabulationReport.plotFiles(try Self.tabulation())
        #expect(files.map(\.name) == ["chgdiff-static_ab.svg"])
        let root = try #require(try XMLDocument(xmlString: files[0].text).rootElement())
        let texts = try root.nodes(forXPath: "//*[local-name()='text']").compactMap(\.stringValue)
        #expect(texts.contains("λ(z)") && texts.contains("ΔQ(z)"))
        #expect(texts.contains("plane-integrated Δρ λ (e/Å)") && texts.contains("ΔQ (e)") && texts.contains("height along c (Å)"))
        #expect(texts.contains("Differential charge density Δρ AB"))
        let dashed = try root.nodes(forXPath: "//*[local-name()='path'][@stroke-dasharray='7 4']/@d").compactMap(\.stringValue)
        #expect(dashed.count == 1 && dashed.first?.split(separator: "L").count == 4)
        let filled = try root.nodes(forXPath: "//*[local-name()='path'][@fill-opacity]")
        #expect(filled.count == 1)
    }
}
