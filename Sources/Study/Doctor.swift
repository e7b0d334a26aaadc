import Files
import VASP

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One thing `cascade doctor` found: what is fine, what deserves a look, what must be fixed.
public struct DoctorFinding: Sendable, Hashable {
    /// How much it matters.
    public enum Severity: String, Sendable, Hashable, Comparable {
        /// Checked and fine.
        case ok
        /// Worth knowing; nothing to fix.
        case note
        /// Works, but probably not what the user wants.
        case warning
        /// The first real run would fail or be wrong: `cascade doctor` exits 1.
        case problem

        private var rank: Int {
            switch self {
            case .ok: return 0
            case .note: return 1
            case .warning: return 2
            case .problem: return 3
            }
        }

        /// Orders by how much it matters: `ok` < `note` < `warning` < `problem`.
        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    /// How much it matters.
    public var severity: Severity
    /// What was found, naming the file (and line and column when known). Never quotes POTCAR content.
    public var message: String
    /// What to do about it (for warnings and problems).
    public var fix: String?

    /// A finding.
    public init(_ severity: Severity, _ message: String, fix: String? = nil) {
        self.severity = severity
        self.message = message
        self.fix = fix
    }
}

/// The findings about one part of a study's setup.
public struct DoctorSection: Sendable, Hashable {
    /// The parts `cascade doctor` checks, in the order it checks them.
    public enum Topic: String, Sendable, Hashable, CaseIterable {
        /// `VASP_PP_PATH` / `PMG_VASP_PSP_DIR` / `--potcars`: the layout and every label of the study.
        case potcarLibrary = "POTCAR library"
        /// The manifest, its structure index and its input sets (schema errors with file:line:column).
        case manifest = "Manifest"
        /// Every structure file of the manifest's systems.
        case structures = "Structures"
        /// Every job-script template the calculations use.
        case jobTemplate = "Job-script template"
        /// What `cascade generate --dry-run` would report as errors.
        case plan = "Generation plan"
        /// What a referee would check on the structures: frozen atoms, Δρ parts, declared bonds, charged cells, spin.
        case referee = "Referee checks"
    }

    /// The part checked.
    public var topic: Topic
    /// What was found, in order.
    public var findings: [DoctorFinding]

    /// A section.
    public init(topic: Topic, findings: [DoctorFinding] = []) {
        self.topic = topic
        self.findings = findings
    }

    /// The worst severity found (`ok` for an empty section).
    public var worst: DoctorFinding.Severity { findings.map(\.severity).max() ?? .ok }
}

/// The result of ``StudyDoctor/examine(manifest:potcars:environment:)``; Report's `DoctorText` prints it.
public struct DoctorReport: Sendable, Hashable {
    /// The manifest examined, as the user named it.
    public var manifestFile: String
    /// One section per ``DoctorSection/Topic``, in order.
    public var sections: [DoctorSection]

    /// The section on `topic`.
    public func section(_ topic: DoctorSection.Topic) -> DoctorSection? { sections.first { $0.topic == topic } }

    /// Every problem, with its section.
    public var problems: [(topic: DoctorSection.Topic, finding: DoctorFinding)] {
        sections.flatMap { s in s.findings.filter { $0.severity == .problem }.map { (s.topic, $0) } }
    }

    /// `true` when nothing must be fixed (warnings allowed).
    public var isHealthy: Bool { problems.isEmpty }
}

/// `cascade doctor`: checks what a study's first real run needs — the POTCAR library (layout and
/// every label the study uses), the manifest (schema errors with file, line and column), every
/// structure file, the job-script templates — and what `cascade generate --dry-run` would refuse.
/// It reads file names, `TITEL` and `ZVAL` of POTCARs only (through ``Potcar/assemble(labels:library:)``)
/// and never prints POTCAR content.
public enum StudyDoctor {
    /// The environment variables the POTCAR check reads.
    public static let environmentVariables = ["VASP_PP_PATH", "VASP_PP_VERSION", "PMG_VASP_PSP_DIR", "PMG_DEFAULT_FUNCTIONAL"]

