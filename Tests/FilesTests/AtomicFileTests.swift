import Foundation
import TestSupport
import Testing

@testable import Files

@Suite struct AtomicFileTests {
    @Test func writesAtomicallyAndNeverOverwritesWithoutForce() throws {
        let folder = try Corpus.temporaryFolder("atomic")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/plot.svg"
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
        #expect(FileSystem.names(in: folder) == ["plot.svg"])
    }

    @Test func aDanglingLinkIsNeverReplacedWithoutForce() throws {
        let folder = try Corpus.temporaryFolder("atomic-link")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/out.txt"
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: folder + "/nowhere")
        #expect(!FileSystem.exists(path) && FileSystem.occupied(path))
        #expect(throws: FileError.self) { try AtomicFile.write("x", to: path) }
        #expect(!FileSystem.exists(folder + "/nowhere"))
    }

    @Test func permissionBitsAreSetOrTheWriteFails() throws {
        let folder = try Corpus.temporaryFolder("atomic-mode")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try AtomicFile.write("#!/bin/sh\n", to: folder + "/job.sh", mode: 0o755)
        let mode = try FileManager.default.attributesOfItem(atPath: folder + "/job.sh")[.posixPermissions] as? Int
        #expect(mode == 0o755)
    }

    @Test func missingFolderIsAnError() {
        #expect(throws: FileError.self) { try AtomicFile.write("x", to: "/nonexistent-folder-cascade/out.txt") }
    }

    @Test func makeFoldersIsMkdirP() throws {
        let folder = try Corpus.temporaryFolder("atomic-folders")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try AtomicFile.makeFolders(folder + "/a/b/c")
        try AtomicFile.makeFolders(folder + "/a/b/c")
        #expect(FileSystem.isDirectory(folder + "/a/b/c"))
        try AtomicFile.write("x", to: folder + "/file")
        #expect(throws: FileError.self) { try AtomicFile.makeFolders(folder + "/file/below") }
    }
}

@Suite struct FileSystemTests {
    @Test func removeTreeRemovesLinksWithoutFollowingThem() throws {
        let folder = try Corpus.temporaryFolder("remove-tree")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try AtomicFile.makeFolders(folder + "/keep")
        try AtomicFile.write("kept", to: folder + "/keep/file")
        try AtomicFile.makeFolders(folder + "/staging/inner")
        try FileManager.default.createSymbolicLink(atPath: folder + "/staging/inner/link", withDestinationPath: folder + "/keep")
        FileSystem.removeTree(folder + "/staging")
        #expect(!FileSystem.occupied(folder + "/staging"))
        #expect(FileSystem.names(in: folder + "/keep") == ["file"])
        #expect(FileSystem.bytes(folder + "/keep/file") == Array("kept".utf8))
        #expect(FileSystem.bytes(folder + "/missing") == nil && FileSystem.names(in: folder + "/missing").isEmpty)
    }
}

@Suite struct PathTextTests {
    @Test func trailingSlashes() {
        #expect(PathText.trimmingTrailingSlash("runs/") == "runs")
        #expect(PathText.trimmingTrailingSlash("runs//") == "runs")
        #expect(PathText.trimmingTrailingSlash("/") == "/")
        #expect(PathText.trimmingTrailingSlash("//") == "/")
        #expect(PathText.trimmingTrailingSlash("") == ".")
        #expect(PathText.trimmingTrailingSlash("a/b") == "a/b")
    }

    @Test func folderBaseAndResolution() {
        #expect(PathText.folder(of: "a/b/c.yaml") == "a/b" && PathText.folder(of: "c.yaml") == "." && PathText.folder(of: "/c") == "/")
        #expect(PathText.baseName("a/b/c.yaml") == "c.yaml" && PathText.baseName("c") == "c")
        #expect(PathText.resolve("../s/x.vasp", against: "study/sets") == "study/s/x.vasp")
        #expect(PathText.resolve("/abs/x", against: "study") == "/abs/x")
        #expect(PathText.normalize("/../a/./b/..") == "/a" && PathText.normalize("../a") == "../a")
        #expect(PathText.relative("a/b/c", from: "a/d") == "../b/c" && PathText.relative("a", from: "a") == ".")
    }
}
