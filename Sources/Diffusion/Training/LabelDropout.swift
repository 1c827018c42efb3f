// LabelDropout.swift — training one network for both p(x | c) and p(x) (Ho & Salimans 2022).
//
// Classifier-free guidance needs the conditional prediction ε(x_t, t, c) and the
// unconditional one ε(x_t, t, ∅) from the same network. Training makes both by
// replacing each label with the null label ∅ (index `classes`) with probability p:
//
//     y_i ← ∅  if u_i < p,   u_i ~ Uniform[0, 1)     (p = 0.1; Ho & Salimans found 0.1–0.2 best)
//
// The uniforms are drawn by the caller, so a step is reproducible and the rule testable.

/// The labels with each `labels[i]` replaced by `nullLabel` where `uniforms[i] < probability`.
/// - Parameters:
///   - uniforms: one draw from [0, 1) per label.
///   - probability: p ∈ [0, 1]; 0 keeps every label, 1 drops them all.
public func dropLabels(_ labels: [Int], uniforms: [Float], probability: Float, nullLabel: Int) -> [Int] {
    precondition(labels.count == uniforms.count, "dropLabels: \(labels.count) labels but \(uniforms.count) uniforms")
    precondition(probability >= 0 && probability <= 1, "dropLabels: probability must be in [0, 1], got \(probability)")
    return zip(labels, uniforms).map { label, u in u < probability ? nullLabel : label }
}
