// NotebookFigures.swift — figures that land in the output folder and in notebook.md.
//
// Each helper writes its files into the chapter's output folder, prints one line,
// and records the figure under the calling source line so the weave shows it
// after the cell that made it. A figure that cannot be written stops the chapter
// with a message naming the path (never a stack trace).

import Figures
import Tensors

extension Notebook {
    /// Writes one image (`[H, W]`, `[1, H, W]` or `[3, H, W]`) as `name`.png, values
    /// in `range` mapped to black…white, and shows it in the notebook.
    public func image(_ image: Tensor, name: String, caption: String,
                      range: ClosedRange<Float> = -1...1, line: Int = #line) {
        let file = name + ".png"
        attempt(file) { try writePNG(image, to: path(file), range: range) }
        recordFigure(file: file, caption: caption, line: line)
    }

    /// Writes a batch `[N, C, H, W]` as one contact sheet `name`.png (each image
    /// enlarged `scale` times, `columns` per row) and shows it in the notebook.
    public func images(_ batch: Tensor, name: String, caption: String, columns: Int? = nil,
                       scale: Int = 3, padding: Int = 2, range: ClosedRange<Float> = -1...1, line: Int = #line) {
        let file = name + ".png"
        attempt(file) {
            try writeImageGrid(batch, to: path(file), columns: columns, padding: padding, scale: scale, range: range)
        }
        recordFigure(file: file, caption: caption, line: line)
    }

    /// Writes a plot as `name`.gp + `name`.dat, renders `name`.png with gnuplot when
    /// installed, and shows it in the notebook (or a note on how to render it).
    public func plot(_ plot: Plot, name: String, caption: String, width: Int = 640, height: Int = 420,
                     line: Int = #line) {
        figure(Figure([plot], panelWidth: width, panelHeight: height), name: name, caption: caption, line: line)
    }

    /// Writes a multi-panel figure (see `plot`).
    public func figure(_ figure: Figure, name: String, caption: String, line: Int = #line) {
        let files = attempt(name + ".gp") { try figure.write(name: name, in: outputDirectory.path) }
        if let image = files?.image {
            recordFigure(file: String(image.split(separator: "/").last ?? Substring(image)), caption: caption, line: line)
        } else {
            note("\(caption): gnuplot is not installed, so only \(name).gp and \(name).dat were written — render with `gnuplot \(name).gp` in this folder", line: line)
        }
    }

    /// Runs a figure-writing step; a failure stops the chapter with a clear message.
    @discardableResult
    private func attempt<T>(_ file: String, _ body: () throws -> T) -> T? {
        do {
            return try body()
        } catch {
            Notebook.exitWithError("could not write the figure \(path(file)): \(error)", code: 73)
        }
    }
}
