// FileErrorTests.swift — paths that cannot be written are named in the error.

import Figures
import Foundation
import Tensors
import Testing

@Suite struct FileErrorTests {
    let image = Tensor(shape: [2, 2], scalars: [-1, 0, 0.5, 1])

    @Test func parentThatIsAFileIsNamed() throws {
        try withTemporaryFolder { folder in
            let file = folder + "/plain.txt"
            try Data("x".utf8).write(to: URL(fileURLWithPath: file))
            let path = file + "/deeper/image.png"
            #expect { try writePNG(image, to: path) } throws: { error in
                guard case FigureError.cannotWrite(let named, _) = error else { return false }
                return named == path && "\(error)".contains(path) && "\(error)".contains("not a folder")
            }
            #expect { try Plot.lines([Series(y: [1.0, 2])]).write(name: "p", in: file, render: false) } throws: {
                "\($0)".contains(file + "/p.")
            }
        }
    }

    @Test func unwritableSystemPathIsNamed() {
        let path = "/proc/figures-test-\(UUID().uuidString).png"
        #expect { try writePNG(image, to: path) } throws: { "\($0)".contains(path) }
    }

    @Test func aFolderInTheWayIsNamed() throws {
        try withTemporaryFolder { folder in
            try FileManager.default.createDirectory(atPath: folder + "/taken.png", withIntermediateDirectories: false)
            #expect { try writePNG(image, to: folder + "/taken.png") } throws: { "\($0)".contains(folder + "/taken.png") }
            // The temporary file was cleaned up.
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["taken.png"])
        }
    }

    @Test func missingFoldersAreCreated() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/a/b/c/image.png"
            try writePNG(image, to: path)
            #expect(FileManager.default.fileExists(atPath: path))
            let files = try Plot.lines([Series(y: [1.0, 2])]).write(name: "p", in: folder + "/x/y", render: false)
            #expect(FileManager.default.fileExists(atPath: files.script))
        }
    }
}
