/*:
 # Chapter 06 — DDIM
 */
import DiffusionKit
import Exercises

let nb = Notebook(chapter: 6, title: "DDIM")
nb.finish()
