import Foundation
import Testing

@testable import Files
@testable import Study

@Suite struct JobScriptTests {
    /// The bundled templates/slurm.sh is the built-in default.
    @Test func bundledTemplateIsTheStandardOne() throws {
        let file = try JobTemplate.load(path: StudyFixture.templates + "/slurm.sh")
        #expect(file.text == JobTemplate.standardText)
        #expect(
            file.placeholders == [
                "job_name", "nodes", "ntasks_per_node", "time", "partition", "account", "output", "sbatch_extra", "study",
                "calculation", "set", "system", "modules", "stage_in", "vasp_command", "post_process"
            ])
    }

    /// Golden snapshot of one job.sh: NEB with stage-in lines, modules, an extra #SBATCH option,
    /// no partition and no account (their lines are dropped).
    @Test func nebJobScriptSnapshot() throws {
        let settings = JobSettings(
            values: [("nodes", "5"), ("ntasks_per_node", "40"), ("time", "72:00:00"), ("account", "")],
            modules: ["module purge", "module load vasp/6.4.2-vtst"], sbatch: ["--mem=0"])
        let stageIn =
            JobScript.stageIn(from: "../../relax/copc-s0", sourceName: "relax/copc-s0", to: "00/POSCAR", outcar: true)
            + JobScript.stageIn(from: "../../relax/copc-s1", sourceName: "relax/copc-s1", to: "06/POSCAR", outcar: true)
        let values = JobScript.values(
            settings: settings, study: "tfsi-mof-copc", calculation: "neb/copc/1-ns-cleavage", set: "neb",
            system: "copc-s0 → copc-s1", stageIn: stageIn, gammaOnly: true)
        let script = try JobTemplate.standard.render(values)
        let golden = """
            #!/bin/bash
            #SBATCH --job-name=tfsi-mof-copc-neb-copc-1-ns-cleavage
            #SBATCH --nodes=5
            #SBATCH --ntasks-per-node=40
            #SBATCH --time=72:00:00
            #SBATCH --output=slurm-%j.out
            #SBATCH --mem=0
            # Written by `cascade generate`: study tfsi-mof-copc, calculation neb/copc/1-ns-cleavage,
            # input set neb, system copc-s0 → copc-s1. Submit with sbatch from this folder
            # (or all calculations in order with submit.sh in the study folder).
            set -euo pipefail
            module purge
            module load vasp/6.4.2-vtst
            test -s ../../relax/copc-s0/CONTCAR || { echo "cascade: ../../relax/copc-s0/CONTCAR is missing or empty: run relax/copc-s0 first" >&2; exit 1; }
            cp ../../relax/copc-s0/CONTCAR 00/POSCAR
            cp ../../relax/copc-s0/OUTCAR 00/OUTCAR
            test -s ../../relax/copc-s1/CONTCAR || { echo "cascade: ../../relax/copc-s1/CONTCAR is missing or empty: run relax/copc-s1 first" >&2; exit 1; }
            cp ../../relax/copc-s1/CONTCAR 06/POSCAR
            cp ../../relax/copc-s1/OUTCAR 06/OUTCAR
            srun vasp_gam

            """
        #expect(script == golden)
    }

    @Test func renderingRules() throws {
        let template = JobTemplate(file: "t.sh", text: "#SBATCH -p {{partition}}\n# {{note}} here\n{{lines}}\nrun {{exe}} {{args}}\n")
        let out = try template.render(["partition": "", "note": "", "lines": "a\nb", "exe": "vasp", "args": ""])
        #expect(out == "#  here\na\nb\nrun vasp \n")
        #expect { try template.render(["partition": "x"]) } throws: { error in
            guard case StudyError.invalid(let location, let message) = error else { return false }
            return location == ManifestLocation(file: "t.sh", line: 2) && message.contains("{{note}}")
        }
    }

    @Test func gammaOnlyRunsUseTheGammaExecutable() {
        let settings = JobSettings(values: [("vasp", "mpirun vasp_std"), ("vasp_gamma", "mpirun vasp_gam")])
        let gamma = JobScript.values(settings: settings, study: "s", calculation: "c", set: "relax", system: "x", stageIn: [], gammaOnly: true)
        let mesh = JobScript.values(settings: settings, study: "s", calculation: "c", set: "relax", system: "x", stageIn: [], gammaOnly: false)
        #expect(gamma["vasp_command"] == "mpirun vasp_gam")
        #expect(mesh["vasp_command"] == "mpirun vasp_std")
        #expect(gamma["job_name"] == "s-c")
    }

    /// submit.sh submits in order and chains with afterok: end points before NEB, relax before static.
    @Test func submitScriptChainsDependencies() {
        let jobs = [
            SubmitScript.Job(folder: "relax/a", dependencies: []),
            SubmitScript.Job(folder: "relax/b", dependencies: []),
            SubmitScript.Job(folder: "static/a", dependencies: ["relax/a"]),
            SubmitScript.Job(folder: "neb/ab", dependencies: ["relax/a", "relax/b"]),
            SubmitScript.Job(folder: "neb/bc", dependencies: ["relax/b", "relax/c"])
        ]
        let script = SubmitScript.render(study: "demo", jobs: jobs)
        let lines = script.split(separator: "\n").map(String.init)
        #expect(lines.first == "#!/bin/bash")
        #expect(lines.contains("job1=$(submit 'relax/a')"))
        #expect(lines.contains("job3=$(submit 'static/a' \"$job1\")"))
        #expect(lines.contains("job4=$(submit 'neb/ab' \"$job1\" \"$job2\")"))
        #expect(lines.contains("# neb/bc needs relax/c, not submitted by this script: it must have finished."))
        #expect(lines.contains("job5=$(submit 'neb/bc' \"$job2\")"))
        #expect(script.contains("sbatch --parsable $dependency job.sh"))
        #expect(script.contains("--dependency=afterok:$(IFS=:; echo \"$*\")"))
    }

    /// The script's submit function really builds `--dependency=afterok:1:2` (run with a fake sbatch).
    @Test func submitScriptRunsWithAFakeSbatch() throws {
        let folder = try StudyFixture.temporaryFolder("submit")
        defer { StudyFixture.remove(folder) }
        for name in ["relax/a", "relax/b", "neb/ab"] {
            try StudyFixture.write("#!/bin/bash\n", to: "\(name)/job.sh", in: folder)
        }
        let log = folder + "/sbatch.log"
        try StudyFixture.write(
            """
            #!/bin/bash
            n=$(($(wc -l < \(log) 2>/dev/null || echo 0) + 1))
            echo "$(basename $(dirname $PWD))/$(basename $PWD) $*" >> \(log)
            echo "$((100 + n));cluster"
            """, to: "bin/sbatch", in: folder)
        chmod(folder + "/bin/sbatch", 0o755)
        let jobs = [
            SubmitScript.Job(folder: "relax/a", dependencies: []), SubmitScript.Job(folder: "relax/b", dependencies: []),
            SubmitScript.Job(folder: "neb/ab", dependencies: ["relax/a", "relax/b"])
        ]
        try AtomicFile.write(SubmitScript.render(study: "demo", jobs: jobs), to: folder + "/submit.sh", force: true, mode: 0o755)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [folder + "/submit.sh"]
        process.environment = ["PATH": folder + "/bin:/usr/bin:/bin"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(output.contains("neb/ab: job 103 (after relax/a, relax/b)"))
        let calls = try StudyFixture.read(log).split(separator: "\n").map(String.init)
        #expect(
            calls == [
                "relax/a --parsable job.sh", "relax/b --parsable job.sh",
                "neb/ab --parsable --dependency=afterok:101:102 job.sh"
            ])
    }
}

