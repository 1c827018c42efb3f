// The umbrella module: one `import DiffusionKit` gives a chapter the whole kit.
// It re-exports the library modules and Notebook, and holds the little that joins
// the library to the presentation layer (no library module imports Notebook):
// TrainingProgressBar.swift (the training loop's progress as a progress bar) and
// ChapterModels.swift (the chapters' model loaders, which exit with one line).
@_exported import Tensors
@_exported import NeuralNets
@_exported import Figures
@_exported import Datasets
@_exported import Diffusion
@_exported import Metrics
@_exported import Notebook
