// Series.swift — one named set of (x, y) points: a curve or a point cloud.

import Foundation
import Tensors

/// One named set of (x, y) points, drawn as a line, as points, or both.
///
/// Values are stored as `Double`; non-finite values (NaN, ±∞) are written as gaps
/// (gnuplot leaves the point out and breaks the line there).
public struct Series: Sendable {
    /// How the points are drawn.
    public enum Style: Sendable {
        /// A line through the points, in order.
        case lines
        /// A small filled circle at each point.
        case points
        /// Both a line and a circle at each point.
        case linesPoints
    }

    /// The name in the legend; empty for none.
    public var title: String
    /// The x coordinates.
    public var x: [Double]
    /// The y coordinates (as many as `x`).
    public var y: [Double]
    /// How the points are drawn.
    public var style: Style
    /// A colour as `#RRGGBB` (or `#AARRGGBB`, where AA is transparency); `nil` takes
    /// the next colour of the plot's palette.
    public var color: String?
    /// Line width in points (for `.lines` and `.linesPoints`).
    public var lineWidth: Double
    /// Point size relative to gnuplot's default (for `.points` and `.linesPoints`).
    public var pointSize: Double

    /// A series from x and y coordinates of any floating-point type.
    public init<X: BinaryFloatingPoint, Y: BinaryFloatingPoint>(
        _ title: String = "", x: [X], y: [Y], style: Style = .lines, color: String? = nil,
        lineWidth: Double = 2, pointSize: Double = 0.5
    ) {
        self.title = title
        self.x = x.map { Double($0) }
        self.y = y.map { Double($0) }
        self.style = style
        self.color = color
        self.lineWidth = lineWidth
        self.pointSize = pointSize
    }

    /// A series of y values at x = 0, 1, 2, … (a loss curve by step, say).
    public init<Y: BinaryFloatingPoint>(
        _ title: String = "", y: [Y], style: Style = .lines, color: String? = nil,
        lineWidth: Double = 2, pointSize: Double = 0.5
    ) {
        self.init(title, x: y.indices.map { Double($0) }, y: y, style: style, color: color,
                  lineWidth: lineWidth, pointSize: pointSize)
    }

    /// A point cloud from a tensor of 2-D points `[N, 2]` (column 0 is x, column 1 is y),
    /// such as a batch of the 2-D toy datasets. Drawn as points by default.
    /// - Throws: `FigureError.badImageShape` when `points` is not `[N, 2]`.
    public init(_ title: String = "", points: Tensor, style: Style = .points, color: String? = nil,
                lineWidth: Double = 2, pointSize: Double = 0.5) throws {
        guard points.rank == 2, points.shape[1] == 2 else {
            throw FigureError.badImageShape(function: "Series(points:)", shape: points.shape,
                                            expected: "2-D points [N, 2]")
        }
        let n = points.shape[0]
        self.init(title, x: (0..<n).map { points.scalars[2 * $0] }, y: (0..<n).map { points.scalars[2 * $0 + 1] },
                  style: style, color: color, lineWidth: lineWidth, pointSize: pointSize)
    }

    /// The curve y = f(x) sampled at `samples` evenly spaced points of `domain`,
    /// ends included — for a reference curve such as a density.
    public static func function(_ title: String = "", over domain: ClosedRange<Double>, samples: Int = 200,
                                color: String? = nil, lineWidth: Double = 2,
                                _ f: (Double) -> Double) -> Series {
        let n = max(samples, 2)
        let step = (domain.upperBound - domain.lowerBound) / Double(n - 1)
        let xs = (0..<n).map { $0 == n - 1 ? domain.upperBound : domain.lowerBound + Double($0) * step }
        return Series(title, x: xs, y: xs.map(f), style: .lines, color: color, lineWidth: lineWidth)
    }

    /// The standard normal density φ(x) = exp(−x²/2) / √(2π) over −4…4, the usual
    /// reference curve over a histogram of values that should be N(0, 1).
    public static func standardNormalDensity(_ title: String = "N(0, 1)", over domain: ClosedRange<Double> = -4...4,
                                             color: String? = nil) -> Series {
        function(title, over: domain, color: color) { x in
            Foundation.exp(-0.5 * x * x) / (2 * Double.pi).squareRoot()
        }
    }
}
