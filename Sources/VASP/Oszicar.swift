import Foundation

/// Where a running VASP job stands, read from the end of its OSZICAR: the last finished ionic step
/// (`  21 F= -.19491537E+02 E0= …`) and the SCF step of the ionic step in progress (`DAV:  11 …`,
/// `RMM:`, `CG :` lines after it). Only the tail is read, so a long run costs the same as a short one.
public struct OszicarProgress: Sendable, Hashable {
    /// Number of the last complete ionic step (0 when none finished yet).
    public var ionicSteps: Int
    /// The SCF step reached in the ionic step now running (`ionicSteps + 1`), nil when the file ends
    /// right after a complete ionic step.
    public var scfStep: Int?
    /// Total free energy F of the last complete ionic step (eV).
    public var lastFreeEnergy: Double?
    /// The energy of the last SCF step written (eV), complete ionic step or not.
    public var lastScfEnergy: Double?

    /// Bytes read from the end of the file.
    public static let tailBytes = 64 * 1024

    /// Reads the tail of `path`; nil when the file is absent or holds no SCF or ionic line there.
    public static func read(path: String) -> OszicarProgress? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let size = try? handle.seekToEnd() else { return nil }
        let start = size > UInt64(tailBytes) ? size - UInt64(tailBytes) : 0
        guard (try? handle.seek(toOffset: start)) != nil, let data = try? handle.readToEnd() else { return nil }
        var text = String(decoding: data, as: UTF8.self)
        if start > 0, let newline = text.firstIndex(of: "\n") { text = String(text[text.index(after: newline)...]) }  // a cut first line
        return parse(text)
    }

    /// The step number and energy of an SCF line (`DAV:`, `RMM:`, `CG :`, `EDIAG:` …), nil otherwise.
    static func scfLine(_ words: [Substring]) -> (Int, Double?)? {
        var index = 1
        if words[0].hasSuffix(":") && words[0].count > 1 {
            index = 1
        } else if words.count > 2, words[1] == ":", words[0].allSatisfy(\.isLetter) {
            index = 2
        } else {
            return nil
        }
        guard words.count > index, let k = Int(words[index]) else { return nil }
        let energy = words.count > index + 1 ? Double(fortran: String(words[index + 1])) : nil
        return (k, energy)
    }

    /// Parses OSZICAR text (the whole file or its tail).
    public static func parse(_ text: String) -> OszicarProgress? {
        var progress = OszicarProgress(ionicSteps: 0)
        var seen = false
        for line in text.split(separator: "\n") {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard words.count >= 2 else { continue }
            if words[1] == "F=", let n = Int(words[0]) {
                progress.ionicSteps = n
                progress.scfStep = nil
                progress.lastFreeEnergy = Double(fortran: words[2...].first.map(String.init) ?? "")
                seen = true
            } else if let (k, energy) = scfLine(words) {
                // "DAV:   7 …", "RMM:  12 …", "CG :   3 …"
                progress.scfStep = k
                if let energy { progress.lastScfEnergy = energy }
                seen = true
            }
        }
        return seen ? progress : nil
    }
}

extension Double {
    /// A Fortran real: `-.19491537E+02`, `0.43077E+00`, `1.5D-03`.
    init?(fortran text: String) {
        guard !text.isEmpty else { return nil }
        if let v = Double(text) {
            self = v
            return
        }
        guard let v = Double(text.replacingOccurrences(of: "D", with: "E").replacingOccurrences(of: "d", with: "e")) else { return nil }
        self = v
    }
}