/// Issue 7 §4: job scripts round-trip. 1,000 seeded random job settings (placeholder values set,
/// emptied or left to their defaults, overridden, extra `#SBATCH` options, modules, stage-in lines,
/// Γ-only or not) are rendered with the standard template and read back with ``JobScriptContents``:
/// the options sbatch sees and the commands the shell runs are exactly the ones asked for.
@Suite struct JobScriptPropertyTests {
    typealias Directive = JobScriptContents.Directive

    /// One random job and what its script must say.
    struct Case {
        var settings: JobSettings
        var study: String
        var calculation: String
        var stageIn: [String]
        var gammaOnly: Bool
        var directives: [Directive]
        var commands: [String]
        /// An `#SBATCH` line of the template was dropped (its value set empty).
        var droppedLine: Bool
    }

    @Test func roundTripOfRandomJobScripts() throws {
        var g = SeededRandom(seed: 0x5EED_0005)
        var dropped = 0
        var extras = 0
        var stagedIn = 0
        for trial in 0..<1_000 {
            let job = Self.randomCase(&g)
            let values = JobScript.values(
                settings: job.settings, study: job.study, calculation: job.calculation, set: g.pick(["relax", "static", "neb"]),
                system: g.word("abcxyz0123 -→", maxLength: 12), stageIn: job.stageIn, gammaOnly: job.gammaOnly)
            let script = try JobTemplate.standard.render(values)
            let read = JobScriptContents.parse(text: script)
            #expect(read.interpreter == "/bin/bash", "trial \(trial)")
            #expect(read.directives == job.directives, "trial \(trial):\n\(script)")
            #expect(read.commands == job.commands, "trial \(trial):\n\(script)")
            #expect(read.ignoredDirectiveLines.isEmpty, "trial \(trial)")
            if job.droppedLine { dropped += 1 }
            if job.directives.count > 7 { extras += 1 }
            if !job.stageIn.isEmpty { stagedIn += 1 }
        }
        #expect(dropped > 100 && extras > 100 && stagedIn > 100, "\(dropped) \(extras) \(stagedIn)")
    }

