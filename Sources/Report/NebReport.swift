import Analysis

/// Tables, JSON, VTST text files and the SVG plot of an NEB analysis (``Analysis/NebBandAnalysis``).
public enum NebReport {
    /// Per image: r, E, E − E_ref, tangential force, max force, and the file the energy came from.
    /// `energyFiles` is parallel to the images (empty strings allowed).
    public static func imageTable(_ a: NebBandAnalysis, energyFiles: [String] = [], title: String? = nil) -> Table {
        var table = Table(
            title: title,
            columns: [
                TableColumn(key: "image", title: "image"),
                TableColumn(key: "r", title: "r", unit: "Å", decimals: 4),
                TableColumn(key: "energy", title: "E(σ→0)", unit: "eV", decimals: 6),
                TableColumn(key: "energy_rel", title: "E − E_ref", unit: "eV", decimals: 6),
                TableColumn(key: "tangent_force", title: "F_tangent", unit: "eV/Å", decimals: 6),
                TableColumn(key: "max_force", title: "max |F|", unit: "eV/Å", decimals: 6),
                TableColumn(key: "energy_file", title: "energy from")
            ])
        for (k, image) in a.images.enumerated() {
            table.append([
                .text(image.label), number(a.coordinates?[k]), number(image.energy), number(a.relativeEnergies[k]),
                number(image.tangentForce), number(image.maxForce),
                k < energyFiles.count && !energyFiles[k].isEmpty ? .text(energyFiles[k]) : .empty
            ])
        }
        table.notes = notes(a)
        return table
    }

    /// The barriers of both fits side by side, with the image-only values and the reaction energy.
    public static func barrierTable(_ a: NebBandAnalysis) -> Table {
        var table = Table(
            title: "Barriers (energies relative to image \(a.referenceImage.map { a.images[$0].label } ?? "—"))",
            columns: [
                TableColumn(key: "method", title: "method"),
                TableColumn(key: "barrier_forward", title: "forward barrier", unit: "eV", decimals: 6),
                TableColumn(key: "barrier_reverse", title: "reverse barrier", unit: "eV", decimals: 6),
                TableColumn(key: "max_r", title: "maximum at r", unit: "Å", decimals: 4),
                TableColumn(key: "reference", title: "reference")
            ])
        if let f = a.forceFit {
            table.append([
                .text("force-based cubic Hermite"), .number(f.barrierForward), .number(f.barrierReverse), .number(f.maximum.r),
                .text("VTST nebspline.pl, ASE forcecurve")
            ])
        }
        if let e = a.energyFit {
            table.append([
                .text("energy-only spline (exact max)"), .number(e.barrierForward), .number(e.barrierReverse), .number(e.maximum.r),
                .text("pymatgen NEBAnalysis spline")
            ])
        }
        if let grid = a.pymatgenMaxima.max(by: { $0.energy < $1.energy }), let r = a.coordinates, let range = a.fittedImages {
            let span = r[range.upperBound] - r[range.lowerBound]
            let reverse = a.reactionEnergy.map { grid.energy - $0 }
            table.append([
                .text("energy-only spline, 0.01 Å grid"), .number(grid.energy), number(reverse), .number(r[range.lowerBound] + grid.x * span),
                .text("pymatgen get_extrema (x/r_max = \(ReportNumber.format(grid.x, decimals: 8)))")
            ])
        }
        if let forward = a.imageBarrierForward {
            table.append([.text("images only"), .number(forward), number(a.imageBarrierReverse), .empty, .text("max E − E(first)")])
        }
        var notes: [String] = []
        if let dE = a.reactionEnergy { notes.append("reaction energy ΔE = E(last) − E(first) = \(ReportNumber.format(dE, decimals: 6)) eV") }
        if let spread = a.barrierSpread {
            notes.append("force fit − energy-only fit = \(ReportNumber.format(spread, decimals: 6)) eV")
        }
        table.notes = notes + a.climbing.notes
        return table
    }

    /// The statements of the analysis about missing data.
    static func notes(_ a: NebBandAnalysis) -> [String] { a.notes }

    static func number(_ x: Double?) -> TableCell { x.map(TableCell.number) ?? .empty }

