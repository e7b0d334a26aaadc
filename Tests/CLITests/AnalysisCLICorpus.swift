import Foundation

/// The shared corpus for the analysis-command tests (`../shared/corpus` from the package root, or `CASCADE_CORPUS`).
enum AnalysisCLICorpus {
    static let root: String = {
        if let path = ProcessInfo.processInfo.environment["CASCADE_CORPUS"], !path.isEmpty { return path }
        return CascadeProcess.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus").path
    }()

    static var available: Bool { FileManager.default.fileExists(atPath: root) }
    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"]?.lowercased() == "true" }

    static func path(_ relative: String) -> String { root + "/" + relative }

    /// Links the corpus file `source` (relative to the corpus) as `runs/destination`, making folders.
    static func link(_ source: String, _ destination: String, in runs: String) throws {
        let target = runs + "/" + destination
        try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: target, withDestinationPath: path(source))
    }

    /// A new empty temporary folder.
    static func temporaryFolder(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cascade-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The one JSON object a command printed.
    static func object(_ stdout: String) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any] else {
            throw CocoaError(.coderReadCorrupt)
        }
        return object
    }
}
