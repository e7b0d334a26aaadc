import CIsal
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
/// gzip is inflated by Intel ISA-L (`isal_inflate`), on a thread of its own for files of 32 KiB and more:
/// it fills two chunks of 256 KiB in turn while the caller parses the previous one, so a gzip file
/// costs about max(inflate, parse) rather than their sum. zlib is kept as the referee the tests compare
/// ISA-L with (``Inflate/zlib``), not used by the readers.
///
/// Memory: one input chunk plus two output chunks (and ISA-L's 40 KB state), whatever the file size.
///
/// An optional ``StoredBytesObserver`` sees every byte of the file as stored (the compressed bytes of a
/// gzip file) right after it is read from disk, on the thread that read it, so that a caller can hash a
/// file in the same read that parses it; ``observeRest()`` reads what the parse left and ends the observation.
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

    /// Which inflate implementation reads a gzip file.
    enum Inflate {
        /// Intel ISA-L (the default).
        case isal
        /// zlib: the referee of the tests.
        case zlib
    }

    /// Compressed files at least this large are inflated on their own thread.
    static let threadedInflateMinimum = 32 << 10
    /// The two output chunks of the inflate thread.
    static let pipeChunk = 256 << 10

    private let handle: UnsafeMutablePointer<FILE>
    /// Sees the stored bytes as they are read; `nil` after ``observeRest()``.
    private var observer: StoredBytesObserver?
    private var finished = false
    private var input: [UInt8]
    private var inputStart = 0
    private var inputEnd = 0
    private let chunkSize: Int
    /// Inflating on the caller's thread.
    private var inflater: Inflater?
    /// Inflating on a thread of its own.
    private var pipe: InflatePipe?

    /// Opens `path`. Throws ``FileError/cannotRead(file:reason:)`` when it cannot be opened.
    /// `observer` sees every stored byte as it is read (see ``StoredBytesObserver``); call ``observeRest()``
    /// when done reading so that it sees the whole file.
    public convenience init(path: String, chunkSize: Int = 1 << 20, observer: StoredBytesObserver? = nil) throws {
        try self.init(path: path, chunkSize: chunkSize, inflate: .isal, threaded: nil, observer: observer)
    }

    /// `threaded`: inflate on a thread of its own (`nil`: for files of ``threadedInflateMinimum`` bytes or more).
    init(path: String, chunkSize: Int = 1 << 20, inflate: Inflate, threaded: Bool?, observer: StoredBytesObserver? = nil) throws {
        self.path = path
        self.observer = observer
        // At least the two magic bytes must arrive in the first read, or gzip goes undetected.
        self.chunkSize = max(chunkSize, 2)
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw FileError.cannotRead(file: path, reason: String(cString: strerror(errno)))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw FileError.cannotRead(file: path, reason: "not a regular file")
        }
        guard let f = fopen(path, "rb") else {
            throw FileError.cannotRead(file: path, reason: String(cString: strerror(errno)))
        }
        handle = f
        fileSize = Int(info.st_size)
        input = [UInt8](repeating: 0, count: self.chunkSize)
        let n = input.withUnsafeMutableBytes { fread($0.baseAddress, 1, self.chunkSize, handle) }
        inputEnd = n
        fileBytesRead = n
        if let observer, n > 0 { input.withUnsafeBytes { observer.observe(storedBytes: UnsafeRawBufferPointer(rebasing: $0[0..<n])) } }
        if n >= 2, input[0] == 0x1F, input[1] == 0x8B {
            isCompressed = true
            let first = Array(input[0..<n])
            input = []
            inputEnd = 0
            let engine: Inflater =
                inflate == .isal
                ? IsalInflater(handle: f, chunkSize: self.chunkSize, first: first)
                : ZlibInflater(handle: f, chunkSize: self.chunkSize, first: first)
            // The inflater reads the rest of the file: from now on it shows the observer what it reads.
            engine.observer = observer
            if threaded ?? (fileSize >= Self.threadedInflateMinimum) {
                pipe = InflatePipe(engine, chunk: Self.pipeChunk)
            } else {
                inflater = engine
            }
        }
    }

    deinit {
        pipe?.stop()
        pipe = nil
        inflater = nil
        fclose(handle)
    }

    /// Fills `buffer` with the next bytes; returns how many were written (0 at the end).
    public func read(into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        guard !finished, let out = buffer.baseAddress, buffer.count > 0 else { return 0 }
        if let pipe { return readPiped(pipe, out, buffer.count) }
        if let inflater {
            let n = inflater.inflate(into: out, capacity: buffer.count)
            fileBytesRead = inflater.fileBytesRead
            if inflater.corrupt || (n == 0 && inflater.truncated) { truncatedCompression = true }
            if n == 0 { finished = true }
            return n
        }
        return readPlain(out, buffer.count)
    }

    private func readPlain(_ out: UnsafeMutablePointer<UInt8>, _ capacity: Int) -> Int {
        if inputStart == inputEnd {
            // Nothing buffered: read straight into the caller's buffer (no copy).
            let n = fread(out, 1, capacity, handle)
            fileBytesRead += n
            if let observer, n > 0 { observer.observe(storedBytes: UnsafeRawBufferPointer(start: out, count: n)) }
            if n == 0 { finished = true }
            return n
        }
        let n = min(capacity, inputEnd - inputStart)
        input.withUnsafeBufferPointer { src in
            guard let base = src.baseAddress, n > 0 else { return }
            out.update(from: base + inputStart, count: n)
        }
        inputStart += n
        return n
    }

    /// Copies from the inflate thread's current chunk. The flags change when the caller is handed the
    /// bytes they concern, as when inflating on this thread: a corrupt stream with its last bytes, a cut
    /// one with the final 0.
    private func readPiped(_ pipe: InflatePipe, _ out: UnsafeMutablePointer<UInt8>, _ capacity: Int) -> Int {
        guard let chunk = pipe.current() else {
            if pipe.pendingTruncated { truncatedCompression = true }
            finished = true
            return 0
        }
        fileBytesRead = chunk.fileBytesRead
        if chunk.remaining == 0 {
            // Only the end: the last chunk was empty.
            pipe.release()
            if chunk.corrupt || chunk.truncated { truncatedCompression = true }
            finished = true
            return 0
        }
        let n = min(capacity, chunk.remaining)
        out.update(from: chunk.bytes, count: n)
        pipe.consume(n)
        if n == chunk.remaining {
            pipe.release()
            if chunk.last {
                if chunk.corrupt { truncatedCompression = true }
                // The end comes with the next call (0), and with it a cut stream's flag.
                pipe.finishAfterLastChunk(truncated: chunk.truncated)
            }
        }
        return n
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
    /// The decompressed text of a small file, decoded as UTF-8 (invalid bytes replaced). `observer` sees
    /// the whole file as stored.
    public static func text(of path: String, observer: StoredBytesObserver? = nil) throws -> String {
        let source = try ByteSource(path: path, observer: observer)
        let bytes = source.readAll()
        source.observeRest()
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Ends the observation: stops the inflate thread, reads the stored bytes the parse did not need
    /// (a reader that stops early, trailing bytes after a gzip stream) and shows them to the observer, then
    /// calls its ``StoredBytesObserver/finish(readError:)``. The data stream ends here: later
    /// ``read(into:)`` calls return 0. Does nothing without an observer or when called again.
    public func observeRest() {
        guard let observer else { return }
        self.observer = nil
        pipe?.stop()
        pipe = nil
        inflater = nil
        finished = true
        var rest = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = rest.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, handle) }
            if n > 0 { rest.withUnsafeBytes { observer.observe(storedBytes: UnsafeRawBufferPointer(rebasing: $0[0..<n])) } }
            if n < rest.count { break }
        }
        observer.finish(readError: ferror(handle) != 0)
    }
}

