// The learner's exercise stubs arrive with the chapters (Exercises/Chapter01.swift …).
// Each is a public function whose body only throws `NotImplemented("N.M")`.
import DiffusionKit
