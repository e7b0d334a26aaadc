import Foundation
import Testing

@testable import Report

@Suite struct SVGPlotTests {
    /// The plot of the API example in the docs, every element once: golden output (reviewed as PNG with
    /// rsvg-convert when it was recorded: the legend moved to the free top-left corner, the marker label
    /// to the left of its point). Any change to the layout shows here.
    static func examplePlot() -> SVGPlot {
        var plot = SVGPlot(
            title: "Test & <plot>", x: .init("x", unit: "Å"), y: .init("y", includesZero: true),
            secondaryY: .init("n"), width: 400, height: 300)
        plot.series = [
            .init("line", x: [0, 1, 2, 3], y: [0, 1, .nan, 2], fill: .toZero),
            .init("points", x: [0.5, 1.5], y: [0.5, 1.5], style: .scatter),
            .init("right", x: [0, 3], y: [10, 20], dashed: true, axis: .right)
        ]
        plot.annotations = [.verticalLine(x: 1.5, label: "E_F"), .band(from: 2, to: 2.5, label: "window"), .marker(x: 1, y: 1, label: "max")]
        plot.footnote = "a note"
        return plot
    }

    @Test func goldenOutput() {
        #expect(Self.examplePlot().svg() == Self.golden)
    }

    static let golden = """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="400" height="300" viewBox="0 0 400 300" font-family="Helvetica, Arial, sans-serif">
        <rect x="0" y="0" width="400" height="300" fill="white"/>
        <defs><clipPath id="plot-area"><rect x="78" y="48" width="244" height="180"/></clipPath></defs>
        <g stroke="#e3e3e3" stroke-width="1">
        <line x1="78" y1="48" x2="78" y2="228"/>
        <line x1="159.33" y1="48" x2="159.33" y2="228"/>
        <line x1="240.67" y1="48" x2="240.67" y2="228"/>
        <line x1="322" y1="48" x2="322" y2="228"/>
        <line x1="78" y1="228" x2="322" y2="228"/>
        <line x1="78" y1="183" x2="322" y2="183"/>
        <line x1="78" y1="138" x2="322" y2="138"/>
        <line x1="78" y1="93" x2="322" y2="93"/>
        <line x1="78" y1="48" x2="322" y2="48"/>
        </g>
        <rect x="240.67" y="48" width="40.67" height="180" fill="#888" fill-opacity="0.15"/>
        <g clip-path="url(#plot-area)">
        <path d="M78 228 L78 228 L159.33 138 L159.33 228 Z" fill="#0072B2" fill-opacity="0.2" stroke="none"/>
        <path d="M322 228 L322 48 L322 228 Z" fill="#0072B2" fill-opacity="0.2" stroke="none"/>
        <path d="M78 228 L159.33 138 M322 48" fill="none" stroke="#0072B2" stroke-width="2" stroke-linejoin="round"/>
        <circle cx="118.67" cy="183" r="3.5" fill="#D55E00"/>
        <circle cx="200" cy="93" r="3.5" fill="#D55E00"/>
        <path d="M78 228 L322 48" fill="none" stroke="#009E73" stroke-width="2" stroke-linejoin="round" stroke-dasharray="7 4"/>
        </g>
        <line x1="200" y1="48" x2="200" y2="228" stroke="#555" stroke-width="1.2" stroke-dasharray="5 4"/>
        <circle cx="159.33" cy="138" r="5" fill="none" stroke="#222" stroke-width="1.5"/>
        <rect x="78" y="48" width="244" height="180" fill="none" stroke="#222" stroke-width="1.2"/>
        <g stroke="#222">
        <line x1="78" y1="228" x2="78" y2="233"/>
        <line x1="159.33" y1="228" x2="159.33" y2="233"/>
        <line x1="240.67" y1="228" x2="240.67" y2="233"/>
        <line x1="322" y1="228" x2="322" y2="233"/>
        <line x1="73" y1="228" x2="78" y2="228"/>
        <line x1="73" y1="183" x2="78" y2="183"/>
        <line x1="73" y1="138" x2="78" y2="138"/>
        <line x1="73" y1="93" x2="78" y2="93"/>
        <line x1="73" y1="48" x2="78" y2="48"/>
        <line x1="322" y1="228" x2="327" y2="228"/>
        <line x1="322" y1="192" x2="327" y2="192"/>
        <line x1="322" y1="156" x2="327" y2="156"/>
        <line x1="322" y1="120" x2="327" y2="120"/>
        <line x1="322" y1="84" x2="327" y2="84"/>
        <line x1="322" y1="48" x2="327" y2="48"/>
        </g>
        <text x="200" y="28" text-anchor="middle" font-size="16" font-weight="bold">Test &amp; &lt;plot&gt;</text>
        <text x="78" y="248" text-anchor="middle" font-size="13" fill="#222">0</text>
        <text x="159.33" y="248" text-anchor="middle" font-size="13" fill="#222">1</text>
        <text x="240.67" y="248" text-anchor="middle" font-size="13" fill="#222">2</text>
        <text x="322" y="248" text-anchor="middle" font-size="13" fill="#222">3</text>
        <text x="70" y="232.5" text-anchor="end" font-size="13" fill="#222">0.0</text>
        <text x="70" y="187.5" text-anchor="end" font-size="13" fill="#222">0.5</text>
        <text x="70" y="142.5" text-anchor="end" font-size="13" fill="#222">1.0</text>
        <text x="70" y="97.5" text-anchor="end" font-size="13" fill="#222">1.5</text>
        <text x="70" y="52.5" text-anchor="end" font-size="13" fill="#222">2.0</text>
        <text x="330" y="232.5" font-size="13" fill="#222">10</text>
        <text x="330" y="196.5" font-size="13" fill="#222">12</text>
        <text x="330" y="160.5" font-size="13" fill="#222">14</text>
        <text x="330" y="124.5" font-size="13" fill="#222">16</text>
        <text x="330" y="88.5" font-size="13" fill="#222">18</text>
        <text x="330" y="52.5" font-size="13" fill="#222">20</text>
        <text x="200" y="272" text-anchor="middle" font-size="14">x (Å)</text>
        <text x="18" y="138" text-anchor="middle" font-size="14" transform="rotate(-90 18 138)">y</text>
        <text x="384" y="138" text-anchor="middle" font-size="14" transform="rotate(90 384 138)">n</text>
        <text x="78" y="292" font-size="12" fill="#444">a note</text>
        <text x="149.33" y="142" text-anchor="end" font-size="12" fill="#222">max</text>
        <text x="204" y="62" font-size="12" fill="#333">E_F</text>
        <text x="261" y="64" text-anchor="middle" font-size="12" fill="#444">window</text>
        <g font-size="13">
        <rect x="88" y="58" width="90.8" height="68" fill="white" fill-opacity="0.85" stroke="#bbb"/>
        <line x1="96" y1="72" x2="118" y2="72" stroke="#0072B2" stroke-width="2"/><text x="124" y="76.5">line</text>
        <circle cx="107" cy="92" r="3.5" fill="#D55E00"/><text x="124" y="96.5">points</text>
        <line x1="96" y1="112" x2="118" y2="112" stroke="#009E73" stroke-width="2" stroke-dasharray="7 4"/><text x="124" y="116.5">right</text>
        </g>
        </svg>

        """