/// Sees a file's bytes as stored on disk (compressed for gzip), in order, each byte once, right after
/// ``ByteSource`` reads them: a hash of the file computed in the read that parses it. Called on the thread
/// that reads the file (the inflate thread for a large gzip file, ordered with the caller's thread by the
/// hand-over of each chunk), one call at a time; ``finish(readError:)`` comes last, on the caller's thread.
public protocol StoredBytesObserver: AnyObject {
    /// The next bytes of the file as stored. Valid only during the call.
    func observe(storedBytes: UnsafeRawBufferPointer)
    /// The whole file has been shown (`readError`: a read failed, so it was not).
    func finish(readError: Bool)
}

// MARK: - Inflating

/// A gzip stream inflated chunk by chunk from an open file. `inflate` returns 0 only at the end; a
/// corrupt stream returns what came before the damage, then 0.
class Inflater {
    let handle: UnsafeMutablePointer<FILE>
    var chunkSize: Int
    var input: UnsafeMutablePointer<UInt8>
    var inputStart = 0
    var inputEnd = 0
    /// Compressed bytes read from the file so far.
    var fileBytesRead = 0
    /// The stream ended (or broke off): every later call returns 0.
    var finished = false
    /// The file ended inside a member.
    var truncated = false
    /// The data is damaged (bad header, bad code, bad checksum).
    var corrupt = false
    /// Sees each chunk read from the file (not the first, which the ``ByteSource`` showed it).
    var observer: StoredBytesObserver?

