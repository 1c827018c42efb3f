// MultiplyAccumulates.swift — counting a model's multiply–accumulates (MACs) by running it.
//
//     let macs = MultiplyAccumulates.count { _ = model(x, t) }
//
// While `count` runs, the layers that do the arithmetic add theirs: Conv2d (each output
// value costs C_in·k² MACs), Linear (each output value costs `in` MACs), and the
// attention cores (q·k and the weighted sum of v: 2·N·L·C per item). Normalisation,
// activations, additions and upsampling are not multiply–accumulates and are not
// counted — they are what makes a small model's wall-clock cost larger than its MACs
// suggest. One MAC is two FLOPs in PyTorch's FlopCounterMode.

/// Counts the multiply–accumulates of the layers run inside `count(_:)`.
public enum MultiplyAccumulates {
    /// The running count, or `nil` when nothing is being counted.
    nonisolated(unsafe) static var running: Int?

    /// Adds `n` MACs to the running count, if one is running.
    static func add(_ n: Int) {
        if let c = running { running = c + n }
    }

    /// The multiply–accumulates of the Conv2d, Linear and attention layers that `body`
    /// runs (on the calling thread; not re-entrant).
    public static func count(_ body: () throws -> Void) rethrows -> Int {
        precondition(running == nil, "MultiplyAccumulates.count cannot be nested")
        running = 0
        defer { running = nil }
        try body()
        return running ?? 0
    }
}
