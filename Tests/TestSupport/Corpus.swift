import Foundation
import Testing

/// The shared corpus of real VASP files (`../shared/corpus` beside the package, or `CASCADE_CORPUS`),
/// its pymatgen/ASE references (`corpus-ref` beside it), and run trees built from it in temporary
/// folders. Every test target finds the corpus through this one type.
public enum Corpus {
    /// The package's root folder (this file is `Tests/TestSupport/Corpus.swift`).
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The corpus folder.
    public static let root: String = {
        if let path = ProcessInfo.processInfo.environment["CASCADE_CORPUS"], !path.isEmpty { return path }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus").path
    }()

    /// The references next to the corpus (`corpus-ref`).
    public static var referenceRoot: String {
        URL(fileURLWithPath: root).deletingLastPathComponent().appendingPathComponent("corpus-ref").path
    }

    /// `true` when the corpus folder exists.
    public static var available: Bool {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: root, isDirectory: &isFolder) && isFolder.boolValue
    }

    /// `true` under CI (`CI=true`), where a missing corpus is a failure, never a skip.
    public static var isCI: Bool { ProcessInfo.processInfo.environment["CI"]?.lowercased() == "true" }

    /// Why a corpus test did not run.
    public static let skipMessage: Comment = "corpus folder not found (set CASCADE_CORPUS); corpus tests skipped"

    /// A corpus file's absolute path from its corpus-relative one.
    public static func path(_ relative: String) -> String { root + "/" + relative }

    /// A reference JSON object (`corpus-ref/<relative>`).
    public static func reference(_ relative: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: referenceRoot + "/" + relative))
        return try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// With `CI=true` a missing corpus is a failure, not a skip.
    public static func checkPresentOnCI() {
        if isCI { #expect(available, "CI=true but the corpus is missing at \(root)") }
    }

    // MARK: Run trees

    /// A new empty temporary folder `cascade-<label>-<UUID>`.
    public static func temporaryFolder(_ label: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cascade-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    /// Links the corpus file `source` (corpus-relative) as `<runs>/<destination>`, making folders.
    public static func link(_ source: String, _ destination: String, in runs: String) throws {
        let target = runs + "/" + destination
        try FileManager.default.createDirectory(
            atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: target, withDestinationPath: path(source))
    }

    /// Copies corpus files into a new temporary tree: `files` maps a destination (relative to the new
    /// folder) to a corpus-relative source. Returns the folder.
    public static func tree(_ files: [String: String], label: String) throws -> String {
        let folder = try temporaryFolder(label)
        for (destination, source) in files {
            let target = folder + "/" + destination
            try FileManager.default.createDirectory(
                atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: path(source), toPath: target)
        }
        return folder
    }
}