    init(handle: UnsafeMutablePointer<FILE>, chunkSize: Int, first: [UInt8]) {
        self.handle = handle
        self.chunkSize = max(chunkSize, first.count)
        input = .allocate(capacity: self.chunkSize)
        first.withUnsafeBufferPointer { bytes in
            guard let base = bytes.baseAddress else { return }
            input.update(from: base, count: bytes.count)
        }
        inputEnd = first.count
        fileBytesRead = first.count
    }

    deinit { input.deallocate() }

    func refill() {
        let n = chunkSize > 0 ? fread(input, 1, chunkSize, handle) : 0
        inputStart = 0
        inputEnd = n
        fileBytesRead += n
        if let observer, n > 0 { observer.observe(storedBytes: UnsafeRawBufferPointer(start: input, count: n)) }
    }

    /// Moves the unread bytes to the front and reads behind them; `false` at the end of the file.
    func refillKeepingRest() -> Bool {
        let rest = inputEnd - inputStart
        if rest > 0 && inputStart > 0 { input.update(from: input + inputStart, count: rest) }
        inputStart = 0
        inputEnd = rest
        if rest == chunkSize {
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: 2 * chunkSize)
            bigger.update(from: input, count: rest)
            input.deallocate()
            input = bigger
            chunkSize *= 2
        }
        let n = fread(input + rest, 1, chunkSize - rest, handle)
        inputEnd += n
        fileBytesRead += n
        if let observer, n > 0 { observer.observe(storedBytes: UnsafeRawBufferPointer(start: input + rest, count: n)) }
        return n > 0
    }

    func inflate(into out: UnsafeMutablePointer<UInt8>, capacity: Int) -> Int { 0 }
}

/// Intel ISA-L's `isal_inflate`, one gzip member after another (`cat a.gz b.gz` is a valid gzip file).
final class IsalInflater: Inflater {
    private let state: UnsafeMutablePointer<inflate_state>
    /// A member has started and not yet ended.
    private var memberOpen = false

    override init(handle: UnsafeMutablePointer<FILE>, chunkSize: Int, first: [UInt8]) {
        state = .allocate(capacity: 1)
        super.init(handle: handle, chunkSize: chunkSize, first: first)
        isal_inflate_init(state)
        startMember()
    }

    deinit { state.deallocate() }

    /// The next member: gzip when it starts with 0x1F (as zlib's automatic header detection decides),
    /// else zlib-wrapped deflate.
    private func startMember() {
        isal_inflate_reset(state)
        state.pointee.crc_flag = UInt32(inputEnd > inputStart && input[inputStart] != 0x1F ? ISAL_ZLIB : ISAL_GZIP)
        memberOpen = true
    }

