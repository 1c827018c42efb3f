// The weave: splitting Playground markup into prose and cells, and placing outputs.

import Testing
@testable import Notebook

@Suite("Weave")
struct WeaveTests {
    let source = """
        import Foo
        /*:
         # Title
         Some *prose* with $x_t$.
         */
        let a = 1

        nb.print("a")
        //: ## Section
        //: more prose
        let b = 2
        /*: one-line prose */
        """

    @Test("splits prose blocks, //: lines and code cells with their line numbers")
    func segments() {
        let s = Weave.segments(of: source)
        #expect(s == [
            .code(firstLine: 1, lastLine: 1, text: "import Foo"),
            .prose("# Title\nSome *prose* with $x_t$."),
            .code(firstLine: 6, lastLine: 8, text: "let a = 1\n\nnb.print(\"a\")"),
            .prose("## Section\nmore prose"),
            .code(firstLine: 11, lastLine: 11, text: "let b = 2"),
            .prose("one-line prose"),
        ])
    }

    @Test("outputs follow the cell that made them, text merged, figures as images")
    func placement() {
        let md = Weave.markdown(segments: Weave.segments(of: source), outputs: [
            (8, .text("hello")), (8, .text("world")), (11, .figure(file: "f.png", caption: "A figure")),
            (7, .table(header: ["t", "ᾱ"], rows: [["0", "0.9999"]])),
        ])
        #expect(md.contains("```swift\nlet a = 1\n\nnb.print(\"a\")\n```\n\n```text\nhello\nworld\n```\n\n| t | ᾱ |\n|---|---|\n| 0 | 0.9999 |"))
        #expect(md.contains("```swift\nlet b = 2\n```\n\n![A figure](f.png)\n\none-line prose"))
        #expect(md.hasPrefix("```swift\nimport Foo\n```\n\n# Title"))
    }

    @Test("headings in prose are found with their lines")
    func headings() {
        let h = Notebook.proseHeadings(source)
        #expect(h.map(\.line) == [3, 9])
        #expect(h.map(\.text) == ["# Title", "## Section"])
    }
}
