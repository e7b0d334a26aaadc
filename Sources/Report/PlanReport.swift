import Study

/// What `cascade generate` prints: the plan (Study's ``GenerationPlan``) as a table on standard output,
/// and what was written (``GenerationReport``) on standard error.
public enum PlanReport {
    /// The plan as a table: one row per folder with set, system, atoms, charge, multiplicity, NELECT,
    /// ISPIN, k-points, NEB images and dependencies; then a blank line and ``GenerationPlan/summary()``.
    /// Report's ``Table`` without the rule under the header, the count columns aligned right.
    public static func table(_ plan: GenerationPlan) -> String {
        func column(_ title: String, right: Bool = false) -> TableColumn {
            TableColumn(key: title, title: title, alignRight: right)
        }
        var table = Table(columns: [
            column("folder"), column("set"), column("system"), column("atoms", right: true), column("charge", right: true),
            column("2S+1", right: true), column("NELECT", right: true), column("ISPIN", right: true), column("k-points"),
            column("images"), column("after")
        ])
        table.headerRule = false
        for c in plan.calculations {
            table.append([
                .text(c.name + (c.existingOutputs.isEmpty ? "" : " (has outputs)")), .text(c.set), .text(c.system),
                .integer(c.atoms), .text(c.charge > 0 ? "+\(c.charge)" : "\(c.charge)"), .integer(c.multiplicity),
                .text(c.nelect.map { ReportNumber.rounded($0, decimals: 3) } ?? "?"), .integer(c.ispin),
                .text(kpoints(c.kpointChoice)), .text(images(c)),
                .text(c.dependencies.isEmpty ? "-" : c.dependencies.joined(separator: ", "))
            ])
        }
        return table.render(.text) + "\n" + plan.summary() + "\n"
    }

    /// `Γ 1×1×1`, `MP 4×4×1`, `auto 20 Å`, `12 listed`, `line`.
    static func kpoints(_ k: PlannedCalculation.KpointChoice) -> String {
        switch k {
        case .mesh(let gamma, let d): return "\(gamma ? "Γ" : "MP") \(d.x)×\(d.y)×\(d.z)"
        case .automatic(let length): return "auto \(ReportNumber.rounded(length, decimals: 3)) Å"
        case .listed(let count): return "\(count) listed"
        case .line: return "line"
        }
    }

    /// `4 linear` (intermediate images and the interpolation), `-` for a single structure.
    static func images(_ c: PlannedCalculation) -> String {
        guard let n = c.intermediateImages else { return "-" }
        if case .neb(_, let method) = c.geometry { return "\(n) \(method.rawValue)" }
        return "\(n)"
    }

    /// What `cascade generate` wrote: folders and files, the POTCARs, the files replaced by hand
    /// (`--force`), image folders left over, and how to submit. No trailing newline.
    public static func written(_ report: GenerationReport) -> String {
        let n = report.folders.count
        var lines = [
            "wrote \(n) calculation folder\(n == 1 ? "" : "s") (\(report.files) files) and \(report.submitScript), which submits \(n == 1 ? "it" : "these \(n)")"
        ]
        if report.potcarSpecs > 0 {
            lines.append(
                "POTCAR not written in \(report.potcarSpecs) folder(s): POTCAR.spec lists the labels (no POTCAR library; pass --potcars or set VASP_PP_PATH)")
        }
        if report.potcars > 0 { lines.append("POTCAR assembled from the library in \(report.potcars) folder(s)") }
        if !report.backups.isEmpty {
            lines.append(
                "replaced \(report.backups.count) file(s) changed by hand (--force); each is kept: \(report.backups.prefix(5).joined(separator: ", "))\(report.backups.count > 5 ? ", …" : "")"
            )
        }
        for stale in report.staleImageFolders {
            lines.append("warning: \(stale) is left from an earlier generation with more images (not deleted; VASP ignores it)")
        }
        lines.append("submit with: \(report.submitScript)")
        return lines.joined(separator: "\n")
    }
}
