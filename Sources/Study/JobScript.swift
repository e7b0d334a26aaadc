import Chemistry
import Files
import VASP

/// A job-script template: text with `{{name}}` placeholders (`templates/slurm.sh` is the default,
/// identical to ``standardText``).
///
/// Rendering rules: every placeholder must have a value (an unknown one is an error naming its
/// line); a value with several lines replaces a line that holds only its placeholder line by line;
/// a line whose placeholders are all empty is dropped when it is an `#SBATCH` line or holds nothing
/// else, so `#SBATCH --partition={{partition}}` disappears when no partition is set.
public struct JobTemplate: Sendable, Hashable {
    /// Where the template came from (`built-in` for ``standard``).
    public var file: String
    /// The template text.
    public var text: String

    /// A template.
    public init(file: String, text: String) {
        self.file = file
        self.text = text
    }

    /// Cascade's default SLURM template.
    public static let standard = JobTemplate(file: "built-in", text: standardText)

    /// Reads a template.
    /// - Throws: ``StudyError/cannotRead(file:reason:)``.
    public static func load(path: String) throws -> JobTemplate {
        do {
            return JobTemplate(file: path, text: try ByteSource.text(of: path))
        } catch {
            throw StudyError.cannotRead(file: path, reason: YAMLFile.readReason(error))
        }
    }

    /// The default SLURM template (the content of `templates/slurm.sh`).
    public static let standardText = """
        #!/bin/bash
        #SBATCH --job-name={{job_name}}
        #SBATCH --nodes={{nodes}}
        #SBATCH --ntasks-per-node={{ntasks_per_node}}
        #SBATCH --time={{time}}
        #SBATCH --partition={{partition}}
        #SBATCH --account={{account}}
        #SBATCH --output={{output}}
        {{sbatch_extra}}
        # Written by `cascade generate`: study {{study}}, calculation {{calculation}},
        # input set {{set}}, system {{system}}. Submit with sbatch from this folder
        # (or all calculations in order with submit.sh in the study folder).
        set -euo pipefail
        {{modules}}
        {{stage_in}}
        {{vasp_command}}
        {{post_process}}

        """

    /// The placeholder names in order of first appearance.
    public var placeholders: [String] {
        var out: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            for name in JobTemplate.names(in: line) where !out.contains(name) { out.append(name) }
        }
        return out
    }

    /// The script with every placeholder replaced.
    /// - Throws: ``StudyError/invalid(_:_:)`` naming the template line of a placeholder without a value.
    public func render(_ values: [String: String]) throws -> String {
        var out: [String] = []
        // "\r\n" is one Character in Swift: split on both line ends.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        for (number, line) in lines.enumerated() {
            let names = JobTemplate.names(in: line)
            if names.isEmpty {
                out.append(String(line))
                continue
            }
            for name in names where values[name] == nil {
                throw StudyError.invalid(
                    ManifestLocation(file: file, line: number + 1),
                    "the job template uses {{\(name)}}, which has no value: set it under 'job:' in the manifest (known: \(values.keys.sorted().joined(separator: ", ")))"
                )
            }
            let allEmpty = names.allSatisfy { (values[$0] ?? "").isEmpty }
            let bare = JobTemplate.trimmed(JobTemplate.removingPlaceholders(line)).isEmpty
            if allEmpty && (bare || JobTemplate.trimmed(String(line)).hasPrefix("#SBATCH")) { continue }
            if bare, names.count == 1, let value = values[names[0]] {
                out += value.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                continue
            }
            var rendered = String(line)
            for name in names { rendered = rendered.replacingAll("{{\(name)}}", with: values[name] ?? "") }
            out.append(rendered)
        }
        return out.joined(separator: "\n")
    }

    /// The placeholder names of `line` (`{{name}}` spans whose text is a valid name), in order.
    static func names(in line: Substring) -> [String] {
        spans(in: line).filter(JobSettings.isPlaceholderName)
    }

    /// The text inside every `{{…}}` span of `line`, in order, valid placeholder name or not.
    static func spans(in line: Substring) -> [String] {
        var out: [String] = []
        var rest = line
        while let open = rest.firstRange(of: "{{") {
            let after = rest[open.upperBound...]
            guard let close = after.firstRange(of: "}}") else { break }
            out.append(String(after[..<close.lowerBound]))
            rest = after[close.upperBound...]
        }
        return out
    }

    static func removingPlaceholders(_ line: Substring) -> String {
        var text = String(line)
        for name in names(in: line) { text = text.replacingAll("{{\(name)}}", with: "") }
        return text
    }

    static func trimmed(_ s: String) -> String {
        String(s.drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}

extension String {
    /// Every occurrence of `target` replaced by `replacement`.
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            out += rest[..<range.lowerBound] + replacement
            rest = rest[range.upperBound...]
        }
        return out + rest
    }
}

