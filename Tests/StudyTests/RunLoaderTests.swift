import Foundation
import Testing

@testable import Study

@Suite struct RunLoaderTests {
    private func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cascade-runloader-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func aFileIsItself() {
        #expect(RunLoader.vasprunPath(for: "relax/vasprun.xml.gz") == "relax/vasprun.xml.gz")
    }

    @Test func aFolderPrefersThePlainFileThenTheGzip() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(RunLoader.vasprunPath(for: folder.path) == folder.path + "/vasprun.xml")
        #expect(FileManager.default.createFile(atPath: folder.path + "/vasprun.xml.gz", contents: Data()))
        #expect(RunLoader.vasprunPath(for: folder.path + "/") == folder.path + "/vasprun.xml.gz")
        #expect(FileManager.default.createFile(atPath: folder.path + "/vasprun.xml", contents: Data()))
        #expect(RunLoader.vasprunPath(for: folder.path) == folder.path + "/vasprun.xml")
    }
}
