import DiffusionKit
let nb = Notebook(chapter: 4, title: "Training")
nb.finish()
