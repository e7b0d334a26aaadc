import Analysis
import Study

/// The output of `cascade tabulate`: the status table first, then one table per quantity (energies, NEB
/// bands, each pathway and the catalysts side by side, bond sets, fragment sets), in text, Markdown, CSV,
/// JSON or LaTeX; the reaction-energy profile (seed Fig. 2f) and the NEB band plots as SVG.
/// A value that cannot be given is written `n/a` in tables (`null` in JSON) with its reason beside it.
public enum TabulationReport {
    /// The JSON schema version of ``json(_:)``.
    public static let schemaVersion = 1

    // MARK: Tables

    /// Every table, in order: status, energies, NEB bands, pathways (one per pathway, then the
    /// comparison), bonds, fragments.
    ///
    /// An n/a cell says its cause in a word or two and the number of its reason, printed once under the
    /// table: `n/a (missing) [1]`. Where a reason names a calculation that is not converged, the status
    /// table's reason for that calculation is not repeated (`relax/tfsi is missing`).
    public static func tables(_ t: StudyTabulationResult) -> [Table] {
        let r = Reasons(t)
        var out = [statusTable(t)]
        if !t.energies.isEmpty { out.append(energyTable(t.energies, r)) }
        if !t.nebs.isEmpty { out.append(nebTable(t.nebs, r)) }
        out += t.pathways.map { pathwayTable($0, r) }
        if t.pathways.count > 1 { out.append(EnergeticsReport.pathwayTable(t.comparison, title: "Pathways side by side (seed Table S2)")) }
        out += t.bonds.map { bondTable($0, r) }
        out += t.fragments.map { fragmentTable($0, r) }
        for e in t.electronic {
            out.append(electronicTable(e, r))
            if e.states.contains(where: { !$0.channels.isEmpty }) { out.append(spinChannelTable(e)) }
        }
        if !t.densityDifferences.isEmpty { out.append(densityDifferenceTable(t.densityDifferences, r)) }
        for k in out.indices { out[k].collapseRepeatedNotes() }
        return out
    }

    /// The whole report in `format`: tables separated by a blank line; CSV tables each preceded by a
    /// `# title` line; JSON as one object (``json(_:)``).
    public static func render(_ t: StudyTabulationResult, format: TableFormat) -> String {
        switch format {
        case .json: return json(t).serialized() + "\n"
        case .csv: return tables(t).map { "# \($0.title ?? "")\n" + $0.render(.csv) }.joined(separator: "\n")
        default: return tables(t).map { $0.render(format) }.joined(separator: "\n")
        }
    }

    /// One row per calculation: state, E(σ→0), VASP version, the output read; the reason of every state
    /// other than a plain `converged` as a numbered note (paths relative to the calculation's folder, so
    /// that calculations with the same reason share one note).
    public static func statusTable(_ t: StudyTabulationResult) -> Table {
        var table = Table(
            title: "Calculations in \(t.runs) (\(t.study))",
            columns: [
                TableColumn(key: "calculation", title: "calculation"),
                TableColumn(key: "kind", title: "kind"),
                TableColumn(key: "status", title: "status"),
                TableColumn(key: "final_energy", title: "E(σ→0)", unit: "eV", decimals: 6),
                TableColumn(key: "vasp_version", title: "VASP"),
                TableColumn(key: "output", title: "output")
            ])
        // N↑ − N↓ only when some run is spin-polarised: the moment a free-spin state settled on.
        let magnetic = t.statuses.contains { $0.magnetization != nil }
        if magnetic { table.columns.insert(TableColumn(key: "magnetization", title: "M", unit: "μB", decimals: 3), at: 4) }
        for s in t.statuses {
            let output = s.isNeb ? nil : s.files.first.map { Reasons.relative($0.path, to: s.folder) }
            let reason = Reasons.local(s)
            let plain = s.state == .converged && output.map { reason == "\($0) complete; electronic and ionic convergence reached" } == true
            let state: TableCell = plain || reason.isEmpty ? .text(s.state.rawValue) : .noted(.text(s.state.rawValue), note: reason)
            var row: [TableCell] = [
                .text(s.name), .text(s.isNeb ? "neb (\(max(s.images.count - 2, 0)) images)" : "single"), state,
                cell(s.finalEnergy), s.vaspVersion.map(TableCell.text) ?? .empty, output.map(TableCell.text) ?? .empty
            ]
            if magnetic { row.insert(s.magnetization.map(TableCell.number) ?? .empty, at: 4) }
            table.append(row)
        }
        // The referee's states (mismatch, collapsed) are listed only when some calculation is in one.
        let states = CalculationState.allCases.filter { ![.mismatch, .collapsed].contains($0) || t.count($0) > 0 }
        let counts = states.map { "\(t.count($0)) \($0.rawValue)" }.joined(separator: ", ")
        table.notes = ["\(t.statuses.count) calculations: \(counts)"]
        return table
    }

    /// `E = E(complex) − Σ E(parts)` per definition.
    public static func energyTable(_ energies: [TabulatedEnergy]) -> Table { energyTable(energies, Reasons()) }