    /// ``environmentVariables`` of this process (unset ones absent).
    public static func processEnvironment() -> [String: String] {
        var environment: [String: String] = [:]
        for name in environmentVariables {
            if let value = getenv(name) { environment[name] = String(cString: value) }
        }
        return environment
    }

    /// Examines the study `manifest` with the POTCAR library `potcars` (a folder, as `--potcars`) or,
    /// without one, the library named by `environment` (`VASP_PP_PATH`, else `PMG_VASP_PSP_DIR`, as
    /// `cascade generate` does).
    public static func examine(manifest path: String, potcars folder: String?, environment: [String: String]) -> DoctorReport {
        var manifestSection = DoctorSection(topic: .manifest)
        var structures = DoctorSection(topic: .structures)
        var templates = DoctorSection(topic: .jobTemplate)
        var planSection = DoctorSection(topic: .plan)
        var refereeSection = DoctorSection(topic: .referee)
        var labels: [String]?
        if let loaded = loadManifest(path, into: &manifestSection) {
            let (manifest, sets) = loaded
            structures.findings = checkStructures(manifest)
            templates.findings = checkTemplates(manifest, sets: sets)
            let plan = checkPlan(manifest, blocked: structures.worst == .problem || templates.worst == .problem)
            planSection.findings = plan.findings
            labels = plan.labels
            refereeSection.findings = plan.plan.map { RefereeChecks.run(manifest, plan: $0) } ?? [DoctorFinding(.note, "not checked: no generation plan")]
        } else {
            let skipped = DoctorFinding(.note, "not checked: the manifest could not be read (see Manifest)")
            structures.findings = [skipped]
            templates.findings = [skipped]
            planSection.findings = [skipped]
            refereeSection.findings = [skipped]
        }
        let potcarSection = DoctorSection(
            topic: .potcarLibrary, findings: PotcarCheck.run(labels: labels, folder: folder, environment: environment))
        return DoctorReport(manifestFile: path, sections: [potcarSection, manifestSection, structures, templates, planSection, refereeSection])
    }

    // MARK: Manifest

    /// Reads the manifest, its index and its input sets; `nil` (with the problem recorded) when one cannot be read.
    static func loadManifest(_ path: String, into section: inout DoctorSection) -> (StudyManifest, InputSetLibrary)? {
        let manifest: StudyManifest
        do {
            manifest = try StudyManifest.load(path: path)
        } catch {
            section.findings.append(DoctorFinding(.problem, "\(error)", fix: manifestFix(error, file: path)))
            return nil
        }
        var names: [String] = []
        for calc in manifest.calculations where !names.contains(calc.set) { names.append(calc.set) }
        let sets: InputSetLibrary
        do {
            sets = try InputSetLibrary.load(folder: manifest.inputSetsFolder, names: names)
        } catch {
            section.findings.append(
                DoctorFinding(
                    .problem, "\(error)",
                    fix: "each calculation's 'set:' names a file <set>.yaml in input_sets (\(manifest.inputSetsFolder)); keys in docs/input-sets.md"))
            return nil
        }
        if let index = manifest.indexFile {
            do {
                _ = try StructureIndex.load(path: index)
            } catch {
                section.findings.append(
                    DoctorFinding(
                        .problem, "\(error)",
                        fix: "'index:' is relative to the structures folder (\(manifest.structuresFolder)); its format is in docs/study-manifest.md"))
                return nil
            }
        }
        let setList = names.map { sets.path(of: $0) }.joined(separator: ", ")
        section.findings.append(
            DoctorFinding(
                .ok,
                "\(path): study \(manifest.study), \(manifest.systems.count) systems, \(manifest.calculations.count) calculations"))
        section.findings.append(DoctorFinding(.ok, "input sets read: \(setList)"))
        if let index = manifest.indexFile { section.findings.append(DoctorFinding(.ok, "structure index read: \(index)")) }
        return (manifest, sets)
    }

