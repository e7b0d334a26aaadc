#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A line and scatter plot written as one standalone SVG file by Cascade itself (no plotting library, no
/// external fonts or scripts), readable at 600 px wide: axes with ticks and unit labels, several series,
/// an optional right-hand axis, a legend, filled areas, reference lines, shaded bands, markers and text.
///
/// It serves every plot of Cascade — planar-averaged Δρ, g(r) with n(r), DOS, NEB and reaction-energy
/// profiles — so it knows nothing about physics: callers pass numbers and labels.
///
/// ```swift
/// var plot = SVGPlot(
///     title: "Fe–O radial distribution",
///     x: .init("r", unit: "Å"), y: .init("g(r)", includesZero: true))
/// plot.secondaryY = .init("n(r)", includesZero: true)
/// plot.series = [
///     .init("g(r)", x: r, y: g),
///     .init("n(r)", x: r, y: n, dashed: true, axis: .right),
/// ]
/// plot.annotations = [.verticalLine(x: 2.4, label: "first minimum")]
/// let text = plot.svg()   // write it with TextOutput.write(text, to: "rdf.svg")
/// ```
///
/// Energy-level diagrams (reaction pathways) use ``Style/levels(width:)`` with point ``Series/labels``
/// and ``Axis/namedTicks`` for the state names; DOS plots use ``Fill/toZero`` and a vertical line at E_F.
/// Ranges are chosen from the data (and the annotations) and rounded to "nice" ticks (1, 2, 2.5, 5 × 10ⁿ)
/// unless ``Axis/range`` is given. Non-finite values break a line. Output is deterministic (coordinates
/// with 2 decimals), so it can be compared with golden files.
public struct SVGPlot: Sendable, Hashable {
    /// One axis: label, unit, range and ticks.
    public struct Axis: Sendable, Hashable {
        /// The quantity, e.g. `"g(r)"` or `"E − E_F"`.
        public var label: String
        /// The unit, shown as `label (unit)`; `nil` or empty for none.
        public var unit: String?
        /// Fixed range; `nil` fits the data (rounded out to ticks).
        public var range: ClosedRange<Double>?
        /// With a fitted range: always include 0.
        public var includesZero: Bool
        /// Explicit tick values (labels formatted with ``decimals``); `nil` for automatic ticks.
        public var ticks: [Double]?
        /// Ticks with their own labels (e.g. state names on a reaction-pathway axis); replace `ticks`.
        public var namedTicks: [Tick]?
        /// Decimals of the tick labels; `nil` derives them from the tick step.
        public var decimals: Int?

        /// An axis.
        public init(
            _ label: String, unit: String? = nil, range: ClosedRange<Double>? = nil, includesZero: Bool = false,
            ticks: [Double]? = nil, namedTicks: [Tick]? = nil, decimals: Int? = nil
        ) {
            self.label = label
            self.unit = unit
            self.range = range
            self.includesZero = includesZero
            self.ticks = ticks
            self.namedTicks = namedTicks
            self.decimals = decimals
        }

        /// `label (unit)`.
        public var title: String {
            guard let unit, !unit.isEmpty else { return label }
            return "\(label) (\(unit))"
        }
    }

    /// A tick with its own label.
    public struct Tick: Sendable, Hashable {
        /// Position on the axis.
        public var value: Double
        /// Text under (x) or beside (y) the tick.
        public var label: String

        /// A named tick.
        public init(_ value: Double, _ label: String) {
            self.value = value
            self.label = label
        }
    }

    /// How a series is drawn.
    public enum Style: Sendable, Hashable {
        /// Straight segments between points.
        case line
        /// Markers only.
        case scatter
        /// Segments and markers.
        case lineAndMarkers
        /// A staircase: each value holds until the next point's x (histograms).
        case steps
        /// Energy-level diagram: a horizontal bar of `width` (x units) at each point, consecutive bars joined
        /// by thin dashed connectors.
        case levels(width: Double)
        /// Reaction-energy profile (seed Fig. 2f style): a bar of `width` at each point (the states) and,
        /// between bars k and k + 1, a smooth transition-state bump rising to `transitionStates[k]` (y units,
        /// the same axis) with `transitionLabels[k]` above its top; a `nil` transition state gives a dashed
        /// connector instead (no barrier known).
        case profile(width: Double, transitionStates: [Double?], transitionLabels: [String])
    }