    static func energyTable(_ energies: [TabulatedEnergy], _ r: Reasons) -> Table {
        var table = Table(
            title: "Energies E = E(complex) − Σ E(parts) (E(σ→0))",
            columns: [
                TableColumn(key: "name", title: "quantity"),
                TableColumn(key: "source", title: "source"),
                TableColumn(key: "energy", title: "E", unit: "eV", decimals: 4),
                TableColumn(key: "formula", title: "terms")
            ])
        for e in energies {
            let formula = e.terms.map { term in
                let c = abs(term.coefficient) == 1 ? "" : "\(ReportNumber.shortest(abs(term.coefficient)))·"
                return (term.coefficient < 0 ? "− " : "") + "\(c)E(\(term.calculation))"
            }.joined(separator: " ")
            var value = r.value(e.value, reason: e.reason)
            if e.value != nil, !e.issues.isEmpty { value = .noted(value, note: "warning: " + e.issues.joined(separator: "; ")) }
            table.append([.text(e.name), e.source.map(TableCell.text) ?? .empty, value, .text(formula)])
        }
        table.notes = ["only converged calculations feed numbers; n/a (cause) [k]: the cause, and the full reason in note k"]
        return table
    }

    /// Per NEB calculation: both barriers relative to the initial state, ΔE, the climbing-image check.
    public static func nebTable(_ nebs: [TabulatedNeb]) -> Table { nebTable(nebs, Reasons()) }

    static func nebTable(_ nebs: [TabulatedNeb], _ r: Reasons) -> Table {
        var table = Table(
            title: "NEB barriers (relative to image 00, the initial state)",
            columns: [
                TableColumn(key: "calculation", title: "NEB"),
                TableColumn(key: "barrier_force_fit", title: "E‡ force fit", unit: "eV", decimals: 4),
                TableColumn(key: "barrier_energy_fit", title: "E‡ energy-only", unit: "eV", decimals: 4),
                TableColumn(key: "reaction_energy", title: "ΔE", unit: "eV", decimals: 4),
                TableColumn(key: "band_fit", title: "fit over available images (force / energy-only)")
            ])
        var notes: [String] = []
        for n in nebs {
            var band = ""
            if let a = n.analysis, let range = a.fittedImages, a.forceFit != nil || a.energyFit != nil {
                let f = a.forceFit.map { ReportNumber.format($0.barrierForward, decimals: 4) } ?? "—"
                let e = a.energyFit.map { ReportNumber.format($0.barrierForward, decimals: 4) } ?? "—"
                band = "\(f) / \(e) eV rel. to image \(a.images[range.lowerBound].label)"
            }
            let said = r.neb(n)
            table.append([
                .text(n.calculation), r.value(n.barrierForceFit, reason: said.reason), r.value(n.barrierEnergyFit, reason: said.reason),
                r.value(n.reactionEnergy, reason: said.reason), .text(band)
            ])
            notes += said.notes.map { "\(n.calculation): \($0)" }
        }
        table.notes =
            [
                "force fit: VTST cubic Hermite from energies and tangential forces (nebspline.pl); energy-only: pymatgen's clamped spline (exact maximum)"
            ] + notes
        return table
    }

    /// One pathway: each step's ΔE and barriers; the rate-determining step in the notes.
    public static func pathwayTable(_ p: TabulatedPathway) -> Table { pathwayTable(p, Reasons()) }

    static func pathwayTable(_ p: TabulatedPathway, _ r: Reasons) -> Table {
        var table = Table(
            title: "Pathway \(p.name)" + (p.source.map { " (\($0))" } ?? ""),
            columns: [
                TableColumn(key: "step", title: "step"),
                TableColumn(key: "calculation", title: "NEB"),
                TableColumn(key: "reaction_energy", title: "ΔE", unit: "eV", decimals: 4),
                TableColumn(key: "barrier_force_fit", title: "E‡ force fit", unit: "eV", decimals: 4),
                TableColumn(key: "barrier_energy_fit", title: "E‡ energy-only", unit: "eV", decimals: 4)
            ])
        for s in p.steps {
            // The NEB table gives the reason; here only the cause and where to read it.
            let reason = s.reasons.joined(separator: "; ")
            let cause = r.isEmpty ? "" : Reasons.cause(of: reason)
            let note = r.isEmpty ? reason : (reason.isEmpty ? "" : "reason under NEB barriers")
            func value(_ x: Double?) -> TableCell { x.map(TableCell.number) ?? .unavailable(cause: cause, reason: note) }
            table.append([.text(s.name), .text(s.calculation), value(s.reactionEnergy), value(s.barrierForceFit), value(s.barrierEnergyFit)])
        }
        if let rds = rateDeterminingStep(p.pathway) {
            table.notes = ["rate-determining step: \(p.steps[rds.index].name) (\(rds.rule), \(ReportNumber.format(rds.value, decimals: 4)) eV)"]
        } else {
            table.notes = ["rate-determining step: n/a (no step has a barrier or ΔE)"]
        }
        return table
    }

    /// One bond set (seed Table S1 shape): a row per bond, a column per calculation, broken/formed.
    public static func bondTable(_ b: TabulatedBondSet) -> Table { bondTable(b, Reasons()) }

    static func bondTable(_ b: TabulatedBondSet, _ r: Reasons) -> Table {
        var columns = [TableColumn(key: "bond", title: "bond")]
        for (k, c) in b.calculations.enumerated() { columns.append(TableColumn(key: "length_\(k)", title: c, unit: "Å", decimals: 3)) }
        columns.append(TableColumn(key: "status", title: "status"))
        var table = Table(title: "Bonds \(b.name)" + (b.source.map { " (\($0))" } ?? ""), columns: columns)
        for row in b.rows {
            let status: String
            switch (row.broken, row.formed) {
            case (true?, _): status = "broken"
            case (_, true?): status = "formed"
            case (false?, false?): status = row.bonded.first == true ? "bonded" : "not bonded"
            default: status = "n/a"
            }
            let lengths = row.lengths.enumerated().map { k, x in r.value(x, reason: k < b.unavailable.count ? b.unavailable[k] : nil) }
            table.append([.text(row.label)] + lengths + [.text(status)])
        }
        // Without rows the reasons have no cell to hang on: one note per calculation.
        var unavailable: [String] = []
        for (name, why) in zip(b.calculations, b.unavailable) where b.rows.isEmpty {
            guard let why else { continue }
            let cause = Reasons.cause(of: why)
            let short = r.short(why)
            unavailable.append("\(name): n/a (\(cause))" + (short == "\(name) is \(cause)" ? "" : " — \(short)"))
        }
        table.notes = b.notes + unavailable
        return table
    }

