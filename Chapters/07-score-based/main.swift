/*:
 # Chapter 07 — DDIM
 */
import DiffusionKit
import Exercises

let nb = Notebook(chapter: 7, title: "The score-based view")
nb.finish()
