import Foundation
import TestSupport

extension Corpus {
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
