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
/// let text = plot.svg()   // write it with AtomicFile.write(text, to: "rdf.svg")
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

/// A rectangle in pixels (y down).
struct SVGBox: Sendable, Hashable {
    var x0: Double
    var y0: Double
    var x1: Double
    var y1: Double

    /// `true` when the two rectangles share more than a boundary.
    func intersects(_ o: SVGBox) -> Bool { x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1 }

    /// `true` when `o` lies inside this rectangle.
    func contains(_ o: SVGBox) -> Bool { o.x0 >= x0 && o.x1 <= x1 && o.y0 >= y0 && o.y1 <= y1 }

    /// `true` when the point lies inside.
    func contains(_ x: Double, _ y: Double) -> Bool { x >= x0 && x <= x1 && y >= y0 && y <= y1 }

    /// Grown by `d` on every side.
    func inset(_ d: Double) -> SVGBox { SVGBox(x0: x0 + d, y0: y0 + d, x1: x1 - d, y1: y1 - d) }
}

/// One text of a laid-out plot: its estimated box and its SVG element.
struct SVGText: Sendable, Hashable {
    /// What the text is.
    enum Role: Sendable, Hashable {
        /// Title, tick labels, axis titles, footnote: placed by the frame.
        case fixed
        /// A legend entry (inside the legend box).
        case legend
        /// A label placed among the data (point, marker, transition-state and reference-line labels).
        case label
    }

    var text: String
    var box: SVGBox
    var element: String
    var role: Role

    /// Width of a character as a fraction of the font size: 0.6 is wider than the mean of Helvetica/
    /// DejaVu Sans text (about 0.55), so boxes are conservative.
    static let characterWidth = 0.6

    /// The estimated box of `text` at font `size` with its baseline at `y`, anchored at `x`.
    static func box(_ text: String, x: Double, y: Double, size: Double, anchor: Anchor) -> SVGBox {
        let w = Double(ReportNumber.displayWidth(text)) * size * characterWidth
        let x0: Double
        switch anchor {
        case .start: x0 = x
        case .middle: x0 = x - w / 2
        case .end: x0 = x - w
        }
        return SVGBox(x0: x0, y0: y - 0.8 * size, x1: x0 + w, y1: y + 0.25 * size)
    }

    /// SVG `text-anchor`.
    enum Anchor: String, Sendable, Hashable { case start, middle, end }
}

/// A plot laid out: every text with its box, the legend box, the frame and the data as pixel polylines.
struct SVGLayout {
    var texts: [SVGText] = []
    var legend: SVGBox?
    var legendElements = ""
    var frame: SVGBox
    /// The series as polylines in pixels (bars, bumps and markers included), clipped to the frame.
    var data: [[(Double, Double)]] = []
    /// Points drawn as markers (circles), with their radius.
    var dots: [(x: Double, y: Double, r: Double)] = []
    /// Labels that could not be placed free of other text, the legend and the data.
    var collisions = 0

    /// `true` when `box` touches a polyline or a marker of the data (within `margin` px).
    func hitsData(_ box: SVGBox, margin: Double = 1.5) -> Bool {
        let b = box.inset(-margin)
        for (x, y, r) in dots where b.inset(-r).contains(x, y) { return true }
        for line in data {
            if line.count == 1, let p = line.first, b.contains(p.0, p.1) { return true }
            for (p, q) in zip(line, line.dropFirst()) {
                // Quick reject, then samples every 2 px.
                if max(p.0, q.0) < b.x0 || min(p.0, q.0) > b.x1 || max(p.1, q.1) < b.y0 || min(p.1, q.1) > b.y1 { continue }
                let steps = max(1, Int((abs(q.0 - p.0) + abs(q.1 - p.1)) / 2))
                for k in 0...steps {
                    let t = Double(k) / Double(steps)
                    if b.contains(p.0 + t * (q.0 - p.0), p.1 + t * (q.1 - p.1)) { return true }
                }
            }
        }
        return false
    }

    /// Number of things `box` collides with: other texts, the legend, the data; outside the frame counts too.
    func conflicts(_ box: SVGBox) -> Int {
        var count = texts.filter { $0.box.intersects(box) }.count
        if let legend, legend.intersects(box) { count += 1 }
        if hitsData(box) { count += 1 }
        if !frame.inset(2).contains(box) { count += 1 }
        return count
    }
}

