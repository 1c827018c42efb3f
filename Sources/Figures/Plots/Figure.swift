// Figure.swift — plots in a grid of panels, written as a gnuplot script and its data.
//
// A figure is written as three files in one folder:
//
//   NAME.gp    the gnuplot script; `cd FOLDER && gnuplot NAME.gp` re-renders it
//              unchanged, so a learner can restyle a figure and run it again
//   NAME.dat   the data, one block per layer (blocks separated by two blank lines,
//              selected in the script with `index`), each with a comment header
//   NAME.png   the picture, rendered by running gnuplot when it is installed
//
// When gnuplot is not installed the scripts are still written, and one line per
// process says how to render them later.

/// Several plots arranged in a grid of panels (gnuplot's `multiplot layout`), such as
/// a row of scatter plots of the same data at t = 0, 100, 250, ….
public struct Figure: Sendable {
    /// The panels, filled row by row.
    public var plots: [Plot]
    /// Panels per row.
    public var columns: Int
    /// A title above all panels; empty for none.
    public var title: String
    /// The width of one panel in pixels.
    public var panelWidth: Int
    /// The height of one panel in pixels.
    public var panelHeight: Int
    /// The font size in points for titles, labels and tic marks.
    public var fontSize: Double

    /// A figure of `plots` in rows of `columns` panels (by default, all in one row).
    /// The picture is `columns · panelWidth` by `rows · panelHeight` pixels.
    public init(_ plots: [Plot], columns: Int? = nil, title: String = "",
                panelWidth: Int = 640, panelHeight: Int = 480, fontSize: Double = 11) {
        self.plots = plots
        self.columns = columns ?? max(plots.count, 1)
        self.title = title
        self.panelWidth = panelWidth
        self.panelHeight = panelHeight
        self.fontSize = fontSize
    }

    /// The number of rows of panels: ⌈plots / columns⌉.
    public var rows: Int { columns >= 1 && !plots.isEmpty ? (plots.count - 1) / columns + 1 : 0 }

    /// Writes `NAME.gp` and `NAME.dat` into `directory` (created when missing), and
    /// renders `NAME.png` by running gnuplot there when `render` is true and gnuplot
    /// is installed. Without gnuplot, prints once per process how to render later.
    ///
    /// The same figure always gives the same script and data, byte for byte.
    ///
    /// - Parameter name: the file name without extension: letters, digits, `-`, `_`
    ///   and `.`, not starting with `.` or `-`.
    /// - Returns: the paths written.
    /// - Throws: `FigureError.badPlotData` for invalid data or options,
    ///   `FigureError.cannotWrite` naming a path that cannot be written,
    ///   `FigureError.gnuplotFailed` with gnuplot's message when rendering fails.
    @discardableResult
    public func write(name: String, in directory: String, render: Bool = true) throws -> FigureFiles {
        let (script, data) = try GnuplotWriter.document(for: self, name: name)
        let folder = directory.isEmpty ? "." : directory
        let base = folder.hasSuffix("/") ? folder + name : folder + "/" + name
        try writeFileAtomically(data, to: base + ".dat")
        try writeFileAtomically(script, to: base + ".gp")

        guard render else { return FigureFiles(script: base + ".gp", data: base + ".dat", image: nil, warnings: "") }
        guard Gnuplot.isAvailable else {
            Gnuplot.noteMissingOnce(folder: folder)
            return FigureFiles(script: base + ".gp", data: base + ".dat", image: nil, warnings: "")
        }
        let warnings = try Gnuplot.run(script: name + ".gp", in: folder)
        return FigureFiles(script: base + ".gp", data: base + ".dat", image: base + ".png", warnings: warnings)
    }
}

/// The files a figure was written to.
public struct FigureFiles: Sendable, Equatable {
    /// The path of the gnuplot script, `DIR/NAME.gp`.
    public var script: String
    /// The path of the data file, `DIR/NAME.dat`.
    public var data: String
    /// The path of the rendered picture, `DIR/NAME.png`; `nil` when it was not rendered.
    public var image: String?
    /// What gnuplot printed on standard error while rendering successfully (warnings);
    /// empty when there were none or nothing was rendered.
    public var warnings: String
}