    /// The analysis as one JSON object (keys: pymatgen's names where it has them).
    public static func json(_ a: NebBandAnalysis, source: String, energyFiles: [String] = [], warnings: [String] = []) -> JSONValue {
        func num(_ x: Double?) -> JSONValue { .finite(x) }
        func fit(_ f: NebSplineFit?) -> JSONValue {
            guard let f else { return .null }
            return .object([
                ("method", .string(f.method)), ("barrier_forward", .finite(f.barrierForward)), ("barrier_reverse", .finite(f.barrierReverse)),
                ("max_r", .finite(f.maximum.r)), ("max_energy", .finite(f.maximum.energy)),
                (
                    "extrema",
                    .array(
                        f.extrema.map { e in
                            .object([
                                ("interval", .int(e.interval)), ("t", .finite(e.t)), ("r", .finite(e.r)), ("energy_rel", .finite(e.energy)),
                                ("kind", .string(e.kind.rawValue))
                            ])
                        })
                )
            ])
        }
        let images: [JSONValue] = a.images.enumerated().map { k, image in
            .object([
                ("label", .string(image.label)), ("r", num(a.coordinates?[k])), ("energy", num(image.energy)),
                ("energy_rel", num(a.relativeEnergies[k])), ("tangent_force", num(image.tangentForce)), ("max_force", num(image.maxForce)),
                ("energy_file", k < energyFiles.count && !energyFiles[k].isEmpty ? .string(energyFiles[k]) : .null)
            ])
        }
        let c = a.climbing
        return .object([
            ("schema_version", .int(1)),
            ("source", .string(source)),
            ("images", .array(images)),
            ("reference_image", a.referenceImage.map { .string(a.images[$0].label) } ?? .null),
            ("missing_energies", .array(a.missingEnergies.map(JSONValue.string))),
            ("force_fit", fit(a.forceFit)),
            ("energy_fit", fit(a.energyFit)),
            ("pymatgen_get_extrema_maxima", .array(a.pymatgenMaxima.map { .array([.finite($0.x), .finite($0.energy * 1000)]) })),
            ("image_barrier_forward", num(a.imageBarrierForward)),
            ("image_barrier_reverse", num(a.imageBarrierReverse)),
            ("reaction_energy", num(a.reactionEnergy)),
            ("barrier_spread", num(a.barrierSpread)),
            ("degenerate", .bool(a.isDegenerate)),
            (
                "climbing",
                .object([
                    ("climbing_image", c.climbingImage.map { .string(a.images[$0].label) } ?? .null),
                    ("highest_is_intermediate", .bool(c.highestIsIntermediate)),
                    ("force_threshold", num(c.forceThreshold)),
                    ("unconverged_images", .array(c.unconvergedImages.map(JSONValue.string))),
                    ("coinciding_images", .array(c.coincidingImages.map { .array([.string(a.images[$0 - 1].label), .string(a.images[$0].label)]) })),
                    ("passed", .bool(c.passed))
                ])
            ),
            ("notes", .array((a.notes + c.notes).map(JSONValue.string))),
            ("warnings", .array(warnings.map(JSONValue.string))),
            (
                "units",
                .object([
                    ("energy", .string("eV")), ("r", .string("Å")), ("force", .string("eV/Å")),
                    ("pymatgen_get_extrema_maxima", .string("[x/r_max, meV]"))
                ])
            )
        ])
    }

    // MARK: VTST files

    /// The three VTST files with, for each one that cannot be written, why: `neb.dat`, `spline.dat`,
    /// `exts.dat`. A file is never written with a number that is not finite (a degenerate band, whose
    /// images coincide, has no fit; its `spline.dat` and `exts.dat` are refused, not filled with `nan`).
    public static func vtstFiles(_ a: NebBandAnalysis) -> [(name: String, text: String?, reason: String?)] {
        let fitReason: String
        if a.isDegenerate {
            let pairs = a.coincidingImages.map { "\(a.images[$0 - 1].label) = \(a.images[$0].label)" }.joined(separator: ", ")
            fitReason = "degenerate band: images \(pairs) coincide, so there is no force-based fit"
        } else {
            fitReason = "no force-based fit"
        }
        let neb = nebDat(a)
        let spline = splineDat(a)
        let exts = extsDat(a)
        return [
            (
                "neb.dat", neb,
                neb == nil
                    ? (a.fittedImages == nil || a.coordinates == nil ? "no fitted images with a path coordinate" : "a value is not a finite number") : nil
            ),
            ("spline.dat", spline, spline == nil ? (a.forceFit == nil ? fitReason : "a value is not a finite number") : nil),
            ("exts.dat", exts, exts == nil ? (a.forceFit == nil ? fitReason : "a value is not a finite number") : nil)
        ]
    }

    /// VTST `neb.dat` (`nebbarrier.pl` layout): one line per fitted image — index, r (Å), E − E_ref (eV),
    /// tangential force (eV/Å), index. `nil` when nothing was fitted.
    public static func nebDat(_ a: NebBandAnalysis) -> String? {
        guard let range = a.fittedImages, let r = a.coordinates else { return nil }
        var out = ""
        for k in range {
            let force = a.images[k].tangentForce ?? 0
            guard r[k].isFinite, (a.relativeEnergies[k] ?? 0).isFinite, force.isFinite else { return nil }
            out +=
                pad(String(k), 3) + " " + fixed(r[k], 16, 9) + " " + fixed(a.relativeEnergies[k] ?? 0, 16, 9) + " "
                + fixed(force, 16, 9) + " " + pad(String(k), 3) + "\n"
        }
        return out
    }

