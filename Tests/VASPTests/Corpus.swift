import Foundation
import Testing

/// The shared corpus of real VASP files: `../shared/corpus` from the package root, or `CASCADE_CORPUS`.
enum Corpus {
    static let root: String = {
        if let path = ProcessInfo.processInfo.environment["CASCADE_CORPUS"], !path.isEmpty { return path }
        let packageRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus").path
    }()

    /// The references next to the corpus (`corpus-ref`).
    static var referenceRoot: String {
        URL(fileURLWithPath: root).deletingLastPathComponent().appendingPathComponent("corpus-ref").path
    }

    static var available: Bool {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: root, isDirectory: &isFolder) && isFolder.boolValue
    }

    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"]?.lowercased() == "true" }

    static let skipMessage: Comment = "corpus folder not found (set CASCADE_CORPUS); corpus tests skipped"

    static func path(_ relative: String) -> String { root + "/" + relative }

    /// A reference JSON object.
    static func reference(_ relative: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: referenceRoot + "/" + relative))
        return try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// With `CI=true` a missing corpus is a failure, not a skip.
    static func checkPresentOnCI() {
        if isCI {
            #expect(available, "CI=true but the corpus is missing at \(root)")
        }
    }
}

