import Foundation
import Testing

/// The shared corpus for StudyTests: `../shared/corpus` from the package root, or `CASCADE_CORPUS`;
/// references in the sibling `corpus-ref` (a copy of VASPTests' `Corpus` helper).
enum StudyCorpus {
    static let root: String = {
        if let path = ProcessInfo.processInfo.environment["CASCADE_CORPUS"], !path.isEmpty { return path }
        let packageRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus").path
    }()

    static var referenceRoot: String {
        URL(fileURLWithPath: root).deletingLastPathComponent().appendingPathComponent("corpus-ref").path
    }

    static var available: Bool { FileManager.default.fileExists(atPath: root) }
    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"]?.lowercased() == "true" }

    static func path(_ relative: String) -> String { root + "/" + relative }

    static func reference(_ relative: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: referenceRoot + "/" + relative))
        return try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// With `CI=true` a missing corpus is a failure, not a skip.
    static func checkPresentOnCI() {
        if isCI { #expect(available, "CI=true but the corpus is missing at \(root)") }
    }

    /// Copies corpus files into a temporary tree: `files` maps a destination (relative to the new folder)
    /// to a corpus-relative source.
    static func tree(_ files: [String: String], label: String) throws -> String {
        let folder = try StudyFixture.temporaryFolder(label)
        for (destination, source) in files {
            let target = folder + "/" + destination
            try FileManager.default.createDirectory(
                atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: path(source), toPath: target)
        }
        return folder
    }
}