    static func manifestFix(_ error: Error, file: String) -> String {
        if case StudyError.cannotRead = error {
            return "give the manifest's path (default: the bundled templates/studies/tfsi-mof-copc.yaml); `cascade init DIR` makes a new study folder"
        }
        return "correct \(file) at the line and column given; every key is described in docs/study-manifest.md"
    }

    // MARK: Structures

    static func checkStructures(_ manifest: StudyManifest) -> [DoctorFinding] {
        var findings: [DoctorFinding] = []
        var read = 0
        for entry in manifest.systems {
            let path = PathText.resolve(entry.file, against: manifest.structuresFolder)
            do {
                let poscar = try Poscar.read(path: path)
                read += 1
                for warning in poscar.warnings {
                    findings.append(
                        DoctorFinding(
                            .warning, "system \(entry.name): \(warning)",
                            fix: "check \(path); generate reads it the same way"))
                }
            } catch {
                findings.append(
                    DoctorFinding(
                        .problem, "system \(entry.name) (\(entry.location)): \(error)",
                        fix:
                            "correct 'file: \(entry.file)' of system \(entry.name) (relative to the structures folder \(manifest.structuresFolder)) or put a POSCAR there"
                    ))
            }
        }
        findings.insert(DoctorFinding(.ok, "\(read) of \(manifest.systems.count) structure files read (in \(manifest.structuresFolder))"), at: 0)
        return findings
    }

    // MARK: Job-script templates

    /// The calculations using each template (`nil` path = the built-in one), in first-use order.
    static func templateUses(_ manifest: StudyManifest, sets: InputSetLibrary) -> [(path: String?, uses: [(CalculationEntry, JobSettings)])] {
        var order: [String?] = []
        var uses: [String?: [(CalculationEntry, JobSettings)]] = [:]
        for calc in manifest.calculations {
            guard let set = sets.set(named: calc.set) else { continue }
            let settings = calc.job.applied(to: set.job.applied(to: manifest.job))
            if uses[settings.template] == nil { order.append(settings.template) }
            uses[settings.template, default: []].append((calc, settings))
        }
        return order.map { ($0, uses[$0] ?? []) }
    }

    static func checkTemplates(_ manifest: StudyManifest, sets: InputSetLibrary) -> [DoctorFinding] {
        var findings: [DoctorFinding] = []
        for (path, uses) in templateUses(manifest, sets: sets) {
            let template: JobTemplate
            if let path {
                do {
                    template = try JobTemplate.load(path: path)
                } catch {
                    findings.append(
                        DoctorFinding(
                            .problem, "\(error)",
                            fix: "correct 'template:' under job: (relative to the file that names it) or remove it to use the built-in SLURM template"))
                    continue
                }
            } else {
                template = .standard
            }
            findings += TemplateCheck.run(template, uses: uses, study: manifest.study)
        }
        if findings.isEmpty { findings.append(DoctorFinding(.note, "no calculation: no job script to check")) }
        return findings
    }

    // MARK: Plan

