import Foundation
import Testing

@testable import VASP
@testable import Files

@Suite struct TextOutputTests {
    @Test func writesAtomicallyAndNeverOverwritesWithoutForce() throws {
        let path = try volumetricTemporaryFolder() + "/plot.svg"
        #expect(!FileSystem.occupied(path))
        try AtomicFile.write("first\n", to: path)
        #expect(FileSystem.occupied(path))
        #expect(throws: FileError.cannotWrite(file: path, reason: "the file exists; pass force: true to replace it")) {
            try AtomicFile.write("second\n", to: path)
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "first\n")
        try AtomicFile.write("second\n", to: path, force: true)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "second\n")
        // No temporary file is left behind.
        let folder = (path as NSString).deletingLastPathComponent
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["plot.svg"])
    }

    @Test func missingFolderIsAnError() {
        #expect(throws: FileError.self) { try AtomicFile.write("x", to: "/nonexistent-folder-cascade/out.txt") }
    }
}
