// CheckLanes.swift — checks share the machine; a re-run may ask to run alone.
//
// Swift Testing runs checks in parallel. A check that timed out or crashed is run
// again with `exclusive: true`: it waits until the running checks have finished, and
// no new check starts until it is done, so its second run is not slowed by the others.

actor CheckLanes {
    /// The one set of lanes of this test process.
    static let shared = CheckLanes()

    private var running = 0
    private var exclusiveRunning = false
    private var waiting: [(exclusive: Bool, resume: CheckedContinuation<Void, Never>)] = []

    /// Runs `body` alongside other shared runs, or alone when `exclusive`.
    nonisolated static func run<T>(exclusive: Bool, _ body: () async -> T) async -> T {
        await shared.enter(exclusive: exclusive)
        let value = await body()
        await shared.leave(exclusive: exclusive)
        return value
    }

    private func canEnter(exclusive: Bool) -> Bool {
        exclusive ? running == 0 && !exclusiveRunning : !exclusiveRunning && !waiting.contains { $0.exclusive }
    }

    private func enter(exclusive: Bool) async {
        if waiting.isEmpty && canEnter(exclusive: exclusive) {
            take(exclusive: exclusive)
            return
        }
        await withCheckedContinuation { waiting.append((exclusive, $0)) }
    }

    private func take(exclusive: Bool) {
        if exclusive { exclusiveRunning = true } else { running += 1 }
    }

    private func leave(exclusive: Bool) {
        if exclusive { exclusiveRunning = false } else { running -= 1 }
        // Wake waiters in order while they can enter (an exclusive one stops the queue).
        while let first = waiting.first {
            if first.exclusive {
                guard running == 0 && !exclusiveRunning else { break }
            } else if exclusiveRunning {
                break
            }
            waiting.removeFirst()
            take(exclusive: first.exclusive)
            first.resume.resume()
            if first.exclusive { break }
        }
    }
}