/// What goes into one calculation's `job.sh`.
enum JobScript {
    /// Default placeholder values, below the manifest's, the set's and the calculation's `job:`.
    static let defaults: [(String, String)] = [
        ("nodes", "1"), ("ntasks_per_node", "32"), ("time", "24:00:00"), ("partition", ""), ("account", ""),
        ("output", "slurm-%j.out"), ("vasp", "srun vasp_std"), ("vasp_gamma", "srun vasp_gam")
    ]

    /// The placeholder values of one calculation.
    static func values(
        settings: JobSettings, study: String, calculation: String, set: String, system: String,
        stageIn: [String], gammaOnly: Bool, postProcess: [String] = []
    ) -> [String: String] {
        var values: [String: String] = [:]
        for (k, v) in defaults { values[k] = v }
        for (k, v) in settings.values { values[k] = v }
        values["job_name"] =
            values["job_name"].flatMap { $0.isEmpty ? nil : $0 }
            ?? "\(study)-\(calculation.replacingAll("/", with: "-"))"
        values["study"] = study
        values["calculation"] = calculation
        values["set"] = set
        values["system"] = system
        values["modules"] = (settings.modules ?? []).joined(separator: "\n")
        values["sbatch_extra"] = (settings.sbatch ?? []).map { "#SBATCH \($0)" }.joined(separator: "\n")
        values["stage_in"] = stageIn.joined(separator: "\n")
        values["post_process"] = postProcess.joined(separator: "\n")
        values["vasp_command"] = gammaOnly ? (values["vasp_gamma"] ?? "") : (values["vasp"] ?? "")
        return values
    }

    /// The lines that make sure the `cascade` binary a job needs is there, before VASP starts.
    static func cascadeCheck(_ cascade: String) -> [String] {
        [
            "CASCADE=\"${CASCADE:-\(cascade)}\"",
            "command -v \"$CASCADE\" >/dev/null 2>&1 || { echo \"cascade: '$CASCADE' is not on this node: copy the self-contained binary (docs/running.md) and set job: cascade: PATH in the manifest\" >&2; exit 1; }"
        ]
    }

    /// After VASP in a Bader calculation (LAECHG): the reference density AECCAR0 + AECCAR2
    /// (`cascade chgsum`), then Henkelman's `bader CHGCAR -ref CHGCAR_sum`, failing loudly when a file or
    /// the program is missing, so that `tabulate` finds ACF.dat.
    static func baderPostProcess(cascade: String, bader: String) -> [String] {
        cascadeCheck(cascade) + [
            "BADER=\"${BADER:-\(bader)}\"",
            "command -v \"$BADER\" >/dev/null 2>&1 || { echo \"cascade: '$BADER' (Henkelman's bader) is not on this node: set job: bader: PATH in the manifest\" >&2; exit 1; }",
            "for f in CHGCAR AECCAR0 AECCAR2; do test -s \"$f\" || { echo \"cascade: VASP wrote no $f (LCHARG, LAECHG): no Bader analysis\" >&2; exit 1; }; done",
            "\"$CASCADE\" chgsum AECCAR0 AECCAR2 --out CHGCAR_sum --force",
            "\"$BADER\" CHGCAR -ref CHGCAR_sum",
            "test -s ACF.dat || { echo \"cascade: bader wrote no ACF.dat\" >&2; exit 1; }"
        ]
    }

    /// Lines that check the relaxed CONTCAR of `source` exists, failing loudly when it does not.
    static func requireContcar(_ source: String, sourceName: String) -> String {
        "test -s \(source)/CONTCAR || { echo \"cascade: \(source)/CONTCAR is missing or empty: run \(sourceName) first\" >&2; exit 1; }"
    }

    /// A frozen fragment's stage-in: cut `atoms` (0-based) out of the relaxed CONTCAR of `source` into POSCAR.
    static func fragmentStageIn(from source: String, sourceName: String, atoms: [Int], cascade: String) -> [String] {
        cascadeCheck(cascade) + [
            requireContcar(source, sourceName: sourceName),
            "\"$CASCADE\" fragment \(source)/CONTCAR --atoms \(AtomRanges.text(atoms)) --out POSCAR --force"
        ]
    }

