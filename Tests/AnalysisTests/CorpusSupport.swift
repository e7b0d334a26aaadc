import Foundation
import Testing

/// The shared corpus of real VASP files for AnalysisTests: `../shared/corpus` from the package root,
/// or `CASCADE_CORPUS`; references in the sibling `corpus-ref`.
enum AnalysisCorpusSupport {
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

    /// Relative paths of the corpus vasprun files that have a strict pymatgen reference with a band gap.
    static func vasprunFilesWithBandGap() -> [String] {
        guard available, let walker = FileManager.default.enumerator(atPath: referenceRoot) else { return [] }
        var out: [String] = []
        for case let relative as String in walker where relative.hasSuffix(".json") && relative.contains("vasprun") {
            guard let ref = try? reference(relative), ref["read_mode"] as? String == "strict",
                ref["band_gap"] is [String: Any]
            else { continue }
            out.append(String(relative.dropLast(5)))
        }
        return out.sorted()
    }
}
