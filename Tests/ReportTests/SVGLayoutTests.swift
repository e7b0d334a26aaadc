import Analysis
import Chemistry
import Foundation
import Study
import Testing

@testable import Report

/// Every kind of plot Cascade draws, laid out and read back from the SVG it writes: no text overlaps
/// another text, the legend or the data, and every text stays in the image (labels in the frame).
/// A text's box is estimated from its font size × its number of characters × 0.6 (wider than the mean
/// Helvetica/DejaVu character, about 0.55 em), its height from 0.8 em above the baseline to 0.25 em below.
@Suite struct SVGLayoutTests {
    struct Text {
        var text: String
        var box: SVGBox
        var inLegend: Bool
    }

    /// The texts of an SVG document with their estimated boxes (rotated axis titles turned).
    static func texts(_ svg: String) -> [Text] {
        var out: [Text] = []
        var groupSize = 13.0
        var inLegend = false
        for line in svg.split(separator: "\n").map(String.init) {
            if line.hasPrefix("<g font-size=") {
                groupSize = Double(attribute(line, "font-size") ?? "") ?? 13
                inLegend = true
            }
            if line.hasPrefix("</g>") { inLegend = false }
            var rest = Substring(line)
            while let start = rest.range(of: "<text ") {
                let tail = rest[start.lowerBound...]
                guard let close = tail.range(of: ">"), let end = tail.range(of: "</text>") else { break }
                let tag = String(tail[..<close.upperBound])
                let text = String(tail[close.upperBound..<end.lowerBound])
                    .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
                    .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
                let x = Double(attribute(tag, "x") ?? "") ?? .nan
                let y = Double(attribute(tag, "y") ?? "") ?? .nan
                let size = Double(attribute(tag, "font-size") ?? "") ?? groupSize
                let width = Double(text.unicodeScalars.filter { !(0x0300...0x036F).contains($0.value) }.count) * size * 0.6
                var box: SVGBox
                switch attribute(tag, "text-anchor") {
                case "middle": box = SVGBox(x0: x - width / 2, y0: y - 0.8 * size, x1: x + width / 2, y1: y + 0.25 * size)
                case "end": box = SVGBox(x0: x - width, y0: y - 0.8 * size, x1: x, y1: y + 0.25 * size)
                default: box = SVGBox(x0: x, y0: y - 0.8 * size, x1: x + width, y1: y + 0.25 * size)
                }
                if let transform = attribute(tag, "transform") {
                    let up = transform.hasPrefix("rotate(-90")
                    box = SVGBox(x0: up ? x - 0.8 * size : x - 0.25 * size, y0: y - width / 2, x1: up ? x + 0.25 * size : x + 0.8 * size, y1: y + width / 2)
                }
                out.append(Text(text: text, box: box, inLegend: inLegend && !tag.contains("font-size")))
                rest = tail[end.upperBound...]
            }
        }
        return out
    }

    static func attribute(_ tag: String, _ name: String) -> String? {
        guard let r = tag.range(of: " \(name)=\"") else { return nil }
        let tail = tag[r.upperBound...]
        return tail.firstIndex(of: "\"").map { String(tail[..<$0]) }
    }

    /// The legend's box as drawn.
    static func legendBox(_ svg: String) -> SVGBox? {
        guard let line = svg.split(separator: "\n").first(where: { $0.contains("stroke=\"#bbb\"") }).map(String.init),
            let x = Double(attribute(line, "x") ?? ""), let y = Double(attribute(line, "y") ?? ""),
            let w = Double(attribute(line, "width") ?? ""), let h = Double(attribute(line, "height") ?? "")
        else { return nil }
        return SVGBox(x0: x, y0: y, x1: x + w, y1: y + h)
    }