    /// An NEB's stage-in: the images interpolated between the relaxed CONTCARs of both end points into
    /// 00 … NN/POSCAR (`cascade images`), and the end points' OUTCARs into 00 and NN for their energies.
    static func nebStageIn(initial: String, final: String, names: (String, String), intermediate: Int, method: InterpolationMethod, cascade: String) -> [String]
    {
        let last = Generator.imageName(intermediate + 1)
        return cascadeCheck(cascade) + [
            requireContcar(initial, sourceName: names.0),
            requireContcar(final, sourceName: names.1),
            ContinuedRun.guarded(
                "\"$CASCADE\" images \(initial)/CONTCAR \(final)/CONTCAR --images \(intermediate) --method \(method.rawValue) --out . --force"),
            "cp \(initial)/OUTCAR 00/OUTCAR",
            "cp \(final)/OUTCAR \(last)/OUTCAR"
        ]
    }

    /// Lines that copy the relaxed structure of `source` (a folder relative to this one) to `target`
    /// before VASP starts, failing loudly when it is missing; with `outcar`, its OUTCAR too (NEB end
    /// points, so the barrier can be read from 00 and NN).
    static func stageIn(from source: String, sourceName: String, to target: String, outcar: Bool) -> [String] {
        var lines = [
            "test -s \(source)/CONTCAR || { echo \"cascade: \(source)/CONTCAR is missing or empty: run \(sourceName) first\" >&2; exit 1; }",
            // The calculation's own POSCAR is skipped once `resume` continued it; NEB end points are not.
            target == "POSCAR" ? ContinuedRun.guarded("cp \(source)/CONTCAR \(target)") : "cp \(source)/CONTCAR \(target)"
        ]
        if outcar {
            let folder = target.hasSuffix("/POSCAR") ? String(target.dropLast(7)) : "."
            lines.append("cp \(source)/OUTCAR \(folder)/OUTCAR")
        }
        return lines
    }
}

/// A calculation `cascade resume` continues from its own CONTCAR (an NEB: from every image's CONTCAR)
/// holds the marker file ``marker``; the stage-in lines that would write the starting structure again
/// (the images interpolated from the end points, the parent's CONTCAR copied to POSCAR) are skipped
/// then, so the run continues where the previous attempt stopped.
public enum ContinuedRun {
    /// The marker file in the calculation's folder (written by `cascade resume`; delete it to stage in afresh).
    public static let marker = "cascade-continue"

    /// `command` run only when the folder has no marker, as one shell line.
    public static func guarded(_ command: String) -> String {
        "if [ -e \(marker) ]; then echo \"cascade: \(marker) (cascade resume): continuing from the POSCARs there, not staged in again\"; else \(command); fi"
    }

    /// `true` when `line` (trimmed) is a guarded command.
    public static func isGuarded(_ line: Substring) -> Bool {
        line.hasPrefix("if [ -e \(marker) ]; then ")
    }
}

/// A job script read back the way `sbatch` and the shell see it: the `#SBATCH` options before the first
/// command (sbatch stops looking for options at the first line that is neither blank nor a comment) and
/// the commands. The reader of the scripts ``JobTemplate/render(_:)`` writes (checked by a round-trip
/// property test); it never fails: what it does not recognise is a comment or a command.
public struct JobScriptContents: Sendable, Hashable {
    /// One `#SBATCH` option: `--nodes=5` and `--nodes 5` → (`--nodes`, `5`), `-p gpu` → (`-p`, `gpu`),
    /// `--exclusive` → (`--exclusive`, empty).
    public struct Directive: Sendable, Hashable, CustomStringConvertible {
        /// The option with its dashes, e.g. `--ntasks-per-node`.
        public var option: String
        /// The value (empty for a flag).
        public var value: String

        /// A directive.
        public init(_ option: String, _ value: String) {
            self.option = option
            self.value = value
        }

        /// `option=value` for a long option, `option value` for a short one, `option` for a flag.
        public var description: String {
            value.isEmpty ? option : option.hasPrefix("--") ? option + "=" + value : option + " " + value
        }
    }

    /// The interpreter of the first line (`/bin/bash` for `#!/bin/bash`), if there is one.
    public var interpreter: String?
    /// The `#SBATCH` options sbatch reads, in order.
    public var directives: [Directive]
    /// The command lines (not blank, not comments), trimmed, in order.
    public var commands: [String]
    /// 1-based numbers of `#SBATCH` lines after the first command, which sbatch ignores.
    public var ignoredDirectiveLines: [Int]

    /// The last value given for `option` (sbatch lets a later option override an earlier one).
    public func value(of option: String) -> String? { directives.last { $0.option == option }?.value }

