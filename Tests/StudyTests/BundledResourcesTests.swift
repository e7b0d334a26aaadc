import Foundation
import Testing

@testable import Study

/// The files compiled into the binary (Sources/Study/Bundled/BundledFiles.swift, written by
/// tools/bundle-resources.py) and how they are unpacked.
@Suite struct BundledResourcesTests {
    static let folders = ["templates", "structures", "examples"]

    /// Every file under templates/, structures/ and examples/ (hidden ones excepted), relative to the root.
    static func filesOnDisk() throws -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        let root = StudyFixture.packageRoot
        for folder in folders {
            let enumerator = try #require(FileManager.default.enumerator(atPath: root + "/" + folder))
            while let relative = enumerator.nextObject() as? String {
                let path = folder + "/" + relative
                if relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
                var isFolder: ObjCBool = false
                guard FileManager.default.fileExists(atPath: root + "/" + path, isDirectory: &isFolder), !isFolder.boolValue else { continue }
                files[path] = Array(try Data(contentsOf: URL(fileURLWithPath: root + "/" + path)))
            }
        }
        return files
    }

    /// The generated file holds exactly the files on disk: editing a template, a structure or the
    /// example without running tools/bundle-resources.py fails here.
    @Test func theCompiledFilesAreTheFilesOnDisk() throws {
        let disk = try Self.filesOnDisk()
        let compiled = Dictionary(uniqueKeysWithValues: BundledResources.all.map { ($0.path, $0.bytes) })
        let added = disk.keys.filter { compiled[$0] == nil }.sorted()
        let removed = compiled.keys.filter { disk[$0] == nil }.sorted()
        let changed = disk.keys.filter { compiled[$0] != nil && compiled[$0] != disk[$0] }.sorted()
        let stale = [("not compiled in", added), ("compiled in but gone", removed), ("changed", changed)]
            .filter { !$0.1.isEmpty }
            .map { "\($0.0): \($0.1.joined(separator: ", "))" }
        #expect(stale.isEmpty, "Sources/Study/Bundled/BundledFiles.swift is stale (\(stale.joined(separator: "; "))): run tools/bundle-resources.py")
        #expect(compiled["templates/studies/\(BundledResources.defaultStudy).yaml"] != nil)
        #expect(compiled[BundledResources.example] != nil)
    }

    /// The digest compiled in is the digest of the files compiled in (the folder name depends on it).
    @Test func theDigestIsTheContents() {
        let files = BundledResources.all.map { (path: $0.path, bytes: $0.bytes) }
        #expect(BundledResources.digest(of: files) == BundledResources.contentDigest)
        #expect(BundledResources.folderName == "bundled-" + BundledResources.contentDigest.prefix(12))
        #expect(BundledResources.all.map(\.path) == BundledResources.all.map(\.path).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
    }

    /// Same definition as tools/bundle-resources.py: path, NUL, byte count, NUL, bytes, in path order.
    @Test func digestDefinition() {
        let empty = BundledResources.digest(of: [])
        #expect(empty == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        // printf 'a\0' '1\0' 'x' 'b\0' '0\0' | sha256sum, in either input order.
        let one = BundledResources.digest(of: [(path: "b", bytes: []), (path: "a", bytes: [0x78])])
        #expect(one == SHA256.hex(of: Array("a\u{0}1\u{0}xb\u{0}0\u{0}".utf8)))
    }

    @Test func unpacksOnceAndReusesTheFolder() throws {
        let cache = try StudyFixture.temporaryFolder("bundle-cache")
        defer { StudyFixture.remove(cache) }
        let root = try BundledResources.unpack(into: cache + "/cascade")
        #expect(root == cache + "/cascade/" + BundledResources.folderName)
        #expect(BundledResources.holdsBundle(root))
        let manifest = root + "/templates/studies/\(BundledResources.defaultStudy).yaml"
        #expect(try StudyManifest.load(path: manifest).study == BundledResources.defaultStudy)
        // Nothing else is left in the cache folder (no staging folder).
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache + "/cascade") == [BundledResources.folderName])

        let before = try FileManager.default.attributesOfItem(atPath: manifest)[.modificationDate] as? Date
        let marker = root + "/marker"
        try Data("kept".utf8).write(to: URL(fileURLWithPath: marker))
        #expect(try BundledResources.unpack(into: cache + "/cascade") == root)
        #expect(StudyFixture.exists(marker), "the folder was unpacked again instead of reused")
        #expect(try FileManager.default.attributesOfItem(atPath: manifest)[.modificationDate] as? Date == before)
    }

    /// A file changed or removed in the unpacked folder is noticed, and the folder is unpacked again.
    @Test func aChangedFolderIsUnpackedAgain() throws {
        let cache = try StudyFixture.temporaryFolder("bundle-cache")
        defer { StudyFixture.remove(cache) }
        let root = try BundledResources.unpack(into: cache)
        let manifest = root + "/templates/studies/\(BundledResources.defaultStudy).yaml"
        try Data("study: edited\n".utf8).write(to: URL(fileURLWithPath: manifest))
        try FileManager.default.removeItem(atPath: root + "/" + BundledResources.example)
        #expect(!BundledResources.holdsBundle(root))
        #expect(try BundledResources.unpack(into: cache) == root)
        #expect(BundledResources.holdsBundle(root))
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache) == [BundledResources.folderName])
    }

    /// Several processes (here threads) unpacking at once all get the same complete folder.
    @Test func concurrentUnpacksAgree() async throws {
        let cache = try StudyFixture.temporaryFolder("bundle-cache")
        defer { StudyFixture.remove(cache) }
        let roots = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<4 { group.addTask { try BundledResources.unpack(into: cache) } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(Set(roots) == [cache + "/" + BundledResources.folderName])
        #expect(BundledResources.holdsBundle(cache + "/" + BundledResources.folderName))
        #expect(try FileManager.default.contentsOfDirectory(atPath: cache) == [BundledResources.folderName])
    }

    /// XDG_CACHE_HOME, then ~/.cache, then the temporary folder; an unwritable one is skipped.
    @Test func cacheFoldersInOrder() throws {
        let uid = getuid()
        #expect(
            BundledResources.cacheFolders(environment: ["XDG_CACHE_HOME": "/x/", "HOME": "/h", "TMPDIR": "/t/"])
                == ["/x/cascade", "/h/.cache/cascade", "/t/cascade-\(uid)"])
        #expect(BundledResources.cacheFolders(environment: ["XDG_CACHE_HOME": "relative"]) == ["/tmp/cascade-\(uid)"])

        let temporary = try StudyFixture.temporaryFolder("bundle-tmp")
        defer { StudyFixture.remove(temporary) }
        // A file where the cache folder would be: not writable as a folder, so the next one is used.
        try Data().write(to: URL(fileURLWithPath: temporary + "/not-a-folder"))
        let root = try BundledResources.root(environment: ["XDG_CACHE_HOME": temporary + "/not-a-folder", "TMPDIR": temporary])
        #expect(root == temporary + "/cascade-\(uid)/" + BundledResources.folderName)
        let mode = try FileManager.default.attributesOfItem(atPath: temporary + "/cascade-\(uid)")[.posixPermissions] as? Int
        #expect(mode == 0o700)
    }

    @Test func base64Decodes() {
        #expect(Base64.decode("") == [])
        #expect(Base64.decode("TWFu") == Array("Man".utf8))
        #expect(Base64.decode("TWE=") == Array("Ma".utf8))
        #expect(Base64.decode("TQ==") == Array("M".utf8))
        #expect(Base64.decode("AP8Q") == [0x00, 0xFF, 0x10])
    }
}