    /// `cascade generate --dry-run`'s errors (unless `blocked` by a problem found already) and the
    /// POTCAR labels the study uses, in order of first use.
    static func checkPlan(_ manifest: StudyManifest, blocked: Bool) -> (findings: [DoctorFinding], labels: [String]?, plan: GenerationPlan?) {
        let plan: GenerationPlan
        do {
            plan = try GenerationPlan.make(manifest: manifest, options: GenerationOptions(outputFolder: manifest.study))
        } catch {
            return ([DoctorFinding(.problem, "\(error)", fix: "see docs/study-manifest.md")], nil, nil)
        }
        var labels: [String] = []
        for calc in plan.calculations {
            for label in calc.potcar.labels where !labels.contains(label) { labels.append(label) }
        }
        if blocked {
            return ([DoctorFinding(.note, "not checked: fix the problems with structures and job templates first")], labels, nil)
        }
        let errors = plan.allErrors.filter { !$0.contains("ZVAL") }
        guard !errors.isEmpty else {
            let warnings = plan.allWarnings.filter { !$0.contains("built-in table") }
            var findings = [DoctorFinding(.ok, "cascade generate --dry-run: \(plan.summary().split(separator: ";").first ?? ""), no error")]
            if !warnings.isEmpty {
                findings.append(DoctorFinding(.note, "\(warnings.count) warning\(warnings.count == 1 ? "" : "s") (cascade generate --dry-run shows them)"))
            }
            return (findings, labels, plan)
        }
        let shown = 20
        var findings = errors.prefix(shown).map {
            DoctorFinding(.problem, $0, fix: "cascade generate \(manifest.file) --dry-run shows the plan around it; docs/study-manifest.md")
        }
        if errors.count > shown {
            findings.append(
                DoctorFinding(
                    .problem, "… and \(errors.count - shown) more errors",
                    fix: "cascade generate \(manifest.file) --dry-run lists them all"))
        }
        return (findings, labels, plan)
    }
}

// MARK: - Job template check

/// Checks one job-script template against the calculations that use it.
enum TemplateCheck {
    static func run(_ template: JobTemplate, uses: [(CalculationEntry, JobSettings)], study: String) -> [DoctorFinding] {
        var findings: [DoctorFinding] = []
        let name = template.file == "built-in" ? "the built-in SLURM template" : template.file
        let lines = template.text.split(separator: "\n", omittingEmptySubsequences: false)
        if !(lines.first?.hasPrefix("#!") ?? false) {
            findings.append(
                DoctorFinding(
                    .problem, "\(template.file):1: the first line is not '#!/bin/bash' (or another #! interpreter)",
                    fix: "start \(template.file) with #!/bin/bash: sbatch refuses a script without it"))
        }
        // Placeholders without a value for some calculation, each with the first line using it.
        var missing: [(name: String, line: Int, calculations: [String])] = []
        for (calc, settings) in uses {
            let values = JobScript.values(
                settings: settings, study: study, calculation: calc.name, set: calc.set, system: calc.system ?? calc.name,
                stageIn: [], gammaOnly: false)
            for (number, line) in lines.enumerated() {
                for placeholder in JobTemplate.names(in: line) where values[placeholder] == nil {
                    if let i = missing.firstIndex(where: { $0.name == placeholder }) {
                        if !missing[i].calculations.contains(calc.name) { missing[i].calculations.append(calc.name) }
                    } else {
                        missing.append((placeholder, number + 1, [calc.name]))
                    }
                }
            }
        }
        for item in missing {
            let who =
                item.calculations.count == uses.count
                ? "every calculation"
                : item.calculations.prefix(3).joined(separator: ", ")
                    + (item.calculations.count > 3 ? " and \(item.calculations.count - 3) more" : "")
            findings.append(
                DoctorFinding(
                    .problem, "\(template.file):\(item.line): {{\(item.name)}} has no value (for \(who))",
                    fix: "set '\(item.name): …' under job: in the manifest, or remove {{\(item.name)}} from \(template.file)"))
        }
        for (number, line) in lines.enumerated() {
            for token in malformedTokens(in: line) {
                findings.append(
                    DoctorFinding(
                        .warning, "\(template.file):\(number + 1): '\(token)' is not a placeholder and is written as is",
                        fix: "placeholder names are letters, digits and '_' with no blanks, e.g. {{ntasks_per_node}}"))
            }
        }
        if let first = uses.first,
            let line = lateDirective(
                lines,
                values: JobScript.values(
                    settings: first.1, study: study, calculation: first.0.name, set: first.0.set, system: first.0.system ?? first.0.name,
                    stageIn: [], gammaOnly: false))
        {
            findings.append(
                DoctorFinding(
                    .problem, "\(template.file):\(line): this #SBATCH line comes after the first command, and sbatch ignores it",
                    fix: "move every #SBATCH line above the first command (sbatch reads options only up to there)"))
        }
        let used = Set(template.placeholders)
        if !used.contains("vasp_command") {
            findings.append(
                DoctorFinding(
                    .problem, "\(template.file): no {{vasp_command}}: the job would never start VASP",
                    fix: "add a line {{vasp_command}} (srun vasp_std, or vasp_gam for Γ-only k-points; set by 'vasp:' and 'vasp_gamma:' under job:)"))
        }
        let staged = uses.filter { $0.0.from != nil || $0.0.neb != nil }.map(\.0.name)
        if !used.contains("stage_in"), !staged.isEmpty {
            findings.append(
                DoctorFinding(
                    .problem,
                    "\(template.file): no {{stage_in}}, but \(staged.count) calculation\(staged.count == 1 ? "" : "s") (\(staged.prefix(3).joined(separator: ", "))\(staged.count > 3 ? ", …" : "")) start from another one's CONTCAR",
                    fix: "add a line {{stage_in}} before {{vasp_command}}: it copies the relaxed structure in at run time"))
        }
        let bader = uses.filter { use in use.1["bader"] != nil || use.0.set == "bader" }.map(\.0.name)
        if !used.contains("post_process"), !bader.isEmpty {
            findings.append(
                DoctorFinding(
                    .warning,
                    "\(template.file): no {{post_process}}: \(bader.count) Bader calculation\(bader.count == 1 ? "" : "s") (\(bader.prefix(3).joined(separator: ", "))\(bader.count > 3 ? ", …" : "")) would stop after VASP, without chgsum and bader (no ACF.dat for tabulate)",
                    fix: "add a line {{post_process}} after {{vasp_command}}"))
        }
        if findings.allSatisfy({ $0.severity != .problem }) {
            findings.insert(
                DoctorFinding(
                    .ok,
                    "\(name): \(used.count) placeholder\(used.count == 1 ? "" : "s"), each with a value, for \(uses.count) calculation\(uses.count == 1 ? "" : "s")"
                ), at: 0)
        }
        return findings
    }

