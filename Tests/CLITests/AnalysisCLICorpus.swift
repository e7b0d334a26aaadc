import Foundation
import TestSupport

/// What the command tests add to TestSupport's corpus helpers.
extension Corpus {
    /// A new empty temporary folder, as a URL.
    static func temporaryURL(_ label: String) throws -> URL {
        URL(fileURLWithPath: try temporaryFolder(label))
    }

    /// The one JSON object a command printed.
    static func object(_ stdout: String) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any] else {
            throw CocoaError(.coderReadCorrupt)
        }
        return object
    }
}