    /// The reader on what people write by hand: long options with a blank, short options, flags, trailing
    /// comments, options after the first command (ignored by sbatch), CRLF line ends.
    @Test func readsHandWrittenScripts() {
        let text =
            "#!/bin/sh\r\n#SBATCH -N 2 -p gpu\r\n# comment\r\n#SBATCH --mem 0 --exclusive # whole node\r\n\r\nmodule load vasp\r\n#SBATCH --time=1:00:00\r\nsrun vasp_std\r\n"
        let read = JobScriptContents.parse(text: text)
        #expect(read.interpreter == "/bin/sh")
        #expect(read.directives == [Directive("-N", "2"), Directive("-p", "gpu"), Directive("--mem", "0"), Directive("--exclusive", "")])
        #expect(read.commands == ["module load vasp", "srun vasp_std"])
        #expect(read.ignoredDirectiveLines == [7])
        #expect(read.value(of: "-p") == "gpu")
        #expect(read.directives.map(\.description) == ["-N 2", "-p gpu", "--mem=0", "--exclusive"])
    }

    static func randomCase(_ g: inout SeededRandom) -> Case {
        let word = "abcdefghijklmnopqrstuvwxyz0123456789_-"
        // Names start with a letter: a value starting with '-' would read as an option.
        func name(_ maxLength: Int) -> String { g.word("abcdefghijklmnopqrstuvwxyz", maxLength: 1) + g.word(word, maxLength: maxLength) }
        func maybeEmpty(_ make: () -> String) -> String { Int.random(in: 0..<5, using: &g) == 0 ? "" : make() }
        // Values for the standard placeholders: nil = default, "" = the #SBATCH line is dropped.
        var chosen: [String: String] = [:]
        if Bool.random(using: &g) { chosen["nodes"] = maybeEmpty { g.pick([String(Int.random(in: 1...512, using: &g)), "2-4"]) } }
        if Bool.random(using: &g) { chosen["ntasks_per_node"] = maybeEmpty { String(Int.random(in: 1...256, using: &g)) } }
        if Bool.random(using: &g) {
            chosen["time"] = maybeEmpty {
                let hms = String(
                    format: "%02d:%02d:%02d", Int.random(in: 0...99, using: &g), Int.random(in: 0...59, using: &g), Int.random(in: 0...59, using: &g))
                return g.pick([hms, "\(Int.random(in: 1...7, using: &g))-\(hms)", String(Int.random(in: 1...9000, using: &g))])
            }
        }
        if Bool.random(using: &g) { chosen["partition"] = maybeEmpty { g.pick([name(10), "cpu,gpu"]) } }
        if Bool.random(using: &g) { chosen["account"] = maybeEmpty { name(12) } }
        if Bool.random(using: &g) { chosen["output"] = maybeEmpty { g.pick(["slurm-%j.out", "%x-%j.log", "logs/out.%j"]) } }
        let jobName = Bool.random(using: &g) ? maybeEmpty { name(16) + g.pick(["", ".x"]) } : nil
        if let jobName { chosen["job_name"] = jobName }
        let vasp = Bool.random(using: &g) ? "mpirun -np \(Int.random(in: 1...128, using: &g)) vasp_std" : nil
        let vaspGamma = Bool.random(using: &g) ? "srun --mpi=pmix vasp_gam" : nil
        if let vasp { chosen["vasp"] = vasp }
        if let vaspGamma { chosen["vasp_gamma"] = vaspGamma }

        // Settings in a random order, sometimes with an earlier value the later one overrides.
        var entries: [(key: String, value: String)] = []
        for key in chosen.keys.sorted().shuffled(using: &g) {
            if Int.random(in: 0..<6, using: &g) == 0 { entries.append((key, "overridden")) }
            entries.append((key, chosen[key] ?? ""))
        }
        let modulePool = [
            "module purge", "module load vasp/6.4.\(Int.random(in: 0...3, using: &g))", "source /opt/intel/setvars.sh",
            "export OMP_NUM_THREADS=1", "ulimit -s unlimited"
        ]
        let modules: [String]? = Bool.random(using: &g) ? (0..<Int.random(in: 0...4, using: &g)).map { _ in g.pick(modulePool) } : nil
        let extraPool = [
            Directive("--mem", g.pick(["0", "64G", "\(Int.random(in: 1...999, using: &g))M"])), Directive("--exclusive", ""),
            Directive("--constraint", g.pick(["cpu", "gpu", "skylake"])), Directive("-C", "gpu"), Directive("--qos", name(8)),
            Directive("--gres", "gpu:\(Int.random(in: 1...8, using: &g))"), Directive("--mail-type", "END,FAIL"), Directive("-J", name(8))
        ]
        let extra: [Directive]? = Bool.random(using: &g) ? (0..<Int.random(in: 0...4, using: &g)).map { _ in g.pick(extraPool) } : nil
        let settings = JobSettings(values: entries, modules: modules, sbatch: extra?.map(\.description))

        let study = g.word(word, maxLength: 12)
        let calculation = (0..<Int.random(in: 1...3, using: &g)).map { _ in g.word(word, maxLength: 8) }.joined(separator: "/")
        var stageIn: [String] = []
        for k in 0..<Int.random(in: 0...2, using: &g) {
            let source = g.word(word, maxLength: 8)
            stageIn += JobScript.stageIn(
                from: "../../relax/" + source, sourceName: "relax/" + source,
                to: k == 0 ? "POSCAR" : "0\(k)/POSCAR", outcar: Bool.random(using: &g))
        }
        let gammaOnly = Bool.random(using: &g)

        // What the script must say, from the choices above (not from JobScript's own tables).
        let defaults = ["nodes": "1", "ntasks_per_node": "32", "time": "24:00:00", "output": "slurm-%j.out"]
        var directives: [Directive] = []
        let name = jobName.flatMap { $0.isEmpty ? nil : $0 } ?? study + "-" + calculation.split(separator: "/").joined(separator: "-")
        directives.append(Directive("--job-name", name))
        for (key, option) in [
            ("nodes", "--nodes"), ("ntasks_per_node", "--ntasks-per-node"), ("time", "--time"),
            ("partition", "--partition"), ("account", "--account"), ("output", "--output")
        ] {
            let value = chosen[key] ?? defaults[key] ?? ""
            if !value.isEmpty { directives.append(Directive(option, value)) }
        }
        directives += extra ?? []
        let command = gammaOnly ? (vaspGamma ?? "srun vasp_gam") : (vasp ?? "srun vasp_std")
        let commands = ["set -euo pipefail"] + (modules ?? []) + stageIn + [command]
        return Case(
            settings: settings, study: study, calculation: calculation, stageIn: stageIn, gammaOnly: gammaOnly,
            directives: directives, commands: commands, droppedLine: chosen.values.contains(""))
    }
}
