import Foundation
import Testing

@testable import VASP

@Suite struct TextOutputTests {
    @Test func writesAtomicallyAndNeverOverwritesWithoutForce() throws {
        let path = try volumetricTemporaryFolder() + "/plot.svg"
        #expect(!TextOutput.exists(path))
        try TextOutput.write("first\n", to: path)
        #expect(TextOutput.exists(path))
        #expect(throws: VASPError.cannotWrite(file: path, reason: "the file exists; pass force: true to replace it")) {
            try TextOutput.write("second\n", to: path)
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "first\n")
        try TextOutput.write("second\n", to: path, force: true)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "second\n")
        // No temporary file is left behind.
        let folder = (path as NSString).deletingLastPathComponent
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["plot.svg"])
    }

    @Test func missingFolderIsAnError() {
        #expect(throws: VASPError.self) { try TextOutput.write("x", to: "/nonexistent-folder-cascade/out.txt") }
    }
}
