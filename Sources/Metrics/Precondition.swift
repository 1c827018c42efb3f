// Precondition.swift — keeps precondition messages in optimised builds.
//
// This module is compiled with `-O` even in debug builds (for speed), and there
// Swift's `precondition` drops its message: a violated check would stop with a bare
// "precondition failure". This module-level version shadows it and always prints
// the message, so a learner sees *what* was wrong.

/// Stops with `message` (and the caller's file and line) when `condition` is false.
@inline(__always)
func precondition(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String = "",
                  file: StaticString = #fileID, line: UInt = #line) {
    if !condition() { fatalError(message(), file: file, line: line) }
}
