#if canImport(Glibc)
import Glibc
#endif

/// Work on a thread of its own, started at once rather than when a pool gets to it, and waited for
/// with `wait()` (call it exactly once, before the process ends).
final class BackgroundThread: @unchecked Sendable {
    private var thread = pthread_t()
    private var started = false

    init(_ work: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(WorkBox(work)).toOpaque()
        started = pthread_create(&thread, nil, { raw in
            Unmanaged<WorkBox>.fromOpaque(raw!).takeRetainedValue().work()
            return nil
        }, box) == 0
        if !started {
            // No thread to be had: do the work here.
            Unmanaged<WorkBox>.fromOpaque(box).takeRetainedValue().work()
        }
    }

    func wait() {
        if started {
            pthread_join(thread, nil)
            started = false
        }
    }
}

private final class WorkBox {
    let work: @Sendable () -> Void
    init(_ work: @escaping @Sendable () -> Void) { self.work = work }
}