    /// Area filled under a series.
    public enum Fill: Sendable, Hashable {
        /// Down (or up) to y = 0.
        case toZero
        /// Down (or up) to y = baseline.
        case toBaseline(Double)
    }

    /// Which y axis a series or annotation uses.
    public enum Side: Sendable, Hashable {
        /// The main (left) axis.
        case left
        /// The secondary (right) axis, ``SVGPlot/secondaryY``.
        case right
    }

    /// One data series.
    public struct Series: Sendable, Hashable {
        /// Legend entry; an empty name keeps the series out of the legend.
        public var name: String
        /// x values.
        public var x: [Double]
        /// y values (pairs beyond the shorter array are ignored).
        public var y: [Double]
        /// How it is drawn.
        public var style: Style
        /// CSS colour (`"#0072B2"`, `"black"`); `nil` takes the next colour of the palette (Okabe–Ito,
        /// readable by colour-blind readers).
        public var color: String?
        /// Dashed line.
        public var dashed: Bool
        /// Line width in px.
        public var lineWidth: Double
        /// Area fill, or `nil`.
        public var fill: Fill?
        /// Opacity of the fill (0…1).
        public var fillOpacity: Double
        /// The y axis used.
        public var axis: Side
        /// Text drawn above each point (e.g. energies or state names), or `nil`.
        public var labels: [String]?

        /// A series.
        public init(
            _ name: String, x: [Double], y: [Double], style: Style = .line, color: String? = nil, dashed: Bool = false,
            lineWidth: Double = 2, fill: Fill? = nil, fillOpacity: Double = 0.2, axis: Side = .left, labels: [String]? = nil
        ) {
            self.name = name
            self.x = x
            self.y = y
            self.style = style
            self.color = color
            self.dashed = dashed
            self.lineWidth = lineWidth
            self.fill = fill
            self.fillOpacity = fillOpacity
            self.axis = axis
            self.labels = labels
        }
    }

    /// Something drawn over the data.
    public enum Annotation: Sendable, Hashable {
        /// A vertical line across the plot at x (e.g. E_F, a bond length), labelled at the top.
        case verticalLine(x: Double, label: String?, dashed: Bool = true)
        /// A horizontal line at y (e.g. g = 1, Δρ = 0), labelled at the right end.
        case horizontalLine(y: Double, label: String?, dashed: Bool = true, axis: Side = .left)
        /// A shaded vertical band between two x values (e.g. an integration window), labelled at the top.
        case band(from: Double, to: Double, label: String?)
        /// A marker at (x, y) with an optional label (e.g. a barrier maximum).
        case marker(x: Double, y: Double, label: String?, axis: Side = .left)
        /// Text centred at (x, y).
        case text(x: Double, y: Double, String, axis: Side = .left)
    }

    /// Where the legend goes.
    public enum LegendPosition: Sendable, Hashable {
        case topRight, topLeft, bottomRight, bottomLeft
        /// No legend.
        case none
    }

    /// Title above the plot, or `nil`.
    public var title: String?
    /// Width of the image in px (default 640).
    public var width: Double
    /// Height of the image in px (default 420).
    public var height: Double
    /// The x axis.
    public var x: Axis
    /// The main (left) y axis.
    public var y: Axis
    /// The right-hand y axis, for series with `axis: .right`; `nil` for none.
    public var secondaryY: Axis?
    /// The series, drawn in order.
    public var series: [Series]
    /// Drawn over the series, in order.
    public var annotations: [Annotation]
    /// Legend placement.
    public var legend: LegendPosition
    /// A small line of text under the plot (a sign convention, the source files), or `nil`.
    public var footnote: String?

    /// A plot; add series and annotations through the properties.
    public init(
        title: String? = nil, x: Axis, y: Axis, secondaryY: Axis? = nil, series: [Series] = [],
        annotations: [Annotation] = [], legend: LegendPosition = .topRight, footnote: String? = nil,
        width: Double = 640, height: Double = 420
    ) {
        self.title = title
        self.x = x
        self.y = y
        self.secondaryY = secondaryY
        self.series = series
        self.annotations = annotations
        self.legend = legend
        self.footnote = footnote
        self.width = width
        self.height = height
    }

