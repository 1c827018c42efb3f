// Selection.swift — which implementation the grader checks.
//
// `swift test` (the default trait, `Exercises`) grades the learner's stubs;
// `swift test --traits Solutions` grades the shipped solutions, to verify the kit.

#if Solutions
import Solutions
typealias Ch01 = Solutions.Chapter01
typealias Ch02 = Solutions.Chapter02
typealias Ch03 = Solutions.Chapter03
typealias Ch04 = Solutions.Chapter04
typealias Ch05 = Solutions.Chapter05
typealias Ch06 = Solutions.Chapter06
typealias Ch07 = Solutions.Chapter07
typealias Ch08 = Solutions.Chapter08
typealias Ch09 = Solutions.Chapter09
/// Where the graded code lives, for messages.
let gradedFolder = "Solutions"
#else
import Exercises
typealias Ch01 = Exercises.Chapter01
typealias Ch02 = Exercises.Chapter02
typealias Ch03 = Exercises.Chapter03
typealias Ch04 = Exercises.Chapter04
typealias Ch05 = Exercises.Chapter05
typealias Ch06 = Exercises.Chapter06
typealias Ch07 = Exercises.Chapter07
typealias Ch08 = Exercises.Chapter08
typealias Ch09 = Exercises.Chapter09
/// Where the graded code lives, for messages.
let gradedFolder = "Exercises"
#endif
