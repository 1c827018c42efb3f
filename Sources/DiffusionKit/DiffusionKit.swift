// The umbrella module: one `import DiffusionKit` gives a chapter the whole kit.
// It re-exports the library modules and defines nothing of its own.
@_exported import Tensors
@_exported import NeuralNets
@_exported import Figures
@_exported import Datasets
@_exported import Diffusion
@_exported import Metrics
@_exported import Notebook
