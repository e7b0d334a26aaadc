import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A pointer handed to another thread for the duration of one ``TwoThreads/run(_:_:)`` call, which
/// joins before returning; the two sides touch disjoint memory (or only read shared memory).
struct SendablePointer<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
    init(_ pointer: UnsafeMutablePointer<T>) { self.pointer = pointer }
}

/// Runs two pieces of work at once, one on the calling thread and one on a pool thread, and returns when
/// both are done.
enum TwoThreads {
    /// `true` when more than one processor is online.
    static let available: Bool = sysconf(Int32(_SC_NPROCESSORS_ONLN)) > 1

    static func run(_ first: @Sendable () -> Void, _ second: @Sendable () -> Void) {
        DispatchQueue.concurrentPerform(iterations: 2) { k in
            if k == 0 { first() } else { second() }
        }
    }
}