    override func inflate(into out: UnsafeMutablePointer<UInt8>, capacity: Int) -> Int {
        guard !finished, capacity > 0 else { return 0 }
        let room = min(capacity, Int(UInt32.max))
        var produced = 0
        while produced == 0 {
            if inputStart == inputEnd {
                refill()
                if inputEnd == 0 {
                    if memberOpen {
                        // ISA-L takes every input byte and may still hold decoded bytes (or the member's
                        // end): ask once more with no input.
                        state.pointee.next_in = input
                        state.pointee.avail_in = 0
                        state.pointee.next_out = out
                        state.pointee.avail_out = UInt32(room)
                        let result = isal_inflate(state)
                        produced = room - Int(state.pointee.avail_out)
                        if result < 0 || result == ISAL_NEED_DICT {
                            corrupt = true
                            finished = true
                            return produced
                        }
                        if state.pointee.block_state == ISAL_BLOCK_FINISH { memberOpen = false }
                        if produced > 0 { return produced }
                    }
                    // End of file: a complete stream ended its last member before this.
                    truncated = memberOpen
                    finished = true
                    return 0
                }
                if !memberOpen { startMember() }
            }
            let before = inputStart
            state.pointee.next_in = input + inputStart
            state.pointee.avail_in = UInt32(inputEnd - inputStart)
            state.pointee.next_out = out
            state.pointee.avail_out = UInt32(room)
            let result = isal_inflate(state)
            inputStart = inputEnd - Int(state.pointee.avail_in)
            produced = room - Int(state.pointee.avail_out)
            if result < 0 || result == ISAL_NEED_DICT {
                corrupt = true
                finished = true
                return produced
            }
            if state.pointee.block_state == ISAL_BLOCK_FINISH {
                // Concatenated gzip members are legal: start the next one if bytes remain.
                memberOpen = false
                if inputStart == inputEnd { refill() }
                if inputEnd > inputStart { startMember() } else { finished = produced == 0 }
                if produced == 0 && finished { return 0 }
            } else if produced == 0 && inputStart == before && inputStart < inputEnd {
                // ISA-L takes no bytes until the next symbol's longest code fits in them: keep the few left
                // at the chunk's end and read more behind them.
                if !refillKeepingRest() {
                    truncated = memberOpen
                    finished = true
                    return 0
                }
            }
        }
        return produced
    }
}

/// zlib's `inflate` with automatic gzip/zlib header detection: what ByteSource used before ISA-L, kept
/// as the tests' referee.
final class ZlibInflater: Inflater {
    private var stream = z_stream()
    private var inflating = false

    override init(handle: UnsafeMutablePointer<FILE>, chunkSize: Int, first: [UInt8]) {
        super.init(handle: handle, chunkSize: chunkSize, first: first)
        startInflate()
    }

    deinit { if inflating { inflateEnd(&stream) } }

    private func startInflate() {
        stream = z_stream()
        // 15 + 32: zlib or gzip header, detected automatically.
        inflating = inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK
        if !inflating {
            corrupt = true
            finished = true
        }
    }

    override func inflate(into out: UnsafeMutablePointer<UInt8>, capacity: Int) -> Int {
        guard !finished, capacity > 0 else { return 0 }
        let room = min(capacity, Int(UInt32.max))
        var produced = 0
        while produced == 0 {
            if inputStart == inputEnd {
                refill()
                if inputEnd == 0 {
                    truncated = inflating
                    finished = true
                    return 0
                }
            }
            stream.next_in = input + inputStart
            stream.avail_in = UInt32(inputEnd - inputStart)
            stream.next_out = out
            stream.avail_out = UInt32(room)
            let result = CZlib.inflate(&stream, Z_NO_FLUSH)
            inputStart = inputEnd - Int(stream.avail_in)
            produced = room - Int(stream.avail_out)
            switch result {
            case Z_OK, Z_BUF_ERROR:
                continue
            case Z_STREAM_END:
                inflateEnd(&stream)
                inflating = false
                if inputStart == inputEnd { refill() }
                if inputEnd > inputStart { startInflate() } else { finished = produced == 0 }
                if produced == 0 && finished { return 0 }
            default:
                corrupt = true
                finished = true
                return produced
            }
        }
        return produced
    }
}

// MARK: - The inflate thread

/// An ``Inflater`` run on a thread of its own, filling two output chunks in turn: the producer fills one
/// while the consumer copies out of the other. Bounded: the producer waits while both are full.
final class InflatePipe: @unchecked Sendable {
    /// What the consumer sees of the chunk it is reading.
    struct Chunk {
        var bytes: UnsafeMutablePointer<UInt8>
        var remaining: Int
        /// The stream ends with this chunk.
        var last: Bool
        var truncated: Bool
        var corrupt: Bool
        var fileBytesRead: Int
    }

