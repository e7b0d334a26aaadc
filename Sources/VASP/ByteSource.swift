import CZlib

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file in chunks, decompressing gzip transparently (detected from the magic bytes, not
/// the name). A truncated gzip stream yields every byte that could be recovered and sets
/// ``truncatedCompression``; it never throws for that.
///
/// Memory: one input chunk plus one output chunk, whatever the file size.
public final class ByteSource {
    /// The file as the user named it.
    public let path: String
    /// `true` when the data was gzip-compressed.
    public private(set) var isCompressed = false
    /// `true` when a compressed stream ended early or was corrupt (the data read so far is kept).
    public private(set) var truncatedCompression = false
    /// Size of the file on disk in bytes.
    public let fileSize: Int
    /// Compressed bytes consumed so far (equals decompressed bytes for plain files).
    public private(set) var fileBytesRead = 0

    private let handle: UnsafeMutablePointer<FILE>
    private var stream = z_stream()
    private var inflating = false
    private var finished = false
    private var input: [UInt8]
    private var inputStart = 0
    private var inputEnd = 0
    private let chunkSize: Int

    /// Opens `path`. Throws ``VASPError/cannotRead(file:reason:)`` when it cannot be opened.
    public init(path: String, chunkSize: Int = 1 << 20) throws {
        self.path = path
        // At least the two magic bytes must arrive in the first read, or gzip goes undetected.
        self.chunkSize = max(chunkSize, 2)
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw VASPError.cannotRead(file: path, reason: String(cString: strerror(errno)))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw VASPError.cannotRead(file: path, reason: "not a regular file")
        }
        guard let f = fopen(path, "rb") else {
            throw VASPError.cannotRead(file: path, reason: String(cString: strerror(errno)))
        }
        handle = f
        fileSize = Int(info.st_size)
        input = [UInt8](repeating: 0, count: self.chunkSize)
        refill()
        if inputEnd - inputStart >= 2, input[0] == 0x1F, input[1] == 0x8B {
            isCompressed = true
            startInflate()
        }
    }

    deinit {
        if inflating { inflateEnd(&stream) }
        fclose(handle)
    }

    private func refill() {
        let n = input.withUnsafeMutableBytes { fread($0.baseAddress, 1, chunkSize, handle) }
        inputStart = 0
        inputEnd = n
        fileBytesRead += n
    }

    private func startInflate() {
        stream = z_stream()
        // 15 + 32: zlib or gzip header, detected automatically.
        inflating = inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK
        if !inflating { truncatedCompression = true; finished = true }
    }

    /// Fills `buffer` with the next bytes; returns how many were written (0 at the end).
    public func read(into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        guard !finished, let out = buffer.baseAddress, buffer.count > 0 else { return 0 }
        if !isCompressed { return readPlain(out, buffer.count) }
        return readInflated(out, buffer.count)
    }

    private func readPlain(_ out: UnsafeMutablePointer<UInt8>, _ capacity: Int) -> Int {
        if inputStart == inputEnd {
            // Nothing buffered: read straight into the caller's buffer (no copy).
            let n = fread(out, 1, capacity, handle)
            fileBytesRead += n
            if n == 0 { finished = true }
            return n
        }
        let n = min(capacity, inputEnd - inputStart)
        if n == 0 { finished = true; return 0 }
        input.withUnsafeBufferPointer { src in
            out.update(from: src.baseAddress! + inputStart, count: n)
        }
        inputStart += n
        return n
    }

    private func readInflated(_ out: UnsafeMutablePointer<UInt8>, _ capacity: Int) -> Int {
        var produced = 0
        while produced == 0 {
            if inputStart == inputEnd {
                refill()
                if inputEnd == 0 {
                    // End of file: a complete stream ended with Z_STREAM_END before this.
                    truncatedCompression = inflating
                    finished = true
                    return 0
                }
            }
            let result: Int32 = input.withUnsafeMutableBufferPointer { src in
                stream.next_in = src.baseAddress! + inputStart
                stream.avail_in = UInt32(inputEnd - inputStart)
                stream.next_out = out
                stream.avail_out = UInt32(capacity)
                let r = inflate(&stream, Z_NO_FLUSH)
                inputStart = inputEnd - Int(stream.avail_in)
                return r
            }
            produced = capacity - Int(stream.avail_out)
            switch result {
            case Z_OK, Z_BUF_ERROR:
                continue
            case Z_STREAM_END:
                // Concatenated gzip members are legal: start the next one if bytes remain.
                inflateEnd(&stream)
                inflating = false
                if inputStart == inputEnd { refill() }
                if inputEnd > inputStart { startInflate() } else { finished = produced == 0 }
                if produced == 0 && finished { return 0 }
            default:
                truncatedCompression = true
                finished = true
                return produced
            }
        }
        return produced
    }

    /// The whole (decompressed) content. For the small text formats (POSCAR, INCAR, KPOINTS, ACF.dat);
    /// the large ones stream.
    public func readAll() -> [UInt8] {
        var all: [UInt8] = []
        all.reserveCapacity(isCompressed ? fileSize * 4 : fileSize)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBufferPointer { read(into: $0) }
            if n == 0 { break }
            all.append(contentsOf: chunk[0..<n])
        }
        return all
    }
}

extension ByteSource {
    /// The decompressed text of a small file, decoded as UTF-8 (invalid bytes replaced).
    public static func text(of path: String) throws -> String {
        let bytes = try ByteSource(path: path).readAll()
        return String(decoding: bytes, as: UTF8.self)
    }
}