    /// One fragment set: q per fragment per calculation and its change from the first calculation.
    public static func fragmentTable(_ f: TabulatedFragmentSet) -> Table { fragmentTable(f, Reasons()) }

    static func fragmentTable(_ f: TabulatedFragmentSet, _ r: Reasons) -> Table {
        var columns = [TableColumn(key: "calculation", title: "calculation")]
        for g in f.groups { columns.append(TableColumn(key: "q_\(g)", title: "q(\(g))", unit: "|e|", decimals: 3)) }
        for g in f.groups { columns.append(TableColumn(key: "dq_\(g)", title: "Δq(\(g))", unit: "|e|", decimals: 3)) }
        var table = Table(title: "Bader fragments \(f.name)" + (f.source.map { " (\($0))" } ?? ""), columns: columns)
        for (k, name) in f.calculations.enumerated() {
            let why = f.unavailable[k]
            var row: [TableCell] = [.text(name)]
            row += f.groups.indices.map { g in r.value(f.charges[k]?[g].netCharge, reason: why) }
            row += f.groups.indices.map { g in r.value(f.transfer[k][g], reason: why) }
            table.append(row)
        }
        table.notes =
            ["q = Σ (ZVAL − N) over the fragment (positive = electrons lost); Δq = q − q(first calculation with charges)"]
            + (f.atoms.allSatisfy(\.isEmpty) ? [] : zip(f.groups, f.atoms).map { "\($0): \($1.count) atoms" }) + f.warnings.map { "warning: " + $0 }
        return table
    }

    /// One electronic set (seed Fig. 2b): per calculation E_F, the eigenvalue and DOS gaps, and the band
    /// centre, width and filling (both spins summed) of each selection.
    public static func electronicTable(_ e: TabulatedElectronic) -> Table { electronicTable(e, Reasons()) }

    static func electronicTable(_ e: TabulatedElectronic, _ r: Reasons) -> Table {
        let o = e.orbital
        var columns = [
            TableColumn(key: "calculation", title: "calculation"),
            TableColumn(key: "efermi", title: "E_F", unit: "eV", decimals: 3),
            TableColumn(key: "band_gap", title: "gap eig.", unit: "eV", decimals: 3),
            TableColumn(key: "dos_gap", title: "gap DOS", unit: "eV", decimals: 3)
        ]
        for label in e.selections {
            columns.append(TableColumn(key: "band_center_\(label)", title: "ε_\(o) \(label)", unit: "eV", decimals: 3))
            columns.append(TableColumn(key: "band_width_\(label)", title: "W_\(o) \(label)", unit: "eV", decimals: 3))
            columns.append(TableColumn(key: "band_filling_\(label)", title: "f_\(o) \(label)", decimals: 3))
        }
        var table = Table(title: "Electronic structure \(e.name)" + (e.source.map { " (\($0))" } ?? ""), columns: columns)
        for state in e.states {
            let why = state.reason
            func value(_ x: Double?) -> TableCell { r.value(x, reason: why) }
            // The notes (what could not be computed, why the gap is 0) hang on the gap of a metal, else on the name.
            let said = state.notes.joined(separator: "; ")
            func noted(_ cell: TableCell, _ here: Bool) -> TableCell { here && !said.isEmpty ? .noted(cell, note: said) : cell }
            let gap = noted(state.metal ? .text("metal, 0") : value(state.bandEdges?.gap), state.metal)
            let name = noted(.text(state.calculation), !state.metal)
            var row: [TableCell] = [name, value(state.efermi), gap, value(state.dosGap?.gap)]
            for k in e.selections.indices {
                let b = k < state.bands.count ? state.bands[k].summed : nil
                row += [value(b?.center), value(b?.width), value(b?.filling)]
            }
            table.append(row)
        }
        let window = e.window.map { "[\(ReportNumber.shortest($0.lowerBound)), \(ReportNumber.shortest($0.upperBound))] eV around E_F" } ?? "the whole DOS grid"
        table.notes = [
            "gap eig.: from the eigenvalues (pymatgen eigenvalue_band_properties); gap DOS: pymatgen Dos.get_gap, tolerance 1e-4 × mean DOS",
            "band centre ε, width W and filling f of the \(o) states, both spins summed, over \(window) (pymatgen get_band_center/width/filling; Hammer–Nørskov)"
        ]
        return table
    }