    /// The colours given to series without one (Okabe & Ito, "Color Universal Design", 2008).
    public static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]

    /// The SVG document.
    public func svg() -> String {
        SVGRenderer(plot: self).render()
    }
}

// MARK: - Rendering

/// Turns an ``SVGPlot`` into SVG text.
struct SVGRenderer {
    let plot: SVGPlot
    let left: Double
    let right: Double
    let top: Double
    let bottom: Double
    let xScale: AxisScale
    let yScale: AxisScale
    let y2Scale: AxisScale?
    let colors: [String]

    init(plot: SVGPlot) {
        self.plot = plot
        left = 78
        right = plot.width - (plot.secondaryY == nil ? 28 : 78)
        top = plot.title == nil ? 24 : 48
        bottom = plot.height - (plot.footnote == nil ? 58 : 76)
        var xs: [Double] = []
        var ys: [Double] = []
        var y2s: [Double] = []
        for s in plot.series {
            let n = min(s.x.count, s.y.count)
            xs += s.x.prefix(n)
            if case .levels(let w) = s.style { xs += s.x.prefix(n).flatMap { [$0 - w / 2, $0 + w / 2] } }
            if case .profile(let w, let states, _) = s.style {
                xs += s.x.prefix(n).flatMap { [$0 - w / 2, $0 + w / 2] }
                let tops = states.compactMap { $0 }
                if s.axis == .right { y2s += tops } else { ys += tops }
            }
            if s.axis == .right { y2s += s.y.prefix(n) } else { ys += s.y.prefix(n) }
            if let fill = s.fill {
                let base: Double
                switch fill {
                case .toZero: base = 0
                case .toBaseline(let b): base = b
                }
                if s.axis == .right { y2s.append(base) } else { ys.append(base) }
            }
        }
        for a in plot.annotations {
            switch a {
            case .verticalLine(let x, _, _): xs.append(x)
            case .horizontalLine(let y, _, _, let side): if side == .right { y2s.append(y) } else { ys.append(y) }
            case .band(let from, let to, _): xs += [from, to]
            case .marker(let x, let y, _, let side), .text(let x, let y, _, let side):
                xs.append(x)
                if side == .right { y2s.append(y) } else { ys.append(y) }
            }
        }
        let plotLeft = left, plotRight = right, plotTop = top, plotBottom = bottom
        xScale = AxisScale(axis: plot.x, data: xs, pixels: (plotLeft, plotRight))
        yScale = AxisScale(axis: plot.y, data: ys, pixels: (plotBottom, plotTop))
        y2Scale = plot.secondaryY.map { AxisScale(axis: $0, data: y2s, pixels: (plotBottom, plotTop)) }
        var assigned: [String] = []
        var next = 0
        for s in plot.series {
            if let c = s.color { assigned.append(c) } else {
                assigned.append(SVGPlot.palette[next % SVGPlot.palette.count])
                next += 1
            }
        }
        colors = assigned
    }

