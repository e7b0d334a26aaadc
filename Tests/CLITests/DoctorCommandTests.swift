import Foundation
import Testing

/// End-to-end tests of `cascade doctor` on the bundled study: exit status, report on stdout.
@Suite struct DoctorCommandTests {
    /// A fake POTCAR library (TITEL and ZVAL lines only) with the bundled study's labels, ASE layout.
    static func fakeLibrary(labels: [String]) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("cascade-pp-\(UUID().uuidString)")
        for label in labels {
            let folder = root.appendingPathComponent("potpaw_PBE/\(label)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let text = "  fake\n   TITEL  = PAW_PBE \(label) 01Jan2000\n   POMASS =    1.000; ZVAL   =    4.000    mass and valenz\n"
            try text.write(to: folder.appendingPathComponent("POTCAR"), atomically: true, encoding: .utf8)
        }
        return root
    }

    static let bundledLabels = ["S", "N", "O", "C", "F", "Li_sv", "Co", "Fe", "H"]
    static let noLibrary = ["VASP_PP_PATH": "", "PMG_VASP_PSP_DIR": ""]

    @Test func allWellExitsZero() throws {
        let root = try Self.fakeLibrary(labels: Self.bundledLabels)
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try CascadeProcess.run(["doctor", "--potcars", root.path], environment: Self.noLibrary)
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.contains("9 of 9 labels of the study resolve"))
        #expect(result.stdout.contains("All is well"))
        #expect(result.stderr.isEmpty)
    }

    @Test func noLibraryExitsOneWithTheFix() throws {
        let result = try CascadeProcess.run(["doctor"], environment: Self.noLibrary)
        #expect(result.status == 1)
        #expect(result.stdout.contains("1 problem to fix:"))
        #expect(result.stdout.contains("fix: export VASP_PP_PATH="))
        #expect(result.stdout.contains("the study uses 9 POTCAR labels"))
    }

    @Test func aMissingLabelFromTheEnvironment() throws {
        let root = try Self.fakeLibrary(labels: Self.bundledLabels.filter { $0 != "Co" })
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try CascadeProcess.run(["doctor"], environment: ["VASP_PP_PATH": root.path, "PMG_VASP_PSP_DIR": ""])
        #expect(result.status == 1)
        #expect(result.stdout.contains("problem  Co does not resolve: no POTCAR for Co"))
        #expect(result.stdout.contains("1. [POTCAR library] Co does not resolve"))
    }

    @Test func aManifestErrorNamesFileLineAndColumn() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("cascade-bad-\(UUID().uuidString).yaml")
        try "study: bad\nsystems:\n  - {name: a, file: a.vasp, charge: [1}\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try CascadeProcess.run(["doctor", file.path], environment: Self.noLibrary)
        #expect(result.status == 1)
        #expect(result.stdout.contains("[Manifest] \(file.path):3:"))
    }

    @Test func helpHasAWorkedExample() throws {
        let result = try CascadeProcess.run(["doctor", "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("cascade doctor tfsi-mof-copc/tfsi-mof-copc.yaml --potcars"))
        #expect(result.stdout.contains("Worked example"))
    }
}