    /// Per spin channel of each spin-polarised calculation: the channel's reference (its mid-gap), its
    /// eigenvalue gap (pymatgen `separate_spins=True`), its DOS gap and band centres relative to that
    /// reference — the numbers to quote when NUPDOWN is fixed.
    public static func spinChannelTable(_ e: TabulatedElectronic) -> Table {
        let o = e.orbital
        var columns = [
            TableColumn(key: "calculation", title: "calculation"),
            TableColumn(key: "spin", title: "spin"),
            TableColumn(key: "reference", title: "E_ref,σ", unit: "eV", decimals: 3),
            TableColumn(key: "band_gap", title: "gap (eigenvalues)", unit: "eV", decimals: 4),
            TableColumn(key: "dos_gap", title: "gap (DOS)", unit: "eV", decimals: 3)
        ]
        for label in e.selections {
            columns.append(TableColumn(key: "band_center_\(label)", title: "ε_\(o) − E_ref,σ \(label)", unit: "eV", decimals: 3))
        }
        columns.append(TableColumn(key: "moment", title: "NUPDOWN"))
        var table = Table(title: "Electronic structure \(e.name), per spin channel", columns: columns)
        for state in e.states {
            for c in state.channels {
                var row: [TableCell] = [
                    .text(state.calculation), .text(c.spin == .up ? "↑" : "↓"), valueOrNA(c.reference), valueOrNA(c.bandEdges?.gap), valueOrNA(c.dosGap?.gap)
                ]
                row += e.selections.indices.map { k in valueOrNA(k < c.bands.count ? c.bands[k]?.center : nil) }
                row.append(.text(state.fixedMoment ? "fixed" : "free"))
                table.append(row)
            }
        }
        table.notes = [
            "E_ref,σ = (HOMO_σ + LUMO_σ)/2 of the channel's own eigenvalues: with NUPDOWN fixed VASP prints one channel's Fermi level, so each channel is measured from its own mid-gap"
        ]
        return table
    }

    static let axisNames = ["x", "y", "z"]

    /// One row per density difference (seed Fig. 2c): ΔN = ∫Δρ, N(complex) − Σ N(parts), the Δρ extrema
    /// (e/Å³) and the ΔQ(z) extrema (e) with their heights (Å), the grid; `n/a` with the reason.
    public static func densityDifferenceTable(_ list: [TabulatedDensityDifference]) -> Table { densityDifferenceTable(list, Reasons()) }

    static func densityDifferenceTable(_ list: [TabulatedDensityDifference], _ r: Reasons) -> Table {
        var table = Table(
            title: "Differential charge densities Δρ = ρ(complex) − Σ ρ(parts)",
            columns: [
                TableColumn(key: "name", title: "quantity"),
                TableColumn(key: "source", title: "source"),
                TableColumn(key: "delta_electrons", title: "ΔN = ∫Δρ", unit: "e", decimals: 6),
                TableColumn(key: "delta_electrons_expected", title: "N(AB) − ΣN(parts)", unit: "e", decimals: 6),
                TableColumn(key: "delta_rho_min", title: "Δρ min", unit: "e/Å³", decimals: 6),
                TableColumn(key: "delta_rho_max", title: "Δρ max", unit: "e/Å³", decimals: 6),
                TableColumn(key: "delta_q_min", title: "ΔQ min", unit: "e", decimals: 5),
                TableColumn(key: "delta_q_min_at", title: "at", unit: "Å", decimals: 3),
                TableColumn(key: "delta_q_max", title: "ΔQ max", unit: "e", decimals: 5),
                TableColumn(key: "delta_q_max_at", title: "at", unit: "Å", decimals: 3),
                TableColumn(key: "grid", title: "grid, axis")
            ])
        for d in list {
            let s = d.summary
            func value(_ x: Double?) -> TableCell { r.value(x, reason: d.reason) }
            let grid = s.map { "\($0.dimensions.x)×\($0.dimensions.y)×\($0.dimensions.z), \(axisNames[d.axis])" } ?? axisNames[d.axis]
            table.append([
                .text(d.name), d.source.map(TableCell.text) ?? .empty, value(s?.netCharge), value(s?.expectedNetCharge),
                value(s?.minimum.value), value(s?.maximum.value), value(s?.displacementMinimum.value), value(s?.displacementMinimum.height),
                value(s?.displacementMaximum.value), value(s?.displacementMaximum.height), .text(grid)
            ])
        }
        table.notes =
            [
                "Δρ > 0: electrons accumulate when the parts form the complex; ΔQ(z) = ∫ Δρ below z (from plane 0), > 0: electrons moved from above z to below it"
            ] + list.map { d in "\(d.name): Δρ = ρ(\(d.complex)) − " + d.parts.map { "ρ(\($0))" }.joined(separator: " − ") }
            + list.flatMap { d in d.notes.map { "\(d.name): \($0)" } }
        return table
    }

    // MARK: JSON

    /// The whole tabulation as one JSON object (schema in docs/json.md, "cascade tabulate").
    public static func json(_ t: StudyTabulationResult) -> JSONValue {
        .object([
            ("schema_version", .int(schemaVersion)),
            ("study", .string(t.study)),
            ("manifest", .string(t.manifest)),
            ("runs", .string(t.runs)),
            ("summary", .object(CalculationState.allCases.map { ($0.rawValue, .int(t.count($0))) })),
            ("calculations", .array(t.statuses.map(statusJSON))),
            ("energies", .array(t.energies.map(energyJSON))),
            ("nebs", .array(t.nebs.map(nebJSON))),
            ("pathways", .array(t.pathways.map(pathwayJSON))),
            ("bonds", .array(t.bonds.map(bondJSON))),
            ("fragments", .array(t.fragments.map(fragmentJSON))),
            ("electronic", .array(t.electronic.map(electronicJSON))),
            ("density_differences", .array(t.densityDifferences.map(densityDifferenceJSON))),
            ("warnings", .array(t.warnings.map(JSONValue.string))),
            ("units", .object([("energy", .string("eV, E(sigma->0)")), ("length", .string("Å")), ("charge", .string("|e|")), ("force", .string("eV/Å"))]))
        ])
    }

    static func provenanceJSON(_ p: Provenance) -> JSONValue {
        .object([
            (
                "files",
                .array(
                    p.files.map { f in
                        .object([
                            ("path", .string(f.path)), ("sha256", f.sha256.map(JSONValue.string) ?? .null),
                            ("vasp_version", f.vaspVersion.map(JSONValue.string) ?? .null)
                        ])
                    })
            ),
            ("vasp_versions", .array(p.vaspVersions.map(JSONValue.string))),
            ("rule", .string(p.rule))
        ])
    }