    /// Reads a job script's text.
    public static func parse(text: String) -> JobScriptContents {
        var contents = JobScriptContents(interpreter: nil, directives: [], commands: [], ignoredDirectiveLines: [])
        // "\r\n" is one Character in Swift: split on both line ends.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        for (index, raw) in lines.enumerated() {
            let line = JobTemplate.trimmed(String(raw.hasSuffix("\r") ? raw.dropLast() : raw))
            if index == 0 && line.hasPrefix("#!") {
                contents.interpreter = JobTemplate.trimmed(String(line.dropFirst(2)))
                continue
            }
            if line.isEmpty { continue }
            if line.hasPrefix("#SBATCH") {
                if contents.commands.isEmpty {
                    contents.directives += directives(in: line.dropFirst(7))
                } else {
                    contents.ignoredDirectiveLines.append(index + 1)
                }
                continue
            }
            if line.hasPrefix("#") { continue }
            contents.commands.append(line)
        }
        return contents
    }

    /// The options of one `#SBATCH` line (after the keyword); a `#` word starts a comment.
    static func directives(in rest: Substring) -> [Directive] {
        let words = rest.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        var out: [Directive] = []
        var k = 0
        while k < words.count {
            let word = words[k]
            if word.hasPrefix("#") { break }
            if word.hasPrefix("--"), let equals = word.firstIndex(of: "=") {
                out.append(Directive(String(word[..<equals]), String(word[word.index(after: equals)...])))
            } else if word.hasPrefix("-"), k + 1 < words.count, !words[k + 1].hasPrefix("-"), !words[k + 1].hasPrefix("#") {
                out.append(Directive(word, words[k + 1]))
                k += 1
            } else {
                out.append(Directive(word, ""))
            }
            k += 1
        }
        return out
    }
}

/// The study-level `submit.sh`: submits every calculation with `sbatch`, in dependency order, each
/// job held until the jobs it depends on finished successfully (`--dependency=afterok:…`).
public enum SubmitScript {
    /// One job of the script.
    public struct Job: Sendable, Hashable {
        /// The folder (relative to the study folder).
        public var folder: String
        /// Folders of the jobs it waits for.
        public var dependencies: [String]

        /// A job.
        public init(folder: String, dependencies: [String]) {
            self.folder = folder
            self.dependencies = dependencies
        }
    }

    /// The script for `jobs`, which must be in dependency order. Dependencies that are not among
    /// `jobs` (calculations not generated this time) are noted in a comment and not waited for.
    public static func render(study: String, jobs: [Job]) -> String {
        var variable: [String: String] = [:]
        var lines = [
            "#!/bin/bash",
            "# Submits the \(jobs.count) calculation\(jobs.count == 1 ? "" : "s") of study \(study) to SLURM, in dependency order.",
            "# Written by `cascade generate`. Run it from anywhere: ./submit.sh",
            "# Each job waits (--dependency=afterok) for the jobs it needs: NEB end points before the NEB,",
            "# relaxations before the static and Bader runs that start from their CONTCAR.",
            "set -euo pipefail",
            "cd \"$(dirname \"$0\")\"",
            "",
            "# submit FOLDER [JOBID...]: submits FOLDER/job.sh after the given jobs succeeded; prints its job id.",
            "submit() {",
            "    local folder=$1",
            "    shift",
            "    local dependency=\"\"",
            "    if [ $# -gt 0 ]; then",
            "        dependency=\"--dependency=afterok:$(IFS=:; echo \"$*\")\"",
            "    fi",
            "    (cd \"$folder\" && sbatch --parsable $dependency job.sh) | cut -d';' -f1",
            "}",
            ""
        ]
        for (index, job) in jobs.enumerated() {
            let name = "job\(index + 1)"
            variable[job.folder] = name
            let waits = job.dependencies.compactMap { variable[$0] }
            let missing = job.dependencies.filter { variable[$0] == nil }
            if !missing.isEmpty {
                lines.append("# \(job.folder) needs \(missing.joined(separator: ", ")), not submitted by this script: it must have finished.")
            }
            let arguments = ([quoted(job.folder)] + waits.map { "\"$\($0)\"" }).joined(separator: " ")
            lines.append("\(name)=$(submit \(arguments))")
            lines.append(
                "echo \"\(job.folder): job $\(name)\(waits.isEmpty ? "" : " (after \(job.dependencies.filter { variable[$0] != nil }.joined(separator: ", ")))")\""
            )
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func quoted(_ s: String) -> String { "'" + s.replacingAll("'", with: "'\\''") + "'" }
}
