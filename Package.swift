// swift-tools-version: 6.1
// The diffusion kit: a compiled, tested, notebook-style course on diffusion models.
//
// Sections: system libraries · library · chapters · exercises · tools · tests.
import PackageDescription

/// The numeric modules are compiled with optimisation in the debug configuration too:
/// learners type `swift run chapterNN` and `swift test`, not `-c release`, and an
/// unoptimised Swift loop kernel runs about 100× slower. (Unsafe flags are fine here:
/// the kit is a root package, never a dependency.)
/// On x86_64 the kernels may also use AVX2 and FMA (every x86_64 CPU since 2013 has
/// them): the vectorised `exp` of SiLU runs about twice as fast. Set
/// `KIT_PORTABLE_BUILD=1` when building for an older processor.
let targetCPU: [String] = {
    #if arch(x86_64)
    return Context.environment["KIT_PORTABLE_BUILD"] == nil ? ["-target-cpu", "haswell"] : []
    #else
    return []
    #endif
}()
let optimized: [SwiftSetting] = [.unsafeFlags(["-O", "-enforce-exclusivity=unchecked"] + targetCPU)]

/// Settings of the chapter executables.
let chapterSettings: [SwiftSetting] = [.swiftLanguageMode(.v5)]

let package = Package(
    name: "DiffusionKit",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "DiffusionKit", targets: ["DiffusionKit"]),
        .executable(name: "kit-bench", targets: ["kit-bench"]),
        .executable(name: "kit-pretrain", targets: ["kit-pretrain"]),
        .executable(name: "kit-grade", targets: ["kit-grade"]),
    ],
    traits: [
        .trait(name: "Exercises", description: "Grade the learner's stubs in Exercises/ (the default)."),
        .trait(name: "Solutions", description: "Grade the worked solutions in Solutions/ (verifies the kit itself)."),
        .default(enabledTraits: ["Exercises"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // MARK: system libraries
        .systemLibrary(
            name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(
            name: "CPNG", path: "Sources/CPNG", pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),   // glibc mallopt (Linux)
        .systemLibrary(
            name: "CZlib", path: "Sources/CZlib",                     // gunzip for MNIST's .gz files
            providers: [.apt(["zlib1g-dev"])]),

        // MARK: library
        .target(name: "Tensors", dependencies: ["CBLAS", "CMalloc"], swiftSettings: optimized),
        .target(name: "Figures", dependencies: ["Tensors", "CPNG"], swiftSettings: optimized),
        .target(name: "NeuralNets", dependencies: ["Tensors", "CBLAS"], swiftSettings: optimized),
        .target(name: "Datasets", dependencies: ["Tensors", "CZlib"], swiftSettings: optimized),
        .target(name: "Diffusion", dependencies: ["Tensors", "NeuralNets"], swiftSettings: optimized),
        .target(name: "Metrics", dependencies: ["Tensors", "NeuralNets", "Datasets"], swiftSettings: optimized),
        .target(
            name: "Notebook",
            dependencies: ["Figures", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .target(name: "DiffusionKit", dependencies: ["Tensors", "NeuralNets", "Figures", "Datasets", "Diffusion", "Metrics", "Notebook"]),

        // MARK: chapters
        // Each chapter is an executable whose main.swift is the notebook.
        // They use the Swift 5 language mode: a notebook's top-level code shares its
        // variables with small helper functions, which Swift 6's main-actor checking
        // of top-level code would reject.
        .executableTarget(name: "chapter01", dependencies: ["DiffusionKit", "Exercises"],
                          path: "Chapters/01-forward-process", swiftSettings: chapterSettings),
        .executableTarget(name: "chapter02", dependencies: ["DiffusionKit", "Exercises"],
                          path: "Chapters/02-noise-schedules", swiftSettings: chapterSettings),
        .executableTarget(name: "chapter03", dependencies: ["DiffusionKit", "Exercises"],
                          path: "Chapters/03-unet", swiftSettings: chapterSettings),
        .executableTarget(name: "chapter04", dependencies: ["DiffusionKit", "Exercises", .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          path: "Chapters/04-training", swiftSettings: chapterSettings),
        .executableTarget(name: "chapter05", dependencies: ["DiffusionKit", "Exercises", .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          path: "Chapters/05-ddpm-sampling", swiftSettings: chapterSettings),
        .executableTarget(name: "chapter06", dependencies: ["DiffusionKit", "Exercises", .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          path: "Chapters/06-ddim", swiftSettings: chapterSettings),
        .executableTarget(name: "chapter07", dependencies: ["DiffusionKit", "Exercises", .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          path: "Chapters/07-score-based", swiftSettings: chapterSettings),
        .executableTarget(name: "chapter08", dependencies: ["DiffusionKit", "Exercises", .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          path: "Chapters/08-latent-diffusion", swiftSettings: chapterSettings),
        .executableTarget(name: "chapter09", dependencies: ["DiffusionKit", "Exercises", .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          path: "Chapters/09-classifier-free-guidance", swiftSettings: chapterSettings),

        // MARK: exercises
        .target(name: "Exercises", dependencies: ["DiffusionKit"], path: "Exercises"),
        .target(name: "Solutions", dependencies: ["DiffusionKit"], path: "Solutions"),

        // MARK: tools
        .executableTarget(
            name: "kit-bench", dependencies: ["Tensors", "NeuralNets", "Datasets", "Diffusion", "Metrics", "CBLAS"], path: "Sources/kit-bench",
            exclude: ["realism_sklearn.py", "mnist_sample_idx.py"],   // python3 helpers of the realism cases
            swiftSettings: optimized),
        // Produces the weights in Pretrained/ (see the README for the exact commands).
        .executableTarget(
            name: "kit-pretrain",
            dependencies: ["DiffusionKit", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Sources/kit-pretrain", swiftSettings: optimized),
        // The instructor's grader: learners' copies → Gradescope results, a gradebook, feedback.
        .target(name: "Grading"),
        .executableTarget(
            name: "kit-grade",
            dependencies: ["Grading", "Notebook", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Sources/kit-grade"),

        // MARK: tests
        .testTarget(name: "TensorsTests", dependencies: ["Tensors"]),
        .testTarget(name: "FiguresTests", dependencies: ["Figures", "Tensors"]),
        // Its Fixtures/ (PyTorch weights, inputs, outputs, gradients) are read through #filePath.
        .testTarget(name: "NeuralNetsTests", dependencies: ["NeuralNets", "Tensors"], exclude: ["Fixtures"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "Tensors", "Figures"]),
        .testTarget(name: "DiffusionTests", dependencies: ["Diffusion", "Tensors", "NeuralNets"]),
        .testTarget(name: "MetricsTests", dependencies: ["Metrics", "Datasets", "NeuralNets", "Tensors"]),
        .testTarget(name: "NotebookTests", dependencies: ["Notebook"]),
        .testTarget(name: "GradingTests", dependencies: ["Grading"]),
        // Runs every chapter with --quick (the executables are built for it).
        .testTarget(name: "ChaptersTests", dependencies: ["Figures", "Diffusion", "Datasets", "Metrics", "chapter01", "chapter02", "chapter03", "chapter04", "chapter05", "chapter06", "chapter07", "chapter08", "chapter09"]),
        // The grader: checks the learner's Exercises by default, the Solutions with
        // `--traits Solutions`.
        .testTarget(
            name: "ExerciseChecks",
            dependencies: [
                "DiffusionKit", "Grading",
                .target(name: "Exercises", condition: .when(traits: ["Exercises"])),
                .target(name: "Solutions", condition: .when(traits: ["Solutions"])),
            ]),
    ]
)

/// `KIT_ONLY=A,B,…` keeps only the named targets and the products made of them.
/// kit-grade builds its grading workspace this way, with the library, the exercises
/// and the grader only (see Sources/Grading/Workspace.swift).
if let only = Context.environment["KIT_ONLY"] {
    let kept = Set(only.split(separator: ",").map { String($0) })
    package.targets = package.targets.filter { kept.contains($0.name) }
    for target in package.targets {
        target.dependencies = target.dependencies.filter { dependency in
            switch dependency {
            case .targetItem(let name, _), .byNameItem(let name, _): return kept.contains(name)
            default: return true
            }
        }
    }
    package.products = package.products.filter { product in
        product.name == "DiffusionKit" ? kept.contains("DiffusionKit") : kept.contains(product.name)
    }
}