    static func statusJSON(_ s: CalculationStatus) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("name", .string(s.name)), ("folder", .string(s.folder)), ("kind", .string(s.isNeb ? "neb" : "single")),
            ("status", .string(s.state.rawValue)), ("reason", .string(s.reason)), ("final_energy", .finite(s.finalEnergy)),
            ("magnetization", .finite(s.magnetization)),
            ("vasp_version", s.vaspVersion.map(JSONValue.string) ?? .null),
            ("files", .array(s.files.map { .object([("path", .string($0.path)), ("sha256", $0.sha256.map(JSONValue.string) ?? .null)]) }))
        ]
        if s.isNeb {
            members.append(
                (
                    "images",
                    .array(
                        s.images.map { i in
                            .object([
                                ("label", .string(i.label)), ("status", .string(i.state.rawValue)), ("reason", .string(i.reason)),
                                ("final_energy", .finite(i.energy)), ("max_force", .finite(i.maxForce))
                            ])
                        })
                ))
        }
        return .object(members)
    }

    static func energyJSON(_ e: TabulatedEnergy) -> JSONValue {
        .object([
            ("name", .string(e.name)), ("source", e.source.map(JSONValue.string) ?? .null),
            ("energy", .finite(e.value)), ("available", .bool(e.value != nil)), ("reason", e.reason.map(JSONValue.string) ?? .null),
            (
                "terms",
                .array(
                    e.terms.map {
                        .object([("calculation", .string($0.calculation)), ("coefficient", .finite($0.coefficient)), ("final_energy", .finite($0.energy))])
                    })
            ),
            ("issues", .array(e.issues.map(JSONValue.string))),
            ("provenance", provenanceJSON(e.provenance))
        ])
    }

    static func nebJSON(_ n: TabulatedNeb) -> JSONValue {
        .object([
            ("calculation", .string(n.calculation)),
            ("barrier_force_fit", .finite(n.barrierForceFit)), ("barrier_energy_fit", .finite(n.barrierEnergyFit)),
            ("reaction_energy", .finite(n.reactionEnergy)), ("reason", n.reason.map(JSONValue.string) ?? .null),
            ("notes", .array(n.notes.map(JSONValue.string))),
            ("band", n.analysis.map { NebReport.json($0, source: n.calculation, energyFiles: n.energyFiles) } ?? .null),
            ("provenance", provenanceJSON(n.provenance))
        ])
    }

    static func pathwayJSON(_ p: TabulatedPathway) -> JSONValue {
        let rds = rateDeterminingStep(p.pathway)
        let profile = p.pathway.profile
        return .object([
            ("name", .string(p.name)), ("source", p.source.map(JSONValue.string) ?? .null),
            (
                "steps",
                .array(
                    p.steps.map { s in
                        .object([
                            ("step", .string(s.name)), ("calculation", .string(s.calculation)), ("reaction_energy", .finite(s.reactionEnergy)),
                            ("barrier_force_fit", .finite(s.barrierForceFit)), ("barrier_energy_fit", .finite(s.barrierEnergyFit)),
                            ("barrier", .finite(s.barrier)),
                            ("reasons", .array(s.reasons.map(JSONValue.string))), ("provenance", provenanceJSON(s.provenance))
                        ])
                    })
            ),
            ("levels", .array(profile.levels.map(JSONValue.finite))),
            ("transition_states", .array(profile.transitionStates.map(JSONValue.finite))),
            (
                "rate_determining_step",
                rds.map { r in
                    .object([("step", .string(p.steps[r.index].name)), ("index", .int(r.index)), ("value", .finite(r.value)), ("rule", .string(r.rule))])
                } ?? .null
            )
        ])
    }

    static func bondJSON(_ b: TabulatedBondSet) -> JSONValue {
        .object([
            ("name", .string(b.name)), ("source", b.source.map(JSONValue.string) ?? .null),
            ("calculations", .array(b.calculations.map(JSONValue.string))), ("matching", .string(b.matching)),
            (
                "bonds",
                .array(
                    b.rows.map { r in
                        .object([
                            ("bond", .string(r.label)), ("lengths", .array(r.lengths.map(JSONValue.finite))),
                            ("broken", r.broken.map(JSONValue.bool) ?? .null), ("formed", r.formed.map(JSONValue.bool) ?? .null),
                            ("bonded", .array(r.bonded.map { $0.map(JSONValue.bool) ?? .null }))
                        ])
                    })
            ),
            ("unavailable", .array(b.unavailable.map { $0.map(JSONValue.string) ?? .null })),
            ("notes", .array(b.notes.map(JSONValue.string))),
            ("provenance", provenanceJSON(b.provenance))
        ])
    }

    static func bandJSON(_ b: BandDescriptors?) -> JSONValue {
        guard let b else { return .null }
        return .object([("band_center", .finite(b.center)), ("band_width", .finite(b.width)), ("band_filling", .finite(b.filling))])
    }

    static func electronicJSON(_ e: TabulatedElectronic) -> JSONValue {
        .object([
            ("name", .string(e.name)), ("source", e.source.map(JSONValue.string) ?? .null), ("orbital", .string(e.orbital)),
            ("window", e.window.map { .array([.finite($0.lowerBound), .finite($0.upperBound)]) } ?? .null),
            (
                "states",
                .array(
                    e.states.map { s in
                        .object([
                            ("calculation", .string(s.calculation)), ("efermi", .finite(s.efermi)),
                            (
                                "band_gap",
                                s.bandEdges.map { g in
                                    .object([("gap", .finite(g.gap)), ("cbm", .finite(g.cbm)), ("vbm", .finite(g.vbm)), ("direct", .bool(g.isDirect))])
                                } ?? .null
                            ),
                            ("dos_gap", s.dosGap.map { g in .object([("gap", .finite(g.gap)), ("cbm", .finite(g.cbm)), ("vbm", .finite(g.vbm))]) } ?? .null),
                            (
                                "bands",
                                .array(
                                    s.bands.map { b in
                                        .object([
                                            ("selection", .string(b.label)), ("summed", bandJSON(b.summed)), ("up", bandJSON(b.up)), ("down", bandJSON(b.down))
                                        ])
                                    })
                            ),
                            ("metal", .bool(s.metal)), ("fixed_moment", .bool(s.fixedMoment)),
                            (
                                "spin_channels",
                                .array(
                                    s.channels.map { c in
                                        .object([
                                            ("spin", .string(c.spin.rawValue)), ("reference", .finite(c.reference)),
                                            (
                                                "band_gap",
                                                c.bandEdges.map { g in
                                                    .object([
                                                        ("gap", .finite(g.gap)), ("cbm", .finite(g.cbm)), ("vbm", .finite(g.vbm)), ("direct", .bool(g.isDirect))
                                                    ])
                                                } ?? .null
                                            ),
                                            (
                                                "dos_gap",
                                                c.dosGap.map { g in .object([("gap", .finite(g.gap)), ("cbm", .finite(g.cbm)), ("vbm", .finite(g.vbm))]) }
                                                    ?? .null
                                            ),
                                            ("bands", .array(c.bands.map(bandJSON)))
                                        ])
                                    })
                            ),
                            ("reason", s.reason.map(JSONValue.string) ?? .null), ("notes", .array(s.notes.map(JSONValue.string))),
                            ("provenance", provenanceJSON(s.provenance))
                        ])
                    })
            )
        ])
    }

    static func extremumJSON(_ e: VolumetricExtremum?, height: Bool) -> JSONValue {
        guard let e else { return .null }
        var members: [(String, JSONValue)] = [
            ("value", .finite(e.value)), ("fractional", .array([e.fractional.x, e.fractional.y, e.fractional.z].map(JSONValue.finite)))
        ]
        if height { members.append(("height", .finite(e.height))) }
        return .object(members)
    }

    static func densityDifferenceJSON(_ d: TabulatedDensityDifference) -> JSONValue {
        let s = d.summary
        let electrons: JSONValue =
            s.map { s in
                .array(
                    zip([d.complex] + d.parts, [s.electronsWhole] + s.electronsParts).map {
                        .object([("calculation", .string($0)), ("electrons", .finite($1))])
                    })
            } ?? .null
        return .object([
            ("name", .string(d.name)), ("source", d.source.map(JSONValue.string) ?? .null),
            ("complex", .string(d.complex)), ("parts", .array(d.parts.map(JSONValue.string))), ("axis", .string(axisNames[d.axis])),
            ("available", .bool(s != nil)), ("reason", d.reason.map(JSONValue.string) ?? .null),
            ("grid", s.map { .array([$0.dimensions.x, $0.dimensions.y, $0.dimensions.z].map(JSONValue.int)) } ?? .null),
            ("volume", .finite(s?.volume)),
            ("electrons", electrons),
            ("delta_electrons", .finite(s?.netCharge)), ("delta_electrons_expected", .finite(s?.expectedNetCharge)),
            ("delta_rho_min", extremumJSON(s?.minimum, height: false)), ("delta_rho_max", extremumJSON(s?.maximum, height: false)),
            ("delta_q_min", extremumJSON(s?.displacementMinimum, height: true)), ("delta_q_max", extremumJSON(s?.displacementMaximum, height: true)),
            ("plot", s != nil ? .string(d.plotFile) : .null), ("chgcar_diff", d.written.map(JSONValue.string) ?? .null),
            ("notes", .array(d.notes.map(JSONValue.string))),
            ("provenance", provenanceJSON(d.provenance))
        ])
    }

    static func fragmentJSON(_ f: TabulatedFragmentSet) -> JSONValue {
        .object([
            ("name", .string(f.name)), ("source", f.source.map(JSONValue.string) ?? .null),
            ("groups", .array(zip(f.groups, f.atoms).map { .object([("name", .string($0)), ("atoms", .array($1.map { .int($0 + 1) }))]) })),
            (
                "states",
                .array(
                    f.calculations.indices.map { k in
                        .object([
                            ("calculation", .string(f.calculations[k])),
                            (
                                "charges",
                                f.charges[k].map { row in
                                    .array(
                                        row.map { c in
                                            .object([
                                                ("fragment", .string(c.fragment.name)), ("charge", .finite(c.electrons)), ("zval", .finite(c.valence)),
                                                ("net_charge", .finite(c.netCharge))
                                            ])
                                        })
                                } ?? .null
                            ),
                            ("transfer", .array(f.transfer[k].map(JSONValue.finite))),
                            ("reason", f.unavailable[k].map(JSONValue.string) ?? .null)
                        ])
                    })
            ),
            ("warnings", .array(f.warnings.map(JSONValue.string))),
            ("provenance", provenanceJSON(f.provenance))
        ])
    }

    // MARK: Plots

    /// The reaction-energy profile of every pathway (seed Fig. 2f): one coloured series per pathway
    /// (catalyst) with a legend, levels at the cumulative ΔE of each state, transition-state bumps where a
    /// barrier is known (labelled E‡ in eV), dashed connectors where it is not. `nil` when no pathway has a
    /// level beyond its initial state.
    public static func profilePlot(_ pathways: [TabulatedPathway], title: String? = "Reaction energy profile") -> SVGPlot? {
        var series: [SVGPlot.Series] = []
        for p in pathways {
            let profile = p.pathway.profile
            let known = profile.levels.prefix { $0 != nil }.compactMap { $0 }
            guard known.count >= 2 else { continue }
            let states = Array(profile.transitionStates.prefix(known.count - 1))
            let labels = p.steps.prefix(known.count - 1).map { s in s.barrier.map { "E‡ " + ReportNumber.format($0, decimals: 2) } ?? "" }
            series.append(
                .init(
                    p.name, x: known.indices.map(Double.init), y: known, style: .profile(width: 0.5, transitionStates: states, transitionLabels: labels),
                    lineWidth: 3))
        }
        guard !series.isEmpty else { return nil }
        let longest = pathways.max { $0.steps.count < $1.steps.count }
        let stateNames = ["initial"] + (longest?.steps.map(\.name) ?? [])
        let ticks = stateNames.enumerated().map { SVGPlot.Tick(Double($0.offset), $0.element) }
        var plot = SVGPlot(
            title: title, x: .init("state (after step)", namedTicks: ticks), y: .init("E − E(initial)", unit: "eV", includesZero: true),
            series: series, legend: .topRight,
            footnote: "levels: cumulative ΔE, E(σ→0); bumps: level + E‡ (force-based fit, else energy-only)", width: 720, height: 460)
        plot.annotations = [.horizontalLine(y: 0, label: nil)]
        return plot
    }

    /// `<kind>-<calculation with / as _>.svg` (`neb-neb_cu_1-ns-cleavage.svg`).
    static func plotName(_ kind: String, _ calculation: String) -> String {
        kind + "-" + String(calculation.map { $0 == "/" ? "_" : $0 }) + ".svg"
    }

    /// Every file `tabulate --plots` can write for `manifest` (a superset of ``plotFiles(_:)``'s names,
    /// known from the manifest alone), so that existing files are refused before anything is read.
    public static func plotNames(_ manifest: StudyManifest) -> [String] {
        var names = ["reaction-profile.svg"]
        for p in manifest.quantities.pathways {
            names += p.steps.map { plotName("neb", $0) }
        }
        for e in manifest.quantities.electronic {
            names += e.calculations.map { plotName("dos", $0) }
        }
        for files in StudyTabulation.densityFileNames(manifest.quantities.densityDifferences) {
            names.append(files.plot)
            if let chgcar = files.chgcar { names.append(chgcar) }
        }
        return names
    }

    /// Every plot of the tabulation as (file name, SVG text): `reaction-profile.svg` and one
    /// `neb-<calculation with / → _>.svg` per NEB band with a fit (NebReport's plot) and `dos-<calculation>.svg`
    /// (total DOS, Fig. 2a style, DosReport's plot) per calculation of an electronic set, and the planar Δρ
    /// with ΔQ(z) (VolumetricReport's plot) of each density difference under its ``TabulatedDensityDifference/plotFile``.
    public static func plotFiles(_ t: StudyTabulationResult) -> [(name: String, text: String)] {
        var out: [(name: String, text: String)] = []
        if let p = profilePlot(t.pathways) { out.append(("reaction-profile.svg", p.svg())) }
        let r = Reasons(t)
        for n in t.nebs {
            // The footnote says what the table's note says (the short form).
            let footnote = r.neb(n).reason.map { "\(n.calculation): \($0)" } ?? n.calculation
            guard let a = n.analysis, let plot = NebReport.plot(a, title: "NEB \(n.calculation)", footnote: footnote) else { continue }
            out.append((plotName("neb", n.calculation), plot.svg()))
        }
        var drawn = Set<String>()
        for e in t.electronic {
            for s in e.states where drawn.insert(s.calculation).inserted {
                guard let dos = s.dos else { continue }
                let plot = DosReport.plot(dos, selection: nil, window: e.window, title: "Total DOS \(s.calculation)", footnote: s.provenance.files.first?.path)
                out.append((plotName("dos", s.calculation), plot.svg()))
            }
        }
        for d in t.densityDifferences {
            guard let s = d.summary else { continue }
            // One line: a wrapped footnote would run into the x-axis title.
            let footnote = "Δρ = ρ(complex) − Σ ρ(parts) > 0: electron accumulation; ΔQ(z) from plane 0"
            let plot = VolumetricReport.planarPlot(
                s.profile, quantity: .charge(symbol: "Δρ"), title: "Differential charge density \(d.name)", footnote: footnote)
            out.append((d.plotFile, plot.svg()))
        }
        return out
    }

    // MARK: Cells

    static func cell(_ x: Double?) -> TableCell { x.map(TableCell.number) ?? .empty }

    /// A number, or `n/a`.
    static func valueOrNA(_ x: Double?) -> TableCell { x.map(TableCell.number) ?? .text("n/a") }
}