    func render() -> String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(n(plot.width))\" height=\"\(n(plot.height))\" "
        out += "viewBox=\"0 0 \(n(plot.width)) \(n(plot.height))\" font-family=\"Helvetica, Arial, sans-serif\">\n"
        out += "<rect x=\"0\" y=\"0\" width=\"\(n(plot.width))\" height=\"\(n(plot.height))\" fill=\"white\"/>\n"
        out += "<defs><clipPath id=\"plot-area\"><rect x=\"\(n(left))\" y=\"\(n(top))\" width=\"\(n(right - left))\" height=\"\(n(bottom - top))\"/></clipPath></defs>\n"
        if let title = plot.title {
            let fitted = SVGRenderer.wrap(title, width: Int(plot.width / 9.5), maximumLines: 1).first ?? title
            out += "<text x=\"\(n(plot.width / 2))\" y=\"28\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\">\(xml(fitted))</text>\n"
        }
        out += grid()
        out += bands()
        out += "<g clip-path=\"url(#plot-area)\">\n"
        for (k, s) in plot.series.enumerated() { out += draw(s, color: colors[k]) }
        out += "</g>\n"
        out += annotationsText()
        out += axes()
        out += legendText()
        if let note = plot.footnote {
            let lines = SVGRenderer.wrap(note, width: Int((plot.width - left - 10) / 6.4), maximumLines: 2)
            for (k, line) in lines.enumerated() {
                let y = plot.height - 12 - Double(lines.count - 1 - k) * 15
                out += "<text x=\"\(n(left))\" y=\"\(n(y))\" font-size=\"12\" fill=\"#444\">\(xml(line))</text>\n"
            }
        }
        out += "</svg>\n"
        return out
    }

    // MARK: Axes

    func grid() -> String {
        var out = "<g stroke=\"#e3e3e3\" stroke-width=\"1\">\n"
        for t in xScale.ticks { out += "<line x1=\"\(n(xScale.pixel(t.value)))\" y1=\"\(n(top))\" x2=\"\(n(xScale.pixel(t.value)))\" y2=\"\(n(bottom))\"/>\n" }
        for t in yScale.ticks { out += "<line x1=\"\(n(left))\" y1=\"\(n(yScale.pixel(t.value)))\" x2=\"\(n(right))\" y2=\"\(n(yScale.pixel(t.value)))\"/>\n" }
        return out + "</g>\n"
    }

    func axes() -> String {
        var out = "<rect x=\"\(n(left))\" y=\"\(n(top))\" width=\"\(n(right - left))\" height=\"\(n(bottom - top))\" fill=\"none\" stroke=\"#222\" stroke-width=\"1.2\"/>\n"
        out += "<g font-size=\"13\" fill=\"#222\">\n"
        for t in xScale.ticks {
            let px = n(xScale.pixel(t.value))
            out += "<line x1=\"\(px)\" y1=\"\(n(bottom))\" x2=\"\(px)\" y2=\"\(n(bottom + 5))\" stroke=\"#222\"/>"
            out += "<text x=\"\(px)\" y=\"\(n(bottom + 20))\" text-anchor=\"middle\">\(xml(t.label))</text>\n"
        }
        for t in yScale.ticks {
            let py = n(yScale.pixel(t.value))
            out += "<line x1=\"\(n(left - 5))\" y1=\"\(py)\" x2=\"\(n(left))\" y2=\"\(py)\" stroke=\"#222\"/>"
            out += "<text x=\"\(n(left - 8))\" y=\"\(n(yScale.pixel(t.value) + 4.5))\" text-anchor=\"end\">\(xml(t.label))</text>\n"
        }
        if let y2 = y2Scale {
            for t in y2.ticks {
                let py = n(y2.pixel(t.value))
                out += "<line x1=\"\(n(right))\" y1=\"\(py)\" x2=\"\(n(right + 5))\" y2=\"\(py)\" stroke=\"#222\"/>"
                out += "<text x=\"\(n(right + 8))\" y=\"\(n(y2.pixel(t.value) + 4.5))\" text-anchor=\"start\">\(xml(t.label))</text>\n"
            }
        }
        out += "</g>\n"
        out += "<text x=\"\(n((left + right) / 2))\" y=\"\(n(bottom + 44))\" text-anchor=\"middle\" font-size=\"14\">\(xml(plot.x.title))</text>\n"
        let cy = n((top + bottom) / 2)
        out += "<text x=\"18\" y=\"\(cy)\" text-anchor=\"middle\" font-size=\"14\" transform=\"rotate(-90 18 \(cy))\">\(xml(plot.y.title))</text>\n"
        if let y2 = plot.secondaryY {
            let x2 = n(plot.width - 16)
            out += "<text x=\"\(x2)\" y=\"\(cy)\" text-anchor=\"middle\" font-size=\"14\" transform=\"rotate(90 \(x2) \(cy))\">\(xml(y2.title))</text>\n"
        }
        return out
    }

    // MARK: Series

    func scale(_ side: SVGPlot.Side) -> AxisScale {
        side == .right ? (y2Scale ?? yScale) : yScale
    }

    func draw(_ s: SVGPlot.Series, color: String) -> String {
        let ys = scale(s.axis)
        let count = min(s.x.count, s.y.count)
        let points = (0..<count).map { (s.x[$0], s.y[$0]) }
        var out = ""
        let dash = s.dashed ? " stroke-dasharray=\"7 4\"" : ""
        if let fill = s.fill {
            out += area(points, fill: fill, ys: ys, color: color, opacity: s.fillOpacity, steps: s.style == .steps)
        }
        switch s.style {
        case .line, .lineAndMarkers:
            out += "<path d=\"\(path(points, ys: ys, steps: false))\" fill=\"none\" stroke=\"\(xml(color))\" stroke-width=\"\(n(s.lineWidth))\" stroke-linejoin=\"round\"\(dash)/>\n"
        case .steps:
            out += "<path d=\"\(path(points, ys: ys, steps: true))\" fill=\"none\" stroke=\"\(xml(color))\" stroke-width=\"\(n(s.lineWidth))\"\(dash)/>\n"
        case .levels(let w):
            out += levels(points, width: w, ys: ys, color: color, lineWidth: s.lineWidth)
        case .profile(let w, let states, let labels):
            out += profile(points, width: w, transitionStates: states, labels: labels, ys: ys, color: color, lineWidth: s.lineWidth)
        case .scatter:
            break
        }
        if s.style == .scatter || s.style == .lineAndMarkers {
            for (x, y) in points where x.isFinite && y.isFinite {
                out += "<circle cx=\"\(n(xScale.pixel(x)))\" cy=\"\(n(ys.pixel(y)))\" r=\"3.5\" fill=\"\(xml(color))\"/>\n"
            }
        }
        if let labels = s.labels {
            for (k, (x, y)) in points.enumerated() where k < labels.count && x.isFinite && y.isFinite && !labels[k].isEmpty {
                out += "<text x=\"\(n(xScale.pixel(x)))\" y=\"\(n(ys.pixel(y) - 8))\" text-anchor=\"middle\" font-size=\"12\" fill=\"\(xml(color))\">\(xml(labels[k]))</text>\n"
            }
        }
        return out
    }

    /// `M x y L x y …`, a new `M` after every non-finite value.
    func path(_ points: [(Double, Double)], ys: AxisScale, steps: Bool) -> String {
        var d = ""
        var pen = false
        for (x, y) in points {
            guard x.isFinite, y.isFinite else { pen = false; continue }
            let px = n(xScale.pixel(x)), py = n(ys.pixel(y))
            if !pen {
                d += (d.isEmpty ? "" : " ") + "M\(px) \(py)"
                pen = true
            } else if steps {
                d += " H\(px) V\(py)"
            } else {
                d += " L\(px) \(py)"
            }
        }
        return d.isEmpty ? "M0 0" : d
    }

    func area(_ points: [(Double, Double)], fill: SVGPlot.Fill, ys: AxisScale, color: String, opacity: Double, steps: Bool) -> String {
        let baseline: Double
        switch fill {
        case .toZero: baseline = 0
        case .toBaseline(let b): baseline = b
        }
        let base = n(ys.pixel(min(max(baseline, ys.lower), ys.upper)))
        var out = ""
        var run: [(Double, Double)] = []
        func flush() {
            guard let first = run.first, let last = run.last else { return }
            var d = "M\(n(xScale.pixel(first.0))) \(base)"
            for (k, (x, y)) in run.enumerated() {
                if steps && k > 0 { d += " H\(n(xScale.pixel(x)))" }
                d += " L\(n(xScale.pixel(x))) \(n(ys.pixel(y)))"
            }
            d += " L\(n(xScale.pixel(last.0))) \(base) Z"
            out += "<path d=\"\(d)\" fill=\"\(xml(color))\" fill-opacity=\"\(n(opacity))\" stroke=\"none\"/>\n"
            run = []
        }
        for p in points {
            if p.0.isFinite && p.1.isFinite { run.append(p) } else { flush() }
        }
        flush()
        return out
    }

    func levels(_ points: [(Double, Double)], width: Double, ys: AxisScale, color: String, lineWidth: Double) -> String {
        var out = ""
        var previous: (Double, Double)?
        for (x, y) in points where x.isFinite && y.isFinite {
            let x0 = xScale.pixel(x - width / 2), x1 = xScale.pixel(x + width / 2), py = ys.pixel(y)
            if let (px, pyPrev) = previous {
                out += "<line x1=\"\(n(px))\" y1=\"\(n(pyPrev))\" x2=\"\(n(x0))\" y2=\"\(n(py))\" stroke=\"\(xml(color))\" stroke-width=\"1\" stroke-dasharray=\"4 3\"/>\n"
            }
            out += "<line x1=\"\(n(x0))\" y1=\"\(n(py))\" x2=\"\(n(x1))\" y2=\"\(n(py))\" stroke=\"\(xml(color))\" stroke-width=\"\(n(max(lineWidth, 3)))\"/>\n"
            previous = (x1, py)
        }
        return out
    }

    /// Bars at the states and a bump (two cubic Béziers with horizontal tangents at the ends and at the
    /// top) through each known transition state, halfway between the bars.
    func profile(_ points: [(Double, Double)], width: Double, transitionStates: [Double?], labels: [String], ys: AxisScale, color: String, lineWidth: Double) -> String {
        var out = ""
        for (k, (x, y)) in points.enumerated() where x.isFinite && y.isFinite {
            let py = ys.pixel(y)
            out += "<line x1=\"\(n(xScale.pixel(x - width / 2)))\" y1=\"\(n(py))\" x2=\"\(n(xScale.pixel(x + width / 2)))\" y2=\"\(n(py))\" stroke=\"\(xml(color))\" stroke-width=\"\(n(max(lineWidth, 3)))\"/>\n"
            guard k + 1 < points.count, points[k + 1].0.isFinite, points[k + 1].1.isFinite else { continue }
            let xa = xScale.pixel(x + width / 2), xb = xScale.pixel(points[k + 1].0 - width / 2), yb = ys.pixel(points[k + 1].1)
            guard k < transitionStates.count, let top = transitionStates[k], top.isFinite else {
                out += "<line x1=\"\(n(xa))\" y1=\"\(n(py))\" x2=\"\(n(xb))\" y2=\"\(n(yb))\" stroke=\"\(xml(color))\" stroke-width=\"1\" stroke-dasharray=\"4 3\"/>\n"
                continue
            }
            let xm = (xa + xb) / 2, yt = ys.pixel(top)
            let d = "M\(n(xa)) \(n(py)) C\(n(xa + 0.6 * (xm - xa))) \(n(py)) \(n(xm - 0.6 * (xm - xa))) \(n(yt)) \(n(xm)) \(n(yt))"
                + " C\(n(xm + 0.6 * (xb - xm))) \(n(yt)) \(n(xb - 0.6 * (xb - xm))) \(n(yb)) \(n(xb)) \(n(yb))"
            out += "<path class=\"transition-state\" d=\"\(d)\" fill=\"none\" stroke=\"\(xml(color))\" stroke-width=\"\(n(max(lineWidth * 0.75, 1.5)))\"/>\n"
            if k < labels.count, !labels[k].isEmpty {
                out += "<text x=\"\(n(xm))\" y=\"\(n(yt - 6))\" text-anchor=\"middle\" font-size=\"12\" fill=\"\(xml(color))\">\(xml(labels[k]))</text>\n"
            }
        }
        return out
    }

    // MARK: Annotations and legend

    func bands() -> String {
        var out = ""
        for case .band(let from, let to, let label) in plot.annotations {
            let x0 = xScale.pixel(min(from, to)), x1 = xScale.pixel(max(from, to))
            out += "<rect x=\"\(n(x0))\" y=\"\(n(top))\" width=\"\(n(x1 - x0))\" height=\"\(n(bottom - top))\" fill=\"#888\" fill-opacity=\"0.15\"/>\n"
            if let label { out += "<text x=\"\(n((x0 + x1) / 2))\" y=\"\(n(top + 16))\" text-anchor=\"middle\" font-size=\"12\" fill=\"#444\">\(xml(label))</text>\n" }
        }
        return out
    }

    func annotationsText() -> String {
        var out = ""
        for a in plot.annotations {
            switch a {
            case .verticalLine(let x, let label, let dashed):
                let px = n(xScale.pixel(x))
                out += "<line x1=\"\(px)\" y1=\"\(n(top))\" x2=\"\(px)\" y2=\"\(n(bottom))\" stroke=\"#555\" stroke-width=\"1.2\"\(dashed ? " stroke-dasharray=\"5 4\"" : "")/>\n"
                if let label { out += "<text x=\"\(n(xScale.pixel(x) + 4))\" y=\"\(n(top + 14))\" font-size=\"12\" fill=\"#333\">\(xml(label))</text>\n" }
            case .horizontalLine(let y, let label, let dashed, let side):
                let py = n(scale(side).pixel(y))
                out += "<line x1=\"\(n(left))\" y1=\"\(py)\" x2=\"\(n(right))\" y2=\"\(py)\" stroke=\"#555\" stroke-width=\"1.2\"\(dashed ? " stroke-dasharray=\"5 4\"" : "")/>\n"
                if let label { out += "<text x=\"\(n(right - 4))\" y=\"\(n(scale(side).pixel(y) - 5))\" text-anchor=\"end\" font-size=\"12\" fill=\"#333\">\(xml(label))</text>\n" }
            case .marker(let x, let y, let label, let side):
                let px = xScale.pixel(x), py = scale(side).pixel(y)
                out += "<circle cx=\"\(n(px))\" cy=\"\(n(py))\" r=\"5\" fill=\"none\" stroke=\"#222\" stroke-width=\"1.5\"/>\n"
                if let label { out += "<text x=\"\(n(px + 8))\" y=\"\(n(py - 8))\" font-size=\"12\" fill=\"#222\">\(xml(label))</text>\n" }
            case .text(let x, let y, let text, let side):
                out += "<text x=\"\(n(xScale.pixel(x)))\" y=\"\(n(scale(side).pixel(y)))\" text-anchor=\"middle\" font-size=\"12\" fill=\"#222\">\(xml(text))</text>\n"
            case .band:
                break
            }
        }
        return out
    }

    func legendText() -> String {
        let entries = plot.series.enumerated().filter { !$0.element.name.isEmpty }
        guard plot.legend != .none, !entries.isEmpty else { return "" }
        let rowHeight = 20.0
        let boxWidth = 44 + Double(entries.map { ReportNumber.displayWidth($0.element.name) }.max() ?? 0) * 7.2
        let boxHeight = Double(entries.count) * rowHeight + 8
        let x0: Double
        let y0: Double
        switch plot.legend {
        case .topLeft, .bottomLeft: x0 = left + 10
        default: x0 = right - 10 - boxWidth
        }
        switch plot.legend {
        case .bottomLeft, .bottomRight: y0 = bottom - 10 - boxHeight
        default: y0 = top + 10
        }
        var out = "<g font-size=\"13\">\n<rect x=\"\(n(x0))\" y=\"\(n(y0))\" width=\"\(n(boxWidth))\" height=\"\(n(boxHeight))\" fill=\"white\" fill-opacity=\"0.85\" stroke=\"#bbb\"/>\n"
        for (row, (k, s)) in entries.enumerated() {
            let cy = y0 + 4 + rowHeight * (Double(row) + 0.5)
            let color = xml(colors[k])
            if s.style == .scatter {
                out += "<circle cx=\"\(n(x0 + 19))\" cy=\"\(n(cy))\" r=\"3.5\" fill=\"\(color)\"/>"
            } else {
                let dash = s.dashed ? " stroke-dasharray=\"7 4\"" : ""
                out += "<line x1=\"\(n(x0 + 8))\" y1=\"\(n(cy))\" x2=\"\(n(x0 + 30))\" y2=\"\(n(cy))\" stroke=\"\(color)\" stroke-width=\"\(n(max(s.lineWidth, 2)))\"\(dash)/>"
            }
            out += "<text x=\"\(n(x0 + 36))\" y=\"\(n(cy + 4.5))\">\(xml(s.name))</text>\n"
        }
        return out + "</g>\n"
    }

    // MARK: Text

    /// `text` broken at blanks into lines of at most `width` characters (a longer word stays whole); lines
    /// beyond `maximumLines` are dropped and the last kept line ends with `…`.
    static func wrap(_ text: String, width: Int, maximumLines: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            if !current.isEmpty && current.count + 1 + word.count > width {
                lines.append(current)
                current = String(word)
            } else {
                current += (current.isEmpty ? "" : " ") + word
            }
        }
        if !current.isEmpty { lines.append(current) }
        guard lines.count > maximumLines, maximumLines > 0 else { return lines }
        var kept = Array(lines.prefix(maximumLines))
        kept[maximumLines - 1] += " …"
        return kept
    }

    /// A pixel coordinate with at most 2 decimals, trailing zeros removed (`12`, `12.5`, `12.25`).
    func n(_ x: Double) -> String { SVGRenderer.number(x) }

    static func number(_ x: Double) -> String {
        guard x.isFinite else { return "0" }
        var s = ReportNumber.fixed((x * 100).rounded() / 100, decimals: 2)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s == "-0" ? "0" : s
    }

    func xml(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }
}

