// Gradebook.swift — the data model every report reads: the kit's exercises, and what
// grading found in one learner's copy.

import Foundation

/// One exercise of the kit, as the reports list it.
public struct ExerciseInfo: Equatable, Sendable {
    /// The exercise's id, as "3.1".
    public var id: String
    /// Its display name, as "3.1 sinusoidal embedding".
    public var name: String
    /// The points a passing exercise earns.
    public var points: Double

    /// An exercise worth `points`.
    public init(id: String, name: String, points: Double) {
        self.id = id
        self.name = name
        self.points = points
    }

    /// The chapter's two-digit number, as "03" for "3.1" (the id's part before the dot).
    public var chapter: String {
        let head = id.split(separator: ".", maxSplits: 1).first.map(String.init) ?? id
        guard let number = Int(head) else { return head }
        return number < 10 ? "0\(number)" : "\(number)"
    }
}

/// Everything known about one learner's copy after grading.
public struct LearnerResult: Sendable {
    /// A file-name-safe id, e.g. the copy's folder name.
    public var learner: String
    /// What was graded: a path, plus "@ <commit> (<date>)" for `--before`.
    public var source: String
    /// False when the copy could not be graded at all.
    public var graded: Bool
    /// "graded", or the one-line reason the copy could not be.
    public var gradingStatus: String
    /// The verdicts by exercise id; a missing one counts as `not_run`.
    public var verdicts: [String: Verdict]
    /// Files the learner changed outside Exercises/*.swift (grading ignored them).
    public var changedIgnored: [String]
    /// Remarks on the grading, e.g. "grading was not sandboxed (bubblewrap is not installed)",
    /// or the compiler's first lines.
    public var notes: [String]
    /// Exercise id → where the exercise's function is in the learner's copy,
    /// as "Exercises/Chapter03.swift:42".
    public var locations: [String: String]

    /// A learner's result; the collections default to empty.
    public init(learner: String, source: String, graded: Bool = true, gradingStatus: String = "graded",
                verdicts: [String: Verdict] = [:], changedIgnored: [String] = [], notes: [String] = [],
                locations: [String: String] = [:]) {
        self.learner = learner
        self.source = source
        self.graded = graded
        self.gradingStatus = gradingStatus
        self.verdicts = verdicts
        self.changedIgnored = changedIgnored
        self.notes = notes
        self.locations = locations
    }

    /// The verdict on `exercise`; a `not_run` one (message "not run: …") when grading left none.
    public func verdict(for exercise: ExerciseInfo) -> Verdict {
        if let verdict = verdicts[exercise.id] { return verdict }
        let reason = graded
            ? "not run: the check gave no verdict (the run stopped before it)"
            : "not run: the copy could not be graded (\(gradingStatus))"
        return Verdict(exercise: exercise.id, name: exercise.name, status: .notRun, message: reason)
    }

    /// The points earned: those of the passed exercises only.
    public func score(_ exercises: [ExerciseInfo]) -> Double {
        exercises.reduce(0) { $0 + (verdict(for: $1).status == .passed ? $1.points : 0) }
    }

    /// The points `exercises` are worth together (the same for every learner).
    public func maxScore(_ exercises: [ExerciseInfo]) -> Double {
        exercises.maxScore
    }

    /// Where to look in the learner's copy for `exercise`: the crash's place when the
    /// verdict has one, else the exercise's function.
    public func location(for exercise: ExerciseInfo) -> String? {
        verdict(for: exercise).location ?? locations[exercise.id]
    }
}

extension Sequence where Element == ExerciseInfo {
    /// The points these exercises are worth together.
    public var maxScore: Double {
        reduce(0) { $0 + $1.points }
    }
}

extension Verdict.Status {
    /// The status in words, as "wrong value" for `wrong_value`.
    public var words: String {
        rawValue.replacingOccurrences(of: "_", with: " ")
    }

    /// True for the statuses where the learner tried and the answer is wrong (not
    /// `passed`, `not_started` or `not_run`).
    public var isFailure: Bool {
        switch self {
        case .passed, .notStarted, .notRun: false
        case .wrongValue, .wrongShape, .nonFinite, .threw, .crashed, .timedOut, .compileError: true
        }
    }
}
