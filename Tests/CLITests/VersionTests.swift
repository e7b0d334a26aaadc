import Foundation
import Testing

/// `cascade --version`: the version and the commit (which a build does not embed, so it says unknown).
@Suite struct VersionTests {
    @Test func versionAndCommit() throws {
        let result = try CascadeProcess.run(["--version"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout == "cascade 0.1.0 (commit unknown)\n")
        #expect(result.stderr.isEmpty)
    }
}