    private let inflater: Inflater
    private let size: Int
    private let storage: UnsafeMutablePointer<UInt8>
    // Guarded by `mutex`.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var filled = 0
    private var stopping = false
    private let meta: UnsafeMutablePointer<Chunk>
    // Producer only.
    private var writeIndex = 0
    // Consumer only.
    private var readIndex = 0
    private var offset = 0
    private var holding = false
    private var ended = false
    private var thread = pthread_t()
    private var running = false

    init(_ inflater: Inflater, chunk: Int) {
        self.inflater = inflater
        size = chunk
        storage = .allocate(capacity: 2 * chunk)
        meta = .allocate(capacity: 2)
        for k in 0..<2 {
            (meta + k).initialize(to: Chunk(bytes: storage + k * chunk, remaining: 0, last: false, truncated: false, corrupt: false, fileBytesRead: 0))
        }
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(changed, nil)
        let context = Unmanaged.passRetained(self).toOpaque()
        running =
            pthread_create(
                &thread, nil,
                { context in
                    guard let context else { return nil }
                    let pipe = Unmanaged<InflatePipe>.fromOpaque(context).takeRetainedValue()
                    pipe.produce()
                    return nil
                }, context) == 0
        if !running {
            // No thread: inflate on the caller's thread, chunk by chunk, through the same two slots.
            Unmanaged<InflatePipe>.fromOpaque(context).release()
        }
    }

    deinit {
        pthread_cond_destroy(changed)
        pthread_mutex_destroy(mutex)
        changed.deallocate()
        mutex.deallocate()
        storage.deallocate()
        meta.deinitialize(count: 2)
        meta.deallocate()
    }

    /// Tells the producer to stop and waits for it (the source is being closed).
    func stop() {
        guard running else { return }
        pthread_mutex_lock(mutex)
        stopping = true
        pthread_cond_broadcast(changed)
        pthread_mutex_unlock(mutex)
        pthread_join(thread, nil)
        running = false
    }

    /// Fills one slot: as many bytes as the inflater gives until the slot is full or the stream ends.
    private func fill(_ k: Int) {
        let base = storage + k * size
        var n = 0
        while n < size {
            let got = inflater.inflate(into: base + n, capacity: size - n)
            if got == 0 { break }
            n += got
        }
        meta[k].remaining = n
        meta[k].last = inflater.finished
        meta[k].truncated = inflater.truncated
        meta[k].corrupt = inflater.corrupt
        meta[k].fileBytesRead = inflater.fileBytesRead
    }

    private func produce() {
        while true {
            pthread_mutex_lock(mutex)
            while filled == 2 && !stopping { pthread_cond_wait(changed, mutex) }
            let stop = stopping
            pthread_mutex_unlock(mutex)
            if stop { return }
            fill(writeIndex)
            let last = meta[writeIndex].last
            pthread_mutex_lock(mutex)
            filled += 1
            pthread_cond_broadcast(changed)
            pthread_mutex_unlock(mutex)
            writeIndex ^= 1
            if last { return }
        }
    }

    /// The chunk being read (waiting for the producer if needed), or `nil` after the end.
    func current() -> Chunk? {
        if ended { return nil }
        if !holding {
            if running {
                pthread_mutex_lock(mutex)
                while filled == 0 { pthread_cond_wait(changed, mutex) }
                pthread_mutex_unlock(mutex)
            } else {
                fill(readIndex)
                filled = 1
            }
            holding = true
            offset = 0
        }
        var chunk = meta[readIndex]
        chunk.bytes += offset
        chunk.remaining -= offset
        return chunk
    }

    func consume(_ n: Int) { offset += n }

    /// The consumer is done with its chunk: the producer may fill it again.
    func release() {
        holding = false
        readIndex ^= 1
        if running {
            pthread_mutex_lock(mutex)
            filled -= 1
            pthread_cond_broadcast(changed)
            pthread_mutex_unlock(mutex)
        } else {
            filled = 0
        }
    }

    /// After the last chunk's bytes: the next call ends the stream.
    func finishAfterLastChunk(truncated: Bool) {
        ended = true
        pendingTruncated = truncated
    }

    /// A cut stream's flag, given with the final 0.
    private(set) var pendingTruncated = false
}
