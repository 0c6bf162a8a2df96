#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Work on a thread of its own, started at once rather than when a pool gets to it, and waited for
/// with `wait()` (call it exactly once, before the process ends).
final class BackgroundThread: Sendable {
    /// The thread until it is joined (a thread is joined once, whoever calls `wait`).
    private let thread: Mutex<pthread_t?>

    init(_ work: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(WorkBox(work)).toOpaque()
        var created = pthread_t()
        let started = pthread_create(&created, nil, { raw in
            Unmanaged<WorkBox>.fromOpaque(raw!).takeRetainedValue().work()
            return nil
        }, box) == 0
        if !started {
            // No thread to be had: do the work here.
            Unmanaged<WorkBox>.fromOpaque(box).takeRetainedValue().work()
        }
        thread = Mutex(started ? created : nil)
    }

    func wait() {
        let joinable = thread.withLock { thread in
            defer { thread = nil }
            return thread
        }
        if let joinable { pthread_join(joinable, nil) }
    }
}

private final class WorkBox {
    let work: @Sendable () -> Void
    init(_ work: @escaping @Sendable () -> Void) { self.work = work }
}