    /// VTST `spline.dat` (`nebspline.pl` layout) of the force-based fit: `points` samples per interval and
    /// the last point — r (Å), E (eV), −dE/dr (eV/Å), position in image units (i + t). `nil` without a force
    /// fit or when a value is not finite.
    public static func splineDat(_ a: NebBandAnalysis, points: Int = 20) -> String? {
        guard let fit = a.forceFit, let range = a.fittedImages else { return nil }
        var out = ""
        let n = max(points, 1)
        for (i, s) in fit.segments.enumerated() {
            let last = i == fit.segments.count - 1
            for k in 0...(last ? n : n - 1) {
                let t = Double(k) / Double(n)
                let r = s.r0 + t * (s.r1 - s.r0)
                guard r.isFinite, s.energy(t: t).isFinite, s.slope(t: t).isFinite else { return nil }
                out +=
                    fixed(r, 16, 9) + " " + fixed(s.energy(t: t), 16, 9) + " " + fixed(-s.slope(t: t), 16, 9) + " "
                    + fixed(Double(range.lowerBound + i) + t, 12, 6) + "\n"
            }
        }
        return out
    }

    /// VTST `exts.dat`: one line per stationary point of the force-based fit inside an interval,
    /// `Extrema N found at image X with energy: E` (X in image units, E relative to the reference, eV).
    public static func extsDat(_ a: NebBandAnalysis) -> String? {
        guard let fit = a.forceFit, let range = a.fittedImages else { return nil }
        var out = ""
        for (k, e) in fit.extrema.enumerated() {
            guard e.t.isFinite, e.energy.isFinite else { return nil }
            out +=
                "Extrema \(k + 1) found at image " + fixed(Double(range.lowerBound + e.interval) + e.t, 10, 6)
                + " with energy: " + fixed(e.energy, 12, 6) + "\n"
        }
        return out
    }

    /// `x` with `decimals` decimals, right-aligned in `width` columns (VTST's `%width.decimalsf`).
    static func fixed(_ x: Double, _ width: Int, _ decimals: Int) -> String {
        pad(ReportNumber.format(x, decimals: decimals), width)
    }

    static func pad(_ s: String, _ width: Int) -> String { ReportNumber.pad(s, width, right: true) }

    // MARK: Plot

    /// The band: the force-based fit (solid), the energy-only fit (dashed), the images as points and the
    /// forward barrier annotated at the maximum. `nil` without path coordinates.
    public static func plot(_ a: NebBandAnalysis, title: String? = nil, footnote: String? = nil) -> SVGPlot? {
        guard let r = a.coordinates, let range = a.fittedImages else { return nil }
        var plot = SVGPlot(
            title: title, x: .init("reaction coordinate r", unit: "Å"),
            y: .init("E − E(\(a.images[range.lowerBound].label))", unit: "eV"), legend: .topRight, footnote: footnote)
        func sampled(_ fit: NebSplineFit) -> (x: [Double], y: [Double]) {
            var xs: [Double] = []
            var ys: [Double] = []
            for (i, s) in fit.segments.enumerated() {
                for k in 0..<(i == fit.segments.count - 1 ? 41 : 40) {
                    let t = Double(k) / 40
                    xs.append(s.r0 + t * (s.r1 - s.r0))
                    ys.append(s.energy(t: t))
                }
            }
            return (xs, ys)
        }
        if let f = a.forceFit {
            let (x, y) = sampled(f)
            plot.series.append(.init("force-based fit (VTST)", x: x, y: y))
        }
        if let e = a.energyFit {
            let (x, y) = sampled(e)
            plot.series.append(.init("energy-only spline (pymatgen)", x: x, y: y, dashed: true, lineWidth: 1.5))
        }
        let points = range.filter { a.relativeEnergies[$0] != nil }
        plot.series.append(
            .init(
                "images", x: points.map { r[$0] }, y: points.map { a.relativeEnergies[$0] ?? 0 }, style: .scatter, color: "#000000",
                labels: points.map { a.images[$0].label }))
        if let top = (a.forceFit ?? a.energyFit)?.maximum {
            plot.annotations.append(.marker(x: top.r, y: top.energy, label: "E‡ = \(ReportNumber.format(top.energy, decimals: 3)) eV"))
        }
        plot.annotations.append(.horizontalLine(y: 0, label: nil))
        return plot
    }
}
