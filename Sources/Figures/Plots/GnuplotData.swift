// GnuplotData.swift — the NAME.dat file: one block of numbers per layer.
//
// gnuplot reads whitespace-separated columns. Blocks are separated by two blank
// lines and picked with `index N` (counting from 0); within a block, one blank line
// ends a scan line, which `with image` needs to see the rows of a grid. Every block
// starts with comment lines saying what it is and what its columns mean, so the file
// can be read, checked or reused on its own:
//
//   # index 0: panel 1 'Loss', series 'train'
//   # columns: step loss
//   0.0 0.6931
//   …

/// The text of a figure's data file, built one block at a time.
struct GnuplotDataFile {
    /// The file's text so far.
    private(set) var text: String
    /// How many blocks have been added (the next block's index).
    private(set) var blockCount = 0

    /// An empty data file for the figure `name`, with a header comment.
    init(name: String) {
        text = """
        # \(name).dat — data for \(name).gp, written by the diffusion kit's Figures module.
        # Blocks are separated by two blank lines and selected in the script with `index N`.
        # In a heat map block, a single blank line ends each row of the grid.

        """
    }

    /// Appends a block of rows (each an array of `columns.count` numbers) and returns
    /// its index. With `rowLength`, a blank line follows every `rowLength` rows
    /// (the scan lines of a grid).
    mutating func addBlock(describing description: String, columns: [String],
                           rows: [[Double]], rowLength: Int? = nil) -> Int {
        if blockCount > 0 { text += "\n\n" }
        text += "# index \(blockCount): \(oneLine(description))\n"
        text += "# columns: \(columns.joined(separator: " "))\n"
        for (i, row) in rows.enumerated() {
            if let rowLength, i > 0, i % rowLength == 0 { text += "\n" }
            text += row.map(gnuplotNumber).joined(separator: " ")
            text += "\n"
        }
        blockCount += 1
        return blockCount - 1
    }

    /// `text` with line breaks replaced by spaces, for a comment line.
    private func oneLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }
}