    @Test func niceTicks() {
        #expect(AxisScale.niceStep(0.6) == 1)
        #expect(AxisScale.niceStep(0.22) == 0.25)
        #expect(AxisScale.niceStep(1.5) == 2)
        #expect(AxisScale.niceStep(3.1) == 5)
        #expect(AxisScale.niceStep(70) == 100)
        #expect(AxisScale.decimals(for: 0.25) == 2)
        #expect(AxisScale.decimals(for: 5) == 0)
        let scale = AxisScale(axis: .init("E"), data: [-3.2, 4.9], pixels: (0, 100))
        #expect(scale.lower == -4 && scale.upper == 6)
        #expect(scale.ticks.map(\.label) == ["-4", "-2", "0", "2", "4", "6"])
        #expect(scale.pixel(1) == 50)
        let tiny = AxisScale(axis: .init("x"), data: [0, 3e-6], pixels: (0, 1))
        #expect(tiny.ticks.last?.label == "3e-06")
        let fixed = AxisScale(axis: .init("g", range: 0...1), data: [5], pixels: (0, 1))
        #expect(fixed.ticks.map(\.label) == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        let flat = AxisScale(axis: .init("y"), data: [2, 2], pixels: (0, 1))
        #expect(flat.lower < 2 && flat.upper > 2)
    }

    @Test func energyLevelDiagramWithNamedTicks() {
        let plot = SVGPlot(
            x: .init("reaction coordinate", namedTicks: [.init(0, "IS"), .init(1, "TS"), .init(2, "FS")]),
            y: .init("E", unit: "eV"),
            series: [.init("path", x: [0, 1, 2], y: [0, 0.8, -0.4], style: .levels(width: 0.5), labels: ["0.00", "0.80", "−0.40"])],
            legend: .none)
        let svg = plot.svg()
        #expect(svg.contains(">TS</text>"))
        #expect(svg.contains(">0.80</text>"))
        #expect(svg.contains("stroke-dasharray=\"4 3\""))  // connectors between levels
        #expect(!svg.contains("fill-opacity=\"0.85\""))  // no legend box
    }

    @Test func stepsAndLongFootnotes() {
        let plot = SVGPlot(
            x: .init("z"), y: .init("n"),
            series: [.init("h", x: [0, 1, 2], y: [1, 3, 3], style: .steps, fill: .toZero)],
            footnote: String(repeating: "word ", count: 200))
        let svg = plot.svg()
        #expect(svg.contains(" H"))
        #expect(svg.components(separatedBy: "fill=\"#444\">word").count == 3)  // two footnote lines
        #expect(svg.contains("word …</text>"))
        #expect(SVGRenderer.wrap("a bb ccc dddd", width: 5, maximumLines: 3) == ["a bb", "ccc", "dddd"])
    }

    @Test func coordinatesAreRoundedAndEscaped() {
        #expect(SVGRenderer.number(12.0) == "12")
        #expect(SVGRenderer.number(12.345) == "12.35")
        #expect(SVGRenderer.number(-0.001) == "0")
        #expect(SVGRenderer.number(.nan) == "0")
    }
}
