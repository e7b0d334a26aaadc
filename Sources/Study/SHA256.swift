#if CASCADE_FUZZ_BUILD
// tools/fuzz.sh compiles Study with swiftc and without swift-crypto: the manifest target never hashes.
#else
import Crypto
#endif

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SHA-256 (FIPS 180-4) for the provenance of tabulated numbers: the hash of every file a number came
/// from, so that a table can be checked against the runs later. Computed by swift-crypto (BoringSSL's
/// assembly, with the x86 SHA extensions where the CPU has them: about 1.3 GB/s here, against 0.14–0.19
/// GB/s for the portable Swift implementation this replaced; docs/performance.md). Incremental
/// (``update(_:)`` then ``finalize()``), so a file is hashed in chunks without being held in memory.
public struct SHA256 {
    #if CASCADE_FUZZ_BUILD
    private var hasher = NoDigest()
    #else
    private var hasher = Crypto.SHA256()
    #endif

    /// An empty hash.
    public init() {}

    /// The hash of `bytes` as 64 lowercase hex digits.
    public static func hex(of bytes: some Collection<UInt8>) -> String {
        var h = SHA256()
        h.update(bytes)
        return h.finalize()
    }

    /// The hash of the file at `path` (its bytes as stored), or `nil` when it cannot be read.
    public static func hex(ofFile path: String, chunkSize: Int = 1 << 20) -> String? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var h = SHA256()
        var chunk = [UInt8](repeating: 0, count: max(chunkSize, 64))
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if n > 0 { chunk.withUnsafeBytes { h.hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<n])) } }
            if n < chunk.count {
                if ferror(file) != 0 { return nil }
                break
            }
        }
        return h.finalize()
    }

    /// Adds the bytes of `buffer` (no copy).
    public mutating func update(bufferPointer buffer: UnsafeRawBufferPointer) {
        hasher.update(bufferPointer: buffer)
    }

    /// Adds bytes.
    public mutating func update(_ bytes: some Collection<UInt8>) {
        let array = Array(bytes)
        array.withUnsafeBytes { hasher.update(bufferPointer: $0) }
    }

    /// The hash of everything added, as 64 lowercase hex digits.
    public func finalize() -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in hasher.finalize() {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

#if CASCADE_FUZZ_BUILD
/// Stands in for swift-crypto in the sanitised fuzz build of Study (tools/fuzz.sh), whose target never hashes.
struct NoDigest {
    mutating func update(bufferPointer: UnsafeRawBufferPointer) {
        preconditionFailure("SHA-256 is not available in the fuzz build of Study")
    }
    func finalize() -> [UInt8] { preconditionFailure("SHA-256 is not available in the fuzz build of Study") }
}
#endif
