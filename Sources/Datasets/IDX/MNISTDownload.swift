// MNISTDownload.swift — fetch the four .gz files of MNIST or Fashion-MNIST once, and check them.
//
// The files come from the mirrors the datasets' maintainers document (yann.lecun.com
// itself now refuses downloads): for MNIST the PyTorch mirror on S3 and the
// cvdf-datasets bucket, for Fashion-MNIST Zalando's S3 website. Each file is tried on
// each mirror in turn, written to a temporary file in the target directory and renamed
// into place only once its size (the known compressed size) and its IDX header (type,
// rank, number of items) are right — an interrupted download never leaves a damaged
// file under the real name. Files already present and valid are skipped.
//
// The transfer runs `curl` (or `wget` when there is no curl) as a child process.
// Foundation's URLSession would need FoundationNetworking, which links libcurl into
// every program that uses the kit; the command-line tools are on every machine that
// can reach the internet anyway.

import Foundation

extension MNIST {
    /// The mirrors of `kind`, tried in this order; each ends with "/".
    public static func mirrors(_ kind: MNISTKind) -> [String] {
        switch kind {
        case .mnist:
            return ["https://ossci-datasets.s3.amazonaws.com/mnist/",
                    "https://storage.googleapis.com/cvdf-datasets/mnist/"]
        case .fashionMNIST:
            return ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
        }
    }

    /// The size in bytes of each published `.gz` file of `kind`, by file name.
    public static func compressedSizes(_ kind: MNISTKind) -> [String: Int] {
        switch kind {
        case .mnist:
            return ["train-images-idx3-ubyte.gz": 9_912_422, "train-labels-idx1-ubyte.gz": 28_881,
                    "t10k-images-idx3-ubyte.gz": 1_648_877, "t10k-labels-idx1-ubyte.gz": 4_542]
        case .fashionMNIST:
            return ["train-images-idx3-ubyte.gz": 26_421_880, "train-labels-idx1-ubyte.gz": 29_515,
                    "t10k-images-idx3-ubyte.gz": 4_422_102, "t10k-labels-idx1-ubyte.gz": 5_148]
        }
    }

    /// Where the kit keeps downloaded datasets: `$XDG_CACHE_HOME/diffusion-kit/<kind>`,
    /// or `~/.cache/diffusion-kit/<kind>` when `XDG_CACHE_HOME` is not set
    /// (`<kind>` is `mnist` or `fashion-mnist`).
    public static func defaultCacheDirectory(_ kind: MNISTKind) -> String {
        join(kitCacheDirectory, kind.rawValue)
    }

    /// The kit's folder in the user's cache: `$XDG_CACHE_HOME/diffusion-kit`, or
    /// `~/.cache/diffusion-kit` when `XDG_CACHE_HOME` is not set or not absolute. The
    /// datasets' folders and the classifiers trained on them live here; setting
    /// `XDG_CACHE_HOME` moves all of it (tests point it at a temporary folder).
    public static var kitCacheDirectory: String {
        let environment = ProcessInfo.processInfo.environment
        let cache: String
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {   // the XDG spec ignores relative paths
            cache = xdg
        } else {
            let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
            cache = join(home, ".cache")
        }
        return join(cache, "diffusion-kit")
    }

    /// Downloads the four `.gz` files of `kind` into `directory` (created if needed),
    /// skipping those already there and valid (raw or gzipped).
    ///
    /// Each file is tried on each of `mirrors(kind)` in turn with `curl` (or `wget`),
    /// saved to a temporary file, checked (size, then IDX header: type, rank and number
    /// of items) and renamed into place.
    /// - Parameter progress: called with one line per step ("downloading … from …").
    /// - Throws: `DatasetError.downloadFailed` naming the URLs tried, why each failed,
    ///   and the directory to place the file in by hand; `.cannotWrite` when the
    ///   directory cannot be created.
    public static func download(_ kind: MNISTKind, into directory: String,
                                progress: ((String) -> Void)? = nil) throws(DatasetError) {
        let sizes = compressedSizes(kind)
        var files: [(name: String, expected: Expected)] = []
        for split in MNISTSplit.allCases {
            for (name, rank) in [(split.imagesFileName, 3), (split.labelsFileName, 1)] {
                files.append((name, Expected(size: sizes[name + ".gz"]!, rank: rank, count: split.itemCount)))
            }
        }
        try download(files, from: mirrors(kind), into: directory, progress: progress)
    }

    /// Fetches `name.gz` for each of `files` from the first of `mirrors` that serves a
    /// valid copy, unless `name` or `name.gz` is already valid in `directory`.
    static func download(_ files: [(name: String, expected: Expected)], from mirrors: [String],
                         into directory: String, progress: ((String) -> Void)? = nil) throws(DatasetError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .cannotWrite(path: directory, reason: reason(error))
        }
        for (name, expected) in files {
            if let present = validCopy(of: name, in: directory, expected: expected) {
                progress?("\(present) is already there")
                continue
            }
            try fetch(name + ".gz", from: mirrors, into: directory, expected: expected, progress: progress,
                      needed: files.map { $0.name + ".gz" })
        }
    }

    /// What a valid file holds: its compressed size, and its header's rank and item count.
    struct Expected {
        let size: Int
        let rank: Int
        let count: Int
    }

    /// The path of a valid `name` or `name.gz` already in `directory`, or nil.
    private static func validCopy(of name: String, in directory: String, expected: Expected) -> String? {
        let raw = join(directory, name), gz = raw + ".gz"
        if fileExists(raw).exists, problem(with: raw, expected: expected, compressedSize: false) == nil { return raw }
        if fileExists(gz).exists, problem(with: gz, expected: expected, compressedSize: true) == nil { return gz }
        return nil
    }

    /// Why the file at `path` is not the expected dataset file, or nil when it is.
    static func problem(with path: String, expected: Expected, compressedSize: Bool) -> String? {
        if compressedSize, let size = fileSize(path), size != expected.size {
            return "got \(size) bytes, expected \(expected.size)"
        }
        do {
            let file = try IDXFile(contentsOf: path)
            try file.requireRank(expected.rank)
            guard file.count == expected.count else {
                return DatasetError.wrongCount(path: path, expected: expected.count, actual: file.count).description
            }
            return nil
        } catch {
            return error.description
        }
    }

    /// Tries each mirror in turn for `file`, renaming a checked download into place.
    private static func fetch(_ file: String, from mirrors: [String], into directory: String,
                              expected: Expected, progress: ((String) -> Void)?,
                              needed: [String]) throws(DatasetError) {
        let destination = join(directory, file)
        let temporary = join(directory, ".\(file).part-\(ProcessInfo.processInfo.processIdentifier)")
        defer { unlink(temporary) }
        var attempts: [String] = []
        for mirror in mirrors {
            let url = mirror + file
            progress?("downloading \(file) from \(url)")
            if let failure = Transfer.run(url: url, to: temporary) {
                attempts.append("\(url): \(failure)")
                continue
            }
            if let bad = problem(with: temporary, expected: expected, compressedSize: true) {
                attempts.append("\(url): \(bad)")
                continue
            }
            guard rename(temporary, destination) == 0 else {
                throw .cannotWrite(path: destination, reason: systemError())
            }
            progress?("saved \(destination)")
            return
        }
        throw .downloadFailed(file: file, directory: directory, attempts: attempts, needed: needed)
    }

    /// A Foundation error's message.
    private static func reason(_ error: any Error) -> String {
        (error as NSError).localizedDescription
    }
}
