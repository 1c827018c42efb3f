import DiffusionKit
let nb = Notebook(chapter: 5, title: "DDPM sampling")
nb.finish()
