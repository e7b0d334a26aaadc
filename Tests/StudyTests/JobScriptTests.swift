import Foundation
@testable import Study
import Testing

@Suite struct JobScriptTests {
    /// The bundled templates/slurm.sh is the built-in default.
    @Test func bundledTemplateIsTheStandardOne() throws {
        let file = try JobTemplate.load(path: StudyFixture.templates + "/slurm.sh")
        #expect(file.text == JobTemplate.standardText)
        #expect(file.placeholders == [
            "job_name", "nodes", "ntasks_per_node", "time", "partition", "account", "output", "sbatch_extra", "study",
            "calculation", "set", "system", "modules", "stage_in", "vasp_command",
        ])
    }

    /// Golden snapshot of one job.sh: NEB with stage-in lines, modules, an extra #SBATCH option,
    /// no partition and no account (their lines are dropped).
    @Test func nebJobScriptSnapshot() throws {
        let settings = JobSettings(
            values: [("nodes", "5"), ("ntasks_per_node", "40"), ("time", "72:00:00"), ("account", "")],
            modules: ["module purge", "module load vasp/6.4.2-vtst"], sbatch: ["--mem=0"])
        let stageIn = JobScript.stageIn(from: "../../relax/copc-s0", sourceName: "relax/copc-s0", to: "00/POSCAR", outcar: true)
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
            SubmitScript.Job(folder: "neb/bc", dependencies: ["relax/b", "relax/c"]),
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
        try StudyFixture.write("""
            #!/bin/bash
            n=$(($(wc -l < \(log) 2>/dev/null || echo 0) + 1))
            echo "$(basename $(dirname $PWD))/$(basename $PWD) $*" >> \(log)
            echo "$((100 + n));cluster"
            """, to: "bin/sbatch", in: folder)
        chmod(folder + "/bin/sbatch", 0o755)
        let jobs = [
            SubmitScript.Job(folder: "relax/a", dependencies: []), SubmitScript.Job(folder: "relax/b", dependencies: []),
            SubmitScript.Job(folder: "neb/ab", dependencies: ["relax/a", "relax/b"]),
        ]
        try AtomicFile.write(SubmitScript.render(study: "demo", jobs: jobs), to: folder + "/submit.sh", replace: true, mode: 0o755)
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
        #expect(calls == [
            "relax/a --parsable job.sh", "relax/b --parsable job.sh",
            "neb/ab --parsable --dependency=afterok:101:102 job.sh",
        ])
    }
}