    /// The 1-based line of the first `#SBATCH` line after the first command of the rendered script
    /// (sbatch stops reading options at the first line that is neither blank nor a comment); a line
    /// of placeholders counts by what it renders to.
    static func lateDirective(_ lines: [Substring], values: [String: String]) -> Int? {
        var commandSeen = false
        for (number, line) in lines.enumerated() {
            var text = String(line)
            for name in JobTemplate.names(in: line) { text = text.replacingAll("{{\(name)}}", with: values[name] ?? "") }
            for rendered in text.split(separator: "\n", omittingEmptySubsequences: false) {
                let trimmed = JobTemplate.trimmed(String(rendered))
                if trimmed.hasPrefix("#SBATCH") {
                    if commandSeen && number > 0 { return number + 1 }
                } else if !trimmed.isEmpty && !trimmed.hasPrefix("#") {
                    commandSeen = true
                }
            }
        }
        return nil
    }

    /// `{{…}}` spans that are not placeholder names (blanks, dashes), which rendering leaves in the script.
    static func malformedTokens(in line: Substring) -> [String] {
        JobTemplate.spans(in: line).filter { !JobSettings.isPlaceholderName($0) }.map { "{{\($0)}}" }
    }
}

// MARK: - POTCAR library check

/// Checks the POTCAR library: which one is used and why, its layout and PBE folder, every label.
enum PotcarCheck {
    static let setupFix =
        "export VASP_PP_PATH=/path/holding/potpaw_PBE (ASE layout) or PMG_VASP_PSP_DIR=/path/holding/POT_GGA_PAW_PBE (pymatgen layout, as `pmg config -p` makes it), or pass --potcars DIR"

