import Foundation
import TestSupport
import Testing

@testable import Study

/// Issue 16.6: a Bader calculation's job runs VASP, then `cascade chgsum` and Henkelman's `bader`, so that
/// `tabulate` finds ACF.dat; it fails loudly when a file or the program is missing.
@Suite struct BaderJobTests {
    @Test func baderJobsPostProcessAndOthersDoNot() throws {
        let (folder, manifest) = try StudyFixture.smallStudy()
        defer { StudyFixture.remove(folder) }
        let plan = try GeneratorTests.plan(manifest, out: folder + "/runs")
        let bader = try #require(plan.calculations.first { $0.name == "bader/litfsi" })
        #expect(bader.jobScript.contains("\"$CASCADE\" chgsum AECCAR0 AECCAR2 --out CHGCAR_sum --force\n\"$BADER\" CHGCAR -ref CHGCAR_sum\n"))
        #expect(bader.jobScript.hasSuffix("test -s ACF.dat || { echo \"cascade: bader wrote no ACF.dat\" >&2; exit 1; }\n"))
        let relax = try #require(plan.calculations.first { $0.name == "relax/tfsi" })
        #expect(!relax.jobScript.contains("BADER") && relax.jobScript.hasSuffix("srun vasp_gam\n"))
    }

    /// The post-processing lines run for real in bash on the corpus Si AECCAR0/AECCAR2/CHGCAR, with the
    /// built `cascade` for chgsum and a stand-in `bader` that records its arguments and writes an ACF.dat.
    @Test func postProcessRunsChgsumThenBader() throws {
        guard Corpus.available else { return }
        let cascade = StudyFixture.packageRoot + "/.build/debug/cascade"
        guard FileManager.default.isExecutableFile(atPath: cascade) else {
            Issue.record("no built cascade at \(cascade)")
            return
        }
        let work = try StudyFixture.temporaryFolder("bader-job")
        defer { StudyFixture.remove(work) }
        for name in ["AECCAR0", "AECCAR2", "CHGCAR"] {
            let data = try #require(FileManager.default.contents(atPath: Corpus.path("volumetric/atomate_Si_static/\(name).gz")))
            try data.write(to: URL(fileURLWithPath: "\(work)/\(name).gz"))
            #expect(Self.run("gunzip \(name).gz", in: work).status == 0)
        }
        try "#!/bin/sh\necho \"$@\" > bader.args\necho fake > ACF.dat\n".write(toFile: work + "/fake-bader", atomically: true, encoding: .utf8)
        #expect(Self.run("chmod +x fake-bader", in: work).status == 0)
        let script = (["set -euo pipefail"] + JobScript.baderPostProcess(cascade: cascade, bader: work + "/fake-bader")).joined(separator: "\n")
        let ok = Self.run(script, in: work)
        #expect(ok.status == 0, "\(ok.output)")
        #expect(StudyFixture.exists(work + "/CHGCAR_sum"))
        #expect(try StudyFixture.read(work + "/bader.args") == "CHGCAR -ref CHGCAR_sum\n")
        // A missing AECCAR2 stops the job with the reason, before bader.
        try FileManager.default.removeItem(atPath: work + "/AECCAR2")
        let missing = Self.run(script, in: work)
        #expect(missing.status == 1 && missing.output.contains("VASP wrote no AECCAR2"), "\(missing.output)")
        let noBader = Self.run(
            (["set -euo pipefail"] + JobScript.baderPostProcess(cascade: cascade, bader: "/nonexistent/bader")).joined(separator: "\n"), in: work)
        #expect(noBader.status == 1 && noBader.output.contains("is not on this node"), "\(noBader.output)")
    }

    static func run(_ script: String, in folder: String) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script]
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        var env = ProcessInfo.processInfo.environment
        env["CASCADE"] = nil
        env["BADER"] = nil
        process.environment = env
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch { return (-1, "\(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
