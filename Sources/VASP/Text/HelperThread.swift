#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A pointer handed to another thread for the duration of one ``HelperThread/run(_:_:)`` call, which
/// joins before returning; the two sides touch disjoint memory (or only read shared memory).
struct SendablePointer<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
    init(_ pointer: UnsafeMutablePointer<T>) { self.pointer = pointer }
}

/// One thread that runs a piece of work while the caller runs another, for as many calls as needed (a
/// data block's windows): started once, woken per call, stopped when released. (A thread of our own
/// rather than `DispatchQueue.concurrentPerform`: on this 2-core machine the pool's second thread often
/// came too late, and the caller did both halves.)
final class HelperThread: @unchecked Sendable {
    /// `true` when more than one processor is online.
    static let available: Bool = sysconf(Int32(_SC_NPROCESSORS_ONLN)) > 1

    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    // Guarded by `mutex`.
    private var job: (@Sendable () -> Void)?
    private var stopping = false
    private var thread = pthread_t()
    private var running = false

    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(changed, nil)
        let context = Unmanaged.passRetained(self).toOpaque()
        running =
            pthread_create(
                &thread, nil,
                { context in
                    guard let context else { return nil }
                    Unmanaged<HelperThread>.fromOpaque(context).takeRetainedValue().serve()
                    return nil
                }, context) == 0
        if !running { Unmanaged<HelperThread>.fromOpaque(context).release() }
    }

    deinit {
        pthread_cond_destroy(changed)
        pthread_mutex_destroy(mutex)
        changed.deallocate()
        mutex.deallocate()
    }

    /// Ends the thread (waits for it).
    func stop() {
        guard running else { return }
        pthread_mutex_lock(mutex)
        stopping = true
        pthread_cond_broadcast(changed)
        pthread_mutex_unlock(mutex)
        pthread_join(thread, nil)
        running = false
    }

    private func serve() {
        while true {
            pthread_mutex_lock(mutex)
            while job == nil && !stopping { pthread_cond_wait(changed, mutex) }
            guard let work = job else {
                pthread_mutex_unlock(mutex)
                return
            }
            pthread_mutex_unlock(mutex)
            work()
            pthread_mutex_lock(mutex)
            job = nil
            pthread_cond_broadcast(changed)
            pthread_mutex_unlock(mutex)
        }
    }

    /// Runs `first` here and `second` on the helper thread; returns when both are done.
    func run(_ first: () -> Void, _ second: @escaping @Sendable () -> Void) {
        guard running else {
            first()
            second()
            return
        }
        pthread_mutex_lock(mutex)
        job = second
        pthread_cond_broadcast(changed)
        pthread_mutex_unlock(mutex)
        first()
        pthread_mutex_lock(mutex)
        while job != nil { pthread_cond_wait(changed, mutex) }
        pthread_mutex_unlock(mutex)
    }
}