/// The reasons of a tabulation as the tables say them: each once, short where another table already
/// says the long form.
struct Reasons {
    /// `"relax/tfsi is missing: no folder …/relax/tfsi"` → `"relax/tfsi is missing"`, for every
    /// calculation that is not converged: the status table gives its reason.
    private var shortened: [(long: String, short: String)] = []

    /// No status table to refer to: reasons are kept whole and n/a cells say no cause.
    init() {}

    init(_ t: StudyTabulationResult) {
        for s in t.statuses where s.state != .converged && !s.reason.isEmpty {
            shortened.append(("\(s.name) is \(s.state.rawValue): \(s.reason)", "\(s.name) is \(s.state.rawValue)"))
        }
    }

    /// `true` without a tabulation (a table made on its own).
    var isEmpty: Bool { shortened.isEmpty }

    /// `reason` with every calculation's status reason replaced by its state.
    func short(_ reason: String) -> String {
        shortened.reduce(reason) { $0.replacing($1.long, with: $1.short) }
    }

    /// A number, or `n/a (cause) [k]` with the reason as note `k`; `n/a` alone without a reason.
    func value(_ x: Double?, reason: String?) -> TableCell {
        if let x { return .number(x) }
        guard let reason, !reason.isEmpty else { return .text("n/a") }
        return .unavailable(cause: Self.cause(of: reason), reason: short(reason))
    }