    static func run(labels: [String]?, folder: String?, environment: [String: String]) -> [DoctorFinding] {
        var findings: [DoctorFinding] = []
        guard let (library, source) = choose(folder: folder, environment: environment, findings: &findings) else {
            if let labels, !labels.isEmpty {
                findings.append(DoctorFinding(.note, "the study uses \(labels.count) POTCAR labels: \(labels.joined(separator: " "))"))
            }
            return findings
        }
        guard FileSystem.isDirectory(library.root) else {
            findings.append(DoctorFinding(.problem, "\(source): \(library.root) is not a folder", fix: setupFix))
            return findings
        }
        let family: Potcar
        do {
            family = try Potcar.assemble(labels: [], library: library)
        } catch {
            let message = folder.map { "--potcars \($0): \(reason(error))" } ?? reason(error)
            findings.append(DoctorFinding(.problem, message, fix: diagnose(library, source: source, labels: labels ?? [])))
            return findings
        }
        let layout = library.layout == .ase ? "ASE layout (potpaw_PBE*/<label>/POTCAR)" : "pymatgen layout (POT_GGA_PAW_PBE*/POTCAR.<label>)"
        findings.append(DoctorFinding(.ok, "\(source): \(layout), PBE \(library.version ?? "unversioned")"))
        for warning in family.warnings {
            findings.append(
                DoctorFinding(
                    .warning, warning.message,
                    fix: library.layout == .ase
                        ? "set VASP_PP_VERSION to the version you mean (e.g. 54)" : "set PMG_DEFAULT_FUNCTIONAL to the version you mean (e.g. PBE_54)"))
        }
        guard let labels else {
            findings.append(DoctorFinding(.note, "the study's POTCAR labels were not checked: the manifest could not be read"))
            return findings
        }
        findings += checkLabels(labels, library: library)
        return findings
    }

    /// The library to check and how it was chosen, as `cascade generate` chooses it.
    static func choose(folder: String?, environment: [String: String], findings: inout [DoctorFinding]) -> (PotcarLibrary, String)? {
        if let folder {
            do {
                return (try Generator.potcarLibrary(at: folder), "--potcars \(folder)")
            } catch {
                findings.append(
                    DoctorFinding(
                        .problem, "\(error)",
                        fix: "pass --potcars the folder that holds potpaw_PBE[.54|.64]/ (ASE layout) or POT_GGA_PAW_PBE[_54]/ (pymatgen layout)"))
                return nil
            }
        }
        guard let library = PotcarLibrary.fromEnvironment(environment) else {
            findings.append(
                DoctorFinding(
                    .problem,
                    "no POTCAR library: neither VASP_PP_PATH nor PMG_VASP_PSP_DIR is set (cascade generate would write POTCAR.spec label lists, not POTCARs)",
                    fix: setupFix))
            return nil
        }
        let both = !(environment["VASP_PP_PATH"] ?? "").isEmpty && !(environment["PMG_VASP_PSP_DIR"] ?? "").isEmpty
        if both {
            findings.append(DoctorFinding(.note, "VASP_PP_PATH and PMG_VASP_PSP_DIR are both set: VASP_PP_PATH is used (as cascade generate does)"))
        }
        let variable = library.layout == .ase ? "VASP_PP_PATH" : "PMG_VASP_PSP_DIR"
        return (library, "\(variable)=\(library.root)")
    }

    /// The reason of a VASP read error without the file part the message repeats.
    static func reason(_ error: Error) -> String {
        if case VASPError.cannotRead(_, let reason) = error { return reason }
        if case FileError.cannotRead(_, let reason) = error { return reason }
        return "\(error)"
    }

