import Study

/// What `cascade doctor` prints: Study's ``DoctorReport`` as text.
public enum DoctorText {
    /// Each section with one line per finding (`ok`, `note`, `warning`, `problem`, padded to 9
    /// characters; a warning's fix on the next line after `→`), then the numbered list of what to fix,
    /// or "All is well".
    public static func render(_ report: DoctorReport) -> String {
        var lines: [String] = []
        for section in report.sections {
            lines.append(section.topic.rawValue)
            for finding in section.findings {
                lines.append("  " + ReportNumber.pad(finding.severity.rawValue, 9, right: false) + finding.message)
                if finding.severity == .warning, let fix = finding.fix { lines.append("           → " + fix) }
            }
            lines.append("")
        }
        let problems = report.problems
        if problems.isEmpty {
            lines.append("All is well: \(report.manifestFile) is ready for `cascade generate`.")
        } else {
            lines.append("\(problems.count) problem\(problems.count == 1 ? "" : "s") to fix:")
            for (number, item) in problems.enumerated() {
                lines.append("  \(number + 1). [\(item.topic.rawValue)] \(item.finding.message)")
                if let fix = item.finding.fix { lines.append("     fix: \(fix)") }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
