import Foundation
import TestSupport
import Testing

/// Issue 16 §7: what `cascade generate` writes for both bundled studies is read by the field's own tools.
/// `tools/check-inputs.py` reads every POSCAR (NEB images included) with pymatgen and ASE and compares
/// atoms, species, positions and fixed atoms, and every INCAR and KPOINTS with pymatgen. The Python with
/// both is `CASCADE_PYTHON` (`.ci/run` makes it); without it the test is skipped, except on CI, where that
/// is a failure.
@Suite struct ForeignReadersTests {
    static var python: String? {
        let value = ProcessInfo.processInfo.environment["CASCADE_PYTHON"] ?? ""
        return value.isEmpty ? nil : value
    }

    @Test(arguments: ["tfsi-mof-copc", "co-cu111"])
    func pymatgenAndASEReadEveryInput(study: String) throws {
        guard let python = Self.python else {
            if Corpus.isCI { Issue.record("CASCADE_PYTHON (a Python with pymatgen and ASE) is not set; .ci/run sets it") }
            return
        }
        let root = try Corpus.temporaryURL("foreign-\(study)")
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = root.appendingPathComponent("study").path
        let made = try CascadeProcess.run(["init", folder, "--from", study], directory: root.path)
        #expect(made.status == 0, "\(made.stderr)")
        let runs = root.appendingPathComponent("runs").path
        let generated = try CascadeProcess.run(
            ["generate", "\(folder)/\(study).yaml", "--out", runs], environment: ["VASP_PP_PATH": "", "PMG_VASP_PSP_DIR": ""])
        #expect(generated.status == 0, "\(generated.stderr)")

        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [CascadeProcess.packageRoot.appendingPathComponent("tools/check-inputs.py").path, runs]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.contains("pymatgen and ASE read") && !text.contains("FAIL"), "\(text)")
    }
}