/// The mapping of one axis from data to pixels, with its ticks.
struct AxisScale {
    let lower: Double
    let upper: Double
    let pixels: (Double, Double)
    let ticks: [SVGPlot.Tick]

    init(axis: SVGPlot.Axis, data: [Double], pixels: (Double, Double)) {
        self.pixels = pixels
        let finite = data.filter { $0.isFinite }
        var low: Double
        var high: Double
        var step: Double
        if let range = axis.range, range.upperBound > range.lowerBound {
            low = range.lowerBound
            high = range.upperBound
            step = AxisScale.niceStep((high - low) / 5)
        } else {
            low = finite.min() ?? 0
            high = finite.max() ?? 1
            if axis.includesZero { low = min(low, 0); high = max(high, 0) }
            if high - low <= 0 {
                let pad = low == 0 ? 1 : abs(low) * 0.1
                low -= pad
                high += pad
            }
            step = AxisScale.niceStep((high - low) / 5)
            low = (low / step).rounded(.down) * step
            high = (high / step).rounded(.up) * step
        }
        lower = low
        upper = high
        if let named = axis.namedTicks {
            ticks = named.filter { $0.value >= low - 1e-9 * abs(step) && $0.value <= high + 1e-9 * abs(step) }
            return
        }
        let values: [Double]
        if let given = axis.ticks {
            values = given.filter { $0 >= low && $0 <= high }
        } else {
            var v: [Double] = []
            var t = (low / step).rounded(.up) * step
            while t <= high + step * 1e-9 && v.count < 50 {
                v.append(abs(t) < step * 1e-9 ? 0 : t)
                t += step
            }
            values = v
        }
        let decimals = axis.decimals ?? AxisScale.decimals(for: step)
        ticks = values.map { SVGPlot.Tick($0, AxisScale.label($0, decimals: decimals, step: step)) }
    }