    /// The states that make a calculation unusable, as they appear in reasons (`X is truncated`,
    /// `end point 04 is unconverged`, `image(s) 02 unconverged: …`).
    static let unusable: [CalculationState] = [.missing, .running, .truncated, .unconverged, .mismatch, .collapsed]

    /// The cause of an n/a in a word or two: the state of the first calculation (or image) the reason
    /// names as unusable; `guard` when the consistency guard refused it (frozen atoms that differ);
    /// `missing` when energies are missing; `no fit` when a spline could not be fitted; else `no data`.
    static func cause(of reason: String) -> String {
        var first: (offset: Int, cause: String)?
        for state in unusable {
            for pattern in [" is \(state.rawValue)", " \(state.rawValue):"] {
                guard let range = reason.firstRange(of: pattern) else { continue }
                let offset = reason.distance(from: reason.startIndex, to: range.lowerBound)
                if first.map({ offset < $0.offset }) ?? true { first = (offset, state.rawValue) }
            }
        }
        if let first { return first.cause }
        if reason.contains("frozen atoms") { return "guard" }
        if reason.contains("no energy") { return "missing" }
        if reason.contains("fit:") { return "no fit" }
        return "no data"
    }

    /// `path` relative to `folder` when it lies inside it.
    static func relative(_ path: String, to folder: String) -> String {
        path.hasPrefix(folder + "/") ? String(path.dropFirst(folder.count + 1)) : path
    }

