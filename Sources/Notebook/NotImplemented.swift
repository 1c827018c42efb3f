// NotImplemented.swift — what an unfinished exercise throws.

/// Thrown by an exercise stub that the learner has not written yet. Exercises
/// `throw NotImplemented("3.1")` rather than trap, so one unfinished exercise never
/// takes down a chapter or the grader.
public struct NotImplemented: Error, CustomStringConvertible, Equatable, Sendable {
    /// The exercise number, such as "3.1".
    public let exercise: String

    /// Marks exercise `exercise` as not started.
    public init(_ exercise: String) { self.exercise = exercise }

    /// "exercise N is not implemented yet".
    public var description: String { "exercise \(exercise) is not implemented yet" }
}