/// Turns an ``SVGPlot`` into SVG text. Text never overlaps other text, the legend or the data where a
/// free place exists: labels try several places around their point, the legend tries the four corners,
/// and when that fails the y range is extended upward (up to three times) to make room.
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
    let footnoteLines: [String]
    let titleLine: String?

    /// Font sizes.
    static let tickSize = 13.0, labelSize = 12.0, axisTitleSize = 14.0, titleSize = 16.0, legendSize = 13.0, footnoteSize = 12.0

    init(plot: SVGPlot, headroom: Double = 0) {
        self.plot = plot
        titleLine = plot.title.map {
            SVGRenderer.wrap($0, width: Int((plot.width - 20) / (Self.titleSize * SVGText.characterWidth)), maximumLines: 1).first ?? $0
        }
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
        // Room above the data for the legend and labels, when asked.
        func raised(_ values: [Double]) -> [Double] {
            let finite = values.filter(\.isFinite)
            guard headroom > 0, let lo = finite.min(), let hi = finite.max(), hi > lo else { return values }
            return values + [hi + headroom * (hi - lo)]
        }
        ys = raised(ys)
        y2s = raised(y2s)
        // The left margin holds the widest y tick label and the rotated axis title.
        let probe = AxisScale(axis: plot.y, data: ys, pixels: (1, 0))
        let widest = probe.ticks.map { Double(ReportNumber.displayWidth($0.label)) * Self.tickSize * SVGText.characterWidth }.max() ?? 0
        let left = max(78, 34 + widest)
        self.left = left
        let probe2 = plot.secondaryY.map { AxisScale(axis: $0, data: y2s, pixels: (1, 0)) }
        let widest2 = probe2?.ticks.map { Double(ReportNumber.displayWidth($0.label)) * Self.tickSize * SVGText.characterWidth }.max() ?? 0
        right = plot.width - (plot.secondaryY == nil ? 28 : max(78, 34 + widest2))
        top = plot.title == nil ? 24 : 48
        let lines =
            plot.footnote.map {
                SVGRenderer.wrap($0, width: Int((plot.width - left - 10) / (Self.footnoteSize * SVGText.characterWidth)), maximumLines: 2)
            } ?? []
        footnoteLines = lines
        let bottom = plot.height - (lines.isEmpty ? 58 : 72 + 15 * Double(lines.count - 1))
        let top = self.top
        self.bottom = bottom
        xScale = AxisScale(axis: plot.x, data: xs, pixels: (left, right))
        yScale = AxisScale(axis: plot.y, data: ys, pixels: (bottom, top))
        y2Scale = plot.secondaryY.map { AxisScale(axis: $0, data: y2s, pixels: (bottom, top)) }
        var assigned: [String] = []
        var next = 0
        for s in plot.series {
            if let c = s.color {
                assigned.append(c)
            } else {
                assigned.append(SVGPlot.palette[next % SVGPlot.palette.count])
                next += 1
            }
        }
        colors = assigned
    }

    /// The SVG text: the first layout without collisions, raising the y range if needed.
    func render() -> String {
        let headrooms = plot.y.range == nil ? [0, 0.15, 0.3, 0.5] : [0.0]
        var best: (SVGRenderer, SVGLayout)?
        for h in headrooms {
            let r = h == 0 ? self : SVGRenderer(plot: plot, headroom: h)
            let layout = r.layout()
            if best.map({ layout.collisions < $0.1.collisions }) ?? true { best = (r, layout) }
            if layout.collisions == 0 { break }
        }
        guard let (r, layout) = best else { return "" }
        return r.emit(layout)
    }

    /// The layout of the first attempt that has no collisions (what ``render()`` draws), for tests.
    func finalLayout() -> SVGLayout {
        let headrooms = plot.y.range == nil ? [0, 0.15, 0.3, 0.5] : [0.0]
        var best: SVGLayout?
        for h in headrooms {
            let layout = (h == 0 ? self : SVGRenderer(plot: plot, headroom: h)).layout()
            if best.map({ layout.collisions < $0.collisions }) ?? true { best = layout }
            if layout.collisions == 0 { break }
        }
        return best ?? layout()
    }

    func textElement(_ text: String, x: Double, y: Double, size: Double, anchor: SVGText.Anchor, attributes: String = "") -> String {
        let a = anchor == .start ? "" : " text-anchor=\"\(anchor.rawValue)\""
        return "<text x=\"\(n(x))\" y=\"\(n(y))\"\(a) font-size=\"\(n(size))\"\(attributes)>\(xml(text))</text>\n"
    }

    /// Places every text: the frame's first, then the legend, then the labels among the data.
    func layout() -> SVGLayout {
        var l = SVGLayout(frame: SVGBox(x0: left, y0: top, x1: right, y1: bottom))
        l.data = dataLines()
        l.dots = dataDots()
        func fixed(_ text: String, x: Double, y: Double, size: Double, anchor: SVGText.Anchor, attributes: String = "") {
            l.texts.append(
                SVGText(
                    text: text, box: SVGText.box(text, x: x, y: y, size: size, anchor: anchor),
                    element: textElement(text, x: x, y: y, size: size, anchor: anchor, attributes: attributes), role: .fixed))
        }
        if let titleLine { fixed(titleLine, x: plot.width / 2, y: 28, size: Self.titleSize, anchor: .middle, attributes: " font-weight=\"bold\"") }
        for t in xScale.ticks { fixed(t.label, x: xScale.pixel(t.value), y: bottom + 20, size: Self.tickSize, anchor: .middle, attributes: " fill=\"#222\"") }
        for t in yScale.ticks { fixed(t.label, x: left - 8, y: yScale.pixel(t.value) + 4.5, size: Self.tickSize, anchor: .end, attributes: " fill=\"#222\"") }
        if let y2 = y2Scale {
            for t in y2.ticks { fixed(t.label, x: right + 8, y: y2.pixel(t.value) + 4.5, size: Self.tickSize, anchor: .start, attributes: " fill=\"#222\"") }
        }
        fixed(plot.x.title, x: (left + right) / 2, y: bottom + 44, size: Self.axisTitleSize, anchor: .middle)
        let cy = (top + bottom) / 2
        let half = Double(ReportNumber.displayWidth(plot.y.title)) * Self.axisTitleSize * SVGText.characterWidth / 2
        l.texts.append(
            SVGText(
                text: plot.y.title, box: SVGBox(x0: 18 - 0.8 * Self.axisTitleSize, y0: cy - half, x1: 18 + 0.25 * Self.axisTitleSize, y1: cy + half),
                element:
                    "<text x=\"18\" y=\"\(n(cy))\" text-anchor=\"middle\" font-size=\"14\" transform=\"rotate(-90 18 \(n(cy)))\">\(xml(plot.y.title))</text>\n",
                role: .fixed))
        if let y2 = plot.secondaryY {
            let x2 = plot.width - 16
            let half2 = Double(ReportNumber.displayWidth(y2.title)) * Self.axisTitleSize * SVGText.characterWidth / 2
            l.texts.append(
                SVGText(
                    text: y2.title, box: SVGBox(x0: x2 - 0.25 * Self.axisTitleSize, y0: cy - half2, x1: x2 + 0.8 * Self.axisTitleSize, y1: cy + half2),
                    element:
                        "<text x=\"\(n(x2))\" y=\"\(n(cy))\" text-anchor=\"middle\" font-size=\"14\" transform=\"rotate(90 \(n(x2)) \(n(cy)))\">\(xml(y2.title))</text>\n",
                    role: .fixed))
        }
        for (k, line) in footnoteLines.enumerated() {
            fixed(line, x: left, y: bottom + 64 + 15 * Double(k), size: Self.footnoteSize, anchor: .start, attributes: " fill=\"#444\"")
        }
        placeLegend(&l)
        for label in labels() { place(label, in: &l) }
        return l
    }

    // MARK: Labels

    /// A label to place: its text, style and the places it may go (tried in order).
    struct Label {
        var text: String
        var size: Double
        var attributes: String
        var candidates: [(x: Double, y: Double, anchor: SVGText.Anchor)]
    }

    /// Puts `label` at its first free candidate, else at the one with the fewest conflicts.
    func place(_ label: Label, in l: inout SVGLayout) {
        var best: (box: SVGBox, c: (x: Double, y: Double, anchor: SVGText.Anchor), conflicts: Int)?
        for c in label.candidates {
            let box = SVGText.box(label.text, x: c.x, y: c.y, size: label.size, anchor: c.anchor)
            let conflicts = l.conflicts(box)
            if best.map({ conflicts < $0.conflicts }) ?? true { best = (box, c, conflicts) }
            if conflicts == 0 { break }
        }
        guard let best else { return }
        l.collisions += best.conflicts
        l.texts.append(
            SVGText(
                text: label.text, box: best.box,
                element: textElement(label.text, x: best.c.x, y: best.c.y, size: label.size, anchor: best.c.anchor, attributes: label.attributes), role: .label)
        )
    }

    /// Places around a point: above, below, right, left, then the diagonals, then farther out.
    static func around(_ px: Double, _ py: Double, gap: Double) -> [(x: Double, y: Double, anchor: SVGText.Anchor)] {
        var out: [(x: Double, y: Double, anchor: SVGText.Anchor)] = []
        for d in [gap, gap + 10, gap + 22] {
            out += [
                (px, py - d, .middle), (px, py + d + 9, .middle), (px + d, py + 4, .start), (px - d, py + 4, .end),
                (px + d - 2, py - d + 2, .start), (px - d + 2, py - d + 2, .end), (px + d - 2, py + d + 7, .start), (px - d + 2, py + d + 7, .end)
            ]
        }
        return out
    }

    /// Every label among the data, most important first: marker labels (barriers), transition-state
    /// labels, reference-line and band labels, then point labels.
    func labels() -> [Label] {
        var out: [Label] = []
        for a in plot.annotations {
            switch a {
            case .marker(let x, let y, let label?, let side):
                let px = xScale.pixel(x)
                let py = scale(side).pixel(y)
                let first: [(x: Double, y: Double, anchor: SVGText.Anchor)] = [(px + 8, py - 8, .start), (px - 8, py - 8, .end)]
                out.append(Label(text: label, size: Self.labelSize, attributes: " fill=\"#222\"", candidates: first + Self.around(px, py, gap: 10)))
            default: break
            }
        }
        for (k, s) in plot.series.enumerated() {
            guard case .profile(let w, let states, let texts) = s.style else { continue }
            let ys = scale(s.axis)
            let count = min(s.x.count, s.y.count)
            for i in 0..<max(0, count - 1) where i < states.count && i < texts.count && !texts[i].isEmpty {
                guard let top = states[i], top.isFinite, s.x[i].isFinite, s.x[i + 1].isFinite else { continue }
                let xm = (xScale.pixel(s.x[i] + w / 2) + xScale.pixel(s.x[i + 1] - w / 2)) / 2
                let yt = ys.pixel(top)
                out.append(
                    Label(
                        text: texts[i], size: Self.labelSize, attributes: " fill=\"\(xml(colors[k]))\"",
                        candidates: [(xm, yt - 6, .middle)] + Self.around(xm, yt, gap: 8)))
            }
        }
        for a in plot.annotations {
            switch a {
            case .verticalLine(let x, let label?, _):
                let px = xScale.pixel(x)
                let rows = stride(from: top + 14, through: bottom - 4, by: 16).map { $0 }
                out.append(
                    Label(
                        text: label, size: Self.labelSize, attributes: " fill=\"#333\"",
                        candidates: rows.flatMap { [(px + 4, $0, SVGText.Anchor.start), (px - 4, $0, SVGText.Anchor.end)] }))
            case .horizontalLine(let y, let label?, _, let side):
                let py = scale(side).pixel(y)
                out.append(
                    Label(
                        text: label, size: Self.labelSize, attributes: " fill=\"#333\"",
                        candidates: [(right - 4, py - 5, .end), (right - 4, py + 14, .end), (left + 4, py - 5, .start), (left + 4, py + 14, .start)]))
            case .band(let from, let to, let label?):
                let x0 = xScale.pixel(min(from, to))
                let x1 = xScale.pixel(max(from, to))
                let rows = stride(from: top + 16, through: bottom - 4, by: 16).map { $0 }
                out.append(Label(text: label, size: Self.labelSize, attributes: " fill=\"#444\"", candidates: rows.map { ((x0 + x1) / 2, $0, .middle) }))
            case .text(let x, let y, let text, let side):
                let px = xScale.pixel(x)
                let py = scale(side).pixel(y)
                out.append(Label(text: text, size: Self.labelSize, attributes: " fill=\"#222\"", candidates: [(px, py, .middle)] + Self.around(px, py, gap: 8)))
            default: break
            }
        }
        for (k, s) in plot.series.enumerated() {
            guard let texts = s.labels else { continue }
            let ys = scale(s.axis)
            for (i, (x, y)) in zip(s.x, s.y).enumerated() where i < texts.count && x.isFinite && y.isFinite && !texts[i].isEmpty {
                let px = xScale.pixel(x)
                let py = ys.pixel(y)
                out.append(Label(text: texts[i], size: Self.labelSize, attributes: " fill=\"\(xml(colors[k]))\"", candidates: Self.around(px, py, gap: 8)))
            }
        }
        return out
    }

    // MARK: Legend

    /// The legend in the requested corner if it is free of data and text, else the first free corner,
    /// else the requested one (a collision).
    func placeLegend(_ l: inout SVGLayout) {
        let entries = plot.series.enumerated().filter { !$0.element.name.isEmpty }
        guard plot.legend != .none, !entries.isEmpty else { return }
        let rowHeight = 20.0
        let boxWidth = 44 + Double(entries.map { ReportNumber.displayWidth($0.element.name) }.max() ?? 0) * Self.legendSize * SVGText.characterWidth
        let boxHeight = Double(entries.count) * rowHeight + 8
        func box(_ p: SVGPlot.LegendPosition) -> SVGBox {
            let x0 = (p == .topLeft || p == .bottomLeft) ? left + 10 : right - 10 - boxWidth
            let y0 = (p == .bottomLeft || p == .bottomRight) ? bottom - 10 - boxHeight : top + 10
            return SVGBox(x0: x0, y0: y0, x1: x0 + boxWidth, y1: y0 + boxHeight)
        }
        let order = [plot.legend] + [SVGPlot.LegendPosition.topRight, .topLeft, .bottomRight, .bottomLeft].filter { $0 != plot.legend }
        let free = order.first { p in
            let b = box(p)
            return !l.hitsData(b, margin: 3) && !l.texts.contains { $0.box.intersects(b) }
        }
        if free == nil { l.collisions += 1 }
        let b = box(free ?? plot.legend)
        l.legend = b
        var out =
            "<g font-size=\"13\">\n<rect x=\"\(n(b.x0))\" y=\"\(n(b.y0))\" width=\"\(n(boxWidth))\" height=\"\(n(boxHeight))\" fill=\"white\" fill-opacity=\"0.85\" stroke=\"#bbb\"/>\n"
        for (row, (k, s)) in entries.enumerated() {
            let cy = b.y0 + 4 + rowHeight * (Double(row) + 0.5)
            let color = xml(colors[k])
            if s.style == .scatter {
                out += "<circle cx=\"\(n(b.x0 + 19))\" cy=\"\(n(cy))\" r=\"3.5\" fill=\"\(color)\"/>"
            } else {
                let dash = s.dashed ? " stroke-dasharray=\"7 4\"" : ""
                out +=
                    "<line x1=\"\(n(b.x0 + 8))\" y1=\"\(n(cy))\" x2=\"\(n(b.x0 + 30))\" y2=\"\(n(cy))\" stroke=\"\(color)\" stroke-width=\"\(n(max(s.lineWidth, 2)))\"\(dash)/>"
            }
            out += "<text x=\"\(n(b.x0 + 36))\" y=\"\(n(cy + 4.5))\">\(xml(s.name))</text>\n"
            l.texts.append(
                SVGText(text: s.name, box: SVGText.box(s.name, x: b.x0 + 36, y: cy + 4.5, size: Self.legendSize, anchor: .start), element: "", role: .legend))
        }
        l.legendElements = out + "</g>\n"
    }

    // MARK: Data as obstacles

    /// The drawn lines of every series in pixels, cut where they leave the frame.
    func dataLines() -> [[(Double, Double)]] {
        let frame = SVGBox(x0: left, y0: top, x1: right, y1: bottom)
        var lines: [[(Double, Double)]] = []
        func add(_ points: [(Double, Double)]) {
            var run: [(Double, Double)] = []
            for p in points {
                if p.0.isFinite && p.1.isFinite && frame.inset(-1).contains(p.0, p.1) {
                    run.append(p)
                } else {
                    if !run.isEmpty { lines.append(run) }
                    run = []
                }
            }
            if !run.isEmpty { lines.append(run) }
        }
        for s in plot.series {
            let ys = scale(s.axis)
            let count = min(s.x.count, s.y.count)
            let px = (0..<count).map { (xScale.pixel(s.x[$0]), ys.pixel(s.y[$0])) }
            switch s.style {
            case .line, .lineAndMarkers:
                add(px)
            case .steps:
                var stepped: [(Double, Double)] = []
                for (k, p) in px.enumerated() {
                    if k > 0 { stepped.append((p.0, px[k - 1].1)) }
                    stepped.append(p)
                }
                add(stepped)
            case .scatter:
                break
            case .levels(let w), .profile(let w, _, _):
                var previous: (Double, Double)?
                for k in 0..<count where s.x[k].isFinite && s.y[k].isFinite {
                    let a = (xScale.pixel(s.x[k] - w / 2), px[k].1)
                    let b = (xScale.pixel(s.x[k] + w / 2), px[k].1)
                    add([a, b])
                    if let previous { add(bump(from: previous, to: a, series: s, index: k - 1)) }
                    previous = b
                }
            }
        }
        return lines
    }

    /// The connector between two levels: the transition-state curve when known, else a straight line.
    func bump(from a: (Double, Double), to b: (Double, Double), series s: SVGPlot.Series, index k: Int) -> [(Double, Double)] {
        guard case .profile(_, let states, _) = s.style, k >= 0, k < states.count, let top = states[k], top.isFinite else { return [a, b] }
        let xm = (a.0 + b.0) / 2
        let yt = scale(s.axis).pixel(top)
        func bezier(_ p0: (Double, Double), _ p1: (Double, Double), _ p2: (Double, Double), _ p3: (Double, Double)) -> [(Double, Double)] {
            (0...16).map { i in
                let t = Double(i) / 16
                let u = 1 - t
                return (
                    u * u * u * p0.0 + 3 * u * u * t * p1.0 + 3 * u * t * t * p2.0 + t * t * t * p3.0,
                    u * u * u * p0.1 + 3 * u * u * t * p1.1 + 3 * u * t * t * p2.1 + t * t * t * p3.1
                )
            }
        }
        return bezier(a, (a.0 + 0.6 * (xm - a.0), a.1), (xm - 0.6 * (xm - a.0), yt), (xm, yt))
            + bezier((xm, yt), (xm + 0.6 * (b.0 - xm), yt), (b.0 - 0.6 * (b.0 - xm), b.1), b)
    }

    /// Markers of scatter series and marker annotations.
    func dataDots() -> [(x: Double, y: Double, r: Double)] {
        var out: [(x: Double, y: Double, r: Double)] = []
        for s in plot.series where s.style == .scatter || s.style == .lineAndMarkers {
            let ys = scale(s.axis)
            for (x, y) in zip(s.x, s.y) where x.isFinite && y.isFinite { out.append((xScale.pixel(x), ys.pixel(y), 3.5)) }
        }
        for case .marker(let x, let y, _, let side) in plot.annotations { out.append((xScale.pixel(x), scale(side).pixel(y), 5)) }
        return out
    }

    // MARK: Drawing

    func emit(_ layout: SVGLayout) -> String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(n(plot.width))\" height=\"\(n(plot.height))\" "
        out += "viewBox=\"0 0 \(n(plot.width)) \(n(plot.height))\" font-family=\"Helvetica, Arial, sans-serif\">\n"
        out += "<rect x=\"0\" y=\"0\" width=\"\(n(plot.width))\" height=\"\(n(plot.height))\" fill=\"white\"/>\n"
        out +=
            "<defs><clipPath id=\"plot-area\"><rect x=\"\(n(left))\" y=\"\(n(top))\" width=\"\(n(right - left))\" height=\"\(n(bottom - top))\"/></clipPath></defs>\n"
        out += grid()
        out += bands()
        out += "<g clip-path=\"url(#plot-area)\">\n"
        for (k, s) in plot.series.enumerated() { out += draw(s, color: colors[k]) }
        out += "</g>\n"
        out += annotationLines()
        out += axes()
        out += layout.texts.map(\.element).joined()
        out += layout.legendElements
        out += "</svg>\n"
        return out
    }

    func grid() -> String {
        var out = "<g stroke=\"#e3e3e3\" stroke-width=\"1\">\n"
        for t in xScale.ticks { out += "<line x1=\"\(n(xScale.pixel(t.value)))\" y1=\"\(n(top))\" x2=\"\(n(xScale.pixel(t.value)))\" y2=\"\(n(bottom))\"/>\n" }
        for t in yScale.ticks { out += "<line x1=\"\(n(left))\" y1=\"\(n(yScale.pixel(t.value)))\" x2=\"\(n(right))\" y2=\"\(n(yScale.pixel(t.value)))\"/>\n" }
        return out + "</g>\n"
    }

    /// The frame and the tick marks (their labels are texts of the layout).
    func axes() -> String {
        var out =
            "<rect x=\"\(n(left))\" y=\"\(n(top))\" width=\"\(n(right - left))\" height=\"\(n(bottom - top))\" fill=\"none\" stroke=\"#222\" stroke-width=\"1.2\"/>\n"
        out += "<g stroke=\"#222\">\n"
        for t in xScale.ticks {
            out += "<line x1=\"\(n(xScale.pixel(t.value)))\" y1=\"\(n(bottom))\" x2=\"\(n(xScale.pixel(t.value)))\" y2=\"\(n(bottom + 5))\"/>\n"
        }
        for t in yScale.ticks {
            out += "<line x1=\"\(n(left - 5))\" y1=\"\(n(yScale.pixel(t.value)))\" x2=\"\(n(left))\" y2=\"\(n(yScale.pixel(t.value)))\"/>\n"
        }
        if let y2 = y2Scale {
            for t in y2.ticks { out += "<line x1=\"\(n(right))\" y1=\"\(n(y2.pixel(t.value)))\" x2=\"\(n(right + 5))\" y2=\"\(n(y2.pixel(t.value)))\"/>\n" }
        }
        return out + "</g>\n"
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
            out +=
                "<path d=\"\(path(points, ys: ys, steps: false))\" fill=\"none\" stroke=\"\(xml(color))\" stroke-width=\"\(n(s.lineWidth))\" stroke-linejoin=\"round\"\(dash)/>\n"
        case .steps:
            out += "<path d=\"\(path(points, ys: ys, steps: true))\" fill=\"none\" stroke=\"\(xml(color))\" stroke-width=\"\(n(s.lineWidth))\"\(dash)/>\n"
        case .levels(let w):
            out += levels(points, width: w, ys: ys, color: color, lineWidth: s.lineWidth)
        case .profile(let w, let states, _):
            out += profile(points, width: w, transitionStates: states, ys: ys, color: color, lineWidth: s.lineWidth)
        case .scatter:
            break
        }
        if s.style == .scatter || s.style == .lineAndMarkers {
            for (x, y) in points where x.isFinite && y.isFinite {
                out += "<circle cx=\"\(n(xScale.pixel(x)))\" cy=\"\(n(ys.pixel(y)))\" r=\"3.5\" fill=\"\(xml(color))\"/>\n"
            }
        }
        return out
    }

    /// `M x y L x y …`, a new `M` after every non-finite value.
    func path(_ points: [(Double, Double)], ys: AxisScale, steps: Bool) -> String {
        var d = ""
        var pen = false
        for (x, y) in points {
            guard x.isFinite, y.isFinite else {
                pen = false
                continue
            }
            let px = n(xScale.pixel(x))
            let py = n(ys.pixel(y))
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
            let x0 = xScale.pixel(x - width / 2)
            let x1 = xScale.pixel(x + width / 2)
            let py = ys.pixel(y)
            if let (px, pyPrev) = previous {
                out +=
                    "<line x1=\"\(n(px))\" y1=\"\(n(pyPrev))\" x2=\"\(n(x0))\" y2=\"\(n(py))\" stroke=\"\(xml(color))\" stroke-width=\"1\" stroke-dasharray=\"4 3\"/>\n"
            }
            out += "<line x1=\"\(n(x0))\" y1=\"\(n(py))\" x2=\"\(n(x1))\" y2=\"\(n(py))\" stroke=\"\(xml(color))\" stroke-width=\"\(n(max(lineWidth, 3)))\"/>\n"
            previous = (x1, py)
        }
        return out
    }

    /// Bars at the states and a bump (two cubic Béziers with horizontal tangents at the ends and at the
    /// top) through each known transition state, halfway between the bars.
    func profile(_ points: [(Double, Double)], width: Double, transitionStates: [Double?], ys: AxisScale, color: String, lineWidth: Double) -> String {
        var out = ""
        for (k, (x, y)) in points.enumerated() where x.isFinite && y.isFinite {
            let py = ys.pixel(y)
            out +=
                "<line x1=\"\(n(xScale.pixel(x - width / 2)))\" y1=\"\(n(py))\" x2=\"\(n(xScale.pixel(x + width / 2)))\" y2=\"\(n(py))\" stroke=\"\(xml(color))\" stroke-width=\"\(n(max(lineWidth, 3)))\"/>\n"
            guard k + 1 < points.count, points[k + 1].0.isFinite, points[k + 1].1.isFinite else { continue }
            let xa = xScale.pixel(x + width / 2)
            let xb = xScale.pixel(points[k + 1].0 - width / 2)
            let yb = ys.pixel(points[k + 1].1)
            guard k < transitionStates.count, let top = transitionStates[k], top.isFinite else {
                out +=
                    "<line x1=\"\(n(xa))\" y1=\"\(n(py))\" x2=\"\(n(xb))\" y2=\"\(n(yb))\" stroke=\"\(xml(color))\" stroke-width=\"1\" stroke-dasharray=\"4 3\"/>\n"
                continue
            }
            let xm = (xa + xb) / 2
            let yt = ys.pixel(top)
            let d =
                "M\(n(xa)) \(n(py)) C\(n(xa + 0.6 * (xm - xa))) \(n(py)) \(n(xm - 0.6 * (xm - xa))) \(n(yt)) \(n(xm)) \(n(yt))"
                + " C\(n(xm + 0.6 * (xb - xm))) \(n(yt)) \(n(xb - 0.6 * (xb - xm))) \(n(yb)) \(n(xb)) \(n(yb))"
            out += "<path class=\"transition-state\" d=\"\(d)\" fill=\"none\" stroke=\"\(xml(color))\" stroke-width=\"\(n(max(lineWidth * 0.75, 1.5)))\"/>\n"
        }
        return out
    }

    // MARK: Annotations

    func bands() -> String {
        var out = ""
        for case .band(let from, let to, _) in plot.annotations {
            let x0 = xScale.pixel(min(from, to))
            let x1 = xScale.pixel(max(from, to))
            out += "<rect x=\"\(n(x0))\" y=\"\(n(top))\" width=\"\(n(x1 - x0))\" height=\"\(n(bottom - top))\" fill=\"#888\" fill-opacity=\"0.15\"/>\n"
        }
        return out
    }

    /// Reference lines and marker circles (their labels are texts of the layout).
    func annotationLines() -> String {
        var out = ""
        for a in plot.annotations {
            switch a {
            case .verticalLine(let x, _, let dashed):
                let px = n(xScale.pixel(x))
                out +=
                    "<line x1=\"\(px)\" y1=\"\(n(top))\" x2=\"\(px)\" y2=\"\(n(bottom))\" stroke=\"#555\" stroke-width=\"1.2\"\(dashed ? " stroke-dasharray=\"5 4\"" : "")/>\n"
            case .horizontalLine(let y, _, let dashed, let side):
                let py = n(scale(side).pixel(y))
                out +=
                    "<line x1=\"\(n(left))\" y1=\"\(py)\" x2=\"\(n(right))\" y2=\"\(py)\" stroke=\"#555\" stroke-width=\"1.2\"\(dashed ? " stroke-dasharray=\"5 4\"" : "")/>\n"
            case .marker(let x, let y, _, let side):
                out += "<circle cx=\"\(n(xScale.pixel(x)))\" cy=\"\(n(scale(side).pixel(y)))\" r=\"5\" fill=\"none\" stroke=\"#222\" stroke-width=\"1.5\"/>\n"
            case .text, .band:
                break
            }
        }
        return out
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
            if axis.includesZero {
                low = min(low, 0)
                high = max(high, 0)
            }
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
        if value != 0 && (abs(step) < 1e-4 || abs(value) >= 1e6) { return ReportNumber.general(value, significant: 3) }
        return ReportNumber.format(value, decimals: decimals)
    }
}