    /// A status reason with the calculation's own folder left out, so that the same reason reads the
    /// same for every calculation (`no folder`, `vasprun.xml ends after 4 complete ionic step(s); …`).
    static func local(_ s: CalculationStatus) -> String {
        guard !s.folder.isEmpty else { return s.reason }
        return s.reason.replacing(s.folder + "/", with: "").replacing("no folder " + s.folder, with: "no folder")
            .replacing(s.folder, with: "its folder")
    }

    /// What the NEB table says of a band: one reason for its n/a cells and the notes not already said
    /// by it. A band without the energies of its end points is said once: which images, why (the end
    /// point's calculation and its state), and what the last column shows instead.
    func neb(_ n: TabulatedNeb) -> (reason: String?, notes: [String]) {
        let notes = n.notes.map(short)
        guard let reason = n.reason.map(short) else { return (nil, notes) }
        guard let a = n.analysis, !a.missingEnergies.isEmpty, let last = a.images.last?.label else { return (reason, notes) }
        let name = n.calculation
        let missing = a.missingEnergies.joined(separator: ", ")
        let fitted =
            a.fittedImages.map { range in
                " (the table shows the fit over images \(a.images[range.lowerBound].label)…\(a.images[range.upperBound].label), relative to \(a.images[range.lowerBound].label))"
            } ?? ""
        let said = [
            "the band \(name) has no energy for image(s) \(missing): no barrier from the initial state" + fitted,
            "an end point of \(name) has no energy: no ΔE"
        ]
        let noBarrier = reason.contains(said[0])
        let noDeltaE = reason.contains(said[1])
        guard noBarrier || noDeltaE else { return (reason, notes) }
        var rest = reason
        for part in said { rest = rest.replacing("; " + part, with: "").replacing(part + "; ", with: "").replacing(part, with: "") }
        // Each image's cause from the loader's note `image 00 has no energy and relax/x is missing`; the
        // analysis's own words for the same missing energies are dropped.
        var kept: [String] = []
        var why: [String: String] = [:]
        for note in notes {
            if let label = a.missingEnergies.first(where: { note.hasPrefix("image \($0) has no energy and ") }) {
                why[label] = String(note.dropFirst("image \(label) has no energy and ".count))
            } else if note == "no energy for image(s) \(missing)" || note.hasPrefix("energies are relative to image ")
                || note.hasPrefix("the end point \(last) has no energy") || note == "fewer than two images have an energy: no barrier"
            {
                continue
            } else {
                kept.append(note)
            }
        }
        // Without a barrier all missing images matter; with one, only the end points (ΔE).
        let labels = noBarrier ? a.missingEnergies : a.missingEnergies.filter { $0 == a.images.first?.label || $0 == last }
        let images = labels.map { label in why[label].map { "\(label) (\($0))" } ?? label }.joined(separator: ", ")
        let shown =
            noBarrier
            ? a.fittedImages.map { range in
                "; the last column fits images \(a.images[range.lowerBound].label)…\(a.images[range.upperBound].label), relative to \(a.images[range.lowerBound].label)"
            } ?? "" : ""
        let lost = [noBarrier ? "no barrier from the initial state" : nil, noDeltaE ? "no ΔE" : nil].compactMap { $0 }.joined(separator: ", ")
        let summary = "no energy for image(s) \(images): \(lost)" + shown
        return (rest.isEmpty ? summary : rest + "; " + summary, kept)
    }
}
