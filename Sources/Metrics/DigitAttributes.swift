// DigitAttributes.swift — a digit's style read from its pixels: slant, stroke
// thickness, and the size of its bounding box.
//
// For an image x [H, W] in [−1, 1], the ink of a pixel is its intensity
//
//     q = clamp((x + 1)/2, 0, 1)          0 = background, 1 = full ink
//
// and a pixel is "inked" when q > 0.5 (x > 0).
//
// Slant — the shear of MNIST's deskewing, from ink-weighted image moments. With row r
// increasing downwards, column c to the right, and weights q:
//
//     r̄ = Σ q r / Σ q,    c̄ = Σ q c / Σ q
//     Var(r) = Σ q (r − r̄)² / Σ q,    Cov(c, r) = Σ q (c − c̄)(r − r̄) / Σ q
//     slant = −Cov(c, r) / Var(r)
//
// the slope dc/d(−r) of the least-squares line c = c̄ − slant·(r − r̄) through the ink:
// how many columns the stroke moves right per row it rises. An upright "|" has slant
// 0, a stroke leaning right "/" (top to the right of its bottom) is positive, "\" is
// negative; 1 is a 45° lean. (Deskewing shears by this amount to make the digit upright.)
// 0 when there is no ink or the ink lies in a single row (Var(r) = 0).
//
// Thickness — the mean length, in pixels, of the maximal horizontal runs of inked
// pixels, over all rows: (inked pixels) / (number of runs). For a vertical stroke it
// is the stroke's width; horizontal strokes (the bar of a 7, the top of a 5) count
// their full length and pull it up, so compare it between sets of the same digits,
// not as an absolute pen width. 0 for an empty image.
//
// Width and height — the size, in pixels, of the bounding box of the inked pixels:
// (last − first + 1) inked column and row. 0 for an empty image.
//
// Guidance tends to make samples more uniform: `spread` gives the standard deviation
// of slant and thickness within each class, to compare with the data's.

import Tensors

/// A digit's style measured from its pixels: slant, stroke thickness, and the
/// width and height of its inked bounding box. See `DigitAttributes.swift`.
public struct DigitAttributes: Sendable, Equatable {
    /// The shear −Cov(column, row)/Var(row) of the ink-weighted pixels, row counted
    /// downwards: 0 upright, positive leaning right ("/"), negative leaning left ("\");
    /// in columns per row. 0 for an empty image.
    public let slant: Double
    /// The mean length, in pixels, of the maximal horizontal runs of inked pixels
    /// (q > 0.5) over all rows: a vertical stroke's width. 0 for an empty image.
    public let thickness: Double
    /// The number of columns spanned by the inked pixels (0 for an empty image).
    public let width: Int
    /// The number of rows spanned by the inked pixels (0 for an empty image).
    public let height: Int

    /// Attributes given directly.
    public init(slant: Double, thickness: Double, width: Int, height: Int) {
        self.slant = slant
        self.thickness = thickness
        self.width = width
        self.height = height
    }

    /// The attributes of each image of `images` `[N, 1, H, W]` (values in [−1, 1];
    /// ink is (x + 1)/2, inked means x > 0).
    public static func measure(_ images: Tensor) -> [DigitAttributes] {
        precondition(images.rank == 4 && images.shape[1] == 1,
                     "DigitAttributes.measure: need grey images [N, 1, H, W], got \(images.shape)")
        let (n, h, w) = (images.shape[0], images.shape[2], images.shape[3])
        return images.scalars.withUnsafeBufferPointer { all in
            (0..<n).map { i in measure(UnsafeBufferPointer(rebasing: all[(i * h * w)..<((i + 1) * h * w)]),
                                       height: h, width: w) }
        }
    }

    /// The attributes of one image, `pixels` row-major `[H, W]`.
    static func measure(_ pixels: UnsafeBufferPointer<Float>, height h: Int, width w: Int) -> DigitAttributes {
        // Moments of the ink q, in Double.
        var (mass, sumR, sumC) = (0.0, 0.0, 0.0)
        var (sumRR, sumCR) = (0.0, 0.0)
        // Runs and bounding box of inked pixels.
        var (inked, runs) = (0, 0)
        var (top, bottom, left, right) = (h, -1, w, -1)
        for r in 0..<h {
            var inRun = false
            for c in 0..<w {
                let q = Double(min(max((pixels[r * w + c] + 1) / 2, 0), 1))
                if q > 0 {
                    let (dr, dc) = (Double(r), Double(c))
                    mass += q; sumR += q * dr; sumC += q * dc
                    sumRR += q * dr * dr; sumCR += q * dc * dr
                }
                let isInked = q > 0.5
                if isInked {
                    inked += 1
                    if !inRun { runs += 1 }
                    top = min(top, r); bottom = max(bottom, r)
                    left = min(left, c); right = max(right, c)
                }
                inRun = isInked
            }
        }
        var slant = 0.0
        if mass > 0 {
            let (meanR, meanC) = (sumR / mass, sumC / mass)
            let varR = sumRR / mass - meanR * meanR          // raw moments are safe: coordinates are < H, W, so ≈ 1e-14 is lost
            let covCR = sumCR / mass - meanC * meanR
            if varR > 1e-9 { slant = -covCR / varR }
        }
        return DigitAttributes(slant: slant,
                               thickness: runs > 0 ? Double(inked) / Double(runs) : 0,
                               width: bottom >= 0 ? right - left + 1 : 0,
                               height: bottom >= 0 ? bottom - top + 1 : 0)
    }

    /// The standard deviation (unbiased, n − 1) of slant and of thickness within each
    /// class `0..<classes`, where `labels[i]` is the class of `values[i]`. A class with
    /// fewer than 2 items gives NaN for both (a spread is undefined there; it is not 0).
    public static func spread(_ values: [DigitAttributes], labels: [Int],
                              classes: Int) -> [(slant: Double, thickness: Double)] {
        precondition(labels.count == values.count,
                     "DigitAttributes.spread: \(labels.count) labels for \(values.count) values")
        precondition(classes > 0, "DigitAttributes.spread: classes must be positive, got \(classes)")
        var members = [[DigitAttributes]](repeating: [], count: classes)
        for (v, label) in zip(values, labels) {
            precondition((0..<classes).contains(label), "DigitAttributes.spread: label \(label) is outside 0..<\(classes)")
            members[label].append(v)
        }
        func standardDeviation(_ xs: [Double]) -> Double {
            guard xs.count >= 2 else { return .nan }
            let mean = xs.reduce(0, +) / Double(xs.count)
            return (xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(xs.count - 1)).squareRoot()
        }
        return members.map { (slant: standardDeviation($0.map(\.slant)),
                              thickness: standardDeviation($0.map(\.thickness))) }
    }
}