    /// Pixel of a data value.
    func pixel(_ value: Double) -> Double {
        pixels.0 + (value - lower) / (upper - lower) * (pixels.1 - pixels.0)
    }

    /// 1, 2, 2.5 or 5 × 10ⁿ, the smallest not below `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        for m in [1.0, 2.0, 2.5, 5.0, 10.0] where raw <= m * magnitude * (1 + 1e-12) { return m * magnitude }
        return 10 * magnitude
    }

    /// Decimals that print every multiple of `step` exactly (0…8).
    static func decimals(for step: Double) -> Int {
        for d in 0...8 {
            let scaled = step * pow(10, Double(d))
            if abs(scaled - scaled.rounded()) < 1e-6 * max(1, scaled) { return d }
        }
        return 8
    }

    /// A tick label: fixed decimals, or `1.5e-05` style for very large or small values.
    static func label(_ value: Double, decimals: Int, step: Double) -> String {
        if value != 0 && (abs(step) < 1e-4 || abs(value) >= 1e6) {
            var buffer = [CChar](repeating: 0, count: 64)
            let count = withVaList([value]) { vsnprintf(&buffer, buffer.count, "%.3g", $0) }
            return String(decoding: buffer.prefix(Int(max(0, count))).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        return ReportNumber.format(value, decimals: decimals)
    }
}
