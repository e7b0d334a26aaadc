import CLibXML2

/// libxml2's SAX2 attribute array: `count` 5-tuples (localname, prefix, URI, value start, value end).
struct Attributes {
    let count: Int
    let raw: UnsafeMutablePointer<UnsafePointer<UInt8>?>?

    subscript(_ name: String) -> String? {
        guard let raw else { return nil }
        for i in 0..<count {
            guard let local = raw[5 * i], let start = raw[5 * i + 3], let end = raw[5 * i + 4] else { continue }
            if strcmpUTF8(local, name) {
                return String(decoding: UnsafeBufferPointer(start: start, count: end - start), as: UTF8.self)
            }
        }
        return nil
    }

    private func strcmpUTF8(_ p: UnsafePointer<UInt8>, _ s: String) -> Bool {
        var i = 0
        for byte in s.utf8 {
            if p[i] != byte { return false }
            i += 1
        }
        return p[i] == 0
    }
}

extension String {
    /// The string without leading and trailing ASCII whitespace (space, tab, CR, LF).
    func trimmingCharacters() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}

/// ISO-8859-1 → UTF-8 for the rare chunk that has a byte ≥ 0x80 (libxml2 is told to skip its own
/// transcoding, see ``VasprunParser``).
enum Latin1 {
    static func needsConversion(_ bytes: [UInt8], count: Int) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            var any: UInt8 = 0
            for i in 0..<count { any |= buffer[i] }
            return any & 0x80 != 0
        }
    }

    static func convert(_ bytes: [UInt8], count: Int, into output: inout [UInt8]) {
        output.removeAll(keepingCapacity: true)
        output.reserveCapacity(count + count / 8)
        for i in 0..<count {
            let b = bytes[i]
            if b < 0x80 {
                output.append(b)
            } else {
                output.append(0xC0 | (b >> 6))
                output.append(0x80 | (b & 0x3F))
            }
        }
    }
}