    /// What is probably wrong with a root in which no PBE folder was found.
    static func diagnose(_ library: PotcarLibrary, source: String, labels: [String]) -> String {
        let root = library.root
        let variable = library.layout == .ase ? "VASP_PP_PATH" : "PMG_VASP_PSP_DIR"
        let base = root.split(separator: "/").last.map(String.init) ?? root
        if ["potpaw_PBE", "POT_GGA_PAW_PBE", "POT_PAW_PBE"].contains(where: { base.hasPrefix($0) }) {
            return "\(root) is a PBE folder itself: set \(variable)=\(PathText.folder(of: root)) (the folder that holds it), or pass --potcars \(root)"
        }
        if let other = try? Generator.potcarLibrary(at: root) {
            if other.layout != library.layout {
                let right = other.layout == .ase ? "VASP_PP_PATH" : "PMG_VASP_PSP_DIR"
                return
                    "\(root) has \(other.layout == .ase ? "ASE's" : "pymatgen's") layout: set \(right)=\(root) instead of \(variable), or pass --potcars \(root)"
            }
            if library.version != nil {
                let knob = library.layout == .ase ? "VASP_PP_VERSION" : "PMG_DEFAULT_FUNCTIONAL"
                return "\(root) has no PBE \(library.version ?? "") folder: unset \(knob) or set it to a version present"
            }
        }
        let sample = labels.first ?? "H"
        if FileSystem.exists("\(root)/\(sample)/POTCAR") || FileSystem.exists("\(root)/POTCAR.\(sample)")
            || FileSystem.exists("\(root)/\(sample)/POTCAR.gz") || FileSystem.exists("\(root)/POTCAR.\(sample).gz")
        {
            return "\(root) holds the label folders themselves: move them into \(root)/potpaw_PBE/ (ASE layout) and keep \(variable)=\(root)"
        }
        return setupFix
    }

    /// Labels of the same element the library has (`Fe`, `Fe_pv`, `Fe_sv`, …), other than `label`.
    static func alternatives(to label: String, library: PotcarLibrary) -> [String] {
        let element = PotcarSingle(label: label).element
        let variants = [element] + ["_pv", "_sv", "_d", "_h", "_s", "_GW", "_sv_GW", "_pv_GW"].map { element + $0 }
        return variants.filter { $0 != label && (try? Potcar.assemble(labels: [$0], library: library)) != nil }
    }

    /// One finding per label that does not resolve, one `ok` for those that do.
    static func checkLabels(_ labels: [String], library: PotcarLibrary) -> [DoctorFinding] {
        var resolved: [String] = []
        var findings: [DoctorFinding] = []
        for label in labels {
            do {
                let potcar = try Potcar.assemble(labels: [label], library: library)
                resolved.append(label)
                for warning in potcar.warnings where warning.location.context == label {
                    findings.append(
                        DoctorFinding(
                            .warning, "\(label): \(warning.message) (\(warning.location.file))",
                            fix: "replace \(warning.location.file) with the \(label) POTCAR"))
                }
            } catch VASPError.cannotRead(_, let reason), FileError.cannotRead(_, let reason) {
                let element = PotcarSingle(label: label).element
                let present = alternatives(to: label, library: library)
                let choice =
                    present.isEmpty
                    ? "choose a label the library has with 'potcars: {\(element): LABEL}' in the manifest"
                    : "choose one the library has (\(present.joined(separator: ", "))) with 'potcars: {\(element): \(present[0])}' in the manifest"
                findings.append(
                    DoctorFinding(
                        .problem, "\(label) does not resolve: \(reason)",
                        fix: "add \(label) to the library, or \(choice)"))
            } catch {
                findings.append(
                    DoctorFinding(
                        .problem, "\(label): \(error)",
                        fix: "replace the library's \(label) POTCAR with an intact copy (it needs TITEL and ZVAL lines)"))
            }
        }
        let count = "\(resolved.count) of \(labels.count) labels of the study resolve"
        let severity: DoctorFinding.Severity = resolved.count == labels.count ? .ok : .note
        findings.insert(DoctorFinding(severity, resolved.isEmpty ? count : "\(count): \(resolved.joined(separator: " "))"), at: 0)
        return findings
    }
}