    /// Checks one plot; returns the texts for further checks.
    @discardableResult
    static func check(_ plot: SVGPlot, _ name: String) -> [Text] {
        let svg = plot.svg()
        // CASCADE_SVG_DIR=/tmp/x keeps the drawings, to look at them (rsvg-convert -w 1000 x.svg -o x.png).
        if let dir = ProcessInfo.processInfo.environment["CASCADE_SVG_DIR"] {
            try? svg.write(toFile: dir + "/" + name.replacingOccurrences(of: " ", with: "-") + ".svg", atomically: true, encoding: .utf8)
        }
        let layout = SVGRenderer(plot: plot).finalLayout()
        let texts = texts(svg)
        #expect(texts.count == layout.texts.filter { $0.role != .legend }.count + layout.texts.filter { $0.role == .legend }.count, "\(name): texts")
        let image = SVGBox(x0: 0, y0: 0, x1: plot.width, y1: plot.height)
        let legend = legendBox(svg)
        for (i, a) in texts.enumerated() {
            #expect(image.contains(a.box), "\(name): '\(a.text)' leaves the image")
            for b in texts[(i + 1)...] where a.box.intersects(b.box) {
                Issue.record("\(name): '\(a.text)' overlaps '\(b.text)'")
            }
            if let legend, !a.inLegend, legend.intersects(a.box) { Issue.record("\(name): '\(a.text)' overlaps the legend") }
            // Text inside the frame (labels) stays inside it and off the data.
            if layout.frame.intersects(a.box) && !a.inLegend {
                #expect(layout.frame.inset(1).contains(a.box), "\(name): '\(a.text)' is cut by the frame")
                #expect(!layout.hitsData(a.box, margin: 0.5), "\(name): '\(a.text)' lies on the data")
            }
        }
        if let legend { #expect(!layout.hitsData(legend, margin: 0), "\(name): the legend lies on the data") }
        #expect(layout.collisions == 0, "\(name): \(layout.collisions) collisions")
        return texts
    }

    /// The tutorial's NEB: the end points have no energy, images 01…03 are fitted relative to 01, a long
    /// footnote (it used to sit on the x-axis title, '01' was cut to '1' and the barrier ran into the legend).
    @Test func nebWithoutEndPoints() throws {
        let energies: [Double?] = [nil, -21.1866, -20.9709, -21.1866, nil]
        let forces: [Double?] = [nil, 0.0, 0.01, 0.0, nil]
        let images = (0..<5).map { k in
            NebImage(
                label: "0\(k)", energy: energies[k], tangentForce: forces[k], maxForce: k == 0 || k == 4 ? nil : 0.011,
                structure: Structure(lattice: .cubic(10), species: ["N", "H"], cartesianPositions: [SIMD3(1 + 0.4 * Double(k), 1, 1), SIMD3(5, 5, 5)]))
        }
        let a = analyzeNeb(images, ediffg: -0.05, climbing: true)
        let footnote =
            "neb/nh3-inversion: no energy for image(s) 00 (relax/nh3-a is missing), 04 (relax/nh3-b is missing): no barrier from the initial state, no ΔE; the last column fits images 01…03, relative to 01"
        let plot = try #require(NebReport.plot(a, title: "NEB neb/nh3-inversion", footnote: footnote))
        let texts = Self.check(plot, "NEB")
        for label in ["01", "02", "03", "force-based fit (VTST)"] { #expect(texts.contains { $0.text == label }, "no '\(label)'") }
        #expect(texts.contains { $0.text.hasPrefix("E‡ = ") })
    }

    @Test func nebComplete() throws {
        let plot = try #require(NebReport.plot(NebReportTests.analysis(), title: "NEB band", footnote: "neb/x"))
        Self.check(plot, "NEB complete")
    }

    /// The bundled study's three catalysts with their long names and a barrier label on every step.
    @Test func reactionProfile() throws {
        func step(_ k: Int, _ dE: Double, _ barrier: Double) -> TabulatedStep {
            TabulatedStep(
                calculation: "neb/x/\(k)", name: ["1-ns-cleavage", "2-cf3-loss", "3-cf-cleavage", "4-lif"][k], reactionEnergy: dE,
                barrierForceFit: barrier, barrierEnergyFit: nil, reasons: [], provenance: Provenance(files: [], rule: ""))
        }
        let pathways = [
            TabulatedPathway(
                name: "TFSI⁻ → LiF on NH₂-MIL-101(Fe) cluster", source: nil,
                steps: [step(0, -0.8, 0.9), step(1, -1.2, 0.5), step(2, -0.4, 1.1), step(3, -2.1, 0.3)]),
            TabulatedPathway(name: "TFSI⁻ → LiF on CoPc", source: nil, steps: [step(0, -0.6, 0.7), step(1, -1.0, 0.6), step(2, -0.5, 0.8), step(3, -1.9, 0.4)]),
            TabulatedPathway(
                name: "TFSI⁻ → LiF on MOF@CoPc", source: nil, steps: [step(0, -1.0, 0.4), step(1, -0.9, 0.45), step(2, -0.7, 0.5), step(3, -2.4, 0.2)])
        ]
        let plot = try #require(TabulationReport.profilePlot(pathways))
        let texts = Self.check(plot, "profile")
        #expect(texts.filter { $0.text.hasPrefix("E‡ ") }.count == 12)
    }

    @Test func densityOfStates() throws {
        let plot = DosReport.plot(
            DosReportTests.dos(), selection: DosReport.Selection(label: "Co (1 atom)", atoms: [0], shell: .d), window: -3...3,
            title: "DOS static/x", footnote: "static/x/vasprun.xml.gz")
        Self.check(plot, "DOS")
    }

    @Test func planarAverageAndProfiles() throws {
        var values = ContiguousArray<Double>()
        for k in 0..<48 { for _ in 0..<4 { values.append(0.02 * sin(Double(k) / 48 * 2 * .pi) - 0.004) } }
        let grid = try #require(VolumetricGrid(dimensions: SIMD3(2, 2, 48), lattice: .cubic(15), values: values))
        let planar = VolumetricReport.planarPlot(
            try planarProfile(grid, axis: 2), quantity: .charge(symbol: "Δρ"), title: "Differential charge density Δρ MOF@CoPc − MOF − CoPc",
            footnote: "Δρ = ρ(complex) − Σ ρ(parts) > 0: electron accumulation; ΔQ(z) from plane 0")
        Self.check(planar, "planar")
        let s = Structure(
            lattice: .cubic(6), species: ["Li", "Li", "F", "F"],
            fractionalPositions: [SIMD3(0, 0, 0), SIMD3(0.5, 0.5, 0.5), SIMD3(0.33, 0, 0), SIMD3(0.5, 0.2, 0.5)])
        let t = try Trajectory(structures: [s])
        let rdf = try radialDistribution(t, centers: .species(["Li"]), neighbors: .species(["F"]), rMax: 3, bins: 30)
        Self.check(VolumetricReport.rdfPlot(rdf, pair: "Li–F", footnote: "XDATCAR, 1 frame"), "RDF")
    }

    /// The reader of the check sees an overlap when there is one.
    @Test func overlapsAreSeen() {
        let svg = """
            <text x="10" y="20" font-size="12">E‡ = 0.216 eV</text>
            <text x="60" y="24" text-anchor="middle" font-size="12">02</text>
            """
        let t = Self.texts(svg)
        #expect(t.count == 2 && t[0].box.intersects(t[1].box))
        #expect(abs((t[0].box.x1 - t[0].box.x0) - 13 * 12 * 0.6) < 1e-9)
    }

    @Test func theDocumentedExample() {
        Self.check(SVGPlotTests.examplePlot(), "example")
    }
}
