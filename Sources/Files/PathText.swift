/// Lexical path arithmetic (no file-system access): trailing slashes, folder and base names, paths
/// written in YAML files resolved against the folder of the file that names them.
public enum PathText {
    /// `path` without trailing slashes; `/` stays `/`, and an empty path is `.`.
    public static func trimmingTrailingSlash(_ path: String) -> String {
        var p = Substring(path)
        while p.count > 1, p.hasSuffix("/") { p = p.dropLast() }
        return p.isEmpty ? "." : String(p)
    }

    /// The folder part of `path` (`.` when it has none).
    public static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let head = String(path[..<slash])
        return head.isEmpty ? "/" : head
    }

    /// `relative` resolved against `folder` (unchanged when absolute), with `.` and `x/..` removed lexically.
    public static func resolve(_ relative: String, against folder: String) -> String {
        if relative.hasPrefix("/") { return normalize(relative) }
        return normalize(folder == "." ? relative : folder + "/" + relative)
    }

    /// `a/./b/../c` → `a/c`; leading `..` kept; `""` → `.`.
    public static func normalize(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." || part.isEmpty { continue }
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
                continue
            }
            if part == ".." && absolute { continue }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        if absolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// `to` relative to the folder `from` (both relative to the same root, normalised).
    public static func relative(_ to: String, from: String) -> String {
        let a = from == "." ? [] : from.split(separator: "/")
        let b = to == "." ? [] : to.split(separator: "/")
        var common = 0
        while common < a.count, common < b.count, a[common] == b[common] { common += 1 }
        let ups = Array(repeating: "..", count: a.count - common)
        let rest = b[common...].map(String.init)
        let parts = ups + rest
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    /// The last component of `path` (`path` itself when it has no slash).
    public static func baseName(_ path: String) -> String {
        String(path.split(separator: "/").last ?? Substring(path))
    }
}
